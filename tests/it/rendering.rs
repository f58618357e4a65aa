//! What the pages say, on the minimal fixture site.

use souk::build::{BuildOptions, build};

use crate::harness::{TestSite, attrs, switcher, texts};

#[test]
fn product_page_shows_price_sale_photo_producer_and_order_links() {
    let site = TestSite::minimal();
    let built = site.built();
    let page = built.page("products/argan-oil/index.html");
    assert_eq!(texts(&page, "h1"), ["Huile d'argan"]);
    assert_eq!(
        texts(&page, "main .price-lg .price-was"),
        ["Prix habituel : 1\u{202f}500,00 MAD"]
    );
    let order = attrs(&page, "main .order a[href^='https://wa.me/']", "href");
    assert_eq!(
        order.iter().map(|u| whatsapp_text(u)).collect::<Vec<_>>(),
        [
            "Bonjour, je souhaite commander : 1 × Huile d'argan (T-ARG), 1\u{202f}234,50 MAD\nhttps://coop.example/products/argan-oil/"
        ]
    );
    let mail = attrs(&page, "a[href^='mailto:']", "href");
    assert!(
        mail.iter()
            .any(|m| m.starts_with("mailto:contact@coop.example?subject=Huile%20d%27argan&body=")),
        "{mail:?}"
    );
    let producers = texts(&page, "main a[href='/producers/fatima/']");
    assert!(!producers.is_empty(), "the producer is linked");
    let image = attrs(&page, "main img[srcset]", "srcset");
    assert_eq!(
        image.first().map(|s| s.matches(" 480w").count()),
        Some(1),
        "{image:?}"
    );
}

/// The text of a `https://wa.me/<number>?text=…` link, decoded.
fn whatsapp_text(url: &str) -> String {
    let (_, text) = url.split_once("?text=").expect("a wa.me link with a text");
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[test]
fn every_variant_is_ordered_by_its_own_link_and_what_is_sold_out_only_asked_about() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "producers: [fatima]",
        "producers: [fatima]\nvariants:\n  - { sku: T-ARG-50, label: { fr: 50 ml, ar: 50 مل }, price: \"70.00\", stock: 4 }\n  - { sku: T-ARG-100, label: 100 ml, price: \"120.00\", stock: 0 }\n  - { sku: T-ARG-1L, label: 1 l, price: \"900.00\", availability: preorder }",
    );
    let built = site.built();
    let page = built.page("products/argan-oil/index.html");
    let rows = |selector: &str| -> Vec<String> {
        attrs(&page, selector, "href")
            .iter()
            .map(|u| whatsapp_text(u))
            .collect()
    };
    assert_eq!(
        rows("main .order-variants a.button-wa"),
        [
            "Bonjour, je souhaite commander : 1 × Huile d'argan – 50 ml (T-ARG-50), 70,00 MAD\nhttps://coop.example/products/argan-oil/",
            "Bonjour, je souhaite commander : 1 × Huile d'argan – 1 l (T-ARG-1L), 900,00 MAD (précommande)\nhttps://coop.example/products/argan-oil/",
        ],
        "one order link per variant in stock or on preorder"
    );
    assert_eq!(
        rows("main .order-variants a.button-ghost[href^='https://wa.me/']"),
        [
            "Bonjour, Huile d'argan – 100 ml (T-ARG-100) est épuisé : pouvez-vous me dire quand il sera de retour ? https://coop.example/products/argan-oil/"
        ],
        "the sold-out variant is only asked about"
    );
    let mails = attrs(&page, "main .order-variants a[href^='mailto:']", "href");
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[0].starts_with("mailto:contact@coop.example?subject=Huile%20d%27argan%20%E2%80%93%2050%20ml&body=Bonjour%2C%20je%20souhaite%20commander%20%3A%201%20%C3%97%20Huile"), "{mails:?}");
    // The product-level buttons give way to the variants'.
    assert!(attrs(&page, "main p.order-actions a", "href").is_empty());
    // In Arabic, the message is Arabic and names the Arabic label.
    let arabic = built.page("ar/products/زيت-أركان/index.html");
    let first = attrs(&arabic, "main .order-variants a.button-wa", "href");
    assert_eq!(
        whatsapp_text(&first[0]),
        "السلام عليكم، أود طلب: 1 × زيت أركان – 50 مل (T-ARG-50)، 70,00 د.م.\nhttps://coop.example/ar/products/%D8%B2%D9%8A%D8%AA-%D8%A3%D8%B1%D9%83%D8%A7%D9%86/"
    );

    // A product without variants, sold out: no order link, one to ask about it.
    site.edit("products/argan-oil/product.yaml", "stock: 3", "stock: 0");
    let yaml = std::fs::read_to_string(site.path("products/argan-oil/product.yaml")).unwrap();
    let without_variants = &yaml[..yaml.find("variants:").unwrap()];
    site.write("products/argan-oil/product.yaml", without_variants);
    let page = site.built().page("products/argan-oil/index.html");
    assert_eq!(
        attrs(&page, "main .order a[href^='https://wa.me/']", "href")
            .iter()
            .map(|u| whatsapp_text(u))
            .collect::<Vec<_>>(),
        [
            "Bonjour, Huile d'argan (T-ARG) est épuisé : pouvez-vous me dire quand il sera de retour ? https://coop.example/products/argan-oil/"
        ]
    );
    assert!(attrs(&page, "main .order a[href^='mailto:']", "href").is_empty());
}

