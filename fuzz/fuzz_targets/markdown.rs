//! Markdown rendering: never panics, and nothing in the HTML could run code, under both safe
//! raw-HTML policies (the default `Sanitize`, and `Escape`; `Trusted` keeps HTML as written by
//! design). Checked on the output: no `<script`, no `href`/`src` holding a `javascript:` URL, and
//! no `on*` event-handler attribute (what `.ci/check-hostile` also fails on).
//!
//! Known open bug (fuzz/regressions/markdown/): heading attributes (`# T {onclick=…}`) reach the
//! HTML unfiltered. While it is open, `SOUK_FUZZ_SKIP_HEADING_ATTRS=1` ignores findings on
//! `<h1>`–`<h6>` so a run can look for other bugs; leave it unset to check everything.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use souk::markdown::RawHtml;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text, "render", &souk::markdown::render(text));
    check(text, "render_with(Escape)", &souk::markdown::render_with(text, RawHtml::Escape));
    let _ = souk::markdown::plain_text(text);
});

fn skip_heading_attrs() -> bool {
    static SKIP: OnceLock<bool> = OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("SOUK_FUZZ_SKIP_HEADING_ATTRS").is_some_and(|v| v == "1"))
}

fn check(markdown: &str, how: &str, html: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "{how}: a <script> tag got through\n--- markdown\n{markdown}\n--- html\n{html}"
    );
    for (tag, name, value) in attributes(html) {
        let heading = matches!(tag.to_ascii_lowercase().as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
        if heading && skip_heading_attrs() {
            continue;
        }
        let name_lower = name.to_ascii_lowercase();
        if name_lower == "href" || name_lower == "src" {
            assert!(
                !runs_script(&value),
                "{how}: <{tag} {name}=\"{value}\"> runs script\n--- markdown\n{markdown}\n--- html\n{html}"
            );
        }
        assert!(
            !(name_lower.len() > 2 && name_lower.starts_with("on")),
            "{how}: <{tag} {name}=\"{value}\"> is an event handler\n--- markdown\n{markdown}\n--- html\n{html}"
        );
    }
}

/// Every `(tag, attribute, raw value)` in `html`. pulldown-cmark escapes `<` in text, so every
/// `<` starts a tag; values are double-quoted with `"` escaped.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(start) = html[i..].find('<').map(|p| p + i) {
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let tag = html[name_start..j].to_owned();
        loop {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                None => break,
                Some(b'>') => {
                    j += 1;
                    break;
                }
                Some(b'/') => {
                    j += 1;
                    continue;
                }
                _ => {}
            }
            let attr_start = j;
            while j < bytes.len() && !matches!(bytes[j], b'=' | b'>' | b'/') && !bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let attr = html[attr_start..j].to_owned();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                match bytes.get(j) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let value_start = j + 1;
                        j = value_start;
                        while j < bytes.len() && bytes[j] != quote {
                            j += 1;
                        }
                        value = html[value_start..j].to_owned();
                        j = (j + 1).min(bytes.len());
                    }
                    _ => {
                        let value_start = j;
                        while j < bytes.len() && bytes[j] != b'>' && !bytes[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        value = html[value_start..j].to_owned();
                    }
                }
            }
            if attr.is_empty() && j == attr_start {
                j += 1; // a stray character: step over it rather than loop
            } else {
                found.push((tag.clone(), attr, value));
            }
        }
        i = j.max(start + 1).min(bytes.len());
    }
    found
}

/// Whether a browser would treat this attribute value as a `javascript:` URL: entities decoded,
/// leading controls and spaces dropped, tabs and newlines removed anywhere, case ignored.
fn runs_script(raw: &str) -> bool {
    let decoded = decode_entities(raw);
    let url: String = decoded
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    url.to_ascii_lowercase().starts_with("javascript:")
}

fn decode_entities(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
