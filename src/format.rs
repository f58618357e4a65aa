//! Prices written the way each language writes them, with ICU4X's CLDR data.

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;

use crate::money::{Currency, Minor};

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
}