#[test]
fn markdown_body_is_rendered_with_anchored_headings_and_sanitized_raw_html() {
    let site = TestSite::minimal();
    site.write("pages/about/fr.md", "---\ntitle: À propos\n---\n# Notre histoire\n\n<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    let built = site.built();
    let page = built.page("about/index.html");
    assert_eq!(
        attrs(&page, "main h2#notre-histoire", "id"),
        ["notre-histoire"]
    );
    assert_eq!(texts(&page, "main td"), ["1", "2"]);
    // The only scripts are the theme's shop script and souk's structured data; the raw script
    // is dropped by the sanitizer.
    assert_eq!(attrs(&page, "script", "src"), ["/js/shop.js"]);
    assert_eq!(
        attrs(&page, "script", "type").len() + 1,
        texts(&page, "script").len()
    );
    assert!(
        attrs(&page, "script", "type")
            .iter()
            .all(|t| t == "application/ld+json")
    );
    assert!(texts(&page, "main").iter().all(|t| !t.contains("alert")));
}

#[test]
fn arabic_slugs_are_encoded_in_links_and_kept_as_written_on_disk() {
    let site = TestSite::minimal();
    let built = site.built();
    assert!(
        built
            .root
            .join("ar/products/زيت-أركان/index.html")
            .is_file()
    );
    assert!(built.root.join("ar/من-نحن/index.html").is_file());
    let fr = built.page("products/argan-oil/index.html");
    assert_eq!(
        switcher(&fr)["ar"],
        "/ar/products/%D8%B2%D9%8A%D8%AA-%D8%A3%D8%B1%D9%83%D8%A7%D9%86/"
    );
}

#[test]
fn a_missing_category_translation_falls_back_and_warns() {
    let site = TestSite::minimal();
    site.remove("categories/oils/ar.md");
    let built = site.built();
    let warnings = built.report.warnings.to_string();
    assert_eq!(
        warnings,
        "warning: categories/oils: no translation in ar: the Français text is shown there\n  hint: add ar.md\n"
    );
    let page = built.page("ar/categories/oils/index.html");
    assert_eq!(texts(&page, "h1"), ["Huiles"]);
}

#[test]
fn a_shared_part_is_the_same_on_every_page_of_its_language() {
    let site = TestSite::minimal();
    // The site's own footer, and a part of its own that its base shows in the header.
    site.write(
        "templates/shared/footer.html",
        "<footer class=\"site-footer\"><p class=\"made\">{{ site.name }} · {{ lang.code }} · {{ t.contact }}</p></footer>\n",
    );
    site.write(
        "templates/shared/notice.html",
        "<p class=\"notice\" dir=\"{{ lang.dir }}\">{{ t.cod_short }}</p>\n",
    );
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    assert!(base.contains("{{ shared.footer }}"), "{base}");
    site.write(
        "templates/base.html",
        base.replace(
            "<main id=\"main\">",
            "{{ shared.notice }}\n<main id=\"main\">",
        ),
    );
    let built = site.built();
    let fr_strings = ["Coopérative Test · fr · Nous contacter"];
    let ar_strings = ["تعاونية تجريبية · ar · اتصل بنا"];
    let mut framed = 0;
    for file in built.html_files() {
        let page = built.page(&file);
        // Pages made for paper replace the whole frame, footer included.
        let kind = attrs(&page, "body", "class");
        if kind == ["kind-catalogue"] || kind == ["kind-labels"] {
            continue;
        }
        let (made, notice) = if file.starts_with("ar/") {
            (ar_strings, "الدفع نقدًا عند الاستلام.")
        } else {
            (fr_strings, "Paiement en espèces à la livraison.")
        };
        assert_eq!(texts(&page, "footer .made"), made, "{file}");
        assert_eq!(texts(&page, "footer").len(), 1, "{file}");
        assert_eq!(texts(&page, "p.notice"), [notice], "{file}");
        framed += 1;
    }
    assert!(framed >= 10, "{framed} pages");
    // The part is written once into each page, as it is: no line break of the file added.
    let home = std::fs::read_to_string(built.root.join("index.html")).unwrap();
    assert!(
        home.contains("Nous contacter</p></footer>\n<script"),
        "{home}"
    );
}

#[test]
fn the_menu_marks_the_page_it_is_on_and_no_other() {
    // The masthead and menu are a shared part, rendered once for each page they link to and
    // once for every other page: each page must still see its own item marked.
    let site = TestSite::minimal();
    let built = site.built();
    let mut marked = Vec::new();
    for file in built.html_files() {
        let page = built.page(&file);
        // The page's own address, as the language switcher marks it.
        let own = attrs(&page, "nav.langs a[aria-current=page]", "href");
        let Some(own) = own.first() else { continue };
        // The menu's links, then the cart link: the one leading to this page is marked, no
        // other.
        for links in ["nav.mainnav a", "a.cart-link"] {
            let current = attrs(&page, &format!("{links}[aria-current=page]"), "href");
            if attrs(&page, links, "href").contains(own) {
                assert_eq!(current, std::slice::from_ref(own), "{file}: {links}");
                marked.push(own.clone());
            } else {
                assert_eq!(current, Vec::<String>::new(), "{file}: {links}");
            }
        }
    }
    marked.sort();
    // All products, the category, the page of the header menu and the cart, in both
    // languages (السلة is the Arabic cart, من-نحن the Arabic about page).
    assert_eq!(
        marked,
        [
            "/about/",
            "/ar/%D8%A7%D9%84%D8%B3%D9%84%D8%A9/",
            "/ar/%D9%85%D9%86-%D9%86%D8%AD%D9%86/",
            "/ar/categories/oils/",
            "/ar/products/",
            "/categories/oils/",
            "/panier/",
            "/products/",
        ]
    );
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = TestSite::minimal();
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ t.not_found_title }} — custom</h1>{% endblock content %}");
    let built = site.built();
    assert_eq!(
        texts(&built.page("404.html"), "h1")
            .first()
            .map(|t| t.ends_with("— custom")),
        Some(true)
    );
    // The theme's other templates are still used.
    assert_eq!(texts(&built.page("about/index.html"), "h1"), ["À propos"]);
}

