//! What search engines and marketplaces read: page metadata (canonical, hreflang, Open Graph,
//! Twitter), schema.org JSON-LD, sitemaps, robots.txt and product feeds. Pure: from the resolved
//! site to strings; the caller puts them on disk.

pub(crate) mod feeds;
pub(crate) mod jsonld;
pub(crate) mod sitemap;
mod xml;

use crate::html::{push_escaped, push_json_for_script};
use crate::images::{ImageSet, Processed};
use crate::lang::{LangIndex, PerLang};
use crate::model::{self, Site};
use crate::plan::PageKind;
use crate::urls::Urls;

/// How long a description may be before it is cut (search engines show about this much).
pub const DESCRIPTION_LIMIT: usize = 155;

/// One page, as the renderer knows it.
pub(crate) struct PageSeo<'a> {
    pub(crate) kind: PageKind,
    pub(crate) lang: LangIndex,
    /// The full `<title>`.
    pub(crate) title: &'a str,
    pub(crate) description: Option<&'a str>,
    /// The page's site path (`ar/products/x/`).
    pub(crate) path: &'a str,
    /// The same page in each language, where it exists (only real translations: hreflang must
    /// be symmetric).
    pub(crate) alternates: &'a PerLang<Option<String>>,
    /// Breadcrumb trail: (name, site path), home first, this page last.
    pub(crate) breadcrumbs: &'a [(String, String)],
    /// The picture for pages without one of their own (the first featured product's), found
    /// once per language by the caller: searching per page would cost catalogue × pages.
    pub(crate) site_image: Option<&'a model::ImageRef>,
}

/// A description from a summary: whole words, at most [`DESCRIPTION_LIMIT`] characters, with
/// an ellipsis when cut.
pub fn describe(text: &str) -> String {
    let text = crate::markdown::collapse_whitespace(text);
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > DESCRIPTION_LIMIT {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':', '.', '-', '–', '،', '؛']);
    format!("{out}…")
}

/// `og:locale` form of a language: `ar_MA` from the locale `ar-MA`, else the language with the
/// cooperative's country (`fr_MA`), else the bare language.
pub(crate) fn og_locale(site: &Site, lang: LangIndex) -> String {
    let language = site.config.lang(lang);
    let locale = language.locale.as_str();
    if let Some((l, region)) = locale.split_once('-')
        && region.len() == 2
    {
        return format!("{l}_{region}");
    }
    match &site.config.contact.country {
        Some(country) if country.len() == 2 => {
            format!("{}_{}", language.code, country.to_ascii_uppercase())
        }
        _ => language.code.to_string(),
    }
}

/// A picture for sharing: absolute URL, size, description.
pub(crate) struct ShareImage {
    pub(crate) url: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) alt: String,
}

/// The absolute URL of a photo's largest rendition in the fallback format: the whole photo, as
/// sitemaps, structured data and product feeds want it.
pub(crate) fn full_image_url(processed: &Processed, site: &Site, urls: &Urls) -> Option<String> {
    let format = *site.config.images.formats.last()?;
    let largest = processed.in_format(format).last()?;
    Some(urls.absolute(&format!("{}/{}", model::IMAGES_SEGMENT, largest.file)))
}

/// The sharing picture of a photo: its 1200×630 crop when made, else its largest rendition in
/// the fallback format.
pub(crate) fn share_image(
    processed: &Processed,
    site: &Site,
    urls: &Urls,
    alt: String,
) -> Option<ShareImage> {
    let rendition = processed.social.as_ref().or_else(|| {
        let fallback = *site.config.images.formats.last()?;
        processed.in_format(fallback).last()
    })?;
    Some(ShareImage {
        url: urls.absolute(&format!("{}/{}", model::IMAGES_SEGMENT, rendition.file)),
        width: rendition.width,
        height: rendition.height,
        alt,
    })
}

