//! Journals: streaming verification of whole receipt histories.
//!
//! [`verify_journal`] reads concatenated receipts from any [`std::io::Read`], verifies every
//! record (in parallel chunks with the default `parallel` feature), and streams to the caller,
//! in input order, exactly one [`RecordOutcome`] per record plus chain-level [`Finding`]s: gaps,
//! forks, duplicates, reordering, replays, broken links, key rotations, pending and re-signed
//! cardholder signatures, copies, unsigned records covered or not by a recovery, day closes
//! whose Merkle root or totals do not match, and open batches. It returns a [`Summary`] of
//! counts.
//!
//! # Memory
//! Bounded by O(keys + pending cardholder signatures + open batches): per signing key the
//! chain head, the receipts since its last day close (digests and amounts, ~150 bytes each),
//! tentative gaps and uncovered unsigned records; plus one chunk of [`CHUNK_RECORDS`] records
//! being verified. Record outcomes and findings are not kept: they go to the sink.

mod chain;
mod proof;
mod reader;
mod report;

use std::collections::HashMap;
use std::io::{self, Read};

pub use proof::InclusionProof;
pub use reader::{JournalItem, JournalReader, JournalWriter};
pub use report::{
    BadDayCloseReason, BadResignReason, Counts, Event, Finding, RecordOutcome, Status, Summary,
};

use crate::error::Error;
use crate::receipt::{UnverifiedReceipt, VerifyOptions};
use crate::trust::TrustStore;

/// Records verified together before the sequential chain analysis: 1024 keeps both cores busy
/// while bounding memory to about 16 MiB of records in the worst case (1024 × 16 KiB).
pub const CHUNK_RECORDS: usize = 1024;

/// The last known receipt of a key before this input (for partial exports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Counter of the last known receipt.
    pub counter: u64,
    /// Its receipt digest.
    pub digest: [u8; 32],
}

/// Options of journal verification.
#[derive(Clone, Debug)]
pub struct JournalOptions {
    verify: VerifyOptions,
    anchors: HashMap<[u8; 32], Anchor>,
}

impl JournalOptions {
    /// Verify as of `verify` (which carries the current time).
    pub fn new(verify: VerifyOptions) -> Self {
        JournalOptions {
            verify,
            anchors: HashMap::new(),
        }
    }
    /// The verification options (time, clock skew).
    pub fn verify_options(&self) -> &VerifyOptions {
        &self.verify
    }
    /// Declares the last known receipt of key `key_id` before this input: its chain continues
    /// from there instead of starting at the first receipt seen.
    pub fn with_anchor(mut self, key_id: [u8; 32], anchor: Anchor) -> Self {
        self.anchors.insert(key_id, anchor);
        self
    }
}

/// A record decoded (if it decodes) and its verification result.
type Checked = (
    Option<UnverifiedReceipt>,
    Result<Vec<crate::Warning>, Error>,
);

/// Decodes and verifies one record (the parallel part).
fn check(der: &[u8], store: &TrustStore, opts: &VerifyOptions) -> Checked {
    match UnverifiedReceipt::from_der(der) {
        Err(e) => (None, Err(e)),
        Ok(r) => {
            let v = r.verify(store, opts).map(|v| v.warnings().to_vec());
            (Some(r), v)
        }
    }
}

#[cfg(feature = "parallel")]
fn check_all(items: &[(u64, Vec<u8>)], store: &TrustStore, opts: &VerifyOptions) -> Vec<Checked> {
    use rayon::prelude::*;
    items
        .par_iter()
        .map(|(_, der)| check(der, store, opts))
        .collect()
}

#[cfg(not(feature = "parallel"))]
fn check_all(items: &[(u64, Vec<u8>)], store: &TrustStore, opts: &VerifyOptions) -> Vec<Checked> {
    items
        .iter()
        .map(|(_, der)| check(der, store, opts))
        .collect()
}

/// The stateful verifier behind [`verify_journal`] and [`verify_many`].
struct Verifier<'a, F> {
    store: &'a TrustStore,
    opts: &'a JournalOptions,
    chains: chain::Chains<'a>,
    summary: Summary,
    sink: F,
    findings: Vec<Finding>,
    /// Records waiting to be verified together (at most [`CHUNK_RECORDS`]).
    pending: Vec<(u64, Vec<u8>)>,
}

impl<'a, F: FnMut(Event, Option<&UnverifiedReceipt>)> Verifier<'a, F> {
    fn new(store: &'a TrustStore, opts: &'a JournalOptions, sink: F) -> Self {
        Verifier {
            store,
            opts,
            chains: chain::Chains::new(&opts.anchors),
            summary: Summary::default(),
            sink,
            findings: Vec::new(),
            pending: Vec::with_capacity(CHUNK_RECORDS),
        }
    }

    /// Emits the findings produced so far, counted under `terminal` (the terminal of the record
    /// being fed) or, for findings about a key, under that key's terminal.
    fn emit_findings(&mut self, terminal: Option<&str>) {
        for f in self.findings.drain(..) {
            let t = finding_key(&f)
                .and_then(|k| self.chains.terminal_of(&k))
                .or(terminal)
                .map(str::to_string);
            self.summary.finding(&f, t.as_deref());
            (self.sink)(Event::Finding(f), None);
        }
    }

    fn garbage(&mut self, offset: u64, len: u64) {
        self.summary.bytes += len;
        self.findings.push(Finding::MalformedRecord { offset, len });
        self.emit_findings(None);
    }

