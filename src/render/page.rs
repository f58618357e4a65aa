//! The finish every page goes through, whatever its kind: the `<head>` metadata, the
//! fingerprint, and then either the previous build's file carried over or the template
//! rendered and handed to the sink.

use serde::Serialize;
use tera::{Context, Tera, Value};

use super::context::LangContext;
use super::template_error;
use super::views::PageView;
use crate::diagnostics::Diagnostic;
use crate::incremental::{self, BuildRecord, Fingerprint, PageFingerprints};
use crate::output::{OutputFile, Sink};
use crate::plan::{self, PageKind};
use crate::seo::{self, PageSeo, sitemap};
use crate::theme::Theme;

/// What a page's buffer starts with: a product page of the default theme is 15–30 KB.
const PAGE_CAPACITY: usize = 32 * 1024;

/// A page's template context, hashed as it is filled (see [`crate::incremental`]).
pub(super) struct PageContext {
    ctx: Context,
    /// None for a page whose fingerprint no build would compare with (see
    /// [`LangContext::keyed_page`]).
    hash: Option<incremental::Hasher>,
    /// The hash of the page's inputs, for a page that has one (see [`super::keys`]).
    inputs: Option<Fingerprint>,
}

impl PageContext {
    pub(super) fn new(lang: &LangContext<'_>) -> Self {
        PageContext::hashed(lang, true)
    }

    fn hashed(lang: &LangContext<'_>, hashed: bool) -> Self {
        let mut ctx = PageContext {
            ctx: Context::new(),
            hash: hashed.then(|| lang.base.clone()),
            inputs: None,
        };
        for (name, value) in &lang.globals {
            ctx.ctx.insert_value(*name, value.clone());
        }
        ctx
    }

    pub(super) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(hash) = &mut self.hash {
            hash.value(key, value);
        }
        self.ctx.insert(key, value);
    }

    fn hash_bytes(&mut self, name: &str, bytes: &[u8]) {
        if let Some(hash) = &mut self.hash {
            hash.bytes(name, bytes);
        }
    }
}

/// What a page kind's method says of its page besides the template context. Where the page is
/// and which pages translate it come from the plan.
pub(super) struct PageOut {
    pub(super) template: &'static str,
    pub(super) title: String,
    /// Before cutting to length.
    pub(super) description: Option<String>,
    /// (name, site path), home first, this page last.
    pub(super) breadcrumbs: Vec<(String, String)>,
    pub(super) lastmod: Option<String>,
    /// Absolute URLs of the page's photos, for the sitemap.
    pub(super) images: Vec<String>,
}

impl PageOut {
    /// A page of `template` titled `title`, with nothing else said yet.
    pub(super) fn new(template: &'static str, title: String) -> Self {
        PageOut {
            template,
            title,
            description: None,
            breadcrumbs: Vec::new(),
            lastmod: None,
            images: Vec::new(),
        }
    }
}

/// Where finished pages go: the compiled templates (and the theme, for messages), the record
/// of the previous build to compare with, and the sink.
#[derive(Clone, Copy)]
pub(super) struct Renderer<'a> {
    pub(super) tera: &'a Tera,
    pub(super) theme: &'a Theme,
    pub(super) previous: &'a BuildRecord,
    pub(super) sink: &'a dyn Sink,
}

/// One page done.
pub(super) struct PageDone {
    pub(super) entry: Option<sitemap::Entry>,
    pub(super) record: (String, PageFingerprints),
    pub(super) reused: bool,
}

