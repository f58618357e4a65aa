//! Exact money: prices are read as decimal text and kept as integer minor units, never floats.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// An ISO 4217 currency and the number of decimals its minor unit has (MAD: 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    currency: iso_currency::Currency,
}

impl Currency {
    /// The currency for an ISO 4217 code such as `MAD`, if there is one.
    pub fn from_code(code: &str) -> Option<Currency> {
        iso_currency::Currency::from_code(code).map(|currency| Currency { currency })
    }

    /// The ISO 4217 code, e.g. `MAD`.
    pub fn code(&self) -> &'static str {
        self.currency.code()
    }

    /// Decimals of the minor unit: 2 for MAD and EUR, 0 for JPY.
    pub fn decimals(&self) -> u32 {
        u32::from(self.currency.exponent().unwrap_or(0))
    }
}

/// An amount in a currency's minor units (centimes for MAD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Minor(pub i64);

/// A price as the author wrote it (`"120"`, `"1234.50"`), before it is checked against the
/// currency. Accepts quoted and plain YAML scalars alike, keeping the written digits: a plain
/// `12.10` must not go through a float.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(pub String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DecimalVisitor;
        impl Visitor<'_> for DecimalVisitor {
            type Value = DecimalText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a price such as \"120.00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DecimalText, E> {
                Ok(DecimalText(v.trim().to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
        }
        deserializer.deserialize_str(DecimalVisitor)
    }
}

/// Why a price was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceError {
    /// Not digits with at most one `.` or `,` (`abc`, `.5`, `1e3`).
    NotADecimal,
    /// Starts with `-`: a price is never below zero.
    Negative,
    /// More decimals than the currency's minor unit has (`12.345` in MAD); trailing zeros do not
    /// count.
    TooManyDecimals {
        /// How many decimals the currency has.
        allowed: u32,
    },
    /// Too large to be kept exactly in minor units.
    TooLarge,
    /// Written with a comma: `1,500` is fifteen hundred to some readers and one and a half to
    /// others, so souk reads neither and asks.
    Comma,
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceError::NotADecimal => f.write_str("is not a price"),
            PriceError::Negative => f.write_str("is negative"),
            PriceError::TooManyDecimals { allowed } => {
                write!(f, "has more than {allowed} decimals")
            }
            PriceError::TooLarge => f.write_str("is too large"),
            PriceError::Comma => f.write_str(
                "has a comma, which souk does not read in prices: it could be a decimal mark or a thousands separator",
            ),
        }
    }
}

/// Parses `"1234.5"` into minor units of a currency with `decimals` decimals (123450 for 2).
/// The decimal mark is a dot and there is no thousands separator: a comma is refused
/// ([`PriceError::Comma`]; [`comma_hint`] says what was probably meant), because a price read
/// wrongly by a factor of a thousand costs the cooperative money.
pub fn parse_price(text: &str, decimals: u32) -> Result<Minor, PriceError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(PriceError::Negative);
    }
    if text.contains(',') {
        return Err(PriceError::Comma);
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(PriceError::NotADecimal);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > decimals as usize {
        return Err(PriceError::TooManyDecimals { allowed: decimals });
    }
    let scale = 10i64.checked_pow(decimals).ok_or(PriceError::TooLarge)?;
    let whole: i64 = whole.parse().map_err(|_| PriceError::TooLarge)?;
    let fraction_value: i64 = if fraction.is_empty() {
        0
    } else {
        let padding = 10i64.pow(decimals - fraction.len() as u32);
        fraction
            .parse::<i64>()
            .map_err(|_| PriceError::NotADecimal)?
            * padding
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction_value))
        .map(Minor)
        .ok_or(PriceError::TooLarge)
}

