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
//! tentative gaps and uncovered unsigned records; plus two chunks of at most [`CHUNK_RECORDS`]
//! records and [`CHUNK_BYTES`] bytes each: one being verified while the one before it is fed
//! and then the next one read. Record outcomes and findings are not kept: they go to the sink.

mod chain;
mod proof;
mod reader;
mod report;
mod tally;

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{self, Read};
use std::sync::Arc;

pub use proof::InclusionProof;
pub use reader::{JournalItem, JournalReader, JournalWriter};
pub use report::{
    BadDayCloseReason, BadResignReason, Counts, Event, Finding, RecordOutcome, Status, Summary,
};

use crate::error::Error;
use crate::hash::{Digest, KeyId};
use crate::trust::TrustStore;
use crate::verify::batch::{Checked, Decoded, Weights, check_all, weights_from_os};
use crate::verify::receipt::{UnverifiedReceipt, VerifyOptions};

/// Records verified together before the sequential chain analysis, at most: 4096 signatures
/// make batches of 2048 per core, where Pippenger's per-signature cost has mostly levelled off
/// (typical receipts: about 1 MiB of records).
pub const CHUNK_RECORDS: usize = 4096;
/// Bytes of records verified together, at most (a chunk ends at whichever limit comes first):
/// 4 MiB bounds the memory of a chunk of large receipts (with attachments, up to 16 KiB each).
pub const CHUNK_BYTES: usize = 4 << 20;

/// Chain states and terminal counts reserved up front for a trust store's keys (each key is
/// certified for one terminal), at most. Only the store's keys get a chain, so the per-key map
/// never needs more; grown as keys arrived instead, the maps rehashed every entry at each
/// doubling, and the last doubling came late in the input, in the last chunk's feed, which
/// nothing overlaps (docs/BENCHMARKS.md has the figures). 32,768 keys
/// reserve about 17 MB of address space (chain states of 184 bytes in a table of 65,536, the
/// terminal index and counts), whose pages are touched only as keys arrive; a larger store's
/// maps grow beyond as usual.
const RESERVED_KEYS: usize = 1 << 15;

/// The last known receipt of a key before this input (for partial exports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Counter of the last known receipt.
    pub counter: u64,
    /// Its receipt digest.
    pub digest: Digest,
}

/// Where batch verification's random weights come from (see [`JournalOptions::with_batch_seed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
enum BatchWeights {
    /// The operating system's CSPRNG (the default); one signature at a time if unavailable.
    Os,
    /// A caller's secret seed.
    Seed([u8; 32]),
    /// No batching.
    Off,
}

/// Options of journal verification.
#[derive(Clone, Debug)]
pub struct JournalOptions {
    verify: VerifyOptions,
    anchors: HashMap<KeyId, Anchor>,
    batch: BatchWeights,
}

impl JournalOptions {
    /// Verify as of `verify` (which carries the current time).
    pub fn new(verify: VerifyOptions) -> Self {
        JournalOptions {
            verify,
            anchors: HashMap::new(),
            batch: BatchWeights::Os,
        }
    }
    /// Seeds batch verification's weights from `seed` instead of the operating system's CSPRNG
    /// (e.g. from the caller's own CSPRNG, or on a platform without one). The seed must be
    /// secret and fresh: whoever knows it before making the signatures could build a batch of
    /// invalid signatures that passes. Verdicts never depend on it otherwise.
    pub fn with_batch_seed(mut self, seed: [u8; 32]) -> Self {
        self.batch = BatchWeights::Seed(seed);
        self
    }
    /// Verifies one signature at a time (the constant-time single path) instead of in batches.
    /// Same verdicts, several times slower.
    pub fn without_batching(mut self) -> Self {
        self.batch = BatchWeights::Off;
        self
    }
    /// The verification options (time, clock skew).
    pub fn verify_options(&self) -> &VerifyOptions {
        &self.verify
    }
    /// Declares the last known receipt of key `key_id` before this input: its chain continues
    /// from there instead of starting at the first receipt seen.
    pub fn with_anchor(mut self, key_id: impl Into<KeyId>, anchor: Anchor) -> Self {
        self.anchors.insert(key_id.into(), anchor);
        self
    }
}

/// A verified chunk: its records and one [`Checked`] per record.
type Chunk = (Vec<(u64, Vec<u8>)>, Vec<Checked>);

/// Runs `pool` and `here` at the same time when the `parallel` feature is on: `pool` as a job
/// of the current rayon pool (a chunk's verification, which spreads over the pool itself),
/// `here` on this thread (feeding the sink, which need not be `Send`, and reading the input).
/// Sequentially otherwise.
#[cfg(feature = "parallel")]
fn overlap<R: Send>(pool: impl FnOnce() -> R + Send, here: impl FnOnce()) -> R {
    let mut out = None;
    rayon::in_place_scope(|s| {
        s.spawn(|_| out = Some(pool()));
        here();
    });
    // The scope waits for its job, which always sets `out`.
    out.unwrap_or_else(|| unreachable!("the scope joined its job"))
}