impl LangContext<'_> {
    /// A page known by its inputs, which hash to `key` (see [`super::keys`]): a product page
    /// or a listing. Carried over from the previous build when that build wrote it from the
    /// same inputs, without its context being made; else made and compared as every page is.
    pub(super) fn keyed_page(
        &self,
        with: &Renderer<'_>,
        kind: PageKind,
        key: Fingerprint,
    ) -> Result<PageDone, Diagnostic> {
        let path = match self.plan.path(self.index, kind) {
            Some(path) => path,
            None => unreachable!("the plan lists a page only where it exists"),
        };
        let file = plan::file_of(&path);
        let kept = with
            .previous
            .unchanged_inputs(&file, &key)
            .filter(|(stamp, _)| with.sink.keep(&file, stamp));
        let Some((_, context)) = kept else {
            // The context's fingerprint is what the next build compares when this page's key
            // has changed; it is worth its cost (a tenth of a cold build's CPU, serialising
            // and hashing every context) only where this build compares too. A page the
            // previous build did not write (every page of a cold build) is rendered without:
            // the next build renders it again if its key changes, compares it after that. Not
            // so a listing, whose key changes with any product on it (an edit of its
            // description) while its bytes rarely do: one listing in thirty pages.
            let compared =
                with.previous.stamp(&file).is_some() || !matches!(kind, PageKind::Product(_));
            let mut ctx = PageContext::hashed(self, compared);
            ctx.inputs = Some(key);
            let out = self.page(&mut ctx, kind);
            return self.finish(with, kind, ctx, out);
        };
        // What the page's kind says for the sitemap, as [`Self::page`] would.
        let (lastmod, images) = match kind {
            PageKind::Product(n) => self.product_sitemap(&self.site.products[n]),
            PageKind::Category { category, .. } => (None, self.category_images(category)),
            _ => (None, Vec::new()),
        };
        Ok(PageDone {
            entry: kind.in_sitemap().then(|| sitemap::Entry {
                path,
                alternates: self.plan.alternates(kind),
                lastmod,
                images,
            }),
            record: (
                file,
                PageFingerprints {
                    context,
                    inputs: Some(key),
                },
            ),
            reused: true,
        })
    }

    /// Adds what every page has (`seo`, `page`, `languages`), then carries the previous
    /// build's file over if the fingerprint is the recorded one, or renders the template.
    pub(super) fn finish(
        &self,
        with: &Renderer<'_>,
        kind: PageKind,
        mut ctx: PageContext,
        out: PageOut,
    ) -> Result<PageDone, Diagnostic> {
        let Renderer {
            tera,
            theme,
            previous,
            sink,
        } = *with;
        let PageOut {
            template,
            title,
            description,
            breadcrumbs,
            lastmod,
            images,
        } = out;
        let path = match self.plan.path(self.index, kind) {
            Some(path) => path,
            None => unreachable!("the plan lists a page only where it exists"),
        };
        let alternates = self.plan.alternates(kind);
        let description = description
            .map(|d| seo::describe(&d))
            .filter(|d| !d.is_empty());
        let head = seo::head(
            self.site,
            self.images,
            self.urls,
            &PageSeo {
                kind,
                lang: self.index,
                title: &title,
                description: description.as_deref(),
                path: &path,
                alternates: &alternates,
                breadcrumbs: &breadcrumbs,
                site_image: self.site_image,
            },
        );
        ctx.hash_bytes("seo", head.as_bytes());
        ctx.ctx.insert_value("seo", Value::safe_string(&head));
        let href = self.urls.href(&path);
        ctx.ctx
            .insert_value("shared", self.shared.on(&href).clone());
        ctx.insert(
            "page",
            &PageView {
                kind: kind.name(),
                title,
                description,
                url: self.urls.absolute(&path),
                path: href,
            },
        );
        ctx.insert("languages", &self.switcher(&alternates, kind));
        let file = plan::file_of(&path);
        ctx.hash_bytes("template", template.as_bytes());
        ctx.hash_bytes("file", file.as_bytes());
        let fingerprint = ctx.hash.as_ref().and_then(incremental::Hasher::finish);
        let kept = fingerprint
            .and_then(|f| previous.unchanged(&file, &f))
            .is_some_and(|stamp| sink.keep(&file, stamp));
        if !kept {
            // Into bytes straight away: `render` would grow its buffer from the template's
            // size (a page is 5–10 times that) and then check the whole page is UTF-8,
            // which Tera's output always is.
            let mut html = Vec::with_capacity(PAGE_CAPACITY);
            tera.render_to(template, &ctx.ctx, &mut html)
                .map_err(|e| template_error(theme, &e, Some(&format!("/{path}"))))?;
            sink.put(OutputFile {
                path: file.clone(),
                contents: html,
            })?;
        }
        let entry = kind.in_sitemap().then_some(sitemap::Entry {
            path,
            alternates,
            lastmod,
            images,
        });
        Ok(PageDone {
            entry,
            record: (
                file,
                PageFingerprints {
                    context: fingerprint,
                    inputs: ctx.inputs,
                },
            ),
            reused: kept,
        })
    }
}
