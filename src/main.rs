//! The `souk` command line: a thin layer over the library that parses arguments and prints.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use souk::build::{BuildOptions, BuildReport, Progress, ProgressFn, build};
use souk::config::Host;
use souk::diagnostics::Diagnostics;
use souk::init::InitOptions;
use souk::serve::{Event, ServeOptions};

/// Turn a cooperative's catalogue (YAML and Markdown) into a fast, multilingual static shop.
#[derive(Parser)]
#[command(
    name = "souk",
    version,
    about,
    after_help = "Exit status: 0 when all went well, 1 when the site's content has errors, \
2 when the command was wrong or a file or port could not be used.\n\n\
Start with `souk init my-shop`, then `souk serve my-shop`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Say only what went wrong: no summary, no warnings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: every warning (not only three of each kind) and how long each stage took.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Make a new shop: settings, two sample products, a category, the pages every shop needs,
    /// and the workflow that publishes it.
    #[command(after_help = "Examples:\n  souk init my-shop\n  \
souk init my-shop --name \"Coopérative Tifawin\" --languages fr,ar,en --host cloudflare-pages\n  \
souk init my-shop --languages ar,fr,zgh --currency MAD --host github-pages")]
    Init {
        /// The folder to make the shop in (made if it does not exist; must be empty).
        dir: PathBuf,
        /// The cooperative's name [default: a sample name in each language].
        #[arg(long)]
        name: Option<String>,
        /// The shop's languages, the main one first.
        #[arg(long, value_delimiter = ',', default_value = "fr,ar,en")]
        languages: Vec<String>,
        /// The currency of the prices (ISO 4217).
        #[arg(long, default_value = "MAD")]
        currency: String,
        /// Where the shop will be published.
        #[arg(long, value_enum, default_value_t = HostArg::Plain)]
        host: HostArg,
        /// Add the missing files to a folder that is not empty (never overwrites a file).
        #[arg(long)]
        force: bool,
    },
    /// Add a product, category, page or producer: its folder, its YAML and one Markdown file
    /// per language, with TODO placeholders that `souk check` reports until they are replaced.
    #[command(
        after_help = "Examples:\n  souk new product saffron-1g --site my-shop\n  \
souk new category spices --site my-shop\n  souk new producer fatima --site my-shop\n  \
souk new page contact --site my-shop"
    )]
    New {
        /// What to add.
        #[arg(value_enum)]
        kind: KindArg,
        /// Its id: the folder's name, lowercase letters, digits and `-` (e.g. `argan-oil-250ml`).
        id: String,
        /// The site folder, holding `souk.yaml`.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Build the site into a folder of static files.
    #[command(
        after_help = "Examples:\n  souk build                 the site in this folder, into ./public\n  \
souk build my-shop --output /tmp/shop\n  \
souk build my-shop --base-url https://user.github.io/shop/"
    )]
    Build(BuildArgs),
    /// Audit the site's content for search engines and product listings.
    #[command(
        after_help = "Examples:\n  souk check my-shop\n  souk check my-shop --format json > findings.json"
    )]
    Check {
        /// The site folder, holding `souk.yaml`.
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// `text` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Use the theme in this folder, which may be outside the site.
        #[arg(long)]
        theme: Option<PathBuf>,
    },
    /// Work with the site's theme.
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Build the site, serve it on this computer and rebuild it at every change, reloading
    /// the open pages.
    #[command(after_help = "Examples:\n  souk serve my-shop\n  \
souk serve my-shop --open              and open it in the browser\n  \
souk serve my-shop --bind 0.0.0.0      to look at it on a phone on the same Wi-Fi")]
    Serve {
        #[command(flatten)]
        build: BuildArgs,
        /// The port to listen on; when it is taken, the next free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on: 127.0.0.1 is this computer only, 0.0.0.0 every network
        /// it is on (a phone on the same Wi-Fi).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the shop in the web browser once it is served.
        #[arg(long)]
        open: bool,
        /// Serve the first build only, without watching for changes.
        #[arg(long)]
        no_watch: bool,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Write `i18n/LANG.yaml` with every UI string of the theme, ready to translate (only the
    /// missing ones, at its end, when the file is there).
    #[command(
        after_help = "Examples:\n  souk theme strings zgh my-shop             Tamazight, from the site's first language\n  \
souk theme strings es my-shop --from fr"
    )]
    Strings {
        /// The language to translate into, e.g. `zgh` or `es`.
        lang: String,
        /// The site folder, holding `souk.yaml`.
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Copy the texts from this language of the site [default: its first other language].
        #[arg(long)]
        from: Option<String>,
        /// Use the theme in this folder, which may be outside the site.
        #[arg(long)]
        theme: Option<PathBuf>,
    },
}

