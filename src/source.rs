//! Reading the site's content folders into raw structs that mirror the files.
//!
//! Nothing is checked against anything else here (that is [`crate::model`]'s job); this stage
//! only finds the files, splits front matter from Markdown and parses the YAML, collecting every
//! problem.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Position, relative};
use crate::fs::{TreeEntry, Walk};
use crate::lang::Localized;
use crate::money::DecimalText;

/// The content folders of a site and the name of the data file of each kind of bundle.
pub const PRODUCTS: (&str, &str) = ("products", "product.yaml");
/// The categories' folder and the optional data file of each category.
pub const CATEGORIES: (&str, &str) = ("categories", "category.yaml");
/// The producers' folder (the cooperative's members) and the data file of each producer.
pub const PRODUCERS: (&str, &str) = ("producers", "producer.yaml");
/// The free pages' folder and the optional data file of each page.
pub const PAGES: (&str, &str) = ("pages", "page.yaml");
/// The folder of the home page's texts: one `<lang>.md` per language, no data file.
pub const HOME: &str = "home";
/// The folder copied as is to the output (favicon, logo, robots extras).
pub const STATIC: &str = "static";

/// Everything read from a site's content folders.
#[derive(Debug)]
pub struct Source {
    /// Every folder in `products/`, sorted by id.
    pub products: Vec<Bundle<RawProduct, ProductFront>>,
    /// Every folder in `categories/`, sorted by id.
    pub categories: Vec<Bundle<RawCategory, CategoryFront>>,
    /// Every folder in `producers/`, sorted by id.
    pub producers: Vec<Bundle<RawProducer, ProducerFront>>,
    /// Every folder in `pages/`, sorted by id.
    pub pages: Vec<Bundle<RawPage, PageFront>>,
    /// The home page's text, by language index.
    pub home: Vec<Option<Doc<HomeFront>>>,
    /// Files under `static/`, relative to it, `/`-separated, sorted.
    pub static_files: Vec<String>,
    /// The folders that could not be read (their errors are reported): references to them
    /// are not reported again as references to nothing.
    pub unreadable: Unreadable,
}

/// The ids of the folders of each kind that could not be read, and whether a home page text
/// could not.
#[derive(Debug, Default)]
pub struct Unreadable {
    /// Folders of `products/`.
    pub products: BTreeSet<String>,
    /// Folders of `categories/`.
    pub categories: BTreeSet<String>,
    /// Folders of `producers/`.
    pub producers: BTreeSet<String>,
    /// Folders of `pages/`.
    pub pages: BTreeSet<String>,
    /// A file of `home/`.
    pub home: bool,
}

/// A folder holding one thing: its language-neutral data and one document per language.
#[derive(Debug)]
pub struct Bundle<D, F> {
    /// The folder name, used in references between files.
    pub id: String,
    /// The folder, relative to the site.
    pub dir: PathBuf,
    /// The data file, relative to the site (it may not exist for kinds where it is optional).
    pub data_file: PathBuf,
    /// The parsed data file, or the kind's defaults when the file is optional and absent.
    pub data: D,
    /// By language index, as in [`SiteConfig::languages`].
    pub docs: Vec<Option<Doc<F>>>,
    /// The files in the folder and its subfolders, by `/`-separated path relative to it: what
    /// photos may name.
    pub files: BTreeMap<String, Found>,
}

/// What is at a path of a bundle's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A file (or a link to a file in the same folder).
    File,
    /// A link to something outside the folder, which souk does not read.
    LinkOutside,
}

/// Every file under `dir` (a bundle's folder), sorted, from its `entries` in the walk of the
/// sources.
fn bundle_files(dir: &Path, entries: &[(String, TreeEntry)]) -> BTreeMap<String, Found> {
    // Only a link needs the folder's real path: most bundles have none, and resolving it is a
    // look-up of every folder above it (ten thousand bundles, ten thousand times).
    let real_dir = std::cell::OnceCell::new();
    let real_dir = || real_dir.get_or_init(|| dir.canonicalize().ok()).as_ref();
    entries
        .iter()
        .filter_map(|(relative, entry)| {
            let found = match entry {
                TreeEntry::Folder => return None,
                TreeEntry::File(_) => Found::File,
                TreeEntry::LinkedFolder => Found::LinkOutside,
                TreeEntry::Link(..) => {
                    let inside = dir
                        .join(relative)
                        .canonicalize()
                        .ok()
                        .zip(real_dir())
                        .is_some_and(|(real, dir)| real.starts_with(dir) && real.is_file());
                    if inside {
                        Found::File
                    } else {
                        Found::LinkOutside
                    }
                }
            };
            Some((relative.clone(), found))
        })
        .collect()
}

