//! The resolved catalogue: every reference checked, every price exact, every page's URL path
//! decided. Built once from [`crate::source::Source`] and never changed afterwards.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::lang::{LangIndex, Localized};
use crate::money::{DecimalText, Minor, fix_hint, parse_price};
use crate::source::{
    self, Availability, Bundle, CategoryFront, Doc, Found, HomeFront, Menu, PageFront,
    ProducerFront, ProductFront, RawImage, RawProduct, Source,
};
use crate::text::{is_bidi_control, without_bidi_controls, without_bidi_controls_owned};
use crate::yaml::position;

/// Values by language index, in the order of [`SiteConfig::languages`]; `None` where a thing is
/// not published in that language.
pub type PerLang<T> = crate::lang::PerLang<Option<T>>;

/// The whole shop, ready to render.
#[derive(Debug)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// The checked `souk.yaml`.
    pub config: SiteConfig,
    /// Sorted by id.
    pub products: Vec<Product>,
    /// Sorted by `order`, then id.
    pub categories: Vec<Category>,
    /// Sorted by id.
    pub producers: Vec<Producer>,
    /// Sorted by `order`, then id.
    pub pages: Vec<Page>,
    /// By certification (index into [`SiteConfig::certifications`]): the products that list
    /// it, in product order.
    pub certified: Vec<Vec<usize>>,
    /// The home page's texts by language; where a translation is missing, the default language's.
    pub home: PerLang<Text>,
    /// Every photo the site uses, once each, in first-use order.
    pub images: Vec<SourceImage>,
    /// Files under `static/`, `/`-separated.
    pub static_files: Vec<String>,
    /// The cart page's address in each language (`panier/`, `ar/السلة/`), when the shop has a
    /// cart (see [`crate::config::Orders::cart`]).
    pub cart: Option<crate::lang::PerLang<String>>,
    /// Index into [`Site::pages`] of the page the order form links to for what is done with a
    /// shopper's details.
    pub privacy_page: Option<usize>,
}

/// The translated texts of a thing in one language, and where its page lives.
#[derive(Debug, Clone, Hash)]
pub struct Text {
    /// Name (products, categories, producers) or title (pages, home).
    pub title: String,
    /// Summary (products, categories, pages, home) or role (producers).
    pub summary: Option<String>,
    /// Markdown.
    pub body: String,
    /// The Markdown file, relative to the site.
    pub file: PathBuf,
    /// The page's path below the site root, `/`-separated, ending in `/` (empty for the
    /// default language's home).
    pub path: String,
    /// False when this text is the default language's, shown because the translation is missing.
    pub translated: bool,
}

/// A product, checked: its references resolved to indexes, its prices exact.
#[derive(Debug, Hash)]
pub struct Product {
    /// The folder name, which messages and other files name the product by.
    pub id: String,
    /// The product's folder, relative to the site.
    pub dir: PathBuf,
    /// The product's SKU, unique among every product and variant of the shop.
    pub sku: String,
    /// Index into [`Site::categories`].
    pub category: usize,
    /// The price shown: the product's own, or the lowest variant's when it has none.
    pub price: Minor,
    /// True when `price` is the lowest of several variant prices.
    pub price_from: bool,
    /// The price before a sale, shown struck through: the product's own, or that of the variant
    /// whose price is shown.
    pub compare_at: Option<Minor>,
    /// Whether it can be ordered: as written; else, with variants, the best of theirs; else from
    /// `stock` (in stock without one).
    pub availability: Availability,
    /// Whether `availability` was written (not derived from `stock` or assumed).
    pub availability_declared: bool,
    /// For preorders: when the product will be available, `YYYY-MM-DD`.
    pub available_from: Option<String>,
    /// How many are left, when written; `souk check` warns when neither this nor `availability` is.
    pub stock: Option<u32>,
    /// Shown on the home page ahead of the other products.
    pub featured: bool,
    /// When the product last changed, `YYYY-MM-DD`: its page's last-modified date in the sitemap.
    pub date: Option<String>,
    /// The weight in grams, shown in the product's details.
    pub weight_grams: Option<u32>,
    /// Where the product comes from, as a translated text.
    pub origin: Option<Localized>,
    /// When it was harvested or made: `YYYY-MM-DD` or `YYYY-MM`.
    pub harvest: Option<String>,
    /// The batch (lot) number.
    pub batch: Option<String>,
    /// Free keywords from `product.yaml`, passed on to the theme.
    pub tags: Vec<String>,
    /// Indexes into [`SiteConfig::certifications`], in the order written.
    pub certifications: Vec<usize>,
    /// Indexes into [`Site::producers`].
    pub producers: Vec<usize>,
    /// The product's photos, the main one first.
    pub images: Vec<ImageRef>,
    /// The sizes or kinds sold separately, in the order written; empty for a product sold as one
    /// item.
    pub variants: Vec<Variant>,
    /// Where it can be paid online, beside cash on delivery: an `http(s)://` address.
    pub payment_url: Option<String>,
    /// Name, summary, description and page address per language; `None` where it is not published.
    pub texts: PerLang<Text>,
}

