//! `souk serve` as a volunteer uses it: edit a file, see the page change; break a file, see the
//! error over the page; fix it, see it go; the reload script only ever in what the server sends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::harness::{TestSite, souk};

/// How long a rebuild may take before a test gives up: generous, for a loaded CI machine.
/// The speed itself is measured by the benchmark, not here.
const PATIENCE: Duration = Duration::from_secs(30);

/// `souk serve` with its terminal output collected line by line.
struct Dev {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Dev {
    /// Starts `souk serve SITE ARGS…` and waits for the line that gives its address.
    fn start(site: &Path, args: &[&str]) -> Dev {
        let mut child = souk()
            .arg("serve")
            .arg(site)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        let mut dev = Dev {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = dev.wait_for_line("serving the shop at http://");
        let address = line.split("http://").nth(1).unwrap();
        let port = address.split(['/', ' ']).next().unwrap();
        dev.port = port.rsplit(':').next().unwrap().parse().unwrap();
        dev
    }

    /// Waits for a line of output containing `text`; the line.
    fn wait_for_line(&mut self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "souk serve never said {text:?}; it said:\n{}",
            self.seen.join("\n")
        );
    }

    fn get(&self, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
        (status, body)
    }

    /// Listens to the reload stream as an open page does.
    fn events(&self, base: &str) -> Events {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut writer = stream.try_clone().unwrap();
        write!(
            writer,
            "GET {base}__souk/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next generation the server announces.
    fn next(&mut self) -> u64 {
        let mut line = String::new();
        let deadline = Instant::now() + PATIENCE;
        loop {
            // The server's keep-alive comments come every 15 s: they are not an answer.
            assert!(Instant::now() < deadline, "no new build was announced");
            line.clear();
            let read = self.reader.read_line(&mut line).unwrap();
            assert!(read > 0, "the reload stream ended");
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                return data.parse().unwrap();
            }
        }
    }
}

/// The `data-generation` of the reload script in a served page.
fn generation(page: &str) -> u64 {
    let at = page
        .find("data-generation=\"")
        .expect("no reload script in the page")
        + 17;
    page[at..].split('"').next().unwrap().parse().unwrap()
}

const PRODUCT: &str = "products/argan-oil/product.yaml";

#[test]
fn an_edit_reloads_the_page_with_the_new_price_and_a_broken_one_shows_the_error_until_fixed() {
    let site = TestSite::minimal();
    let mut dev = Dev::start(&site.root(), &["--port", "0"]);
    let (status, page) = dev.get("/products/argan-oil/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("234,50"), "{page}");
    assert_eq!(generation(&page), 1);
    assert!(page.contains("<script src=\"/__souk/live.js\" data-events=\"/__souk/live\""));
    let mut events = dev.events("/");
    assert_eq!(events.next(), 1);

    // A price change: rebuilt, announced, served.
    site.edit(PRODUCT, "price: \"1234.50\"", "price: \"990\"");
    assert_eq!(events.next(), 2);
    let (_, page) = dev.get("/products/argan-oil/");
    assert!(page.contains("990,00"), "{page}");
    assert!(!page.contains("souk-overlay"));
    assert_eq!(generation(&page), 2);
    // An incremental build: the pages that do not show the price are carried over.
    // (The first build's line may come after the address: the two are on stdout and stderr.)
    let built = dev.wait_for_line(" unchanged, ");
    assert!(
        built.starts_with("built ") && built.contains(" rendered, "),
        "{built}"
    );

    // A broken save: the last good page, with the error over it.
    site.edit(PRODUCT, "price: \"990\"", "price: \"9,90\"");
    assert_eq!(events.next(), 3);
    let (_, page) = dev.get("/products/argan-oil/");
    assert!(
        page.contains("990,00"),
        "the last good build is served: {page}"
    );
    assert!(
        page.contains("<div id=\"souk-overlay\" role=\"alert\" lang=\"en\">"),
        "{page}"
    );
    assert!(
        page.contains("<code dir=\"ltr\">products/argan-oil/product.yaml:3:8</code>"),
        "{page}"
    );
    dev.wait_for_line("build failed with 1 error");
    // Every page shows it, in its own direction (the overlay inherits the page's).
    let (_, arabic) = dev.get("/ar/");
    assert!(arabic.contains("dir=\"rtl\""));
    assert!(arabic.contains("souk-overlay"));

    // The fix: the error is gone, the new price is there.
    site.edit(PRODUCT, "price: \"9,90\"", "price: \"9.90\"");
    assert_eq!(events.next(), 4);
    let (_, page) = dev.get("/products/argan-oil/");
    assert!(page.contains("9,90"), "{page}");
    assert!(!page.contains("souk-overlay"), "{page}");
}

#[test]
fn a_site_that_never_built_shows_its_errors_and_recovers() {
    let site = TestSite::minimal();
    site.edit(PRODUCT, "price: \"1234.50\"", "price: [oops");
    let mut dev = Dev::start(&site.root(), &["--port", "0"]);
    let (status, page) = dev.get("/products/argan-oil/");
    assert_eq!(status, 500);
    assert!(page.contains("souk-overlay"), "{page}");
    assert!(page.contains("products/argan-oil/product.yaml"), "{page}");
    let mut events = dev.events("/");
    let first = events.next();
    site.edit(PRODUCT, "price: [oops", "price: \"12\"");
    assert_eq!(events.next(), first + 1);
    dev.wait_for_line("built ");
    let (status, page) = dev.get("/products/argan-oil/");
    assert_eq!(status, 200);
    assert!(!page.contains("souk-overlay"));
}

#[test]
fn a_taken_port_is_said_and_the_next_free_one_is_used() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = TestSite::minimal();
    let dev = Dev::start(&site.root(), &["--port", &port.to_string(), "--no-watch"]);
    assert!(
        dev.seen
            .iter()
            .any(|l| l == &format!("port {port} is taken: serving on the next free one")),
        "{:?}",
        dev.seen
    );
    assert_ne!(dev.port, port);
    assert!(dev.port > port && dev.port < port + 20);
    assert_eq!(dev.get("/").0, 200);
    drop(taken);
}

#[test]
fn sub_path_sites_reload_under_their_path_and_the_build_output_has_no_reload_script() {
    let site = TestSite::minimal();
    let dev = Dev::start(
        &site.root(),
        &["--port", "0", "--base-url", "https://user.github.io/coop/"],
    );
    let (status, page) = dev.get("/coop/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<script src=\"/coop/__souk/live.js\" data-events=\"/coop/__souk/live\""),
        "{page}"
    );
    let (status, script) = dev.get("/coop/__souk/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("new EventSource"));
    let mut events = dev.events("/coop/");
    assert_eq!(events.next(), 1);
    drop(dev);

    // What serve wrote is what build writes: no file of the output mentions the server.
    let output = site.root().join("public");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&output) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("__souk"), "{}", entry.path().display());
            pages += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(pages > 5);
}

/// souk turns transparent huge pages off for itself (see `without_huge_pages` in main.rs):
/// the kernel says so of the running process.
#[cfg(target_os = "linux")]
#[test]
fn souk_runs_without_transparent_huge_pages() {
    let site = TestSite::minimal();
    let dev = Dev::start(&site.root(), &["--port", "0"]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", dev.child.id())).unwrap();
    let thp = status
        .lines()
        .find_map(|line| line.strip_prefix("THP_enabled:"))
        .map(str::trim);
    assert_eq!(thp, Some("0"), "{status}");
}
