//! Themes: templates, static files and UI strings, from the theme built into souk or the site's
//! own `themes/<name>/`, with the site's files overriding the theme's one by one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::lang::PerLang;

/// The default theme, compiled into the binary so souk works without any other file.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");
pub(crate) const DEFAULT_THEME_NAME: &str = "default";
/// The site's own templates, which win over the theme's.
pub(crate) const TEMPLATES: &str = "templates";
/// The site's themes, one folder each.
pub(crate) const THEMES: &str = "themes";
/// The site's own UI strings, `i18n/<lang>.yaml`, which win over the theme's.
pub(crate) const I18N: &str = "i18n";

/// The languages the built-in theme has UI strings in (its `i18n/<code>.yaml`), sorted.
pub(crate) fn builtin_languages() -> Vec<String> {
    let mut codes: Vec<String> = DEFAULT_THEME
        .get_dir("i18n")
        .map(|dir| {
            dir.files()
                .filter_map(|f| f.path().file_stem()?.to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes
}

/// A theme ready to render with.
#[derive(Debug)]
pub(crate) struct Theme {
    /// Template name (path under `templates/`, `/`-separated) → source and the file it came from.
    pub(crate) templates: BTreeMap<String, Template>,
    /// Output path → where to copy it from. Includes the site's own `static/` files.
    pub(crate) static_files: BTreeMap<String, StaticSource>,
    /// UI strings by language, each complete: missing keys filled from the site's other
    /// languages, then from the theme's other files.
    pub(crate) strings: PerLang<BTreeMap<String, String>>,
    /// The theme's most complete UI strings file (`i18n/fr.yaml` for the default theme), whose
    /// order and comments a file to translate follows.
    pub(crate) reference_strings: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Template {
    pub(crate) source: String,
    /// For messages: `themes/default/templates/product.html` or the site's override.
    pub(crate) file: PathBuf,
}

#[derive(Debug, Clone)]
pub(crate) enum StaticSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

/// Where a theme's files come from.
enum Origin {
    Embedded(&'static Dir<'static>),
    Folder(PathBuf),
}

/// Loads the theme and applies the site's overrides. The theme is `explicit` when whoever runs
/// the build named a folder (`--theme`; it may be anywhere, e.g. shared by a federation's
/// sites), else the one named in `souk.yaml`, which must be a folder of the site's `themes/`
/// or built in: content never makes souk read or publish files from outside the site.
/// Warnings (such as a language without UI strings) come back with the theme.
pub(crate) fn load(
    site: &Path,
    config: &SiteConfig,
    site_static: &[String],
    explicit: Option<&Path>,
) -> Result<(Theme, Diagnostics), Diagnostics> {
    let mut problems = Diagnostics::new();
    // `confine`: the folder the theme's files (and the links among them) must stay in.
    let (origin, shown, confine) = match explicit {
        Some(folder) => match folder.canonicalize() {
            Ok(real) if real.is_dir() => (Origin::Folder(real.clone()), folder.to_path_buf(), real),
            _ => {
                return Err(Diagnostic::error(folder, "there is no theme folder here")
                    .hint("pass the folder that holds the theme's `templates/`, `static/` and `i18n/` to `--theme`")
                    .into());
            }
        },
        None => named_theme(site, config)?,
    };

    let mut templates = BTreeMap::new();
    let mut static_files = BTreeMap::new();
    let mut i18n: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for (relative, source) in files(&origin, &confine, &shown, &mut problems) {
        let file = shown.join(&relative);
        if let Some(name) = relative.strip_prefix("templates/") {
            match text_of(&confine, &source, &file) {
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
            match text_of(&confine, &source, &file) {
                Ok(text) => {
                    i18n.insert(name.to_owned(), (text, file));
                }
                Err(problem) => problems.push(problem),
            }
        }
    }

    // The site's own files win over the theme's.
    let site_real = crate::fs::normalize(site);
    let templates_dir = site.join(TEMPLATES);
    for (name, file) in walk(
        &site_real,
        &templates_dir,
        Path::new(TEMPLATES),
        &mut problems,
    ) {
        let shown = Path::new(TEMPLATES).join(&name);
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
    let reference_strings = i18n
        .values()
        .max_by_key(|(text, _)| text.lines().filter(|l| l.contains(": ")).count())
        .map(|(text, _)| text.clone());
    Ok((
        Theme {
            templates,
            static_files,
            strings,
            reference_strings,
        },
        problems,
    ))
}

/// The theme named in `souk.yaml`: a folder of the site's `themes/`, or built in.
fn named_theme(site: &Path, config: &SiteConfig) -> Result<(Origin, PathBuf, PathBuf), Diagnostic> {
    let name = config.theme.as_str();
    let shown = PathBuf::from(THEMES).join(name);
    if !crate::fs::bare_name(name) || name.starts_with('.') {
        return Err(Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("the theme `{name}` is not the name of a folder in the site's `themes/`"),
        )
        .hint("put the theme in `themes/<name>/` and write only `<name>` here; to use a theme from outside the site, pass its folder with `souk build --theme DIR`"));
    }
    let folder = site.join(THEMES).join(name);
    if folder.is_dir() {
        let site_real = crate::fs::normalize(site);
        let real = crate::fs::normalize(&folder);
        if !real.starts_with(&site_real) {
            return Err(Diagnostic::error(
                &shown,
                "this theme folder is a link to a folder outside the site, which souk does not read",
            )
            .hint("copy the theme into `themes/`, or pass its folder with `souk build --theme DIR`"));
        }
        return Ok((Origin::Folder(folder), shown, site_real));
    }
    if name == DEFAULT_THEME_NAME {
        return Ok((
            Origin::Embedded(&DEFAULT_THEME),
            shown,
            crate::fs::normalize(site),
        ));
    }
    let mut known: Vec<String> = vec![DEFAULT_THEME_NAME.to_owned()];
    if let Ok(entries) = std::fs::read_dir(site.join(THEMES)) {
        known.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned()),
        );
    }
    let hint = match did_you_mean(name, known.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("put the theme in `themes/{name}/`, or use `theme: default`"),
    };
    Err(Diagnostic::error(
        crate::config::CONFIG_FILE,
        format!("there is no theme `{name}`"),
    )
    .hint(hint))
}

/// UI strings per language: the theme's file, the site's `i18n/<code>.yaml` over it, then,
/// for any key still missing, the site's languages in order (the default first) and the
/// theme's other files: every page gets every key the theme has, and a language that lacks
/// some is one warning, with the count and the command that writes the file to translate.
fn load_strings(
    site: &Path,
    config: &SiteConfig,
    theme_files: &BTreeMap<String, (String, PathBuf)>,
    problems: &mut Diagnostics,
) -> PerLang<BTreeMap<String, String>> {
    let mut theme_strings: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for (code, (text, file)) in theme_files {
        match crate::yaml::parse::<BTreeMap<String, String>>(file, text, 0) {
            Ok(map) => {
                theme_strings.insert(code, map);
            }
            Err(problem) => problems.push(problem),
        }
    }
    let known: std::collections::BTreeSet<&String> =
        theme_strings.values().flat_map(|m| m.keys()).collect();
    let own: Vec<BTreeMap<String, String>> = config
        .languages
        .iter()
        .map(|language| {
            let code = language.code.as_str();
            let mut strings = theme_strings.get(code).cloned().unwrap_or_default();
            let site_file = site.join(I18N).join(format!("{code}.yaml"));
            if site_file.is_file() {
                let shown = PathBuf::from(I18N).join(format!("{code}.yaml"));
                match crate::fs::read_text(site, &site_file).and_then(|text| {
                    crate::yaml::parse::<BTreeMap<String, String>>(&shown, &text, 0)
                }) {
                    Ok(map) => strings.extend(map),
                    Err(problem) => problems.push(problem),
                }
            }
            strings
        })
        .collect();
    let mut per_lang = Vec::with_capacity(own.len());
    for (index, language) in config.langs().zip(&config.languages) {
        let mut strings = own[index.get()].clone();
        let missing = known.iter().filter(|k| !strings.contains_key(**k)).count();
        // Where the missing keys come from: the site's languages, then the theme's files.
        let sources = config
            .langs()
            .filter(|&l| l != index)
            .map(|l| (config.lang(l).name.clone(), &own[l.get()]))
            .chain(
                theme_strings
                    .iter()
                    .map(|(code, m)| (format!("`{code}`"), m)),
            );
        let mut shown_in = None;
        for (name, source) in sources {
            for (key, value) in source {
                if !strings.contains_key(key) {
                    strings.insert(key.clone(), value.clone());
                    shown_in.get_or_insert_with(|| name.clone());
                }
            }
        }
        if missing > 0 {
            let code = language.code.as_str();
            let fallback = shown_in.unwrap_or_default();
            let message = if missing == known.len() {
                format!(
                    "the theme has no UI strings in {} (`{code}`): its {missing} buttons, menus and messages show in {fallback}",
                    language.name
                )
            } else {
                format!(
                    "{missing} of the theme's {} UI strings are missing in {} (`{code}`): they show in {fallback}",
                    known.len(),
                    language.name
                )
            };
            problems.push(
                Diagnostic::warning(format!("i18n/{code}.yaml"), message).hint(format!(
                    "run `souk theme strings {code}` in the site: it writes every missing key into `i18n/{code}.yaml`, ready to translate"
                )),
            );
        }
        per_lang.push(strings);
    }
    PerLang::from(per_lang)
}

/// Every file of a theme: path relative to the theme root (`/`-separated) and its source.
fn files(
    origin: &Origin,
    confine: &Path,
    shown: &Path,
    problems: &mut Diagnostics,
) -> Vec<(String, StaticSource)> {
    match origin {
        Origin::Embedded(dir) => {
            let mut out = Vec::new();
            collect_embedded(dir, &mut out);
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        }
        Origin::Folder(root) => walk(confine, root, shown, problems)
            .into_iter()
            .map(|(name, path)| (name, StaticSource::File(path)))
            .collect(),
    }
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, StaticSource)>) {
    for file in dir.files() {
        out.push((
            crate::fs::to_slash(file.path()),
            StaticSource::Embedded(file.contents()),
        ));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Files under `dir`, sorted, as (`/`-separated relative path, full path). The rules are the
/// content's: a link to a file inside `confine` is followed, a link to a file outside it or to
/// a folder is refused (an error naming it, shown under `shown`).
fn walk(
    confine: &Path,
    dir: &Path,
    shown: &Path,
    problems: &mut Diagnostics,
) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let relative = crate::fs::to_slash(relative);
        if entry.file_type().is_file() {
            files.push((relative, entry.into_path()));
        } else if entry.path_is_symlink() {
            let target = crate::fs::normalize(entry.path());
            if target.starts_with(confine) && target.is_file() {
                files.push((relative, entry.into_path()));
            } else {
                problems.push(
                    Diagnostic::error(
                        shown.join(&relative),
                        "this is a link to a folder, or to something outside the site, which souk does not read",
                    )
                    .hint("copy the file itself here instead of linking to it"),
                );
            }
        }
    }
    files
}

fn text_of(confine: &Path, source: &StaticSource, shown: &Path) -> Result<String, Diagnostic> {
    match source {
        StaticSource::Embedded(bytes) => String::from_utf8(bytes.to_vec())
            .map_err(|_| Diagnostic::error(shown, "this theme file is not valid UTF-8 text")),
        StaticSource::File(path) => crate::fs::read_text(confine, path),
    }
}
