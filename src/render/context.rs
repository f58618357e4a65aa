//! What the pages of one language share, built once per language (the site as templates see
//! it, the price formatter, the UI strings), and the builders every page kind uses: cards,
//! photos, the language switcher, listings.

use std::collections::{BTreeMap, HashMap};

use tera::{Context, Tera, Value};

use super::picture::image_view;
use super::views::{
    CardView, ContactView, ImageView, LangView, LinkView, LogoView, NamedLink, PageLink,
    PaginationView, ProducerCard, SiteView, SocialImageView, SwitcherEntry,
};
use crate::diagnostics::Diagnostic;
use crate::format::PriceFormatter;
use crate::images::ImageSet;
use crate::incremental;
use crate::lang::{LangIndex, Localized, PerLang};
use crate::markdown;
use crate::model::{self, ImageRef, Product, Site, Text};
use crate::order;
use crate::plan::{self, PageKind, Plan};
use crate::source::{Availability, Menu};
use crate::theme::Theme;
use crate::urls::Urls;

use super::page::PageContext;

/// Where a theme's shared parts are, under `templates/` (see [`LangContext::render_shared`]).
pub(crate) const SHARED_PARTS: &str = "shared/";

/// Everything shared by the pages of one language, built once.
pub(super) struct LangContext<'a> {
    pub(super) site: &'a Site,
    pub(super) plan: &'a Plan<'a>,
    pub(super) images: &'a ImageSet,
    pub(super) urls: &'a Urls,
    pub(super) index: LangIndex,
    strings: &'a BTreeMap<String, String>,
    pub(super) prices: PriceFormatter,
    /// `lang`, `t` and `site`, converted to template values once.
    pub(super) globals: [(&'static str, Value); 3],
    /// The theme's shared parts, made from `globals` by [`Self::render_shared`].
    pub(super) shared: SharedParts,
    /// What a shared part may mark as the page it is on: the paths of the site's own pages
    /// that `site` links to (see [`SiteView::page_links`]).
    linked_pages: Vec<String>,
    /// The cooperative's name in this language.
    pub(super) coop: String,
    /// The picture for pages without their own: the first featured product's main photo.
    pub(super) site_image: Option<&'a ImageRef>,
    /// The templates and `globals`, hashed: where every page's fingerprint starts.
    pub(super) base: incremental::Hasher,
    /// `base` with the rest of what a product page sees but its product: where the key of
    /// every product page starts (see [`super::keys`]).
    product_base: incremental::Hasher,
    /// How the shop script writes this language's prices, when the shop has a cart.
    pub(super) money: Option<crate::format::MoneySpec>,
    /// The UI strings order messages are made of (`order_message`, `ask_message`,
    /// `preorder_note`), looked up once rather than for every product and variant.
    order_strings: [String; 3],
}

/// A language's shared parts, as every page gets them in `shared` (see
/// [`LangContext::render_shared`]).
pub(super) struct SharedParts {
    /// On each page a link of `site` leads to, by its path (`page.path`).
    linked: HashMap<String, Value>,
    /// On every other page.
    elsewhere: Value,
}

impl Default for SharedParts {
    /// No parts: a theme without `templates/shared/`.
    fn default() -> Self {
        SharedParts {
            linked: HashMap::new(),
            elsewhere: Value::from(BTreeMap::<String, Value>::new()),
        }
    }
}

impl SharedParts {
    /// The parts as the page at `path` (as `page.path` says it) shows them.
    pub(super) fn on(&self, path: &str) -> &Value {
        self.linked.get(path).unwrap_or(&self.elsewhere)
    }
}

impl<'a> LangContext<'a> {
    pub(super) fn new(
        plan: &'a Plan<'a>,
        theme: &'a Theme,
        images: &'a ImageSet,
        urls: &'a Urls,
        index: LangIndex,
        base: &incremental::Hasher,
        site_digest: &incremental::Fingerprint,
    ) -> Result<Self, Diagnostic> {
        let site = plan.site();
        let language = site.config.lang(index);
        let strings = &theme.strings[index];
        let prices = price_formatter(site, strings, index)?;
        let money = match site.cart {
            Some(_) => Some(prices.spec().ok_or_else(|| {
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!(
                        "the cart cannot write prices the way the locale `{}` does",
                        language.locale
                    ),
                )
                .hint("set `locale` of this language to one such as `fr`, `ar-MA` or `en`, or turn the cart off with `orders: {cart: false}`")
            })?),
            None => None,
        };
        let coop = site
            .config
            .text(&site.config.cooperative.name, index)
            .to_owned();
        let site_view = site_view(plan, urls, index, &coop);
        let linked_pages = site_view.page_links();
        let lang_view = LangView {
            code: language.code.as_str(),
            name: &language.name,
            dir: language.dir,
        };
        let mut base = base.clone();
        base.value("lang", &lang_view);
        base.value("t", strings);
        base.value("site", &site_view);
        let site_image = model::featured(site, index)
            .into_iter()
            .find_map(|p| site.products[p].images.first());
        let mut product_base = base.clone();
        product_base.fingerprint_of("site digest", site_digest);
        if let Some(photo) = site_image {
            super::keys::photo_digest(&mut product_base, photo, images);
        }
        Ok(LangContext {
            site,
            plan,
            images,
            urls,
            index,
            strings,
            prices,
            money,
            globals: [
                ("lang", Value::from_serializable(&lang_view)),
                ("t", Value::from_serializable(strings)),
                ("site", Value::from_serializable(&site_view)),
            ],
            shared: SharedParts::default(),
            linked_pages,
            coop,
            site_image,
            base,
            product_base,
            order_strings: ["order_message", "ask_message", "preorder_note"]
                .map(|key| strings.get(key).cloned().unwrap_or_default()),
        })
    }

    /// Renders the theme's shared parts (`templates/shared/NAME.html`) for this language, for
    /// every page to show as `shared.NAME`. A part sees `lang`, `t`, `site` and `current_url`:
    /// the page's own path when a link of `site` leads to it (the menu marks it current), else
    /// empty. So a part is rendered once for each page `site` links to and once for all the
    /// others, not once per page: the footer and the menu, rendered for each page, were a tenth
    /// of a build's CPU. Made from the templates, those three values, which every page's
    /// fingerprint starts from (`base`), and the page's path, which it covers too, a part adds
    /// nothing to hash. A part's last line break, as a file's, is not part of it.
    pub(super) fn render_shared(&mut self, tera: &Tera, theme: &Theme) -> Result<(), Diagnostic> {
        let names: Vec<(&str, &str)> = theme
            .templates
            .keys()
            .filter_map(|name| {
                let part = name.strip_prefix(SHARED_PARTS)?.strip_suffix(".html")?;
                Some((name.as_str(), part))
            })
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        let mut ctx = Context::new();
        for (name, value) in &self.globals {
            ctx.insert_value(*name, value.clone());
        }
        let mut render = |current: &str| -> Result<Value, Diagnostic> {
            ctx.insert("current_url", current);
            let mut parts = BTreeMap::new();
            for &(name, part) in &names {
                let mut html = Vec::new();
                tera.render_to(name, &ctx, &mut html).map_err(|e| {
                    let code = &self.site.config.lang(self.index).code;
                    super::template_error(
                        theme,
                        &e,
                        Some(&format!(
                            "{name} once for every page in `{code}`: a shared part sees only `lang`, `t`, `site` and `current_url`"
                        )),
                    )
                })?;
                if html.ends_with(b"\n") {
                    html.pop();
                }
                parts.insert(
                    part.to_owned(),
                    Value::safe_string(&String::from_utf8_lossy(&html)),
                );
            }
            Ok(Value::from(parts))
        };
        let elsewhere = render("")?;
        let linked = self
            .linked_pages
            .iter()
            .map(|path| Ok((path.clone(), render(path)?)))
            .collect::<Result<_, Diagnostic>>()?;
        self.shared = SharedParts { linked, elsewhere };
        Ok(())
    }

    /// The key of a product page of this language from `digest`, its product's (see
    /// [`super::keys`]).
    pub(super) fn product_key(
        &self,
        digest: &incremental::Fingerprint,
    ) -> incremental::Fingerprint {
        let mut key = self.product_base.clone();
        key.fingerprint_of("product", digest);
        key.fingerprint()
    }

    /// The key of a listing page of this language (a page of a category's, or of every
    /// product's): what a product page sees but its product, its place in the listing and how
    /// long the listing is in every language (its pagination, the pages the language switcher
    /// leads to), and the keys of the products on it (`keys`, by product index), which cover
    /// their cards. None for a page of another kind (see [`super::keys`]).
    pub(super) fn listing_key(
        &self,
        kind: PageKind,
        keys: &[PerLang<incremental::Fingerprint>],
    ) -> Option<incremental::Fingerprint> {
        let (list, page) = self.plan.listing(self.index, kind)?;
        let lengths: Vec<usize> = self
            .site
            .config
            .langs()
            .map(|l| self.plan.listing(l, kind).map_or(0, |(list, _)| list.len()))
            .collect();
        let per_page = self.site.config.items_per_page;
        let mut key = self.product_base.clone();
        key.hashed("listing", &(kind, lengths));
        for &p in list.iter().skip(page * per_page).take(per_page) {
            key.hashed("card", &p);
            key.fingerprint_of("product", &keys[p][self.index]);
        }
        Some(key.fingerprint())
    }

    /// How order messages are written in this language.
    pub(super) fn order_patterns(&self) -> order::Patterns<'_> {
        let [order, ask, preorder_note] = &self.order_strings;
        order::Patterns {
            order,
            ask,
            preorder_note,
        }
    }

    /// Every UI string of the theme in this language.
    pub(super) fn strings(&self) -> &BTreeMap<String, String> {
        self.strings
    }

    /// A UI string of the theme in this language (complete: missing keys were filled in).
    pub(super) fn string(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_default()
    }

    /// A translated text of `souk.yaml` in this language.
    pub(super) fn localized(&self, text: &Localized) -> String {
        self.site.config.text(text, self.index).to_owned()
    }

    /// A date as this language writes it: `2025-10` → `octobre 2025`, `2025-10-14` →
    /// `14 octobre 2025`, from the theme's `months`, `date_month_year` and `date_day_month_year`.
    /// A date souk did not check (it checks every date it reads) comes back as written.
    pub(super) fn date_text(&self, iso: &str) -> String {
        let parts: Vec<&str> = iso.split('-').collect();
        let month = |m: &str| {
            let n: usize = m.parse().ok()?;
            let months = self.strings.get("months")?;
            months
                .split(',')
                .nth(n.checked_sub(1)?)
                .map(|name| name.trim().to_owned())
        };
        match parts.as_slice() {
            [year, m] => month(m).map(|name| {
                self.string("date_month_year")
                    .replace("{month}", &name)
                    .replace("{year}", year)
            }),
            [year, m, day] => month(m).map(|name| {
                self.string("date_day_month_year")
                    .replace("{day}", day.trim_start_matches('0'))
                    .replace("{month}", &name)
                    .replace("{year}", year)
            }),
            _ => None,
        }
        .unwrap_or_else(|| iso.to_owned())
    }

    pub(super) fn markdown(&self, text: &str) -> String {
        markdown::render_with(text, self.site.config.raw_html)
    }

    pub(super) fn tagline(&self) -> Option<String> {
        let config = &self.site.config;
        config
            .cooperative
            .tagline
            .as_ref()
            .map(|t| self.localized(t))
    }

    /// The absolute URL of a photo's largest rendition, for the sitemap.
    pub(super) fn full_image_url(&self, image: &ImageRef) -> Option<String> {
        crate::seo::full_image_url(&self.images.images[image.image], self.site, self.urls)
    }

    /// The text of something the plan says is published in this language.
    pub(super) fn text<'t>(&self, text: &'t Option<Text>) -> &'t Text {
        match text {
            Some(text) => text,
            // The plan lists a page only in the languages it is published in.
            None => unreachable!("a page is rendered only in the languages it is published in"),
        }
    }

    /// The breadcrumb to this language's home page.
    pub(super) fn home_crumb(&self) -> (String, String) {
        (
            self.string("home"),
            self.site.config.lang_prefix(self.index),
        )
    }

    /// One page of a listing of `products` (a category's, or every product): its cards and
    /// its pagination, under `base`.
    pub(super) fn listing(
        &self,
        ctx: &mut PageContext,
        base: &str,
        products: &[usize],
        page: usize,
    ) {
        let per_page = self.site.config.items_per_page;
        let total = plan::pages_for(products.len(), per_page);
        let cards: Vec<CardView> = products
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .map(|&p| self.card(p))
            .collect();
        ctx.insert("products", &cards);
        let link = |n: usize| self.urls.href(&plan::paginated(base, n));
        ctx.insert(
            "pagination",
            &PaginationView {
                current: page + 1,
                total,
                prev_url: (page > 0).then(|| link(page - 1)),
                next_url: (page + 1 < total).then(|| link(page + 1)),
                pages: {
                    let window = plan::pagination_window(page, total);
                    let mut previous = None;
                    window
                        .into_iter()
                        .map(|n| {
                            let gap_before = previous.is_some_and(|p: usize| n > p + 1);
                            previous = Some(n);
                            PageLink {
                                number: n + 1,
                                url: link(n),
                                current: n == page,
                                gap_before,
                            }
                        })
                        .collect()
                },
            },
        );
    }

    /// The language switcher: each language's version of this page, else the nearest page
    /// that exists there (a listing's first page), else that language's home.
    pub(super) fn switcher(
        &self,
        alternates: &PerLang<Option<String>>,
        page: PageKind,
    ) -> Vec<SwitcherEntry<'a>> {
        let fallbacks = self.plan.fallbacks(page);
        let config = &self.site.config;
        config
            .langs()
            .map(|l| {
                let language = config.lang(l);
                let near = alternates[l].clone().or_else(|| fallbacks[l].clone());
                SwitcherEntry {
                    code: language.code.as_str(),
                    name: &language.name,
                    dir: language.dir,
                    translated: near.is_some(),
                    url: self
                        .urls
                        .href(&near.unwrap_or_else(|| self.site.config.lang_prefix(l))),
                    current: l == self.index,
                }
            })
            .collect()
    }

    pub(super) fn image(&self, image: &ImageRef) -> ImageView {
        image_view(
            &self.images.images[image.image],
            &self.site.config.images.formats,
            self.urls,
            self.alt(image),
        )
    }

    /// The photo's description in this language (the default language's when missing).
    pub(super) fn alt(&self, image: &ImageRef) -> String {
        image
            .alt
            .as_ref()
            .map(|a| self.localized(a))
            .unwrap_or_default()
    }

    /// The picture shown when a product page is shared, if its main photo has one.
    pub(super) fn social_image(&self, product: &Product) -> Option<SocialImageView> {
        let main = product.images.first()?;
        let social = self.images.images[main.image].social.as_ref()?;
        Some(SocialImageView {
            url: self
                .urls
                .absolute(&format!("{}/{}", model::IMAGES_SEGMENT, social.file)),
            width: social.width,
            height: social.height,
            alt: self.alt(main),
        })
    }

    pub(super) fn card(&self, product: usize) -> CardView {
        let product = &self.site.products[product];
        let text = self.text(&product.texts[self.index]);
        CardView {
            name: text.title.clone(),
            url: self.urls.href(&text.path),
            summary: text.summary.clone(),
            price: self.prices.price(product.price),
            from: product.price_from,
            compare_at: product.compare_at.map(|c| self.prices.price(c)),
            on_sale: product.compare_at.is_some(),
            in_stock: product.availability == Availability::InStock,
            availability: product.availability,
            image: product.images.first().map(|img| self.image(img)),
        }
    }

    pub(super) fn producer_card(&self, producer: usize) -> Option<ProducerCard> {
        let producer = &self.site.producers[producer];
        let text = producer.texts[self.index].as_ref()?;
        Some(ProducerCard {
            name: text.title.clone(),
            role: text.summary.clone(),
            village: producer.village.as_ref().map(|v| self.localized(v)),
            url: self.urls.href(&text.path),
            photo: producer.photo.as_ref().map(|img| self.image(img)),
        })
    }
}

