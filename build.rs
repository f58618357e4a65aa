//! Before anything is compiled: the image libraries souk links (libjpeg-turbo, rav1e) are
//! built from source with `cmake` and `nasm`. Without them their own build scripts fail with
//! pages of CMake output; this says in one line what to install instead.

fn main() {
    println!("cargo::rerun-if-env-changed=PATH");
    let missing: Vec<&str> = ["cmake", "nasm"]
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    if !missing.is_empty() {
        println!(
            "cargo::error=souk needs {} to build its image libraries: install {} (Debian, Ubuntu: `sudo apt-get install build-essential cmake nasm`; macOS: `brew install cmake nasm`; Windows: `winget install Kitware.CMake NASM.NASM`), or download a released souk instead of building it",
            missing.join(" and "),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
}

/// Whether an executable called `tool` is in one of the folders of `PATH`.
fn on_path(tool: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        ["", ".exe"]
            .iter()
            .any(|ext| dir.join(format!("{tool}{ext}")).is_file())
    })
}
