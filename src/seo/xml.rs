//! A small XML writer for the documents souk writes (sitemaps, feeds): every text and
//! attribute is escaped by the writer. Written straight into its output, a tag at a time: the
//! feeds and sitemaps of a large catalogue are hundreds of megabytes, and making an event of
//! each element (with quick-xml) was a tenth of their cost.

use std::io::Write;

use crate::bytes::byte_set;

/// The bytes [`Xml`] escapes in text: the five XML special characters, and `\r` (which a reader
/// would make `\n`).
const SPECIAL_IN_TEXT: [bool; 256] = byte_set(b"<>&'\"\r");

/// In attribute values, also `\n` and tab, which a reader would make spaces.
const SPECIAL_IN_ATTRIBUTES: [bool; 256] = byte_set(b"<>&'\"\r\n\t");

/// An XML document being written, into memory (`Vec<u8>`, the default) or straight into a
/// file.
pub(crate) struct Xml<W: Write = Vec<u8>> {
    out: W,
    /// The first write that failed (never, into memory): the document is then incomplete, and
    /// [`Xml::finish`] says so.
    failed: Option<std::io::Error>,
}

impl Xml {
    /// A document in memory, starting with the XML declaration.
    pub(crate) fn new() -> Self {
        Self::into_writer(Vec::with_capacity(1024))
    }

    /// A part of a document in memory, without declaration.
    #[cfg(test)]
    pub(crate) fn fragment() -> Self {
        Xml::fragment_into(Vec::with_capacity(1024))
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

impl<W: Write> Xml<W> {
    /// A document written into `out`, starting with the XML declaration.
    pub(crate) fn into_writer(out: W) -> Self {
        let mut xml = Xml { out, failed: None };
        xml.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml
    }

    /// A part of a document written into `out`, without declaration.
    pub(crate) fn fragment_into(out: W) -> Self {
        Xml { out, failed: None }
    }

    /// Ends the document: the first write error, if one happened.
    pub(crate) fn finish(self) -> std::io::Result<W> {
        match self.failed {
            Some(error) => Err(error),
            None => Ok(self.out),
        }
    }

    /// The writer the document goes into, for what souk already wrote of it (rows of a
    /// previous feed) and for how much has gone in.
    pub(crate) fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.failed.is_none()
            && let Err(error) = self.out.write_all(bytes)
        {
            self.failed = Some(error);
        }
    }

    /// `text` escaped: the five XML special characters as entities, and the whitespace a
    /// reader would normalise (`\r` in text; `\r`, `\n` and tab in attribute values) as
    /// character references, as quick-xml, which souk used before, wrote them.
    fn escaped(&mut self, text: &str, attribute: bool) {
        let special = if attribute {
            &SPECIAL_IN_ATTRIBUTES
        } else {
            &SPECIAL_IN_TEXT
        };
        let bytes = text.as_bytes();
        let mut copied = 0;
        // By a table: the feeds are mostly descriptions with nothing to escape, and a test of
        // each byte against each special character was a fifth of their cost.
        while let Some(found) = bytes[copied..]
            .iter()
            .position(|&byte| special[usize::from(byte)])
        {
            let at = copied + found;
            let entity: &[u8] = match bytes[at] {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\'' => b"&apos;",
                b'"' => b"&quot;",
                b'\r' => b"&#13;",
                b'\n' => b"&#10;",
                _ => b"&#9;",
            };
            self.write(&bytes[copied..at]);
            self.write(entity);
            copied = at + 1;
        }
        self.write(&bytes[copied..]);
    }

    /// `<name a="…"` with every attribute, the tag not yet closed.
    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.write(b"<");
        self.write(name.as_bytes());
        for (key, value) in attributes {
            self.write(b" ");
            self.write(key.as_bytes());
            self.write(b"=\"");
            self.escaped(value, true);
            self.write(b"\"");
        }
    }

    pub(crate) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start(name, attributes);
        self.write(b">");
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.write(b"</");
        self.write(name.as_bytes());
        self.write(b">");
    }

    /// `<name>text</name>`.
    pub(crate) fn element(&mut self, name: &str, text: &str) {
        self.open(name, &[]);
        self.escaped(text, false);
        self.close(name);
    }

    /// `<name attr="…"/>`.
    pub(crate) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start(name, attributes);
        self.write(b"/>");
    }

    /// Markup souk wrote itself (a newline between elements, an already-written part).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.write(markup.as_bytes());
    }
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk that is full after `room` bytes.
    struct Full {
        room: usize,
    }

    impl std::io::Write for Full {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if bytes.len() > self.room {
                return Err(std::io::Error::other("no space left"));
            }
            self.room -= bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_document_written_into_a_file_says_when_a_write_failed() {
        let mut xml = Xml::into_writer(Full { room: 64 });
        xml.element("title", &"x".repeat(100));
        xml.raw("\n");
        assert!(xml.finish().is_err());
        let mut xml = Xml::into_writer(Vec::new());
        xml.element("title", "Argan & miel");
        let bytes = xml.finish().unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<title>Argan &amp; miel</title>"
        );
    }

    #[test]
    fn text_and_attributes_are_escaped_as_before() {
        let hostile = "a<b>c&d'e\"f\rg\nh\ti – زيت";
        let mut xml = Xml::fragment();
        xml.open("url", &[("href", hostile)]);
        xml.element("loc", hostile);
        xml.empty("link", &[("rel", "alternate"), ("hreflang", "ar")]);
        xml.close("url");
        let written = String::from_utf8(xml.into_bytes()).unwrap();
        // The bytes quick-xml, which souk wrote these documents with before, writes.
        let mut before = quick_xml::Writer::new(Vec::new());
        use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
        for event in [
            Event::Start(BytesStart::new("url").with_attributes([("href", hostile)])),
            Event::Start(BytesStart::new("loc")),
            Event::Text(BytesText::new(hostile)),
            Event::End(BytesEnd::new("loc")),
            Event::Empty(
                BytesStart::new("link").with_attributes([("rel", "alternate"), ("hreflang", "ar")]),
            ),
            Event::End(BytesEnd::new("url")),
        ] {
            before.write_event(event).unwrap();
        }
        assert_eq!(written.as_bytes(), before.into_inner());
        assert_eq!(
            written,
            "<url href=\"a&lt;b&gt;c&amp;d&apos;e&quot;f&#13;g&#10;h&#9;i – زيت\">\
             <loc>a&lt;b&gt;c&amp;d&apos;e&quot;f&#13;g\nh\ti – زيت</loc>\
             <link rel=\"alternate\" hreflang=\"ar\"/></url>"
        );
    }
}
