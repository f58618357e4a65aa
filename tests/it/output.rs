//! The output folder: written whole or not at all, and never somewhere it would destroy work.

use crate::harness::{TestSite, files_under};

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = TestSite::minimal();
    site.built();
    let before: Vec<(String, Vec<u8>)> = files_under(&site.output())
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.output().join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    site.edit(
        "products/argan-oil/product.yaml",
        "category: oils",
        "category: soaps",
    );
    site.errors();
    let after: Vec<(String, Vec<u8>)> = files_under(&site.output())
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.output().join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    assert_eq!(before, after);
    // No staging folder is left behind.
    let leftovers = crate::harness::souk_leftovers(&site.output());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rebuild_replaces_files_that_are_gone() {
    let site = TestSite::minimal();
    site.built();
    assert!(site.output().join("about/index.html").is_file());
    site.remove("pages/about");
    site.built();
    assert!(!site.output().join("about").exists());
    assert!(site.output().join(".souk-output").is_file());
}

#[test]
fn output_inside_the_site_sources_is_refused() {
    let site = TestSite::minimal();
    for output in [
        site.root(),
        site.path("products"),
        site.root().parent().unwrap().to_path_buf(),
    ] {
        let mut options = site.options();
        options.output = Some(output.clone());
        let errors = souk::build::build(&options).unwrap_err().to_string();
        assert!(
            errors.contains(
                "hint: build into a folder of its own, e.g. `--output public` (the default)"
            ),
            "{}: {errors}",
            output.display()
        );
    }
    assert!(site.path("products/argan-oil/product.yaml").is_file());
}

#[test]
fn a_folder_souk_did_not_make_is_not_replaced() {
    let site = TestSite::minimal();
    std::fs::create_dir_all(site.output()).unwrap();
    std::fs::write(site.output().join("thesis.docx"), b"years of work").unwrap();
    let errors = site.errors();
    assert!(
        errors.contains(
            "this folder is not empty and was not made by souk, so souk will not replace it"
        ),
        "{errors}"
    );
    assert_eq!(
        std::fs::read(site.output().join("thesis.docx")).unwrap(),
        b"years of work"
    );
}
