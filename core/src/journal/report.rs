//! What journal verification reports: one outcome per record, chain-level findings, and counts.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::Error;
use crate::format::wire::ReceiptKind;
use crate::hash::{Digest, KeyId};
use crate::trust::Warning;

#[cfg(feature = "serde")]
fn kind_name<S: serde::Serializer>(v: &Option<ReceiptKind>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(k) => s.serialize_str(k.name()),
        None => s.serialize_none(),
    }
}

/// The verdict on one record.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Status {
    /// Signature, chain and attachments verify; no warning.
    Valid,
    /// Valid, with warnings.
    ValidWithWarnings,
    /// Not valid (see the code).
    Invalid,
    /// An unsigned record (signer outage); see the `unsigned_covered` / `unsigned_uncovered` findings.
    Unsigned,
}

impl Status {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// The outcome of one record, in input order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RecordOutcome {
    /// Position of the record in the input (0-based, garbage not counted).
    pub index: u64,
    /// Byte offset of the record in its source.
    pub offset: u64,
    /// The verdict.
    pub status: Status,
    /// Error code when invalid (`Error::code`).
    pub code: Option<&'static str>,
    /// The error itself when invalid.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub error: Option<Error>,
    /// Warning codes when valid with warnings.
    pub warnings: Vec<&'static str>,
    /// Signer key id, when the record decodes.
    pub key_id: Option<KeyId>,
    /// Terminal id as claimed (verified only when status is valid). Shared by the outcomes of
    /// one terminal: a journal does not allocate it per record.
    pub terminal: Option<Arc<str>>,
    /// Counter as claimed.
    pub counter: Option<u64>,
    /// Kind as claimed.
    #[cfg_attr(feature = "serde", serde(serialize_with = "kind_name"))]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub kind: Option<ReceiptKind>,
    /// Receipt digest, when the record decodes.
    pub digest: Option<Digest>,
}

impl RecordOutcome {
    pub(crate) fn warnings_of(w: &[Warning]) -> Vec<&'static str> {
        w.iter().map(Warning::code).collect()
    }
}

/// Why a `resign` receipt is flagged.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum BadResignReason {
    /// The original is known but its cardholder verification was not `pending`.
    NotPending,
    /// The original is not among the pending receipts seen (unknown, or already re-signed).
    UnknownOriginal,
    /// The original was signed by another terminal.
    OtherTerminal,
}

/// Why a `dayClose` receipt is flagged.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum BadDayCloseReason {
    /// A receipt of the batch is missing or invalid, so the root cannot be recomputed.
    Incomplete,
    /// The Merkle root differs from the batch's.
    Root,
    /// Counts or totals differ from the batch's.
    Totals,
    /// The batch number does not follow the previous close's.
    BatchNumber,
}

