//! What search engines and marketplaces read, on the example site: JSON-LD, alternates,
//! sitemap, feeds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Built, TestSite, attrs, example_site, fixtures};

fn built() -> &'static Built {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, Built)> = std::sync::OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut options = souk::build::BuildOptions::new(example_site());
            options.output = Some(dir.path().join("out"));
            options.cache_dir = Some(dir.path().join("cache"));
            let report = souk::build::build(&options).unwrap_or_else(|e| panic!("{e}"));
            let built = Built {
                root: report.output.clone(),
                report,
            };
            (dir, built)
        })
        .1
}

const BASE: &str = "https://tifawin.example/";

/// The output file an absolute URL of the site is served from.
fn file_of(root: &Path, url: &str) -> PathBuf {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not on the site"));
    crate::harness::file_for(root, "/", &format!("/{path}")).unwrap()
}

fn relative(built: &Built, file: &Path) -> String {
    file.strip_prefix(&built.root)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn json_ld(page: &scraper::Html) -> Vec<Value> {
    let selector = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
    page.select(&selector)
        .map(|s| {
            serde_json::from_str(&s.inner_html()).unwrap_or_else(|e| panic!("invalid JSON-LD: {e}"))
        })
        .collect()
}

fn of_type<'a>(blocks: &'a [Value], kind: &str) -> Option<&'a Value> {
    blocks.iter().find(|b| b["@type"] == kind)
}

fn product_pages(built: &Built) -> Vec<String> {
    built
        .html_files()
        .into_iter()
        .filter(|f| {
            f.split('/').any(|s| s == "products")
                && !f.contains("/page/")
                && f.matches('/').count() >= 2
                && !f.starts_with("products/index")
                && !f.ends_with("products/index.html")
        })
        .collect()
}

fn assert_offer(offer: &Value, file: &str) {
    assert_eq!(offer["@type"], "Offer", "{file}");
    assert!(
        offer["price"].as_str().unwrap().contains('.'),
        "{file}: price {}",
        offer["price"]
    );
    assert_eq!(offer["priceCurrency"], "MAD", "{file}");
    assert!(
        offer["availability"]
            .as_str()
            .unwrap()
            .starts_with("https://schema.org/"),
        "{file}"
    );
    assert_eq!(
        offer["itemCondition"], "https://schema.org/NewCondition",
        "{file}"
    );
    assert!(offer["url"].as_str().unwrap().starts_with(BASE), "{file}");
    assert_eq!(offer["seller"]["@type"], "Organization", "{file}");
    assert_eq!(
        offer["shippingDetails"]["shippingRate"]["currency"], "MAD",
        "{file}"
    );
    assert_eq!(
        offer["shippingDetails"]["shippingDestination"][0]["addressCountry"], "MA",
        "{file}"
    );
    assert_eq!(
        offer["hasMerchantReturnPolicy"]["merchantReturnDays"], 7,
        "{file}"
    );
}

