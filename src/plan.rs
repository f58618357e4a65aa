//! The one map of what a build writes: every page of every language with its path, the pages
//! it is a translation of, and the other files (feeds, sitemaps, `robots.txt`). `render` walks
//! it, `seo` names pages by it, `check` asks it which paths exist: they cannot disagree.

use std::collections::HashSet;

use crate::lang::{LangIndex, PerLang};
use crate::model::{self, Site, Text};

/// Which page: its kind and what it shows. The one name for a page in render, seo and check;
/// templates see [`PageKind::name`] as `page.kind`. Matched without `_` arms, so that a new kind
/// is a compile error everywhere it needs handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PageKind {
    Home,
    Product(usize),
    /// Page `page` (from 0) of a category's listing.
    Category {
        category: usize,
        page: usize,
    },
    /// Page `page` (from 0) of the listing of every product.
    AllProducts {
        page: usize,
    },
    Producer(usize),
    /// A free page (`pages/`).
    Free(usize),
    NotFound,
    /// The cart and its checkout, when the shop has one.
    Cart,
    /// A certification (index into [`crate::config::SiteConfig::certifications`]) and the
    /// products that have it.
    Certification(usize),
    /// Part `part` (from 0) of the catalogue to print (A4), unless `print.catalogue` is off:
    /// the cover and the first [`CATALOGUE_PART`] products, then as many more a part.
    Catalogue {
        part: usize,
    },
    /// Part `part` (from 0) of the shelf labels to print, one per variant, unless
    /// `print.labels` is off: [`LABEL_SHEETS_PER_PART`] sheets a part.
    Labels {
        part: usize,
    },
}

/// Products in one part of the printable catalogue: 30 sheets of eight cards. A catalogue of
/// every product of a large shop in one page would grow with the catalogue (47 MB a language
/// at 10,000 products, over Cloudflare's 25 MiB a file) and be rendered on one core.
pub(crate) const CATALOGUE_PART: usize = 240;

/// Sheets of labels in one part of the label pages.
pub(crate) const LABEL_SHEETS_PER_PART: usize = 10;

impl PageKind {
    /// The kind's name for templates (`page.kind`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Product(_) => "product",
            PageKind::Category { .. } => "category",
            PageKind::AllProducts { .. } => "products",
            PageKind::Producer(_) => "producer",
            PageKind::Free(_) => "page",
            PageKind::NotFound => "not_found",
            PageKind::Cart => "cart",
            PageKind::Certification(_) => "certification",
            PageKind::Catalogue { .. } => "catalogue",
            PageKind::Labels { .. } => "labels",
        }
    }

    /// Whether search engines may index the page: not the not-found page, nor the printable
    /// pages, which repeat the shop's pages for paper.
    pub(crate) fn indexed(self) -> bool {
        !matches!(
            self,
            PageKind::NotFound | PageKind::Catalogue { .. } | PageKind::Labels { .. }
        )
    }

    /// Whether the sitemap lists the page: not those search engines may not index, nor the
    /// cart, which has nothing to show before a shopper fills it.
    pub(crate) fn in_sitemap(self) -> bool {
        match self {
            PageKind::NotFound
            | PageKind::Cart
            | PageKind::Catalogue { .. }
            | PageKind::Labels { .. } => false,
            PageKind::Home
            | PageKind::Product(_)
            | PageKind::Category { .. }
            | PageKind::AllProducts { .. }
            | PageKind::Producer(_)
            | PageKind::Free(_)
            | PageKind::Certification(_) => true,
        }
    }
}

/// The sitemap, or the sitemap index when the site needs more than one.
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const ROBOTS: &str = "robots.txt";

/// The `n`-th (from 1) part of a sitemap too large for one file.
pub(crate) fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// The Google Merchant Center feed of a language.
pub(crate) fn google_feed(code: &str) -> String {
    format!("feeds/google-merchant-{code}.xml")
}

/// The Meta (Facebook, Instagram, WhatsApp) catalogue of a language.
pub(crate) fn meta_feed(code: &str) -> String {
    format!("feeds/meta-catalog-{code}.csv")
}

