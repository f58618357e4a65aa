//! The holes found by trying souk as an attacker would (docs/security.md): the preview server,
//! a poisoned cache, two builds into one output, a theme outside the site, terminal escapes and
//! bidi controls in messages, the swap, leftovers of killed builds, output paths with `..`.

use std::path::{Path, PathBuf};

use souk::build::{BuildOptions, Progress, build};
use souk::write::OutputLock;

use crate::harness::{Served, TestSite, copy_dir, files_under, snapshot, souk};

/// A folder beside the test site standing for the rest of the machine, with one precious file:
/// nothing souk does may create, change or truncate anything in it.
struct Outside {
    dir: PathBuf,
}

const PRECIOUS: &str = "the member list, not to be touched\n";

impl Outside {
    fn beside(site: &TestSite) -> Outside {
        let dir = site.output().parent().unwrap().join("outside");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("precious.txt"), PRECIOUS).unwrap();
        Outside { dir }
    }

    fn precious(&self) -> PathBuf {
        self.dir.join("precious.txt")
    }

    fn assert_untouched(&self) {
        assert_eq!(files_under(&self.dir), ["precious.txt"]);
        assert_eq!(
            std::fs::read_to_string(self.precious()).unwrap(),
            PRECIOUS,
            "a file outside the site, the cache and the output was changed"
        );
    }
}

// 1. The preview server.

#[test]
fn serve_answers_404_to_every_path_outside_its_output() {
    let site = TestSite::minimal();
    let outside = Outside::beside(&site);
    let server = Served::start(&[site.root().to_str().unwrap()], "/");
    let precious = outside.precious();
    let precious = precious.to_str().unwrap();
    // A link in the output to a file elsewhere is not followed either.
    std::os::unix::fs::symlink(outside.precious(), site.path("public/leak.txt")).unwrap();
    let encoded: String = precious.replace('/', "%2F");
    for target in [
        "//etc/passwd".to_owned(),
        "/%2Fetc%2Fpasswd".to_owned(),
        "/%2fetc/passwd".to_owned(),
        format!("/{precious}"),
        format!("/{encoded}"),
        "/../outside/precious.txt".to_owned(),
        "/%2e%2e/outside/precious.txt".to_owned(),
        "/products/..%2F..%2Foutside%2Fprecious.txt".to_owned(),
        "/.%2E/.%2E/outside/precious.txt".to_owned(),
        "/..\\outside\\precious.txt".to_owned(),
        "/leak.txt".to_owned(),
    ] {
        let (status, body) = server.get(&target).unwrap();
        assert_eq!(status, 404, "GET {target}");
        assert!(!body.contains("root:"), "GET {target} leaked /etc/passwd");
        assert!(!body.contains("member list"), "GET {target} leaked a file");
    }
    // The site itself is still served, from any spelling inside it.
    for target in ["/", "/./index.html", "//products/", "/%2Fproducts%2F"] {
        let (status, body) = server.get(target).unwrap();
        assert_eq!(status, 200, "GET {target}");
        assert!(body.contains("<html lang=\"fr\""), "GET {target}");
    }
}

#[test]
fn serve_refuses_requests_for_another_host_name() {
    let site = TestSite::minimal();
    let server = Served::start(&[site.root().to_str().unwrap()], "/");
    let port = server.port;
    let ask = |host: &str| {
        server
            .request(&format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            ))
            .unwrap()
    };
    // DNS rebinding: a page on attacker.example makes the browser reach 127.0.0.1 under its
    // own name.
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_owned(),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        let (status, body) = ask(&host);
        assert_eq!(status, 403, "Host: {host}");
        assert!(!body.contains("<html"), "Host: {host}");
        assert!(body.contains("answers only to this computer's own addresses"));
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_owned(),
    ] {
        assert_eq!(ask(&host).0, 200, "Host: {host}");
    }
}

// 2. The cache is untrusted input.

/// Every cache record souk reads: photo manifests, the photo stamps, the page record.
fn records(cache: &Path) -> Vec<PathBuf> {
    files_under(cache)
        .into_iter()
        .filter(|f| f.ends_with(".json"))
        .map(|f| cache.join(f))
        .collect()
}

