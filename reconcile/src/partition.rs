//! Reconciliation split by terminal, for a cluster (the `possig.spark` job).
//!
//! A signing key's chain belongs to one terminal, and a receipt is matched only with rows of its
//! own terminal, so a day can be reconciled terminal by terminal with memory bounded by the
//! largest terminal's day:
//!
//! 1. [`split_journal`] cuts each uploaded journal file into its records (each with the
//!    terminal id it claims, unverified, `None` when it does not decode) and its unreadable
//!    spans ([`JournalPiece::Malformed`], which become `malformed_record` findings at once:
//!    they are not records, as in a single journal);
//! 2. [`split_settlement`] cuts each settlement file into its rows, each re-encoded in the
//!    default column order (so files with different headers can be grouped) with its terminal;
//! 3. [`reconcile_group`] reconciles one terminal's records and rows, given in any order and
//!    from any number of files, exactly as [`crate::reconcile`] would reconcile them in the
//!    canonical order below, and reports every position in the file it came from.
//!
//! # Distributed semantics
//! A cluster receives a terminal's uploads in no particular order, so the upload order that a
//! single journal carries is not information it has. Instead, each terminal's records are put
//! in a canonical order before verification: keys by their earliest `issuedAt` (a rotated-to
//! key after the key it replaces), then key id; within a key by counter, then digest; then by
//! source and position. Records that do not decode come last, by source and position. Rows are
//! taken in (source, line) order: several settlement files behave as if concatenated in the
//! order of their names. Consequences, each tested:
//! - `reordered` is never reported (records are in counter order once sorted) and a counter
//!   sent again after a day close is a `duplicate` or a `fork` next to its first copy rather
//!   than a `replay`; everything else of a journal delivered in order is reported unchanged.
//! - Of two copies of one receipt, the one first in canonical order is the original and the
//!   other is the `duplicate` (same digest, so the items are the same up to position).
//! - A refund, void or completion whose original was signed on another terminal is a
//!   `reference_mismatch` with reason `original_not_found` (a single run says `other_terminal`);
//!   a `copy` whose original is on another terminal is a `bad_copy` finding. Both are findings
//!   either way; only the reason is less specific.
//! - Records that do not decode have no terminal: they are reconciled together in one group of
//!   their own (each an `invalid_receipt` with code `malformed`, as in a single run).

use std::collections::HashMap;
use std::io::Read;

use possig::UnverifiedReceipt;
use possig::journal::{Event, Finding, JournalReader};

use crate::error::{Error, SettlementColumn};
use crate::report::{Item, Report};
use crate::settlement::{self, ColumnMap};
use crate::{ReconcileOptions, reconcile_with_events};
use possig::TrustStore;

/// The caller's index of a source (a journal or settlement file) in its list of names.
pub type SourceId = u32;

/// One piece of a journal file, as [`split_journal`] hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalPiece<'a> {
    /// A DER-framed record (not verified).
    Record {
        /// Position among the file's records (0-based, unreadable spans not counted).
        index: u64,
        /// Byte offset in the file.
        offset: u64,
        /// The record's bytes.
        der: &'a [u8],
        /// The terminal id the record claims, `None` when it does not decode.
        terminal: Option<String>,
    },
    /// Bytes that are not a record (a `malformed_record` finding).
    Malformed {
        /// Byte offset in the file.
        offset: u64,
        /// Bytes skipped.
        len: u64,
    },
}

/// Cuts a journal file into records and unreadable spans, in file order, as
/// [`possig::journal::JournalReader`] reads it.
pub fn split_journal(journal: &[u8], mut each: impl FnMut(JournalPiece<'_>)) {
    let mut reader = JournalReader::new(journal);
    let mut index = 0u64;
    // Reading a slice cannot fail: the reader's only errors are its input's.
    while let Ok(Some(item)) = reader.next_item() {
        match item {
            possig::journal::JournalItem::Record { offset, der } => {
                let terminal = UnverifiedReceipt::from_der(&der)
                    .ok()
                    .map(|r| r.tbs().terminal_id().to_owned());
                each(JournalPiece::Record {
                    index,
                    offset,
                    der: &der,
                    terminal,
                });
                index += 1;
            }
            possig::journal::JournalItem::Garbage { offset, len } => {
                each(JournalPiece::Malformed { offset, len });
            }
        }
    }
}

/// One settlement row, as [`split_settlement`] hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitRow {
    /// 1-based line in its file.
    pub line: u64,
    /// The row's `terminal_id` field (trimmed; possibly empty or invalid, which makes the row
    /// a `malformed_row` in its group).
    pub terminal: String,
    /// The row as one CSV record (no line end) in the default column order
    /// ([`SettlementColumn::ALL`]), so that rows of files with different headers can be
    /// reconciled together.
    pub csv: String,
}

