//! Pages: Tera templates filled from view structs, one method per page kind, streamed to a
//! sink as they are made. `plan` says which pages exist; `context` builds what a language's
//! pages share; `pages` has one method per kind; `page` is the finish every page goes through
//! (head, fingerprint, keep or render); `picture` writes photos; `views` is what templates see.

mod context;
mod icon;
mod keys;
mod page;
mod pages;
mod picture;
mod print;
mod rows;
mod shop;
mod views;

use std::collections::HashSet;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::images::ImageSet;
use crate::incremental::{self, BuildRecord, FeedRows, PageFingerprints};
use crate::lang::{LangIndex, PerLang};
use crate::model::Site;
use crate::output::{OutputFile, Sink};
use crate::plan::{self, PageKind, Plan};
use crate::seo::{self, sitemap};
use crate::theme::Theme;
use crate::urls::Urls;
use context::LangContext;
use page::{PageContext, PageDone, Renderer};
use tera::Tera;

/// The rendered pages.
#[derive(Debug)]
pub(crate) struct Rendered {
    /// HTML pages per language index.
    pub(crate) pages_per_lang: PerLang<usize>,
    /// Pages carried over from the previous build instead of being rendered again.
    pub(crate) reused: usize,
    /// Every page's output path and fingerprint: for the record of this build.
    pub(crate) record: Vec<(String, PageFingerprints)>,
    /// Where each product's rows went in the feeds: for the record of this build.
    pub(crate) rows: FeedRows,
    /// Every page the sitemaps list, in order, for [`write_sitemaps`].
    pub(crate) sitemap: Vec<sitemap::Entry>,
}

