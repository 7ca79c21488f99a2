//! Batch verification (the default of `verify_many` and `verify_journal`) gives exactly the
//! verdicts of single verification: batches with no, one, many and only invalid signatures,
//! of one key and several, with every kind of signature fault, and every golden vector.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::journal::{Event, JournalOptions, RecordOutcome, verify_journal, verify_many};
use possig::{Error, VerifyOptions};

fn outcomes(records: &[Vec<u8>], opts: &JournalOptions) -> Vec<RecordOutcome> {
    let mut out = Vec::new();
    verify_many(records, &store(), opts, |e| {
        if let Event::Record(r) = e {
            out.push(r);
        }
    });
    out
}

/// Per record: the error of `UnverifiedReceipt::verify` (None when valid).
fn single(records: &[Vec<u8>]) -> Vec<Option<Error>> {
    records.iter().map(|d| verify_now(d).err()).collect()
}

/// Batched with several seeds, and unbatched: every record's outcome equals single
/// verification's.
fn assert_same_as_single(records: &[Vec<u8>]) {
    let expected = single(records);
    let base = JournalOptions::new(VerifyOptions::at(NOW));
    for opts in [
        base.clone(),
        base.clone().with_batch_seed([1; 32]),
        base.clone().with_batch_seed([2; 32]),
        base.clone().without_batching(),
    ] {
        let got = outcomes(records, &opts);
        assert_eq!(got.len(), records.len());
        for (i, (o, e)) in got.iter().zip(&expected).enumerate() {
            // Unsigned records are reported with status `unsigned`, not their error.
            if o.status == possig::journal::Status::Unsigned {
                assert_eq!(*e, Some(Error::Unsigned), "record {i}");
            } else {
                assert_eq!(o.error, *e, "record {i} of {}", records.len());
            }
        }
    }
}

#[test]
fn batches_with_none_one_many_and_all_invalid() {
    for keys in [
        &["term-ok"][..],
        &["term-ok", "term-ok2", "term-revoked"][..],
    ] {
        for n in [1usize, 2, 3, 4, 5, 17, 64] {
            let valid = receipts(n, keys);
            assert_same_as_single(&valid);
            for at in [0, n / 2, n - 1] {
                let mut one = valid.clone();
                one[at] = corrupt(&one[at], at);
                assert_same_as_single(&one);
            }
            let many: Vec<Vec<u8>> = valid
                .iter()
                .enumerate()
                .map(|(i, d)| if i % 3 == 1 { corrupt(d, i) } else { d.clone() })
                .collect();
            assert_same_as_single(&many);
            let all = corrupt_all(&valid);
            assert_same_as_single(&all);
        }
    }
}

#[test]
fn a_large_batch_with_each_fault_once() {
    // 1,100 receipts (more than one journal chunk) with six faults spread out.
    let mut records = receipts(1100, &["term-ok", "term-ok2"]);
    for (k, at) in [3usize, 250, 511, 512, 1023, 1099].into_iter().enumerate() {
        records[at] = corrupt(&records[at], k);
    }
    assert_same_as_single(&records);
}

#[test]
fn every_golden_vector_alone_and_together() {
    let vectors = golden_vectors();
    for v in &vectors {
        assert_same_as_single(std::slice::from_ref(v));
    }
    assert_same_as_single(&vectors);
    // And the journal vector, batched and not, event for event.
    let journal = std::fs::read(vectors_dir().join("journal-day.bin")).unwrap();
    let run = |opts: &JournalOptions| {
        let mut events = Vec::new();
        verify_journal(journal.as_slice(), &store(), opts, |e| events.push(e)).unwrap();
        events
    };
    let base = JournalOptions::new(VerifyOptions::at(NOW));
    assert_eq!(run(&base), run(&base.clone().without_batching()));
}