/// How many products one file of the cart's data holds, about: the cart fetches only the files
/// of what it holds, so a shopper never downloads the whole catalogue.
const PRODUCTS_PER_SHOP_FILE: usize = 64;

/// How many files the cart's data of one language is split into.
pub(crate) fn shop_files(products: usize) -> u32 {
    u32::try_from(products.div_ceil(PRODUCTS_PER_SHOP_FILE).max(1)).unwrap_or(u32::MAX)
}

/// The folder of the cart's data of a language, as the shop script is told it.
pub(crate) fn shop_data_dir(code: &str) -> String {
    format!("shop/{code}/")
}

/// The `n`-th file of the cart's data of a language.
pub(crate) fn shop_data(code: &str, n: u32) -> String {
    format!("{}{n}.json", shop_data_dir(code))
}

/// Which of `files` data files holds the product `id`: FNV-1a over its UTF-8 bytes, the hash
/// the shop script computes too (`bucket` in `js/shop.js`).
pub(crate) fn shop_file_of(id: &str, files: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in id.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash % files.max(1)
}

/// The page of certification `n` in `lang`: `certifications/ecocert/`, `ar/certifications/ecocert/`.
/// A function of the configuration alone, so structured data can name it without a plan.
pub(crate) fn certification_path(
    config: &crate::config::SiteConfig,
    lang: LangIndex,
    n: usize,
) -> Option<String> {
    let certification = config.certifications.get(n)?;
    Some(format!(
        "{}{}/{}/",
        config.lang_prefix(lang),
        model::CERTIFICATIONS_SEGMENT,
        certification.id
    ))
}

/// The file a page path is written to: `products/x/` → `products/x/index.html`.
pub(crate) fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

/// `base` for the first page of a listing, `base/page/N/` for the others.
pub(crate) fn paginated(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_owned()
    } else {
        format!("{base}{}/{}/", model::PAGE_SEGMENT, page + 1)
    }
}

/// How many pages a listing of `items` takes (at least one, even when empty).
pub(crate) fn pages_for(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// How many pages on each side of the current one a listing links to.
pub(crate) const PAGINATION_REACH: usize = 2;

/// The pages (counted from 0) that page `current` of a listing of `total` pages links to: the
/// first, the last, and those within [`PAGINATION_REACH`] of the current one, in order. At
/// most `2 × PAGINATION_REACH + 3` whatever `total` is, so a listing page's size does not grow
/// with the catalogue (linking every page made the "all products" pages of 100,000 products
/// 2,100 links each, and their total size grow with the square of the catalogue).
pub(crate) fn pagination_window(current: usize, total: usize) -> Vec<usize> {
    let near = current.saturating_sub(PAGINATION_REACH)..=(current + PAGINATION_REACH);
    (0..total)
        .filter(|&n| n == 0 || n + 1 == total || near.contains(&n))
        .collect()
}

/// The pages of a site, with the products each listing shows, worked out once.
pub(crate) struct Plan<'a> {
    site: &'a Site,
    /// By language: the products published in it, in catalogue order.
    published: PerLang<Vec<usize>>,
    /// By language, then category: the category's products published in that language.
    in_category: PerLang<Vec<Vec<usize>>>,
    /// By language: the products of the printable pages, category by category.
    printed: PerLang<Vec<usize>>,
    /// By language: where each printed product's labels start among the language's labels,
    /// and how many labels there are in all.
    label_starts: PerLang<(Vec<usize>, usize)>,
}

