//! The `souk` command: exit codes, the summary line, errors on stderr.

use crate::harness::{Served, TestSite, souk};

#[test]
fn build_ends_with_one_summary_line() {
    let site = TestSite::minimal();
    let out = souk()
        .args([
            "build",
            site.root().to_str().unwrap(),
            "--output",
            site.output().to_str().unwrap(),
            "--cache-dir",
        ])
        .arg(site.root().parent().unwrap().join("cache"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("built 20 pages (fr 10, ar 10), 2 photos (2 processed), "),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" s"), "{stdout}");
    assert!(site.output().join("index.html").is_file());
}

#[test]
fn default_output_is_public_inside_the_site() {
    let site = TestSite::minimal();
    let out = souk().arg("build").arg(site.root()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site.path("public/index.html").is_file());
    assert!(site.path(".souk-cache/images").is_dir());
}

#[test]
fn a_failed_build_exits_non_zero_with_plain_errors() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/product.yaml",
        "category: oils",
        "category: oil",
    );
    let out = souk()
        .arg("build")
        .arg(site.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: products/argan-oil/product.yaml:2:11: there is no category `oil`\n  hint: did you mean `oils`?\nbuild failed with 1 error; the previous output, if any, is unchanged\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn base_url_flag_moves_every_link_under_a_sub_path() {
    let site = TestSite::minimal();
    let out = souk()
        .arg("build")
        .arg(site.root())
        .args(["--base-url", "https://user.github.io/coop"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = std::fs::read_to_string(site.path("public/index.html")).unwrap();
    assert!(home.contains("href=\"/coop/css/main.css\""), "{home}");
}

#[test]
fn serve_answers_under_the_base_path() {
    let site = TestSite::minimal();
    let server = Served::start(
        &[
            site.root().to_str().unwrap(),
            "--base-url",
            "https://user.github.io/coop/",
        ],
        "/coop/",
    );
    let get = |path: &str| server.get(path).unwrap();
    let (status, body) = get("/coop/");
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"fr\" dir=\"ltr\">"));
    let (status, body) =
        get("/coop/ar/products/%D8%B2%D9%8A%D8%AA-%D8%A3%D8%B1%D9%83%D8%A7%D9%86/");
    assert_eq!(status, 200);
    assert!(body.contains("dir=\"rtl\""));
    let (status, body) = get("/coop/ar/nothing-here/");
    assert_eq!(status, 404);
    assert!(body.contains("lang=\"ar\""));
    let (status, _) = get("/");
    assert_eq!(status, 303);
}

#[test]
fn many_problems_with_the_same_message_are_counted_not_listed() {
    let site = TestSite::minimal();
    for n in 1..=5 {
        site.write(
            &format!("products/soap-{n}/product.yaml"),
            format!("sku: SOAP-{n}\ncategory: oils\nprice: \"20\"\n"),
        );
        site.write(
            &format!("products/soap-{n}/fr.md"),
            "---\nname: Savon\n---\n",
        );
        site.write(
            &format!("products/soap-{n}/ar.md"),
            "---\nname: صابون\n---\n",
        );
    }
    let out = souk()
        .arg("build")
        .arg(site.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.matches(".yaml: this product has no photo\n").count(),
        3,
        "{stderr}"
    );
    assert!(
        stderr.ends_with("warning: … and 2 more files with: this product has no photo\n"),
        "{stderr}"
    );
}
