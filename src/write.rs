//! The only module that writes the output folder. Everything is written into a fresh sibling
//! folder first and put in place at the end, so a failed build leaves the previous site intact:
//! the whole folder exchanged with the output, or, when a build changed only a few files of
//! the output it was told of, those files moved into it (see [`Staging::commit`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::diagnostics::Diagnostic;
use crate::fs::{FileStamp, io_reason};
use crate::images::ImageSet;
use crate::model::IMAGES_SEGMENT;
use crate::theme::StaticSource;

/// A file souk leaves in every output folder it makes; souk only ever replaces a folder that
/// has it (or an empty one).
pub const MARKER: &str = ".souk-output";

const MARKER_BUILD: &str = "build ";

fn marker_text(id: &str) -> String {
    format!("This folder is written by souk. It is replaced on every build.\n{MARKER_BUILD}{id}\n")
}

/// The build id in the marker of the output folder `output`, if it has one.
pub fn output_id(output: &Path) -> Option<String> {
    let text = std::fs::read_to_string(output.join(MARKER)).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(MARKER_BUILD))
        .map(|id| id.trim().to_owned())
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    /// Files in the new output, written or carried over from the previous one.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Checks that `output` is a folder souk may replace: not the site, not one of its content
/// folders, not a link, not a folder of someone else's files. The path is normalised first, so
/// `site/public/..` is the site whether or not `site/public` exists.
pub fn check_output(site: &Path, output: &Path) -> Result<(), Diagnostic> {
    let site = crate::fs::normalize(site);
    let refuse = |why: String| {
        Diagnostic::system(output, why)
            .hint("build into a folder of its own, e.g. `--output public` (the default)")
    };
    if std::fs::symlink_metadata(absolute(output)).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(
            "the output folder is a link to another folder; souk writes only into a real folder"
                .to_owned(),
        )
        .hint("pass the folder the link points to with `--output`, or delete the link"));
    }
    let output_abs = crate::fs::normalize(output);
    if site.starts_with(&output_abs) {
        return Err(refuse(
            "the output folder would contain the site's own files, which a build replaces"
                .to_owned(),
        ));
    }
    if let Ok(inside) = output_abs.strip_prefix(&site) {
        let first = inside
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        if crate::load::SOURCES.contains(&first.as_str()) {
            return Err(refuse(format!(
                "the output folder is inside the site's `{first}`, which a build would replace"
            )));
        }
    }
    if output_abs.is_dir() {
        let mut entries = std::fs::read_dir(&output_abs).map_err(|e| {
            Diagnostic::system(
                output,
                format!("cannot read the output folder: {}", io_reason(&e)),
            )
        })?;
        let empty = entries.next().is_none();
        if !empty && !output_abs.join(MARKER).exists() {
            return Err(Diagnostic::system(output, "this folder is not empty and was not made by souk, so souk will not replace it")
                .hint("choose an empty or new folder with `--output`, or delete this one yourself if its files are not needed"));
        }
    } else if output_abs.exists() {
        return Err(refuse("the output path is a file, not a folder".to_owned()));
    }
    Ok(())
}

/// A folder next to the output, named after it: `.public.souk-lock`, `.public.souk-new-…`.
fn beside(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_owned());
    output.with_file_name(format!(".{name}.souk-{what}"))
}