impl<'a> Plan<'a> {
    pub(crate) fn new(site: &'a Site) -> Plan<'a> {
        let languages = site.config.langs();
        let published_in = |lang: LangIndex, products: &mut dyn Iterator<Item = usize>| {
            products
                .filter(|&p| site.products[p].texts[lang].is_some())
                .collect::<Vec<usize>>()
        };
        let in_category: PerLang<Vec<Vec<usize>>> = languages
            .clone()
            .map(|l| {
                site.categories
                    .iter()
                    .map(|c| published_in(l, &mut c.products.iter().copied()))
                    .collect()
            })
            .collect();
        let printed: PerLang<Vec<usize>> = in_category
            .iter()
            .map(|(l, categories)| {
                site.categories
                    .iter()
                    .zip(categories)
                    .filter(|(c, _)| c.texts[l].is_some())
                    .flat_map(|(_, products)| products.iter().copied())
                    .collect()
            })
            .collect();
        let label_starts = printed
            .values()
            .map(|products: &Vec<usize>| {
                let mut next = 0;
                let starts = products
                    .iter()
                    .map(|&p| {
                        let start = next;
                        next += site.products[p].variants.len().max(1);
                        start
                    })
                    .collect();
                (starts, next)
            })
            .collect();
        Plan {
            site,
            published: languages
                .map(|l| published_in(l, &mut (0..site.products.len())))
                .collect(),
            in_category,
            printed,
            label_starts,
        }
    }

    pub(crate) fn site(&self) -> &'a Site {
        self.site
    }

    /// The products published in `lang`.
    pub(crate) fn published(&self, lang: LangIndex) -> &[usize] {
        &self.published[lang]
    }

    /// The products of a category's listing in `lang`.
    pub(crate) fn in_category(&self, lang: LangIndex, category: usize) -> &[usize] {
        &self.in_category[lang][category]
    }

    /// For a listing page (a page of a category's or of every product's listing) in `lang`:
    /// every product of the listing, and which page of it this is.
    pub(crate) fn listing(&self, lang: LangIndex, kind: PageKind) -> Option<(&[usize], usize)> {
        match kind {
            PageKind::Category { category, page } => Some((self.in_category(lang, category), page)),
            PageKind::AllProducts { page } => Some((self.published(lang), page)),
            _ => None,
        }
    }

    /// Every page of one language, in the order they are rendered (and listed in the sitemap).
    pub(crate) fn pages(&self, lang: LangIndex) -> Vec<PageKind> {
        let site = self.site;
        let per_page = site.config.items_per_page;
        let mut pages = vec![PageKind::Home, PageKind::NotFound];
        if site.cart.is_some() {
            pages.push(PageKind::Cart);
        }
        pages.extend(
            (0..pages_for(self.published[lang].len(), per_page))
                .map(|page| PageKind::AllProducts { page }),
        );
        for (c, category) in site.categories.iter().enumerate() {
            if category.texts[lang].is_some() {
                let count = self.in_category[lang][c].len();
                pages.extend(
                    (0..pages_for(count, per_page))
                        .map(|page| PageKind::Category { category: c, page }),
                );
            }
        }
        let published = |texts: &model::PerLang<Text>| texts[lang].is_some();
        pages.extend(self.published[lang].iter().map(|&p| PageKind::Product(p)));
        pages.extend(
            (0..site.producers.len())
                .filter(|&p| published(&site.producers[p].texts))
                .map(PageKind::Producer),
        );
        pages.extend(
            (0..site.pages.len())
                .filter(|&p| published(&site.pages[p].texts))
                .map(PageKind::Free),
        );
        pages.extend((0..site.config.certifications.len()).map(PageKind::Certification));
        if site.config.print.catalogue {
            let parts = self.parts(lang, PageKind::Catalogue { part: 0 });
            pages.extend((0..parts).map(|part| PageKind::Catalogue { part }));
        }
        if site.config.print.labels {
            let parts = self.parts(lang, PageKind::Labels { part: 0 });
            pages.extend((0..parts).map(|part| PageKind::Labels { part }));
        }
        pages
    }

    /// The products of the printable catalogue and labels in `lang`, in print order: category
    /// by category, in menu order.
    pub(crate) fn printed(&self, lang: LangIndex) -> &[usize] {
        &self.printed[lang]
    }

    /// How many labels `lang` has: one per variant, or per product sold as one item.
    pub(crate) fn labels(&self, lang: LangIndex) -> usize {
        self.label_starts[lang].1
    }

