//! `souk new product|category|page|producer ID`: a new folder of the site, its data file and
//! one Markdown file per language of `souk.yaml`, the required keys filled with placeholders
//! marked `TODO` that `souk check` reports until they are replaced (see
//! [`crate::source::placeholders`]). The placeholders are valid values, so the site still builds
//! and `souk serve` shows the new page at once, TODOs and all.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};

use super::site_yaml::quoted;

/// The kinds of content `souk new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `products/ID/`.
    Product,
    /// `categories/ID/`.
    Category,
    /// `pages/ID/`, a free page.
    Page,
    /// `producers/ID/`, a member of the cooperative.
    Producer,
}

impl Kind {
    fn folder_and_data(self) -> (&'static str, &'static str) {
        match self {
            Kind::Product => crate::source::PRODUCTS,
            Kind::Category => crate::source::CATEGORIES,
            Kind::Page => crate::source::PAGES,
            Kind::Producer => crate::source::PRODUCERS,
        }
    }
}

/// Makes `KIND/ID/` in the site at `site`; the files written, relative to the site.
pub fn new(site: &Path, kind: Kind, id: &str) -> Result<Vec<PathBuf>, Diagnostics> {
    let (folder, data_name) = kind.folder_and_data();
    let relative = Path::new(folder).join(id);
    if !crate::source::valid_id(id) {
        return Err(Diagnostic::system(
            &relative,
            format!("`{id}` cannot be used as an id"),
        )
        .hint("use lowercase letters a-z, digits and `-` only, e.g. `argan-oil-250ml`; translated names and slugs go in the Markdown files")
        .into());
    }
    let config = crate::config::load(site)?;
    let dir = site.join(&relative);
    if dir.exists() {
        return Err(Diagnostic::system(
            &relative,
            "this folder is there already: souk new never overwrites a file",
        )
        .hint("choose another id, or edit the files in that folder")
        .into());
    }
    let mut files = vec![(data_name.to_owned(), data_file(site, &config, kind, id))];
    for language in &config.languages {
        files.push((
            format!("{}.md", language.code),
            markdown(kind, &language.name),
        ));
    }
    let mut written = Vec::new();
    for (name, text) in files {
        let file = relative.join(name);
        // The folder was not there: every file is new.
        super::write_new(site, &file, text.as_bytes(), &file)?;
        written.push(file);
    }
    Ok(written)
}

fn data_file(site: &Path, config: &SiteConfig, kind: Kind, id: &str) -> String {
    match kind {
        Kind::Product => {
            let category = first_category(site).map_or_else(
                || "TODO                      # a folder of categories/: make one with `souk new category ID`".to_owned(),
                |c| format!("{c:<23} # a folder of categories/"),
            );
            let sku = format!("TODO-{}", id.to_ascii_uppercase());
            format!(
                "# A new product: write its values in place of the placeholders; `souk check` lists those left.\n\
sku: {sku:<27} # TODO: a code unique in the shop, e.g. TIF-ARG-250\n\
category: {category}\n\
price: \"1\"                        # TODO: the price in {currency}, with a dot for decimals: \"120.50\"\n\
# stock: 10                       # how many are ready to sell; 0 shows \"out of stock\"\n\
# images:                         # photos in this folder; the first is the main one\n\
#   - file: photo.jpg\n\
#     alt: {{ {alts} }}\n\
# variants:                       # sizes or colours, each its own sku, price and stock\n\
#   - sku: {sku}-S\n\
#     label: 250 ml\n\
#     price: \"80\"\n",
                currency = config.currency.code(),
                alts = config
                    .languages
                    .iter()
                    .map(|l| format!("{}: \"…\"", l.code))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }
        Kind::Category => {
            "# A new category: put products in it with `category:` in their product.yaml.\n\
# order: 1                        # where it comes on the home page and in the menu\n\
# image: { file: photo.jpg, alt: \"…\" }\n"
                .to_owned()
        }
        Kind::Page => "# A new page of the shop.\n\
menu: footer                      # where it is linked: header, footer or none\n\
# order: 1                        # its place in that menu\n"
            .to_owned(),
        Kind::Producer => format!(
            "# A member of the cooperative: products name her or him in `producers: [{id}]`.\n\
village: {}\n\
# member_since: 2011\n\
# photo: {{ file: photo.jpg, alt: \"…\" }}   # a photo in this folder\n",
            quoted("TODO: her or his village")
        ),
    }
}

fn markdown(kind: Kind, language: &str) -> String {
    let front: Vec<(&str, String)> = match kind {
        Kind::Product => vec![
            ("name", format!("TODO: the product's name in {language}")),
            (
                "summary",
                "TODO: one or two sentences that make people want it (lists and search results show them)".to_owned(),
            ),
        ],
        Kind::Category => vec![
            ("name", format!("TODO: the category's name in {language}")),
            ("summary", "TODO: one sentence on what it holds".to_owned()),
        ],
        Kind::Page => vec![
            ("title", format!("TODO: the page's title in {language}")),
            ("summary", "TODO: one sentence on what the page says".to_owned()),
        ],
        Kind::Producer => vec![
            ("name", format!("TODO: her or his name in {language}")),
            ("role", "TODO: what she or he does, e.g. presser, founding member".to_owned()),
        ],
    };
    let body = match kind {
        Kind::Product => {
            "TODO: describe the product: how it is made, by whom, how to use and keep it."
        }
        Kind::Category => "TODO: describe the category, or delete this line.",
        Kind::Page => "TODO: the page's text, in Markdown.",
        Kind::Producer => "TODO: her or his story.",
    };
    let mut text = String::from("---\n");
    for (key, value) in front {
        text.push_str(&format!("{key}: {}\n", quoted(&value)));
    }
    text.push_str("---\n");
    text.push_str(body);
    text.push('\n');
    text
}

/// The first category of the site, by folder name: where a new product goes unless told.
fn first_category(site: &Path) -> Option<String> {
    let mut ids: Vec<String> = std::fs::read_dir(site.join(crate::source::CATEGORIES.0))
        .ok()?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|id| crate::source::valid_id(id))
        .collect();
    ids.sort();
    ids.into_iter().next()
}
