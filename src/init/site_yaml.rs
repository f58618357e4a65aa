//! The YAML files of a new site, written as text so that they keep their comments: they are
//! the first documentation a volunteer reads.

use crate::config::Host;
use crate::lang::Lang;

use super::texts::{Texts, texts};

/// What `souk.yaml` is made from.
pub(super) struct Settings<'a> {
    pub(super) languages: &'a [Lang],
    pub(super) name: Option<&'a str>,
    pub(super) currency: &'a str,
    pub(super) host: Host,
    /// The folder's name as an address word: `tifawin`.
    pub(super) slug: &'a str,
}

/// A YAML double-quoted scalar: JSON's string syntax is YAML's.
pub(super) fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// `{ fr: "…", ar: "…" }`: one text per language, from the starter's words.
fn localized(languages: &[Lang], text: impl Fn(&Texts) -> &'static str) -> String {
    let values: Vec<String> = languages
        .iter()
        .map(|lang| {
            format!(
                "{}: {}",
                lang.as_str(),
                quoted(text(texts(lang.as_str()).0))
            )
        })
        .collect();
    format!("{{ {} }}", values.join(", "))
}

/// The name people use for a language, written in it.
fn language_name(code: &str) -> &str {
    match code {
        "fr" => "Français",
        "ar" => "العربية",
        "en" => "English",
        "es" => "Español",
        "zgh" => "ⵜⴰⵎⴰⵣⵉⵖⵜ",
        "tzm" => "Tamaziɣt",
        "shi" => "Taclḥit",
        "de" => "Deutsch",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        _ => code,
    }
}

/// The address a new site is given until the cooperative writes its own.
fn base_url(host: Host, slug: &str) -> String {
    match host {
        Host::GithubPages => format!("https://your-account.github.io/{slug}/"),
        Host::CloudflarePages => format!("https://{slug}.pages.dev/"),
        Host::Netlify => format!("https://{slug}.netlify.app/"),
        Host::Plain => format!("https://{slug}.example/"),
    }
}

