//! Rebuilds: a page is rendered again only when something it shows changed, and the output
//! is always, byte for byte, what a build from scratch makes.

use std::collections::BTreeMap;

use souk::build::{BuildOptions, BuildReport, build};

use crate::harness::{TestSite, snapshot};

/// The HTML files that differ between two snapshots (changed, added or removed).
fn changed_pages(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| p.ends_with(".html") && before.get(*p) != after.get(*p))
        .cloned()
        .collect()
}

/// Rebuilds `site` over its previous output and checks that the result is what a clean build
/// (fresh output, fresh cache) makes. Returns the report and the pages whose bytes changed.
fn rebuild(site: &TestSite) -> (BuildReport, Vec<String>) {
    let before = snapshot(&site.output());
    let report = site.built().report;
    let after = snapshot(&site.output());

    let clean_dir = tempfile::tempdir().unwrap();
    let clean = build(&BuildOptions {
        output: Some(clean_dir.path().join("public")),
        cache_dir: Some(clean_dir.path().join("cache")),
        ..site.options()
    })
    .unwrap();
    assert_eq!(
        clean.pages_rendered,
        report.pages.iter().map(|p| p.1).sum::<usize>()
    );
    let expected = snapshot(&clean_dir.path().join("public"));
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(
            after[path] == *bytes,
            "{path} differs from a clean build's after the rebuild"
        );
    }
    (report, changed_pages(&before, &after))
}

/// The minimal fixture with a second product in the same category.
fn two_products() -> TestSite {
    let site = TestSite::minimal();
    let from = site.path("products/argan-oil");
    for file in ["product.yaml", "fr.md", "ar.md", "bottle.jpg"] {
        let bytes = std::fs::read(from.join(file)).unwrap();
        site.write(&format!("products/amlou/{file}"), bytes);
    }
    site.edit("products/amlou/product.yaml", "T-ARG", "T-AML")
        .edit("products/amlou/fr.md", "Huile d'argan", "Amlou")
        .edit("products/amlou/ar.md", "زيت أركان", "أملو")
        .edit("products/amlou/ar.md", "زيت-أركان", "أملو");
    site
}

