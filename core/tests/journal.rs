//! Journal verification: a generated history with every finding injected produces exactly
//! those findings; a directory of receipts equals the journal; anchors; corruption resync;
//! inclusion proofs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::journal::{
    Anchor, Event, Finding, InclusionProof, JournalOptions, RecordOutcome, Status, verify_journal,
    verify_many,
};
use possig::{Error, Terminal, UnverifiedReceipt, VerifyOptions};

fn sort_ends(mut f: Vec<Finding>, start: usize) -> Vec<Finding> {
    // End-of-input findings of one kind come in key order; sort the tail for a stable compare.
    f[start..].sort_by_key(|x| format!("{x:?}"));
    f
}

#[test]
fn every_injected_problem_and_nothing_else() {
    let day = generate_day();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (outcomes, findings, summary) = run_journal(&day.records, &opts);
    assert_eq!(outcomes.len(), day.records.len());
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o.index, i as u64);
        let want = day
            .statuses
            .iter()
            .find(|s| s.0 == i)
            .map(|s| (s.1, s.2))
            .unwrap_or((Status::Valid, None));
        assert_eq!((o.status, o.code), want, "record {i}");
    }
    assert_eq!(sort_ends(findings, 14), sort_ends(day.expected.clone(), 14));
    assert_eq!(summary.records, day.records.len() as u64);
    assert_eq!(summary.total.status["unsigned"], 3);
    assert_eq!(summary.total.errors["revoked"], 1);
    assert_eq!(summary.terminals["T-OK"].findings["gap"], 1);
    assert!(!summary.is_clean());
}

