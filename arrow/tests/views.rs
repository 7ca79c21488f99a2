//! The Arrow batches hold exactly the JSON views: every row of every column, read back as
//! JSON (hex for ids, Unix seconds for times), equals the serde view of the same outcome or
//! item, on a simulated day with invalid records, garbage and malformed settlement rows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use possig::journal::{Event, JournalOptions, RecordOutcome};
use possig::{Terminal, VerifyOptions};
use possig_arrow::{
    findings_batch, findings_schema, items_batch, items_schema, records_batch, records_schema,
};
use possig_reconcile::{Item, ReconcileOptions, reconcile};
use possig_testkit::fixtures::{NOW, key, store};
use possig_testkit::simulate::{SimTerminal, simulate_day};
use serde_json::{Map, Value, json};

/// A cell as the JSON view writes it.
fn cell(a: &dyn Array, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    match a.data_type() {
        DataType::Int64 => json!(a.as_primitive::<Int64Type>().value(i)),
        DataType::Utf8 => json!(a.as_string::<i32>().value(i)),
        DataType::Binary => {
            let b = a.as_binary::<i32>().value(i);
            assert_eq!(b.len(), 32, "ids and digests are 32 bytes");
            json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
        }
        DataType::Timestamp(..) => {
            let us = a.as_primitive::<TimestampMicrosecondType>().value(i);
            assert_eq!(us % 1_000_000, 0, "whole seconds");
            json!(us / 1_000_000)
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>().value(i);
            Value::Array((0..l.len()).map(|j| cell(&l, j)).collect())
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let mut m = Map::new();
            for (f, c) in fields.iter().zip(s.columns()) {
                insert(&mut m, f.name(), cell(c.as_ref(), i));
            }
            Value::Object(m)
        }
        t => panic!("unexpected type {t}"),
    }
}

/// `source` is Arrow's own column (the file of a record read from several): null for one
/// input stream, where the JSON view has no such field.
fn insert(m: &mut Map<String, Value>, name: &str, v: Value) {
    if name == "source" {
        assert_eq!(v, Value::Null, "one input stream has no source");
    } else {
        m.insert(name.to_owned(), v);
    }
}

fn row(b: &RecordBatch, i: usize) -> Value {
    let mut m = Map::new();
    for (f, c) in b.schema().fields().iter().zip(b.columns()) {
        insert(&mut m, f.name(), cell(c.as_ref(), i));
    }
    Value::Object(m)
}

fn day() -> (Vec<u8>, String) {
    let t = |k: &str, m: &str, id: &str| SimTerminal {
        terminal: Terminal::new(key(k), m, id).unwrap(),
        id: id.into(),
        revoked_at: None,
    };
    let d = simulate_day(
        vec![t("term-ok", "M-1", "T-100"), t("term-ok2", "M-2", "T-200")],
        NOW - 86_400,
        40,
        7,
    )
    .unwrap();
    let mut journal = d.journal;
    // A record with a broken signature and bytes that are no record at all.
    let mut bad = journal[..journal.len().min(400)].to_vec();
    if let Some(b) = bad.get_mut(300) {
        *b ^= 1;
    }
    journal.extend_from_slice(&bad);
    journal.extend_from_slice(b"\x00\x01garbage");
    let mut csv = d.settlement_csv;
    csv.push_str("T-100,B1,RRN-X,A1,not-a-number,EUR,2026-01-01T00:00:00Z,sale\n");
    (journal, csv)
}

#[test]
fn records_are_the_json_view() {
    let (journal, _) = day();
    let mut records: Vec<RecordOutcome> = Vec::new();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    possig::journal::verify_journal(journal.as_slice(), &store(), &opts, |e| {
        if let Event::Record(r) = e {
            records.push(r);
        }
    })
    .unwrap();
    assert!(
        records.iter().any(|r| r.code.is_some()),
        "an invalid record"
    );
    let batch = records_batch(&records).unwrap();
    assert_eq!(batch.schema(), records_schema());
    assert_eq!(batch.num_rows(), records.len());
    for (i, r) in records.iter().enumerate() {
        assert_eq!(
            row(&batch, i),
            serde_json::to_value(r).unwrap(),
            "record {i}"
        );
    }
}

#[test]
fn items_are_the_json_view() {
    let (journal, csv) = day();
    let mut items: Vec<Item> = Vec::new();
    let opts = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)));
    reconcile(journal.as_slice(), csv.as_bytes(), &store(), &opts, |i| {
        items.push(i.clone())
    })
    .unwrap();
    let bad_rows = items
        .iter()
        .filter(|i| i.row.as_ref().is_some_and(|r| r.bad_column.is_some()))
        .count();
    assert!(bad_rows > 0 && items.iter().any(|i| i.related.is_some()));
    assert!(items.iter().any(|i| i.pending_for.is_some()));
    let batch = items_batch(&items).unwrap();
    assert_eq!(batch.schema(), items_schema());
    for (i, item) in items.iter().enumerate() {
        let mut want = serde_json::to_value(item).unwrap();
        // A malformed row's time is null in Arrow (its JSON holds the unparsed placeholder).
        if item.row.as_ref().is_some_and(|r| r.bad_column.is_some()) {
            want["row"]["time"] = Value::Null;
        }
        assert_eq!(row(&batch, i), want, "item {i}");
    }
}

#[test]
fn findings_hold_their_json_view() {
    let (journal, _) = day();
    let mut findings = Vec::new();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    possig::journal::verify_journal(journal.as_slice(), &store(), &opts, |e| {
        if let Event::Finding(f) = e {
            findings.push(f);
        }
    })
    .unwrap();
    let codes: std::collections::BTreeSet<_> = findings.iter().map(|f| f.code()).collect();
    for code in [
        "malformed_record",
        "chain_start",
        "duplicate",
        "copy",
        "gap",
        "pending",
    ] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }
    let sources: Vec<_> = (0..findings.len())
        .map(|i| (i % 2 == 0).then_some("f.der"))
        .collect();
    let batch = findings_batch(&findings, &sources).unwrap();
    assert_eq!(batch.schema(), findings_schema());
    for (i, f) in findings.iter().enumerate() {
        let view = serde_json::to_value(f).unwrap();
        let mut got = Map::new();
        for (field, c) in batch.schema().fields().iter().zip(batch.columns()) {
            got.insert(field.name().clone(), cell(c.as_ref(), i));
        }
        assert_eq!(got["finding"], view["finding"]);
        let detail: Value = serde_json::from_str(got["detail"].as_str().unwrap()).unwrap();
        assert_eq!(detail, view, "finding {i}");
        assert_eq!(got["source"], json!(sources[i]));
        // The columns repeat what the view says, under the view's names.
        for (column, field) in [
            ("key", "key"),
            ("counter", "counter"),
            ("index", "index"),
            ("offset", "offset"),
            ("len", "len"),
            ("digest", "digest"),
        ] {
            if let Some(v) = view.get(field) {
                assert_eq!(&got[column], v, "{column} of {view}");
            }
        }
    }
}
