//! Scale: 10⁶ receipts reconciled against 10⁶ settlement rows, both generated lazily (never
//! held in memory as input), with bounded memory. Run in release by `make scale-test` (part of
//! `make test`): `cargo test --release -p possig --test reconcile_scale -- --ignored --nocapture`.
//!
//! Shape: one terminal key; 99 of every 100 receipts are sales recorded unsigned (cheap to make
//! and check) and covered by a signed `recovery`; a signed `dayClose` every 10,000 records.
//! Every sale has its settlement row (unique RRN), so nearly everything is `matched`, which is
//! the case that keeps the most state (every row and every receipt until the end).
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
use possig::journal::JournalOptions;
use possig::keys::SigningKey;
use possig::{Terminal, VerifyOptions};
use possig_reconcile::{Category, ReconcileOptions, reconcile};

const RECORDS: u64 = 1_000_000;

fn rrn(i: u64) -> String {
    format!("{:012}", 100_000_000_000 + i)
}

fn sale_at(i: u64) -> u64 {
    T0 + i / 100
}

#[test]
#[ignore = "10⁶ receipts × 10⁶ rows: run in release by `make scale-test`"]
fn a_million_receipts_against_a_million_rows_in_bounded_memory() {
    let store = store();
    let mut t: Terminal<SigningKey> = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let mut made = 0u64;
    let journal = Lazy::new(move || {
        if made == RECORDS {
            return None;
        }
        let i = made;
        made += 1;
        let at = sale_at(i);
        let r = if (i + 1).is_multiple_of(10_000) {
            t.close_day(at).unwrap()
        } else if (i + 1).is_multiple_of(100) || (i + 2).is_multiple_of(10_000) {
            t.recover(at).unwrap()
        } else {
            let mut p = payment(possig::CardholderVerification::Pin, 100 + i % 5000);
            p.rrn = rrn(i);
            let b = t.builder(possig::ReceiptKind::Sale, at).payment(p);
            t.record_unsigned(b).unwrap()
        };
        Some(r.to_der().unwrap())
    });
    // One row per sale (the same indices as the journal's sales), then rows no receipt has
    // until there are 10⁶ rows.
    let mut row = 0u64;
    let mut header = true;
    let settlement = Lazy::new(move || {
        if header {
            header = false;
            return Some(
                b"terminal_id,batch,rrn,authorization_code,amount,currency,time,kind\n".to_vec(),
            );
        }
        let i = row;
        if i >= RECORDS {
            return None;
        }
        row += 1;
        let is_sale = !((i + 1).is_multiple_of(10_000)
            || (i + 1).is_multiple_of(100)
            || (i + 2).is_multiple_of(10_000));
        let (r, amount) = if is_sale {
            (rrn(i), 100 + i % 5000)
        } else {
            (format!("X{:011}", i), 777)
        };
        Some(format!("T-OK,1,{r},A1B2C3,{amount},EUR,{},sale\n", sale_at(i)).into_bytes())
    });
    let opts = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)));
    let before = peak_rss_kib();
    let start = Instant::now();
    let mut findings = 0u64;
    let report = reconcile(
        std::io::BufReader::new(journal),
        std::io::BufReader::new(settlement),
        &store,
        &opts,
        |item| findings += u64::from(item.category.is_finding()),
    )
    .unwrap();
    let elapsed = start.elapsed();
    let growth_mib = peak_rss_kib().saturating_sub(before) / 1024;
    println!(
        "{} receipts ({} MB) × {} rows in {:.1?} ({:.0} receipts/s); peak RSS grew by \
         {growth_mib} MiB ({} bytes per receipt+row)",
        report.receipts,
        report.journal.bytes / 1_000_000,
        report.rows,
        elapsed,
        report.receipts as f64 / elapsed.as_secs_f64(),
        growth_mib * 1024 * 1024 / (report.receipts + report.rows)
    );
    assert_eq!(report.receipts, RECORDS);
    assert_eq!(report.rows, RECORDS);
    assert!(report.is_conserved());
    assert_eq!(report.items(Category::Matched), 989_900);
    // The 10,100 recovery and dayClose receipts settle nothing; the rows at their indices
    // have no receipt.
    assert_eq!(report.items(Category::NoSettlementExpected), 10_100);
    assert_eq!(report.items(Category::MissingReceipt), 10_100);
    assert_eq!(findings, 10_100);
    // The bound (module docs of possig_reconcile): ~210 bytes per receipt and ~125 per row
    // plus allocator overhead; measured 433 MiB for 10⁶ × 10⁶.
    assert!(growth_mib < 512, "peak RSS grew by {growth_mib} MiB");
}
