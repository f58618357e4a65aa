//! Markdown to HTML: tables, smart punctuation, heading anchors, and nothing a visitor could be
//! attacked with. Raw HTML in Markdown is kept only through an allow-list sanitizer (ammonia),
//! unless the site trusts its authors (`markdown: { raw_html: trusted }`); links go only to web,
//! mail and phone addresses or within the site.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// What to do with HTML written inside Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawHtml {
    /// Keep safe tags and attributes (an allow-list), drop scripts, styles and event handlers.
    #[default]
    Sanitize,
    /// Show it as text.
    Escape,
    /// Keep it as written: only for sites whose every author is trusted.
    Trusted,
}

/// Renders `markdown` to HTML with the default policy (raw HTML sanitized).
pub fn render(markdown: &str) -> String {
    render_with(markdown, RawHtml::Sanitize)
}

/// Renders `markdown` to HTML. Headings are shifted so the document's highest one is an `<h2>`
/// (the page's own title is the `<h1>`, and levels must not skip), and each gets an `id`.
pub fn render_with(markdown: &str, raw_html: RawHtml) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let anchors = heading_anchors(&events);
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let shift = |level: HeadingLevel| shifted(level, top);
    let has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut anchors = anchors.into_iter();
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: _,
        }) => {
            let id = id.or_else(|| anchors.next().flatten().map(CowStr::from));
            // `{#id .class}` is kept; any other attribute (`{onclick=…}`) is dropped: heading
            // attributes would otherwise reach the page unfiltered, whatever the raw-HTML policy.
            Event::Start(Tag::Heading {
                level: shift(level),
                id,
                classes,
                attrs: Vec::new(),
            })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        Event::Html(raw) | Event::InlineHtml(raw) if raw_html == RawHtml::Escape => {
            Event::Text(raw)
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_link(&dest_url) {
                dest_url
            } else {
                CowStr::from("#")
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_link(&dest_url) {
                dest_url
            } else {
                CowStr::from("")
            };
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    // Sanitizing parses the HTML again: only pay for it when there is raw HTML to check.
    if has_raw_html && raw_html == RawHtml::Sanitize {
        return sanitizer().clean(&out).to_string();
    }
    out
}

/// The allow-list: ammonia's defaults (formatting, lists, tables, links with safe schemes and
/// `rel="noopener noreferrer"`), plus heading anchors.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        for heading in ["h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(heading, &["id"]);
        }
        builder
            .add_tag_attributes("td", &["align"])
            .add_tag_attributes("th", &["align"]);
        builder
    })
}

/// `level` moved so that `top` (the document's highest level) becomes 2.
/// The text of `markdown` without markup, paragraphs joined by spaces: for descriptions in
/// search results, structured data and product feeds.
pub fn plain_text(markdown: &str) -> String {
    let mut out = Collapsed::with_capacity(markdown.len());
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_SMART_PUNCTUATION,
    ) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push(&text),
            // The end of an emphasis or a link is inside a sentence: no space before the
            // comma after it.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.space(),
            _ => {}
        }
    }
    out.text
}

/// `text` with every run of whitespace made one space, and none at either end.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = Collapsed::with_capacity(text.len());
    out.push(text);
    out.text
}

/// Text built with every run of whitespace (as [`char::is_whitespace`] says) made one space and
/// none at either end. A product feed makes the plain text of every description twice per
/// language: this works on bytes and copies words whole, where splitting into words and joining
/// them again was half the cost of the feeds.
struct Collapsed {
    text: String,
    /// Whitespace was seen since the last word.
    space: bool,
}

impl Collapsed {
    fn with_capacity(capacity: usize) -> Self {
        Collapsed {
            text: String::with_capacity(capacity),
            space: false,
        }
    }

    /// A break between words.
    fn space(&mut self) {
        self.space = true;
    }

