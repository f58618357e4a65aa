//! Resizing and encoding: SIMD Lanczos resizing, lossy WebP (libwebp), AVIF (rav1e) and JPEG
//! (libjpeg-turbo). None of the encoders writes metadata.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::Format;
use super::decode::Pixels;

/// `pixels` resized to exactly `width`×`height`, cropping to `crop` (x, y, w, h) first if given.
pub(crate) fn resize(
    pixels: &Pixels,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<Pixels, String> {
    if crop.is_none() && pixels.width == width && pixels.height == height {
        return Ok(Pixels {
            width,
            height,
            alpha: pixels.alpha,
            data: pixels.data.clone(),
        });
    }
    let kind = if pixels.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let source = ImageRef::new(pixels.width, pixels.height, &pixels.data, kind)
        .map_err(|e| e.to_string())?;
    let mut target = Image::new(width, height, kind);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if let Some((x, y, w, h)) = crop {
        options = options.crop(x, y, w, h);
    }
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        width,
        height,
        alpha: pixels.alpha,
        data: target.into_vec(),
    })
}

/// Encodes `pixels` in `format` at `quality` (1–100).
pub(crate) fn encode(pixels: &Pixels, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    match format {
        Format::Webp => {
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
            } else {
                webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
            };
            let mut config = webp::WebPConfig::new()
                .map_err(|()| "libwebp could not be configured".to_owned())?;
            config.quality = f32::from(quality);
            config.method = 4;
            encoder
                .encode_advanced(&config)
                .map(|m| m.to_vec())
                .map_err(|e| format!("WebP encoding failed: {e:?}"))
        }
        Format::Avif => {
            let encoder = ravif::Encoder::new()
                .with_quality(f32::from(quality))
                .with_speed(8)
                .with_num_threads(Some(1));
            let (w, h) = (pixels.width as usize, pixels.height as usize);
            let encoded = if pixels.alpha {
                let rgba: Vec<ravif::RGBA8> = pixels
                    .data
                    .chunks_exact(4)
                    .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
                    .collect();
                encoder.encode_rgba(ravif::Img::new(&rgba[..], w, h))
            } else {
                let rgb: Vec<ravif::RGB8> = pixels
                    .data
                    .chunks_exact(3)
                    .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
                    .collect();
                encoder.encode_rgb(ravif::Img::new(&rgb[..], w, h))
            };
            encoded
                .map(|e| e.avif_file)
                .map_err(|e| format!("AVIF encoding failed: {e}"))
        }
        Format::Jpeg => {
            let rgb = if pixels.alpha {
                flatten_on_white(pixels)
            } else {
                pixels.data.clone()
            };
            let image = turbojpeg::Image {
                pixels: &rgb[..],
                width: pixels.width as usize,
                pitch: pixels.width as usize * 3,
                height: pixels.height as usize,
                format: turbojpeg::PixelFormat::RGB,
            };
            let mut compressor = turbojpeg::Compressor::new().map_err(|e| e.to_string())?;
            compressor
                .set_quality(i32::from(quality))
                .map_err(|e| e.to_string())?;
            compressor
                .set_subsamp(turbojpeg::Subsamp::Sub2x2)
                .map_err(|e| e.to_string())?;
            compressor
                .set_progressive(true)
                .map_err(|e| e.to_string())?;
            compressor.compress_to_vec(image).map_err(|e| e.to_string())
        }
    }
}

/// JPEG has no transparency: transparent areas become white, as on the page.
fn flatten_on_white(pixels: &Pixels) -> Vec<u8> {
    pixels
        .data
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [blend(p[0]), blend(p[1]), blend(p[2])]
        })
        .collect()
}

/// The average colour of the pixels, as `#rrggbb`.
pub(crate) fn average_color(pixels: &Pixels) -> String {
    let channels = if pixels.alpha { 4 } else { 3 };
    let mut sums = [0u64; 3];
    let mut count = 0u64;
    for p in pixels.data.chunks_exact(channels) {
        for (sum, &c) in sums.iter_mut().zip(p) {
            *sum += u64::from(c);
        }
        count += 1;
    }
    let [r, g, b] = sums.map(|s| s.checked_div(count).unwrap_or(128));
    format!("#{r:02x}{g:02x}{b:02x}")
}
