//! The `souk` command line: a thin layer over the library that parses arguments and prints.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use souk::build::{BuildOptions, BuildReport, Progress, ProgressFn, build};
use souk::diagnostics::Diagnostics;

/// Turn a cooperative's catalogue (YAML and Markdown) into a fast, multilingual static shop.
#[derive(Parser)]
#[command(name = "souk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    Build(BuildArgs),
    /// Audit the site's content for search engines and product listings.
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
    /// Build the site and serve it on this computer to look at it.
    Serve {
        #[command(flatten)]
        build: BuildArgs,
        /// The port to listen on, on 127.0.0.1.
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Write `i18n/LANG.yaml` with every UI string of the theme, ready to translate (only the
    /// missing ones, at its end, when the file is there).
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => match run_build(&args.options()).inspect(|report| {
            if args.timings {
                for (stage, time) in &report.stages {
                    eprintln!("{:>8.3} s  {stage}", time.as_secs_f64());
                }
            }
        }) {
            Some(_) => ExitCode::SUCCESS,
            None => ExitCode::FAILURE,
        },
        Command::Check {
            site_dir,
            format,
            theme,
        } => run_check(&site_dir, format, theme.as_deref()),
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
                match (written.added, written.existed) {
                    (0, _) => println!("{file} already has every UI string of the theme"),
                    (n, false) => println!(
                        "wrote {file}: {n} UI strings in {}, to translate{}",
                        written.from,
                        if written.in_site {
                            ""
                        } else {
                            "; then add the language to `languages` in souk.yaml"
                        }
                    ),
                    (n, true) => println!(
                        "added the {n} missing UI strings to the end of {file}, in {}: translate them",
                        written.from
                    ),
                }
                ExitCode::SUCCESS
            }
            Err(problems) => {
                print_diagnostics(&problems);
                ExitCode::FAILURE
            }
        },
        Command::Serve { build: args, port } => {
            let options = args.options();
            let Some(report) = run_build(&options) else {
                return ExitCode::FAILURE;
            };
            let base_path = match souk::config::load(&options.site) {
                Ok(config) => match &options.base_url {
                    Some(url) => souk::config::parse_base_url(url)
                        .map(|u| u.path().to_owned())
                        .unwrap_or_else(|_| "/".to_owned()),
                    None => config.base_url.path().to_owned(),
                },
                Err(_) => "/".to_owned(),
            };
            let served = souk::serve::serve(&report.output, &base_path, port, |address| {
                eprintln!(
                    "serving {} at {address} (Ctrl+C to stop)",
                    report.output.display()
                );
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Builds and prints the outcome: warnings and errors on stderr, the summary line on stdout.
fn run_build(options: &BuildOptions) -> Option<BuildReport> {
    match build(options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            println!("{}", report.summary());
            Some(report)
        }
        Err(problems) => {
            print_diagnostics(&problems);
            let count = problems.error_count();
            eprintln!(
                "build failed with {count} error{}; the previous output, if any, is unchanged",
                if count == 1 { "" } else { "s" }
            );
            None
        }
    }
}

/// Audits the site; exits non-zero when there are errors (warnings alone are fine).
fn run_check(site: &std::path::Path, format: Format, theme: Option<&std::path::Path>) -> ExitCode {
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
            print_diagnostics(&findings);
            let errors = findings.error_count();
            let warnings = findings.iter().count() - errors;
            let verdict = if !loaded {
                "the site could not be read"
            } else if errors == 0 && warnings == 0 {
                "all clear"
            } else {
                "see above"
            };
            eprintln!(
                "{errors} error{}, {warnings} warning{}: {verdict}",
                plural(errors),
                plural(warnings)
            );
        }
    }
    if findings.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A progress bar for the photos on a terminal (nothing in logs and pipes), and a line when
/// the build has to wait for another one.
fn progress_bar() -> Option<ProgressFn> {
    let terminal = std::io::stderr().is_terminal();
    let bar = ProgressBar::hidden();
    if terminal {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} photos")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("processing");
    Some(Arc::new(move |progress| match progress {
        Progress::Waiting { pid } => {
            let who = pid.map_or_else(String::new, |pid| format!(" (process {pid})"));
            eprintln!(
                "waiting for another souk build{who} writing the same output folder to finish…"
            );
        }
        Progress::Images { .. } if !terminal => {}
        Progress::Images { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if done == total {
                bar.finish_and_clear();
            }
        }
    }))
}

/// How many problems with the same message are printed before the rest are counted: a
/// catalogue of 10,000 products without photos needs three examples, not 10,000 lines.
const SAME_MESSAGE_SHOWN: usize = 3;

fn print_diagnostics(diagnostics: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut seen: std::collections::HashMap<(bool, &str), usize> = std::collections::HashMap::new();
    for diagnostic in diagnostics.iter() {
        let count = seen
            .entry((diagnostic.is_error(), diagnostic.message.as_str()))
            .or_insert(0);
        *count += 1;
        if *count > SAME_MESSAGE_SHOWN {
            continue;
        }
        let text = diagnostic.to_string();
        if color {
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
        .filter(|(_, n)| **n > SAME_MESSAGE_SHOWN)
        .collect();
    more.sort();
    for ((error, message), count) in more {
        let label = if *error { "error" } else { "warning" };
        eprintln!(
            "{label}: … and {} more files with: {message}",
            count - SAME_MESSAGE_SHOWN
        );
    }
}
