//! docs/themes.md is the contract with themes: every variable it says a template receives is
//! used by the templates below, and a site built with them renders (Tera fails on a field that
//! does not exist). A name added to the doc but not to these templates, or a field renamed in
//! the code but not in the doc, fails here.

use std::collections::BTreeSet;

use crate::harness::{TestSite, texts};

/// What every template receives, used in full.
const GLOBALS: &str = r#"
<p class="lang">{{ lang.code }} {{ lang.name }} {{ lang.dir }}</p>
<p>{{ t.home }}</p>
<p>{{ site.name }} {{ site.tagline }} {{ site.legal_name }} {{ site.registration }} {{ site.founded }} {{ site.members }}</p>
<p>{{ site.logo.url }} {{ site.logo.width }} {{ site.logo.height }} {{ site.home_url }}</p>
<p>{{ site.contact.whatsapp }} {{ site.contact.whatsapp_url }} {{ site.contact.email }} {{ site.contact.phone }} {{ site.contact.phone_url }} {{ site.contact.address }} {{ site.contact.city }} {{ site.contact.country }}</p>
<ul class="social">{% for s in site.social %}<li>{{ s.network }} {{ s.url }}</li>{% endfor %}</ul>
<ul class="menus">{% for m in site.menu_header %}<li>{{ m.title }} {{ m.url }}</li>{% endfor %}{% for m in site.menu_footer %}<li>{{ m.title }} {{ m.url }}</li>{% endfor %}</ul>
<ul class="categories">{% for c in site.categories %}<li>{{ c.name }} {{ c.url }}</li>{% endfor %}</ul>
<p>{{ site.all_products_url }} {{ site.credits_url }} {{ site.cart_url }} {{ site.catalogue_url }} {{ site.base_path }}</p>
<ul class="switcher">{% for l in languages %}<li>{{ l.code }} {{ l.name }} {{ l.dir }} {{ l.url }} {{ l.current }} {{ l.translated }}</li>{% endfor %}</ul>
<p class="kind">{{ page.kind }}</p><p>{{ page.title }} {{ page.description }} {{ page.url }} {{ page.path }}</p>
{{ seo | safe }}
<div class="shared">{{ shared.footer }}</div>
<p>{{ asset_url(path="css/main.css") }}</p>
"#;

/// The shared shapes: an image, a card, a pagination.
fn image(var: &str) -> String {
    format!(
        "{{{{ {var}.src }}}} {{{{ {var}.srcset }}}} {{% for s in {var}.sources %}}{{{{ s.type }}}} {{{{ s.srcset }}}}{{% endfor %}} {{{{ {var}.width }}}} {{{{ {var}.height }}}} {{{{ {var}.alt }}}} {{{{ {var}.color }}}} {{{{ picture(image={var}, sizes=\"100vw\") }}}}"
    )
}

fn cards(var: &str) -> String {
    format!(
        "<ul class=\"cards\">{{% for c in {var} %}}<li>{{{{ c.name }}}} {{{{ c.url }}}} {{{{ c.summary }}}} {{{{ c.price }}}} {{{{ c.from }}}} {{{{ c.compare_at }}}} {{{{ c.on_sale }}}} {{{{ c.in_stock }}}} {{{{ c.availability }}}} {}</li>{{% endfor %}}</ul>",
        image("c.image")
    )
}

/// Where a part of a printable page is among its parts (in the catalogue; the labels the same).
const PARTS: &str = "<p class=\"parts\">{{ catalogue.parts.current }} {{ catalogue.parts.total }} {{ catalogue.parts.prev_url }} {{ catalogue.parts.next_url }}</p>";

fn badges(var: &str) -> String {
    format!(
        "<ul class=\"certifications\">{{% for c in {var} %}}<li>{{{{ c.name }}}} {{{{ c.page_url }}}} {{{{ c.url }}}} {{{{ c.logo.url }}}} {{{{ c.logo.width }}}} {{{{ c.logo.height }}}}</li>{{% endfor %}}</ul>"
    )
}

