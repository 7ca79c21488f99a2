//! Verification against the fixture trust store never panics and accepts nothing but the bytes
//! of the golden vectors that verify (the seed corpus).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use possig::{TrustStore, UnverifiedReceipt, VerifyOptions};

/// 2027-01-01T00:00:00Z, the golden vectors' verification time.
const NOW: u64 = 1_798_761_600;

struct Fixed {
    store: TrustStore,
    valid: Vec<Vec<u8>>,
}

fn fixed() -> &'static Fixed {
    static F: OnceLock<Fixed> = OnceLock::new();
    F.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/");
        let read = |p: &str| std::fs::read(format!("{dir}{p}")).expect(p);
        let mut b = TrustStore::builder();
        b.add_root(&read("fixtures/pki/root.pem")).unwrap();
        b.add_intermediate(&read("fixtures/pki/intermediate.pem")).unwrap();
        for t in ["term-ok", "term-ok2", "term-expired", "term-revoked", "term-noeku"] {
            b.add_terminal(&read(&format!("fixtures/pki/{t}.pem"))).unwrap();
        }
        b.add_crl(&read("fixtures/pki/root.crl.pem")).unwrap();
        b.add_crl(&read("fixtures/pki/intermediate.crl.pem")).unwrap();
        let store = b.build().unwrap();
        let opts = VerifyOptions::at(NOW);
        let valid = std::fs::read_dir(format!("{dir}vectors"))
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .filter(|d| UnverifiedReceipt::from_der(d).and_then(|r| r.verify(&store, &opts)).is_ok())
            .collect();
        Fixed { store, valid }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixed();
    let r = UnverifiedReceipt::from_der(data).and_then(|r| r.verify(&f.store, &VerifyOptions::at(NOW)));
    if r.is_ok() {
        // A valid receipt may differ from a seed only in its (unsigned) attachments being absent.
        let stripped = UnverifiedReceipt::from_der(data).unwrap().without_attachments().to_der().unwrap();
        assert!(
            f.valid.iter().any(|v| v.as_slice() == data
                || UnverifiedReceipt::from_der(v).unwrap().without_attachments().to_der().unwrap() == stripped),
            "accepted a receipt that is not a seed"
        );
    }
});
