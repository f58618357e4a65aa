#!/usr/bin/env python3
"""Convert a gen_catalog.py catalogue into an equivalent souk site.

    souk-adapter.py CATALOG_DIR SITE_DIR [--no-images] [--no-image-config] [--page-size 48]

The souk counterpart of ../shared/bench/hugo-adapter.py: same products, same languages, same
image variants, so the two generators can be timed on the same work. SITE_DIR is recreated.

Layout written (docs/content-model.md):
    souk.yaml                         fr (default, at /), ar (rtl, /ar/), en (/en/); MAD;
                                      items_per_page 48; the `images:` block below
    home/{fr,ar,en}.md                title = the site title of the Hugo site
    categories/<slug>/{fr,ar,en}.md   name per language (12 categories)
    products/<slug>/product.yaml      sku, category, price, compare_at_price (only when above
                                      price), stock, date, tags, images with alt per language
    products/<slug>/{fr,ar,en}.md     name, summary; body = the description
    products/<slug>/<slug>-<k>.jpg    hard links to CATALOG_DIR/images (copies if that fails)

The product folder name is the catalogue slug, which is also the URL segment, as in the Hugo
site (/products/<slug>/, /ar/products/<slug>/, /en/products/<slug>/); no `slug:` is written.
The catalogue has no summary: it is the description's first sentence, or its first ~140
characters cut at a word when that sentence is longer.

Images: souk is asked for the variants the Hugo site makes (800 px and 400 px WebP q75, no
JPEG fallback, no AVIF, no social image):

    images:
      widths: [400, 800]
      formats: [webp]
      quality: { webp: 75 }
      social: false

--no-image-config leaves that block out (for a souk that does not know the key yet; it then
makes its default variants). --no-images drops product photos from the site.

Python standard library only; plain file writes, no subprocesses (it converts 100,000 products).
"""
import argparse
import json
import os
import re
import shutil
import sys
import time

LANGS = ["fr", "ar", "en"]
LANG_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
LOCALES = {"fr": "fr-MA", "ar": "ar-MA", "en": "en"}  # as the Hugo site's locales
SITE_TITLE = {  # the Hugo site's per-language titles
    "fr": "Souk – boutique marocaine",
    "ar": "السوق – متجر مغربي",
    "en": "Souk – Moroccan store",
}

IMAGE_CONFIG = """images:
  widths: [400, 800]
  formats: [webp]
  quality: { webp: 75 }
  social: false
"""

SUMMARY_MAX = 140


def q(s):
    """A YAML double-quoted scalar: a JSON string is one (YAML 1.2 is a superset of JSON)."""
    return json.dumps(s, ensure_ascii=False)


def localized(d):
    return "{ " + ", ".join(f"{lg}: {q(d[lg])}" for lg in LANGS) + " }"


def money(x):
    """A float price in MAD (half-dirham steps) as exact decimal text with two decimals."""
    return f"{x:.2f}"


_MD_INLINE = re.compile(r"\*\*|__|`")
_SENTENCE_END = re.compile(r"[.!?؟。](?=\s|$)")


def summary_of(description):
    """The first sentence of the description's first paragraph, or ~140 characters of it."""
    para = ""
    for block in description.split("\n\n"):
        block = block.strip()
        if block and not block.startswith(("#", "- ", "* ", "|", ">")):
            para = block
            break
    text = " ".join(_MD_INLINE.sub("", para).split())
    m = _SENTENCE_END.search(text)
    if m and m.end() <= SUMMARY_MAX + 20:
        return text[:m.end()]
    if len(text) <= SUMMARY_MAX:
        return text
    cut = text.rfind(" ", 0, SUMMARY_MAX)
    return text[:cut if cut > 0 else SUMMARY_MAX].rstrip(" ,;:،") + "…"


def write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def doc(front, body=""):
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in front) + "---\n" + body


