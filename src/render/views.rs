//! What templates see: one struct per thing a template receives, in the order of
//! docs/themes.md. Field names are the contract with themes; nothing else reaches a template.

use serde::{Deserialize, Serialize};

use crate::lang::Direction;
use crate::source::Availability;

#[derive(Serialize)]
pub(super) struct LangView<'a> {
    pub(super) code: &'a str,
    pub(super) name: &'a str,
    pub(super) dir: Direction,
}

#[derive(Serialize)]
pub(super) struct SiteView {
    pub(super) name: String,
    pub(super) tagline: Option<String>,
    pub(super) legal_name: Option<String>,
    pub(super) registration: Option<String>,
    pub(super) founded: Option<u16>,
    pub(super) members: Option<u32>,
    pub(super) logo: Option<LogoView>,
    pub(super) home_url: String,
    pub(super) contact: ContactView,
    pub(super) social: Vec<crate::config::SocialLink>,
    pub(super) menu_header: Vec<LinkView>,
    pub(super) menu_footer: Vec<LinkView>,
    pub(super) categories: Vec<NamedLink>,
    pub(super) all_products_url: String,
    pub(super) credits_url: Option<String>,
    /// The cart page of this language, when the shop has a cart.
    pub(super) cart_url: Option<String>,
    /// The printable catalogue of this language, unless `print.catalogue` is off.
    pub(super) catalogue_url: Option<String>,
    /// The site's path on its host (`/`, `/repo/`): the shop script keys the cart by it.
    pub(super) base_path: String,
}

impl SiteView {
    /// The paths of the site's own pages that this view links to, each once: the pages a
    /// shared part may mark as the one it is on (see `LangContext::render_shared`). Menu items
    /// that lead elsewhere are listed too, and simply match no page.
    pub(super) fn page_links(&self) -> Vec<String> {
        let mut links: Vec<String> = [&self.home_url, &self.all_products_url]
            .into_iter()
            .chain(
                [&self.cart_url, &self.catalogue_url, &self.credits_url]
                    .into_iter()
                    .flatten(),
            )
            .chain(self.categories.iter().map(|c| &c.url))
            .chain(
                self.menu_header
                    .iter()
                    .chain(&self.menu_footer)
                    .map(|l| &l.url),
            )
            .cloned()
            .collect();
        links.sort_unstable();
        links.dedup();
        links
    }
}

#[derive(Serialize, Clone)]
pub(super) struct LogoView {
    pub(super) url: String,
    pub(super) width: u32,
    pub(super) height: u32,
}

#[derive(Serialize)]
pub(super) struct ContactView {
    pub(super) whatsapp: Option<String>,
    pub(super) whatsapp_url: Option<String>,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) phone_url: Option<String>,
    pub(super) address: Option<String>,
    pub(super) city: Option<String>,
    pub(super) country: Option<String>,
}

#[derive(Serialize)]
pub(super) struct LinkView {
    pub(super) title: String,
    pub(super) url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct NamedLink {
    pub(super) name: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct SwitcherEntry<'a> {
    pub(super) code: &'a str,
    pub(super) name: &'a str,
    pub(super) dir: Direction,
    pub(super) url: String,
    pub(super) current: bool,
    pub(super) translated: bool,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) kind: &'a str,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) url: String,
    pub(super) path: String,
}

/// A photo as templates get it. `src`/`srcset` are in the fallback format (the last of the
/// site's formats); `sources` has the preferred formats for `<picture>`.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct ImageView {
    pub(super) src: String,
    pub(super) srcset: String,
    pub(super) sources: Vec<SourceView>,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) alt: String,
    pub(super) color: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub(super) struct SourceView {
    #[serde(rename = "type")]
    pub(super) mime: String,
    pub(super) srcset: String,
}

/// The picture for sharing a page (Open Graph).
#[derive(Serialize, Clone)]
pub(super) struct SocialImageView {
    pub(super) url: String,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) alt: String,
}

#[derive(Serialize)]
pub(super) struct CardView {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) summary: Option<String>,
    pub(super) price: String,
    pub(super) from: bool,
    pub(super) compare_at: Option<String>,
    pub(super) on_sale: bool,
    pub(super) in_stock: bool,
    pub(super) availability: Availability,
    pub(super) image: Option<ImageView>,
}

