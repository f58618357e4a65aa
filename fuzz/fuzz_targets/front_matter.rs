//! Markdown files with `---` front matter (a product's `<lang>.md`): split and parsed without
//! panicking, with readable diagnostics.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use souk::source::ProductFront;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match souk::source::parse_doc::<ProductFront>(Path::new("fr.md"), text) {
        Ok(doc) => {
            // The body is what follows the closing `---` line, so it is a suffix of the file.
            assert!(text.ends_with(&doc.body), "body is not the end of the file");
        }
        Err(diagnostic) => {
            let shown = diagnostic.to_string();
            assert!(
                !shown.contains("Error {") && !shown.contains("panicked"),
                "diagnostic leaks a debug dump: {shown}"
            );
        }
    }
});
