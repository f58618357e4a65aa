//! The example site, built once at its own address and once under a GitHub Pages sub-path.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use souk::build::{BuildOptions, build};

use crate::harness::{Built, attrs, example_site, file_for, references, switcher, texts};

struct Builds {
    _dir: tempfile::TempDir,
    root: Built,
    sub_path: Built,
}

/// Both builds share one image cache, so photos are processed once per test run.
fn builds() -> &'static Builds {
    static BUILDS: OnceLock<Builds> = OnceLock::new();
    BUILDS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let options = |name: &str, base_url: Option<&str>| BuildOptions {
            site: example_site(),
            output: Some(dir.path().join(name)),
            base_url: base_url.map(str::to_owned),
            cache_dir: Some(dir.path().join("cache")),
            theme: None,
            progress: None,
        };
        let built = |options: BuildOptions| {
            let report =
                build(&options).unwrap_or_else(|e| panic!("example-site failed to build:\n{e}"));
            Built {
                root: report.output.clone(),
                report,
            }
        };
        let root = built(options("root", None));
        let sub_path = built(options("sub", Some("https://user.github.io/tifawin/")));
        Builds {
            _dir: dir,
            root,
            sub_path,
        }
    })
}

/// The language of an output file from its path: `ar/…` is Arabic, `en/…` English, else French.
fn lang_of(file: &str) -> &'static str {
    match file.split('/').next() {
        Some("ar") => "ar",
        Some("en") => "en",
        _ => "fr",
    }
}

#[test]
fn every_page_knows_its_language_and_direction() {
    let built = &builds().root;
    let files = built.html_files();
    assert!(files.len() > 100, "only {} pages", files.len());
    for file in files {
        let page = built.page(&file);
        let lang = lang_of(&file);
        assert_eq!(attrs(&page, "html", "lang"), [lang], "{file}");
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        assert_eq!(attrs(&page, "html", "dir"), [dir], "{file}");
    }
}

#[test]
fn pages_per_language_are_reported() {
    let report = &builds().root.report;
    let pages: Vec<(String, usize)> = report
        .pages
        .iter()
        .map(|(l, n)| (l.to_string(), *n))
        .collect();
    // Per language: home, 404 and the cart, 19 products over 4 "all products" pages of 6, 6
    // category pages (cosmetics has 7 products), 19 products, 3 producers, 4 free pages,
    // 4 certifications, the catalogue and the labels = 45.
    assert_eq!(
        pages,
        [
            ("fr".to_owned(), 45),
            ("ar".to_owned(), 45),
            ("en".to_owned(), 45)
        ]
    );
    assert!(
        report
            .summary()
            .starts_with("built 135 pages (fr 45, ar 45, en 45), "),
        "{}",
        report.summary()
    );
    assert!(report.warnings.is_empty(), "{}", report.warnings);
}

