//! The Apache Arrow form of possig's bulk results: a journal's record outcomes
//! ([`records_batch`]) and a reconciliation's items ([`items_batch`]), one schema for every
//! consumer (Python's `to_arrow()`, Parquet files, Spark jobs).
//!
//! The columns have the names of the JSON views (`possig journal verify --json` `records[]`,
//! `report.json` `items[]`), nested the same way; the types are Arrow's own where JSON has
//! none: key ids and digests are `fixed_size_binary(32)` (hex in JSON), times are
//! `timestamp[s, UTC]` (Unix seconds in JSON). A settlement row that did not parse has a null
//! `time` (its `bad_column` says which column failed).
//!
//! ```
//! use possig_arrow::{records_batch, records_schema};
//! let batch = records_batch(&[]).unwrap();
//! assert_eq!(batch.schema(), records_schema());
//! assert_eq!(batch.num_rows(), 0);
//! ```

use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Fields, Schema, SchemaRef, TimeUnit};
use possig::journal::{Finding, RecordOutcome};
use possig_reconcile::{Item, ReceiptFacts, RowFacts};

pub mod partition;

pub use arrow_array;
pub use arrow_schema;

/// Key ids and digests (32 bytes each): `binary`, which Spark and Parquet hold as they are
/// (Arrow's `fixed_size_binary` becomes a different Parquet type, and Spark has none).
fn id() -> DataType {
    DataType::Binary
}

/// Times: microseconds since the epoch, UTC, the unit Spark's timestamps and Parquet's
/// `TIMESTAMP(MICROS)` use (possig's times are whole seconds).
fn time() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn ts(seconds: u64) -> Result<i64, ArrowError> {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| s.checked_mul(1_000_000))
        .ok_or_else(|| ArrowError::InvalidArgumentError(format!("time {seconds} out of range")))
}

/// The element of the `warnings` list, named `element` as Parquet's LIST type, Spark and
/// pyarrow's Parquet writer name it (arrow-rs would say `item`).
fn warning_field() -> FieldRef {
    Arc::new(Field::new("element", DataType::Utf8, true))
}

/// The schema of [`records_batch`]: one row per journal record, the fields of a
/// `RecordOutcome` as `possig journal verify --json` prints it.
pub fn records_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("index", DataType::Int64, false),
        Field::new("offset", DataType::Int64, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, true),
        Field::new("warnings", DataType::List(warning_field()), false),
        Field::new("key_id", id(), true),
        Field::new("terminal", DataType::Utf8, true),
        Field::new("counter", DataType::Int64, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("digest", id(), true),
        Field::new("source", DataType::Utf8, true),
    ]))
}

fn ids<'a>(
    n: usize,
    values: impl Iterator<Item = Option<&'a [u8; 32]>>,
) -> Result<ArrayRef, ArrowError> {
    let mut b = BinaryBuilder::with_capacity(n, n * 32);
    for v in values {
        b.append_option(v);
    }
    Ok(Arc::new(b.finish()))
}

fn strings<'a>(n: usize, values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(n, n * 8);
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

/// Counts, positions, counters and amounts as `int64` (Spark and Parquet consumers have no
/// unsigned type). possig's values are far below 2^63 (amounts and counters at most
/// 2^53 − 1 by the format); a value beyond, which only a record breaking that rule can claim,
/// is null.
fn numbers(n: usize, values: impl Iterator<Item = Option<u64>>) -> ArrayRef {
    let mut b = Int64Builder::with_capacity(n);
    for v in values {
        b.append_option(v.and_then(|v| i64::try_from(v).ok()));
    }
    Arc::new(b.finish())
}

fn times(n: usize, values: impl Iterator<Item = Option<u64>>) -> Result<ArrayRef, ArrowError> {
    let mut b = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
    for v in values {
        b.append_option(v.map(ts).transpose()?);
    }
    Ok(Arc::new(b.finish()))
}

/// One row per record outcome, in the given order (`source` null: positions count in one
/// input stream).
///
/// # Errors
/// Only if Arrow refuses a column it was built for (not expected for any outcome).
pub fn records_batch(records: &[RecordOutcome]) -> Result<RecordBatch, ArrowError> {
    records_batch_from(records, &[])
}