/// One size or kind of a product, with its own SKU, price and stock.
#[derive(Debug, Hash)]
pub struct Variant {
    /// The variant's own SKU, unique in the shop.
    pub sku: String,
    /// What tells the variant apart (`50 ml`), per language.
    pub label: Localized,
    /// The variant's price.
    pub price: Minor,
    /// The variant's price before a sale, when it is on sale.
    pub compare_at: Option<Minor>,
    /// Whether it can be ordered: as written, else from its `stock`, else in stock.
    pub availability: Availability,
    /// How many of this variant are left, when written.
    pub stock: Option<u32>,
    /// This variant's weight in grams, when written.
    pub weight_grams: Option<u32>,
    /// Where this variant can be paid online: an `http(s)://` address.
    pub payment_url: Option<String>,
}

/// A category of products, with its page.
#[derive(Debug)]
pub struct Category {
    /// The folder name, which products give as their `category`.
    pub id: String,
    /// Position on the home page and in the menu; 0 when not written.
    pub order: i32,
    /// The category's photo, if `category.yaml` names one.
    pub image: Option<ImageRef>,
    /// Name, summary, description and page address per language; a missing translation shows the
    /// default language's.
    pub texts: PerLang<Text>,
    /// Indexes into [`Site::products`], in product order.
    pub products: Vec<usize>,
}

/// A member of the cooperative, with her or his page.
#[derive(Debug)]
pub struct Producer {
    /// The folder name, which products list under `producers`.
    pub id: String,
    /// Her or his photo, if `producer.yaml` names one.
    pub photo: Option<ImageRef>,
    /// Where she or he lives, as a translated text.
    pub village: Option<Localized>,
    /// The year she or he joined the cooperative.
    pub member_since: Option<u16>,
    /// Name, role, story and page address per language; a missing translation shows the default
    /// language's.
    pub texts: PerLang<Text>,
    /// Indexes into [`Site::products`].
    pub products: Vec<usize>,
}

/// A free page: about, contact, delivery, legal…
#[derive(Debug)]
pub struct Page {
    /// The folder name; also the page's address where its text has no `slug`.
    pub id: String,
    /// Which menu links to the page.
    pub menu: Menu,
    /// Position among the pages of its menu; 0 when not written.
    pub order: i32,
    /// Title, summary, body and page address per language; `None` where it is not published.
    pub texts: PerLang<Text>,
}

/// A use of a photo, with its description.
#[derive(Debug, Clone, Hash)]
pub struct ImageRef {
    /// Index into [`Site::images`].
    pub image: usize,
    /// What the photo shows, per language, as written beside this use of it.
    pub alt: Option<Localized>,
}

/// A photo file of the site.
#[derive(Debug, Clone)]
pub struct SourceImage {
    /// Relative to the site, for messages.
    pub file: PathBuf,
    /// Absolute, for reading.
    pub path: PathBuf,
}

/// URL path segments souk uses; free pages may not take them as slugs.
pub const PRODUCTS_SEGMENT: &str = "products";
/// Where category pages live: `categories/<slug>/`.
pub const CATEGORIES_SEGMENT: &str = "categories";
/// Where producer pages live: `producers/<slug>/`.
pub const PRODUCERS_SEGMENT: &str = "producers";
/// Where certification pages live: `certifications/<id>/`.
pub const CERTIFICATIONS_SEGMENT: &str = "certifications";
/// The printable catalogue of a language: `catalogue/`.
pub const CATALOGUE_SEGMENT: &str = "catalogue";
/// The printable shelf labels of a language: `labels/`.
pub const LABELS_SEGMENT: &str = "labels";
/// The further pages of a long listing: `<listing>/page/2/`.
pub const PAGE_SEGMENT: &str = "page";
/// Where the photos' files are in the output: `images/`.
pub const IMAGES_SEGMENT: &str = "images";

