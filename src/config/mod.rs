//! `souk.yaml`: the raw file as written, and the checked [`SiteConfig`] the rest of souk uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;
use url::Url;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, did_you_mean};
use crate::images::{Format, ImageSettings};
use crate::lang::{Direction, Lang, LangIndex, Localized};
use crate::money::Currency;
use crate::yaml::position;

mod orders;
mod print;
mod shipping;

pub use orders::Orders;
pub use print::Print;
pub use shipping::{Shipping, Zone};

/// The name of the site configuration file.
pub const CONFIG_FILE: &str = "souk.yaml";

/// `souk.yaml` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Spanned<String>,
    languages: Spanned<Vec<RawLanguage>>,
    currency: Spanned<String>,
    cooperative: RawCooperative,
    #[serde(default)]
    contact: RawContact,
    #[serde(default)]
    social: Vec<SocialLink>,
    #[serde(default)]
    certifications: BTreeMap<String, RawCertification>,
    #[serde(default = "default_theme")]
    theme: String,
    items_per_page: Option<Spanned<usize>>,
    #[serde(default = "default_featured_count")]
    featured_count: usize,
    images: Option<RawImages>,
    shipping: Option<shipping::RawShipping>,
    returns: Option<RawReturns>,
    #[serde(default)]
    orders: orders::RawOrders,
    markdown: Option<RawMarkdown>,
    hosting: Option<Spanned<Host>>,
    #[serde(default)]
    print: print::RawPrint,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    #[serde(default)]
    raw_html: crate::markdown::RawHtml,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReturns {
    days: u32,
    #[serde(default)]
    fees: ReturnFees,
}

/// Who pays for sending a product back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnFees {
    /// The cooperative pays for the return (`free`, the default).
    #[default]
    Free,
    /// The customer pays for sending the product back (`customer`).
    Customer,
}

/// Where the site is published (`hosting:`): each host gets the files it reads (`_headers`,
/// `.nojekyll`…) and its limits are checked at build time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// Any web server: the pages and nothing for a host (`plain`, the default).
    #[default]
    Plain,
    /// GitHub Pages (`github-pages`).
    GithubPages,
    /// Cloudflare Pages (`cloudflare-pages`).
    CloudflarePages,
    /// Netlify (`netlify`).
    Netlify,
}

impl Host {
    /// The name written in `souk.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Host::Plain => "plain",
            Host::GithubPages => "github-pages",
            Host::CloudflarePages => "cloudflare-pages",
            Host::Netlify => "netlify",
        }
    }

    /// The name people know it by.
    pub fn title(self) -> &'static str {
        match self {
            Host::Plain => "a web server",
            Host::GithubPages => "GitHub Pages",
            Host::CloudflarePages => "Cloudflare Pages",
            Host::Netlify => "Netlify",
        }
    }
}

