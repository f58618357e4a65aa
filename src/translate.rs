//! `souk theme strings LANG`: the file a volunteer translates to give the shop a new language,
//! every UI string of the theme pre-filled from a language the site has, in the order and with
//! the comments of the theme's own file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::{Lang, LangIndex};

/// What was written.
#[derive(Debug)]
pub struct StringsFile {
    /// Relative to the site: `i18n/zgh.yaml`.
    pub file: PathBuf,
    /// How many keys were written (all of them for a new file, the missing ones otherwise).
    pub added: usize,
    /// Whether the file was there already (the keys were added at its end).
    pub existed: bool,
    /// The name of the language the texts were copied from.
    pub from: String,
    /// Whether `souk.yaml` lists the language already.
    pub in_site: bool,
}

/// Writes `SITE/i18n/<code>.yaml` with every UI string of the site's theme, in the language
/// `from` (a code of the site's languages; when `None`, its first language other than `code`). A file that is
/// already there keeps every line: the keys it lacks are added at its end.
pub fn write_strings(
    site: &Path,
    code: &str,
    from: Option<&str>,
    theme: Option<&Path>,
) -> Result<StringsFile, Diagnostics> {
    let Some(lang) = Lang::parse(code.trim()) else {
        return Err(Diagnostic::error(
            "souk theme strings",
            format!("`{code}` is not a language code"),
        )
        .hint("use a BCP 47 code such as `zgh` (Tamazight), `es` or `ar`")
        .into());
    };
    let config = crate::config::load(site)?;
    let (theme, _warnings) = crate::theme::load(site, &config, &[], theme)?;
    let from = match from {
        // The first language other than the one translated: a new language's file would
        // otherwise be filled with its own fallbacks.
        None => config
            .langs()
            .find(|&l| config.lang(l).code != lang)
            .unwrap_or(LangIndex::DEFAULT),
        Some(wanted) => config
            .langs()
            .find(|&l| config.lang(l).code.as_str() == wanted)
            .ok_or_else(|| {
                let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
                Diagnostic::error(
                    "souk theme strings",
                    format!("`--from {wanted}` is not a language of the site"),
                )
                .hint(format!("pick one of {}", codes.join(", ")))
            })?,
    };
    let texts = &theme.strings[from];
    let file = PathBuf::from("i18n").join(format!("{lang}.yaml"));
    let path = site.join(&file);
    let existing: Option<String> = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Diagnostic::system(&file, crate::fs::io_reason(&e))
                .hint("check that the file can be read")
                .into());
        }
    };
    let have: BTreeMap<String, String> = match &existing {
        Some(text) => crate::yaml::parse(&file, text, 0)?,
        None => BTreeMap::new(),
    };
    let from_name = config.lang(from).name.clone();
    let (body, added) = compose(
        theme.reference_strings.as_deref().unwrap_or_default(),
        texts,
        &have,
    );
    let text = match &existing {
        None => format!(
            "# UI strings in `{lang}`, to translate: written by `souk theme strings {lang}` in {from_name}.\n\
             # Translate each text between quotes; keep {{placeholders}} and \\n as they are.\n\
             # This file is read over the theme's: a key you delete shows the theme's text again.\n\n{body}"
        ),
        Some(text) if added > 0 => format!(
            "{}\n# Added by `souk theme strings {lang}`, in {from_name}: translate these.\n{body}",
            text.trim_end()
        ),
        Some(text) => text.clone(),
    };
    if added > 0 {
        let written =
            std::fs::create_dir_all(site.join("i18n")).and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            return Err(Diagnostic::system(&file, crate::fs::io_reason(&e))
                .hint("check that the site folder can be written to")
                .into());
        }
    }
    Ok(StringsFile {
        file,
        added,
        existed: existing.is_some(),
        from: from_name,
        in_site: config.language(lang.as_str()).is_some(),
    })
}

/// The lines for the keys of `texts` that `have` lacks, in the order of the theme's
/// `reference` file; its section comments come along when the file is new (`have` empty).
fn compose(
    reference: &str,
    texts: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) -> (String, usize) {
    let line = |key: &str, value: &str| {
        // A JSON string is a YAML double-quoted scalar: quotes, `\n` and `#` stay intact.
        format!(
            "{key}: {}\n",
            serde_json::to_string(value).unwrap_or_default()
        )
    };
    let mut out = String::new();
    let mut added = 0;
    let mut written = std::collections::BTreeSet::new();
    // The reference file's own header (up to its first blank line) is about that file.
    for text_line in reference.lines().skip_while(|l| l.starts_with('#')) {
        let trimmed = text_line.trim();
        let key = trimmed
            .split_once(':')
            .map(|(k, _)| k)
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        match key {
            Some(key) if !trimmed.starts_with('#') => {
                if let Some(value) = texts.get(key).filter(|_| !have.contains_key(key)) {
                    out.push_str(&line(key, value));
                    added += 1;
                }
                written.insert(key.to_owned());
            }
            _ if have.is_empty() => {
                out.push_str(text_line);
                out.push('\n');
            }
            _ => {}
        }
    }
    for (key, value) in texts {
        if !written.contains(key) && !have.contains_key(key) {
            out.push_str(&line(key, value));
            added += 1;
        }
    }
    (out.trim_start_matches('\n').to_owned(), added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_follows_the_reference_and_an_old_one_gets_only_what_it_lacks() {
        let reference = "# The reference\n# file.\n\n# Shell\nhome: \"Accueil\"\ncart: \"Panier\"\n\n# Cart\nquote: \"x\"\n";
        let texts: BTreeMap<String, String> = [
            ("home", "Accueil"),
            ("cart", "Panier"),
            ("quote", "Dit \"oui\"\n# pas un commentaire"),
            ("extra", "Plus"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
        let (new, added) = compose(reference, &texts, &BTreeMap::new());
        assert_eq!(
            new,
            "# Shell\nhome: \"Accueil\"\ncart: \"Panier\"\n\n# Cart\nquote: \"Dit \\\"oui\\\"\\n# pas un commentaire\"\nextra: \"Plus\"\n"
        );
        assert_eq!(added, 4);
        let parsed: BTreeMap<String, String> =
            crate::yaml::parse(Path::new("x.yaml"), &new, 0).unwrap();
        assert_eq!(parsed, texts);
        let have: BTreeMap<String, String> = [("home".to_owned(), "Tigemmi".to_owned())].into();
        let (more, added) = compose(reference, &texts, &have);
        assert_eq!(added, 3);
        assert!(
            !more.contains("home:") && !more.contains("# Shell"),
            "{more}"
        );
    }
}
