//! schema.org structured data: `Product` (or `ProductGroup` with variants) with offers, shipping
//! and returns; `BreadcrumbList`; `Organization` and `WebSite` on the home page. Built as
//! `serde_json` values, never as strings.

use serde_json::{Map, Value, json};

use super::{PageSeo, share_image};
use crate::config::ReturnFees;
use crate::images::ImageSet;
use crate::lang::LangIndex;
use crate::markdown;
use crate::model::{Product, Site};
use crate::money::{Minor, decimal_string};
use crate::plan::PageKind;
use crate::source::Availability;
use crate::urls::Urls;

/// The JSON-LD blocks of a page.
pub(crate) fn blocks(site: &Site, images: &ImageSet, urls: &Urls, page: &PageSeo) -> Vec<Value> {
    let mut blocks = Vec::new();
    match page.kind {
        PageKind::Home => {
            blocks.push(organization(site, images, urls, page));
            blocks.push(website(site, urls, page.lang));
        }
        PageKind::Product(p) => blocks.push(product(site, images, urls, page, &site.products[p])),
        PageKind::Category { .. }
        | PageKind::AllProducts { .. }
        | PageKind::Producer(_)
        | PageKind::Free(_)
        | PageKind::NotFound
        | PageKind::Cart
        | PageKind::Certification(_)
        | PageKind::Catalogue { .. }
        | PageKind::Labels { .. } => {}
    }
    if page.breadcrumbs.len() > 1 {
        blocks.push(breadcrumbs(urls, page.breadcrumbs));
    }
    blocks
}

fn availability(availability: Availability) -> &'static str {
    match availability {
        Availability::InStock => "https://schema.org/InStock",
        Availability::OutOfStock => "https://schema.org/OutOfStock",
        Availability::Preorder => "https://schema.org/PreOrder",
    }
}

fn money(site: &Site, amount: Minor) -> String {
    decimal_string(amount, site.config.currency.decimals())
}

/// The cooperative as a brand and seller.
fn organization_ref(site: &Site, lang: LangIndex, urls: &Urls) -> Value {
    let name = site.config.text(&site.config.cooperative.name, lang);
    json!({ "@type": "Organization", "name": name, "url": urls.absolute("") })
}

fn product(
    site: &Site,
    images: &ImageSet,
    urls: &Urls,
    page: &PageSeo,
    product: &Product,
) -> Value {
    let Some(text) = product.texts[page.lang].as_ref() else {
        return Value::Null;
    };
    let url = urls.absolute(&text.path);
    let description = text
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| markdown::plain_text(&text.body));
    // Whole photos at their largest, not the sharing crop: search engines show the product.
    let pictures: Vec<String> = product
        .images
        .iter()
        .filter_map(|i| super::full_image_url(&images.images[i.image], site, urls))
        .collect();
    let coop = site.config.text(&site.config.cooperative.name, page.lang);
    let currency = site.config.currency.code();
    let offer = |sku: &str, price: Minor, available: Availability| {
        let mut offer = json!({
            "@type": "Offer",
            "sku": sku,
            "price": money(site, price),
            "priceCurrency": currency,
            "availability": availability(available),
            "itemCondition": "https://schema.org/NewCondition",
            "url": url,
            "seller": organization_ref(site, page.lang, urls),
        });
        if let Some(object) = offer.as_object_mut() {
            if let (Availability::Preorder, Some(date)) = (available, &product.available_from) {
                object.insert("availabilityStarts".into(), json!(date));
            }
            add_shipping_and_returns(site, object, price);
        }
        offer
    };
    let mut base = Map::new();
    base.insert("@context".into(), json!("https://schema.org"));
    base.insert("name".into(), json!(text.title));
    base.insert("description".into(), json!(description));
    base.insert("url".into(), json!(url));
    base.insert("image".into(), json!(pictures));
    base.insert("brand".into(), json!({ "@type": "Brand", "name": coop }));
    if let Some(origin) = &product.origin {
        base.insert(
            "countryOfOrigin".into(),
            json!(
                site.config
                    .contact
                    .country
                    .clone()
                    .unwrap_or_else(|| site.config.text(origin, page.lang).to_owned())
            ),
        );
    }
    if let Some(harvest) = &product.harvest {
        base.insert("productionDate".into(), json!(harvest));
    }
    let certifications: Vec<Value> = product
        .certifications
        .iter()
        .map(|&c| certification(site, urls, page.lang, c))
        .collect();
    if !certifications.is_empty() {
        base.insert("hasCertification".into(), json!(certifications));
    }
    if product.variants.is_empty() {
        base.insert("@type".into(), json!("Product"));
        base.insert("sku".into(), json!(product.sku));
        base.insert(
            "offers".into(),
            offer(&product.sku, product.price, product.availability),
        );
        return Value::Object(base);
    }
    // Variants: a ProductGroup whose members are Products with their own offers, as Google's
    // merchant listings ask for products sold in several sizes.
    base.insert("@type".into(), json!("ProductGroup"));
    base.insert("productGroupID".into(), json!(product.sku));
    base.insert("variesBy".into(), json!(["https://schema.org/size"]));
    let variants: Vec<Value> = product
        .variants
        .iter()
        .map(|v| {
            let label = site.config.text(&v.label, page.lang);
            json!({
                "@type": "Product",
                "name": format!("{} – {label}", text.title),
                "sku": v.sku,
                "size": label,
                "image": pictures.first(),
                "offers": offer(&v.sku, v.price, v.availability),
            })
        })
        .collect();
    base.insert("hasVariant".into(), json!(variants));
    Value::Object(base)
}

