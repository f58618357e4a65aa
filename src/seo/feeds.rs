//! Free product listings: a Google Merchant Center RSS 2.0 feed and a Meta (Facebook,
//! Instagram) catalogue CSV per language, one item per product or per variant.

use std::io::Write;

use super::xml::Xml;
use crate::images::ImageSet;
use crate::lang::LangIndex;
use crate::markdown;
use crate::model::{Product, Site, Text};
use crate::money::{Minor, decimal_string};
use crate::source::Availability;
use crate::urls::Urls;

/// Google caps descriptions at 5000 characters; Meta at 9999.
const MAX_DESCRIPTION: usize = 5000;

/// One row of a feed: a product, or one variant of it.
struct Item {
    id: String,
    title: String,
    description: String,
    link: String,
    image: Option<String>,
    more_images: Vec<String>,
    availability: Availability,
    available_from: Option<String>,
    price: Minor,
    sale_price: Option<Minor>,
    group: Option<String>,
    size: Option<String>,
    /// Origin, harvest and batch, as (attribute name, value) in the feed's language.
    provenance: Vec<(String, String)>,
}

/// The names of the provenance details in one language, from the theme's UI strings.
pub(crate) struct ProvenanceNames<'a> {
    pub(crate) section: &'a str,
    pub(crate) origin: &'a str,
    pub(crate) harvest: &'a str,
    pub(crate) batch: &'a str,
}