/// Every entry under `folder` (relative to the site, `/`-separated), its subfolders' too, by
/// path relative to it, in [`crate::fs::tree`]'s order: from the walk of the sources, or, for a
/// folder the walk did not enter (one reached through a link), from the file system.
fn listing(root: &Path, walk: &Walk<'_>, folder: &str) -> Vec<(String, TreeEntry)> {
    if walk.has(folder) {
        walk.under(folder)
            .map(|(path, entry)| (path.to_owned(), *entry))
            .collect()
    } else {
        crate::fs::tree(&root.join(folder), "")
    }
}

/// A Markdown file: its front matter, parsed, and its body.
#[derive(Debug)]
pub struct Doc<F> {
    /// Relative to the site.
    pub file: PathBuf,
    /// The YAML between the two `---` lines, parsed.
    pub front: F,
    /// The Markdown after the front matter, as written: the long text.
    pub body: String,
}

// ---- The files' shapes (docs/content-model.md shows them with an example). ----

/// `product.yaml`: the facts of a product that do not depend on the language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProduct {
    /// The stock-keeping unit orders and feeds name the product by; unique in the shop, variants
    /// included.
    pub sku: Spanned<String>,
    /// The id of the product's category, a folder in `categories/`.
    pub category: Spanned<String>,
    /// The price as a decimal (`"120.00"`), with no more decimals than the currency has. Required
    /// unless the product has variants.
    pub price: Option<Spanned<DecimalText>>,
    /// The price before a sale, shown struck through beside `price`; it must be above it.
    pub compare_at_price: Option<Spanned<DecimalText>>,
    /// How many are left; 0 shows "out of stock". Decides the availability when `availability` is
    /// not written.
    pub stock: Option<u32>,
    /// `in_stock`, `out_of_stock` or `preorder`; when left out, it comes from `stock` (in stock
    /// without one).
    pub availability: Option<Availability>,
    /// For `preorder`: when it will be available (`YYYY-MM-DD`).
    pub available_from: Option<Spanned<String>>,
    /// `featured: true` puts the product on the home page ahead of the others.
    #[serde(default)]
    pub featured: bool,
    /// When the product last changed (`YYYY-MM-DD`): its page's last-modified date in the sitemap.
    pub date: Option<Spanned<String>>,
    /// The weight in grams, shown in the product's details.
    pub weight_grams: Option<u32>,
    /// Where the product comes from (e.g. the town), as a translated text; shown in its details.
    pub origin: Option<Localized>,
    /// When what is sold was harvested or made (`YYYY-MM-DD` or `YYYY-MM`), shown with its origin.
    pub harvest: Option<Spanned<String>>,
    /// The batch (lot) number, as printed on the jar, shown with its origin.
    pub batch: Option<String>,
    /// Free keywords (`[bio, cosmetique]`), passed on to the theme's templates.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ids of certifications declared under `certifications:` in `souk.yaml`, shown on the product
    /// page.
    #[serde(default)]
    pub certifications: Vec<Spanned<String>>,
    /// Ids of the members who made it, folders in `producers/`; their pages list the product.
    #[serde(default)]
    pub producers: Vec<Spanned<String>>,
    /// The product's photos, files in its folder; the first is the main image, also used for
    /// sharing.
    #[serde(default)]
    pub images: Vec<RawImage>,
    /// Sizes or kinds sold separately, each with its own SKU, price and stock. With variants,
    /// `price` may be left out: the shop shows "from" the lowest.
    #[serde(default)]
    pub variants: Vec<RawVariant>,
    /// A page where the product can be paid online (a Stripe Payment Link, PayPal.me…), shown
    /// beside cash on delivery; an `http(s)://` address.
    pub payment_url: Option<Spanned<String>>,
    /// `free: true` says a price of 0 is meant (a sample, a gift): without it, 0 is refused.
    #[serde(default)]
    pub free: bool,
}

