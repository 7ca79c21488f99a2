//! Every error variant is produced by at least one test that asserts the exact variant, here or
//! in `attacks.rs` (signature values, encodings, certificate keys and algorithms).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::{
    AlgorithmUse, CardholderVerification as Cvm, ChainReason, Error, Extension, ExternalSigner,
    Field, Limit, Oid, ReceiptKind, Strokes, Structure, TrustStore, UnverifiedReceipt,
    VerifyOptions,
};

#[test]
fn unsupported_version() {
    let mut der = ok_chain().sale(Cvm::Pin, 1, T0).to_der().unwrap();
    let pos = der.windows(3).position(|w| w == [2, 1, 1]).unwrap();
    der[pos + 2] = 2;
    assert_eq!(
        UnverifiedReceipt::from_der(&der),
        Err(Error::UnsupportedVersion { version: 2 })
    );
}

#[test]
fn unknown_signer() {
    let r = Chain::new(stranger_key(), "M", "T").sale(Cvm::Pin, 1, T0);
    assert_eq!(
        verify_now(&r.to_der().unwrap()).unwrap_err(),
        Error::UnknownSigner { key_id: r.key_id() }
    );
}

#[test]
fn chain_invalid_reasons() {
    let der = Chain::new(key("term-noeku"), "M", "T")
        .sale(Cvm::Pin, 1, T0)
        .to_der()
        .unwrap();
    assert_eq!(
        verify_now(&der).unwrap_err(),
        Error::ChainInvalid {
            depth: 0,
            reason: ChainReason::ExtendedKeyUsage
        }
    );

    // Without the intermediate, term-ok has no issuer.
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    b.add_terminal(&fixture("term-ok.pem")).unwrap();
    let store = b.build().unwrap();
    let der = ok_chain().sale(Cvm::Pin, 1, T0).to_der().unwrap();
    let r = UnverifiedReceipt::from_der(&der).unwrap();
    assert_eq!(
        r.verify(&store, &VerifyOptions::at(NOW)).unwrap_err(),
        Error::ChainInvalid {
            depth: 0,
            reason: ChainReason::IssuerNotFound
        }
    );

    // A CA certificate loaded as a terminal certificate.
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    b.add_terminal(&fixture("intermediate.pem")).unwrap();
    let store = b.build().unwrap();
    let der = Chain::new(key("intermediate"), "M", "T")
        .sale(Cvm::Pin, 1, T0)
        .to_der()
        .unwrap();
    assert_eq!(
        UnverifiedReceipt::from_der(&der)
            .unwrap()
            .verify(&store, &VerifyOptions::at(NOW))
            .unwrap_err(),
        Error::ChainInvalid {
            depth: 0,
            reason: ChainReason::TerminalIsCa
        }
    );
}

#[test]
fn certificate_time_errors_and_revocation() {
    let mut exp = Chain::new(key("term-expired"), "M", "T");
    assert_eq!(
        verify_now(&exp.sale(Cvm::Pin, 1, 1_650_000_000).to_der().unwrap()).unwrap_err(),
        Error::CertificateExpired { depth: 0 }
    );
    assert_eq!(
        verify_now(
            &ok_chain()
                .sale(Cvm::Pin, 1, 1_600_000_000)
                .to_der()
                .unwrap()
        )
        .unwrap_err(),
        Error::CertificateNotYetValid { depth: 0 }
    );
    let rev = revocation_time();
    let mut c = Chain::new(key("term-revoked"), "M", "T");
    assert_eq!(
        verify_now(&c.sale(Cvm::Pin, 1, rev).to_der().unwrap()).unwrap_err(),
        Error::Revoked {
            depth: 0,
            revoked_at: rev
        }
    );
    let ok = verify_now(&c.sale(Cvm::Pin, 1, rev - 1).to_der().unwrap()).unwrap();
    assert_eq!(
        ok.warnings(),
        &[possig::Warning::RevokedAfterSigning {
            depth: 0,
            revoked_at: rev
        }]
    );
}

#[test]
fn issued_in_future() {
    let r = ok_chain().sale(Cvm::Pin, 1, NOW + 301);
    assert_eq!(
        verify_now(&r.to_der().unwrap()).unwrap_err(),
        Error::IssuedInFuture
    );
    let r = ok_chain().sale(Cvm::Pin, 1, NOW + 300);
    assert!(verify_now(&r.to_der().unwrap()).is_ok());
}

#[test]
fn attachment_digest_mismatch() {
    let r = ok_chain().sale(Cvm::Signature, 1, T0);
    let old = r.attachments()[0].data().to_vec();
    let new = strokes(4).to_der().unwrap();
    let der = replace_once(&r.to_der().unwrap(), &old, &new);
    assert_eq!(
        verify_now(&der).unwrap_err(),
        Error::AttachmentDigestMismatch { index: 0 }
    );
}

