//! Languages: the validated language code, its text direction, and texts translated per language.

use std::collections::BTreeMap;
use std::fmt;

use icu_locale::LocaleDirectionality;
use icu_locale_core::LanguageIdentifier;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::text::without_bidi_controls;

/// A language of the site, as a BCP 47 tag (`fr`, `ar`, `zgh`, `es`, `ar-MA`). Never a bare string
/// elsewhere in souk: building one checks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    /// Parses and normalises a language tag; `None` if it is not one.
    pub fn parse(code: &str) -> Option<Lang> {
        let id: LanguageIdentifier = code.parse().ok()?;
        Some(Lang(id.to_string()))
    }

    /// The tag as text, normalised (`ar-MA`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The direction of the language's usual script, from CLDR's likely-subtags data: `ar`, `fa`,
    /// `he`, `ur` are right to left; `zgh` (Tifinagh), `fr`, `en` left to right.
    pub fn direction(&self) -> Direction {
        let directionality = LocaleDirectionality::new_common();
        match self.0.parse::<LanguageIdentifier>() {
            Ok(id) if directionality.is_right_to_left(&id) => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which language of the site: its position in `souk.yaml`'s `languages:` list, 0 being the
/// default language. Values kept per language are indexed by it ([`PerLang`]), never by a bare
/// number, so a language cannot be mixed up with a product or a page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LangIndex(usize);

impl LangIndex {
    /// The default language: the first in `souk.yaml`, at the root of the site.
    pub const DEFAULT: LangIndex = LangIndex(0);

    /// The position in `languages:`.
    pub fn get(self) -> usize {
        self.0
    }

    /// Whether this is the default language.
    pub fn is_default(self) -> bool {
        self.0 == 0
    }

    /// Every language of a site with `count` languages, in order.
    pub fn all(count: usize) -> impl Iterator<Item = LangIndex> + Clone {
        (0..count).map(LangIndex)
    }
}

/// One value per language of the site, in the order of `languages:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PerLang<T>(Vec<T>);

impl<T> PerLang<T> {
    /// The values, each with its language.
    pub fn iter(&self) -> impl Iterator<Item = (LangIndex, &T)> {
        self.0.iter().enumerate().map(|(i, v)| (LangIndex(i), v))
    }

    /// The values, in language order.
    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The values, to change them, each with its language.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (LangIndex, &mut T)> {
        self.0
            .iter_mut()
            .enumerate()
            .map(|(i, v)| (LangIndex(i), v))
    }

    /// How many languages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no language (never, for a loaded site).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of the default language and those of the others.
    pub fn split_default_mut(&mut self) -> Option<(&mut T, &mut [T])> {
        self.0.split_first_mut()
    }
}

impl<T> std::ops::Index<LangIndex> for PerLang<T> {
    type Output = T;
    fn index(&self, lang: LangIndex) -> &T {
        &self.0[lang.0]
    }
}

impl<T> std::ops::IndexMut<LangIndex> for PerLang<T> {
    fn index_mut(&mut self, lang: LangIndex) -> &mut T {
        &mut self.0[lang.0]
    }
}

impl<T> FromIterator<T> for PerLang<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        PerLang(iter.into_iter().collect())
    }
}

impl<T> From<Vec<T>> for PerLang<T> {
    fn from(values: Vec<T>) -> Self {
        PerLang(values)
    }
}

impl<T> IntoIterator for PerLang<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Text direction, for `<html dir>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right: `fr`, `en`, `zgh`…
    Ltr,
    /// Right to left: `ar`, `fa`, `he`, `ur`…
    Rtl,
}

impl Direction {
    /// The value of the `dir` attribute: `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// A text written either once for every language or per language code, as in
/// `name: Coopérative` or `name: { fr: Coopérative, ar: تعاونية }`.
///
/// Codes are kept as written here; [`crate::config`] checks them against the site's languages.
/// Bidi controls are taken out of the texts as they are read ([`crate::text`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Localized {
    /// One text for every language: `name: Coopérative`.
    Same(String),
    /// Texts by language code, as written: `name: { fr: Coopérative, ar: تعاونية }`.
    PerLang(BTreeMap<String, String>),
}

impl Localized {
    /// The text for `lang`, falling back to `default` and then to any translation.
    pub fn get<'a>(&'a self, lang: &Lang, default: &Lang) -> &'a str {
        match self {
            Localized::Same(text) => text,
            Localized::PerLang(map) => map
                .get(lang.as_str())
                .or_else(|| map.get(default.as_str()))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// The language codes this text names, for checking them.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        let map = match self {
            Localized::Same(_) => None,
            Localized::PerLang(map) => Some(map.keys().map(String::as_str)),
        };
        map.into_iter().flatten()
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocalizedVisitor;
        impl<'de> Visitor<'de> for LocalizedVisitor {
            type Value = Localized;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, or a mapping from language code to text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Localized, E> {
                Ok(Localized::Same(without_bidi_controls(v).into_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Localized, E> {
                Ok(Localized::Same(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Localized, E> {
                Ok(Localized::Same(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Localized, A::Error> {
                let mut map = BTreeMap::new();
                while let Some((code, text)) = access.next_entry::<String, String>()? {
                    map.insert(code, without_bidi_controls(&text).into_owned());
                }
                Ok(Localized::PerLang(map))
            }
        }
        deserializer.deserialize_any(LocalizedVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_comes_from_the_language() {
        let dir = |code: &str| Lang::parse(code).map(|l| l.direction());
        assert_eq!(dir("ar"), Some(Direction::Rtl));
        assert_eq!(dir("ar-MA"), Some(Direction::Rtl));
        assert_eq!(dir("fa"), Some(Direction::Rtl));
        assert_eq!(dir("he"), Some(Direction::Rtl));
        assert_eq!(dir("zgh"), Some(Direction::Ltr));
        assert_eq!(dir("fr"), Some(Direction::Ltr));
        assert_eq!(dir("es"), Some(Direction::Ltr));
        assert_eq!(Lang::parse("not a language"), None);
    }
}