/// The right to write one output folder, held by one build at a time: an OS lock on a file
/// beside the output (`.public.souk-lock`), so two builds started together (an editor's save
/// and a watcher, two CI jobs) never mix their pages. The operating system releases the lock
/// when the process ends, however it ends, so a crashed build never leaves a stale lock; the
/// file itself is deleted by the build holding it, just before it lets go.
pub struct OutputLock {
    output: PathBuf,
    path: PathBuf,
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock of `output` (a normalised path), waiting for the build holding it to
    /// finish; `waiting` is told the process id of that build first.
    pub fn acquire(
        output: &Path,
        waiting: impl FnOnce(Option<u32>),
    ) -> Result<OutputLock, Diagnostic> {
        use std::io::{Read, Seek, Write};
        let path = beside(output, "lock");
        let fail = |e: std::io::Error| {
            Diagnostic::system(
                &path,
                format!("cannot lock the output folder: {}", io_reason(&e)),
            )
            .hint("check that the folder holding the output is writable")
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut waiting = Some(waiting);
        loop {
            // The name is souk's: a link there (from a checkout) is removed, never written
            // through.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
                std::fs::remove_file(&path).map_err(fail)?;
            }
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(fail)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if let Some(waiting) = waiting.take() {
                        let mut text = String::new();
                        let _ = file.read_to_string(&mut text);
                        waiting(text.trim().parse().ok());
                    }
                    file.lock().map_err(fail)?;
                }
                // A file system without locks (some network shares): build unlocked, as before.
                Err(std::fs::TryLockError::Error(e))
                    if e.kind() == std::io::ErrorKind::Unsupported => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
            }
            // The build we waited for deleted the file before letting go: the lock we got is on
            // a file no longer there, and a third build may hold a new one. Try again.
            let still_there = match (file.metadata(), std::fs::symlink_metadata(&path)) {
                (Ok(locked), Ok(now)) => FileStamp::of(&locked).inode == FileStamp::of(&now).inode,
                _ => false,
            };
            if !still_there {
                continue;
            }
            // Who holds it, for the message of a build that has to wait.
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "{}", std::process::id());
            return Ok(OutputLock {
                output: output.to_path_buf(),
                path,
                _file: file,
            });
        }
    }

    /// The output folder this lock is for.
    pub fn output(&self) -> &Path {
        &self.output
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Deleted while still locked, then released when the file closes: see `acquire`.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Deletes what killed builds left beside `output`: staging folders and old outputs, only
/// those that carry souk's marker (or are still empty). Call with the output's lock held, so
/// none of them belongs to a build still running. Returns how many were removed.
pub(crate) fn remove_leftovers(lock: &OutputLock) -> usize {
    let output = lock.output();
    let (Some(parent), Some(new), Some(old)) = (
        output.parent(),
        beside(output, "new-")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        beside(output, "old-")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
    ) else {
        return 0;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let leftover = name.starts_with(&new) || name.starts_with(&old);
        // The entry's own type: a link is never followed.
        if !leftover || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let dir = entry.path();
        let ours = dir.join(MARKER).is_file()
            || std::fs::read_dir(&dir).is_ok_and(|mut e| e.next().is_none());
        if ours {
            remove_tree(&dir);
            removed += 1;
        }
    }
    removed
}

/// A fresh folder beside the output that the build fills, put in place by [`Staging::commit`].
/// Dropped without commit (a failed build), it is deleted and the output is untouched.
pub(crate) struct Staging<'lock> {
    id: String,
    dir: PathBuf,
    lock: &'lock OutputLock,
    bytes: AtomicU64,
    written: std::sync::Mutex<Written>,
    /// Whether the output is the one the previous build's record describes, so that a file
    /// carried over can stay where it is until [`Staging::commit`] decides how to put the new
    /// files in place.
    in_place: bool,
    committed: bool,
}

/// The most files a build moves into the output one by one (see [`Staging::commit`]).
const MOVED_AT_MOST: usize = 1000;

/// The files of a staging folder so far.
#[derive(Default)]
struct Written {
    /// Every file with its stamp, for the record of this build.
    stamps: Vec<(String, FileStamp)>,
    /// Of those, the ones carried over by staying in the output (`in_place`), by index.
    in_output: Vec<usize>,
    /// The largest, for the host's limit per file.
    largest: Option<(String, u64)>,
}

impl<'lock> Staging<'lock> {
    /// Creates the staging folder beside the locked output, with souk's marker file in it.
    /// `in_place`: the output holds the files the previous build recorded, which may then
    /// stay where they are (see [`Staging::commit`]).
    pub(crate) fn new(
        lock: &'lock OutputLock,
        in_place: bool,
    ) -> Result<Staging<'lock>, Diagnostic> {
        let output = lock.output();
        let dir = beside(output, &format!("new-{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            remove_tree(&dir);
        }
        std::fs::create_dir(&dir).map_err(|e| {
            Diagnostic::system(&dir, format!("cannot create the folder: {}", io_reason(&e)))
        })?;
        let id = {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let mut hasher = blake3::Hasher::new();
            hasher.update(&now.to_le_bytes());
            hasher.update(&std::process::id().to_le_bytes());
            hasher.update(output.to_string_lossy().as_bytes());
            hasher.finalize().to_hex()[..16].to_owned()
        };
        let staging = Staging {
            id,
            dir,
            lock,
            bytes: AtomicU64::new(0),
            written: std::sync::Mutex::default(),
            in_place,
            committed: false,
        };
        staging.put(MARKER, marker_text(&staging.id).as_bytes())?;
        Ok(staging)
    }

