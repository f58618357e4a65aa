//! `souk serve`: a small local web server for the built site, answering under the site's
//! `base_url` path as the real host would (so `/repo/` sub-paths are tried out for real).

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
    on_ready(&format!("http://127.0.0.1:{port}{base_path}"));
    for request in server.incoming_requests() {
        let (status, path) = resolve(output, base_path, request.url());
        let response = match (status, path) {
            (303, _) => Response::from_data(Vec::new())
                .with_status_code(StatusCode(303))
                .with_header(header("Location", base_path)),
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
                Err(_) => {
                    Response::from_data(b"not found".to_vec()).with_status_code(StatusCode(404))
                }
            },
            (status, None) => {
                Response::from_data(b"not found".to_vec()).with_status_code(StatusCode(status))
            }
        };
        // A client that hangs up mid-response is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}

fn header(name: &str, value: &str) -> Header {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => header,
        Err(()) => Header::from_bytes(&b"X-Souk"[..], &b"invalid-header"[..])
            .unwrap_or_else(|()| unreachable!("a constant header is valid")),
    }
}

/// The status and file for a request URL: the file under `output`, `index.html` for folders,
/// the language's `404.html` when there is nothing, a redirect to the base path from outside it.
pub fn resolve(output: &Path, base_path: &str, url: &str) -> (u16, Option<PathBuf>) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let Some(inside) = decoded
        .strip_prefix(base_path)
        .or_else(|| (decoded.as_ref() == base_path.trim_end_matches('/')).then_some(""))
    else {
        return (303, None);
    };
    let safe = inside
        .split('/')
        .all(|segment| segment != ".." && !segment.contains('\\'));
    if safe {
        let candidate = output.join(inside);
        if candidate.is_file() {
            return (200, Some(candidate));
        }
        let index = candidate.join("index.html");
        if index.is_file() {
            return (200, Some(index));
        }
    }
    // The 404 page of the language the address is in, else the default one.
    let first = inside.split('/').next().unwrap_or("");
    let localized = output.join(first).join("404.html");
    if !first.is_empty() && localized.is_file() {
        return (404, Some(localized));
    }
    let default = output.join("404.html");
    (404, default.is_file().then_some(default))
}
