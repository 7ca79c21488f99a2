//! QR scanning: the second module, loaded on demand (image decoding and the QR reader).

use wasm_bindgen::prelude::*;

use crate::js_error;

/// The text in the one QR code of an image.
///
/// # Errors
/// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
#[wasm_bindgen(js_name = scanQr)]
pub fn scan_qr(image: &[u8]) -> Result<String, JsValue> {
    possig::printable::qr::scan(image).map_err(js_error)
}
