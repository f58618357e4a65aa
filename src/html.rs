//! Escaping text for HTML written by souk itself (the `<head>` metadata, `picture()`); template
//! output is escaped by Tera.

/// `text` escaped for HTML text and double- or single-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// JSON made safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are written
/// as `\u003c`, `\u003e`, `\u0026`, so no `</script>` or `<!--` in content can end the script.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len() + 16);
    // Copies the runs between the characters to escape: most of a page's JSON-LD has none.
    let mut copied = 0;
    for (at, c) in json.match_indices(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        out.push_str(&json[copied..at]);
        out.push_str(match c {
            "<" => "\\u003c",
            ">" => "\\u003e",
            "&" => "\\u0026",
            "\u{2028}" => "\\u2028",
            _ => "\\u2029",
        });
        copied = at + c.len();
    }
    out.push_str(&json[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_content_cannot_break_out() {
        let value = serde_json::json!({ "name": "</script><script>alert(1)</script><!--" });
        let safe = json_for_script(&value);
        assert!(!safe.contains('<') && !safe.contains('>'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
        assert_eq!(
            escape("\"a\" & <b> 'c'"),
            "&quot;a&quot; &amp; &lt;b&gt; &#39;c&#39;"
        );
    }
}
