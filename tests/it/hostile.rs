//! A site stuffed with hostile content (`tests/fixtures/hostile`): it builds, every text is shown
//! as text, and pages carry only the scripts, forms and handlers the theme wrote, none that
//! content could inject. `.ci/check-hostile` also loads every page in Chromium and fails on any
//! dialog or script the theme did not write.

use scraper::Selector;

use crate::harness::{Built, TestSite, attrs, fixtures, texts};

fn hostile() -> (TestSite, Built) {
    let site = TestSite::copy_of(&fixtures().join("hostile"));
    let built = site.built();
    (site, built)
}

const NAME: &str = "Huile <script>alert('name')</script> \"quoted\" 'single' </title><!--";

/// What the theme itself wrote that may run or submit: script files in its `static/` (by
/// path), inline scripts in its templates (by content), forms in its templates (by class).
/// Content may add none of these; pages may carry only these, and souk's JSON-LD.
struct ThemeWritten {
    script_files: Vec<String>,
    inline_scripts: Vec<String>,
    form_classes: Vec<String>,
}

impl ThemeWritten {
    fn of_default_theme() -> ThemeWritten {
        let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let files = crate::harness::files_under(&theme);
        let script_files = files
            .iter()
            .filter_map(|f| f.strip_prefix("static/"))
            .filter(|f| f.ends_with(".js") || f.ends_with(".mjs"))
            .map(|f| format!("/{f}"))
            .collect();
        let templates: Vec<String> = files
            .iter()
            .filter(|f| f.starts_with("templates/"))
            .map(|f| std::fs::read_to_string(theme.join(f)).unwrap())
            .collect();
        let between = |text: &str, open: &str, close: &str| -> Vec<String> {
            text.split(open)
                .skip(1)
                .filter_map(|rest| rest.split_once(close).map(|(inside, _)| inside.to_owned()))
                .collect()
        };
        let mut inline_scripts = Vec::new();
        let mut form_classes = Vec::new();
        for template in &templates {
            for script in between(template, "<script>", "</script>") {
                inline_scripts.push(script.trim().to_owned());
            }
            for form in between(template, "<form", ">") {
                form_classes.extend(between(&form, "class=\"", "\""));
            }
        }
        ThemeWritten {
            script_files,
            inline_scripts,
            form_classes,
        }
    }
}

#[test]
fn no_page_can_run_injected_code() {
    let (_site, built) = hostile();
    let theme = ThemeWritten::of_default_theme();
    let all = Selector::parse("*").unwrap();
    for file in built.html_files() {
        let page = built.page(&file);
        for script in page.select(&Selector::parse("script").unwrap()) {
            let element = script.value();
            if element.attr("type") == Some("application/ld+json") {
                let json: Result<serde_json::Value, _> = serde_json::from_str(&script.inner_html());
                assert!(
                    json.is_ok(),
                    "{file}: structured data is not JSON: {}",
                    script.inner_html()
                );
                continue;
            }
            let written = match element.attr("src") {
                Some(src) => theme.script_files.iter().any(|f| f == src),
                None => theme
                    .inline_scripts
                    .iter()
                    .any(|s| *s == script.inner_html().trim()),
            };
            assert!(
                written,
                "{file}: a script the theme did not write: {}",
                script.html()
            );
        }
        for form in page.select(&Selector::parse("form").unwrap()) {
            let class = form.value().attr("class").unwrap_or_default();
            assert!(
                !class.is_empty() && theme.form_classes.iter().any(|c| c == class),
                "{file}: a form the theme did not write: {}",
                form.html()
            );
        }
        for element in page.select(&all) {
            let name = element.value().name();
            assert!(
                ![
                    "iframe",
                    "object",
                    "embed",
                    "style",
                    "video",
                    "foreignobject"
                ]
                .contains(&name),
                "{file}: <{name}> was let through"
            );
            for (attribute, value) in element.value().attrs() {
                // No theme writes handlers either: its scripts attach their own.
                assert!(
                    !attribute.to_ascii_lowercase().starts_with("on"),
                    "{file}: {} has {attribute}",
                    element.html()
                );
                let value = value.trim().to_ascii_lowercase();
                if ["href", "src", "srcset", "action", "formaction"].contains(&attribute) {
                    assert!(
                        !value.starts_with("javascript:") && !value.starts_with("data:text"),
                        "{file}: {attribute}={value}"
                    );
                }
            }
        }
    }
}

