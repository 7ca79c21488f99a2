//! Verification against a pinned key (`verify_with_key`, what a `no_std` build has) agrees
//! with verification against the trust store on every golden vector, except for what only a
//! certificate path can say.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig::{ErrorKind, UnverifiedReceipt, VerifyOptions};
use possig_testkit::fixtures as common;

#[test]
fn pinned_key_verification_agrees_with_the_trust_store_on_every_vector() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let store = common::store();
    let opts = VerifyOptions::at(index["verify_at"].as_u64().unwrap());
    let keys: Vec<_> = [
        "term-ok",
        "term-ok2",
        "term-expired",
        "term-revoked",
        "term-noeku",
    ]
    .iter()
    .map(|n| *common::key(n).verifying_key())
    .collect();
    let (mut same_ok, mut same_err, mut path_only) = (0, 0, 0);
    for v in index["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let der = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
        let Ok(r) = UnverifiedReceipt::from_der(&der) else {
            continue;
        };
        let Some(key) = keys
            .iter()
            .find(|k| possig::key_id(k).unwrap() == r.key_id())
        else {
            // A stranger's key: with any pinned key it is an unknown signer.
            let e = r.verify_with_key(&keys[0], &opts).unwrap_err();
            assert_eq!(e.code(), "unknown_signer", "{name}");
            continue;
        };
        match (r.verify(&store, &opts), r.verify_with_key(key, &opts)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.digest(), b.digest(), "{name}");
                assert!(b.path().is_empty() && b.warnings().is_empty(), "{name}");
                same_ok += 1;
            }
            // What only the certificate path says: the pinned key is the caller's word.
            (Err(e), Ok(_)) if e.kind() == ErrorKind::Certificate => path_only += 1,
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "{name}");
                same_err += 1;
            }
            (a, b) => panic!("{name}: store {a:?}, pinned {b:?}"),
        }
    }
    assert!(
        same_ok >= 5 && same_err >= 5 && path_only >= 1,
        "{same_ok} {same_err} {path_only}"
    );
}

#[test]
fn a_changed_byte_or_another_key_breaks_pinned_verification() {
    let mut chain = common::ok_chain();
    let r = chain.sale(possig::CardholderVerification::Pin, 1999, common::T0);
    let key = *common::key("term-ok").verifying_key();
    let opts = VerifyOptions::at(common::NOW);
    assert!(r.verify_with_key(&key, &opts).is_ok());
    let other = *common::key("term-ok2").verifying_key();
    assert_eq!(
        r.verify_with_key(&other, &opts).unwrap_err().code(),
        "unknown_signer"
    );
    let der = r.to_der().unwrap();
    for i in 0..der.len() {
        let mut bad = der.clone();
        bad[i] ^= 0x01;
        if let Ok(b) = UnverifiedReceipt::from_der(&bad) {
            assert!(b.verify_with_key(&key, &opts).is_err(), "byte {i}");
        }
    }
    // Before its time it is refused, as with a trust store.
    let early = VerifyOptions::at(common::T0 - 3600);
    assert_eq!(
        r.verify_with_key(&key, &early).unwrap_err().code(),
        "issued_in_future"
    );
}
