//! The little HTTP/1.1 `souk serve` needs: read one request's head, write one response, close
//! the connection. One thread per connection, so no connection ever waits for another: a
//! thread pool that keeps browsers' keep-alive connections (tiny_http's did) left a sixth
//! connection of a page unanswered, and the page with it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The most a request's head may take: souk's pages are asked for with short lines.
const MAX_HEAD: usize = 16 * 1024;

/// What the server reads of a request.
pub(super) struct Request {
    pub(super) method: String,
    /// The request target as sent: `/coop/products/x/?a=1`.
    pub(super) target: String,
    /// The `Host` header, when there is one.
    pub(super) host: Option<String>,
}

/// Reads the head of one request; `None` when the client sends no valid one in time.
pub(super) fn read_request(stream: &mut TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let read = stream.read(&mut chunk).ok()?;
        if read == 0 || head.len() + read > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let mut words = lines.next()?.split_whitespace();
    let (method, target) = (words.next()?.to_owned(), words.next()?.to_owned());
    let host = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().to_owned());
    Some(Request {
        method,
        target,
        host,
    })
}

/// One response.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
}

impl Response {
    pub(super) fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body,
        }
    }

    pub(super) fn text(status: u16, body: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    pub(super) fn with(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Writes the response and lets the connection close; a `HEAD` gets the head only. A
    /// client that hangs up meanwhile is not the server's problem.
    pub(super) fn send(self, stream: &mut TcpStream, head_only: bool) {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            // Values are souk's own (types, paths it resolved): no line break can be in them.
            head.push_str(&format!("{name}: {}\r\n", value.replace(['\r', '\n'], "")));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let _ = stream.write_all(head.as_bytes());
        if !head_only {
            let _ = stream.write_all(&self.body);
        }
        let _ = stream.flush();
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "",
    }
}
