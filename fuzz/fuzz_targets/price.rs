//! Price parsing: never panics, and every accepted price survives formatting and re-parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use souk::money::{Minor, decimal_string, parse_price};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for decimals in 0..=3u32 {
        if let Ok(Minor(value)) = parse_price(text, decimals) {
            assert!(value >= 0, "{text:?} ({decimals} decimals) parsed to a negative {value}");
            let shown = decimal_string(Minor(value), decimals);
            assert_eq!(
                parse_price(&shown, decimals),
                Ok(Minor(value)),
                "{text:?} ({decimals} decimals) -> {value} -> {shown:?} does not round-trip"
            );
        }
    }
});
