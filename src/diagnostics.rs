//! Problems found in a site, reported to the person who wrote it.
//!
//! Loading never stops at the first problem: every stage collects [`Diagnostic`]s and the build
//! fails once, with all of them. A diagnostic names the file (relative to the site), the line and
//! column where known, says what is wrong in plain words and, where we can tell, how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site is published, but something is probably not what the author wanted.
    Warning,
    /// The site cannot be built until this is fixed.
    Error,
}

/// A line and column in a text file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// Line number, 1 for the first line.
    pub line: u64,
    /// Column on that line, 1 for the first.
    pub column: u64,
}

/// One problem, with where it is and how to fix it. What it says is printable as it is: control
/// and bidi characters from content (a file name, a slug) are written as escapes (`\u{1b}`),
/// in the message and hint when it is made, in the file name when it is shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// An error stops the build; a warning does not.
    pub severity: Severity,
    /// The file, relative to the site folder when it is inside it.
    #[serde(serialize_with = "printable_path")]
    pub file: PathBuf,
    /// Where in the file, when known (a YAML problem knows it, a missing file does not).
    pub position: Option<Position>,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it, where souk can tell.
    pub hint: Option<String>,
    /// Whether the site's content is at fault, or the computer (a disk, a permission, a
    /// port): the command line exits 1 for the first and 2 for the second.
    #[serde(skip)]
    pub origin: Origin,
}

/// Who can fix a problem.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// The site's files: the person who edits them.
    #[default]
    Content,
    /// The person running souk, on this computer: a command's options, a file or folder
    /// that cannot be read or written, a port that cannot be listened on.
    System,
}

impl Diagnostic {
    /// A problem in `file` that stops the build.
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            position: None,
            message: printable(message.into()),
            hint: None,
            origin: Origin::Content,
        }
    }

    /// An error of the command or the computer rather than of the site's content: an option
    /// that is wrong, a file that cannot be read or written, a folder that cannot be made.
    pub fn system(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            origin: Origin::System,
            ..Self::error(file, message)
        }
    }

    /// A problem in `file` that does not stop the build.
    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }

    /// Sets the line and column the problem is at, when known.
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(printable(hint.into()));
        self
    }

    /// True when this stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{label}: {}",
            crate::text::printable(&self.file.to_string_lossy())
        )?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem a stage found, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    all: Vec<Diagnostic>,
    /// How many of them are errors, kept as they come: the resolver asks after every product,
    /// and counting a list holding a warning per product made a 100,000-product load quadratic.
    errors: usize,
}

impl serde::Serialize for Diagnostics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.all.serialize(serializer)
    }
}

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.errors += usize::from(diagnostic.is_error());
        self.all.push(diagnostic);
    }

    /// Adds every problem of `other`, in its order.
    pub fn extend(&mut self, other: Diagnostics) {
        self.errors += other.errors;
        self.all.extend(other.all);
    }

    /// True when one of the problems stops the build.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// True when one of the errors is this computer's (see [`Origin::System`]).
    pub fn has_system_errors(&self) -> bool {
        self.all
            .iter()
            .any(|d| d.is_error() && d.origin == Origin::System)
    }

    /// How many problems stop the build: comparing counts tells whether a step found new ones.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// True when there is no problem at all, not even a warning.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Every problem, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.all.iter()
    }

    /// The problems that do not stop the build, in order.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.all.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file and position so that reports read top to bottom, and stay stable across
    /// runs even when stages run in parallel.
    pub fn sort(&mut self) {
        self.all.sort_by(|a, b| {
            (&a.file, a.position, b.severity, &a.message)
                .cmp(&(&b.file, b.position, a.severity, &b.message))
        });
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut one = Self::new();
        one.push(diagnostic);
        one
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.all.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.all {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

fn printable(text: String) -> String {
    match crate::text::printable(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

fn printable_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&crate::text::printable(&path.to_string_lossy()))
}

/// The suggestion for a misspelt name among the known ones, if one is close enough.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| {
            // Jaro-Winkler ranks long names well; one typo (a swap, a missing or extra letter)
            // in a short name such as a language code needs an edit distance.
            let one_typo =
                strsim::osa_distance(wrong, candidate) <= 1 && candidate.chars().count() > 1;
            let score =
                strsim::jaro_winkler(wrong, candidate).max(if one_typo { 0.85 } else { 0.0 });
            (score, candidate)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `path` relative to `root` for messages, or as given when it is elsewhere.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_count_follows_every_way_problems_come_in() {
        let mut problems = Diagnostics::new();
        problems.push(Diagnostic::warning("a.yaml", "w"));
        assert!(!problems.has_errors());
        problems.push(Diagnostic::error("b.yaml", "e"));
        let mut more = Diagnostics::from(Diagnostic::error("c.yaml", "e"));
        more.push(Diagnostic::warning("d.yaml", "w"));
        problems.extend(more);
        problems.sort();
        assert_eq!(problems.error_count(), 2);
        assert!(problems.has_errors());
        assert_eq!(problems.warnings().count(), 2);
        assert_eq!(
            serde_json::to_value(&problems)
                .unwrap()
                .as_array()
                .map(Vec::len),
            Some(4)
        );
    }
}