    fn push(&mut self, text: &str) {
        if single_spaced(text) {
            // Its one leading and one trailing space, if it has them, are breaks between words:
            // as the byte-by-byte way below would see them.
            let inner = match text.strip_prefix(' ') {
                Some(rest) => {
                    self.space();
                    rest
                }
                None => text,
            };
            let (inner, trailing) = match inner.strip_suffix(' ') {
                Some(rest) => (rest, true),
                None => (inner, false),
            };
            if !inner.is_empty() {
                self.word(inner);
            }
            if trailing {
                self.space();
            }
            return;
        }
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let (white, len) = whitespace_at(text, i);
            if white {
                self.space = true;
                i += len;
                continue;
            }
            // A stretch of words with one ASCII space between each, as most of any text is,
            // is copied whole: per word, the copy was most of the cost.
            let start = i;
            let end = loop {
                let Some(next) = bytes[i..].iter().position(|&b| may_begin_space(b)) else {
                    break bytes.len();
                };
                i += next;
                let (white, len) = whitespace_at(text, i);
                if !white {
                    i += len;
                } else if bytes[i] == b' ' && i + 1 < bytes.len() && !whitespace_at(text, i + 1).0 {
                    i += 1;
                } else {
                    break i;
                }
            };
            self.word(&text[start..end]);
            i = end;
        }
    }

    fn word(&mut self, word: &str) {
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(word);
    }
}

/// Whether the only whitespace in `text` is single ASCII spaces, none next to another. Most of
/// the texts of a description are (words, and the space before or after a word in bold or a
/// link), and are copied whole: finding each space and what follows it was more than half the
/// cost of a description's plain text. Looked at 16 bytes at a time, in a loop the compiler
/// turns into vector instructions; only a block with a byte that can begin other whitespace is
/// looked at byte by byte.
fn single_spaced(text: &str) -> bool {
    const BLOCK: usize = 16;
    if text.contains("  ") {
        return false;
    }
    let bytes = text.as_bytes();
    for (n, block) in bytes.chunks(BLOCK).enumerate() {
        if !block
            .iter()
            .fold(false, |any, &b| any | may_begin_other_space(b))
        {
            continue;
        }
        for (j, &b) in block.iter().enumerate() {
            // Such a byte is ASCII or a lead byte: always at a character's start.
            if may_begin_other_space(b) && whitespace_at(text, n * BLOCK + j).0 {
                return false;
            }
        }
    }
    true
}

/// Whether `b` can begin a whitespace character other than the ASCII space: tab, line feed,
/// vertical tab, form feed, carriage return, and the lead bytes of the others (see
/// [`whitespace_at`]). Without branches, so that a block of bytes is tested at once.
fn may_begin_other_space(b: u8) -> bool {
    (b.wrapping_sub(b'\t') < 5) | (b == 0xC2) | (b.wrapping_sub(0xE1) < 3)
}

/// Whether `b` can begin a whitespace character: the ASCII space or one of the others.
fn may_begin_space(b: u8) -> bool {
    (b == b' ') | may_begin_other_space(b)
}

/// Whether the character at byte `i` of `text` (a character boundary) is whitespace, and how
/// many bytes it is (1 for a byte that starts no whitespace character, which needs no more
/// look: only ASCII and characters led by 0xC2, 0xE1, 0xE2 or 0xE3 can be whitespace).
fn whitespace_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => (true, 1),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => match text[i..].chars().next() {
            Some(c) => (c.is_whitespace(), c.len_utf8()),
            None => (false, 1),
        },
        _ => (false, 1),
    }
}

fn shifted(level: HeadingLevel, top: usize) -> HeadingLevel {
    match (level as usize + 2).saturating_sub(top) {
        0..=2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// One anchor per heading without an explicit `{#id}`, in order, unique within the document.
fn heading_anchors(events: &[Event]) -> Vec<Option<String>> {
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut anchors = Vec::new();
    let mut current: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Heading { id: None, .. }) => current = Some(String::new()),
            Event::Start(Tag::Heading { id: Some(_), .. }) => anchors.push(None),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = current.as_mut() {
                    heading.push_str(text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(text) = current.take() {
                    let base = anchor_of(&text);
                    let mut anchor = base.clone();
                    let mut n = 1;
                    while !used.insert(anchor.clone()) {
                        n += 1;
                        anchor = format!("{base}-{n}");
                    }
                    anchors.push(Some(anchor));
                }
            }
            _ => {}
        }
    }
    anchors
}

