//! `icon(name="cart")`: the decorative icons of a theme, drawn once in its sprite
//! (`static/icons.svg`, cached by the browser) and shown by reference. Written here rather than
//! by a template component: a product page shows nine, and the component (the sprite's link
//! and its list of names made again at every call) was 8 % of a cold build's CPU.

use std::collections::HashMap;

use tera::Value;

use crate::theme::{StaticSource, Theme};
use crate::urls::Urls;

/// The sprite, in the theme's (or the site's) `static/`.
pub(super) const SPRITE: &str = "icons.svg";

/// The symbol shown for a name the sprite does not have.
const FALLBACK: &str = "link";

/// The `icon` template function: `<svg class="icon" aria-hidden="true" width="20" height="20">`
/// using the sprite's symbol `name`, or its `link` symbol when it has no such symbol. Hidden
/// from assistive technology: an icon is always beside visible text. A theme without a sprite
/// fails the build at the template line that asks for an icon.
pub(super) fn icon(
    theme: &Theme,
    urls: &Urls,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<Value> + Send + Sync + 'static {
    // Every icon the sprite can show, made once.
    let icons: Option<(HashMap<String, Value>, Value)> =
        theme.static_files.get(SPRITE).map(|source| {
            let href = crate::html::escape(&urls.href(SPRITE));
            let svg = |id: &str| {
                Value::safe_string(&format!(
                    "<svg class=\"icon\" aria-hidden=\"true\" width=\"20\" height=\"20\"><use href=\"{href}#{id}\"/></svg>"
                ))
            };
            let ids = symbol_ids(&read(source));
            let icons = ids.iter().map(|id| (id.clone(), svg(id))).collect();
            (icons, svg(FALLBACK))
        });
    move |kwargs, _| {
        let name: &str = kwargs.must_get("name")?;
        let Some((icons, fallback)) = &icons else {
            return Err(tera::Error::message(format!(
                "`icon`: there is no `{SPRITE}` in the theme's or the site's `static/` to draw icons from"
            )));
        };
        Ok(icons.get(name).unwrap_or(fallback).clone())
    }
}

fn read(source: &StaticSource) -> Vec<u8> {
    match source {
        StaticSource::Embedded(bytes) => bytes.to_vec(),
        // Unreadable, it has no symbol to show: every icon is the fallback, and copying the
        // static files says what is wrong with it.
        StaticSource::File(path) => std::fs::read(path).unwrap_or_default(),
    }
}

/// The ids of the `<symbol>`s of an SVG sprite; only ids of letters, digits, `-` and `_`, which
/// need no escaping in a link.
fn symbol_ids(svg: &[u8]) -> Vec<String> {
    let svg = String::from_utf8_lossy(svg);
    svg.split("<symbol")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let (_, rest) = tag.split_once(" id=\"")?;
            let id = &rest[..rest.find('"')?];
            (!id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .then(|| id.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ids_of_a_sprites_symbols_and_only_those_safe_in_a_link() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><symbol id="cart" viewBox="0 0 24 24"><path d="M0"/></symbol>
<symbol viewBox="0 0 24 24" id="whats-app_2"></symbol><symbol id="a&quot;b"></symbol><symbol></symbol><g id="not-a-symbol"/></svg>"#;
        assert_eq!(symbol_ids(svg), ["cart", "whats-app_2"]);
    }
}