/// The site built for `https://user.github.io/coop/`: its `about/` page.
fn about_page_under_a_sub_path(site: &TestSite) -> String {
    let built = build(&BuildOptions {
        base_url: Some("https://user.github.io/coop/".to_owned()),
        ..site.options()
    })
    .unwrap();
    std::fs::read_to_string(built.output.join("about/index.html")).unwrap()
}

#[test]
fn asset_url_links_the_theme_and_site_files_and_refuses_others() {
    let site = TestSite::minimal();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ content.title }}</h1><p><a href=\"{{ asset_url(path='humans.txt') }}\">humans</a> <a href=\"{{ asset_url(path='/icons.svg') }}\">icons</a></p>{% endblock content %}");
    let html = about_page_under_a_sub_path(&site);
    let page = scraper::Html::parse_document(&html);
    assert_eq!(
        attrs(&page, "main p a", "href"),
        ["/coop/humans.txt", "/coop/icons.svg"]
    );
    // The default theme's own links go through it too.
    assert_eq!(
        attrs(&page, "link[rel=stylesheet]", "href"),
        ["/coop/css/main.css"]
    );
    assert_eq!(
        attrs(&page, "link[rel=icon]", "href"),
        ["/coop/favicon.svg"]
    );

    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}\n<h1>{{ content.title }}</h1>\n<link href=\"{{ asset_url(path='css/missing.css') }}\">\n{% endblock content %}");
    let errors = site.errors();
    assert!(
        errors.starts_with("error: templates/page.html:3:"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "`asset_url`: there is no file `css/missing.css` in the theme's or the site's `static/`"
        ),
        "{errors}"
    );
}