/// The `<head>` metadata of a page: canonical, alternates, Open Graph, Twitter card and JSON-LD,
/// as HTML souk writes itself (themes print it with `{{ seo | safe }}`).
pub(crate) fn head(site: &Site, images: &ImageSet, urls: &Urls, page: &PageSeo) -> String {
    let mut out = Head(String::with_capacity(4096));
    if !page.kind.indexed() {
        out.raw("<meta name=\"robots\" content=\"noindex\">");
        return out.0;
    }
    let canonical = urls.absolute(page.path);
    out.link(&[("rel", "canonical"), ("href", &canonical)]);
    if page.alternates.values().flatten().count() > 1 {
        for (l, alternate) in page.alternates.iter() {
            if let Some(path) = alternate {
                out.link(&[
                    ("rel", "alternate"),
                    ("hreflang", site.config.lang(l).code.as_str()),
                    ("href", &urls.absolute(path)),
                ]);
            }
        }
        if let Some(default) = &page.alternates[LangIndex::DEFAULT] {
            out.link(&[
                ("rel", "alternate"),
                ("hreflang", "x-default"),
                ("href", &urls.absolute(default)),
            ]);
        }
    }

    let coop = site.config.text(&site.config.cooperative.name, page.lang);
    let og_type = if matches!(page.kind, PageKind::Product(_)) {
        "product"
    } else {
        "website"
    };
    out.meta("property", "og:type", og_type);
    out.meta("property", "og:site_name", coop);
    out.meta("property", "og:title", page.title);
    if let Some(description) = page.description {
        out.meta("property", "og:description", description);
    }
    out.meta("property", "og:url", &canonical);
    out.meta("property", "og:locale", &og_locale(site, page.lang));
    for (l, alternate) in page.alternates.iter() {
        if l != page.lang && alternate.is_some() {
            out.meta("property", "og:locale:alternate", &og_locale(site, l));
        }
    }
    let image = page_image(site, images, urls, page);
    if let Some(image) = &image {
        out.meta("property", "og:image", &image.url);
        out.meta("property", "og:image:width", &image.width.to_string());
        out.meta("property", "og:image:height", &image.height.to_string());
        if !image.alt.is_empty() {
            out.meta("property", "og:image:alt", &image.alt);
        }
    }
    if let PageKind::Product(p) = page.kind {
        let product = &site.products[p];
        let decimals = site.config.currency.decimals();
        out.meta(
            "property",
            "product:price:amount",
            &crate::money::decimal_string(product.price, decimals),
        );
        out.meta(
            "property",
            "product:price:currency",
            site.config.currency.code(),
        );
    }
    out.meta(
        "name",
        "twitter:card",
        if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        },
    );
    out.meta("name", "twitter:title", page.title);
    if let Some(description) = page.description {
        out.meta("name", "twitter:description", description);
    }
    if let Some(image) = &image {
        out.meta("name", "twitter:image", &image.url);
    }

    for block in jsonld::blocks(site, images, urls, page) {
        out.0.push_str("<script type=\"application/ld+json\">");
        push_json_for_script(&mut out.0, &block);
        out.raw("</script>");
    }
    out.0
}

/// The `<head>` metadata being written, a tag a line, every value escaped.
struct Head(String);

impl Head {
    /// A tag souk wrote whole.
    fn raw(&mut self, tag: &str) {
        self.0.push_str(tag);
        self.0.push('\n');
    }

    /// `<link a="…" b="…">`.
    fn link(&mut self, attributes: &[(&str, &str)]) {
        self.0.push_str("<link");
        for (name, value) in attributes {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            push_escaped(&mut self.0, value);
            self.0.push('"');
        }
        self.0.push_str(">\n");
    }

    /// `<meta property="og:title" content="…">` (or `name=` for `key`).
    fn meta(&mut self, key: &str, name: &str, content: &str) {
        self.0.push_str("<meta ");
        self.0.push_str(key);
        self.0.push_str("=\"");
        self.0.push_str(name);
        self.0.push_str("\" content=\"");
        push_escaped(&mut self.0, content);
        self.0.push_str("\">\n");
    }
}

/// The picture shared for a page: the product's, the category's, the producer's, else the
/// first featured product's.
fn page_image(site: &Site, images: &ImageSet, urls: &Urls, page: &PageSeo) -> Option<ShareImage> {
    let from = |image: &model::ImageRef| {
        let alt = image
            .alt
            .as_ref()
            .map(|a| site.config.text(a, page.lang).to_owned())
            .unwrap_or_default();
        share_image(&images.images[image.image], site, urls, alt)
    };
    let own = match page.kind {
        PageKind::Product(p) => site.products[p].images.first().and_then(from),
        PageKind::Category { category, .. } => {
            site.categories[category].image.as_ref().and_then(from)
        }
        PageKind::Producer(p) => site.producers[p].photo.as_ref().and_then(from),
        PageKind::Home
        | PageKind::AllProducts { .. }
        | PageKind::Free(_)
        | PageKind::NotFound
        | PageKind::Cart
        | PageKind::Certification(_)
        | PageKind::Catalogue { .. }
        | PageKind::Labels { .. } => None,
    };
    own.or_else(|| page.site_image.and_then(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_at_a_word_near_155_characters() {
        let short = "Huile d'argan pressée à froid.";
        assert_eq!(describe(short), short);
        let long = "mot ".repeat(60);
        let cut = describe(&long);
        assert!(
            cut.chars().count() <= DESCRIPTION_LIMIT,
            "{}",
            cut.chars().count()
        );
        assert!(cut.ends_with("mot…"), "{cut}");
        let arabic = "زيت أركان بكر ممتاز، ".repeat(12);
        let cut = describe(&arabic);
        assert!(cut.chars().count() <= DESCRIPTION_LIMIT);
        assert!(cut.ends_with("…") && !cut.ends_with("،…"), "{cut}");
    }
}
