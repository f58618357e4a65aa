//! Product pages known by their inputs. Other pages are fingerprinted by hashing their template
//! context as it is filled (see [`crate::incremental`]), which means building it: for a product
//! page that is its Markdown rendered, its structured data and order links made: 37 % of the
//! CPU time of a build that changed one product of ten thousand, in its profile. A product
//! page's context is made of nothing but
//! - the product itself (prices, photos' descriptions, category, producers and certifications
//!   by index), its texts in the page's language and its paths in the others;
//! - its photos as processed (renditions, sizes, colour);
//! - the rest of the site but the other products: `souk.yaml`, categories, producers, free
//!   pages, the home page, the cart's addresses, the static files' names, the photos of
//!   categories and producers, and how many products there are;
//! - what every page of its language shares (templates, UI strings, `site`), and the picture
//!   shown for pages without one of their own (the first featured product's);
//!
//! so the hash of those, taken from the model before any context is built, names the page as
//! surely: an unchanged product page is carried over without being made. What is hashed is
//! derived, so a field added to the model is in the key without anyone remembering to add it:
//! a product through its `Hash` (made for every product of every build, where `Debug` was 7 %
//! of a cold build's CPU, escaping its texts a character at a time), the rest of the site,
//! hashed once a build, through its `Debug`.
//!
//! A changed key falls back to the context's fingerprint, so that a change of `souk.yaml`
//! renders only the pages that show it; that fingerprint is taken only for a page the
//! previous build wrote (see [`super::page`]): a cold build does without it.
//!
//! Listing pages (a category's, every product's) are known the same way, by what a product
//! page sees but its product, their place and the length of their listing in every language,
//! and the keys of the products on them ([`super::context::LangContext::listing_key`]): a
//! card shows nothing of a product that its key does not cover. Their context's fingerprint
//! is always taken, since an edit of one description changes the key of every listing the
//! product is on while their bytes stay the same.
//!
//! What a product page must never read, for this to hold: another product (but through the
//! site picture above), or anything of the site that is not in [`site_digest`]; a listing, no
//! product that is not on it, and of those on it nothing but their cards.

use rayon::prelude::*;

use crate::images::ImageSet;
use crate::incremental::{Fingerprint, Hasher};
use crate::lang::PerLang;
use crate::model::{ImageRef, Product, Site};
use crate::theme::Theme;

/// The hash of everything of the site a product page can see besides its own product and
/// what its language's pages share.
pub(super) fn site_digest(site: &Site, theme: &Theme, images: &ImageSet) -> Fingerprint {
    let mut hash = Hasher::new();
    hash.debug("root", &site.root);
    hash.debug("config", &site.config);
    hash.debug("categories", &site.categories);
    hash.debug("producers", &site.producers);
    hash.debug("pages", &site.pages);
    hash.debug("home", &site.home);
    hash.debug("cart", &site.cart);
    hash.debug("privacy", &site.privacy_page);
    hash.debug("static", &site.static_files);
    hash.debug("products", &site.products.len());
    let static_names: Vec<&String> = theme.static_files.keys().collect();
    hash.debug("theme static", &static_names);
    let photos = site
        .categories
        .iter()
        .filter_map(|c| c.image.as_ref())
        .chain(site.producers.iter().filter_map(|p| p.photo.as_ref()));
    for photo in photos {
        photo_digest(&mut hash, photo, images);
    }
    hash.fingerprint()
}

/// The hash of each product (by index) in each language (by index) with its processed photos.
pub(super) fn product_digests(site: &Site, images: &ImageSet) -> Vec<PerLang<Fingerprint>> {
    site.products
        .par_iter()
        .map(|product| {
            // Every field named, so that a field added to `Product` cannot be left out.
            let Product {
                id,
                dir,
                sku,
                category,
                price,
                price_from,
                compare_at,
                availability,
                availability_declared,
                available_from,
                stock,
                featured,
                date,
                weight_grams,
                origin,
                harvest,
                batch,
                tags,
                certifications,
                producers,
                images: photos,
                variants,
                payment_url,
                texts,
            } = product;
            let mut hash = Hasher::new();
            hash.hashed(
                "product",
                &(
                    (id, dir, sku, category, price, price_from, compare_at),
                    (availability, availability_declared, available_from, stock),
                    (featured, date, weight_grams, origin, harvest, batch, tags),
                    (certifications, producers, photos, variants, payment_url),
                ),
            );
            for photo in photos {
                photo_digest(&mut hash, photo, images);
            }
            // A page shows its own language's texts, and of the others only where they are
            // (the language switcher, `hreflang`): editing the French description makes the
            // French page again, not the Arabic one.
            let paths: Vec<Option<&String>> = texts
                .values()
                .map(|text| text.as_ref().map(|t| &t.path))
                .collect();
            hash.hashed("paths", &paths);
            texts
                .values()
                .map(|text| {
                    let mut hash = hash.clone();
                    hash.hashed("text", text);
                    hash.fingerprint()
                })
                .collect()
        })
        .collect()
}

/// Adds a use of a photo and the photo as processed.
pub(super) fn photo_digest(hash: &mut Hasher, photo: &ImageRef, images: &ImageSet) {
    hash.hashed("photo", photo);
    hash.hashed("processed", &images.images.get(photo.image));
}
