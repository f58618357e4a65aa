//! Watching a site's sources for `souk serve`: every file and folder of the site but its output,
//! its cache and hidden entries (`.git`, souk's own staging and lock files), plus a theme folder
//! outside the site. An editor's save is a burst of events (a temporary file, a rename, a
//! change of attributes); they are gathered into one change.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

/// How long the sources must be quiet before a change is rebuilt: long enough for an editor's
/// save (write a temporary file, rename it over the old one), short enough not to be noticed.
const QUIET: Duration = Duration::from_millis(60);
/// The longest a change waits for quiet: a tool writing files without pause (a copy of a whole
/// folder) still gets a build every so often.
const AT_MOST: Duration = Duration::from_millis(600);

/// The watched sources of one site.
pub(super) struct Sources {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    site: PathBuf,
    ignored: Vec<PathBuf>,
}

impl Sources {
    /// Watches `site` (absolute) but the `ignored` paths inside it, and each of `extra` (a theme
    /// outside the site).
    pub(super) fn watch(
        site: &Path,
        ignored: Vec<PathBuf>,
        extra: &[PathBuf],
    ) -> Result<Sources, String> {
        let (sender, events) = channel();
        // Links are never followed: souk reads no file through one (docs/security.md), and a
        // link in hostile content could make the watcher walk the whole disk.
        let watcher = notify::RecommendedWatcher::new(
            move |event| {
                // The receiver is gone only when the server stops.
                let _ = sender.send(event);
            },
            notify::Config::default().with_follow_symlinks(false),
        )
        .map_err(|e| format!("cannot watch the site's files: {e}"))?;
        let mut sources = Sources {
            watcher,
            events,
            site: site.to_path_buf(),
            ignored,
        };
        // The site folder itself, not its subfolders: so that a new folder (a first `pages/`) is
        // seen, without watching the output and the cache, which every build rewrites.
        sources
            .watcher
            .watch(site, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", site.display()))?;
        let entries = std::fs::read_dir(site).map_err(|e| {
            format!(
                "cannot read {}: {}",
                site.display(),
                crate::fs::io_reason(&e)
            )
        })?;
        for entry in entries.flatten() {
            sources.add(&entry.path());
        }
        for folder in extra {
            sources
                .watcher
                .watch(folder, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
        }
        Ok(sources)
    }

    /// Watches a folder at the top of the site (with all it holds), when it is a source.
    fn add(&mut self, path: &Path) {
        let folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if folder && self.is_source(path) {
            // A folder removed meanwhile needs no watching.
            let _ = self.watcher.watch(path, RecursiveMode::Recursive);
        }
    }

    /// Whether a change of `path` can change the site: not the output, the cache, a hidden
    /// entry or an editor's temporary file.
    fn is_source(&self, path: &Path) -> bool {
        if self.ignored.iter().any(|ignored| path.starts_with(ignored)) {
            return false;
        }
        let inside = path.strip_prefix(&self.site).unwrap_or(path);
        let hidden = inside.components().any(|c| {
            let name = c.as_os_str().to_string_lossy();
            name.starts_with('.') || name.starts_with('#')
        });
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let temporary = name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".tmp")
            || name == "4913";
        !hidden && !temporary
    }

    /// Blocks until some source changed, then until the burst of events is over; the changed
    /// paths (relative to the site where they are in it). `Err` when the watcher stopped.
    pub(super) fn next_change(&mut self) -> Result<Vec<PathBuf>, String> {
        let mut changed = Vec::new();
        let mut first: Option<Instant> = None;
        loop {
            let wait = match first {
                None => Duration::from_secs(3600),
                Some(at) => QUIET.min(AT_MOST.saturating_sub(at.elapsed())),
            };
            match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => {
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    for path in event.paths {
                        if !self.is_source(&path) {
                            continue;
                        }
                        if path.parent() == Some(self.site.as_path()) {
                            self.add(&path);
                        }
                        let shown = path.strip_prefix(&self.site).unwrap_or(&path).to_path_buf();
                        if !changed.contains(&shown) {
                            changed.push(shown);
                        }
                        first.get_or_insert_with(Instant::now);
                    }
                }
                // A watcher error (too many folders for the system's limit): the caller says it.
                Ok(Err(error)) => return Err(format!("watching the site's files: {error}")),
                Err(RecvTimeoutError::Timeout) if first.is_some() => {
                    // An editor's temporary file (`sedUQi4EC`, `.x.swp`) is gone by now: the
                    // files still there are the ones to name, unless all were removed.
                    let site = &self.site;
                    let (there, gone): (Vec<PathBuf>, Vec<PathBuf>) =
                        changed.into_iter().partition(|p| site.join(p).exists());
                    return Ok(if there.is_empty() { gone } else { there });
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the watcher of the site's files stopped".to_owned());
                }
            }
        }
    }
}