pub(super) fn souk_yaml(s: &Settings<'_>) -> String {
    let langs = s.languages;
    let languages: String = langs
        .iter()
        .map(|lang| {
            let code = lang.as_str();
            // A Moroccan shop writes Arabic numbers the Moroccan way (1.234,50).
            let locale = if code == "ar" { ", locale: ar-MA" } else { "" };
            format!(
                "  - {{ code: {code}, name: {}{locale} }}\n",
                quoted(language_name(code))
            )
        })
        .collect();
    let name = match s.name {
        Some(name) => quoted(name),
        None => localized(langs, |t| t.cooperative),
    };
    let host_comment = match s.host {
        Host::GithubPages => {
            "# GitHub Pages: https://ACCOUNT.github.io/REPOSITORY/, or the cooperative's own domain\n# (see docs/publishing.md: GitHub's terms do not let Pages run a shop; use it to try souk)."
        }
        Host::CloudflarePages => {
            "# Cloudflare Pages: https://PROJECT.pages.dev/, or the cooperative's own domain."
        }
        Host::Netlify => "# Netlify: https://SITE.netlify.app/, or the cooperative's own domain.",
        Host::Plain => {
            "# The address of the shop on its web server, e.g. https://www.my-cooperative.ma/."
        }
    };
    format!(
        r#"# The shop's settings. Every key is explained in souk's docs/content-model.md; the lines
# starting with `#` are optional settings: remove the `#` to use one.
# After a change, `souk serve` rebuilds the shop and reloads the browser by itself.

# Where the shop is published. Every address souk writes comes from it.
{host_comment}
# Printed QR codes and labels point here: a domain the cooperative owns outlives a change of host.
base_url: {base_url}

# Where the site is published: github-pages, cloudflare-pages, netlify or plain (any web server).
# souk writes what that host needs and checks its limits at every build.
hosting: {host}

# The languages of the shop; the first is the main one (its pages are at the root of the site).
# Right-to-left languages (Arabic) are mirrored by themselves.
languages:
{languages}
currency: {currency}                    # ISO 4217: MAD for the dirham

cooperative:
  name: {name}
  tagline: {tagline}
  # legal_name: "Coopérative … pour la valorisation de …"   # shown in the legal footer
  # registration: "Coopérative n° … — ICE …"
  # founded: 2009
  # members: 48
  # logo: static/logo.svg           # a file of the site

contact:
  # Orders are confirmed on this WhatsApp number: write it with the country code (+212…).
  whatsapp: "+212600000000"
  # email: contact@my-cooperative.ma
  # phone: "+212524000000"
  address: {address}
  city: {city}
  country: MA                       # ISO 3166-1 code

# social:                           # shown in the footer
#   - {{ network: instagram, url: "https://www.instagram.com/my-cooperative/" }}
#   - {{ network: facebook, url: "https://www.facebook.com/my-cooperative" }}

# Labels and certifications that products list under `certifications:`. Each gets a page
# (certifications/igp-argane/) listing its products, linked from every badge.
# certifications:
#   igp-argane:
#     name: {{ fr: IGP Argane, ar: المؤشر الجغرافي المحمي أركان, en: PGI Argan }}
#     description: {{ fr: "…", ar: "…", en: "…" }}   # what it guarantees, for its page
#     body: {{ fr: Ministère de l'Agriculture, ar: وزارة الفلاحة, en: Ministry of Agriculture }}
#     # url: https://…                # its official page
#     # logo: static/igp.svg          # a file of static/
#   onssa:
#     name: {{ fr: Agrément sanitaire ONSSA, ar: الترخيص الصحي للمكتب الوطني للسلامة الصحية, en: ONSSA approval }}
#     number: "AS.00.000.00"          # the approval's number
#     cooperative: true               # the cooperative itself holds it

# Printing: every build writes catalogue/ (a catalogue to print on A4, with QR codes) and
# labels/ (shelf labels, one per size). Open them in a browser and print.
# print:
#   catalogue: true                 # false: no printable catalogue
#   labels: true                    # false: no label sheet
#   label_columns: 3                # labels across an A4 sheet (1 to 5)
#   label_rows: 8                   # labels down (1 to 14)
#   qr_query: utm_source=print      # added to the address printed QR codes open

# Delivery: the zones a shopper picks from in the cart. Amounts in {currency}, with a dot.
shipping:
  countries: [MA]
  handling_days: [0, 1]             # days to prepare an order
  zones:
    - name: {zone_city}
      rate: "15"                    # per order
      free_over: "300"              # free delivery from this amount (optional)
      transit_days: [0, 1]
    - name: {zone_rest}
      rate: "35"
      free_over: "500"
      transit_days: [2, 5]
      # cash_on_delivery: false     # the courier takes cash, unless this says false
  # One flat rate instead of zones:
  # rate: "35"
  # free_over: "500"
  # transit_days: [1, 4]

returns:
  days: 7                           # days to send a product back
  fees: customer                    # who pays the return: free (the cooperative) or customer

# The cart: orders are sent by WhatsApp (or e-mail) with a reference, paid cash on delivery.
# orders:
#   cart: true                      # false: no cart, only each product's own order links
#   reference_prefix: SHOP          # orders are numbered SHOP-20261202-7K3Q
#   form_endpoint: https://formspree.io/f/your-form-id   # also send orders to a form service
#   privacy_page: legal             # the page linked beside the order form

# What is made of every photo: fewer widths or formats make fewer files.
# images:
#   widths: [360, 560, 760, 1440]
#   formats: [webp, jpeg]           # avif | webp | jpeg, preferred first
#   quality: {{ avif: 50, webp: 70, jpeg: 80 }}
#   social: true                    # a 1200×630 picture per product for sharing

# markdown:
#   raw_html: sanitize              # HTML inside Markdown: sanitize, escape or trusted

# theme: default
# items_per_page: 12                # products per category page
# featured_count: 8                 # products on the home page
"#,
        base_url = base_url(s.host, s.slug),
        host = s.host.name(),
        currency = s.currency,
        tagline = localized(langs, |t| t.tagline),
        address = localized(langs, |t| t.address),
        city = localized(langs, |t| t.city),
        zone_city = localized(langs, |t| t.zone_city),
        zone_rest = localized(langs, |t| t.zone_rest),
    )
}

pub(super) fn oil(languages: &[Lang]) -> String {
    format!(
        r#"# A sample product: replace it with one of yours (the folder's name is its id).
sku: SAMPLE-OIL-100                 # unique in the shop
category: our-products              # a folder of categories/
price: "120"                        # with a dot for decimals: "120.50"
stock: 20                           # optional; 0 shows "out of stock"
featured: true                      # shown on the home page
origin: {origin}
# harvest: 2025-10                  # when it was harvested or made (YYYY-MM or YYYY-MM-DD)
# batch: "LOT-2510"                 # the batch number on the jar
# certifications: [onssa]           # ids of `certifications:` in souk.yaml
images:                             # photos in this folder; the first is the main one
  - file: flower.jpg
    alt: {alt}
"#,
        origin = localized(languages, |t| t.origin),
        alt = localized(languages, |t| t.oil_alt),
    )
}

pub(super) fn tray(languages: &[Lang]) -> String {
    format!(
        r#"# A sample product with two sizes, each its own SKU, price and stock.
sku: SAMPLE-TRAY
category: our-products
featured: true
images:
  - file: wood.jpg
    alt: {alt}
variants:
  - sku: SAMPLE-TRAY-S
    label: {small}
    price: "90"
    stock: 6
  - sku: SAMPLE-TRAY-L
    label: {large}
    price: "140"
    stock: 3
"#,
        alt = localized(languages, |t| t.tray_alt),
        small = localized(languages, |t| t.size_small),
        large = localized(languages, |t| t.size_large),
    )
}
