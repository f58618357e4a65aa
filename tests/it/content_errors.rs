//! One test per kind of bad input: the exact message, file, line and column, and hint.

use crate::harness::TestSite;

#[test]
fn unknown_key_suggests_the_right_one() {
    let site = TestSite::minimal();
    site.edit("products/argan-oil/product.yaml", "stock: 3", "stokc: 3");
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:5:1: unknown key `stokc`\n  hint: did you mean `stock`? The keys allowed here are `sku`, `category`, `price`, `compare_at_price`, `stock`, `availability`, `available_from`, `featured`, `date`, `weight_grams`, `origin`, `harvest`, `batch`, `tags`, `certifications`, `producers`, `images`, `variants`, `payment_url`, `free`\n"
    );
}

#[test]
fn wrong_type_names_file_line_and_column() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "stock: plenty",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:5:8: expected a whole number (0, 1, 2…) here\n  hint: write the value without quotes or units, like the example in docs/content-model.md\n"
    );
}

#[test]
fn unknown_key_in_front_matter_counts_lines_from_the_top_of_the_file() {
    let site = TestSite::minimal();
    site.edit("products/argan-oil/fr.md", "summary:", "sumary:");
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/fr.md:3:1: unknown key `sumary`\n  hint: did you mean `summary`? The keys allowed here are `name`, `summary`, `slug`\n"
    );
}

#[test]
fn unknown_category_suggests_the_close_one() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "category: oils",
        "category: oil",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:2:11: there is no category `oil`\n  hint: did you mean `oils`?\n"
    );
}

#[test]
fn unknown_producer_and_certification_are_reported_together() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "producers: [fatima]",
        "producers: [zineb]\ncertifications: [bio]",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:6:13: there is no producer `zineb`\n  hint: add a folder for her or him in `producers/`, or fix the id\n\
         error: products/argan-oil/product.yaml:7:18: there is no certification `bio`\n  hint: declare it under `certifications:` in souk.yaml, or fix the id\n"
    );
}

#[test]
fn missing_image_file_suggests_a_file_that_is_there() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "file: bottle.jpg",
        "file: botle.jpg",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:8:11: the image `botle.jpg` does not exist\n  hint: did you mean `bottle.jpg`?\n"
    );
}

#[test]
fn image_outside_the_bundle_is_refused() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "file: bottle.jpg",
        "file: ../../souk.yaml",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:8:11: the image `../../souk.yaml` is outside this folder\n  hint: put the photo in the same folder as this file and write only its name, e.g. `photo.jpg`\n"
    );
}

#[test]
fn duplicate_sku_names_both_products() {
    let site = TestSite::minimal();
    site.write(
        "products/argan-soap/product.yaml",
        "sku: T-ARG\ncategory: oils\nprice: \"20\"\n",
    );
    site.write("products/argan-soap/fr.md", "---\nname: Savon\n---\n");
    assert_eq!(
        site.errors(),
        "warning: products/argan-soap: not published in ar: no translation\n  hint: add ar.md\n\
         error: products/argan-soap/product.yaml: the SKU `T-ARG` is also used by `products/argan-oil`\n  hint: give every product and variant its own SKU\n\
         warning: products/argan-soap/product.yaml: this product has no photo\n  hint: add `images:` with at least one `- file: photo.jpg`: shoppers rarely buy what they cannot see\n"
    );
}

#[test]
fn duplicate_slug_in_one_language_is_an_error() {
    let site = TestSite::minimal();
    site.write(
        "products/argan-soap/product.yaml",
        "sku: T-SOAP\ncategory: oils\nprice: \"20\"\nimages: [{file: s.jpg}]\n",
    );
    std::fs::copy(
        site.path("products/argan-oil/bottle.jpg"),
        site.path("products/argan-soap/s.jpg"),
    )
    .unwrap();
    site.write(
        "products/argan-soap/fr.md",
        "---\nname: Savon\nslug: argan-oil\n---\n",
    );
    site.write("products/argan-soap/ar.md", "---\nname: صابون\n---\n");
    assert_eq!(
        site.errors(),
        "error: products/argan-soap/fr.md: the product `argan-oil` already has the address `/products/argan-oil/`\n  hint: give one of them another `slug` in its front matter\n"
    );
}