#[test]
fn unknown_critical_extension_rejected_noncritical_kept() {
    let mut c = ok_chain();
    let crit = Extension::new(Oid::extension(101), true, b"x").unwrap();
    let plain = Extension::new(Oid::extension(102), false, b"y").unwrap();
    let r = c.sign(
        c.builder(ReceiptKind::Sale, T0)
            .payment(payment(Cvm::Pin, 1))
            .extension(plain.clone())
            .extension(crit),
    );
    assert_eq!(
        verify_now(&r.to_der().unwrap()).unwrap_err(),
        Error::UnknownCriticalExtension { index: 0 }
    );
    let r = c.sign(
        c.builder(ReceiptKind::Sale, T0)
            .payment(payment(Cvm::Pin, 1))
            .extension(plain.clone()),
    );
    assert_eq!(
        verify_now(&r.to_der().unwrap()).unwrap().tbs().extensions(),
        &[plain]
    );
}

#[test]
fn invalid_fields() {
    let c = ok_chain();
    let build = |p: possig::Payment| {
        c.builder(ReceiptKind::Sale, T0)
            .payment(p)
            .build()
            .map(|_| ())
    };
    let field = |f| Err(Error::InvalidField { field: f });
    let mut p = payment(Cvm::Pin, 1);
    p.bin = "4111111111111111".into();
    assert_eq!(build(p), field(Field::CardBin));
    let mut p = payment(Cvm::Pin, 1);
    p.rrn = "4111111111111111".into();
    assert_eq!(build(p), field(Field::Rrn));
    let mut p = payment(Cvm::Pin, 1);
    p.currency = "XAU".into();
    assert_eq!(build(p), field(Field::Currency));
    let mut p = payment(Cvm::Pin, 1);
    p.last4 = "12a4".into();
    assert_eq!(build(p), field(Field::CardLast4));
    let mut p = payment(Cvm::Pin, 1);
    p.original = Some(possig::Digest([1; 32]));
    assert_eq!(build(p), field(Field::Original));
    assert_eq!(
        build(payment(Cvm::Signature, 1)),
        field(Field::SignatureImage)
    );
    let mut p = payment(Cvm::Pin, 1);
    p.amount = possig::limits::MAX_AMOUNT + 1;
    assert_eq!(build(p), field(Field::Amount));
    let pan_merchant = c
        .builder(ReceiptKind::Sale, T0)
        .merchant_id("shop 4111 1111 1111 1111")
        .payment(payment(Cvm::Pin, 1));
    assert_eq!(pan_merchant.build().map(|_| ()), field(Field::PossiblePan));
    assert_eq!(
        c.builder(ReceiptKind::Sale, T0).build().map(|_| ()),
        field(Field::Body)
    );
    assert_eq!(
        c.builder(ReceiptKind::Copy, T0)
            .copy_of([1; 32], 0)
            .build()
            .map(|_| ()),
        field(Field::ReprintNumber)
    );
    assert_eq!(
        c.builder(ReceiptKind::Sale, T0)
            .chain(0, [1; 32])
            .payment(payment(Cvm::Pin, 1))
            .build()
            .map(|_| ()),
        field(Field::Previous)
    );
    assert_eq!(
        c.builder(ReceiptKind::Sale, T0)
            .merchant_id("")
            .payment(payment(Cvm::Pin, 1))
            .build()
            .map(|_| ()),
        field(Field::MerchantId)
    );
    let e1 = Extension::new(Oid::extension(101), false, b"").unwrap();
    assert_eq!(
        c.builder(ReceiptKind::Sale, T0)
            .payment(payment(Cvm::Pin, 1))
            .extension(e1.clone())
            .extension(e1)
            .build()
            .map(|_| ()),
        field(Field::ExtensionOrder)
    );
    // A signature of the wrong length on the wire.
    let r = ok_chain().sale(Cvm::Pin, 1, T0);
    let der = r.to_der().unwrap();
    let pos = der.windows(2).position(|w| w == [0x04, 65]).unwrap();
    let mut short = der[..pos].to_vec();
    short.extend_from_slice(&[0x04, 64]);
    short.extend_from_slice(&r.signature()[..64]);
    short[2] -= 1;
    assert_eq!(
        UnverifiedReceipt::from_der(&short),
        Err(Error::InvalidField {
            field: Field::SignatureLength
        })
    );
}

