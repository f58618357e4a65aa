//! Reading input files, with errors that name the path, and writing souk's own cache files.
//!
//! Only `config`, `source`, `theme` and `images` read input, and they do it through here.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, relative};

/// The largest text file souk reads (a product description is a few kilobytes).
pub const MAX_TEXT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a UTF-8 text file under `root`, naming it relative to `root` on failure.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let shown = relative(root, path);
    let cannot_read = |e: std::io::Error| {
        Diagnostic::system(&shown, format!("cannot read this file: {}", io_reason(&e)))
    };
    let mut metadata = std::fs::symlink_metadata(path).map_err(cannot_read)?;
    if metadata.file_type().is_symlink() {
        if !inside(root, path) {
            return Err(Diagnostic::error(
                &shown,
                "this file is a link to a file outside the site, which souk does not read",
            )
            .hint("copy the file itself into the site instead of linking to it"));
        }
        metadata = std::fs::metadata(path).map_err(cannot_read)?;
    }
    check_text_size(&shown, metadata.len())?;
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    decode_text(&shown, bytes)
}

/// Reads the text file at `path` under `root`, which the walk of the sources found as `entry`
/// (see [`Walk`]): for a plain file, without asking again what it is and how large. The file
/// is opened without following a link, so one put there since the walk is read, or refused,
/// as [`read_text`] reads any other.
pub fn read_walked(root: &Path, path: &Path, entry: &TreeEntry) -> Result<String, Diagnostic> {
    let TreeEntry::File(stamp) = entry else {
        return read_text(root, path);
    };
    check_text_size(&relative(root, path), stamp.size)?;
    let Some(mut file) = open_no_follow(path) else {
        return read_text(root, path);
    };
    let mut bytes = Vec::with_capacity(usize::try_from(stamp.size).unwrap_or(0).saturating_add(1));
    if std::io::Read::read_to_end(&mut file, &mut bytes).is_err()
        || bytes.len() as u64 > MAX_TEXT_FILE_BYTES
    {
        return read_text(root, path);
    }
    decode_text(&relative(root, path), bytes)
}

/// `path` opened for reading if it is not a link.
fn open_no_follow(path: &Path) -> Option<std::fs::File> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = rustix::fs::OFlags::NOFOLLOW.bits();
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(i32::try_from(no_follow).ok()?)
            .open(path)
            .ok()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_file())?;
        std::fs::File::open(path).ok()
    }
}

fn check_text_size(shown: &Path, len: u64) -> Result<(), Diagnostic> {
    if len > MAX_TEXT_FILE_BYTES {
        return Err(Diagnostic::error(
            shown,
            format!(
                "this file is {len} bytes, more than the {MAX_TEXT_FILE_BYTES} bytes souk reads from a text file",
            ),
        )
        .hint("split the text, or check that this is the file you meant"));
    }
    Ok(())
}

fn decode_text(shown: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    // Checked with SIMD, then copied: the standard library's own check was 2 % of a cold
    // build (every source is read, and Arabic is all multi-byte), and skipping it on bytes
    // already checked would take `unsafe`. Copying a checked text costs a fraction of that.
    match simdutf8::basic::from_utf8(&bytes) {
        // A byte-order mark at the start is harmless: editors on Windows add one.
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned()),
        Err(_) => {
            // Checked again, slowly, only to say where the bad byte is.
            let offset = std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            Err(Diagnostic::error(
                shown,
                format!("this file is not valid UTF-8 text (bad byte at offset {offset})"),
            )
            .hint("save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)"))
        }
    }
}

/// False when `path` is a symbolic link whose target is outside `root` (a file shared by
/// someone else must not pull `/etc/passwd` into a page). Only links pay for the check.
pub fn inside(root: &Path, path: &Path) -> bool {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return true;
    }
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(target), Ok(root)) => target.starts_with(root),
        _ => false,
    }
}

/// True when `name` is one plain file name: no folder part, no `..`, not absolute, no
/// control character. Names read back from souk's own records (which a restored cache may
/// have changed) must be.
pub fn bare_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// Makes `dir` a real folder of souk's own, creating it if needed. A link found at that name
/// (a restored cache may hold one, pointing anywhere) is removed and replaced by an empty
/// folder, never written through: it costs the cache's content, never a file elsewhere.
pub fn own_folder(dir: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        std::fs::remove_file(dir)?;
    }
    std::fs::create_dir_all(dir)
}

