//! Scale: a journal of 10⁶ receipts, generated lazily (never held in memory), verified with
//! bounded memory. Run in release by `make scale-test` (part of `make test`):
//! `cargo test --release -p possig --test journal_scale -- --ignored --nocapture`.
//!
//! Shape: one terminal key; 99 receipts recorded unsigned (cheap to make and to check) then a
//! signed `recovery` committing to them; a signed `dayClose` every 10,000 records. So the
//! verifier's window, the pending unsigned records and the chunk are all exercised at scale,
//! and peak memory must not grow with the number of receipts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use std::time::Instant;

use common::*;
use possig::journal::{Event, JournalOptions, Status, verify_journal};
use possig::keys::SigningKey;
use possig::{Terminal, VerifyOptions};

const RECORDS: u64 = 1_000_000;

struct Generator {
    t: Terminal<SigningKey>,
    made: u64,
}

impl Generator {
    fn next_record(&mut self) -> Option<Vec<u8>> {
        if self.made == RECORDS {
            return None;
        }
        let i = self.made;
        let at = T0 + i / 100;
        let r = if (i + 1).is_multiple_of(10_000) {
            self.t.close_day(at).unwrap()
        } else if (i + 1).is_multiple_of(100) || (i + 2).is_multiple_of(10_000) {
            self.t.recover(at).unwrap()
        } else {
            let b = sale(&self.t, at, 100 + i % 5000);
            self.t.record_unsigned(b).unwrap()
        };
        self.made += 1;
        Some(r.to_der().unwrap())
    }
}

#[test]
#[ignore = "10⁶ records: run in release by `make scale-test`"]
fn a_million_receipts_in_bounded_memory() {
    let store = store();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let mut generator = Generator {
        t: Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap(),
        made: 0,
    };
    let before = peak_rss_kib();
    let start = Instant::now();
    let mut problems = 0u64;
    let summary = verify_journal(
        std::io::BufReader::new(Lazy::new(move || generator.next_record())),
        &store,
        &opts,
        |e| match e {
            Event::Record(r) => {
                if !matches!(r.status, Status::Valid | Status::Unsigned) {
                    problems += 1;
                }
            }
            Event::Finding(f) => {
                if !f.is_informational() {
                    problems += 1;
                }
            }
        },
    )
    .unwrap();
    let elapsed = start.elapsed();
    let growth_mib = (peak_rss_kib().saturating_sub(before)) / 1024;
    println!(
        "{} records, {} MB in {:.1?} ({:.0} records/s); peak RSS grew by {growth_mib} MiB",
        summary.records,
        summary.bytes / 1_000_000,
        elapsed,
        summary.records as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(summary.records, RECORDS);
    assert_eq!(problems, 0, "{:?}", summary.total);
    assert_eq!(summary.total.status["unsigned"], 989_900);
    assert_eq!(summary.total.findings["unsigned_covered"], 989_900);
    assert_eq!(summary.total.status["valid"], 10_100);
    assert!(
        summary.bytes > 200_000_000,
        "the input is far larger than the memory bound"
    );
    // The bound: a window of ≤ 10,000 receipts, one chunk of 1,024 records, buffers. 64 MiB is
    // generous; what matters is that it does not scale with the 10⁶ records (≈ 250 MB of input).
    assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB");
}
