//! `print:` in `souk.yaml`: the printable catalogue and shelf labels, and what their QR codes
//! add to the shop's addresses.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::position;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrint {
    catalogue: Option<bool>,
    labels: Option<bool>,
    label_columns: Option<Spanned<u32>>,
    label_rows: Option<Spanned<u32>>,
    qr_query: Option<Spanned<String>>,
}

/// What is printed from the shop, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Print {
    /// Whether each language has a printable catalogue page (`catalogue/`); on by default.
    pub catalogue: bool,
    /// Whether each language has a printable sheet of shelf labels (`labels/`); on by default.
    pub labels: bool,
    /// Labels across an A4 sheet; 3 by default.
    pub label_columns: u32,
    /// Labels down an A4 sheet; 8 by default (3 × 8 labels of 70 × 37 mm).
    pub label_rows: u32,
    /// Added to the shop addresses printed QR codes open (`utm_source=print`), without the
    /// `?`, so that the shop's statistics tell printed visits apart.
    pub qr_query: Option<String>,
}

impl Default for Print {
    fn default() -> Self {
        Print {
            catalogue: true,
            labels: true,
            label_columns: 3,
            label_rows: 8,
            qr_query: None,
        }
    }
}

/// Label sheets of more than this many across or down would print labels too small to read
/// or scan. The default theme's `css/print.css` has a grid class for each count up to these.
const MAX_COLUMNS: u32 = 5;
const MAX_ROWS: u32 = 14;

pub(super) fn resolve(raw: RawPrint, file: &Path, problems: &mut Diagnostics) -> Print {
    let RawPrint {
        catalogue,
        labels,
        label_columns,
        label_rows,
        qr_query,
    } = raw;
    let defaults = Print::default();
    let mut count = |key: &str, value: Option<Spanned<u32>>, max: u32, default: u32| match value {
        None => default,
        Some(n) if (1..=max).contains(&n.value) => n.value,
        Some(n) => {
            problems.push(
                Diagnostic::error(
                    file,
                    format!(
                        "`print.{key}` is {}, but a sheet of A4 labels takes 1 to {max}",
                        n.value
                    ),
                )
                .at(position(&n))
                .hint(format!(
                    "write the number of labels {} on your label sheets, e.g. {default}",
                    if key == "label_columns" {
                        "across"
                    } else {
                        "down"
                    }
                )),
            );
            default
        }
    };
    let label_columns = count(
        "label_columns",
        label_columns,
        MAX_COLUMNS,
        defaults.label_columns,
    );
    let label_rows = count("label_rows", label_rows, MAX_ROWS, defaults.label_rows);
    let qr_query = qr_query.and_then(|query| {
        let written = query.value.trim().trim_start_matches('?');
        if query_text(written) {
            Some(written.to_owned())
        } else {
            problems.push(
                Diagnostic::error(
                    file,
                    format!("`print.qr_query` `{}` cannot be added to a web address", query.value),
                )
                .at(position(&query))
                .hint("write `name=value` pairs joined by `&`, in plain letters, digits and `-_.`, e.g. `utm_source=print&utm_medium=qr`"),
            );
            None
        }
    });
    Print {
        catalogue: catalogue.unwrap_or(defaults.catalogue),
        labels: labels.unwrap_or(defaults.labels),
        label_columns,
        label_rows,
        qr_query,
    }
}

/// `name=value&name=value` in characters that need no escaping in a URL, so that the QR code
/// carries exactly what was written.
fn query_text(text: &str) -> bool {
    !text.is_empty()
        && text.split('&').all(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let plain = |s: &str| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.~%+".contains(c))
            };
            !name.is_empty() && plain(name) && plain(value)
        })
}

#[cfg(test)]
mod tests {
    use super::query_text;

    #[test]
    fn a_campaign_query_is_plain_pairs() {
        assert!(query_text("utm_source=print"));
        assert!(query_text("utm_source=print&utm_medium=qr"));
        assert!(query_text("ref"));
        assert!(!query_text(""));
        assert!(!query_text("utm source=print"));
        assert!(!query_text("a=1#top"));
        assert!(!query_text("=x"));
        assert!(!query_text("a=<b>"));
        assert!(!query_text("a=ب"));
    }
}
