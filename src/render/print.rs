//! The pages made for paper and for what paper points to: the printable catalogue, the sheet of
//! shelf labels, and each certification's page that their badges link to. QR codes encode the
//! canonical address under `base_url` (so printed codes follow the cooperative's domain), with
//! `print.qr_query` added.

use super::context::{LangContext, logo_view};
use super::page::{PageContext, PageOut};
use super::views::{
    CardView, CatalogueSection, CatalogueView, CertificationPageView, CertificationView, CoverView,
    LabelView, LabelsView, PartsView, PrintCard, PrintVariant, QrView,
};
use crate::model::Product;
use crate::order;
use crate::plan::{CATALOGUE_PART, PageKind};
use crate::qr;

impl LangContext<'_> {
    pub(super) fn certification(&self, ctx: &mut PageContext, n: usize) -> PageOut {
        let site = self.site;
        let certification = &site.config.certifications[n];
        let name = self.localized(&certification.name);
        let description = certification
            .description
            .as_ref()
            .map(|d| self.localized(d))
            .unwrap_or_default();
        ctx.insert(
            "certification",
            &CertificationPageView {
                name: name.clone(),
                description_html: self.markdown(&description),
                body: certification.body.as_ref().map(|b| self.localized(b)),
                number: certification.number.clone(),
                url: certification.url.clone(),
                logo: certification
                    .logo
                    .as_ref()
                    .map(|l| logo_view(self.urls, l, 96)),
            },
        );
        let cards: Vec<CardView> = site.certified[n]
            .iter()
            .copied()
            .filter(|&p| site.products[p].texts[self.index].is_some())
            .map(|p| self.card(p))
            .collect();
        ctx.insert("products", &cards);
        let path = self
            .plan
            .path(self.index, PageKind::Certification(n))
            .unwrap_or_default();
        PageOut {
            description: Some(crate::markdown::plain_text(&description))
                .filter(|d| !d.trim().is_empty()),
            breadcrumbs: vec![self.home_crumb(), (name.clone(), path)],
            ..PageOut::new("certification.html", format!("{name} | {}", self.coop))
        }
    }

    /// Part `part` of the catalogue: the cover on the first, then its share of the products,
    /// category by category (a category cut between two parts is named again on the second).
    pub(super) fn catalogue(&self, ctx: &mut PageContext, part: usize) -> PageOut {
        let site = self.site;
        let printed = self.plan.printed(self.index);
        let mut sections: Vec<(usize, CatalogueSection)> = Vec::new();
        for &p in printed
            .iter()
            .skip(part * CATALOGUE_PART)
            .take(CATALOGUE_PART)
        {
            let product = &site.products[p];
            let card = self.print_card(product);
            match sections.last_mut() {
                Some((category, section)) if *category == product.category => {
                    section.products.push(card);
                }
                _ => sections.push((
                    product.category,
                    CatalogueSection {
                        name: self
                            .text(&site.categories[product.category].texts[self.index])
                            .title
                            .clone(),
                        products: vec![card],
                    },
                )),
            }
        }
        let cover = (part == 0).then(|| self.cover());
        let parts = self.parts(part, |n| PageKind::Catalogue { part: n });
        ctx.insert(
            "catalogue",
            &CatalogueView {
                sections: sections.into_iter().map(|(_, s)| s).collect(),
                cover,
                parts,
                labels_url: self
                    .plan
                    .path(self.index, PageKind::Labels { part: 0 })
                    .map(|p| self.urls.href(&p)),
            },
        );
        let title = self.string("catalogue");
        PageOut {
            description: self.tagline(),
            ..PageOut::new("catalogue.html", self.listing_title(&title, part))
        }
    }

    /// The catalogue's cover: codes to the shop and to a WhatsApp chat, every certification.
    fn cover(&self) -> CoverView {
        let site = self.site;
        let home = site.config.lang_prefix(self.index);
        let whatsapp = site.config.contact.whatsapp.as_deref().and_then(|number| {
            let url = order::whatsapp_chat(number);
            let label = format!(
                "{} {}",
                self.string("whatsapp"),
                order::whatsapp_display(number)
            );
            Some(QrView {
                svg: qr::svg(&url, &label)?,
                display: order::whatsapp_display(number),
                url,
            })
        });
        CoverView {
            shop: self.qr(&home, &self.coop),
            whatsapp,
            certifications: (0..site.config.certifications.len())
                .map(|c| self.certification_badge(c))
                .collect(),
        }
    }

    /// Where part `part` of a printable page is among its parts.
    fn parts(&self, part: usize, kind: impl Fn(usize) -> PageKind) -> PartsView {
        let link = |n: usize| {
            self.plan
                .path(self.index, kind(n))
                .map(|path| self.urls.href(&path))
        };
        PartsView {
            current: part + 1,
            total: self.plan.parts(self.index, kind(part)),
            prev_url: part.checked_sub(1).and_then(link),
            next_url: link(part + 1),
        }
    }

    /// Part `part` of the shelf labels: its sheets, a label per variant (or per product sold as
    /// one item), in catalogue order.
    pub(super) fn labels(&self, ctx: &mut PageContext, part: usize) -> PageOut {
        let site = self.site;
        let print = &site.config.print;
        let per_part = self.plan.labels_per_part();
        let window = part * per_part..(part + 1) * per_part;
        let mut labels = Vec::with_capacity(per_part);
        for (p, first) in self.plan.labels_in(self.index, part) {
            let product = &site.products[p];
            let count = product.variants.len().max(1);
            let range = first..first + count;
            let text = self.text(&product.texts[self.index]);
            // One code per product: every variant's label opens the same page.
            let qr = self.qr(&text.path, &text.title);
            let mut product_labels = Vec::with_capacity(count);
            if product.variants.is_empty() {
                product_labels.push(LabelView {
                    name: text.title.clone(),
                    variant: None,
                    price: self.prices.price(product.price),
                    sku: product.sku.clone(),
                    qr,
                });
            } else {
                for variant in &product.variants {
                    product_labels.push(LabelView {
                        name: text.title.clone(),
                        variant: Some(self.localized(&variant.label)),
                        price: self.prices.price(variant.price),
                        sku: variant.sku.clone(),
                        qr: qr.clone(),
                    });
                }
            }
            // A product's labels may straddle two parts: keep those of this one.
            let skip = window.start.saturating_sub(range.start);
            let take = window.end.min(range.end) - range.start.max(window.start);
            labels.extend(product_labels.into_iter().skip(skip).take(take));
        }
        let per_sheet = (print.label_columns * print.label_rows) as usize;
        let count = labels.len();
        let mut sheets = Vec::with_capacity(count.div_ceil(per_sheet));
        let mut labels = labels.into_iter().peekable();
        while labels.peek().is_some() {
            sheets.push(labels.by_ref().take(per_sheet).collect());
        }
        ctx.insert(
            "labels",
            &LabelsView {
                columns: print.label_columns,
                rows: print.label_rows,
                sheets,
                count,
                parts: self.parts(part, |n| PageKind::Labels { part: n }),
                catalogue_url: self
                    .plan
                    .path(self.index, PageKind::Catalogue { part: 0 })
                    .map(|p| self.urls.href(&p)),
            },
        );
        let title = self.string("labels");
        PageOut::new("labels.html", self.listing_title(&title, part))
    }

    /// A product as the catalogue prints it.
    fn print_card(&self, product: &Product) -> PrintCard {
        let text = self.text(&product.texts[self.index]);
        PrintCard {
            name: text.title.clone(),
            summary: text.summary.clone(),
            image: product.images.first().map(|img| self.image(img)),
            price: self.prices.price(product.price),
            from: product.price_from,
            variants: product
                .variants
                .iter()
                .map(|v| PrintVariant {
                    label: self.localized(&v.label),
                    price: self.prices.price(v.price),
                })
                .collect(),
            certifications: product
                .certifications
                .iter()
                .map(|&c| self.certification_badge(c))
                .collect(),
            origin: product.origin.as_ref().map(|o| self.localized(o)),
            qr: self.qr(&text.path, &text.title),
        }
    }

    /// The badge of certification `n`: its name, logo and page.
    pub(super) fn certification_badge(&self, n: usize) -> CertificationView {
        let certification = &self.site.config.certifications[n];
        CertificationView {
            name: self.localized(&certification.name),
            page_url: self
                .plan
                .path(self.index, PageKind::Certification(n))
                .map(|p| self.urls.href(&p))
                .unwrap_or_default(),
            url: certification.url.clone(),
            logo: certification
                .logo
                .as_ref()
                .map(|l| logo_view(self.urls, l, 32)),
        }
    }

    /// The code to the page at site path `path`, named after `name` for screen readers. The
    /// address is canonical with the campaign query; a code too long to make shows as its
    /// address alone (the template prints `display`).
    fn qr(&self, path: &str, name: &str) -> QrView {
        let page = self.urls.absolute(path);
        let url = match &self.site.config.print.qr_query {
            Some(query) => format!("{page}?{query}"),
            None => page.clone(),
        };
        let label = self.string("qr_code_for").replace("{name}", name);
        QrView {
            svg: qr::svg(&url, &label).unwrap_or_default(),
            display: readable_address(&page),
            url,
        }
    }
}

/// An address as printed for a person to type: without `https://`, the trailing `/` or
/// percent-encoding (`tifawin.example/ar/منتجات`).
fn readable_address(url: &str) -> String {
    let bare = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
        .trim_end_matches('/');
    percent_encoding::percent_decode_str(bare)
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| bare.to_owned())
}

#[cfg(test)]
mod tests {
    use super::readable_address;

    #[test]
    fn printed_addresses_are_what_a_person_types() {
        assert_eq!(
            readable_address("https://tifawin.example/"),
            "tifawin.example"
        );
        assert_eq!(
            readable_address("https://tifawin.example/ar/%D8%B3%D9%84%D8%A9/"),
            "tifawin.example/ar/سلة"
        );
        assert_eq!(readable_address("http://x.ma/shop/"), "x.ma/shop");
    }
}
