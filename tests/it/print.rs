//! The pages made for paper and what they point to: the printable catalogue and shelf labels
//! (their QR codes decoded and followed to the pages the build wrote), certification pages
//! linked both ways with their products, provenance on product pages and in the feeds.

use std::collections::BTreeSet;

use crate::harness::{Built, TestSite, attrs, file_for, texts};

/// The minimal site with a second product in variants, a certification both list, provenance
/// and a campaign query for printed codes.
fn shop() -> TestSite {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\ncertifications:\n  ecocert:\n    name: { fr: Ecocert Bio, ar: إيكوسيرت }\n    body: Ecocert SA\n    number: FR-BIO-01\n    url: https://www.ecocert.com/\n    description: { fr: \"Issu de l'agriculture **biologique**.\", ar: من الزراعة العضوية. }\n  onssa:\n    name: ONSSA\n    cooperative: true\nprint:\n  qr_query: utm_source=print&utm_medium=qr\n  label_columns: 1\n  label_rows: 2",
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "producers: [fatima]",
        "producers: [fatima]\ncertifications: [ecocert, onssa]\norigin: { fr: Tamanar, ar: تمنار }\nharvest: 2025-10\nbatch: L-2510",
    );
    let photo = std::fs::read(site.path("products/argan-oil/bottle.jpg")).unwrap();
    site.write("products/honey/bottle.jpg", photo);
    site.write(
        "products/honey/product.yaml",
        "sku: T-MIEL\ncategory: oils\ncertifications: [ecocert]\nharvest: 2025-06-14\nimages:\n  - { file: bottle.jpg, alt: { fr: Un pot, ar: جرة } }\nvariants:\n  - { sku: T-MIEL-250, label: 250 g, price: \"90\" }\n  - { sku: T-MIEL-500, label: { fr: 500 g, ar: 500 غ }, price: \"170\", stock: 0 }\n",
    );
    site.write(
        "products/honey/fr.md",
        "---\nname: Miel de thym\n---\nDoux.\n",
    );
    site.write(
        "products/honey/ar.md",
        "---\nname: عسل الزعتر\nslug: عسل-الزعتر\n---\nلذيذ.\n",
    );
    site
}

/// The QR codes of a page, decoded: each `<svg class="qr">` drawn at four pixels a module and
/// read by a QR decoder (rqrr), so what is checked is what a phone would read.
fn decoded(page: &scraper::Html) -> Vec<String> {
    let selector = scraper::Selector::parse("svg.qr").unwrap();
    page.select(&selector)
        .map(|svg| decode(&svg.html()))
        .collect()
}

fn decode(svg: &str) -> String {
    let attr = |name: &str| {
        let start = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[start..].split('"').next().unwrap().to_owned()
    };
    let side: usize = attr("viewBox").split(' ').nth(2).unwrap().parse().unwrap();
    let mut dark = vec![false; side * side];
    // The code's path: one `M x y h run v1 h-run z` rectangle per run of dark modules.
    for run in attr("d").split('z').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let [x, y, width, ..] = numbers[..] else {
            panic!("unexpected path segment {run}")
        };
        for dx in 0..width {
            dark[y * side + x + dx] = true;
        }
    }
    let scale = 4;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
            if dark[(y / scale) * side + x / scale] {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one code in {svg}");
    grids[0].decode().unwrap().1
}

/// The page of the site an address of it opens, checking it is under `base_url` and carries
/// the campaign query.
fn page_of(built: &Built, url: &str) -> std::path::PathBuf {
    let path = url
        .strip_prefix("https://coop.example")
        .unwrap_or_else(|| panic!("{url} is not the shop's"));
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    assert_eq!(query, "utm_source=print&utm_medium=qr", "{url}");
    let file = file_for(&built.root, "/", path).unwrap();
    assert!(
        file.is_file(),
        "{url} opens {file:?}, which the build did not write"
    );
    file
}

