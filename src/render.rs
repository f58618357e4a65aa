//! Rendering the site's pages with the theme's templates. Pure: reads nothing and writes
//! nothing itself; each page goes to a sink as soon as it is rendered ([`crate::write`]'s staging
//! folder in a build, memory in tests).
//!
//! Templates receive the view structs below, made for them (documented in docs/themes.md), never
//! the internal model.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::format::PriceFormatter;
use crate::fs::FileStamp;
use crate::images::{Format, ImageSet, Processed};
use crate::incremental::{self, Fingerprint, PageRecord};
use crate::lang::Direction;
use crate::markdown;
use crate::model::{self, ImageRef, Product, Site, Text};
use crate::output::{OutputFile, Sink};
use crate::seo::{self, PageSeo, Subject, sitemap};
use crate::source::{Availability, Menu};
use crate::theme::Theme;
use crate::urls::Urls;

/// The rendered pages.
#[derive(Debug)]
pub struct Rendered {
    /// HTML pages per language index.
    pub pages_per_lang: Vec<usize>,
    /// Pages carried over from the previous build instead of being rendered again.
    pub reused: usize,
    /// Every page's output path, fingerprint and file stamp: the record for the next build.
    pub record: Vec<(String, Fingerprint, FileStamp)>,
}

/// One page done.
struct PageDone {
    entry: Option<sitemap::Entry>,
    record: Option<(String, Fingerprint, FileStamp)>,
    reused: bool,
}

/// A page's template context, hashed as it is filled (see [`crate::incremental`]).
struct PageContext {
    ctx: Context,
    hash: incremental::Hasher,
}

impl PageContext {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.hash.value(key, value);
        self.ctx.insert(key, value);
    }
}

/// What the renderer knows of a page besides its template context.
struct PageOut {
    template: &'static str,
    subject: Subject,
    path: String,
    title: String,
    /// Before cutting to length.
    description: Option<String>,
    /// The same page in each language, where it exists.
    alternates: Vec<Option<String>>,
    /// Where the language switcher goes when the page does not exist in a language.
    fallbacks: Vec<Option<String>>,
    breadcrumbs: Vec<(String, String)>,
    lastmod: Option<String>,
    images: Vec<String>,
}

fn subject_kind(subject: Subject) -> &'static str {
    match subject {
        Subject::Home => "home",
        Subject::Product(_) => "product",
        Subject::Category(_) => "category",
        Subject::Products => "products",
        Subject::Producer(_) => "producer",
        Subject::Page(_) => "page",
        Subject::NotFound => "not_found",
    }
}

/// A page's summary, or the text of its body when it has none.
fn summary_or_body(text: &Text) -> String {
    match &text.summary {
        Some(summary) if !summary.trim().is_empty() => summary.clone(),
        _ => markdown::plain_text(&text.body),
    }
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Product(usize),
    Category { category: usize, page: usize },
    AllProducts { page: usize },
    Producer(usize),
    Page(usize),
    NotFound,
}