/// Renders every page of every language the plan lists, and the feeds; what the sitemaps will
/// list comes back with the pages, for [`write_sitemaps`]. A page whose fingerprint is the one
/// `previous` recorded for it is kept from the previous build.
pub(crate) fn render(
    site: &Site,
    theme: &Theme,
    images: &ImageSet,
    urls: &Urls,
    previous: &BuildRecord,
    sink: &dyn Sink,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Rendered, Diagnostics> {
    let tera = compile(theme, urls)?;
    let plan = Plan::new(site);
    let mut problems = Diagnostics::new();
    let mut langs = Vec::new();
    // Templates are not in any page's context: they go into every page's fingerprint.
    let mut base = incremental::Hasher::new();
    base.bytes("souk", incremental::program_salt());
    for (name, template) in &theme.templates {
        base.bytes(name, template.source.as_bytes());
    }
    let site_digest = keys::site_digest(site, theme, images);
    for index in site.config.langs() {
        match LangContext::new(&plan, theme, images, urls, index, &base, &site_digest)
            .and_then(|mut ctx| ctx.render_shared(&tera, theme).map(|()| ctx))
        {
            Ok(ctx) => langs.push(ctx),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let langs = PerLang::from(langs);
    // Each product page's key, once: its page and its rows in both feeds are known by it.
    let page_keys: Vec<PerLang<incremental::Fingerprint>> = keys::product_digests(site, images)
        .par_iter()
        .map(|digests| {
            langs
                .values()
                .map(|lang| lang.product_key(&digests[lang.index]))
                .collect()
        })
        .collect();

    let jobs: Vec<(LangIndex, plan::PageKind)> = site
        .config
        .langs()
        .flat_map(|lang| plan.pages(lang).into_iter().map(move |kind| (lang, kind)))
        .collect();
    let with = Renderer {
        tera: &tera,
        theme,
        previous,
        sink,
    };
    // Each page goes to the sink as soon as it is rendered: memory stays flat however large
    // the catalogue. The product feeds need no page: they are made meanwhile, keeping both
    // cores busy to the end.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    let feeds = Feeds {
        site,
        theme,
        images,
        urls,
        page_keys: &page_keys,
        previous,
        sink,
    };
    let (results, feeds): (
        Vec<Result<PageDone, Diagnostic>>,
        Result<FeedRows, Diagnostic>,
    ) = rayon::join(
        || {
            jobs.par_iter()
                .map(|&(lang, kind)| {
                    let lang = &langs[lang];
                    let key = match kind {
                        PageKind::Product(n) => Some(page_keys[n][lang.index]),
                        _ => lang.listing_key(kind, &page_keys),
                    };
                    let page = match key {
                        Some(key) => lang.keyed_page(&with, kind, key),
                        None => {
                            let mut ctx = PageContext::new(lang);
                            let out = lang.page(&mut ctx, kind);
                            lang.finish(&with, kind, ctx, out)
                        }
                    };
                    // Told every few hundred pages: a progress bar, not a cost per page.
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n.is_multiple_of(256) || n == total {
                        progress(n, total);
                    }
                    page
                })
                .collect()
        },
        || {
            let rows = feeds.write()?;
            shop::data_files(site, images, urls, |file| sink.put(file))?;
            Ok(rows)
        },
    );

    let mut entries = Vec::with_capacity(results.len());
    let mut pages_per_lang: PerLang<usize> = site.config.langs().map(|_| 0).collect();
    let mut record = Vec::with_capacity(results.len());
    let mut reused = 0;
    let mut seen_places = HashSet::new();
    for ((lang, _), result) in jobs.iter().zip(results) {
        match result {
            Ok(done) => {
                pages_per_lang[*lang] += 1;
                entries.extend(done.entry);
                record.push(done.record);
                reused += usize::from(done.reused);
            }
            // A broken template breaks every page that uses it: say it once per place.
            Err(problem) => {
                if seen_places.insert((problem.file.clone(), problem.position)) {
                    problems.push(problem);
                }
            }
        }
    }
    let rows = feeds.unwrap_or_else(|problem| {
        problems.push(problem);
        FeedRows::default()
    });
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Rendered {
        pages_per_lang,
        reused,
        record,
        rows,
        sitemap: entries,
    })
}

/// Writes the sitemaps, one after the other, and `robots.txt` (unless the site has its own),
/// after [`render`]: from the pages alone, so that the build can let the model go first (at
/// N=100,000 the sitemaps and the model together were the peak of its memory).
/// The sitemaps are carried over when the pages they list are those the previous build listed
/// (an edit of a description changes none of them): at N=10,000 products they are 17 MB of
/// XML, a quarter of the time of a build that changed one product. Returns each sitemap's
/// fingerprint for the record.
pub(crate) fn write_sitemaps(
    config: &SiteConfig,
    theme: &Theme,
    urls: &Urls,
    entries: &[sitemap::Entry],
    previous: &BuildRecord,
    sink: &dyn Sink,
) -> Result<Vec<(String, PageFingerprints)>, Diagnostic> {
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let fingerprint = {
        let mut hash = incremental::Hasher::new();
        hash.bytes("souk", incremental::program_salt());
        hash.hashed("languages", &codes);
        hash.bytes("base", urls.base().as_str().as_bytes());
        // A part at a time: the hasher gathers a part's bytes before hashing them.
        for part in entries.chunks(1024) {
            hash.hashed("entries", part);
        }
        hash.fingerprint()
    };
    let recorded = PageFingerprints {
        context: Some(fingerprint),
        inputs: None,
    };
    // The index (or the one sitemap) and every part the previous build wrote from the same
    // pages: the same pages make the same parts.
    let mut kept = Vec::new();
    if let Some(stamp) = previous.unchanged(plan::SITEMAP, &fingerprint) {
        kept.push((plan::SITEMAP.to_owned(), *stamp));
        for part in 1.. {
            let path = plan::sitemap_part(part);
            let Some(stamp) = previous.unchanged(&path, &fingerprint) else {
                break;
            };
            kept.push((path, *stamp));
        }
    }
    let mut written = Vec::new();
    if kept.is_empty() || !sink.keep_all(&kept) {
        sitemap::sitemaps(entries, &codes, urls, |path, write| {
            sink.stream(&[&path], &mut |outs| match outs {
                [out] => write(&mut **out),
                _ => unreachable!("one writer per path"),
            })?;
            written.push(path);
            Ok::<(), Diagnostic>(())
        })?;
    } else {
        written.extend(kept.into_iter().map(|(path, _)| path));
    }
    if !theme.static_files.contains_key(plan::ROBOTS) {
        sink.put(OutputFile {
            path: plan::ROBOTS.to_owned(),
            contents: sitemap::robots(urls).into_bytes(),
        })?;
    }
    Ok(written.into_iter().map(|path| (path, recorded)).collect())
}

/// What the product feeds are made from.
struct Feeds<'a> {
    site: &'a Site,
    theme: &'a Theme,
    images: &'a ImageSet,
    urls: &'a Urls,
    /// Each product page's key per language (see [`keys`]).
    page_keys: &'a [PerLang<incremental::Fingerprint>],
    previous: &'a BuildRecord,
    sink: &'a dyn Sink,
}