fn qr(var: &str) -> String {
    format!(
        "<p class=\"qr\">{{{{ {var}.url }}}} {{{{ {var}.display }}}}</p>{{{{ {var}.svg | safe }}}}"
    )
}

fn producer_cards(var: &str) -> String {
    format!(
        "<ul class=\"producers\">{{% for p in {var} %}}<li>{{{{ p.name }}}} {{{{ p.role }}}} {{{{ p.village }}}} {{{{ p.url }}}} {}</li>{{% endfor %}}</ul>",
        image("p.photo")
    )
}

const PAGINATION: &str = "<p>{{ pagination.current }} {{ pagination.total }} {{ pagination.prev_url }} {{ pagination.next_url }} {% for p in pagination.pages %}{{ p.number }} {{ p.url }} {{ p.current }} {{ p.gap_before }}{% endfor %}</p>";

fn templates() -> Vec<(&'static str, String)> {
    let page = |body: String| {
        format!(
            "<!doctype html><html><body>{{% include \"partials/every-global.html\" %}}{body}</body></html>"
        )
    };
    vec![
        ("partials/every-global.html", GLOBALS.to_owned()),
        (
            "shared/footer.html",
            "<p>{{ site.name }} {{ lang.code }}</p><p class=\"current\">[{{ current_url }}]</p>\n"
                .to_owned(),
        ),
        (
            "home.html",
            page(format!(
                "<p>{{{{ home.title }}}} {{{{ home.summary }}}} {{{{ home.story_html | safe }}}}</p>{}<ul>{{% for c in categories %}}<li>{{{{ c.name }}}} {{{{ c.url }}}} {{{{ c.summary }}}} {{{{ c.count }}}} {}</li>{{% endfor %}}</ul>{}",
                cards("featured"),
                image("c.image"),
                producer_cards("producers")
            )),
        ),
        (
            "product.html",
            page(format!(
                "<p>{{{{ product.id }}}} {{{{ product.name }}}} {{{{ product.summary }}}} {{{{ product.description_html | safe }}}} {{{{ product.sku }}}} {{{{ product.price }}}} {{{{ product.from }}}} {{{{ product.compare_at }}}} {{{{ product.on_sale }}}} {{{{ product.availability }}}} {{{{ product.in_stock }}}}</p>\
                 {{% for i in product.images %}}{}{{% endfor %}}\
                 <ul class=\"variants\">{{% for v in product.variants %}}<li>{{{{ v.label }}}} {{{{ v.sku }}}} {{{{ v.price }}}} {{{{ v.compare_at }}}} {{{{ v.on_sale }}}} {{{{ v.availability }}}} {{{{ v.in_stock }}}} {{{{ v.order_url }}}} {{{{ v.order_email_url }}}} {{{{ v.ask_url }}}} {{{{ v.payment_url }}}}</li>{{% endfor %}}</ul>\
                 <ul class=\"cart\">{{% for o in product.cart %}}<li>{{{{ o.sku }}}} {{{{ o.label }}}} {{{{ o.title }}}} {{{{ o.price }}}} {{{{ o.stock }}}}</li>{{% endfor %}}</ul><p class=\"pay\">{{{{ product.payment_url }}}}</p>\
                 <p>{{{{ product.category.name }}}} {{{{ product.category.url }}}} {{{{ product.origin }}}} {{{{ product.weight_grams }}}}</p>\
                 <p class=\"provenance\">{{{{ product.harvest }}}} {{{{ product.harvest_date }}}} {{{{ product.batch }}}}</p>\
                 {}{}\
                 <p>{{% for tag in product.tags %}}{{{{ tag }}}}{{% endfor %}} {{{{ product.order_url }}}} {{{{ product.order_email_url }}}} {{{{ product.ask_url }}}}</p>\
                 <p class=\"social-image\">{{{{ product.social_image.url }}}} {{{{ product.social_image.width }}}} {{{{ product.social_image.height }}}} {{{{ product.social_image.alt }}}}</p>",
                image("i"),
                badges("product.certifications"),
                producer_cards("product.producers")
            )),
        ),
        (
            "category.html",
            page(format!(
                "<p>{{{{ category.name }}}} {{{{ category.description_html | safe }}}} {{{{ category.url }}}}</p>{}{PAGINATION}",
                cards("products")
            )),
        ),
        (
            "producer.html",
            page(format!(
                "<p>{{{{ producer.name }}}} {{{{ producer.role }}}} {{{{ producer.village }}}} {{{{ producer.member_since }}}} {{{{ producer.story_html | safe }}}} {}</p>{}",
                image("producer.photo"),
                cards("products")
            )),
        ),
        (
            "page.html",
            page("<p>{{ content.title }} {{ content.body_html | safe }}</p>".to_owned()),
        ),
        (
            "certification.html",
            page(format!(
                "<div class=\"certification\">{{{{ certification.name }}}} {{{{ certification.description_html | safe }}}} {{{{ certification.body }}}} {{{{ certification.number }}}} {{{{ certification.url }}}} {{{{ certification.logo.url }}}} {{{{ certification.logo.width }}}} {{{{ certification.logo.height }}}}</div>{}",
                cards("products")
            )),
        ),
        (
            "catalogue.html",
            page(format!(
                "{{% for s in catalogue.sections %}}<section><h2>{{{{ s.name }}}}</h2>{{% for p in s.products %}}<article><p>{{{{ p.name }}}} {{{{ p.summary }}}} {{{{ p.price }}}} {{{{ p.from }}}} {{{{ p.origin }}}}</p>{}<ul class=\"variants\">{{% for v in p.variants %}}<li>{{{{ v.label }}}} {{{{ v.price }}}}</li>{{% endfor %}}</ul>{}{}</article>{{% endfor %}}</section>{{% endfor %}}{{% if catalogue.cover %}}{}{{% if catalogue.cover.whatsapp %}}{}{{% endif %}}{}{{% endif %}}{PARTS}<p class=\"labels-link\">{{{{ catalogue.labels_url }}}}</p>",
                image("p.image"),
                badges("p.certifications"),
                qr("p.qr"),
                qr("catalogue.cover.shop"),
                qr("catalogue.cover.whatsapp"),
                badges("catalogue.cover.certifications")
            )),
        ),
        (
            "labels.html",
            page(format!(
                "<p class=\"grid\">{{{{ labels.columns }}}} {{{{ labels.rows }}}} {{{{ labels.count }}}} {{{{ labels.catalogue_url }}}}</p>{}{{% for sheet in labels.sheets %}}<ul class=\"sheet\">{{% for l in sheet %}}<li>{{{{ l.name }}}} {{{{ l.variant }}}} {{{{ l.price }}}} {{{{ l.sku }}}} {}</li>{{% endfor %}}</ul>{{% endfor %}}",
                PARTS.replace("catalogue.", "labels."),
                qr("l.qr")
            )),
        ),
        ("404.html", page(String::new())),
        (
            "cart.html",
            page("<p class=\"cart\">{{ cart.config }} {{ cart.whatsapp }} {{ cart.email }} {{ cart.form }} {{ cart.privacy_url }}</p><ul class=\"zones\">{% for z in cart.zones %}<li>{{ z.name }} {{ z.rate }} {{ z.rate_text }} {{ z.free_over }} {{ z.free_over_text }} {{ z.days_min }} {{ z.days_max }} {{ z.cash_on_delivery }}</li>{% endfor %}</ul>".to_owned()),
        ),
    ]
}