#[test]
fn hostile_text_is_shown_as_text_everywhere() {
    let (_site, built) = hostile();
    let page = built.page("products/argan-oil/index.html");
    assert_eq!(texts(&page, "h1"), [NAME]);
    assert_eq!(attrs(&page, "title", "lang").len(), 0);
    assert!(texts(&page, "title")[0].starts_with(NAME));
    let alt = attrs(&page, "main picture img", "alt");
    assert_eq!(
        alt.first().map(String::as_str),
        Some("\" onmouseover=\"alert('alt')")
    );
    let selector = Selector::parse("script[type='application/ld+json']").unwrap();
    let product: serde_json::Value = page
        .select(&selector)
        .map(|s| serde_json::from_str::<serde_json::Value>(&s.inner_html()).unwrap())
        .find(|v| v["@type"] == "Product")
        .unwrap();
    assert_eq!(product["name"], NAME);
    assert_eq!(
        product["brand"]["name"],
        "Coop </script><script>alert('coop')</script>"
    );
    // The raw source never carries a closing script tag inside structured data.
    let raw = std::fs::read_to_string(built.root.join("products/argan-oil/index.html")).unwrap();
    for block in raw.split("<script type=\"application/ld+json\">").skip(1) {
        let json = block.split("</script>").next().unwrap();
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
    }
}

#[test]
fn xml_and_csv_outputs_stay_well_formed() {
    let (_site, built) = hostile();
    for file in [
        "sitemap.xml",
        "feeds/google-merchant-fr.xml",
        "feeds/google-merchant-ar.xml",
    ] {
        let xml = std::fs::read_to_string(built.root.join(file)).unwrap();
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{file} is not well-formed: {e}"),
            }
        }
    }
    let feed = std::fs::read_to_string(built.root.join("feeds/google-merchant-fr.xml")).unwrap();
    assert!(feed.contains("<g:title>Huile &lt;script&gt;alert(&apos;name&apos;)&lt;/script&gt; &quot;quoted&quot; &apos;single&apos; &lt;/title&gt;&lt;!--</g:title>") || feed.contains("<g:title>Huile &lt;script&gt;alert('name')&lt;/script&gt; \"quoted\" 'single' &lt;/title&gt;&lt;!--</g:title>"), "{feed}");
    let mut reader = csv::Reader::from_path(built.root.join("feeds/meta-catalog-fr.csv")).unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], NAME);
}

#[test]
fn a_symlink_to_a_file_outside_the_site_is_refused() {
    let site = TestSite::minimal();
    std::fs::remove_file(site.path("pages/about/fr.md")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.path("pages/about/fr.md")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", site.path("static/hostname.txt")).unwrap();
    let errors = site.errors();
    assert!(errors.contains("error: pages/about/fr.md: this file is a link to a file outside the site, which souk does not read\n  hint: copy the file itself into the site instead of linking to it\n"), "{errors}");
    assert!(errors.contains("error: static/hostname.txt: this is a link to something outside the site, which souk does not publish\n"), "{errors}");
    assert!(
        !errors.contains("root:"),
        "the file's content must not leak into messages"
    );
}

#[test]
fn yaml_alias_bombs_are_stopped() {
    let site = TestSite::minimal();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let previous = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
    }
    site.write("products/argan-oil/product.yaml", bomb);
    let errors = site.errors();
    assert!(
        errors.starts_with("error: products/argan-oil/product.yaml:"),
        "{errors}"
    );
    assert_eq!(errors.matches("error:").count(), 1, "{errors}");
}

#[test]
fn links_that_run_code_are_refused_in_configuration() {
    let site = TestSite::minimal();
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nsocial:\n  - { network: facebook, url: \"javascript:alert(1)\" }",
    );
    assert_eq!(
        site.errors(),
        "error: souk.yaml: the social link `facebook` has the address `javascript:alert(1)`, which is not a web page\n  hint: write a full address starting with `https://`\n"
    );
}

#[test]
fn raw_html_policy_is_chosen_by_the_site() {
    let site = TestSite::minimal();
    site.write("pages/about/fr.md", "---\ntitle: À propos\n---\nUne <mark>vidéo</mark> <video src=\"a.mp4\"></video> <script>alert(1)</script>\n");
    let page = site.built().page("about/index.html");
    assert_eq!(
        texts(&page, "main mark"),
        ["vidéo"],
        "mark is on the allow-list"
    );
    assert!(attrs(&page, "main video", "src").is_empty(), "video is not");
    assert!(
        texts(&page, "main").iter().all(|t| !t.contains("alert")),
        "scripts are dropped"
    );
    site.edit(
        "souk.yaml",
        "items_per_page: 2",
        "items_per_page: 2\nmarkdown: { raw_html: escape }",
    );
    let page = site.built().page("about/index.html");
    assert!(
        texts(&page, "main")
            .iter()
            .any(|t| t.contains("<script>alert(1)</script>"))
    );
    site.edit("souk.yaml", "raw_html: escape", "raw_html: trusted");
    let page = site.built().page("about/index.html");
    assert_eq!(attrs(&page, "main video", "src"), ["a.mp4"]);
}
