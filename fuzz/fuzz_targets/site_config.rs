//! `souk.yaml`: arbitrary bytes written to a site folder and loaded give a config or
//! diagnostics, never a panic. One folder per process under the system temp dir, reused.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn site_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("souk-fuzz-site-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz site folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = site_dir();
    std::fs::write(dir.join("souk.yaml"), data).expect("write souk.yaml");
    if let Err(diagnostics) = souk::config::load(dir) {
        for diagnostic in diagnostics.iter() {
            let shown = diagnostic.to_string();
            assert!(
                !shown.contains("Error {") && !shown.contains("panicked"),
                "diagnostic leaks a debug dump: {shown}"
            );
        }
    }
});