/// Builds the [`Site`], reporting every broken reference at once. Warnings (such as a missing
/// translation) come back with the site.
///
/// `cart_slugs` are the words the theme puts in each language's cart address (`panier`).
pub fn resolve(
    root: &Path,
    config: SiteConfig,
    source: Source,
    cart_slugs: &crate::lang::PerLang<String>,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let Source {
        products: raw_products,
        categories: raw_categories,
        producers: raw_producers,
        pages: raw_pages,
        home: raw_home,
        static_files,
        unreadable,
    } = source;
    let mut r = Resolver::new(root, &config, &unreadable);

    let mut categories: Vec<Category> = raw_categories
        .into_iter()
        .map(|mut bundle| {
            let image = bundle
                .data
                .image
                .as_ref()
                .and_then(|img| r.image(&bundle.dir, &bundle.files, &bundle.data_file, img));
            let texts = r.texts(
                &mut bundle,
                CATEGORIES_SEGMENT,
                true,
                |f: &CategoryFront| (f.name.clone(), f.summary.clone(), f.slug.as_ref()),
            );
            Category {
                order: bundle.data.order.unwrap_or(0),
                id: bundle.id,
                image,
                texts,
                products: Vec::new(),
            }
        })
        .collect();
    categories.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));

    let mut producers: Vec<Producer> = raw_producers
        .into_iter()
        .map(|mut bundle| {
            let photo = bundle
                .data
                .photo
                .as_ref()
                .and_then(|img| r.image(&bundle.dir, &bundle.files, &bundle.data_file, img));
            let texts = r.texts(&mut bundle, PRODUCERS_SEGMENT, true, |f: &ProducerFront| {
                (f.name.clone(), f.role.clone(), f.slug.as_ref())
            });
            Producer {
                id: bundle.id,
                photo,
                village: bundle.data.village,
                member_since: bundle.data.member_since,
                texts,
                products: Vec::new(),
            }
        })
        .collect();

    let mut pages: Vec<Page> = raw_pages
        .into_iter()
        .map(|mut bundle| {
            let texts = r.texts(&mut bundle, "", false, |f: &PageFront| {
                (f.title.clone(), f.summary.clone(), f.slug.as_ref())
            });
            Page {
                id: bundle.id,
                menu: bundle.data.menu,
                order: bundle.data.order.unwrap_or(0),
                texts,
            }
        })
        .collect();
    pages.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    let cart = config.orders.cart.then(|| r.cart(cart_slugs));
    r.check_page_slugs(&pages, &static_files, cart_slugs);
    let privacy_page = r.privacy_page(&pages);

    let category_ids: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let producer_ids: HashMap<&str, usize> = producers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // Each product on its own, in parallel (at N=100,000 one thread took a second), with its
    // own problems and photos, then merged in order: the photos of every product are in its
    // own folder, so its indices only move up by the photos before it.
    let resolved: Vec<(Option<Product>, Diagnostics, Vec<SourceImage>)> = {
        use rayon::prelude::*;
        raw_products
            .into_par_iter()
            .map(|bundle| {
                let mut own = Resolver::new(root, &config, &unreadable);
                let product = own.product(bundle, &category_ids, &producer_ids);
                (product, own.problems, own.images)
            })
            .collect()
    };
    // Collected in place, into the memory of `resolved` (see `source::load_kind`).
    let products: Vec<Product> = resolved
        .into_iter()
        .filter_map(|(product, problems, images)| {
            r.problems.extend(problems);
            let indices: Vec<usize> = images.into_iter().map(|image| r.add_image(image)).collect();
            let mut product = product?;
            for photo in &mut product.images {
                photo.image = indices[photo.image];
            }
            Some(product)
        })
        .collect();
    r.check_unique_skus(&products);
    r.check_unique_paths(
        &products
            .iter()
            .map(|p| (&p.texts, &p.id))
            .collect::<Vec<_>>(),
        "product",
    );
    r.check_unique_paths(
        &categories
            .iter()
            .map(|c| (&c.texts, &c.id))
            .collect::<Vec<_>>(),
        "category",
    );
    r.check_unique_paths(
        &producers
            .iter()
            .map(|p| (&p.texts, &p.id))
            .collect::<Vec<_>>(),
        "producer",
    );
    r.check_unique_paths(
        &pages.iter().map(|p| (&p.texts, &p.id)).collect::<Vec<_>>(),
        "page",
    );

    for certification in &config.certifications {
        let id = &certification.id;
        if !valid_slug(id) || id.chars().any(char::is_uppercase) {
            r.problems.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!("the certification id `{id}` cannot be a page address"),
                )
                .hint("write the id in lowercase letters, digits and `-`, e.g. `igp-argane`, here and in the products that list it"),
            );
        }
    }
    let mut certified = vec![Vec::new(); config.certifications.len()];
    for (index, product) in products.iter().enumerate() {
        categories[product.category].products.push(index);
        for &producer in &product.producers {
            producers[producer].products.push(index);
        }
        for &certification in &product.certifications {
            certified[certification].push(index);
        }
    }

    let home = r.home(raw_home);

    let Resolver {
        problems, images, ..
    } = r;
    if problems.has_errors() {
        return Err(problems);
    }
    let site = Site {
        root: root.to_path_buf(),
        config,
        products,
        categories,
        producers,
        pages,
        certified,
        home,
        images,
        static_files,
        cart,
        privacy_page,
    };
    Ok((site, problems))
}

struct Resolver<'a> {
    root: &'a Path,
    config: &'a SiteConfig,
    /// What the source could not read: references to it are not errors of their own.
    unreadable: &'a crate::source::Unreadable,
    problems: Diagnostics,
    images: Vec<SourceImage>,
    image_index: HashMap<PathBuf, usize>,
}

impl<'a> Resolver<'a> {
    /// A resolver with no problem found and no photo yet.
    fn new(
        root: &'a Path,
        config: &'a SiteConfig,
        unreadable: &'a crate::source::Unreadable,
    ) -> Self {
        Resolver {
            root,
            config,
            unreadable,
            problems: Diagnostics::new(),
            images: Vec::new(),
            image_index: HashMap::new(),
        }
    }
}

