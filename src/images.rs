//! Photos: each source image is decoded once, turned upright, stripped of its metadata (a phone
//! photo carries the GPS position of the member's home) and written at a few widths, into a cache
//! outside the output keyed by the photo's content and the settings. A rebuild with the same
//! photos does no image work at all.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;

/// Larger files are refused before decoding: no product photo needs more.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;
/// Decompression-bomb guard: a 100-megapixel photo is already beyond any phone's.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
const MAX_DECODE_ALLOC: u64 = 1024 * 1024 * 1024;

/// What to make of every photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSettings {
    /// Widths of the variants, ascending. A photo is never enlarged: one narrower than the
    /// largest width gets a variant at its own width instead.
    pub widths: Vec<u32>,
    pub jpeg_quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![320, 640, 960, 1440],
            jpeg_quality: 80,
        }
    }
}

/// A processed photo: its upright size, a placeholder colour and its variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    /// The average colour, `#rrggbb`, shown while the photo loads.
    pub color: String,
    /// Ascending by width.
    pub variants: Vec<Rendition>,
}

/// One file written for a photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    /// File name in the cache and under `images/` in the output.
    pub file: String,
}

/// Every photo of the site, processed, by the index of [`Site::images`].
#[derive(Debug)]
pub struct ImageSet {
    pub images: Vec<Processed>,
    /// Where the rendition files are.
    pub dir: PathBuf,
    /// How many photos were encoded in this build (the rest came from the cache).
    pub encoded: usize,
}

/// Processes every photo of `site` in parallel, reusing what `cache_dir` already has.
pub fn process(
    site: &Site,
    cache_dir: &Path,
    settings: &ImageSettings,
) -> Result<ImageSet, Diagnostics> {
    let dir = cache_dir.join("images");
    std::fs::create_dir_all(&dir).map_err(|e| {
        Diagnostic::error(
            &dir,
            format!(
                "cannot create the image cache: {}",
                crate::fs::io_reason(&e)
            ),
        )
        .hint("check that the folder is writable, or pass another `--cache-dir`")
    })?;
    let settings_key = serde_json::to_string(settings).unwrap_or_default();
    let results: Vec<Result<(Processed, bool), Diagnostic>> = site
        .images
        .par_iter()
        .map(|image| process_one(&image.path, &image.file, &dir, &settings_key, settings))
        .collect();
    let mut problems = Diagnostics::new();
    let mut images = Vec::with_capacity(results.len());
    let mut encoded = 0;
    for result in results {
        match result {
            Ok((processed, fresh)) => {
                encoded += usize::from(fresh);
                images.push(processed);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(ImageSet {
        images,
        dir,
        encoded,
    })
}

/// One photo: from the cache when its manifest is there, else decoded and encoded. The boolean
/// says whether it was encoded now.
fn process_one(
    path: &Path,
    file: &Path,
    dir: &Path,
    settings_key: &str,
    settings: &ImageSettings,
) -> Result<(Processed, bool), Diagnostic> {
    let fail = |message: String| Diagnostic::error(file, message);
    let size = std::fs::metadata(path)
        .map_err(|e| {
            fail(format!(
                "cannot read this photo: {}",
                crate::fs::io_reason(&e)
            ))
        })?
        .len();
    if size > MAX_IMAGE_BYTES {
        return Err(fail(format!(
            "this photo is {} MB, more than the {} MB souk accepts",
            size / 1_000_000,
            MAX_IMAGE_BYTES / 1_000_000
        ))
        .hint("export it at a smaller size; 2000 pixels wide is plenty for a shop"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        fail(format!(
            "cannot read this photo: {}",
            crate::fs::io_reason(&e)
        ))
    })?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(settings_key.as_bytes());
    hasher.update(&bytes);
    let key = hasher.finalize().to_hex()[..16].to_owned();
    let manifest_path = dir.join(format!("{key}.json"));
    if let Some(cached) = read_manifest(&manifest_path, dir) {
        return Ok((cached, false));
    }

    let image = decode(&bytes).map_err(|why| {
        fail(format!("this photo cannot be read: {why}"))
            .hint("open it in a photo editor and export it again as JPEG, PNG or WebP")
    })?;
    let (width, height) = (image.width(), image.height());
    let mut variants = Vec::new();
    let largest = settings.widths.iter().copied().max().unwrap_or(width);
    let mut targets: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|w| *w < width)
        .collect();
    if width <= largest {
        targets.push(width);
    }
    targets.sort_unstable();
    targets.dedup();
    // Largest first, each from the previous: far cheaper than each from the full photo.
    let mut current = image;
    let mut smallest = None;
    for &target in targets.iter().rev() {
        let target_height = ((u64::from(height) * u64::from(target) + u64::from(width) / 2)
            / u64::from(width))
        .max(1) as u32;
        if current.width() != target {
            current = current.resize_exact(target, target_height, FilterType::CatmullRom);
        }
        let rendition = Rendition {
            width: target,
            height: target_height,
            file: format!("{key}-{target}.jpg"),
        };
        write_jpeg(&current, &dir.join(&rendition.file), settings.jpeg_quality)
            .map_err(|why| fail(format!("cannot write a resized copy of this photo: {why}")))?;
        variants.push(rendition);
        smallest = Some(current.clone());
    }
    variants.reverse();
    let color = smallest
        .map(|img| average_color(&img))
        .unwrap_or_else(|| "#808080".to_owned());
    let processed = Processed {
        width,
        height,
        color,
        variants,
    };
    let manifest = serde_json::to_vec(&processed).map_err(|e| fail(e.to_string()))?;
    // The manifest is written last: its presence means every rendition is complete.
    write_atomically(&manifest_path, &manifest)
        .map_err(|why| fail(format!("cannot write to the image cache: {why}")))?;
    Ok((processed, true))
}

fn read_manifest(path: &Path, dir: &Path) -> Option<Processed> {
    let bytes = std::fs::read(path).ok()?;
    let processed: Processed = serde_json::from_slice(&bytes).ok()?;
    processed
        .variants
        .iter()
        .all(|v| dir.join(&v.file).is_file())
        .then_some(processed)
}

/// Decodes with limits against decompression bombs, applying the EXIF orientation so the
/// photo is upright. Metadata is not carried over: the encoders below write none.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn write_jpeg(image: &DynamicImage, path: &Path, quality: u8) -> Result<(), String> {
    // JPEG has no alpha and no 16-bit: flatten to 8-bit RGB (greyscale stays cheap as RGB).
    let rgb = image.to_rgb8();
    let mut out = Vec::with_capacity((rgb.width() * rgb.height() / 4) as usize);
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    rgb.write_with_encoder(encoder).map_err(|e| e.to_string())?;
    write_atomically(path, &out)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| crate::fs::io_reason(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| crate::fs::io_reason(&e))
}

fn average_color(image: &DynamicImage) -> String {
    let pixel = image.resize_exact(1, 1, FilterType::Triangle).to_rgb8();
    let [r, g, b] = pixel.get_pixel(0, 0).0;
    format!("#{r:02x}{g:02x}{b:02x}")
}
