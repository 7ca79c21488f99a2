//! Exhaustive tamper test: every single-bit flip and every truncation of valid receipts is
//! rejected with a typed error, never accepted, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::{CardholderVerification as Cvm, Error, UnverifiedReceipt, VerifyOptions};

fn check_all_mutations(der: &[u8]) -> usize {
    let store = store();
    let opts = VerifyOptions::at(NOW);
    UnverifiedReceipt::from_der(der)
        .unwrap()
        .verify(&store, &opts)
        .unwrap();
    let mut n = 0;
    for i in 0..der.len() * 8 {
        let mut m = der.to_vec();
        m[i / 8] ^= 1 << (i % 8);
        let r = UnverifiedReceipt::from_der(&m).and_then(|r| r.verify(&store, &opts));
        let e: Error = r
            .err()
            .unwrap_or_else(|| panic!("bit {i} flipped and still accepted"));
        assert!(Error::ALL_CODES.contains(&e.code()));
        n += 1;
    }
    for len in 0..der.len() {
        let r = UnverifiedReceipt::from_der(&der[..len]);
        assert!(
            matches!(r, Err(Error::Malformed { .. })),
            "truncation to {len} bytes: {r:?}"
        );
        n += 1;
    }
    n
}

#[test]
fn every_bit_flip_and_truncation_is_rejected_plain_receipt() {
    let mut c = Chain::new(key("term-ok"), "M-1", "T-OK");
    c.sale(Cvm::Pin, 1, T0);
    let r = c.sale(Cvm::Pin, 1999, T0 + 1);
    assert!(check_all_mutations(&r.to_der().unwrap()) > 2000);
}

#[test]
fn every_bit_flip_and_truncation_is_rejected_with_attachment() {
    let mut c = Chain::new(key("term-ok"), "M-1", "T-OK");
    let r = c.sale(Cvm::Signature, 1999, T0);
    assert!(!r.attachments().is_empty());
    check_all_mutations(&r.to_der().unwrap());
}

#[test]
fn every_bit_flip_and_truncation_is_rejected_day_close() {
    let mut t = possig::Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    t.sign(sale(&t, T0, 5)).unwrap();
    let close = t.close_day(T0 + 1).unwrap();
    check_all_mutations(&close.to_der().unwrap());
}
