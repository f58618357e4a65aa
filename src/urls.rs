//! Turning page paths into links. Every URL souk writes goes through here, so a site under a
//! sub-path (`https://user.github.io/repo/`) works unchanged.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::Url;

/// Characters escaped in a URL path segment: everything but unreserved and a few safe ones.
/// Non-ASCII (Arabic, Tifinagh slugs) is percent-encoded as UTF-8.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// The site's address, and the links derived from it.
#[derive(Debug, Clone)]
pub struct Urls {
    base: Url,
    /// The base URL's path, ending with `/`: `/` or `/repo/`.
    base_path: String,
    /// Scheme, host and port: `https://user.github.io`. Made once: every absolute link of every
    /// page, sitemap and feed starts with it.
    origin: String,
}

impl Urls {
    /// `base` must end with `/` (as [`crate::config`] guarantees).
    pub fn new(base: &Url) -> Self {
        Urls {
            base: base.clone(),
            base_path: base.path().to_owned(),
            origin: base.origin().ascii_serialization(),
        }
    }

    /// The site's address, ending with `/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The path prefix of every link: `/` or `/repo/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// A root-relative link to a site path such as `ar/products/زيت/`: `/repo/ar/products/%D8%B2…/`.
    pub fn href(&self, path: &str) -> String {
        let mut out = String::with_capacity(self.base_path.len() + path.len() * 2);
        self.push_href(&mut out, path);
        out
    }

    fn push_href(&self, out: &mut String, path: &str) {
        out.push_str(&self.base_path);
        out.extend(utf8_percent_encode(path, PATH));
    }

    /// The full address of a site path, with scheme and host (canonical links, sitemaps).
    pub fn absolute(&self, path: &str) -> String {
        let mut out =
            String::with_capacity(self.origin.len() + self.base_path.len() + path.len() * 2);
        out.push_str(&self.origin);
        self.push_href(&mut out, path);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_sub_path_and_encode_unicode() {
        let urls = Urls::new(&Url::parse("https://user.github.io/shop/").unwrap());
        assert_eq!(urls.href(""), "/shop/");
        assert_eq!(
            urls.href("ar/products/زيت/"),
            "/shop/ar/products/%D8%B2%D9%8A%D8%AA/"
        );
        assert_eq!(urls.absolute("en/"), "https://user.github.io/shop/en/");
        let local = Urls::new(&Url::parse("http://localhost:8080/").unwrap());
        assert_eq!(
            local.absolute("ar/products/زيت/"),
            "http://localhost:8080/ar/products/%D8%B2%D9%8A%D8%AA/"
        );
        let root = Urls::new(&Url::parse("https://tifawin.ma/").unwrap());
        assert_eq!(root.href("css/main.css"), "/css/main.css");
    }
}