/// Prices as this language writes them: its locale's digits and separators, and where the
/// theme's strings put the currency.
fn price_formatter(
    site: &Site,
    strings: &BTreeMap<String, String>,
    index: LangIndex,
) -> Result<PriceFormatter, Diagnostic> {
    let config = &site.config;
    let language = config.lang(index);
    let code = config.currency.code();
    let pattern = strings
        .get("price_pattern")
        .map(String::as_str)
        .unwrap_or("{amount} {currency}");
    let symbol = strings
        .get(&format!("currency_{code}"))
        .map(String::as_str)
        .unwrap_or(code);
    PriceFormatter::new(language.locale.as_str(), config.currency, pattern, symbol).ok_or_else(
        || {
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!(
                    "no number conventions are known for the locale `{}`",
                    language.locale
                ),
            )
            .hint("set `locale` of this language to one such as `fr`, `ar-MA` or `en`")
        },
    )
}

/// A picture of `static/` (a logo) shown `height` pixels high, its width keeping its shape.
pub(super) fn logo_view(urls: &Urls, logo: &crate::config::Logo, height: u32) -> LogoView {
    LogoView {
        url: urls.href(&logo.file),
        width: ((f64::from(height) * logo.width / logo.height).round() as u32).max(1),
        height,
    }
}

