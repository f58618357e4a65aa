//! The front half every command shares: `souk.yaml`, the content, the theme, resolved into the
//! `Site`. `build` and `check` both start here, so they read a site the same way and report the
//! same problems.

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::theme::Theme;

/// Every file and folder at the top of a site that a load reads: its settings, content, static
/// files, templates, themes and UI strings. Nothing else there (the output, the cache, `.git`,
/// publishing workflows) can change what a build makes.
pub(crate) const SOURCES: [&str; 10] = [
    crate::config::CONFIG_FILE,
    crate::source::PRODUCTS.0,
    crate::source::CATEGORIES.0,
    crate::source::PRODUCERS.0,
    crate::source::PAGES.0,
    crate::source::HOME,
    crate::source::STATIC,
    crate::theme::TEMPLATES,
    crate::theme::THEMES,
    crate::theme::I18N,
];

/// What the file system says of everything a load of `root` would read (with `options`),
/// without reading it: the entries of [`SOURCES`] and of a theme folder given on the command
/// line (its paths start with `--theme`). Two equal lists mean the same sources, down to the
/// file-stamp trade-off of [`crate::fs::FileStamp`].
pub(crate) fn inputs(root: &Path, options: LoadOptions<'_>) -> Vec<(String, crate::fs::TreeEntry)> {
    let mut entries: Vec<_> = SOURCES
        .iter()
        .flat_map(|name| crate::fs::tree_at(&root.join(name), name))
        .collect();
    if let Some(theme) = options.theme {
        entries.extend(crate::fs::tree(theme, "--theme"));
    }
    entries
}

/// What the person running souk chose on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LoadOptions<'a> {
    /// Publish under this address instead of `base_url` in `souk.yaml`.
    pub(crate) base_url: Option<&'a str>,
    /// A theme folder anywhere, instead of the one `souk.yaml` names.
    pub(crate) theme: Option<&'a Path>,
}

/// A site read and resolved, with the problems that did not stop it.
pub(crate) struct Loaded {
    pub(crate) site: Site,
    pub(crate) theme: Theme,
    pub(crate) warnings: Diagnostics,
}

/// Reads and resolves the site at `root`, whose sources `walked` lists (its [`inputs`], taken
/// before any is read). On failure, the errors come back with every warning found before them,
/// so one run says everything.
pub(crate) fn load(
    root: &Path,
    options: LoadOptions<'_>,
    walked: &[(String, crate::fs::TreeEntry)],
) -> Result<Loaded, Diagnostics> {
    // A souk.yaml with mistakes outside its frame (address, languages, currency) still lets
    // the content be checked: its errors are reported with the content's.
    let (mut config, config_problems) = crate::config::load_with_problems(root)?;
    if let Some(base_url) = options.base_url {
        config.base_url = crate::config::parse_base_url(base_url).map_err(|d| {
            d.hint("pass the full address to `--base-url`, e.g. `https://user.github.io/repo/`")
        })?;
    }
    // Problems of the content (errors included) travel on: a file that cannot be read is left
    // out, and every other file is still checked, so one run reports every mistake.
    let (source, source_problems) =
        crate::source::load(root, &config, &crate::fs::Walk::new(walked));
    let mut warnings = config_problems;
    warnings.extend(source_problems);
    for language in &config.languages {
        let locale = language.locale.as_str();
        if crate::format::support(locale) == crate::format::Support::Unknown {
            warnings.push(
                crate::diagnostics::Diagnostic::warning(
                    crate::config::CONFIG_FILE,
                    format!("souk knows no number conventions for the locale `{locale}` of {}: its prices are written the international way, 1,234.50", language.name),
                )
                .hint("set `locale` of this language to one souk knows, such as `fr`, `ar-MA`, `zgh` or `en` (docs/content-model.md says which)"),
            );
        }
    }
    let with_warnings = |mut errors: Diagnostics, warnings: &Diagnostics| {
        errors.extend(warnings.clone());
        errors
    };
    let (theme, theme_warnings) =
        crate::theme::load(root, &config, &source.static_files, options.theme)
            .map_err(|errors| with_warnings(errors, &warnings))?;
    warnings.extend(theme_warnings);
    // The cart's address is a word of the theme's, like its buttons: one file per language.
    let cart_slugs: crate::lang::PerLang<String> = theme
        .strings
        .values()
        .map(|strings| {
            strings
                .get("cart_slug")
                .cloned()
                .unwrap_or_else(|| "cart".to_owned())
        })
        .collect();
    let (site, model_warnings) = crate::model::resolve(root, config, source, &cart_slugs)
        .map_err(|errors| with_warnings(errors, &warnings))?;
    warnings.extend(model_warnings);
    if warnings.has_errors() {
        return Err(warnings);
    }
    Ok(Loaded {
        site,
        theme,
        warnings,
    })
}