#[test]
fn price_with_too_many_decimals_is_refused() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "price: \"1234.50\"",
        "price: 12.345",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:3:8: `price` `12.345` has more than 2 decimals\n  hint: write the price in MAD as a number like \"120.00\"\n"
    );
}

#[test]
fn a_price_with_a_comma_is_never_guessed() {
    // `1,500` was read as 1.50 MAD: a thousands separator taken for a decimal mark.
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "price: \"1234.50\"",
        "price: \"1,500\"",
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "compare_at_price: \"1500\"",
        "compare_at_price: 1800,5",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:3:8: `price` `1,500` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 1500.00 or 1.50? Write prices with a dot and no thousands separator, like \"120.00\"\n\
         error: products/argan-oil/product.yaml:4:19: `compare_at_price` `1800,5` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 1800.50? Write prices with a dot and no thousands separator, like \"120.00\"\n"
    );
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [MA]\n  rate: \"30\"\n  free_over: \"400,00\"",
    );
    // A mistake in souk.yaml no longer hides those of the content: all three in one run.
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:3:8: `price` `1,500` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 1500.00 or 1.50? Write prices with a dot and no thousands separator, like \"120.00\"\n\
         error: products/argan-oil/product.yaml:4:19: `compare_at_price` `1800,5` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 1800.50? Write prices with a dot and no thousands separator, like \"120.00\"\n\
         error: souk.yaml:16:14: `shipping.free_over` `400,00` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 400.00? Write prices with a dot and no thousands separator, like \"120.00\"\n"
    );
}

#[test]
fn a_whatsapp_number_without_its_country_code_is_refused() {
    // Every order button would be a dead wa.me link.
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "whatsapp: \"+212600000000\"",
        "whatsapp: \"0600000001\"",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml:10:13: `contact.whatsapp` `0600000001` is a number without its country code, which WhatsApp links cannot open\n  hint: did you mean \"+212600000001\"? WhatsApp needs the number with its country code\n"
    );
    site.edit(
        "souk.yaml",
        "whatsapp: \"0600000001\"",
        "whatsapp: \"0033612345678\"",
    );
    let built = site.built();
    let page = built.page("products/argan-oil/index.html");
    let order = crate::harness::attrs(&page, "main .order a[href^='https://wa.me/']", "href");
    assert!(
        order[0].starts_with("https://wa.me/33612345678?text="),
        "{order:?}"
    );
}

#[test]
fn country_codes_and_day_ranges_are_checked() {
    // `Morocco` went into JSON-LD and the Merchant feed as `MOROCCO`; `[5, 1]` as min 5, max 1.
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [ma, Morocco, XY]\n  rate: \"30\"\n  transit_days: [5, 1]",
    );
    site.edit(
        "souk.yaml",
        "  email: contact@coop.example",
        "  email: contact@coop.example\n  country: France",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml:12:12: `contact.country` `France` is not a country code\n  hint: did you mean `FR` (France)?\n\
         error: souk.yaml:15:19: `shipping.countries` `Morocco` is not a country code\n  hint: did you mean `MA` (Morocco)?\n\
         error: souk.yaml:15:28: `shipping.countries` `XY` is not a country code\n  hint: write the country's two-letter ISO 3166-1 code, e.g. `MA` for Morocco or `FR` for France\n\
         error: souk.yaml:17:17: `shipping.transit_days` `[5, 1]` starts after it ends\n  hint: write the fewest days first: `[1, 5]`\n"
    );
    site.edit("souk.yaml", "[ma, Morocco, XY]", "[ma]")
        .edit("souk.yaml", "[5, 1]", "[1, 5]")
        .edit("souk.yaml", "country: France", "country: fr");
    let built = site.built();
    let feed = std::fs::read_to_string(built.root.join("feeds/google-merchant-fr.xml")).unwrap();
    assert!(feed.contains("<g:country>MA</g:country>"), "{feed}");
}