/// An anchor from heading text: letters and digits of any script, lowercased, words joined by `-`.
/// One pass, into one string: splitting into words, lowercasing each into a string of its own
/// and joining them was 1 % of a cold build (three headings a description, in three scripts).
pub fn anchor_of(text: &str) -> String {
    // A capital sigma lowercases by its place in the word (`ς` last, `σ` elsewhere), which
    // only whole words tell.
    if text.contains('Σ') {
        return anchor_by_words(text);
    }
    let mut anchor = String::with_capacity(text.len());
    // Whether a word ended since the last letter kept: the next one starts a new word.
    let mut apart = false;
    let keep = |anchor: &mut String, apart: &mut bool, c: char| {
        if std::mem::take(apart) && !anchor.is_empty() {
            anchor.push('-');
        }
        anchor.push(c);
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            keep(&mut anchor, &mut apart, c.to_ascii_lowercase());
        } else if c.is_ascii() || !c.is_alphanumeric() {
            apart = true;
        } else {
            // Lowercasing may add marks (`İ` becomes `i` and a combining dot): letters and
            // digits only. A letter without case (Arabic, Tifinagh) is itself, and is kept.
            for lower in c.to_lowercase() {
                if lower == c || lower.is_alphanumeric() {
                    keep(&mut anchor, &mut apart, lower);
                }
            }
        }
    }
    if anchor.is_empty() {
        "section".to_owned()
    } else {
        anchor
    }
}

/// [`anchor_of`] word by word: each run of letters and digits lowercased as a whole.
fn anchor_by_words(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| {
            w.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "section".to_owned()
    } else {
        words.join("-")
    }
}

