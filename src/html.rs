//! Escaping text for HTML written by souk itself (the `<head>` metadata, `picture()`); template
//! output is escaped by Tera.

/// `text` escaped for HTML text and double- or single-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

/// The bytes that start what [`push_json_for_script`] escapes.
const TO_ESCAPE: [bool; 256] = crate::bytes::byte_set(b"<>&\xE2");

/// `value` as JSON made safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are written
/// as `\u003c`, `\u003e`, `\u0026`, so no `</script>` or `<!--` in content can end the script.
pub(crate) fn push_json_for_script(out: &mut String, value: &serde_json::Value) {
    let json = value.to_string();
    out.reserve(json.len() + 16);
    // Copies the runs between the characters to escape: most of a page's JSON-LD has none.
    // By bytes: the two line separators are the only characters to escape that start with
    // 0xE2, and a byte of that value only ever starts a character.
    let bytes = json.as_bytes();
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| TO_ESCAPE[usize::from(b)]) {
        at += found;
        let (escaped, len) = match &bytes[at..] {
            [b'<', ..] => ("\\u003c", 1),
            [b'>', ..] => ("\\u003e", 1),
            [b'&', ..] => ("\\u0026", 1),
            [0xE2, 0x80, 0xA8, ..] => ("\\u2028", 3),
            [0xE2, 0x80, 0xA9, ..] => ("\\u2029", 3),
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&json[copied..at]);
        out.push_str(escaped);
        at += len;
        copied = at;
    }
    out.push_str(&json[copied..]);
}

/// `text` escaped for HTML, written at the end of `out`.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_for_script(value: &serde_json::Value) -> String {
        let mut out = String::new();
        push_json_for_script(&mut out, value);
        out
    }

    #[test]
    fn script_content_cannot_break_out() {
        let value = serde_json::json!({ "name": "</script><script>alert(1)</script><!--" });
        let safe = json_for_script(&value);
        assert!(!safe.contains('<') && !safe.contains('>'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
        let separators = serde_json::json!({ "name": "a\u{2028}b\u{2029}c – ok" });
        assert_eq!(
            json_for_script(&separators),
            "{\"name\":\"a\\u2028b\\u2029c – ok\"}"
        );
        assert_eq!(
            escape("\"a\" & <b> 'c'"),
            "&quot;a&quot; &amp; &lt;b&gt; &#39;c&#39;"
        );
    }
}