#[test]
fn an_email_address_that_cannot_receive_orders_is_refused() {
    let site = TestSite::minimal();
    for wrong in [
        "mailto:contact@coop.example",
        "contact@coop",
        "contact coop@coop.example",
    ] {
        site.write(
            "souk.yaml",
            std::fs::read_to_string(crate::harness::fixtures().join("minimal/souk.yaml"))
                .unwrap()
                .replace(
                    "email: contact@coop.example",
                    &format!("email: \"{wrong}\""),
                ),
        );
        assert_eq!(
            site.errors(),
            format!(
                "error: souk.yaml:11:10: `contact.email` `{wrong}` is not an e-mail address\n  hint: write the whole address, e.g. \"contact@cooperative.ma\", without spaces or `mailto:`\n"
            )
        );
    }
}

#[test]
fn compare_at_price_below_price_is_refused() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "compare_at_price: \"1500\"",
        "compare_at_price: \"1000\"",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:4:19: `compare_at_price` is not above `price`\n  hint: `compare_at_price` is the price before a sale: make it higher than `price`, or remove it\n"
    );
}

#[test]
fn product_without_price_or_variants_is_refused() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "price: \"1234.50\"\ncompare_at_price: \"1500\"\n",
        "",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml: this product has no `price`\n  hint: add a line like `price: \"120.00\"` (in MAD), or list `variants` with their prices\n"
    );
}

#[test]
fn unclosed_front_matter_says_how_to_close_it() {
    let site = TestSite::minimal();
    site.write("products/argan-oil/fr.md", "---\nname: Huile\nUne huile.\n");
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/fr.md:1:1: the front matter is not closed\n  hint: add a line `---` after the last front-matter key\n"
    );
}

#[test]
fn markdown_without_front_matter_says_what_to_add() {
    let site = TestSite::minimal();
    site.write("categories/oils/fr.md", "Nos huiles.\n");
    assert_eq!(
        site.errors(),
        "error: categories/oils/fr.md:1:1: this file does not start with front matter\n  hint: start the file with a line `---`, the YAML keys (e.g. `name: …`), another line `---`, then the text\n"
    );
}

#[test]
fn non_utf8_file_is_named() {
    let site = TestSite::minimal();
    site.write(
        "producers/fatima/fr.md",
        b"---\nname: F\xe9tima\n---\n".as_slice(),
    );
    assert_eq!(
        site.errors(),
        "error: producers/fatima/fr.md: this file is not valid UTF-8 text (bad byte at offset 11)\n  hint: save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)\n"
    );
}

#[test]
fn empty_product_yaml_lists_what_is_required() {
    let site = TestSite::minimal();
    site.write("products/argan-oil/product.yaml", "");
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:1:1: the required key `sku` is missing\n  hint: add a line `sku: …`\n"
    );
}

#[test]
fn translation_for_a_language_the_site_does_not_have() {
    let site = TestSite::minimal();
    site.edit("souk.yaml", "ar: تعاونية تجريبية", "ra: تعاونية تجريبية");
    assert_eq!(
        site.errors(),
        "error: souk.yaml: `cooperative.name` has a text for `ra`, which is not a language of the site\n  hint: did you mean `ar`? The site's languages are fr, ar\n"
    );
}

#[test]
fn bad_base_url_and_currency_are_both_reported() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "base_url: https://coop.example/",
        "base_url: coop.example",
    );
    site.edit("souk.yaml", "currency: MAD", "currency: DHS");
    assert_eq!(
        site.errors(),
        "error: souk.yaml:2:11: `base_url` `coop.example` is not a web address\n  hint: write the full address the shop is published at, e.g. `https://my-coop.ma/` or `https://user.github.io/repo/`\n\
         error: souk.yaml:6:11: `DHS` is not an ISO 4217 currency code\n  hint: write the three-letter code, e.g. `MAD` for the Moroccan dirham or `EUR`\n"
    );
}

#[test]
fn bad_language_code() {
    let site = TestSite::minimal();
    site.edit("souk.yaml", "code: ar,", "code: arabic language,");
    assert_eq!(
        site.errors(),
        "error: souk.yaml:5:13: `arabic language` is not a language code\n  hint: use a BCP 47 code such as `fr`, `ar`, `en`, `zgh` or `es`\n"
    );
}