/// A certification as schema.org and Google's merchant listings describe one: its name, who
/// issued it, its number, and its page in the shop.
fn certification(site: &Site, urls: &Urls, lang: LangIndex, n: usize) -> Value {
    let config = &site.config;
    let certification = &config.certifications[n];
    let mut out = Map::new();
    out.insert("@type".into(), json!("Certification"));
    out.insert("name".into(), json!(config.text(&certification.name, lang)));
    if let Some(body) = &certification.body {
        out.insert(
            "issuedBy".into(),
            json!({ "@type": "Organization", "name": config.text(body, lang) }),
        );
    }
    if let Some(number) = &certification.number {
        out.insert("certificationIdentification".into(), json!(number));
    }
    if let Some(path) = crate::plan::certification_path(config, lang, n) {
        out.insert("url".into(), json!(urls.absolute(&path)));
    }
    if let Some(official) = &certification.url {
        out.insert("sameAs".into(), json!(official));
    }
    Value::Object(out)
}

/// `shippingDetails` and `hasMerchantReturnPolicy` from `shipping:` and `returns:` in souk.yaml.
fn add_shipping_and_returns(site: &Site, offer: &mut Map<String, Value>, price: Minor) {
    let currency = site.config.currency.code();
    if let Some(shipping) = &site.config.shipping {
        let zone = shipping.for_search(price);
        let cost = zone.cost(price);
        offer.insert(
            "shippingDetails".into(),
            json!({
                "@type": "OfferShippingDetails",
                "shippingRate": { "@type": "MonetaryAmount", "value": money(site, cost), "currency": currency },
                "shippingDestination": shipping.countries.iter().map(|c| json!({ "@type": "DefinedRegion", "addressCountry": c })).collect::<Vec<_>>(),
                "deliveryTime": {
                    "@type": "ShippingDeliveryTime",
                    "handlingTime": { "@type": "QuantitativeValue", "minValue": shipping.handling_days[0], "maxValue": shipping.handling_days[1], "unitCode": "DAY" },
                    "transitTime": { "@type": "QuantitativeValue", "minValue": zone.transit_days[0], "maxValue": zone.transit_days[1], "unitCode": "DAY" },
                },
            }),
        );
    }
    if let Some(returns) = &site.config.returns {
        let countries: Vec<String> = match &site.config.shipping {
            Some(shipping) => shipping.countries.clone(),
            None => site.config.contact.country.iter().cloned().collect(),
        };
        offer.insert(
            "hasMerchantReturnPolicy".into(),
            json!({
                "@type": "MerchantReturnPolicy",
                "applicableCountry": countries,
                "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
                "merchantReturnDays": returns.days,
                "returnMethod": "https://schema.org/ReturnByMail",
                "returnFees": match returns.fees {
                    ReturnFees::Free => "https://schema.org/FreeReturn",
                    ReturnFees::Customer => "https://schema.org/ReturnShippingFees",
                },
            }),
        );
    }
}

