//! `souk check`: a content and SEO audit a cooperative member can act on. Every finding names
//! the file to change and what to change; errors are what would break a listing or a link,
//! warnings what would make the shop weaker in search results.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::{LangIndex, Localized};
use crate::model::{self, ImageRef, Site, Text};
use crate::plan::Plan;
use crate::source::Availability;

/// Search results show about this many characters of a title.
pub const TITLE_MAX: usize = 60;
/// Page titles (with the cooperative's name) shorter than this say too little to be found.
pub const TITLE_MIN: usize = 15;
/// Summaries become meta descriptions: search engines show about 155 characters.
pub const SUMMARY_MAX: usize = 160;
/// Summaries shorter than this waste the room search results give a description.
pub const SUMMARY_MIN: usize = 50;
/// Google Merchant Center refuses smaller product images; it recommends 800 px or more.
pub const IMAGE_MIN: u32 = 100;
/// Product listings want photos at least this big a side; smaller ones get a warning.
pub const IMAGE_RECOMMENDED: u32 = 500;

/// Loads the site and audits it. Loading problems come back as the error; otherwise every
/// finding, sorted (warnings from loading included).
pub fn check(site_dir: &Path, theme: Option<&Path>) -> Result<Diagnostics, Diagnostics> {
    let options = crate::load::LoadOptions {
        base_url: None,
        theme,
    };
    let crate::load::Loaded {
        site,
        theme,
        warnings: mut findings,
    } = crate::load::load(site_dir, options, &crate::load::inputs(site_dir, options)).map_err(
        |mut problems| {
            problems.sort();
            problems
        },
    )?;
    findings.extend(audit(
        &site,
        &theme.static_files.keys().cloned().collect::<Vec<_>>(),
    ));
    findings.extend(crate::source::placeholders(
        site_dir,
        crate::diagnostics::Severity::Error,
    ));
    findings.sort();
    Ok(findings)
}

/// The audit of a resolved site: titles, summaries, photos, availability, links.
pub fn audit(site: &Site, static_files: &[String]) -> Diagnostics {
    let mut findings = Diagnostics::new();
    let config = &site.config;
    let known = known_paths(site, static_files);
    for lang in config.langs() {
        let coop = config.text(&config.cooperative.name, lang);
        let mut titles: HashMap<String, &Path> = HashMap::new();
        let mut texts: Vec<(&Text, &str)> = Vec::new();
        texts.extend(
            site.products
                .iter()
                .filter_map(|p| p.texts[lang].as_ref())
                .map(|t| (t, "product")),
        );
        texts.extend(
            site.categories
                .iter()
                .filter_map(|c| c.texts[lang].as_ref())
                .filter(|t| t.translated)
                .map(|t| (t, "category")),
        );
        texts.extend(
            site.pages
                .iter()
                .filter_map(|p| p.texts[lang].as_ref())
                .map(|t| (t, "page")),
        );
        for (text, kind) in texts {
            let title = format!("{} | {coop}", text.title);
            let length = title.chars().count();
            if length > TITLE_MAX {
                findings.push(
                    Diagnostic::warning(&text.file, format!("the page title \"{title}\" is {length} characters; search results cut it after about {TITLE_MAX}"))
                        .hint(format!("shorten the `{}` to {} characters or fewer", if kind == "page" { "title" } else { "name" }, TITLE_MAX.saturating_sub(coop.chars().count() + 3))),
                );
            } else if text.title.chars().count() < 3 || length < TITLE_MIN {
                findings.push(
                    Diagnostic::warning(
                        &text.file,
                        format!(
                            "the name \"{}\" is too short to be found in searches",
                            text.title
                        ),
                    )
                    .hint("write what it is, e.g. \"Huile d'argan cosmétique 100 ml\""),
                );
            }
            if let Some(first) = titles.insert(text.title.to_lowercase(), &text.file) {
                findings.push(
                    Diagnostic::warning(
                        &text.file,
                        format!(
                            "the name \"{}\" is also used by {}",
                            text.title,
                            first.display()
                        ),
                    )
                    .hint("give each page its own name, so search engines show both"),
                );
            }
            if kind != "category" {
                summary(&mut findings, text);
            }
            links(&mut findings, site, text, lang, &known);
        }
        for producer in &site.producers {
            if let Some(text) = producer.texts[lang].as_ref().filter(|t| t.translated) {
                links(&mut findings, site, text, lang, &known);
            }
        }
    }
    for product in &site.products {
        let file = product.dir.join("product.yaml");
        if product.images.is_empty() {
            findings.push(
                Diagnostic::error(
                    &file,
                    "this product has no photo, so Google and Meta will not list it",
                )
                .hint("add at least one photo under `images:`"),
            );
        }
        if product.stock.is_none() && product.variants.is_empty() && !product.availability_declared
        {
            findings.push(
                Diagnostic::warning(&file, "this product says neither `stock` nor `availability`, so it is shown as in stock")
                    .hint("add `stock: 12` (0 shows \"out of stock\") or `availability: in_stock`"),
            );
        }
        if product.availability == Availability::Preorder && product.available_from.is_none() {
            findings.push(
                Diagnostic::warning(&file, "a product on preorder is refused by Google Merchant Center without the date it will be available")
                    .hint("add `available_from: 2026-12-15` (year-month-day)"),
            );
        }
        for image in &product.images {
            photo(&mut findings, site, image, &product.texts, true);
        }
    }
    for category in &site.categories {
        if let Some(image) = &category.image {
            photo(&mut findings, site, image, &category.texts, false);
        }
    }
    for producer in &site.producers {
        if let Some(image) = &producer.photo {
            photo(&mut findings, site, image, &producer.texts, false);
        }
    }
    findings
}