#[test]
fn icons_come_from_the_sprite_and_a_name_it_lacks_shows_its_link_icon() {
    let site = TestSite::minimal();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ content.title }}</h1><p id=\"icons\">{{ icon(name='cart') }}{{ icon(name='no-such-icon') }}{{ <icon name=\"mail\" /> }}</p>{% endblock content %}");
    let html = about_page_under_a_sub_path(&site);
    let page = scraper::Html::parse_document(&html);
    assert_eq!(
        attrs(&page, "#icons svg use", "href"),
        [
            "/coop/icons.svg#cart",
            "/coop/icons.svg#link",
            "/coop/icons.svg#mail"
        ]
    );
    assert!(
        html.contains("<p id=\"icons\"><svg class=\"icon\" aria-hidden=\"true\" width=\"20\" height=\"20\"><use href=\"/coop/icons.svg#cart\"/></svg><svg"),
        "{html}"
    );

    // A site's own sprite replaces the theme's, with its own names.
    site.write(
        "static/icons.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><symbol id=\"star\" viewBox=\"0 0 24 24\"/><symbol id=\"link\" viewBox=\"0 0 24 24\"/></svg>",
    );
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ content.title }}</h1><p id=\"icons\">{{ icon(name='star') }}{{ icon(name='cart') }}</p>{% endblock content %}");
    let built = site.built();
    assert_eq!(
        attrs(&built.page("about/index.html"), "#icons svg use", "href"),
        ["/icons.svg#star", "/icons.svg#link"]
    );
}

#[test]
fn a_site_i18n_file_overrides_single_strings() {
    let site = TestSite::minimal();
    site.write("i18n/fr.yaml", "all_products: \"La boutique\"\n");
    let built = site.built();
    let nav = texts(&built.page("index.html"), "nav.mainnav a");
    assert_eq!(nav.first().map(String::as_str), Some("La boutique"));
    let ar_nav = texts(&built.page("ar/index.html"), "nav.mainnav a");
    assert_ne!(ar_nav.first().map(String::as_str), Some("La boutique"));
}

#[test]
fn a_fourth_language_without_theme_strings_warns_and_falls_back() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "  - { code: ar, name: العربية, locale: ar-MA }\n",
        "  - { code: ar, name: العربية, locale: ar-MA }\n  - { code: zgh, name: ⵜⴰⵎⴰⵣⵉⵖⵜ }\n",
    );
    site.write("home/zgh.md", "---\ntitle: ⴰⵣⵓⵍ\n---\n");
    let built = site.built();
    let warnings = built.report.warnings.to_string();
    assert!(
        warnings
            .contains("warning: i18n/zgh.yaml: the theme has no UI strings in ⵜⴰⵎⴰⵣⵉⵖⵜ (`zgh`)"),
        "{warnings}"
    );
    let page = built.page("zgh/index.html");
    assert_eq!(attrs(&page, "html", "lang"), ["zgh"]);
    assert_eq!(attrs(&page, "html", "dir"), ["ltr"]);
    assert_eq!(texts(&page, "h1"), ["ⴰⵣⵓⵍ"]);
}