/// Renders every page of every language. A page whose fingerprint is the one `previous`
/// recorded for it is kept from the previous build instead.
pub fn render(
    site: &Site,
    theme: &Theme,
    images: &ImageSet,
    urls: &Urls,
    previous: &PageRecord,
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    let tera = compile(theme)?;
    let mut problems = Diagnostics::new();
    let mut langs = Vec::new();
    // Templates are not in any page's context: they go into every page's fingerprint.
    let mut base = incremental::Hasher::new();
    base.bytes("souk", incremental::program_salt());
    for (name, template) in &theme.templates {
        base.bytes(name, template.source.as_bytes());
    }
    for index in 0..site.config.languages.len() {
        match LangContext::new(site, theme, images, urls, index, &base) {
            Ok(ctx) => langs.push(ctx),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }

    let jobs: Vec<(usize, Job)> = langs
        .iter()
        .enumerate()
        .flat_map(|(lang, ctx)| ctx.jobs().into_iter().map(move |job| (lang, job)))
        .collect();
    // Each page goes to the sink as soon as it is rendered: memory stays flat however large
    // the catalogue.
    // The product feeds need no page: they are made meanwhile, keeping both cores busy to the end.
    let (results, feeds): (Vec<Result<PageDone, Diagnostic>>, _) = rayon::join(
        || {
            jobs.par_iter()
                .map(|&(lang, job)| langs[lang].render(&tera, theme, job, previous, sink))
                .collect()
        },
        || feed_files(site, images, urls),
    );

    let mut entries = Vec::with_capacity(results.len());
    let mut pages_per_lang = vec![0; langs.len()];
    let mut record = Vec::with_capacity(results.len());
    let mut reused = 0;
    let mut seen_places = HashSet::new();
    for ((lang, _), result) in jobs.iter().zip(results) {
        match result {
            Ok(done) => {
                pages_per_lang[*lang] += 1;
                entries.extend(done.entry);
                record.extend(done.record);
                reused += usize::from(done.reused);
            }
            // A broken template breaks every page that uses it: say it once per place.
            Err(problem) => {
                if seen_places.insert((problem.file.clone(), problem.position)) {
                    problems.push(problem);
                }
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    for file in sitemap_files(site, theme, urls, &entries)
        .into_iter()
        .chain(feeds)
    {
        sink.put(file)?;
    }
    Ok(Rendered {
        pages_per_lang,
        reused,
        record,
    })
}

/// The sitemaps and `robots.txt` (unless the site has its own).
fn sitemap_files(
    site: &Site,
    theme: &Theme,
    urls: &Urls,
    entries: &[sitemap::Entry],
) -> Vec<OutputFile> {
    let codes: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    let mut files: Vec<OutputFile> = sitemap::sitemaps(entries, &codes, urls)
        .into_iter()
        .map(|(path, contents)| OutputFile { path, contents })
        .collect();
    if !theme.static_files.contains_key("robots.txt") {
        files.push(OutputFile {
            path: "robots.txt".to_owned(),
            contents: sitemap::robots(urls).into_bytes(),
        });
    }
    files
}

/// The Google Merchant and Meta product feeds of every language, languages in parallel.
fn feed_files(site: &Site, images: &ImageSet, urls: &Urls) -> Vec<OutputFile> {
    let feeds: Vec<(Vec<u8>, Vec<u8>)> = (0..site.config.languages.len())
        .into_par_iter()
        .map(|lang| seo::feeds::feeds(site, images, urls, lang))
        .collect();
    let mut files = Vec::with_capacity(feeds.len() * 2);
    for (language, (google, meta)) in site.config.languages.iter().zip(feeds) {
        let code = &language.code;
        files.push(OutputFile {
            path: format!("feeds/google-merchant-{code}.xml"),
            contents: google,
        });
        files.push(OutputFile {
            path: format!("feeds/meta-catalog-{code}.csv"),
            contents: meta,
        });
    }
    files
}

/// Compiles every template, reporting each broken one with its file, line and column.
fn compile(theme: &Theme) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_function("picture", picture);
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.source.as_str()));
    match tera.add_raw_templates(sources) {
        Ok(()) => Ok(tera),
        Err(error) => Err(template_error(theme, &error, None).into()),
    }
}

/// A Tera error as a diagnostic on the template file.
fn template_error(theme: &Theme, error: &tera::Error, page: Option<&str>) -> Diagnostic {
    let (file, position, message) = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let file = theme
                .templates
                .get(report.filename())
                .map(|t| t.file.clone())
                .unwrap_or_else(|| report.filename().into());
            let position = (span.start_line > 0).then(|| Position {
                line: span.start_line as u64,
                column: span.start_col as u64 + 1,
            });
            (file, position, report.message().to_owned())
        }
        other => ("templates".into(), None, other.to_string()),
    };
    let message = match page {
        Some(page) => format!("{message} (while rendering {page})"),
        None => message,
    };
    Diagnostic::error(file, message)
        .at(position)
        .hint("fix the template; docs/themes.md lists the variables each template receives")
}

// ---- Views: what templates see. Field names are the contract in docs/themes.md. ----

#[derive(Serialize)]
struct LangView<'a> {
    code: &'a str,
    name: &'a str,
    dir: Direction,
}

#[derive(Serialize)]
struct SiteView {
    name: String,
    tagline: Option<String>,
    legal_name: Option<String>,
    registration: Option<String>,
    founded: Option<u16>,
    members: Option<u32>,
    logo: Option<LogoView>,
    /// The page icon: the logo, else the theme's `favicon.svg`.
    icon_url: String,
    home_url: String,
    css_url: String,
    /// The theme's icon sprite: `<use href="{icons_url}#whatsapp">`.
    icons_url: String,
    contact: ContactView,
    social: Vec<crate::config::SocialLink>,
    menu_header: Vec<LinkView>,
    menu_footer: Vec<LinkView>,
    categories: Vec<NamedLink>,
    all_products_url: String,
    credits_url: Option<String>,
}

#[derive(Serialize)]
struct LogoView {
    url: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct ContactView {
    whatsapp: Option<String>,
    whatsapp_url: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    phone_url: Option<String>,
    address: Option<String>,
    city: Option<String>,
    country: Option<String>,
}

#[derive(Serialize)]
struct LinkView {
    title: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct NamedLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct SwitcherEntry<'a> {
    code: &'a str,
    name: &'a str,
    dir: Direction,
    url: String,
    current: bool,
    translated: bool,
}

#[derive(Serialize)]
struct PageView<'a> {
    kind: &'a str,
    title: String,
    description: Option<String>,
    url: String,
    path: String,
}