/// The return policy, for structured data.
#[derive(Debug, Clone, Copy)]
pub struct Returns {
    /// Days the customer has to send a product back.
    pub days: u32,
    /// Who pays for sending it back.
    pub fees: ReturnFees,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Spanned<Vec<u32>>>,
    formats: Option<Spanned<Vec<Format>>>,
    quality: Option<RawQuality>,
    social: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuality {
    avif: Option<Spanned<u8>>,
    webp: Option<Spanned<u8>>,
    jpeg: Option<Spanned<u8>>,
}

fn default_theme() -> String {
    "default".to_owned()
}
const DEFAULT_ITEMS_PER_PAGE: usize = 12;

fn default_featured_count() -> usize {
    8
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    code: Spanned<String>,
    name: String,
    locale: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCooperative {
    name: Localized,
    tagline: Option<Localized>,
    legal_name: Option<String>,
    registration: Option<String>,
    founded: Option<u16>,
    members: Option<u32>,
    logo: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    whatsapp: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    phone: Option<String>,
    address: Option<Localized>,
    city: Option<Localized>,
    country: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertification {
    name: Localized,
    description: Option<Localized>,
    logo: Option<Spanned<String>>,
    body: Option<Localized>,
    url: Option<String>,
    number: Option<String>,
    #[serde(default)]
    cooperative: bool,
}

/// A link to the cooperative's page on a social network.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    /// The network's id in lowercase (`instagram`, `facebook`…); the theme shows its usual
    /// spelling.
    pub network: String,
    /// The address of the cooperative's page on that network; it must be an `http(s)://` address.
    pub url: String,
}

/// The checked site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Always ends with `/`.
    pub base_url: Url,
    /// In the order written; the first is the default language.
    pub languages: Vec<Language>,
    /// The shop's currency (`currency:`, ISO 4217); every price is exact to its minor unit.
    pub currency: Currency,
    /// Who the shop belongs to (`cooperative:`): name, tagline, legal details, logo.
    pub cooperative: Cooperative,
    /// How to reach the cooperative (`contact:`); orders are confirmed on its WhatsApp.
    pub contact: Contact,
    /// The cooperative's pages on social networks (`social:`), shown in the footer.
    pub social: Vec<SocialLink>,
    /// The certifications products may list (`certifications:`), sorted by id.
    pub certifications: Vec<Certification>,
    /// The theme: a folder of the site's `themes/`, or one built into souk; `default` when not
    /// written.
    pub theme: String,
    /// Products per category page; 12 when not written.
    pub items_per_page: usize,
    /// Products on the home page, those with `featured: true` first; 8 when not written.
    pub featured_count: usize,
    /// What is made of every photo (`images:`), over the defaults.
    pub images: ImageSettings,
    /// Delivery terms for the cart, search engines and product feeds, when `shipping:` is
    /// written.
    pub shipping: Option<Shipping>,
    /// The cart and where its orders go (`orders:`).
    pub orders: Orders,
    /// The return policy, when `returns:` is written.
    pub returns: Option<Returns>,
    /// What happens to HTML written inside Markdown.
    pub raw_html: crate::markdown::RawHtml,
    /// Where the site is published (`hosting:`).
    pub hosting: Host,
    /// The printable catalogue and labels (`print:`).
    pub print: Print,
}

impl SiteConfig {
    /// The default language: the first listed, whose pages are at the site's root.
    pub fn default_lang(&self) -> &Lang {
        &self.lang(LangIndex::DEFAULT).code
    }

    /// A translated text of this file in language `lang` (an index of `languages`): its own
    /// translation, else the default language's, else any.
    pub fn text<'a>(&self, text: &'a Localized, lang: LangIndex) -> &'a str {
        text.get(&self.lang(lang).code, self.default_lang())
    }

    /// Where the pages of language `lang` live: `""` for the default language (at the site's
    /// root), `"ar/"` for the others.
    pub fn lang_prefix(&self, lang: LangIndex) -> String {
        if lang.is_default() {
            String::new()
        } else {
            format!("{}/", self.lang(lang).code)
        }
    }

    /// The site's language with this code, if there is one.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code.as_str() == code)
    }

    /// The language at `lang`.
    pub fn lang(&self, lang: LangIndex) -> &Language {
        &self.languages[lang.get()]
    }

    /// Every language of the site, in order.
    pub fn langs(&self) -> impl Iterator<Item = LangIndex> + Clone + use<> {
        LangIndex::all(self.languages.len())
    }
}

/// One language of the site.
#[derive(Debug, Clone)]
pub struct Language {
    /// The BCP 47 code (`fr`, `ar`): the name of its `<lang>.md` files and the prefix of its pages'
    /// addresses.
    pub code: Lang,
    /// The name shown in the language switcher, e.g. `Français` or `العربية`.
    pub name: String,
    /// The text direction, from the language: right to left for `ar`, `fa`, `he`, `ur`…
    pub dir: Direction,
    /// The locale for number formatting (`ar-MA`), the language itself by default.
    pub locale: Lang,
}

/// Who the shop belongs to (`cooperative:` in `souk.yaml`).
#[derive(Debug, Clone)]
pub struct Cooperative {
    /// The cooperative's name, per language: the site's name in headers, titles and structured
    /// data.
    pub name: Localized,
    /// A short line about the cooperative, per language, under its name; the home page's
    /// description when it has no `summary`.
    pub tagline: Option<Localized>,
    /// The registered name, the same in every language: in the legal footer and structured data.
    pub legal_name: Option<String>,
    /// Registration numbers (RC, ICE…), shown in the legal footer.
    pub registration: Option<String>,
    /// The year the cooperative was founded, shown on the home page.
    pub founded: Option<u16>,
    /// How many members it has, shown on the home page.
    pub members: Option<u32>,
    /// Path of the logo inside the site, `/`-separated.
    pub logo: Option<Logo>,
}

