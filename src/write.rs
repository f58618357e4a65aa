//! The only module that writes the output folder. Everything is written into a fresh sibling
//! folder first and swapped in at the end, so a failed build leaves the previous site intact.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::diagnostics::Diagnostic;
use crate::fs::io_reason;
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
    pub files: usize,
    pub bytes: u64,
}

/// Checks that `output` is a folder souk may replace: not the site, not one of its content
/// folders, not a folder of someone else's files.
pub fn check_output(site: &Path, output: &Path) -> Result<(), Diagnostic> {
    let site = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let output_abs = absolute(output);
    let refuse = |why: String| {
        Diagnostic::error(output, why)
            .hint("build into a folder of its own, e.g. `--output public` (the default)")
    };
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
        let sources = [
            "products",
            "categories",
            "producers",
            "pages",
            "home",
            "static",
            "templates",
            "themes",
            "i18n",
            crate::config::CONFIG_FILE,
        ];
        if sources.contains(&first.as_str()) {
            return Err(refuse(format!(
                "the output folder is inside the site's `{first}`, which a build would replace"
            )));
        }
    }
    if output_abs.is_dir() {
        let mut entries = std::fs::read_dir(&output_abs).map_err(|e| {
            Diagnostic::error(
                output,
                format!("cannot read the output folder: {}", io_reason(&e)),
            )
        })?;
        let empty = entries.next().is_none();
        if !empty && !output_abs.join(MARKER).exists() {
            return Err(Diagnostic::error(output, "this folder is not empty and was not made by souk, so souk will not replace it")
                .hint("choose an empty or new folder with `--output`, or delete this one yourself if its files are not needed"));
        }
    } else if output_abs.exists() {
        return Err(refuse("the output path is a file, not a folder".to_owned()));
    }
    Ok(())
}

/// A fresh folder beside the output that the build fills, swapped in by [`Staging::commit`].
/// Dropped without commit (a failed build), it is deleted and the output is untouched.
pub struct Staging {
    id: String,
    dir: PathBuf,
    output: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder beside `output`, with souk's marker file in it.
    pub fn new(output: &Path) -> Result<Staging, Diagnostic> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_owned());
        std::fs::create_dir_all(&parent).map_err(|e| {
            Diagnostic::error(
                &parent,
                format!("cannot create the folder: {}", io_reason(&e)),
            )
        })?;
        let dir = parent.join(format!(".{name}.souk-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| {
                Diagnostic::error(
                    &dir,
                    format!("cannot clear a leftover folder: {}", io_reason(&e)),
                )
            })?;
        }
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
            output,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            committed: false,
        };
        staging.put(MARKER, marker_text(&staging.id).as_bytes())?;
        Ok(staging)
    }

    /// The id written into this output's marker: names this build's output for the next one.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Carries `relative` over from the current output folder (the previous build) if it is
    /// there with `size` bytes: a hard link, or a copy across disks. False when it cannot be,
    /// and the page must be rendered.
    pub fn keep(&self, relative: &str, size: u64) -> bool {
        let from = self.output.join(relative);
        match std::fs::symlink_metadata(&from) {
            Ok(meta) if meta.is_file() && meta.len() == size => {}
            _ => return false,
        }
        let to = self.dir.join(relative);
        if let Some(dir) = to.parent()
            && std::fs::create_dir_all(dir).is_err()
        {
            return false;
        }
        let carried = std::fs::hard_link(&from, &to).is_ok()
            || std::fs::copy(&from, &to).is_ok_and(|copied| copied == size);
        if carried {
            self.count(size);
        }
        carried
    }

    /// Writes one file (from any thread); `relative` is `/`-separated.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.dir.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(dir, format!("cannot create the folder: {}", io_reason(&e)))
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            Diagnostic::error(&path, format!("cannot write the file: {}", io_reason(&e)))
        })?;
        self.count(bytes.len() as u64);
        Ok(())
    }

    fn count(&self, bytes: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Copies the theme's and the site's static files. Call before writing pages: a page at the
    /// same path as a static file wins.
    pub fn static_files(&self, files: &BTreeMap<String, StaticSource>) -> Result<(), Diagnostic> {
        for (relative, source) in files {
            match source {
                StaticSource::Embedded(bytes) => self.put(relative, bytes)?,
                StaticSource::File(path) => {
                    let bytes = std::fs::read(path).map_err(|e| {
                        Diagnostic::error(path, format!("cannot read this file: {}", io_reason(&e)))
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
    pub fn images(&self, images: &ImageSet) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        let dir = self.dir.join(IMAGES_SEGMENT);
        std::fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::error(&dir, format!("cannot create the folder: {}", io_reason(&e)))
        })?;
        let mut files: Vec<&crate::images::Rendition> = images
            .images
            .iter()
            .flat_map(|p| p.renditions.iter().chain(&p.social))
            .collect();
        // Two products may share a photo: each file once.
        files.sort_unstable_by(|a, b| a.file.cmp(&b.file));
        files.dedup_by(|a, b| a.file == b.file);
        files.par_iter().try_for_each(|rendition| {
            if self.keep(
                &format!("{IMAGES_SEGMENT}/{}", rendition.file),
                rendition.bytes,
            ) {
                return Ok(());
            }
            // A hard link costs nothing; the cache may be on another disk, then copy.
            let from = images.dir.join(&rendition.file);
            let to = dir.join(&rendition.file);
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).map_err(|e| {
                    Diagnostic::error(&from, format!("cannot copy this image: {}", io_reason(&e)))
                })?;
            }
            self.count(rendition.bytes);
            Ok(())
        })
    }

    /// Swaps the staging folder in place of the output.
    pub fn commit(mut self) -> Result<WriteReport, Diagnostic> {
        swap(&self.dir, &self.output)?;
        self.committed = true;
        Ok(WriteReport {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, file: crate::render::OutputFile) -> Result<(), Diagnostic> {
        Staging::put(self, &file.path, &file.contents)
    }

    fn keep(&self, path: &str, size: u64) -> bool {
        Staging::keep(self, path, size)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Replaces `output` with `staging`: the old folder is moved aside, the new one renamed in, and
/// only then is the old one deleted.
fn swap(staging: &Path, output: &Path) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(
            output,
            format!("cannot replace the output folder: {}", io_reason(&e)),
        )
    };
    if output.exists() {
        let old = output.with_file_name(format!(
            ".{}.souk-old-{}",
            output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        std::fs::rename(output, &old).map_err(fail)?;
        if let Err(e) = std::fs::rename(staging, output) {
            let _ = std::fs::rename(&old, output);
            return Err(fail(e));
        }
        remove_tree(&old);
    } else {
        std::fs::rename(staging, output).map_err(fail)?;
    }
    Ok(())
}

/// Deletes a folder and everything in it, folders in parallel: the previous output of a large
/// shop is tens of thousands of files, and deleting them one by one was a tenth of a rebuild.
/// Best effort: what cannot be deleted stays.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
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
