//! Decoding a photo once, at the smallest size that still serves the largest variant: JPEG
//! through libjpeg-turbo with DCT scaling (1/8 to 1/1), everything else through the `image`
//! crate. The result is upright (EXIF orientation applied) and in sRGB (embedded colour profile
//! applied), with no metadata.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, metadata::Orientation};

/// Decompression-bomb guard: no side longer than this, no more pixels than `MAX_PIXELS`.
pub const MAX_SIDE: u32 = 20_000;
/// The most pixels a photo may have (100 megapixels), checked from its headers.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Decoded pixels, 8 bits per channel, RGB or RGBA.
pub(crate) struct Pixels {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) alpha: bool,
    pub(crate) data: Vec<u8>,
}

/// What a photo is, from its headers alone.
pub(crate) struct Probe {
    /// Upright size, after the EXIF orientation.
    pub(crate) width: u32,
    pub(crate) height: u32,
    orientation: Orientation,
    jpeg: bool,
}

/// Reads the headers: size, orientation and format. Refuses sizes past the limits before any
/// pixel is decoded.
pub(crate) fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let jpeg = reader.format() == Some(image::ImageFormat::Jpeg);
    let Some(_) = reader.format() else {
        return Err("this is not a JPEG, PNG or WebP image".to_owned());
    };
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if rotates(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Probe {
        width,
        height,
        orientation,
        jpeg,
    })
}

/// Decodes the photo so that its upright width is at least `min_width` (and its height at least
/// `min_height`) where the codec can shrink while decoding, or at full size otherwise.
pub(crate) fn decode(
    bytes: &[u8],
    probe: &Probe,
    min_width: u32,
    min_height: u32,
) -> Result<Pixels, String> {
    if probe.jpeg && !ends_its_last_scan(bytes) {
        // libjpeg-turbo would paint the missing part grey and carry on: a half-uploaded photo
        // must not reach the shop.
        return Err("the file is truncated: it ends before the end of the picture".to_owned());
    }
    let pixels = if probe.jpeg {
        match decode_jpeg_scaled(bytes, probe, min_width, min_height) {
            Ok(pixels) => pixels,
            // CMYK and other JPEGs libjpeg-turbo cannot turn into RGB: the slower general path.
            Err(_) => decode_general(bytes)?,
        }
    } else {
        decode_general(bytes)?
    };
    Ok(orient(pixels, probe.orientation))
}

fn decode_jpeg_scaled(
    bytes: &[u8],
    probe: &Probe,
    min_width: u32,
    min_height: u32,
) -> Result<Pixels, String> {
    let mut decompressor = turbojpeg::Decompressor::new().map_err(|e| e.to_string())?;
    let header = decompressor.read_header(bytes).map_err(|e| e.to_string())?;
    if matches!(
        header.colorspace,
        turbojpeg::Colorspace::CMYK | turbojpeg::Colorspace::YCCK
    ) {
        return Err("CMYK".to_owned());
    }
    // The scale is chosen on the upright size; the stored frame may be rotated.
    let (need_w, need_h) = if rotates(probe.orientation) {
        (min_height, min_width)
    } else {
        (min_width, min_height)
    };
    let mut factors = turbojpeg::Decompressor::supported_scaling_factors();
    factors.sort_by(|a, b| (a.num() * b.denom()).cmp(&(b.num() * a.denom())));
    let factor = factors
        .into_iter()
        .filter(|f| f.num() <= f.denom())
        .find(|f| {
            f.scale(header.width) >= need_w as usize && f.scale(header.height) >= need_h as usize
        })
        .unwrap_or(turbojpeg::ScalingFactor::ONE);
    decompressor
        .set_scaling_factor(factor)
        .map_err(|e| e.to_string())?;
    let scaled = header.scaled(factor);
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; scaled.width * scaled.height * 3],
        width: scaled.width,
        pitch: scaled.width * 3,
        height: scaled.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    decompressor
        .decompress(bytes, image.as_deref_mut())
        .map_err(|e| e.to_string())?;
    let mut pixels = Pixels {
        width: scaled.width as u32,
        height: scaled.height as u32,
        alpha: false,
        data: image.pixels,
    };
    if let Some(profile) = icc_profile(bytes) {
        to_srgb(&mut pixels, &profile);
    }
    Ok(pixels)
}