#[test]
fn a_directory_of_receipts_gives_the_same_results_as_the_journal() {
    let day = generate_day();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (outcomes, findings, summary) = run_journal(&day.records, &opts);
    let mut o2 = Vec::new();
    let mut f2 = Vec::new();
    let s2 = verify_many(&day.records, &store(), &opts, |e| match e {
        Event::Record(r) => o2.push(r),
        Event::Finding(f) => f2.push(f),
    });
    assert_eq!(f2, findings);
    let strip = |v: Vec<RecordOutcome>| {
        v.into_iter()
            .map(|mut r| {
                r.offset = 0;
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(o2), strip(outcomes));
    assert_eq!(s2.total, summary.total);
}

#[test]
fn partial_export_with_and_without_anchor() {
    let day = generate_day();
    let tail = &day.records[day.index_of_c11..];
    let ka = possig::key_id(key("term-ok").verifying_key()).unwrap();
    let (_, without, _) = run_journal(tail, &JournalOptions::new(VerifyOptions::at(NOW)));
    assert_eq!(
        without[0],
        Finding::ChainStart {
            key: ka,
            counter: 11,
            how: "first_seen"
        }
    );
    let opts = JournalOptions::new(VerifyOptions::at(NOW)).with_anchor(ka, day.anchor_at_11);
    let (_, with, _) = run_journal(tail, &opts);
    assert_eq!(
        with[0],
        Finding::ChainStart {
            key: ka,
            counter: 11,
            how: "anchor"
        }
    );
    assert!(
        !with
            .iter()
            .any(|f| matches!(f, Finding::BrokenLink { counter: 11, .. }))
    );
    // A wrong anchor digest breaks the first link.
    let bad = JournalOptions::new(VerifyOptions::at(NOW)).with_anchor(
        ka,
        Anchor {
            counter: 10,
            digest: possig::Digest([1; 32]),
        },
    );
    let (_, broken, _) = run_journal(tail, &bad);
    assert!(broken.contains(&Finding::BrokenLink {
        key: ka,
        counter: 11
    }));
}

#[test]
fn garbage_between_records_is_reported_and_skipped() {
    let day = generate_day();
    let mut journal = Vec::new();
    journal.extend_from_slice(&day.records[0]);
    let garbage_at = journal.len() as u64;
    journal.extend_from_slice(&[0x30, 0xff, 0x00, 0x13, 0x37]);
    for r in &day.records[1..8] {
        journal.extend_from_slice(r);
    }
    let mut findings = Vec::new();
    let mut n = 0;
    verify_journal(
        journal.as_slice(),
        &store(),
        &JournalOptions::new(VerifyOptions::at(NOW)),
        |e| match e {
            Event::Record(_) => n += 1,
            Event::Finding(f) => findings.push(f),
        },
    )
    .unwrap();
    assert_eq!(n, 8);
    assert!(findings.contains(&Finding::MalformedRecord {
        offset: garbage_at,
        len: 5
    }));
    assert!(
        !findings
            .iter()
            .any(|f| matches!(f, Finding::Gap { .. } | Finding::BadDayClose { .. }))
    );
}

#[test]
fn inclusion_proof_round_trip_and_rejections() {
    let day = generate_day();
    let journal: Vec<u8> = day.records.concat();
    let opts = VerifyOptions::at(NOW);
    let store = store();
    let proof = InclusionProof::find(journal.as_slice(), &day.in_batch1)
        .unwrap()
        .expect("in batch 1");
    assert_eq!(proof.day_close().digest(), day.close1.digest());
    let der = proof.to_der().unwrap();
    let proof = InclusionProof::from_der(&der).unwrap();
    assert!(proof.verify(&day.in_batch1, &store, &opts).is_ok());
    // Another receipt of the same batch does not fit this proof's position.
    let other = UnverifiedReceipt::from_der(&day.records[1]).unwrap();
    assert_eq!(
        proof.verify(&other, &store, &opts).unwrap_err(),
        Error::InclusionProofInvalid
    );
    // A receipt of the open batch has no proof.
    let open = UnverifiedReceipt::from_der(&day.records[day.index_of_c11]).unwrap();
    assert!(
        InclusionProof::find(journal.as_slice(), &open)
            .unwrap()
            .is_none()
    );
    // A flipped path byte fails.
    let mut bad = der.clone();
    let n = bad.len();
    bad[n - 3] ^= 1;
    assert_eq!(
        InclusionProof::from_der(&bad)
            .unwrap()
            .verify(&day.in_batch1, &store, &opts)
            .unwrap_err(),
        Error::InclusionProofInvalid
    );
}

#[test]
fn an_invalid_copy_of_a_counter_accuses_nobody() {
    // An edited upload of an existing receipt is invalid; it is not a fork, duplicate or replay.
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let r0 = a.sign(sale(&a, T0, 1999)).unwrap();
    let r1 = a.sign(sale(&a, T0 + 1, 5)).unwrap();
    let mut edited = r0.to_der().unwrap();
    let pos = edited
        .windows(4)
        .position(|w| w == [0x02, 0x02, 0x07, 0xcf])
        .unwrap();
    edited[pos + 3] ^= 1;
    let (outcomes, findings, _) = run_journal(
        &[r0.to_der().unwrap(), r1.to_der().unwrap(), edited],
        &JournalOptions::new(VerifyOptions::at(NOW)),
    );
    assert_eq!(outcomes[2].code, Some("bad_signature"));
    let ka = a.key_id();
    assert_eq!(
        findings,
        vec![
            Finding::ChainStart {
                key: ka,
                counter: 0,
                how: "genesis"
            },
            Finding::OpenBatch {
                key: ka,
                first: 0,
                count: 2
            },
        ]
    );
}

fn findings_of(records: &[Vec<u8>]) -> Vec<Finding> {
    run_journal(records, &JournalOptions::new(VerifyOptions::at(NOW)))
        .1
        .into_iter()
        .filter(|f| !f.is_informational())
        .collect()
}

#[test]
fn bad_recovery_bad_day_close_and_bad_resigns() {
    use possig::journal::{BadDayCloseReason, BadResignReason};
    use possig::{CardholderVerification as Cvm, ReceiptKind};
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let ka = a.key_id();
    let u = a.record_unsigned(sale(&a, T0, 1)).unwrap();
    // A recovery naming the right record with a wrong root.
    let bad_rec = a
        .sign(
            a.builder(ReceiptKind::Recovery, T0 + 1)
                .recovery(0, 1, [3; 32]),
        )
        .unwrap();
    // A close whose totals lie (one sale of 1 cent claimed as 2).
    let mut dc = a.day_close();
    dc.totals[0].amount += 1;
    let bad_totals = a
        .sign(a.builder(ReceiptKind::DayClose, T0 + 2).day_close(dc))
        .unwrap();
    // Next close with a batch number that skips one.
    let s = a.sign(sale(&a, T0 + 3, 5)).unwrap();
    let mut dc = a.day_close();
    dc.batch_number += 1;
    let bad_number = a
        .sign(a.builder(ReceiptKind::DayClose, T0 + 4).day_close(dc))
        .unwrap();
    // A resign for a receipt nobody saw, and one for another terminal's pending sale.
    let unknown = a
        .sign(
            a.builder(ReceiptKind::Resign, T0 + 5)
                .resign_of([5; 32])
                .signature_strokes(strokes(1)),
        )
        .unwrap();
    let mut b = Terminal::new(key("term-ok2"), "M-1", "T-OTHER").unwrap();
    let pending_b = b
        .sign(
            b.builder(ReceiptKind::Sale, T0 + 6)
                .payment(payment(Cvm::Pending, 9)),
        )
        .unwrap();
    let cross = a
        .sign(
            a.builder(ReceiptKind::Resign, T0 + 7)
                .resign_of(pending_b.digest())
                .signature_strokes(strokes(2)),
        )
        .unwrap();
    let recs: Vec<Vec<u8>> = [
        &u,
        &bad_rec,
        &bad_totals,
        &s,
        &bad_number,
        &pending_b,
        &unknown,
        &cross,
    ]
    .iter()
    .map(|r| r.to_der().unwrap())
    .collect();
    assert_eq!(
        findings_of(&recs),
        vec![
            Finding::BadRecovery {
                key: ka,
                counter: 1
            },
            Finding::BadDayClose {
                key: ka,
                counter: 2,
                reason: BadDayCloseReason::Totals
            },
            Finding::BadDayClose {
                key: ka,
                counter: 4,
                reason: BadDayCloseReason::BatchNumber
            },
            Finding::BadResign {
                digest: unknown.digest(),
                reason: BadResignReason::UnknownOriginal
            },
            Finding::BadResign {
                digest: cross.digest(),
                reason: BadResignReason::OtherTerminal
            },
            Finding::UnsignedUncovered {
                key: ka,
                counter: 0
            },
            Finding::Pending {
                digest: pending_b.digest(),
                terminal: "T-OTHER".into(),
                issued_at: T0 + 6,
                age: NOW - T0 - 6
            },
        ]
    );
}

#[test]
fn incomplete_batch_and_replay_after_close() {
    use possig::journal::BadDayCloseReason;
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let ka = a.key_id();
    let r0 = a.sign(sale(&a, T0, 1)).unwrap();
    let _r1_lost = a.sign(sale(&a, T0 + 1, 2)).unwrap();
    let close = a.close_day(T0 + 2).unwrap();
    let recs = vec![
        r0.to_der().unwrap(),
        close.to_der().unwrap(),
        r0.to_der().unwrap(),
    ];
    assert_eq!(
        findings_of(&recs),
        vec![
            Finding::BadDayClose {
                key: ka,
                counter: 2,
                reason: BadDayCloseReason::Incomplete
            },
            Finding::Replay {
                key: ka,
                counter: 0,
                index: 2
            },
            Finding::Gap {
                key: ka,
                from: 1,
                to: 1
            },
        ]
    );
}

#[test]
fn chunks_are_reported_in_input_order() {
    use possig::journal::CHUNK_RECORDS;
    // Two and a half chunks over three keys, with faults, and garbage exactly at a chunk
    // boundary and in the middle of the third chunk: chunks are verified while the previous
    // one is fed, and events must still come in input order, record for record.
    let n = 2 * CHUNK_RECORDS + CHUNK_RECORDS / 2;
    let mut records = receipts(n, &["term-ok", "term-ok2", "term-revoked"]);
    for at in [
        5,
        CHUNK_RECORDS - 1,
        CHUNK_RECORDS,
        2 * CHUNK_RECORDS + 7,
        n - 1,
    ] {
        records[at] = corrupt(&records[at], at);
    }
    let garbage = [0x30u8, 0xff, 0x00, 0x13, 0x37];
    let mut journal = Vec::new();
    // What the events must say, in order: a record (its offset) or garbage (offset, length).
    let mut expected = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if i == CHUNK_RECORDS || i == 2 * CHUNK_RECORDS + 100 {
            expected.push((false, journal.len() as u64));
            journal.extend_from_slice(&garbage);
        }
        expected.push((true, journal.len() as u64));
        journal.extend_from_slice(r);
    }
    let mut seen = Vec::new();
    let mut outcomes = Vec::new();
    verify_journal(
        journal.as_slice(),
        &store(),
        &JournalOptions::new(VerifyOptions::at(NOW)),
        |e| match e {
            Event::Record(o) => {
                seen.push((true, o.offset));
                outcomes.push(o);
            }
            Event::Finding(Finding::MalformedRecord { offset, len }) => {
                assert_eq!(len, garbage.len() as u64);
                seen.push((false, offset));
            }
            Event::Finding(_) => {}
        },
    )
    .unwrap();
    assert_eq!(seen, expected);
    let warm = store();
    for (i, (o, der)) in outcomes.iter().zip(&records).enumerate() {
        assert_eq!(o.index, i as u64);
        let single = UnverifiedReceipt::from_der(der)
            .unwrap()
            .verify(&warm, &VerifyOptions::at(NOW))
            .err();
        assert_eq!(o.error, single, "record {i}");
    }
}

#[test]
fn an_input_error_ends_the_run_after_whole_chunks() {
    use possig::journal::CHUNK_RECORDS;
    // Records are read while the chunk before them is verified: an error of the input in the
    // third chunk still ends the run with that error, after the events of the chunks fed
    // before it, record for record, and without the end-of-input findings.
    struct Failing<'a> {
        data: &'a [u8],
        fail_at: usize,
    }
    impl std::io::Read for Failing<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_at == 0 {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = out.len().min(self.fail_at).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            self.fail_at -= n;
            Ok(n)
        }
    }
    let n = 2 * CHUNK_RECORDS + CHUNK_RECORDS / 2;
    let records = receipts(n, &["term-ok", "term-ok2"]);
    let journal: Vec<u8> = records.concat();
    let third_chunk: usize = records[..2 * CHUNK_RECORDS + 10].iter().map(Vec::len).sum();
    let mut offsets = Vec::new();
    let mut end_findings = 0;
    let err = verify_journal(
        Failing {
            data: &journal,
            fail_at: third_chunk,
        },
        &store(),
        &JournalOptions::new(VerifyOptions::at(NOW)),
        |e| match e {
            Event::Record(o) => offsets.push(o.offset),
            Event::Finding(Finding::OpenBatch { .. }) => end_findings += 1,
            Event::Finding(_) => {}
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "disk gone");
    assert_eq!(end_findings, 0);
    // The first chunk was fed while the second was verified and the third read; the second
    // was verified but not fed.
    let expected: Vec<u64> = records[..CHUNK_RECORDS]
        .iter()
        .scan(0u64, |at, r| {
            let here = *at;
            *at += r.len() as u64;
            Some(here)
        })
        .collect();
    assert_eq!(offsets, expected);
}

