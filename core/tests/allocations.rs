//! Journal streaming allocates nothing per receipt beyond the record itself: its bytes as read
//! and its decoded form. Path validation, the outcome, the chain state and the batch equations
//! allocate per chunk, per key or per terminal, never per receipt.
//!
//! Counted with a global allocator that counts every allocation of the process while enabled
//! (rayon's worker threads included). One test per binary, so nothing else allocates meanwhile.
#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use common::*;
use possig::UnverifiedReceipt;
use possig::VerifyOptions;
use possig::journal::{CHUNK_RECORDS, Event, JournalOptions, Status, verify_journal, verify_many};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is atomic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (and reallocations) made while `f` runs, on any thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    ALLOCATIONS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let r = f();
    COUNTING.store(false, Ordering::SeqCst);
    (r, ALLOCATIONS.load(Ordering::SeqCst))
}

/// Amortized allocations allowed per receipt for everything that is not the record: chunk
/// vectors, batch equations, chain windows (a B-tree node per several receipts), per-key and
/// per-terminal state. A single per-receipt allocation would make it at least 1.
const AMORTIZED_PER_RECEIPT: f64 = 0.25;

/// Allocations allowed per invalid record: a failed batch is searched by bisection, and each
/// of its ~2·log2(2048) equation checks builds its own term vectors.
const PER_INVALID_RECORD: u64 = 256;

/// Allocations of one decoded receipt: its TBS copy (the bytes the signature covers). Its
/// short fields (digests, signature, ids, card and currency codes) are stored inline.
const DECODE_ALLOCATIONS: u64 = 1;

/// What the records themselves cost: each one decoded once, plus its buffer as read.
fn record_allocations(records: &[Vec<u8>]) -> u64 {
    let decoded: u64 = records
        .iter()
        .map(|r| allocations(|| UnverifiedReceipt::from_der(r).map(drop)).1)
        .sum();
    assert!(decoded > 0, "the counter counts");
    assert!(
        decoded <= DECODE_ALLOCATIONS * records.len() as u64,
        "{decoded} allocations to decode {} records",
        records.len()
    );
    eprintln!(
        "decoding: {:.2} allocations per record",
        decoded as f64 / records.len() as f64
    );
    decoded + records.len() as u64
}

/// Allocations of `verify_journal` over `records` beyond the records' own, after a warm-up
/// run (rayon's pool, lazily built statics); checks the verdicts.
fn journal_allocations(records: &[Vec<u8>], invalid: usize) -> u64 {
    let journal: Vec<u8> = records.concat();
    let store = store();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let run = || {
        let (mut valid, mut not_valid) = (0usize, 0usize);
        let summary = verify_journal(journal.as_slice(), &store, &opts, |e| {
            if let Event::Record(o) = e {
                match o.status {
                    Status::Valid => valid += 1,
                    _ => not_valid += 1,
                }
            }
        })
        .unwrap();
        (summary.records, valid, not_valid)
    };
    run();
    let ((seen, valid, not_valid), total) = allocations(run);
    assert_eq!(seen, records.len() as u64);
    assert_eq!((valid, not_valid), (records.len() - invalid, invalid));
    total.saturating_sub(record_allocations(records))
}

#[test]
fn journal_streaming_allocates_only_the_records() {
    // Two chunks and a half over two keys: chunks verified while others are fed.
    let n = 2 * CHUNK_RECORDS + CHUNK_RECORDS / 2;
    let mut records = receipts(n, &["term-ok", "term-ok2"]);

    let beyond = journal_allocations(&records, 0);
    let per_receipt = beyond as f64 / n as f64;
    eprintln!("all valid: {per_receipt:.3} allocations per receipt beyond the record");
    assert!(
        per_receipt < AMORTIZED_PER_RECEIPT,
        "{per_receipt:.3} allocations per receipt beyond the record ({beyond} in all)"
    );

    // verify_many copies each receipt into its queue (the record's buffer) and does the rest
    // the same way.
    let store = store();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (summary, total) = allocations(|| verify_many(&records, &store, &opts, |_| {}));
    assert_eq!(summary.records, n as u64);
    let per_receipt = total.saturating_sub(record_allocations(&records)) as f64 / n as f64;
    assert!(
        per_receipt < AMORTIZED_PER_RECEIPT,
        "verify_many: {per_receipt:.3} allocations per receipt beyond the record"
    );

    // One record in 97 invalid, in every chunk: the bisection's allocations are per invalid
    // record, bounded.
    for i in (0..n).step_by(97) {
        records[i] = corrupt(&records[i], i);
    }
    let invalid = n.div_ceil(97);
    let beyond = journal_allocations(&records, invalid);
    let allowed = (AMORTIZED_PER_RECEIPT * n as f64) as u64 + PER_INVALID_RECORD * invalid as u64;
    eprintln!(
        "{invalid} invalid: {beyond} allocations beyond the records, {:.1} per invalid record",
        beyond as f64 / invalid as f64
    );
    assert!(beyond <= allowed, "{beyond} allocations, {allowed} allowed");
}