/// A chain-level finding. Keys are signing key ids.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(tag = "finding", rename_all = "snake_case")
)]
pub enum Finding {
    /// Bytes that are not a record.
    MalformedRecord {
        /// Byte offset.
        offset: u64,
        /// Bytes skipped.
        len: u64,
    },
    /// Where a key's chain starts in this input: at counter 0 (genesis), after an anchor, after a
    /// key rotation, or at the first receipt seen (unanchored: earlier history was not checked).
    ChainStart {
        /// Key.
        key: KeyId,
        /// First counter seen.
        counter: u64,
        /// `genesis`, `anchor`, `rotation` or `first_seen`.
        how: &'static str,
    },
    /// Counters missing from the chain (inclusive range).
    Gap {
        /// Key.
        key: KeyId,
        /// First missing counter.
        from: u64,
        /// Last missing counter.
        to: u64,
    },
    /// Two different receipts with one counter.
    Fork {
        /// Key.
        key: KeyId,
        /// The counter.
        counter: u64,
        /// Index of the second receipt.
        index: u64,
    },
    /// The same receipt (same key, counter and TBS) again.
    Duplicate {
        /// Key.
        key: KeyId,
        /// The counter.
        counter: u64,
        /// Index of the repeated record.
        index: u64,
    },
    /// A receipt that arrived after a later counter of its key (it fills an earlier gap).
    Reordered {
        /// Key.
        key: KeyId,
        /// The counter.
        counter: u64,
        /// Index of the late record.
        index: u64,
    },
    /// A counter at or below the chain head that is no longer in the open window (before the
    /// anchor, the chain start or the last day close): a replay that cannot be matched.
    Replay {
        /// Key.
        key: KeyId,
        /// The counter.
        counter: u64,
        /// Index of the record.
        index: u64,
    },
    /// `previous` does not match the digest of the key's receipt at `counter − 1` (or the
    /// anchor, or the rotated-from key's last receipt).
    BrokenLink {
        /// Key.
        key: KeyId,
        /// Counter of the receipt whose link is broken.
        counter: u64,
    },
    /// A key rotation: the new key's first receipt names the previous key's last receipt.
    Rotation {
        /// Previous key.
        from: KeyId,
        /// New key.
        to: KeyId,
        /// Whether the named last receipt matches the previous key's chain head.
        matches: bool,
    },
    /// A cardholder signature still pending at the end of the input.
    Pending {
        /// Digest of the pending payment.
        digest: Digest,
        /// Terminal.
        terminal: String,
        /// Its issue time.
        issued_at: u64,
        /// Seconds from issue to the verification time.
        age: u64,
    },
    /// A pending payment resolved by a `resign` receipt.
    ReSigned {
        /// Digest of the payment.
        digest: Digest,
        /// Issue time of the `resign` receipt.
        resigned_at: u64,
    },
    /// A `resign` that does not resolve a pending payment.
    BadResign {
        /// Digest of the `resign` receipt.
        digest: Digest,
        /// Why.
        reason: BadResignReason,
    },
    /// A `copy` (reprint) of an earlier receipt; never counted as a duplicate.
    Copy {
        /// Digest of the copy.
        digest: Digest,
        /// Digest of the original.
        original: Digest,
        /// Reprint number.
        reprint: u16,
    },
    /// A `copy` whose original is not among the receipts seen: unknown, forged (its record did
    /// not verify), or outside this input. A reprint vouches for nothing by itself.
    BadCopy {
        /// Digest of the copy.
        digest: Digest,
        /// Digest it names as the original.
        original: Digest,
    },
    /// An unsigned record covered by a valid `recovery` receipt.
    UnsignedCovered {
        /// Key.
        key: KeyId,
        /// Its counter.
        counter: u64,
    },
    /// An unsigned record no valid `recovery` covers.
    UnsignedUncovered {
        /// Key.
        key: KeyId,
        /// Its counter.
        counter: u64,
    },
    /// A `recovery` whose commitment does not match the unsigned records it names.
    BadRecovery {
        /// Key.
        key: KeyId,
        /// Counter of the recovery receipt.
        counter: u64,
    },
    /// A `dayClose` whose batch does not match.
    BadDayClose {
        /// Key.
        key: KeyId,
        /// Counter of the dayClose receipt.
        counter: u64,
        /// Why.
        reason: BadDayCloseReason,
    },
    /// Receipts after the key's last `dayClose` (or with no close at all).
    OpenBatch {
        /// Key.
        key: KeyId,
        /// First counter of the open batch.
        first: u64,
        /// Number of receipts in it.
        count: u64,
    },
}

impl Finding {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        self.into()
    }

    /// Whether the finding is informational (chain start, rotation that matches, re-signed,
    /// copy, covered unsigned record, open batch) rather than a problem.
    pub fn is_informational(&self) -> bool {
        INFORMATIONAL.contains(&self.code())
            && !matches!(self, Finding::Rotation { matches: false, .. })
    }
}

/// Something journal verification emits, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A record's outcome (exactly one per record, in input order).
    Record(RecordOutcome),
    /// A chain-level finding.
    Finding(Finding),
}

/// Counts of one terminal (or of everything).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counts {
    /// Records per status code.
    pub status: BTreeMap<&'static str, u64>,
    /// Invalid records per error code.
    pub errors: BTreeMap<&'static str, u64>,
    /// Findings per code.
    pub findings: BTreeMap<&'static str, u64>,
}

/// The summary of a journal verification. Per-record outcomes and findings are streamed to the
/// caller's sink; the summary only counts, so its size does not grow with the input.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Summary {
    /// Records read.
    pub records: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Counts over everything.
    pub total: Counts,
    /// Counts per terminal id (records that do not decode are counted under `""`).
    pub terminals: BTreeMap<String, Counts>,
}

impl Summary {
    /// Whether every record is valid (warnings allowed; unsigned records are judged by their
    /// findings) and no finding is a problem.
    pub fn is_clean(&self) -> bool {
        let bad_status = self.total.status.get("invalid").is_some_and(|&n| n > 0);
        let bad_finding = self
            .total
            .findings
            .keys()
            .any(|k| !INFORMATIONAL.contains(k));
        !bad_status && !bad_finding
    }
}

