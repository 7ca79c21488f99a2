//! Reconciliation: a simulated day with known injected discrepancies yields exactly those
//! findings; conservation (every receipt and row in exactly one item) on randomized inputs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use std::collections::BTreeMap;

use common::*;
use possig::journal::{JournalOptions, JournalReader};
use possig::{Terminal, VerifyOptions};
use possig_reconcile::SettlementColumn;
use possig_reconcile::{Category, ColumnMap, Item, Reason, ReconcileOptions, reconcile};
use possig_testkit::simulate::{Expected, SimTerminal, SimulatedDay, simulate_day};
use proptest::prelude::*;

fn day(per_terminal: usize, seed: u64, with_revoked: bool) -> SimulatedDay {
    let rev = revocation_time();
    let day_start = rev - 14 * 3600; // the revocation falls at 14:00 of the simulated day
    let mut terminals = vec![
        SimTerminal {
            terminal: Terminal::new(key("term-ok"), "M-100 Cafe", "T-100").unwrap(),
            id: "T-100".into(),
            revoked_at: None,
        },
        SimTerminal {
            terminal: Terminal::new(key("term-ok2"), "M-200 Kiosk", "T-200").unwrap(),
            id: "T-200".into(),
            revoked_at: None,
        },
    ];
    if with_revoked {
        terminals.push(SimTerminal {
            terminal: Terminal::new(key("term-revoked"), "M-300 Bar", "T-300").unwrap(),
            id: "T-300".into(),
            revoked_at: Some(rev),
        });
    }
    simulate_day(terminals, day_start, per_terminal, seed).unwrap()
}

fn options() -> ReconcileOptions {
    ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)))
}

fn run(
    journal: &[u8],
    csv: &str,
    opts: &ReconcileOptions,
) -> (possig_reconcile::Report, Vec<Item>) {
    let store = store();
    let mut items = Vec::new();
    let report = reconcile(journal, csv.as_bytes(), &store, opts, |i| {
        items.push(i.clone())
    })
    .unwrap();
    (report, items)
}

fn finding_keys(items: &[Item]) -> Vec<Expected> {
    let mut v: Vec<Expected> = items
        .iter()
        .filter(|i| i.category.is_finding())
        .map(Expected::of)
        .collect();
    v.sort();
    v
}

/// Every receipt index and every row line appears in exactly one item.
fn assert_partition(report: &possig_reconcile::Report, items: &[Item]) {
    assert!(report.is_conserved(), "{report:?}");
    let mut receipts = vec![0u32; report.receipts as usize];
    let mut lines = BTreeMap::new();
    for it in items {
        for r in [&it.receipt, &it.related].into_iter().flatten() {
            receipts[r.index as usize] += 1;
        }
        if let Some(row) = &it.row {
            *lines.entry(row.line).or_insert(0u32) += 1;
        }
    }
    assert!(
        receipts.iter().all(|&n| n == 1),
        "receipt counts {receipts:?}"
    );
    assert_eq!(lines.len() as u64, report.rows);
    assert!(lines.values().all(|&n| n == 1), "row counts {lines:?}");
    let n: u64 = report.categories.values().map(|c| c.items).sum();
    assert_eq!(n, items.len() as u64);
}

#[test]
fn a_simulated_day_yields_exactly_the_injected_findings() {
    let sim = day(200, 7, true);
    assert!(sim.receipts > 600, "{}", sim.receipts);
    let (report, items) = run(&sim.journal, &sim.settlement_csv, &options());
    assert_eq!(report.receipts, sim.receipts as u64);
    assert_eq!(report.rows, sim.rows as u64);
    assert_partition(&report, &items);
    assert_eq!(finding_keys(&items), sim.expected);
    // Everything else is in order, and every kind of good outcome occurs.
    for c in [
        Category::Matched,
        Category::Copy,
        Category::Voided,
        Category::NoSettlementExpected,
    ] {
        assert!(report.items(c) > 0, "{c:?}: {:?}", report.categories);
    }
    // The revoked terminal's invalid receipts carry the `revoked` code.
    let revoked = items
        .iter()
        .filter(|i| i.category == Category::InvalidReceipt && i.terminal() == "T-300")
        .map(|i| i.receipt.as_ref().unwrap().code)
        .collect::<Vec<_>>();
    assert!(
        !revoked.is_empty() && revoked.iter().all(|c| *c == Some("revoked")),
        "{revoked:?}"
    );
    let tampered = items
        .iter()
        .find(|i| i.category == Category::InvalidReceipt && i.terminal() == "T-100")
        .unwrap();
    assert_eq!(
        tampered.receipt.as_ref().unwrap().code,
        Some("bad_signature")
    );
    // Re-signed signatures are in order; the one never given is flagged with its age.
    let pending = items
        .iter()
        .find(|i| i.category == Category::PendingSignature)
        .unwrap();
    assert!(pending.pending_for.unwrap() > 7 * 86_400);
    assert!(
        pending.row.is_some(),
        "the settled row goes with the pending receipt"
    );
    // Unsigned records covered by the recovery match their rows.
    assert!(items.iter().any(
        |i| i.category == Category::Matched && i.receipt.as_ref().unwrap().status == "unsigned"
    ));
    assert!(!report.is_clean());
}

