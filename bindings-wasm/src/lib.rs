//! `possig-wasm`: the browser and Node binding of possig (wasm-bindgen).
//!
//! Conversion only: every rule lives in the `possig` crate. Two modules are built from this
//! crate: the receipt API (feature `api`, the default: trust stores, receipts, journals, the
//! QR code of a receipt as SVG) and QR scanning (feature `scan`: PNG/JPEG decoding and the QR
//! reader, more than a third of a module that held both), which a viewer loads only when a
//! user gives it an image. Structured results are the crate's own `serde` views
//! (`possig::view`) converted to plain JS objects, typed by the TypeScript declarations of
//! `api`. Every failure reaches JS as a real `Error` whose `code` is the crate's
//! `Error::code()`, made by one function, [`js_error`], shared by both modules.

use possig::view::ErrorView;
use wasm_bindgen::prelude::*;

#[cfg(feature = "api")]
mod api;
#[cfg(feature = "api")]
pub use api::*;
#[cfg(feature = "scan")]
mod scan;
#[cfg(feature = "scan")]
pub use scan::*;

/// The one conversion of crate errors into JS: an `Error` with the message, `code` and the
/// structured fields that apply.
fn js_error(e: possig::Error) -> JsValue {
    let view = ErrorView::from(&e);
    let err = js_sys::Error::new(&view.message);
    err.set_name("PossigError");
    let obj: &JsValue = err.as_ref();
    let set = |k: &str, v: JsValue| {
        // Reflect.set on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(obj, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(view.code));
    set("kind", JsValue::from_str(view.kind));
    let strs = [
        ("structure", view.structure),
        ("field", view.field),
        ("limit", view.limit),
        ("reason", view.reason),
    ];
    for (k, v) in strs {
        if let Some(v) = v {
            set(k, JsValue::from_str(v));
        }
    }
    let nums = [
        ("offset", view.offset.map(|v| v as f64)),
        ("actual", view.actual.map(|v| v as f64)),
        ("depth", view.depth.map(f64::from)),
        ("revoked_at", view.revoked_at.map(|v| v as f64)),
        ("version", view.version.map(|v| v as f64)),
        ("index", view.index.map(|v| v as f64)),
    ];
    for (k, v) in nums {
        if let Some(v) = v {
            set(k, JsValue::from_f64(v));
        }
    }
    if let Some(k) = view.key_id {
        set("key_id", JsValue::from_str(&k.to_string()));
    }
    err.into()
}