/// Finding codes that are informational (see [`Finding::is_informational`]). A rotation that
/// does not match is a problem, and it also yields `broken_link`, so counting by code (as
/// [`Summary::is_clean`] does) still sees it.
const INFORMATIONAL: [&str; 6] = [
    "chain_start",
    "re_signed",
    "copy",
    "unsigned_covered",
    "open_batch",
    "rotation",
];

/// One line in plain words, with the key or digest shortened to its first six bytes.
impl core::fmt::Display for Finding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Finding::MalformedRecord { offset, len } => {
                write!(f, "{len} unreadable byte(s) at offset {offset}")
            }
            Finding::ChainStart { key, counter, how } => {
                write!(
                    f,
                    "key {}…: chain starts at counter {counter} ({how})",
                    key.short()
                )
            }
            Finding::Gap { key, from, to } => {
                write!(f, "key {}…: counters {from}..={to} MISSING", key.short())
            }
            Finding::Fork {
                key,
                counter,
                index,
            } => write!(
                f,
                "key {}…: FORK at counter {counter} (record #{index})",
                key.short()
            ),
            Finding::Duplicate {
                key,
                counter,
                index,
            } => write!(
                f,
                "key {}…: duplicate of counter {counter} (record #{index})",
                key.short()
            ),
            Finding::Reordered {
                key,
                counter,
                index,
            } => write!(
                f,
                "key {}…: counter {counter} out of order (record #{index})",
                key.short()
            ),
            Finding::Replay {
                key,
                counter,
                index,
            } => write!(
                f,
                "key {}…: counter {counter} replayed outside the open window (record #{index})",
                key.short()
            ),
            Finding::BrokenLink { key, counter } => {
                write!(
                    f,
                    "key {}…: BROKEN LINK before counter {counter}",
                    key.short()
                )
            }
            Finding::Rotation { from, to, matches } => write!(
                f,
                "key rotation {}… -> {}… ({})",
                from.short(),
                to.short(),
                if *matches {
                    "continues the chain"
                } else {
                    "DOES NOT match the old chain"
                }
            ),
            Finding::Pending {
                digest,
                terminal,
                age,
                ..
            } => write!(
                f,
                "terminal {terminal}: cardholder signature PENDING for {}h, receipt {}…",
                age / 3600,
                digest.short()
            ),
            Finding::ReSigned {
                digest,
                resigned_at,
            } => write!(
                f,
                "receipt {}… re-signed at {}",
                digest.short(),
                crate::UnixTime(*resigned_at)
            ),
            Finding::BadResign { digest, reason } => write!(
                f,
                "resign {}… does not resolve a pending signature ({reason:?})",
                digest.short()
            ),
            Finding::Copy {
                original, reprint, ..
            } => write!(f, "reprint #{reprint} of {}…", original.short()),
            Finding::BadCopy { digest, original } => write!(
                f,
                "copy {}… names an original never seen valid: {}…",
                digest.short(),
                original.short()
            ),
            Finding::UnsignedCovered { key, counter } => write!(
                f,
                "key {}…: unsigned counter {counter} covered by a recovery",
                key.short()
            ),
            Finding::UnsignedUncovered { key, counter } => write!(
                f,
                "key {}…: unsigned counter {counter} NOT covered by any recovery",
                key.short()
            ),
            Finding::BadRecovery { key, counter } => write!(
                f,
                "key {}…: recovery at counter {counter} does not match the unsigned records",
                key.short()
            ),
            Finding::BadDayClose {
                key,
                counter,
                reason,
            } => write!(
                f,
                "key {}…: day close at counter {counter} does not match its batch ({reason:?})",
                key.short()
            ),
            Finding::OpenBatch { key, first, count } => write!(
                f,
                "key {}…: {count} receipt(s) from counter {first} not yet closed",
                key.short()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Finding;
    use crate::hash::{Digest, KeyId};

    #[test]
    fn findings_read_as_plain_words() {
        let mut key = [0u8; 32];
        key[..7].copy_from_slice(&[0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67]);
        assert_eq!(
            Finding::Gap {
                key: KeyId(key),
                from: 4,
                to: 6
            }
            .to_string(),
            "key abcdef012345…: counters 4..=6 MISSING"
        );
        assert_eq!(
            Finding::ReSigned {
                digest: Digest(key),
                resigned_at: 1_780_308_000
            }
            .to_string(),
            "receipt abcdef012345… re-signed at 2026-06-01T10:00:00Z"
        );
        assert_eq!(
            Finding::OpenBatch {
                key: KeyId(key),
                first: 11,
                count: 12
            }
            .to_string(),
            "key abcdef012345…: 12 receipt(s) from counter 11 not yet closed"
        );
    }
}
