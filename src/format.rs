//! Prices written the way each language writes them, with ICU4X's CLDR data.

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;

use crate::money::{Currency, Minor};

/// How souk knows a locale's number conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Support {
    /// ICU4X's compiled CLDR data has them (or the language's are CLDR's root ones).
    Icu,
    /// CLDR has them but ICU4X's compiled data does not: souk formats with the ICU locale named
    /// here, whose symbols are the same (see [`CLDR_NOT_IN_ICU`]).
    Souk(&'static str),
    /// Not a language CLDR knows: numbers are written the international way, 1,234.50.
    Unknown,
}

/// Languages of Morocco whose CLDR number symbols (a decimal comma, a no-break space between
/// thousands, groups of three: `1 234,50`) ICU4X's compiled data leaves out, each with an ICU
/// locale that writes numbers exactly so. `ber` is the collective code for Berber languages.
const CLDR_NOT_IN_ICU: [(&str, &str); 5] = [
    ("zgh", "ru"),
    ("tzm", "ru"),
    ("shi", "ru"),
    ("rif", "ru"),
    ("ber", "ru"),
];

/// Whether souk writes numbers the way `locale` does (a BCP 47 tag souk has checked).
pub(crate) fn support(locale: &str) -> Support {
    use icu_provider::prelude::*;
    let Ok(parsed) = locale.parse::<Locale>() else {
        return Support::Unknown;
    };
    let language = parsed.id.language.as_str().to_owned();
    if let Some((_, carrier)) = CLDR_NOT_IN_ICU.iter().find(|(l, _)| *l == language) {
        return Support::Souk(carrier);
    }
    let data_locale = DataLocale::from(&parsed);
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_locale(&data_locale),
        ..Default::default()
    };
    let found: Result<DataResponse<icu_decimal::provider::DecimalSymbolsV1>, DataError> =
        icu_decimal::provider::Baked.load(request);
    let fell_to_root = match found {
        Ok(response) => response.metadata.locale.is_some_and(|l| l.is_unknown()),
        Err(_) => true,
    };
    if !fell_to_root {
        return Support::Icu;
    }
    // Root's symbols are many languages' own (English, Swahili…): those CLDR knows are fine.
    let mut id = parsed.id.clone();
    let expander = icu_locale::LocaleExpander::new_extended();
    match expander.maximize(&mut id) {
        icu_locale::TransformResult::Modified => Support::Icu,
        icu_locale::TransformResult::Unmodified => Support::Unknown,
    }
}

/// Formats amounts of one currency for one locale, e.g. `1 234,50 MAD` in French.
pub(crate) struct PriceFormatter {
    formatter: DecimalFormatter,
    currency: Currency,
    /// The theme's pattern, with `{amount}` and `{currency}`.
    pattern: String,
    /// How the theme writes the currency in this language (`MAD`, `د.م.`).
    symbol: String,
}

impl PriceFormatter {
    /// A formatter for `locale` (a BCP 47 tag souk has checked). ICU falls back along CLDR's
    /// parent locales (`ar-MA` → `ar` → root), so any valid tag gets conventions; `None` only
    /// if ICU has no data at all.
    pub(crate) fn new(
        locale: &str,
        currency: Currency,
        pattern: &str,
        symbol: &str,
    ) -> Option<Self> {
        let locale = match support(locale) {
            Support::Souk(carrier) => carrier,
            Support::Icu | Support::Unknown => locale,
        };
        let locale: Locale = locale.parse().unwrap_or(Locale::UNKNOWN);
        let formatter = DecimalFormatter::try_new((&locale).into(), Default::default()).ok()?;
        Some(PriceFormatter {
            formatter,
            currency,
            pattern: pattern.to_owned(),
            symbol: symbol.to_owned(),
        })
    }

    /// The amount alone, with all the currency's decimals: `1 234,50`.
    pub(crate) fn amount(&self, amount: Minor) -> String {
        let mut decimal = Decimal::from(amount.0);
        let decimals = self.currency.decimals() as i16;
        decimal.multiply_pow10(-decimals);
        decimal.pad_end(-decimals);
        self.formatter.format_to_string(&decimal)
    }