/// Writes other bytes of the same length into `path`, in place, and gives it back its
/// modification time: the same stamp (size, time, inode), other content.
fn rewrite_keeping_stamp(path: &std::path::Path, byte: u8) {
    let meta = std::fs::metadata(path).unwrap();
    std::fs::write(path, vec![byte; meta.len() as usize]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
}

#[test]
fn a_rebuild_with_nothing_changed_renders_nothing() {
    let site = two_products();
    let first = site.built().report;
    assert_eq!(first.pages_rendered, 22);
    let (report, changed) = rebuild(&site);
    // The sources were written a moment before the first build: their stamps prove nothing
    // (see `sources_changed_within_the_same_clock_tick_are_read_again`), so every source was
    // read again, and the pages' fingerprints found nothing to render.
    assert!(!report.up_to_date);
    assert_eq!(report.pages_rendered, 0);
    assert_eq!(changed, Vec::<String>::new());
    assert!(
        report
            .summary()
            .starts_with("built 22 pages (fr 11, ar 11), 0 rendered, 22 unchanged, "),
        "{}",
        report.summary()
    );
}

#[test]
fn editing_a_products_markdown_renders_only_that_page() {
    let site = two_products();
    site.built();
    site.edit("products/amlou/fr.md", "Une huile", "Une pâte");
    let (report, changed) = rebuild(&site);
    assert_eq!(changed, ["products/amlou/index.html"]);
    assert_eq!(report.pages_rendered, 1);
}

#[test]
fn editing_a_price_renders_the_pages_that_show_it() {
    let site = two_products();
    site.built();
    site.edit("products/amlou/product.yaml", "1234.50", "99");
    let (report, changed) = rebuild(&site);
    // The product in both languages, every listing with its card (the home page's featured
    // products, the producer's page, the category and the "all products" list), and the
    // printed catalogue and labels.
    assert_eq!(
        changed,
        [
            "ar/catalogue/index.html",
            "ar/categories/oils/index.html",
            "ar/index.html",
            "ar/labels/index.html",
            "ar/producers/fatima/index.html",
            "ar/products/index.html",
            "ar/products/أملو/index.html",
            "catalogue/index.html",
            "categories/oils/index.html",
            "index.html",
            "labels/index.html",
            "producers/fatima/index.html",
            "products/amlou/index.html",
            "products/index.html",
        ]
    );
    assert_eq!(report.pages_rendered, changed.len());
}

#[test]
fn changing_the_site_settings_renders_every_page() {
    let site = two_products();
    site.built();
    site.edit(
        "souk.yaml",
        "contact@coop.example",
        "commandes@coop.example",
    );
    let (report, changed) = rebuild(&site);
    // Every page's footer shows the address, and the catalogue's cover: all but the labels,
    // which are rendered again (every template sees `site`) and come out the same.
    assert_eq!(changed.len(), 20);
    assert!(
        changed.iter().all(|p| !p.contains("labels/")),
        "{changed:?}"
    );
    assert_eq!(report.pages_rendered, 22);
    // The cooperative's French name is on French pages only.
    site.edit("souk.yaml", "Coopérative Test", "Coopérative Atlas");
    let (report, changed) = rebuild(&site);
    assert!(changed.iter().all(|p| !p.starts_with("ar/")), "{changed:?}");
    assert_eq!(changed.len(), 11);
    assert_eq!(report.pages_rendered, 11);
}

#[test]
fn a_product_page_new_to_the_output_is_compared_from_its_next_build_on() {
    // A first build takes no fingerprint of its product pages' contexts (no build before it
    // has one to compare with); only their keys, which a change of `souk.yaml` changes.
    let site = two_products();
    site.built();
    site.edit("souk.yaml", "Coopérative Test", "Coopérative Atlas");
    let (report, changed) = rebuild(&site);
    assert!(changed.iter().all(|p| !p.starts_with("ar/")), "{changed:?}");
    assert_eq!(changed.len(), 11);
    // The French pages, and the two Arabic product pages, rendered to take their fingerprint.
    assert_eq!(report.pages_rendered, 13);
    site.edit("souk.yaml", "Coopérative Atlas", "Coopérative Souss");
    let (report, changed) = rebuild(&site);
    assert_eq!(changed.len(), 11);
    assert_eq!(report.pages_rendered, 11);
}
#[test]
fn changing_a_template_renders_every_page_again() {
    let site = two_products();
    site.built();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ t.not_found_title }}</h1><p>Perdu ?</p>{% endblock content %}",
    );
    let (report, changed) = rebuild(&site);
    assert_eq!(changed, ["404.html", "ar/404.html"]);
    // A template can include any other, so a change to one renders every page again.
    assert_eq!(report.pages_rendered, 22);
}

#[test]
fn a_page_changed_or_deleted_in_the_output_is_rendered_again() {
    let site = two_products();
    site.built();
    std::fs::write(site.output().join("products/amlou/index.html"), "edited").unwrap();
    std::fs::remove_file(site.output().join("ar/index.html")).unwrap();
    let (report, changed) = rebuild(&site);
    assert_eq!(changed, ["ar/index.html", "products/amlou/index.html"]);
    assert_eq!(report.pages_rendered, 2);
}

#[test]
fn a_build_into_a_new_folder_renders_every_page() {
    let site = two_products();
    site.built();
    std::fs::remove_dir_all(site.output()).unwrap();
    let (report, _) = rebuild(&site);
    assert_eq!(report.pages_rendered, 22);
}

#[test]
fn a_failed_build_keeps_the_record_of_the_output_it_left() {
    let site = two_products();
    site.built();
    site.edit("products/amlou/product.yaml", "1234.50", "douze");
    assert!(site.build().is_err());
    site.edit("products/amlou/product.yaml", "douze", "1234.50");
    let (report, changed) = rebuild(&site);
    assert_eq!(report.pages_rendered, 0);
    assert_eq!(changed, Vec::<String>::new());
}

#[test]
fn a_photo_with_the_same_size_and_time_is_not_read_again() {
    let site = TestSite::minimal();
    let first = site.built().report;
    assert_eq!(first.images_encoded, 2);
    // Same length and modification time, other bytes: trusted as unchanged, like git's index
    // trusts a file's stat data. Had the rebuild read it, it would have failed.
    let photo = site.path("products/argan-oil/bottle.jpg");
    let meta = std::fs::metadata(&photo).unwrap();
    std::fs::write(&photo, vec![b'x'; meta.len() as usize]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&photo)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    let report = site.built().report;
    assert_eq!((report.images_encoded, report.pages_rendered), (0, 0));
    // A new modification time: read, hashed, and refused.
    std::fs::File::options()
        .write(true)
        .open(&photo)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let errors = site.errors();
    assert!(
        errors.starts_with("error: products/argan-oil/bottle.jpg: this photo cannot be used"),
        "{errors}"
    );
}