def souk_yaml(cat, page_size, image_config, printed=False):
    langs = "".join(
        f"  - {{ code: {lg}, name: {q(LANG_NAMES.get(lg, lg))}, locale: {LOCALES.get(lg, lg)} }}\n"
        for lg in LANGS)
    return (
        "# Written by bench/souk-adapter.py from a gen_catalog.py catalogue: do not edit.\n"
        "base_url: https://souk.example/\n"
        f"languages:\n{langs}"
        f"currency: {cat.get('currency', 'MAD')}\n"
        "cooperative:\n"
        f"  name: {localized(SITE_TITLE)}\n"
        "contact:\n"
        '  whatsapp: "+212600000000"\n'
        "  email: contact@souk.example\n"
        "  country: MA\n"
        "theme: default\n"
        f"items_per_page: {page_size}\n"
        "featured_count: 24\n"  # the Hugo home page lists 24 products
        # The printed catalogue and labels have no counterpart in the Hugo site: off unless
        # --print asks to measure them (at 2,000 products they add about 2.7 s to 1.5 s).
        + ("" if printed else "print: { catalogue: false, labels: false }\n")
        + (IMAGE_CONFIG if image_config else "")
    )


def link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("catalog_dir")
    ap.add_argument("site_dir")
    ap.add_argument("--no-images", action="store_true", help="drop product photos from the site")
    ap.add_argument("--no-image-config", action="store_true",
                    help="leave the `images:` block out of souk.yaml")
    ap.add_argument("--print", action="store_true", dest="printed",
                    help="keep the printable catalogue and labels (off by default: Hugo has none)")
    ap.add_argument("--page-size", type=int, default=48)
    a = ap.parse_args()
    started = time.monotonic()

    with open(os.path.join(a.catalog_dir, "catalog.json"), encoding="utf-8") as fh:
        cat = json.load(fh)
    if cat.get("languages", LANGS) != LANGS:
        sys.exit(f"expected languages {LANGS}, the catalogue has {cat.get('languages')}")
    site = a.site_dir
    if os.path.exists(site):
        shutil.rmtree(site)
    os.makedirs(site)
    write(os.path.join(site, "souk.yaml"), souk_yaml(cat, a.page_size, not a.no_image_config, a.printed))

    home = os.path.join(site, "home")
    os.mkdir(home)
    for lg in LANGS:
        write(os.path.join(home, f"{lg}.md"), doc([("title", q(SITE_TITLE[lg]))]))

    categories = os.path.join(site, "categories")
    os.mkdir(categories)
    for c in cat["categories"]:
        d = os.path.join(categories, c["slug"])
        os.mkdir(d)
        for lg in LANGS:
            write(os.path.join(d, f"{lg}.md"), doc([("name", q(c["name"][lg]))]))

    products = os.path.join(site, "products")
    os.mkdir(products)
    images_dir = os.path.abspath(a.catalog_dir)
    n_img = 0
    for p in cat["products"]:
        d = os.path.join(products, p["slug"])
        os.mkdir(d)
        images = [] if a.no_images else p["images"]
        lines = [
            f"sku: {q(p['sku'])}\n",
            f"category: {p['category']}\n",
            f'price: "{money(p["price"])}"\n',
        ]
        if p.get("compare_at") is not None and p["compare_at"] > p["price"]:
            lines.append(f'compare_at_price: "{money(p["compare_at"])}"\n')
        lines.append(f"stock: {int(p['stock'])}\n")
        lines.append(f"date: {p['date'][:10]}\n")
        if p["tags"]:
            lines.append("tags: [" + ", ".join(q(t) for t in p["tags"]) + "]\n")
        if images:
            lines.append("images:\n")
            for im in images:
                name = os.path.basename(im["file"])
                link_or_copy(os.path.join(images_dir, im["file"]), os.path.join(d, name))
                lines.append(f"  - file: {name}\n    alt: {localized(im['alt'])}\n")
                n_img += 1
        write(os.path.join(d, "product.yaml"), "".join(lines))
        for lg in LANGS:
            desc = p["description"][lg]
            summary = p.get("summary", {}).get(lg) if isinstance(p.get("summary"), dict) else None
            front = [("name", q(p["name"][lg])), ("summary", q(summary or summary_of(desc)))]
            write(os.path.join(d, f"{lg}.md"), doc(front, desc))

    print(f"souk site: {len(cat['products'])} products x {len(LANGS)} languages, {n_img} images, "
          f"image settings {'omitted' if a.no_image_config else 'in souk.yaml'} -> {site} "
          f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