#[derive(Serialize)]
pub(super) struct PaginationView {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
    pub(super) pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub(super) struct PageLink {
    pub(super) number: usize,
    pub(super) url: String,
    pub(super) current: bool,
    /// Pages are left out between the previous link and this one (an ellipsis goes here).
    pub(super) gap_before: bool,
}

#[derive(Serialize)]
pub(super) struct ProducerCard {
    pub(super) name: String,
    pub(super) role: Option<String>,
    pub(super) village: Option<String>,
    pub(super) url: String,
    pub(super) photo: Option<ImageView>,
}

#[derive(Serialize)]
pub(super) struct ProductView {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) summary: Option<String>,
    pub(super) description_html: String,
    pub(super) sku: String,
    pub(super) price: String,
    pub(super) from: bool,
    pub(super) compare_at: Option<String>,
    pub(super) on_sale: bool,
    pub(super) availability: Availability,
    pub(super) in_stock: bool,
    pub(super) images: Vec<ImageView>,
    pub(super) variants: Vec<VariantView>,
    pub(super) category: NamedLink,
    pub(super) origin: Option<String>,
    /// When it was harvested or made, as this language writes a date, and as written
    /// (`2025-10`, for `<time datetime>`).
    pub(super) harvest: Option<String>,
    pub(super) harvest_date: Option<String>,
    pub(super) batch: Option<String>,
    pub(super) weight_grams: Option<u32>,
    pub(super) certifications: Vec<CertificationView>,
    pub(super) producers: Vec<ProducerCard>,
    pub(super) tags: Vec<String>,
    /// Ordering the product (one without variants) by WhatsApp or e-mail; none when it is
    /// out of stock, sold in variants, or the shop has no such contact.
    pub(super) order_url: Option<String>,
    pub(super) order_email_url: Option<String>,
    /// Asking about it by WhatsApp when it is out of stock.
    pub(super) ask_url: Option<String>,
    pub(super) social_image: Option<SocialImageView>,
    /// Where the product can be paid online (for a product without variants).
    pub(super) payment_url: Option<String>,
    /// What "add to cart" offers: each variant that can be ordered (or the product itself);
    /// empty when nothing can be, or the shop has no cart.
    pub(super) cart: Vec<CartOption>,
}

#[derive(Serialize)]
pub(super) struct VariantView {
    pub(super) label: String,
    pub(super) sku: String,
    pub(super) price: String,
    pub(super) compare_at: Option<String>,
    pub(super) on_sale: bool,
    pub(super) availability: Availability,
    pub(super) in_stock: bool,
    /// Ordering this variant by WhatsApp or e-mail; none when it is out of stock.
    pub(super) order_url: Option<String>,
    pub(super) order_email_url: Option<String>,
    /// Asking about it by WhatsApp when it is out of stock.
    pub(super) ask_url: Option<String>,
    /// Where this variant can be paid online.
    pub(super) payment_url: Option<String>,
}

/// A certification as a badge: its name, logo and page.
#[derive(Serialize)]
pub(super) struct CertificationView {
    pub(super) name: String,
    /// Its page in the shop (`certifications/<id>/`).
    pub(super) page_url: String,
    /// The official page about it, when `souk.yaml` gives one.
    pub(super) url: Option<String>,
    pub(super) logo: Option<LogoView>,
}

/// A certification's own page (`certification` in `certification.html`).
#[derive(Serialize)]
pub(super) struct CertificationPageView {
    pub(super) name: String,
    pub(super) description_html: String,
    /// Who certifies.
    pub(super) body: Option<String>,
    /// The certificate's or approval's number.
    pub(super) number: Option<String>,
    pub(super) url: Option<String>,
    pub(super) logo: Option<LogoView>,
}

/// A QR code to print and the address it opens.
#[derive(Serialize, Clone)]
pub(super) struct QrView {
    /// The address encoded, campaign query included.
    pub(super) url: String,
    /// The address as a person would type it: no scheme, no query, no trailing `/`.
    pub(super) display: String,
    /// The code as inline SVG.
    pub(super) svg: String,
}

/// The printable catalogue (`catalogue` in `catalogue.html`), one part of it.
#[derive(Serialize)]
pub(super) struct CatalogueView {
    /// A category each, in menu order; only categories with products in this language.
    pub(super) sections: Vec<CatalogueSection>,
    /// On the first part only.
    pub(super) cover: Option<CoverView>,
    pub(super) parts: PartsView,
    /// The label sheet of this language, when it is made.
    pub(super) labels_url: Option<String>,
}

