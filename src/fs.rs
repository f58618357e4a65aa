//! Reading input files, with errors that name the path, and writing souk's own cache files.
//!
//! Only `config`, `source`, `theme` and `images` read input, and they do it through here.

use std::path::Path;

use crate::diagnostics::{Diagnostic, relative};

/// The largest text file souk reads (a product description is a few kilobytes).
pub const MAX_TEXT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a UTF-8 text file under `root`, naming it relative to `root` on failure.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let shown = relative(root, path);
    if !inside(root, path) {
        return Err(Diagnostic::error(
            &shown,
            "this file is a link to a file outside the site, which souk does not read",
        )
        .hint("copy the file itself into the site instead of linking to it"));
    }
    let metadata = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(&shown, format!("cannot read this file: {}", io_reason(&e)))
    })?;
    if metadata.len() > MAX_TEXT_FILE_BYTES {
        return Err(Diagnostic::error(
            &shown,
            format!(
                "this file is {} bytes, more than the {} bytes souk reads from a text file",
                metadata.len(),
                MAX_TEXT_FILE_BYTES
            ),
        )
        .hint("split the text, or check that this is the file you meant"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(&shown, format!("cannot read this file: {}", io_reason(&e)))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            &shown,
            format!(
                "this file is not valid UTF-8 text (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .hint("save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")
    })?;
    // A byte-order mark at the start is harmless: editors on Windows add one.
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
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

/// Writes through a temporary file and a rename, so a crash never leaves half a file. The
/// temporary name is unique per call: two threads may write the same file at once (two
/// products sharing a photo write the same renditions; the last rename wins, the bytes are
/// identical).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
