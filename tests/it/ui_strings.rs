//! A language the theme has no UI strings for: the site builds with one warning saying how many
//! strings are missing and how to get them, and `souk theme strings` writes the file to
//! translate.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::{TestSite, souk, texts};

/// The keys of the built-in theme: its reference file, `fr.yaml`.
fn theme_keys() -> BTreeSet<String> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/fr.yaml"),
    )
    .unwrap();
    let map: BTreeMap<String, String> =
        souk::yaml::parse(std::path::Path::new("fr.yaml"), &text, 0).unwrap();
    map.into_keys().collect()
}

/// The minimal site with Tamazight first: every text copied from French.
fn tamazight_first() -> TestSite {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "  - { code: fr, name: Français }",
        "  - { code: zgh, name: ⵜⴰⵎⴰⵣⵉⵖⵜ }\n  - { code: fr, name: Français }",
    );
    for dir in [
        "home",
        "products/argan-oil",
        "categories/oils",
        "producers/fatima",
        "pages/about",
    ] {
        let text = std::fs::read_to_string(site.path(&format!("{dir}/fr.md"))).unwrap();
        site.write(&format!("{dir}/zgh.md"), text);
    }
    site
}

fn strings(site: &TestSite, args: &[&str]) -> String {
    let out = souk()
        .args(["theme", "strings"])
        .args(args)
        .arg(site.root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_first_language_without_theme_strings_builds_in_the_next_language_with_one_warning() {
    let site = tamazight_first();
    let built = site.built();
    let count = theme_keys().len();
    assert_eq!(
        built.report.warnings.to_string(),
        format!(
            "warning: i18n/zgh.yaml: the theme has no UI strings in ⵜⴰⵎⴰⵣⵉⵖⵜ (`zgh`): its {count} buttons, menus and messages show in Français\n  hint: run `souk theme strings zgh` in the site: it writes every missing key into `i18n/zgh.yaml`, ready to translate\n"
        )
    );
    let home = built.page("index.html");
    assert_eq!(texts(&home, "a.skip-link"), ["Aller au contenu"]);
    // Tamazight prices follow CLDR: a no-break space between thousands, a decimal comma.
    assert_eq!(
        texts(
            &built.page("products/argan-oil/index.html"),
            ".product-info .price-now"
        ),
        ["1\u{a0}234,50 MAD"]
    );
    // `souk check` says the same.
    let check = souk().arg("check").arg(site.root()).output().unwrap();
    let stderr = String::from_utf8(check.stderr).unwrap();
    let stdout = String::from_utf8(check.stdout).unwrap();
    assert!(
        format!("{stdout}{stderr}").contains(&format!(
            "warning: i18n/zgh.yaml: the theme has no UI strings in ⵜⴰⵎⴰⵣⵉⵖⵜ (`zgh`): its {count} buttons"
        )),
        "{stdout}{stderr}"
    );
}

#[test]
fn theme_strings_writes_every_key_to_translate_then_only_the_missing_ones() {
    let site = tamazight_first();
    let keys = theme_keys();
    assert_eq!(
        strings(&site, &["zgh"]),
        format!(
            "wrote i18n/zgh.yaml: {} UI strings in Français, to translate\n",
            keys.len()
        )
    );
    let text = std::fs::read_to_string(site.path("i18n/zgh.yaml")).unwrap();
    assert!(
        text.starts_with("# UI strings in `zgh`, to translate: written by `souk theme strings zgh` in Français.\n"),
        "{text}"
    );
    let map: BTreeMap<String, String> =
        souk::yaml::parse(std::path::Path::new("zgh.yaml"), &text, 0).unwrap();
    assert_eq!(map.keys().cloned().collect::<BTreeSet<_>>(), keys);
    assert_eq!(map["skip_to_content"], "Aller au contenu");
    assert_eq!(
        map["order_message"],
        "Bonjour, je souhaite commander : {quantity} × {item} ({sku}), {price}{note}\n{url}"
    );
    // The file is the theme's, translated: the build has nothing more to say.
    assert_eq!(site.built().report.warnings.to_string(), "");
    assert_eq!(
        strings(&site, &["zgh"]),
        "i18n/zgh.yaml already has every UI string of the theme\n"
    );

    // Two keys translated, two deleted: the two come back at the end, the rest is kept.
    let edited = text
        .replace("home: \"Accueil\"", "home: \"ⴰⵙⵏⵓⴱⴳ\"")
        .lines()
        .filter(|l| !l.starts_with("cart: ") && !l.starts_with("skip_to_content: "))
        .collect::<Vec<_>>()
        .join("\n");
    site.write("i18n/zgh.yaml", &edited);
    assert_eq!(
        site.built().report.warnings.to_string(),
        format!(
            "warning: i18n/zgh.yaml: 2 of the theme's {} UI strings are missing in ⵜⴰⵎⴰⵣⵉⵖⵜ (`zgh`): they show in Français\n  hint: run `souk theme strings zgh` in the site: it writes every missing key into `i18n/zgh.yaml`, ready to translate\n",
            keys.len()
        )
    );
    assert_eq!(
        strings(&site, &["zgh"]),
        "added the 2 missing UI strings to the end of i18n/zgh.yaml, in Français: translate them\n"
    );
    let text = std::fs::read_to_string(site.path("i18n/zgh.yaml")).unwrap();
    assert!(
        text.ends_with("\n# Added by `souk theme strings zgh`, in Français: translate these.\nskip_to_content: \"Aller au contenu\"\ncart: \"Panier\"\n"),
        "{text}"
    );
    assert!(text.contains("home: \"ⴰⵙⵏⵓⴱⴳ\""));
}

#[test]
fn theme_strings_for_a_language_not_yet_in_the_site_copies_the_one_asked_for() {
    let site = TestSite::minimal();
    assert_eq!(
        strings(&site, &["es", "--from", "ar"]),
        format!(
            "wrote i18n/es.yaml: {} UI strings in العربية, to translate; then add the language to `languages` in souk.yaml\n",
            theme_keys().len()
        )
    );
    let text = std::fs::read_to_string(site.path("i18n/es.yaml")).unwrap();
    assert!(
        text.contains("skip_to_content: \"انتقل إلى المحتوى\"\n"),
        "{text}"
    );
    let out = souk()
        .args(["theme", "strings", "es", "--from", "en"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: souk theme strings: `--from en` is not a language of the site\n  hint: pick one of fr, ar\n"
    );
}

/// docs/ui-strings.md as the theme's files make it: the sections and keys of `fr.yaml`, in
/// order, with the French and English texts.
fn ui_strings_doc() -> String {
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n");
    let read = |code: &str| -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(theme.join(format!("{code}.yaml"))).unwrap();
        souk::yaml::parse(std::path::Path::new("x.yaml"), &text, 0).unwrap()
    };
    let (fr, en) = (read("fr"), read("en"));
    let cell = |text: Option<&String>| match text {
        Some(t) if !t.is_empty() => format!("`{}`", t.replace('\n', "\\n").replace('|', "\\|")),
        _ => String::new(),
    };
    let mut out = String::from(
        "# UI strings of the default theme\n\n\
         Every key of the built-in theme, with its French and English texts (the files are\n\
         `themes/default/i18n/fr.yaml`, `ar.yaml` and `en.yaml`). A shop in another language needs them\n\
         all: `souk theme strings <code>` writes `i18n/<code>.yaml` in the site with every key, in a\n\
         language the site has, ready to translate; a key left out shows in the next language of the\n\
         site, and the build says how many are missing. `tests/it/ui_strings.rs` checks that this list\n\
         is the theme's, so it cannot drift.\n\n\
         Keep `{placeholders}` as they are: souk or the templates fill them.\n",
    );
    let source = std::fs::read_to_string(theme.join("fr.yaml")).unwrap();
    for line in source.lines().skip_while(|l| l.starts_with('#')) {
        if let Some(section) = line.strip_prefix("# ") {
            out.push_str(&format!(
                "\n## {section}\n\n| key | fr | en |\n|---|---|---|\n"
            ));
        } else if let Some((key, _)) = line.split_once(": ") {
            out.push_str(&format!(
                "| `{key}` | {} | {} |\n",
                cell(fr.get(key)),
                cell(en.get(key))
            ));
        }
    }
    out
}

#[test]
fn the_list_of_ui_strings_in_the_docs_is_the_themes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ui-strings.md");
    let expected = ui_strings_doc();
    if std::env::var_os("SOUK_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written == expected,
        "docs/ui-strings.md is not the theme's list: run `SOUK_BLESS=1 cargo test --test it the_list_of_ui_strings` to write it again"
    );
}
