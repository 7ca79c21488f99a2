//! The shared golden vectors through the WASM binding, run in Node by `wasm-bindgen-test-runner`
//! (`make wasm-test`): every vector's outcome and error code as recorded in index.json, and the
//! journal vector's records and findings.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_wasm::{Receipt, TrustStore, verify_journal};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const INDEX: &str = include_str!("../../core/tests/vectors/index.json");
const PKI: &str = "../../core/tests/fixtures/pki/";

macro_rules! vectors {
    ($($f:literal),* $(,)?) => {
        &[$(($f, include_bytes!(concat!("../../core/tests/vectors/", $f)))),*]
    };
}

const VECTORS: &[(&str, &[u8])] = vectors![
    "attachment-swapped.der",
    "completion.der",
    "copy.der",
    "critical-extension.der",
    "day-close.der",
    "expired-at-signing.der",
    "expired-now.der",
    "high-s.der",
    "key-rotation.der",
    "no-eku.der",
    "not-yet-valid.der",
    "oversize.der",
    "preauth.der",
    "recovery.der",
    "refund.der",
    "resign.der",
    "revoked-after.der",
    "revoked-before.der",
    "sale-noncritical-extension.der",
    "sale-pending.der",
    "sale-pin.der",
    "sale-signature-stripped.der",
    "sale-signature.der",
    "tampered-amount.der",
    "trailing-byte.der",
    "truncated.der",
    "unknown-signer.der",
    "unsigned.der",
    "version-2.der",
    "void.der",
    "wrong-v.der",
];

const JOURNAL: &[u8] = include_bytes!("../../core/tests/vectors/journal-day.bin");

fn store() -> TrustStore {
    let _ = PKI;
    let root = include_bytes!("../../core/tests/fixtures/pki/root.pem");
    let bundle = [
        &include_bytes!("../../core/tests/fixtures/pki/intermediate.pem")[..],
        include_bytes!("../../core/tests/fixtures/pki/term-ok.pem"),
        include_bytes!("../../core/tests/fixtures/pki/term-ok2.pem"),
        include_bytes!("../../core/tests/fixtures/pki/term-expired.pem"),
        include_bytes!("../../core/tests/fixtures/pki/term-revoked.pem"),
        include_bytes!("../../core/tests/fixtures/pki/term-noeku.pem"),
        include_bytes!("../../core/tests/fixtures/pki/root.crl.pem"),
        include_bytes!("../../core/tests/fixtures/pki/intermediate.crl.pem"),
    ]
    .concat();
    TrustStore::new(root, Some(bundle))
        .map_err(|_| "store")
        .unwrap()
}

fn opts(at: f64) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &JsValue::from_str("at"), &JsValue::from_f64(at)).unwrap();
    o.into()
}

fn prop(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

#[wasm_bindgen_test]
fn every_golden_vector_has_its_recorded_outcome() {
    let index: serde_json::Value = serde_json::from_str(INDEX).unwrap();
    let at = index["verify_at"].as_f64().unwrap();
    let store = store();
    let listed = index["vectors"].as_array().unwrap();
    assert_eq!(
        listed.len(),
        VECTORS.len(),
        "every vector file is listed and embedded"
    );
    for v in listed {
        let file = v["file"].as_str().unwrap();
        let data = VECTORS.iter().find(|(f, _)| *f == file).unwrap().1;
        let result = Receipt::from_der(data).and_then(|r| r.verify(&store, opts(at)));
        match (v["outcome"].as_str().unwrap(), result) {
            ("invalid", Err(e)) => {
                assert!(e.is_instance_of::<js_sys::Error>(), "{file}: a real Error");
                assert_eq!(
                    prop(&e, "code").as_string().as_deref(),
                    v["code"].as_str(),
                    "{file}"
                );
            }
            (outcome, Ok(view)) => {
                let warnings = js_sys::Array::from(&prop(&view, "warnings"));
                let codes: Vec<String> = warnings
                    .iter()
                    .map(|w| prop(&w, "code").as_string().unwrap())
                    .collect();
                let expected: Vec<String> = v["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(codes, expected, "{file}");
                assert_eq!(outcome == "valid", codes.is_empty(), "{file}");
            }
            (outcome, Err(e)) => panic!("{file}: expected {outcome}, got {:?}", prop(&e, "code")),
        }
    }
}

#[wasm_bindgen_test]
fn the_journal_vector_has_its_recorded_records_and_findings() {
    let index: serde_json::Value = serde_json::from_str(INDEX).unwrap();
    let at = index["verify_at"].as_f64().unwrap();
    let j = &index["journals"][0];
    let report = verify_journal(&store(), JOURNAL, opts(at))
        .map_err(|_| "journal")
        .unwrap();
    let json = js_sys::JSON::stringify(&report)
        .unwrap()
        .as_string()
        .unwrap();
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    let records: Vec<serde_json::Value> = got["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"code": r["code"], "index": r["index"], "offset": r["offset"], "status": r["status"], "warnings": r["warnings"]}))
        .collect();
    assert_eq!(serde_json::Value::Array(records), j["records"]);
    assert_eq!(got["findings"], j["findings"]);
    assert_eq!(got["clean"], false);
}

#[wasm_bindgen_test]
fn text_and_qr_round_trips_in_wasm() {
    let data = VECTORS
        .iter()
        .find(|(f, _)| *f == "sale-signature.der")
        .unwrap()
        .1;
    let r = Receipt::from_der(data).map_err(|_| "der").unwrap();
    let text = r.to_text().map_err(|_| "text").unwrap();
    let back = Receipt::from_text(&format!(" {text}\n"))
        .map_err(|_| "from text")
        .unwrap();
    assert_eq!(back.to_text().map_err(|_| "t").unwrap(), text);
    let err = Receipt::from_text("PSR1:ab").err().unwrap();
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("invalid_text")
    );
    assert_eq!(prop(&err, "offset").as_f64(), Some(5.0));
    assert!(r.qr_svg(4).map_err(|_| "svg").unwrap().contains("<svg"));
}

#[cfg(feature = "scan")]
#[wasm_bindgen_test]
fn qr_scanning_reads_a_receipts_png() {
    let data = VECTORS
        .iter()
        .find(|(f, _)| *f == "sale-pin.der")
        .unwrap()
        .1;
    let receipt = possig::UnverifiedReceipt::from_der(data).unwrap();
    let png = possig::printable::qr::ReceiptQr::new(&receipt)
        .unwrap()
        .to_png(4)
        .unwrap();
    let text = possig_wasm::scan_qr(&png).map_err(|_| "scan").unwrap();
    assert_eq!(text, receipt.to_text().unwrap());
    let err = possig_wasm::scan_qr(b"not an image").err().unwrap();
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("qr_unreadable")
    );
}
