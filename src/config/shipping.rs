//! `shipping:` in `souk.yaml`: where the cooperative delivers and what it costs, as one flat
//! rate or as named zones. The cart, the JSON-LD and the merchant feeds all read it from here.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Translations, country_code};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::Localized;
use crate::money::{self, Currency, DecimalText, Minor};
use crate::yaml::position;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShipping {
    /// ISO 3166-1 alpha-2 codes; default: the contact's country.
    countries: Option<Vec<Spanned<String>>>,
    handling_days: Option<Spanned<[u32; 2]>>,
    /// The flat rate: one zone for the whole of `countries`, with the three keys below.
    rate: Option<Spanned<DecimalText>>,
    free_over: Option<Spanned<DecimalText>>,
    transit_days: Option<Spanned<[u32; 2]>>,
    /// Named zones, each with its own rate, instead of `rate`.
    zones: Option<Spanned<Vec<RawZone>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: Localized,
    rate: Spanned<DecimalText>,
    free_over: Option<Spanned<DecimalText>>,
    transit_days: Option<Spanned<[u32; 2]>>,
    #[serde(default = "cash_on_delivery_default")]
    cash_on_delivery: bool,
}

fn cash_on_delivery_default() -> bool {
    true
}

/// Delivery terms: where, how long, and the zones the shopper picks from in the cart.
#[derive(Debug, Clone)]
pub struct Shipping {
    /// ISO 3166-1 codes of the countries delivered to, in upper case; `contact.country` when not
    /// written.
    pub countries: Vec<String>,
    /// Days to prepare an order (min, max); 0 to 1 when not written.
    pub handling_days: [u32; 2],
    /// At least one, in the order written. The flat `rate` is a single zone without a name.
    pub zones: Vec<Zone>,
}

/// One delivery zone: a city, a region, the rest of the country.
#[derive(Debug, Clone)]
pub struct Zone {
    /// What the shopper picks, per language; `None` for the flat rate, which the theme names.
    pub name: Option<Localized>,
    /// The delivery fee per order.
    pub rate: Minor,
    /// Orders from this amount on are delivered free.
    pub free_over: Option<Minor>,
    /// Days on the road (min, max); 1 to 5 when not written.
    pub transit_days: [u32; 2],
    /// Whether the courier takes cash there (true when not written).
    pub cash_on_delivery: bool,
}

impl Zone {
    /// What delivery costs for an order of `amount`: free from `free_over` on, else `rate`.
    /// The one rule the cart, the JSON-LD and the merchant feeds follow.
    pub fn cost(&self, amount: Minor) -> Minor {
        match self.free_over {
            Some(threshold) if amount >= threshold => Minor(0),
            _ => self.rate,
        }
    }
}

impl Shipping {
    /// The zone whose terms search engines and product feeds are given for an order of
    /// `amount`: the dearest, then the slowest. They know no zone smaller than a country, and
    /// a listing must never promise a buyer less than she will pay.
    pub fn for_search(&self, amount: Minor) -> &Zone {
        // `zones` is never empty: the resolver refuses a `shipping:` without a rate.
        let mut best = &self.zones[0];
        for zone in &self.zones[1..] {
            if (zone.cost(amount), zone.transit_days[1]) > (best.cost(amount), best.transit_days[1])
            {
                best = zone;
            }
        }
        best
    }
}