impl Resolver<'_> {
    /// Resolves the per-language documents of a bundle into texts with their page paths. The
    /// bodies are taken out of the documents, not copied: they are most of a catalogue's memory.
    ///
    /// With `fallback`, a missing translation shows the default language's text (categories and
    /// producers, which navigation needs in every language); otherwise the thing is not
    /// published in that language. Either way the build says so once per bundle.
    fn texts<D, F>(
        &mut self,
        bundle: &mut Bundle<D, F>,
        segment: &str,
        fallback: bool,
        fields: impl Fn(&F) -> (String, Option<String>, Option<&Spanned<String>>),
    ) -> PerLang<Text> {
        let mut texts: Vec<Option<Text>> = Vec::with_capacity(bundle.docs.len());
        let mut missing = Vec::new();
        for (index, doc) in self.config.langs().zip(&mut bundle.docs) {
            let Some(doc) = doc else {
                missing.push(self.config.lang(index).code.as_str());
                texts.push(None);
                continue;
            };
            let (title, summary, slug) = fields(&doc.front);
            let slug = self.slug(doc, slug, &bundle.id);
            let prefix = self.config.lang_prefix(index);
            let path = if segment.is_empty() {
                format!("{prefix}{slug}/")
            } else {
                format!("{prefix}{segment}/{slug}/")
            };
            texts.push(Some(Text {
                title: without_bidi_controls_owned(title),
                summary: summary.map(without_bidi_controls_owned),
                body: without_bidi_controls_owned(std::mem::take(&mut doc.body)),
                file: doc.file.clone(),
                path,
                translated: true,
            }));
        }
        let mut texts = PerLang::from(texts);
        if missing.is_empty() {
            return texts;
        }
        let files: Vec<String> = missing.iter().map(|c| format!("{c}.md")).collect();
        match (&texts[LangIndex::DEFAULT], fallback) {
            (Some(default), true) => {
                let default = default.clone();
                self.problems.push(
                    Diagnostic::warning(
                        &bundle.dir,
                        format!(
                            "no translation in {}: the {} text is shown there",
                            missing.join(", "),
                            self.config.lang(LangIndex::DEFAULT).name
                        ),
                    )
                    .hint(format!("add {}", files.join(", "))),
                );
                for (index, text) in texts.iter_mut() {
                    if text.is_none() {
                        let slug = default
                            .path
                            .trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .unwrap_or(&bundle.id)
                            .to_owned();
                        *text = Some(Text {
                            path: format!("{}{segment}/{slug}/", self.config.lang_prefix(index)),
                            translated: false,
                            ..default.clone()
                        });
                    }
                }
            }
            (None, true) => self.problems.push(
                Diagnostic::error(
                    &bundle.dir,
                    format!(
                        "this folder has no `{}.md`",
                        self.config.lang(LangIndex::DEFAULT).code
                    ),
                )
                .hint(format!(
                    "add `{}.md` with the {} text; it is shown where a translation is missing",
                    self.config.lang(LangIndex::DEFAULT).code,
                    self.config.lang(LangIndex::DEFAULT).name
                )),
            ),
            (_, false) if texts.values().all(Option::is_none) => self.problems.push(
                Diagnostic::warning(&bundle.dir, "no language file, so this is not published")
                    .hint(format!("add {}", files.join(", "))),
            ),
            (_, false) => self.problems.push(
                Diagnostic::warning(
                    &bundle.dir,
                    format!("not published in {}: no translation", missing.join(", ")),
                )
                .hint(format!("add {}", files.join(", "))),
            ),
        }
        texts
    }

    /// A SKU names one item in orders, feeds and the cooperative's books: characters that are
    /// not seen (controls) or that reorder what is seen (bidi controls) would let two SKUs that
    /// look the same differ.
    fn check_sku(&mut self, file: &Path, sku: &Spanned<String>) {
        if sku
            .value
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c))
        {
            self.problems.push(
                Diagnostic::error(
                    file,
                    format!("the SKU `{}` holds invisible control characters", sku.value),
                )
                .at(position(sku))
                .hint("retype the SKU with letters, digits and `-` only, e.g. `ARG-250`"),
            );
        }
    }

    /// The URL slug of a document: its front matter's `slug`, else the folder id.
    fn slug<F>(&mut self, doc: &Doc<F>, slug: Option<&Spanned<String>>, id: &str) -> String {
        let Some(slug) = slug else {
            return id.to_owned();
        };
        let value = slug.value.trim();
        if valid_slug(value) {
            value.to_owned()
        } else {
            self.problems.push(
                Diagnostic::error(&doc.file, format!("the slug `{}` cannot be used in a web address", slug.value))
                    .at(position(slug).map(|mut p| {
                        p.line += 1;
                        p
                    }))
                    .hint("use letters (any script), digits and `-` only, e.g. `huile-argan` or `زيت-أركان`"),
            );
            id.to_owned()
        }
    }

    /// Registers a photo of the bundle in `dir`, checking that it is among the bundle's
    /// `files`. `yaml` is the file that names it, for messages.
    fn image(
        &mut self,
        dir: &Path,
        files: &BTreeMap<String, Found>,
        yaml: &Path,
        raw: &RawImage,
    ) -> Option<ImageRef> {
        let file_name = raw.file.value.trim();
        if !crate::fs::confined(file_name) {
            self.problems.push(
                Diagnostic::error(yaml, format!("the image `{file_name}` is outside this folder"))
                    .at(position(&raw.file))
                    .hint("put the photo in the same folder as this file and write only its name, e.g. `photo.jpg`"),
            );
            return None;
        }
        let file = dir.join(file_name);
        let path = self.root.join(&file);
        let found = files.get(crate::fs::to_slash(Path::new(file_name)).as_str());
        if found != Some(&Found::File) {
            let hint = if found.is_some() {
                "a link may point outside the site: copy the photo itself into this folder"
                    .to_owned()
            } else {
                let present = files.keys().filter(|name| !name.contains('/'));
                match did_you_mean(file_name, present.map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("copy the photo into `{}` or fix the name", dir.display()),
                }
            };
            self.problems.push(
                Diagnostic::error(yaml, format!("the image `{file_name}` does not exist"))
                    .at(position(&raw.file))
                    .hint(hint),
            );
            return None;
        }
        Some(ImageRef {
            image: self.add_image(SourceImage { file, path }),
            alt: raw.alt.clone(),
        })
    }

    /// The index of `image` in the site's photos, added if it is not there yet.
    fn add_image(&mut self, image: SourceImage) -> usize {
        let next = self.images.len();
        let index = *self.image_index.entry(image.file.clone()).or_insert(next);
        if index == next {
            self.images.push(image);
        }
        index
    }

    fn price(&mut self, file: &Path, key: &str, text: &Spanned<DecimalText>) -> Option<Minor> {
        let decimals = self.config.currency.decimals();
        match parse_price(&text.value.0, decimals) {
            Ok(minor) => Some(minor),
            Err(why) => {
                self.problems.push(
                    Diagnostic::error(file, format!("`{key}` `{}` {why}", text.value.0))
                        .at(position(text))
                        .hint(fix_hint(&text.value.0, &why, self.config.currency)),
                );
                None
            }
        }
    }

    fn product(
        &mut self,
        mut bundle: Bundle<RawProduct, ProductFront>,
        category_ids: &HashMap<&str, usize>,
        producer_ids: &HashMap<&str, usize>,
    ) -> Option<Product> {
        let texts = self.texts(&mut bundle, PRODUCTS_SEGMENT, false, |f: &ProductFront| {
            (f.name.clone(), f.summary.clone(), f.slug.as_ref())
        });
        let Bundle {
            id,
            dir,
            data_file: file,
            data,
            files,
            ..
        } = bundle;
        let RawProduct {
            sku,
            category,
            price,
            compare_at_price,
            stock,
            availability,
            available_from,
            featured,
            date,
            weight_grams,
            origin,
            harvest,
            batch,
            tags,
            certifications,
            producers,
            images,
            variants: raw_variants,
            payment_url,
            free,
        } = data;
        let errors_before = self.problems.error_count();
        let unreadable = self.unreadable;
        let payment_url = self.payment_url(&file, payment_url.as_ref());
        self.check_sku(&file, &sku);

        let category_index = self
            .reference(
                &file,
                "category",
                &category,
                category_ids.keys().copied(),
                &unreadable.categories,
                categories_hint(),
            )
            .and_then(|c| category_ids.get(c).copied());
        let mut producer_indexes = Vec::new();
        for producer in &producers {
            if let Some(p) = self.reference(
                &file,
                "producer",
                producer,
                producer_ids.keys().copied(),
                &unreadable.producers,
                "add a folder for her or him in `producers/`, or fix the id".to_owned(),
            ) {
                producer_indexes.push(producer_ids[p]);
            }
        }
        let config = self.config;
        let certification_ids = config.certifications.iter().map(|c| c.id.as_str());
        let mut certification_list = Vec::new();
        for certification in &certifications {
            let found = self.reference(
                &file,
                "certification",
                certification,
                certification_ids.clone(),
                &BTreeSet::new(),
                "declare it under `certifications:` in souk.yaml, or fix the id".to_owned(),
            );
            if let Some(index) =
                found.and_then(|id| config.certifications.iter().position(|c| c.id == id))
                && !certification_list.contains(&index)
            {
                certification_list.push(index);
            }
        }
        if let Some(harvest) = &harvest
            && !valid_month(harvest.value.trim())
            && !valid_date(harvest.value.trim())
        {
            self.problems.push(
                Diagnostic::error(&file, format!("`harvest` `{}` is not a date", harvest.value))
                    .at(position(harvest))
                    .hint("write the day it was harvested or made as year-month-day, e.g. `2025-10-14`, or the month, e.g. `2025-10`"),
            );
        }

        for (key, value) in [("date", &date), ("available_from", &available_from)] {
            if let Some(value) = value
                && !valid_date(value.value.trim())
            {
                self.problems.push(
                    Diagnostic::error(&file, format!("`{key}` `{}` is not a date", value.value))
                        .at(position(value))
                        .hint("write it as year-month-day, e.g. `2025-03-14`"),
                );
            }
        }

        let own_price = price.as_ref().and_then(|p| self.price(&file, "price", p));
        if let (Some(minor), Some(text)) = (own_price, &price) {
            self.check_free(&file, minor, text, free);
        }
        let own_compare = compare_at_price
            .as_ref()
            .and_then(|p| self.price(&file, "compare_at_price", p));
        if let (Some(p), Some(c), Some(raw)) = (own_price, own_compare, &compare_at_price)
            && c <= p
        {
            self.problems.push(
                Diagnostic::error(&file, "`compare_at_price` is not above `price`")
                    .at(position(raw))
                    .hint("`compare_at_price` is the price before a sale: make it higher than `price`, or remove it"),
            );
        }

        let mut variants = Vec::new();
        for raw in raw_variants {
            let price = self.price(&file, "price", &raw.price);
            if let Some(minor) = price {
                self.check_free(&file, minor, &raw.price, raw.free);
            }
            let compare_at = raw
                .compare_at_price
                .as_ref()
                .and_then(|p| self.price(&file, "compare_at_price", p));
            if let (Some(p), Some(c), Some(at)) = (price, compare_at, &raw.compare_at_price)
                && c <= p
            {
                self.problems.push(
                    Diagnostic::error(
                        &file,
                        "`compare_at_price` is not above the variant's `price`",
                    )
                    .at(position(at))
                    .hint("make it higher than `price`, or remove it"),
                );
            }
            for code in raw.label.codes() {
                if self.config.language(code).is_none() {
                    self.problems.push(Diagnostic::error(&file, format!("a variant label has a text for `{code}`, which is not a language of the site")).at(position(&raw.sku)));
                }
            }
            self.check_sku(&file, &raw.sku);
            let payment_url = self.payment_url(&file, raw.payment_url.as_ref());
            variants.push(Variant {
                sku: raw.sku.value.trim().to_owned(),
                label: raw.label,
                price: price.unwrap_or(Minor(0)),
                compare_at,
                availability: availability_of(raw.availability, raw.stock),
                stock: raw.stock,
                weight_grams: raw.weight_grams,
                payment_url,
            });
        }

        let (shown_price, price_from) = match (own_price, variants.iter().map(|v| v.price).min()) {
            (Some(price), _) => (Some(price), false),
            (None, Some(lowest)) => (Some(lowest), variants.iter().any(|v| v.price != lowest)),
            (None, None) => {
                if price.is_none() {
                    self.problems.push(
                        Diagnostic::error(&file, "this product has no `price`")
                            .hint(format!("add a line like `price: \"120.00\"` (in {}), or list `variants` with their prices", self.config.currency.code())),
                    );
                }
                (None, false)
            }
        };
        let availability_declared = availability.is_some();
        let availability = if variants.is_empty() {
            availability_of(availability, stock)
        } else {
            availability.unwrap_or_else(|| {
                [Availability::InStock, Availability::Preorder]
                    .into_iter()
                    .find(|a| variants.iter().any(|v| v.availability == *a))
                    .unwrap_or(Availability::OutOfStock)
            })
        };
        let compare_at = own_compare.or_else(|| {
            variants
                .iter()
                .find(|v| Some(v.price) == shown_price)
                .and_then(|v| v.compare_at)
        });

        if images.is_empty() {
            self.problems.push(
                Diagnostic::warning(&file, "this product has no photo")
                    .hint("add `images:` with at least one `- file: photo.jpg`: shoppers rarely buy what they cannot see"),
            );
        }
        let image_refs: Vec<ImageRef> = images
            .iter()
            .filter_map(|img| self.image(&dir, &files, &file, img))
            .collect();

        if self.problems.error_count() > errors_before {
            return None;
        }
        Some(Product {
            id,
            dir,
            sku: sku.value.trim().to_owned(),
            category: category_index?,
            price: shown_price?,
            price_from,
            compare_at,
            availability,
            availability_declared,
            available_from: available_from.map(|d| d.value.trim().to_owned()),
            stock,
            featured,
            date: date.map(|d| d.value.trim().to_owned()),
            weight_grams,
            origin,
            harvest: harvest.map(|h| h.value.trim().to_owned()),
            batch: batch
                .map(|b| without_bidi_controls(b.trim()).into_owned())
                .filter(|b| !b.is_empty()),
            tags: tags
                .iter()
                .map(|tag| without_bidi_controls(tag).into_owned())
                .collect(),
            certifications: certification_list,
            producers: producer_indexes,
            images: image_refs,
            variants,
            payment_url,
            texts,
        })
    }

    /// A price of 0 must be meant (`free: true`), and `free: true` must come with a price of 0:
    /// a slip of the keyboard never gives a product away.
    fn check_free(&mut self, file: &Path, price: Minor, text: &Spanned<DecimalText>, free: bool) {
        let written = text.value.0.trim();
        let problem = match (price == Minor(0), free) {
            (true, false) => Diagnostic::error(file, format!("`price` `{written}` is zero: the shop would give it away"))
                .hint("write its price, e.g. \"120.00\"; if it really is free (a sample, a gift), add `free: true` beside it"),
            (false, true) => Diagnostic::error(file, format!("`free: true` is written, but `price` is `{written}`"))
                .hint("remove `free: true`, or make the price \"0\""),
            _ => return,
        };
        self.problems.push(problem.at(position(text)));
    }

    /// A `payment_url`, which only an `http(s)://` address may be: a shopper follows it to pay.
    fn payment_url(&mut self, file: &Path, url: Option<&Spanned<String>>) -> Option<String> {
        let url = url?;
        let written = url.value.trim();
        if crate::config::web_address(written) {
            Some(written.to_owned())
        } else {
            self.problems.push(
                Diagnostic::error(file, format!("`payment_url` `{written}` is not a web address"))
                    .at(position(url))
                    .hint("write the full address of the payment page, starting with `https://`, e.g. a Stripe Payment Link or your PayPal.me page"),
            );
            None
        }
    }

    /// Checks that `reference` names one of `known`, with a "did you mean" when it does not.
    fn reference<'k>(
        &mut self,
        file: &Path,
        what: &str,
        reference: &Spanned<String>,
        known: impl Iterator<Item = &'k str> + Clone,
        unreadable: &BTreeSet<String>,
        fix: String,
    ) -> Option<&'k str> {
        let wanted = reference.value.trim();
        if let Some(found) = known.clone().find(|k| *k == wanted) {
            return Some(found);
        }
        // A folder that could not be read has its own error already.
        if unreadable.contains(wanted) {
            return None;
        }
        let hint = match did_you_mean(wanted, known) {
            Some(close) => format!("did you mean `{close}`?"),
            None => fix,
        };
        self.problems.push(
            Diagnostic::error(file, format!("there is no {what} `{wanted}`"))
                .at(position(reference))
                .hint(hint),
        );
        None
    }

    fn check_unique_skus(&mut self, products: &[Product]) {
        let mut seen: HashMap<&str, &Path> = HashMap::new();
        for product in products {
            let skus = std::iter::once(product.sku.as_str())
                .chain(product.variants.iter().map(|v| v.sku.as_str()));
            let mut own = HashSet::new();
            for sku in skus {
                if !own.insert(sku) {
                    continue;
                }
                if let Some(first) = seen.insert(sku, &product.dir) {
                    self.problems.push(
                        Diagnostic::error(
                            product.dir.join("product.yaml"),
                            format!("the SKU `{sku}` is also used by `{}`", first.display()),
                        )
                        .hint("give every product and variant its own SKU"),
                    );
                }
            }
        }
    }

    fn check_unique_paths(&mut self, items: &[(&PerLang<Text>, &String)], what: &str) {
        let mut seen: HashMap<&str, &str> =
            HashMap::with_capacity(items.len() * self.config.languages.len());
        for (texts, id) in items {
            for text in texts.values().flatten().filter(|t| t.translated) {
                if let Some(other) = seen.insert(text.path.as_str(), id.as_str()) {
                    self.problems.push(
                        Diagnostic::error(
                            &text.file,
                            format!(
                                "the {what} `{other}` already has the address `/{}`",
                                text.path
                            ),
                        )
                        .hint("give one of them another `slug` in its front matter"),
                    );
                }
            }
        }
    }

    /// Free pages live at the top level, beside souk's own folders and the static files.
    fn check_page_slugs(
        &mut self,
        pages: &[Page],
        static_files: &[String],
        cart_slugs: &crate::lang::PerLang<String>,
    ) {
        let mut reserved: HashSet<&str> = [
            PRODUCTS_SEGMENT,
            CATEGORIES_SEGMENT,
            PRODUCERS_SEGMENT,
            CERTIFICATIONS_SEGMENT,
            CATALOGUE_SEGMENT,
            LABELS_SEGMENT,
            PAGE_SEGMENT,
            IMAGES_SEGMENT,
        ]
        .into();
        reserved.extend(self.config.languages.iter().map(|l| l.code.as_str()));
        reserved.extend(static_files.iter().filter_map(|f| f.split('/').next()));
        reserved.extend(cart_slugs.iter().map(|(_, slug)| slug.as_str()));
        for page in pages {
            for (index, text) in page.texts.iter() {
                let Some(text) = text else { continue };
                let prefix = self.config.lang_prefix(index);
                let slug = text.path[prefix.len()..].trim_end_matches('/');
                if reserved.contains(slug) {
                    self.problems.push(
                        Diagnostic::error(
                            &text.file,
                            format!("the page address `/{}` is taken by souk itself", text.path),
                        )
                        .hint("set another `slug` in the front matter, e.g. `about-us`"),
                    );
                }
            }
        }
    }

    /// The cart page's address in each language, from the theme's `cart_slug`.
    fn cart(&mut self, slugs: &crate::lang::PerLang<String>) -> crate::lang::PerLang<String> {
        self.config
            .langs()
            .map(|lang| {
                let slug = slugs[lang].trim();
                let slug = if valid_slug(slug) {
                    slug
                } else {
                    let code = self.config.lang(lang).code.as_str();
                    self.problems.push(
                        Diagnostic::error(format!("i18n/{code}.yaml"), format!("the cart's address word `cart_slug: {slug}` cannot be used in a web address"))
                            .hint("use letters (any script), digits and `-` only, e.g. `panier` or `السلة`"),
                    );
                    "cart"
                };
                format!("{}{slug}/", self.config.lang_prefix(lang))
            })
            .collect()
    }

    /// The page `orders.privacy_page` names, else the one called `legal`.
    fn privacy_page(&mut self, pages: &[Page]) -> Option<usize> {
        let find = |id: &str| pages.iter().position(|p| p.id == id);
        let Some(wanted) = &self.config.orders.privacy_page else {
            return find("legal");
        };
        let id = wanted.value.trim();
        let found = find(id);
        if found.is_none() && !self.unreadable.pages.contains(id) {
            let hint = match did_you_mean(id, pages.iter().map(|p| p.id.as_str())) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "write the name of a folder of `pages/`, e.g. `legal`".to_owned(),
            };
            self.problems.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!("`orders.privacy_page` `{id}` is not a page of the site"),
                )
                .at(position(wanted))
                .hint(hint),
            );
        }
        found
    }

    fn home(&mut self, docs: Vec<Option<Doc<HomeFront>>>) -> PerLang<Text> {
        let default = docs.first().and_then(Option::as_ref).map(|d| {
            (
                d.front.title.clone(),
                d.front.summary.clone(),
                d.body.clone(),
                d.file.clone(),
            )
        });
        if default.is_none() && !self.unreadable.home {
            let code = self.config.lang(LangIndex::DEFAULT).code.as_str();
            self.problems.push(
                Diagnostic::error(format!("{}/{code}.md", source::HOME), "the home page has no text in the default language")
                    .hint(format!("add `home/{code}.md` with a `title`, an optional `summary` and the cooperative's story")),
            );
        }
        self.config
            .langs()
            .zip(docs)
            .map(|(index, doc)| {
                let path = self.config.lang_prefix(index);
                match (doc, &default) {
                    (Some(doc), _) => Some(Text {
                        title: doc.front.title,
                        summary: doc.front.summary,
                        body: doc.body,
                        file: doc.file,
                        path,
                        translated: true,
                    }),
                    (None, Some((title, summary, body, file))) => Some(Text {
                        title: title.clone(),
                        summary: summary.clone(),
                        body: body.clone(),
                        file: file.clone(),
                        path,
                        translated: false,
                    }),
                    (None, None) => None,
                }
            })
            .collect()
    }
}

