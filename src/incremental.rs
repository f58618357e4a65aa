//! Rebuilding only what changed. Every page's template context is hashed while it is made
//! (together with the theme's templates, the language's shared values and the souk binary
//! itself); a page whose hash and path are those of the previous build of the same output
//! folder is carried over from that folder (a hard link) instead of being rendered and written
//! again. Editing one product's Markdown therefore renders that product's page and nothing
//! else, because no other page's context holds its text; editing its price also renders the
//! listings that show the price.
//!
//! Hashing contexts rather than declaring dependencies means a dependency cannot be forgotten:
//! whatever a template can see is in the hash. What is not in any context, the templates
//! themselves, goes into every hash.
//!
//! The record of the previous build lives in the cache folder (never published), one file per
//! output folder, and names the output it describes by the id in that folder's marker file: a
//! record is used only for the very folder it was written with.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::fs::FileStamp;

/// A page's hash: of everything its rendering depends on.
pub(crate) type Fingerprint = [u8; 32];

/// The pages of one build: output path → fingerprint and the written file's stamp.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct PageRecord {
    /// The id in the marker of the output folder these pages are in.
    output_id: String,
    pages: HashMap<String, Recorded>,
}

/// One page of the record. The stamp (inode, size, modification time) is what proves that the
/// file now in the output is the very one rendered from this fingerprint: a page put there by
/// another build, or edited by hand, has another, and is rendered again.
#[derive(Debug, Serialize, Deserialize)]
struct Recorded {
    fingerprint: String,
    stamp: FileStamp,
}

impl PageRecord {
    /// A record of the pages just written into the output folder with marker `output_id`.
    pub(crate) fn new(
        output_id: &str,
        pages: impl IntoIterator<Item = (String, Fingerprint, FileStamp)>,
    ) -> Self {
        PageRecord {
            output_id: output_id.to_owned(),
            pages: pages
                .into_iter()
                .map(|(path, fingerprint, stamp)| {
                    let fingerprint = hex(&fingerprint);
                    (path, Recorded { fingerprint, stamp })
                })
                .collect(),
        }
    }

    /// The record of the previous build into `output`, if there is one and that folder is
    /// still the one it describes: `output_id` is the build id in that folder's marker now
    /// (none when it has no marker). A record that cannot be read (damaged, or from an older
    /// souk) is none: every page is rendered.
    pub(crate) fn load(cache_dir: &Path, output: &Path, output_id: Option<&str>) -> PageRecord {
        let Some(id) = output_id else {
            return PageRecord::default();
        };
        std::fs::read(record_path(cache_dir, output))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<PageRecord>(&bytes).ok())
            .filter(|record| record.output_id == id)
            .unwrap_or_default()
    }

    /// Saves the record for the next build. Losing it only makes that build slower.
    pub(crate) fn save(&self, cache_dir: &Path, output: &Path) -> std::io::Result<()> {
        let path = record_path(cache_dir, output);
        if let Some(dir) = path.parent() {
            crate::fs::own_folder(dir)?;
        }
        crate::fs::write_atomically(&path, &serde_json::to_vec(self)?)
    }

    /// The stamp of the previous build's file at `path` when it was rendered from exactly
    /// `fingerprint`.
    pub(crate) fn unchanged(&self, path: &str, fingerprint: &Fingerprint) -> Option<&FileStamp> {
        let recorded = self.pages.get(path)?;
        (recorded.fingerprint == hex(fingerprint)).then_some(&recorded.stamp)
    }
}

/// `CACHE/pages/<hash of the output folder's absolute path>.json`.
fn record_path(cache_dir: &Path, output: &Path) -> std::path::PathBuf {
    let absolute = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let key = blake3::hash(absolute.to_string_lossy().as_bytes()).to_hex();
    cache_dir.join("pages").join(format!("{}.json", &key[..16]))
}

fn hex(fingerprint: &Fingerprint) -> String {
    blake3::Hash::from_bytes(*fingerprint).to_hex().to_string()
}

/// What identifies the program rendering: its version and its executable's size and time, so a
/// new build of souk (a changed view or filter) never reuses pages of the old one.
pub(crate) fn program_salt() -> &'static [u8] {
    static SALT: OnceLock<Vec<u8>> = OnceLock::new();
    SALT.get_or_init(|| {
        let mut salt = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::metadata(exe).ok())
        {
            salt.extend(meta.len().to_le_bytes());
            salt.extend(crate::fs::modified_ns(&meta).to_le_bytes());
        }
        salt
    })
}

/// Hashes a page's template context as it is filled.
#[derive(Clone, Default)]
pub(crate) struct Hasher {
    hasher: blake3::Hasher,
    /// Set when a value could not be hashed: the page then has no fingerprint and is always
    /// rendered.
    incomplete: bool,
}

impl Hasher {
    pub(crate) fn new() -> Self {
        Hasher::default()
    }

    pub(crate) fn bytes(&mut self, name: &str, bytes: &[u8]) {
        self.hasher.update(name.as_bytes());
        self.hasher.update(&(bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
    }

    /// Adds a named value, as JSON.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.hasher.update(name.as_bytes());
        self.hasher.update(b"=");
        if serde_json::to_writer(&mut self.hasher, value).is_err() {
            self.incomplete = true;
        }
        self.hasher.update(b"\0");
    }

    pub(crate) fn finish(&self) -> Option<Fingerprint> {
        (!self.incomplete).then(|| *self.hasher.finalize().as_bytes())
    }
}