    /// The id written into this output's marker: names this build's output for the next one.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Carries `relative` over from the current output folder (the previous build) if it is
    /// there and still exactly the file recorded as `stamp` (same inode, size and modification
    /// time: a page another build or a hand put there is not it), by leaving it where it is
    /// (see [`Staging::commit`]). Only where the output is the one the record describes
    /// (`in_place`): there is no other record to keep files by. False when the page must be
    /// rendered.
    pub(crate) fn keep(&self, relative: &str, stamp: &FileStamp) -> bool {
        self.keep_all(&[(relative.to_owned(), *stamp)])
    }

    /// Carries every one of `files` over as [`Staging::keep`] does, or none of them.
    pub(crate) fn keep_all(&self, files: &[(String, FileStamp)]) -> bool {
        let output = self.lock.output();
        let all_there = files.iter().all(|(relative, stamp)| {
            std::fs::symlink_metadata(output.join(relative))
                .is_ok_and(|meta| meta.is_file() && FileStamp::of(&meta) == *stamp)
        });
        if !self.in_place || !all_there {
            return false;
        }
        for (relative, stamp) in files {
            self.count_in_output(relative, *stamp);
        }
        true
    }

    /// The current output's (the previous build's) file at `relative`, open, if it is still
    /// exactly the file recorded as `stamp`.
    pub(crate) fn previous(&self, relative: &str, stamp: &FileStamp) -> Option<std::fs::File> {
        let path = self.lock.output().join(relative);
        // Never through a link.
        std::fs::symlink_metadata(&path)
            .ok()
            .filter(|m| m.is_file())?;
        let file = std::fs::File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        (meta.is_file() && FileStamp::of(&meta) == *stamp).then_some(file)
    }

