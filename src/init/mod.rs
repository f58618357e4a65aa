//! `souk init`: a new shop that builds and passes `souk check` as it is: a commented
//! `souk.yaml` (every key, the optional ones commented out), two sample products with a photo
//! each, one category, the free pages a shop needs (about, delivery and returns, legal notice),
//! a `.gitignore`, and the publishing workflow of the chosen host.
//!
//! It never overwrites a file: a folder that is not empty is refused unless `force` is set, and
//! then only the files that are not there yet are written.

mod new;
mod site_yaml;
mod texts;

pub use new::{Kind, new};

use std::path::{Path, PathBuf};

use crate::config::Host;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::Lang;

/// What to make.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The new site's folder; made when it does not exist.
    pub dir: PathBuf,
    /// The cooperative's name, the same in every language; a sample name per language when
    /// not given.
    pub name: Option<String>,
    /// Language codes, the default first.
    pub languages: Vec<String>,
    /// ISO 4217 code.
    pub currency: String,
    /// Where the shop will be published.
    pub host: Host,
    /// Write into a folder that is not empty (still never over a file).
    pub force: bool,
}

/// What was made.
#[derive(Debug, Default)]
pub struct Initialized {
    /// Files written, relative to the site.
    pub written: Vec<PathBuf>,
    /// Files that were there already and were left as they are.
    pub kept: Vec<PathBuf>,
    /// Languages the built-in theme has no UI strings in (buttons, menus): they show another
    /// language's until `souk theme strings CODE` writes the file to translate.
    pub without_ui_strings: Vec<Lang>,
    /// Languages whose sample texts are in English, to translate.
    pub english_texts: Vec<Lang>,
}

/// The photos of the sample products (credited in the new site's `CREDITS.md`).
const FLOWER: &[u8] = include_bytes!("starter/flower.jpg");
const WOOD: &[u8] = include_bytes!("starter/wood.jpg");

/// The workflow that builds and publishes the site on each host; `__SOUK_VERSION__` and
/// `__SOUK_REPOSITORY__` are replaced, so the site downloads this very release of souk.
const WORKFLOW_GITHUB_PAGES: &str = include_str!("workflows/github-pages.yml");
const WORKFLOW_CLOUDFLARE_PAGES: &str = include_str!("workflows/cloudflare-pages.yml");
const WORKFLOW_NETLIFY: &str = include_str!("workflows/netlify.yml");

/// Where souk's releases are published: `owner/name` on GitHub, from `Cargo.toml`.
pub const SOUK_REPOSITORY: &str = {
    let url = env!("CARGO_PKG_REPOSITORY");
    match url.split_at_checked("https://github.com/".len()) {
        Some((_, repo)) => repo,
        None => url,
    }
};

/// The publishing workflow for `host`, ready to write; none for a plain web server.
pub fn workflow(host: Host) -> Option<String> {
    let template = match host {
        Host::GithubPages => WORKFLOW_GITHUB_PAGES,
        Host::CloudflarePages => WORKFLOW_CLOUDFLARE_PAGES,
        Host::Netlify => WORKFLOW_NETLIFY,
        Host::Plain => return None,
    };
    Some(
        template
            .replace("__SOUK_VERSION__", env!("CARGO_PKG_VERSION"))
            .replace("__SOUK_REPOSITORY__", SOUK_REPOSITORY),
    )
}