/// `value` with every string, and every key that is a path, replaced by `poison`; but the page
/// record's `output_id` (kept, so that the record is believed and its paths are read) and the
/// image formats (kept, so that a manifest still parses and its file names are what is read).
fn poisoned(value: &serde_json::Value, poison: &str) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(_) => Value::String(poison.to_owned()),
        Value::Array(items) => Value::Array(items.iter().map(|v| poisoned(v, poison)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match k.as_str() {
                    "output_id" | "format" => (k.clone(), v.clone()),
                    // Struct fields keep their names, so the record still parses; map keys
                    // (paths) are poisoned too.
                    k if k.contains('/') || k.contains('.') => {
                        (poison.to_owned(), poisoned(v, poison))
                    }
                    _ => (k.clone(), poisoned(v, poison)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn a_poisoned_cache_costs_a_rebuild_never_a_write_elsewhere() {
    let clean = TestSite::minimal();
    clean.built();
    let expected = snapshot(&clean.output());

    let relative_escape = "../../outside/created-by-souk.txt";
    for poison in [relative_escape.to_owned(), String::new()] {
        let site = TestSite::minimal();
        let outside = Outside::beside(&site);
        let cache = site.output().parent().unwrap().join("cache");
        site.built();
        // Absolute: the path of a file that must not be truncated.
        let poison = if poison.is_empty() {
            outside.precious().to_str().unwrap().to_owned()
        } else {
            poison
        };
        let records = records(&cache);
        assert!(
            records.len() >= 3,
            "manifests, stamps and page record: {records:?}"
        );
        for record in records {
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
            std::fs::write(&record, poisoned(&value, &poison).to_string()).unwrap();
        }
        site.built();
        outside.assert_untouched();
        assert_eq!(snapshot(&site.output()), expected, "poisoned with {poison}");
    }
}

#[test]
fn links_in_the_cache_are_never_followed() {
    let clean = TestSite::minimal();
    clean.built();
    let expected = snapshot(&clean.output());

    let site = TestSite::minimal();
    let outside = Outside::beside(&site);
    let cache = site.output().parent().unwrap().join("cache");
    site.built();
    // Every rendition replaced by a link to the precious file…
    let images = cache.join("images");
    for name in files_under(&images) {
        if name.ends_with(".webp") || name.ends_with(".jpg") {
            std::fs::remove_file(images.join(&name)).unwrap();
            std::os::unix::fs::symlink(outside.precious(), images.join(&name)).unwrap();
        }
    }
    // …and the page record's folder replaced by a link to the outside folder.
    std::fs::remove_dir_all(cache.join("pages")).unwrap();
    std::os::unix::fs::symlink(&outside.dir, cache.join("pages")).unwrap();
    std::fs::remove_dir_all(site.output()).unwrap();
    site.built();
    outside.assert_untouched();
    assert_eq!(snapshot(&site.output()), expected);
    for file in files_under(&site.output()) {
        let meta = std::fs::symlink_metadata(site.output().join(&file)).unwrap();
        assert!(!meta.file_type().is_symlink(), "{file} is a link");
    }

    // The images folder itself a link to the outside folder.
    std::fs::remove_dir_all(&images).unwrap();
    std::os::unix::fs::symlink(&outside.dir, &images).unwrap();
    site.built();
    outside.assert_untouched();
    assert_eq!(snapshot(&site.output()), expected);
}

#[test]
fn a_default_cache_that_is_a_link_is_refused() {
    let site = TestSite::minimal();
    let outside = Outside::beside(&site);
    std::os::unix::fs::symlink(&outside.dir, site.path(".souk-cache")).unwrap();
    let report = build(&BuildOptions {
        cache_dir: None,
        ..site.options()
    });
    let errors = report.unwrap_err().to_string();
    assert_eq!(
        errors,
        "error: .souk-cache: the photo cache is a link or a file, not a folder; souk keeps its cache in a folder of its own\n  hint: delete it (the next build makes the folder), or choose a cache folder with `--cache-dir`\n"
    );
    outside.assert_untouched();
}

// 3. One build at a time per output.

#[test]
fn a_build_waits_while_another_holds_the_output() {
    let site = TestSite::minimal();
    site.built();
    let before = snapshot(&site.output());
    site.edit("products/argan-oil/fr.md", "précieuse", "rare");
    let output = souk::fs::normalize(&site.output());
    let held = OutputLock::acquire(&output, |_| panic!("nobody else builds")).unwrap();

    let (told, waited) = std::sync::mpsc::channel();
    let mut options = site.options();
    options.progress = Some(std::sync::Arc::new(move |p| {
        if let Progress::Waiting { pid } = p {
            let _ = told.send(pid);
        }
    }));
    let second = std::thread::spawn(move || build(&options).map(|r| r.pages_rendered));
    let pid = waited
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the second build did not wait");
    assert_eq!(
        pid,
        Some(std::process::id()),
        "the waiting build names the first"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!second.is_finished(), "the second build went on");
    assert_eq!(
        snapshot(&site.output()),
        before,
        "the output changed under the lock"
    );
    drop(held);
    assert!(second.join().unwrap().is_ok());
    let page =
        std::fs::read_to_string(site.output().join("products/argan-oil/index.html")).unwrap();
    assert!(page.contains("rare"));
}

#[test]
fn two_builds_started_together_never_mix() {
    // Two versions of the site, built into one output folder at the same moment, again and
    // again: the output is always wholly one version, and the next build heals nothing because
    // nothing is broken.
    let a = TestSite::minimal();
    let b = TestSite::minimal();
    b.edit("products/argan-oil/fr.md", "précieuse", "rare")
        .edit(
            "categories/oils/fr.md",
            "Nos huiles.",
            "Nos huiles, version B.",
        )
        .edit("products/argan-oil/product.yaml", "1234.50", "999.00");
    let out = a.output();
    let clean = |site: &TestSite| {
        let dir = tempfile::tempdir().unwrap();
        build(&BuildOptions {
            output: Some(dir.path().join("public")),
            cache_dir: Some(dir.path().join("cache")),
            ..site.options()
        })
        .unwrap();
        snapshot(&dir.path().join("public"))
    };
    let (version_a, version_b) = (clean(&a), clean(&b));
    let cache = out.parent().unwrap().join("cache");
    let run = |site: &TestSite| {
        souk()
            .args(["build", site.root().to_str().unwrap(), "--output"])
            .arg(&out)
            .arg("--cache-dir")
            .arg(&cache)
            .output()
            .unwrap()
    };
    for round in 0..6 {
        let (first, second) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(|| run(first));
            let y = s.spawn(|| run(second));
            (x.join().unwrap(), y.join().unwrap())
        });
        assert!(x.status.success(), "{}", String::from_utf8_lossy(&x.stderr));
        assert!(y.status.success(), "{}", String::from_utf8_lossy(&y.stderr));
        let now = snapshot(&out);
        assert!(
            now == version_a || now == version_b,
            "round {round}: the output mixes both versions"
        );
    }
}

#[test]
fn a_damaged_output_heals_at_the_next_build() {
    let site = TestSite::minimal();
    site.built();
    let expected = snapshot(&site.output());
    // A page changed to one of the same size: carried over by path and size alone, it would
    // stay forever. Edited in place (a hand edit), then replaced (another build's page).
    let page = site.output().join("products/argan-oil/index.html");
    let text = std::fs::read_to_string(&page).unwrap();
    let damaged = text.replacen("précieuse", "PRÉCIEUSE", 1);
    assert_eq!(damaged.len(), text.len());
    for replace in [false, true] {
        if replace {
            std::fs::remove_file(&page).unwrap();
        }
        std::fs::write(&page, &damaged).unwrap();
        let report = site.built().report;
        assert_eq!(report.pages_rendered, 1, "{}", report.summary());
        assert_eq!(snapshot(&site.output()), expected);
    }
}

// 4. Themes.

#[test]
fn a_theme_outside_the_site_is_refused_unless_the_builder_names_it() {
    let site = TestSite::minimal();
    let theme = site.output().parent().unwrap().join("outside-theme");
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(theme.join("static/secret.txt"), "api key").unwrap();
    site.edit(
        "souk.yaml",
        "currency: MAD",
        "currency: MAD\ntheme: ../../outside-theme",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml: the theme `../../outside-theme` is not the name of a folder in the site's `themes/`\n  hint: put the theme in `themes/<name>/` and write only `<name>` here; to use a theme from outside the site, pass its folder with `souk build --theme DIR`\n"
    );
    // A folder of `themes/` that is a link out of the site is the same thing.
    std::fs::create_dir_all(site.path("themes")).unwrap();
    std::os::unix::fs::symlink(&theme, site.path("themes/shared")).unwrap();
    site.edit("souk.yaml", "theme: ../../outside-theme", "theme: shared");
    assert_eq!(
        site.errors(),
        "error: themes/shared: this theme folder is a link to a folder outside the site, which souk does not read\n  hint: copy the theme into `themes/`, or pass its folder with `souk build --theme DIR`\n"
    );
    assert!(!site.output().exists());

    // Named by whoever runs the build, it is used (here: the built-in theme's files, copied).
    let copy = site.output().parent().unwrap().join("shared-theme");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &copy,
    );
    std::fs::write(copy.join("static/shared.txt"), "from the federation").unwrap();
    let built = build(&BuildOptions {
        theme: Some(copy.clone()),
        ..site.options()
    })
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(built.output.join("shared.txt")).unwrap(),
        "from the federation"
    );
    assert!(!built.output.join("secret.txt").exists());
}

