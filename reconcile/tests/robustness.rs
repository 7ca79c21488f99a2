//! Random mutations of a settlement file: never a panic, always a typed error or a conserved
//! report. Deterministic (fixed-seed xorshift), so a failure reproduces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig::VerifyOptions;
use possig_testkit::fixtures::{NOW, Rng, golden_vectors, mutate, store};

#[test]
fn mutated_settlement_files_never_panic() {
    let store = store();
    let mut rng = Rng(0x51ed_270b_2758_99f1);
    let csv = "terminal_id,batch,rrn,authorization_code,amount,currency,time,kind\n\
               T-1,1,000000000101,7Q2P9K,450,EUR,2026-11-20T08:05:00Z,sale\n\
               T-1,1,\"000000000102\",,1999,EUR,1795132800,refund\n";
    let journal: Vec<u8> = golden_vectors().concat();
    let options = possig_reconcile::ReconcileOptions::new(possig::journal::JournalOptions::new(
        VerifyOptions::at(NOW),
    ));
    for _ in 0..2_000 {
        let m = mutate(&mut rng, csv.as_bytes());
        let mut items = 0u64;
        match possig_reconcile::reconcile(&journal[..], &m[..], &store, &options, |_| items += 1) {
            Ok(report) => {
                assert!(report.is_conserved());
                assert_eq!(
                    report.categories.values().map(|c| c.items).sum::<u64>(),
                    items
                );
            }
            Err(e) => assert!(possig_reconcile::Error::ALL_CODES.contains(&e.code())),
        }
    }
}