fn decode_general(bytes: &[u8]) -> Result<Pixels, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let profile = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(describe)?;
    // 16-bit, greyscale and palette images all become 8-bit RGB(A).
    let mut pixels = if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        Pixels {
            width: rgba.width(),
            height: rgba.height(),
            alpha: true,
            data: rgba.into_raw(),
        }
    } else {
        let rgb = image.into_rgb8();
        Pixels {
            width: rgb.width(),
            height: rgb.height(),
            alpha: false,
            data: rgb.into_raw(),
        }
    };
    if let Some(profile) = profile {
        to_srgb(&mut pixels, &profile);
    }
    Ok(pixels)
}

fn icc_profile(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes)).ok()?;
    decoder.icc_profile().ok().flatten()
}

/// Converts pixels described by an ICC profile (Display P3 from phones, Adobe RGB from cameras)
/// to sRGB, which is what browsers assume for untagged images. Grey and unusable profiles are
/// left alone.
fn to_srgb(pixels: &mut Pixels, profile: &[u8]) {
    let Some(input) = qcms::Profile::new_from_slice(profile, false) else {
        return;
    };
    if input.is_sRGB() {
        return;
    }
    let output = qcms::Profile::new_sRGB();
    let kind = if pixels.alpha {
        qcms::DataType::RGBA8
    } else {
        qcms::DataType::RGB8
    };
    if let Some(transform) = qcms::Transform::new(&input, &output, kind, qcms::Intent::Perceptual) {
        transform.apply(&mut pixels.data);
    }
}

fn orient(pixels: Pixels, orientation: Orientation) -> Pixels {
    if orientation == Orientation::NoTransforms {
        return pixels;
    }
    let Pixels {
        width,
        height,
        alpha,
        data,
    } = pixels;
    let mut image = if alpha {
        image::RgbaImage::from_raw(width, height, data).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, data).map(DynamicImage::ImageRgb8)
    };
    if let Some(image) = image.as_mut() {
        image.apply_orientation(orientation);
    }
    match image {
        Some(DynamicImage::ImageRgba8(rgba)) => Pixels {
            width: rgba.width(),
            height: rgba.height(),
            alpha: true,
            data: rgba.into_raw(),
        },
        Some(other) => {
            let rgb = other.into_rgb8();
            Pixels {
                width: rgb.width(),
                height: rgb.height(),
                alpha: false,
                data: rgb.into_raw(),
            }
        }
        // The buffer always matches its size: decoders above made it so.
        None => Pixels {
            width: 0,
            height: 0,
            alpha,
            data: Vec::new(),
        },
    }
}

/// Whether the JPEG's last scan (the last SOS marker) is followed by an end-of-image marker.
/// Data after the end marker (Samsung phones append some) is fine; a file cut short is not.
/// Entropy-coded data cannot contain these markers (0xFF is stuffed as 0xFF00).
fn ends_its_last_scan(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

fn rotates(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err("the image has no pixels".to_owned());
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "the image is {width}×{height} pixels, more than souk accepts ({MAX_SIDE} pixels a side, {} megapixels)",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn describe(error: image::ImageError) -> String {
    match error {
        image::ImageError::Limits(_) => "the image is larger than souk accepts".to_owned(),
        image::ImageError::Unsupported(e) => format!("this image format is not supported ({e})"),
        image::ImageError::Decoding(e) => format!("the file is damaged or truncated ({e})"),
        other => other.to_string(),
    }
}