#[test]
fn links_inside_a_theme_follow_the_content_rules() {
    let site = TestSite::minimal();
    let outside = Outside::beside(&site);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.path("themes/mine"),
    );
    std::os::unix::fs::symlink(outside.precious(), site.path("themes/mine/static/leak.txt"))
        .unwrap();
    std::os::unix::fs::symlink(&outside.dir, site.path("themes/mine/static/folder")).unwrap();
    site.edit("souk.yaml", "currency: MAD", "currency: MAD\ntheme: mine");
    let errors = site.errors();
    assert_eq!(
        errors,
        "error: themes/mine/static/folder: this is a link to a folder, or to something outside the site, which souk does not read\n  hint: copy the file itself here instead of linking to it\n\
         error: themes/mine/static/leak.txt: this is a link to a folder, or to something outside the site, which souk does not read\n  hint: copy the file itself here instead of linking to it\n"
    );
    // A link to a file inside the site is fine, as in content.
    std::fs::remove_file(site.path("themes/mine/static/leak.txt")).unwrap();
    std::fs::remove_file(site.path("themes/mine/static/folder")).unwrap();
    std::os::unix::fs::symlink(
        site.path("static/humans.txt"),
        site.path("themes/mine/static/people.txt"),
    )
    .unwrap();
    let built = site.built();
    assert_eq!(
        std::fs::read(built.root.join("people.txt")).unwrap(),
        std::fs::read(site.path("static/humans.txt")).unwrap()
    );
}

