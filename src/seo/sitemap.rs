//! `sitemap.xml` per sitemaps.org: every published page with its translations (`xhtml:link`,
//! symmetric, with `x-default`), its photos (`image:image`) and when it last changed; split into
//! parts under a sitemap index past 50,000 URLs or 50 MB; and `robots.txt` pointing at it.

use super::xml::Xml;
use crate::lang::{LangIndex, PerLang};
use crate::plan;
use crate::urls::Urls;

/// The limits of one sitemap file (sitemaps.org).
pub(crate) const MAX_URLS: usize = 50_000;
pub(crate) const MAX_BYTES: usize = 50 * 1024 * 1024;

/// One page for the sitemap, as the renderer decided it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) path: String,
    /// The same page per language index, where it exists.
    pub(crate) alternates: PerLang<Option<String>>,
    /// `YYYY-MM-DD`.
    pub(crate) lastmod: Option<String>,
    /// Absolute URLs of the page's photos.
    pub(crate) images: Vec<String>,
}

/// The sitemap files: `(output path, contents)`. One `sitemap.xml` when everything fits, else
/// `sitemap.xml` as an index of `sitemap-1.xml`, `sitemap-2.xml`…
pub(crate) fn sitemaps(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
) -> Vec<(String, Vec<u8>)> {
    split(entries, languages, urls, MAX_URLS, MAX_BYTES)
}

fn split(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
    max_urls: usize,
    max_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut count = 0;
    let envelope = 512;
    for entry in entries {
        let url = url_element(entry, languages, urls);
        if count == max_urls || (count > 0 && current.len() + url.len() + envelope > max_bytes) {
            parts.push(std::mem::take(&mut current));
            count = 0;
        }
        current.extend_from_slice(&url);
        count += 1;
    }
    parts.push(current);
    if parts.len() == 1 {
        return vec![(plan::SITEMAP.to_owned(), urlset(&parts[0]))];
    }
    let mut files: Vec<(String, Vec<u8>)> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| (plan::sitemap_part(i + 1), urlset(part)))
        .collect();
    let mut index = Xml::new();
    index.open(
        "sitemapindex",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for (name, _) in &files {
        index.raw("\n");
        index.open("sitemap", &[]);
        index.element("loc", &urls.absolute(name));
        index.close("sitemap");
    }
    index.raw("\n");
    index.close("sitemapindex");
    index.raw("\n");
    files.insert(0, (plan::SITEMAP.to_owned(), index.into_bytes()));
    files
}

fn urlset(body: &[u8]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "urlset",
        &[
            ("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"),
            ("xmlns:xhtml", "http://www.w3.org/1999/xhtml"),
            (
                "xmlns:image",
                "http://www.google.com/schemas/sitemap-image/1.1",
            ),
        ],
    );
    let mut bytes = xml.into_bytes();
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(b"\n</urlset>\n");
    bytes
}

/// One `<url>` element, without the XML declaration.
fn url_element(entry: &Entry, languages: &[&str], urls: &Urls) -> Vec<u8> {
    let mut xml = Xml::fragment();
    xml.raw("\n");
    xml.open("url", &[]);
    xml.element("loc", &urls.absolute(&entry.path));
    if let Some(lastmod) = &entry.lastmod {
        xml.element("lastmod", lastmod);
    }
    if entry.alternates.values().flatten().count() > 1 {
        for (l, alternate) in entry.alternates.iter() {
            if let Some(path) = alternate {
                xml.empty(
                    "xhtml:link",
                    &[
                        ("rel", "alternate"),
                        ("hreflang", languages[l.get()]),
                        ("href", &urls.absolute(path)),
                    ],
                );
            }
        }
        if let Some(default) = &entry.alternates[LangIndex::DEFAULT] {
            xml.empty(
                "xhtml:link",
                &[
                    ("rel", "alternate"),
                    ("hreflang", "x-default"),
                    ("href", &urls.absolute(default)),
                ],
            );
        }
    }
    for image in &entry.images {
        xml.open("image:image", &[]);
        xml.element("image:loc", image);
        xml.close("image:image");
    }
    xml.close("url");
    xml.into_bytes()
}

/// `robots.txt`: everything may be crawled; where the sitemap is.
pub(crate) fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.absolute("sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                path: format!("products/p{i}/"),
                alternates: PerLang::from(vec![
                    Some(format!("products/p{i}/")),
                    Some(format!("ar/products/p{i}/")),
                ]),
                lastmod: None,
                images: vec![],
            })
            .collect()
    }

    #[test]
    fn past_the_limits_the_sitemap_becomes_an_index_of_parts() {
        let urls = Urls::new(&url::Url::parse("https://coop.example/shop/").unwrap());
        let one = split(&entries(3), &["fr", "ar"], &urls, 3, MAX_BYTES);
        assert_eq!(
            one.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["sitemap.xml"]
        );
        let files = split(&entries(5), &["fr", "ar"], &urls, 2, MAX_BYTES);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
            "{index}"
        );
        assert!(
            index.contains("<loc>https://coop.example/shop/sitemap-3.xml</loc>"),
            "{index}"
        );
        let last = String::from_utf8(files[3].1.clone()).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
        assert!(last.ends_with("</urlset>\n"));
        // The byte limit splits too.
        let by_size = split(&entries(4), &["fr", "ar"], &urls, MAX_URLS, 1200);
        assert!(by_size.len() > 2, "{}", by_size.len());
    }
}
