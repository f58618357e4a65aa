//! A small layer over quick-xml for the documents souk writes (sitemaps, feeds): every text and
//! attribute is escaped by the writer.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An XML document being written into memory.
pub(crate) struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    /// A document, starting with the XML declaration.
    pub(crate) fn new() -> Self {
        let mut xml = Self::fragment();
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        xml.raw("\n");
        xml
    }

    /// A part of a document, without declaration.
    pub(crate) fn fragment() -> Self {
        Xml {
            writer: Writer::new(Vec::with_capacity(1024)),
        }
    }

    /// Writing into a `Vec` cannot fail; the `io::Result` of quick-xml is for other sinks.
    fn event(&mut self, event: Event) {
        let _ = self.writer.write_event(event);
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
        self.writer.get_mut().extend_from_slice(markup.as_bytes());
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

impl Default for Xml {
    fn default() -> Self {
        Self::new()
    }
}