    /// Queues one record; verifies the queue when it is full.
    fn push(&mut self, offset: u64, der: Vec<u8>) {
        self.pending.push((offset, der));
        if self.pending.len() == CHUNK_RECORDS {
            self.flush();
        }
    }

    /// Verifies the queued records (in parallel) and feeds them, in order, to the chains.
    fn flush(&mut self) {
        let items = std::mem::take(&mut self.pending);
        self.chunk(&items);
        self.pending = items;
        self.pending.clear();
    }

    fn chunk(&mut self, items: &[(u64, Vec<u8>)]) {
        let checked = check_all(items, self.store, &self.opts.verify);
        for ((offset, der), (receipt, result)) in items.iter().zip(checked) {
            let index = self.summary.records;
            self.summary.bytes += der.len() as u64;
            let (status, error, warnings) = match (&receipt, &result) {
                (_, Ok(w)) if w.is_empty() => (report::Status::Valid, None, vec![]),
                (_, Ok(w)) => (
                    report::Status::ValidWithWarnings,
                    None,
                    RecordOutcome::warnings_of(w),
                ),
                (Some(r), Err(_)) if r.is_unsigned() => (report::Status::Unsigned, None, vec![]),
                (_, Err(e)) => (report::Status::Invalid, Some(*e), vec![]),
            };
            let tbs = receipt.as_ref().map(|r| r.tbs());
            let outcome = RecordOutcome {
                index,
                offset: *offset,
                status,
                code: error.map(|e| e.code()),
                error,
                warnings,
                key_id: receipt.as_ref().map(|r| r.key_id()),
                terminal: tbs.map(|t| t.terminal_id().to_string()),
                counter: tbs.map(|t| t.counter()),
                kind: tbs.map(|t| t.kind()),
                digest: receipt.as_ref().map(|r| r.digest()),
            };
            self.summary.record(&outcome);
            (self.sink)(Event::Record(outcome), receipt.as_ref());
            if let Some(r) = &receipt
                && self.store.knows_key(&r.key_id())
            {
                let trusted =
                    result.is_ok() || (r.is_unsigned() && matches!(result, Err(Error::Unsigned)));
                self.chains.feed(index, r, trusted, &mut self.findings);
                let terminal = r.tbs().terminal_id().to_string();
                self.emit_findings(Some(&terminal));
            }
        }
    }

    fn finish(mut self) -> Summary {
        self.flush();
        let chains = std::mem::replace(&mut self.chains, chain::Chains::new(&self.opts.anchors));
        let terminals = chains.terminals();
        chains.finish(self.opts.verify.now(), &mut self.findings);
        for f in std::mem::take(&mut self.findings) {
            let terminal = match &f {
                Finding::Pending { terminal, .. } => Some(terminal.clone()),
                other => finding_key(other).and_then(|k| terminals.get(&k).cloned()),
            };
            self.summary.finding(&f, terminal.as_deref());
            (self.sink)(Event::Finding(f), None);
        }
        self.summary
    }
}

fn finding_key(f: &Finding) -> Option<[u8; 32]> {
    match f {
        Finding::ChainStart { key, .. }
        | Finding::Gap { key, .. }
        | Finding::Fork { key, .. }
        | Finding::Duplicate { key, .. }
        | Finding::Reordered { key, .. }
        | Finding::Replay { key, .. }
        | Finding::BrokenLink { key, .. }
        | Finding::UnsignedCovered { key, .. }
        | Finding::UnsignedUncovered { key, .. }
        | Finding::BadRecovery { key, .. }
        | Finding::BadDayClose { key, .. }
        | Finding::OpenBatch { key, .. } => Some(*key),
        Finding::Rotation { to, .. } => Some(*to),
        _ => None,
    }
}

/// Verifies a journal read from `input`, streaming every [`Event`] to `sink` in input order.
///
/// # Errors
/// Only I/O errors of `input`; every problem of the data itself is an event.
pub fn verify_journal<R: Read>(
    input: R,
    store: &TrustStore,
    options: &JournalOptions,
    mut sink: impl FnMut(Event),
) -> io::Result<Summary> {
    verify_journal_with_receipts(input, store, options, |e, _| sink(e))
}

/// [`verify_journal`], also handing the sink each record's decoded receipt (`None` for a record
/// that does not decode, and for findings). Used by reconciliation, which needs the payment
/// fields that [`RecordOutcome`] does not carry.
pub(crate) fn verify_journal_with_receipts<R: Read>(
    input: R,
    store: &TrustStore,
    options: &JournalOptions,
    sink: impl FnMut(Event, Option<&UnverifiedReceipt>),
) -> io::Result<Summary> {
    let mut v = Verifier::new(store, options, sink);
    let mut reader = JournalReader::new(input);
    while let Some(item) = reader.next_item()? {
        match item {
            JournalItem::Record { offset, der } => v.push(offset, der),
            JournalItem::Garbage { offset, len } => {
                // Records before the garbage are reported before it: input order.
                v.flush();
                v.garbage(offset, len);
            }
        }
    }
    Ok(v.finish())
}

/// Verifies receipts given one by one (e.g. a directory of single-receipt files), with the same
/// results as the same receipts concatenated in a journal. Offsets are 0 for every record.
pub fn verify_many<I, B>(
    receipts: I,
    store: &TrustStore,
    options: &JournalOptions,
    mut sink: impl FnMut(Event),
) -> Summary
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let mut v = Verifier::new(store, options, |e, _: Option<&UnverifiedReceipt>| sink(e));
    for r in receipts {
        v.push(0, r.as_ref().to_vec());
    }
    v.finish()
}