/// The rows of one product: one, or one per variant.
fn product_items(
    site: &Site,
    images: &ImageSet,
    urls: &Urls,
    lang: LangIndex,
    names: &ProvenanceNames,
    product: &Product,
    text: &Text,
) -> Vec<Item> {
    let provenance: Vec<(String, String)> = [
        (
            names.origin,
            product
                .origin
                .as_ref()
                .map(|o| site.config.text(o, lang).to_owned()),
        ),
        (names.harvest, product.harvest.clone()),
        (names.batch, product.batch.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
    .collect();
    let description = feed_description(text);
    let pictures: Vec<String> = product
        .images
        .iter()
        // The whole photo, not the sharing crop: marketplaces show products uncropped.
        .filter_map(|i| super::full_image_url(&images.images[i.image], site, urls))
        .collect();
    let link = urls.absolute(&text.path);
    // On sale, feeds want the regular price and the sale price.
    let split = |price: Minor, compare_at: Option<Minor>| match compare_at {
        Some(was) => (was, Some(price)),
        None => (price, None),
    };
    if product.variants.is_empty() {
        let (price, sale_price) = split(product.price, product.compare_at);
        return vec![Item {
            id: product.sku.clone(),
            title: text.title.clone(),
            description,
            link,
            image: pictures.first().cloned(),
            more_images: pictures.iter().skip(1).take(10).cloned().collect(),
            availability: product.availability,
            available_from: product.available_from.clone(),
            price,
            sale_price,
            group: None,
            size: None,
            provenance,
        }];
    }
    let items = product.variants.iter().map(|variant| {
        let label = site.config.text(&variant.label, lang).to_owned();
        let (price, sale_price) = split(variant.price, variant.compare_at);
        Item {
            id: variant.sku.clone(),
            title: format!("{} – {label}", text.title),
            description: description.clone(),
            link: link.clone(),
            image: pictures.first().cloned(),
            more_images: pictures.iter().skip(1).take(10).cloned().collect(),
            availability: variant.availability,
            available_from: product.available_from.clone(),
            price,
            sale_price,
            group: Some(product.sku.clone()),
            size: Some(label),
            provenance: provenance.clone(),
        }
    });
    items.collect()
}

fn feed_description(text: &Text) -> String {
    let body = markdown::plain_text(&text.body);
    let description = if body.is_empty() {
        text.summary.clone().unwrap_or_else(|| text.title.clone())
    } else {
        body
    };
    cut_to_chars(description, MAX_DESCRIPTION)
}

/// `text` cut after `max` characters.
fn cut_to_chars(mut text: String, max: usize) -> String {
    // No more bytes than characters allowed: nothing to count.
    if text.len() > max
        && let Some((end, _)) = text.char_indices().nth(max)
    {
        text.truncate(end);
    }
    text
}

fn amount(site: &Site, price: Minor) -> String {
    format!(
        "{} {}",
        decimal_string(price, site.config.currency.decimals()),
        site.config.currency.code()
    )
}

/// Where the rows of a feed's products can come from besides being made, and what is known of
/// them once written: the rows a previous build made from the same inputs are copied from its
/// feed (see [`crate::incremental::FeedRows`]).
pub(crate) trait Rows {
    /// Writes product `p`'s rows into `out` if they can be copied; false when they must be
    /// made.
    fn copy(&mut self, p: usize, out: &mut dyn Write) -> std::io::Result<bool>;
    /// Product `p`'s rows are bytes `start..end` of the feed being written.
    fn wrote(&mut self, p: usize, start: u64, end: u64);
}

/// One feed being written: the file it goes into, and where its rows can be copied from.
pub(crate) struct FeedOut<'w> {
    pub(crate) out: &'w mut dyn Write,
    pub(crate) rows: &'w mut dyn Rows,
}

/// A writer that counts what goes through it, so that a product's rows can be found again.
/// Flushing is left to the writer underneath (a buffer the caller flushes at the end): the
/// CSV writer flushes after every product to tell where it is.
struct Counted<'w> {
    out: &'w mut dyn Write,
    written: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Both feeds of one language, the Google Merchant Center feed into `google` and the Meta
/// catalogue into `meta`, in one pass over the products: a product's rows are made once for
/// both (the plain text of its description is most of their cost), and go straight into their
/// files (a feed is some 2.5 KB a product; building them in memory was the peak of a large
/// build's memory).
pub(crate) fn feeds(
    site: &Site,
    images: &ImageSet,
    urls: &Urls,
    lang: LangIndex,
    names: &ProvenanceNames,
    google: FeedOut<'_>,
    meta: FeedOut<'_>,
) -> std::io::Result<()> {
    let feed = LangFeeds {
        site,
        images,
        urls,
        lang,
        names,
    };
    let coop = site.config.text(&site.config.cooperative.name, lang);
    let mut xml = feed.google_start(google.out, coop);
    let mut csv = Counted {
        out: meta.out,
        written: 0,
    };
    feed.meta_start(&mut csv)?;
    for (p, product, text) in feed.products() {
        let google_start = xml.get_mut().written;
        let google_copied = google.rows.copy(p, xml.get_mut())?;
        let meta_start = csv.written;
        let meta_copied = meta.rows.copy(p, &mut csv)?;
        if !(google_copied && meta_copied) {
            let items = feed.rows_of(product, text);
            if !google_copied {
                for item in &items {
                    feed.google_item(&mut xml, coop, item);
                }
            }
            if !meta_copied {
                feed.meta_rows(&mut csv, coop, &items)?;
            }
        }
        google.rows.wrote(p, google_start, xml.get_mut().written);
        meta.rows.wrote(p, meta_start, csv.written);
    }
    xml.raw("\n");
    xml.close("channel");
    xml.close("rss");
    xml.raw("\n");
    xml.finish().map(|_| ())
}

/// What the feeds of one language are made from.
struct LangFeeds<'a> {
    site: &'a Site,
    images: &'a ImageSet,
    urls: &'a Urls,
    lang: LangIndex,
    names: &'a ProvenanceNames<'a>,
}

