//! Reading an acquirer's settlement file (CSV) into compact rows.
//!
//! The file has a header line. Default column names are the [`SettlementColumn`] codes:
//! `terminal_id, batch, rrn, authorization_code, amount, currency, time, kind`; a
//! [`ColumnMap`] renames them for other banks' headers. `batch` and `authorization_code` may
//! be absent; the others are required ([`Error::SettlementHeader`]). Header names match
//! case-insensitively, fields are trimmed.
//!
//! A row whose value breaks the rules below is kept as a *malformed row* (it is reported, and
//! counted, not dropped): terminal 1–64 characters; rrn 1–12 `[A-Za-z0-9]`; authorization code
//! empty or 1–8 `[A-Z0-9]`; amount a non-negative integer of minor units ≤ 2^53 − 1; currency an
//! active ISO 4217 code with a minor unit; time RFC 3339 UTC (`2026-11-20T10:00:00Z`, a space
//! instead of `T` and fractional seconds allowed) or Unix seconds; kind `sale`, `refund`,
//! `void`, `completion` or `preauth` (any case).

use std::collections::HashMap;
use std::io::Read;

use crate::error::{Error, SettlementColumn, SettlementLimit};
use crate::error::{MAX_SETTLEMENT_LINE, MAX_SETTLEMENT_ROWS};
use possig::ReceiptKind;
use possig::limits::MAX_TEXT_FIELD;

/// Header names of the settlement columns.
#[derive(Clone, Debug)]
pub struct ColumnMap {
    names: Vec<(SettlementColumn, String)>,
}

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap {
            names: SettlementColumn::ALL
                .iter()
                .map(|c| (*c, c.code().to_string()))
                .collect(),
        }
    }
}

impl ColumnMap {
    /// Reads `column` from the header named `header` (case-insensitive).
    pub fn with(mut self, column: SettlementColumn, header: &str) -> Self {
        for (c, name) in &mut self.names {
            if *c == column {
                *name = header.trim().to_string();
            }
        }
        self
    }

    /// [`ColumnMap::with`] for the column whose code is `code` (`terminal_id`, `rrn`, …), as
    /// a command line or a binding receives it.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if `code` is no column's code.
    pub fn with_code(self, code: &str, header: &str) -> Result<Self, Error> {
        let column = SettlementColumn::from_code(code.trim()).ok_or(Error::UnknownColumn)?;
        Ok(self.with(column, header))
    }

    /// The header name of `column`.
    pub fn header(&self, column: SettlementColumn) -> &str {
        self.names
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, n)| n.as_str())
    }
}

/// A short ASCII string stored inline (no heap allocation per row).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Short<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> Default for Short<N> {
    fn default() -> Self {
        Short {
            len: 0,
            bytes: [0; N],
        }
    }
}

impl<const N: usize> Short<N> {
    pub(crate) fn new(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() > N || !s.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; N];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some(Short {
            len: u8::try_from(b.len()).ok()?,
            bytes,
        })
    }
    pub(crate) fn as_str(&self) -> &str {
        self.bytes
            .get(..usize::from(self.len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> std::fmt::Debug for Short<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Retrieval reference number: at most 12 characters (the format's rule for `rrn`).
pub(crate) type Rrn = Short<12>;
/// Authorization code: at most 8 characters.
pub(crate) type AuthCode = Short<8>;
/// ISO 4217 code.
pub(crate) type Currency = Short<3>;

/// Interned strings (terminal ids, merchant ids, batches): each distinct value stored once.
#[derive(Default, Debug)]
pub(crate) struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(s.to_string(), i);
        self.names.push(s.to_string());
        i
    }
    pub(crate) fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }
}

/// One parsed settlement row (about 64 bytes).
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// 1-based line in the file.
    pub(crate) line: u64,
    pub(crate) terminal: u32,
    pub(crate) batch: u32,
    pub(crate) rrn: Rrn,
    pub(crate) auth: AuthCode,
    pub(crate) amount: u64,
    pub(crate) currency: Currency,
    pub(crate) time: u64,
    pub(crate) kind: ReceiptKind,
}