// 5. Control characters in messages, bidi controls in text.

const TERMINAL_ATTACK: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J";

#[test]
fn terminal_escapes_from_content_are_printed_as_escapes() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/fr.md",
        "name: Huile d'argan",
        &format!(
            "name: Huile d'argan\nslug: \"{}\"",
            yaml_escape(TERMINAL_ATTACK)
        ),
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "sku: T-ARG",
        "sku: \"T-\\u202eGRA\"",
    );
    let expected_slug = "error: products/argan-oil/fr.md:3:7: the slug `x\\u{1b}]0;pwned\\u{7}\\u{1b}[2J` cannot be used in a web address";
    let expected_sku = "error: products/argan-oil/product.yaml:1:6: the SKU `T-\\u{202e}GRA` holds invisible control characters\n  hint: retype the SKU with letters, digits and `-` only, e.g. `ARG-250`";
    let errors = site.errors();
    assert!(errors.contains(expected_slug), "{errors}");
    assert!(errors.contains(expected_sku), "{errors}");

    let built = souk().arg("build").arg(site.root()).output().unwrap();
    let stderr = String::from_utf8(built.stderr).unwrap();
    assert!(stderr.contains(expected_slug), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && !stderr.contains('\u{202e}')
    );

    for format in ["text", "json"] {
        let checked = souk()
            .args(["check", site.root().to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        let all = [checked.stdout, checked.stderr].concat();
        let all = String::from_utf8(all).unwrap();
        assert!(all.contains("pwned"), "{format}: {all}");
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\u{202e}'),
            "{format}: raw control characters reached the terminal: {all:?}"
        );
    }
}

fn yaml_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[test]
fn bidi_controls_are_taken_out_of_names_and_labels() {
    let site = TestSite::minimal();
    site.edit(
        "products/argan-oil/fr.md",
        "name: Huile d'argan",
        "name: \"Huile \\u202Egpj.exe\\u2066 d'argan\"",
    );
    site.edit(
        "products/argan-oil/product.yaml",
        "alt: { fr: Un flacon, ar: قارورة }",
        "alt: { fr: \"Un \\u202Bflacon\", ar: قارورة }",
    );
    let built = site.built();
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    for file in files_under(&built.root) {
        let Ok(text) = std::fs::read_to_string(built.root.join(&file)) else {
            continue;
        };
        assert!(!text.chars().any(bidi), "{file} carries a bidi control");
    }
    let page = built.page("products/argan-oil/index.html");
    assert_eq!(
        crate::harness::texts(&page, "h1"),
        ["Huile gpj.exe d'argan"]
    );
    let feed = std::fs::read_to_string(built.root.join("feeds/google-merchant-fr.xml")).unwrap();
    assert!(
        feed.contains("<g:title>Huile gpj.exe d&apos;argan</g:title>")
            || feed.contains("<g:title>Huile gpj.exe d'argan</g:title>"),
        "{feed}"
    );
}

