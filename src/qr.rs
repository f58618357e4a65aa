//! QR codes as inline SVG, for what is printed: the `fast_qr` crate encodes, this module only
//! draws. (`qrcode` was tried first: its choice of mask took half of a 2,000-product build.) Black on white whatever the theme's colours (scanners want contrast), error
//! correction level M (a code still reads with 15 % of it smudged or under a price sticker),
//! and the four-module quiet zone the standard asks for, inside the drawing so no stylesheet
//! can take it away.

use fast_qr::{ECL, QRBuilder};

use crate::html::escape;

/// The modules of white around the code, as ISO/IEC 18004 asks.
const QUIET_ZONE: usize = 4;

/// An `<svg>` of the QR code of `data`, named `label` for screen readers; `None` when `data`
/// is too long for any QR code (about 2,300 bytes at level M).
pub(crate) fn svg(data: &str, label: &str) -> Option<String> {
    use std::fmt::Write;
    let code = QRBuilder::new(data.as_bytes()).ecl(ECL::M).build().ok()?;
    let width = code.size;
    let side = width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(width * width);
    // One rectangle per horizontal run of dark modules: a tenth of the size of a square each.
    for (y, row) in code.data[..width * width].chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x].value() {
                let run = row[x..].iter().take_while(|m| m.value()).count();
                // Writing into a String cannot fail.
                let _ = write!(
                    path,
                    "M{} {}h{run}v1h-{run}z",
                    x + QUIET_ZONE,
                    y + QUIET_ZONE
                );
                x += run;
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        escape(label)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_keeps_its_quiet_zone_and_its_colours() {
        let svg = svg("https://tifawin.example/products/saffron/", "QR <code>").unwrap();
        // 29 modules for this length at level M (version 3), and 4 white on each side.
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
        assert!(svg.contains("fill=\"#fff\"") && svg.contains("fill=\"#000\""));
        assert!(svg.contains("aria-label=\"QR &lt;code&gt;\""));
        // The finder pattern's top row: seven dark modules from the corner of the code.
        assert!(svg.contains("M4 4h7v1h-7z"), "{svg}");
    }

    #[test]
    fn data_too_long_for_a_qr_code_gives_none() {
        assert!(svg(&"x".repeat(5000), "").is_none());
    }
}