/// True when `relative` names a file inside the folder it is relative to: no `..`, no absolute
/// path, no drive prefix. Symlinks are checked where files are opened.
pub fn confined(relative: &str) -> bool {
    !relative.is_empty()
        && !relative.contains('\\')
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// A relative path with `/` separators, for URLs and messages alike.
pub fn to_slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A short, human reason for an IO error, without Rust's debug formatting.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "the file does not exist".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// A file's modification time in nanoseconds since 1970; 0 when the system does not say.
pub fn modified_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// What the file system says of a file without reading it: its size, modification time and
/// inode. Two stamps are equal only for the same file, unchanged since (git's and cargo's
/// trade-off: a rewrite of the same length within the same clock tick, keeping the inode, would
/// not be seen). A hard link keeps the stamp; a copy gets a new one.
// Kept as `[size, time, inode]`: a large site's build record holds some 700,000 of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, u128, u64)", into = "(u64, u128, u64)")]
pub struct FileStamp {
    /// The file's length in bytes.
    pub size: u64,
    /// Its modification time in nanoseconds since 1970; 0 when the system does not say.
    pub modified_ns: u128,
    /// Its inode, which tells a file replaced at the same path from the same file (0 off Unix).
    pub inode: u64,
}

impl From<(u64, u128, u64)> for FileStamp {
    fn from((size, modified_ns, inode): (u64, u128, u64)) -> Self {
        FileStamp {
            size,
            modified_ns,
            inode,
        }
    }
}

impl From<FileStamp> for (u64, u128, u64) {
    fn from(stamp: FileStamp) -> Self {
        (stamp.size, stamp.modified_ns, stamp.inode)
    }
}

impl FileStamp {
    /// The stamp of the file `meta` describes.
    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp {
            size: meta.len(),
            modified_ns: modified_ns(meta),
            inode,
        }
    }
}

/// `path` made absolute with every `.` and `..` resolved, whether or not it exists yet: the
/// longest part that exists is resolved by the file system (so links count), the rest by its
/// words. `site/public/..` is `site` even while `site/public` does not exist.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut resolved = loop {
        match existing.canonicalize() {
            Ok(real) => break real,
            Err(_) => match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    existing = parent;
                }
                // `..` at the end, or the root: leave the words to the loop below.
                _ => match existing.parent() {
                    Some(parent) => {
                        rest.push(std::ffi::OsString::from(".."));
                        existing = parent;
                    }
                    None => break existing.to_path_buf(),
                },
            },
        }
    };
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                resolved.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => resolved.push(part),
        }
    }
    resolved
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file. The
/// temporary name is unique per call: two threads may write the same file at once (two
/// products sharing a photo write the same renditions; the last rename wins, the bytes are
/// identical). The temporary file is created new: whatever a restored cache holds at that
/// name (a link to a file elsewhere) is removed, never written through; and the rename replaces
/// a link at `path` itself, never its target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`] with the contents written by `write` through a buffer, for a file
/// too large to be made in memory first. When `write` fails, the temporary file is removed.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
    };
    let file = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&tmp)?;
            create()?
        }
        other => other?,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    if let Err(error) = write(&mut out).and_then(|()| out.flush()) {
        drop(out);
        let _ = std::fs::remove_file(&tmp);
        return Err(error);
    }
    drop(out);
    std::fs::rename(&tmp, path)
}

/// One entry of a folder tree as the file system describes it, without reading any file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TreeEntry {
    /// A folder (its files are entries of their own).
    Folder,
    /// A file and its stamp.
    File(FileStamp),
    /// A symbolic link: its own stamp and its target's (none when it leads nowhere), since
    /// souk reads through a link that stays inside the site.
    Link(FileStamp, Option<FileStamp>),
    /// A symbolic link to a folder, whose files are not described.
    LinkedFolder,
}

impl TreeEntry {
    /// The entry of the link at `path`, whose own metadata is `meta`.
    fn link(path: &Path, meta: &std::fs::Metadata) -> TreeEntry {
        match std::fs::metadata(path) {
            Ok(target) if target.is_dir() => TreeEntry::LinkedFolder,
            Ok(target) => TreeEntry::Link(FileStamp::of(meta), Some(FileStamp::of(&target))),
            Err(_) => TreeEntry::Link(FileStamp::of(meta), None),
        }
    }
}

/// Every entry under `dir` (itself not included), as `prefix/relative/path` (or
/// `relative/path` under an empty prefix) with `/`
/// separators, in a fixed order (each folder's entries by name, a folder's own entries right
/// after it); links are described, never followed. Folders are read in
/// parallel: a catalogue is a folder of tens of thousands of folders. A folder that cannot be
/// read is listed without its entries (whoever reads it reports the error).
pub fn tree(dir: &Path, prefix: &str) -> Vec<(String, TreeEntry)> {
    listed(dir, prefix, false)
}

/// [`tree`] of `dir`, after the folder's own entry (named `prefix`) when `with_folder`. Each
/// folder's entries are described in parallel and then put together into one vector of the
/// right size: growing it as they came, and putting the folder's own entry in front afterwards,
/// copied the walk of a large catalogue several times on one core into memory touched for the
/// first time (slow on virtual machines).
fn listed(dir: &Path, prefix: &str, with_folder: bool) -> Vec<(String, TreeEntry)> {
    use rayon::prelude::*;
    let folder = with_folder.then(|| (prefix.to_owned(), TreeEntry::Folder));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return folder.into_iter().collect();
    };
    let mut entries: Vec<(String, std::fs::DirEntry)> = entries
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            (path, entry)
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let parts: Vec<Vec<(String, TreeEntry)>> = entries
        .into_par_iter()
        .map(|(name, entry)| match entry.metadata() {
            Ok(meta) => described(&entry.path(), name, &meta),
            // Gone since the folder was read: a later walk will not list it either.
            Err(_) => Vec::new(),
        })
        .collect();
    let mut all = Vec::with_capacity(
        usize::from(folder.is_some()) + parts.iter().map(Vec::len).sum::<usize>(),
    );
    all.extend(folder);
    for part in parts {
        all.extend(part);
    }
    all
}