    /// Links (or copies) `from` into the staging folder at `relative`, if it has `size` bytes.
    fn carry(&self, from: &Path, relative: &str, size: u64) -> Option<()> {
        let to = self.dir.join(relative);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).ok()?;
        }
        let linked = std::fs::hard_link(from, &to).is_ok()
            || std::fs::copy(from, &to).is_ok_and(|copied| copied == size);
        let stamp = linked
            .then(|| std::fs::symlink_metadata(&to).ok())
            .flatten()
            .map(|meta| FileStamp::of(&meta))
            .filter(|stamp| stamp.size == size)?;
        self.count(relative, stamp);
        Some(())
    }

    /// Writes one file (from any thread); `relative` is `/`-separated.
    pub(crate) fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        use std::io::Write;
        self.create(relative, |file| file.write_all(bytes))
    }

    /// Writes files (from any thread) through `write`, which is handed a buffered writer into
    /// each of `paths` (`/`-separated), in order. A failed write is reported on the file it
    /// was writing; any other failure of `write`'s, on the first file.
    pub(crate) fn stream(
        &self,
        paths: &[&str],
        write: &mut dyn FnMut(&mut [&mut dyn std::io::Write]) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        use std::io::Write;
        let mut files = Vec::with_capacity(paths.len());
        for relative in paths {
            files.push(self.open(relative)?);
        }
        let mut outs: Vec<Noted<std::io::BufWriter<&mut std::fs::File>>> = files
            .iter_mut()
            .map(|(_, file)| Noted {
                inner: std::io::BufWriter::with_capacity(64 * 1024, file),
                failed: false,
            })
            .collect();
        let mut writers: Vec<&mut dyn Write> =
            outs.iter_mut().map(|out| out as &mut dyn Write).collect();
        let written =
            write(&mut writers).and_then(|()| writers.iter_mut().try_for_each(|w| w.flush()));
        drop(writers);
        let failed = outs.iter().position(|out| out.failed).unwrap_or(0);
        drop(outs);
        if let Err(error) = written {
            return Err(cannot_write(&files[failed].0, &error));
        }
        for ((path, file), relative) in files.iter().zip(paths) {
            let meta = file.metadata().map_err(|e| cannot_write(path, &e))?;
            self.count(relative, FileStamp::of(&meta));
        }
        Ok(())
    }

    /// Creates the file at `relative` (and its folders), fills it with `fill`, and counts it
    /// with its stamp.
    fn create(
        &self,
        relative: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let (path, mut file) = self.open(relative)?;
        fill(&mut file).map_err(|e| cannot_write(&path, &e))?;
        let stamp = FileStamp::of(&file.metadata().map_err(|e| cannot_write(&path, &e))?);
        self.count(relative, stamp);
        Ok(())
    }

    /// Creates the file at `relative`, and its folders: its path and the file, open for
    /// writing.
    fn open(&self, relative: &str) -> Result<(PathBuf, std::fs::File), Diagnostic> {
        let path = self.dir.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::system(dir, format!("cannot create the folder: {}", io_reason(&e)))
            })?;
        }
        let file = std::fs::File::create(&path).map_err(|e| cannot_write(&path, &e))?;
        Ok((path, file))
    }

    fn count(&self, relative: &str, stamp: FileStamp) {
        drop(self.counted(relative, stamp));
    }

    /// Counts a file carried over by leaving it in the output.
    fn count_in_output(&self, relative: &str, stamp: FileStamp) {
        let mut written = self.counted(relative, stamp);
        let index = written.stamps.len() - 1;
        written.in_output.push(index);
    }

    fn counted(&self, relative: &str, stamp: FileStamp) -> std::sync::MutexGuard<'_, Written> {
        self.bytes.fetch_add(stamp.size, Ordering::Relaxed);
        let mut written = self.written();
        if written
            .largest
            .as_ref()
            .is_none_or(|(_, size)| stamp.size > *size)
        {
            written.largest = Some((relative.to_owned(), stamp.size));
        }
        written.stamps.push((relative.to_owned(), stamp));
        written
    }

    fn written(&self) -> std::sync::MutexGuard<'_, Written> {
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What has been written so far: files, bytes, the largest file.
    pub(crate) fn totals(&self) -> (usize, u64, Option<(String, u64)>) {
        let written = self.written();
        (
            written.stamps.len(),
            self.bytes.load(Ordering::Relaxed),
            written.largest.clone(),
        )
    }

    /// Copies the theme's and the site's static files. Call before writing pages: a page at the
    /// same path as a static file wins.
    pub(crate) fn static_files(
        &self,
        files: &BTreeMap<String, StaticSource>,
    ) -> Result<(), Diagnostic> {
        for (relative, source) in files {
            match source {
                StaticSource::Embedded(bytes) => {
                    self.put(relative, bytes)?;
                }
                StaticSource::File(path) => {
                    let bytes = std::fs::read(path).map_err(|e| {
                        Diagnostic::system(
                            path,
                            format!("cannot read this file: {}", io_reason(&e)),
                        )
                    })?;
                    self.put(relative, &bytes)?;
                }
            }
        }
        Ok(())
    }

    /// Links (or copies) every rendition of every photo into the output: from the previous
    /// output when it has the file (names are content hashes, so the same name is the same
    /// bytes, and the output's sibling is always on the same disk), else from the image cache.
    /// The cache is not trusted: a name that is not a plain file name, or a cache entry that is
    /// not a plain file (a link), is refused, never followed.
    pub(crate) fn images(&self, images: &ImageSet) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        let dir = self.dir.join(IMAGES_SEGMENT);
        // Made here, once, rather than by each rendition at once; not made for a site without
        // photos, whose clean build has no such folder.
        if !images.files().is_empty() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                Diagnostic::system(&dir, format!("cannot create the folder: {}", io_reason(&e)))
            })?;
        }
        images.files().par_iter().try_for_each(|rendition| {
            let from = images.dir.join(&rendition.file);
            let damaged = || {
                Diagnostic::system(&from, "this file of the image cache is not one souk wrote")
                    .hint("delete the cache folder; the next build processes the photos again")
            };
            if !crate::fs::bare_name(&rendition.file) {
                return Err(damaged());
            }
            let relative = format!("{IMAGES_SEGMENT}/{}", rendition.file);
            let previous = self.lock.output().join(&relative);
            let in_output = std::fs::symlink_metadata(&previous)
                .ok()
                .filter(|m| m.is_file() && m.len() == rendition.bytes);
            if let Some(meta) = &in_output
                && self.in_place
            {
                self.count_in_output(&relative, FileStamp::of(meta));
                return Ok(());
            }
            if in_output.is_some() && self.carry(&previous, &relative, rendition.bytes).is_some() {
                return Ok(());
            }
            // A hard link costs nothing; the cache may be on another disk, then copy.
            match std::fs::symlink_metadata(&from) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => return Err(damaged()),
                Err(e) => {
                    return Err(Diagnostic::system(
                        &from,
                        format!("cannot copy this image: {}", io_reason(&e)),
                    ));
                }
            }
            if self.carry(&from, &relative, rendition.bytes).is_none() {
                return Err(
                    Diagnostic::system(&from, "cannot copy this image into the output")
                        .hint("check that the output folder is writable and the disk is not full"),
                );
            }
            Ok(())
        })
    }

    /// Puts the new files in place. Returns what was written, and every file with its stamp
    /// (unchanged by either way of putting them in place, which moves files and folders).
    ///
    /// When the files carried over stayed in the output (`in_place`) and at most
    /// [`MOVED_AT_MOST`] files are new (an edit: a page or a few, the feeds, the sitemaps),
    /// the output is patched: every file of it that this build did not make or keep is
    /// deleted, and each new file is moved in over the old one, souk's marker last. Each file
    /// is replaced whole, in one step; a build killed while moving leaves some files of this
    /// build and some of the previous one, every one whole and recorded with its own stamp,
    /// so the next build renders the ones that are not what it would make. Otherwise the kept
    /// files are linked into the staging folder and the two folders exchanged in one step.
    /// Patching saves linking every kept file and deleting the old tree: at N=10,000 products
    /// those were 31,277 links and as many deletions for an edit of one product.
    pub(crate) fn commit(mut self) -> Result<(WriteReport, Vec<(String, FileStamp)>), Diagnostic> {
        let (staged, in_output) = {
            let written = self.written();
            // The new files by name, which only a patch needs: not made when nothing stayed in
            // the output (a cold build's 31,000 paths, copied and sorted on one core at the
            // end of the build).
            let mut staged: Vec<String> = Vec::new();
            if !written.in_output.is_empty() {
                let mut kept = vec![false; written.stamps.len()];
                for &i in &written.in_output {
                    kept[i] = true;
                }
                staged = written
                    .stamps
                    .iter()
                    .zip(&kept)
                    .filter(|(_, kept)| !**kept)
                    .map(|((path, _), _)| path.clone())
                    .collect();
                staged.sort_unstable();
                staged.dedup();
            }
            let in_output: Vec<(usize, String, u64)> = written
                .in_output
                .iter()
                .map(|&i| (i, written.stamps[i].0.clone(), written.stamps[i].1.size))
                .collect();
            (staged, in_output)
        };
        if in_output.is_empty() || staged.len() > MOVED_AT_MOST {
            self.link_kept(&in_output)?;
            swap(&self.dir, self.lock.output())?;
        } else {
            self.patch(&staged)?;
        }
        self.committed = true;
        let stamps = std::mem::take(&mut self.written().stamps);
        let report = WriteReport {
            files: stamps.len(),
            bytes: self.bytes.load(Ordering::Relaxed),
        };
        Ok((report, stamps))
    }
}