/// Checks `shipping:`, reporting every problem of the section before dropping it.
pub(super) fn resolve(
    raw: RawShipping,
    currency: Currency,
    country: Option<&str>,
    translations: &Translations<'_>,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<Shipping> {
    let RawShipping {
        countries,
        handling_days,
        rate,
        free_over,
        transit_days,
        zones,
    } = raw;
    let handling_days = days(
        handling_days,
        "shipping.handling_days",
        [0, 1],
        file,
        problems,
    );
    let zones = match (rate, zones) {
        (Some(rate), None) => {
            let zone = zone(
                None,
                (rate, free_over, transit_days, true),
                "shipping",
                currency,
                file,
                problems,
            );
            zone.map(|z| vec![z])
        }
        (None, Some(zones)) if !zones.value.is_empty() => {
            // A key the zones would silently ignore is an error, at the key.
            let beside = [
                ("free_over", free_over.as_ref().map(position)),
                ("transit_days", transit_days.as_ref().map(position)),
            ];
            for (key, at) in beside {
                if let Some(at) = at {
                    problems.push(
                        Diagnostic::error(
                            file,
                            format!("`shipping.{key}` is written beside `shipping.zones`"),
                        )
                        .at(at)
                        .hint(format!("move `{key}` into each zone it applies to")),
                    );
                }
            }
            let resolved: Vec<Option<Zone>> = zones
                .value
                .into_iter()
                .enumerate()
                .map(|(n, raw)| {
                    let RawZone {
                        name,
                        rate,
                        free_over,
                        transit_days,
                        cash_on_delivery,
                    } = raw;
                    let what = format!("shipping.zones[{}]", n + 1);
                    translations.check(&format!("`{what}.name`"), &name, problems);
                    zone(
                        Some(name),
                        (rate, free_over, transit_days, cash_on_delivery),
                        &what,
                        currency,
                        file,
                        problems,
                    )
                })
                .collect();
            resolved.into_iter().collect::<Option<Vec<Zone>>>()
        }
        (Some(rate), Some(_)) => {
            problems.push(
                Diagnostic::error(file, "`shipping` has both a flat `rate` and `zones`")
                    .at(position(&rate))
                    .hint("keep one: a `rate` for the whole country, or a `rate` in each zone"),
            );
            None
        }
        (None, _) => {
            problems.push(
                Diagnostic::error(file, "`shipping` does not say what delivery costs").hint(
                    "add `rate: \"35.00\"` under `shipping`, or a list of `zones`, each with a `name` and a `rate`",
                ),
            );
            None
        }
    };
    let countries = match countries {
        Some(list) if !list.is_empty() => {
            let codes: Vec<Option<String>> = list
                .iter()
                .map(|c| country_code(c, "shipping.countries", file, problems))
                .collect();
            codes.into_iter().collect::<Option<Vec<String>>>()
        }
        _ => {
            match country {
                Some(country) => Some(vec![country.to_owned()]),
                None => {
                    problems.push(Diagnostic::error(file, "`shipping` does not say where the cooperative delivers").hint("add `countries: [MA]` under `shipping`, or `country: MA` under `contact`"));
                    None
                }
            }
        }
    };
    Some(Shipping {
        countries: countries?,
        handling_days: handling_days?,
        zones: zones?,
    })
}

type RawTerms = (
    Spanned<DecimalText>,
    Option<Spanned<DecimalText>>,
    Option<Spanned<[u32; 2]>>,
    bool,
);

/// One zone's rate, threshold and days, each checked.
fn zone(
    name: Option<Localized>,
    (rate, free_over, transit_days, cash_on_delivery): RawTerms,
    what: &str,
    currency: Currency,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<Zone> {
    let rate = price(&rate, &format!("{what}.rate"), currency, file, problems);
    let free_over = match &free_over {
        Some(text) => match price(text, &format!("{what}.free_over"), currency, file, problems) {
            Some(Minor(0)) => {
                problems.push(
                    Diagnostic::error(file, format!("`{what}.free_over` `{}` makes every delivery free", text.value.0.trim()))
                        .at(position(text))
                        .hint("to deliver free everywhere, write `rate: \"0\"` and remove `free_over`; else write the amount from which delivery is free, e.g. \"500.00\""),
                );
                None
            }
            minor => minor.map(Some),
        },
        None => Some(None),
    };
    let transit_days = days(
        transit_days,
        &format!("{what}.transit_days"),
        [1, 5],
        file,
        problems,
    );
    Some(Zone {
        name,
        rate: rate?,
        free_over: free_over?,
        transit_days: transit_days?,
        cash_on_delivery,
    })
}

fn price(
    text: &Spanned<DecimalText>,
    key: &str,
    currency: Currency,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<Minor> {
    match money::parse_price(&text.value.0, currency.decimals()) {
        Ok(minor) => Some(minor),
        Err(why) => {
            problems.push(
                Diagnostic::error(file, format!("`{key}` `{}` {why}", text.value.0))
                    .at(position(text))
                    .hint(money::fix_hint(&text.value.0, &why, currency)),
            );
            None
        }
    }
}

/// A `[min, max]` range of days, `default` when not written.
fn days(
    range: Option<Spanned<[u32; 2]>>,
    key: &str,
    default: [u32; 2],
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<[u32; 2]> {
    match range {
        Some(range) if range.value[0] > range.value[1] => {
            let [min, max] = range.value;
            problems.push(
                Diagnostic::error(
                    file,
                    format!("`{key}` `[{min}, {max}]` starts after it ends"),
                )
                .at(position(&range))
                .hint(format!("write the fewest days first: `[{max}, {min}]`")),
            );
            None
        }
        Some(range) => Some(range.value),
        None => Some(default),
    }
}
