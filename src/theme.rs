//! Themes: templates, static files and UI strings, from the theme built into souk or the site's
//! own `themes/<name>/`, with the site's files overriding the theme's one by one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// The default theme, compiled into the binary so souk works without any other file.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");
pub const DEFAULT_THEME_NAME: &str = "default";

/// A theme ready to render with.
#[derive(Debug)]
pub struct Theme {
    /// Template name (path under `templates/`, `/`-separated) → source and the file it came from.
    pub templates: BTreeMap<String, Template>,
    /// Output path → where to copy it from. Includes the site's own `static/` files.
    pub static_files: BTreeMap<String, StaticSource>,
    /// UI strings by language index, each complete (missing keys filled from the default language).
    pub strings: Vec<BTreeMap<String, String>>,
}

#[derive(Debug)]
pub struct Template {
    pub source: String,
    /// For messages: `themes/default/templates/product.html` or the site's override.
    pub file: PathBuf,
}

#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// Where a theme's files come from.
enum Origin {
    Embedded(&'static Dir<'static>),
    Folder(PathBuf),
}

/// Loads the theme named in the configuration and applies the site's overrides.
/// Warnings (such as a language without UI strings) come back with the theme.
pub fn load(
    site: &Path,
    config: &SiteConfig,
    site_static: &[String],
) -> Result<(Theme, Diagnostics), Diagnostics> {
    let mut problems = Diagnostics::new();
    let folder = site.join("themes").join(&config.theme);
    let (origin, shown) = if folder.is_dir() {
        (
            Origin::Folder(folder),
            PathBuf::from("themes").join(&config.theme),
        )
    } else if config.theme == DEFAULT_THEME_NAME {
        (
            Origin::Embedded(&DEFAULT_THEME),
            PathBuf::from("themes").join(DEFAULT_THEME_NAME),
        )
    } else {
        let mut known: Vec<String> = vec![DEFAULT_THEME_NAME.to_owned()];
        if let Ok(entries) = std::fs::read_dir(site.join("themes")) {
            known.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned()),
            );
        }
        let hint = match did_you_mean(&config.theme, known.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "put the theme in `themes/{}/`, or use `theme: default`",
                config.theme
            ),
        };
        return Err(Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("there is no theme `{}`", config.theme),
        )
        .hint(hint)
        .into());
    };

    let mut templates = BTreeMap::new();
    let mut static_files = BTreeMap::new();
    let mut i18n: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for (relative, source) in files(&origin) {
        let file = shown.join(&relative);
        if let Some(name) = relative.strip_prefix("templates/") {
            match text_of(site, &source, &file) {
                Ok(text) => {
                    templates.insert(name.to_owned(), Template { source: text, file });
                }
                Err(problem) => problems.push(problem),
            }
        } else if let Some(name) = relative.strip_prefix("static/") {
            static_files.insert(name.to_owned(), source);
        } else if let Some(name) = relative
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".yaml"))
        {
            match text_of(site, &source, &file) {
                Ok(text) => {
                    i18n.insert(name.to_owned(), (text, file));
                }
                Err(problem) => problems.push(problem),
            }
        }
    }

    // The site's own files win over the theme's.
    for (name, file) in walk(&site.join("templates")) {
        let shown = Path::new("templates").join(&name);
        match crate::fs::read_text(site, &file) {
            Ok(source) => {
                templates.insert(
                    name,
                    Template {
                        source,
                        file: shown,
                    },
                );
            }
            Err(problem) => problems.push(problem),
        }
    }
    for name in site_static {
        static_files.insert(
            name.clone(),
            StaticSource::File(site.join(crate::source::STATIC).join(name)),
        );
    }

    let strings = load_strings(site, config, &i18n, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok((
        Theme {
            templates,
            static_files,
            strings,
        },
        problems,
    ))
}

/// UI strings per language: the theme's file, the site's `i18n/<code>.yaml` over it, then the
/// default language's strings for any key still missing.
fn load_strings(
    site: &Path,
    config: &SiteConfig,
    theme_files: &BTreeMap<String, (String, PathBuf)>,
    problems: &mut Diagnostics,
) -> Vec<BTreeMap<String, String>> {
    let mut per_lang: Vec<BTreeMap<String, String>> = Vec::new();
    for language in &config.languages {
        let code = language.code.as_str();
        let mut strings = BTreeMap::new();
        let mut found = false;
        if let Some((text, file)) = theme_files.get(code) {
            found = true;
            match crate::yaml::parse::<BTreeMap<String, String>>(file, text, 0) {
                Ok(map) => strings.extend(map),
                Err(problem) => problems.push(problem),
            }
        }
        let site_file = site.join("i18n").join(format!("{code}.yaml"));
        if site_file.is_file() {
            found = true;
            let shown = PathBuf::from("i18n").join(format!("{code}.yaml"));
            match crate::fs::read_text(site, &site_file)
                .and_then(|text| crate::yaml::parse::<BTreeMap<String, String>>(&shown, &text, 0))
            {
                Ok(map) => strings.extend(map),
                Err(problem) => problems.push(problem),
            }
        }
        if !found {
            problems.push(
                Diagnostic::warning(format!("i18n/{code}.yaml"), format!("the theme has no UI strings in {} (`{code}`): buttons and menus show the {} text", language.name, config.languages[0].name))
                    .hint(format!("copy the theme's `i18n/{}.yaml` to `i18n/{code}.yaml` in the site and translate it", config.languages[0].code)),
            );
        }
        per_lang.push(strings);
    }
    if let Some((default, others)) = per_lang.split_first_mut() {
        for strings in others {
            for (key, value) in default.iter() {
                strings.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    per_lang
}

/// Every file of a theme: path relative to the theme root (`/`-separated) and its source.
fn files(origin: &Origin) -> Vec<(String, StaticSource)> {
    match origin {
        Origin::Embedded(dir) => {
            let mut out = Vec::new();
            collect_embedded(dir, &mut out);
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        }
        Origin::Folder(root) => walk(root)
            .into_iter()
            .map(|(name, path)| (name, StaticSource::File(path)))
            .collect(),
    }
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, StaticSource)>) {
    for file in dir.files() {
        out.push((
            crate::source::to_slash(file.path()),
            StaticSource::Embedded(file.contents()),
        ));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Files under `dir`, sorted, as (`/`-separated relative path, full path).
fn walk(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(dir).ok()?;
            Some((crate::source::to_slash(relative), e.into_path()))
        })
        .collect()
}

fn text_of(site: &Path, source: &StaticSource, shown: &Path) -> Result<String, Diagnostic> {
    match source {
        StaticSource::Embedded(bytes) => String::from_utf8(bytes.to_vec())
            .map_err(|_| Diagnostic::error(shown, "this theme file is not valid UTF-8 text")),
        StaticSource::File(path) => crate::fs::read_text(site, path),
    }
}
