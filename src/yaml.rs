//! Parsing YAML into the raw input structs, turning parser and serde errors into diagnostics
//! with the file, line, column and a fix.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Error, Spanned};

use crate::diagnostics::{Diagnostic, Position, did_you_mean};

/// The position of a spanned value, for messages.
pub fn position<T>(spanned: &Spanned<T>) -> Option<Position> {
    let location = spanned.referenced;
    (location.line() > 0).then(|| Position {
        line: location.line(),
        column: location.column(),
    })
}

/// Parses `text` (from `file`, shown in messages) into `T`. `line_offset` is added to reported
/// lines, for YAML that starts further down a file (Markdown front matter).
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    line_offset: u64,
) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, so a file with nothing but optional keys is fine
    // and a file missing required keys says which.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_saphyr::from_str::<T>(text)
        .map_err(|error| to_diagnostic(file, text, &error, line_offset))
}

fn to_diagnostic(file: &Path, text: &str, error: &Error, line_offset: u64) -> Diagnostic {
    let position = error.location().and_then(|location| {
        (location.line() > 0).then(|| Position {
            line: location.line() + line_offset,
            column: location.column(),
        })
    });
    if let Some(misplaced) = misindented_key(text, error) {
        let (line, indent, expected, field) = misplaced;
        return Diagnostic::error(
            file,
            format!("the key `{field}` on this line is not lined up with the keys of the entry it belongs to"),
        )
        .at(Some(Position {
            line: line + line_offset,
            column: indent as u64 + 1,
        }))
        .hint(format!(
            "indent `{field}:` with {expected} spaces, like the keys just above it"
        ));
    }
    let (message, hint) = describe(error);
    let diagnostic = Diagnostic::error(file, message).at(position);
    match hint {
        Some(hint) => diagnostic.hint(hint),
        None => diagnostic,
    }
}

/// For "the required key `label` is missing": a line further down that has that key at another
/// indentation, which is what such a mistake almost always is. Gives that line (from 1), its
/// indentation, the indentation of the entry's keys, and the key.
fn misindented_key(text: &str, error: &Error) -> Option<(u64, usize, usize, String)> {
    let mut inner = error;
    while let Error::WithSnippet { error, .. } | Error::AliasError { error, .. } = inner {
        inner = error;
    }
    let Error::SerdeMissingField { field, .. } = inner else {
        return None;
    };
    let location = error.location()?;
    // The entry's keys start at the error's column (1-based).
    let expected = usize::try_from(location.column()).ok()?.checked_sub(1)?;
    let start = usize::try_from(location.line()).ok()?;
    for (n, line) in text.lines().enumerate().skip(start.saturating_sub(1)) {
        let indent = line.len() - line.trim_start().len();
        let key = line.trim_start().trim_start_matches("- ");
        let found = key
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(':'));
        if found && indent != expected {
            return Some((n as u64 + 1, indent, expected, field.to_string()));
        }
        // A new top-level key: the entry is over.
        if n + 1 > start && indent == 0 && !line.trim().is_empty() {
            return None;
        }
    }
    None
}

/// A plain-language message and an optional fix for a YAML error.
fn describe(error: &Error) -> (String, Option<String>) {
    match error {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => describe(error),
        Error::InvalidScalar { ty, .. } => (
            format!("expected {} here", human_type(ty)),
            Some("write the value without quotes or units, like the example in docs/content-model.md".to_owned()),
        ),
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let known = expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match did_you_mean(field, expected.iter().copied()) {
                Some(close) => format!("did you mean `{close}`? The keys allowed here are {known}"),
                None => format!("the keys allowed here are {known}"),
            };
            (format!("unknown key `{field}`"), Some(hint))
        }
        Error::SerdeMissingField { field, .. } => (
            format!("the required key `{field}` is missing"),
            Some(format!("add a line `{field}: …`")),
        ),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let known = expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match did_you_mean(variant, expected.iter().copied()) {
                Some(close) => format!("did you mean `{close}`? Allowed values: {known}"),
                None => format!("allowed values: {known}"),
            };
            (format!("`{variant}` is not an allowed value here"), Some(hint))
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (format!("expected {expected}, found {unexpected}"), None),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (format!("expected {expected}, found {unexpected}"), None),
        _ if first_line(error).starts_with("the key `") => (
            first_line(error),
            Some("remove one of the two lines with this key".to_owned()),
        ),
        _ => {
            let message = first_line(error);
            match plain_syntax_error(&message) {
                Some((message, hint)) => (message.to_owned(), Some(hint.to_owned())),
                None => (
                    message,
                    Some("check the indentation and the quotes around this line".to_owned()),
                ),
            }
        }
    }
}

