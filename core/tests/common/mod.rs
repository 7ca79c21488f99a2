//! Test helpers shared by the integration tests and the golden-vector generator
//! (`examples/gen_vectors.rs` includes this file).
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

use std::path::PathBuf;

use p256::elliptic_curve::PrimeField;
use possig::keys::SigningKey;
use possig::{
    CardholderVerification, EntryMode, Payment, ReceiptBuilder, ReceiptKind, Strokes, TrustStore,
    UnverifiedReceipt,
};

/// Verification time of every golden vector: 2027-01-01T00:00:00Z (after the fixture CRL's
/// thisUpdate, before every validity end except term-expired's).
pub const NOW: u64 = 1_798_761_600;
/// A normal issue time: 2026-06-01T10:00:00Z.
pub const T0: u64 = 1_780_308_000;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pki")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn key(name: &str) -> SigningKey {
    let pem = String::from_utf8(fixture(&format!("{name}.key.pem"))).unwrap();
    possig::keys::signing_key_from_pkcs8_pem(&pem).unwrap()
}

/// A key that no certificate in the fixture store carries.
pub fn stranger_key() -> SigningKey {
    possig::keys::signing_key_from_bytes(&[7u8; 32]).unwrap()
}

pub fn store() -> TrustStore {
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")).unwrap();
    b.add_intermediate(&fixture("intermediate.pem")).unwrap();
    for t in [
        "term-ok",
        "term-ok2",
        "term-expired",
        "term-revoked",
        "term-noeku",
    ] {
        b.add_terminal(&fixture(&format!("{t}.pem"))).unwrap();
    }
    b.add_crl(&fixture("root.crl.pem")).unwrap();
    b.add_crl(&fixture("intermediate.crl.pem")).unwrap();
    b.build().unwrap()
}

/// Revocation time of term-revoked in the fixture CRL.
pub fn revocation_time() -> u64 {
    use der::Decode;
    let pem = fixture("intermediate.crl.pem");
    let (_, der) = der::pem::decode_vec(&pem).unwrap();
    let crl =
        x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der).unwrap();
    crl.tbs_cert_list.revoked_certificates.unwrap()[0]
        .revocation_date
        .to_unix_duration()
        .as_secs()
}

pub fn payment(cvm: CardholderVerification, amount: u64) -> Payment {
    Payment {
        amount,
        currency: "EUR".into(),
        scheme: "VISA".into(),
        bin: "411111".into(),
        last4: "1111".into(),
        entry_mode: EntryMode::Chip,
        authorization_code: Some("A1B2C3".into()),
        rrn: "612345678901".into(),
        cardholder_verification: cvm,
        original: None,
    }
}

pub fn strokes(seed: u16) -> Strokes {
    let mut s1 = Vec::new();
    for i in 0..40u16 {
        s1.push((20 + i * 7, 100 + (i * seed) % 60));
    }
    let s2 = vec![(300, 50), (310, 150), (305, 160), (600, 20)];
    Strokes::new(640, 200, vec![s1, s2]).unwrap()
}

/// One signing key's chain state: counter and previous digest.
pub struct Chain {
    pub key: SigningKey,
    pub counter: u64,
    pub previous: [u8; 32],
    pub merchant: String,
    pub terminal: String,
}

impl Chain {
    pub fn new(key: SigningKey, merchant: &str, terminal: &str) -> Self {
        Chain {
            key,
            counter: 0,
            previous: [0; 32],
            merchant: merchant.into(),
            terminal: terminal.into(),
        }
    }

    pub fn builder(&self, kind: ReceiptKind, at: u64) -> ReceiptBuilder {
        ReceiptBuilder::new(kind)
            .signer_key_id(possig::key_id(self.key.verifying_key()).unwrap())
            .merchant_id(&self.merchant)
            .terminal_id(&self.terminal)
            .chain(self.counter, self.previous)
            .issued_at(at)
    }

    pub fn sign(&mut self, b: ReceiptBuilder) -> UnverifiedReceipt {
        let r = b.build().unwrap().sign(&self.key).unwrap();
        self.counter += 1;
        self.previous = r.digest();
        r
    }

    pub fn sale(&mut self, cvm: CardholderVerification, amount: u64, at: u64) -> UnverifiedReceipt {
        let b = self
            .builder(ReceiptKind::Sale, at)
            .payment(payment(cvm, amount));
        let b = if cvm == CardholderVerification::Signature {
            b.signature_strokes(strokes(3))
        } else {
            b
        };
        self.sign(b)
    }
}

/// Replaces s by n − s and flips v's parity bit: the other, high-S encoding of one signature.
pub fn high_s_variant(der: &[u8], sig: &[u8]) -> Vec<u8> {
    let s_bytes: [u8; 32] = sig[32..64].try_into().unwrap();
    let s = p256::Scalar::from_repr(s_bytes.into()).unwrap();
    let neg = (-s).to_repr();
    let mut new_sig = sig.to_vec();
    new_sig[32..64].copy_from_slice(&neg);
    new_sig[64] ^= 1;
    replace_once(der, sig, &new_sig)
}

pub fn replace_once(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let pos = hay
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present");
    let mut out = hay.to_vec();
    out[pos..pos + needle.len()].copy_from_slice(with);
    out
}
