//! Characters from content that must not travel as they are: control characters, which a
//! terminal obeys (an `ESC ]0;…` in a file name can retitle or clear the user's terminal), and
//! the bidirectional embedding, override and isolate controls, which make text display in
//! another order than it is stored (U+202E turns `gpj.exe` into `exe.jpg` on screen).

use std::borrow::Cow;

/// U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates). The marks U+200E and
/// U+200F, which only give a direction to neutral characters, are not among them.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` without bidi controls: what souk does to names, labels, titles, summaries and
/// descriptions (pages, feeds and messages then show text in the order it was written; the
/// page's `dir` and the Unicode algorithm order Arabic and Latin correctly without them).
pub(crate) fn without_bidi_controls(text: &str) -> Cow<'_, str> {
    if has_bidi_control(text) {
        Cow::Owned(text.chars().filter(|&c| !is_bidi_control(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// [`without_bidi_controls`] of a text already owned: the same `String`, not a copy, when it
/// has none (a catalogue's descriptions are most of its memory).
pub(crate) fn without_bidi_controls_owned(text: String) -> String {
    match without_bidi_controls(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cleaned) => cleaned,
    }
}

/// Whether `text` has a bidi control, by its bytes: each is `E2 80 AA`–`E2 80 AE` or
/// `E2 81 A6`–`E2 81 A9` in UTF-8. Every text of a catalogue is checked (a hundred megabytes
/// at N=10,000), and most have no byte `E2` at all, which a slice finds at memory speed.
fn has_bidi_control(text: &str) -> bool {
    // French has `E2` bytes too (’ – …): those alone are looked at, found with SIMD, where
    // looking at every byte of a text that had one was 1 % of a cold build.
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xE2, bytes).any(|at| {
        matches!(
            bytes.get(at + 1..at + 3),
            Some([0x80, 0xAA..=0xAE] | [0x81, 0xA6..=0xA9])
        )
    })
}

/// `text` safe to print on a terminal: every control character (C0, DEL, C1) and bidi control
/// written as a Rust escape, `\u{1b}`, so the reader sees what is in the file and the terminal
/// obeys none of it.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        assert_eq!(
            printable("slug-\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "slug-\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(
            printable("a\u{9b}b\u{202e}c\nd"),
            "a\\u{9b}b\\u{202e}c\\u{a}d"
        );
        assert!(matches!(printable("زيت أركان"), Cow::Borrowed(_)));
    }

    #[test]
    fn bidi_controls_are_stripped_and_marks_kept() {
        assert_eq!(
            without_bidi_controls("Huile\u{202e}gpj.exe"),
            "Huilegpj.exe"
        );
        assert_eq!(
            without_bidi_controls("\u{2067}أركان\u{2069} 250 ml"),
            "أركان 250 ml"
        );
        assert_eq!(without_bidi_controls("a\u{200f}b"), "a\u{200f}b");
    }

    #[test]
    fn the_byte_test_finds_exactly_the_bidi_controls() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            // Among other `E2` bytes, and alone: first and last byte of the text.
            for text in [format!("a{c}’b"), format!("’–{c}"), c.to_string()] {
                assert_eq!(
                    has_bidi_control(&text),
                    is_bidi_control(c),
                    "{c:?} in {text:?}"
                );
            }
        }
    }
}