/// A walk of [`tree`], by folder: what each folder of it holds, found again without asking the
/// file system. A build walks its sources first (their stamps say whether anything changed);
/// the loader takes each bundle's files from that walk instead of listing its folder, asking
/// each file what it is, and then reading it: those were a fifth of the CPU of a build that
/// changed one product of ten thousand.
pub struct Walk<'a> {
    entries: &'a [(String, TreeEntry)],
    /// Each folder's entries, as a range of `entries`.
    folders: std::collections::HashMap<&'a str, std::ops::Range<usize>>,
}

impl<'a> Walk<'a> {
    /// The index of `entries`, as [`tree`] (or [`tree_at`]) lists them: a folder's entries
    /// right after it.
    pub fn new(entries: &'a [(String, TreeEntry)]) -> Walk<'a> {
        let mut folders = std::collections::HashMap::new();
        // The folders whose entries are being passed, outermost first, with where each began.
        let mut open: Vec<(&'a str, usize)> = Vec::new();
        for (i, (path, entry)) in entries.iter().enumerate() {
            while let Some((folder, start)) = open.last().copied() {
                let inside = path
                    .strip_prefix(folder)
                    .is_some_and(|rest| rest.starts_with('/'));
                if inside {
                    break;
                }
                folders.insert(folder, start..i);
                open.pop();
            }
            if matches!(entry, TreeEntry::Folder) {
                open.push((path.as_str(), i + 1));
            }
        }
        for (folder, start) in open {
            folders.insert(folder, start..entries.len());
        }
        Walk { entries, folders }
    }

    /// Whether the walk went into `folder` (its path in the walk): not into a linked one.
    pub fn has(&self, folder: &str) -> bool {
        self.folders.contains_key(folder)
    }

    /// Every entry under `folder` (its path in the walk), its subfolders' too, with paths
    /// relative to `folder`; none when the walk has no such folder.
    pub fn under(&self, folder: &str) -> impl Iterator<Item = (&'a str, &'a TreeEntry)> + use<'a> {
        let range = self.folders.get(folder).cloned().unwrap_or(0..0);
        let skip = folder.len() + 1;
        self.entries[range]
            .iter()
            .map(move |(path, entry)| (&path[skip..], entry))
    }
}

/// `path`, named `name`, and for a folder every entry under it, as [`tree`] lists them; nothing
/// when it does not exist.
pub fn tree_at(path: &Path, name: &str) -> Vec<(String, TreeEntry)> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => described(path, name.to_owned(), &meta),
        Err(_) => Vec::new(),
    }
}

/// The entry of `path` (named `name`, whose own metadata is `meta`), and the folder's entries
/// after it.
fn described(path: &Path, name: String, meta: &std::fs::Metadata) -> Vec<(String, TreeEntry)> {
    let kind = meta.file_type();
    if kind.is_dir() {
        listed(path, &name, true)
    } else if kind.is_symlink() {
        vec![(name, TreeEntry::link(path, meta))]
    } else {
        vec![(name, TreeEntry::File(FileStamp::of(meta)))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_finds_each_folders_entries_and_only_those() {
        let file = TreeEntry::File(FileStamp::from((1, 2, 3)));
        let walked: Vec<(String, TreeEntry)> = [
            ("products", TreeEntry::Folder),
            ("products/a", TreeEntry::Folder),
            ("products/a/fr.md", file),
            ("products/a/photos", TreeEntry::Folder),
            ("products/a/photos/1.jpg", file),
            ("products/a-b", TreeEntry::Folder),
            ("products/a-b/fr.md", file),
            ("products/empty", TreeEntry::Folder),
            ("products/linked", TreeEntry::LinkedFolder),
            ("souk.yaml", file),
        ]
        .into_iter()
        .map(|(path, entry)| (path.to_owned(), entry))
        .collect();
        let walk = Walk::new(&walked);
        let under = |folder: &str| walk.under(folder).map(|(p, _)| p).collect::<Vec<_>>();
        assert_eq!(under("products/a"), ["fr.md", "photos", "photos/1.jpg"]);
        assert_eq!(under("products/a/photos"), ["1.jpg"]);
        assert_eq!(under("products/a-b"), ["fr.md"]);
        assert_eq!(under("products/empty"), Vec::<&str>::new());
        assert_eq!(under("products").len(), 8);
        assert!(walk.has("products/empty"));
        assert!(!walk.has("products/linked"));
        assert!(!walk.has("souk.yaml"));
        assert_eq!(under("products/linked"), Vec::<&str>::new());
    }
}
