//! The single-receipt path's precomputed key tables (built on a key's second verification by
//! a trust store) change the speed of `UnverifiedReceipt::verify`, never its verdict: valid
//! receipts, every kind of signature fault, several keys, and every golden vector, verified
//! cold (no table: Jacobian coordinates, odd digits), on the use that builds the table, and
//! with the table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::{TrustStore, UnverifiedReceipt, VerifyOptions};

fn verify_with(store: &TrustStore, der: &[u8]) -> Result<possig::VerifiedReceipt, possig::Error> {
    UnverifiedReceipt::from_der(der)?.verify(store, &VerifyOptions::at(NOW))
}

/// What a verification result says, in comparable form.
type Verdict = Result<
    (
        possig::Digest,
        Vec<possig::Warning>,
        Vec<possig::CertificateInfo>,
    ),
    possig::Error,
>;

fn verdict(r: Result<possig::VerifiedReceipt, possig::Error>) -> Verdict {
    r.map(|v| (v.digest(), v.warnings().to_vec(), v.path().to_vec()))
}

/// Each record three times against one store, and once against a fresh store: four equal
/// results.
fn assert_warm_equals_cold(records: &[Vec<u8>]) {
    let warm = store();
    for (i, der) in records.iter().enumerate() {
        let cold = verdict(verify_now(der));
        for round in 0..3 {
            assert_eq!(
                verdict(verify_with(&warm, der)),
                cold,
                "record {i}, round {round}"
            );
        }
    }
}

#[test]
fn tables_are_built_on_the_second_use_of_a_key() {
    let warm = store();
    let ok = receipts(3, &["term-ok"]);
    let ok2 = receipts(1, &["term-ok2"]);
    assert_eq!(warm.cached_key_tables(), 0);
    verify_with(&warm, &ok[0]).unwrap();
    assert_eq!(
        warm.cached_key_tables(),
        0,
        "a key's first receipt builds no table"
    );
    verify_with(&warm, &ok2[0]).unwrap();
    assert_eq!(warm.cached_key_tables(), 0);
    verify_with(&warm, &ok[1]).unwrap();
    assert_eq!(warm.cached_key_tables(), 1, "the second builds the table");
    verify_with(&warm, &ok[2]).unwrap();
    assert_eq!(warm.cached_key_tables(), 1, "and later ones use it");
    // A receipt rejected before the equation (unknown signer) counts no use.
    let stranger =
        Chain::new(stranger_key(), "M-1", "T-X").sale(possig::CardholderVerification::Pin, 1, T0);
    for _ in 0..3 {
        assert!(verify_with(&warm, &stranger.to_der().unwrap()).is_err());
    }
    assert_eq!(warm.cached_key_tables(), 1);
}

#[test]
fn valid_and_every_fault_with_and_without_tables() {
    let keys = ["term-ok", "term-ok2", "term-revoked", "term-expired"];
    let valid = receipts(24, &keys);
    assert_warm_equals_cold(&valid);
    let faulty = corrupt_all(&valid);
    assert_warm_equals_cold(&faulty);
    // Faults first, then valid receipts of the same keys: tables built on faulty uses verify
    // the valid ones.
    let mut mixed = faulty.clone();
    mixed.extend(valid);
    assert_warm_equals_cold(&mixed);
}

#[test]
fn every_golden_vector_with_and_without_tables() {
    let vectors = golden_vectors();
    assert!(
        vectors.len() >= 10,
        "golden vectors found: {}",
        vectors.len()
    );
    assert_warm_equals_cold(&vectors);
}
