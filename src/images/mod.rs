//! Photos: each source image is decoded once (shrunk while decoding where the codec can),
//! turned upright, converted to sRGB, stripped of its metadata (a phone photo carries the GPS
//! position of the member's home), and written at the site's widths in the site's formats, into
//! a cache outside the output keyed by the photo's content and the settings. A rebuild with the
//! same photos does no image work at all; entries no build uses any more are pruned.

mod decode;
mod encode;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fs::FileStamp;

pub use decode::{MAX_PIXELS, MAX_SIDE};

/// The upright size of a photo file, from its headers only (no decoding).
pub fn dimensions(path: &Path) -> Result<(u32, u32), String> {
    let bytes = std::fs::read(path).map_err(|e| crate::fs::io_reason(&e))?;
    decode::probe(&bytes).map(|probe| (probe.width, probe.height))
}

/// Larger files are refused before decoding: no product photo needs more.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The size of the picture shown when a product is shared (Open Graph, WhatsApp, Facebook).
pub const SOCIAL_WIDTH: u32 = 1200;
/// The height of the picture for sharing: with `SOCIAL_WIDTH`, the 1.91:1 shape Open Graph wants.
pub const SOCIAL_HEIGHT: u32 = 630;

/// An output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// AVIF (`avif`), encoded with rav1e: the smallest files, the slowest to make.
    Avif,
    /// WebP (`webp`), encoded with libwebp.
    Webp,
    /// JPEG (`jpeg`), encoded with libjpeg-turbo: what every browser shows.
    Jpeg,
}

impl Format {
    /// The file extension of its renditions (`jpg` for JPEG).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Avif => "avif",
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
        }
    }

    /// Its media type, for the `type` of a `<source>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Avif => "image/avif",
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
        }
    }
}

/// What to make of every photo (`images:` in `souk.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSettings {
    /// Widths of the variants, ascending. A photo is never enlarged: one narrower than the
    /// largest width gets a variant at its own width instead.
    pub widths: Vec<u32>,
    /// Most preferred first; the last is what browsers without `<picture>` support get.
    pub formats: Vec<Format>,
    /// Encoder quality per format.
    pub quality: Quality,
    /// Whether product photos get a 1200×630 picture for sharing.
    pub social: bool,
}

/// Encoder quality per format, from 1 (smallest file) to 100 (best picture).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quality {
    /// For AVIF; 50 by default.
    pub avif: u8,
    /// For WebP; 70 by default (75 looks no better on a phone and is 6 % heavier).
    pub webp: u8,
    /// For JPEG, the picture for sharing included; 80 by default.
    pub jpeg: u8,
}

impl Quality {
    /// The quality to encode `format` at.
    pub fn of(&self, format: Format) -> u8 {
        match format {
            Format::Avif => self.avif,
            Format::Webp => self.webp,
            Format::Jpeg => self.jpeg,
        }
    }
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            // A phone 412 CSS px wide at 1.75 device pixels per px (Lighthouse's phone) needs
            // 346 px for a card of the two-column grid and 721 px across the screen: 360 and 760
            // fit both without the next size up; 560 is a desktop card at 2×, 1440 a
            // half-screen photo on a large retina screen.
            widths: vec![360, 560, 760, 1440],
            formats: vec![Format::Webp, Format::Jpeg],
            quality: Quality {
                avif: 50,
                webp: 70,
                jpeg: 80,
            },
            social: true,
        }
    }
}

/// A processed photo: its upright size, a placeholder colour and its files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Processed {
    /// Upright width of the source photo, in pixels.
    pub width: u32,
    /// Upright height of the source photo, in pixels.
    pub height: u32,
    /// The average colour, `#rrggbb`, shown while the photo loads.
    pub color: String,
    /// Ascending by width, each width in every format.
    pub renditions: Vec<Rendition>,
    /// The 1200×630 (or smaller, for small photos) JPEG for sharing, when asked for.
    pub social: Option<Rendition>,
}

impl Processed {
    /// The renditions in one format, ascending by width.
    pub fn in_format(&self, format: Format) -> impl Iterator<Item = &Rendition> {
        self.renditions.iter().filter(move |r| r.format == format)
    }
}

/// One file written for a photo.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rendition {
    /// Width in pixels, for `srcset` and the `width` attribute.
    pub width: u32,
    /// Height in pixels, for the `height` attribute.
    pub height: u32,
    /// The file's format, which gives its extension and its `<source>`.
    pub format: Format,
    /// File name in the cache and under `images/` in the output.
    pub file: String,
    /// The file's size, checked before a cached or previous copy of the file is reused.
    pub bytes: u64,
}