/// What a price written with commas probably means, as a sentence for the person who wrote it:
/// `1,500` → "did you mean 1500.00 or 1.50?", `12,5` → "did you mean 12.50?", `1,234,567` →
/// "did you mean 1234567.00?". `None` when it does not look like a number with commas.
pub fn comma_hint(text: &str, decimals: u32) -> Option<String> {
    let groups: Vec<&str> = text.trim().split(',').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|g| digits(g)) {
        return None;
    }
    let shown = |text: &str| {
        parse_price(text, decimals)
            .ok()
            .map(|minor| decimal_string(minor, decimals))
    };
    let thousands = groups[1..].iter().all(|g| g.len() == 3);
    let as_thousands = thousands.then(|| shown(&groups.concat())).flatten();
    let as_decimal = match groups.as_slice() {
        [whole, fraction] => shown(&format!("{whole}.{fraction}")),
        _ => None,
    };
    match (as_thousands, as_decimal) {
        (Some(a), Some(b)) => Some(format!("did you mean {a} or {b}?")),
        (Some(one), None) | (None, Some(one)) => Some(format!("did you mean {one}?")),
        (None, None) => None,
    }
}

/// How to fix a price `text` refused for `why`, in plain words: what a comma probably meant,
/// else how a price in `currency` is written.
pub fn fix_hint(text: &str, why: &PriceError, currency: Currency) -> String {
    let decimals = currency.decimals();
    let example = if decimals == 0 {
        "\"120\"".to_owned()
    } else {
        format!("\"120.{}\"", "0".repeat(decimals as usize))
    };
    match (why, comma_hint(text, decimals)) {
        (PriceError::Comma, Some(meant)) => {
            format!("{meant} Write prices with a dot and no thousands separator, like {example}")
        }
        _ => format!(
            "write the price in {} as a number like {example}",
            currency.code()
        ),
    }
}

/// `amount` as a plain decimal with all the currency's decimals (`1234.50`), as structured data
/// and product feeds want it.
pub fn decimal_string(amount: Minor, decimals: u32) -> String {
    let scale = 10i64.pow(decimals);
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = decimals as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact_minor_units() {
        assert_eq!(parse_price("120", 2), Ok(Minor(12000)));
        assert_eq!(parse_price("120.5", 2), Ok(Minor(12050)));
        assert_eq!(parse_price("1234.50", 2), Ok(Minor(123450)));
        assert_eq!(parse_price("0.10", 2), Ok(Minor(10)));
        assert_eq!(parse_price("12,99", 2), Err(PriceError::Comma));
        assert_eq!(parse_price("1,500", 2), Err(PriceError::Comma));
        assert_eq!(parse_price("12.100", 2), Ok(Minor(1210)));
        assert_eq!(parse_price("500", 0), Ok(Minor(500)));
    }

    #[test]
    fn a_comma_is_asked_about_never_guessed() {
        assert_eq!(
            comma_hint("1,500", 2).as_deref(),
            Some("did you mean 1500.00 or 1.50?")
        );
        assert_eq!(
            comma_hint("12,5", 2).as_deref(),
            Some("did you mean 12.50?")
        );
        assert_eq!(
            comma_hint("1234,50", 2).as_deref(),
            Some("did you mean 1234.50?")
        );
        assert_eq!(
            comma_hint("1,234,567", 2).as_deref(),
            Some("did you mean 1234567.00?")
        );
        assert_eq!(
            comma_hint("1,500", 0).as_deref(),
            Some("did you mean 1500?")
        );
        assert_eq!(comma_hint("12,x", 2), None);
    }

    #[test]
    fn decimal_strings_keep_every_decimal() {
        assert_eq!(decimal_string(Minor(123450), 2), "1234.50");
        assert_eq!(decimal_string(Minor(5), 2), "0.05");
        assert_eq!(decimal_string(Minor(500), 0), "500");
    }

    #[test]
    fn bad_prices_say_why() {
        assert_eq!(
            parse_price("12.345", 2),
            Err(PriceError::TooManyDecimals { allowed: 2 })
        );
        assert_eq!(parse_price("-3", 2), Err(PriceError::Negative));
        assert_eq!(parse_price("abc", 2), Err(PriceError::NotADecimal));
        assert_eq!(parse_price(".5", 2), Err(PriceError::NotADecimal));
        assert_eq!(parse_price("1e3", 2), Err(PriceError::NotADecimal));
        assert_eq!(
            parse_price("99999999999999999999", 2),
            Err(PriceError::TooLarge)
        );
    }
}
