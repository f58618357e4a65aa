//! Property tests: exact money, links, slugs, anchors, descriptions and Markdown, on inputs
//! nobody would think to write.

use proptest::prelude::*;
use souk::money::{Minor, decimal_string, parse_price};
use souk::urls::Urls;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn prices_round_trip_through_their_decimal_text(minor in 0i64..1_000_000_000_000, decimals in 0u32..=3) {
        let text = decimal_string(Minor(minor), decimals);
        prop_assert_eq!(parse_price(&text, decimals), Ok(Minor(minor)));
    }

    /// However zero is spelled, it reads as zero, so the "zero needs `free: true`" rule cannot
    /// be slipped past; and no comma is ever read as a decimal mark or a thousands separator.
    #[test]
    fn zero_is_zero_in_any_spelling_and_commas_never_parse(zeros in "0{1,5}", fraction in "(\\.0{0,3})?", comma in "[0-9]{1,4},[0-9]{0,4}") {
        prop_assert_eq!(parse_price(&format!("{zeros}{fraction}"), 3), Ok(Minor(0)));
        prop_assert!(parse_price(&comma, 2).is_err());
    }

    #[test]
    fn price_parsing_never_panics(text in "\\PC{0,40}", decimals in 0u32..=4) {
        let _ = parse_price(&text, decimals);
    }

    #[test]
    fn links_decode_back_to_the_path(segments in proptest::collection::vec("[\\p{L}\\p{N}_-]{1,12}", 1..4), sub in "[a-z]{0,8}") {
        let base = if sub.is_empty() { "https://coop.example/".to_owned() } else { format!("https://user.github.io/{sub}/") };
        let urls = Urls::new(&url::Url::parse(&base).unwrap());
        let path = format!("{}/", segments.join("/"));
        let href = urls.href(&path);
        prop_assert!(href.is_ascii(), "{}", href);
        let decoded = percent_encoding::percent_decode_str(&href).decode_utf8().unwrap().into_owned();
        prop_assert_eq!(decoded, format!("{}{}", urls.base_path(), path));
        prop_assert!(urls.absolute(&path).starts_with(&base));
    }

    #[test]
    fn valid_slugs_make_one_url_segment(slug in "\\PC{1,30}") {
        if souk::model::valid_slug(&slug) {
            prop_assert!(!slug.contains(['/', '?', '#', '%', ' ', '\\']), "{}", slug);
        }
    }

    #[test]
    fn heading_anchors_are_clean_and_never_empty(text in "\\PC{0,60}") {
        let anchor = souk::markdown::anchor_of(&text);
        prop_assert!(!anchor.is_empty());
        prop_assert!(anchor.chars().all(|c| c.is_alphanumeric() || c == '-'), "{}", anchor);
    }

    #[test]
    fn descriptions_fit_search_results(text in "\\PC{0,400}") {
        let description = souk::seo::describe(&text);
        prop_assert!(description.chars().count() <= souk::seo::DESCRIPTION_LIMIT);
    }

    #[test]
    fn sanitized_markdown_never_carries_a_script(text in "(\\PC|<script>|</script>|<img src=x onerror=alert(1)>|\\[a\\]\\(javascript:x\\)|\\n){0,40}") {
        let html = souk::markdown::render(&text);
        let fragment = scraper::Html::parse_fragment(&html);
        for element in fragment.select(&scraper::Selector::parse("*").unwrap()) {
            prop_assert!(element.value().name() != "script", "{}", html);
            for (name, value) in element.value().attrs() {
                prop_assert!(!name.to_ascii_lowercase().starts_with("on"), "{}", html);
                prop_assert!(!value.trim().to_ascii_lowercase().starts_with("javascript:"), "{}", html);
            }
        }
    }
}
