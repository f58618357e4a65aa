//! How a shopper reaches the cooperative to order: WhatsApp and e-mail links with a prefilled
//! message, and the phone link. Shop policy, kept out of the renderer so that the product page
//! and the cart compose their links the same way.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// A WhatsApp number (digits, country code first, as `souk.yaml` keeps it) as people read it.
pub(crate) fn whatsapp_display(number: &str) -> String {
    format!("+{number}")
}

/// A chat with `number`, without a message.
pub(crate) fn whatsapp_chat(number: &str) -> String {
    format!("https://wa.me/{number}")
}

/// A chat with `number`, `text` typed in and ready to send.
pub(crate) fn whatsapp_message(number: &str, text: &str) -> String {
    format!("https://wa.me/{number}?text={}", encode(text))
}

/// A new e-mail to `address` with `subject` and `body` filled in.
pub(crate) fn email_message(address: &str, subject: &str, body: &str) -> String {
    format!(
        "mailto:{address}?subject={}&body={}",
        encode(subject),
        encode(body)
    )
}

/// A `tel:` link: the digits and `+` of a number written for people (`+212 5 24 00 00 00`).
pub(crate) fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// The prefilled order message: the theme's `order_message` with `{name}`, `{sku}` and `{url}`
/// filled in.
pub(crate) fn message(pattern: &str, name: &str, sku: &str, url: &str) -> String {
    pattern
        .replace("{name}", name)
        .replace("{sku}", sku)
        .replace("{url}", url)
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_message_percent_encoded() {
        let text = message(
            "Bonjour : {name} ({sku}) {url}",
            "Huile d'argan",
            "ARG-250",
            "https://coop.example/products/argan/",
        );
        assert_eq!(
            whatsapp_message("212600000000", &text),
            "https://wa.me/212600000000?text=Bonjour%20%3A%20Huile%20d%27argan%20%28ARG%2D250%29%20https%3A%2F%2Fcoop%2Eexample%2Fproducts%2Fargan%2F"
        );
        assert_eq!(
            email_message("a@b.ma", "Huile", "x y"),
            "mailto:a@b.ma?subject=Huile&body=x%20y"
        );
        assert_eq!(tel("+212 5 24-00 00 00"), "tel:+212524000000");
        assert_eq!(whatsapp_display("212600000000"), "+212600000000");
    }
}
