//! NIST CAVP ECDSA vectors for P-256/SHA-256 (FIPS 186-3 SigVer and SigGen, extracted by
//! `tests/fixtures/cavp/extract.sh` from pyca's cryptography-vectors). Every expected result is
//! reproduced by the textbook check; possig's policy (low-S, `v`) is applied on top and counted.
//! The counts are asserted exactly and published in docs/SECURITY.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;

use p256::FieldBytes;
use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::scalar::IsHigh;
use possig::Error;
use possig::ecdsa::{ecdsa_verify_plain, verify};

/// One test case: `key = value` lines up to a blank line.
fn cases(file: &str) -> Vec<BTreeMap<String, String>> {
    let path = format!("{}/tests/fixtures/cavp/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut cur = BTreeMap::new();
    for line in text.lines().chain([""]) {
        if let Some((k, v)) = line.split_once(" = ") {
            cur.insert(k.trim().to_string(), v.trim().to_string());
        } else if line.trim().is_empty() && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

fn bytes(c: &BTreeMap<String, String>, k: &str) -> Vec<u8> {
    hex::decode(&c[k]).unwrap()
}

fn field(c: &BTreeMap<String, String>, k: &str) -> FieldBytes {
    FieldBytes::from(<[u8; 32]>::try_from(bytes(c, k).as_slice()).unwrap())
}

/// The textbook verdict, and possig's policy verdict for an `r‖s‖v` built from it.
fn check(c: &BTreeMap<String, String>) -> (bool, Result<(), Error>) {
    let sec1 = [&[0x04][..], &bytes(c, "Qx"), &bytes(c, "Qy")].concat();
    let Ok(vk) = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1) else {
        return (false, Err(Error::InvalidPublicKey));
    };
    let q = vk.as_affine();
    let msg = bytes(c, "Msg");
    let (r, s) = (field(c, "R"), field(c, "S"));
    let plain = ecdsa_verify_plain(q, &msg, &r, &s);
    let v = plain.as_ref().copied().unwrap_or(0);
    let sig = [&r[..], &s[..], &[v]].concat();
    (plain.is_ok(), verify(q, &msg, &sig))
}

#[test]
fn cavp_sigver_p256_sha256() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in cases("SigVer-P256-SHA256.rsp") {
        let expected = &c["Result"];
        let (plain, policy) = check(&c);
        assert_eq!(plain, expected.starts_with('P'), "{expected}: {c:?}");
        // possig's verdict: a valid signature is accepted unless high-S; invalid ones are
        // refused with BadSignature.
        let s = p256::Scalar::from_repr(field(&c, "S")).unwrap();
        match (plain, bool::from(s.is_high())) {
            (true, false) => assert_eq!(policy, Ok(())),
            (true, true) => assert_eq!(policy, Err(Error::HighS)),
            (false, _) => assert!(matches!(policy, Err(Error::BadSignature | Error::HighS))),
        }
        let verdict = match &policy {
            Ok(()) => "accepted",
            Err(e) => e.code(),
        };
        *counts
            .entry(format!("{expected} -> {verdict}"))
            .or_default() += 1;
    }
    println!("CAVP SigVer P-256/SHA-256: {counts:?}");
    // Every invalid signature refused (high-S ones by the policy, before the equation), every
    // valid one accepted unless high-S.
    let expected: BTreeMap<String, usize> = [
        ("F (1 - Message changed) -> bad_signature", 1),
        ("F (1 - Message changed) -> high_s", 2),
        ("F (2 - R changed) -> bad_signature", 1),
        ("F (2 - R changed) -> high_s", 2),
        ("F (3 - S changed) -> bad_signature", 1),
        ("F (3 - S changed) -> high_s", 2),
        ("F (4 - Q changed) -> high_s", 3),
        ("P (0 ) -> accepted", 2),
        ("P (0 ) -> high_s", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);
}

#[test]
fn cavp_siggen_p256_sha256() {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let all = cases("SigGen-P256-SHA256.txt");
    assert_eq!(all.len(), 15);
    for c in all {
        // The private key gives the published public key.
        let d: [u8; 32] = bytes(&c, "d").try_into().unwrap();
        let key = possig::keys::signing_key_from_bytes(&d).unwrap();
        let q = key.verifying_key().to_sec1_point(false);
        assert_eq!(q.x().unwrap().as_slice(), bytes(&c, "Qx").as_slice());
        assert_eq!(q.y().unwrap().as_slice(), bytes(&c, "Qy").as_slice());
        let (plain, policy) = check(&c);
        assert!(plain, "{c:?}");
        let verdict = match policy {
            Ok(()) => "accepted",
            Err(Error::HighS) => "high_s (policy)",
            Err(e) => panic!("{e:?}"),
        };
        *counts.entry(verdict).or_default() += 1;
    }
    println!("CAVP SigGen P-256/SHA-256: {counts:?}");
    // OpenSSL-era generators do not normalise s: two thirds are high-S, which possig's signer
    // never emits and its verifier refuses by policy.
    assert_eq!(
        counts,
        BTreeMap::from([("accepted", 5), ("high_s (policy)", 10)])
    );
}
