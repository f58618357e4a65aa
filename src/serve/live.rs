//! Live reload and the error overlay: what `souk serve` adds to the pages it serves, and only
//! there. The output folder never holds any of it (`souk build` and `souk serve` write the same
//! files); the server adds it to each HTML response as it goes out.
//!
//! Each build the server finishes, good or failed, is a new *generation*. A page is served with
//! the generation it shows; the script listens to `__souk/live` (server-sent events, which
//! browsers reconnect by themselves) and reloads the page as soon as the server announces
//! another one. Pages are served with the overlay while the last build failed, so the reload
//! that follows a broken save shows the error, and the one that follows the fix removes it.

use crate::diagnostics::Diagnostics;
use crate::html::escape;

/// The address, under the site's base path, of the reload script.
pub(super) const SCRIPT: &str = "__souk/live.js";
/// The address, under the site's base path, of the stream of generations.
pub(super) const EVENTS: &str = "__souk/live";

/// The reload script: no framework, a dozen lines. `data-generation` is what the page shows;
/// the first event tells the current one, so a build that ended between the page and the
/// script's connection still reloads it.
pub(super) const SCRIPT_SOURCE: &str = r#"(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script.getAttribute("data-generation");
  var events = new EventSource(script.getAttribute("data-events"));
  events.onmessage = function (event) {
    if (event.data !== shown) {
      events.close();
      location.reload();
    }
  };
})();
"#;

/// `html` with the reload script, and the overlay when `failure` holds the last build's errors,
/// put just before `</body>` (at the end when there is none).
pub(super) fn inject(
    html: &str,
    base_path: &str,
    generation: u64,
    failure: Option<&Diagnostics>,
) -> String {
    let mut added = String::new();
    if let Some(problems) = failure {
        added.push_str(&overlay(problems));
    }
    added.push_str(&format!(
        "<script src=\"{base_path}{SCRIPT}\" data-events=\"{base_path}{EVENTS}\" data-generation=\"{generation}\"></script>\n"
    ));
    match html.rfind("</body>") {
        Some(at) => format!("{}{added}{}", &html[..at], &html[at..]),
        None => format!("{html}{added}"),
    }
}

/// The page served for every address while no build has succeeded yet: the overlay alone.
pub(super) fn failure_page(base_path: &str, generation: u64, problems: &Diagnostics) -> String {
    let page = "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>souk: the site could not be built</title>\n</head>\n<body>\n</body>\n</html>\n";
    inject(page, base_path, generation, Some(problems))
}

/// The id of the overlay's element: tests and the reload script look for it.
pub const OVERLAY_ID: &str = "souk-overlay";

/// The errors of the last build, over the page, in the page's direction (it inherits the
/// page's `dir`: on an Arabic page it is aligned right and numbered on the right), each
/// sentence in its own (`unicode-bidi: plaintext`: an English message keeps its punctuation at
/// its end), file names and positions left to right. Warnings are left to the
/// terminal: the overlay is for what stopped the build.
fn overlay(problems: &Diagnostics) -> String {
    let errors: Vec<_> = problems.iter().filter(|d| d.is_error()).collect();
    let count = errors.len();
    let mut html = format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\" lang=\"en\">\n<style>\
#{OVERLAY_ID}{{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;\
padding:1.5rem;background:#1b1b1b;color:#f4f4f4;font:1rem/1.5 system-ui,sans-serif}}\
#{OVERLAY_ID} h2{{margin:0 0 .5rem;font:700 1.25rem/1.3 system-ui,sans-serif;color:#ff9b8f}}\
#{OVERLAY_ID} ol{{margin:1rem 0;padding:0;list-style:none}}#{OVERLAY_ID} li{{margin:0 0 1rem}}\
#{OVERLAY_ID} code{{display:block;font:.95rem/1.4 ui-monospace,monospace;color:#ffd27a;overflow-wrap:anywhere}}\
#{OVERLAY_ID} p,#{OVERLAY_ID} h2,#{OVERLAY_ID} code{{unicode-bidi:plaintext}}\
#{OVERLAY_ID} p{{margin:.25rem 0;white-space:pre-wrap;overflow-wrap:anywhere}}\
</style>\n<h2>souk: {count} error{} in the last change</h2>\n\
<p>This is the last good build of the page. Fix the file below and save it: the page reloads by itself.</p>\n<ol>\n",
        if count == 1 { "" } else { "s" }
    );
    for problem in errors {
        let mut place = problem.file.to_string_lossy().into_owned();
        if let Some(position) = problem.position {
            place.push_str(&format!(":{}:{}", position.line, position.column));
        }
        html.push_str(&format!(
            "<li><code dir=\"ltr\">{}</code>\n<p>{}</p>\n",
            escape(&crate::text::printable(&place)),
            escape(&problem.message)
        ));
        if let Some(hint) = &problem.hint {
            html.push_str(&format!("<p>hint: {}</p>\n", escape(hint)));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n</div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Position};

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = "<html><body><p>x</p></body></html>";
        let served = inject(page, "/coop/", 7, None);
        assert_eq!(
            served,
            "<html><body><p>x</p><script src=\"/coop/__souk/live.js\" data-events=\"/coop/__souk/live\" data-generation=\"7\"></script>\n</body></html>"
        );
    }

    #[test]
    fn the_overlay_names_the_file_and_escapes_the_message() {
        let mut problems = Diagnostics::new();
        problems.push(
            Diagnostic::error("products/x/product.yaml", "price is <b>wrong</b>")
                .at(Some(Position { line: 3, column: 8 }))
                .hint("write it as \"12.50\""),
        );
        problems.push(Diagnostic::warning("products/y/fr.md", "no summary"));
        let served = inject("<body></body>", "/", 2, Some(&problems));
        assert!(served.contains("<h2>souk: 1 error in the last change</h2>"));
        assert!(served.contains("<code dir=\"ltr\">products/x/product.yaml:3:8</code>"));
        assert!(served.contains("<p>price is &lt;b&gt;wrong&lt;/b&gt;</p>"));
        assert!(served.contains("<p>hint: write it as &quot;12.50&quot;</p>"));
        assert!(!served.contains("no summary"));
    }
}
