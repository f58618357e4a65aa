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
//! A build whose sources, options and program are those of the previous build of the same
//! output folder, and whose output is still exactly what that build wrote, has nothing to do:
//! it checks the file stamps of both (see [`Inputs`]) and says again what the previous build
//! said, without loading the site.
//!
//! The record of the previous build lives in the cache folder (never published), one file per
//! output folder, and names the output it describes by the id in that folder's marker file: a
//! record is used only for the very folder it was written with.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::fs::{FileStamp, TreeEntry};

/// A page's hash: of everything its rendering depends on (128 bits of XXH3, see [`Hasher`]: the
/// record of a large site holds hundreds of thousands).
pub(crate) type Fingerprint = [u8; 16];

/// How close to the start of a build a source may have been modified for its stamp to prove
/// nothing: a second change within the same clock tick of the file system (2 s on FAT) keeps
/// size and time, and an editor writing in place keeps the inode (git's "racy clean" entries).
const RACY_NS: u128 = 2_000_000_000;

/// The record of one build of one output folder, for the next build of it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct BuildRecord {
    /// The id in the marker of the output folder these files are in.
    output_id: String,
    /// What the build read, when every stamp of it proves something.
    inputs: Option<Inputs>,
    /// Every file the build put in the output, with its stamp (what proves that the file now
    /// there is the very one written: a file put there by another build, or edited by hand,
    /// has another stamp) and, for a page, its fingerprint.
    files: HashMap<String, Written>,
    /// What the build reported, said again by a build that finds nothing changed.
    summary: Summary,
    /// Where each product's rows are in each feed, kept in a file of their own (see
    /// [`FeedRows`]): read only by a build that has something to do.
    #[serde(skip)]
    rows: FeedRows,
}

/// Where each product's rows are in the feeds a build wrote: by feed path, for each product
/// (in the feed's order) the key of the inputs its rows were made from and their bytes
/// `start..end` in the file. A later build copies the rows of every product whose key is the
/// same instead of making them again (a feed is a product's whole description, some 2.5 KB,
/// for every product of a language).
#[derive(Debug, Default)]
pub(crate) struct FeedRows(HashMap<String, Vec<Row>>);

/// One product's rows in a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) key: Fingerprint,
    pub(crate) start: u64,
    pub(crate) end: u64,
}

/// What a file of [`FeedRows`] starts with.
const ROWS_MAGIC: &[u8] = b"souk feed rows 1\n";

impl FeedRows {
    /// Adds the rows of the feed at `path`.
    pub(crate) fn insert(&mut self, path: String, rows: Vec<Row>) {
        self.0.insert(path, rows);
    }

    /// The rows of the feed at `path`.
    pub(crate) fn get(&self, path: &str) -> Option<&[Row]> {
        self.0.get(path).map(Vec::as_slice)
    }

    /// Little-endian: the magic line, the output id, then for each feed its path, its number
    /// of rows and each row (16 bytes of key, start, end). Some 30 bytes a product and feed,
    /// where JSON would have been three times that.
    fn write(&self, output_id: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut put = |bytes: &[u8]| out.write_all(bytes);
        put(ROWS_MAGIC)?;
        put(&(output_id.len() as u64).to_le_bytes())?;
        put(output_id.as_bytes())?;
        put(&(self.0.len() as u64).to_le_bytes())?;
        for (path, rows) in &self.0 {
            put(&(path.len() as u64).to_le_bytes())?;
            put(path.as_bytes())?;
            put(&(rows.len() as u64).to_le_bytes())?;
            for row in rows {
                put(&row.key)?;
                put(&row.start.to_le_bytes())?;
                put(&row.end.to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// What [`FeedRows::write`] wrote for the output `output_id`; none for anything else (the
    /// cache is not trusted: every length is checked against what is there).
    fn read(bytes: &[u8], output_id: &str) -> Option<FeedRows> {
        let mut rows = HashMap::new();
        let mut reader = RowReader {
            rest: bytes.strip_prefix(ROWS_MAGIC)?,
        };
        let id_len = reader.length()?;
        if reader.bytes(id_len)? != output_id.as_bytes() {
            return None;
        }
        let feeds = reader.length()?;
        for _ in 0..feeds {
            let path_len = reader.length()?;
            let path = std::str::from_utf8(reader.bytes(path_len)?)
                .ok()?
                .to_owned();
            let count = reader.length()?;
            let mut feed = Vec::with_capacity(count.min(reader.rest.len() / 32));
            for _ in 0..count {
                let key: Fingerprint = reader.bytes(16)?.try_into().ok()?;
                let start = reader.number()?;
                let end = reader.number()?;
                if start > end {
                    return None;
                }
                feed.push(Row { key, start, end });
            }
            rows.insert(path, feed);
        }
        reader.rest.is_empty().then_some(FeedRows(rows))
    }
}

/// Reads what [`FeedRows::write`] wrote, refusing what is cut short.
struct RowReader<'b> {
    rest: &'b [u8],
}

impl<'b> RowReader<'b> {
    fn bytes(&mut self, n: usize) -> Option<&'b [u8]> {
        let (head, tail) = self.rest.split_at_checked(n)?;
        self.rest = tail;
        Some(head)
    }

    fn number(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }

    /// A count or a length: no more than the bytes left.
    fn length(&mut self) -> Option<usize> {
        usize::try_from(self.number()?)
            .ok()
            .filter(|&n| n <= self.rest.len())
    }
}

/// A file a build wrote: its stamp, and when it is a page, the fingerprint of its context and
/// the key of its inputs (for pages that have one), in hex.
#[derive(Debug, Serialize, Deserialize)]
struct Written(FileStamp, Option<String>, Option<String>);

/// What a page is known by to the next build.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PageFingerprints {
    /// The hash of its template context; none when a value could not be hashed.
    pub(crate) context: Option<Fingerprint>,
    /// The hash of its inputs, for the kinds of page known by them (product pages, see
    /// `render::keys`): the same key means the same context, without making it.
    pub(crate) inputs: Option<Fingerprint>,
}

/// Everything a build read, as the file system describes it, and how it was asked: the program
/// and the command's options.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Inputs {
    key: String,
    entries: Vec<(String, TreeEntry)>,
}

