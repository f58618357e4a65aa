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
        }
    }
}

/// Parses `"1234.5"` into minor units of a currency with `decimals` decimals (123450 for 2).
/// Accepts a comma as the decimal separator too (`"12,50"`), as many authors type it.
pub fn parse_price(text: &str, decimals: u32) -> Result<Minor, PriceError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(PriceError::Negative);
    }
    let (whole, fraction) = match text.split_once(['.', ',']) {
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
        assert_eq!(parse_price("12,99", 2), Ok(Minor(1299)));
        assert_eq!(parse_price("12.100", 2), Ok(Minor(1210)));
        assert_eq!(parse_price("500", 0), Ok(Minor(500)));
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