#[test]
fn folder_name_that_is_not_an_id() {
    let site = TestSite::minimal();
    std::fs::rename(
        site.path("categories/oils"),
        site.path("categories/Huiles d'argan"),
    )
    .unwrap();
    let errors = site.errors();
    assert!(
        errors.starts_with("error: categories/Huiles d'argan: the folder name `Huiles d'argan` cannot be used as an id\n  hint: rename the folder with lowercase letters a-z, digits and `-` only"),
        "{errors}"
    );
}

#[test]
fn a_broken_template_names_its_file_and_line() {
    let site = TestSite::minimal();
    site.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ content.title }</h1>\n{% endblock content %}\n");
    let errors = site.errors();
    assert!(
        errors.starts_with("error: templates/page.html:3:"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "hint: fix the template; docs/themes.md lists the variables each template receives"
        ),
        "{errors}"
    );
}

#[test]
fn a_template_using_an_unknown_variable_names_the_page() {
    let site = TestSite::minimal();
    site.write("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ content.titel }}</h1>\n{% endblock content %}\n");
    let errors = site.errors();
    assert!(
        errors.starts_with("error: templates/page.html:3:16: Field `titel` is not defined."),
        "{errors}"
    );
    assert!(errors.contains("(while rendering /about/)"), "{errors}");
    // The same mistake on every page is said once, not once per page.
    assert_eq!(errors.matches("error:").count(), 1, "{errors}");
}

#[test]
fn a_shared_part_that_uses_the_page_says_what_it_can_use() {
    let site = TestSite::minimal();
    site.write(
        "templates/shared/footer.html",
        "<footer>\n<p>{{ page.title }}</p>\n</footer>\n",
    );
    let errors = site.errors();
    assert!(
        errors.starts_with("error: templates/shared/footer.html:2:"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "(while rendering shared/footer.html once for every page in `fr`: a shared part sees only `lang`, `t`, `site` and `current_url`)"
        ),
        "{errors}"
    );
    // Said for each language, not for each page.
    assert_eq!(errors.matches("error:").count(), 2, "{errors}");
}

#[test]
fn every_problem_in_every_file_is_reported_at_once() {
    let site = TestSite::minimal();
    site.edit("products/argan-oil/product.yaml", "stock: 3", "stokc: 3");
    site.edit(
        "producers/fatima/producer.yaml",
        "member_since: 2011",
        "member_since: long ago",
    );
    site.write("categories/oils/ar.md", "no front matter\n");
    let errors = site.errors();
    assert_eq!(errors.matches("error: ").count(), 3, "{errors}");
    assert!(
        errors.contains("products/argan-oil/product.yaml:5:1"),
        "{errors}"
    );
    assert!(
        errors.contains("producers/fatima/producer.yaml:4:15"),
        "{errors}"
    );
    assert!(errors.contains("categories/oils/ar.md:1:1"), "{errors}");
}

#[test]
fn a_missing_site_says_what_a_site_is() {
    let dir = tempfile::tempdir().unwrap();
    let options = souk::build::BuildOptions::new(dir.path().join("nowhere"));
    let errors = souk::build::build(&options).unwrap_err().to_string();
    assert_eq!(
        errors,
        "error: souk.yaml: cannot read this file: the file does not exist\n  hint: run souk in the folder of a site, or name it: `souk build path/to/site`; a site has a `souk.yaml` file\n"
    );
}

#[test]
fn a_logo_outside_static_is_refused() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "contact:",
        "  logo: products/argan-oil/bottle.jpg\ncontact:",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml:9:9: the logo `products/argan-oil/bottle.jpg` is not in the site's `static` folder\n  hint: put the logo in `static/`, e.g. `static/logo.svg`, and write that path\n"
    );
}

