//! What can stop a reconciliation, and the settlement file's named limits. Problems of single
//! receipts and rows are not errors: they are [`crate::Item`]s.

use core::fmt;
use std::io;

use possig::ErrorKind;
use possig::view::ErrorView;

/// Bytes of one settlement-file line: 4 KiB. A settlement row of the eight documented columns
/// is under 200 bytes; banks' wider exports stay under 1 KiB. Bounds the CSV reader's buffer.
pub const MAX_SETTLEMENT_LINE: usize = 4 * 1024;

/// Rows of one settlement file: 50 million, two orders of magnitude above the 10⁶-row day the
/// reconciliation is measured on. Rows are held in memory (about 120 bytes each, see
/// [`crate`]), so this bounds memory at about 6 GB.
pub const MAX_SETTLEMENT_ROWS: usize = 50_000_000;

/// A column of a settlement file (see [`crate::settlement`]).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum SettlementColumn {
    /// Terminal id, as in the receipts' `terminalId`.
    #[strum(serialize = "terminal_id")]
    Terminal,
    /// The acquirer's batch number (informational).
    Batch,
    /// Retrieval reference number.
    Rrn,
    /// Authorization code (may be empty).
    AuthorizationCode,
    /// Amount in minor units (a non-negative integer).
    Amount,
    /// ISO 4217 alphabetic currency code.
    Currency,
    /// Transaction time: RFC 3339 UTC or Unix seconds.
    Time,
    /// Kind: sale, refund, void, completion or preauth.
    Kind,
}

impl SettlementColumn {
    /// Every column, in the order of the default header.
    pub const ALL: [SettlementColumn; 8] = [
        SettlementColumn::Terminal,
        SettlementColumn::Batch,
        SettlementColumn::Rrn,
        SettlementColumn::AuthorizationCode,
        SettlementColumn::Amount,
        SettlementColumn::Currency,
        SettlementColumn::Time,
        SettlementColumn::Kind,
    ];

    /// Stable snake_case name; also the column's default header.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// The column of a stable name.
    pub fn from_code(code: &str) -> Option<Self> {
        code.parse().ok()
    }
}

/// A limit on the settlement file (see the constants of this module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[non_exhaustive]
pub enum SettlementLimit {
    /// [`MAX_SETTLEMENT_LINE`]
    #[strum(serialize = "settlement_line")]
    Line,
    /// [`MAX_SETTLEMENT_ROWS`]
    #[strum(serialize = "settlement_rows")]
    Rows,
}

impl SettlementLimit {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Everything that can stop a reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// A settlement file lacks a required column (after the column mapping is applied).
    SettlementHeader {
        /// The missing column.
        column: SettlementColumn,
    },
    /// A column mapping names no settlement column (the names are
    /// [`SettlementColumn::code`]s: `terminal_id`, `rrn`, …).
    UnknownColumn,
    /// A settlement file is not CSV that can be read (not UTF-8, unterminated quote...).
    SettlementMalformed {
        /// 1-based line of the problem.
        line: u64,
    },
    /// A settlement file is over one of its limits.
    LimitExceeded {
        /// Which limit.
        limit: SettlementLimit,
        /// The size found (bytes or rows), saturated.
        actual: usize,
    },
    /// Reading an input or writing an output failed.
    Io {
        /// The kind of I/O error.
        kind: io::ErrorKind,
    },
}

impl Error {
    /// Every code [`Error::code`] returns. `limit_exceeded` and `io` mean what they mean in
    /// [`possig::Error`].
    pub const ALL_CODES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    /// The error's family, as [`possig::Error::kind`]'s: a settlement file that cannot be read
    /// is malformed input.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::SettlementHeader { .. }
            | Error::UnknownColumn
            | Error::SettlementMalformed { .. } => ErrorKind::Malformed,
            Error::LimitExceeded { .. } => ErrorKind::Limit,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SettlementHeader { column } => write!(
                f,
                "settlement file has no column for {} (map it with a column mapping)",
                column.code()
            ),
            Error::UnknownColumn => {
                f.write_str("unknown settlement column in a column mapping (one of ")?;
                let codes = SettlementColumn::ALL.map(|c| c.code());
                write!(f, "{})", codes.join(", "))
            }
            Error::SettlementMalformed { line } => {
                write!(f, "settlement file is not readable CSV at line {line}")
            }
            Error::LimitExceeded { limit, actual } => {
                write!(f, "limit exceeded: {} ({actual})", limit.code())
            }
            Error::Io { kind } => write!(f, "I/O error: {kind}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io { kind: e.kind() }
    }
}

/// The same shape as possig's errors: one output schema for every error.
impl From<&Error> for ErrorView {
    fn from(e: &Error) -> Self {
        let mut v = ErrorView::new(e.code(), e.kind(), e.to_string());
        match *e {
            Error::SettlementHeader { column } => v.reason = Some(column.code()),
            Error::SettlementMalformed { line } => v.index = Some(line),
            Error::LimitExceeded { limit, actual } => {
                v.limit = Some(limit.code());
                v.actual = Some(actual);
            }
            Error::UnknownColumn | Error::Io { .. } => {}
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_carry_the_codes_and_data() {
        let v = ErrorView::from(&Error::SettlementHeader {
            column: SettlementColumn::Rrn,
        });
        assert_eq!(
            (v.code, v.kind, v.reason),
            ("settlement_header", "malformed", Some("rrn"))
        );
        let v = ErrorView::from(&Error::SettlementMalformed { line: 7 });
        assert_eq!((v.code, v.index), ("settlement_malformed", Some(7)));
        assert_eq!(v.message, "settlement file is not readable CSV at line 7");
        let v = ErrorView::from(&Error::LimitExceeded {
            limit: SettlementLimit::Line,
            actual: 4097,
        });
        assert_eq!(
            (v.code, v.limit, v.actual),
            ("limit_exceeded", Some("settlement_line"), Some(4097))
        );
        for e in [
            Error::SettlementHeader {
                column: SettlementColumn::Time,
            },
            Error::SettlementMalformed { line: 1 },
            Error::LimitExceeded {
                limit: SettlementLimit::Rows,
                actual: 1,
            },
            Error::Io {
                kind: io::ErrorKind::NotFound,
            },
        ] {
            assert!(Error::ALL_CODES.contains(&e.code()));
        }
    }
}