#[test]
fn limits_at_and_past_each_bound() {
    let c = ok_chain();
    let max = possig::limits::MAX_TEXT_FIELD;
    let ok = c
        .builder(ReceiptKind::Sale, T0)
        .merchant_id(&"m".repeat(max))
        .payment(payment(Cvm::Pin, 1))
        .build();
    assert!(ok.is_ok());
    let long = c
        .builder(ReceiptKind::Sale, T0)
        .merchant_id(&"m".repeat(max + 1))
        .payment(payment(Cvm::Pin, 1))
        .build();
    assert_eq!(
        long.unwrap_err(),
        Error::LimitExceeded {
            limit: Limit::TextField,
            actual: max + 1
        }
    );
    let n = possig::limits::MAX_RECEIPT_SIZE;
    assert!(matches!(
        UnverifiedReceipt::from_der(&vec![0x30; n]),
        Err(Error::Malformed { .. })
    ));
    assert_eq!(
        UnverifiedReceipt::from_der(&vec![0x30; n + 1]),
        Err(Error::LimitExceeded {
            limit: Limit::ReceiptSize,
            actual: n + 1
        })
    );
    let s = possig::limits::MAX_STROKES;
    assert!(Strokes::new(10, 10, vec![vec![(1, 1)]; s]).is_ok());
    assert_eq!(
        Strokes::new(10, 10, vec![vec![(1, 1)]; s + 1]),
        Err(Error::LimitExceeded {
            limit: Limit::Strokes,
            actual: s + 1
        })
    );
    let e = possig::limits::MAX_EXTENSIONS;
    let with = |k: usize| {
        (0..k).fold(
            c.builder(ReceiptKind::Sale, T0)
                .payment(payment(Cvm::Pin, 1)),
            |b, i| b.extension(Extension::new(Oid::extension(100 + i as u8), false, b"").unwrap()),
        )
    };
    assert!(with(e).build().is_ok());
    assert_eq!(
        with(e + 1).build().unwrap_err(),
        Error::LimitExceeded {
            limit: Limit::Extensions,
            actual: e + 1
        }
    );
    let v = possig::limits::MAX_EXTENSION_VALUE;
    assert!(Extension::new(Oid::extension(101), false, &vec![0; v]).is_ok());
    assert_eq!(
        Extension::new(Oid::extension(101), false, &vec![0; v + 1]).unwrap_err(),
        Error::LimitExceeded {
            limit: Limit::ExtensionValue,
            actual: v + 1
        }
    );
}

struct FailingHsm(p256::ecdsa::SigningKey);

impl signature::Signer<p256::ecdsa::Signature> for FailingHsm {
    fn try_sign(&self, _msg: &[u8]) -> Result<p256::ecdsa::Signature, signature::Error> {
        Err(signature::Error::new())
    }
}

impl signature::Keypair for FailingHsm {
    type VerifyingKey = p256::ecdsa::VerifyingKey;
    fn verifying_key(&self) -> Self::VerifyingKey {
        *self.0.verifying_key()
    }
}

/// An "HSM" that signs the wrong bytes.
struct LyingHsm(p256::ecdsa::SigningKey);

impl signature::Signer<p256::ecdsa::Signature> for LyingHsm {
    fn try_sign(&self, msg: &[u8]) -> Result<p256::ecdsa::Signature, signature::Error> {
        let mut m = msg.to_vec();
        m.push(0);
        self.0.try_sign(&m)
    }
}

impl signature::Keypair for LyingHsm {
    type VerifyingKey = p256::ecdsa::VerifyingKey;
    fn verifying_key(&self) -> Self::VerifyingKey {
        *self.0.verifying_key()
    }
}

#[test]
fn signer_failed() {
    let draft = ok_chain()
        .builder(ReceiptKind::Sale, T0)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap();
    assert_eq!(
        draft
            .clone()
            .sign(&ExternalSigner(FailingHsm(key("term-ok"))))
            .unwrap_err(),
        Error::SignerFailed
    );
    assert_eq!(
        draft
            .sign(&ExternalSigner(LyingHsm(key("term-ok"))))
            .unwrap_err(),
        Error::SignerFailed
    );
}

