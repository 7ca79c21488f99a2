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
    FixedSizeBinaryBuilder, ListBuilder, StringBuilder, TimestampSecondBuilder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use possig::journal::RecordOutcome;
use possig_reconcile::{Item, ReceiptFacts, RowFacts};

pub use arrow_array;
pub use arrow_schema;

/// Bytes of a key id or digest.
const ID_BYTES: i32 = 32;

fn id() -> DataType {
    DataType::FixedSizeBinary(ID_BYTES)
}

fn time() -> DataType {
    DataType::Timestamp(TimeUnit::Second, Some("UTC".into()))
}

fn ts(seconds: u64) -> Result<i64, ArrowError> {
    i64::try_from(seconds)
        .map_err(|_| ArrowError::InvalidArgumentError(format!("time {seconds} out of range")))
}

/// The schema of [`records_batch`]: one row per journal record, the fields of a
/// `RecordOutcome` as `possig journal verify --json` prints it.
pub fn records_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("index", DataType::UInt64, false),
        Field::new("offset", DataType::UInt64, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, true),
        Field::new(
            "warnings",
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            false,
        ),
        Field::new("key_id", id(), true),
        Field::new("terminal", DataType::Utf8, true),
        Field::new("counter", DataType::UInt64, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("digest", id(), true),
    ]))
}

fn ids<'a>(
    n: usize,
    values: impl Iterator<Item = Option<&'a [u8; 32]>>,
) -> Result<ArrayRef, ArrowError> {
    let mut b = FixedSizeBinaryBuilder::with_capacity(n, ID_BYTES);
    for v in values {
        match v {
            Some(v) => b.append_value(v)?,
            None => b.append_null(),
        }
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

fn numbers(n: usize, values: impl Iterator<Item = Option<u64>>) -> ArrayRef {
    let mut b = UInt64Builder::with_capacity(n);
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn times(n: usize, values: impl Iterator<Item = Option<u64>>) -> Result<ArrayRef, ArrowError> {
    let mut b = TimestampSecondBuilder::with_capacity(n).with_timezone("UTC");
    for v in values {
        b.append_option(v.map(ts).transpose()?);
    }
    Ok(Arc::new(b.finish()))
}

/// One row per record outcome, in the given order.
///
/// # Errors
/// Only if Arrow refuses a column it was built for (not expected for any outcome).
pub fn records_batch(records: &[RecordOutcome]) -> Result<RecordBatch, ArrowError> {
    let n = records.len();
    let mut warnings = ListBuilder::new(StringBuilder::new());
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
    ];
    RecordBatch::try_new(records_schema(), columns)
}

fn facts_fields() -> Fields {
    Fields::from(vec![
        Field::new("index", DataType::UInt64, false),
        Field::new("offset", DataType::UInt64, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, true),
        Field::new("digest", id(), true),
        Field::new("merchant", DataType::Utf8, true),
        Field::new("terminal", DataType::Utf8, true),
        Field::new("counter", DataType::UInt64, true),
        Field::new("issued_at", time(), true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("amount", DataType::UInt64, true),
        Field::new("currency", DataType::Utf8, true),
        Field::new("rrn", DataType::Utf8, true),
        Field::new("authorization_code", DataType::Utf8, true),
        Field::new("last4", DataType::Utf8, true),
        Field::new("cardholder_verification", DataType::Utf8, true),
    ])
}

fn row_fields() -> Fields {
    Fields::from(vec![
        Field::new("line", DataType::UInt64, false),
        Field::new("terminal", DataType::Utf8, false),
        Field::new("batch", DataType::Utf8, false),
        Field::new("rrn", DataType::Utf8, false),
        Field::new("authorization_code", DataType::Utf8, false),
        Field::new("amount", DataType::UInt64, false),
        Field::new("currency", DataType::Utf8, false),
        Field::new("time", time(), true),
        Field::new("kind", DataType::Utf8, false),
        Field::new("bad_column", DataType::Utf8, true),
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
        Field::new("pending_for", DataType::UInt64, true),
    ]))
}

/// A struct column; a null struct's children hold placeholder values (Arrow requires a
/// value in every child slot; the struct's validity is what readers see).
fn facts_array(facts: &[Option<&ReceiptFacts>]) -> Result<ArrayRef, ArrowError> {
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
    ];
    let valid = NullBuffer::from(facts.iter().map(Option::is_some).collect::<Vec<_>>());
    Ok(Arc::new(StructArray::try_new(
        facts_fields(),
        columns,
        Some(valid),
    )?))
}

fn rows_array(rows: &[Option<&RowFacts>]) -> Result<ArrayRef, ArrowError> {
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
    ];
    let valid = NullBuffer::from(rows.iter().map(Option::is_some).collect::<Vec<_>>());
    Ok(Arc::new(StructArray::try_new(
        row_fields(),
        columns,
        Some(valid),
    )?))
}

/// One row per item, in the given order.
///
/// # Errors
/// A time beyond Arrow's range (not produced by possig, whose times are checked at decoding).
pub fn items_batch(items: &[Item]) -> Result<RecordBatch, ArrowError> {
    let n = items.len();
    let receipts: Vec<_> = items.iter().map(|i| i.receipt.as_ref()).collect();
    let related: Vec<_> = items.iter().map(|i| i.related.as_ref()).collect();
    let rows: Vec<_> = items.iter().map(|i| i.row.as_ref()).collect();
    let columns: Vec<ArrayRef> = vec![
        strings(n, items.iter().map(|i| Some(i.category.code()))),
        strings(n, items.iter().map(|i| i.reason.map(|r| r.code()))),
        facts_array(&receipts)?,
        facts_array(&related)?,
        rows_array(&rows)?,
        numbers(n, items.iter().map(|i| i.pending_for)),
    ];
    RecordBatch::try_new(items_schema(), columns)
}