/// The YAML parser's words for a syntax error, said plainly, with what to do.
fn plain_syntax_error(parser: &str) -> Option<(&'static str, &'static str)> {
    let said = [
        (
            "mapping values are not allowed",
            "a `:` here does not fit: this line is indented more than the keys above it, or a text with `: ` in it needs quotes",
            "line the key up with the keys above it (the same number of spaces), or put the text in quotes, e.g. `name: \"Huile : 1 l\"`",
        ),
        (
            "illegal placement of ':'",
            "a `:` here does not fit: a list opened with `[` or `{` on a line above may not be closed",
            "close the list with `]` (or `}`) on the line where it starts, or put a text with `:` in quotes",
        ),
        (
            "unclosed quote",
            "this quoted text is never closed",
            "end it with the same quote mark (`\"` or `'`) on the same line",
        ),
        (
            "unclosed bracket",
            "a list or a group opened here with `[` or `{` is never closed",
            "close it with `]` or `}` on the same line",
        ),
        (
            "found a tab",
            "this line has a tab character, which YAML does not allow for lining up",
            "indent with spaces only: replace the tab with spaces",
        ),
        (
            "unexpected character",
            "a value cannot start with this character",
            "put the value in quotes, e.g. `instagram: \"@tifawin\"`",
        ),
        (
            "did not find expected '-' indicator",
            "this line is not lined up with the list items above it",
            "start each item with `- ` at the same indentation, and indent an item's other keys under its first one",
        ),
        (
            "did not find expected key",
            "this line is not lined up with the keys around it",
            "indent it with the same number of spaces as the keys above it",
        ),
        (
            "expected `key: value` lines here",
            "expected `key: value` lines here",
            "write one `key: value` per line, like the example in docs/content-model.md",
        ),
    ];
    said.iter()
        .find(|(words, _, _)| parser.contains(words))
        .map(|&(_, message, hint)| (message, hint))
}

/// What a Rust scalar type means to an author.
fn human_type(ty: &str) -> String {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0, 1, 2…)".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "bool" => "`true` or `false`".to_owned(),
        other => format!("a value of type {other}"),
    }
}

/// The parser's own message in plain words, without its location (we report that ourselves).
fn first_line(error: &Error) -> String {
    let text = error.to_string();
    let line = text.lines().next().unwrap_or("invalid YAML").trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((_, message)) => message,
        None => line,
    };
    let line = match line.find(" at line ") {
        Some(at) => &line[..at],
        None => line,
    };
    match line {
        "expected mapping start" => "expected `key: value` lines here".to_owned(),
        "expected sequence start" => {
            "expected a list here (`- item` lines, or `[a, b]`)".to_owned()
        }
        "expected string scalar" => "expected a text here".to_owned(),
        _ if line.starts_with("duplicate mapping key") => {
            let key = line
                .split(": ")
                .nth(1)
                .and_then(|k| k.split(',').next())
                .unwrap_or("?");
            format!("the key `{key}` appears twice")
        }
        _ if line.starts_with("multiple YAML documents") => {
            "this file holds more than one YAML document (a second `---` line)".to_owned()
        }
        _ => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        price: crate::money::DecimalText,
        stock: Option<u32>,
    }

    fn error_of(text: &str) -> String {
        match parse::<Sample>(Path::new("x.yaml"), text, 0) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn unknown_keys_suggest_the_close_one() {
        assert_eq!(
            error_of("name: a\nprice: 1\nstokc: 3\n"),
            "error: x.yaml:3:1: unknown key `stokc`\n  hint: did you mean `stock`? The keys allowed here are `name`, `price`, `stock`"
        );
    }

    #[test]
    fn wrong_types_name_line_and_column() {
        assert_eq!(
            error_of("name: a\nprice: 1\nstock: many\n"),
            "error: x.yaml:3:8: expected a whole number (0, 1, 2…) here\n  hint: write the value without quotes or units, like the example in docs/content-model.md"
        );
    }

    #[test]
    fn plain_decimals_keep_their_digits() {
        let sample: Sample = parse(Path::new("x.yaml"), "name: a\nprice: 12.10\n", 0).unwrap();
        assert_eq!(sample.price.0, "12.10");
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_read_plainly() {
        assert_eq!(
            error_of("name: a\nname: b\nprice: 1\n"),
            "error: x.yaml:2:1: the key `name` appears twice\n  hint: remove one of the two lines with this key"
        );
        assert_eq!(
            error_of("name: a\n  bad: 1\n"),
            "error: x.yaml:2:6: a `:` here does not fit: this line is indented more than the keys above it, or a text with `: ` in it needs quotes\n  hint: line the key up with the keys above it (the same number of spaces), or put the text in quotes, e.g. `name: \"Huile : 1 l\"`"
        );
        assert_eq!(
            error_of("name: \"abc\nprice: 1\n"),
            "error: x.yaml:1:7: this quoted text is never closed\n  hint: end it with the same quote mark (`\"` or `'`) on the same line"
        );
        assert_eq!(
            error_of("name: a\n\tprice: 1\n"),
            "error: x.yaml:1:7: this line has a tab character, which YAML does not allow for lining up\n  hint: indent with spaces only: replace the tab with spaces"
        );
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WithVariants {
        variants: Vec<Variant>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Variant {
        sku: String,
        label: String,
    }

    #[test]
    fn a_key_indented_wrongly_is_pointed_at_not_called_missing() {
        let error = parse::<WithVariants>(
            Path::new("p.yaml"),
            "variants:\n  - sku: A\n  label: 50 ml\n",
            0,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "error: p.yaml:3:3: the key `label` on this line is not lined up with the keys of the entry it belongs to\n  hint: indent `label:` with 4 spaces, like the keys just above it"
        );
    }
}