#[test]
fn every_printed_qr_code_opens_a_page_the_build_wrote() {
    let site = shop();
    let built = site.built();
    for (lang, prefix, products) in [
        ("fr", "", ["products/argan-oil/", "products/honey/"]),
        (
            "ar",
            "ar/",
            ["ar/products/زيت-أركان/", "ar/products/عسل-الزعتر/"],
        ),
    ] {
        let catalogue = built.page(&format!("{prefix}catalogue/index.html"));
        let codes = decoded(&catalogue);
        // The cover: the shop's home in this language and a WhatsApp chat; then each product.
        assert_eq!(codes.len(), 4, "{lang}: {codes:?}");
        assert_eq!(
            page_of(&built, &codes[0]),
            built.root.join(format!("{prefix}index.html"))
        );
        assert_eq!(codes[1], "https://wa.me/212600000000");
        let opened: Vec<_> = codes[2..].iter().map(|c| page_of(&built, c)).collect();
        let expected: Vec<_> = products
            .iter()
            .map(|p| built.root.join(p).join("index.html"))
            .collect();
        assert_eq!(opened, expected, "{lang}");
        // What a person would type instead, under the home code.
        assert!(
            texts(&catalogue, ".cover-codes figcaption")[0].ends_with(&format!(
                "coop.example{}",
                prefix.trim_end_matches('/').replace("ar", "/ar")
            )),
            "{lang}: {:?}",
            texts(&catalogue, ".cover-codes figcaption")
        );

        let labels = built.page(&format!("{prefix}labels/index.html"));
        let codes = decoded(&labels);
        // One label for the product sold as one item, one per variant of the honey.
        assert_eq!(codes.len(), 3, "{lang}");
        let opened: Vec<_> = codes.iter().map(|c| page_of(&built, c)).collect();
        assert_eq!(
            opened,
            [
                expected[0].clone(),
                expected[1].clone(),
                expected[1].clone()
            ]
        );
    }
}

#[test]
fn labels_are_one_per_variant_on_sheets_of_the_configured_size() {
    let site = shop();
    let built = site.built();
    let labels = built.page("labels/index.html");
    // 1 × 2 labels a sheet: three labels take two sheets.
    assert_eq!(texts(&labels, "section.label-sheet").len(), 2);
    assert_eq!(
        attrs(&labels, "ul.label-grid", "class"),
        ["label-grid cols-1 rows-2"; 2]
    );
    assert_eq!(
        texts(&labels, "li.label .label-text"),
        [
            "Huile d'argan 1\u{202f}234,50 MAD T-ARG",
            "Miel de thym 250 g 90,00 MAD T-MIEL-250",
            "Miel de thym 500 g 170,00 MAD T-MIEL-500",
        ]
    );
    let arabic = built.page("ar/labels/index.html");
    assert_eq!(attrs(&arabic, "html", "dir"), ["rtl"]);
    assert_eq!(
        texts(&arabic, "li.label .label-variant"),
        ["250 g", "500 غ"]
    );
}

#[test]
fn printed_pages_have_no_script_no_order_button_and_are_kept_from_search_engines() {
    let site = shop();
    let built = site.built();
    let sitemap = std::fs::read_to_string(built.root.join("sitemap.xml")).unwrap();
    for file in [
        "catalogue/index.html",
        "ar/catalogue/index.html",
        "labels/index.html",
        "ar/labels/index.html",
    ] {
        let raw = std::fs::read_to_string(built.root.join(file)).unwrap();
        let page = built.page(file);
        assert!(!raw.contains("<script"), "{file}");
        assert!(
            attrs(&page, "a[href]", "href")
                .iter()
                .all(|h| !h.contains("wa.me") && !h.starts_with("mailto:")),
            "{file}: an order link"
        );
        assert!(texts(&page, "form, button, .button").is_empty(), "{file}");
        assert_eq!(
            attrs(&page, "meta[name=robots]", "content"),
            ["noindex"],
            "{file}"
        );
        assert_eq!(
            attrs(&page, "link[rel=stylesheet]", "href"),
            ["/css/print.css"],
            "{file}"
        );
        assert!(
            !sitemap.contains(file.trim_end_matches("index.html")),
            "{file} is in the sitemap"
        );
    }
    // The footer of every shop page links its language's catalogue.
    let home = built.page("ar/index.html");
    assert!(attrs(&home, "footer a", "href").contains(&"/ar/catalogue/".to_owned()));
}

#[test]
fn either_printed_page_can_be_turned_off() {
    let site = shop();
    site.edit("souk.yaml", "print:\n", "print:\n  catalogue: false\n");
    let built = site.built();
    assert!(!built.root.join("catalogue").exists());
    assert!(!built.root.join("ar/catalogue").exists());
    assert!(built.root.join("labels/index.html").is_file());
    let home = built.page("index.html");
    assert!(
        attrs(&home, "a", "href")
            .iter()
            .all(|h| !h.contains("catalogue"))
    );
    assert!(
        texts(&built.page("labels/index.html"), ".print-bar a")
            .iter()
            .all(|t| t != "Catalogue")
    );

    site.edit("souk.yaml", "  catalogue: false\n", "  labels: false\n");
    let built = site.built();
    assert!(built.root.join("catalogue/index.html").is_file());
    assert!(!built.root.join("labels").exists());
}

