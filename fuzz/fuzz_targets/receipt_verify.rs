//! Verification against the fixture trust store never panics and accepts nothing but the bytes
//! of the golden vectors that verify (the seed corpus).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use possig::{UnverifiedReceipt, VerifyOptions};
use possig_fuzz::{NOW, store, vectors};

fn valid() -> &'static [Vec<u8>] {
    static V: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    V.get_or_init(|| {
        vectors()
            .into_iter()
            .filter(|d| {
                UnverifiedReceipt::from_der(d)
                    .and_then(|r| r.verify(store(), &VerifyOptions::at(NOW)))
                    .is_ok()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let r =
        UnverifiedReceipt::from_der(data).and_then(|r| r.verify(store(), &VerifyOptions::at(NOW)));
    if r.is_ok() {
        // A valid receipt may differ from a seed only in its (unsigned) attachments being absent.
        let stripped = UnverifiedReceipt::from_der(data)
            .unwrap()
            .without_attachments()
            .to_der()
            .unwrap();
        assert!(
            valid().iter().any(|v| v.as_slice() == data
                || UnverifiedReceipt::from_der(v)
                    .unwrap()
                    .without_attachments()
                    .to_der()
                    .unwrap()
                    == stripped),
            "accepted a receipt that is not a seed"
        );
    }
});
