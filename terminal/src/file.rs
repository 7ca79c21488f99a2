//! `state.json`: the checkpoint's text form (ids in hex, as everywhere in possig's JSON).

use possig::{Digest, KeyId, ReceiptKind, TerminalState, TotalSpec};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The format of `state.json` this crate writes and reads.
const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Total {
    kind: String,
    currency: String,
    count: u64,
    amount: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rotation {
    key_id: String,
    counter: u64,
    digest: String,
}

/// The checkpoint as stored: a [`TerminalState`], the journal's length when it was taken, and
/// whether the key was retired by a rotation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateFile {
    format: u32,
    key_id: String,
    merchant: String,
    terminal: String,
    next_counter: u64,
    previous: String,
    batch_number: u64,
    batch_first: u64,
    batch: Vec<String>,
    totals: Vec<Total>,
    unsigned: Vec<(u64, String)>,
    rotation: Option<Rotation>,
    /// Bytes of `journal.der` that the state accounts for.
    pub(crate) journal_len: u64,
    /// The key was rotated: its store signs no more.
    pub(crate) retired: bool,
}

/// A value of the file that is not what it must be: reported like a parse error at the
/// file's start (the file parsed, so no line is better).
fn corrupt() -> Error {
    Error::StateCorrupt { line: 1, column: 1 }
}

fn id<T: core::str::FromStr>(s: &str) -> Result<T, Error> {
    s.parse().map_err(|_| corrupt())
}

impl StateFile {
    /// The file for `state`.
    pub(crate) fn new(state: &TerminalState, journal_len: u64, retired: bool) -> Self {
        StateFile {
            format: FORMAT,
            key_id: state.key_id.to_string(),
            merchant: state.merchant.clone(),
            terminal: state.terminal.clone(),
            next_counter: state.next_counter,
            previous: state.previous.to_string(),
            batch_number: state.batch_number,
            batch_first: state.batch_first,
            batch: state.batch.iter().map(Digest::to_string).collect(),
            totals: state
                .totals
                .iter()
                .map(|t| Total {
                    kind: t.kind.name().to_string(),
                    currency: t.currency.clone(),
                    count: t.count,
                    amount: t.amount,
                })
                .collect(),
            unsigned: state
                .unsigned
                .iter()
                .map(|(c, d)| (*c, d.to_string()))
                .collect(),
            rotation: state.rotation.map(|(k, c, d)| Rotation {
                key_id: k.to_string(),
                counter: c,
                digest: d.to_string(),
            }),
            journal_len,
            retired,
        }
    }

    /// Parses the file.
    ///
    /// # Errors
    /// [`Error::StateCorrupt`] with the line and column where it stops being the format.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let f: StateFile = serde_json::from_slice(bytes).map_err(|e| Error::StateCorrupt {
            line: e.line(),
            column: e.column(),
        })?;
        if f.format != FORMAT {
            return Err(corrupt());
        }
        Ok(f)
    }

    /// The file's text.
    pub(crate) fn to_json(&self) -> String {
        // Serializing plain strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The state it holds.
    ///
    /// # Errors
    /// [`Error::StateCorrupt`] for an id that is not 64 hex digits or an unknown kind.
    pub(crate) fn state(&self) -> Result<TerminalState, Error> {
        Ok(TerminalState {
            merchant: self.merchant.clone(),
            terminal: self.terminal.clone(),
            key_id: id::<KeyId>(&self.key_id)?,
            next_counter: self.next_counter,
            previous: id(&self.previous)?,
            batch_number: self.batch_number,
            batch_first: self.batch_first,
            batch: self.batch.iter().map(|d| id(d)).collect::<Result<_, _>>()?,
            totals: self
                .totals
                .iter()
                .map(|t| {
                    Ok(TotalSpec {
                        kind: ReceiptKind::from_name(&t.kind).ok_or_else(corrupt)?,
                        currency: t.currency.clone(),
                        count: t.count,
                        amount: t.amount,
                    })
                })
                .collect::<Result<_, Error>>()?,
            unsigned: self
                .unsigned
                .iter()
                .map(|(c, d)| Ok((*c, id(d)?)))
                .collect::<Result<_, Error>>()?,
            rotation: self
                .rotation
                .as_ref()
                .map(|r| Ok::<_, Error>((id(&r.key_id)?, r.counter, id(&r.digest)?)))
                .transpose()?,
        })
    }
}
