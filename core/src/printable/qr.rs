//! QR codes of a receipt's text form (feature `qr`): rendering to SVG or PNG and scanning an
//! image back.
//!
//! The payload is the text form ([`crate::printable::text`]), encoded in the QR alphanumeric mode as one
//! segment, at error-correction level M (15% of the symbol may be damaged), in the smallest
//! version that holds it. A typical sale (239 bytes of DER, 364 characters) needs
//! version 11; the goal for any receipt without attachments is version 13 or less.
//!
//! Scanning uses `rqrr` (a port of quirc) on a greyscale copy of the image; exactly one QR code
//! must be found. Images above [`crate::limits::MAX_IMAGE_PIXELS`] are refused before they are
//! decoded.

use std::io::Cursor;

use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

use crate::error::{Error, Limit, QrProblem};
use crate::limits::{MAX_IMAGE_PIXELS, MAX_TEXT_FORM};
use crate::verify::receipt::UnverifiedReceipt;

/// Error-correction level of receipt QR codes: M (about 15% of codewords recoverable), the
/// usual trade-off for printed slips that get folded and scuffed.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Blank modules around the symbol: 4, the quiet zone ISO/IEC 18004 requires.
const QUIET_ZONE: u32 = 4;

/// A receipt's QR code.
pub struct ReceiptQr {
    code: QrCode,
}

impl core::fmt::Debug for ReceiptQr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReceiptQr")
            .field("version", &self.code.version())
            .field("width", &self.code.width())
            .finish()
    }
}

impl ReceiptQr {
    /// The QR code of `receipt`'s text form (attachments are left out).
    ///
    /// # Errors
    /// [`Error::QrUnreadable`] ([`QrProblem::TooLarge`]) if no QR version holds it.
    pub fn new(receipt: &UnverifiedReceipt) -> Result<Self, Error> {
        Self::from_text(&receipt.to_text()?)
    }

    /// The QR code of a text form (any string of the alphanumeric set).
    ///
    /// # Errors
    /// [`Error::InvalidText`] ([`crate::error::TextProblem::Character`]) for a character
    /// outside the alphanumeric set; [`Error::QrUnreadable`] ([`QrProblem::TooLarge`]) if no
    /// QR version holds it.
    pub fn from_text(text: &str) -> Result<Self, Error> {
        if let Some(offset) = crate::printable::text::first_non_alphanumeric(text) {
            return Err(Error::InvalidText {
                problem: crate::error::TextProblem::Character,
                offset,
            });
        }
        let too_large = Error::QrUnreadable {
            problem: QrProblem::TooLarge,
        };
        for v in 1..=40 {
            let mut bits = Bits::new(Version::Normal(v));
            if bits.push_alphanumeric_data(text.as_bytes()).is_err()
                || bits.push_terminator(EC_LEVEL).is_err()
            {
                continue;
            }
            return QrCode::with_bits(bits, EC_LEVEL)
                .map(|code| ReceiptQr { code })
                .map_err(|_| too_large);
        }
        Err(too_large)
    }

    /// The QR version (1–40); the symbol is 17 + 4 × version modules wide.
    pub fn version(&self) -> u8 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => u8::try_from(v).unwrap_or(0),
        }
    }

    /// Modules per side, quiet zone excluded.
    pub fn modules(&self) -> usize {
        self.code.width()
    }

    /// An SVG document, `module_px` user units per module, quiet zone included.
    pub fn to_svg(&self, module_px: u32) -> String {
        self.code
            .render::<qrcode::render::svg::Color<'_>>()
            .module_dimensions(module_px, module_px)
            .quiet_zone(true)
            .build()
    }

    /// A greyscale PNG, `module_px` pixels per module (at least 1), quiet zone included.
    ///
    /// # Errors
    /// [`Error::QrUnreadable`] ([`QrProblem::Image`]) if PNG encoding fails.
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, Error> {
        let scale = module_px.max(1);
        let n = u32::try_from(self.modules()).unwrap_or(0);
        let side = (n + 2 * QUIET_ZONE) * scale;
        let colors = self.code.to_colors();
        let img = image::GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= QUIET_ZONE
                && my >= QUIET_ZONE
                && mx < QUIET_ZONE + n
                && my < QUIET_ZONE + n
                && colors
                    .get(((my - QUIET_ZONE) * n + (mx - QUIET_ZONE)) as usize)
                    .is_some_and(|c| *c == qrcode::Color::Dark);
            image::Luma([if dark { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|_| Error::QrUnreadable {
                problem: QrProblem::Image,
            })?;
        Ok(out)
    }
}

/// Finds the one QR code in an image (PNG or JPEG bytes) and returns its text.
///
/// # Errors
/// [`Error::LimitExceeded`] ([`Limit::ImagePixels`]) for an image above
/// [`MAX_IMAGE_PIXELS`]; [`Error::QrUnreadable`] when the image does not decode, holds no QR
/// code or several, or the code cannot be read; [`Error::LimitExceeded`] ([`Limit::TextForm`])
/// for a payload longer than any text form.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "image dimensions are bounded by MAX_IMAGE_PIXELS, far below u32::MAX"
)]
pub fn scan(image_bytes: &[u8]) -> Result<String, Error> {
    let fail = |problem| Error::QrUnreadable { problem };
    let reader = image::ImageReader::new(Cursor::new(image_bytes))
        .with_guessed_format()
        .map_err(|_| fail(QrProblem::Image))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| fail(QrProblem::Image))?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_IMAGE_PIXELS {
        return Err(Error::limit(
            Limit::ImagePixels,
            usize::try_from(pixels).unwrap_or(usize::MAX),
        ));
    }
    let mut reader = image::ImageReader::new(Cursor::new(image_bytes))
        .with_guessed_format()
        .map_err(|_| fail(QrProblem::Image))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    reader.limits(limits);
    let grey = reader
        .decode()
        .map_err(|_| fail(QrProblem::Image))?
        .into_luma8();
    // rqrr is a port of C code; a panic inside it on a hostile image must not take the host
    // process down: it becomes an "unreadable" error.
    let found = std::panic::catch_unwind(move || {
        let (w, h) = (grey.width() as usize, grey.height() as usize);
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            grey.get_pixel(x as u32, y as u32).0[0]
        });
        let grids = prepared.detect_grids();
        match grids.as_slice() {
            [] => Err(QrProblem::NotFound),
            [one] => one
                .decode()
                .map(|(_, text)| text)
                .map_err(|_| QrProblem::Unreadable),
            _ => Err(QrProblem::Several),
        }
    })
    .map_err(|_| fail(QrProblem::Unreadable))?
    .map_err(fail)?;
    if found.len() > MAX_TEXT_FORM {
        return Err(Error::limit(Limit::TextForm, found.len()));
    }
    Ok(found)
}

impl UnverifiedReceipt {
    /// Reads a receipt from an image of its QR code ([`scan`], then
    /// [`UnverifiedReceipt::from_text`]). Nothing is verified.
    ///
    /// # Errors
    /// Those of [`scan`] and [`UnverifiedReceipt::from_text`].
    pub fn from_qr_image(image_bytes: &[u8]) -> Result<Self, Error> {
        Self::from_text(&scan(image_bytes)?)
    }
}
