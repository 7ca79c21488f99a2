//! The attack classes of the [security] issue, one named test each, asserting the exact error.
//! `docs/SECURITY.md` maps each class to its test (limits at and past each bound live in
//! `errors.rs::limits_at_and_past_each_bound`, every single-bit edit in `tamper.rs`).
//!
//! Forged inputs are made the way an attacker (or a careless CA) would: receipts re-signed by
//! the real key over edited TBS bytes, certificates and CRLs re-signed by the real issuer over
//! an edited TBS, so each test reaches the check it names rather than failing on a signature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use der::asn1::{Any, BitString, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use p256::ecdsa::signature::Signer;
use possig::journal::{BadResignReason, Finding, JournalOptions};
use possig::keys::SigningKey;
use possig::{
    AlgorithmUse, CardholderVerification as Cvm, ChainReason, Error, Extension, Field, Oid,
    ReceiptKind, Structure, Terminal, TrustStore, UnverifiedReceipt, VerifyOptions,
};

/// n, the order of P-256.
const N: [u8; 32] =
    hex_literal::hex!("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
/// p, the field prime of P-256.
const P: [u8; 32] =
    hex_literal::hex!("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
/// ecdsa-with-SHA384, substituted for ecdsa-with-SHA256.
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
/// secp384r1, substituted for prime256v1 as the key's curve.
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// A genuine receipt and its signature.
fn genuine() -> (Vec<u8>, Vec<u8>) {
    let r = ok_chain().sale(Cvm::Pin, 1999, T0);
    (r.to_der().unwrap(), r.signature().to_vec())
}

/// The receipt with its signature replaced by `edit(signature)`.
fn with_signature(edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let (der, sig) = genuine();
    let mut bad = sig.clone();
    edit(&mut bad);
    replace_once(&der, &sig, &bad)
}

/// The elements of a DER SEQUENCE.
fn elements(seq: &[u8]) -> Vec<Any> {
    Vec::<Any>::from_der(seq).unwrap()
}

fn sequence(elements: &[Any]) -> Vec<u8> {
    elements.to_vec().to_der().unwrap()
}

/// `extensions [0] IMPLICIT SEQUENCE OF Extension`, as in the TBS.
fn extensions_field(list: &[Any]) -> Any {
    let mut seq = sequence(list);
    seq[0] = 0xa0;
    any(&seq)
}

fn any(der: &[u8]) -> Any {
    Any::from_der(der).unwrap()
}

/// A receipt over exactly `tbs`, signed by `key` the way a terminal signs (low-S, `v`).
fn sign_tbs(key: &SigningKey, tbs: &[u8]) -> Vec<u8> {
    let sig: p256::ecdsa::Signature = key.sign(tbs);
    let sig = sig.normalize_s();
    let (r, s) = sig.split_bytes();
    let v =
        possig::ecdsa::ecdsa_verify_plain(key.verifying_key().as_affine(), tbs, &r, &s).unwrap();
    let mut sig65 = sig.to_bytes().to_vec();
    sig65.push(v);
    let sig = OctetString::new(sig65).unwrap().to_der().unwrap();
    sequence(&[any(tbs), any(&sig)])
}

/// The TBS of a fresh sale by term-ok, with `extensions`.
fn sale_tbs(extensions: &[Extension]) -> Vec<u8> {
    let mut b = ok_chain()
        .builder(ReceiptKind::Sale, T0)
        .payment(payment(Cvm::Pin, 1));
    for e in extensions {
        b = b.extension(e.clone());
    }
    b.build().unwrap().tbs_der().unwrap()
}

/// `signed` (a certificate or CRL: SEQUENCE { tbs, algorithm, signature }) with its TBS edited
/// by `edit` and re-signed by `issuer`; `algorithm` replaces the outer algorithm when given.
fn resign(
    signed: &[u8],
    issuer: &SigningKey,
    edit: impl FnOnce(&mut Vec<Any>),
    algorithm: Option<ObjectIdentifier>,
) -> Vec<u8> {
    let parts = elements(signed);
    let mut tbs = elements(&parts[0].to_der().unwrap());
    edit(&mut tbs);
    let tbs = sequence(&tbs);
    let sig: p256::ecdsa::Signature = issuer.sign(&tbs);
    let sig = BitString::from_bytes(sig.to_der().as_bytes()).unwrap();
    let alg = match algorithm {
        Some(oid) => any(&sequence(&[any(&oid.to_der().unwrap())])),
        None => parts[1].clone(),
    };
    sequence(&[any(&tbs), alg, any(&sig.to_der().unwrap())])
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    der::pem::decode_vec(pem).unwrap().1
}

/// Index of `subjectPublicKeyInfo` in a TBSCertificate with an explicit version.
const TBS_SPKI: usize = 6;
/// Index of `signature` (the algorithm) in a TBSCertificate with an explicit version.
const TBS_SIG_ALG: usize = 2;

/// term-ok's certificate, issued by the real intermediate, with its key replaced by the raw
/// BIT STRING content `point` (and the curve `curve`).
fn terminal_cert_with_key(point: &[u8], curve: ObjectIdentifier) -> Vec<u8> {
    let alg = sequence(&[
        any(&const_oid::db::rfc5912::ID_EC_PUBLIC_KEY.to_der().unwrap()),
        any(&curve.to_der().unwrap()),
    ]);
    let bits = BitString::from_bytes(point).unwrap().to_der().unwrap();
    let spki = sequence(&[any(&alg), any(&bits)]);
    resign(
        &pem_to_der(&fixture("term-ok.pem")),
        &key("intermediate"),
        |tbs| tbs[TBS_SPKI] = any(&spki),
        None,
    )
}

fn add_terminal_with_key(point: &[u8]) -> Result<usize, Error> {
    TrustStore::builder().add_terminal(&terminal_cert_with_key(point, possig_p256()))
}

fn possig_p256() -> ObjectIdentifier {
    const_oid::db::rfc5912::SECP_256_R_1
}

fn uncompressed(x: &[u8; 32], y: &[u8; 32]) -> Vec<u8> {
    [&[0x04][..], x, y].concat()
}

fn journal_findings(records: &[Vec<u8>]) -> Vec<Finding> {
    run_journal(records, &JournalOptions::new(VerifyOptions::at(NOW))).1
}

// ---- Signature values ----

#[test]
fn r_zero() {
    let der = with_signature(|s| s[..32].fill(0));
    assert_eq!(verify_now(&der).unwrap_err(), Error::BadSignature);
}

#[test]
fn s_zero() {
    let der = with_signature(|s| s[32..64].fill(0));
    assert_eq!(verify_now(&der).unwrap_err(), Error::BadSignature);
}

#[test]
fn r_at_least_n() {
    for r in [N, [0xff; 32]] {
        let der = with_signature(|s| s[..32].copy_from_slice(&r));
        assert_eq!(verify_now(&der).unwrap_err(), Error::BadSignature);
    }
}

#[test]
fn s_at_least_n() {
    // s ≥ n is out of range before it is high: BadSignature, not HighS.
    for s_val in [N, [0xff; 32]] {
        let der = with_signature(|s| s[32..64].copy_from_slice(&s_val));
        assert_eq!(verify_now(&der).unwrap_err(), Error::BadSignature);
    }
}

#[test]
fn high_s() {
    let (der, sig) = genuine();
    assert_eq!(
        verify_now(&high_s_variant(&der, &sig)).unwrap_err(),
        Error::HighS
    );
}

#[test]
fn wrong_v() {
    let (_, sig) = genuine();
    for v in [sig[64] ^ 1, sig[64] ^ 2, 4, 0xff] {
        let der = with_signature(|s| s[64] = v);
        assert_eq!(
            verify_now(&der).unwrap_err(),
            Error::WrongRecoveryId {
                expected: sig[64],
                found: v
            }
        );
    }
}

#[test]
fn signature_stripped() {
    let (der, _) = genuine();
    let parts = elements(&der);
    // The signature field removed: the receipt no longer decodes.
    assert!(matches!(
        UnverifiedReceipt::from_der(&sequence(&parts[..1])).unwrap_err(),
        Error::Malformed {
            what: Structure::Receipt,
            ..
        }
    ));
    // An empty or truncated signature: wrong length.
    for len in [0, 64] {
        let sig = OctetString::new(vec![1; len]).unwrap().to_der().unwrap();
        assert_eq!(
            UnverifiedReceipt::from_der(&sequence(&[parts[0].clone(), any(&sig)])).unwrap_err(),
            Error::InvalidField {
                field: Field::SignatureLength
            }
        );
    }
    // The unsigned-record marker (65 zero bytes) never verifies as a signature.
    let der = with_signature(|s| s.fill(0));
    assert_eq!(verify_now(&der).unwrap_err(), Error::Unsigned);
}

#[test]
fn signature_from_another_key_with_a_valid_chain() {
    // A receipt claiming term-ok's key id, signed by term-revoked's key (certified, same CA).
    let tbs = sale_tbs(&[]);
    let der = sign_tbs(&key("term-revoked"), &tbs);
    assert_eq!(verify_now(&der).unwrap_err(), Error::BadSignature);
    // The builder refuses to make it in the first place.
    let draft = ok_chain()
        .builder(ReceiptKind::Sale, T0)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap();
    assert_eq!(
        draft.sign(&key("term-revoked")).unwrap_err(),
        Error::InvalidField {
            field: Field::SignerKeyId
        }
    );
}

#[test]
fn key_id_of_one_certificate_with_another_key() {
    // term-ok2 is the same terminal's next key: a receipt naming term-ok2's certificate but
    // signed by term-ok's key is looked up under term-ok2 and fails there.
    let mut c = Chain::new(key("term-ok2"), "M-1", "T-OK");
    let tbs = c
        .builder(ReceiptKind::Sale, T0)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap()
        .tbs_der()
        .unwrap();
    assert_eq!(
        verify_now(&sign_tbs(&key("term-ok"), &tbs)).unwrap_err(),
        Error::BadSignature
    );
    // And the genuine one verifies.
    assert!(verify_now(&c.sale(Cvm::Pin, 1, T0).to_der().unwrap()).is_ok());
}

#[test]
fn no_prehash_api() {
    // The only verification entry points take the message; handing over its SHA-256 digest
    // instead is verifying a different message.
    use sha2::Digest;
    let r = ok_chain().sale(Cvm::Pin, 1, T0);
    let q = *key("term-ok").verifying_key().as_affine();
    assert_eq!(
        possig::ecdsa::verify(&q, r.tbs_der(), r.signature()),
        Ok(())
    );
    let digest = sha2::Sha256::digest(r.tbs_der());
    assert_eq!(
        possig::ecdsa::verify(&q, &digest, r.signature()).unwrap_err(),
        Error::BadSignature
    );
}

// ---- Certificate keys ----

#[test]
fn compressed_key_policy() {
    // Policy: uncompressed SEC1 points only, whoever signed the certificate.
    let bad = std::fs::read(fixtures().join("../bad/compressed.pem")).unwrap();
    assert_eq!(
        TrustStore::builder().add_terminal(&bad),
        Err(Error::InvalidPublicKey)
    );
    let vk = key("term-ok").verifying_key().to_sec1_point(true);
    assert_eq!(
        add_terminal_with_key(vk.as_bytes()),
        Err(Error::InvalidPublicKey)
    );
    let vk = key("term-ok").verifying_key().to_sec1_point(false);
    assert!(add_terminal_with_key(vk.as_bytes()).is_ok());
}

#[test]
fn identity_off_curve_and_invalid_curve_certificate_keys() {
    let real = key("term-ok").verifying_key().to_sec1_point(false);
    let x: [u8; 32] = real.x().unwrap().as_slice().try_into().unwrap();
    let y: [u8; 32] = real.y().unwrap().as_slice().try_into().unwrap();
    let mut y1 = y;
    y1[31] ^= 1;
    let mut one = [0u8; 32];
    one[31] = 1;
    let cases: [(&str, Vec<u8>); 6] = [
        ("identity (SEC1 0x00)", vec![0x00]),
        ("off the curve", uncompressed(&x, &y1)),
        // Points of order 2 on other curves y² = x³ − 3x + b' (the invalid-curve attack):
        // (0, 0) with b' = 0, which is also how some encoders write the identity, and (1, 0)
        // with b' = 2.
        ("invalid curve, (0, 0)", uncompressed(&[0; 32], &[0; 32])),
        ("invalid curve, (1, 0)", uncompressed(&one, &[0; 32])),
        ("x = p", uncompressed(&P, &y)),
        ("y = p", uncompressed(&x, &P)),
    ];
    for (what, point) in cases {
        assert_eq!(
            add_terminal_with_key(&point),
            Err(Error::InvalidPublicKey),
            "{what}"
        );
    }
}

#[test]
fn non_p256_certificate_keys() {
    let bad = |name: &str| std::fs::read(fixtures().join("../bad").join(name)).unwrap();
    for name in ["p384.pem", "rsa.pem"] {
        assert_eq!(
            TrustStore::builder().add_root(&bad(name)),
            Err(Error::UnsupportedAlgorithm {
                what: AlgorithmUse::CertificateKey
            }),
            "{name}"
        );
    }
}

#[test]
fn algorithm_oid_substitution() {
    // Receipts carry no algorithm identifier: the format version fixes ECDSA P-256/SHA-256, so
    // there is nothing to substitute. Certificates and CRLs do.
    // The key's curve relabelled as P-384 (same point bytes).
    let point = key("term-ok").verifying_key().to_sec1_point(false);
    assert_eq!(
        TrustStore::builder().add_terminal(&terminal_cert_with_key(point.as_bytes(), SECP384R1)),
        Err(Error::UnsupportedAlgorithm {
            what: AlgorithmUse::CertificateKey
        })
    );
    // The certificate's signature algorithm relabelled ecdsa-with-SHA384 (inside and outside).
    let alg = any(&sequence(&[any(&ECDSA_SHA384.to_der().unwrap())]));
    let cert = resign(
        &pem_to_der(&fixture("term-ok.pem")),
        &key("intermediate"),
        |tbs| tbs[TBS_SIG_ALG] = alg.clone(),
        Some(ECDSA_SHA384),
    );
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    b.add_intermediate(&fixture("intermediate.pem")).unwrap();
    b.add_terminal(&cert).unwrap();
    assert_eq!(
        b.build().unwrap_err(),
        Error::UnsupportedAlgorithm {
            what: AlgorithmUse::CertificateSignature
        }
    );
    // The CRL's signature algorithm relabelled.
    let crl = resign(
        &pem_to_der(&fixture("intermediate.crl.pem")),
        &key("intermediate"),
        |tbs| tbs[1] = alg.clone(),
        Some(ECDSA_SHA384),
    );
    assert_eq!(
        TrustStore::builder().add_crl(&crl),
        Err(Error::UnsupportedAlgorithm {
            what: AlgorithmUse::CrlSignature
        })
    );
}

// ---- Encoding ----

#[test]
fn ber_indefinite_and_overlong_lengths() {
    let (der, _) = genuine();
    let malformed = |bytes: &[u8]| {
        matches!(
            UnverifiedReceipt::from_der(bytes),
            Err(Error::Malformed {
                what: Structure::Receipt,
                ..
            })
        )
    };
    // Indefinite length on the outer SEQUENCE (BER only).
    let hdr = if der[1] == 0x81 { 3 } else { 4 };
    let ber = [&[0x30, 0x80][..], &der[hdr..], &[0, 0]].concat();
    assert!(malformed(&ber));
    // Overlong length: one more length octet than needed.
    let mut long = vec![0x30, der[1] + 1, 0x00];
    long.extend_from_slice(&der[2..]);
    assert!(malformed(&long));
    // A signed TBS that is BER but not DER (an explicit DEFAULT FALSE): well signed, refused.
    let ext = Extension::new(Oid::extension(105), false, b"v").unwrap();
    let tbs = sale_tbs(std::slice::from_ref(&ext));
    let mut parts = elements(&tbs);
    let exts_at = parts.len() - 1;
    let ext_der = ext.to_der().unwrap();
    let mut explicit = elements(&ext_der);
    explicit.insert(1, any(&[0x01, 0x01, 0x00]));
    assert_eq!(parts[exts_at], extensions_field(&[any(&ext_der)]));
    parts[exts_at] = extensions_field(&[any(&sequence(&explicit))]);
    assert_eq!(
        UnverifiedReceipt::from_der(&sign_tbs(&key("term-ok"), &sequence(&parts))).unwrap_err(),
        Error::InvalidField {
            field: Field::ExtensionCritical
        }
    );
}

#[test]
fn trailing_data() {
    let (mut der, _) = genuine();
    let n = der.len();
    der.push(0);
    assert_eq!(
        UnverifiedReceipt::from_der(&der),
        Err(Error::TrailingData {
            what: Structure::Receipt,
            offset: n
        })
    );
}

#[test]
fn duplicate_or_reordered_fields() {
    let k = key("term-ok");
    let tbs = sale_tbs(&[]);
    let parts = elements(&tbs);
    let malformed = |tbs: &[Any]| {
        matches!(
            UnverifiedReceipt::from_der(&sign_tbs(&k, &sequence(tbs))),
            Err(Error::Malformed { .. })
        )
    };
    // TBS: version, signerKeyId, merchantId, terminalId, counter, previous, ...
    let mut swapped = parts.clone();
    swapped.swap(4, 5); // counter ↔ previous
    assert!(malformed(&swapped));
    let mut dup = parts.clone();
    dup.insert(5, parts[4].clone()); // counter twice
    assert!(malformed(&dup));
    // Extensions repeated or out of order, each re-signed by the real key.
    let e1 = Extension::new(Oid::extension(101), false, b"a").unwrap();
    let e2 = Extension::new(Oid::extension(102), false, b"b").unwrap();
    let tbs = sale_tbs(&[e1.clone(), e2.clone()]);
    let mut parts = elements(&tbs);
    let exts_at = parts.len() - 1;
    for list in [[&e2, &e1], [&e1, &e1]] {
        let list: Vec<Any> = list.iter().map(|e| any(&e.to_der().unwrap())).collect();
        parts[exts_at] = extensions_field(&list);
        assert_eq!(
            UnverifiedReceipt::from_der(&sign_tbs(&k, &sequence(&parts))).unwrap_err(),
            Error::InvalidField {
                field: Field::ExtensionOrder
            }
        );
    }
}

// ---- Journals ----

#[test]
fn replayed_receipt_in_a_journal() {
    let mut t = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let r0 = t.sign(sale(&t, T0, 1)).unwrap().to_der().unwrap();
    let r1 = t.sign(sale(&t, T0 + 1, 2)).unwrap().to_der().unwrap();
    let findings = journal_findings(&[r0.clone(), r1.clone(), r0]);
    assert!(
        findings.contains(&Finding::Duplicate {
            key: t.key_id(),
            counter: 0,
            index: 2
        }),
        "{findings:?}"
    );
    // After the day is closed, the same bytes are a replay.
    let close = t.close_day(T0 + 2).unwrap().to_der().unwrap();
    let findings = journal_findings(&[r1.clone(), close, r1]);
    assert!(
        findings.iter().any(|f| matches!(
            f,
            Finding::Replay {
                counter: 1,
                index: 2,
                ..
            }
        )),
        "{findings:?}"
    );
}

#[test]
fn resign_or_copy_pointing_at_a_forged_original() {
    let mut t = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    // The forged original: a pending sale edited after signing (its record does not verify).
    let pending = t
        .sign(
            t.builder(ReceiptKind::Sale, T0)
                .payment(payment(Cvm::Pending, 1999)),
        )
        .unwrap();
    let sig = pending.signature().to_vec();
    let mut bad = sig.clone();
    bad[5] ^= 1;
    let forged = replace_once(&pending.to_der().unwrap(), &sig, &bad);
    let resign = t
        .sign(
            t.builder(ReceiptKind::Resign, T0 + 1)
                .resign_of(pending.digest())
                .signature_strokes(strokes(1)),
        )
        .unwrap();
    let copy = t
        .sign(
            t.builder(ReceiptKind::Copy, T0 + 2)
                .copy_of(pending.digest(), 1),
        )
        .unwrap();
    let findings = journal_findings(&[forged, resign.to_der().unwrap(), copy.to_der().unwrap()]);
    assert!(
        findings.contains(&Finding::BadResign {
            digest: resign.digest(),
            reason: BadResignReason::UnknownOriginal
        }),
        "{findings:?}"
    );
    assert!(
        findings.contains(&Finding::BadCopy {
            digest: copy.digest(),
            original: pending.digest()
        }),
        "{findings:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.code() == "re_signed" || f.code() == "copy")
    );
}

// ---- Certificates and CRLs in time ----

#[test]
fn certificate_valid_now_but_not_at_issued_at() {
    // term-ok is valid from 2024-01-01 and valid at NOW (2027): a receipt dated 2020 is not.
    let der = ok_chain()
        .sale(Cvm::Pin, 1, 1_600_000_000)
        .to_der()
        .unwrap();
    assert_eq!(
        verify_now(&der).unwrap_err(),
        Error::CertificateNotYetValid { depth: 0 }
    );
    // The converse holds too: term-expired (2020 only) signed a receipt in 2020, still valid.
    let der = Chain::new(key("term-expired"), "M-1", "T-EXP")
        .sale(Cvm::Pin, 1, 1_590_000_000)
        .to_der()
        .unwrap();
    assert!(verify_now(&der).is_ok());
}

#[test]
fn crl_signed_by_the_wrong_issuer() {
    // The intermediate's CRL (naming the intermediate as issuer) re-signed by the root, and the
    // genuine CRL with one bit of its signature flipped.
    let genuine = pem_to_der(&fixture("intermediate.crl.pem"));
    let by_root = resign(&genuine, &key("root"), |_| {}, None);
    let mut flipped = genuine.clone();
    let n = flipped.len();
    flipped[n - 5] ^= 1;
    for crl in [by_root, flipped] {
        let mut b = TrustStore::builder();
        b.add_root(&fixture("root.pem")).unwrap();
        b.add_intermediate(&fixture("intermediate.pem")).unwrap();
        b.add_crl(&crl).unwrap();
        assert_eq!(
            b.build().unwrap_err(),
            Error::ChainInvalid {
                depth: 0,
                reason: ChainReason::CrlSignature
            }
        );
    }
}

/// `signed` (a certificate or CRL) with the other `s` of its ECDSA signature, `n − s`: the
/// same signature, valid too (X.509 has no low-S rule).
fn with_other_s(signed: &[u8]) -> Vec<u8> {
    let parts = elements(signed);
    let bits = BitString::from_der(&parts[2].to_der().unwrap()).unwrap();
    let sig = p256::ecdsa::Signature::from_der(bits.raw_bytes()).unwrap();
    let (r, s) = sig.split_scalars();
    let other =
        p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s.as_ref()).to_bytes()).unwrap();
    assert_ne!(other, sig);
    let bits = BitString::from_bytes(other.to_der().as_bytes()).unwrap();
    sequence(&[
        parts[0].clone(),
        parts[1].clone(),
        any(&bits.to_der().unwrap()),
    ])
}

