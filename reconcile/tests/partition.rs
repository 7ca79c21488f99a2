//! Reconciliation split by terminal (`possig_reconcile::partition`): a simulated day cut into
//! several files per terminal, shuffled, and reconciled group by group gives the same items,
//! outcomes and findings as one run over the journal, every position pointing into its file;
//! the documented differences of the distributed semantics hold.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;

use possig::journal::{Event, JournalOptions};
use possig::{Terminal, UnverifiedReceipt, VerifyOptions};
use possig_reconcile::partition::{
    GroupRecord, GroupRow, ItemSources, JournalPiece, SourceId, reconcile_group, split_journal,
    split_settlement,
};
use possig_reconcile::{ColumnMap, Item, ReconcileOptions, reconcile_with_events};
use possig_testkit::fixtures::{NOW, key, revocation_time, store};
use possig_testkit::simulate::{SimTerminal, SimulatedDay, simulate_day};

fn day() -> SimulatedDay {
    let rev = revocation_time();
    let t = |k: &str, m: &str, id: &str, revoked_at| SimTerminal {
        terminal: Terminal::new(key(k), m, id).unwrap(),
        id: id.into(),
        revoked_at,
    };
    simulate_day(
        vec![
            t("term-ok", "M-100 Cafe", "T-100", None),
            t("term-ok2", "M-200 Kiosk", "T-200", None),
            t("term-revoked", "M-300 Bar", "T-300", Some(rev)),
        ],
        rev - 14 * 3600,
        60,
        7,
    )
    .unwrap()
}

fn options() -> ReconcileOptions {
    ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)))
}

/// What an item is about, positions aside: (category, reason, receipt, related, row line).
type ItemKey = (String, String, String, String, u64);

fn item_key(i: &Item) -> ItemKey {
    let d = |f: &Option<possig_reconcile::ReceiptFacts>| {
        f.as_ref()
            .and_then(|r| r.digest)
            .map(|d| hex(d.as_bytes()))
            .unwrap_or_default()
    };
    (
        i.category.code().into(),
        i.reason.map(|r| r.code()).unwrap_or_default().into(),
        d(&i.receipt),
        d(&i.related),
        i.row.as_ref().map_or(0, |r| r.line),
    )
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Everything a run produced: items, record outcomes (digest, status, code) and finding codes.
#[derive(Default)]
struct Run {
    items: BTreeMap<ItemKey, usize>,
    outcomes: BTreeMap<(String, String, String), usize>,
    findings: BTreeMap<String, usize>,
    receipts: u64,
    rows: u64,
}

impl Run {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Record(o) => {
                let k = (
                    o.digest.map(|d| hex(d.as_bytes())).unwrap_or_default(),
                    o.status.code().into(),
                    o.code.unwrap_or_default().into(),
                );
                *self.outcomes.entry(k).or_default() += 1;
            }
            Event::Finding(f) => *self.findings.entry(f.code().into()).or_default() += 1,
        }
    }
    fn item(&mut self, i: &Item) {
        *self.items.entry(item_key(i)).or_default() += 1;
    }
}

fn single(journal: &[u8], csv: &str) -> Run {
    let mut run = Run::default();
    let mut items = Vec::new();
    let report = reconcile_with_events(
        journal,
        csv.as_bytes(),
        &store(),
        &options(),
        |e| run.event(e),
        |i| items.push(i.clone()),
    )
    .unwrap();
    for i in &items {
        run.item(i);
    }
    (run.receipts, run.rows) = (report.receipts, report.rows);
    run
}