fn summary(findings: &mut Diagnostics, text: &Text) {
    match text.summary.as_deref().map(str::trim) {
        None | Some("") => findings.push(
            Diagnostic::warning(&text.file, "there is no `summary`: search engines will show a piece of the text instead")
                .hint(format!("add `summary:` to the front matter: one sentence of {SUMMARY_MIN} to {SUMMARY_MAX} characters that makes people want to click")),
        ),
        Some(summary) => {
            let length = summary.chars().count();
            if length > SUMMARY_MAX {
                findings.push(Diagnostic::warning(&text.file, format!("the `summary` is {length} characters; search results cut it after about {SUMMARY_MAX}")).hint("shorten it to one sentence"));
            } else if length < SUMMARY_MIN {
                findings.push(Diagnostic::warning(&text.file, format!("the `summary` is only {length} characters")).hint(format!("say more in {SUMMARY_MIN} to {SUMMARY_MAX} characters: what it is, where it comes from, what it is for")));
            }
        }
    }
}

/// Photos: a description in every language the thing is published in (`texts`), and big
/// enough for product listings.
fn photo(
    findings: &mut Diagnostics,
    site: &Site,
    image: &ImageRef,
    texts: &model::PerLang<Text>,
    product: bool,
) {
    let source = &site.images[image.image];
    let missing: Vec<&str> = site
        .config
        .langs()
        .filter(|&l| texts[l].is_some())
        .map(|l| site.config.lang(l).code.as_str())
        .filter(|code| match &image.alt {
            None => true,
            Some(Localized::Same(text)) => text.trim().is_empty(),
            Some(Localized::PerLang(map)) => map.get(*code).is_none_or(|t| t.trim().is_empty()),
        })
        .collect();
    if !missing.is_empty() {
        findings.push(
            Diagnostic::warning(&source.file, format!("this photo has no description (alt text) in {}", missing.join(", ")))
                .hint("describe what the photo shows under `alt:` beside its `file:`; blind shoppers and search engines read it"),
        );
    }
    if !product {
        return;
    }
    match crate::images::dimensions(&source.path) {
        Ok((w, h)) if w < IMAGE_MIN || h < IMAGE_MIN => findings.push(
            Diagnostic::error(&source.file, format!("this photo is {w}×{h} pixels; Google refuses product photos under {IMAGE_MIN}×{IMAGE_MIN}"))
                .hint("use the original photo from the phone, not a thumbnail"),
        ),
        Ok((w, h)) if w < IMAGE_RECOMMENDED || h < IMAGE_RECOMMENDED => findings.push(
            Diagnostic::warning(&source.file, format!("this photo is only {w}×{h} pixels; product listings want {IMAGE_RECOMMENDED} pixels a side or more, and look best from 800"))
                .hint("use a larger photo if you have one"),
        ),
        _ => {}
    }
}

/// Links in the Markdown to pages of the site that do not exist.
fn links(
    findings: &mut Diagnostics,
    site: &Site,
    text: &Text,
    lang: LangIndex,
    known: &HashSet<String>,
) {
    let base = site.config.base_url.path();
    for event in Parser::new(&text.body) {
        let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event else {
            continue;
        };
        let url = dest_url.trim();
        if url.is_empty() || url.starts_with('#') || url.contains(':') || url.starts_with("//") {
            continue;
        }
        let path = url.split(['#', '?']).next().unwrap_or("");
        let resolved = if let Some(absolute) = path.strip_prefix('/') {
            // Authors may write `/products/x/` or, on a sub-path site, `/repo/products/x/`.
            path.strip_prefix(base).unwrap_or(absolute).to_owned()
        } else {
            join(&text.path, path)
        };
        let decoded = percent_encoding::percent_decode_str(&resolved)
            .decode_utf8_lossy()
            .into_owned();
        let candidates = [
            decoded.clone(),
            format!("{}/", decoded.trim_end_matches('/')),
            decoded.trim_end_matches("index.html").to_owned(),
        ];
        if !candidates.iter().any(|c| known.contains(c)) {
            let prefix = site.config.lang_prefix(lang);
            findings.push(
                Diagnostic::error(&text.file, format!("the link `{url}` leads to no page of the site"))
                    .hint(format!("link to an existing page, e.g. `/{prefix}{}/` for the list of products, or remove the link", model::PRODUCTS_SEGMENT)),
            );
        }
    }
}

/// Every path the build writes that a link may point at: the plan's, and the static files.
fn known_paths(site: &Site, static_files: &[String]) -> HashSet<String> {
    let mut known = Plan::new(site).paths();
    known.extend(static_files.iter().cloned());
    known
}

/// A relative link resolved against the folder of the page at `page` (a site path ending in `/`).
fn join(page: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    if relative.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}