/// The cooperative's logo, in `static/`, with its intrinsic size (for `width`/`height`).
#[derive(Debug, Clone)]
pub struct Logo {
    /// Relative to `static/`, so also its path in the output.
    pub file: String,
    /// Intrinsic width, from the SVG's `viewBox` (else `width`) or the image's pixels.
    pub width: f64,
    /// Intrinsic height, measured as `width` is.
    pub height: f64,
}

/// A picture of the site's `static/` named in `souk.yaml` (`static/logo.svg`), with its size;
/// `what` names it in messages (`the logo`).
fn static_image(
    written: &Spanned<String>,
    what: &str,
    site: &Path,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<Logo> {
    let relative = written.value.trim().trim_start_matches("./").to_owned();
    let Some(in_static) = relative
        .strip_prefix("static/")
        .filter(|r| crate::fs::confined(r))
    else {
        problems.push(
            Diagnostic::error(
                file,
                format!(
                    "{what} `{}` is not in the site's `static` folder",
                    written.value
                ),
            )
            .at(position(written))
            .hint("put the logo in `static/`, e.g. `static/logo.svg`, and write that path"),
        );
        return None;
    };
    match logo_size(&site.join(&relative)) {
        Ok((width, height)) => Some(Logo {
            file: in_static.to_owned(),
            width,
            height,
        }),
        Err(why) => {
            problems.push(
                Diagnostic::error(
                    file,
                    format!("{what} `{}` cannot be used: {why}", written.value),
                )
                .at(position(written))
                .hint("use an SVG, PNG or JPEG file in `static/`"),
            );
            None
        }
    }
}

/// The size of an SVG (its `viewBox`, else `width`/`height`) or of a raster image.
fn logo_size(path: &Path) -> Result<(f64, f64), String> {
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if !is_svg {
        return crate::images::dimensions(path).map(|(w, h)| (f64::from(w), f64::from(h)));
    }
    let text = std::fs::read_to_string(path).map_err(|e| crate::fs::io_reason(&e))?;
    let tag = text
        .find("<svg")
        .map(|at| &text[at..])
        .and_then(|t| t.split_once('>'))
        .map(|(t, _)| t)
        .ok_or("this is not an SVG file")?;
    let attribute = |name: &str| {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[start..].split('"').next()
    };
    let from_view_box = attribute("viewBox").and_then(|v| {
        let numbers: Vec<f64> = v
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .filter_map(|n| n.parse().ok())
            .collect();
        (numbers.len() == 4).then(|| (numbers[2], numbers[3]))
    });
    let from_attributes = || {
        Some((
            attribute("width")?.trim_end_matches("px").parse().ok()?,
            attribute("height")?.trim_end_matches("px").parse().ok()?,
        ))
    };
    match from_view_box.or_else(from_attributes) {
        Some((w, h)) if w > 0.0 && h > 0.0 => Ok((w, h)),
        _ => Err("the SVG has no `viewBox` or `width` and `height`".to_owned()),
    }
}

/// How to reach the cooperative (`contact:` in `souk.yaml`).
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// Digits only, with the country code: what `https://wa.me/` wants.
    pub whatsapp: Option<String>,
    /// The email address, shown on product pages and given in structured data.
    pub email: Option<String>,
    /// A phone number as written, shown on product pages; structured data gives it (else the
    /// WhatsApp number).
    pub phone: Option<String>,
    /// The street address, per language, for structured data.
    pub address: Option<Localized>,
    /// The city, per language, shown on the home page and given in structured data.
    pub city: Option<Localized>,
    /// The ISO 3166-1 alpha-2 code (`MA`): the default delivery country and the region of
    /// `og:locale`.
    pub country: Option<String>,
}