#[test]
fn translations_link_to_each_other_both_ways() {
    let built = &builds().root;
    let homes = ["/", "/ar/", "/en/"];
    let mut pairs = 0;
    for file in built.html_files() {
        if file.ends_with("404.html") {
            continue;
        }
        let page = built.page(&file);
        let links = switcher(&page);
        assert_eq!(
            links.keys().map(String::as_str).collect::<Vec<_>>(),
            ["ar", "en", "fr"],
            "{file}"
        );
        assert_eq!(
            file_for(&built.root, "/", &links[lang_of(&file)]).unwrap(),
            built.root.join(&file),
            "{file} does not link to itself"
        );
        let is_home = homes
            .iter()
            .any(|h| file_for(&built.root, "/", h).unwrap() == built.root.join(&file));
        for (lang, href) in &links {
            let target = file_for(&built.root, "/", href).unwrap();
            assert!(target.is_file(), "{file} → {href}");
            // A page missing in a language links to that language's home, and a later page of
            // a listing that is shorter there links to its first page: neither links back.
            let fallback = (homes.contains(&href.as_str()) && !is_home) || file.contains("/page/");
            if fallback {
                continue;
            }
            let target_file = target
                .strip_prefix(&built.root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let back = switcher(&built.page(&target_file));
            assert_eq!(
                file_for(&built.root, "/", &back[lang_of(&file)]).unwrap(),
                built.root.join(&file),
                "{file} → {lang} {href} does not link back"
            );
            pairs += 1;
        }
    }
    assert!(pairs > 250, "only {pairs} pairs checked");
}

#[test]
fn prices_are_written_the_way_each_language_writes_them() {
    let built = &builds().root;
    let fr = built.page("products/eau-de-rose/index.html");
    let translation = |lang: &str| {
        let file = file_for(&built.root, "/", &switcher(&fr)[lang]).unwrap();
        built.page(file.strip_prefix(&built.root).unwrap().to_str().unwrap())
    };
    let price = |page: &scraper::Html| texts(page, "main .price-lg .price-now");
    assert_eq!(price(&fr), ["55,00 MAD"]);
    assert_eq!(price(&translation("ar")), ["55,00 د.م."]);
    assert_eq!(price(&translation("en")), ["MAD 55.00"]);
    // Thousands: the Arabic (Morocco) convention groups with a dot.
    let site = crate::harness::TestSite::minimal();
    let minimal = site.built();
    assert_eq!(
        texts(
            &minimal.page("products/argan-oil/index.html"),
            "main .price-lg .price-now"
        ),
        ["1\u{202f}234,50 MAD"]
    );
    assert_eq!(
        texts(
            &minimal.page("ar/products/زيت-أركان/index.html"),
            "main .price-lg .price-now"
        ),
        ["1.234,50 د.م."]
    );
}

#[test]
fn every_internal_link_and_asset_resolves_to_a_written_file() {
    for (built, base) in [(&builds().root, "/"), (&builds().sub_path, "/tifawin/")] {
        let mut checked = BTreeSet::new();
        for file in built.html_files() {
            let page = built.page(&file);
            for url in references(&page) {
                if url.starts_with("https://")
                    || url.starts_with("mailto:")
                    || url.starts_with("tel:")
                    || url.starts_with('#')
                {
                    continue;
                }
                let target = file_for(&built.root, base, &url)
                    .unwrap_or_else(|| panic!("{file}: `{url}` is outside the base path {base}"));
                assert!(
                    target.is_file(),
                    "{file}: `{url}` → {} does not exist",
                    target.display()
                );
                checked.insert(url);
            }
        }
        assert!(
            checked.len() > 150,
            "only {} distinct links checked",
            checked.len()
        );
    }
}

#[test]
fn a_sub_path_site_links_under_its_path() {
    let built = &builds().sub_path;
    let home = built.page("index.html");
    assert_eq!(
        attrs(&home, "link[rel=stylesheet]", "href"),
        ["/tifawin/css/main.css"]
    );
    assert_eq!(switcher(&home)["ar"], "/tifawin/ar/");
    let product = built.page("ar/products/زيت-أركان-تجميلي/index.html");
    assert_eq!(
        switcher(&product)["fr"],
        "/tifawin/products/huile-argan-cosmetique/"
    );
    assert_eq!(
        switcher(&product)["ar"],
        "/tifawin/ar/products/%D8%B2%D9%8A%D8%AA-%D8%A3%D8%B1%D9%83%D8%A7%D9%86-%D8%AA%D8%AC%D9%85%D9%8A%D9%84%D9%8A/"
    );
}

#[test]
fn every_language_has_a_translated_404_page() {
    let built = &builds().root;
    for (file, lang) in [
        ("404.html", "fr"),
        ("ar/404.html", "ar"),
        ("en/404.html", "en"),
    ] {
        let page = built.page(file);
        assert_eq!(attrs(&page, "html", "lang"), [lang]);
        assert_eq!(texts(&page, "h1").len(), 1, "{file}");
    }
    let fr = texts(&built.page("404.html"), "h1");
    let ar = texts(&built.page("ar/404.html"), "h1");
    assert_ne!(fr, ar);
}

#[test]
fn category_pages_are_paginated() {
    let built = &builds().root;
    let first = built.page("categories/cosmetiques/index.html");
    let second = built.page("categories/cosmetiques/page/2/index.html");
    let cards = |page: &scraper::Html| texts(page, "article.card .card-title").len();
    assert_eq!(cards(&first), 6);
    assert_eq!(cards(&second), 1);
    assert_eq!(
        attrs(&first, "a[rel=next]", "href"),
        ["/categories/cosmetiques/page/2/"]
    );
    assert_eq!(
        attrs(&second, "a[rel=prev]", "href"),
        ["/categories/cosmetiques/"]
    );
}

#[test]
fn photos_are_published_resized_never_as_originals() {
    let built = &builds().root;
    let images = crate::harness::files_under(&built.root.join("images"));
    assert!(!images.is_empty());
    for image in &images {
        assert!(
            image.ends_with(".jpg") || image.ends_with(".webp"),
            "{image}"
        );
        let (width, _) = image::image_dimensions(built.root.join("images").join(image)).unwrap();
        let limit = if image.ends_with("-social.jpg") {
            1200
        } else {
            1440
        };
        assert!(width <= limit, "{image} is {width} px wide");
    }
    let page = built.page("products/eau-de-rose/index.html");
    for img in attrs(&page, "main img", "width") {
        assert!(img.parse::<u32>().unwrap() > 0);
    }
}

#[test]
fn every_product_page_shows_its_own_photo() {
    // Products are resolved in parallel, each numbering its photos from zero, then merged: a
    // photo taken by the wrong number would show on two products' pages.
    let built = &builds().root;
    let mut sources = BTreeSet::new();
    for entry in std::fs::read_dir(example_site().join("products")).unwrap() {
        let dir = entry.unwrap().path();
        let yaml = std::fs::read_to_string(dir.join("product.yaml")).unwrap();
        if let Some(first) = yaml
            .lines()
            .find_map(|line| line.trim().strip_prefix("- file: "))
        {
            sources.insert(std::fs::read(dir.join(first.trim())).unwrap());
        }
    }
    let mut shown = BTreeSet::new();
    for entry in std::fs::read_dir(built.root.join("products")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        if !page.is_file() {
            continue;
        }
        let relative = page.strip_prefix(&built.root).unwrap().to_string_lossy();
        if let Some(src) = attrs(&built.page(&relative), "main .product-media img", "src").first() {
            shown.insert(src.clone());
        }
    }
    assert!(sources.len() > 10, "{}", sources.len());
    assert_eq!(shown.len(), sources.len());
}