    /// The amount with the currency, following the theme's pattern: `1 234,50 MAD`.
    pub(crate) fn price(&self, amount: Minor) -> String {
        self.pattern
            .replace("{amount}", &self.amount(amount))
            .replace("{currency}", &self.symbol)
    }
}

/// How this formatter writes amounts, spelled out for the shop script, which must write cart
/// totals exactly as the pages write prices (`money` in `js/shop.js` follows it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct MoneySpec {
    /// The currency's decimals (2 for MAD).
    pub(crate) decimals: u32,
    /// Between units and decimals: `,` in French.
    pub(crate) decimal: String,
    /// Between groups of thousands (a narrow no-break space in French); empty for none.
    pub(crate) group: String,
    /// The size of the last group before the decimals (3), and of the groups before it (3,
    /// or 2 in Indian grouping).
    pub(crate) primary: usize,
    pub(crate) secondary: usize,
    /// How many digits a number needs before the last group for groups to be written: 1 (1 234),
    /// or 2 where `1234` stays whole (Spanish).
    pub(crate) min_grouping: usize,
    /// The locale's digits, 0 to 9.
    pub(crate) digits: [String; 10],
    /// The theme's pattern (`{amount} {currency}`) and currency symbol.
    pub(crate) pattern: String,
    pub(crate) symbol: String,
}