/// A certification products may list (an entry of `certifications:` in `souk.yaml`), with its
/// own page in each language (`certifications/<id>/`).
#[derive(Debug, Clone)]
pub struct Certification {
    /// The key in `souk.yaml`, which products list and the page's address ends with.
    pub id: String,
    /// The certification's name, per language, as shown on product pages.
    pub name: Localized,
    /// What it guarantees, per language, in Markdown: the page's text.
    pub description: Option<Localized>,
    /// Its logo, in `static/`.
    pub logo: Option<Logo>,
    /// Who certifies (`Ecocert`, `ONSSA`), per language.
    pub body: Option<Localized>,
    /// A web page about it, if given, for the theme to link to; it must be an `http(s)://` address.
    pub url: Option<String>,
    /// The certificate's or approval's number, as written (`AS.12.345.67`).
    pub number: Option<String>,
    /// Whether the cooperative itself holds it (an approval of its premises, an ISO
    /// certificate): then structured data gives it to the organisation too, not only to the
    /// products that list it.
    pub cooperative: bool,
}

/// `name@domain.tld`: one `@`, something before it, a domain with a dot after it, no spaces
/// or characters that would break a `mailto:` link. Not the full RFC: what people mistype.
fn email_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let allowed =
        |c: char| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\\\"@?&=/".contains(c);
    !local.is_empty()
        && local.chars().all(allowed)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| allowed(c) && c != '%')
}

