//! Trust bundles: intermediates, terminal certificates and CRLs from one PEM file, sorted by
//! basicConstraints; a bundle never adds a trust anchor.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::{ChainReason, Error, TrustStore, UnverifiedReceipt, VerifyOptions};

fn bundle(names: &[&str]) -> Vec<u8> {
    names.iter().flat_map(|n| fixture(n)).collect()
}

fn sale_pin() -> UnverifiedReceipt {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/sale-pin.der"
    ))
    .unwrap();
    UnverifiedReceipt::from_der(&der).unwrap()
}

#[test]
fn a_bundle_fills_the_store_under_an_explicit_root() {
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    let added = b
        .add_bundle(&bundle(&[
            "intermediate.pem",
            "term-ok.pem",
            "root.crl.pem",
            "intermediate.crl.pem",
        ]))
        .unwrap();
    assert_eq!(added, (2, 2));
    let store = b.build().unwrap();
    assert_eq!(
        store.counts(),
        possig::TrustCounts {
            roots: 1,
            intermediates: 1,
            terminals: 1,
            crls: 2
        }
    );
    let v = sale_pin().verify(&store, &VerifyOptions::at(NOW)).unwrap();
    assert!(v.warnings().is_empty());
}

#[test]
fn a_root_in_a_bundle_is_not_an_anchor() {
    let mut b = TrustStore::builder();
    b.add_bundle(&bundle(&["root.pem", "intermediate.pem", "term-ok.pem"]))
        .unwrap();
    let store = b.build().unwrap();
    let err = sale_pin()
        .verify(&store, &VerifyOptions::at(NOW))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChainInvalid {
                reason: ChainReason::IssuerNotFound,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(matches!(
        TrustStore::builder().add_bundle(b"not pem"),
        Err(Error::Malformed { .. })
    ));
}