/// A row that could not be parsed: its line and the first column at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadRow {
    pub(crate) line: u64,
    pub(crate) column: SettlementColumn,
}

/// A settlement file in memory: rows, malformed rows, interned terminals and batches.
#[derive(Debug, Default)]
pub(crate) struct Settlement {
    pub(crate) rows: super::chunked::Chunked<Row>,
    pub(crate) bad: Vec<BadRow>,
    pub(crate) terminals: Interner,
    pub(crate) batches: Interner,
}

/// Feeds the CSV reader: fails once a line exceeds [`MAX_SETTLEMENT_LINE`] bytes, so the reader
/// never buffers an unbounded record, and turns each blank line into a line holding one comma
/// (an empty record, skipped later) so that the reader's line numbers stay those of the file
/// (the `csv` crate skips blank lines but then reports the next record at the blank line).
struct Lines<R> {
    inner: R,
    /// Bytes of the current line so far; `\r` not counted until something else follows.
    current: usize,
    /// Whether the current line holds anything but `\r`.
    content: bool,
    out: Vec<u8>,
    pos: usize,
}

impl<R: Read> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            current: 0,
            content: false,
            out: Vec::new(),
            pos: 0,
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.out.len() {
            let mut chunk = [0u8; 4096];
            let n = self.inner.read(&mut chunk)?;
            self.out.clear();
            self.pos = 0;
            for &b in chunk.get(..n).unwrap_or_default() {
                if b == b'\n' {
                    if !self.content {
                        self.out.push(b',');
                    }
                    self.current = 0;
                    self.content = false;
                } else {
                    self.current += 1;
                    self.content |= b != b'\r';
                    if self.current > MAX_SETTLEMENT_LINE {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            LineTooLong,
                        ));
                    }
                }
                self.out.push(b);
            }
        }
        let avail = self.out.get(self.pos..).unwrap_or_default();
        let n = avail.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos += n;
        Ok(n)
    }
}

#[derive(Debug)]
struct LineTooLong;
impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("settlement line too long")
    }
}
impl std::error::Error for LineTooLong {}

fn csv_error(e: &csv::Error, line: u64) -> Error {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if io
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<LineTooLong>().is_some())
        {
            return Error::LimitExceeded {
                limit: SettlementLimit::Line,
                actual: MAX_SETTLEMENT_LINE + 1,
            };
        }
        return Error::Io { kind: io.kind() };
    }
    let line = e.position().map_or(line, |p| p.line());
    Error::SettlementMalformed { line }
}

/// Reads a settlement file.
///
/// # Errors
/// [`Error::SettlementHeader`] for a required column missing from the header;
/// [`Error::SettlementMalformed`] for input that is not CSV (not UTF-8, unterminated quote);
/// [`Error::LimitExceeded`] for a line above [`MAX_SETTLEMENT_LINE`] bytes or more than
/// [`MAX_SETTLEMENT_ROWS`] rows; [`Error::Io`] when reading fails.
pub(crate) fn read<R: Read>(input: R, map: &ColumnMap) -> Result<Settlement, Error> {
    let mut out = Settlement::default();
    for_each_row(input, map, |line, field| {
        match parse_row(field, line, &mut out) {
            Ok(row) => out.rows.push(row),
            Err(column) => out.bad.push(BadRow { line, column }),
        }
        Ok(())
    })?;
    Ok(out)
}

