//! `orders:` in `souk.yaml`: the cart and how its orders reach the cooperative.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;
use url::Url;

use super::web_address;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::position;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrders {
    cart: Option<bool>,
    reference_prefix: Option<Spanned<String>>,
    form_endpoint: Option<Spanned<String>>,
    privacy_page: Option<Spanned<String>>,
}

/// How the shop takes orders beyond each product's own links.
#[derive(Debug, Clone)]
pub struct Orders {
    /// Whether pages have a cart (`cart: false` turns it off). Without a WhatsApp number, an
    /// e-mail address or a form endpoint there is nowhere to send a cart, and no cart.
    pub cart: bool,
    /// The start of every order reference (`TIF` in `TIF-20261202-7K3Q`): two to six capital
    /// letters or digits.
    pub reference_prefix: String,
    /// A form service (Formspree, a Netlify form…) the cart may POST orders to; none by default.
    pub form_endpoint: Option<String>,
    /// The id of the free page that says what is done with a shopper's details (law 09-08),
    /// linked beside the order form, as written; when not written, the page `legal` if the
    /// site has one.
    pub privacy_page: Option<Spanned<String>>,
}

/// Checks `orders:`, with defaults drawn from the rest of the file.
pub(super) fn resolve(
    raw: RawOrders,
    base_url: Option<&Url>,
    can_send: bool,
    file: &Path,
    problems: &mut Diagnostics,
) -> Orders {
    let RawOrders {
        cart,
        reference_prefix,
        form_endpoint,
        privacy_page,
    } = raw;
    let form_endpoint = form_endpoint.and_then(|url| {
        if web_address(&url.value) {
            Some(url.value.trim().to_owned())
        } else {
            problems.push(
                Diagnostic::error(file, format!("`orders.form_endpoint` `{}` is not a web address", url.value))
                    .at(position(&url))
                    .hint("write the address your form service gives you, e.g. \"https://formspree.io/f/abcdwxyz\""),
            );
            None
        }
    });
    let reference_prefix = match reference_prefix {
        Some(prefix) => {
            let written = prefix.value.trim();
            let fits = (2..=6).contains(&written.len())
                && written.chars().all(|c| c.is_ascii_alphanumeric());
            if !fits {
                problems.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "`orders.reference_prefix` `{written}` cannot start an order reference"
                        ),
                    )
                    .at(position(&prefix))
                    .hint("write two to six letters or digits, e.g. `TIF`"),
                );
            }
            written.to_ascii_uppercase()
        }
        None => base_url.map(default_prefix).unwrap_or_default(),
    };
    Orders {
        cart: cart.unwrap_or(true) && (can_send || form_endpoint.is_some()),
        reference_prefix,
        form_endpoint,
        privacy_page,
    }
}

/// `TIF` for `https://tifawin.ma/`, `SHO` for `https://user.github.io/shop/`: the first three
/// letters of the shop's own name in its address, `CMD` when it has none.
fn default_prefix(base_url: &Url) -> String {
    let path_name = base_url
        .path_segments()
        .and_then(|mut s| s.rfind(|s| !s.is_empty()));
    let host = base_url.host_str().unwrap_or_default();
    let host_name = host.strip_prefix("www.").unwrap_or(host).split('.').next();
    let prefix: String = path_name
        .or(host_name)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect();
    if prefix.len() < 2 {
        "CMD".to_owned()
    } else {
        prefix.to_ascii_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_start_with_the_shops_name() {
        let prefix = |url: &str| default_prefix(&Url::parse(url).unwrap());
        assert_eq!(prefix("https://tifawin.example/"), "TIF");
        assert_eq!(prefix("https://www.argan-coop.ma/"), "ARG");
        assert_eq!(prefix("https://user.github.io/shop/"), "SHO");
        assert_eq!(prefix("http://127.0.0.1:8000/"), "CMD");
    }
}