#[test]
fn end_of_input_findings_come_in_key_order() {
    // Every key of the fixture store: a chain with a hole at counter 1 (a gap at the end) and
    // no day close (an open batch at the end).
    let names = [
        "term-ok",
        "term-ok2",
        "term-expired",
        "term-revoked",
        "term-noeku",
    ];
    let mut records = Vec::new();
    for name in names {
        let mut c = Chain::new(key(name), "M-1", &format!("T-{name}"));
        for i in 0..3u64 {
            let r = c.sale(possig::CardholderVerification::Pin, 100 + i, T0 + i);
            if i != 1 {
                records.push(r.to_der().unwrap());
            }
        }
    }
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (_, findings, _) = run_journal(&records, &opts);
    let (mut gaps, mut open) = (Vec::new(), Vec::new());
    for f in &findings {
        match f {
            Finding::Gap { key, .. } => gaps.push(*key),
            Finding::OpenBatch { key, .. } => open.push(*key),
            _ => {}
        }
    }
    assert_eq!(gaps.len(), names.len());
    assert!(gaps.windows(2).all(|w| w[0] < w[1]), "gaps in key order");
    assert!(!open.is_empty());
    assert!(
        open.windows(2).all(|w| w[0] < w[1]),
        "open batches in key order"
    );
}

