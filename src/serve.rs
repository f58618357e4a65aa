//! `souk serve`: a small local web server for the built site, answering under the site's
//! `base_url` path as the real host would (so `/repo/` sub-paths are tried out for real).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Response, Server, StatusCode};

/// Serves `output` on `127.0.0.1:port` until the process is stopped. `base_path` is the path
/// of the site's `base_url` (`/` or `/repo/`). `on_ready` is called with the address once the
/// server listens.
pub fn serve(
    output: &Path,
    base_path: &str,
    port: u16,
    on_ready: impl FnOnce(&str),
) -> Result<(), String> {
    let server = Server::http(("127.0.0.1", port)).map_err(|e| {
        format!(
            "cannot listen on 127.0.0.1:{port}: {e} (is another server using it? try `--port {}`)",
            port.wrapping_add(1)
        )
    })?;
    // Files are served only from inside this folder, links resolved.
    let root = output.canonicalize().map_err(|e| {
        format!(
            "cannot read {}: {}",
            output.display(),
            crate::fs::io_reason(&e)
        )
    })?;
    on_ready(&format!("http://127.0.0.1:{port}{base_path}"));
    for request in server.incoming_requests() {
        let host = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_owned());
        let response = if host_allowed(host.as_deref()) {
            respond(&root, base_path, request.url())
        } else {
            text(
                403,
                "souk serve answers only to this computer's own addresses (localhost or an IP address), not to another host name",
            )
        };
        // A client that hangs up mid-response is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}

fn respond(root: &Path, base_path: &str, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    match resolve(root, base_path, url) {
        (303, _) => text(303, "").with_header(header("Location", base_path)),
        (status, Some(path)) => match std::fs::read(&path) {
            Ok(bytes) => {
                let mime = mime_guess::from_path(&path).first_or_octet_stream();
                let mime = if mime.type_() == "text"
                    || mime.essence_str() == "image/svg+xml"
                    || mime.essence_str() == "application/xml"
                {
                    format!("{mime}; charset=utf-8")
                } else {
                    mime.to_string()
                };
                Response::from_data(bytes)
                    .with_status_code(StatusCode(status))
                    .with_header(header("Content-Type", &mime))
            }
            Err(_) => text(404, "not found"),
        },
        (status, None) => text(status, "not found"),
    }
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => header,
        Err(()) => Header::from_bytes(&b"X-Souk"[..], &b"invalid-header"[..])
            .unwrap_or_else(|()| unreachable!("a constant header is valid")),
    }
}

/// Whether a request's `Host` is one this server answers to: `localhost` or an IP address.
/// A web page elsewhere can make a browser reach 127.0.0.1 through a host name of its own that
/// resolves there (DNS rebinding); such a request names that host, and is refused. A request
/// without `Host` (HTTP/1.0 tools) comes from no web page, and is answered.
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let host = host.trim();
    // `[::1]:8000`, `127.0.0.1:8000`, `localhost:8000`, or without a port.
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, after)) if after.is_empty() || after.starts_with(':') => ip,
            _ => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok()
}

/// The status and file for a request URL: the file under `root` (a canonical path),
/// `index.html` for folders, the language's `404.html` when there is nothing, a redirect to the
/// base path from outside it. The path is percent-decoded and taken apart word by word: empty
/// words and `.` are dropped, and a `..`, a backslash, a colon or a control character makes it
/// a path to nothing; a file reached through a link must still be inside `root`. So no request
/// can name a file outside the output, whatever its spelling (`//etc/passwd`, `/%2Fetc`,
/// `/a/%2e%2e/..`).
pub fn resolve(root: &Path, base_path: &str, url: &str) -> (u16, Option<PathBuf>) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let Some(inside) = decoded
        .strip_prefix(base_path)
        .or_else(|| (decoded.as_ref() == base_path.trim_end_matches('/')).then_some(""))
    else {
        return (303, None);
    };
    let words: Option<Vec<&str>> = inside
        .split('/')
        .filter(|word| !word.is_empty() && *word != ".")
        .map(|word| crate::fs::bare_name(word).then_some(word))
        .collect();
    if let Some(words) = &words {
        let candidate: PathBuf = words.iter().fold(root.to_path_buf(), |p, w| p.join(w));
        for file in [candidate.clone(), candidate.join("index.html")] {
            if let Some(file) = inside_root(root, &file) {
                return (200, Some(file));
            }
        }
    }
    // The 404 page of the language the address is in, else the default one.
    let first = words
        .as_ref()
        .and_then(|w| w.first().copied())
        .unwrap_or_default();
    if !first.is_empty()
        && let Some(localized) = inside_root(root, &root.join(first).join("404.html"))
    {
        return (404, Some(localized));
    }
    (404, inside_root(root, &root.join("404.html")))
}

/// `file`, links resolved, when it is a file inside `root`.
fn inside_root(root: &Path, file: &Path) -> Option<PathBuf> {
    let real = file.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}