/// Cuts a settlement file into its rows (blank lines skipped).
///
/// # Errors
/// Those of reading a settlement file for [`crate::reconcile`]: a missing column, input that is
/// not CSV, a limit, I/O.
pub fn split_settlement<R: Read>(
    input: R,
    map: &ColumnMap,
    mut each: impl FnMut(SplitRow),
) -> Result<(), Error> {
    settlement::for_each_row(input, map, |line, field| {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(SettlementColumn::ALL.iter().map(|c| field(*c)))
            .map_err(|_| Error::SettlementMalformed { line })?;
        let mut bytes = w
            .into_inner()
            .map_err(|_| Error::SettlementMalformed { line })?;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        let csv = String::from_utf8(bytes).map_err(|_| Error::SettlementMalformed { line })?;
        each(SplitRow {
            line,
            terminal: field(SettlementColumn::Terminal).to_owned(),
            csv,
        });
        Ok(())
    })
}

/// A record of the group given to [`reconcile_group`].
#[derive(Debug, Clone, Copy)]
pub struct GroupRecord<'a> {
    /// Its file.
    pub source: SourceId,
    /// Its position among its file's records.
    pub index: u64,
    /// Its byte offset in its file.
    pub offset: u64,
    /// Its bytes (one record, as [`split_journal`] cut it).
    pub der: &'a [u8],
}

/// A settlement row of the group given to [`reconcile_group`].
#[derive(Debug, Clone, Copy)]
pub struct GroupRow<'a> {
    /// Its file.
    pub source: SourceId,
    /// Its line in its file.
    pub line: u64,
    /// The row as [`SplitRow::csv`].
    pub csv: &'a str,
}

/// The files of an item's receipt, related receipt and row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemSources {
    /// The file of `receipt`.
    pub receipt: Option<SourceId>,
    /// The file of `related`.
    pub related: Option<SourceId>,
    /// The file of `row`.
    pub row: Option<SourceId>,
}

/// Where one record of the canonical order came from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    source: SourceId,
    index: u64,
    offset: u64,
    /// Byte offset in the group's canonical stream.
    start: u64,
}