/// Whether a product can be ordered, as `availability:` says or `stock` implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// It can be ordered now (`in_stock`).
    InStock,
    /// Sold out for now (`out_of_stock`).
    OutOfStock,
    /// It can be ordered before it is available (`preorder`); `available_from` says when.
    Preorder,
}

/// One entry of `variants:` in `product.yaml`: a size or kind of the product, sold on its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// The variant's own SKU, unique in the shop.
    pub sku: Spanned<String>,
    /// What tells the variant apart (`50 ml`): one text for all languages, or one per language.
    pub label: Localized,
    /// The variant's price, a decimal as for the product's `price`.
    pub price: Spanned<DecimalText>,
    /// The variant's price before a sale; it must be above its `price`.
    pub compare_at_price: Option<Spanned<DecimalText>>,
    /// How many of this variant are left; 0 makes it out of stock when `availability` is not
    /// written.
    pub stock: Option<u32>,
    /// As for the product: when left out, it comes from the variant's `stock`.
    pub availability: Option<Availability>,
    /// This variant's weight in grams (the product page shows the product's `weight_grams`).
    pub weight_grams: Option<u32>,
    /// As for the product: where this variant can be paid online.
    pub payment_url: Option<Spanned<String>>,
    /// As for the product: a price of 0 is refused without `free: true`.
    #[serde(default)]
    pub free: bool,
}

/// A photo in the bundle folder, with its description per language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImage {
    /// The photo's file name in the bundle's folder, e.g. `bottle.jpg`.
    pub file: Spanned<String>,
    /// What the photo shows, for people who cannot see it and for search engines, per language.
    pub alt: Option<Localized>,
}

/// `category.yaml`, optional: where a category comes in the menus, and its photo.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// Position on the home page and in the menu, lowest first; 0 when left out, ties by id.
    pub order: Option<i32>,
    /// A photo in the category's folder, with its description.
    pub image: Option<RawImage>,
}

/// `producer.yaml`: a member's photo and the facts shown about her or him.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProducer {
    /// Her or his photo, a file in the producer's folder, with its description.
    pub photo: Option<RawImage>,
    /// Where she or he lives, as a translated text.
    pub village: Option<Localized>,
    /// The year she or he joined the cooperative.
    pub member_since: Option<u16>,
}

/// `page.yaml`, optional: which menu links to a free page, and in what order.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    /// Where the page is linked: `header`, `footer` (the default) or `none`.
    #[serde(default)]
    pub menu: Menu,
    /// Position among the pages of the same menu, lowest first; 0 when left out, ties by id.
    pub order: Option<i32>,
}

/// Where a free page is linked from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Menu {
    /// Linked from the header's menu (`header`).
    Header,
    /// Linked from the footer's menu (`footer`, the default).
    #[default]
    Footer,
    /// Linked from no menu (`none`): reached by its address or by links in other texts.
    None,
}

/// The front matter of a product's `<lang>.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductFront {
    /// The product's name in this language, as shown on its page, in listings and in feeds.
    pub name: String,
    /// One sentence about the product in this language; also its description in search results and
    /// feeds.
    pub summary: Option<String>,
    /// The last part of the page's address in this language (it may be Arabic or Tifinagh); the id
    /// by default.
    pub slug: Option<Spanned<String>>,
}

/// The front matter of a category's `<lang>.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFront {
    /// The category's name in this language, as shown in the menu and on its page.
    pub name: String,
    /// A short text about the category; also its description in search results.
    pub summary: Option<String>,
    /// The last part of the category page's address in this language; the id by default.
    pub slug: Option<Spanned<String>>,
}

/// The front matter of a producer's `<lang>.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerFront {
    /// The member's name, as shown on her or his page and on the pages of the products she or he
    /// made.
    pub name: String,
    /// What she or he does in the cooperative, e.g. "Presser, founding member".
    pub role: Option<String>,
    /// The last part of the producer page's address in this language; the id by default.
    pub slug: Option<Spanned<String>>,
}

/// The front matter of a free page's `<lang>.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    /// The page's title in this language: its heading, and the text of links to it.
    pub title: String,
    /// A short text about the page; its description in search results (else the start of the body).
    pub summary: Option<String>,
    /// The page's address in this language, at the top of the site (`delivery` for `/delivery/`);
    /// the id by default.
    pub slug: Option<Spanned<String>>,
}