/// An `http(s)://` address with a host: the only links souk accepts from configuration and
/// content (no `javascript:`, no `data:`).
pub(crate) fn web_address(text: &str) -> bool {
    Url::parse(text.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// Checks a site address (from `souk.yaml` or `--base-url`) and makes its path end with `/`.
pub fn parse_base_url(text: &str) -> Result<Url, Diagnostic> {
    match Url::parse(text.trim()) {
        Ok(mut url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            if !url.path().ends_with('/') {
                let path = format!("{}/", url.path());
                url.set_path(&path);
            }
            url.set_query(None);
            url.set_fragment(None);
            Ok(url)
        }
        _ => Err(Diagnostic::error(CONFIG_FILE, format!("`base_url` `{}` is not a web address", text))
            .hint("write the full address the shop is published at, e.g. `https://my-coop.ma/` or `https://user.github.io/repo/`")),
    }
}

/// Reads and checks `SITE/souk.yaml`, reporting every problem found.
pub fn load(site: &Path) -> Result<SiteConfig, Diagnostics> {
    match load_with_problems(site)? {
        (config, problems) if !problems.has_errors() => Ok(config),
        (_, problems) => Err(problems),
    }
}

/// Reads and checks `SITE/souk.yaml`. When its frame is sound (the address, the languages, the
/// currency), the configuration comes back with its problems, errors included, so that the
/// content can still be checked against it and one run reports the mistakes of every file; a
/// section with an error is left out of it (no `shipping`, no WhatsApp number…).
pub(crate) fn load_with_problems(site: &Path) -> Result<(SiteConfig, Diagnostics), Diagnostics> {
    let file = PathBuf::from(CONFIG_FILE);
    let text = crate::fs::read_text(site, &site.join(CONFIG_FILE)).map_err(|d| {
        d.hint(format!(
            "run souk in the folder of a site, or name it: `souk build path/to/site`; a site has a `{CONFIG_FILE}` file"
        ))
    })?;
    let raw: RawConfig = crate::yaml::parse(&file, &text, 0)?;
    match resolve(raw, &file, site) {
        (Some(config), problems) => Ok((config, problems)),
        (None, problems) => Err(problems),
    }
}

/// The checked configuration, when its frame is sound, and every problem found.
fn resolve(raw: RawConfig, file: &Path, site: &Path) -> (Option<SiteConfig>, Diagnostics) {
    // Destructured whole: a new key in the file must be decided on here.
    let RawConfig {
        base_url,
        languages: raw_languages,
        currency,
        cooperative,
        contact,
        social,
        certifications,
        theme,
        items_per_page,
        featured_count,
        images,
        shipping,
        returns,
        orders,
        markdown,
        hosting,
        print,
    } = raw;
    let mut problems = Diagnostics::new();
    let error = |spanned_at: Option<Position>, message: String| {
        Diagnostic::error(file, message).at(spanned_at)
    };

    let base_url = match parse_base_url(&base_url.value) {
        Ok(url) => Some(url),
        Err(problem) => {
            problems.push(problem.at(position(&base_url)));
            None
        }
    };
    let host = hosting.as_ref().map_or(Host::Plain, |h| h.value);
    if let (Some(url), Some(hosting)) = (&base_url, &hosting)
        && matches!(host, Host::CloudflarePages | Host::Netlify)
        && url.path() != "/"
    {
        problems.push(
            Diagnostic::warning(
                file,
                format!(
                    "{} publishes a site at the root of its address, but `base_url` ends in `{}`: the pages would link to addresses that do not exist there",
                    host.title(),
                    url.path()
                ),
            )
            .at(position(hosting))
            .hint("write the address the host gives the site (e.g. `https://my-shop.pages.dev/`) or your own domain as `base_url`"),
        );
    }

    let mut languages = Vec::new();
    if raw_languages.value.is_empty() {
        problems.push(
            error(position(&raw_languages), "`languages` is empty".to_owned())
                .hint("list at least one language, e.g. `- { code: fr, name: Français }`"),
        );
    }
    for raw_language in raw_languages.value {
        let RawLanguage { code, name, locale } = raw_language;
        let Some(lang) = Lang::parse(code.value.trim()) else {
            problems.push(
                error(
                    position(&code),
                    format!("`{}` is not a language code", code.value),
                )
                .hint("use a BCP 47 code such as `fr`, `ar`, `en`, `zgh` or `es`"),
            );
            continue;
        };
        if languages.iter().any(|l: &Language| l.code == lang) {
            problems.push(error(
                position(&code),
                format!("the language `{lang}` is listed twice"),
            ));
            continue;
        }
        let locale = match locale {
            None => lang.clone(),
            Some(locale) => match Lang::parse(locale.value.trim()) {
                Some(locale) => locale,
                None => {
                    problems.push(
                        error(
                            position(&locale),
                            format!("`{}` is not a locale", locale.value),
                        )
                        .hint("use a BCP 47 locale such as `ar-MA` or `fr-MA`"),
                    );
                    lang.clone()
                }
            },
        };
        languages.push(Language {
            dir: lang.direction(),
            code: lang,
            name,
            locale,
        });
    }
    let codes: Vec<&str> = languages.iter().map(|l| l.code.as_str()).collect();
    // Translations are checked against the languages only when all of them could be read,
    // or one bad code would make every translation in that language an error too.
    let languages_complete = !problems.has_errors();

    let currency_value = currency.value.trim().to_ascii_uppercase();
    let currency = match Currency::from_code(&currency_value) {
        Some(currency) => Some(currency),
        None => {
            problems.push(
                error(
                    position(&currency),
                    format!("`{}` is not an ISO 4217 currency code", currency.value),
                )
                .hint("write the three-letter code, e.g. `MAD` for the Moroccan dirham or `EUR`"),
            );
            None
        }
    };

    let translations = Translations {
        codes: &codes,
        complete: languages_complete,
        file,
    };
    let mut check_localized =
        |what: &str, text: &Localized| translations.check(what, text, &mut problems);
    let RawCooperative {
        name,
        tagline,
        legal_name,
        registration,
        founded,
        members,
        logo,
    } = cooperative;
    check_localized("`cooperative.name`", &name);
    if let Some(tagline) = &tagline {
        check_localized("`cooperative.tagline`", tagline);
    }
    let RawContact {
        whatsapp,
        email,
        phone,
        address,
        city,
        country,
    } = contact;
    if let Some(address) = &address {
        check_localized("`contact.address`", address);
    }
    if let Some(city) = &city {
        check_localized("`contact.city`", city);
    }
    let mut certification_logos = Vec::new();
    let certifications: Vec<Certification> = certifications
        .into_iter()
        .map(|(id, raw)| {
            let RawCertification {
                name,
                description,
                logo,
                body,
                url,
                number,
                cooperative,
            } = raw;
            let what = format!("certification `{id}`");
            check_localized(&what, &name);
            for text in [&description, &body].into_iter().flatten() {
                check_localized(&what, text);
            }
            certification_logos.push(logo);
            Certification {
                id,
                name,
                description,
                logo: None,
                body,
                url,
                number: number
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                cooperative,
            }
        })
        .collect();
    let country = country
        .as_ref()
        .and_then(|c| country_code(c, "contact.country", file, &mut problems));
    let email = email.and_then(|address| {
        let written = address.value.trim();
        if email_address(written) {
            Some(written.to_owned())
        } else {
            problems.push(
                error(position(&address), format!("`contact.email` `{written}` is not an e-mail address"))
                    .hint("write the whole address, e.g. \"contact@cooperative.ma\", without spaces or `mailto:`"),
            );
            None
        }
    });
    let links = social
        .iter()
        .map(|s| (format!("social link `{}`", s.network), &s.url));
    let links = links.chain(
        certifications
            .iter()
            .filter_map(|c| Some((format!("certification `{}`", c.id), c.url.as_ref()?))),
    );
    for (what, url) in links {
        if !web_address(url) {
            problems.push(
                Diagnostic::error(
                    file,
                    format!("the {what} has the address `{url}`, which is not a web page"),
                )
                .hint("write a full address starting with `https://`"),
            );
        }
    }

    let logo = logo.and_then(|logo| static_image(&logo, "the logo", site, file, &mut problems));
    let mut certifications = certifications;
    for (certification, logo) in certifications.iter_mut().zip(certification_logos) {
        let what = format!("the logo of certification `{}`", certification.id);
        certification.logo =
            logo.and_then(|logo| static_image(&logo, &what, site, file, &mut problems));
    }

    let whatsapp = whatsapp.and_then(|number| {
        let written = number.value.trim();
        let mut digits: String = written.chars().filter(char::is_ascii_digit).collect();
        let well_formed = written
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        // `00` is how some dial the international prefix; a single leading `0` is a national
        // number, which wa.me cannot open: every order button would be a dead link.
        if !written.starts_with('+') && digits.starts_with("00") {
            digits.drain(..2);
        } else if !written.starts_with('+') && digits.starts_with('0') {
            let moroccan = digits.len() == 10 && matches!(&digits[..2], "05" | "06" | "07");
            let hint = if moroccan {
                format!("did you mean \"+212{}\"? WhatsApp needs the number with its country code", &digits[1..])
            } else {
                "write it with the country code, e.g. \"+212600000000\"".to_owned()
            };
            problems.push(
                error(position(&number), format!("`contact.whatsapp` `{written}` is a number without its country code, which WhatsApp links cannot open"))
                    .hint(hint),
            );
            return None;
        }
        if well_formed && (8..=15).contains(&digits.len()) {
            Some(digits)
        } else {
            problems.push(
                error(position(&number), format!("`contact.whatsapp` `{}` is not a phone number", number.value))
                    .hint("write it in international format with the country code, e.g. \"+212600000000\""),
            );
            None
        }
    });

    let items_per_page = match items_per_page {
        None => DEFAULT_ITEMS_PER_PAGE,
        Some(n) if n.value == 0 => {
            problems.push(error(
                position(&n),
                "`items_per_page` must be at least 1".to_owned(),
            ));
            DEFAULT_ITEMS_PER_PAGE
        }
        Some(n) => n.value,
    };

    let images = resolve_images(images, file, &mut problems);
    let shipping = match (shipping, currency) {
        (Some(raw), Some(currency)) => shipping::resolve(
            raw,
            currency,
            country.as_deref(),
            &translations,
            file,
            &mut problems,
        ),
        _ => None,
    };
    let returns = returns.map(|RawReturns { days, fees }| Returns { days, fees });
    let print = print::resolve(print, file, &mut problems);
    let orders = orders::resolve(
        orders,
        base_url.as_ref(),
        whatsapp.is_some() || email.is_some(),
        file,
        &mut problems,
    );

    let config = match (base_url, currency) {
        (Some(base_url), Some(currency)) if !languages.is_empty() && languages_complete => {
            Some(SiteConfig {
                base_url,
                languages,
                currency,
                cooperative: Cooperative {
                    name,
                    tagline,
                    legal_name: legal_name
                        .map(|name| crate::text::without_bidi_controls(&name).into_owned()),
                    registration,
                    founded,
                    members,
                    logo,
                },
                contact: Contact {
                    whatsapp,
                    email,
                    phone,
                    address,
                    city,
                    country,
                },
                social,
                certifications,
                theme,
                items_per_page,
                featured_count,
                images,
                shipping,
                returns,
                orders,
                raw_html: markdown.map(|m| m.raw_html).unwrap_or_default(),
                hosting: host,
                print,
            })
        }
        _ => None,
    };
    (config, problems)
}

/// The `images:` block over the defaults.
fn resolve_images(
    raw: Option<RawImages>,
    file: &Path,
    problems: &mut Diagnostics,
) -> ImageSettings {
    let mut settings = ImageSettings::default();
    let Some(RawImages {
        widths,
        formats,
        quality,
        social,
    }) = raw
    else {
        return settings;
    };
    if let Some(widths) = widths {
        let mut list = widths.value.clone();
        list.sort_unstable();
        list.dedup();
        if list.is_empty() || list.iter().any(|w| !(16..=8192).contains(w)) {
            problems.push(
                Diagnostic::error(
                    file,
                    "`images.widths` must list widths from 16 to 8192 pixels",
                )
                .at(position(&widths))
                .hint("for example `widths: [360, 560, 760, 1440]`"),
            );
        } else {
            settings.widths = list;
        }
    }
    if let Some(formats) = formats {
        let mut list = Vec::new();
        for format in &formats.value {
            if !list.contains(format) {
                list.push(*format);
            }
        }
        if list.is_empty() {
            problems.push(
                Diagnostic::error(file, "`images.formats` is empty")
                    .at(position(&formats))
                    .hint("list at least one of `avif`, `webp`, `jpeg`; the last is what old browsers get, e.g. `[webp, jpeg]`"),
            );
        } else {
            settings.formats = list;
        }
    }
    if let Some(RawQuality { avif, webp, jpeg }) = quality {
        for (value, slot) in [
            (avif, &mut settings.quality.avif),
            (webp, &mut settings.quality.webp),
            (jpeg, &mut settings.quality.jpeg),
        ] {
            let Some(value) = value else { continue };
            if (1..=100).contains(&value.value) {
                *slot = value.value;
            } else {
                problems.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "an image quality of {} is not between 1 and 100",
                            value.value
                        ),
                    )
                    .at(position(&value))
                    .hint("70 is a good quality for WebP, 80 for JPEG, 50 for AVIF"),
                );
            }
        }
    }
    if let Some(social) = social {
        settings.social = social;
    }
    settings
}