// 6 and 7. The swap, and what killed builds leave.

#[test]
fn there_is_an_output_folder_at_every_moment_of_a_rebuild() {
    let site = TestSite::minimal();
    site.built();
    let output = site.output();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (missing, looks) = std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let (mut missing, mut looks) = (0, 0u64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                looks += 1;
                if !output.join(".souk-output").is_file() {
                    missing += 1;
                }
            }
            (missing, looks)
        });
        let original = std::fs::read_to_string(site.path("products/argan-oil/fr.md")).unwrap();
        for round in 0..8 {
            let text = original.replace("précieuse", &format!("précieuse {round}"));
            site.write("products/argan-oil/fr.md", text);
            site.built();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        watcher.join().unwrap()
    });
    assert!(looks > 100, "the watcher looked only {looks} times");
    assert_eq!(
        missing, 0,
        "the output was missing {missing} times in {looks} looks"
    );
}

#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let site = TestSite::minimal();
    site.built();
    let parent = site.output().parent().unwrap().to_path_buf();
    // What a build killed at each moment leaves: a staging folder being filled, the previous
    // output moved aside, a staging folder killed right after it was made.
    for (name, marker) in [
        (".public.souk-new-4242", true),
        (".public.souk-old-4243", true),
        (".public.souk-new-4244", false),
    ] {
        let dir = parent.join(name);
        std::fs::create_dir_all(dir.join("products")).unwrap();
        if marker {
            std::fs::write(dir.join(".souk-output"), "build 0\n").unwrap();
            std::fs::write(dir.join("products/index.html"), "old").unwrap();
        } else {
            std::fs::remove_dir(dir.join("products")).unwrap();
        }
    }
    // Not souk's: no marker, something in it. And another output's leftovers.
    std::fs::create_dir_all(parent.join(".public.souk-new-mine")).unwrap();
    std::fs::write(parent.join(".public.souk-new-mine/notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(parent.join(".other.souk-old-1")).unwrap();
    std::fs::write(parent.join(".other.souk-old-1/.souk-output"), "build 0\n").unwrap();

    site.built();
    let left = crate::harness::souk_leftovers(&site.output());
    assert_eq!(left, [".other.souk-old-1", ".public.souk-new-mine"]);
}

// 8. Output paths are normalised before they are checked.

#[test]
fn an_output_that_leads_back_into_the_site_is_refused_before_anything_is_made() {
    let site = TestSite::minimal();
    for output in ["public/..", ".souk-cache/..", "public/../products/.."] {
        let out = souk()
            .arg("build")
            .arg(site.root())
            .arg("--output")
            .arg(site.root().join(output))
            .output()
            .unwrap();
        // A wrong `--output` is the command's mistake, not the content's: exit 2.
        assert_eq!(out.status.code(), Some(2), "--output SITE/{output}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(
                "the output folder would contain the site's own files, which a build replaces"
            ),
            "--output SITE/{output}: {stderr}"
        );
        assert!(!site.path("public").exists(), "--output SITE/{output}");
        assert!(!site.path(".souk-cache").exists(), "--output SITE/{output}");
    }
    let products = souk()
        .arg("build")
        .arg(site.root())
        .arg("--output")
        .arg(site.root().join("public/../products/new"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(products.stderr).unwrap();
    assert!(
        stderr.contains(
            "the output folder is inside the site's `products`, which a build would replace"
        ),
        "{stderr}"
    );
    assert!(!site.path("public").exists() && !site.path("products/new").exists());
}

#[test]
fn an_output_folder_that_is_a_link_is_refused() {
    let site = TestSite::minimal();
    let outside = Outside::beside(&site);
    std::os::unix::fs::symlink(&outside.dir, site.path("public")).unwrap();
    let errors = build(&BuildOptions {
        output: None,
        ..site.options()
    })
    .unwrap_err()
    .to_string();
    assert!(
        errors.contains(
            "the output folder is a link to another folder; souk writes only into a real folder"
        ),
        "{errors}"
    );
    outside.assert_untouched();
}
