//! Which file of the output answers a request, and to whom the server answers at all: pure
//! functions of the request, tested without a server.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

/// The `Content-Type` of a file served from the output: text types say they are UTF-8, as
/// every file souk writes is.
pub(super) fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == "text"
        || mime.essence_str() == "image/svg+xml"
        || mime.essence_str() == "application/xml"
        || mime.essence_str() == "application/json"
    {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
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