#[cfg(not(feature = "parallel"))]
fn overlap<R>(pool: impl FnOnce() -> R, here: impl FnOnce()) -> R {
    here();
    pool()
}

/// What ended the queuing of records by [`fill`].
enum Filled {
    /// A full chunk ([`CHUNK_RECORDS`] records or [`CHUNK_BYTES`] bytes).
    Chunk,
    /// Unreadable bytes, reported after the records before them.
    Garbage { offset: u64, len: u64 },
    /// The end of input.
    End,
}

/// Queues records from `next` in `queue` (with their size in `bytes`) until a chunk is full.
fn fill<E>(
    queue: &mut Vec<(u64, Vec<u8>)>,
    bytes: &mut usize,
    next: &mut dyn FnMut() -> Result<Option<JournalItem>, E>,
) -> Result<Filled, E> {
    while queue.len() < CHUNK_RECORDS && *bytes < CHUNK_BYTES {
        match next()? {
            Some(JournalItem::Record { offset, der }) => {
                *bytes += der.len();
                queue.push((offset, der));
            }
            Some(JournalItem::Garbage { offset, len }) => {
                return Ok(Filled::Garbage { offset, len });
            }
            None => return Ok(Filled::End),
        }
    }
    Ok(Filled::Chunk)
}

/// The stateful verifier behind [`verify_journal`] and [`verify_many`]: records are read in
/// chunks; a full chunk is verified (in parallel) while the previous one is fed, in input
/// order, to the chain analysis and the sink, and the next one is read.
struct Verifier<'a, F> {
    opts: &'a JournalOptions,
    feeder: Feeder<'a, F>,
    /// Records waiting to be verified together (at most [`CHUNK_RECORDS`] and about
    /// [`CHUNK_BYTES`]), and their size.
    pending: Vec<(u64, Vec<u8>)>,
    pending_bytes: usize,
    /// A chunk verified but not yet fed.
    ready: Option<Chunk>,
    /// Batch-verification weights; `None` verifies one signature at a time.
    weights: Option<Weights>,
}

/// The sequential side: chain analysis, counts and the sink.
struct Feeder<'a, F> {
    store: &'a TrustStore,
    chains: chain::Chains<'a>,
    /// The counts so far; also the one shared copy of every terminal id, which the outcomes
    /// and the chains that name it hold.
    tally: tally::Tally,
    sink: F,
    findings: Vec<Finding>,
}

impl<'a, F: FnMut(Event, Option<&UnverifiedReceipt>)> Verifier<'a, F> {
    fn new(store: &'a TrustStore, opts: &'a JournalOptions, sink: F) -> Self {
        let reserved = store.key_count().min(RESERVED_KEYS);
        Verifier {
            opts,
            feeder: Feeder {
                store,
                chains: chain::Chains::new(&opts.anchors, reserved),
                tally: tally::Tally::with_capacity(reserved),
                sink,
                findings: Vec::new(),
            },
            pending: Vec::with_capacity(CHUNK_RECORDS),
            pending_bytes: 0,
            ready: None,
            weights: match opts.batch {
                BatchWeights::Os => weights_from_os(),
                BatchWeights::Seed(seed) => Some(Weights::new(seed)),
                BatchWeights::Off => None,
            },
        }
    }

    /// Verifies everything `next` gives, in input order, and returns the summary. Records are
    /// read while the chunk before them is verified, so the pool never waits for the input;
    /// the first error of `next` ends the run (nothing queued is fed after it).
    fn run<E>(
        mut self,
        mut next: impl FnMut() -> Result<Option<JournalItem>, E>,
    ) -> Result<Summary, E> {
        let mut stop = fill(&mut self.pending, &mut self.pending_bytes, &mut next)?;
        loop {
            stop = match stop {
                Filled::Chunk => self.flush(Some(&mut next))?,
                Filled::Garbage { offset, len } => {
                    self.garbage(offset, len);
                    fill(&mut self.pending, &mut self.pending_bytes, &mut next)?
                }
                Filled::End => return Ok(self.finish()),
            };
        }
    }

    fn garbage(&mut self, offset: u64, len: u64) {
        // Records before the garbage are reported before it: input order.
        self.drain();
        let f = &mut self.feeder;
        f.tally.bytes(len);
        f.findings.push(Finding::MalformedRecord { offset, len });
        f.emit_findings(None);
    }

    /// Verifies the queued records while feeding the previously verified chunk and then
    /// queuing the next records from `next` (when given): what ended that queue.
    fn flush<E>(
        &mut self,
        next: Option<&mut dyn FnMut() -> Result<Option<JournalItem>, E>>,
    ) -> Result<Filled, E> {
        if self.pending.is_empty() {
            return match next {
                Some(next) => fill(&mut self.pending, &mut self.pending_bytes, next),
                None => Ok(Filled::End),
            };
        }
        let items = std::mem::take(&mut self.pending);
        let previous = self.ready.take();
        let (store, verify, weights) =
            (self.feeder.store, &self.opts.verify, self.weights.as_mut());
        let feeder = &mut self.feeder;
        let mut queue = Vec::new();
        let mut queued_bytes = 0;
        let mut filled = Ok(Filled::End);
        let checked = overlap(
            || check_all(&items, store, verify, weights),
            || {
                if let Some((old, checked)) = previous {
                    feeder.chunk(&old, checked);
                    // The fed chunk's buffer holds the next one.
                    queue = old;
                    queue.clear();
                }
                if let Some(next) = next {
                    filled = fill(&mut queue, &mut queued_bytes, next);
                }
            },
        );
        self.ready = Some((items, checked));
        self.pending = queue;
        self.pending_bytes = queued_bytes;
        filled
    }

