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

/// One thing a message is about: a product, or one variant of it.
pub(crate) struct Item<'a> {
    /// The product's name.
    pub(crate) name: &'a str,
    /// The variant's label, for a product sold in several.
    pub(crate) variant: Option<&'a str>,
    pub(crate) sku: &'a str,
    /// The price as the page shows it.
    pub(crate) price: &'a str,
    pub(crate) quantity: u32,
    /// On preorder: the message says so.
    pub(crate) preorder: bool,
    /// The product page's absolute address.
    pub(crate) url: &'a str,
}

impl Item<'_> {
    /// What the message calls the item: the name, and ` – ` and the variant when there is one.
    pub(crate) fn title(&self) -> String {
        match self.variant {
            Some(variant) => format!("{} – {variant}", self.name),
            None => self.name.to_owned(),
        }
    }
}

/// The theme's UI strings that messages are made of.
pub(crate) struct Patterns<'a> {
    /// `order_message`: `{quantity}`, `{item}` (the name, and the variant after ` – `),
    /// `{sku}`, `{price}`, `{note}` (the preorder note, or nothing), `{url}`; `{name}` is
    /// `{item}` too.
    pub(crate) order: &'a str,
    /// `ask_message`, for what is out of stock: the same placeholders.
    pub(crate) ask: &'a str,
    /// `preorder_note`, put at `{note}` for a preorder.
    pub(crate) preorder_note: &'a str,
}

/// The order message for `item`.
pub(crate) fn order_message(patterns: &Patterns<'_>, item: &Item<'_>) -> String {
    fill(patterns.order, patterns, item)
}

/// The message asking about `item`, which is out of stock.
pub(crate) fn ask_message(patterns: &Patterns<'_>, item: &Item<'_>) -> String {
    fill(patterns.ask, patterns, item)
}

fn fill(pattern: &str, patterns: &Patterns<'_>, item: &Item<'_>) -> String {
    let name = item.title();
    let note = if item.preorder {
        patterns.preorder_note
    } else {
        ""
    };
    pattern
        .replace("{item}", &name)
        .replace("{name}", &name)
        .replace("{quantity}", &item.quantity.to_string())
        .replace("{sku}", item.sku)
        .replace("{price}", item.price)
        .replace("{note}", note)
        .replace("{url}", item.url)
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: Patterns<'static> = Patterns {
        order: "Bonjour : {quantity} × {item} ({sku}), {price}{note}\n{url}",
        ask: "Avez-vous {item} ({sku}) ? {url}",
        preorder_note: " (précommande)",
    };

    fn item(variant: Option<&'static str>, preorder: bool) -> Item<'static> {
        Item {
            name: "Huile d'argan",
            variant,
            sku: "ARG-250",
            price: "120,00 MAD",
            quantity: 1,
            preorder,
            url: "https://coop.example/products/argan/",
        }
    }

    #[test]
    fn messages_name_the_item_variant_quantity_price_and_page() {
        assert_eq!(
            order_message(&PATTERNS, &item(Some("250 ml"), false)),
            "Bonjour : 1 × Huile d'argan – 250 ml (ARG-250), 120,00 MAD\nhttps://coop.example/products/argan/"
        );
        assert_eq!(
            order_message(&PATTERNS, &item(None, true)),
            "Bonjour : 1 × Huile d'argan (ARG-250), 120,00 MAD (précommande)\nhttps://coop.example/products/argan/"
        );
        assert_eq!(
            ask_message(&PATTERNS, &item(Some("1 l"), false)),
            "Avez-vous Huile d'argan – 1 l (ARG-250) ? https://coop.example/products/argan/"
        );
    }

    #[test]
    fn links_carry_the_message_percent_encoded() {
        let text = "Bonjour : Huile d'argan (ARG-250)\nhttps://coop.example/";
        assert_eq!(
            whatsapp_message("212600000000", text),
            "https://wa.me/212600000000?text=Bonjour%20%3A%20Huile%20d%27argan%20%28ARG%2D250%29%0Ahttps%3A%2F%2Fcoop%2Eexample%2F"
        );
        assert_eq!(
            email_message("a@b.ma", "Huile", "x y"),
            "mailto:a@b.ma?subject=Huile&body=x%20y"
        );
        assert_eq!(tel("+212 5 24-00 00 00"), "tel:+212524000000");
        assert_eq!(whatsapp_display("212600000000"), "+212600000000");
    }
}
