//! From an empty folder to a published shop: `souk init`, the host presets and their limits,
//! `souk new`, and the exit codes, through the command line as a volunteer types it.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::harness::souk;

fn run(args: &[&str]) -> Output {
    souk().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A temporary folder with a shop made by `souk init shop ARGS…` in it.
struct Shop {
    dir: tempfile::TempDir,
}

impl Shop {
    /// `souk init shop ARGS…` in a new temporary folder, whatever it answers.
    fn try_init(args: &[&str]) -> (Shop, Output) {
        let shop = Shop {
            dir: tempfile::tempdir().unwrap(),
        };
        let site = shop.site();
        let mut all = vec!["init", site.to_str().unwrap()];
        all.extend(args);
        let out = run(&all);
        (shop, out)
    }

    fn init(args: &[&str]) -> Shop {
        let (shop, out) = Shop::try_init(args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        shop
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("shop")
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.site().join(relative)
    }

    fn output(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// `souk build` into a folder beside the site, with a cache shared by the test's builds.
    fn build(&self) -> Output {
        souk()
            .arg("build")
            .arg(self.site())
            .arg("--output")
            .arg(self.output())
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .output()
            .unwrap()
    }

    fn check(&self) -> Output {
        souk().arg("check").arg(self.site()).output().unwrap()
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = read(self.path(relative));
        assert!(text.contains(from), "{relative} has no {from:?}");
        std::fs::write(self.path(relative), text.replacen(from, to, 1)).unwrap();
    }
}

const HEADERS_CLOUDFLARE: &str =
    "# Written by souk (hosting: in souk.yaml). Pages, feeds and the cart's data are checked
# at every visit, so a change shows at once; photos never change at the same address.
/*
  Cache-Control: public, max-age=0, must-revalidate

/images/*
  ! Cache-Control
  Cache-Control: public, max-age=31536000, immutable
";

#[test]
fn every_host_preset_makes_a_site_that_checks_clean_and_builds_what_the_host_reads() {
    for host in ["github-pages", "cloudflare-pages", "netlify", "plain"] {
        let shop = Shop::init(&["--host", host]);
        let yaml = read(shop.path("souk.yaml"));
        assert!(yaml.contains(&format!("\nhosting: {host}\n")), "{yaml}");
        let workflow = shop.path(".github/workflows/publish.yml");
        assert_eq!(workflow.is_file(), host != "plain", "{host}");
        if host != "plain" {
            let text = read(&workflow);
            let version = env!("CARGO_PKG_VERSION");
            let release = format!(
                "RELEASE: https://github.com/souk-shop/souk/releases/download/v{version}\n          ARCHIVE: souk-{version}-x86_64-unknown-linux-gnu\n"
            );
            assert!(
                text.contains(&release)
                    && text.contains("sha256sum --check --ignore-missing SHA256SUMS"),
                "{host}: the workflow downloads this release of souk and checks it:\n{text}"
            );
            assert!(!text.contains("__SOUK_"), "{text}");
            assert!(!text.contains("cargo install"), "{text}");
        }
        assert_eq!(
            read(shop.path(".gitignore")),
            "# What souk makes: rebuilt from the files here by `souk build`.\n/public/\n/.souk-cache/\n/.public.souk-*\n"
        );

        let check = shop.check();
        assert_eq!(check.status.code(), Some(0), "{host}: {}", stderr(&check));
        assert!(
            stderr(&check).ends_with("0 errors, 0 warnings: all clear\n"),
            "{host}: {}",
            stderr(&check)
        );
        let build = shop.build();
        assert_eq!(build.status.code(), Some(0), "{host}: {}", stderr(&build));
        assert!(
            String::from_utf8_lossy(&build.stdout)
                .starts_with("built 36 pages (fr 12, ar 12, en 12), 2 photos"),
            "{}",
            String::from_utf8_lossy(&build.stdout)
        );

        let out = shop.output();
        let has = |name: &str| out.join(name).exists();
        match host {
            "github-pages" => {
                assert_eq!(read(out.join(".nojekyll")), "");
                // A github.io address needs no CNAME.
                assert!(!has("CNAME") && !has("_headers") && !has("_redirects"));
                assert!(has("404.html"));
            }
            "cloudflare-pages" => {
                assert_eq!(read(out.join("_headers")), HEADERS_CLOUDFLARE);
                assert!(!has(".nojekyll") && !has("_redirects"));
                assert!(has("404.html") && has("ar/404.html"));
            }
            "netlify" => {
                let headers = read(out.join("_headers"));
                assert_eq!(
                    headers,
                    HEADERS_CLOUDFLARE.replace("  ! Cache-Control\n", "")
                );
                assert_eq!(
                    read(out.join("_redirects")),
                    "# Written by souk (hosting: in souk.yaml): each language's own \"page not found\".\n/ar/*  /ar/404.html  404\n/en/*  /en/404.html  404\n"
                );
                assert!(has("ar/404.html") && has("en/404.html"));
            }
            _ => assert!(
                !has(".nojekyll") && !has("_headers") && !has("_redirects") && !has("CNAME")
            ),
        }
        // Photos are under /images/, which the headers make long-lived.
        assert!(std::fs::read_dir(out.join("images")).unwrap().count() > 0);
    }
}

#[test]
fn github_pages_gets_a_cname_for_the_cooperative_s_own_domain_and_works_under_a_sub_path() {
    let shop = Shop::init(&["--host", "github-pages"]);
    let yaml = read(shop.path("souk.yaml"));
    assert!(
        yaml.contains("\nbase_url: https://your-account.github.io/shop/\n"),
        "{yaml}"
    );
    let build = shop.build();
    assert!(build.status.success(), "{}", stderr(&build));
    let home = read(shop.output().join("index.html"));
    assert!(home.contains("href=\"/shop/css/main.css\""), "{home}");
    assert!(!shop.output().join("CNAME").exists());

    shop.edit(
        "souk.yaml",
        "base_url: https://your-account.github.io/shop/",
        "base_url: https://www.tifawin.ma/",
    );
    let build = shop.build();
    assert!(build.status.success(), "{}", stderr(&build));
    assert_eq!(read(shop.output().join("CNAME")), "www.tifawin.ma\n");
}

#[test]
fn cloudflare_pages_limits_stop_the_build_with_the_setting_to_change_and_keep_the_output() {
    let shop = Shop::init(&["--host", "cloudflare-pages"]);
    assert!(shop.build().status.success());
    let before = read(shop.output().join("index.html"));

    // One file over 25 MiB.
    std::fs::create_dir_all(shop.path("static")).unwrap();
    std::fs::write(
        shop.path("static/catalogue.pdf"),
        vec![0u8; 26 * 1024 * 1024],
    )
    .unwrap();
    let build = shop.build();
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(
        stderr(&build).contains("error: souk.yaml: `catalogue.pdf` is 26.0 MiB, of 25 MiB at most per file: more than Cloudflare Pages allows (https://developers.cloudflare.com/pages/platform/limits/)"),
        "{}",
        stderr(&build)
    );
    assert_eq!(read(shop.output().join("index.html")), before);
    std::fs::remove_file(shop.path("static/catalogue.pdf")).unwrap();

    // More than 20,000 files.
    let many = shop.path("static/many");
    std::fs::create_dir_all(&many).unwrap();
    for n in 0..20_000 {
        std::fs::write(many.join(format!("{n}.txt")), "x").unwrap();
    }
    let build = shop.build();
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    let said = stderr(&build);
    assert!(
        said.contains("error: souk.yaml: the site has 200")
            && said.contains(" files, of 20000 at most: more than Cloudflare Pages allows"),
        "{said}"
    );
    assert!(
        said.contains("hint: the photos make ")
            && said.contains(
                "fewer `widths` (now [360, 560, 760, 1440]) or `formats` (now [webp, jpeg])"
            ),
        "{said}"
    );
    assert_eq!(read(shop.output().join("index.html")), before);

    // The same site on Netlify has no such limit.
    shop.edit("souk.yaml", "hosting: cloudflare-pages", "hosting: netlify");
    shop.edit(
        "souk.yaml",
        "base_url: https://shop.pages.dev/",
        "base_url: https://shop.netlify.app/",
    );
    let build = shop.build();
    assert!(build.status.success(), "{}", stderr(&build));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("shop");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("souk.yaml"), "# mine\n").unwrap();
    let out = run(&["init", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "this folder is not empty: souk init makes a new site in an empty or new folder"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!site.join("products").exists());

    let out = run(&["init", site.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept 1 file that was there already, unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(site.join("souk.yaml")), "# mine\n");
    assert!(site.join("products/argan-oil/product.yaml").is_file());
}

#[test]
fn init_says_what_is_wrong_with_its_options_all_at_once() {
    let (shop, out) = Shop::try_init(&["--languages", "fr,f r,fr", "--currency", "DIRHAM"]);
    let site = shop.site();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    for expected in [
        "error: --languages: `f r` is not a language code",
        "error: --languages: `fr` is listed twice",
        "error: --currency: `DIRHAM` is not a currency code",
    ] {
        assert!(said.contains(expected), "{said}");
    }
    assert!(!site.exists());
    // A flag that does not exist is a usage error too.
    assert_eq!(run(&["init", "x", "--colour"]).status.code(), Some(2));
}

#[test]
fn a_language_outside_the_starter_s_gets_english_texts_and_is_told_how_to_add_the_theme_s() {
    let (shop, out) =
        Shop::try_init(&["--languages", "ar,fr,zgh", "--name", "Coopérative Tifawin"]);
    let site = shop.site();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "warning: the theme has no buttons and menus in `zgh` yet: they show in another language until you run `souk theme strings zgh {}` and translate the file it writes",
            site.display()
        )),
        "{said}"
    );
    assert!(
        said.contains("note: the sample texts in `zgh` are in English"),
        "{said}"
    );
    let yaml = read(site.join("souk.yaml"));
    assert!(yaml.contains("  - { code: ar, name: \"العربية\", locale: ar-MA }\n  - { code: fr, name: \"Français\" }\n  - { code: zgh, name: \"ⵜⴰⵎⴰⵣⵉⵖⵜ\" }\n"), "{yaml}");
    assert!(yaml.contains("  name: \"Coopérative Tifawin\"\n"), "{yaml}");
    assert!(
        read(site.join("home/zgh.md"))
            .contains("title: \"Made by hand, delivered anywhere in Morocco\"")
    );
    let out = shop.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("built 36 pages (ar 12, fr 12, zgh 12)")
    );
    assert!(
        stderr(&out).contains("zgh"),
        "the build warns about the missing UI strings"
    );
    let home = read(shop.output().join("index.html"));
    assert!(home.contains("<html lang=\"ar\" dir=\"rtl\">"));
}

#[test]
fn new_content_has_placeholders_that_check_reports_until_they_are_filled() {
    let shop = Shop::init(&[]);
    let site = shop.site();
    let site = site.to_str().unwrap();
    for (kind, id) in [
        ("product", "saffron-1g"),
        ("category", "spices"),
        ("page", "contact"),
        ("producer", "fatima"),
    ] {
        let out = run(&["new", kind, id, "--site", site]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("replace each TODO in these 4 files")
        );
    }
    let product = read(shop.path("products/saffron-1g/fr.md"));
    assert!(
        product.starts_with("---\nname: \"TODO: the product's name in Français\"\n"),
        "{product}"
    );
    assert!(shop.path("producers/fatima/en.md").is_file());
    assert!(shop.path("pages/contact/ar.md").is_file());

    // The placeholders are valid values: the shop builds and shows the new pages…
    let build = shop.build();
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(
        shop.output()
            .join("products/saffron-1g/index.html")
            .is_file()
    );
    // …but check names each, with its line and column, and fails.
    let check = run(&["check", site, "--verbose"]);
    assert_eq!(check.status.code(), Some(1));
    let said = stderr(&check);
    for place in [
        "error: products/saffron-1g/product.yaml:2:6: this is still a placeholder (TODO) that souk new wrote",
        "error: products/saffron-1g/fr.md:2:8: this is still a placeholder (TODO) that souk new wrote",
        "error: categories/spices/ar.md:2:8: this is still a placeholder",
        "error: pages/contact/en.md:2:9: this is still a placeholder",
        "error: producers/fatima/producer.yaml:2:11: this is still a placeholder",
    ] {
        assert!(said.contains(place), "{place}\n{said}");
    }

    // Filled in, they check clean.
    let write = |relative: &str, text: &str| std::fs::write(shop.path(relative), text).unwrap();
    write(
        "products/saffron-1g/product.yaml",
        "sku: SAF-1G\ncategory: spices\nprice: \"60\"\nstock: 4\nimages:\n  - file: pistils.jpg\n    alt: { fr: Pistils rouges, ar: خيوط حمراء, en: Red threads }\n",
    );
    std::fs::copy(
        shop.path("products/argan-oil/flower.jpg"),
        shop.path("products/saffron-1g/pistils.jpg"),
    )
    .unwrap();
    for (lang, name) in [
        ("fr", "Safran de Taliouine"),
        ("ar", "زعفران تالوين"),
        ("en", "Taliouine saffron"),
    ] {
        write(
            &format!("products/saffron-1g/{lang}.md"),
            &format!(
                "---\nname: {name}\nsummary: \"Un gramme de pistils récoltés à la main à l'aube, séchés à l'ombre à Taliouine.\"\n---\nRécolté en novembre.\n"
            ),
        );
        write(
            &format!("categories/spices/{lang}.md"),
            &format!(
                "---\nname: {name} et épices\nsummary: \"Safran, cumin et ras el hanout de la région, moulus à la demande par la coopérative.\"\n---\n"
            ),
        );
        write(
            &format!("pages/contact/{lang}.md"),
            &format!(
                "---\ntitle: Contact {lang}\nsummary: \"Écrivez-nous sur WhatsApp ou passez à la coopérative, du lundi au samedi.\"\n---\nÀ bientôt.\n"
            ),
        );
        write(
            &format!("producers/fatima/{lang}.md"),
            "---\nname: Fatima\nrole: Presseuse\n---\nFatima presse l'huile depuis 2011.\n",
        );
    }
    write("producers/fatima/producer.yaml", "village: Smimou\n");
    let check = shop.check();
    assert!(
        !stderr(&check).contains("placeholder"),
        "{}",
        stderr(&check)
    );
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let build = shop.build();
    assert!(build.status.success(), "{}", stderr(&build));

    // An id that is taken, or not an id, is refused.
    let out = run(&["new", "product", "saffron-1g", "--site", site]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("this folder is there already: souk new never overwrites a file")
    );
    let out = run(&["new", "page", "Contact Us", "--site", site]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`Contact Us` cannot be used as an id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn quiet_says_only_errors_and_verbose_says_how_long_each_stage_took() {
    let shop = Shop::init(&["--quiet"]);
    let quiet = souk()
        .args(["build", "--quiet"])
        .arg(shop.site())
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stdout), "");
    assert_eq!(stderr(&quiet), "");
    let verbose = souk()
        .args(["build", "--verbose"])
        .arg(shop.site())
        .output()
        .unwrap();
    assert!(verbose.status.success());
    assert!(
        stderr(&verbose).contains(" s  images\n"),
        "{}",
        stderr(&verbose)
    );
    // Colour only on a terminal: these are pipes.
    assert!(!stderr(&verbose).contains('\u{1b}'));
}