/// Backticked words of that section that are not template variables.
const NOT_VARIABLES: [&str; 5] = ["base_url", "eager", "hreflang", "none", "replace"];

/// The names docs/themes.md gives in "What templates receive": every backticked word made of
/// lowercase letters, digits and `_` (values such as "ltr" or "in_stock" are written in quotes,
/// and code in backticks holds other characters), but [`NOT_VARIABLES`].
fn documented_names() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/themes.md"),
    )
    .unwrap();
    let section = doc
        .split("\n## What templates receive\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/themes.md has a `What templates receive` section");
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .filter(|word| !NOT_VARIABLES.contains(word))
        .map(str::to_owned)
        .collect()
}

/// A fixture where every optional value is there: logo, tagline, phone, address, social links,
/// a footer page, certifications with a link, variants, a category photo, a producer's village.
fn complete_site() -> TestSite {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "cooperative:\n  name: { fr: Coopérative Test, ar: تعاونية تجريبية }",
        "cooperative:\n  name: { fr: Coopérative Test, ar: تعاونية تجريبية }\n  tagline: { fr: L'huile des femmes, ar: زيت النساء }\n  legal_name: Coopérative Test SARL\n  registration: RC 1234\n  founded: 2009\n  members: 62\n  logo: static/logo.svg",
    );
    site.edit(
        "souk.yaml",
        "  email: contact@coop.example",
        "  email: contact@coop.example\n  phone: \"+212 5 24 00 00 00\"\n  address: { fr: Douar Tamri, ar: دوار تامري }\n  city: { fr: Essaouira, ar: الصويرة }\n  country: MA\nsocial:\n  - { network: instagram, url: \"https://instagram.com/coop\" }\ncertifications:\n  ecocert: { name: Ecocert, url: \"https://www.ecocert.com/\", body: Ecocert SA, number: FR-BIO-01, logo: static/labels/ecocert.svg, description: { fr: \"Bio, sans pesticides.\", ar: \"عضوي\" } }\nprint:\n  label_columns: 2\n  label_rows: 5\n  qr_query: utm_source=print\nshipping:\n  zones:\n    - { name: { fr: Essaouira, ar: الصويرة }, rate: \"15.00\", free_over: \"300.00\", transit_days: [0, 1] }\n    - { name: { fr: Ailleurs, ar: مكان آخر }, rate: \"35.00\", cash_on_delivery: false }\norders:\n  form_endpoint: https://forms.example/coop\n  privacy_page: delivery",
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"48\"/>",
    );
    site.write(
        "static/labels/ecocert.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\"/>",
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "producers: [fatima]",
        "producers: [fatima]\norigin: { fr: Essaouira, ar: الصويرة }\nweight_grams: 250\nharvest: 2025-10\nbatch: L-2510\ntags: [bio]\ncertifications: [ecocert]\npayment_url: https://pay.example/argan\nvariants:\n  - { sku: T-ARG-50, label: 50 ml, price: \"70.00\", stock: 2, payment_url: \"https://pay.example/argan-50\" }\n  - { sku: T-ARG-100, label: { fr: 100 ml, ar: 100 مل }, price: \"120.00\", compare_at_price: \"150.00\" }",
    );
    let photo = std::fs::read(site.path("products/argan-oil/bottle.jpg")).unwrap();
    site.write("categories/oils/jar.jpg", photo);
    site.write(
        "categories/oils/category.yaml",
        "image: { file: jar.jpg, alt: { fr: Un pot, ar: جرة } }\n",
    );
    site.edit(
        "producers/fatima/producer.yaml",
        "member_since: 2011",
        "member_since: 2011\nvillage: { fr: Tamri, ar: تامري }",
    );
    for (lang, title) in [("fr", "Livraison"), ("ar", "التوصيل")] {
        site.write(
            &format!("pages/delivery/{lang}.md"),
            format!("---\ntitle: {title}\n---\nSous trois jours.\n"),
        );
    }
    site.write("pages/delivery/page.yaml", "menu: footer\n");
    site
}