/// A photo as templates get it. `src`/`srcset` are in the fallback format (the last of the
/// site's formats); `sources` has the preferred formats for `<picture>`.
#[derive(Serialize, Deserialize, Clone)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    pub sources: Vec<SourceView>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub color: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct SourceView {
    #[serde(rename = "type")]
    pub mime: String,
    pub srcset: String,
}

/// The picture for sharing a page (Open Graph).
#[derive(Serialize, Clone)]
struct SocialImageView {
    url: String,
    width: u32,
    height: u32,
    alt: String,
}

#[derive(Serialize)]
struct CardView {
    name: String,
    url: String,
    summary: Option<String>,
    price: String,
    from: bool,
    compare_at: Option<String>,
    on_sale: bool,
    in_stock: bool,
    availability: Availability,
    image: Option<ImageView>,
}

#[derive(Serialize)]
struct PaginationView {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct ProducerCard {
    name: String,
    role: Option<String>,
    url: String,
    photo: Option<ImageView>,
}

#[derive(Serialize)]
struct ProductView {
    id: String,
    name: String,
    summary: Option<String>,
    description_html: String,
    sku: String,
    price: String,
    from: bool,
    compare_at: Option<String>,
    on_sale: bool,
    availability: Availability,
    in_stock: bool,
    images: Vec<ImageView>,
    variants: Vec<VariantView>,
    category: NamedLink,
    origin: Option<String>,
    weight_grams: Option<u32>,
    certifications: Vec<CertificationView>,
    producers: Vec<ProducerCard>,
    tags: Vec<String>,
    order_url: Option<String>,
    order_email_url: Option<String>,
    social_image: Option<SocialImageView>,
}

#[derive(Serialize)]
struct VariantView {
    label: String,
    sku: String,
    price: String,
    compare_at: Option<String>,
    on_sale: bool,
    availability: Availability,
    in_stock: bool,
}

#[derive(Serialize)]
struct CertificationView {
    name: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct CategoryView {
    name: String,
    description_html: String,
    url: String,
}

#[derive(Serialize)]
struct CategorySummary {
    name: String,
    url: String,
    summary: Option<String>,
    count: usize,
    image: Option<ImageView>,
}

#[derive(Serialize)]
struct HomeView {
    title: String,
    summary: Option<String>,
    story_html: String,
}

#[derive(Serialize)]
struct ProducerView {
    name: String,
    role: Option<String>,
    village: Option<String>,
    member_since: Option<u16>,
    story_html: String,
    photo: Option<ImageView>,
}

#[derive(Serialize)]
struct ContentView {
    title: String,
    body_html: String,
}

/// Everything shared by the pages of one language, built once.
struct LangContext<'a> {
    site: &'a Site,
    images: &'a ImageSet,
    urls: &'a Urls,
    index: usize,
    strings: &'a BTreeMap<String, String>,
    prices: PriceFormatter,
    /// `lang`, `t` and `site`, converted to template values once.
    globals: [(&'static str, Value); 3],
    /// The cooperative's name in this language.
    coop: String,
    /// The picture for pages without their own: the first featured product's main photo.
    site_image: Option<&'a ImageRef>,
    /// The templates and `globals`, hashed: where every page's fingerprint starts.
    base: incremental::Hasher,
}

impl<'a> LangContext<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        images: &'a ImageSet,
        urls: &'a Urls,
        index: usize,
        base: &incremental::Hasher,
    ) -> Result<Self, Diagnostic> {
        let config = &site.config;
        let language = &config.languages[index];
        let default = config.default_lang();
        let strings = &theme.strings[index];
        let code = config.currency.code();
        let pattern = strings
            .get("price_pattern")
            .map(String::as_str)
            .unwrap_or("{amount} {currency}");
        let symbol = strings
            .get(&format!("currency_{code}"))
            .map(String::as_str)
            .unwrap_or(code);
        let prices =
            PriceFormatter::new(language.locale.as_str(), config.currency, pattern, symbol)
                .ok_or_else(|| {
                    Diagnostic::error(
                        crate::config::CONFIG_FILE,
                        format!(
                            "no number conventions are known for the locale `{}`",
                            language.locale
                        ),
                    )
                    .hint("set `locale` of this language to one such as `fr`, `ar-MA` or `en`")
                })?;
        let lang = &language.code;
        let text = |t: &crate::lang::Localized| t.get(lang, default).to_owned();
        let coop = text(&config.cooperative.name);
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
        let site_view = SiteView {
            name: coop.clone(),
            tagline: config.cooperative.tagline.as_ref().map(text),
            legal_name: config.cooperative.legal_name.clone(),
            registration: config.cooperative.registration.clone(),
            founded: config.cooperative.founded,
            members: config.cooperative.members,
            logo: config.cooperative.logo.as_ref().map(|logo| LogoView {
                url: urls.href(&logo.file),
                // Shown 48 px high: the width keeps the logo's shape.
                width: ((48.0 * logo.width / logo.height).round() as u32).max(1),
                height: 48,
            }),
            icon_url: match &config.cooperative.logo {
                Some(logo) => urls.href(&logo.file),
                None => urls.href("favicon.svg"),
            },
            home_url: urls.href(&site.config.lang_prefix(index)),
            css_url: urls.href("css/main.css"),
            icons_url: urls.href("icons.svg"),
            contact: ContactView {
                whatsapp: contact.whatsapp.as_ref().map(|n| format!("+{n}")),
                whatsapp_url: contact
                    .whatsapp
                    .as_ref()
                    .map(|n| format!("https://wa.me/{n}")),
                email: contact.email.clone(),
                phone: contact.phone.clone(),
                phone_url: contact.phone.as_ref().map(|p| {
                    format!(
                        "tel:{}",
                        p.chars()
                            .filter(|c| c.is_ascii_digit() || *c == '+')
                            .collect::<String>()
                    )
                }),
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
            all_products_url: urls.href(&format!(
                "{}{}/",
                site.config.lang_prefix(index),
                model::PRODUCTS_SEGMENT
            )),
            credits_url: None,
        };
        let lang_view = LangView {
            code: lang.as_str(),
            name: &language.name,
            dir: language.dir,
        };
        let mut base = base.clone();
        base.value("lang", &lang_view);
        base.value("t", strings);
        base.value("site", &site_view);
        Ok(LangContext {
            site,
            images,
            urls,
            index,
            strings,
            prices,
            globals: [
                ("lang", Value::from_serializable(&lang_view)),
                ("t", Value::from_serializable(strings)),
                ("site", Value::from_serializable(&site_view)),
            ],
            coop,
            site_image: model::featured(site, index)
                .into_iter()
                .find_map(|p| site.products[p].images.first()),
            base,
        })
    }

    fn jobs(&self) -> Vec<Job> {
        let i = self.index;
        let per_page = self.site.config.items_per_page;
        let mut jobs = vec![Job::Home, Job::NotFound];
        let published = self.published_products().count();
        jobs.extend((0..pages_for(published, per_page)).map(|page| Job::AllProducts { page }));
        for (c, category) in self.site.categories.iter().enumerate() {
            if category.texts[i].is_some() {
                let count = category
                    .products
                    .iter()
                    .filter(|&&p| self.site.products[p].texts[i].is_some())
                    .count();
                jobs.extend(
                    (0..pages_for(count, per_page)).map(|page| Job::Category { category: c, page }),
                );
            }
        }
        jobs.extend(
            self.site
                .products
                .iter()
                .enumerate()
                .filter(|(_, p)| p.texts[i].is_some())
                .map(|(n, _)| Job::Product(n)),
        );
        jobs.extend(
            self.site
                .producers
                .iter()
                .enumerate()
                .filter(|(_, p)| p.texts[i].is_some())
                .map(|(n, _)| Job::Producer(n)),
        );
        jobs.extend(
            self.site
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.texts[i].is_some())
                .map(|(n, _)| Job::Page(n)),
        );
        jobs
    }