/// [`records_batch`] for records read from several files: `sources[i]` names the file of
/// `records[i]` (whose `index` and `offset` count in that file); missing entries are null.
///
/// # Errors
/// As [`records_batch`].
pub fn records_batch_from(
    records: &[RecordOutcome],
    sources: &[Option<&str>],
) -> Result<RecordBatch, ArrowError> {
    let n = records.len();
    let mut warnings = ListBuilder::new(StringBuilder::new()).with_field(warning_field());
    for r in records {
        for w in &r.warnings {
            warnings.values().append_value(w);
        }
        warnings.append(true);
    }
    let columns: Vec<ArrayRef> = vec![
        numbers(n, records.iter().map(|r| Some(r.index))),
        numbers(n, records.iter().map(|r| Some(r.offset))),
        strings(n, records.iter().map(|r| Some(r.status.code()))),
        strings(n, records.iter().map(|r| r.code)),
        Arc::new(warnings.finish()),
        ids(
            n,
            records
                .iter()
                .map(|r| r.key_id.as_ref().map(|k| k.as_bytes())),
        )?,
        strings(n, records.iter().map(|r| r.terminal.as_deref())),
        numbers(n, records.iter().map(|r| r.counter)),
        strings(n, records.iter().map(|r| r.kind.map(|k| k.name()))),
        ids(
            n,
            records
                .iter()
                .map(|r| r.digest.as_ref().map(|d| d.as_bytes())),
        )?,
        strings(n, (0..n).map(|i| sources.get(i).copied().flatten())),
    ];
    RecordBatch::try_new(records_schema(), columns)
}

fn facts_fields() -> Fields {
    Fields::from(vec![
        Field::new("index", DataType::Int64, false),
        Field::new("offset", DataType::Int64, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, true),
        Field::new("digest", id(), true),
        Field::new("merchant", DataType::Utf8, true),
        Field::new("terminal", DataType::Utf8, true),
        Field::new("counter", DataType::Int64, true),
        Field::new("issued_at", time(), true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("amount", DataType::Int64, true),
        Field::new("currency", DataType::Utf8, true),
        Field::new("rrn", DataType::Utf8, true),
        Field::new("authorization_code", DataType::Utf8, true),
        Field::new("last4", DataType::Utf8, true),
        Field::new("cardholder_verification", DataType::Utf8, true),
        Field::new("source", DataType::Utf8, true),
    ])
}

fn row_fields() -> Fields {
    Fields::from(vec![
        Field::new("line", DataType::Int64, false),
        Field::new("terminal", DataType::Utf8, false),
        Field::new("batch", DataType::Utf8, false),
        Field::new("rrn", DataType::Utf8, false),
        Field::new("authorization_code", DataType::Utf8, false),
        Field::new("amount", DataType::Int64, false),
        Field::new("currency", DataType::Utf8, false),
        Field::new("time", time(), true),
        Field::new("kind", DataType::Utf8, false),
        Field::new("bad_column", DataType::Utf8, true),
        Field::new("source", DataType::Utf8, true),
    ])
}

/// The schema of [`items_batch`]: one row per item, the fields of an item as `report.json`
/// holds it (`receipt`, `related` and `row` are structs, null where the item has none).
pub fn items_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("category", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, true),
        Field::new("receipt", DataType::Struct(facts_fields()), true),
        Field::new("related", DataType::Struct(facts_fields()), true),
        Field::new("row", DataType::Struct(row_fields()), true),
        Field::new("pending_for", DataType::Int64, true),
    ]))
}

