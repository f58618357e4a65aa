//! One method per page kind: what its template receives and what it says of itself (title,
//! description, breadcrumbs, photos). Adding a kind is a variant of [`PageKind`] and a method
//! here; the compiler lists the other places that must handle it.

use super::context::LangContext;
use super::page::{PageContext, PageOut};
use super::views::{
    CardView, CartOption, CategorySummary, CategoryView, ContentView, HomeView, NamedLink,
    ProducerCard, ProducerView, ProductView, VariantView,
};
use crate::markdown;
use crate::model::{self, Product, Text};
use crate::order;
use crate::plan::PageKind;
use crate::seo;
use crate::source::Availability;

impl LangContext<'_> {
    /// Fills `ctx` for `kind` and says what the page is.
    pub(super) fn page(&self, ctx: &mut PageContext, kind: PageKind) -> PageOut {
        match kind {
            PageKind::Home => self.home(ctx),
            PageKind::Product(product) => self.product(ctx, product),
            PageKind::Category { category, page } => self.category(ctx, category, page),
            PageKind::AllProducts { page } => self.all_products(ctx, page),
            PageKind::Producer(producer) => self.producer(ctx, producer),
            PageKind::Free(page) => self.free_page(ctx, page),
            PageKind::NotFound => self.not_found(),
            PageKind::Cart => self.cart(ctx),
            PageKind::Certification(n) => self.certification(ctx, n),
            PageKind::Catalogue { part } => self.catalogue(ctx, part),
            PageKind::Labels { part } => self.labels(ctx, part),
        }
    }

    fn cart(&self, ctx: &mut PageContext) -> PageOut {
        if let Some(money) = &self.money {
            ctx.insert("cart", &self.cart_view(money));
        }
        let title = self.string("cart");
        let path = self
            .plan
            .path(self.index, PageKind::Cart)
            .unwrap_or_default();
        PageOut {
            description: Some(
                self.string("cart_description")
                    .replace("{name}", &self.coop),
            ),
            breadcrumbs: vec![self.home_crumb(), (title.clone(), path)],
            ..PageOut::new("cart.html", format!("{title} | {}", self.coop))
        }
    }

    fn home(&self, ctx: &mut PageContext) -> PageOut {
        let site = self.site;
        let i = self.index;
        let text = self.text(&site.home[i]);
        ctx.insert(
            "home",
            &HomeView {
                title: text.title.clone(),
                summary: text.summary.clone(),
                story_html: self.markdown(&text.body),
            },
        );
        let featured: Vec<CardView> = model::featured(site, i)
            .into_iter()
            .map(|p| self.card(p))
            .collect();
        ctx.insert("featured", &featured);
        let categories: Vec<CategorySummary> = site
            .categories
            .iter()
            .enumerate()
            .filter_map(|(c, category)| {
                let t = category.texts[i].as_ref()?;
                Some(CategorySummary {
                    name: t.title.clone(),
                    url: self.urls.href(&t.path),
                    summary: t.summary.clone(),
                    count: self.plan.in_category(i, c).len(),
                    image: category.image.as_ref().map(|img| self.image(img)),
                })
            })
            .collect();
        ctx.insert("categories", &categories);
        let producers: Vec<ProducerCard> = (0..site.producers.len())
            .filter_map(|p| self.producer_card(p))
            .collect();
        ctx.insert("producers", &producers);
        PageOut {
            description: text.summary.clone().or_else(|| self.tagline()),
            ..PageOut::new("home.html", format!("{} | {}", self.coop, text.title))
        }
    }

    fn not_found(&self) -> PageOut {
        PageOut::new(
            "404.html",
            format!("{} | {}", self.string("not_found_title"), self.coop),
        )
    }

    fn product(&self, ctx: &mut PageContext, n: usize) -> PageOut {
        let site = self.site;
        let product = &site.products[n];
        let text = self.text(&product.texts[self.index]);
        ctx.insert("product", &self.product_view(product, text));
        let category = self.text(&site.categories[product.category].texts[self.index]);
        let (lastmod, images) = self.product_sitemap(product);
        PageOut {
            description: Some(summary_or_body(text)),
            breadcrumbs: vec![
                self.home_crumb(),
                (category.title.clone(), category.path.clone()),
                (text.title.clone(), text.path.clone()),
            ],
            lastmod,
            images,
            ..PageOut::new("product.html", format!("{} | {}", text.title, self.coop))
        }
    }

    /// What the sitemap says of a product's page besides its address: when the product last
    /// changed, and its photos' addresses.
    pub(super) fn product_sitemap(&self, product: &Product) -> (Option<String>, Vec<String>) {
        let images = product
            .images
            .iter()
            .filter_map(|img| self.full_image_url(img))
            .collect();
        (product.date.clone(), images)
    }

    fn category(&self, ctx: &mut PageContext, category: usize, page: usize) -> PageOut {
        let cat = &self.site.categories[category];
        let text = self.text(&cat.texts[self.index]);
        let products = self.plan.in_category(self.index, category);
        self.listing(ctx, &text.path, products, page);
        ctx.insert(
            "category",
            &CategoryView {
                name: text.title.clone(),
                description_html: self.markdown(&text.body),
                url: self.urls.href(&text.path),
            },
        );
        PageOut {
            description: Some(summary_or_body(text)),
            breadcrumbs: vec![self.home_crumb(), (text.title.clone(), text.path.clone())],
            images: self.category_images(category),
            ..PageOut::new("category.html", self.listing_title(&text.title, page))
        }
    }

    /// The photos of a category's listing, for the sitemap.
    pub(super) fn category_images(&self, category: usize) -> Vec<String> {
        self.site.categories[category]
            .image
            .iter()
            .filter_map(|img| self.full_image_url(img))
            .collect()
    }

    fn all_products(&self, ctx: &mut PageContext, page: usize) -> PageOut {
        let base = self.plan.all_products(self.index);
        self.listing(ctx, &base, self.plan.published(self.index), page);
        let name = self.string("all_products");
        ctx.insert(
            "category",
            &CategoryView {
                name: name.clone(),
                description_html: String::new(),
                url: self.urls.href(&base),
            },
        );
        PageOut {
            description: self.tagline(),
            breadcrumbs: vec![self.home_crumb(), (name.clone(), base)],
            ..PageOut::new("category.html", self.listing_title(&name, page))
        }
    }

    fn producer(&self, ctx: &mut PageContext, n: usize) -> PageOut {
        let producer = &self.site.producers[n];
        let text = self.text(&producer.texts[self.index]);
        ctx.insert(
            "producer",
            &ProducerView {
                name: text.title.clone(),
                role: text.summary.clone(),
                village: producer.village.as_ref().map(|v| self.localized(v)),
                member_since: producer.member_since,
                story_html: self.markdown(&text.body),
                photo: producer.photo.as_ref().map(|img| self.image(img)),
            },
        );
        let cards: Vec<CardView> = producer
            .products
            .iter()
            .copied()
            .filter(|&p| self.site.products[p].texts[self.index].is_some())
            .map(|p| self.card(p))
            .collect();
        ctx.insert("products", &cards);
        PageOut {
            description: Some(seo::describe(&markdown::plain_text(&text.body)))
                .filter(|d| !d.is_empty()),
            breadcrumbs: vec![self.home_crumb(), (text.title.clone(), text.path.clone())],
            images: producer
                .photo
                .iter()
                .filter_map(|img| self.full_image_url(img))
                .collect(),
            ..PageOut::new("producer.html", format!("{} | {}", text.title, self.coop))
        }
    }

    fn free_page(&self, ctx: &mut PageContext, n: usize) -> PageOut {
        let text = self.text(&self.site.pages[n].texts[self.index]);
        ctx.insert(
            "content",
            &ContentView {
                title: text.title.clone(),
                body_html: self.markdown(&text.body),
            },
        );
        PageOut {
            description: Some(summary_or_body(text)),
            breadcrumbs: vec![self.home_crumb(), (text.title.clone(), text.path.clone())],
            ..PageOut::new("page.html", format!("{} | {}", text.title, self.coop))
        }
    }

    /// `Huiles | Coop`, `Huiles (page 2) | Coop`.
    pub(super) fn listing_title(&self, name: &str, page: usize) -> String {
        if page == 0 {
            format!("{name} | {}", self.coop)
        } else {
            format!(
                "{name} ({} {}) | {}",
                self.string("page"),
                page + 1,
                self.coop
            )
        }
    }

    fn product_view(&self, product: &Product, text: &Text) -> ProductView {
        let site = self.site;
        let category = &site.categories[product.category];
        let category_text = self.text(&category.texts[self.index]);
        let url = self.urls.absolute(&text.path);
        let price = self.prices.price(product.price);
        let links = self.order_links(
            &order::Item {
                name: &text.title,
                variant: None,
                sku: &product.sku,
                price: &price,
                quantity: 1,
                preorder: product.availability == Availability::Preorder,
                url: &url,
            },
            product.availability,
        );
        // A product sold in variants is ordered variant by variant.
        let links = if product.variants.is_empty() {
            links
        } else {
            OrderLinks {
                order_url: None,
                order_email_url: None,
                ..links
            }
        };
        ProductView {
            id: product.id.clone(),
            name: text.title.clone(),
            summary: text.summary.clone(),
            description_html: self.markdown(&text.body),
            sku: product.sku.clone(),
            price,
            from: product.price_from,
            compare_at: product.compare_at.map(|c| self.prices.price(c)),
            on_sale: product.compare_at.is_some(),
            availability: product.availability,
            in_stock: product.availability == Availability::InStock,
            images: product.images.iter().map(|img| self.image(img)).collect(),
            variants: product
                .variants
                .iter()
                .map(|v| {
                    let label = self.localized(&v.label);
                    let price = self.prices.price(v.price);
                    let links = self.order_links(
                        &order::Item {
                            name: &text.title,
                            variant: Some(&label),
                            sku: &v.sku,
                            price: &price,
                            quantity: 1,
                            preorder: v.availability == Availability::Preorder,
                            url: &url,
                        },
                        v.availability,
                    );
                    VariantView {
                        sku: v.sku.clone(),
                        compare_at: v.compare_at.map(|c| self.prices.price(c)),
                        on_sale: v.compare_at.is_some(),
                        availability: v.availability,
                        in_stock: v.availability == Availability::InStock,
                        order_url: links.order_url,
                        order_email_url: links.order_email_url,
                        ask_url: links.ask_url,
                        payment_url: v.payment_url.clone(),
                        label,
                        price,
                    }
                })
                .collect(),
            category: NamedLink {
                name: category_text.title.clone(),
                url: self.urls.href(&category_text.path),
            },
            origin: product.origin.as_ref().map(|o| self.localized(o)),
            weight_grams: product.weight_grams,
            harvest: product.harvest.as_deref().map(|d| self.date_text(d)),
            harvest_date: product.harvest.clone(),
            batch: product.batch.clone(),
            certifications: product
                .certifications
                .iter()
                .map(|&c| self.certification_badge(c))
                .collect(),
            producers: product
                .producers
                .iter()
                .filter_map(|&p| self.producer_card(p))
                .collect(),
            tags: product.tags.clone(),
            order_url: links.order_url,
            order_email_url: links.order_email_url,
            ask_url: links.ask_url,
            social_image: self.social_image(product),
            payment_url: product.payment_url.clone(),
            cart: self.cart_options(product, &text.title),
        }
    }

    /// What "add to cart" offers for `product`: what can be ordered of it, with its stock.
    fn cart_options(&self, product: &Product, name: &str) -> Vec<CartOption> {
        if self.site.cart.is_none() {
            return Vec::new();
        }
        let orderable = |a: Availability| a != Availability::OutOfStock;
        if product.variants.is_empty() {
            return orderable(product.availability)
                .then(|| CartOption {
                    sku: product.sku.clone(),
                    label: name.to_owned(),
                    title: name.to_owned(),
                    price: self.prices.price(product.price),
                    stock: cart_stock(product.availability, product.stock),
                })
                .into_iter()
                .collect();
        }
        product
            .variants
            .iter()
            .filter(|v| orderable(v.availability))
            .map(|v| {
                let label = self.localized(&v.label);
                CartOption {
                    sku: v.sku.clone(),
                    title: format!("{name} – {label}"),
                    label,
                    price: self.prices.price(v.price),
                    stock: cart_stock(v.availability, v.stock),
                }
            })
            .collect()
    }

    /// The links that order `item` (or ask about it when it is out of stock), by the contacts
    /// the shop has.
    fn order_links(&self, item: &order::Item<'_>, availability: Availability) -> OrderLinks {
        let contact = &self.site.config.contact;
        let patterns = self.order_patterns();
        if availability == Availability::OutOfStock {
            let message = order::ask_message(&patterns, item);
            let by_whatsapp = contact
                .whatsapp
                .as_deref()
                .map(|n| order::whatsapp_message(n, &message));
            let by_email = || {
                contact
                    .email
                    .as_deref()
                    .map(|e| order::email_message(e, item.name, &message))
            };
            return OrderLinks {
                order_url: None,
                order_email_url: None,
                ask_url: by_whatsapp.or_else(by_email),
            };
        }
        let message = order::order_message(&patterns, item);
        let subject = item.title();
        OrderLinks {
            order_url: contact
                .whatsapp
                .as_deref()
                .map(|n| order::whatsapp_message(n, &message)),
            order_email_url: contact
                .email
                .as_deref()
                .map(|e| order::email_message(e, &subject, &message)),
            ask_url: None,
        }
    }
}

/// How many the cart may hold: the stock of what is in stock; no limit for a preorder, which
/// is made to order.
pub(super) fn cart_stock(availability: Availability, stock: Option<u32>) -> Option<u32> {
    stock.filter(|_| availability == Availability::InStock)
}

/// How a product or variant is ordered.
struct OrderLinks {
    order_url: Option<String>,
    order_email_url: Option<String>,
    ask_url: Option<String>,
}

/// A page's summary, or the text of its body when it has none.
fn summary_or_body(text: &Text) -> String {
    match &text.summary {
        Some(summary) if !summary.trim().is_empty() => summary.clone(),
        _ => markdown::plain_text(&text.body),
    }
}