/// The journal's records cut into `files` contiguous uploads per terminal, listed in a
/// scrambled order (names `T-100.2.der`...).
fn uploads(journal: &[u8], files: usize) -> Vec<(String, Vec<u8>)> {
    let mut by_terminal: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    split_journal(journal, |p| {
        if let JournalPiece::Record { der, terminal, .. } = p {
            by_terminal
                .entry(terminal.unwrap_or_default())
                .or_default()
                .push(der.to_vec());
        }
    });
    let mut out = Vec::new();
    for (t, recs) in by_terminal {
        let per = recs.len().div_ceil(files);
        for (k, chunk) in recs.chunks(per).enumerate() {
            out.push((format!("{t}.{k}.der"), chunk.concat()));
        }
    }
    // A fixed scramble: the cluster must not depend on the listing order.
    let n = out.len();
    let mut scrambled: Vec<_> = (0..n).map(|i| (i * 7 + 3) % n).collect();
    scrambled.dedup();
    assert_eq!(scrambled.len(), n, "7 must be coprime with {n}");
    scrambled.into_iter().map(|i| out[i].clone()).collect()
}

/// What the cluster does: split every file, group by terminal, reconcile each group.
struct Cluster {
    run: Run,
    /// Every item with the files of its parts.
    located: Vec<(Item, ItemSources)>,
    names: Vec<String>,
}