    /// The printed products whose labels fall in `part` of the label pages, each with the
    /// index of its first label in the language.
    pub(crate) fn labels_in(
        &self,
        lang: LangIndex,
        part: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (starts, _) = &self.label_starts[lang];
        let window = part * self.labels_per_part()..(part + 1) * self.labels_per_part();
        // The last product starting at or before the window, then those starting inside it.
        let first = starts
            .partition_point(|&s| s <= window.start)
            .saturating_sub(1);
        self.printed[lang][first..]
            .iter()
            .zip(&starts[first..])
            .take_while(move |&(_, &start)| start < window.end)
            .map(|(&p, &start)| (p, start))
    }

    /// How many parts a printable page has in `lang`.
    pub(crate) fn parts(&self, lang: LangIndex, page: PageKind) -> usize {
        match page {
            PageKind::Catalogue { .. } => pages_for(self.printed[lang].len(), CATALOGUE_PART),
            PageKind::Labels { .. } => pages_for(self.labels(lang), self.labels_per_part()),
            PageKind::Home
            | PageKind::Product(_)
            | PageKind::Category { .. }
            | PageKind::AllProducts { .. }
            | PageKind::Producer(_)
            | PageKind::Free(_)
            | PageKind::NotFound
            | PageKind::Cart
            | PageKind::Certification(_) => 1,
        }
    }

    /// The first part of a printable page in `lang`: `catalogue/`, `ar/labels/`.
    fn printed_base(&self, lang: LangIndex, segment: &str) -> String {
        format!("{}{segment}/", self.site.config.lang_prefix(lang))
    }

    /// Labels in one part of the label pages.
    pub(crate) fn labels_per_part(&self) -> usize {
        let print = &self.site.config.print;
        (print.label_columns * print.label_rows) as usize * LABEL_SHEETS_PER_PART
    }

    /// Where `page` is in `lang` (a site path: `ar/products/x/`, `404.html`), if it exists there.
    pub(crate) fn path(&self, lang: LangIndex, page: PageKind) -> Option<String> {
        let site = self.site;
        let text_path = |texts: &model::PerLang<Text>| texts[lang].as_ref().map(|t| t.path.clone());
        match page {
            PageKind::Home => text_path(&site.home),
            PageKind::NotFound => Some(format!("{}404.html", site.config.lang_prefix(lang))),
            PageKind::Cart => site.cart.as_ref().map(|cart| cart[lang].clone()),
            PageKind::Certification(c) => certification_path(&site.config, lang, c),
            PageKind::Catalogue { part } => (site.config.print.catalogue
                && part < self.parts(lang, page))
            .then(|| paginated(&self.printed_base(lang, model::CATALOGUE_SEGMENT), part)),
            PageKind::Labels { part } => (site.config.print.labels
                && part < self.parts(lang, page))
            .then(|| paginated(&self.printed_base(lang, model::LABELS_SEGMENT), part)),
            PageKind::Product(p) => text_path(&site.products[p].texts),
            PageKind::Producer(p) => text_path(&site.producers[p].texts),
            PageKind::Free(p) => text_path(&site.pages[p].texts),
            PageKind::Category { category, page } => {
                let count = self.in_category[lang][category].len();
                (page < pages_for(count, site.config.items_per_page))
                    .then(|| text_path(&site.categories[category].texts))
                    .flatten()
                    .map(|base| paginated(&base, page))
            }
            PageKind::AllProducts { page } => {
                let count = self.published[lang].len();
                (page < pages_for(count, site.config.items_per_page))
                    .then(|| paginated(&self.all_products(lang), page))
            }
        }
    }

    /// The listing of every product in `lang`: `products/`, `ar/products/`.
    pub(crate) fn all_products(&self, lang: LangIndex) -> String {
        format!(
            "{}{}/",
            self.site.config.lang_prefix(lang),
            model::PRODUCTS_SEGMENT
        )
    }

    /// The same page in each language, where it exists: only real translations, since hreflang
    /// must be symmetric. A listing one page shorter in a language (an untranslated product)
    /// has no such page there; the not-found page has no alternates.
    pub(crate) fn alternates(&self, page: PageKind) -> PerLang<Option<String>> {
        let languages = self.site.config.langs();
        match page {
            PageKind::NotFound => languages.map(|_| None).collect(),
            PageKind::Home
            | PageKind::Product(_)
            | PageKind::Category { .. }
            | PageKind::AllProducts { .. }
            | PageKind::Producer(_)
            | PageKind::Free(_)
            | PageKind::Cart
            | PageKind::Certification(_)
            | PageKind::Catalogue { .. }
            | PageKind::Labels { .. } => languages.map(|l| self.path(l, page)).collect(),
        }
    }

