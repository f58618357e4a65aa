//! The contract between the stages that make files and the one that writes them: what a file
//! of the output is, and where it goes. Owned by neither side, so that `render` (and `seo`) hand
//! files down without knowing `write`, and `write` takes them without knowing `render`; tests
//! give the renderer a sink in memory.

use crate::diagnostics::Diagnostic;
use crate::fs::FileStamp;

/// A file of the output, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputFile {
    /// Relative to the output folder, `/`-separated.
    pub(crate) path: String,
    pub(crate) contents: Vec<u8>,
}

/// Where made files go: the staging folder of a build ([`crate::write::Staging`]).
pub(crate) trait Sink: Sync {
    /// Writes a file.
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;
    /// Writes the files at `paths` (`/`-separated) with `write`, which is handed a writer into
    /// each, in the same order, and writes into them as it goes: for files too large to make in
    /// memory first, made together from the same rows (a language's product feeds).
    fn stream(
        &self,
        paths: &[&str],
        write: &mut dyn FnMut(&mut [&mut dyn std::io::Write]) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic>;
    /// Carries the previous build's file at `path`, recorded with `stamp`, over unchanged;
    /// false when it cannot (it is not that file any more), and the page is rendered after all.
    fn keep(&self, path: &str, stamp: &FileStamp) -> bool;
    /// Carries all of the previous build's `files` (path and recorded stamp) over unchanged,
    /// or none: false when one of them cannot be, and all are made again.
    fn keep_all(&self, files: &[(String, FileStamp)]) -> bool;
    /// The previous build's file at `path`, open for reading, if it is still exactly the file
    /// recorded as `stamp`: what a new file may copy parts of.
    fn previous(&self, path: &str, stamp: &FileStamp) -> Option<std::fs::File>;
}