#[test]
fn a_day_close_closes_only_its_own_keys_window() {
    // Two terminals interleaved: A closes its day between B's receipts. The open windows of all
    // keys share one map, so A's close must see exactly A's receipts, and remove only them.
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-A").unwrap();
    let mut b = Terminal::new(key("term-ok2"), "M-1", "T-B").unwrap();
    let (ka, kb) = (a.key_id(), b.key_id());
    let a0 = a.sign(sale(&a, T0, 1)).unwrap();
    let a1 = a.sign(sale(&a, T0 + 1, 2)).unwrap();
    let b0 = b.sign(sale(&b, T0 + 2, 3)).unwrap();
    let b1 = b.sign(sale(&b, T0 + 3, 4)).unwrap();
    let close = a.close_day(T0 + 4).unwrap();
    let b2 = b.sign(sale(&b, T0 + 5, 5)).unwrap();
    let a3 = a.sign(sale(&a, T0 + 6, 6)).unwrap();
    let a4 = a.sign(sale(&a, T0 + 7, 7)).unwrap();
    // B comes first, so its window sorts before A's in the shared map.
    let records: Vec<Vec<u8>> = [&b0, &a0, &a1, &b1, &close, &b2, &a3, &a4, &a0, &b1]
        .iter()
        .map(|r| r.to_der().unwrap())
        .collect();
    let (outcomes, findings, summary) =
        run_journal(&records, &JournalOptions::new(VerifyOptions::at(NOW)));
    assert!(outcomes.iter().all(|o| o.status == Status::Valid));
    let mut problems: Vec<Finding> = findings
        .iter()
        .filter(|f| !matches!(f, Finding::ChainStart { .. }))
        .cloned()
        .collect();
    let open_at = problems.len() - 2;
    problems[open_at..].sort_by_key(|f| match f {
        Finding::OpenBatch { key, .. } => *key != ka,
        _ => true,
    });
    assert_eq!(
        problems,
        vec![
            // A's first receipt, after A's close: outside its window.
            Finding::Replay {
                key: ka,
                counter: 0,
                index: 8
            },
            // B's window still holds B's receipts.
            Finding::Duplicate {
                key: kb,
                counter: 1,
                index: 9
            },
            Finding::OpenBatch {
                key: ka,
                first: 3,
                count: 2
            },
            Finding::OpenBatch {
                key: kb,
                first: 0,
                count: 3
            },
        ]
    );
    assert_eq!(summary.terminals["T-A"].findings["replay"], 1);
    assert_eq!(summary.terminals["T-B"].findings["duplicate"], 1);
    assert_eq!(summary.terminals["T-B"].findings["open_batch"], 1);
}