/// What `souk new` adds.
#[derive(Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Product,
    Category,
    Page,
    Producer,
}

/// `--host`: the hosts of `hosting:` in souk.yaml.
#[derive(Clone, Copy, clap::ValueEnum)]
enum HostArg {
    GithubPages,
    CloudflarePages,
    Netlify,
    Plain,
}

impl From<HostArg> for Host {
    fn from(host: HostArg) -> Host {
        match host {
            HostArg::GithubPages => Host::GithubPages,
            HostArg::CloudflarePages => Host::CloudflarePages,
            HostArg::Netlify => Host::Netlify,
            HostArg::Plain => Host::Plain,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The site folder, holding `souk.yaml`.
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// Where to write the site [default: SITE_DIR/public].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Publish under another address than `base_url` in souk.yaml.
    #[arg(long)]
    base_url: Option<String>,
    /// Where processed photos are kept between builds [default: SITE_DIR/.souk-cache].
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Use the theme in this folder, which may be outside the site (`theme:` in souk.yaml
    /// names only a folder of the site's `themes/` or a built-in theme).
    #[arg(long)]
    theme: Option<PathBuf>,
    /// Also print how long each stage took.
    #[arg(long)]
    timings: bool,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            site: self.site_dir.clone(),
            output: self.output.clone(),
            base_url: self.base_url.clone(),
            cache_dir: self.cache_dir.clone(),
            theme: self.theme.clone(),
            progress: progress_bar(),
        }
    }
}

/// souk allocates many small strings from both cores at once (views, contexts, pages);
/// mimalloc's per-thread heaps do that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks for them, and the first
/// touch of one then zeroes 2 MB at once: on the virtual machines sites are built on (free CI
/// runners, this project's own), memory the host has taken back is slow to touch again, and one
/// such fault held a core for 50 ms while the other had nothing left to do. Right after another
/// program has let its memory go (Hugo, in the benchmark), a cold build of 10,000 products took
/// 1.78 s with them and 1.55 s without (medians of 7). A build touches most of its memory once,
/// so the TLB misses huge pages save are worth less than what they cost here.
fn without_huge_pages() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // Only a speed-up: a kernel without the setting builds the same pages.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

fn main() -> ExitCode {
    without_huge_pages();
    let cli = Cli::parse();
    let say = Say {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match cli.command {
        Command::Init {
            dir,
            name,
            languages,
            currency,
            host,
            force,
        } => run_init(
            &InitOptions {
                dir,
                name,
                languages,
                currency,
                host: host.into(),
                force,
            },
            say,
        ),
        Command::New { kind, id, site } => {
            let kind = match kind {
                KindArg::Product => souk::init::Kind::Product,
                KindArg::Category => souk::init::Kind::Category,
                KindArg::Page => souk::init::Kind::Page,
                KindArg::Producer => souk::init::Kind::Producer,
            };
            match souk::init::new(&site, kind, &id) {
                Ok(written) => {
                    for file in &written {
                        say.note(&format!("wrote {}", site.join(file).display()));
                    }
                    say.result(&format!(
                        "replace each TODO in these {} files; `souk check {}` lists those left",
                        written.len(),
                        site.display()
                    ));
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    say.diagnostics(&problems);
                    exit_code(&problems)
                }
            }
        }
        Command::Build(args) => match run_build(&args.options(), say) {
            Ok(report) => {
                if args.timings || say.verbose {
                    print_stages(&report);
                }
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Check {
            site_dir,
            format,
            theme,
        } => run_check(&site_dir, format, theme.as_deref(), say),
        Command::Theme {
            command:
                ThemeCommand::Strings {
                    lang,
                    site_dir,
                    from,
                    theme,
                },
        } => match souk::translate::write_strings(
            &site_dir,
            &lang,
            from.as_deref(),
            theme.as_deref(),
        ) {
            Ok(written) => {
                let file = written.file.display();
                let told = match (written.added, written.existed) {
                    (0, _) => format!("{file} already has every UI string of the theme"),
                    (n, false) => format!(
                        "wrote {file}: {n} UI strings in {}, to translate{}",
                        written.from,
                        if written.in_site {
                            ""
                        } else {
                            "; then add the language to `languages` in souk.yaml"
                        }
                    ),
                    (n, true) => format!(
                        "added the {n} missing UI strings to the end of {file}, in {}: translate them",
                        written.from
                    ),
                };
                say.result(&told);
                ExitCode::SUCCESS
            }
            Err(problems) => {
                say.diagnostics(&problems);
                exit_code(&problems)
            }
        },
        Command::Serve {
            build: args,
            port,
            bind,
            open,
            no_watch,
        } => run_serve(
            ServeOptions {
                build: args.options(),
                bind,
                port,
                watch: !no_watch,
            },
            open,
            say,
        ),
    }
}

/// How much to say, and whether in colour.
#[derive(Clone, Copy)]
struct Say {
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Say {
    /// The one line that says what a command did (stdout: what a script may read).
    fn result(self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }

    /// Something the person running souk should know (stderr).
    fn note(self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// Warnings and errors on stderr; with `--quiet`, errors only.
    fn diagnostics(self, diagnostics: &Diagnostics) {
        print_diagnostics(diagnostics, self);
    }
}

/// Makes the site and says what to do next.
fn run_init(options: &InitOptions, say: Say) -> ExitCode {
    let made = match souk::init::init(options) {
        Ok(made) => made,
        Err(problems) => {
            say.diagnostics(&problems);
            return exit_code(&problems);
        }
    };
    let dir = options.dir.display();
    for lang in &made.english_texts {
        say.note(&format!(
            "note: the sample texts in `{lang}` are in English: translate the files named {lang}.md"
        ));
    }
    for lang in &made.without_ui_strings {
        say.note(&format!(
            "warning: the theme has no buttons and menus in `{lang}` yet: they show in another language until you run `souk theme strings {lang} {dir}` and translate the file it writes"
        ));
    }
    if !made.kept.is_empty() {
        let kept = made.kept.len();
        say.note(&format!(
            "kept {kept} file{} that {} there already, unchanged",
            plural(kept),
            if kept == 1 { "was" } else { "were" }
        ));
    }
    say.result(&format!(
        "made a new shop in {dir}: {} files",
        made.written.len()
    ));
    let publish = match options.host {
        Host::Plain => format!("souk build {dir}, then copy {dir}/public/ to the web server"),
        host => format!(
            "put {dir} in a GitHub repository: .github/workflows/publish.yml publishes it on {} at every push (docs/publishing.md)",
            host.title()
        ),
    };
    say.note(&format!(
        "next:\n  1. souk serve {dir}        look at the shop; it reloads at every change\n  \
2. edit {dir}/souk.yaml (name, WhatsApp number, address) and replace the sample products in {dir}/products/ (`souk new product ID --site {dir}` adds one)\n  \
3. {publish}"
    ));
    ExitCode::SUCCESS
}

/// 1 for the content's errors, 2 for this computer's (a disk, a permission, a port).
fn exit_code(problems: &Diagnostics) -> ExitCode {
    if problems.has_system_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// Builds and prints the outcome: warnings and errors on stderr, the summary line on stdout.
fn run_build(options: &BuildOptions, say: Say) -> Result<BuildReport, ExitCode> {
    match build(options) {
        Ok(report) => {
            say.diagnostics(&report.warnings);
            say.result(&report.summary());
            Ok(report)
        }
        Err(problems) => {
            say.diagnostics(&problems);
            eprintln!("{}", failed(&problems));
            Err(exit_code(&problems))
        }
    }
}

fn failed(problems: &Diagnostics) -> String {
    let count = problems.error_count();
    format!(
        "build failed with {count} error{}; the previous output, if any, is unchanged",
        plural(count)
    )
}

fn print_stages(report: &BuildReport) {
    for (stage, time) in &report.stages {
        eprintln!("{:>8.3} s  {stage}", time.as_secs_f64());
    }
}

/// Serves until stopped; prints what happens: each rebuild with its time, each failure with
/// its errors.
fn run_serve(options: ServeOptions, open: bool, say: Say) -> ExitCode {
    let watch = options.watch;
    let on_event = |event: Event<'_>| match event {
        Event::Listening {
            address,
            network,
            taken,
        } => {
            if let Some(port) = taken {
                eprintln!("port {port} is taken: serving on the next free one");
            }
            eprintln!("serving the shop at {address} (Ctrl+C to stop)");
            if let Some(network) = network {
                eprintln!("on a phone or another computer on the same Wi-Fi: {network}");
            }
            if watch {
                say.note("every change to the site's files rebuilds it and reloads the open pages");
            }
            if open {
                open_in_browser(&address);
            }
        }
        Event::Changed(paths) => {
            let first = paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let more = match paths.len() {
                0 | 1 => String::new(),
                n => format!(" and {} other file{}", n - 1, plural(n - 1)),
            };
            say.note(&format!("changed: {first}{more}"));
        }
        Event::Built(report) => {
            say.diagnostics(&report.warnings);
            say.result(&report.summary());
            if say.verbose {
                print_stages(report);
            }
        }
        Event::Failed(problems) => {
            say.diagnostics(problems);
            if watch {
                eprintln!(
                    "{}; the pages in the browser show the errors until the next good save",
                    failed(problems)
                );
            } else {
                eprintln!("{}", failed(problems));
            }
        }
        Event::Trouble(message) => eprintln!("warning: {message}"),
    };
    match souk::serve::serve(&options, &on_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            let mut problems = Diagnostics::new();
            problems.push(problem);
            say.diagnostics(&problems);
            exit_code(&problems)
        }
    }
}

/// Opens `address` in the default web browser; a failure only means the person opens it.
fn open_in_browser(address: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(address).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", address])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(address).spawn()
    };
    if command.is_err() {
        eprintln!("could not open a browser: open {address} yourself");
    }
}

/// Audits the site; exits non-zero when there are errors (warnings alone are fine).
fn run_check(
    site: &std::path::Path,
    format: Format,
    theme: Option<&std::path::Path>,
    say: Say,
) -> ExitCode {
    let (findings, loaded) = match souk::check::check(site, theme) {
        Ok(findings) => (findings, true),
        Err(problems) => (problems, false),
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&findings) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("error: {e}"),
        },
        Format::Text => {
            say.diagnostics(&findings);
            let errors = findings.error_count();
            let warnings = findings.iter().count() - errors;
            let verdict = if !loaded {
                "the site could not be read"
            } else if errors == 0 && warnings == 0 {
                "all clear"
            } else {
                "see above"
            };
            if !say.quiet || errors > 0 {
                eprintln!(
                    "{errors} error{}, {warnings} warning{}: {verdict}",
                    plural(errors),
                    plural(warnings)
                );
            }
        }
    }
    if findings.has_errors() {
        exit_code(&findings)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Progress bars for the long stages (photos, pages) on a terminal, shown once a stage has
/// taken a second (nothing in logs and pipes), and a line when the build has to wait for
/// another one.
fn progress_bar() -> Option<ProgressFn> {
    let terminal = std::io::stderr().is_terminal();
    let bar = |what: &str| {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{prefix}} [{{bar:30}}] {{pos}}/{{len}} {what}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    let photos = bar("photos");
    photos.set_prefix("processing");
    let pages = bar("pages");
    pages.set_prefix("rendering");
    let started = std::time::Instant::now();
    let show = move |bar: &ProgressBar, done: usize, total: usize| {
        if bar.is_hidden() && started.elapsed() > std::time::Duration::from_secs(1) && done < total
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done == total {
            bar.finish_and_clear();
        }
    };
    Some(Arc::new(move |progress| match progress {
        Progress::Waiting { pid } => {
            let who = pid.map_or_else(String::new, |pid| format!(" (process {pid})"));
            eprintln!(
                "waiting for another souk build{who} writing the same output folder to finish…"
            );
        }
        Progress::Images { .. } | Progress::Pages { .. } if !terminal => {}
        Progress::Images { done, total } => show(&photos, done, total),
        Progress::Pages { done, total } => show(&pages, done, total),
    }))
}

/// How many problems with the same message are printed before the rest are counted: a
/// catalogue of 10,000 products without photos needs three examples, not 10,000 lines.
const SAME_MESSAGE_SHOWN: usize = 3;

fn print_diagnostics(diagnostics: &Diagnostics, say: Say) {
    let shown_per_message = if say.verbose {
        usize::MAX
    } else {
        SAME_MESSAGE_SHOWN
    };
    let mut seen: std::collections::HashMap<(bool, &str), usize> = std::collections::HashMap::new();
    for diagnostic in diagnostics.iter() {
        if say.quiet && !diagnostic.is_error() {
            continue;
        }
        let count = seen
            .entry((diagnostic.is_error(), diagnostic.message.as_str()))
            .or_insert(0);
        *count += 1;
        if *count > shown_per_message {
            continue;
        }
        let text = diagnostic.to_string();
        if say.color {
            let (label, code) = if diagnostic.is_error() {
                ("error", "31")
            } else {
                ("warning", "33")
            };
            eprintln!("\x1b[1;{code}m{label}\x1b[0m{}", &text[label.len()..]);
        } else {
            eprintln!("{text}");
        }
    }
    let mut more: Vec<(&(bool, &str), &usize)> = seen
        .iter()
        .filter(|(_, n)| **n > shown_per_message)
        .collect();
    more.sort();
    for ((error, message), count) in more {
        let label = if *error { "error" } else { "warning" };
        eprintln!(
            "{label}: … and {} more files with: {message}",
            count - shown_per_message
        );
    }
}
