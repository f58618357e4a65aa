//! `souk serve`: builds the site, serves it on this computer under the site's `base_url` path
//! (so `/repo/` sub-paths are tried out for real), and rebuilds it whenever a source changes,
//! reloading the open pages. A broken change keeps the last good build on screen, with the
//! errors over it, until the next good save.
//!
//! Rebuilds are ordinary builds ([`crate::build::build`]): what is written is exactly what
//! `souk build` writes, and only the pages whose inputs changed are rendered again (the page
//! record of [`crate::incremental`]). What the server adds, the reload script and the overlay,
//! is added to each HTML response as it goes out ([`live`]), never to the output folder.

mod files;
mod http;
mod live;
mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::Response;

use crate::build::{BuildOptions, BuildReport};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub use files::{host_allowed, resolve};
pub use live::OVERLAY_ID;

/// What to serve, where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The builds: site, output, cache, theme, base URL.
    pub build: BuildOptions,
    /// The address to listen on: `127.0.0.1` (this computer only) unless asked otherwise;
    /// `0.0.0.0` also answers phones on the same network.
    pub bind: IpAddr,
    /// The port asked for; when it is taken, the next free one (see [`PORTS_TRIED`]).
    pub port: u16,
    /// Rebuild when a source changes and reload the open pages (off: serve the first build's
    /// files exactly as they are, with no reload script).
    pub watch: bool,
}

/// How many ports from the one asked are tried before giving up.
pub const PORTS_TRIED: u16 = 20;