#[test]
fn delivery_zones_and_order_settings_are_checked_all_at_once() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [MA]\n  free_over: \"300\"\n  zones:\n    - { name: { fr: Ville, ar: المدينة, es: Ciudad }, rate: \"15,00\" }\n    - { name: Ailleurs, rate: \"35\", transit_days: [4, 2] }\norders:\n  reference_prefix: T-1\n  form_endpoint: formspree.io/f/abc\n  privacy_page: legale",
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "stock: 3\npayment_url: javascript:alert(1)",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:6:14: `payment_url` `javascript:alert(1)` is not a web address\n  hint: write the full address of the payment page, starting with `https://`, e.g. a Stripe Payment Link or your PayPal.me page\n\
         error: souk.yaml: `shipping.zones[1].name` has a text for `es`, which is not a language of the site\n  hint: the site's languages are fr, ar; add it to `languages` or remove the translation\n\
         error: souk.yaml:15:14: `shipping.free_over` is written beside `shipping.zones`\n  hint: move `free_over` into each zone it applies to\n\
         error: souk.yaml:17:61: `shipping.zones[1].rate` `15,00` has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator\n  hint: did you mean 15.00? Write prices with a dot and no thousands separator, like \"120.00\"\n\
         error: souk.yaml:18:51: `shipping.zones[2].transit_days` `[4, 2]` starts after it ends\n  hint: write the fewest days first: `[2, 4]`\n\
         error: souk.yaml:20:21: `orders.reference_prefix` `T-1` cannot start an order reference\n  hint: write two to six letters or digits, e.g. `TIF`\n\
         error: souk.yaml:21:18: `orders.form_endpoint` `formspree.io/f/abc` is not a web address\n  hint: write the address your form service gives you, e.g. \"https://formspree.io/f/abcdwxyz\"\n\
         error: souk.yaml:22:17: `orders.privacy_page` `legale` is not a page of the site\n  hint: write the name of a folder of `pages/`, e.g. `legal`\n"
    );
    // With souk.yaml's other mistakes fixed, what is left.
    site.edit("souk.yaml", "  free_over: \"300\"\n", "")
        .edit("souk.yaml", ", es: Ciudad", "")
        .edit("souk.yaml", "\"15,00\"", "\"15.00\"")
        .edit("souk.yaml", "[4, 2]", "[2, 4]")
        .edit("souk.yaml", "T-1", "T1")
        .edit(
            "souk.yaml",
            "formspree.io/f/abc",
            "https://formspree.io/f/abc",
        );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:6:14: `payment_url` `javascript:alert(1)` is not a web address\n  hint: write the full address of the payment page, starting with `https://`, e.g. a Stripe Payment Link or your PayPal.me page\n\
         error: souk.yaml:21:17: `orders.privacy_page` `legale` is not a page of the site\n  hint: write the name of a folder of `pages/`, e.g. `legal`\n"
    );
}

#[test]
fn shipping_needs_a_rate_and_not_two() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [MA]",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml: `shipping` does not say what delivery costs\n  hint: add `rate: \"35.00\"` under `shipping`, or a list of `zones`, each with a `name` and a `rate`\n"
    );
    site.edit(
        "souk.yaml",
        "  countries: [MA]",
        "  countries: [MA]\n  rate: \"30\"\n  zones:\n    - { name: Ville, rate: \"15\" }",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml:15:9: `shipping` has both a flat `rate` and `zones`\n  hint: keep one: a `rate` for the whole country, or a `rate` in each zone\n"
    );
}

#[test]
fn a_free_page_cannot_take_the_carts_address() {
    let site = TestSite::minimal();
    site.edit(
        "pages/about/fr.md",
        "title: À propos",
        "title: À propos\nslug: panier",
    );
    assert_eq!(
        site.errors(),
        "error: pages/about/fr.md: the page address `/panier/` is taken by souk itself\n  hint: set another `slug` in the front matter, e.g. `about-us`\n"
    );
}