/// Links may go to the web, to a mail or phone address, or within the site; never run code.
pub fn safe_link(url: &str) -> bool {
    let url = url.trim();
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto" | "tel"
            )
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_no_mark_that_lowercasing_adds() {
        assert_eq!(anchor_of("İstanbul İ"), "istanbul-i");
    }

    #[test]
    fn anchors_are_made_as_word_by_word_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("Ab {c}x"), format!("é{c}{c} ب-{c}")] {
                if text.contains('Σ') {
                    continue;
                }
                assert_eq!(anchor_of(&text), anchor_by_words(&text), "{text:?}");
            }
        }
        for text in [
            "",
            " -- ",
            "Origine et savoir-faire",
            "زيت أركان",
            "ⵜⴰⵎⴰⵣⵉⵖⵜ 2",
            "Dose : 2×",
        ] {
            assert_eq!(anchor_of(text), anchor_by_words(text), "{text:?}");
        }
        assert_eq!(anchor_of("ΟΔΟΣ ΣΑΣ"), "οδος-σας");
    }

    #[test]
    fn headings_start_at_h2_and_get_anchors() {
        assert_eq!(
            render("# Utilisation\n\n## Utilisation\n\n## زيت أركان"),
            "<h2 id=\"utilisation\">Utilisation</h2>\n<h3 id=\"utilisation-2\">Utilisation</h3>\n<h3 id=\"زيت-أركان\">زيت أركان</h3>\n"
        );
        assert_eq!(
            render("## Usage\n\n### Dose"),
            "<h2 id=\"usage\">Usage</h2>\n<h3 id=\"dose\">Dose</h3>\n"
        );
    }

    #[test]
    fn raw_html_is_sanitized_escaped_or_trusted() {
        let hostile = "<script>alert(1)</script>\n\nHi <b onclick=\"x()\">there</b><img src=x onerror=alert(2)>\n\n[x](javascript:alert(1)) [y](https://a.ma/)";
        assert_eq!(
            render(hostile),
            "\n<p>Hi <b>there</b><img src=\"x\"></p>\n<p><a href=\"#\" rel=\"noopener noreferrer\">x</a> <a href=\"https://a.ma/\" rel=\"noopener noreferrer\">y</a></p>\n"
        );
        assert_eq!(
            render_with("<script>alert(1)</script>", RawHtml::Escape),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            render_with("<video src=a.mp4></video>", RawHtml::Trusted),
            "<p><video src=a.mp4></video></p>\n"
        );
    }

    /// Regression: found by reading the code while writing the fuzz target
    /// (fuzz/regressions/markdown/).
    #[test]
    fn heading_attributes_cannot_carry_event_handlers() {
        for policy in [RawHtml::Sanitize, RawHtml::Escape] {
            let html = render_with(
                "# T {onclick=alert(1)}\n\n# U {autofocus tabindex=0 onfocus=alert(2) href=javascript:x}\n\n<b>x</b>\n",
                policy,
            );
            assert!(
                !html.contains("onclick")
                    && !html.contains("onfocus")
                    && !html.contains("javascript"),
                "{html}"
            );
        }
        assert_eq!(
            render("# T {#top .lead}"),
            "<h2 id=\"top\" class=\"lead\">T</h2>\n"
        );
    }

    #[test]
    fn tables_and_smart_punctuation() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n\"Bio\" -- l'huile");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("“Bio” – l’huile"), "{html}");
    }

    #[test]
    fn whitespace_collapses_as_char_is_whitespace_says() {
        let texts = [
            "",
            "   ",
            "un",
            "  huile\td'argan \n\n bio  ",
            "زيت\u{00A0}أركان\u{3000}ⴰⵔⴳⴰⵏ\u{2009}x\u{0B}y\u{0C}z\r\nw\u{85}v\u{1680}u",
            // Led by 0xE2 and 0xC2 but not whitespace: kept inside their word.
            "prix\u{2013}bas «\u{A0}bio\u{A0}» \u{2026}€",
            "\u{2028}a\u{2029}b\u{202F}c\u{205F}d\u{200A}",
        ];
        for text in texts {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(text), expected, "{text:?}");
        }
        // Every text of up to five characters from words, single and double spaces, and
        // characters whose first byte may start a space but do not.
        let alphabet = ['a', ' ', '\u{A0}', '’', '\t', 'é', '\u{2009}'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for text in &texts {
                let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(collapse_whitespace(text), expected, "{text:?}");
            }
        }
        // Texts pushed one after the other (as a paragraph's pieces are) collapse as one.
        let mut pieces = vec![String::new()];
        let mut all = pieces.clone();
        for _ in 0..3 {
            pieces = pieces
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            all.extend(pieces.iter().cloned());
        }
        for a in &all {
            for b in &all {
                let mut out = Collapsed::with_capacity(8);
                out.push(a);
                out.push(b);
                let whole = format!("{a}{b}");
                let expected = whole.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(out.text, expected, "{a:?} then {b:?}");
            }
        }
    }

    #[test]
    fn whitespace_is_found_wherever_it_falls_in_a_long_text() {
        // Texts longer than the blocks `single_spaced` looks at, with one character at every
        // place: a second space, other whitespace, or a character led by the same byte as
        // whitespace that is not.
        let words = "huile d'argan pressée à froid de la coopérative des femmes";
        for c in [
            ' ', '\t', '\n', '\u{A0}', '\u{2009}', '\u{3000}', '\u{1680}', '’', '«', 'é',
        ] {
            for at in (0..words.len()).filter(|&i| words.is_char_boundary(i)) {
                let text = format!("{}{c}{}", &words[..at], &words[at..]);
                let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(collapse_whitespace(&text), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn plain_text_joins_blocks_and_keeps_words_whole() {
        assert_eq!(
            plain_text("# Huile\n\nPressée *à froid*,\nà Tiznit.\n\n- un\n- deux\u{A0}  trois\n"),
            "Huile Pressée à froid, à Tiznit. un deux trois"
        );
        assert_eq!(
            plain_text("l'*huile*s `bio`x [lien](https://a.ma), fin"),
            "l’huiles biox lien, fin"
        );
    }
}
