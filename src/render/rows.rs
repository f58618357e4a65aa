//! The rows of the product feeds carried over: a feed holds every product's whole description
//! in a language, and making them again was most of the time of a build that changed one
//! product. Each product's rows are known by the key of its product page's inputs (see
//! [`super::keys`]) and the feed; the rows of a product whose key is the one the previous build
//! recorded are copied from that build's feed, which must still be exactly the file it wrote.

use std::collections::HashMap;
use std::io::{BufReader, Read, Write};

use crate::incremental::{self, BuildRecord, Fingerprint, Row};
use crate::output::Sink;
use crate::seo::feeds::Rows;

/// The rows of one feed being written: copied where they can be, and where each went.
pub(super) struct Spliced {
    /// The key of each product's rows in this feed, by product index.
    keys: Vec<Fingerprint>,
    previous: Option<Previous>,
    written: Vec<Row>,
}

/// The previous build's feed at the same path, and where its rows are by key.
struct Previous {
    file: BufReader<std::fs::File>,
    /// Where `file` is.
    at: u64,
    rows: HashMap<Fingerprint, (u64, u64)>,
}

impl Spliced {
    /// The rows of the feed at `path`, with those the previous build wrote into its feed at the
    /// same path to copy, when that file is still the one it wrote.
    pub(super) fn new(
        path: &str,
        previous: &BuildRecord,
        sink: &dyn Sink,
        keys: Vec<Fingerprint>,
    ) -> Self {
        let previous = previous.rows().get(path).and_then(|rows| {
            let stamp = previous.stamp(path)?;
            // Rows beyond the end of the file are not rows of it (the cache is not trusted).
            if rows.iter().any(|row| row.end > stamp.size) {
                return None;
            }
            let file = sink.previous(path, stamp)?;
            Some(Previous {
                file: BufReader::with_capacity(256 * 1024, file),
                at: 0,
                rows: rows.iter().map(|r| (r.key, (r.start, r.end))).collect(),
            })
        });
        Spliced {
            keys,
            previous,
            written: Vec::new(),
        }
    }

    /// Where each product's rows went in the new feed, for the next build.
    pub(super) fn into_rows(self) -> Vec<Row> {
        self.written
    }
}

impl Rows for Spliced {
    fn copy(&mut self, p: usize, out: &mut dyn Write) -> std::io::Result<bool> {
        let key = self.keys[p];
        let Some(previous) = self.previous.as_mut() else {
            return Ok(false);
        };
        let Some(&(start, end)) = previous.rows.get(&key) else {
            return Ok(false);
        };
        if previous.at != start {
            // Within the buffer when only a few rows were skipped.
            let offset = i64::try_from(start).unwrap_or(i64::MAX)
                - i64::try_from(previous.at).unwrap_or(i64::MAX);
            previous.file.seek_relative(offset)?;
        }
        let len = end - start;
        let copied = std::io::copy(&mut (&mut previous.file).take(len), out)?;
        if copied != len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the previous build's feed is shorter than it was",
            ));
        }
        previous.at = end;
        Ok(true)
    }

    fn wrote(&mut self, p: usize, start: u64, end: u64) {
        self.written.push(Row {
            key: self.keys[p],
            start,
            end,
        });
    }
}

/// The key of a product's rows in `feed` from its product page's key.
pub(super) fn row_key(page_key: &Fingerprint, feed: &str) -> Fingerprint {
    let mut hash = incremental::Hasher::new();
    hash.fingerprint_of("page", page_key);
    hash.bytes("feed", feed.as_bytes());
    hash.fingerprint()
}