fn breadcrumbs(urls: &Urls, trail: &[(String, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, path))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": urls.absolute(path) }))
        .collect();
    json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items })
}

fn organization(site: &Site, images: &ImageSet, urls: &Urls, page: &PageSeo) -> Value {
    let lang = page.lang;
    let config = &site.config;
    let mut org = Map::new();
    org.insert("@context".into(), json!("https://schema.org"));
    org.insert("@type".into(), json!("Organization"));
    org.insert(
        "name".into(),
        json!(config.text(&config.cooperative.name, lang)),
    );
    org.insert("url".into(), json!(urls.absolute("")));
    if let Some(legal) = &config.cooperative.legal_name {
        org.insert("legalName".into(), json!(legal));
    }
    if let Some(logo) = &config.cooperative.logo {
        org.insert("logo".into(), json!(urls.absolute(&logo.file)));
    } else if let Some(share) = page
        .site_image
        .and_then(|image| share_image(&images.images[image.image], site, urls, String::new()))
    {
        org.insert("image".into(), json!(share.url));
    }
    if let Some(year) = config.cooperative.founded {
        org.insert("foundingDate".into(), json!(year.to_string()));
    }
    let contact = &config.contact;
    let mut address = Map::new();
    address.insert("@type".into(), json!("PostalAddress"));
    if let Some(street) = &contact.address {
        address.insert("streetAddress".into(), json!(config.text(street, lang)));
    }
    if let Some(city) = &contact.city {
        address.insert("addressLocality".into(), json!(config.text(city, lang)));
    }
    if let Some(country) = &contact.country {
        address.insert("addressCountry".into(), json!(country));
    }
    if address.len() > 1 {
        org.insert("address".into(), Value::Object(address));
    }
    let mut point = Map::new();
    point.insert("@type".into(), json!("ContactPoint"));
    point.insert("contactType".into(), json!("customer service"));
    if let Some(phone) = contact.phone.as_ref().or(contact.whatsapp.as_ref()) {
        let phone = if phone.starts_with('+') {
            phone.clone()
        } else {
            format!("+{phone}")
        };
        point.insert("telephone".into(), json!(phone));
    }
    if let Some(email) = &contact.email {
        point.insert("email".into(), json!(email));
    }
    point.insert(
        "availableLanguage".into(),
        json!(
            config
                .languages
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>()
        ),
    );
    if point.len() > 3 {
        org.insert("contactPoint".into(), Value::Object(point));
    }
    let held: Vec<Value> = (0..config.certifications.len())
        .filter(|&c| config.certifications[c].cooperative)
        .map(|c| certification(site, urls, lang, c))
        .collect();
    if !held.is_empty() {
        org.insert("hasCertification".into(), json!(held));
    }
    if !config.social.is_empty() {
        org.insert(
            "sameAs".into(),
            json!(
                config
                    .social
                    .iter()
                    .map(|s| s.url.as_str())
                    .collect::<Vec<_>>()
            ),
        );
    }
    Value::Object(org)
}

fn website(site: &Site, urls: &Urls, lang: LangIndex) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.config.text(&site.config.cooperative.name, lang),
        "url": urls.absolute(""),
        "inLanguage": site.config.languages.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
    })
}