#[test]
fn a_zero_price_must_be_meant() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "price: \"1234.50\"",
        "price: \"0.00\"",
    )
    .edit(
        "products/argan-oil/product.yaml",
        "compare_at_price: \"1500\"\n",
        "",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:3:8: `price` `0.00` is zero: the shop would give it away\n  hint: write its price, e.g. \"120.00\"; if it really is free (a sample, a gift), add `free: true` beside it\n"
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "stock: 3\nfree: true",
    );
    site.built();
    site.edit(
        "products/argan-oil/product.yaml",
        "price: \"0.00\"",
        "price: \"12\"",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:3:8: `free: true` is written, but `price` is `12`\n  hint: remove `free: true`, or make the price \"0\"\n"
    );
    // Variants, and the free-delivery threshold, follow the same rule.
    site.edit(
        "products/argan-oil/product.yaml",
        "free: true",
        "variants:\n  - { sku: T-ARG-5, label: 5 ml, price: \"0\" }",
    );
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [MA]\n  rate: \"30\"\n  free_over: \"0\"",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:6:41: `price` `0` is zero: the shop would give it away\n  hint: write its price, e.g. \"120.00\"; if it really is free (a sample, a gift), add `free: true` beside it\n\
         error: souk.yaml:16:14: `shipping.free_over` `0` makes every delivery free\n  hint: to deliver free everywhere, write `rate: \"0\"` and remove `free_over`; else write the amount from which delivery is free, e.g. \"500.00\"\n"
    );
    site.edit("souk.yaml", "  free_over: \"0\"", "  free_over: \"400\"");
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:6:41: `price` `0` is zero: the shop would give it away\n  hint: write its price, e.g. \"120.00\"; if it really is free (a sample, a gift), add `free: true` beside it\n"
    );
}

#[test]
fn a_locale_souk_does_not_know_is_a_warning_and_tamazight_writes_its_own_numbers() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "  - { code: fr, name: Français }",
        "  - { code: fr, name: Français, locale: xx-YY }",
    );
    let built = site.built();
    assert_eq!(
        built.report.warnings.to_string(),
        "warning: souk.yaml: souk knows no number conventions for the locale `xx-YY` of Français: its prices are written the international way, 1,234.50\n  hint: set `locale` of this language to one souk knows, such as `fr`, `ar-MA`, `zgh` or `en` (docs/content-model.md says which)\n"
    );
    assert_eq!(
        crate::harness::texts(
            &built.page("products/argan-oil/index.html"),
            ".product-info .price-now"
        ),
        ["1,234.50 MAD"]
    );
    site.edit("souk.yaml", "locale: xx-YY", "locale: zgh-MA");
    let built = site.built();
    assert_eq!(built.report.warnings.to_string(), "");
    assert_eq!(
        crate::harness::texts(
            &built.page("products/argan-oil/index.html"),
            ".product-info .price-now"
        ),
        ["1\u{a0}234,50 MAD"]
    );
}

#[test]
fn six_mistakes_in_six_files_are_six_errors_in_one_run() {
    // Parse errors used to hide every reference error elsewhere: fixing six mistakes took three
    // rounds. A file that cannot be read is left out; the others are all checked, and what
    // refers to the unreadable one is not blamed twice.
    let site = TestSite::minimal();
    let photo = std::fs::read(site.path("products/argan-oil/bottle.jpg")).unwrap();
    let product = |id: &str, yaml: &str| {
        let images = "images:\n  - { file: bottle.jpg, alt: { fr: Un pot, ar: جرة } }\n";
        let yaml = if yaml.contains("images:") {
            yaml.to_owned()
        } else {
            format!("{yaml}{images}")
        };
        site.write(&format!("products/{id}/product.yaml"), yaml);
        site.write(&format!("products/{id}/bottle.jpg"), &photo);
        for lang in ["fr", "ar"] {
            site.write(
                &format!("products/{id}/{lang}.md"),
                format!("---\nname: {id} {lang}\n---\n"),
            );
        }
    };
    product(
        "soap",
        "sku: T-SOAP\ncategory: oils\nprice: \"12\"\nstock: many\n",
    );
    product("honey", "sku: T-HONEY\ncategory: honeys\nprice: \"80\"\n");
    product(
        "amlou",
        "sku: T-AMLOU\ncategory: oils\nprice: \"90\"\nproducers: [aicha]\n",
    );
    product(
        "salt",
        "sku: T-SALT\ncategory: oils\nprice: \"20\"\nimages:\n  - file: salt.jpg\n",
    );
    site.write("categories/spices/category.yaml", "order: first\n");
    site.write("categories/spices/fr.md", "---\nname: Épices\n---\n");
    site.write("producers/khadija/producer.yaml", "member_since: 2011\n");
    site.write("producers/khadija/fr.md", "name: Khadija\n");
    // Refers to the category that cannot be read: no second error for it.
    product(
        "cumin",
        "sku: T-CUMIN\ncategory: spices\nprice: \"30\"\nproducers: [khadija]\n",
    );
    assert_eq!(
        site.errors(),
        "error: categories/spices/category.yaml:1:8: expected a whole number here\n  hint: write the value without quotes or units, like the example in docs/content-model.md\n\
         error: producers/khadija/fr.md:1:1: this file does not start with front matter\n  hint: start the file with a line `---`, the YAML keys (e.g. `name: …`), another line `---`, then the text\n\
         error: products/amlou/product.yaml:4:13: there is no producer `aicha`\n  hint: add a folder for her or him in `producers/`, or fix the id\n\
         error: products/honey/product.yaml:2:11: there is no category `honeys`\n  hint: add a folder for it in `categories/`, or fix the id\n\
         error: products/salt/product.yaml:5:11: the image `salt.jpg` does not exist\n  hint: copy the photo into `products/salt` or fix the name\n\
         error: products/soap/product.yaml:4:8: expected a whole number (0, 1, 2…) here\n  hint: write the value without quotes or units, like the example in docs/content-model.md\n"
    );
}

