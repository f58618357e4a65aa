//! `sitemap.xml` per sitemaps.org: every published page with its translations (`xhtml:link`,
//! symmetric, with `x-default`), its photos (`image:image`) and when it last changed; split into
//! parts under a sitemap index past 50,000 URLs or 50 MB; and `robots.txt` pointing at it.

use std::io::Write;
use std::ops::Range;

use rayon::prelude::*;

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

/// A file of the sitemaps being written: its output path, and what writes it into the writer
/// it is handed.
pub(crate) type WriteFile<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

/// The sitemap files, each handed to `file` with what writes it: one `sitemap.xml` when
/// everything fits, else `sitemap-1.xml`, `sitemap-2.xml`… and last `sitemap.xml`, their index.
pub(crate) fn sitemaps<E>(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
    file: impl FnMut(String, WriteFile<'_>) -> Result<(), E>,
) -> Result<(), E> {
    split(entries, languages, urls, (MAX_URLS, MAX_BYTES), file)
}

/// The sitemaps within `max_urls` and `max_bytes` each. Where the parts end is worked out from
/// the size of every `<url>` element first, and then each part is made and written a batch at
/// a time: a part held whole in memory until the next one began (17 MB at 10,000 products) was
/// memory touched for the first time, a tenth of a second of page faults on the one core left
/// working at the end of a build.
fn split<E>(
    entries: &[Entry],
    languages: &[&str],
    urls: &Urls,
    (max_urls, max_bytes): (usize, usize),
    mut file: impl FnMut(String, WriteFile<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let parts = cut(&sizes(entries, languages, urls), (max_urls, max_bytes));
    let write_part = |part: &[Entry], out: &mut dyn Write| {
        out.write_all(&urlset_start())?;
        for batch in part.chunks(BATCH) {
            for made in elements(batch, languages, urls) {
                out.write_all(&made)?;
            }
        }
        out.write_all(URLSET_END)
    };
    if let [part] = parts.as_slice() {
        let part = &entries[part.clone()];
        return file(plan::SITEMAP.to_owned(), &mut |out| write_part(part, out));
    }
    for (n, range) in parts.iter().enumerate() {
        let part = &entries[range.clone()];
        file(plan::sitemap_part(n + 1), &mut |out| write_part(part, out))?;
    }
    let mut index = Xml::new();
    index.open(
        "sitemapindex",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for part in 1..=parts.len() {
        index.raw("\n");
        index.open("sitemap", &[]);
        index.element("loc", &urls.absolute(&plan::sitemap_part(part)));
        index.close("sitemap");
    }
    index.raw("\n");
    index.close("sitemapindex");
    index.raw("\n");
    let index = index.into_bytes();
    file(plan::SITEMAP.to_owned(), &mut |out| out.write_all(&index))
}

/// Where each part ends, from the size of each entry's `<url>` element: a part is full at
/// `max_urls` elements or when the next would take it past `max_bytes`. One part, maybe empty,
/// when everything fits.
fn cut(sizes: &[usize], (max_urls, max_bytes): (usize, usize)) -> Vec<Range<usize>> {
    let envelope = urlset_start().len() + URLSET_END.len();
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, envelope);
    for (i, &size) in sizes.iter().enumerate() {
        let count = i - start;
        if count == max_urls || (count > 0 && bytes + size > max_bytes) {
            parts.push(start..i);
            (start, bytes) = (i, envelope);
        }
        bytes += size;
    }
    parts.push(start..sizes.len());
    parts
}

/// The size of each entry's `<url>` element, made on every core and let go.
fn sizes(entries: &[Entry], languages: &[&str], urls: &Urls) -> Vec<usize> {
    let per_chunk: Vec<Vec<usize>> = entries
        .par_chunks(CHUNK)
        .map_init(Vec::new, |element, chunk| {
            chunk
                .iter()
                .map(|entry| {
                    element.clear();
                    url_element(element, entry, languages, urls);
                    element.len()
                })
                .collect()
        })
        .collect();
    per_chunk.concat()
}

/// How many entries are made into `<url>` elements at a time: some megabytes of XML, made on
/// every core, then written in order.
const BATCH: usize = 4096;

/// How many entries one task makes: a few hundred, so that tasks are few and even.
const CHUNK: usize = 256;

/// The `<url>` elements of `batch`, made on every core: in order, a few hundred to a buffer.
fn elements(batch: &[Entry], languages: &[&str], urls: &Urls) -> Vec<Vec<u8>> {
    batch
        .par_chunks(CHUNK)
        .map(|chunk| {
            // A product's element, with three languages, is some 550 bytes.
            let mut bytes = Vec::with_capacity(chunk.len() * 640);
            for entry in chunk {
                url_element(&mut bytes, entry, languages, urls);
            }
            bytes
        })
        .collect()
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

/// What closes a sitemap after its last `<url>`.
const URLSET_END: &[u8] = b"\n</urlset>\n";

/// One `<url>` element, without the XML declaration, added to `out`.
fn url_element(out: &mut Vec<u8>, entry: &Entry, languages: &[&str], urls: &Urls) {
    let mut xml = Xml::fragment_into(out);
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
            let emitted = split(&entries(n), &["fr", "ar"], &urls, limits, |name, write| {
                let mut bytes = Vec::new();
                write(&mut bytes).map_err(|_| ())?;
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
        // Every part within the limit, and every page in one of them, in order.
        let (index, parts) = by_size.split_last().unwrap();
        assert_eq!(index.0, "sitemap.xml");
        let mut listed = Vec::new();
        for (_, part) in parts {
            assert!(part.len() <= 1200, "{}", part.len());
            let part = String::from_utf8(part.clone()).unwrap();
            assert!(part.ends_with("</url>\n</urlset>\n"), "{part}");
            listed.extend(
                part.split("<loc>")
                    .skip(1)
                    .map(|l| l.split('<').next().unwrap().to_owned()),
            );
        }
        assert_eq!(
            listed,
            (0..4)
                .map(|i| format!("https://coop.example/shop/products/p{i}/"))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_sitemap_made_on_every_core_keeps_the_order_of_its_pages() {
        let urls = Urls::new(&url::Url::parse("https://coop.example/").unwrap());
        // Past a batch, and not a whole number of tasks.
        let entries = entries(BATCH + CHUNK + 3);
        let mut expected = urlset_start();
        for entry in &entries {
            url_element(&mut expected, entry, &["fr", "ar"], &urls);
        }
        expected.extend_from_slice(URLSET_END);
        let mut files = Vec::new();
        sitemaps(&entries, &["fr", "ar"], &urls, |name, write| {
            let mut bytes = Vec::new();
            write(&mut bytes).map_err(|_| ())?;
            files.push((name, bytes));
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert!(
            files[0].1 == expected,
            "the sitemap differs from its pages in order"
        );
    }
}