    /// Verifies and feeds everything queued.
    fn drain(&mut self) {
        // Nothing is read, so nothing can fail.
        let Ok(_) = self.flush::<Infallible>(None);
        if let Some((items, checked)) = self.ready.take() {
            self.feeder.chunk(&items, checked);
        }
    }

    fn finish(mut self) -> Summary {
        self.drain();
        let mut f = self.feeder;
        let mut last = Vec::new();
        f.chains.finish(self.opts.verify.now(), &mut last);
        for (finding, terminal) in last {
            f.tally.finding(finding.code(), Some(&terminal));
            (f.sink)(Event::Finding(finding), None);
        }
        f.tally.into_summary()
    }
}

impl<F: FnMut(Event, Option<&UnverifiedReceipt>)> Feeder<'_, F> {
    /// Emits the findings produced so far, counted under `terminal` (the terminal of the record
    /// being fed) or, for findings about a key, under that key's terminal.
    fn emit_findings(&mut self, terminal: Option<&tally::TerminalRef>) {
        for f in self.findings.drain(..) {
            let t = finding_key(&f)
                .and_then(|k| self.chains.terminal_of(&k))
                .or(terminal);
            self.tally.finding(f.code(), t);
            (self.sink)(Event::Finding(f), None);
        }
    }

    /// Feeds a verified chunk, in order, to the counts, the sink and the chains.
    fn chunk(&mut self, items: &[(u64, Vec<u8>)], checked: Vec<Checked>) {
        for ((offset, der), (decoded, result)) in items.iter().zip(checked) {
            let receipt = decoded.as_ref().map(|d| &d.receipt);
            let index = self.tally.records();
            self.tally.bytes(der.len() as u64);
            let (status, error, warnings) = match (&receipt, &result) {
                (_, Ok(w)) if w.is_empty() => (Status::Valid, None, vec![]),
                (_, Ok(w)) => (
                    Status::ValidWithWarnings,
                    None,
                    RecordOutcome::warnings_of(w),
                ),
                (Some(r), Err(_)) if r.is_unsigned() => (Status::Unsigned, None, vec![]),
                (_, Err(e)) => (Status::Invalid, Some(*e), vec![]),
            };
            let tbs = receipt.map(|r| r.tbs());
            let code = error.map(|e| e.code());
            let terminal = self
                .tally
                .record(tbs.map(|t| t.terminal_id()), status, code);
            let name = terminal.as_ref().map(|t| Arc::clone(t.name()));
            let outcome = RecordOutcome {
                index,
                offset: *offset,
                status,
                code,
                error,
                warnings,
                key_id: receipt.map(|r| r.key_id()),
                terminal: name,
                counter: tbs.map(|t| t.counter()),
                kind: tbs.map(|t| t.kind()),
                digest: receipt.map(|r| r.digest()),
            };
            (self.sink)(Event::Record(outcome), receipt);
            if let Some(Decoded {
                receipt: r,
                tbs_digest,
            }) = &decoded
                && let Some(terminal) = &terminal
                && self.store.knows_key(&r.key_id())
            {
                let trusted =
                    result.is_ok() || (r.is_unsigned() && matches!(result, Err(Error::Unsigned)));
                self.chains
                    .feed(index, r, *tbs_digest, terminal, trusted, &mut self.findings);
                if !self.findings.is_empty() {
                    self.emit_findings(Some(terminal));
                }
            }
        }
    }
}

fn finding_key(f: &Finding) -> Option<KeyId> {
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
/// that does not decode, and for findings): the hook for consumers that need the receipt's
/// fields beyond what [`RecordOutcome`] carries (reconciliation, in `possig-reconcile`, needs
/// the payment). The verdicts and their order are exactly [`verify_journal`]'s.
///
/// # Errors
/// Only I/O errors of `input`; every problem of the data itself is an event.
pub fn verify_journal_with_receipts<R: Read>(
    input: R,
    store: &TrustStore,
    options: &JournalOptions,
    sink: impl FnMut(Event, Option<&UnverifiedReceipt>),
) -> io::Result<Summary> {
    let mut reader = JournalReader::new(input);
    Verifier::new(store, options, sink).run(|| reader.next_item())
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
    let mut receipts = receipts.into_iter();
    let next = || {
        Ok::<_, Infallible>(receipts.next().map(|r| JournalItem::Record {
            offset: 0,
            der: r.as_ref().to_vec(),
        }))
    };
    let Ok(summary) =
        Verifier::new(store, options, |e, _: Option<&UnverifiedReceipt>| sink(e)).run(next);
    summary
}