#[test]
fn a_misindented_key_is_pointed_at_and_syntax_errors_are_said_plainly() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "stock: 3",
        "stock: 3\nvariants:\n  - sku: T-ARG-50\n  label: 50 ml\n    price: \"70\"",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:8:3: the key `label` on this line is not lined up with the keys of the entry it belongs to\n  hint: indent `label:` with 4 spaces, like the keys just above it\n"
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "variants:\n  - sku: T-ARG-50\n  label: 50 ml\n    price: \"70\"",
        "tags: [bio, argan\nweight_grams: 250",
    );
    assert_eq!(
        site.errors(),
        "error: products/argan-oil/product.yaml:7:13: a `:` here does not fit: a list opened with `[` or `{` on a line above may not be closed\n  hint: close the list with `]` (or `}`) on the line where it starts, or put a text with `:` in quotes\n"
    );
}

#[test]
fn a_markdown_file_named_after_no_language_is_a_warning_in_a_folder_that_loads() {
    // Told for a folder that otherwise loads: only a folder with errors used to report it.
    let site = TestSite::minimal();
    let text = std::fs::read_to_string(site.path("products/argan-oil/fr.md")).unwrap();
    site.write("products/argan-oil/de.md", &text);
    let built = site.built();
    assert_eq!(
        built.report.warnings.to_string(),
        "warning: products/argan-oil/de.md: `de.md` is not named after a language of the site, so it is not used\n  hint: name Markdown files after the site's languages: fr.md, ar.md\n"
    );
    assert!(!site.output().join("de").exists());
}

#[cfg(unix)]
#[test]
fn a_content_folder_reached_through_a_link_is_read() {
    // A catalogue shared between sites: `products` is a link to a folder beside the site.
    let site = TestSite::minimal();
    let shared = tempfile::tempdir().unwrap();
    std::fs::rename(site.path("products"), shared.path().join("products")).unwrap();
    std::os::unix::fs::symlink(shared.path().join("products"), site.path("products")).unwrap();
    let built = site.built();
    assert_eq!(built.report.warnings.to_string(), "");
    assert_eq!(
        crate::harness::texts(&built.page("products/argan-oil/index.html"), "h1"),
        ["Huile d'argan"]
    );
}

#[cfg(unix)]
#[test]
fn a_product_folder_that_is_a_link_is_refused() {
    let site = TestSite::minimal();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(
        site.path("products/argan-oil"),
        elsewhere.path().join("argan-oil"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("argan-oil"),
        site.path("products/argan-oil"),
    )
    .unwrap();
    let errors = site.errors();
    assert!(
        errors.contains(
            "error: products/argan-oil: this folder is a link, which souk does not follow\n  hint: move or copy the folder itself into the site\n"
        ),
        "{errors}"
    );
}