impl LangFeeds<'_> {
    /// Every product published in the language, with its index and text.
    fn products(&self) -> impl Iterator<Item = (usize, &Product, &Text)> {
        self.site
            .products
            .iter()
            .enumerate()
            .filter_map(|(p, product)| Some((p, product, product.texts[self.lang].as_ref()?)))
    }

    fn rows_of(&self, product: &Product, text: &Text) -> Vec<Item> {
        product_items(
            self.site,
            self.images,
            self.urls,
            self.lang,
            self.names,
            product,
            text,
        )
    }

    /// The Google Merchant Center feed (RSS 2.0 with the `g:` namespace) up to its first item.
    fn google_start<'w>(&self, out: &'w mut dyn Write, coop: &str) -> Xml<Counted<'w>> {
        let site = self.site;
        let lang = self.lang;
        let code = &site.config.lang(lang).code;
        let home = self
            .urls
            .absolute(if lang.is_default() { "" } else { code.as_str() });
        let mut xml = Xml::into_writer(Counted { out, written: 0 });
        xml.open(
            "rss",
            &[
                ("version", "2.0"),
                ("xmlns:g", "http://base.google.com/ns/1.0"),
            ],
        );
        xml.open("channel", &[]);
        xml.element("title", coop);
        xml.element("link", &home);
        let tagline = site
            .config
            .cooperative
            .tagline
            .as_ref()
            .map(|t| site.config.text(t, lang))
            .unwrap_or(coop);
        xml.element("description", tagline);
        xml
    }

    fn google_item(&self, xml: &mut Xml<Counted<'_>>, coop: &str, item: &Item) {
        let site = self.site;
        xml.raw("\n");
        xml.open("item", &[]);
        xml.element("g:id", &item.id);
        xml.element("g:title", &item.title);
        xml.element("g:description", &item.description);
        xml.element("g:link", &item.link);
        if let Some(image) = &item.image {
            xml.element("g:image_link", image);
        }
        for image in &item.more_images {
            xml.element("g:additional_image_link", image);
        }
        xml.element(
            "g:availability",
            match item.availability {
                Availability::InStock => "in_stock",
                Availability::OutOfStock => "out_of_stock",
                Availability::Preorder => "preorder",
            },
        );
        if let (Availability::Preorder, Some(date)) = (item.availability, &item.available_from) {
            xml.element("g:availability_date", &format!("{date}T00:00Z"));
        }
        xml.element("g:price", &amount(site, item.price));
        if let Some(sale) = item.sale_price {
            xml.element("g:sale_price", &amount(site, sale));
        }
        xml.element("g:brand", coop);
        xml.element("g:condition", "new");
        // Cooperative products have no GTIN or manufacturer part number.
        xml.element("g:identifier_exists", "no");
        if let Some(group) = &item.group {
            xml.element("g:item_group_id", group);
        }
        if let Some(size) = &item.size {
            xml.element("g:size", size);
        }
        // Merchant Center has no attribute of its own for origin, harvest or batch:
        // `product_detail` is its place for such facts, shown on the listing.
        for (name, value) in &item.provenance {
            xml.open("g:product_detail", &[]);
            xml.element("g:section_name", self.names.section);
            xml.element("g:attribute_name", name);
            xml.element("g:attribute_value", value);
            xml.close("g:product_detail");
        }
        if let Some(shipping) = &site.config.shipping {
            let price = item.sale_price.unwrap_or(item.price);
            let cost = shipping.for_search(price).cost(price);
            for country in &shipping.countries {
                xml.open("g:shipping", &[]);
                xml.element("g:country", country);
                xml.element("g:price", &amount(site, cost));
                xml.close("g:shipping");
            }
        }
        xml.close("item");
    }

    /// The Meta catalogue CSV's header. Cells that a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, tab or carriage return) are prefixed with `'`.
    fn meta_start(&self, out: &mut Counted<'_>) -> std::io::Result<()> {
        let header = [
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
            "size",
        ];
        // A CSV writer for each part, flushed at its end: where each product's records are
        // must be known, and copied records go into the file between them.
        let mut records = csv::Writer::from_writer(out);
        records.write_record(header)?;
        records.flush()
    }

    /// One product's records of the Meta catalogue.
    fn meta_rows(&self, out: &mut Counted<'_>, coop: &str, items: &[Item]) -> std::io::Result<()> {
        let site = self.site;
        let mut records = csv::Writer::from_writer(out);
        for item in items {
            let availability = match item.availability {
                Availability::InStock => "in stock",
                Availability::OutOfStock => "out of stock",
                Availability::Preorder => "preorder",
            };
            let price = amount(site, item.price);
            let sale_price = item.sale_price.map(|s| amount(site, s)).unwrap_or_default();
            let row = [
                item.id.as_str(),
                &item.title,
                &item.description,
                availability,
                "new",
                &price,
                &sale_price,
                &item.link,
                item.image.as_deref().unwrap_or_default(),
                coop,
                item.group.as_deref().unwrap_or_default(),
                item.size.as_deref().unwrap_or_default(),
            ];
            records.write_record(row.map(defuse))?;
        }
        records.flush()
    }
}

/// A cell a spreadsheet will not evaluate.
pub(crate) fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}
