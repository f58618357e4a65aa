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
#[derive(Debug, Clone, Hash)]
pub(crate) struct Entry {
    pub(crate) path: String,
    /// The same page per language index, where it exists.
    pub(crate) alternates: PerLang<Option<String>>,
    /// `YYYY-MM-DD`.
    pub(crate) lastmod: Option<String>,
    /// Absolute URLs of the page's photos.
    pub(crate) images: Vec<String>,
}

/// The sitemap files, each handed to `emit` as `(output path, contents)` as soon as it is
/// complete, so no more than one is in memory: one `sitemap.xml` when everything fits, else
/// `sitemap-1.xml`, `sitemap-2.xml`… and last `sitemap.xml`, their index.
pub(crate) fn sitemaps<E>(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
    emit: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    split(entries, languages, urls, (MAX_URLS, MAX_BYTES), emit)
}

fn split<E>(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
    (max_urls, max_bytes): (usize, usize),
    mut emit: impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    // A part is held until the next one starts: only then is it known that there are parts.
    let mut parts = 0;
    let mut current = urlset_start();
    let mut count = 0;
    let envelope = 512;
    for entry in entries {
        let url = url_element(entry, languages, urls);
        if count == max_urls || (count > 0 && current.len() + url.len() + envelope > max_bytes) {
            parts += 1;
            emit(
                plan::sitemap_part(parts),
                urlset_end(std::mem::replace(&mut current, urlset_start())),
            )?;
            count = 0;
        }
        current.extend_from_slice(&url);
        count += 1;
    }
    if parts == 0 {
        return emit(plan::SITEMAP.to_owned(), urlset_end(current));
    }
    parts += 1;
    emit(plan::sitemap_part(parts), urlset_end(current))?;
    let mut index = Xml::new();
    index.open(
        "sitemapindex",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for part in 1..=parts {
        index.raw("\n");
        index.open("sitemap", &[]);
        index.element("loc", &urls.absolute(&plan::sitemap_part(part)));
        index.close("sitemap");
    }
    index.raw("\n");
    index.close("sitemapindex");
    index.raw("\n");
    emit(plan::SITEMAP.to_owned(), index.into_bytes())
}

/// The start of a sitemap, up to its first `<url>`.
fn urlset_start() -> Vec<u8> {
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
    xml.into_bytes()
}

/// A sitemap's `<url>` elements closed.
fn urlset_end(mut bytes: Vec<u8>) -> Vec<u8> {
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
        let split = |n: usize, limits: (usize, usize)| {
            let mut files: Vec<(String, Vec<u8>)> = Vec::new();
            let emitted = split(&entries(n), &["fr", "ar"], &urls, limits, |name, bytes| {
                files.push((name, bytes));
                Ok::<(), ()>(())
            });
            assert_eq!(emitted, Ok(()));
            files
        };
        let one = split(3, (3, MAX_BYTES));
        assert_eq!(
            one.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["sitemap.xml"]
        );
        // Each part as soon as it is complete, the index last.
        let files = split(5, (2, MAX_BYTES));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = String::from_utf8(files[3].1.clone()).unwrap();
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
            "{index}"
        );
        assert!(
            index.contains("<loc>https://coop.example/shop/sitemap-3.xml</loc>"),
            "{index}"
        );
        let last = String::from_utf8(files[2].1.clone()).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
        assert!(last.ends_with("</urlset>\n"));
        // The byte limit splits too.
        let by_size = split(4, (MAX_URLS, 1200));
        assert!(by_size.len() > 2, "{}", by_size.len());
    }
}
