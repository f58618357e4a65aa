//! Photos in templates: the shape a template receives ([`ImageView`], every width of every
//! format) and the `picture()` function that writes the `<picture>` element from it.

use tera::Value;

use super::views::{ImageView, SourceView};
use crate::images::{Format, Processed, is_hex_color};
use crate::model;
use crate::urls::Urls;

/// The image shape templates get: every width of every format, and a fallback `src` close to
/// 640 px that also gives the aspect ratio.
pub(super) fn image_view(
    processed: &Processed,
    formats: &[Format],
    urls: &Urls,
    alt: String,
) -> ImageView {
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
pub(super) fn picture(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Value> {
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