/// A struct column; a null struct's children hold placeholder values (Arrow requires a
/// value in every child slot; the struct's validity is what readers see).
fn facts_array<'a>(
    facts: &[Option<&ReceiptFacts>],
    sources: impl Iterator<Item = Option<&'a str>>,
) -> Result<ArrayRef, ArrowError> {
    let n = facts.len();
    let f = || facts.iter().copied();
    let columns: Vec<ArrayRef> = vec![
        numbers(n, f().map(|r| Some(r.map_or(0, |r| r.index)))),
        numbers(n, f().map(|r| Some(r.map_or(0, |r| r.offset)))),
        strings(n, f().map(|r| Some(r.map_or("", |r| r.status)))),
        strings(n, f().map(|r| r.and_then(|r| r.code))),
        ids(
            n,
            f().map(|r| r.and_then(|r| r.digest.as_ref()).map(|d| d.as_bytes())),
        )?,
        strings(n, f().map(|r| r.and_then(|r| r.merchant.as_deref()))),
        strings(n, f().map(|r| r.and_then(|r| r.terminal.as_deref()))),
        numbers(n, f().map(|r| r.and_then(|r| r.counter))),
        times(n, f().map(|r| r.and_then(|r| r.issued_at)))?,
        strings(n, f().map(|r| r.and_then(|r| r.kind))),
        numbers(n, f().map(|r| r.and_then(|r| r.amount))),
        strings(n, f().map(|r| r.and_then(|r| r.currency.as_deref()))),
        strings(n, f().map(|r| r.and_then(|r| r.rrn.as_deref()))),
        strings(
            n,
            f().map(|r| r.and_then(|r| r.authorization_code.as_deref())),
        ),
        strings(n, f().map(|r| r.and_then(|r| r.last4.as_deref()))),
        strings(n, f().map(|r| r.and_then(|r| r.cardholder_verification))),
        strings(n, sources),
    ];
    let valid = NullBuffer::from(facts.iter().map(Option::is_some).collect::<Vec<_>>());
    Ok(Arc::new(StructArray::try_new(
        facts_fields(),
        columns,
        Some(valid),
    )?))
}

fn rows_array<'a>(
    rows: &[Option<&RowFacts>],
    sources: impl Iterator<Item = Option<&'a str>>,
) -> Result<ArrayRef, ArrowError> {
    let n = rows.len();
    let f = || rows.iter().copied();
    let text = |g: fn(&RowFacts) -> &str| strings(n, f().map(move |r| Some(r.map_or("", g))));
    let columns: Vec<ArrayRef> = vec![
        numbers(n, f().map(|r| Some(r.map_or(0, |r| r.line)))),
        text(|r| &r.terminal),
        text(|r| &r.batch),
        text(|r| &r.rrn),
        text(|r| &r.authorization_code),
        numbers(n, f().map(|r| Some(r.map_or(0, |r| r.amount)))),
        text(|r| &r.currency),
        times(
            n,
            f().map(|r| r.filter(|r| r.bad_column.is_none()).map(|r| r.time)),
        )?,
        text(|r| r.kind),
        strings(n, f().map(|r| r.and_then(|r| r.bad_column))),
        strings(n, sources),
    ];
    let valid = NullBuffer::from(rows.iter().map(Option::is_some).collect::<Vec<_>>());
    Ok(Arc::new(StructArray::try_new(
        row_fields(),
        columns,
        Some(valid),
    )?))
}

/// One row per item, in the given order (`source` null: positions count in one input stream
/// and one settlement file).
///
/// # Errors
/// A time beyond Arrow's range (not produced by possig, whose times are checked at decoding).
pub fn items_batch(items: &[Item]) -> Result<RecordBatch, ArrowError> {
    items_batch_from(items, &[])
}

/// The files an item's `receipt`, `related` and `row` were read from.
pub type ItemSourceNames<'a> = [Option<&'a str>; 3];

