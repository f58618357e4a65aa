//! `souk check`: clean on the example site, and one test per finding on a seeded fixture.

use std::process::Command;

use crate::harness::{TestSite, example_site};

fn check(site: &TestSite) -> String {
    match souk::check::check(&site.root(), None) {
        Ok(findings) => findings.to_string(),
        Err(problems) => panic!("the site could not be read:\n{problems}"),
    }
}

#[test]
fn the_example_site_is_clean() {
    let findings = souk::check::check(&example_site(), None).unwrap();
    assert!(findings.is_empty(), "{findings}");
}

#[test]
fn the_minimal_site_only_lacks_summaries_and_a_big_enough_photo() {
    let site = TestSite::minimal();
    let no_summary = "there is no `summary`: search engines will show a piece of the text instead\n  hint: add `summary:` to the front matter: one sentence of 50 to 160 characters that makes people want to click\n";
    assert_eq!(
        check(&site),
        format!(
            "warning: pages/about/ar.md: {no_summary}\
             warning: pages/about/fr.md: {no_summary}\
             warning: products/argan-oil/ar.md: {no_summary}\
             warning: products/argan-oil/bottle.jpg: this photo is only 480×360 pixels; product listings want 500 pixels a side or more, and look best from 800\n  hint: use a larger photo if you have one\n\
             warning: products/argan-oil/fr.md: the `summary` is only 16 characters\n  hint: say more in 50 to 160 characters: what it is, where it comes from, what it is for\n"
        )
    );
}

/// The minimal site with every finding above fixed, so each test below seeds exactly one.
fn clean_site() -> TestSite {
    let site = TestSite::minimal();
    std::fs::copy(
        crate::harness::fixtures().join("images/landscape.jpg"),
        site.path("products/argan-oil/bottle.jpg"),
    )
    .unwrap();
    let summary =
        "summary: Une huile pressée à froid par les femmes de la coopérative, pour la cuisine.";
    site.edit(
        "products/argan-oil/fr.md",
        "summary: Pressée à froid.",
        summary,
    );
    site.edit(
        "products/argan-oil/ar.md",
        "slug:",
        "summary: زيت معصور على البارد بأيدي نساء التعاونية، للطبخ والتجميل والعناية.\nslug:",
    );
    site.edit(
        "pages/about/fr.md",
        "title: À propos",
        &format!("title: À propos de nous\n{summary}"),
    );
    site.edit("pages/about/ar.md", "title: من نحن", "title: من نحن في التعاونية\nsummary: تعاونية نسائية في منطقة الصويرة تنتج زيت أركان والعسل والأملو.");
    site.edit("categories/oils/ar.md", "name: زيوت", "name: زيوت الأركان");
    assert_eq!(check(&site), "", "the clean site has findings");
    site
}

#[test]
fn missing_translation() {
    let site = clean_site();
    site.remove("products/argan-oil/ar.md");
    assert_eq!(
        check(&site),
        "warning: products/argan-oil: not published in ar: no translation\n  hint: add ar.md\n"
    );
}

#[test]
fn title_too_long() {
    let site = clean_site();
    site.edit(
        "products/argan-oil/fr.md",
        "name: Huile d'argan",
        "name: Huile d'argan alimentaire torréfiée de la coopérative des femmes",
    );
    assert_eq!(
        check(&site),
        "warning: products/argan-oil/fr.md: the page title \"Huile d'argan alimentaire torréfiée de la coopérative des femmes | Coopérative Test\" is 83 characters; search results cut it after about 60\n  hint: shorten the `name` to 41 characters or fewer\n"
    );
}

#[test]
fn summary_too_long() {
    let site = clean_site();
    let long = "Une huile ".repeat(20);
    site.edit(
        "pages/about/fr.md",
        "summary: Une huile pressée",
        &format!("summary: {long}pressée"),
    );
    assert!(check(&site).starts_with("warning: pages/about/fr.md: the `summary` is 266 characters; search results cut it after about 160\n  hint: shorten it to one sentence\n"), "{}", check(&site));
}

#[test]
fn duplicate_titles() {
    let site = clean_site();
    site.edit(
        "pages/about/fr.md",
        "title: À propos de nous",
        "title: Huile d'argan",
    );
    assert_eq!(
        check(&site),
        "warning: pages/about/fr.md: the name \"Huile d'argan\" is also used by products/argan-oil/fr.md\n  hint: give each page its own name, so search engines show both\n"
    );
}

#[test]
fn photo_without_alt_text() {
    let site = clean_site();
    site.edit(
        "products/argan-oil/product.yaml",
        "    alt: { fr: Un flacon, ar: قارورة }\n",
        "    alt: { fr: Un flacon }\n",
    );
    assert_eq!(
        check(&site),
        "warning: products/argan-oil/bottle.jpg: this photo has no description (alt text) in ar\n  hint: describe what the photo shows under `alt:` beside its `file:`; blind shoppers and search engines read it\n"
    );
    // Not published in Arabic: no Arabic description is needed, only the translation.
    site.remove("products/argan-oil/ar.md");
    assert_eq!(
        check(&site),
        "warning: products/argan-oil: not published in ar: no translation\n  hint: add ar.md\n"
    );
}

