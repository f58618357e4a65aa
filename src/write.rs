//! The only module that writes the output folder. Everything is written into a fresh sibling
//! folder first and swapped in at the end, so a failed build leaves the previous site intact.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fs::io_reason;
use crate::images::ImageSet;
use crate::model::IMAGES_SEGMENT;
use crate::render::OutputFile;
use crate::theme::StaticSource;

/// A file souk leaves in every output folder it makes; souk only ever replaces a folder that
/// has it (or an empty one).
pub const MARKER: &str = ".souk-output";

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    pub files: usize,
    pub bytes: u64,
}

/// Everything that goes into the output folder.
pub struct Output<'a> {
    pub pages: &'a [OutputFile],
    pub static_files: &'a std::collections::BTreeMap<String, StaticSource>,
    pub images: &'a ImageSet,
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

/// Writes the site into a staging folder beside `output`, then swaps it in.
pub fn write(output: &Path, files: &Output) -> Result<WriteReport, Diagnostics> {
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
    let staging = parent.join(format!(".{name}.souk-new-{}", std::process::id()));
    let result = fill(&staging, files);
    let report = match result {
        Ok(report) => report,
        Err(problem) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(problem.into());
        }
    };
    swap(&staging, &output).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    Ok(report)
}

fn fill(staging: &Path, output: &Output) -> Result<WriteReport, Diagnostic> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(|e| {
            Diagnostic::error(
                staging,
                format!("cannot clear a leftover folder: {}", io_reason(&e)),
            )
        })?;
    }
    let mut report = WriteReport { files: 0, bytes: 0 };
    let mut put = |relative: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        let path = staging.join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(dir, format!("cannot create the folder: {}", io_reason(&e)))
            })?;
        }
        std::fs::write(&path, bytes).map_err(|e| {
            Diagnostic::error(&path, format!("cannot write the file: {}", io_reason(&e)))
        })?;
        report.files += 1;
        report.bytes += bytes.len() as u64;
        Ok(())
    };
    put(
        MARKER,
        b"This folder is written by souk. It is replaced on every build.\n",
    )?;
    for (relative, source) in output.static_files {
        match source {
            StaticSource::Embedded(bytes) => put(relative, bytes)?,
            StaticSource::File(path) => {
                let bytes = std::fs::read(path).map_err(|e| {
                    Diagnostic::error(path, format!("cannot read this file: {}", io_reason(&e)))
                })?;
                put(relative, &bytes)?;
            }
        }
    }
    // Pages after static files: a page and a static file at the same path is the page.
    for file in output.pages {
        put(&file.path, &file.contents)?;
    }
    let images_dir = staging.join(IMAGES_SEGMENT);
    std::fs::create_dir_all(&images_dir).map_err(|e| {
        Diagnostic::error(
            &images_dir,
            format!("cannot create the folder: {}", io_reason(&e)),
        )
    })?;
    for processed in &output.images.images {
        for rendition in processed.renditions.iter().chain(&processed.social) {
            let from = output.images.dir.join(&rendition.file);
            let to = images_dir.join(&rendition.file);
            if to.exists() {
                continue;
            }
            // A hard link costs nothing; the cache may be on another disk, then copy.
            let size = match std::fs::hard_link(&from, &to) {
                Ok(()) => std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0),
                Err(_) => std::fs::copy(&from, &to).map_err(|e| {
                    Diagnostic::error(&from, format!("cannot copy this image: {}", io_reason(&e)))
                })?,
            };
            report.files += 1;
            report.bytes += size;
        }
    }
    Ok(report)
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
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, output).map_err(fail)?;
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