#[test]
fn a_missing_translation_is_not_published_and_said_once() {
    let site = TestSite::minimal();
    site.remove("products/argan-oil/ar.md");
    let built = site.built();
    assert!(built.root.join("products/argan-oil/index.html").is_file());
    assert!(!built.root.join("ar/products/زيت-أركان").exists());
    assert_eq!(
        built.report.warnings.to_string(),
        "warning: products/argan-oil: not published in ar: no translation\n  hint: add ar.md\n"
    );
    // The French page's switcher sends Arabic readers to the Arabic home.
    assert_eq!(
        switcher(&built.page("products/argan-oil/index.html"))["ar"],
        "/ar/"
    );
    assert_eq!(
        built
            .report
            .pages
            .iter()
            .map(|(_, n)| *n)
            .collect::<Vec<_>>(),
        [10, 9]
    );
}

#[test]
fn the_logo_gets_its_shape_and_is_the_page_icon() {
    let site = TestSite::minimal();
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 48\"><title>x</title></svg>",
    );
    site.edit("souk.yaml", "contact:", "  logo: static/logo.svg\ncontact:");
    let built = site.built();
    let page = built.page("index.html");
    assert_eq!(attrs(&page, "img.brand-logo", "width"), ["96"]);
    assert_eq!(attrs(&page, "img.brand-logo", "height"), ["48"]);
    assert_eq!(attrs(&page, "link[rel=icon]", "href"), ["/logo.svg"]);
    let plain = TestSite::minimal();
    let without = plain.built();
    assert_eq!(
        attrs(&without.page("index.html"), "link[rel=icon]", "href"),
        ["/favicon.svg"]
    );
    assert!(without.root.join("favicon.svg").is_file());
}

/// A listing of 500 pages links the first, the last and the pages around the current one:
/// its size does not grow with the catalogue, and `rel="prev"` / `rel="next"` stay right.
#[test]
fn long_listings_link_a_window_of_pages_not_every_page() {
    let site = TestSite::minimal();
    site.edit("souk.yaml", "items_per_page: 2", "items_per_page: 1");
    for n in 1..500 {
        site.write(
            &format!("products/soap-{n:03}/product.yaml"),
            format!("sku: SOAP-{n}\ncategory: oils\nprice: \"20\"\nstock: 1\n"),
        );
        site.write(
            &format!("products/soap-{n:03}/fr.md"),
            "---\nname: Savon\n---\n",
        );
    }
    let built = site.built();
    let links = |page: &str| {
        let html = built.page(page);
        let numbers = crate::harness::texts(&html, ".pagination a[href]:not([rel])");
        let gaps = crate::harness::texts(&html, ".pagination .pagination-gap").len();
        let prev = crate::harness::attrs(&html, ".pagination a[rel=prev]", "href");
        let next = crate::harness::attrs(&html, ".pagination a[rel=next]", "href");
        (numbers, gaps, prev, next)
    };
    let (numbers, gaps, prev, next) = links("products/index.html");
    assert_eq!(numbers, ["Page 1", "Page 2", "Page 3", "Page 500"]);
    assert_eq!((gaps, prev.len()), (1, 0));
    assert_eq!(next, ["/products/page/2/"]);

    let (numbers, gaps, prev, next) = links("products/page/250/index.html");
    assert_eq!(
        numbers,
        [
            "Page 1", "Page 248", "Page 249", "Page 250", "Page 251", "Page 252", "Page 500"
        ]
    );
    assert_eq!(gaps, 2);
    assert_eq!(prev, ["/products/page/249/"]);
    assert_eq!(next, ["/products/page/251/"]);
    let html = built.page("products/page/250/index.html");
    assert_eq!(
        crate::harness::texts(&html, ".pagination a[aria-current=page]"),
        ["Page 250"]
    );

    let (numbers, _, prev, next) = links("products/page/500/index.html");
    assert_eq!(numbers, ["Page 1", "Page 498", "Page 499", "Page 500"]);
    assert_eq!(
        (prev, next.len()),
        (vec!["/products/page/499/".to_owned()], 0)
    );

    // Bounded: the middle page is the size of the second, give or take its numbers.
    let size = |page: &str| std::fs::metadata(built.root.join(page)).unwrap().len();
    let (second, middle) = (
        size("products/page/2/index.html"),
        size("products/page/250/index.html"),
    );
    assert!(middle < second + 400, "{second} vs {middle}");
}
