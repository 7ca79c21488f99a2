//! The machine-readable CSV of reconciliation items (`items.csv`): one line per item, the same
//! columns from the CLI and every binding. Times are RFC 3339 UTC, amounts integers in minor
//! units, digests hex; absent values are empty.

use std::io::Write;

use super::report::Item;
use crate::error::Error;
use possig::UnixTime;

/// The header line of `items.csv`.
pub const CSV_HEADER: [&str; 24] = [
    "category",
    "reason",
    "terminal",
    "receipt_index",
    "receipt_status",
    "receipt_code",
    "digest",
    "merchant",
    "kind",
    "issued_at",
    "amount",
    "currency",
    "rrn",
    "authorization_code",
    "last4",
    "cardholder_verification",
    "pending_days",
    "related_digest",
    "row_line",
    "row_kind",
    "row_time",
    "row_amount",
    "row_currency",
    "row_bad_column",
];

fn time_str(t: Option<u64>) -> String {
    t.map(|t| UnixTime(t).to_string()).unwrap_or_default()
}

/// The fields of one item's line, in [`CSV_HEADER`] order.
pub fn csv_record(it: &Item) -> Vec<String> {
    let r = it.receipt.as_ref();
    let row = it.row.as_ref();
    let good_row = row.filter(|w| w.bad_column.is_none());
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        it.category.code().into(),
        it.reason.map(|r| r.code()).unwrap_or_default().into(),
        it.terminal().into(),
        opt(r.map(|r| r.index.to_string())),
        opt(r.map(|r| r.status.to_string())),
        opt(r.and_then(|r| r.code).map(str::to_string)),
        opt(r.and_then(|r| r.digest).map(|d| d.to_string())),
        opt(r.and_then(|r| r.merchant.clone())),
        opt(r.and_then(|r| r.kind).map(str::to_string)),
        time_str(r.and_then(|r| r.issued_at)),
        opt(r.and_then(|r| r.amount).map(|a| a.to_string())),
        opt(r.and_then(|r| r.currency.clone())),
        opt(r.and_then(|r| r.rrn.clone()).or(row.map(|w| w.rrn.clone()))),
        opt(r.and_then(|r| r.authorization_code.clone())),
        opt(r.and_then(|r| r.last4.clone())),
        opt(r
            .and_then(|r| r.cardholder_verification)
            .map(str::to_string)),
        opt(it.pending_for.map(|s| (s / 86_400).to_string())),
        opt(it
            .related
            .as_ref()
            .and_then(|r| r.digest)
            .map(|d| d.to_string())),
        opt(row.map(|w| w.line.to_string())),
        opt(row.map(|w| w.kind.to_string())),
        time_str(good_row.map(|w| w.time)),
        opt(good_row.map(|w| w.amount.to_string())),
        opt(row.map(|w| w.currency.clone())),
        opt(row.and_then(|w| w.bad_column).map(str::to_string)),
    ]
}

/// Writes `items.csv`: the header, then one line per [`ItemsCsv::write`].
#[derive(Debug)]
pub struct ItemsCsv<W: Write> {
    w: csv::Writer<W>,
}

fn io(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::from(e),
        _ => Error::Io {
            kind: std::io::ErrorKind::InvalidData,
        },
    }
}

impl<W: Write> ItemsCsv<W> {
    /// Starts the file (writes the header).
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn new(out: W) -> Result<Self, Error> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(CSV_HEADER).map_err(io)?;
        Ok(ItemsCsv { w })
    }

    /// Writes one item's line.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn write(&mut self, item: &Item) -> Result<(), Error> {
        self.w.write_record(csv_record(item)).map_err(io)
    }

    /// Flushes buffered lines.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.w.flush().map_err(Error::from)
    }
}
