//! souk's integration tests: one binary, fixture sites under `tests/fixtures/`, built through the
//! library API or the `souk` command, with assertions on exactly the part that matters.

mod harness;

mod check;
mod cli;
mod content_errors;
mod example_site;
mod hostile;
mod images;
mod incremental;
mod init;
mod layers;
mod output;
mod print;
mod properties;
mod rendering;
mod security;
mod seo;
mod serve;
mod theme_contract;
mod ui_strings;