#[test]
fn pending_days_and_window_are_options() {
    let sim = day(40, 3, false);
    // With a year of grace nothing is pending too long.
    let (report, _) = run(
        &sim.journal,
        &sim.settlement_csv,
        &options().with_pending_days(365),
    );
    assert_eq!(report.items(Category::PendingSignature), 0);
    // With a zero window every row whose time differs at all is a time mismatch.
    let (report, items) = run(&sim.journal, &sim.settlement_csv, &options().with_window(0));
    assert!(items.iter().any(|i| i.reason == Some(Reason::Time)));
    assert_partition(&report, &items);
}

#[test]
fn columns_named_by_code() {
    // The codes the CLI and the bindings take map the same columns as the enumeration.
    let by_code = ColumnMap::default()
        .with_code("terminal_id", "TID")
        .and_then(|m| m.with_code(" rrn ", "Retrieval Ref"))
        .unwrap();
    assert_eq!(by_code.header(SettlementColumn::Terminal), "TID");
    assert_eq!(by_code.header(SettlementColumn::Rrn), "Retrieval Ref");
    assert_eq!(by_code.header(SettlementColumn::Amount), "amount");
    for unknown in ["terminal", "TERMINAL_ID", "", "rrn=x"] {
        let err = ColumnMap::default().with_code(unknown, "x").unwrap_err();
        assert_eq!(err, possig_reconcile::Error::UnknownColumn, "{unknown:?}");
        assert_eq!(err.code(), "unknown_column");
        assert_eq!(err.kind(), possig::ErrorKind::Malformed);
        assert!(err.to_string().contains("terminal_id, batch, rrn"), "{err}");
    }
}

#[test]
fn renamed_columns_are_mapped() {
    let sim = day(30, 5, false);
    let renamed = sim.settlement_csv.replacen(
        "terminal_id,batch,rrn,authorization_code,amount,currency,time,kind",
        "TID,Batch No,Retrieval Ref,Approval,Amount Minor,Ccy,Txn Time,Type",
        1,
    );
    let map = ColumnMap::default()
        .with(SettlementColumn::Terminal, "TID")
        .with(SettlementColumn::Batch, "Batch No")
        .with(SettlementColumn::Rrn, "Retrieval Ref")
        .with(SettlementColumn::AuthorizationCode, "approval")
        .with(SettlementColumn::Amount, "Amount Minor")
        .with(SettlementColumn::Currency, "Ccy")
        .with(SettlementColumn::Time, "Txn Time")
        .with(SettlementColumn::Kind, "Type");
    let (a, _) = run(&sim.journal, &sim.settlement_csv, &options());
    let (b, _) = run(&sim.journal, &renamed, &options().with_columns(map));
    assert_eq!(a, b);
    let store = store();
    let err = reconcile(
        &sim.journal[..],
        renamed.as_bytes(),
        &store,
        &options(),
        |_| {},
    )
    .unwrap_err();
    assert_eq!(
        err,
        possig_reconcile::Error::SettlementHeader {
            column: SettlementColumn::Terminal
        }
    );
}