/// The summary, recomputed from the event stream by its documented rules: a record counts
/// under its terminal id (`""` when it does not decode); a finding about a key counts under
/// the terminal of that key's first record, a pending signature under its own terminal, a
/// malformed record under none, and any other finding under the record just reported.
fn summary_of_events(events: &[Event]) -> possig::journal::Summary {
    use std::collections::HashMap;
    let mut s = possig::journal::Summary::default();
    let mut key_terminal: HashMap<possig::KeyId, String> = HashMap::new();
    let mut last_terminal: Option<String> = None;
    for e in events {
        match e {
            Event::Record(r) => {
                s.records += 1;
                let name = r.terminal.as_deref().unwrap_or_default().to_string();
                if let (Some(k), Some(t)) = (r.key_id, &r.terminal) {
                    key_terminal.entry(k).or_insert_with(|| t.to_string());
                }
                for c in [&mut s.total, s.terminals.entry(name).or_default()] {
                    *c.status.entry(r.status.code()).or_default() += 1;
                    if let Some(code) = r.code {
                        *c.errors.entry(code).or_default() += 1;
                    }
                }
                last_terminal = r.terminal.as_deref().map(str::to_string);
            }
            Event::Finding(f) => {
                *s.total.findings.entry(f.code()).or_default() += 1;
                let key = match f {
                    Finding::ChainStart { key, .. }
                    | Finding::Gap { key, .. }
                    | Finding::Fork { key, .. }
                    | Finding::Duplicate { key, .. }
                    | Finding::Reordered { key, .. }
                    | Finding::Replay { key, .. }
                    | Finding::BrokenLink { key, .. }
                    | Finding::UnsignedCovered { key, .. }
                    | Finding::UnsignedUncovered { key, .. }
                    | Finding::BadRecovery { key, .. }
                    | Finding::BadDayClose { key, .. }
                    | Finding::OpenBatch { key, .. } => Some(*key),
                    Finding::Rotation { to, .. } => Some(*to),
                    _ => None,
                };
                let terminal = match f {
                    Finding::MalformedRecord { .. } => None,
                    Finding::Pending { terminal, .. } => Some(terminal.clone()),
                    _ => key
                        .and_then(|k| key_terminal.get(&k).cloned())
                        .or(last_terminal.clone()),
                };
                if let Some(t) = terminal {
                    *s.terminals
                        .entry(t)
                        .or_default()
                        .findings
                        .entry(f.code())
                        .or_default() += 1;
                }
            }
        }
    }
    s
}

