//! The receipt API: the main module.

use possig::journal::JournalOptions;
use possig::view::{JournalView, ReceiptView, VerifiedView};

use crate::js_error;
use possig::{UnverifiedReceipt, VerifyOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The views' types are generated from the Rust view types (`views.d.ts`, from
/// `docs/schema/views.schema.json`; `make wasm-test` checks it is current); what is declared here
/// is this module's own: its options, its trust-store counts and its error.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type { ReceiptView, VerifiedView, JournalView } from "./views.js";
export type * from "./views.js";
/** The verification time (Unix seconds) and the clock skew allowed (default 300 s). */
export interface VerifyOptions { at: number; maxClockSkew?: number; }
/** What a trust store holds. */
export interface TrustCounts { roots: number; intermediates: number; terminals: number; crls: number; }
/** Every error thrown by this module for bad data: `code` is stable, `kind` its family. */
export interface PossigError extends Error {
  code: string; kind: string; structure?: string; offset?: number; field?: string; limit?: string;
  actual?: number; depth?: number; reason?: string; revoked_at?: number; key_id?: string;
  version?: number; index?: number;
}
"#;

/// A plain JS object (maps as objects, numbers as numbers) from a crate view.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// `{ at, maxClockSkew? }` (Unix seconds) into the crate's options. A caller's mistake is not
/// a data error: a missing or non-number value throws a `TypeError`, a number that is not whole
/// seconds in `[0, 2^53 − 1]` a `RangeError`, each naming the argument.
fn verify_options(options: &JsValue) -> Result<VerifyOptions, JsValue> {
    if !options.is_object() {
        return Err(
            js_sys::TypeError::new("options must be an object { at, maxClockSkew? }").into(),
        );
    }
    let get = |k: &str| js_sys::Reflect::get(options, &JsValue::from_str(k)).ok();
    let at = get("at").unwrap_or(JsValue::UNDEFINED);
    let mut opts = VerifyOptions::at(seconds("options.at", &at)?);
    if let Some(skew) = get("maxClockSkew").filter(|v| !v.is_undefined() && !v.is_null()) {
        opts = opts.with_max_clock_skew(seconds("options.maxClockSkew", &skew)?);
    }
    Ok(opts)
}

/// Unix seconds from a JS number: finite, whole, 0 ≤ t ≤ 2^53 − 1.
fn seconds(name: &str, value: &JsValue) -> Result<u64, JsValue> {
    let Some(t) = value.as_f64() else {
        return Err(js_sys::TypeError::new(&format!(
            "{name} must be a number of seconds, not {}",
            value.js_typeof().as_string().unwrap_or_default()
        ))
        .into());
    };
    if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t <= 9_007_199_254_740_991.0 {
        Ok(t as u64)
    } else {
        Err(js_sys::RangeError::new(&format!(
            "{name} must be whole seconds from 0 to 2^53 - 1, not {t}"
        ))
        .into())
    }
}

/// Every error code of the crate.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    possig::Error::ALL_CODES
        .iter()
        .map(|c| (*c).to_string())
        .collect()
}

/// A trust store: a root (the trust anchor, PEM or DER) and optionally a PEM bundle of
/// intermediate CAs, terminal certificates and CRLs.
#[wasm_bindgen]
#[derive(Debug)]
pub struct TrustStore {
    inner: possig::TrustStore,
}

#[wasm_bindgen]
impl TrustStore {
    /// Builds the store; the bundle cannot add trust anchors.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(constructor)]
    pub fn new(root: &[u8], bundle: Option<Vec<u8>>) -> Result<TrustStore, JsValue> {
        let mut b = possig::TrustStore::builder();
        b.add_root(root).map_err(js_error)?;
        if let Some(bundle) = bundle {
            b.add_bundle(&bundle).map_err(js_error)?;
        }
        Ok(TrustStore {
            inner: b.build().map_err(js_error)?,
        })
    }

    /// How many roots, intermediate CAs, terminal certificates and CRLs the store holds.
    ///
    /// # Errors
    /// Never in practice (a JS `Error` if the object cannot be made).
    #[wasm_bindgen(unchecked_return_type = "TrustCounts")]
    pub fn counts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.counts())
    }
}

/// A decoded receipt: nothing in it is trusted before `verify`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Receipt {
    inner: UnverifiedReceipt,
}

#[wasm_bindgen]
impl Receipt {
    /// Strict DER decoding.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = fromDer)]
    pub fn from_der(data: &[u8]) -> Result<Receipt, JsValue> {
        UnverifiedReceipt::from_der(data)
            .map(|inner| Receipt { inner })
            .map_err(js_error)
    }

    /// The text form (`PSR1:` and Base45), surrounding whitespace allowed.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<Receipt, JsValue> {
        UnverifiedReceipt::from_text(text)
            .map(|inner| Receipt { inner })
            .map_err(js_error)
    }

    /// DER encoding.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = toDer)]
    pub fn to_der(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.to_der().map_err(js_error)
    }

    /// The text form (without attachments).
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = toText)]
    pub fn to_text(&self) -> Result<String, JsValue> {
        self.inner.to_text().map_err(js_error)
    }

    /// The QR code of the text form as an SVG document.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = qrSvg)]
    pub fn qr_svg(&self, module_px: u32) -> Result<String, JsValue> {
        Ok(possig::printable::qr::ReceiptQr::new(&self.inner)
            .map_err(js_error)?
            .to_svg(module_px))
    }

    /// The content as decoded: UNVERIFIED.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(js_name = unverifiedView, unchecked_return_type = "ReceiptView")]
    pub fn unverified_view(&self) -> Result<JsValue, JsValue> {
        to_js(&ReceiptView::from(&self.inner))
    }

    /// Verifies as of `options.at` (Unix seconds; `maxClockSkew` optional, default 300 s);
    /// throws a PossigError when not genuine.
    ///
    /// # Errors
    /// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
    #[wasm_bindgen(unchecked_return_type = "VerifiedView")]
    pub fn verify(
        &self,
        store: &TrustStore,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts = verify_options(&options)?;
        let v = self.inner.verify(&store.inner, &opts).map_err(js_error)?;
        to_js(&VerifiedView::from(&v))
    }
}

/// Verifies a journal (concatenated receipts) as of `options.at`: every record and the chains.
///
/// # Errors
/// A `PossigError` (a JS `Error` whose `code` is the crate's error code).
#[wasm_bindgen(js_name = verifyJournal, unchecked_return_type = "JournalView")]
pub fn verify_journal(
    store: &TrustStore,
    data: &[u8],
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = JournalOptions::new(verify_options(&options)?);
    let mut out = JournalView::default();
    let summary = possig::journal::verify_journal(data, &store.inner, &opts, |e| out.push(e))
        .map_err(|e| js_error(possig::Error::from(e)))?;
    to_js(&out.finish(summary))
}

/// What a loaded file is: `"text"` (a `PSR1:` text form), `"image"` (PNG or JPEG), `"receipt"`
/// (one DER receipt), `"journal"` (several DER records) or `"unknown"`.
#[wasm_bindgen(js_name = classify)]
pub fn classify(data: &[u8]) -> String {
    possig::printable::classify(data).code().to_string()
}
