//! One build, start to end: load → model → images → render → write. The library's entry point.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::incremental::{BuildRecord, Inputs, PageRecord, Summary};
use crate::lang::Lang;
use crate::urls::Urls;

/// What to build and where.
#[derive(Clone)]
pub struct BuildOptions {
    /// The site folder (holding `souk.yaml`).
    pub site: PathBuf,
    /// Default: `SITE/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `souk.yaml`, e.g. for a preview under another address.
    pub base_url: Option<String>,
    /// Default: `SITE/.souk-cache`. Keep it between builds (and in CI) so photos are not
    /// processed again.
    pub cache_dir: Option<PathBuf>,
    /// A theme folder anywhere (e.g. shared by several sites), instead of the one `souk.yaml`
    /// names, which must be inside the site.
    pub theme: Option<PathBuf>,
    /// Told how the long stages advance, for a progress bar. The library never prints.
    pub progress: Option<ProgressFn>,
}

/// A progress callback; called from several threads.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How far a long stage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Another build (process `pid`, when known) is writing the same output folder: this one
    /// waits for it to finish before it starts writing.
    Waiting {
        /// The other build's process id, as its lock file gives it.
        pid: Option<u32>,
    },
    /// `done` of `total` pages rendered or carried over from the previous build.
    Pages {
        /// Pages finished so far.
        done: usize,
        /// Pages the site has.
        total: usize,
    },
    /// `done` of `total` photos processed (from the cache or encoded).
    Images {
        /// Photos finished so far.
        done: usize,
        /// Photos the site uses.
        total: usize,
    },
}

impl std::fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("site", &self.site)
            .field("output", &self.output)
            .field("base_url", &self.base_url)
            .field("cache_dir", &self.cache_dir)
            .field("theme", &self.theme)
            .finish_non_exhaustive()
    }
}

impl BuildOptions {
    /// Options for the site in `site`, with every default: output in `SITE/public`, cache in
    /// `SITE/.souk-cache`, the theme `souk.yaml` names.
    pub fn new(site: impl Into<PathBuf>) -> Self {
        BuildOptions {
            site: site.into(),
            output: None,
            base_url: None,
            cache_dir: None,
            theme: None,
            progress: None,
        }
    }