/// The front matter of `home/<lang>.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeFront {
    /// The big heading of the home page.
    pub title: String,
    /// The line under the heading; also the home page's description in search results.
    pub summary: Option<String>,
}

/// Reads every content folder of the site at `root`. The problems come back with the source,
/// errors included: a folder that cannot be read is left out (and listed in
/// [`Source::unreadable`]) so that the rest can still be checked, and one run reports every
/// mistake of every file.
/// Reads every content folder of the site at `root`, whose files `walk` lists (see
/// [`crate::fs::Walk`]).
pub fn load(root: &Path, config: &SiteConfig, walk: &Walk<'_>) -> (Source, Diagnostics) {
    let mut problems = Diagnostics::new();
    let mut unreadable = Unreadable::default();
    let products = load_kind(
        root,
        config,
        walk,
        PRODUCTS,
        None,
        &mut problems,
        &mut unreadable.products,
    );
    let categories = load_kind(
        root,
        config,
        walk,
        CATEGORIES,
        Some(RawCategory::default),
        &mut problems,
        &mut unreadable.categories,
    );
    let producers = load_kind(
        root,
        config,
        walk,
        PRODUCERS,
        None,
        &mut problems,
        &mut unreadable.producers,
    );
    let pages = load_kind(
        root,
        config,
        walk,
        PAGES,
        Some(RawPage::default),
        &mut problems,
        &mut unreadable.pages,
    );
    let errors_before_home = problems.error_count();
    let home = load_docs(
        root,
        config,
        HOME,
        &listing(root, walk, HOME),
        &mut problems,
    );
    unreadable.home = problems.error_count() > errors_before_home;
    let static_files = list_static(root, &mut problems);
    let source = Source {
        products,
        categories,
        producers,
        pages,
        home,
        static_files,
        unreadable,
    };
    (source, problems)
}

/// The bundles of one kind: every folder in `root/<folder>/`, sorted by name. `default` gives
/// the data of a bundle without a data file; `None` makes the file required.
fn load_kind<D, F>(
    root: &Path,
    config: &SiteConfig,
    walk: &Walk<'_>,
    (folder, data_name): (&str, &str),
    default: Option<fn() -> D>,
    problems: &mut Diagnostics,
    unreadable: &mut BTreeSet<String>,
) -> Vec<Bundle<D, F>>
where
    D: DeserializeOwned + Send,
    F: DeserializeOwned + Send,
{
    let dirs = match walked_subfolders(root, walk, folder)
        .unwrap_or_else(|| subfolders(root, &root.join(folder)))
    {
        Ok(dirs) => dirs,
        Err(problem) => {
            problems.push(problem);
            return Vec::new();
        }
    };
    let results: Vec<BundleLoaded<D, F>> = dirs
        .par_iter()
        .map(|dir| load_bundle(root, config, walk, dir, data_name, default))
        .collect();
    // Collected in place, into the memory of `results`: a new vector of 10,000 bundles, made
    // on one core, was memory touched for the first time, which is slow on virtual machines.
    results
        .into_iter()
        .zip(&dirs)
        .filter_map(|(result, dir)| match result {
            Ok((bundle, warnings)) => {
                problems.extend(warnings);
                Some(bundle)
            }
            Err(found) => {
                problems.extend(found);
                if let Some(id) = dir.file_name() {
                    unreadable.insert(id.to_string_lossy().into_owned());
                }
                None
            }
        })
        .collect()
}

/// The folders directly inside `dir`, sorted; none if `dir` does not exist.
fn subfolders(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| walk_error(root, dir, &e))?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else if entry.path_is_symlink() && entry.path().is_dir() {
            return Err(linked_folder(root, entry.path()));
        }
    }
    Ok(dirs)
}

/// What [`subfolders`] finds in `folder` (relative to the site), taken from the walk of the
/// sources; none when the walk did not go into it.
fn walked_subfolders(
    root: &Path,
    walk: &Walk<'_>,
    folder: &str,
) -> Option<Result<Vec<PathBuf>, Diagnostic>> {
    if !walk.has(folder) {
        return None;
    }
    let dir = root.join(folder);
    let mut dirs = Vec::new();
    for (name, entry) in walk.under(folder).filter(|(name, _)| !name.contains('/')) {
        match entry {
            TreeEntry::Folder => dirs.push(dir.join(name)),
            TreeEntry::LinkedFolder => return Some(Err(linked_folder(root, &dir.join(name)))),
            TreeEntry::File(_) | TreeEntry::Link(..) => {}
        }
    }
    Some(Ok(dirs))
}

