//! A fixture site copied into a temporary folder, changed file by file, built, and inspected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use souk::build::{BuildOptions, BuildReport, build};
use souk::diagnostics::Diagnostics;
use tempfile::TempDir;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub(crate) fn example_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

/// A copy of a fixture site that a test may change.
pub(crate) struct TestSite {
    dir: TempDir,
}

impl TestSite {
    /// A copy of `tests/fixtures/minimal`, the smallest complete site.
    pub(crate) fn minimal() -> Self {
        Self::copy_of(&fixtures().join("minimal"))
    }

    pub(crate) fn copy_of(source: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(source, &dir.path().join("site"));
        TestSite { dir }
    }

    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub(crate) fn output(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes (or replaces) a file of the site.
    pub(crate) fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Replaces `from` with `to` in a file of the site, checking that `from` is there.
    pub(crate) fn edit(&self, relative: &str, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(self.path(relative)).unwrap();
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, text.replacen(from, to, 1))
    }

    /// Dates every file of the site an hour back, as if written long before the next build: a
    /// file changed within two seconds of a build proves nothing by its stamp (another change
    /// in the same clock tick would keep it), so the build after that one reads everything.
    pub(crate) fn age(&self) -> &Self {
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in walkdir::WalkDir::new(self.root()) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                std::fs::File::options()
                    .write(true)
                    .open(entry.path())
                    .unwrap()
                    .set_modified(an_hour_ago)
                    .unwrap();
            }
        }
        self
    }

    pub(crate) fn remove(&self, relative: &str) -> &Self {
        let path = self.path(relative);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        self
    }

    pub(crate) fn options(&self) -> BuildOptions {
        BuildOptions {
            site: self.root(),
            output: Some(self.output()),
            base_url: None,
            cache_dir: Some(self.dir.path().join("cache")),
            theme: None,
            progress: None,
        }
    }

    pub(crate) fn build(&self) -> Result<BuildReport, Diagnostics> {
        build(&self.options())
    }

    /// Builds, expecting failure, and returns every diagnostic as printed, one per line.
    pub(crate) fn errors(&self) -> String {
        match self.build() {
            Ok(report) => panic!("the build succeeded: {}", report.summary()),
            Err(problems) => problems.to_string(),
        }
    }

    /// Builds, expecting success.
    pub(crate) fn built(&self) -> Built {
        match self.build() {
            Ok(report) => Built {
                root: report.output.clone(),
                report,
            },
            Err(problems) => panic!("the build failed:\n{problems}"),
        }
    }
}

/// The `souk` command built with the tests.
pub(crate) fn souk() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_souk"))
}

/// A finished build's output, for reading pages.
pub(crate) struct Built {
    pub(crate) root: PathBuf,
    pub(crate) report: BuildReport,
}

impl Built {
    pub(crate) fn page(&self, relative: &str) -> Html {
        let path = self.root.join(relative);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    /// Every HTML file of the output, relative, `/`-separated, sorted.
    pub(crate) fn html_files(&self) -> Vec<String> {
        files_under(&self.root)
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect()
    }
}

/// Every file of an output but souk's marker (which names the build), with its bytes.
/// The folders and files beside `output` that souk names (`.public.souk-new-…`, `-old-…`,
/// `-lock`), sorted: what a build leaves there.
pub(crate) fn souk_leftovers(output: &Path) -> Vec<String> {
    let mut left: Vec<String> = std::fs::read_dir(output.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("souk-"))
        .collect();
    left.sort();
    left
}

pub(crate) fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root)
        .into_iter()
        .filter(|f| f != ".souk-output")
        .map(|f| {
            let bytes = std::fs::read(root.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

pub(crate) fn files_under(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// The text of every element matching `selector`, whitespace collapsed.
pub(crate) fn texts(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_ascii_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The `attr` of every element matching `selector`.
pub(crate) fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .filter_map(|e| e.value().attr(attr))
        .map(str::to_owned)
        .collect()
}

/// `hreflang` → `href` of the language switcher.
pub(crate) fn switcher(html: &Html) -> BTreeMap<String, String> {
    let selector = Selector::parse("nav.langs a[hreflang]").unwrap();
    html.select(&selector)
        .map(|a| {
            (
                a.value().attr("hreflang").unwrap().to_owned(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every URL a page points at: links, images (all srcset candidates), stylesheets.
pub(crate) fn references(html: &Html) -> Vec<String> {
    let mut refs = attrs(html, "a[href]", "href");
    refs.extend(attrs(html, "img[src]", "src"));
    refs.extend(attrs(html, "link[href]", "href"));
    for set in attrs(html, "img[srcset], source[srcset]", "srcset") {
        refs.extend(
            set.split(',')
                .filter_map(|c| c.split_whitespace().next())
                .map(str::to_owned),
        );
    }
    refs
}

/// The output file a root-relative URL under `base_path` is served from, if it is one of ours.
pub(crate) fn file_for(root: &Path, base_path: &str, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next()?;
    let inside = path.strip_prefix(base_path)?;
    let decoded = percent_encoding::percent_decode_str(inside)
        .decode_utf8()
        .ok()?
        .into_owned();
    let file = root.join(&decoded);
    Some(if decoded.is_empty() || decoded.ends_with('/') {
        file.join("index.html")
    } else {
        file
    })
}

/// Copies a folder and everything in it.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `souk serve` running on a free port of 127.0.0.1, stopped when dropped.
pub(crate) struct Served {
    child: std::process::Child,
    pub(crate) port: u16,
}

impl Served {
    /// Starts `souk serve` with `args` (after `serve`) and waits until it answers `probe`.
    pub(crate) fn start(args: &[&str], probe: &str) -> Served {
        let port = free_port();
        let child = souk()
            .arg("serve")
            .args(args)
            .args(["--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let served = Served { child, port };
        for _ in 0..300 {
            if served.get(probe).is_some() {
                return served;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server did not start");
    }

    /// Sends `GET target` exactly as written (no client normalises it) with `Host: localhost`.
    pub(crate) fn get(&self, target: &str) -> Option<(u16, String)> {
        self.request(&format!("GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n"))
    }

    /// Sends a raw HTTP request; the status and the whole response.
    pub(crate) fn request(&self, raw: &str) -> Option<(u16, String)> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.write_all(raw.as_bytes()).ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).ok()?;
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response.split_whitespace().nth(1)?.parse().ok()?;
        Some((status, response))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
