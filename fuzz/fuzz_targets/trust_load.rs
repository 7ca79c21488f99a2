//! Certificate, CRL and bundle loading never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use possig::TrustStore;

fuzz_target!(|data: &[u8]| {
    let mut b = TrustStore::builder();
    let _ = b.add_root(data);
    let _ = b.add_intermediate(data);
    let _ = b.add_terminal(data);
    let _ = b.add_crl(data);
    let _ = b.add_bundle(data);
    let _ = b.build();
});