fn linked_folder(root: &Path, path: &Path) -> Diagnostic {
    Diagnostic::error(
        relative(root, path),
        "this folder is a link, which souk does not follow",
    )
    .hint("move or copy the folder itself into the site")
}

fn walk_error(root: &Path, dir: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(dir);
    let reason = error
        .io_error()
        .map(crate::fs::io_reason)
        .unwrap_or_else(|| error.to_string());
    Diagnostic::error(
        relative(root, path),
        format!("cannot read this folder: {reason}"),
    )
}

/// A bundle read, with its warnings; or every problem that kept it from being read.
type BundleLoaded<D, F> = Result<(Bundle<D, F>, Diagnostics), Diagnostics>;

fn load_bundle<D, F>(
    root: &Path,
    config: &SiteConfig,
    walk: &Walk<'_>,
    dir: &Path,
    data_name: &str,
    default: Option<fn() -> D>,
) -> BundleLoaded<D, F>
where
    D: DeserializeOwned,
    F: DeserializeOwned,
{
    let mut problems = Diagnostics::new();
    let rel_dir = relative(root, dir);
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !valid_id(&id) {
        problems.push(
            Diagnostic::error(&rel_dir, format!("the folder name `{id}` cannot be used as an id"))
                .hint("rename the folder with lowercase letters a-z, digits and `-` only, e.g. `argan-oil-250ml`; translated names and slugs go in the Markdown files"),
        );
    }
    let data_path = dir.join(data_name);
    let data_file = relative(root, &data_path);
    let key = crate::fs::to_slash(&rel_dir);
    let entries = listing(root, walk, &key);
    let data_entry = entries
        .iter()
        .find_map(|(name, entry)| (name == data_name).then_some(entry));
    let data = if let Some(entry) = data_entry {
        match crate::fs::read_walked(root, &data_path, entry)
            .map_err(Diagnostics::from)
            .and_then(|text| {
                crate::yaml::parse::<D>(&data_file, &text, 0).map_err(Diagnostics::from)
            }) {
            Ok(data) => Some(data),
            Err(found) => {
                problems.extend(found);
                None
            }
        }
    } else if let Some(default) = default {
        Some(default())
    } else {
        problems.push(
            Diagnostic::error(&rel_dir, format!("this folder has no `{data_name}`")).hint(format!(
                "add `{data_name}` (see docs/content-model.md), or remove the folder"
            )),
        );
        None
    };
    let docs = load_docs(root, config, &key, &entries, &mut problems);
    match data {
        Some(data) if !problems.has_errors() => Ok((
            Bundle {
                id,
                dir: rel_dir,
                data_file,
                data,
                docs,
                files: bundle_files(dir, &entries),
            },
            problems,
        )),
        _ => Err(problems),
    }
}