#[test]
fn every_documented_variable_is_used_by_these_templates() {
    let used: String = templates().into_iter().map(|(_, t)| t).collect();
    let words: BTreeSet<&str> = used
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    let missing: Vec<String> = documented_names()
        .into_iter()
        .filter(|name| !words.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/themes.md names {missing:?}, which no template of this test uses: add them here"
    );
}

#[test]
fn every_documented_variable_exists() {
    let site = complete_site();
    for (name, source) in templates() {
        site.write(&format!("templates/{name}"), source);
    }
    let built = site.built();
    for (file, kind) in [
        ("index.html", "home"),
        ("products/argan-oil/index.html", "product"),
        ("categories/oils/index.html", "category"),
        ("products/index.html", "products"),
        ("producers/fatima/index.html", "producer"),
        ("about/index.html", "page"),
        ("404.html", "not_found"),
        ("panier/index.html", "cart"),
        ("certifications/ecocert/index.html", "certification"),
        ("catalogue/index.html", "catalogue"),
        ("labels/index.html", "labels"),
        ("ar/index.html", "home"),
    ] {
        assert_eq!(texts(&built.page(file), "p.kind"), [kind], "{file}");
    }
    // The shared part, rendered once per language, on that language's pages.
    assert_eq!(
        texts(
            &built.page("products/index.html"),
            "div.shared p:first-child"
        ),
        ["Coopérative Test fr"]
    );
    assert_eq!(
        texts(&built.page("ar/index.html"), "div.shared p:first-child"),
        ["تعاونية تجريبية ar"]
    );
    // `current_url` is the page's own path on the pages `site` links to, else empty.
    for (file, current) in [
        ("products/index.html", "[/products/]"),
        ("ar/index.html", "[/ar/]"),
        ("categories/oils/index.html", "[/categories/oils/]"),
        ("products/argan-oil/index.html", "[]"),
        ("producers/fatima/index.html", "[]"),
    ] {
        assert_eq!(
            texts(&built.page(file), "div.shared p.current"),
            [current],
            "{file}"
        );
    }
    // The optional values were there, so their fields were read.
    let product = built.page("products/argan-oil/index.html");
    assert_eq!(
        texts(&product, "ul.variants li").len(),
        2,
        "both variants rendered"
    );
    assert_eq!(
        texts(&product, "ul.certifications li"),
        ["Ecocert /certifications/ecocert/ https://www.ecocert.com/ /labels/ecocert.svg 64 32"]
    );
    assert_eq!(
        texts(&product, "p.provenance"),
        ["octobre 2025 2025-10 L-2510"]
    );
    let labels = built.page("labels/index.html");
    assert_eq!(texts(&labels, "p.grid"), ["2 5 2 /catalogue/"]);
    assert_eq!(
        texts(&labels, "ul.sheet li"),
        [
            "Huile d'argan 50 ml 70,00 MAD T-ARG-50 https://coop.example/products/argan-oil/?utm_source=print coop.example/products/argan-oil",
            "Huile d'argan 100 ml 120,00 MAD T-ARG-100 https://coop.example/products/argan-oil/?utm_source=print coop.example/products/argan-oil"
        ]
    );
    assert_eq!(
        texts(&labels, "p.qr"),
        [
            "https://coop.example/products/argan-oil/?utm_source=print coop.example/products/argan-oil",
            "https://coop.example/products/argan-oil/?utm_source=print coop.example/products/argan-oil"
        ]
    );
    let certification = built.page("certifications/ecocert/index.html");
    assert_eq!(
        texts(&certification, "div.certification"),
        [
            "Ecocert Bio, sans pesticides. Ecocert SA FR-BIO-01 https://www.ecocert.com/ /labels/ecocert.svg 192 96"
        ]
    );
    assert!(texts(&product, "p.social-image")[0].starts_with("https://coop.example/images/"));
    assert_eq!(
        texts(&product, "ul.cart li"),
        [
            "T-ARG-50 50 ml Huile d'argan – 50 ml 70,00 MAD 2",
            "T-ARG-100 100 ml Huile d'argan – 100 ml 120,00 MAD"
        ]
    );
    assert_eq!(texts(&product, "p.pay"), ["https://pay.example/argan"]);
    let cart = built.page("panier/index.html");
    assert_eq!(
        texts(&cart, "ul.zones li"),
        [
            "Essaouira 1500 15,00 MAD 30000 300,00 MAD 0 1 true",
            "Ailleurs 3500 35,00 MAD 1 5 false"
        ]
    );
    assert!(texts(&cart, "p.cart")[0].ends_with(" true true true /delivery/"));
}