impl Staging<'_> {
    /// Links the files carried over by staying in the output (`(index in the stamps, path,
    /// size)`) into the staging folder, before the two are exchanged. A file copied instead (a
    /// file system without hard links) is recorded with the copy's stamp.
    fn link_kept(&self, kept: &[(usize, String, u64)]) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        let copies = kept
            .par_iter()
            .map(|(index, relative, size)| {
                let from = self.lock.output().join(relative);
                let to = self.dir.join(relative);
                if let Some(dir) = to.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                if std::fs::hard_link(&from, &to).is_ok() {
                    return Ok(None);
                }
                let copied = std::fs::copy(&from, &to)
                    .ok()
                    .filter(|copied| copied == size)
                    .and_then(|_| std::fs::symlink_metadata(&to).ok());
                match copied {
                    Some(meta) => Ok(Some((*index, FileStamp::of(&meta)))),
                    None => Err(Diagnostic::system(
                        &from,
                        "this file of the previous output changed or went while souk was building",
                    )
                    .hint("build again; if it happens every time, check what else writes into the output folder")),
                }
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        let mut written = self.written();
        for (index, stamp) in copies.into_iter().flatten() {
            written.stamps[index].1 = stamp;
        }
        Ok(())
    }

    /// Moves the staged files into the output (see [`Staging::commit`]): first deletes what
    /// this build neither made nor kept, then moves each staged file in, the marker last.
    fn patch(&self, staged: &[String]) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        let output = self.lock.output();
        {
            let written = self.written();
            let wanted: std::collections::HashSet<&str> = written
                .stamps
                .iter()
                .map(|(path, _)| path.as_str())
                .collect();
            remove_others(output, "", &wanted);
        }
        let move_in = |relative: &String| {
            let from = self.dir.join(relative);
            let to = output.join(relative);
            let fail = |e: std::io::Error| {
                Diagnostic::system(
                    &to,
                    format!("cannot put this new file in the output: {}", io_reason(&e)),
                )
                .hint("check that the output folder is writable, then build again: the files already moved are whole, and the next build renders what is not up to date")
            };
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(fail)?;
            }
            std::fs::rename(&from, &to).map_err(fail)
        };
        staged
            .par_iter()
            .filter(|relative| relative.as_str() != MARKER)
            .try_for_each(move_in)?;
        if staged.iter().any(|relative| relative == MARKER) {
            move_in(&MARKER.to_owned())?;
        }
        remove_tree(&self.dir);
        Ok(())
    }
}