/// Walks the data rows of a settlement file: `each(line, field)` for every row that is not
/// blank, `field(column)` giving the row's trimmed value of a column ("" for an absent
/// optional column). The header, limits and CSV errors are [`read`]'s.
pub(crate) fn for_each_row<R: Read>(
    input: R,
    map: &ColumnMap,
    mut each: impl for<'r> FnMut(u64, &'r dyn Fn(SettlementColumn) -> &'r str) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(Lines::new(input));
    let header = reader.headers().map_err(|e| csv_error(&e, 1))?.clone();
    let position = |c: SettlementColumn| {
        let want = map.header(c);
        header.iter().position(|h| h.eq_ignore_ascii_case(want))
    };
    let mut cols = [None; 8];
    for (slot, c) in cols.iter_mut().zip(SettlementColumn::ALL) {
        *slot = position(c);
        let optional = matches!(
            c,
            SettlementColumn::Batch | SettlementColumn::AuthorizationCode
        );
        if slot.is_none() && !optional {
            return Err(Error::SettlementHeader { column: c });
        }
    }
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e, line)),
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue; // blank line (or a line of empty fields)
        }
        if rows >= MAX_SETTLEMENT_ROWS {
            return Err(Error::LimitExceeded {
                limit: SettlementLimit::Rows,
                actual: MAX_SETTLEMENT_ROWS + 1,
            });
        }
        rows += 1;
        let field = |c: SettlementColumn| {
            cols.get(c as usize)
                .copied()
                .flatten()
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        each(line, &field)?;
    }
    Ok(())
}