/// [`items_batch`] for inputs read from several files: `sources[i]` names the files of
/// `items[i]`'s receipt, related receipt and row (whose positions count in those files);
/// missing entries are null.
///
/// # Errors
/// As [`items_batch`].
pub fn items_batch_from(
    items: &[Item],
    sources: &[ItemSourceNames<'_>],
) -> Result<RecordBatch, ArrowError> {
    let n = items.len();
    let receipts: Vec<_> = items.iter().map(|i| i.receipt.as_ref()).collect();
    let related: Vec<_> = items.iter().map(|i| i.related.as_ref()).collect();
    let rows: Vec<_> = items.iter().map(|i| i.row.as_ref()).collect();
    let src =
        |k: usize| (0..n).map(move |i| sources.get(i).and_then(|s| s.get(k).copied().flatten()));
    let columns: Vec<ArrayRef> = vec![
        strings(n, items.iter().map(|i| Some(i.category.code()))),
        strings(n, items.iter().map(|i| i.reason.map(|r| r.code()))),
        facts_array(&receipts, src(0))?,
        facts_array(&related, src(1))?,
        rows_array(&rows, src(2))?,
        numbers(n, items.iter().map(|i| i.pending_for)),
    ];
    RecordBatch::try_new(items_schema(), columns)
}

/// The schema of [`findings_batch`]: one row per chain finding. `finding` is its code; the
/// fields most findings have are columns of their own (null where a finding has none: `key`
/// is the new key of a `rotation`, `counter` the first counter of a `gap` or an `open_batch`,
/// `digest` the receipt a `pending`, `re_signed`, `bad_resign`, `copy` or `bad_copy` is about);
/// `detail` is the whole finding as its JSON view (`possig journal verify --json`
/// `findings[]`), so nothing is lost.
pub fn findings_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("finding", DataType::Utf8, false),
        Field::new("key", id(), true),
        Field::new("counter", DataType::Int64, true),
        Field::new("index", DataType::Int64, true),
        Field::new("offset", DataType::Int64, true),
        Field::new("len", DataType::Int64, true),
        Field::new("digest", id(), true),
        Field::new("detail", DataType::Utf8, false),
        Field::new("source", DataType::Utf8, true),
    ]))
}

/// The columns of one finding: (key, counter, index, offset, len, digest).
type FindingColumns<'a> = (
    Option<&'a [u8; 32]>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<&'a [u8; 32]>,
);

fn finding_columns(f: &Finding) -> FindingColumns<'_> {
    match f {
        Finding::MalformedRecord { offset, len } => {
            (None, None, None, Some(*offset), Some(*len), None)
        }
        Finding::ChainStart { key, counter, .. }
        | Finding::BrokenLink { key, counter }
        | Finding::UnsignedCovered { key, counter }
        | Finding::UnsignedUncovered { key, counter }
        | Finding::BadRecovery { key, counter }
        | Finding::BadDayClose { key, counter, .. } => {
            (Some(key.as_bytes()), Some(*counter), None, None, None, None)
        }
        Finding::Gap { key, from, .. } => {
            (Some(key.as_bytes()), Some(*from), None, None, None, None)
        }
        Finding::OpenBatch { key, first, .. } => {
            (Some(key.as_bytes()), Some(*first), None, None, None, None)
        }
        Finding::Fork {
            key,
            counter,
            index,
        }
        | Finding::Duplicate {
            key,
            counter,
            index,
        }
        | Finding::Reordered {
            key,
            counter,
            index,
        }
        | Finding::Replay {
            key,
            counter,
            index,
        } => (
            Some(key.as_bytes()),
            Some(*counter),
            Some(*index),
            None,
            None,
            None,
        ),
        Finding::Rotation { to, .. } => (Some(to.as_bytes()), None, None, None, None, None),
        Finding::Pending { digest, .. }
        | Finding::ReSigned { digest, .. }
        | Finding::BadResign { digest, .. }
        | Finding::Copy { digest, .. }
        | Finding::BadCopy { digest, .. } => {
            (None, None, None, None, None, Some(digest.as_bytes()))
        }
    }
}

/// One row per chain finding, in the given order; `sources[i]` names the file a finding's
/// `index` or `offset` counts in (missing entries are null).
///
/// # Errors
/// Only if Arrow refuses a column it was built for, or a finding does not serialize (neither is
/// expected).
pub fn findings_batch(
    findings: &[Finding],
    sources: &[Option<&str>],
) -> Result<RecordBatch, ArrowError> {
    let n = findings.len();
    let cols: Vec<FindingColumns<'_>> = findings.iter().map(finding_columns).collect();
    let detail = findings
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
    let columns: Vec<ArrayRef> = vec![
        strings(n, findings.iter().map(|f| Some(f.code()))),
        ids(n, cols.iter().map(|c| c.0))?,
        numbers(n, cols.iter().map(|c| c.1)),
        numbers(n, cols.iter().map(|c| c.2)),
        numbers(n, cols.iter().map(|c| c.3)),
        numbers(n, cols.iter().map(|c| c.4)),
        ids(n, cols.iter().map(|c| c.5))?,
        strings(n, detail.iter().map(|d| Some(d.as_str()))),
        strings(n, (0..n).map(|i| sources.get(i).copied().flatten())),
    ];
    RecordBatch::try_new(findings_schema(), columns)
}
