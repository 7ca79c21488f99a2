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

mod common;

use common::*;
use possig::journal::{
    Anchor, BadDayCloseReason, BadResignReason, Event, Finding, InclusionProof, JournalOptions,
    RecordOutcome, Status, verify_journal, verify_many,
};
use possig::{
    CardholderVerification as Cvm, Error, ReceiptKind, Terminal, UnverifiedReceipt, VerifyOptions,
};

struct Day {
    records: Vec<Vec<u8>>,
    expected: Vec<Finding>,
    statuses: Vec<(usize, Status, Option<&'static str>)>,
    close1: UnverifiedReceipt,
    in_batch1: UnverifiedReceipt,
    anchor_at_11: Anchor,
    index_of_c11: usize,
}

fn sale(t: &Terminal<possig::keys::SigningKey>, at: u64, amount: u64) -> possig::ReceiptBuilder {
    t.builder(ReceiptKind::Sale, at)
        .payment(payment(Cvm::Pin, amount))
}

/// The injected history (counters of key A in brackets):
/// batch 1 [0-6] closed by a valid dayClose [7]: sale, pending sale, copy, two unsigned records,
/// their recovery, the pending sale's resign. Batch 2 [8-9] closed by a dayClose with a wrong
/// root [10]. Open batch [11-22]: pending sale never re-signed, a resign of a non-pending sale,
/// an unsigned record never recovered, a tampered sale, a duplicate upload, two receipts
/// swapped, one deleted, a fork, a broken link. Key B (revoked) signs after its revocation.
/// Key A2 takes over from A by key rotation.
fn generate() -> Day {
    let t = T0;
    let mut a = Terminal::new(key("term-ok"), "M-1", "T-OK").unwrap();
    let ka = a.key_id();
    let mut out: Vec<UnverifiedReceipt> = Vec::new();
    let s1 = a.sign(sale(&a, t, 100)).unwrap();
    let p1 = a
        .sign(
            a.builder(ReceiptKind::Sale, t + 1)
                .payment(payment(Cvm::Pending, 200)),
        )
        .unwrap();
    let cp = a
        .sign(a.builder(ReceiptKind::Copy, t + 2).copy_of(s1.digest(), 1))
        .unwrap();
    let u1 = a.record_unsigned(sale(&a, t + 3, 300)).unwrap();
    let u2 = a.record_unsigned(sale(&a, t + 4, 400)).unwrap();
    let rec = a.recover(t + 5).unwrap();
    let rs1 = a
        .sign(
            a.builder(ReceiptKind::Resign, t + 6)
                .resign_of(p1.digest())
                .signature_strokes(strokes(2)),
        )
        .unwrap();
    let close1 = a.close_day(t + 7).unwrap();
    out.extend([
        s1.clone(),
        p1.clone(),
        cp.clone(),
        u1,
        u2,
        rec,
        rs1.clone(),
        close1.clone(),
    ]);
    let b1 = a.sign(sale(&a, t + 8, 800)).unwrap();
    let b2 = a.sign(sale(&a, t + 9, 900)).unwrap();
    let mut dc = a.day_close();
    dc.root = [9; 32];
    let close2 = a
        .sign(a.builder(ReceiptKind::DayClose, t + 10).day_close(dc))
        .unwrap();
    out.extend([b1, b2, close2.clone()]);
    let p2 = a
        .sign(
            a.builder(ReceiptKind::Sale, t + 11)
                .payment(payment(Cvm::Pending, 1100)),
        )
        .unwrap();
    let x = a.sign(sale(&a, t + 12, 1200)).unwrap();
    let bad_rs = a
        .sign(
            a.builder(ReceiptKind::Resign, t + 13)
                .resign_of(x.digest())
                .signature_strokes(strokes(3)),
        )
        .unwrap();
    let u3 = a.record_unsigned(sale(&a, t + 14, 1400)).unwrap();
    let tam = a.sign(sale(&a, t + 15, 1999)).unwrap();
    let r16 = a.sign(sale(&a, t + 16, 1600)).unwrap();
    let r17 = a.sign(sale(&a, t + 17, 1700)).unwrap();
    let r18 = a.sign(sale(&a, t + 18, 1800)).unwrap();
    let _r19_deleted = a.sign(sale(&a, t + 19, 1900)).unwrap();
    let r20 = a.sign(sale(&a, t + 20, 2000)).unwrap();
    let fork20 = possig::ReceiptBuilder::new(ReceiptKind::Sale)
        .signer_key_id(ka)
        .merchant_id("M-1")
        .terminal_id("T-OK")
        .chain(20, r20.tbs().previous().try_into().unwrap())
        .issued_at(t + 20)
        .payment(payment(Cvm::Pin, 1))
        .build()
        .unwrap()
        .sign(&key("term-ok"))
        .unwrap();
    let broken21 = sale(&a, t + 21, 2100)
        .chain(21, [7; 32])
        .build()
        .unwrap()
        .sign(&key("term-ok"))
        .unwrap();
    let mut a_cont =
        Terminal::resume(key("term-ok"), "M-1", "T-OK", 22, broken21.digest()).unwrap();
    let r22 = a_cont.sign(sale(&a_cont, t + 22, 2200)).unwrap();

    let mut tampered = tam.to_der().unwrap();
    let pos = tampered
        .windows(4)
        .position(|w| w == [0x02, 0x02, 0x07, 0xcf])
        .unwrap();
    tampered[pos + 3] ^= 1;

    let mut records: Vec<Vec<u8>> = out.iter().map(|r| r.to_der().unwrap()).collect();
    let index_of_c11 = records.len();
    for r in [&p2, &x, &bad_rs, &u3] {
        records.push(r.to_der().unwrap());
    }
    records.push(tampered);
    records.push(r16.to_der().unwrap());
    records.push(r16.to_der().unwrap()); // duplicate upload
    records.push(r18.to_der().unwrap()); // swapped with 17
    records.push(r17.to_der().unwrap());
    records.push(r20.to_der().unwrap()); // 19 deleted
    records.push(fork20.to_der().unwrap());
    records.push(broken21.to_der().unwrap());
    records.push(r22.to_der().unwrap());

    // Key B: revoked, signs after its revocation.
    let mut b = Terminal::new(key("term-revoked"), "M-1", "T-REV").unwrap();
    let kb = b.key_id();
    records.push(
        b.sign(sale(&b, revocation_time() + 60, 5))
            .unwrap()
            .to_der()
            .unwrap(),
    );

    // Key A2: rotation from A's last receipt.
    let mut a2 = a_cont.rotate(key("term-ok2")).unwrap();
    let ka2 = a2.key_id();
    records.push(a2.sign(sale(&a2, t + 30, 3000)).unwrap().to_der().unwrap());

    let n = |i: usize| i as u64;
    let expected = vec![
        Finding::ChainStart {
            key: ka,
            counter: 0,
            how: "genesis",
        },
        Finding::Copy {
            digest: cp.digest(),
            original: s1.digest(),
            reprint: 1,
        },
        Finding::UnsignedCovered {
            key: ka,
            counter: 3,
        },
        Finding::UnsignedCovered {
            key: ka,
            counter: 4,
        },
        Finding::ReSigned {
            digest: p1.digest(),
            resigned_at: t + 6,
        },
        Finding::BadDayClose {
            key: ka,
            counter: 10,
            reason: BadDayCloseReason::Root,
        },
        Finding::BadResign {
            digest: bad_rs.digest(),
            reason: BadResignReason::NotPending,
        },
        Finding::Duplicate {
            key: ka,
            counter: 16,
            index: n(17),
        },
        Finding::Reordered {
            key: ka,
            counter: 17,
            index: n(19),
        },
        Finding::Fork {
            key: ka,
            counter: 20,
            index: n(21),
        },
        Finding::BrokenLink {
            key: ka,
            counter: 21,
        },
        Finding::ChainStart {
            key: kb,
            counter: 0,
            how: "genesis",
        },
        Finding::ChainStart {
            key: ka2,
            counter: 0,
            how: "rotation",
        },
        Finding::Rotation {
            from: ka,
            to: ka2,
            matches: true,
        },
        // End of input.
        Finding::Gap {
            key: ka,
            from: 19,
            to: 19,
        },
        Finding::UnsignedUncovered {
            key: ka,
            counter: 14,
        },
        Finding::Pending {
            digest: p2.digest(),
            terminal: "T-OK".into(),
            issued_at: t + 11,
            age: NOW - (t + 11),
        },
        Finding::OpenBatch {
            key: ka,
            first: 11,
            count: 11,
        },
        Finding::OpenBatch {
            key: kb,
            first: 0,
            count: 1,
        },
        Finding::OpenBatch {
            key: ka2,
            first: 0,
            count: 1,
        },
    ];
    let statuses = vec![
        (3, Status::Unsigned, None),
        (4, Status::Unsigned, None),
        (14, Status::Unsigned, None),
        (15, Status::Invalid, Some("bad_signature")),
        (24, Status::Invalid, Some("revoked")),
    ];
    let anchor_at_11 = Anchor {
        counter: 10,
        digest: close2.digest(),
    };
    Day {
        records,
        expected,
        statuses,
        close1,
        in_batch1: s1,
        anchor_at_11,
        index_of_c11,
    }
}

fn run(
    records: &[Vec<u8>],
    opts: &JournalOptions,
) -> (Vec<RecordOutcome>, Vec<Finding>, possig::journal::Summary) {
    let mut outcomes = Vec::new();
    let mut findings = Vec::new();
    let journal: Vec<u8> = records.concat();
    let summary = verify_journal(journal.as_slice(), &store(), opts, |e| match e {
        Event::Record(r) => outcomes.push(r),
        Event::Finding(f) => findings.push(f),
    })
    .unwrap();
    (outcomes, findings, summary)
}

fn sort_ends(mut f: Vec<Finding>, start: usize) -> Vec<Finding> {
    // End-of-input findings of one kind come in key order; sort the tail for a stable compare.
    f[start..].sort_by_key(|x| format!("{x:?}"));
    f
}

#[test]
fn every_injected_problem_and_nothing_else() {
    let day = generate();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (outcomes, findings, summary) = run(&day.records, &opts);
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
    let day = generate();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let (outcomes, findings, summary) = run(&day.records, &opts);
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
    let day = generate();
    let tail = &day.records[day.index_of_c11..];
    let ka = possig::key_id(key("term-ok").verifying_key()).unwrap();
    let (_, without, _) = run(tail, &JournalOptions::new(VerifyOptions::at(NOW)));
    assert_eq!(
        without[0],
        Finding::ChainStart {
            key: ka,
            counter: 11,
            how: "first_seen"
        }
    );
    let opts = JournalOptions::new(VerifyOptions::at(NOW)).with_anchor(ka, day.anchor_at_11);
    let (_, with, _) = run(tail, &opts);
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
            digest: [1; 32],
        },
    );
    let (_, broken, _) = run(tail, &bad);
    assert!(broken.contains(&Finding::BrokenLink {
        key: ka,
        counter: 11
    }));
}

#[test]
fn garbage_between_records_is_reported_and_skipped() {
    let day = generate();
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
    let day = generate();
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
    let (outcomes, findings, _) = run(
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