/// Deletes every file and link under `dir` (whose entries are named `prefix/…`) that is not in
/// `wanted`, and every folder left empty, folders in parallel; links are removed, never
/// followed. Returns whether `dir` is left empty. Best effort: what cannot be deleted stays.
fn remove_others(dir: &Path, prefix: &str, wanted: &std::collections::HashSet<&str>) -> bool {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
    let left = entries
        .par_iter()
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let relative = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            // The entry's own type: a link to a folder is removed, never followed.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let path = entry.path();
                !(remove_others(&path, &relative, wanted) && std::fs::remove_dir(&path).is_ok())
            } else {
                wanted.contains(relative.as_str()) || std::fs::remove_file(entry.path()).is_err()
            }
        })
        .count();
    left == 0
}

/// A file that could not be written, for the person building.
fn cannot_write(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::system(path, format!("cannot write the file: {}", io_reason(error)))
}

/// A writer that remembers whether a write into it failed: which of several files a failure
/// was in.
struct Noted<W> {
    inner: W,
    failed: bool,
}

impl<W: std::io::Write> std::io::Write for Noted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.failed |= flushed.is_err();
        flushed
    }
}

impl crate::output::Sink for Staging<'_> {
    fn put(&self, file: crate::output::OutputFile) -> Result<(), Diagnostic> {
        Staging::put(self, &file.path, &file.contents)
    }

    fn stream(
        &self,
        paths: &[&str],
        write: &mut dyn FnMut(&mut [&mut dyn std::io::Write]) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        Staging::stream(self, paths, write)
    }

    fn keep(&self, path: &str, stamp: &FileStamp) -> bool {
        Staging::keep(self, path, stamp)
    }

    fn keep_all(&self, files: &[(String, FileStamp)]) -> bool {
        Staging::keep_all(self, files)
    }

    fn previous(&self, path: &str, stamp: &FileStamp) -> Option<std::fs::File> {
        Staging::previous(self, path, stamp)
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if !self.committed {
            remove_tree(&self.dir);
        }
    }
}

/// Replaces `output` with `staging` so that there is an output folder at every moment: on Linux
/// the two are exchanged in one step (`renameat2` with `RENAME_EXCHANGE`) and the old one,
/// now at the staging path, is deleted. Where the system or the file system cannot exchange,
/// the old folder is renamed aside first and the new one renamed in: a build killed between
/// the two renames leaves no output folder until the next build, which also removes the
/// leftovers.
fn swap(staging: &Path, output: &Path) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::system(
            output,
            format!("cannot replace the output folder: {}", io_reason(&e)),
        )
    };
    if std::fs::symlink_metadata(output).is_err() {
        return std::fs::rename(staging, output).map_err(fail);
    }
    if exchange(staging, output) {
        remove_tree(staging);
        return Ok(());
    }
    let old = beside(output, &format!("old-{}", std::process::id()));
    std::fs::rename(output, &old).map_err(fail)?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(fail(e));
    }
    remove_tree(&old);
    Ok(())
}

/// Exchanges two folders atomically; false when the platform or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Deletes a folder and everything in it, folders in parallel: the previous output of a large
/// shop is tens of thousands of files, and deleting them one by one was a tenth of a rebuild.
/// Links are removed, never followed, the folder itself included. Best effort: what cannot be
/// deleted stays.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_file(dir);
        return;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.par_iter().for_each(|entry| {
            // The entry's own type: a link to a folder is removed, never followed.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&entry.path());
            } else {
                let _ = std::fs::remove_file(entry.path());
            }
        });
    }
    let _ = std::fs::remove_dir(dir);
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