#[test]
fn nothing_changed_since_the_last_build_is_told_from_the_stamps_alone() {
    let site = two_products();
    // A product without a photo: a warning, with its hint, to be said again.
    site.edit(
        "products/amlou/product.yaml",
        "images:\n  - file: bottle.jpg\n    alt: { fr: Un flacon, ar: قارورة }\n",
        "",
    );
    site.age();
    let first = site.built().report;
    let (report, changed) = rebuild(&site);
    assert!(report.up_to_date);
    assert_eq!(changed, Vec::<String>::new());
    assert_eq!(report.pages_rendered, 0);
    assert!(
        report.summary().starts_with(
            "built 22 pages (fr 11, ar 11), 0 rendered, 22 unchanged (nothing changed since the last build), 2 photos (0 processed), "
        ),
        "{}",
        report.summary()
    );
    // The same report as the build that made the output, warnings included.
    assert_eq!(report.pages, first.pages);
    assert_eq!(
        (report.files, report.bytes, report.images),
        (first.files, first.bytes, first.images)
    );
    assert!(
        first
            .warnings
            .to_string()
            .contains("products/amlou/product.yaml: this product has no photo\n  hint: "),
        "{}",
        first.warnings
    );
    assert_eq!(report.warnings, first.warnings);
    // No source is even read: other bytes with the same stamp are trusted as unchanged (git's
    // trade-off, as for photos). Had the build read this file, it would have failed.
    rewrite_keeping_stamp(&site.path("products/amlou/product.yaml"), b'!');
    let report = site.built().report;
    assert!(report.up_to_date);
}

#[test]
fn sources_changed_within_the_same_clock_tick_are_read_again() {
    let site = two_products();
    site.built();
    // Changed right after the build, keeping size, time and inode: the stamp is the one the
    // build recorded, but it was recorded too close to the change to prove anything.
    rewrite_keeping_stamp(&site.path("products/amlou/product.yaml"), b'!');
    let errors = site.errors();
    assert!(
        errors.starts_with("error: products/amlou/product.yaml:"),
        "{errors}"
    );
}

/// Builds the aged site, makes `change`, and rebuilds: the output must be a clean build's and
/// the build must not have taken it for unchanged. Returns the pages whose bytes changed.
fn after(change: impl FnOnce(&TestSite)) -> Vec<String> {
    let site = two_products();
    site.age();
    site.built();
    change(&site);
    let (report, changed) = rebuild(&site);
    assert!(!report.up_to_date, "{}", report.summary());
    changed
}

#[test]
fn every_kind_of_change_is_rebuilt_as_a_clean_build() {
    // A translation removed, then added: the Arabic page goes or comes, and every Arabic
    // listing that shows the product.
    let removed = after(|site| {
        site.remove("products/amlou/ar.md");
    });
    assert!(
        removed.contains(&"ar/products/أملو/index.html".to_owned()),
        "{removed:?}"
    );
    assert!(
        removed
            .iter()
            .all(|p| p.starts_with("ar/") || p == "products/amlou/index.html"),
        "{removed:?}"
    );
    let added = after(|site| {
        site.write(
            "products/argan-oil/fr.md",
            "---\nname: Huile d'argan\n---\nUne huile.\n",
        );
        site.remove("products/argan-oil/ar.md");
    });
    assert!(!added.is_empty());
    // A category's name in French: every French page (its menu) and no Arabic one.
    let renamed = after(|site| {
        site.edit(
            "categories/oils/fr.md",
            "name: Huiles",
            "name: Huiles du Souss",
        );
    });
    assert!(renamed.contains(&"categories/oils/index.html".to_owned()));
    assert!(renamed.iter().all(|p| !p.starts_with("ar/")), "{renamed:?}");
    // A producer's name: the product pages that show her card.
    let producer = after(|site| {
        site.edit("producers/fatima/fr.md", "name: Fatima", "name: Fatima Aït");
    });
    assert!(
        producer.contains(&"products/argan-oil/index.html".to_owned()),
        "{producer:?}"
    );
    assert!(
        producer.iter().all(|p| !p.starts_with("ar/")),
        "{producer:?}"
    );
    // A product's photo: its pages, and the listings that show it.
    let photo = after(|site| {
        site.write(
            "products/argan-oil/bottle.jpg",
            std::fs::read(site.path("producers/fatima/portrait.jpg")).unwrap(),
        );
    });
    assert!(
        photo.contains(&"products/argan-oil/index.html".to_owned()),
        "{photo:?}"
    );
    assert!(
        !photo.contains(&"products/amlou/index.html".to_owned()),
        "{photo:?}"
    );
    // A category's folder renamed, its products moved along: new addresses.
    let moved = after(|site| {
        std::fs::rename(site.path("categories/oils"), site.path("categories/huiles")).unwrap();
        site.edit(
            "products/argan-oil/product.yaml",
            "category: oils",
            "category: huiles",
        );
        site.edit(
            "products/amlou/product.yaml",
            "category: oils",
            "category: huiles",
        );
    });
    assert!(moved.contains(&"categories/huiles/index.html".to_owned()));
    assert!(moved.contains(&"categories/oils/index.html".to_owned()));
    // A product deleted: its pages are gone from the output.
    let deleted = after(|site| {
        site.remove("products/amlou");
    });
    assert!(deleted.contains(&"products/amlou/index.html".to_owned()));
    // A static file added, a template changed, the settings changed.
    after(|site| {
        site.write("static/robots-extra.txt", "x");
    });
    let template = after(|site| {
        site.write(
            "templates/404.html",
            "{% extends \"base.html\" %}{% block content %}<h1>Perdu</h1>{% endblock content %}",
        );
    });
    assert_eq!(template, ["404.html", "ar/404.html"]);
    let settings = after(|site| {
        site.edit("souk.yaml", "items_per_page: 2", "items_per_page: 1");
    });
    assert!(
        settings.contains(&"products/page/2/index.html".to_owned()),
        "{settings:?}"
    );
}