/// The `<lang>.md` files of a folder, by language index. Warns about `.md` files named after no
/// language of the site, which would otherwise be silently ignored.
fn load_docs<F: DeserializeOwned>(
    root: &Path,
    config: &SiteConfig,
    dir: &str,
    entries: &[(String, TreeEntry)],
    problems: &mut Diagnostics,
) -> Vec<Option<Doc<F>>> {
    let mut docs: Vec<Option<Doc<F>>> = config.languages.iter().map(|_| None).collect();
    // The folder's own files (sorted by name), not those of its subfolders.
    let names = entries
        .iter()
        .filter(|(name, _)| name.ends_with(".md") && !name.contains('/'));
    for (name, entry) in names {
        let code = name.trim_end_matches(".md");
        let path = root.join(dir).join(name);
        let file = relative(root, &path);
        let Some(index) = config
            .languages
            .iter()
            .position(|l| l.code.as_str() == code)
        else {
            let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
            problems.push(
                Diagnostic::warning(
                    &file,
                    format!(
                        "`{name}` is not named after a language of the site, so it is not used"
                    ),
                )
                .hint(format!(
                    "name Markdown files after the site's languages: {}",
                    codes
                        .iter()
                        .map(|c| format!("{c}.md"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        };
        let text = match crate::fs::read_walked(root, &path, entry) {
            Ok(text) => text,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match parse_doc(&file, text) {
            Ok(doc) => docs[index] = Some(doc),
            Err(problem) => problems.push(problem),
        }
    }
    docs
}

/// Splits `---` front matter from the Markdown body and parses it. The body is what is left
/// of `text`, not a copy.
pub fn parse_doc<F: DeserializeOwned>(file: &Path, mut text: String) -> Result<Doc<F>, Diagnostic> {
    let missing = || {
        Diagnostic::error(file, "this file does not start with front matter")
            .at(Some(Position { line: 1, column: 1 }))
            .hint("start the file with a line `---`, the YAML keys (e.g. `name: …`), another line `---`, then the text")
    };
    let rest = text
        .strip_prefix("---\r\n")
        .or_else(|| text.strip_prefix("---\n"))
        .ok_or_else(missing)?;
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body_start) = end.ok_or_else(|| {
        Diagnostic::error(file, "the front matter is not closed")
            .at(Some(Position { line: 1, column: 1 }))
            .hint("add a line `---` after the last front-matter key")
    })?;
    let front = crate::yaml::parse::<F>(file, &rest[..yaml_end], 1)?;
    let body_start = text.len() - rest.len() + body_start;
    text.drain(..body_start);
    Ok(Doc {
        file: file.to_path_buf(),
        front,
        body: text,
    })
}

/// The word that marks a placeholder of `souk new`.
pub const PLACEHOLDER: &str = "TODO";

/// Every placeholder left in the content (`TODO`, as a word, in a `.yaml` or `.md` file of the
/// content folders), one problem of `severity` each, with its line and column: `souk check`
/// reports them as errors, so a new product is not published with its placeholder texts.
pub fn placeholders(root: &Path, severity: crate::diagnostics::Severity) -> Diagnostics {
    let mut found = Diagnostics::new();
    for folder in [PRODUCTS.0, CATEGORIES.0, PRODUCERS.0, PAGES.0, HOME] {
        let walk = walkdir::WalkDir::new(root.join(folder))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file());
        for entry in walk {
            let path = entry.path();
            let text_file = path
                .extension()
                .is_some_and(|ext| ext == "md" || ext == "yaml");
            // Unreadable files are the loader's to report.
            let Some(text) = text_file
                .then(|| crate::fs::read_text(root, path).ok())
                .flatten()
            else {
                continue;
            };
            for (index, line) in text.lines().enumerate() {
                let Some(column) = placeholder_in(line) else {
                    continue;
                };
                let problem = Diagnostic::error(
                    relative(root, path),
                    "this is still a placeholder (TODO) that souk new wrote",
                )
                .at(Some(Position {
                    line: index as u64 + 1,
                    column: line[..column].chars().count() as u64 + 1,
                }))
                .hint("write the real text or value in its place, and delete the TODO");
                found.push(crate::diagnostics::Diagnostic {
                    severity,
                    ..problem
                });
            }
        }
    }
    found
}

/// Where `TODO` is in `line` as a word of its own (not in `TODOS` or `mastodon`).
fn placeholder_in(line: &str) -> Option<usize> {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    line.match_indices(PLACEHOLDER)
        .map(|(at, _)| at)
        .find(|&at| {
            !word(line[..at].chars().next_back())
                && !word(line[at + PLACEHOLDER.len()..].chars().next())
        })
}

/// Ids are the folder names: ASCII lowercase letters, digits and inner dashes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn list_static(root: &Path, problems: &mut Diagnostics) -> Vec<String> {
    let dir = root.join(STATIC);
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if let Ok(rel) = entry.path().strip_prefix(&dir) {
                    files.push(crate::fs::to_slash(rel));
                }
            }
            Ok(entry) if entry.path_is_symlink() => {
                if crate::fs::inside(root, entry.path()) && entry.path().is_file() {
                    if let Ok(rel) = entry.path().strip_prefix(&dir) {
                        files.push(crate::fs::to_slash(rel));
                    }
                } else {
                    problems.push(
                        Diagnostic::error(relative(root, entry.path()), "this is a link to something outside the site, which souk does not publish")
                            .hint("copy the file itself into `static/`"),
                    );
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(walk_error(root, &dir, &e)),
        }
    }
    files
}