/// What translated texts of `souk.yaml` are checked against: the site's languages.
struct Translations<'a> {
    codes: &'a [&'a str],
    /// Whether every language could be read: else one bad code would make every translation
    /// in that language an error too, and nothing is checked.
    complete: bool,
    file: &'a Path,
}

impl Translations<'_> {
    /// Reports each translation of `text` (named `what`) in a language the site does not have.
    fn check(&self, what: &str, text: &Localized, problems: &mut Diagnostics) {
        if !self.complete {
            return;
        }
        let codes = self.codes;
        for code in text.codes() {
            if !codes.contains(&code) {
                let hint = match did_you_mean(code, codes.iter().copied()) {
                    Some(close) => format!(
                        "did you mean `{close}`? The site's languages are {}",
                        codes.join(", ")
                    ),
                    None => format!(
                        "the site's languages are {}; add it to `languages` or remove the translation",
                        codes.join(", ")
                    ),
                };
                problems.push(
                    Diagnostic::error(
                        self.file,
                        format!(
                            "{what} has a text for `{code}`, which is not a language of the site"
                        ),
                    )
                    .hint(hint),
                );
            }
        }
    }
}

/// A country code as `souk.yaml` gives it, checked against ISO 3166-1 (it goes into JSON-LD and
/// the merchant feeds as is): `MA`, `ma` → `MA`; a country's name gets "did you mean".
fn country_code(
    code: &Spanned<String>,
    key: &str,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<String> {
    use isocountry::CountryCode;
    let written = code.value.trim();
    if let Ok(country) = CountryCode::for_alpha2_caseless(written) {
        return Some(country.alpha2().to_owned());
    }
    let by_name = CountryCode::iter()
        .find(|c| c.name().eq_ignore_ascii_case(written))
        .cloned()
        .or_else(|| CountryCode::for_alpha3_caseless(written).ok());
    let hint = match by_name {
        Some(country) => format!("did you mean `{}` ({})?", country.alpha2(), country.name()),
        None => "write the country's two-letter ISO 3166-1 code, e.g. `MA` for Morocco or `FR` for France".to_owned(),
    };
    problems.push(
        Diagnostic::error(file, format!("`{key}` `{written}` is not a country code"))
            .at(position(code))
            .hint(hint),
    );
    None
}