#[test]
fn the_summary_counts_what_the_events_say() {
    // The generated day (every kind of finding, valid, invalid and unsigned records, three
    // terminals), with garbage in the middle (a malformed record, counted under no terminal)
    // and a record whose key the store does not know.
    let day = generate_day();
    let mut journal: Vec<u8> = Vec::new();
    for (i, r) in day.records.iter().enumerate() {
        if i == day.records.len() / 2 {
            journal.extend_from_slice(b"\x30\x03not a receipt");
        }
        journal.extend_from_slice(r);
    }
    let mut stranger = Terminal::new(stranger_key(), "M-9", "T-STRANGER").unwrap();
    let unknown_key = stranger.sign(sale(&stranger, T0, 5)).unwrap();
    journal.extend_from_slice(&unknown_key.to_der().unwrap());
    let mut events = Vec::new();
    let summary = verify_journal(
        journal.as_slice(),
        &store(),
        &JournalOptions::new(VerifyOptions::at(NOW)),
        |e| events.push(e),
    )
    .unwrap();
    let mut expected = summary_of_events(&events);
    expected.bytes = journal.len() as u64;
    assert!(expected.total.findings.contains_key("malformed_record"));
    for t in ["", "T-OK", "T-STRANGER"] {
        assert!(expected.terminals.contains_key(t), "{t}");
    }
    assert_eq!(summary, expected);
}