#[test]
fn every_product_page_has_product_structured_data_with_offers() {
    let built = built();
    let pages = product_pages(built);
    assert_eq!(pages.len(), 57, "19 products in 3 languages");
    let mut groups = 0;
    for file in pages {
        let blocks = json_ld(&built.page(&file));
        let product = of_type(&blocks, "Product")
            .or_else(|| of_type(&blocks, "ProductGroup"))
            .unwrap_or_else(|| panic!("{file}: no Product"));
        assert_eq!(product["@context"], "https://schema.org");
        assert!(!product["name"].as_str().unwrap().is_empty(), "{file}");
        assert!(
            !product["description"].as_str().unwrap().is_empty(),
            "{file}"
        );
        let images = product["image"].as_array().unwrap();
        assert!(!images.is_empty(), "{file}");
        for image in images {
            assert!(
                file_of(&built.root, image.as_str().unwrap()).is_file(),
                "{file}: {image}"
            );
        }
        assert!(
            !product["brand"]["name"].as_str().unwrap().is_empty(),
            "{file}"
        );
        if product["@type"] == "ProductGroup" {
            groups += 1;
            assert!(!product["productGroupID"].as_str().unwrap().is_empty());
            let variants = product["hasVariant"].as_array().unwrap();
            assert!(variants.len() >= 2, "{file}");
            for variant in variants {
                assert_eq!(variant["@type"], "Product");
                assert!(!variant["sku"].as_str().unwrap().is_empty());
                assert_offer(&variant["offers"], &file);
            }
        } else {
            assert!(!product["sku"].as_str().unwrap().is_empty(), "{file}");
            assert_offer(&product["offers"], &file);
        }
        let crumbs =
            of_type(&blocks, "BreadcrumbList").unwrap_or_else(|| panic!("{file}: no breadcrumbs"));
        let items = crumbs["itemListElement"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{file}");
        assert_eq!(
            file_of(&built.root, items[2]["item"].as_str().unwrap()),
            built.root.join(&file)
        );
    }
    assert_eq!(groups, 3 * 8, "eight products have variants");
}

#[test]
fn the_euphorbia_honey_preorder_says_when() {
    let page = built().page("products/miel-euphorbe/index.html");
    let blocks = json_ld(&page);
    let offer = &of_type(&blocks, "Product").unwrap()["offers"];
    assert_eq!(offer["availability"], "https://schema.org/PreOrder");
    assert_eq!(offer["availabilityStarts"], "2026-12-15");
    assert_eq!(offer["price"], "260.00");
}

#[test]
fn home_has_organization_and_website() {
    let blocks = json_ld(&built().page("ar/index.html"));
    let org = of_type(&blocks, "Organization").unwrap();
    assert_eq!(org["name"], "تعاونية تيفاوين");
    assert_eq!(org["url"], BASE);
    assert_eq!(org["logo"], "https://tifawin.example/logo.svg");
    assert_eq!(org["address"]["addressCountry"], "MA");
    assert_eq!(org["contactPoint"]["email"], "contact@tifawin.example");
    assert_eq!(org["sameAs"].as_array().unwrap().len(), 3);
    let website = of_type(&blocks, "WebSite").unwrap();
    assert_eq!(website["inLanguage"], serde_json::json!(["fr", "ar", "en"]));
}

#[test]
fn category_pages_have_breadcrumbs() {
    let blocks = json_ld(&built().page("categories/huiles-argan/index.html"));
    let crumbs = of_type(&blocks, "BreadcrumbList").unwrap();
    assert_eq!(crumbs["itemListElement"].as_array().unwrap().len(), 2);
    assert_eq!(
        crumbs["itemListElement"][1]["item"],
        "https://tifawin.example/categories/huiles-argan/"
    );
}

#[test]
fn alternates_are_symmetric_resolve_and_include_self_and_x_default() {
    let built = built();
    let mut checked = 0;
    for file in built.html_files() {
        let page = built.page(&file);
        let canonical = attrs(&page, "link[rel=canonical]", "href");
        // Not for search engines: the not-found page and the pages made for paper.
        if file.ends_with("404.html")
            || file.ends_with("catalogue/index.html")
            || file.ends_with("labels/index.html")
        {
            assert!(canonical.is_empty(), "{file}");
            assert_eq!(attrs(&page, "meta[name=robots]", "content"), ["noindex"]);
            continue;
        }
        assert_eq!(canonical.len(), 1, "{file}");
        assert_eq!(
            file_of(&built.root, &canonical[0]),
            built.root.join(&file),
            "{file}"
        );
        assert_eq!(
            attrs(&page, "meta[property='og:url']", "content"),
            canonical
        );
        let alternates = alternates_of(&page);
        assert!(alternates.len() >= 2, "{file}: {alternates:?}");
        assert_eq!(alternates.get("x-default"), alternates.get("fr"), "{file}");
        let own_lang = attrs(&page, "html", "lang").remove(0);
        assert_eq!(
            alternates[&own_lang], canonical[0],
            "{file} does not list itself"
        );
        for (lang, url) in &alternates {
            let target = file_of(&built.root, url);
            assert!(target.is_file(), "{file}: {lang} → {url}");
            let back = alternates_of(&built.page(&relative(built, &target)));
            assert_eq!(
                back, alternates,
                "{file} and its {lang} version list different alternates"
            );
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked}");
}

/// The pages the sitemap leaves out: the not-found pages and the cart, which shows nothing
/// before a shopper fills it.
fn unlisted(page: &scraper::Html) -> bool {
    let kind = scraper::Selector::parse(
        "body.kind-not_found, body.kind-cart, body.kind-catalogue, body.kind-labels",
    )
    .unwrap();
    page.select(&kind).next().is_some()
}

fn alternates_of(page: &scraper::Html) -> BTreeMap<String, String> {
    let selector = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    page.select(&selector)
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap().to_owned(),
                l.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn open_graph_and_twitter_cards_are_complete() {
    let page = built().page("en/products/rose-water/index.html");
    let og = |p: &str| attrs(&page, &format!("meta[property='{p}']"), "content");
    assert_eq!(og("og:type"), ["product"]);
    assert_eq!(og("og:locale"), ["en_MA"]);
    assert_eq!(og("og:locale:alternate"), ["fr_MA", "ar_MA"]);
    assert_eq!(
        (og("og:image:width"), og("og:image:height")),
        (vec!["1200".to_owned()], vec!["630".to_owned()])
    );
    assert!(file_of(&built().root, &og("og:image")[0]).is_file());
    assert_eq!(og("product:price:amount"), ["55.00"]);
    assert_eq!(og("product:price:currency"), ["MAD"]);
    assert_eq!(
        attrs(&page, "meta[name='twitter:card']", "content"),
        ["summary_large_image"]
    );
    let description = attrs(&page, "meta[name=description]", "content").remove(0);
    assert!(description.chars().count() <= 155, "{description}");
    assert_eq!(attrs(&page, "title", "lang").len(), 0);
}

#[test]
fn sitemap_validates_lists_every_page_with_symmetric_alternates() {
    let built = built();
    let sitemap = built.root.join("sitemap.xml");
    let status = std::process::Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(fixtures().join("schemas/sitemap-with-xhtml.xsd"))
        .arg(&sitemap)
        .output()
        .expect("xmllint is needed (Debian libxml2-utils; .ci/run installs it)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(&sitemap).unwrap();
    let entries = sitemap_entries(&text);
    let pages: BTreeSet<PathBuf> = built
        .html_files()
        .into_iter()
        .filter(|f| !unlisted(&built.page(f)))
        .map(|f| built.root.join(f))
        .collect();
    let listed: BTreeSet<PathBuf> = entries
        .keys()
        .map(|loc| file_of(&built.root, loc))
        .collect();
    assert_eq!(listed, pages);
    for (loc, alternates) in &entries {
        for (lang, href) in alternates {
            if lang == "x-default" {
                continue;
            }
            assert_eq!(
                &entries[href], alternates,
                "{loc} lists {lang} {href}, which lists other alternates"
            );
        }
    }
    assert!(text.contains("<image:image><image:loc>https://tifawin.example/images/"));
    assert!(text.contains("<lastmod>2025-"));
    let robots = std::fs::read_to_string(built.root.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nAllow: /\n\nSitemap: https://tifawin.example/sitemap.xml\n"
    );
}

/// `loc` → its `xhtml:link` alternates (hreflang → href), by a plain XML read.
fn sitemap_entries(xml: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut entries = BTreeMap::new();
    let (mut loc, mut alternates, mut in_loc) = (String::new(), BTreeMap::new(), false);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == "loc" => in_loc = true,
            Event::Text(t) if in_loc => loc = t.xml10_content().into_owned(),
            Event::End(e) if e.name().as_ref() == "loc" => in_loc = false,
            Event::Empty(e) if e.name().as_ref() == "xhtml:link" => {
                let get = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap()
                };
                alternates.insert(get("hreflang"), get("href"));
            }
            Event::End(e) if e.name().as_ref() == "url" => {
                entries.insert(std::mem::take(&mut loc), std::mem::take(&mut alternates));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    entries
}

/// Each `<item>` of an RSS feed as tag → values.
fn feed_items(xml: &str) -> Vec<BTreeMap<String, Vec<String>>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut items, mut current, mut stack) = (
        Vec::new(),
        None::<BTreeMap<String, Vec<String>>>,
        Vec::<String>::new(),
    );
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "item" {
                    current = Some(BTreeMap::new());
                }
                stack.push(name);
            }
            Event::Text(t) => {
                if let (Some(item), Some(tag)) = (current.as_mut(), stack.last()) {
                    item.entry(tag.clone())
                        .or_default()
                        .push(t.xml10_content().into_owned());
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(item), Some(tag)) = (current.as_mut(), stack.last()) {
                    let text = match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "?",
                    };
                    if let Some(last) = item.entry(tag.clone()).or_default().last_mut() {
                        last.push_str(text);
                    }
                }
            }
            Event::End(e) => {
                stack.pop();
                if e.name().as_ref() == "item" {
                    items.extend(current.take());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    items
}

#[test]
fn google_merchant_feeds_carry_every_required_attribute() {
    let built = built();
    for lang in ["fr", "ar", "en"] {
        let xml =
            std::fs::read_to_string(built.root.join(format!("feeds/google-merchant-{lang}.xml")))
                .unwrap();
        let items = feed_items(&xml);
        // 11 simple products, and 19 variants of the 8 products that have sizes.
        assert_eq!(items.len(), 30, "{lang}");
        let mut ids = BTreeSet::new();
        for item in &items {
            for key in [
                "g:id",
                "g:title",
                "g:description",
                "g:link",
                "g:image_link",
                "g:availability",
                "g:price",
                "g:brand",
                "g:condition",
                "g:identifier_exists",
            ] {
                assert!(
                    item.get(key).is_some_and(|v| !v[0].is_empty()),
                    "{lang}: {key} missing in {item:?}"
                );
            }
            assert!(ids.insert(item["g:id"][0].clone()), "duplicate id");
            assert!(
                item["g:price"][0].ends_with(" MAD"),
                "{:?}",
                item["g:price"]
            );
            assert!(
                ["in_stock", "out_of_stock", "preorder"]
                    .contains(&item["g:availability"][0].as_str())
            );
            assert!(file_of(&built.root, &item["g:link"][0]).is_file());
            assert!(file_of(&built.root, &item["g:image_link"][0]).is_file());
            assert_eq!(item["g:country"], ["MA"], "shipping");
        }
        assert!(
            items
                .iter()
                .any(|i| i.contains_key("g:item_group_id") && i.contains_key("g:size"))
        );
        assert!(items.iter().any(|i| i.contains_key("g:sale_price")));
        assert!(items.iter().any(|i| {
            i.get("g:availability_date")
                .is_some_and(|d| d[0] == "2026-12-15T00:00Z")
        }));
    }
}

#[test]
fn meta_catalog_csv_has_the_columns_and_defuses_formulas() {
    let built = built();
    let mut reader = csv::Reader::from_path(built.root.join("feeds/meta-catalog-fr.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "title",
            "description",
            "availability",
            "condition",
            "price",
            "sale_price",
            "link",
            "image_link",
            "brand",
            "item_group_id",
            "size"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 30);
    for row in &rows {
        for column in [0, 1, 2, 3, 4, 5, 7, 8, 9] {
            assert!(!row[column].is_empty(), "{row:?}");
        }
    }
    // A product name written as a spreadsheet formula is published as text.
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/fr.md",
        "name: Huile d'argan",
        r#"name: '=HYPERLINK("http://evil.example","x")'"#,
    );
    let built = site.built();
    let mut reader = csv::Reader::from_path(built.root.join("feeds/meta-catalog-fr.csv")).unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], r#"'=HYPERLINK("http://evil.example","x")"#);
}

#[test]
fn with_delivery_zones_search_engines_are_given_the_dearest() {
    // A listing must never promise less than the buyer pays: 1234.50 MAD is delivered free in
    // the city (from 1000), for 30 MAD elsewhere, so listings say 30 MAD and 2 to 6 days.
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nshipping:\n  countries: [MA]\n  zones:\n    - { name: Ville, rate: \"15\", free_over: \"1000\", transit_days: [0, 1] }\n    - { name: Ailleurs, rate: \"30\", transit_days: [2, 6] }",
    );
    let built = site.built();
    let page = built.page("products/argan-oil/index.html");
    let blocks = json_ld(&page);
    let product = of_type(&blocks, "Product").unwrap();
    let details = &product["offers"]["shippingDetails"];
    assert_eq!(details["shippingRate"]["value"], "30.00");
    assert_eq!(details["deliveryTime"]["transitTime"]["minValue"], 2);
    assert_eq!(details["deliveryTime"]["transitTime"]["maxValue"], 6);
    let feed = std::fs::read_to_string(built.root.join("feeds/google-merchant-fr.xml")).unwrap();
    let items = feed_items(&feed);
    // The item's regular price, then its `g:shipping`'s.
    assert_eq!(items[0]["g:price"], ["1500.00 MAD", "30.00 MAD"], "{feed}");
}