fn cluster(journals: &[(String, Vec<u8>)], settlements: &[(String, String)]) -> Cluster {
    let mut names: Vec<String> = journals.iter().map(|(n, _)| n.clone()).collect();
    names.extend(settlements.iter().map(|(n, _)| n.clone()));
    let mut run = Run::default();
    let mut records: BTreeMap<Option<String>, Vec<GroupRecord<'_>>> = BTreeMap::new();
    for (source, (_, bytes)) in journals.iter().enumerate() {
        split_journal(bytes, |p| match p {
            JournalPiece::Record {
                index,
                offset,
                der,
                terminal,
            } => {
                // The piece borrows the reader's buffer: find the same bytes in the file.
                let der = &bytes[offset as usize..offset as usize + der.len()];
                records.entry(terminal).or_default().push(GroupRecord {
                    source: source as SourceId,
                    index,
                    offset,
                    der,
                });
            }
            JournalPiece::Malformed { .. } => {
                *run.findings.entry("malformed_record".into()).or_default() += 1;
            }
        });
    }
    let mut rows: BTreeMap<Option<String>, Vec<(SourceId, u64, String)>> = BTreeMap::new();
    for (k, (_, csv)) in settlements.iter().enumerate() {
        let source = (journals.len() + k) as SourceId;
        split_settlement(csv.as_bytes(), &ColumnMap::default(), |r| {
            rows.entry(Some(r.terminal))
                .or_default()
                .push((source, r.line, r.csv));
        })
        .unwrap();
    }
    let mut terminals: Vec<Option<String>> = records.keys().cloned().collect();
    terminals.extend(rows.keys().cloned());
    terminals.sort();
    terminals.dedup();
    let store = store();
    let mut located = Vec::new();
    for t in terminals {
        let recs = records.get(&t).cloned().unwrap_or_default();
        let group_rows: Vec<GroupRow<'_>> = rows
            .get(&t)
            .map(|v| {
                v.iter()
                    .map(|(source, line, csv)| GroupRow {
                        source: *source,
                        line: *line,
                        csv,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let report = reconcile_group(
            &recs,
            &group_rows,
            |s| names.iter().filter(|n| **n < names[s as usize]).count() as u64,
            &store,
            &options(),
            |e, _| run.event(&e),
            |i, s| located.push((i, s)),
        )
        .unwrap();
        run.receipts += report.receipts;
        run.rows += report.rows;
    }
    for (i, _) in &located {
        run.item(i);
    }
    Cluster {
        run,
        located,
        names,
    }
}

#[test]
fn split_by_terminal_gives_the_single_run_answers() {
    let day = day();
    let one = single(&day.journal, &day.settlement_csv);
    assert!(one.items.len() > 100, "{}", one.items.len());
    for files in [1, 3, 5] {
        let journals = uploads(&day.journal, files);
        let settlements = vec![("settlement.csv".to_string(), day.settlement_csv.clone())];
        let c = cluster(&journals, &settlements);
        assert_eq!(c.run.items, one.items, "{files} files per terminal");
        assert_eq!(c.run.outcomes, one.outcomes);
        assert_eq!(c.run.findings, one.findings);
        assert_eq!((c.run.receipts, c.run.rows), (one.receipts, one.rows));
        // Every position is in its own file: the bytes there are the receipt named.
        for (item, sources) in &c.located {
            for (facts, source) in [
                (&item.receipt, sources.receipt),
                (&item.related, sources.related),
            ] {
                let Some(f) = facts else {
                    assert_eq!(source, None);
                    continue;
                };
                let (name, bytes) = &journals[source.unwrap() as usize];
                assert!(name.starts_with(f.terminal.as_deref().unwrap()));
                let mut at = None;
                split_journal(bytes, |p| {
                    if let JournalPiece::Record {
                        index, offset, der, ..
                    } = p
                        && index == f.index
                    {
                        at = Some((offset, UnverifiedReceipt::from_der(der).unwrap().digest()));
                    }
                });
                assert_eq!(at, Some((f.offset, f.digest.unwrap())));
            }
            if let Some(row) = &item.row {
                assert_eq!(c.names[sources.row.unwrap() as usize], "settlement.csv");
                let text = day
                    .settlement_csv
                    .lines()
                    .nth(row.line as usize - 1)
                    .unwrap();
                assert!(text.contains(&row.terminal), "{text} / {row:?}");
            }
        }
    }
}

#[test]
fn settlement_files_with_other_headers_act_as_one_file_in_name_order() {
    let day = day();
    let one = single(&day.journal, &day.settlement_csv);
    let lines: Vec<&str> = day.settlement_csv.lines().collect();
    let half = lines.len() / 2;
    // The second file reorders and renames nothing but its columns' order (same names).
    let header: Vec<&str> = lines[0].split(',').collect();
    let rev = |l: &str| l.split(',').rev().collect::<Vec<_>>().join(",");
    let a = lines[..half].join("\n");
    let b = format!(
        "{}\n{}",
        header.iter().rev().copied().collect::<Vec<_>>().join(","),
        lines[half..]
            .iter()
            .map(|l| rev(l))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let journals = uploads(&day.journal, 2);
    let c = cluster(
        &journals,
        &[("b.csv".to_string(), b), ("a.csv".to_string(), a)],
    );
    // Same items once each row's line is read in the file it came from.
    let mut items = BTreeMap::new();
    for (item, s) in &c.located {
        let mut k = item_key(item);
        if let Some(src) = s.row {
            if c.names[src as usize] == "b.csv" {
                k.4 += half as u64 - 1;
            } else {
                assert_eq!(c.names[src as usize], "a.csv");
            }
        }
        *items.entry(k).or_default() += 1;
    }
    assert_eq!(items, one.items);
}

#[test]
fn records_out_of_order_are_sorted_so_no_reordered_finding() {
    let day = day();
    // A journal delivered out of order: two of T-100's records swapped.
    let mut recs: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    split_journal(&day.journal, |p| {
        if let JournalPiece::Record { der, terminal, .. } = p {
            recs.push((terminal, der.to_vec()));
        }
    });
    let at = recs
        .iter()
        .position(|(t, _)| t.as_deref() == Some("T-100"))
        .unwrap()
        + 10;
    recs.swap(at, at + 1);
    let reordered: Vec<u8> = recs.iter().flat_map(|(_, d)| d.clone()).collect();
    let one = single(&reordered, &day.settlement_csv);
    assert_eq!(
        one.findings.get("reordered"),
        Some(&1),
        "{:?}",
        one.findings
    );
    let c = cluster(
        &[("all.der".to_string(), reordered)],
        &[("s.csv".to_string(), day.settlement_csv.clone())],
    );
    // The cluster sorts: no `reordered`, the chain is what an in-order delivery gives.
    assert_eq!(c.run.findings.get("reordered"), None);
    let in_order = single(&day.journal, &day.settlement_csv);
    assert_eq!(c.run.findings, in_order.findings);
    assert_eq!(c.run.items, in_order.items);
}

#[test]
fn malformed_pieces_and_undecodable_records() {
    let day = day();
    let mut bad = day.journal.clone();
    // Garbage in the middle, a record that frames but does not decode, a truncated tail.
    bad.splice(300..300, b"\x01\x02garbage".iter().copied());
    bad.extend_from_slice(&[0x30, 0x03, 0x02, 0x01, 0x00]);
    bad.extend_from_slice(&day.journal[..100]);
    let one = single(&bad, &day.settlement_csv);
    let c = cluster(
        &[("bad.der".to_string(), bad)],
        &[("s.csv".to_string(), day.settlement_csv.clone())],
    );
    assert!(one.findings["malformed_record"] >= 2);
    assert_eq!(c.run.findings, one.findings);
    assert_eq!(c.run.outcomes, one.outcomes);
    assert_eq!(c.run.items, one.items);
    assert!(
        one.outcomes
            .keys()
            .any(|(d, s, code)| d.is_empty() && s == "invalid" && code == "malformed")
    );
}

#[test]
fn a_reference_to_another_terminal_is_original_not_found_in_a_cluster() {
    use possig_testkit::fixtures::{T0, payment, sale};
    let mut t1 = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
    let mut t2 = Terminal::new(key("term-ok2"), "M-2", "T-2").unwrap();
    let s = t1.sign(sale(&t1, T0, 1000)).unwrap();
    let mut p = payment(possig::CardholderVerification::None, 600);
    p.rrn = "R2".into();
    p.original = Some(s.digest());
    let refund = t2
        .sign(t2.builder(possig::ReceiptKind::Refund, T0 + 10).payment(p))
        .unwrap();
    let journal: Vec<u8> = [&s, &refund]
        .iter()
        .flat_map(|r| r.to_der().unwrap())
        .collect();
    let csv = format!(
        "terminal_id,rrn,amount,currency,time,kind\n\
         T-1,612345678901,1000,EUR,{T0},sale\nT-2,R2,600,EUR,{},refund\n",
        T0 + 10
    );
    let reasons = |run: &Run| -> Vec<String> {
        run.items
            .keys()
            .filter(|k| k.0 == "reference_mismatch")
            .map(|k| k.1.clone())
            .collect()
    };
    let one = single(&journal, &csv);
    assert_eq!(reasons(&one), ["other_terminal"]);
    let c = cluster(&[("j".into(), journal)], &[("s.csv".into(), csv)]);
    assert_eq!(reasons(&c.run), ["original_not_found"]);
    // Everything else agrees.
    let rest = |run: &Run| {
        let mut m = run.items.clone();
        m.retain(|k, _| k.0 != "reference_mismatch");
        m
    };
    assert_eq!(rest(&c.run), rest(&one));
}

#[test]
fn a_record_sent_again_after_the_day_close_is_a_duplicate_next_to_its_first_copy() {
    let day = day();
    let mut first = None;
    split_journal(&day.journal, |p| {
        if let JournalPiece::Record { der, terminal, .. } = p
            && terminal.as_deref() == Some("T-200")
            && first.is_none()
        {
            first = Some(der.to_vec());
        }
    });
    let mut again = day.journal.clone();
    again.extend_from_slice(&first.unwrap());
    let one = single(&again, &day.settlement_csv);
    let c = cluster(
        &[("j".into(), again)],
        &[("s.csv".into(), day.settlement_csv.clone())],
    );
    let in_order = single(&day.journal, &day.settlement_csv);
    // One record more than the day, reported as a duplicate by the cluster.
    let count = |run: &Run, code: &str| run.findings.get(code).copied().unwrap_or(0);
    assert_eq!(
        count(&c.run, "duplicate"),
        count(&in_order, "duplicate") + 1
    );
    assert_eq!(count(&c.run, "replay"), 0);
    assert_eq!(c.run.receipts, in_order.receipts + 1);
    // The single run, whose chain has moved past the day close, calls it something else.
    assert_eq!(
        count(&one, "duplicate") + count(&one, "replay"),
        count(&in_order, "duplicate") + 1,
        "{:?}",
        one.findings
    );
    assert_eq!(c.run.items, one.items);
}
