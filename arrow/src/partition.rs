//! Arrow batches of a reconciliation split by terminal (`possig_reconcile::partition`), the
//! form a cluster moves them in: journal pieces and settlement rows keyed by terminal, and one
//! terminal's outcomes, findings and items.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, BinaryBuilder, Int64Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use possig::TrustStore;
use possig::journal::{Event, Finding};
use possig_reconcile::partition::{
    GroupRecord, GroupRow, ItemSources, JournalPiece, SourceId, split_journal, split_settlement,
};
use possig_reconcile::{ColumnMap, Item, ReconcileOptions, Report};

use crate::{ItemSourceNames, findings_batch, items_batch_from, records_batch_from};

/// The schema of [`journal_pieces`]' records: the file, the record's position in it, the
/// terminal id it claims (unverified, null when it does not decode) and its bytes.
pub fn pieces_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("index", DataType::Int64, false),
        Field::new("offset", DataType::Int64, false),
        Field::new("terminal", DataType::Utf8, true),
        Field::new("der", DataType::Binary, false),
    ]))
}

/// The schema of [`settlement_rows`]: the file, the row's line in it, its terminal field and
/// the row re-encoded in the default column order.
pub fn rows_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("line", DataType::Int64, false),
        Field::new("terminal", DataType::Utf8, false),
        Field::new("csv", DataType::Utf8, false),
    ]))
}

/// The `source` column of one file's `n` rows.
fn repeated(source: &str, n: usize) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(n, n * source.len());
    for _ in 0..n {
        b.append_value(source);
    }
    Arc::new(b.finish())
}

fn int(v: u64) -> Result<i64, ArrowError> {
    i64::try_from(v).map_err(|_| ArrowError::InvalidArgumentError(format!("{v} beyond int64")))
}

