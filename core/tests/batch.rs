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

mod common;

use common::*;
use possig::journal::{Event, JournalOptions, RecordOutcome, verify_journal, verify_many};
use possig::{CardholderVerification as Cvm, Error, UnverifiedReceipt, VerifyOptions};

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

/// `n` valid receipts over `keys` fixture keys, interleaved.
fn receipts(n: usize, keys: &[&str]) -> Vec<Vec<u8>> {
    let mut chains: Vec<Chain> = keys
        .iter()
        .map(|k| Chain::new(key(k), "M-1", &format!("T-{k}")))
        .collect();
    let len = chains.len();
    (0..n)
        .map(|i| {
            chains[i % len]
                .sale(Cvm::Pin, 100 + i as u64, T0 + i as u64)
                .to_der()
                .unwrap()
        })
        .collect()
}

/// The `k`-th kind of signature fault applied to a valid receipt.
fn corrupt(der: &[u8], k: usize) -> Vec<u8> {
    let r = UnverifiedReceipt::from_der(der).unwrap();
    let sig = r.signature().to_vec();
    let mut bad = sig.clone();
    match k % 6 {
        0 => bad[7] ^= 0x10,                   // r edited: bad_signature
        1 => bad[40] ^= 0x01,                  // s edited: bad_signature
        2 => bad[64] ^= 1,                     // wrong parity: wrong_recovery_id
        3 => bad[64] ^= 2,                     // claims x ≥ n: wrong_recovery_id
        4 => return high_s_variant(der, &sig), // high_s
        _ => {
            // The message edited (the amount): bad_signature.
            let mut d = der.to_vec();
            let pos = d.len() - 80;
            d[pos] ^= 1;
            return d;
        }
    }
    replace_once(der, &sig, &bad)
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
            let all: Vec<Vec<u8>> = valid
                .iter()
                .enumerate()
                .map(|(i, d)| corrupt(d, i))
                .collect();
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
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut vectors: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    vectors.sort();
    for v in &vectors {
        assert_same_as_single(std::slice::from_ref(v));
    }
    assert_same_as_single(&vectors);
    // And the journal vector, batched and not, event for event.
    let journal = std::fs::read(dir.join("journal-day.bin")).unwrap();
    let run = |opts: &JournalOptions| {
        let mut events = Vec::new();
        verify_journal(journal.as_slice(), &store(), opts, |e| events.push(e)).unwrap();
        events
    };
    let base = JournalOptions::new(VerifyOptions::at(NOW));
    assert_eq!(run(&base), run(&base.clone().without_batching()));
}