impl Inputs {
    /// The sources `entries` (from [`crate::load::inputs`]) read with `options` (each a part of
    /// the command that changes the output, such as `--base-url`) by this program.
    pub(crate) fn new(entries: Vec<(String, TreeEntry)>, options: &[&[u8]]) -> Inputs {
        let mut key = blake3::Hasher::new();
        key.update(program_salt());
        for option in options {
            key.update(&(option.len() as u64).to_le_bytes());
            key.update(option);
        }
        Inputs {
            key: key.finalize().to_hex().to_string(),
            entries,
        }
    }

    /// Every source, as [`crate::load::inputs`] lists them.
    pub(crate) fn entries(&self) -> &[(String, TreeEntry)] {
        &self.entries
    }

    /// These inputs if their stamps can tell a later change from them: none when a source was
    /// modified within [`RACY_NS`] of `started_ns` (the moment they were taken, before any was
    /// read) or a link leads to a folder, whose files the stamps do not describe.
    fn trusted(self, started_ns: u128) -> Option<Inputs> {
        let recent = |stamp: &FileStamp| stamp.modified_ns + RACY_NS > started_ns;
        let doubtful = self.entries.iter().any(|(_, entry)| match entry {
            TreeEntry::Folder => false,
            TreeEntry::File(stamp) => recent(stamp),
            TreeEntry::Link(link, target) => recent(link) || target.as_ref().is_some_and(recent),
            TreeEntry::LinkedFolder => true,
        });
        (!doubtful).then_some(self)
    }
}

/// What a build reported: the part of [`crate::build::BuildReport`] a build that finds
/// nothing changed says again.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct Summary {
    /// HTML pages per language code, in the site's order.
    pub(crate) pages: Vec<(String, usize)>,
    /// Files in the output.
    pub(crate) files: usize,
    /// Their total size in bytes.
    pub(crate) bytes: u64,
    /// Photos the site uses.
    pub(crate) images: usize,
    /// The warnings, each as it was shown.
    warnings: Vec<Warning>,
}

/// A warning kept in the record. Read back, it is made again through [`Diagnostic::warning`],
/// which escapes control characters: the cache is not trusted.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Warning {
    file: String,
    at: Option<(u64, u64)>,
    message: String,
    hint: Option<String>,
}