#[test]
fn refunds_voids_and_completions_are_checked_against_their_originals() {
    // A refund of a sale from another journal that is not provided, and one exceeding it.
    let mut t = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
    let sale = t.sign(sale(&t, T0, 1000)).unwrap();
    let mut p = payment(possig::CardholderVerification::None, 600);
    p.rrn = "R2".into();
    p.original = Some(sale.digest());
    let r1 = t
        .sign(
            t.builder(possig::ReceiptKind::Refund, T0 + 10)
                .payment(p.clone()),
        )
        .unwrap();
    p.rrn = "R3".into();
    let r2 = t
        .sign(
            t.builder(possig::ReceiptKind::Refund, T0 + 20)
                .payment(p.clone()),
        )
        .unwrap();
    p.rrn = "R4".into();
    p.original = Some(possig::Digest([9; 32]));
    let orphan = t
        .sign(t.builder(possig::ReceiptKind::Void, T0 + 30).payment(p))
        .unwrap();
    let journal: Vec<u8> = [&sale, &r1, &r2, &orphan]
        .iter()
        .flat_map(|r| r.to_der().unwrap())
        .collect();
    let csv = format!(
        "terminal_id,rrn,amount,currency,time,kind\n\
         T-1,612345678901,1000,EUR,{T0},sale\nT-1,R2,600,EUR,{},refund\nT-1,R3,600,EUR,{},refund\n",
        T0 + 10,
        T0 + 20
    );
    let (report, items) = run(&journal, &csv, &options());
    assert_partition(&report, &items);
    let got: Vec<_> = items.iter().map(|i| (i.category, i.reason)).collect();
    assert_eq!(
        got,
        vec![
            (Category::Matched, None),
            (Category::Matched, None),
            (
                Category::ReferenceMismatch,
                Some(Reason::RefundExceedsOriginal)
            ),
            (Category::ReferenceMismatch, Some(Reason::OriginalNotFound)),
        ]
    );
}

/// Mutations of a simulated day: drop, repeat or corrupt journal records; drop, repeat or
/// alter settlement rows.
#[derive(Debug, Clone)]
enum Mutation {
    DropRecord(usize),
    RepeatRecord(usize),
    CorruptRecord(usize, usize),
    DropRow(usize),
    RepeatRow(usize),
    BumpAmount(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropRecord),
        any::<usize>().prop_map(Mutation::RepeatRecord),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::CorruptRecord(a, b)),
        any::<usize>().prop_map(Mutation::DropRow),
        any::<usize>().prop_map(Mutation::RepeatRow),
        any::<usize>().prop_map(Mutation::BumpAmount),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn conservation_on_randomized_inputs(seed in 0u64..1000, mutations in prop::collection::vec(mutation(), 0..12)) {
        let sim = day(30, seed, seed % 2 == 0);
        let mut records: Vec<Vec<u8>> = {
            let mut r = JournalReader::new(&sim.journal[..]);
            let mut v = Vec::new();
            while let Some(possig::journal::JournalItem::Record { der, .. }) = r.next_item().unwrap() {
                v.push(der);
            }
            v
        };
        let mut lines: Vec<String> = sim.settlement_csv.lines().map(str::to_string).collect();
        let header = lines.remove(0);
        for m in mutations {
            match m {
                Mutation::DropRecord(i) if !records.is_empty() => { let n = records.len(); records.remove(i % n); }
                Mutation::RepeatRecord(i) if !records.is_empty() => { let r = records[i % records.len()].clone(); records.push(r); }
                Mutation::CorruptRecord(i, b) if !records.is_empty() => {
                    let n = records.len();
                    let r = &mut records[i % n];
                    let k = b % r.len();
                    r[k] ^= 0x40;
                }
                Mutation::DropRow(i) if !lines.is_empty() => { let n = lines.len(); lines.remove(i % n); }
                Mutation::RepeatRow(i) if !lines.is_empty() => { let l = lines[i % lines.len()].clone(); lines.push(l); }
                Mutation::BumpAmount(i) if !lines.is_empty() => {
                    let n = lines.len();
                    let l = &mut lines[i % n];
                    *l = l.replacen(",EUR,", "1,EUR,", 1);
                }
                _ => {}
            }
        }
        let journal: Vec<u8> = records.concat();
        let csv = format!("{header}\n{}\n", lines.join("\n"));
        let (report, items) = run(&journal, &csv, &options());
        prop_assert!(report.is_conserved());
        assert_partition(&report, &items);
    }
}