#[test]
fn certification_pages_list_their_products_and_every_badge_links_there() {
    let site = shop();
    let built = site.built();
    let ecocert = built.page("certifications/ecocert/index.html");
    assert_eq!(texts(&ecocert, "h1"), ["Ecocert Bio"]);
    assert_eq!(
        texts(&ecocert, ".details div"),
        ["Organisme certificateurEcocert SA", "NuméroFR-BIO-01"]
    );
    assert_eq!(texts(&ecocert, ".prose strong"), ["biologique"]);
    assert_eq!(
        attrs(&ecocert, "article a[rel=noopener]", "href"),
        ["https://www.ecocert.com/"]
    );
    // Its products, which link back to it.
    let listed = attrs(&ecocert, ".grid .card a", "href");
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    assert_eq!(
        listed,
        BTreeSet::from(["/products/argan-oil/", "/products/honey/"])
    );
    for product in ["products/argan-oil/index.html", "products/honey/index.html"] {
        let page = built.page(product);
        assert!(
            attrs(&page, ".certs a", "href").contains(&"/certifications/ecocert/".to_owned()),
            "{product}"
        );
    }
    let onssa = built.page("ar/certifications/onssa/index.html");
    assert_eq!(
        attrs(&onssa, ".grid .card a", "href"),
        ["/ar/products/%D8%B2%D9%8A%D8%AA-%D8%A3%D8%B1%D9%83%D8%A7%D9%86/"]
    );
    // The printed catalogue's badges link the pages too.
    let catalogue = built.page("catalogue/index.html");
    assert_eq!(
        attrs(&catalogue, ".print-card .print-certs a", "href"),
        [
            "/certifications/ecocert/",
            "/certifications/onssa/",
            "/certifications/ecocert/"
        ]
    );
    // Certification pages are for search engines: in the sitemap, with alternates.
    let sitemap = std::fs::read_to_string(built.root.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://coop.example/ar/certifications/onssa/</loc>"));
}

#[test]
fn structured_data_gives_each_product_its_certifications_and_the_cooperative_its_own() {
    let site = shop();
    let built = site.built();
    let blocks = |file: &str| -> Vec<serde_json::Value> {
        let page = built.page(file);
        let selector = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
        page.select(&selector)
            .map(|s| serde_json::from_str(&s.inner_html()).unwrap())
            .collect()
    };
    let product = blocks("products/argan-oil/index.html");
    let product = product.iter().find(|b| b["@type"] == "Product").unwrap();
    assert_eq!(
        product["hasCertification"],
        serde_json::json!([
            {
                "@type": "Certification",
                "name": "Ecocert Bio",
                "issuedBy": { "@type": "Organization", "name": "Ecocert SA" },
                "certificationIdentification": "FR-BIO-01",
                "url": "https://coop.example/certifications/ecocert/",
                "sameAs": "https://www.ecocert.com/"
            },
            { "@type": "Certification", "name": "ONSSA", "url": "https://coop.example/certifications/onssa/" }
        ])
    );
    assert_eq!(product["productionDate"], "2025-10");
    let home = blocks("index.html");
    let organization = home.iter().find(|b| b["@type"] == "Organization").unwrap();
    assert_eq!(organization["hasCertification"][0]["name"], "ONSSA");
    assert_eq!(
        organization["hasCertification"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn provenance_shows_on_the_product_page_and_goes_to_the_merchant_feed() {
    let site = shop();
    let built = site.built();
    let page = built.page("products/argan-oil/index.html");
    let details = texts(&page, ".details div");
    assert!(
        details.contains(&"OrigineTamanar".to_owned()),
        "{details:?}"
    );
    assert!(
        details.contains(&"Récolteoctobre 2025".to_owned()),
        "{details:?}"
    );
    assert!(details.contains(&"LotL-2510".to_owned()), "{details:?}");
    assert_eq!(attrs(&page, ".details time", "datetime"), ["2025-10"]);
    let arabic = built.page("ar/products/عسل-الزعتر/index.html");
    assert!(texts(&arabic, ".details div").contains(&"الجني14 يونيو 2025".to_owned()));
    // The producer's village on her card, and her page lists the product.
    let fatima = built.page("producers/fatima/index.html");
    assert!(attrs(&fatima, ".grid .card a", "href").contains(&"/products/argan-oil/".to_owned()));

    let feed = std::fs::read_to_string(built.root.join("feeds/google-merchant-fr.xml")).unwrap();
    assert!(feed.contains("<g:product_detail><g:section_name>Provenance</g:section_name><g:attribute_name>Origine</g:attribute_name><g:attribute_value>Tamanar</g:attribute_value></g:product_detail>"), "{feed}");
    assert!(feed.contains(
        "<g:attribute_name>Lot</g:attribute_name><g:attribute_value>L-2510</g:attribute_value>"
    ));
    assert!(feed.contains("<g:attribute_name>Récolte</g:attribute_name><g:attribute_value>2025-06-14</g:attribute_value>"));
}

#[test]
fn print_settings_certification_ids_and_harvest_dates_are_checked_together() {
    let site = shop();
    site.edit("souk.yaml", "  label_columns: 1", "  label_columns: 0")
        .edit(
            "souk.yaml",
            "utm_source=print&utm_medium=qr",
            "utm source=print",
        )
        .edit("souk.yaml", "  onssa:\n", "  ONSSA:\n")
        .edit(
            "products/argan-oil/product.yaml",
            "certifications: [ecocert, onssa]",
            "certifications: [ecocert]",
        )
        .edit("products/honey/product.yaml", "2025-06-14", "2025-13");
    let errors = site.errors();
    assert!(errors.contains("error: souk.yaml:"), "{errors}");
    assert!(
        errors.contains("`print.label_columns` is 0, but a sheet of A4 labels takes 1 to 5"),
        "{errors}"
    );
    assert!(
        errors.contains("`print.qr_query` `utm source=print` cannot be added to a web address"),
        "{errors}"
    );
    assert!(
        errors.contains("error: souk.yaml: the certification id `ONSSA` cannot be a page address"),
        "{errors}"
    );
    assert!(
        errors
            .contains("error: products/honey/product.yaml:4:10: `harvest` `2025-13` is not a date"),
        "{errors}"
    );
    assert!(
        errors.contains("hint: write the day it was harvested or made as year-month-day"),
        "{errors}"
    );
}

#[test]
fn a_large_catalogue_prints_in_parts_of_bounded_size() {
    let site = TestSite::minimal();
    // 241 products in French (the Arabic pages have only the fixture's one).
    for n in 0..240 {
        site.write(
            &format!("products/p{n:03}/product.yaml"),
            format!("sku: T-{n:03}\ncategory: oils\nprice: \"10\"\n"),
        );
        site.write(
            &format!("products/p{n:03}/fr.md"),
            format!("---\nname: Produit {n}\n---\nTexte.\n"),
        );
    }
    let built = site.built();
    let first = built.page("catalogue/index.html");
    let second = built.page("catalogue/page/2/index.html");
    assert_eq!(texts(&first, ".print-card").len(), 240);
    assert_eq!(texts(&second, ".print-card h3"), ["Produit 239"]);
    assert_eq!(texts(&first, ".cover h1").len(), 1);
    assert!(texts(&second, ".cover").is_empty());
    // The category goes on, named again.
    assert_eq!(texts(&second, ".print-section h2"), ["Huiles"]);
    assert_eq!(
        attrs(&first, ".print-bar a[rel=next]", "href"),
        ["/catalogue/page/2/"]
    );
    assert_eq!(
        attrs(&second, ".print-bar a[rel=prev]", "href"),
        ["/catalogue/"]
    );
    assert_eq!(
        texts(&second, ".print-bar p")[2],
        "Partie 2 sur 2 Précédent"
    );
    // Arabic has one part, and the French second part's switcher goes to it.
    assert!(!built.root.join("ar/catalogue/page").exists());
    assert_eq!(crate::harness::switcher(&second)["ar"], "/ar/catalogue/");
    // Labels: 3 × 8 a sheet, ten sheets a part.
    assert_eq!(texts(&built.page("labels/index.html"), ".label").len(), 240);
    assert_eq!(
        texts(&built.page("labels/page/2/index.html"), ".label").len(),
        1
    );
}

#[test]
fn a_product_s_labels_may_straddle_two_parts() {
    let site = shop();
    site.edit("souk.yaml", "  label_rows: 2", "  label_rows: 1");
    let variants: String = (1..=11)
        .map(|n| format!("  - {{ sku: T-MIEL-{n}, label: {n}00 g, price: \"{n}0\" }}\n"))
        .collect();
    site.edit(
        "products/honey/product.yaml",
        "variants:\n",
        &format!("variants:\n{variants}"),
    );
    let built = site.built();
    // 1 × 1 a sheet, ten a part: the argan oil and 9 of the honey's 13, then 4.
    let first = texts(&built.page("labels/index.html"), ".label-sku");
    let second = texts(&built.page("labels/page/2/index.html"), ".label-sku");
    assert_eq!(first.len(), 10);
    assert_eq!(first[0], "T-ARG");
    assert_eq!(first[9], "T-MIEL-9");
    assert_eq!(
        second,
        ["T-MIEL-10", "T-MIEL-11", "T-MIEL-250", "T-MIEL-500"]
    );
}