fn categories_hint() -> String {
    "add a folder for it in `categories/`, or fix the id".to_owned()
}

fn availability_of(explicit: Option<Availability>, stock: Option<u32>) -> Availability {
    explicit.unwrap_or(match stock {
        Some(0) => Availability::OutOfStock,
        _ => Availability::InStock,
    })
}

/// A slug is one URL segment: letters of any script, digits, `-` and `_`.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || is_combining(c))
        && !slug.starts_with('-')
}

/// Arabic vowel marks and other combining characters are part of words.
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{0610}'..='\u{061a}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{06d6}'..='\u{06ed}' | '\u{200c}' | '\u{200d}')
}

/// `YYYY-MM`, with a month that exists.
fn valid_month(date: &str) -> bool {
    valid_date(&format!("{date}-01"))
}

/// `YYYY-MM-DD`, with a month and day that exist in some year.
fn valid_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (number(y, 4), number(m, 2), number(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

impl Site {
    /// Every photo of the site for [`crate::images::process`], by the index of
    /// [`Site::images`]. Each product's main photo gets the picture for sharing: it is what a
    /// shared product page shows.
    pub fn photos(&self) -> Vec<crate::images::Photo<'_>> {
        let main: HashSet<usize> = self
            .products
            .iter()
            .filter_map(|p| p.images.first())
            .map(|i| i.image)
            .collect();
        self.images
            .iter()
            .enumerate()
            .map(|(index, image)| crate::images::Photo {
                path: &image.path,
                file: &image.file,
                social: main.contains(&index),
            })
            .collect()
    }
}

/// Products of the home page: featured ones first, then the rest, in product order.
pub fn featured(site: &Site, lang: LangIndex) -> Vec<usize> {
    let published = |i: &usize| site.products[*i].texts[lang].is_some();
    let (mut chosen, rest): (Vec<usize>, Vec<usize>) = (0..site.products.len())
        .filter(published)
        .partition(|i| site.products[*i].featured);
    chosen.extend(rest);
    chosen.truncate(site.config.featured_count);
    chosen
}