/// Makes the site. Every problem with the options is reported at once.
pub fn init(options: &InitOptions) -> Result<Initialized, Diagnostics> {
    let mut problems = Diagnostics::new();
    let languages = languages(&options.languages, &mut problems);
    let currency = options.currency.trim().to_ascii_uppercase();
    if iso_currency::Currency::from_code(&currency).is_none() {
        problems.push(
            Diagnostic::system(
                "--currency",
                format!("`{}` is not a currency code", options.currency),
            )
            .hint("use an ISO 4217 code: MAD for the dirham, EUR, USD…"),
        );
    }
    if let Some(name) = &options.name
        && name.trim().is_empty()
    {
        problems.push(Diagnostic::system(
            "--name",
            "the cooperative's name is empty",
        ));
    }
    let dir = &options.dir;
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty && !options.force {
        problems.push(
            Diagnostic::system(dir, "this folder is not empty: souk init makes a new site in an empty or new folder")
                .hint("choose another folder, or add `--force` to add the missing files (souk never overwrites a file)"),
        );
    } else if dir.exists() && !dir.is_dir() {
        problems.push(Diagnostic::system(dir, "this is a file, not a folder"));
    }
    if problems.has_errors() {
        return Err(problems);
    }

    let slug = site_slug(dir);
    let mut made = Initialized::default();
    let builtin = crate::theme::builtin_languages();
    for lang in &languages {
        if !builtin.iter().any(|code| code == lang.as_str()) {
            made.without_ui_strings.push(lang.clone());
        }
        if !texts::texts(lang.as_str()).1 {
            made.english_texts.push(lang.clone());
        }
    }
    let settings = site_yaml::Settings {
        languages: &languages,
        name: options.name.as_deref().map(str::trim),
        currency: &currency,
        host: options.host,
        slug: &slug,
    };
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "souk.yaml".into(),
            site_yaml::souk_yaml(&settings).into_bytes(),
        ),
        (".gitignore".into(), GITIGNORE.as_bytes().to_vec()),
        ("CREDITS.md".into(), CREDITS.as_bytes().to_vec()),
        (
            "products/argan-oil/product.yaml".into(),
            site_yaml::oil(&languages).into_bytes(),
        ),
        ("products/argan-oil/flower.jpg".into(), FLOWER.to_vec()),
        (
            "products/thuya-tray/product.yaml".into(),
            site_yaml::tray(&languages).into_bytes(),
        ),
        ("products/thuya-tray/wood.jpg".into(), WOOD.to_vec()),
        (
            "categories/our-products/category.yaml".into(),
            b"order: 1\n".to_vec(),
        ),
        (
            "pages/about/page.yaml".into(),
            b"menu: header\norder: 1\n".to_vec(),
        ),
        (
            "pages/delivery/page.yaml".into(),
            b"menu: footer\norder: 1\n".to_vec(),
        ),
        (
            "pages/legal/page.yaml".into(),
            b"menu: footer\norder: 2\n".to_vec(),
        ),
    ];
    for lang in &languages {
        let code = lang.as_str();
        let (t, _) = texts::texts(code);
        let md = |front: &[(&str, &str)], body: &str| {
            let mut text = String::from("---\n");
            for (key, value) in front {
                text.push_str(&format!("{key}: {}\n", site_yaml::quoted(value)));
            }
            text.push_str("---\n");
            text.push_str(body);
            text.into_bytes()
        };
        files.push((
            format!("home/{code}.md"),
            md(
                &[("title", t.home_title), ("summary", t.home_summary)],
                t.home_body,
            ),
        ));
        files.push((
            format!("categories/our-products/{code}.md"),
            md(
                &[
                    ("name", t.category_name),
                    ("slug", t.category_slug),
                    ("summary", t.category_summary),
                ],
                t.category_body,
            ),
        ));
        files.push((
            format!("products/argan-oil/{code}.md"),
            md(
                &[
                    ("name", t.oil_name),
                    ("slug", t.oil_slug),
                    ("summary", t.oil_summary),
                ],
                t.oil_body,
            ),
        ));
        files.push((
            format!("products/thuya-tray/{code}.md"),
            md(
                &[
                    ("name", t.tray_name),
                    ("slug", t.tray_slug),
                    ("summary", t.tray_summary),
                ],
                t.tray_body,
            ),
        ));
        for (id, title, slug, summary, body) in [
            (
                "about",
                t.about_title,
                t.about_slug,
                t.about_summary,
                t.about_body,
            ),
            (
                "delivery",
                t.delivery_title,
                t.delivery_slug,
                t.delivery_summary,
                t.delivery_body,
            ),
            (
                "legal",
                t.legal_title,
                t.legal_slug,
                t.legal_summary,
                t.legal_body,
            ),
        ] {
            files.push((
                format!("pages/{id}/{code}.md"),
                md(
                    &[("title", title), ("slug", slug), ("summary", summary)],
                    body,
                ),
            ));
        }
    }
    if let Some(workflow) = workflow(options.host) {
        files.push((
            ".github/workflows/publish.yml".into(),
            workflow.into_bytes(),
        ));
    }

    for (relative, contents) in files {
        let relative = Path::new(&relative);
        match write_new(dir, relative, &contents, &dir.join(relative)) {
            Ok(true) => made.written.push(relative.into()),
            Ok(false) => made.kept.push(relative.into()),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(made)
}

/// The languages asked for, checked: each a language code, once.
fn languages(codes: &[String], problems: &mut Diagnostics) -> Vec<Lang> {
    let mut languages: Vec<Lang> = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match Lang::parse(code) {
            Some(lang) if languages.contains(&lang) => problems.push(Diagnostic::system(
                "--languages",
                format!("`{code}` is listed twice"),
            )),
            Some(lang) => languages.push(lang),
            None => problems.push(
                Diagnostic::system("--languages", format!("`{code}` is not a language code"))
                    .hint("use codes such as fr, ar, en, zgh or es, separated by commas: `--languages fr,ar,en`"),
            ),
        }
    }
    if languages.is_empty() && !problems.has_errors() {
        problems.push(
            Diagnostic::system("--languages", "no language is given")
                .hint("e.g. `--languages fr,ar,en`; the first is the shop's main language"),
        );
    }
    languages
}

/// A name for addresses made from the folder's name: `tifawin` for `~/shops/Tifawin`.
fn site_slug(dir: &Path) -> String {
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "my-shop".to_owned()
    } else {
        slug.to_owned()
    }
}

/// Writes `relative` under `dir` unless a file is there: `Ok(false)` when it was kept. A
/// problem names the file as `shown`.
fn write_new(
    dir: &Path,
    relative: &Path,
    contents: &[u8],
    shown: &Path,
) -> Result<bool, Diagnostic> {
    use std::io::Write;
    let path = dir.join(relative);
    let cannot = |e: std::io::Error| {
        Diagnostic::system(
            shown,
            format!("cannot write this file: {}", crate::fs::io_reason(&e)),
        )
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => file.write_all(contents).map(|()| true).map_err(cannot),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(cannot(e)),
    }
}

const GITIGNORE: &str = "# What souk makes: rebuilt from the files here by `souk build`.\n/public/\n/.souk-cache/\n/.public.souk-*\n";

const CREDITS: &str = "# Photo credits\n\n\
The two sample photos are freely licensed pictures from Debian packages, downscaled; replace them\n\
with photos of your own products.\n\n\
| file | author | licence | source (Debian 12 package, file) |\n\
|---|---|---|---|\n\
| `products/argan-oil/flower.jpg` | Jens Ansorg | GPL-2+ | mate-backgrounds, nature/FreshFlower.jpg |\n\
| `products/thuya-tray/wood.jpg` | Jean-François Fortin Tam | GPL-2+ | mate-backgrounds, nature/Wood.jpg |\n";