    fn published_products(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.site.products.len()).filter(|&p| self.site.products[p].texts[self.index].is_some())
    }

    fn string(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_default()
    }

    fn render(
        &self,
        tera: &Tera,
        theme: &Theme,
        job: Job,
        previous: &PageRecord,
        sink: &dyn Sink,
    ) -> Result<PageDone, Diagnostic> {
        let site = self.site;
        let i = self.index;
        let mut ctx = PageContext {
            ctx: Context::new(),
            hash: self.base.clone(),
        };
        for (name, value) in &self.globals {
            ctx.ctx.insert_value(*name, value.clone());
        }
        let home_crumb = || (self.string("home"), site.config.lang_prefix(i));
        let page = match job {
            Job::Home => {
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
                    .filter_map(|c| {
                        let t = c.texts[i].as_ref()?;
                        Some(CategorySummary {
                            name: t.title.clone(),
                            url: self.urls.href(&t.path),
                            summary: t.summary.clone(),
                            count: c
                                .products
                                .iter()
                                .filter(|&&p| site.products[p].texts[i].is_some())
                                .count(),
                            image: c.image.as_ref().map(|img| self.image(img)),
                        })
                    })
                    .collect();
                ctx.insert("categories", &categories);
                let producers: Vec<ProducerCard> = (0..site.producers.len())
                    .filter_map(|p| self.producer_card(p))
                    .collect();
                ctx.insert("producers", &producers);
                PageOut {
                    template: "home.html",
                    subject: Subject::Home,
                    path: text.path.clone(),
                    title: format!("{} | {}", self.coop, text.title),
                    description: text.summary.clone().or_else(|| self.tagline()),
                    alternates: paths(&site.home),
                    fallbacks: Vec::new(),
                    breadcrumbs: Vec::new(),
                    lastmod: None,
                    images: Vec::new(),
                }
            }
            Job::NotFound => PageOut {
                template: "404.html",
                subject: Subject::NotFound,
                path: format!("{}404.html", site.config.lang_prefix(i)),
                title: format!("{} | {}", self.string("not_found_title"), self.coop),
                description: None,
                alternates: vec![None; site.config.languages.len()],
                fallbacks: Vec::new(),
                breadcrumbs: Vec::new(),
                lastmod: None,
                images: Vec::new(),
            },
            Job::Product(n) => {
                let product = &site.products[n];
                let text = self.text(&product.texts[i]);
                ctx.insert("product", &self.product(product, text));
                let category = self.text(&site.categories[product.category].texts[i]);
                PageOut {
                    template: "product.html",
                    subject: Subject::Product(n),
                    path: text.path.clone(),
                    title: format!("{} | {}", text.title, self.coop),
                    description: Some(summary_or_body(text)),
                    alternates: paths(&product.texts),
                    fallbacks: Vec::new(),
                    breadcrumbs: vec![
                        home_crumb(),
                        (category.title.clone(), category.path.clone()),
                        (text.title.clone(), text.path.clone()),
                    ],
                    lastmod: product.date.clone(),
                    images: product
                        .images
                        .iter()
                        .filter_map(|img| self.full_image_url(img))
                        .collect(),
                }
            }
            Job::Category { category, page } => {
                let cat = &site.categories[category];
                let text = self.text(&cat.texts[i]);
                let products: Vec<usize> = cat
                    .products
                    .iter()
                    .copied()
                    .filter(|&p| site.products[p].texts[i].is_some())
                    .collect();
                self.listing(&mut ctx, &text.path, &products, page);
                ctx.insert(
                    "category",
                    &CategoryView {
                        name: text.title.clone(),
                        description_html: self.markdown(&text.body),
                        url: self.urls.href(&text.path),
                    },
                );
                let per_page = site.config.items_per_page;
                let count_in = |l: usize| {
                    cat.products
                        .iter()
                        .filter(|&&p| site.products[p].texts[l].is_some())
                        .count()
                };
                PageOut {
                    template: "category.html",
                    subject: Subject::Category(category),
                    path: paginated(&text.path, page),
                    title: page_title(&text.title, page, &self.string("page"), &self.coop),
                    description: Some(summary_or_body(text)),
                    // Only languages where this page number exists: one untranslated product
                    // can make a listing a page shorter.
                    alternates: cat
                        .texts
                        .iter()
                        .enumerate()
                        .map(|(l, t)| {
                            t.as_ref()
                                .filter(|_| page < pages_for(count_in(l), per_page))
                                .map(|t| paginated(&t.path, page))
                        })
                        .collect(),
                    fallbacks: paths(&cat.texts),
                    breadcrumbs: vec![home_crumb(), (text.title.clone(), text.path.clone())],
                    lastmod: None,
                    images: cat
                        .image
                        .iter()
                        .filter_map(|img| self.full_image_url(img))
                        .collect(),
                }
            }
            Job::AllProducts { page } => {
                let base_in = |l: usize| {
                    format!("{}{}/", site.config.lang_prefix(l), model::PRODUCTS_SEGMENT)
                };
                let base = base_in(i);
                let products: Vec<usize> = self.published_products().collect();
                self.listing(&mut ctx, &base, &products, page);
                let name = self.string("all_products");
                ctx.insert(
                    "category",
                    &CategoryView {
                        name: name.clone(),
                        description_html: String::new(),
                        url: self.urls.href(&base),
                    },
                );
                let per_page = site.config.items_per_page;
                let count_in = |l: usize| {
                    site.products
                        .iter()
                        .filter(|p| p.texts[l].is_some())
                        .count()
                };
                PageOut {
                    template: "category.html",
                    subject: Subject::Products,
                    path: paginated(&base, page),
                    title: page_title(&name, page, &self.string("page"), &self.coop),
                    description: self.tagline(),
                    alternates: (0..site.config.languages.len())
                        .map(|l| {
                            (page < pages_for(count_in(l), per_page))
                                .then(|| paginated(&base_in(l), page))
                        })
                        .collect(),
                    fallbacks: (0..site.config.languages.len())
                        .map(|l| Some(base_in(l)))
                        .collect(),
                    breadcrumbs: vec![home_crumb(), (name, base.clone())],
                    lastmod: None,
                    images: Vec::new(),
                }
            }
            Job::Producer(n) => {
                let producer = &site.producers[n];
                let text = self.text(&producer.texts[i]);
                let lang = &site.config.languages[i].code;
                ctx.insert(
                    "producer",
                    &ProducerView {
                        name: text.title.clone(),
                        role: text.summary.clone(),
                        village: producer
                            .village
                            .as_ref()
                            .map(|v| v.get(lang, site.config.default_lang()).to_owned()),
                        member_since: producer.member_since,
                        story_html: self.markdown(&text.body),
                        photo: producer.photo.as_ref().map(|img| self.image(img)),
                    },
                );
                let cards: Vec<CardView> = producer
                    .products
                    .iter()
                    .copied()
                    .filter(|&p| site.products[p].texts[i].is_some())
                    .map(|p| self.card(p))
                    .collect();
                ctx.insert("products", &cards);
                PageOut {
                    template: "producer.html",
                    subject: Subject::Producer(n),
                    path: text.path.clone(),
                    title: format!("{} | {}", text.title, self.coop),
                    description: Some(seo::describe(&markdown::plain_text(&text.body)))
                        .filter(|d| !d.is_empty()),
                    alternates: paths(&producer.texts),
                    fallbacks: Vec::new(),
                    breadcrumbs: vec![home_crumb(), (text.title.clone(), text.path.clone())],
                    lastmod: None,
                    images: producer
                        .photo
                        .iter()
                        .filter_map(|img| self.full_image_url(img))
                        .collect(),
                }
            }
            Job::Page(n) => {
                let page = &site.pages[n];
                let text = self.text(&page.texts[i]);
                ctx.insert(
                    "content",
                    &ContentView {
                        title: text.title.clone(),
                        body_html: self.markdown(&text.body),
                    },
                );
                PageOut {
                    template: "page.html",
                    subject: Subject::Page(n),
                    path: text.path.clone(),
                    title: format!("{} | {}", text.title, self.coop),
                    description: Some(summary_or_body(text)),
                    alternates: paths(&page.texts),
                    fallbacks: Vec::new(),
                    breadcrumbs: vec![home_crumb(), (text.title.clone(), text.path.clone())],
                    lastmod: None,
                    images: Vec::new(),
                }
            }
        };
        let PageOut {
            template,
            subject,
            path,
            title,
            description,
            alternates,
            fallbacks,
            breadcrumbs,
            lastmod,
            images,
        } = page;
        let description = description
            .map(|d| seo::describe(&d))
            .filter(|d| !d.is_empty());
        let head = seo::head(
            site,
            self.images,
            self.urls,
            &PageSeo {
                subject,
                lang: i,
                title: &title,
                description: description.as_deref(),
                path: &path,
                alternates: &alternates,
                breadcrumbs: &breadcrumbs,
                site_image: self.site_image,
            },
        );
        ctx.hash.bytes("seo", head.as_bytes());
        ctx.ctx.insert_value("seo", Value::safe_string(&head));
        ctx.insert(
            "page",
            &PageView {
                kind: subject_kind(subject),
                title,
                description,
                url: self.urls.absolute(&path),
                path: self.urls.href(&path),
            },
        );
        ctx.insert("languages", &self.switcher(&alternates, &fallbacks));
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        ctx.hash.bytes("template", template.as_bytes());
        ctx.hash.bytes("file", file.as_bytes());
        let fingerprint = ctx.hash.finish();
        let kept = fingerprint
            .and_then(|f| previous.unchanged(&file, &f))
            .and_then(|stamp| sink.keep(&file, stamp));
        let stamp = match kept {
            Some(stamp) => stamp,
            None => {
                let html = tera
                    .render(template, &ctx.ctx)
                    .map_err(|e| template_error(theme, &e, Some(&format!("/{path}"))))?;
                sink.put(OutputFile {
                    path: file.clone(),
                    contents: html.into_bytes(),
                })?
            }
        };
        let entry = (subject != Subject::NotFound).then_some(sitemap::Entry {
            path,
            alternates,
            lastmod,
            images,
        });
        Ok(PageDone {
            entry,
            record: fingerprint.map(|f| (file, f, stamp)),
            reused: kept.is_some(),
        })
    }

