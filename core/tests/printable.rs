//! Printable forms: text (Base45) and QR round trips, byte for byte, over every golden vector
//! that decodes; the QR version of a typical receipt.
#![cfg(feature = "qr")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use possig::printable::qr::{ReceiptQr, scan};
use possig::{Error, UnverifiedReceipt, VerifyOptions};
use possig::{QrProblem, TextProblem};

fn vectors() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn text_round_trip_is_byte_identical_for_every_vector() {
    let mut n = 0;
    for (name, der) in vectors() {
        let Ok(r) = UnverifiedReceipt::from_der(&der) else {
            continue;
        };
        let text = r.to_text().unwrap();
        assert!(text.starts_with("PSR1:"), "{name}");
        let back = UnverifiedReceipt::from_text(&format!("\n  {text}\t\r\n")).unwrap();
        assert_eq!(
            back.to_der().unwrap(),
            r.without_attachments().to_der().unwrap(),
            "{name}"
        );
        assert_eq!(back.digest(), r.digest(), "{name}");
        if r.attachments().is_empty() {
            assert_eq!(back.to_der().unwrap(), der, "{name}");
        }
        n += 1;
    }
    assert!(n >= 25, "only {n} vectors decode");
}

#[test]
fn text_form_of_a_signed_receipt_still_verifies_and_a_changed_character_does_not() {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/sale-signature.der"
    ))
    .unwrap();
    let text = UnverifiedReceipt::from_der(&der)
        .unwrap()
        .to_text()
        .unwrap();
    let store = common::store();
    let opts = VerifyOptions::at(common::NOW);
    let v = UnverifiedReceipt::from_text(&text)
        .unwrap()
        .verify(&store, &opts)
        .unwrap();
    assert!(v.signature_strokes().is_none());
    // Change one character of the Base45 part: either the text is refused or the receipt is.
    let mut rejected = 0;
    for i in 5..text.len() {
        let mut t = text.clone().into_bytes();
        t[i] = if t[i] == b'0' { b'1' } else { b'0' };
        let t = String::from_utf8(t).unwrap();
        assert!(
            UnverifiedReceipt::from_text(&t)
                .and_then(|r| r.verify(&store, &opts))
                .is_err(),
            "{i}"
        );
        rejected += 1;
    }
    assert_eq!(rejected, text.len() - 5);
}

/// `from_bytes` reads either form: the same receipt from its DER and from its text form (with
/// leading whitespace), and a text form with a byte that is not UTF-8 is a bad character.
#[test]
fn from_bytes_reads_der_and_text() {
    for (name, der) in vectors() {
        let Ok(r) = UnverifiedReceipt::from_der(&der) else {
            continue;
        };
        let from_der = UnverifiedReceipt::from_bytes(&der).unwrap();
        assert_eq!(from_der.to_der().unwrap(), der, "{name}");
        let text = format!("\n  {}\n", r.to_text().unwrap());
        let from_text = UnverifiedReceipt::from_bytes(text.as_bytes()).unwrap();
        assert_eq!(from_text.digest(), r.digest(), "{name}");
    }
    let mut bad = b"PSR1:AB".to_vec();
    bad.push(0xff);
    assert!(matches!(
        UnverifiedReceipt::from_bytes(&bad),
        Err(Error::InvalidText { offset: 7, .. })
    ));
}

#[test]
fn text_errors_are_precise() {
    assert_eq!(
        UnverifiedReceipt::from_text("PSR9:AB").unwrap_err(),
        Error::InvalidText {
            problem: TextProblem::Prefix,
            offset: 0
        }
    );
    // Valid Base45 of bytes that are not a receipt: a decoding error of the receipt.
    assert!(matches!(
        UnverifiedReceipt::from_text("PSR1:BB8").unwrap_err(),
        Error::Malformed { .. }
    ));
}

#[test]
fn qr_round_trip_png_and_typical_version() {
    let mut versions = Vec::new();
    for name in [
        "sale-pin.der",
        "sale-signature.der",
        "refund.der",
        "day-close.der",
        "key-rotation.der",
        "resign.der",
    ] {
        let der = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/vectors")
                .join(name),
        )
        .unwrap();
        let r = UnverifiedReceipt::from_der(&der).unwrap();
        let qr = ReceiptQr::new(&r).unwrap();
        assert_eq!(qr.modules(), 17 + 4 * qr.version() as usize);
        let png = qr.to_png(4).unwrap();
        let back = UnverifiedReceipt::from_qr_image(&png).unwrap();
        assert_eq!(
            back.to_der().unwrap(),
            r.without_attachments().to_der().unwrap(),
            "{name}"
        );
        let svg = qr.to_svg(4);
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{name}");
        versions.push((name, der.len(), r.to_text().unwrap().len(), qr.version()));
    }
    // The typical receipt: a 239-byte PIN sale, 364 characters of text, version 11 at ECC M.
    assert_eq!(versions[0], ("sale-pin.der", 239, 364, 11), "{versions:?}");
    // Every kind but the key-rotation receipt (one per key, ever) stays within version 13.
    for (name, _, _, v) in &versions {
        assert!(*v <= 13 || *name == "key-rotation.der", "{versions:?}");
    }
    println!("{versions:?}");
}

#[test]
fn scan_errors_are_typed() {
    let err = |b: &[u8]| scan(b).unwrap_err();
    assert_eq!(
        err(b"not an image"),
        Error::QrUnreadable {
            problem: QrProblem::Image
        }
    );
    // A blank white PNG: no code in it.
    let mut png = Vec::new();
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(
        err(&png),
        Error::QrUnreadable {
            problem: QrProblem::NotFound
        }
    );
    // Truncated PNG.
    let qr = ReceiptQr::from_text("PSR1:BB8").unwrap();
    let good = qr.to_png(3).unwrap();
    assert_eq!(
        err(&good[..good.len() / 2]),
        Error::QrUnreadable {
            problem: QrProblem::Image
        }
    );
    // Lower case is not in the alphanumeric set.
    assert_eq!(
        ReceiptQr::from_text("PSR1:ab").err(),
        Some(Error::InvalidText {
            problem: TextProblem::Character,
            offset: 5
        })
    );
    // Far beyond version 40 at ECC M (3,391 alphanumeric characters).
    assert_eq!(
        ReceiptQr::from_text(&"A".repeat(4000)).err(),
        Some(Error::QrUnreadable {
            problem: QrProblem::TooLarge
        })
    );
}