/// The catalogue's first page.
#[derive(Serialize)]
pub(super) struct CoverView {
    /// The code to the shop's home page in this language.
    pub(super) shop: QrView,
    /// The code that opens a WhatsApp chat with the cooperative, when it has a number.
    pub(super) whatsapp: Option<QrView>,
    /// Every certification of the shop.
    pub(super) certifications: Vec<CertificationView>,
}

/// Which part of a printable page this is: a large shop's catalogue and labels come in parts
/// of bounded size.
#[derive(Serialize)]
pub(super) struct PartsView {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct CatalogueSection {
    pub(super) name: String,
    pub(super) products: Vec<PrintCard>,
}

/// A product on paper: what a buyer reads at a stall, and the code to its page.
#[derive(Serialize)]
pub(super) struct PrintCard {
    pub(super) name: String,
    pub(super) summary: Option<String>,
    pub(super) image: Option<ImageView>,
    pub(super) price: String,
    pub(super) from: bool,
    /// Each variant with its price; empty for a product sold as one item.
    pub(super) variants: Vec<PrintVariant>,
    pub(super) certifications: Vec<CertificationView>,
    pub(super) origin: Option<String>,
    pub(super) qr: QrView,
}

#[derive(Serialize)]
pub(super) struct PrintVariant {
    pub(super) label: String,
    pub(super) price: String,
}

/// The sheet of shelf labels (`labels` in `labels.html`).
#[derive(Serialize)]
pub(super) struct LabelsView {
    /// Labels across and down an A4 sheet.
    pub(super) columns: u32,
    pub(super) rows: u32,
    /// The labels, a sheet (one printed page) each; a label per variant, or per product sold
    /// as one item.
    pub(super) sheets: Vec<Vec<LabelView>>,
    /// How many labels in this part.
    pub(super) count: usize,
    pub(super) parts: PartsView,
    /// The printable catalogue of this language, when it is made.
    pub(super) catalogue_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct LabelView {
    pub(super) name: String,
    pub(super) variant: Option<String>,
    pub(super) price: String,
    pub(super) sku: String,
    pub(super) qr: QrView,
}

#[derive(Serialize)]
pub(super) struct CategoryView {
    pub(super) name: String,
    pub(super) description_html: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct CategorySummary {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) summary: Option<String>,
    pub(super) count: usize,
    pub(super) image: Option<ImageView>,
}

#[derive(Serialize)]
pub(super) struct HomeView {
    pub(super) title: String,
    pub(super) summary: Option<String>,
    pub(super) story_html: String,
}

#[derive(Serialize)]
pub(super) struct ProducerView {
    pub(super) name: String,
    pub(super) role: Option<String>,
    pub(super) village: Option<String>,
    pub(super) member_since: Option<u16>,
    pub(super) story_html: String,
    pub(super) photo: Option<ImageView>,
}

#[derive(Serialize)]
pub(super) struct ContentView {
    pub(super) title: String,
    pub(super) body_html: String,
}

/// One choice of "add to cart" on a product page.
#[derive(Serialize)]
pub(super) struct CartOption {
    pub(super) sku: String,
    /// The variant's label, or the product's name.
    pub(super) label: String,
    /// What messages call it: the name, and the variant after ` – `.
    pub(super) title: String,
    pub(super) price: String,
    /// How many can be ordered at most, when the stock is known.
    pub(super) stock: Option<u32>,
}

/// The cart page (`cart` in `cart.html`).
#[derive(Serialize)]
pub(super) struct CartView {
    /// What the shop script reads (JSON, for `data-config`): see docs/themes.md.
    pub(super) config: String,
    /// The delivery zones the shopper picks from, in the order of `souk.yaml`.
    pub(super) zones: Vec<ZoneView>,
    pub(super) whatsapp: bool,
    pub(super) email: bool,
    pub(super) form: bool,
    /// The page on what is done with a shopper's details.
    pub(super) privacy_url: Option<String>,
}

/// A delivery zone, as the cart shows it.
#[derive(Serialize)]
pub(super) struct ZoneView {
    pub(super) name: String,
    /// The fee in minor units (for the script), and as the page writes it.
    pub(super) rate: i64,
    pub(super) rate_text: String,
    pub(super) free_over: Option<i64>,
    pub(super) free_over_text: Option<String>,
    pub(super) days_min: u32,
    pub(super) days_max: u32,
    pub(super) cash_on_delivery: bool,
}