    fn markdown(&self, text: &str) -> String {
        markdown::render_with(text, self.site.config.raw_html)
    }

    fn tagline(&self) -> Option<String> {
        let config = &self.site.config;
        config.cooperative.tagline.as_ref().map(|t| {
            t.get(&config.languages[self.index].code, config.default_lang())
                .to_owned()
        })
    }

    /// The absolute URL of a photo's largest rendition, for the sitemap.
    fn full_image_url(&self, image: &ImageRef) -> Option<String> {
        seo::full_image_url(&self.images.images[image.image], self.site, self.urls)
    }

    /// The text of something this job knows is published in this language.
    fn text<'t>(&self, text: &'t Option<Text>) -> &'t Text {
        match text {
            Some(text) => text,
            // Jobs are only made for published texts (see `jobs`).
            None => unreachable!("a page is rendered only in the languages it is published in"),
        }
    }

    fn listing(&self, ctx: &mut PageContext, base: &str, products: &[usize], page: usize) {
        let per_page = self.site.config.items_per_page;
        let total = pages_for(products.len(), per_page);
        let cards: Vec<CardView> = products
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .map(|&p| self.card(p))
            .collect();
        ctx.insert("products", &cards);
        let link = |n: usize| self.urls.href(&paginated(base, n));
        ctx.insert(
            "pagination",
            &PaginationView {
                current: page + 1,
                total,
                prev_url: (page > 0).then(|| link(page - 1)),
                next_url: (page + 1 < total).then(|| link(page + 1)),
                pages: (0..total)
                    .map(|n| PageLink {
                        number: n + 1,
                        url: link(n),
                        current: n == page,
                    })
                    .collect(),
            },
        );
    }

    /// The language switcher: each language's version of this page, else the nearest page
    /// that exists there (a listing's first page), else that language's home.
    fn switcher(
        &self,
        alternates: &[Option<String>],
        fallbacks: &[Option<String>],
    ) -> Vec<SwitcherEntry<'a>> {
        self.site
            .config
            .languages
            .iter()
            .enumerate()
            .map(|(l, language)| {
                let exact = alternates.get(l).cloned().flatten();
                let near = exact
                    .clone()
                    .or_else(|| fallbacks.get(l).cloned().flatten());
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

    fn image(&self, image: &ImageRef) -> ImageView {
        image_view(
            &self.images.images[image.image],
            &self.site.config.images.formats,
            self.urls,
            self.alt(image),
        )
    }

    /// The photo's description in this language (the default language's when missing).
    fn alt(&self, image: &ImageRef) -> String {
        let config = &self.site.config;
        image
            .alt
            .as_ref()
            .map(|a| {
                a.get(&config.languages[self.index].code, config.default_lang())
                    .to_owned()
            })
            .unwrap_or_default()
    }

    /// The picture shown when a product page is shared, if its main photo has one.
    fn social_image(&self, product: &Product) -> Option<SocialImageView> {
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

    fn card(&self, index: usize) -> CardView {
        let product = &self.site.products[index];
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

    fn producer_card(&self, index: usize) -> Option<ProducerCard> {
        let producer = &self.site.producers[index];
        let text = producer.texts[self.index].as_ref()?;
        Some(ProducerCard {
            name: text.title.clone(),
            role: text.summary.clone(),
            url: self.urls.href(&text.path),
            photo: producer.photo.as_ref().map(|img| self.image(img)),
        })
    }

    fn product(&self, product: &Product, text: &Text) -> ProductView {
        let site = self.site;
        let lang = &site.config.languages[self.index].code;
        let default = site.config.default_lang();
        let category = &site.categories[product.category];
        let category_text = self.text(&category.texts[self.index]);
        let absolute = self.urls.absolute(&text.path);
        let message = self
            .string("order_message")
            .replace("{name}", &text.title)
            .replace("{sku}", &product.sku)
            .replace("{url}", &absolute);
        let encode = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        ProductView {
            id: product.id.clone(),
            name: text.title.clone(),
            summary: text.summary.clone(),
            description_html: self.markdown(&text.body),
            sku: product.sku.clone(),
            price: self.prices.price(product.price),
            from: product.price_from,
            compare_at: product.compare_at.map(|c| self.prices.price(c)),
            on_sale: product.compare_at.is_some(),
            availability: product.availability,
            in_stock: product.availability == Availability::InStock,
            images: product.images.iter().map(|img| self.image(img)).collect(),
            variants: product
                .variants
                .iter()
                .map(|v| VariantView {
                    label: v.label.get(lang, default).to_owned(),
                    sku: v.sku.clone(),
                    price: self.prices.price(v.price),
                    compare_at: v.compare_at.map(|c| self.prices.price(c)),
                    on_sale: v.compare_at.is_some(),
                    availability: v.availability,
                    in_stock: v.availability == Availability::InStock,
                })
                .collect(),
            category: NamedLink {
                name: category_text.title.clone(),
                url: self.urls.href(&category_text.path),
            },
            origin: product
                .origin
                .as_ref()
                .map(|o| o.get(lang, default).to_owned()),
            weight_grams: product.weight_grams,
            certifications: product
                .certifications
                .iter()
                .filter_map(|id| site.config.certifications.get(id))
                .map(|c| CertificationView {
                    name: c.name.get(lang, default).to_owned(),
                    url: c.url.clone(),
                })
                .collect(),
            producers: product
                .producers
                .iter()
                .filter_map(|&p| self.producer_card(p))
                .collect(),
            tags: product.tags.clone(),
            order_url: site
                .config
                .contact
                .whatsapp
                .as_ref()
                .map(|n| format!("https://wa.me/{n}?text={}", encode(&message))),
            social_image: self.social_image(product),
            order_email_url: site.config.contact.email.as_ref().map(|e| {
                format!(
                    "mailto:{e}?subject={}&body={}",
                    encode(&text.title),
                    encode(&message)
                )
            }),
        }
    }
}

/// The image shape templates get: every width of every format, and a fallback `src` close to
/// 640 px that also gives the aspect ratio.
fn image_view(processed: &Processed, formats: &[Format], urls: &Urls, alt: String) -> ImageView {
    let href = |file: &str| urls.href(&format!("{}/{file}", model::IMAGES_SEGMENT));
    let srcset = |format: Format| {
        processed
            .in_format(format)
            .map(|r| format!("{} {}w", href(&r.file), r.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback = formats.last().copied().unwrap_or(Format::Jpeg);
    let sources = formats[..formats.len().saturating_sub(1)]
        .iter()
        .map(|&f| SourceView {
            mime: f.mime().to_owned(),
            srcset: srcset(f),
        })
        .collect();
    let src = processed
        .in_format(fallback)
        .min_by_key(|r| r.width.abs_diff(640));
    let (src, width, height) = match src {
        Some(r) => (href(&r.file), r.width, r.height),
        None => (String::new(), processed.width, processed.height),
    };
    ImageView {
        src,
        srcset: srcset(fallback),
        sources,
        width,
        height,
        alt,
        color: processed.color.clone(),
    }
}

/// `picture(image=…, sizes="…", eager=false, class="")`: the one template function themes use
/// for photos. Writes a `<picture>` with a source per preferred format, an `<img>` with
/// `srcset`, `sizes`, `width` and `height` (no layout shift), a placeholder colour, and lazy
/// loading unless `eager` (the main image above the fold, fetched first).
fn picture(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Value> {
    let image: Value = kwargs.must_get("image")?;
    let sizes: &str = kwargs.get("sizes")?.unwrap_or("100vw");
    let eager: bool = kwargs.get("eager")?.unwrap_or(false);
    let class: &str = kwargs.get("class")?.unwrap_or("");
    let image: ImageView = serde_json::to_value(&image)
        .and_then(serde_json::from_value)
        .map_err(|e| {
            tera::Error::message(format!(
                "`picture` needs an image from souk (e.g. `product.images[0]`): {e}"
            ))
        })?;
    let esc = |s: &str| {
        let mut out = Vec::with_capacity(s.len());
        // Writing into a Vec cannot fail.
        let _ = tera::escape_html(s, &mut out);
        String::from_utf8(out).unwrap_or_default()
    };
    let mut html = String::with_capacity(512);
    html.push_str("<picture>");
    for source in &image.sources {
        html.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\">",
            esc(&source.mime),
            esc(&source.srcset),
            esc(sizes)
        ));
    }
    html.push_str("<img");
    if !class.is_empty() {
        html.push_str(&format!(" class=\"{}\"", esc(class)));
    }
    html.push_str(&format!(" src=\"{}\"", esc(&image.src)));
    if !image.srcset.is_empty() {
        html.push_str(&format!(
            " srcset=\"{}\" sizes=\"{}\"",
            esc(&image.srcset),
            esc(sizes)
        ));
    }
    html.push_str(&format!(
        " width=\"{}\" height=\"{}\" alt=\"{}\"",
        image.width,
        image.height,
        esc(&image.alt)
    ));
    html.push_str(if eager {
        " fetchpriority=\"high\""
    } else {
        " loading=\"lazy\" decoding=\"async\""
    });
    if is_hex_color(&image.color) {
        html.push_str(&format!(" style=\"background-color:{}\"", image.color));
    }
    html.push_str("></picture>");
    Ok(Value::safe_string(&html))
}

fn is_hex_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn paths(texts: &[Option<Text>]) -> Vec<Option<String>> {
    texts
        .iter()
        .map(|t| t.as_ref().map(|t| t.path.clone()))
        .collect()
}

/// `base` for the first page, `base/page/N/` for the others.
fn paginated(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_owned()
    } else {
        format!("{base}{}/{}/", model::PAGE_SEGMENT, page + 1)
    }
}

fn pages_for(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

fn page_title(name: &str, page: usize, page_word: &str, coop: &str) -> String {
    if page == 0 {
        format!("{name} | {coop}")
    } else {
        format!("{name} ({page_word} {}) | {coop}", page + 1)
    }
}
