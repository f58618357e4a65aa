//! What the shop script reads besides the page: the cart's data files (each product's name,
//! photo and variants with their prices and stock, per language, split so that a cart fetches
//! only the files of what it holds) and the cart page's settings.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::LangContext;
use super::views::{CartView, ZoneView};
use crate::format::MoneySpec;
use crate::images::{Format, ImageSet};
use crate::lang::LangIndex;
use crate::model::{self, Product, Site};
use crate::output::OutputFile;
use crate::plan;
use crate::source::Availability;
use crate::urls::Urls;

/// One product in the cart's data: what a cart line shows and checks.
#[derive(Serialize)]
struct ProductData<'a> {
    name: &'a str,
    url: String,
    image: Option<ImageData>,
    /// By SKU: the variants, or the product itself as one variant without a label.
    variants: BTreeMap<&'a str, VariantData>,
}

#[derive(Serialize)]
struct ImageData {
    src: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct VariantData {
    label: Option<String>,
    /// In minor units (centimes for MAD).
    price: i64,
    stock: Option<u32>,
    availability: Availability,
}

/// The cart's data files of every language, when the shop has a cart, each handed to `emit`
/// as soon as it is made: one part of one language at a time (all of them at once were a fifth
/// of a gigabyte at N=100,000, the peak of the build's memory).
pub(super) fn data_files<E>(
    site: &Site,
    images: &ImageSet,
    urls: &Urls,
    mut emit: impl FnMut(OutputFile) -> Result<(), E>,
) -> Result<(), E> {
    if site.cart.is_none() {
        return Ok(());
    }
    let files = plan::shop_files(site.products.len());
    // Which products go into which part, the same in every language.
    let mut parts: Vec<Vec<&Product>> = (0..files).map(|_| Vec::new()).collect();
    for product in &site.products {
        parts[plan::shop_file_of(&product.id, files) as usize].push(product);
    }
    for lang in site.config.langs() {
        let code = site.config.lang(lang).code.as_str();
        for (n, products) in (0..files).zip(&parts) {
            let part: BTreeMap<&str, ProductData> = products
                .iter()
                .filter_map(|product| {
                    let text = product.texts[lang].as_ref()?;
                    Some((
                        product.id.as_str(),
                        ProductData {
                            name: &text.title,
                            url: urls.href(&text.path),
                            image: thumbnail(site, images, urls, product),
                            variants: variants(site, product, lang),
                        },
                    ))
                })
                .collect();
            emit(OutputFile {
                path: plan::shop_data(code, n),
                // Serialising plain structs and maps cannot fail.
                contents: serde_json::to_vec(&part).unwrap_or_default(),
            })?;
        }
    }
    Ok(())
}

fn variants<'a>(
    site: &Site,
    product: &'a Product,
    lang: LangIndex,
) -> BTreeMap<&'a str, VariantData> {
    if product.variants.is_empty() {
        return BTreeMap::from([(
            product.sku.as_str(),
            VariantData {
                label: None,
                price: product.price.0,
                stock: super::pages::cart_stock(product.availability, product.stock),
                availability: product.availability,
            },
        )]);
    }
    product
        .variants
        .iter()
        .map(|v| {
            (
                v.sku.as_str(),
                VariantData {
                    label: Some(site.config.text(&v.label, lang).to_owned()),
                    price: v.price.0,
                    stock: super::pages::cart_stock(v.availability, v.stock),
                    availability: v.availability,
                },
            )
        })
        .collect()
}

/// The main photo, small: the narrowest rendition at least 160 px wide (an 80 px thumbnail on
/// a sharp screen) in the format every browser reads.
fn thumbnail(site: &Site, images: &ImageSet, urls: &Urls, product: &Product) -> Option<ImageData> {
    let main = product.images.first()?;
    let processed = &images.images[main.image];
    let formats = &site.config.images.formats;
    let fallback = formats.last().copied().unwrap_or(Format::Jpeg);
    let mut renditions: Vec<_> = processed.in_format(fallback).collect();
    renditions.sort_by_key(|r| r.width);
    let pick = renditions
        .iter()
        .find(|r| r.width >= 160)
        .or(renditions.last())?;
    Some(ImageData {
        src: urls.href(&format!("{}/{}", model::IMAGES_SEGMENT, pick.file)),
        width: pick.width,
        height: pick.height,
    })
}

/// What the cart page's script is told (`data-config`).
#[derive(Serialize)]
struct CartConfig<'a> {
    /// The folder of this language's data files, and how many there are.
    data: String,
    files: u32,
    money: &'a MoneySpec,
    prefix: &'a str,
    whatsapp: Option<&'a str>,
    email: Option<&'a str>,
    form: Option<&'a str>,
    /// The UI strings the script writes: every `cart_…` key, `delivery_free` and
    /// `preorder_note`.
    strings: BTreeMap<&'a str, &'a str>,
}

impl LangContext<'_> {
    /// The cart page's view, with `money`, how the script writes this language's amounts.
    pub(super) fn cart_view(&self, money: &MoneySpec) -> CartView {
        let config = &self.site.config;
        let contact = &config.contact;
        let orders = &config.orders;
        let strings = self
            .strings()
            .iter()
            .filter(|(k, _)| {
                k.starts_with("cart_") || *k == "delivery_free" || *k == "preorder_note"
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let settings = CartConfig {
            data: self
                .urls
                .href(&plan::shop_data_dir(config.lang(self.index).code.as_str())),
            files: plan::shop_files(self.site.products.len()),
            money,
            prefix: &orders.reference_prefix,
            whatsapp: contact.whatsapp.as_deref(),
            email: contact.email.as_deref(),
            form: orders.form_endpoint.as_deref(),
            strings,
        };
        let zones = config
            .shipping
            .iter()
            .flat_map(|s| &s.zones)
            .map(|zone| ZoneView {
                name: match &zone.name {
                    Some(name) => self.localized(name),
                    None => self.string("delivery_standard"),
                },
                rate: zone.rate.0,
                rate_text: self.prices.price(zone.rate),
                free_over: zone.free_over.map(|m| m.0),
                free_over_text: zone.free_over.map(|m| self.prices.price(m)),
                days_min: zone.transit_days[0],
                days_max: zone.transit_days[1],
                cash_on_delivery: zone.cash_on_delivery,
            })
            .collect();
        CartView {
            // Serialising plain structs and maps cannot fail.
            config: serde_json::to_string(&settings).unwrap_or_default(),
            zones,
            whatsapp: contact.whatsapp.is_some(),
            email: contact.email.is_some(),
            form: orders.form_endpoint.is_some(),
            privacy_url: self
                .site
                .privacy_page
                .and_then(|p| self.site.pages[p].texts[self.index].as_ref())
                .map(|t| self.urls.href(&t.path)),
        }
    }
}