#[test]
fn photo_too_small_for_product_listings() {
    let site = clean_site();
    let tiny = image::RgbImage::from_pixel(80, 60, image::Rgb([200, 150, 50]));
    tiny.save(site.path("products/argan-oil/bottle.jpg"))
        .unwrap();
    assert_eq!(
        check(&site),
        "error: products/argan-oil/bottle.jpg: this photo is 80×60 pixels; Google refuses product photos under 100×100\n  hint: use the original photo from the phone, not a thumbnail\n"
    );
    let small = image::RgbImage::from_pixel(300, 300, image::Rgb([200, 150, 50]));
    small
        .save(site.path("products/argan-oil/bottle.jpg"))
        .unwrap();
    assert!(
        check(&site).starts_with(
            "warning: products/argan-oil/bottle.jpg: this photo is only 300×300 pixels;"
        )
    );
}

#[test]
fn product_without_photo() {
    let site = clean_site();
    site.edit(
        "products/argan-oil/product.yaml",
        "images:\n  - file: bottle.jpg\n    alt: { fr: Un flacon, ar: قارورة }\n",
        "",
    );
    let findings = check(&site);
    assert!(findings.contains("error: products/argan-oil/product.yaml: this product has no photo, so Google and Meta will not list it\n  hint: add at least one photo under `images:`\n"), "{findings}");
}

#[test]
fn product_without_stock_or_availability() {
    let site = clean_site();
    site.edit("products/argan-oil/product.yaml", "stock: 3\n", "");
    assert_eq!(
        check(&site),
        "warning: products/argan-oil/product.yaml: this product says neither `stock` nor `availability`, so it is shown as in stock\n  hint: add `stock: 12` (0 shows \"out of stock\") or `availability: in_stock`\n"
    );
}

#[test]
fn preorder_without_date() {
    let site = clean_site();
    site.edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "availability: preorder",
    );
    assert_eq!(
        check(&site),
        "warning: products/argan-oil/product.yaml: a product on preorder is refused by Google Merchant Center without the date it will be available\n  hint: add `available_from: 2026-12-15` (year-month-day)\n"
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "availability: preorder",
        "availability: preorder\navailable_from: 2026-12-15",
    );
    assert_eq!(check(&site), "");
}

#[test]
fn broken_internal_link_in_markdown() {
    let site = clean_site();
    site.write("pages/about/fr.md", "---\ntitle: À propos de nous\nsummary: Une coopérative de femmes qui presse l'huile d'argan près d'Essaouira.\n---\nVoir [nos huiles](/categories/oils/), [la livraison](/livraison/) et [l'huile](../products/argan-oil/).\n");
    assert_eq!(
        check(&site),
        "error: pages/about/fr.md: the link `/livraison/` leads to no page of the site\n  hint: link to an existing page, e.g. `/products/` for the list of products, or remove the link\n"
    );
}

#[test]
fn links_to_pagination_pages_and_feeds_are_links_to_pages_the_build_writes() {
    // `souk check` asks the build's plan what exists: listing pages past the first, feeds, the
    // not-found pages and the sitemap are pages like the others.
    let site = clean_site();
    let from = site.path("products/argan-oil");
    for (id, fr, ar) in [
        ("amlou", "Amlou aux amandes", "أملو باللوز"),
        ("honey", "Miel de thym", "عسل الزعتر"),
    ] {
        for file in ["product.yaml", "fr.md", "ar.md", "bottle.jpg"] {
            let bytes = std::fs::read(from.join(file)).unwrap();
            site.write(&format!("products/{id}/{file}"), bytes);
        }
        site.edit(
            &format!("products/{id}/product.yaml"),
            "T-ARG",
            &format!("T-{id}"),
        )
        .edit(&format!("products/{id}/fr.md"), "Huile d'argan", fr)
        .edit(
            &format!("products/{id}/fr.md"),
            "pour la cuisine",
            &format!("pour la cuisine ({id})"),
        )
        .edit(
            &format!("products/{id}/ar.md"),
            "name: زيت أركان",
            &format!("name: {ar}"),
        )
        .edit(
            &format!("products/{id}/ar.md"),
            "slug: زيت-أركان",
            &format!("slug: {id}"),
        )
        .edit(
            &format!("products/{id}/ar.md"),
            "للطبخ",
            &format!("للطبخ {id}"),
        );
    }
    assert_eq!(check(&site), "", "three products, two a page");
    site.write("pages/about/fr.md", "---\ntitle: À propos de nous\nsummary: Une coopérative de femmes qui presse l'huile d'argan près d'Essaouira.\n---\nVoir [la page 2](/products/page/2/), [les huiles, page 2](/categories/oils/page/2/), [le flux](/feeds/google-merchant-fr.xml), [le catalogue Meta](/feeds/meta-catalog-ar.csv), [le plan](/sitemap.xml), [rien](/ar/404.html) et [la page 3](/products/page/3/).\n");
    assert_eq!(
        check(&site),
        "error: pages/about/fr.md: the link `/products/page/3/` leads to no page of the site\n  hint: link to an existing page, e.g. `/products/` for the list of products, or remove the link\n"
    );
}

#[test]
fn the_command_exits_non_zero_on_errors_and_speaks_json() {
    let site = clean_site();
    let souk = || Command::new(env!("CARGO_BIN_EXE_souk"));
    let out = souk().arg("check").arg(site.root()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "0 errors, 0 warnings: all clear\n"
    );
    site.edit("products/argan-oil/product.yaml", "stock: 3\n", "");
    let out = souk().arg("check").arg(site.root()).output().unwrap();
    assert!(out.status.success(), "warnings alone pass");
    site.write(
        "pages/about/fr.md",
        "---\ntitle: À propos de nous\n---\n[x](/nowhere/)\n",
    );
    let out = souk()
        .args(["check", "--format", "json"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "pages/about/fr.md");
    assert_eq!(
        errors[0]["message"],
        "the link `/nowhere/` leads to no page of the site"
    );
}