    /// Where the site is written: `output`, else `SITE/public`.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.site.join("public"))
    }

    /// Where processed photos are kept between builds: `cache_dir`, else `SITE/.souk-cache`.
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_dir
            .clone()
            .unwrap_or_else(|| self.site.join(".souk-cache"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output folder the site was written into.
    pub output: PathBuf,
    /// HTML pages written per language, in the site's language order.
    pub pages: Vec<(Lang, usize)>,
    /// Files in the new output: pages, feeds, static files and photos.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Photos the site uses, each counted once.
    pub images: usize,
    /// Photos encoded in this build; the others came from the cache.
    pub images_encoded: usize,
    /// Pages rendered in this build; the others were unchanged and carried over from the
    /// previous build's output.
    pub pages_rendered: usize,
    /// True when nothing changed since the previous build of this output (sources, options,
    /// souk itself, the output's files): the build read no file but their stamps and wrote
    /// nothing.
    pub up_to_date: bool,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    /// How long the whole build took.
    pub elapsed: Duration,
    /// Time spent in each stage, in order: where a build's time goes.
    pub stages: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    /// The one line `souk build` ends with.
    pub fn summary(&self) -> String {
        let total: usize = self.pages.iter().map(|(_, n)| n).sum();
        let per_lang = self
            .pages
            .iter()
            .map(|(lang, n)| format!("{lang} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let unchanged = total - self.pages_rendered;
        let rendered = if self.up_to_date {
            format!(", 0 rendered, {unchanged} unchanged (nothing changed since the last build)")
        } else if unchanged > 0 {
            format!(", {} rendered, {unchanged} unchanged", self.pages_rendered)
        } else {
            String::new()
        };
        format!(
            "built {total} pages ({per_lang}){rendered}, {} photos ({} processed), {} files, {:.1} MB into {} in {:.2} s",
            self.images,
            self.images_encoded,
            self.files,
            self.bytes as f64 / 1_000_000.0,
            self.output.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// Builds the site. On failure, every problem found is returned and the previous output is
/// left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    build_unsorted(options).map_err(|mut problems| {
        problems.sort();
        problems
    })
}

fn build_unsorted(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let root = options.site.as_path();
    let output = options.output_dir();
    crate::write::check_output(root, &output)?;
    // One build at a time per output folder, from here to the end (the image cache and the
    // page record are shared too); the leftovers of killed builds are removed under the lock.
    let lock = crate::write::OutputLock::acquire(&crate::fs::normalize(&output), |pid| {
        if let Some(report) = &options.progress {
            report(Progress::Waiting { pid });
        }
    })?;
    crate::write::remove_leftovers(&lock);
    let cache_dir = options.cache_dir();
    if options.cache_dir.is_none() {
        check_default_cache(root, &cache_dir)?;
    }

    // The stamps of every source, taken before any is read: a file changed after this has
    // another stamp at the next build, whatever this build read of it.
    let started_ns = now_ns();
    let load_options = crate::load::LoadOptions {
        base_url: options.base_url.as_deref(),
        theme: options.theme.as_deref(),
    };
    // The previous build's record is read meanwhile: the walk waits on the file system.
    let (walked, mut previous) = rayon::join(
        || crate::load::inputs(root, load_options),
        || {
            BuildRecord::load(
                &cache_dir,
                lock.output(),
                crate::write::output_id(lock.output()).as_deref(),
            )
        },
    );
    let inputs = Inputs::new(
        walked,
        &[
            crate::fs::normalize(root).as_os_str().as_encoded_bytes(),
            options.base_url.as_deref().unwrap_or_default().as_bytes(),
            options
                .theme
                .as_deref()
                .map(crate::fs::normalize)
                .unwrap_or_default()
                .as_os_str()
                .as_encoded_bytes(),
        ],
    );
    if let Some((summary, pages)) = previous
        .up_to_date(&inputs, lock.output())
        .and_then(|summary| Some((summary, pages_per_lang(summary)?)))
    {
        stage("compare sources and output with the last build");
        return Ok(BuildReport {
            output,
            pages_rendered: 0,
            files: summary.files,
            bytes: summary.bytes,
            images: summary.images,
            images_encoded: 0,
            up_to_date: true,
            warnings: summary.warnings(),
            pages,
            elapsed: started.elapsed(),
            stages,
        });
    }

    previous.load_rows(&cache_dir, lock.output());
    stage("compare sources and output with the last build");
    let crate::load::Loaded {
        site,
        theme,
        mut warnings,
    } = crate::load::load(root, load_options, inputs.entries())?;
    stage("load and resolve");

    let progress = |done: usize, total: usize| {
        if let Some(report) = &options.progress {
            report(Progress::Images { done, total });
        }
    };
    let images =
        crate::images::process(&site.photos(), &cache_dir, &site.config.images, &progress)?;
    stage("images");
    let urls = Urls::new(&site.config.base_url);
    // Everything is written into a staging folder, put in place only when all of it succeeded.
    let staging = crate::write::Staging::new(&lock, previous.describes_output())?;
    staging.static_files(&theme.static_files)?;
    staging.images(&images)?;
    stage("static files and image links");
    let pages_progress = |done: usize, total: usize| {
        if let Some(report) = &options.progress {
            report(Progress::Pages { done, total });
        }
    };
    let mut rendered = crate::render::render(
        &site,
        &theme,
        &images,
        &urls,
        &previous,
        &staging,
        &pages_progress,
    )?;
    // Once the pages are written, a build needs no more of the model than its configuration,
    // and the model is most of its memory (every text of every product, some 800 MB at
    // N=100,000; the end of a large build is where its memory peaks). It is let go, and the
    // pages' record made ready for the next build, on one core while the sitemaps are written
    // on the other: alone at the end of the build, these took as long as the sitemaps.
    let config = site.config.clone();
    let sitemap = std::mem::take(&mut rendered.sitemap);
    let pages_record = std::mem::take(&mut rendered.record);
    let (sitemaps, mut record) = rayon::join(
        || crate::render::write_sitemaps(&config, &theme, &urls, &sitemap, &previous, &staging),
        move || {
            drop(site);
            PageRecord::new(pages_record)
        },
    );
    record.extend(sitemaps?);
    drop(sitemap);
    for file in crate::hosting::files(&config) {
        staging.put(&file.path, &file.contents)?;
    }
    stage("render and write pages, sitemaps, feeds");
    // The host's limits, before anything is published: a site too big for it fails here with
    // the remedy, and the previous output stays.
    let (files, bytes, largest) = staging.totals();
    let limits = crate::hosting::check_limits(
        &config,
        &crate::hosting::Totals {
            files,
            bytes,
            largest,
            photo_files: images.files().len(),
        },
    );
    if limits.has_errors() {
        let mut problems = warnings;
        problems.extend(limits);
        return Err(problems);
    }
    warnings.extend(limits);
    let output_id = staging.id().to_owned();
    let (written, stamps) = staging.commit()?;
    warnings.sort();
    let pages: Vec<(Lang, usize)> = config
        .languages
        .iter()
        .map(|l| l.code.clone())
        .zip(rendered.pages_per_lang.values().copied())
        .collect();
    let summary = Summary::new(
        pages.iter().map(|(l, n)| (l.to_string(), *n)).collect(),
        (written.files, written.bytes),
        images.images.len(),
        &warnings,
    );
    // Only a speed-up for the next build: without it, that build renders every page.
    let _ = BuildRecord::new(
        &output_id,
        inputs,
        started_ns,
        stamps,
        record,
        std::mem::take(&mut rendered.rows),
        summary,
    )
    .save(&cache_dir, lock.output());
    stage("swap in the output");
    let pages_rendered = rendered.pages_per_lang.values().sum::<usize>() - rendered.reused;
    Ok(BuildReport {
        output,
        pages,
        files: written.files,
        bytes: written.bytes,
        images: images.images.len(),
        images_encoded: images.encoded,
        pages_rendered,
        up_to_date: false,
        warnings,
        elapsed: started.elapsed(),
        stages,
    })
}

/// The pages per language a record says, if every code in it is a language code (the cache is
/// not trusted).
fn pages_per_lang(summary: &Summary) -> Option<Vec<(Lang, usize)>> {
    summary
        .pages
        .iter()
        .map(|(code, n)| Some((Lang::parse(code)?, *n)))
        .collect()
}

/// Now, in nanoseconds since 1970 (0 if the clock says otherwise).
fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The default cache, `SITE/.souk-cache`, is part of the site folder, which a contributor's
/// commit can fill: a link there would make souk write its cache wherever it points. A cache
/// elsewhere is a decision of whoever runs the build (`--cache-dir`), and may be a link.
fn check_default_cache(root: &Path, cache_dir: &Path) -> Result<(), Diagnostic> {
    let is_link = std::fs::symlink_metadata(cache_dir).is_ok_and(|m| !m.is_dir());
    if is_link {
        return Err(Diagnostic::system(
            crate::diagnostics::relative(root, cache_dir),
            "the photo cache is a link or a file, not a folder; souk keeps its cache in a folder of its own",
        )
        .hint("delete it (the next build makes the folder), or choose a cache folder with `--cache-dir`"));
    }
    Ok(())
}