impl PriceFormatter {
    /// The conventions ICU applies, read back from numbers it formats. `None` when they do not
    /// fit the spec (the script could not reproduce them).
    pub(crate) fn spec(&self) -> Option<MoneySpec> {
        let integer = |n: u64| self.formatter.format_to_string(&Decimal::from(n));
        let digits: [String; 10] = std::array::from_fn(|d| integer(d as u64));
        let glyphs: Vec<char> = digits
            .iter()
            .map(|d| {
                let mut chars = d.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect::<Option<_>>()?;
        // "1 234 567 890" → the lengths of the runs of digits, and what is between them.
        let runs = |text: &str| -> (Vec<usize>, Vec<String>) {
            let (mut digit_runs, mut between) = (Vec::new(), Vec::new());
            let mut previous_digit = None;
            for c in text.chars() {
                let is_digit = glyphs.contains(&c);
                if previous_digit != Some(is_digit) {
                    if is_digit {
                        digit_runs.push(0);
                    } else {
                        between.push(String::new());
                    }
                }
                if let (true, Some(run)) = (is_digit, digit_runs.last_mut()) {
                    *run += 1;
                } else if let (false, Some(text)) = (is_digit, between.last_mut()) {
                    text.push(c);
                }
                previous_digit = Some(is_digit);
            }
            (digit_runs, between)
        };
        let (groups, separators) = runs(&integer(1_234_567_890));
        let group = separators.first().cloned().unwrap_or_default();
        if separators.iter().any(|s| *s != group) {
            return None;
        }
        let primary = *groups.last()?;
        let secondary = if groups.len() > 2 {
            groups[groups.len() - 2]
        } else {
            primary
        };
        let min_grouping = (1..=3)
            .find(|&m| integer(10u64.pow((primary + m - 1) as u32)).contains(group.as_str()))
            .filter(|_| !group.is_empty())
            .unwrap_or(1);
        let decimals = self.currency.decimals();
        let decimal = if decimals == 0 {
            String::new()
        } else {
            let (_, between) = runs(&self.amount(Minor(1)));
            between.last()?.clone()
        };
        let spec = MoneySpec {
            decimals,
            decimal,
            group,
            primary,
            secondary,
            min_grouping,
            digits,
            pattern: self.pattern.clone(),
            symbol: self.symbol.clone(),
        };
        let probes = [
            0,
            1,
            5,
            99,
            100,
            12_345,
            123_456,
            1_234_567,
            123_456_789,
            98_765_432_100,
        ];
        probes
            .iter()
            .all(|&p| spec.price(Minor(p)) == self.price(Minor(p)))
            .then_some(spec)
    }
}

impl MoneySpec {
    /// An amount written by the spec: what the shop script writes, in Rust, to test it.
    pub(crate) fn price(&self, amount: Minor) -> String {
        let text = amount.0.max(0).to_string();
        let decimals = self.decimals as usize;
        let text = format!("{text:0>width$}", width = decimals + 1);
        let (mut int, frac) = text.split_at(text.len() - decimals);
        let mut grouped = String::new();
        if !self.group.is_empty() && int.len() >= self.primary + self.min_grouping {
            let mut parts = vec![&int[int.len() - self.primary..]];
            int = &int[..int.len() - self.primary];
            while int.len() > self.secondary {
                parts.push(&int[int.len() - self.secondary..]);
                int = &int[..int.len() - self.secondary];
            }
            parts.push(int);
            parts.reverse();
            grouped = parts.join(&self.group);
        } else {
            grouped.push_str(int);
        }
        if decimals > 0 {
            grouped.push_str(&self.decimal);
            grouped.push_str(frac);
        }
        let amount: String = grouped
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => self.digits[d as usize].clone(),
                None => c.to_string(),
            })
            .collect();
        self.pattern
            .replace("{amount}", &amount)
            .replace("{currency}", &self.symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mad() -> Currency {
        Currency::from_code("MAD").unwrap()
    }

    #[test]
    fn prices_follow_the_locale() {
        let fr = PriceFormatter::new("fr", mad(), "{amount} {currency}", "MAD").unwrap();
        assert_eq!(fr.price(Minor(123450)), "1\u{202f}234,50 MAD");
        assert_eq!(fr.price(Minor(12000)), "120,00 MAD");
        let en = PriceFormatter::new("en", mad(), "{currency} {amount}", "MAD").unwrap();
        assert_eq!(en.price(Minor(123450)), "MAD 1,234.50");
        let ar = PriceFormatter::new("ar-MA", mad(), "{amount} {currency}", "د.م.").unwrap();
        assert_eq!(ar.price(Minor(123450)), "1.234,50 د.م.");
    }

    #[test]
    fn the_shop_script_writes_amounts_as_icu_does() {
        let locales = [
            "fr", "fr-MA", "ar-MA", "ar", "ar-EG", "en", "en-IN", "hi", "es", "de-CH", "zgh",
            "tzm", "pl", "pt", "it", "nl", "ru", "fa", "ur", "he", "bn", "mr", "th", "ja",
        ];
        for locale in locales {
            let formatter =
                PriceFormatter::new(locale, mad(), "{amount} {currency}", "MAD").unwrap();
            let spec = formatter
                .spec()
                .unwrap_or_else(|| panic!("no spec for {locale}"));
            for amount in (0..2_000_000).step_by(997).chain([123_456_789_012]) {
                assert_eq!(
                    spec.price(Minor(amount)),
                    formatter.price(Minor(amount)),
                    "{locale}, {amount}"
                );
            }
        }
        let fr = PriceFormatter::new("fr", mad(), "{amount} {currency}", "MAD").unwrap();
        let spec = fr.spec().unwrap();
        assert_eq!(
            (spec.decimal.as_str(), spec.group.as_str()),
            (",", "\u{202f}")
        );
        let es = PriceFormatter::new("es", mad(), "{amount} {currency}", "MAD").unwrap();
        assert_eq!(es.spec().unwrap().min_grouping, 2);
        let hi = PriceFormatter::new("en-IN", mad(), "{amount} {currency}", "MAD").unwrap();
        assert_eq!(hi.spec().unwrap().secondary, 2);
    }

    #[test]
    fn the_languages_of_morocco_write_numbers_as_cldr_does() {
        for locale in ["zgh", "zgh-MA", "tzm", "shi-Latn", "ber"] {
            assert!(matches!(support(locale), Support::Souk(_)), "{locale}");
            let formatter =
                PriceFormatter::new(locale, mad(), "{amount} {currency}", "MAD").unwrap();
            assert_eq!(
                formatter.price(Minor(123450)),
                "1\u{a0}234,50 MAD",
                "{locale}"
            );
            assert_eq!(formatter.price(Minor(50)), "0,50 MAD", "{locale}");
        }
        for locale in ["fr", "ar-MA", "en", "en-GB", "es", "sw", "pt-BR"] {
            assert_eq!(support(locale), Support::Icu, "{locale}");
        }
        for locale in ["xx", "xx-YY", "qaa"] {
            assert_eq!(support(locale), Support::Unknown, "{locale}");
        }
    }
}