#[test]
fn feed_rows_of_unchanged_products_are_copied_from_the_previous_feed() {
    let site = two_products();
    site.built();
    // The previous feed, changed where it has argan oil's description, its stamp kept: a build
    // that copies that product's rows copies this.
    let feed = site.output().join("feeds/google-merchant-fr.xml");
    let meta = std::fs::metadata(&feed).unwrap();
    let text = std::fs::read_to_string(&feed).unwrap();
    let description = "<g:description>Une huile";
    assert_eq!(text.matches(description).count(), 2, "{text}");
    let argan = text.find("<g:id>T-ARG</g:id>").unwrap();
    let at = argan + text[argan..].find(description).unwrap();
    let mut tampered = text.clone();
    tampered.replace_range(at..at + description.len(), "<g:description>UNE HUILE");
    std::fs::write(&feed, &tampered).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&feed)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    site.edit("products/amlou/fr.md", "Une huile", "Une pâte");
    site.built();
    let after = std::fs::read_to_string(&feed).unwrap();
    assert!(after.contains("<g:description>UNE HUILE"), "{after}");
    assert!(after.contains("<g:description>Une pâte"), "{after}");
    assert!(!after.contains("<g:description>Une huile"), "{after}");

    // Where the rows were is not trusted: damaged, every row is made again.
    let cache = site.options().cache_dir.unwrap().join("pages");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rows") {
            let mut bytes = std::fs::read(&path).unwrap();
            let end = bytes.len() - 1;
            bytes[end] ^= 0xff;
            bytes.truncate(end - 3);
            std::fs::write(&path, bytes).unwrap();
        }
    }
    site.edit("products/amlou/fr.md", "Une pâte", "Une huile");
    let (_, changed) = rebuild(&site);
    assert!(changed.contains(&"products/amlou/index.html".to_owned()));
}

#[test]
fn a_product_without_a_photo_is_shared_with_the_site_picture_as_it_changes() {
    // Pages without a photo of their own are shared with the first featured product's: a
    // change of that photo is a change of every such page, though no text of theirs changed.
    let site = two_products();
    site.edit(
        "products/amlou/product.yaml",
        "images:\n  - file: bottle.jpg\n    alt: { fr: Un flacon, ar: قارورة }\n",
        "",
    )
    .edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "stock: 3\nfeatured: true",
    );
    site.built();
    site.write(
        "products/argan-oil/bottle.jpg",
        std::fs::read(site.path("producers/fatima/portrait.jpg")).unwrap(),
    );
    let (_, changed) = rebuild(&site);
    for page in ["products/amlou/index.html", "ar/products/أملو/index.html"] {
        assert!(changed.contains(&page.to_owned()), "{page}: {changed:?}");
    }
    // No product with a photo left: no picture to share.
    site.edit(
        "products/argan-oil/product.yaml",
        "images:\n  - file: bottle.jpg\n    alt: { fr: Un flacon, ar: قارورة }\n",
        "",
    );
    let (_, changed) = rebuild(&site);
    assert!(
        changed.contains(&"products/amlou/index.html".to_owned()),
        "{changed:?}"
    );
}