#[test]
fn certificate_and_crl_signatures_in_either_half_of_s() {
    // Certificate and CRL signatures are checked by possig-ec's arithmetic, which must accept
    // both forms of each signature, and refuse one flipped bit.
    let build = |intermediate: &[u8], crl: &[u8]| {
        let mut b = TrustStore::builder();
        b.add_root(&fixture("root.pem")).unwrap();
        b.add_intermediate(intermediate).unwrap();
        b.add_terminal(&fixture("term-ok.pem")).unwrap();
        b.add_crl(crl).unwrap();
        b.build()
    };
    let intermediate = pem_to_der(&fixture("intermediate.pem"));
    let crl = pem_to_der(&fixture("intermediate.crl.pem"));
    let receipt = ok_chain().sale(Cvm::Pin, 1, T0).to_der().unwrap();
    for (i, c) in [
        (intermediate.clone(), crl.clone()),
        (with_other_s(&intermediate), crl.clone()),
        (intermediate.clone(), with_other_s(&crl)),
    ] {
        let store = build(&i, &c).unwrap();
        UnverifiedReceipt::from_der(&receipt)
            .unwrap()
            .verify(&store, &VerifyOptions::at(NOW))
            .unwrap();
    }
    let mut flipped = intermediate.clone();
    let n = flipped.len();
    flipped[n - 5] ^= 1;
    let err = match build(&flipped, &crl) {
        Err(e) => e,
        Ok(store) => UnverifiedReceipt::from_der(&receipt)
            .unwrap()
            .verify(&store, &VerifyOptions::at(NOW))
            .unwrap_err(),
    };
    assert_eq!(
        err,
        Error::ChainInvalid {
            depth: 1,
            reason: ChainReason::IssuerNotFound
        },
        "an intermediate with one bit of its signature flipped has no issuer"
    );
}

#[test]
fn crl_out_of_date() {
    // The fixture CRLs are current from their thisUpdate for ten years: verifying before it
    // (or after nextUpdate) cannot rely on them.
    let der = ok_chain().sale(Cvm::Pin, 1, T0).to_der().unwrap();
    let r = UnverifiedReceipt::from_der(&der).unwrap();
    let this_update = 1_795_316_062; // 2026-11-22T02:54:22Z, intermediate.crl.pem
    let next_update = 2_110_676_062; // 2036-11-19T02:54:22Z
    for now in [this_update - 1, next_update + 1] {
        assert_eq!(
            r.verify(&store(), &VerifyOptions::at(now)).unwrap_err(),
            Error::ChainInvalid {
                depth: 0,
                reason: ChainReason::CrlOutOfDate
            },
            "at {now}"
        );
    }
    assert!(r.verify(&store(), &VerifyOptions::at(this_update)).is_ok());
}
