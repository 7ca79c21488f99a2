//! Journal streaming and verification never panic; exactly one outcome per record.
#![no_main]
use libfuzzer_sys::fuzz_target;
use possig::journal::{Event, JournalOptions, verify_journal};
use possig::{TrustStore, VerifyOptions};

fuzz_target!(|data: &[u8]| {
    let store = TrustStore::builder().build().unwrap();
    let mut records = 0u64;
    let summary = verify_journal(
        data,
        &store,
        &JournalOptions::new(VerifyOptions::at(1_798_761_600)),
        |e| {
            if let Event::Record(_) = e {
                records += 1;
            }
        },
    )
    .unwrap();
    assert_eq!(summary.records, records);
});