/// Reconciles one terminal's records and settlement rows (see the module documentation for
/// the order they are put in). `events` receives every record outcome and chain finding,
/// `sink` every item, each with positions in its own file (`index`, `offset`, `line`) and the
/// file's [`SourceId`]; `source_order` ranks sources for ties (callers pass the same rank on
/// every attempt, so a retried group gives the same answer).
///
/// # Errors
/// [`Error::LimitExceeded`] when the group's rows exceed the limits of one settlement file;
/// [`Error::SettlementMalformed`] for a row that is not what [`split_settlement`] makes.
pub fn reconcile_group(
    records: &[GroupRecord<'_>],
    rows: &[GroupRow<'_>],
    source_order: impl Fn(SourceId) -> u64,
    store: &TrustStore,
    options: &ReconcileOptions,
    mut events: impl FnMut(Event, Option<SourceId>),
    mut sink: impl FnMut(Item, ItemSources),
) -> Result<Report, Error> {
    // The canonical order of the records.
    struct Key {
        decoded: Option<([u8; 32], u64, [u8; 32])>,
        rank: u64,
        at: usize,
    }
    let mut keys: Vec<Key> = Vec::with_capacity(records.len());
    let mut first: HashMap<[u8; 32], u64> = HashMap::new();
    for (at, r) in records.iter().enumerate() {
        let decoded = UnverifiedReceipt::from_der(r.der).ok().map(|u| {
            let t = u.tbs();
            let key = *u.key_id().as_bytes();
            let e = first.entry(key).or_insert(u64::MAX);
            *e = (*e).min(t.issued_at());
            (key, t.counter(), *u.digest().as_bytes())
        });
        keys.push(Key {
            decoded,
            rank: source_order(r.source),
            at,
        });
    }
    let position = |k: &Key| records.get(k.at).map_or(0, |r| r.index);
    keys.sort_by(|a, b| {
        let head = |k: &Key| {
            k.decoded.map(|(key, counter, digest)| {
                (
                    first.get(&key).copied().unwrap_or(u64::MAX),
                    key,
                    counter,
                    digest,
                )
            })
        };
        // Decoded records first (`None` sorts first, hence the flip).
        head(a)
            .is_none()
            .cmp(&head(b).is_none())
            .then_with(|| head(a).cmp(&head(b)))
            .then_with(|| a.rank.cmp(&b.rank))
            .then_with(|| position(a).cmp(&position(b)))
    });
    let mut journal = Vec::with_capacity(records.iter().map(|r| r.der.len()).sum());
    let mut origins = Vec::with_capacity(records.len());
    for k in &keys {
        let Some(r) = records.get(k.at) else { continue };
        origins.push(Origin {
            source: r.source,
            index: r.index,
            offset: r.offset,
            start: journal.len() as u64,
        });
        journal.extend_from_slice(r.der);
    }

    // Rows in (source, line) order, under the default header; `lines` maps each row's line in
    // this stream back to its own.
    let mut order: Vec<&GroupRow<'_>> = rows.iter().collect();
    order.sort_by_key(|r| (source_order(r.source), r.line));
    let header: Vec<&str> = SettlementColumn::ALL.iter().map(|c| c.code()).collect();
    let mut csv = header.join(",");
    csv.push('\n');
    let mut line = 2u64;
    let mut lines: HashMap<u64, (SourceId, u64)> = HashMap::with_capacity(rows.len());
    for r in order {
        lines.insert(line, (r.source, r.line));
        csv.push_str(r.csv);
        csv.push('\n');
        line += 1 + r.csv.bytes().filter(|b| *b == b'\n').count() as u64;
    }

    let origin = |index: u64| origins.get(usize::try_from(index).unwrap_or(usize::MAX));
    let by_offset = |offset: u64| {
        let i = origins.partition_point(|o| o.start <= offset);
        i.checked_sub(1).and_then(|i| origins.get(i))
    };
    let locate = |index: &mut u64| {
        origin(*index).map(|o| {
            *index = o.index;
            o.source
        })
    };
    reconcile_with_events(
        journal.as_slice(),
        csv.as_bytes(),
        store,
        options,
        |event| {
            let mut event = event.clone();
            let source = match &mut event {
                Event::Record(o) => origin(o.index).map(|g| {
                    o.index = g.index;
                    o.offset = g.offset;
                    g.source
                }),
                Event::Finding(f) => match f {
                    Finding::Fork { index, .. }
                    | Finding::Duplicate { index, .. }
                    | Finding::Reordered { index, .. }
                    | Finding::Replay { index, .. } => locate(index),
                    // Not expected (every piece is a whole record), but located if it happens.
                    Finding::MalformedRecord { offset, .. } => by_offset(*offset).map(|g| {
                        *offset = g.offset + (*offset - g.start);
                        g.source
                    }),
                    _ => None,
                },
            };
            events(event, source);
        },
        |item| {
            let mut item = item.clone();
            let mut sources = ItemSources::default();
            if let Some(r) = item.receipt.as_mut()
                && let Some(g) = origin(r.index)
            {
                (r.index, r.offset, sources.receipt) = (g.index, g.offset, Some(g.source));
            }
            if let Some(r) = item.related.as_mut()
                && let Some(g) = origin(r.index)
            {
                (r.index, r.offset, sources.related) = (g.index, g.offset, Some(g.source));
            }
            if let Some(row) = item.row.as_mut()
                && let Some((source, line)) = lines.get(&row.line)
            {
                (row.line, sources.row) = (*line, Some(*source));
            }
            sink(item, sources);
        },
    )
}