/// The site as the templates of one language see it (`site`).
fn site_view(plan: &Plan<'_>, urls: &Urls, index: LangIndex, coop: &str) -> SiteView {
    let site = plan.site();
    let config = &site.config;
    let text = |t: &Localized| config.text(t, index).to_owned();
    let contact = &config.contact;
    let menu = |which: Menu| -> Vec<LinkView> {
        site.pages
            .iter()
            .filter(|p| p.menu == which)
            .filter_map(|p| p.texts[index].as_ref())
            .map(|t| LinkView {
                title: t.title.clone(),
                url: urls.href(&t.path),
            })
            .collect()
    };
    SiteView {
        name: coop.to_owned(),
        tagline: config.cooperative.tagline.as_ref().map(text),
        legal_name: config.cooperative.legal_name.clone(),
        registration: config.cooperative.registration.clone(),
        founded: config.cooperative.founded,
        members: config.cooperative.members,
        // Shown 48 px high.
        logo: config
            .cooperative
            .logo
            .as_ref()
            .map(|logo| logo_view(urls, logo, 48)),
        home_url: urls.href(&config.lang_prefix(index)),
        contact: ContactView {
            whatsapp: contact.whatsapp.as_deref().map(order::whatsapp_display),
            whatsapp_url: contact.whatsapp.as_deref().map(order::whatsapp_chat),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
            phone_url: contact.phone.as_deref().map(order::tel),
            address: contact.address.as_ref().map(text),
            city: contact.city.as_ref().map(text),
            country: contact.country.clone(),
        },
        social: config.social.clone(),
        menu_header: menu(Menu::Header),
        menu_footer: menu(Menu::Footer),
        categories: site
            .categories
            .iter()
            .filter_map(|c| c.texts[index].as_ref())
            .map(|t| NamedLink {
                name: t.title.clone(),
                url: urls.href(&t.path),
            })
            .collect(),
        all_products_url: urls.href(&plan.all_products(index)),
        credits_url: None,
        cart_url: site.cart.as_ref().map(|cart| urls.href(&cart[index])),
        catalogue_url: plan
            .path(index, PageKind::Catalogue { part: 0 })
            .map(|path| urls.href(&path)),
        base_path: urls.base_path().to_owned(),
    }
}
