//! Structure-aware (`arbitrary`): builds a receipt from arbitrary fields, and whenever the
//! builder accepts it, signing succeeds, decode → encode is byte-identical, the text form round
//! trips, verification against the fixture store succeeds with the same TBS, and one edited
//! byte anywhere in the signed receipt makes verification fail.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use possig::keys::SigningKey;
use possig::{
    DayClose, Extension, Oid, Payment, ReceiptBuilder, ReceiptKind, Strokes, UnverifiedReceipt,
    VerifyOptions,
};
use possig_fuzz::{NOW, T0, key, store};

#[derive(Debug, Arbitrary)]
struct Input {
    kind: ReceiptKind,
    merchant: String,
    terminal: String,
    counter: u64,
    previous: [u8; 32],
    /// Seconds after T0, reduced into [T0, NOW].
    issued: u32,
    payment: Option<Payment>,
    copy: Option<([u8; 32], u16)>,
    resign: Option<[u8; 32]>,
    strokes: Option<(u16, u16, Vec<Vec<(u16, u16)>>)>,
    recovery: Option<(u64, u64, [u8; 32])>,
    day_close: Option<DayClose>,
    extensions: Vec<(u8, bool, Vec<u8>)>,
    /// Position (modulo the length) and XOR mask of a one-byte edit of the signed receipt.
    edit: (u16, u8),
}

fn signer() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| key("term-ok"))
}

fuzz_target!(|input: Input| {
    let k = signer();
    let mut b = ReceiptBuilder::new(input.kind)
        .signer_key_id(possig::key_id(k.verifying_key()).unwrap())
        .merchant_id(&input.merchant)
        .terminal_id(&input.terminal)
        .chain(input.counter, input.previous)
        .issued_at(T0 + u64::from(input.issued) % (NOW - T0));
    if let Some(p) = input.payment {
        b = b.payment(p);
    }
    if let Some((original, n)) = input.copy {
        b = b.copy_of(original, n);
    }
    if let Some(original) = input.resign {
        b = b.resign_of(original);
    }
    if let Some((w, h, s)) = input.strokes {
        match Strokes::new(w, h, s) {
            Ok(s) => b = b.signature_strokes(s),
            Err(e) => assert!(!e.code().is_empty()),
        }
    }
    if let Some((first, count, root)) = input.recovery {
        b = b.recovery(first, count, root);
    }
    if let Some(dc) = input.day_close {
        b = b.day_close(dc);
    }
    let critical_extension = input.extensions.iter().any(|(_, critical, _)| *critical);
    for (arc, critical, value) in input.extensions {
        match Extension::new(Oid::extension(arc), critical, &value) {
            Ok(e) => b = b.extension(e),
            Err(e) => assert!(!e.code().is_empty()),
        }
    }
    let draft = match b.build() {
        Ok(d) => d,
        Err(e) => {
            assert!(!e.code().is_empty());
            return;
        }
    };
    let tbs = draft.tbs().clone();
    let receipt = match draft.sign(k) {
        Ok(r) => r,
        // Only the size limit may refuse a built draft.
        Err(e) => {
            assert_eq!(e.code(), "limit_exceeded", "{e:?}");
            return;
        }
    };
    let der = receipt.to_der().unwrap();
    let decoded = UnverifiedReceipt::from_der(&der).unwrap();
    assert_eq!(
        decoded.to_der().unwrap(),
        der,
        "decode → encode changed bytes"
    );
    assert_eq!(decoded.tbs(), &tbs);
    let text = possig::printable::text::encode(&der);
    assert_eq!(possig::printable::text::decode(&text).unwrap(), der);
    let opts = VerifyOptions::at(NOW);
    match decoded.verify(store(), &opts) {
        Ok(v) => assert_eq!(v.tbs(), &tbs),
        // A terminal may sign a critical extension no verifier knows (possig knows none but
        // its own): the one refusal of a well-signed receipt from a valid certificate.
        Err(possig::Error::UnknownCriticalExtension { .. }) if critical_extension => {}
        Err(e) => panic!("a signed receipt did not verify: {e:?}"),
    }
    let (pos, mask) = input.edit;
    if mask != 0 {
        let mut edited = der.clone();
        let i = usize::from(pos) % edited.len();
        edited[i] ^= mask;
        let r = UnverifiedReceipt::from_der(&edited).and_then(|r| r.verify(store(), &opts));
        assert!(
            r.is_err(),
            "an edited receipt verified (byte {i} ^ {mask:#04x})"
        );
    }
});