impl Feeds<'_> {
    /// Writes the Google Merchant and Meta product feeds of every language, one language after
    /// the other, each straight into its file (they run beside the pages, which keep the other
    /// core busy; at 2.5 KB a product, making them in memory was the peak of a large build's
    /// memory), copying the rows of unchanged products from the previous build's. The names
    /// of the provenance details come from the theme's UI strings.
    fn write(&self) -> Result<FeedRows, Diagnostic> {
        let site = self.site;
        let mut all = FeedRows::default();
        for (lang, language) in site.config.langs().zip(&site.config.languages) {
            let strings = &self.theme.strings[lang];
            let name = |key: &str| strings.get(key).map_or("", String::as_str);
            let names = seo::feeds::ProvenanceNames {
                section: name("provenance"),
                origin: name("origin"),
                harvest: name("harvest"),
                batch: name("batch"),
            };
            let code = language.code.as_str();
            let paths = [plan::google_feed(code), plan::meta_feed(code)];
            let [mut google, mut meta] = paths.clone().map(|path| {
                let keys = self
                    .page_keys
                    .iter()
                    .map(|key| rows::row_key(&key[lang], &path))
                    .collect();
                rows::Spliced::new(&path, self.previous, self.sink, keys)
            });
            self.sink
                .stream(&[&paths[0], &paths[1]], &mut |outs| match outs {
                    [google_out, meta_out] => seo::feeds::feeds(
                        site,
                        self.images,
                        self.urls,
                        lang,
                        &names,
                        seo::feeds::FeedOut {
                            out: *google_out,
                            rows: &mut google,
                        },
                        seo::feeds::FeedOut {
                            out: *meta_out,
                            rows: &mut meta,
                        },
                    ),
                    _ => unreachable!("one writer per path"),
                })?;
            let [google_path, meta_path] = paths;
            all.insert(google_path, google.into_rows());
            all.insert(meta_path, meta.into_rows());
        }
        Ok(all)
    }
}

/// Compiles every template, reporting each broken one with its file, line and column.
fn compile(theme: &Theme, urls: &Urls) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_function("picture", picture::picture);
    tera.register_function("asset_url", asset_url(theme, urls));
    tera.register_function("icon", icon::icon(theme, urls));
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.source.as_str()));
    match tera.add_raw_templates(sources) {
        Ok(()) => Ok(tera),
        Err(error) => Err(template_error(theme, &error, None).into()),
    }
}

/// `asset_url(path="css/main.css")`: the link to a file of the theme's or the site's
/// `static/`, under the site's base path (so `/repo/css/main.css` on a sub-path). A path that
/// is no such file fails the build at the template line that asks for it, instead of
/// publishing a page with a dead link.
fn asset_url(
    theme: &Theme,
    urls: &Urls,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<String> + Send + Sync + 'static {
    let files: HashSet<String> = theme.static_files.keys().cloned().collect();
    let urls = urls.clone();
    move |kwargs, _| {
        let path: String = kwargs.must_get("path")?;
        let path = path.trim_start_matches('/');
        if files.contains(path) {
            Ok(urls.href(path))
        } else {
            Err(tera::Error::message(format!(
                "`asset_url`: there is no file `{path}` in the theme's or the site's `static/`"
            )))
        }
    }
}

/// A Tera error as a diagnostic on the template file.
pub(super) fn template_error(theme: &Theme, error: &tera::Error, page: Option<&str>) -> Diagnostic {
    let (file, position, message) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let file = theme
                .templates
                .get(report.filename())
                .map(|t| t.file.clone())
                .unwrap_or_else(|| report.filename().into());
            let position = (span.start_line > 0).then(|| Position {
                line: span.start_line as u64,
                column: span.start_col as u64 + 1,
            });
            (file, position, report.message().to_owned())
        }
        other => ("templates".into(), None, other.to_string()),
    };
    let message = match page {
        Some(page) => format!("{message} (while rendering {page})"),
        None => message,
    };
    Diagnostic::error(file, message)
        .at(position)
        .hint("fix the template; docs/themes.md lists the variables each template receives")
}