    /// Where the language switcher goes in the languages where `page` does not exist: a
    /// listing's first page. `None` for the others (the switcher then goes to that language's
    /// home).
    pub(crate) fn fallbacks(&self, page: PageKind) -> PerLang<Option<String>> {
        let languages = self.site.config.langs();
        match page {
            PageKind::Category { category, .. } => {
                let texts = &self.site.categories[category].texts;
                languages
                    .map(|l| texts[l].as_ref().map(|t| t.path.clone()))
                    .collect()
            }
            PageKind::AllProducts { .. } => languages.map(|l| Some(self.all_products(l))).collect(),
            PageKind::Catalogue { .. } => languages
                .map(|l| self.path(l, PageKind::Catalogue { part: 0 }))
                .collect(),
            PageKind::Labels { .. } => languages
                .map(|l| self.path(l, PageKind::Labels { part: 0 }))
                .collect(),
            PageKind::Home
            | PageKind::Product(_)
            | PageKind::Producer(_)
            | PageKind::Free(_)
            | PageKind::NotFound
            | PageKind::Cart
            | PageKind::Certification(_) => languages.map(|_| None).collect(),
        }
    }

    /// Every path the build writes that a link may point at: each page of each language
    /// (folders as `products/x/`), the feeds, the sitemap and `robots.txt`. The theme's and the
    /// site's static files are the caller's to add.
    pub(crate) fn paths(&self) -> HashSet<String> {
        let mut paths = HashSet::new();
        for lang in self.site.config.langs() {
            let language = self.site.config.lang(lang);
            for page in self.pages(lang) {
                paths.extend(self.path(lang, page));
            }
            paths.insert(google_feed(language.code.as_str()));
            paths.insert(meta_feed(language.code.as_str()));
            if self.site.cart.is_some() {
                let files = shop_files(self.site.products.len());
                paths.extend((0..files).map(|n| shop_data(language.code.as_str(), n)));
            }
        }
        paths.insert(SITEMAP.to_owned());
        paths.insert(ROBOTS.to_owned());
        paths
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn listings_link_the_first_the_last_and_the_pages_around_the_current_one() {
        assert_eq!(pagination_window(0, 1), vec![0]);
        assert_eq!(pagination_window(0, 3), vec![0, 1, 2]);
        assert_eq!(pagination_window(0, 500), vec![0, 1, 2, 499]);
        assert_eq!(
            pagination_window(249, 500),
            vec![0, 247, 248, 249, 250, 251, 499]
        );
        assert_eq!(pagination_window(499, 500), vec![0, 497, 498, 499]);
        assert_eq!(pagination_window(3, 8), vec![0, 1, 2, 3, 4, 5, 7]);
    }
    use super::*;

    #[test]
    fn listings_are_paginated_under_page_n() {
        assert_eq!(paginated("products/", 0), "products/");
        assert_eq!(paginated("ar/categories/x/", 2), "ar/categories/x/page/3/");
        assert_eq!(pages_for(0, 24), 1);
        assert_eq!(pages_for(48, 24), 2);
        assert_eq!(pages_for(49, 24), 3);
        assert_eq!(file_of("ar/"), "ar/index.html");
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("404.html"), "404.html");
    }

    #[test]
    fn the_cart_data_is_split_as_the_shop_script_reads_it() {
        // The same values as the FNV-1a test vectors, and as `bucket` in js/shop.js.
        assert_eq!(shop_file_of("", u32::MAX), 0x811c_9dc5);
        assert_eq!(shop_file_of("a", u32::MAX), 0xe40c_292c);
        assert_eq!(shop_file_of("foobar", u32::MAX), 0xbf9c_f968);
        assert_eq!(shop_files(0), 1);
        assert_eq!(shop_files(64), 1);
        assert_eq!(shop_files(65), 2);
        assert!(shop_file_of("argan-oil", 3) < 3);
    }
}