/// Every photo, processed, in the order they were given.
#[derive(Debug)]
pub struct ImageSet {
    /// One per photo, in the order the photos were given.
    pub images: Vec<Processed>,
    /// Where the rendition files are.
    pub dir: PathBuf,
    /// How many photos were encoded in this build (the rest came from the cache).
    pub encoded: usize,
    /// Cache files deleted because no photo of the site uses them any more.
    pub pruned: usize,
}

impl ImageSet {
    /// Every file written for the photos (renditions and sharing pictures), each once: two
    /// products may share a photo. Sorted by name.
    pub fn files(&self) -> Vec<&Rendition> {
        let mut files: Vec<&Rendition> = self
            .images
            .iter()
            .flat_map(|p| p.renditions.iter().chain(&p.social))
            .collect();
        files.sort_unstable_by(|a, b| a.file.cmp(&b.file));
        files.dedup_by(|a, b| a.file == b.file);
        files
    }
}

/// One photo to process.
#[derive(Debug, Clone, Copy)]
pub struct Photo<'a> {
    /// Where to read it.
    pub path: &'a Path,
    /// How messages name it (relative to the site).
    pub file: &'a Path,
    /// Whether it also gets the 1200×630 picture for sharing.
    pub social: bool,
}

/// Processes `photos` in parallel, reusing what `cache_dir` already has, and calling
/// `progress(done, total)` as photos finish. The result is in the order of `photos`.
pub fn process(
    photos: &[Photo<'_>],
    cache_dir: &Path,
    settings: &ImageSettings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImageSet, Diagnostics> {
    let dir = cache_dir.join("images");
    crate::fs::own_folder(&dir).map_err(|e| {
        Diagnostic::system(
            &dir,
            format!(
                "cannot create the image cache: {}",
                crate::fs::io_reason(&e)
            ),
        )
        .hint("check that the folder is writable, or pass another `--cache-dir`")
    })?;
    let settings_key = serde_json::to_string(settings).unwrap_or_default();
    let stamps = SourceStamps::read(&dir);
    let total = photos.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(Processed, bool, Stamped), Diagnostic>> = photos
        .par_iter()
        .map(|photo| {
            let result = process_one(
                photo.path,
                photo.file,
                &dir,
                &stamps,
                &settings_key,
                settings,
                photo.social && settings.social,
            );
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            result
        })
        .collect();
    let mut problems = Diagnostics::new();
    let mut images = Vec::with_capacity(results.len());
    let mut encoded = 0;
    let mut seen = SourceStamps::default();
    for result in results {
        match result {
            Ok((processed, fresh, (path, stamp))) => {
                encoded += usize::from(fresh);
                images.push(processed);
                seen.0.insert(path, stamp);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    // Only a speed-up for the next build: failing to save it loses nothing.
    if seen != stamps {
        let _ = seen.write(&dir);
    }
    let pruned = prune(&dir, &images);
    Ok(ImageSet {
        images,
        dir,
        encoded,
        pruned,
    })
}

/// What the previous build learnt of each source photo: its content hash, valid as long as the
/// file's size, modification time and inode are the same. A rebuild then finds its cached
/// renditions without reading a byte of the photo (1 GB of JPEG for a thousand products), the
/// way git's index and cargo's fingerprints trust a file's stat data.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct SourceStamps(HashMap<PathBuf, Stamp>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    file: FileStamp,
    /// blake3 of the file's bytes, hex.
    hash: String,
}

/// A source photo's path and what was learnt of it.
type Stamped = (PathBuf, Stamp);

const STAMPS_FILE: &str = "sources.json";

impl SourceStamps {
    /// The previous build's stamps; none when the file is missing or unreadable.
    fn read(dir: &Path) -> SourceStamps {
        std::fs::read(dir.join(STAMPS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn write(&self, dir: &Path) -> Result<(), String> {
        let bytes = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        write_atomically(&dir.join(STAMPS_FILE), &bytes)
    }

    /// The content hash of `path` if it was stamped with the same size, time and inode.
    fn hash(&self, path: &Path, now: &FileStamp) -> Option<&str> {
        let stamp = self.0.get(path)?;
        (stamp.file == *now).then_some(stamp.hash.as_str())
    }
}

/// One photo: from the cache when its manifest is there, else decoded and encoded. The boolean
/// says whether it was encoded now.
fn process_one(
    path: &Path,
    file: &Path,
    dir: &Path,
    stamps: &SourceStamps,
    settings_key: &str,
    settings: &ImageSettings,
    social: bool,
) -> Result<(Processed, bool, Stamped), Diagnostic> {
    let fail = |message: String| Diagnostic::error(file, message);
    let cannot_read = |e: std::io::Error| {
        fail(format!(
            "cannot read this photo: {}",
            crate::fs::io_reason(&e)
        ))
    };
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    let size = meta.len();
    if size > MAX_IMAGE_BYTES {
        return Err(fail(format!(
            "this photo is {} MB, more than the {} MB souk accepts",
            size / 1_000_000,
            MAX_IMAGE_BYTES / 1_000_000
        ))
        .hint("export it at a smaller size; 2000 pixels wide is plenty for a shop"));
    }
    let file_stamp = FileStamp::of(&meta);
    let (hash, bytes) = match stamps.hash(path, &file_stamp) {
        Some(hash) => (hash.to_owned(), None),
        None => {
            let bytes = std::fs::read(path).map_err(cannot_read)?;
            (blake3::hash(&bytes).to_hex().to_string(), Some(bytes))
        }
    };
    let stamp = Stamp {
        file: file_stamp,
        hash,
    };
    let mut hasher = blake3::Hasher::new();
    hasher.update(settings_key.as_bytes());
    hasher.update(&[u8::from(social)]);
    hasher.update(stamp.hash.as_bytes());
    let stamped = (path.to_path_buf(), stamp);
    let key = hasher.finalize().to_hex()[..16].to_owned();
    let manifest_path = dir.join(format!("{key}.json"));
    if let Some(cached) = read_manifest(&manifest_path, dir, &key) {
        return Ok((cached, false, stamped));
    }
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => std::fs::read(path).map_err(cannot_read)?,
    };
    let unreadable = |why: String| {
        fail(format!("this photo cannot be used: {why}")).hint(
            "open it in a photo editor and export it again as a JPEG of at most 4000 pixels a side",
        )
    };
    let probe = decode::probe(&bytes).map_err(unreadable)?;
    let targets = target_widths(probe.width, &settings.widths);
    let largest = targets.last().copied().unwrap_or(probe.width);
    let (need_w, need_h) = if social {
        (largest.max(SOCIAL_WIDTH), SOCIAL_HEIGHT)
    } else {
        (largest, 1)
    };
    let pixels = decode::decode(
        &bytes,
        &probe,
        need_w.min(probe.width),
        need_h.min(probe.height),
    )
    .map_err(unreadable)?;
    let (width, height) = (probe.width, probe.height);

    let mut renditions = Vec::new();
    let mut written = Vec::new();
    // Largest first, each from the previous: one Lanczos pass over the big frame, then small ones.
    let mut current = None::<decode::Pixels>;
    for &target in targets.iter().rev() {
        let target_height = scaled_height(width, height, target);
        let from = current.as_ref().unwrap_or(&pixels);
        let resized = encode::resize(from, target, target_height, None)
            .map_err(|e| fail(format!("cannot resize this photo: {e}")))?;
        for &format in &settings.formats {
            let data = encode::encode(&resized, format, settings.quality.of(format))
                .map_err(|e| fail(format!("cannot encode this photo: {e}")))?;
            let name = format!("{key}-{target}.{}", format.extension());
            write_atomically(&dir.join(&name), &data)
                .map_err(|why| fail(format!("cannot write to the image cache: {why}")))?;
            renditions.push(Rendition {
                width: target,
                height: target_height,
                format,
                file: name.clone(),
                bytes: data.len() as u64,
            });
            written.push(name);
        }
        current = Some(resized);
    }
    renditions.sort_by_key(|r| (r.width, r.format));
    let color = current
        .as_ref()
        .map(encode::average_color)
        .unwrap_or_else(|| "#808080".to_owned());

    let social = if social {
        let rendition = social_picture(&pixels, &key, dir, settings.quality.jpeg)
            .map_err(|e| fail(format!("cannot make the sharing picture: {e}")))?;
        written.push(rendition.file.clone());
        Some(rendition)
    } else {
        None
    };
    let processed = Processed {
        width,
        height,
        color,
        renditions,
        social,
    };
    let manifest = serde_json::to_vec(&processed).map_err(|e| fail(e.to_string()))?;
    // The manifest is written last: its presence means every rendition is complete.
    write_atomically(&manifest_path, &manifest)
        .map_err(|why| fail(format!("cannot write to the image cache: {why}")))?;
    Ok((processed, true, stamped))
}

/// The widths to make for a photo `width` pixels wide: every configured width below it, and
/// the photo's own width when it is narrower than the largest configured one. Never enlarges.
/// A configured width within a tenth of the photo's own is left out: a file nearly the same
/// as the photo's own width would cost an encoding and a download choice for nothing.
fn target_widths(width: u32, widths: &[u32]) -> Vec<u32> {
    let largest = widths.iter().copied().max().unwrap_or(width);
    let own = width <= largest;
    let mut targets: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|&w| w < width && !(own && u64::from(w) * 10 >= u64::from(width) * 9))
        .collect();
    if own {
        targets.push(width);
    }
    targets.sort_unstable();
    targets.dedup();
    targets
}

fn scaled_height(width: u32, height: u32, target: u32) -> u32 {
    ((u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width)).max(1)
        as u32
}

/// The centre of the photo cropped to 1200:630 and resized to 1200×630 (smaller photos keep
/// their size), as a JPEG: what every social network and messenger shows.
fn social_picture(
    pixels: &decode::Pixels,
    key: &str,
    dir: &Path,
    quality: u8,
) -> Result<Rendition, String> {
    let (w, h) = (f64::from(pixels.width), f64::from(pixels.height));
    let ratio = f64::from(SOCIAL_WIDTH) / f64::from(SOCIAL_HEIGHT);
    let (crop_w, crop_h) = if w / h > ratio {
        (h * ratio, h)
    } else {
        (w, w / ratio)
    };
    let crop = ((w - crop_w) / 2.0, (h - crop_h) / 2.0, crop_w, crop_h);
    let out_w = SOCIAL_WIDTH.min(crop_w as u32).max(1);
    let out_h = ((f64::from(out_w) / ratio).round() as u32).max(1);
    let resized = encode::resize(pixels, out_w, out_h, Some(crop))?;
    let data = encode::encode(&resized, Format::Jpeg, quality)?;
    let name = format!("{key}-social.jpg");
    write_atomically(&dir.join(&name), &data)?;
    Ok(Rendition {
        width: out_w,
        height: out_h,
        format: Format::Jpeg,
        file: name,
        bytes: data.len() as u64,
    })
}

/// The cached result for the photo with cache key `key`, if its manifest is there and
/// everything in it is what souk itself writes: the cache is not trusted (a contributor can
/// commit it, CI restores it from a shared store). Every rendition must have the very name souk
/// gives it (a bare file name in the cache, never a path), be a plain file there (not a link)
/// of the recorded size, and the placeholder colour must be a colour. Anything else and the
/// entry is ignored: the photo is processed again, and its files written anew.
fn read_manifest(path: &Path, dir: &Path, key: &str) -> Option<Processed> {
    let bytes = std::fs::read(path).ok()?;
    let processed: Processed = serde_json::from_slice(&bytes).ok()?;
    let named_as_souk_names = processed
        .renditions
        .iter()
        .all(|r| r.file == format!("{key}-{}.{}", r.width, r.format.extension()))
        && processed
            .social
            .as_ref()
            .is_none_or(|r| r.file == format!("{key}-social.jpg") && r.format == Format::Jpeg);
    let whole = processed
        .renditions
        .iter()
        .chain(&processed.social)
        .all(|r| {
            std::fs::symlink_metadata(dir.join(&r.file))
                .is_ok_and(|meta| meta.is_file() && meta.len() == r.bytes)
        });
    (named_as_souk_names && whole && is_hex_color(&processed.color)).then_some(processed)
}

/// `#rrggbb`: the only placeholder colour souk writes (it goes into a `style` attribute).
pub(crate) fn is_hex_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Deletes cache files no processed photo refers to. Only names souk writes are touched.
fn prune(dir: &Path, images: &[Processed]) -> usize {
    let keep: HashSet<&str> = images
        .iter()
        .flat_map(|p| p.renditions.iter().chain(&p.social))
        .filter_map(|r| r.file.split('-').next())
        .collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut pruned = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = name.split(['-', '.']).next().unwrap_or("");
        let ours = key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if ours && !keep.contains(key) && std::fs::remove_file(entry.path()).is_ok() {
            pruned += 1;
        }
    }
    pruned
}

/// [`crate::fs::write_atomically`], its error in plain words.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::fs::write_atomically(path, bytes).map_err(|e| crate::fs::io_reason(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_never_enlarged() {
        assert_eq!(
            target_widths(2000, &[320, 640, 960, 1440]),
            [320, 640, 960, 1440]
        );
        assert_eq!(target_widths(800, &[320, 640, 960, 1440]), [320, 640, 800]);
        // 760 is within a tenth of 800: the photo's own width stands for it.
        assert_eq!(target_widths(800, &[360, 560, 760, 1440]), [360, 560, 800]);
        assert_eq!(
            target_widths(850, &[360, 560, 760, 1440]),
            [360, 560, 760, 850]
        );
        assert_eq!(target_widths(200, &[320, 640]), [200]);
        assert_eq!(target_widths(640, &[320, 640]), [320, 640]);
    }
}
