//! `product.yaml` parsing: any UTF-8 text gives a product or a readable diagnostic, never a panic
//! and never a Rust debug dump in the message.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use souk::source::RawProduct;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(diagnostic) = souk::yaml::parse::<RawProduct>(Path::new("product.yaml"), text, 0) {
        let shown = diagnostic.to_string();
        assert!(
            !shown.contains("Error {") && !shown.contains("panicked"),
            "diagnostic leaks a debug dump: {shown}"
        );
    }
});
