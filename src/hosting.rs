//! What each host needs beside the pages (`hosting:` in `souk.yaml`), and the limits each host
//! documents, checked before a build replaces the output so that a site too big to publish is
//! said at build time, with what to change, rather than by a failed upload.
//!
//! - GitHub Pages: `.nojekyll` (so files are published as they are, not through Jekyll) and a
//!   `CNAME` naming the domain when `base_url` is not a `github.io` address; the 404 page is
//!   the root `404.html`, which every build writes.
//! - Cloudflare Pages and Netlify: `_headers`, photos cached for a year (their names are hashes
//!   of their content, so a changed photo is a new address), everything else revalidated at
//!   every visit (a price changed today shows today). Cloudflare serves the `404.html` nearest
//!   to the address; Netlify gets a `_redirects` that does the same per language.

use crate::config::{Host, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::IMAGES_SEGMENT;
use crate::output::OutputFile;

/// The files `config.hosting` reads, at the root of the output.
pub(crate) fn files(config: &SiteConfig) -> Vec<OutputFile> {
    let file = |path: &str, contents: String| OutputFile {
        path: path.to_owned(),
        contents: contents.into_bytes(),
    };
    match config.hosting {
        Host::Plain => Vec::new(),
        Host::GithubPages => {
            let mut files = vec![file(".nojekyll", String::new())];
            if let Some(domain) = custom_domain(config) {
                files.push(file("CNAME", format!("{domain}\n")));
            }
            files
        }
        Host::CloudflarePages => vec![file("_headers", headers(true))],
        Host::Netlify => vec![
            file("_headers", headers(false)),
            file("_redirects", netlify_redirects(config)),
        ],
    }
}

/// The domain of `base_url` when it is the cooperative's own, not GitHub's.
fn custom_domain(config: &SiteConfig) -> Option<String> {
    let host = config.base_url.host_str()?;
    (!host.ends_with(".github.io") && host != "github.io").then(|| host.to_owned())
}

/// Cache lifetimes. Both hosts apply every rule that matches a path; Cloudflare joins the values
/// of a header set by several rules, so its photo rule first detaches the site-wide one (`!`),
/// while Netlify keeps the most specific rule's value and does not know `!`.
fn headers(detach: bool) -> String {
    let detach = if detach { "  ! Cache-Control\n" } else { "" };
    format!(
        "# Written by souk (hosting: in souk.yaml). Pages, feeds and the cart's data are checked\n\
         # at every visit, so a change shows at once; photos never change at the same address.\n\
         /*\n  Cache-Control: public, max-age=0, must-revalidate\n\n\
         /{IMAGES_SEGMENT}/*\n{detach}  Cache-Control: public, max-age=31536000, immutable\n"
    )
}

/// Netlify answers a missing address with the root `404.html` only: each other language's
/// addresses get their own language's page.
fn netlify_redirects(config: &SiteConfig) -> String {
    let mut rules = String::from(
        "# Written by souk (hosting: in souk.yaml): each language's own \"page not found\".\n",
    );
    for lang in crate::lang::LangIndex::all(config.languages.len()).skip(1) {
        let prefix = config.lang_prefix(lang);
        rules.push_str(&format!("/{prefix}*  /{prefix}404.html  404\n"));
    }
    rules
}

/// What a build is about to publish, for the host's limits.
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    /// Files in the output.
    pub(crate) files: usize,
    /// Their total size.
    pub(crate) bytes: u64,
    /// The largest file and its size.
    pub(crate) largest: Option<(String, u64)>,
    /// How many of the files are photos' renditions.
    pub(crate) photo_files: usize,
}

/// A host's documented limits on what it publishes.
struct Limits {
    files: Option<usize>,
    file_bytes: Option<u64>,
    site_bytes: Option<u64>,
    /// Where they are documented.
    source: &'static str,
}

const MIB: u64 = 1024 * 1024;

fn limits(host: Host) -> Option<Limits> {
    match host {
        // The free plan (paid plans allow 100,000 files).
        Host::CloudflarePages => Some(Limits {
            files: Some(20_000),
            file_bytes: Some(25 * MIB),
            site_bytes: None,
            source: "https://developers.cloudflare.com/pages/platform/limits/",
        }),
        Host::GithubPages => Some(Limits {
            files: None,
            file_bytes: None,
            site_bytes: Some(1_000_000_000),
            source: "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits",
        }),
        Host::Netlify | Host::Plain => None,
    }
}

/// Errors when what is about to be published passes the host's limits, warnings when it comes
/// within a tenth of them. `config` gives the settings the remedies name.
pub(crate) fn check_limits(config: &SiteConfig, totals: &Totals) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let host = config.hosting;
    let Some(limits) = limits(host) else {
        return problems;
    };
    let file = std::path::Path::new("souk.yaml");
    let images = &config.images;
    let photos_remedy = format!(
        "the photos make {} of them: make fewer renditions under `images:` in souk.yaml, fewer `widths` (now [{}]) or `formats` (now [{}]), e.g. `widths: [360, 760, 1440]` and `formats: [webp, jpeg]`",
        totals.photo_files,
        images
            .widths
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        images
            .formats
            .iter()
            .map(|f| match f {
                crate::images::Format::Avif => "avif",
                crate::images::Format::Webp => "webp",
                crate::images::Format::Jpeg => "jpeg",
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut check = |what: String, value: u64, limit: u64, remedy: &str| {
        let near = limit - limit / 10;
        if value > limit {
            problems.push(
                Diagnostic::error(
                    file,
                    format!(
                        "{what}: more than {} allows ({})",
                        host.title(),
                        limits.source
                    ),
                )
                .hint(remedy.to_owned()),
            );
        } else if value > near {
            problems.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "{what}, close to what {} allows ({})",
                        host.title(),
                        limits.source
                    ),
                )
                .hint(remedy.to_owned()),
            );
        }
    };
    if let Some(limit) = limits.files {
        check(
            format!("the site has {} files, of {limit} at most", totals.files),
            totals.files as u64,
            limit as u64,
            &photos_remedy,
        );
    }
    if let (Some(limit), Some((path, size))) = (limits.file_bytes, &totals.largest) {
        check(
            format!(
                "`{path}` is {:.1} MiB, of {} MiB at most per file",
                *size as f64 / MIB as f64,
                limit / MIB
            ),
            *size,
            limit,
            "make that file smaller, or leave it out of the site's `static/` folder and link to it elsewhere",
        );
    }
    if let Some(limit) = limits.site_bytes {
        check(
            format!(
                "the site is {:.0} MB, of {} MB at most",
                totals.bytes as f64 / 1e6,
                limit / 1_000_000
            ),
            totals.bytes,
            limit,
            &photos_remedy,
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudflare_detaches_the_site_wide_lifetime_and_netlify_does_not() {
        assert!(headers(true).contains(
            "/images/*\n  ! Cache-Control\n  Cache-Control: public, max-age=31536000, immutable\n"
        ));
        assert!(!headers(false).contains('!'));
        assert!(
            headers(false).contains("/*\n  Cache-Control: public, max-age=0, must-revalidate\n")
        );
    }
}