/// What the server tells the person running it. The library never prints; the command line
/// says these.
#[derive(Debug)]
pub enum Event<'a> {
    /// The first build is done and the server answers at `address`.
    Listening {
        /// `http://127.0.0.1:8000/base/`.
        address: String,
        /// The same on this computer's network address, for a phone on the same Wi-Fi, when
        /// listening on every address.
        network: Option<String>,
        /// The port asked for, when it was taken and another one is used.
        taken: Option<u16>,
    },
    /// Sources changed (paths relative to the site): a rebuild starts.
    Changed(&'a [PathBuf]),
    /// A build succeeded; open pages reload.
    Built(&'a BuildReport),
    /// A build failed: the last good one is still served, with these errors over its pages.
    Failed(&'a Diagnostics),
    /// Watching the sources had a problem; serving goes on.
    Trouble(&'a str),
}

/// Builds, serves and rebuilds until the process is stopped. `Err` only when it cannot start
/// (no port, nothing to watch); a failed build is an [`Event::Failed`], not the end.
pub fn serve(
    options: &ServeOptions,
    on_event: &(dyn Fn(Event<'_>) + Sync),
) -> Result<(), Diagnostic> {
    let (listener, taken) = listen(options.bind, options.port)?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(options.port);
    let site = std::path::absolute(&options.build.site).unwrap_or(options.build.site.clone());
    let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let ignored = vec![
        absolute(options.build.output_dir()),
        absolute(options.build.cache_dir()),
    ];
    let extra: Vec<PathBuf> = options.build.theme.iter().cloned().map(absolute).collect();
    // Watching starts before the first build: a file saved while it runs is not missed.
    let mut sources = if options.watch {
        Some(
            watch::Sources::watch(&site, ignored, &extra)
                .map_err(|message| Diagnostic::system(&options.build.site, message))?,
        )
    } else {
        None
    };
    let live = Arc::new(Live {
        watching: options.watch,
        ..Live::default()
    });
    // The output of an earlier build is the last good one until this server makes its own: a
    // mistake left in the files when the server was stopped still shows over the shop.
    let output = options.build.output_dir();
    if crate::write::output_id(&output).is_some() {
        live.state().root = output.canonicalize().ok();
    }
    rebuild(&live, &options.build, on_event);

    let base_path = live.state().base_path.clone();
    let shown = |ip: IpAddr| format!("http://{}{base_path}", SocketAddr::new(ip, port));
    let local = if options.bind.is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        options.bind
    };
    on_event(Event::Listening {
        address: shown(local),
        network: options
            .bind
            .is_unspecified()
            .then(network_address)
            .flatten()
            .map(shown),
        taken,
    });

    let answering = Arc::clone(&live);
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            let Ok(mut stream) = connection else {
                continue;
            };
            let live = Arc::clone(&answering);
            // One thread a connection, each closed after its response: no connection waits
            // for another, and the reload stream of each open tab holds its own.
            std::thread::spawn(move || answer(&live, &mut stream));
        }
    });

    let Some(sources) = sources.as_mut() else {
        loop {
            std::thread::park();
        }
    };
    loop {
        match sources.next_change() {
            Ok(changed) => {
                on_event(Event::Changed(&changed));
                rebuild(&live, &options.build, on_event);
            }
            Err(trouble) => {
                on_event(Event::Trouble(&trouble));
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// A listener on `port` of `bind`, else on the next free port after it: the listener and the
/// port asked for when it was taken.
fn listen(bind: IpAddr, port: u16) -> Result<(TcpListener, Option<u16>), Diagnostic> {
    let mut last = None;
    for offset in 0..PORTS_TRIED {
        let Some(candidate) = port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind((bind, candidate)) {
            Ok(listener) => return Ok((listener, (offset > 0).then_some(port))),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => last = Some(e),
            Err(e) => {
                return Err(Diagnostic::system(
                    "souk serve",
                    format!(
                        "cannot listen on {bind} port {candidate}: {}",
                        crate::fs::io_reason(&e)
                    ),
                )
                .hint("choose another address with `--bind`, or another port with `--port`"));
            }
        }
    }
    let reason = last.map_or_else(String::new, |e| format!(": {}", crate::fs::io_reason(&e)));
    Err(Diagnostic::system(
        "souk serve",
        format!(
            "ports {port} to {} are all taken{reason}",
            port.saturating_add(PORTS_TRIED - 1)
        ),
    )
    .hint("stop the other servers, or choose another port with `--port`"))
}

/// This computer's address on its network (the one a phone on the same Wi-Fi reaches), found
/// by asking the system which address it would send from; nothing is sent.
fn network_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    // A documentation address (TEST-NET-1): only the route is looked up.
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 80)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Builds once and tells the open pages.
fn rebuild(live: &Live, options: &BuildOptions, on_event: &(dyn Fn(Event<'_>) + Sync)) {
    let outcome = crate::build::build(options);
    let base_path = base_path(options);
    match &outcome {
        Ok(report) => on_event(Event::Built(report)),
        Err(problems) => on_event(Event::Failed(problems)),
    }
    let mut state = live.state();
    state.generation += 1;
    state.base_path = base_path;
    match outcome {
        Ok(report) => {
            state.root = report.output.canonicalize().ok();
            state.failure = None;
        }
        Err(problems) => state.failure = Some(Arc::new(problems)),
    }
    drop(state);
    live.changed.notify_all();
}

/// The path of the site's address, `/` or `/repo/`: from `--base-url`, else `souk.yaml`.
fn base_path(options: &BuildOptions) -> String {
    let url = match &options.base_url {
        Some(url) => crate::config::parse_base_url(url).ok(),
        None => crate::config::load(&options.site)
            .ok()
            .map(|config| config.base_url),
    };
    url.map_or_else(|| "/".to_owned(), |url| url.path().to_owned())
}

/// What the server shares between the rebuilding loop and the requests.
#[derive(Default)]
struct Live {
    /// Whether pages get the reload script (and, after a failed build, the overlay).
    watching: bool,
    state: Mutex<State>,
    /// Notified at the end of every build.
    changed: Condvar,
}

#[derive(Default, Clone)]
struct State {
    /// Counts the builds, good or failed: the open pages reload when it moves.
    generation: u64,
    /// The output folder of the last good build, none before the first.
    root: Option<PathBuf>,
    /// The errors of the last build, when it failed.
    failure: Option<Arc<Diagnostics>>,
    base_path: String,
}

impl Live {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere leaves the state as consistent as it was: keep serving.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn answer(live: &Live, stream: &mut TcpStream) {
    let Some(request) = http::read_request(stream) else {
        Response::text(400, "bad request").send(stream, false);
        return;
    };
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        Response::text(405, "souk serve only answers GET and HEAD")
            .with("Allow", "GET, HEAD")
            .send(stream, false);
        return;
    }
    if !host_allowed(request.host.as_deref()) {
        Response::text(
            403,
            "souk serve answers only to this computer's own addresses (localhost or an IP address), not to another host name",
        )
        .send(stream, head_only);
        return;
    }
    let state = live.state().clone();
    let url = request.target.as_str();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let base = state.base_path.as_str();
    if path.strip_prefix(base) == Some(live::EVENTS) {
        events(live, stream);
        return;
    }
    let response = if path.strip_prefix(base) == Some(live::SCRIPT) {
        Response::new(
            200,
            "text/javascript; charset=utf-8",
            live::SCRIPT_SOURCE.as_bytes().to_vec(),
        )
    } else {
        page(&state, url, live.watching)
    };
    response
        .with("Cache-Control", "no-store")
        .send(stream, head_only);
}

/// The file for `url` from the last good build; with `live_reload`, HTML with the reload
/// script (and the overlay after a failed build).
fn page(state: &State, url: &str, live_reload: bool) -> Response {
    let base = state.base_path.as_str();
    let failure = state.failure.as_deref();
    let Some(root) = &state.root else {
        // No build has succeeded yet: every address shows what to fix.
        let problems = failure.cloned().unwrap_or_default();
        let html = live::failure_page(base, state.generation, &problems);
        return Response::new(500, "text/html; charset=utf-8", html.into_bytes());
    };
    match resolve(root, base, url) {
        (303, _) => Response::text(303, "").with("Location", base),
        (status, Some(file)) => match std::fs::read(&file) {
            Ok(bytes) => {
                let mime = files::content_type(&file);
                let bytes = if live_reload && mime.starts_with("text/html") {
                    live::inject(
                        &String::from_utf8_lossy(&bytes),
                        base,
                        state.generation,
                        failure,
                    )
                    .into_bytes()
                } else {
                    bytes
                };
                Response::new(status, &mime, bytes)
            }
            Err(_) => Response::text(404, "not found"),
        },
        (status, None) => Response::text(status, "not found"),
    }
}

/// The stream of generations for one open page: the current one at once, then each new one as
/// builds end; a comment every 15 s finds out when the page is gone.
fn events(live: &Live, writer: &mut TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut sent = None;
    loop {
        let state = live.state();
        let (state, _) = live
            .changed
            .wait_timeout_while(state, Duration::from_secs(15), |s| {
                sent == Some(s.generation)
            })
            .unwrap_or_else(PoisonError::into_inner);
        let generation = state.generation;
        drop(state);
        let message = if sent == Some(generation) {
            ":\n\n".to_owned()
        } else {
            sent = Some(generation);
            format!("data: {generation}\n\n")
        };
        if writer.write_all(message.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
    }
}