#[test]
fn a_change_to_the_output_or_the_options_is_not_taken_for_nothing() {
    let site = two_products();
    site.age();
    site.built();
    // A file added to the output by hand: a clean build has no such file.
    std::fs::write(site.output().join("extra.html"), "mine").unwrap();
    let (report, changed) = rebuild(&site);
    assert!(!report.up_to_date);
    assert_eq!(changed, ["extra.html"]);
    // A page edited by hand: rendered again.
    std::fs::write(site.output().join("ar/index.html"), "edited").unwrap();
    let (report, changed) = rebuild(&site);
    assert!(!report.up_to_date);
    assert_eq!(changed, ["ar/index.html"]);
    // Another address on the command line.
    let moved = build(&BuildOptions {
        base_url: Some("https://preview.coop.example/".to_owned()),
        ..site.options()
    })
    .unwrap();
    assert!(!moved.up_to_date);
    assert_eq!(moved.pages_rendered, 22);
    // And back: nothing is taken from the preview build.
    let (report, _) = rebuild(&site);
    assert!(!report.up_to_date);
    assert_eq!(report.pages_rendered, 22);
    let (report, _) = rebuild(&site);
    assert!(report.up_to_date);
}

/// The inode of `path`: which file (or folder) is there, not only what it holds.
#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::symlink_metadata(path).unwrap())
}

/// Edits one product's French text (and does `also`), rebuilds, and checks that only its page
/// was rendered: the inodes of the output folder and of the other product's page before, and
/// that page's path.
#[cfg(unix)]
fn edit_one_product(site: &TestSite, also: impl FnOnce()) -> (u64, u64, std::path::PathBuf) {
    let kept_page = site.output().join("products/argan-oil/index.html");
    let (folder, kept) = (inode(&site.output()), inode(&kept_page));
    site.edit("products/amlou/fr.md", "Une huile", "Une pâte");
    also();
    let (report, changed) = rebuild(site);
    assert_eq!(changed, ["products/amlou/index.html"]);
    assert_eq!(report.pages_rendered, 1);
    (folder, kept, kept_page)
}

#[cfg(unix)]
#[test]
fn an_edit_moves_its_few_new_files_into_the_output_and_leaves_the_others_where_they_are() {
    let site = two_products();
    site.built();
    // A file put in the output by hand, and a folder of them: a clean build has neither.
    let (folder, kept, kept_page) = edit_one_product(&site, || {
        site.write("public/extra/notes.txt", "mine");
    });
    // The output was patched, not replaced: the same folder, the kept page the same file.
    assert_eq!(inode(&site.output()), folder);
    assert_eq!(inode(&kept_page), kept);
    assert!(!site.output().join("extra").exists());
    let leftovers = crate::harness::souk_leftovers(&site.output());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_build_with_many_new_files_exchanges_the_whole_output_folder() {
    let site = two_products();
    // Static files are written by every build: more of them than a build moves one by one.
    for n in 0..1001 {
        site.write(&format!("static/notes/{n:04}.txt"), format!("note {n}"));
    }
    site.built();
    let (folder, kept, kept_page) = edit_one_product(&site, || {});
    // Exchanged in one step, the kept page linked into the new folder.
    assert_ne!(inode(&site.output()), folder);
    assert_eq!(inode(&kept_page), kept);
    assert!(site.output().join("notes/1000.txt").is_file());
}

#[cfg(unix)]
#[test]
fn the_sitemap_is_kept_while_its_pages_are_the_same() {
    let site = two_products();
    site.built();
    let sitemap = site.output().join("sitemap.xml");
    let first = inode(&sitemap);
    site.edit("products/amlou/fr.md", "Une huile", "Une pâte");
    rebuild(&site);
    assert_eq!(inode(&sitemap), first);
    // A date is the sitemap's `lastmod`: written again, as a clean build writes it.
    site.edit(
        "products/amlou/product.yaml",
        "category: oils",
        "category: oils\ndate: 2026-01-15",
    );
    rebuild(&site);
    assert_ne!(inode(&sitemap), first);
    let text = std::fs::read_to_string(&sitemap).unwrap();
    assert!(text.contains("<lastmod>2026-01-15</lastmod>"), "{text}");
}
