//! Settlement files never panic, and every row lands in exactly one category.
#![no_main]
use libfuzzer_sys::fuzz_target;
use possig::journal::JournalOptions;
use possig_reconcile::{ReconcileOptions, reconcile};
use possig::{TrustStore, VerifyOptions};

fuzz_target!(|data: &[u8]| {
    let store = TrustStore::builder().build().unwrap();
    let opts = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(1_798_761_600)));
    let mut items = 0u64;
    if let Ok(report) = reconcile(&b""[..], data, &store, &opts, |_| items += 1) {
        assert!(report.is_conserved());
        assert_eq!(
            report.categories.values().map(|c| c.items).sum::<u64>(),
            items
        );
    }
});