/// A journal file `source` cut into its records ([`pieces_schema`]) and the
/// `malformed_record` findings of its unreadable spans ([`crate::findings_schema`]).
///
/// # Errors
/// Only if Arrow refuses a column it was built for (not expected).
pub fn journal_pieces(
    source: &str,
    journal: &[u8],
) -> Result<(RecordBatch, RecordBatch), ArrowError> {
    let mut index = Int64Builder::new();
    let mut offset = Int64Builder::new();
    let mut terminal = StringBuilder::new();
    let mut der = BinaryBuilder::new();
    let mut malformed = Vec::new();
    let mut failed = None;
    split_journal(journal, |p| match p {
        JournalPiece::Record {
            index: i,
            offset: o,
            der: d,
            terminal: t,
        } => match (int(i), int(o)) {
            (Ok(i), Ok(o)) => {
                index.append_value(i);
                offset.append_value(o);
                terminal.append_option(t);
                der.append_value(d);
            }
            (Err(e), _) | (_, Err(e)) => failed = Some(e),
        },
        JournalPiece::Malformed { offset, len } => {
            malformed.push(Finding::MalformedRecord { offset, len });
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let columns: Vec<ArrayRef> = vec![
        repeated(source, index.len()),
        Arc::new(index.finish()),
        Arc::new(offset.finish()),
        Arc::new(terminal.finish()),
        Arc::new(der.finish()),
    ];
    let pieces = RecordBatch::try_new(pieces_schema(), columns)?;
    let sources = vec![Some(source); malformed.len()];
    Ok((pieces, findings_batch(&malformed, &sources)?))
}

/// A settlement file `source` cut into its rows ([`rows_schema`]).
///
/// # Errors
/// [`GroupError::Reconcile`] with the errors of reading a settlement file (missing column, not
/// CSV, a limit, I/O), [`GroupError::Arrow`] if Arrow refuses a column (not expected).
pub fn settlement_rows<R: Read>(
    source: &str,
    input: R,
    map: &ColumnMap,
) -> Result<RecordBatch, GroupError> {
    let mut line = Int64Builder::new();
    let mut terminal = StringBuilder::new();
    let mut csv = StringBuilder::new();
    let mut failed = None;
    split_settlement(input, map, |r| match int(r.line) {
        Ok(l) => {
            line.append_value(l);
            terminal.append_value(&r.terminal);
            csv.append_value(&r.csv);
        }
        Err(e) => failed = Some(e),
    })
    .map_err(GroupError::Reconcile)?;
    if let Some(e) = failed {
        return Err(GroupError::Arrow(e));
    }
    let columns: Vec<ArrayRef> = vec![
        repeated(source, line.len()),
        Arc::new(line.finish()),
        Arc::new(terminal.finish()),
        Arc::new(csv.finish()),
    ];
    RecordBatch::try_new(rows_schema(), columns).map_err(GroupError::Arrow)
}

/// Why one terminal's group could not be reconciled.
#[derive(Debug)]
#[non_exhaustive]
pub enum GroupError {
    /// An input batch lacks a column of [`pieces_schema`] or [`rows_schema`], or has it with
    /// another type (or with nulls where the schema has none).
    Column {
        /// The column.
        name: &'static str,
    },
    /// Reconciliation refused the group's rows (as it would refuse them in one settlement
    /// file: a limit).
    Reconcile(possig_reconcile::Error),
    /// Arrow refused a column it was built for (not expected).
    Arrow(ArrowError),
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Column { name } => {
                write!(f, "input batch has no usable column {name:?}")
            }
            GroupError::Reconcile(e) => e.fmt(f),
            GroupError::Arrow(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for GroupError {}

/// One terminal's results: record outcomes ([`crate::records_schema`]), chain findings
/// ([`crate::findings_schema`]) and items ([`crate::items_schema`]), every position in the
/// file its `source` names, and the group's counts.
#[derive(Debug)]
pub struct GroupOutput {
    /// One row per record.
    pub records: RecordBatch,
    /// One row per chain finding.
    pub findings: RecordBatch,
    /// One row per item.
    pub items: RecordBatch,
    /// The group's counts.
    pub report: Report,
}

fn column<'a>(batch: &'a RecordBatch, name: &'static str) -> Result<&'a ArrayRef, GroupError> {
    batch
        .column_by_name(name)
        .filter(|c| c.null_count() == 0)
        .ok_or(GroupError::Column { name })
}

/// Reconciles one terminal's `pieces` (batches of [`pieces_schema`], from [`journal_pieces`])
/// and settlement `rows` ([`rows_schema`], from [`settlement_rows`]), given in any order, with
/// `possig_reconcile::partition::reconcile_group`.
///
/// # Errors
/// [`GroupError::Column`] for an input batch of another schema; those of `reconcile_group`.
pub fn reconcile_group(
    pieces: &[RecordBatch],
    rows: &[RecordBatch],
    store: &TrustStore,
    options: &ReconcileOptions,
) -> Result<GroupOutput, GroupError> {
    let bad = |name| move || GroupError::Column { name };
    let mut p_cols = Vec::with_capacity(pieces.len());
    for b in pieces {
        p_cols.push((
            column(b, "source")?
                .as_string_opt::<i32>()
                .ok_or_else(bad("source"))?,
            column(b, "index")?
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(bad("index"))?,
            column(b, "offset")?
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(bad("offset"))?,
            column(b, "der")?
                .as_binary_opt::<i32>()
                .ok_or_else(bad("der"))?,
        ));
    }
    let mut r_cols = Vec::with_capacity(rows.len());
    for b in rows {
        r_cols.push((
            column(b, "source")?
                .as_string_opt::<i32>()
                .ok_or_else(bad("source"))?,
            column(b, "line")?
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(bad("line"))?,
            column(b, "csv")?
                .as_string_opt::<i32>()
                .ok_or_else(bad("csv"))?,
        ));
    }

    // Sources by name: ids are ranks, the same on every attempt of the group.
    let names: Vec<&str> = p_cols
        .iter()
        .flat_map(|c| c.0.iter())
        .chain(r_cols.iter().flat_map(|c| c.0.iter()))
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let id = |name: &str| -> SourceId { names.binary_search(&name).map_or(0, |i| i as SourceId) };
    let unsigned = |v: i64| u64::try_from(v).unwrap_or_default();
    let mut records: Vec<GroupRecord<'_>> = Vec::new();
    for (source, index, offset, der) in &p_cols {
        for i in 0..der.len() {
            records.push(GroupRecord {
                source: id(source.value(i)),
                index: unsigned(index.value(i)),
                offset: unsigned(offset.value(i)),
                der: der.value(i),
            });
        }
    }
    let mut group_rows: Vec<GroupRow<'_>> = Vec::new();
    for (source, line, csv) in &r_cols {
        for i in 0..csv.len() {
            group_rows.push(GroupRow {
                source: id(source.value(i)),
                line: unsigned(line.value(i)),
                csv: csv.value(i),
            });
        }
    }

    let mut outcomes = Vec::new();
    let mut outcome_sources = Vec::new();
    let mut findings = Vec::new();
    let mut finding_sources = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut item_sources: Vec<ItemSourceNames<'_>> = Vec::new();
    let name = |s: Option<SourceId>| s.and_then(|s| names.get(s as usize).copied());
    let report = possig_reconcile::partition::reconcile_group(
        &records,
        &group_rows,
        u64::from,
        store,
        options,
        |event, source| match event {
            Event::Record(o) => {
                outcomes.push(o);
                outcome_sources.push(name(source));
            }
            Event::Finding(f) => {
                findings.push(f);
                finding_sources.push(name(source));
            }
        },
        |item, s: ItemSources| {
            items.push(item);
            item_sources.push([name(s.receipt), name(s.related), name(s.row)]);
        },
    )
    .map_err(GroupError::Reconcile)?;
    Ok(GroupOutput {
        records: records_batch_from(&outcomes, &outcome_sources).map_err(GroupError::Arrow)?,
        findings: findings_batch(&findings, &finding_sources).map_err(GroupError::Arrow)?,
        items: items_batch_from(&items, &item_sources).map_err(GroupError::Arrow)?,
        report,
    })
}