/// A signature made elsewhere (here p256 over the draft's TBS, as pyca or a hand-driven HSM
/// would) is assembled into the same receipt the key signs itself; a signature over other
/// bytes, or the right signature with another key, is refused.
#[test]
fn a_signature_made_elsewhere_is_assembled_and_checked() {
    use signature::Signer;
    let draft = ok_chain()
        .builder(ReceiptKind::Sale, T0)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap();
    let k = key("term-ok");
    let tbs = draft.tbs_der().unwrap();
    let sig: p256::ecdsa::Signature = k.sign(&tbs);
    let assembled = draft.clone().assemble(&sig, k.verifying_key()).unwrap();
    let signed = draft.clone().sign(&k).unwrap();
    assert_eq!(assembled.to_der().unwrap(), signed.to_der().unwrap());
    verify_now(&assembled.to_der().unwrap()).unwrap();
    let other: p256::ecdsa::Signature = k.sign(b"other bytes");
    assert_eq!(
        draft
            .clone()
            .assemble(&other, k.verifying_key())
            .unwrap_err(),
        Error::SignerFailed
    );
    assert_eq!(
        draft
            .assemble(&sig, stranger_key().verifying_key())
            .unwrap_err(),
        Error::InvalidField {
            field: Field::SignerKeyId
        }
    );
}

#[test]
fn every_code_is_unique_and_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for c in Error::ALL_CODES {
        assert!(seen.insert(*c), "{c}");
        assert!(
            c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{c}"
        );
    }
}

#[test]
fn private_keys_of_other_algorithms_are_refused() {
    let bad = |name: &str| {
        String::from_utf8(std::fs::read(fixtures().join("../bad").join(name)).unwrap()).unwrap()
    };
    for k in ["p384.key.pem", "ed25519.key.pem"] {
        assert_eq!(
            possig::keys::signing_key_from_pkcs8_pem(&bad(k)).unwrap_err(),
            Error::UnsupportedAlgorithm {
                what: AlgorithmUse::PrivateKey
            },
            "{k}"
        );
    }
    assert_eq!(
        possig::keys::signing_key_from_pkcs8_pem(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        )
        .unwrap_err(),
        Error::Malformed {
            what: Structure::PrivateKey,
            offset: 0
        }
    );
}

/// PEM input: text around blocks and blocks of other labels are skipped; a block that cannot
/// be read is reported at its `-----BEGIN` line, bytes that are not UTF-8 at the first one.
#[test]
fn pem_bundles_and_their_errors() {
    let inter = String::from_utf8(fixture("intermediate.pem")).unwrap();
    let crl = String::from_utf8(fixture("intermediate.crl.pem")).unwrap();
    let key_block =
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQc=\n-----END PUBLIC KEY-----\n";
    let bundle = format!("issued by the demo CA\n{inter}\nand its CRL:\n{key_block}{crl}trailer\n");
    let mut b = TrustStore::builder();
    assert_eq!(b.add_bundle(bundle.as_bytes()), Ok((1, 1)));
    assert_eq!(TrustStore::builder().add_crl(bundle.as_bytes()), Ok(1));
    assert_eq!(TrustStore::builder().add_terminal(bundle.as_bytes()), Ok(1));

    let pem_at = |offset| Error::Malformed {
        what: Structure::Pem,
        offset,
    };
    // The CRL's END line cut off: the error names the CRL's BEGIN line, not the certificate.
    let cut = &bundle[..bundle.rfind("-----END X509 CRL").unwrap()];
    let crl_at = bundle.find("-----BEGIN X509 CRL").unwrap();
    assert_eq!(
        TrustStore::builder()
            .add_bundle(cut.as_bytes())
            .unwrap_err(),
        pem_at(crl_at)
    );
    assert_eq!(
        TrustStore::builder().add_crl(cut.as_bytes()).unwrap_err(),
        pem_at(crl_at)
    );
    // A character outside base64 inside the certificate's block.
    let cert_at = bundle.find("-----BEGIN CERTIFICATE").unwrap();
    let mut bad = bundle.clone().into_bytes();
    bad[cert_at + 40] = b'*';
    assert_eq!(
        TrustStore::builder().add_bundle(&bad).unwrap_err(),
        pem_at(cert_at)
    );
    // A BEGIN line that is not one.
    let broken = bundle.replacen("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE--", 1);
    assert_eq!(
        TrustStore::builder()
            .add_root(broken.as_bytes())
            .unwrap_err(),
        pem_at(cert_at)
    );
    // Not UTF-8: the offset of the first bad byte.
    let mut latin1 = bundle.clone().into_bytes();
    latin1[5] = 0xE9;
    assert_eq!(
        TrustStore::builder().add_bundle(&latin1).unwrap_err(),
        pem_at(5)
    );
    // No block at all, or none of the label asked for.
    assert_eq!(
        TrustStore::builder()
            .add_bundle(b"no pem here\n")
            .unwrap_err(),
        pem_at(0)
    );
    assert_eq!(
        TrustStore::builder().add_crl(inter.as_bytes()).unwrap_err(),
        pem_at(0)
    );
    assert_eq!(
        TrustStore::builder()
            .add_root(key_block.as_bytes())
            .unwrap_err(),
        pem_at(0)
    );
}
