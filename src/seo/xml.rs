//! A small layer over quick-xml for the documents souk writes (sitemaps, feeds): every text and
//! attribute is escaped by the writer.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An XML document being written, into memory (`Vec<u8>`, the default) or straight into a
/// file.
pub(crate) struct Xml<W: std::io::Write = Vec<u8>> {
    writer: Writer<W>,
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
    pub(crate) fn fragment() -> Self {
        Xml {
            writer: Writer::new(Vec::with_capacity(1024)),
            failed: None,
        }
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

impl<W: std::io::Write> Xml<W> {
    /// A document written into `out`, starting with the XML declaration.
    pub(crate) fn into_writer(out: W) -> Self {
        let mut xml = Xml {
            writer: Writer::new(out),
            failed: None,
        };
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml.raw("\n");
        xml
    }

    /// Ends the document: the first write error, if one happened.
    pub(crate) fn finish(self) -> std::io::Result<W> {
        match self.failed {
            Some(error) => Err(error),
            None => Ok(self.writer.into_inner()),
        }
    }

    /// The writer the document goes into, for what souk already wrote of it (rows of a
    /// previous feed) and for how much has gone in.
    pub(crate) fn get_mut(&mut self) -> &mut W {
        self.writer.get_mut()
    }

    fn event(&mut self, event: Event) {
        if let Err(error) = self.writer.write_event(event) {
            self.failed.get_or_insert(std::io::Error::other(error));
        }
    }

    pub(crate) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Start(
            BytesStart::new(name).with_attributes(attributes.iter().copied()),
        ));
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>`.
    pub(crate) fn element(&mut self, name: &str, text: &str) {
        self.open(name, &[]);
        self.event(Event::Text(BytesText::new(text)));
        self.close(name);
    }

    /// `<name attr="…"/>`.
    pub(crate) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Empty(
            BytesStart::new(name).with_attributes(attributes.iter().copied()),
        ));
    }

    /// Markup souk wrote itself (a newline between elements, an already-written part).
    pub(crate) fn raw(&mut self, markup: &str) {
        if let Err(error) = self.writer.get_mut().write_all(markup.as_bytes()) {
            self.failed.get_or_insert(error);
        }
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
}