fn parse_row<'a>(
    field: &dyn Fn(SettlementColumn) -> &'a str,
    line: u64,
    out: &mut Settlement,
) -> Result<Row, SettlementColumn> {
    use SettlementColumn as C;
    let terminal = field(C::Terminal);
    if terminal.is_empty()
        || terminal.chars().count() > MAX_TEXT_FIELD
        || terminal.chars().any(char::is_control)
    {
        return Err(C::Terminal);
    }
    let batch = field(C::Batch);
    if batch.chars().count() > MAX_TEXT_FIELD || batch.chars().any(char::is_control) {
        return Err(C::Batch);
    }
    let rrn = field(C::Rrn);
    let rrn = Rrn::new(rrn)
        .filter(|r| !r.is_empty() && r.as_str().bytes().all(|b| b.is_ascii_alphanumeric()))
        .ok_or(C::Rrn)?;
    let auth = AuthCode::new(field(C::AuthorizationCode))
        .filter(|a| {
            a.as_str()
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        .ok_or(C::AuthorizationCode)?;
    let amount = field(C::Amount);
    let amount = (!amount.is_empty() && amount.bytes().all(|b| b.is_ascii_digit()))
        .then(|| amount.parse::<u64>().ok())
        .flatten()
        .filter(|a| *a <= possig::limits::MAX_AMOUNT)
        .ok_or(C::Amount)?;
    let currency = field(C::Currency);
    let currency = possig::currency_exponent(currency)
        .and(Currency::new(currency))
        .ok_or(C::Currency)?;
    let time = parse_time(field(C::Time)).ok_or(C::Time)?;
    let kind = match field(C::Kind).to_ascii_lowercase().as_str() {
        "sale" => ReceiptKind::Sale,
        "refund" => ReceiptKind::Refund,
        "void" => ReceiptKind::Void,
        "completion" => ReceiptKind::Completion,
        "preauth" => ReceiptKind::Preauth,
        _ => return Err(C::Kind),
    };
    Ok(Row {
        line,
        terminal: out.terminals.intern(terminal),
        batch: out.batches.intern(batch),
        rrn,
        auth,
        amount,
        currency,
        time,
        kind,
    })
}

/// Unix seconds, or RFC 3339 UTC `YYYY-MM-DDTHH:MM:SS[.fff]Z` (`T` or a space; `Z` or
/// `+00:00`); `None` otherwise.
pub(crate) fn parse_time(s: &str) -> Option<u64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if b.len() < 20
        || !sep(4, b"-")
        || !sep(7, b"-")
        || !sep(10, b"Tt ")
        || !sep(13, b":")
        || !sep(16, b":")
    {
        return None;
    }
    let mut rest = b.get(19..)?;
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    if rest != b"Z" && rest != b"z" && rest != b"+00:00" {
        return None;
    }
    let dt = der::DateTime::new(
        u16::try_from(num(0..4)?).ok()?,
        u8::try_from(num(5..7)?).ok()?,
        u8::try_from(num(8..10)?).ok()?,
        u8::try_from(num(11..13)?).ok()?,
        u8::try_from(num(14..16)?).ok()?,
        u8::try_from(num(17..19)?).ok()?,
    )
    .ok()?;
    Some(dt.unix_duration().as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("2026-11-20T10:00:00Z"), Some(1_795_168_800));
        assert_eq!(parse_time("2026-11-20 10:00:00.250Z"), Some(1_795_168_800));
        assert_eq!(parse_time("2026-11-20T10:00:00+00:00"), Some(1_795_168_800));
        assert_eq!(parse_time("1795168800"), Some(1_795_168_800));
        for bad in [
            "",
            "2026-11-20T10:00:00",
            "2026-11-20T10:00:00+01:00",
            "2026-13-20T10:00:00Z",
            "2026-11-20T10:00:00.Z",
            "-5",
            "2026-11-2OT10:00:00Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    fn read_str(s: &str) -> Result<Settlement, Error> {
        read(s.as_bytes(), &ColumnMap::default())
    }

    #[test]
    fn rows_bad_rows_and_headers() {
        let csv = "terminal_id,batch,rrn,authorization_code,amount,currency,time,kind\n\
                   T-1,7,000000000101,7Q2P9K,450,EUR,2026-11-20T08:05:00Z,SALE\n\
                   \n\
                   T-1,7,000000000102,,19.99,EUR,2026-11-20T08:05:00Z,sale\n\
                   T-1,7,000000000103,,1999,XXX,2026-11-20T08:05:00Z,sale\n\
                   T-1,7,000000000104,,1999,EUR,2026-11-20T08:05:00Z,chargeback\r\n\r\n";
        let s = read_str(csv).unwrap();
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.rows.get(0).unwrap().line, 2);
        assert_eq!(s.rows.get(0).unwrap().kind, ReceiptKind::Sale);
        assert_eq!(
            s.bad,
            vec![
                BadRow {
                    line: 4,
                    column: SettlementColumn::Amount
                },
                BadRow {
                    line: 5,
                    column: SettlementColumn::Currency
                },
                BadRow {
                    line: 6,
                    column: SettlementColumn::Kind
                },
            ]
        );
        assert_eq!(
            read_str("terminal_id,rrn,amount,currency,time\n").unwrap_err(),
            Error::SettlementHeader {
                column: SettlementColumn::Kind
            }
        );
        let map = ColumnMap::default()
            .with(SettlementColumn::Terminal, "TID")
            .with(SettlementColumn::Rrn, "Retrieval Ref");
        let s = read(
            "tid,Retrieval Ref,amount,currency,time,kind\nT-9,ABC,1,EUR,1,refund\n".as_bytes(),
            &map,
        )
        .unwrap();
        assert_eq!(s.terminals.name(s.rows.get(0).unwrap().terminal), "T-9");
        let long = format!(
            "terminal_id,rrn,amount,currency,time,kind\n{}\n",
            "x".repeat(MAX_SETTLEMENT_LINE + 10)
        );
        assert_eq!(
            read_str(&long).unwrap_err(),
            Error::LimitExceeded {
                limit: SettlementLimit::Line,
                actual: MAX_SETTLEMENT_LINE + 1
            }
        );
        assert!(matches!(
            read(
                &b"terminal_id,rrn,amount,currency,time,kind\nT,\xff,1,EUR,1,sale\n"[..],
                &ColumnMap::default()
            ),
            Err(Error::SettlementMalformed { line: 2 })
        ));
    }
}