impl Summary {
    /// What a build reports: its pages per language, files, bytes, photos and warnings.
    pub(crate) fn new(
        pages: Vec<(String, usize)>,
        (files, bytes): (usize, u64),
        images: usize,
        warnings: &Diagnostics,
    ) -> Summary {
        let warnings = warnings
            .warnings()
            .map(|d| Warning {
                file: d.file.to_string_lossy().into_owned(),
                at: d.position.map(|p| (p.line, p.column)),
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect();
        Summary {
            pages,
            files,
            bytes,
            images,
            warnings,
        }
    }

    /// The warnings, as diagnostics again.
    pub(crate) fn warnings(&self) -> Diagnostics {
        let mut all = Diagnostics::new();
        for w in &self.warnings {
            let position = w.at.map(|(line, column)| Position { line, column });
            let mut d = Diagnostic::warning(&w.file, &w.message).at(position);
            if let Some(hint) = &w.hint {
                d = d.hint(hint);
            }
            all.push(d);
        }
        all
    }
}

/// The fingerprints of the pages a build wrote, by path, as the record keeps them: made on one
/// core while the other writes the sitemaps, where [`BuildRecord::new`] made them alone at the
/// end of the build.
#[derive(Debug, Default)]
pub(crate) struct PageRecord(HashMap<String, (Option<String>, Option<String>)>);

impl PageRecord {
    pub(crate) fn new(pages: impl IntoIterator<Item = (String, PageFingerprints)>) -> Self {
        let mut record = PageRecord::default();
        record.extend(pages);
        record
    }

    pub(crate) fn extend(&mut self, pages: impl IntoIterator<Item = (String, PageFingerprints)>) {
        self.0.extend(pages.into_iter().map(|(path, page)| {
            let context = page.context.as_ref().map(hex);
            let inputs = page.inputs.as_ref().map(hex);
            (path, (context, inputs))
        }));
    }
}

impl BuildRecord {
    /// A record of the build that just wrote `files` (every file, with its stamp) into the
    /// output folder with marker `output_id`, having read `inputs` from `started_ns` on.
    pub(crate) fn new(
        output_id: &str,
        inputs: Inputs,
        started_ns: u128,
        files: impl IntoIterator<Item = (String, FileStamp)>,
        mut pages: PageRecord,
        rows: FeedRows,
        summary: Summary,
    ) -> Self {
        BuildRecord {
            output_id: output_id.to_owned(),
            inputs: inputs.trusted(started_ns),
            files: files
                .into_iter()
                .map(|(path, stamp)| {
                    let (context, inputs) = pages.0.remove(&path).unwrap_or_default();
                    (path, Written(stamp, context, inputs))
                })
                .collect(),
            summary,
            rows,
        }
    }

    /// The record of the previous build into `output`, if there is one and that folder is
    /// still the one it describes: `output_id` is the build id in that folder's marker now
    /// (none when it has no marker). A record that cannot be read (damaged, or from an older
    /// souk) is none: every page is rendered.
    pub(crate) fn load(cache_dir: &Path, output: &Path, output_id: Option<&str>) -> BuildRecord {
        let Some(id) = output_id else {
            return BuildRecord::default();
        };
        std::fs::read(record_path(cache_dir, output))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<BuildRecord>(&bytes).ok())
            .filter(|record| record.output_id == id)
            .unwrap_or_default()
    }

    /// Whether this is the record of the files in the output folder now (see [`Self::load`]),
    /// not the empty record of none.
    pub(crate) fn describes_output(&self) -> bool {
        !self.output_id.is_empty()
    }

    /// Reads where the previous build put each product's rows in its feeds: not needed to
    /// tell that nothing changed, so not read with the rest.
    pub(crate) fn load_rows(&mut self, cache_dir: &Path, output: &Path) {
        if self.output_id.is_empty() {
            return;
        }
        let path = record_path(cache_dir, output).with_extension("rows");
        self.rows = std::fs::read(path)
            .ok()
            .and_then(|bytes| FeedRows::read(&bytes, &self.output_id))
            .unwrap_or_default();
    }

    /// Saves the record for the next build. Losing it only makes that build slower. The rows
    /// go first: a record with the rows of another build names another output id, and is not
    /// used.
    pub(crate) fn save(&self, cache_dir: &Path, output: &Path) -> std::io::Result<()> {
        let path = record_path(cache_dir, output);
        if let Some(dir) = path.parent() {
            crate::fs::own_folder(dir)?;
        }
        crate::fs::write_atomically_with(&path.with_extension("rows"), |out| {
            self.rows.write(&self.output_id, out)
        })?;
        crate::fs::write_atomically_with(&path, |out| {
            serde_json::to_writer(out, self).map_err(std::io::Error::from)
        })
    }

    /// Where the previous build put each product's rows in its feeds.
    pub(crate) fn rows(&self) -> &FeedRows {
        &self.rows
    }

    /// The stamp of the file the previous build wrote at `path`.
    pub(crate) fn stamp(&self, path: &str) -> Option<&FileStamp> {
        self.files.get(path).map(|written| &written.0)
    }

    /// The stamp of the previous build's file at `path` when it was rendered from exactly
    /// `fingerprint`.
    pub(crate) fn unchanged(&self, path: &str, fingerprint: &Fingerprint) -> Option<&FileStamp> {
        let Written(stamp, recorded, _) = self.files.get(path)?;
        (recorded.as_deref() == Some(hex(fingerprint).as_str())).then_some(stamp)
    }

    /// The stamp and context fingerprint (if it was taken) of the previous build's page at
    /// `path` when its inputs had exactly the key `inputs`.
    pub(crate) fn unchanged_inputs(
        &self,
        path: &str,
        inputs: &Fingerprint,
    ) -> Option<(&FileStamp, Option<Fingerprint>)> {
        let Written(stamp, context, recorded) = self.files.get(path)?;
        if recorded.as_deref() != Some(hex(inputs).as_str()) {
            return None;
        }
        let context = match context.as_deref() {
            Some(text) => Some(unhex(text)?),
            None => None,
        };
        Some((stamp, context))
    }

    /// What the previous build reported, if it read exactly `inputs` and `output` still holds
    /// exactly the files it wrote (no file more, none less, none changed): then a build now
    /// would make the same output, byte for byte, and has nothing to do.
    pub(crate) fn up_to_date(&self, inputs: &Inputs, output: &Path) -> Option<&Summary> {
        if self.inputs.as_ref() != Some(inputs) {
            return None;
        }
        let found = crate::fs::tree(output, "");
        let mut files = 0;
        for (path, entry) in &found {
            match entry {
                TreeEntry::Folder => {}
                TreeEntry::File(stamp) => {
                    if self.files.get(path).map(|written| &written.0) != Some(stamp) {
                        return None;
                    }
                    files += 1;
                }
                TreeEntry::Link(..) | TreeEntry::LinkedFolder => return None,
            }
        }
        (files == self.files.len()).then_some(&self.summary)
    }
}

/// `CACHE/pages/<hash of the output folder's absolute path>.json`.
fn record_path(cache_dir: &Path, output: &Path) -> std::path::PathBuf {
    let absolute = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let key = blake3::hash(absolute.to_string_lossy().as_bytes()).to_hex();
    cache_dir.join("pages").join(format!("{}.json", &key[..16]))
}

fn hex(fingerprint: &Fingerprint) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(32);
    for byte in fingerprint {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// The fingerprint `hex` wrote, if `text` is one (the cache is not trusted).
fn unhex(text: &str) -> Option<Fingerprint> {
    let bytes = text.as_bytes();
    if bytes.len() != 32 {
        return None;
    }
    let mut fingerprint = [0; 16];
    for (byte, pair) in fingerprint.iter_mut().zip(bytes.chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(fingerprint)
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
///
/// With XXH3 (128 bits), not BLAKE3: a fingerprint only tells this build's pages from the last
/// one's, written by the same program from the same site, so it needs no resistance to a
/// forger, only to chance; and a cold build hashes every product's texts (75 MB at 10,000
/// products), where BLAKE3 over inputs of a few kilobytes was 3 % of its CPU.
#[derive(Clone, Default)]
pub(crate) struct Hasher {
    hasher: xxhash_rust::xxh3::Xxh3Default,
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

    /// Adds a named value in its `Debug` form: every field of a struct that derives it.
    pub(crate) fn debug<T: std::fmt::Debug + ?Sized>(&mut self, name: &str, value: &T) {
        // Formatted whole first: `Debug` writes in pieces of a few bytes, and the hasher is
        // fastest fed large ones.
        self.bytes(name, format!("{value:?}").as_bytes());
    }

    /// Adds a named value through its derived `Hash`: every field of a struct, each string
    /// whole and ended, each list with its length, so two values hash alike only when they are
    /// alike. Some 20 times cheaper than [`Hasher::debug`] for texts, which `Debug` escapes a
    /// character at a time.
    pub(crate) fn hashed<T: std::hash::Hash + ?Sized>(&mut self, name: &str, value: &T) {
        // Gathered first: `Hash` writes in pieces of a few bytes, and the hasher is fastest
        // fed large ones.
        let mut bytes = Gathered(Vec::with_capacity(4096));
        value.hash(&mut bytes);
        self.bytes(name, &bytes.0);
    }

    /// Adds a fingerprint made elsewhere.
    pub(crate) fn fingerprint_of(&mut self, name: &str, fingerprint: &Fingerprint) {
        self.bytes(name, fingerprint);
    }

    /// The hash so far, whether or not every value could be hashed.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        self.hasher.digest128().to_le_bytes()
    }

    pub(crate) fn finish(&self) -> Option<Fingerprint> {
        (!self.incomplete).then(|| self.fingerprint())
    }
}

/// The bytes a value's `Hash` writes, in order. Integers are written in this machine's byte
/// order and `usize` at its width: the record is only read back by the same program on the
/// same machine (its key has [`program_salt`]).
struct Gathered(Vec<u8>);

impl std::hash::Hasher for Gathered {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// Never asked for by a `Hash` impl; the bytes go to a [`Hasher`], which hashes them.
    fn finish(&self) -> u64 {
        self.0.len() as u64
    }
}
