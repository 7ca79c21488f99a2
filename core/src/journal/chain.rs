//! The sequential part of journal verification: per-key chains, cardholder signatures,
//! outages and day closes. Fed one verified record at a time, in input order.
//!
//! Memory: per key, the chain head, the open window (receipts since the key's last day close,
//! or since its chain start), tentative gaps and uncovered unsigned records; plus the pending
//! cardholder signatures. Nothing else grows with the input.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use super::Anchor;
use super::report::{BadDayCloseReason, BadResignReason, Finding};
use super::tally::TerminalRef;
use crate::format::merkle;
use crate::format::wire::{CardholderVerification, ReceiptBody, ReceiptKind};
use crate::hash::{Digest, KeyId};
use crate::trust::key_id_map::KeyIdMap;
use crate::verify::receipt::UnverifiedReceipt;

/// What the window remembers of one receipt.
#[derive(Clone, Debug)]
struct Slot {
    tbs_digest: [u8; 32],
    /// Receipt digest; `None` for an invalid occupant (its content is not trusted).
    digest: Option<Digest>,
    previous: Digest,
    /// Kind, currency (three ASCII letters, checked by the rules) and amount.
    payment: Option<(ReceiptKind, [u8; 3], u64)>,
}

#[derive(Debug)]
struct KeyState {
    /// Highest counter processed and its digest (`None` digest: invalid occupant).
    head: Option<(u64, Option<Digest>)>,
    /// The key's number in [`Chains::windows`] (the order of first appearance).
    number: usize,
    /// Counters below this are outside the window (closed, or before the chain start).
    window_start: u64,
    /// Tentative gaps: first → last (inclusive).
    missing: BTreeMap<u64, u64>,
    /// Unsigned records not yet covered by a recovery: counter → digest.
    unsigned: BTreeMap<u64, [u8; 32]>,
    last_close: Option<u64>,
    /// The terminal of the key's first record.
    terminal: TerminalRef,
}

struct PendingSig {
    terminal: TerminalRef,
    issued_at: u64,
}

/// The chain analyzer.
pub(crate) struct Chains<'a> {
    anchors: &'a HashMap<KeyId, Anchor>,
    /// Per signing key of the trust store (hashed: looked up once per record, and once per
    /// finding to count it under the key's terminal; the end-of-input findings sort the keys,
    /// so the output order stays the key order).
    keys: KeyIdMap<KeyState>,
    /// The open window of every key (its receipts since its last day close, or since its chain
    /// start): (key number, counter) → slot. One map for all keys: a key with one open receipt
    /// costs an entry, not a B-tree node of its own (a journal may have a key per receipt).
    windows: BTreeMap<(usize, u64), Slot>,
    pending: BTreeMap<Digest, PendingSig>,
    /// Receipts in open windows: digest → whether its cardholder verification is pending.
    /// (std's hasher: a journal's author chooses these digests, see [`KeyIdMap`].)
    known: HashMap<Digest, bool>,
}

/// A payment's currency code as stored in the window. The rules admit only three-letter ISO
/// 4217 codes, so the fallback (which no decoded receipt reaches) could only make a day
/// close's totals disagree, never agree.
fn currency_code(code: &str) -> [u8; 3] {
    code.as_bytes().try_into().unwrap_or([0; 3])
}

fn in_missing(missing: &BTreeMap<u64, u64>, c: u64) -> bool {
    missing
        .range(..=c)
        .next_back()
        .is_some_and(|(_, &end)| c <= end)
}

fn remove_missing(missing: &mut BTreeMap<u64, u64>, c: u64) -> bool {
    let Some((&start, &end)) = missing.range(..=c).next_back() else {
        return false;
    };
    if c > end {
        return false;
    }
    missing.remove(&start);
    if start < c {
        missing.insert(start, c - 1);
    }
    if c < end {
        missing.insert(c + 1, end);
    }
    true
}

impl<'a> Chains<'a> {
    /// The analyzer, with room for `keys` chains (see [`super::RESERVED_KEYS`]).
    pub(crate) fn new(anchors: &'a HashMap<KeyId, Anchor>, keys: usize) -> Self {
        let keys = KeyIdMap::with_capacity_and_hasher(keys, Default::default());
        Chains {
            anchors,
            keys,
            windows: BTreeMap::new(),
            pending: BTreeMap::new(),
            known: HashMap::new(),
        }
    }

    /// Feeds one decoded record whose signer is known to the trust store. `trusted` is true when
    /// the record verified (or is an unsigned record): only then is its content acted upon.
    /// `terminal` is the record's terminal.
    pub(crate) fn feed(
        &mut self,
        index: u64,
        r: &UnverifiedReceipt,
        tbs_digest: [u8; 32],
        terminal: &TerminalRef,
        trusted: bool,
        out: &mut Vec<Finding>,
    ) {
        let key = r.key_id();
        let tbs = r.tbs();
        let c = tbs.counter();
        let digest = trusted.then(|| r.digest());
        let slot = Slot {
            tbs_digest,
            digest,
            previous: Digest::try_from(tbs.previous()).unwrap_or_default(),
            payment: tbs
                .payment()
                .map(|p| (tbs.kind(), currency_code(p.currency()), p.amount())),
        };
        let pending_cvm = tbs
            .payment()
            .is_some_and(|p| p.cardholder_verification() == CardholderVerification::Pending);
        // One lookup for both a new key and a known one.
        let number = self.keys.len();
        let st = match self.keys.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let mut st = KeyState {
                    terminal: terminal.clone(),
                    head: None,
                    number,
                    window_start: 0,
                    missing: BTreeMap::new(),
                    unsigned: BTreeMap::new(),
                    last_close: None,
                };
                let how = if let Some(a) = self.anchors.get(&key) {
                    st.head = Some((a.counter, Some(a.digest)));
                    st.window_start = a.counter.saturating_add(1);
                    "anchor"
                } else if c == 0 {
                    if tbs.key_rotation().is_some() {
                        "rotation"
                    } else {
                        "genesis"
                    }
                } else {
                    st.window_start = c;
                    "first_seen"
                };
                out.push(Finding::ChainStart {
                    key,
                    counter: c,
                    how,
                });
                e.insert(st)
            }
        };
        let expected = st
            .head
            .map_or(st.window_start, |(h, _)| h.saturating_add(1));

        if c >= expected {
            if c > expected {
                st.missing.insert(expected, c - 1);
            }
            if let (Some((h, Some(hd))), Some(_)) = (st.head, digest)
                && h + 1 == c
                && slot.previous != hd
            {
                out.push(Finding::BrokenLink { key, counter: c });
            }
            st.head = Some((c, digest));
        } else if !trusted && !in_missing(&st.missing, c) {
            // An invalid record's content is not trusted: it may fill a missing slot, but it
            // never accuses the terminal of a fork, a duplicate or a replay.
            return;
        } else if c < st.window_start {
            out.push(Finding::Replay {
                key,
                counter: c,
                index,
            });
            return;
        } else if let Some(existing) = self.windows.get(&(st.number, c)) {
            if existing.tbs_digest == slot.tbs_digest {
                out.push(Finding::Duplicate {
                    key,
                    counter: c,
                    index,
                });
            } else {
                out.push(Finding::Fork {
                    key,
                    counter: c,
                    index,
                });
            }
            return;
        } else if remove_missing(&mut st.missing, c) {
            out.push(Finding::Reordered {
                key,
                counter: c,
                index,
            });
            if let (Some(before), Some(_)) = (
                c.checked_sub(1)
                    .and_then(|p| self.windows.get(&(st.number, p))),
                digest,
            ) && let Some(bd) = before.digest
                && bd != slot.previous
            {
                out.push(Finding::BrokenLink { key, counter: c });
            }
            if let (Some(after), Some(d)) = (self.windows.get(&(st.number, c + 1)), digest)
                && after.digest.is_some()
                && after.previous != d
            {
                out.push(Finding::BrokenLink {
                    key,
                    counter: c + 1,
                });
            }
        } else {
            out.push(Finding::Replay {
                key,
                counter: c,
                index,
            });
            return;
        }

        if !trusted {
            self.windows.insert((st.number, c), slot);
            return;
        }
        let d = r.digest();
        if r.is_unsigned() {
            st.unsigned.insert(c, d.to_bytes());
        }
        let is_close = tbs.kind() == ReceiptKind::DayClose;
        if !is_close {
            self.windows.insert((st.number, c), slot);
            self.known.insert(d, pending_cvm);
        }
        if r.is_unsigned() {
            // An unsigned record is not trusted beyond its place in the chain.
            return;
        }
        if pending_cvm {
            self.pending.insert(
                d,
                PendingSig {
                    terminal: terminal.clone(),
                    issued_at: tbs.issued_at(),
                },
            );
        }
        match tbs.body() {
            ReceiptBody::Resign(rs) => {
                self.resign(d, rs.original(), tbs.terminal_id(), tbs.issued_at(), out)
            }
            ReceiptBody::Copy(cp) => {
                let original = Digest::try_from(cp.original()).unwrap_or_default();
                out.push(if self.known.contains_key(&original) {
                    Finding::Copy {
                        digest: d,
                        original,
                        reprint: cp.reprint_number(),
                    }
                } else {
                    Finding::BadCopy {
                        digest: d,
                        original,
                    }
                });
            }
            ReceiptBody::Recovery(rec) => self.recovery(key, c, rec, out),
            ReceiptBody::DayClose(close) => self.day_close(key, c, close, out),
            _ => {}
        }
        if c == 0
            && let Some(rot) = tbs.key_rotation()
        {
            let from = KeyId::try_from(rot.previous_key_id()).unwrap_or_default();
            if let Some(prev) = self.keys.get(&from) {
                let named = (
                    rot.previous_counter(),
                    rot.previous_digest().try_into().ok(),
                );
                let matches = prev.head == Some(named);
                out.push(Finding::Rotation {
                    from,
                    to: key,
                    matches,
                });
                if !matches {
                    out.push(Finding::BrokenLink { key, counter: 0 });
                }
            }
        }
    }

    fn resign(
        &mut self,
        digest: Digest,
        original: &[u8],
        terminal: &str,
        at: u64,
        out: &mut Vec<Finding>,
    ) {
        let original = Digest::try_from(original).unwrap_or_default();
        match self.pending.get(&original) {
            Some(p) if **p.terminal.name() == *terminal => {
                self.pending.remove(&original);
                out.push(Finding::ReSigned {
                    digest: original,
                    resigned_at: at,
                });
            }
            Some(_) => out.push(Finding::BadResign {
                digest,
                reason: BadResignReason::OtherTerminal,
            }),
            None => {
                let reason = match self.known.get(&original) {
                    Some(false) => BadResignReason::NotPending,
                    _ => BadResignReason::UnknownOriginal,
                };
                out.push(Finding::BadResign { digest, reason });
            }
        }
    }

    fn recovery(
        &mut self,
        key: KeyId,
        counter: u64,
        rec: &crate::format::wire::RecoveryBody,
        out: &mut Vec<Finding>,
    ) {
        let Some(st) = self.keys.get_mut(&key) else {
            return;
        };
        let range = rec.first_counter()..rec.first_counter().saturating_add(rec.count());
        let leaves: Option<Vec<[u8; 32]>> = range
            .clone()
            .map(|k| st.unsigned.get(&k).copied())
            .collect();
        match leaves {
            Some(l) if merkle::root(&l)[..] == *rec.root() => {
                for k in range {
                    st.unsigned.remove(&k);
                    out.push(Finding::UnsignedCovered { key, counter: k });
                }
            }
            _ => out.push(Finding::BadRecovery { key, counter }),
        }
    }

    fn day_close(
        &mut self,
        key: KeyId,
        counter: u64,
        close: &crate::format::wire::DayCloseBody,
        out: &mut Vec<Finding>,
    ) {
        let Some(st) = self.keys.get_mut(&key) else {
            return;
        };
        let first = close.first_counter();
        let mut reason = None;
        if st.last_close.is_some_and(|b| b + 1 != close.batch_number()) {
            reason = Some(BadDayCloseReason::BatchNumber);
        }
        let mut leaves = Vec::new();
        let mut totals: BTreeMap<(u32, [u8; 3]), (ReceiptKind, u64, u64)> = BTreeMap::new();
        for k in first..counter {
            match self
                .windows
                .get(&(st.number, k))
                .and_then(|s| s.digest.map(|d| (d.to_bytes(), s)))
            {
                Some((d, s)) => {
                    leaves.push(d);
                    if let Some((kind, cur, amount)) = &s.payment {
                        let e = totals.entry((*kind as u32, *cur)).or_insert((*kind, 0, 0));
                        e.1 += 1;
                        e.2 = e.2.saturating_add(*amount);
                    }
                }
                None => {
                    reason = reason.or(Some(BadDayCloseReason::Incomplete));
                    break;
                }
            }
        }
        if reason.is_none() {
            if merkle::root(&leaves)[..] != *close.root() {
                reason = Some(BadDayCloseReason::Root);
            } else {
                let ours: Vec<(ReceiptKind, &[u8], u64, u64)> = totals
                    .iter()
                    .map(|((_, cur), (k, n, a))| (*k, &cur[..], *n, *a))
                    .collect();
                let theirs: Vec<(ReceiptKind, &[u8], u64, u64)> = close
                    .totals()
                    .iter()
                    .map(|t| (t.kind(), t.currency().as_bytes(), t.count(), t.amount()))
                    .collect();
                if ours != theirs {
                    reason = Some(BadDayCloseReason::Totals);
                }
            }
        }
        if let Some(reason) = reason {
            out.push(Finding::BadDayClose {
                key,
                counter,
                reason,
            });
        }
        st.last_close = Some(close.batch_number());
        // Close the window: everything up to this receipt leaves memory (one receipt at a
        // time: splitting the shared map would move the other keys' windows).
        while let Some((&at, _)) = self
            .windows
            .range((st.number, 0)..=(st.number, counter))
            .next()
        {
            if let Some(d) = self.windows.remove(&at).and_then(|s| s.digest) {
                self.known.remove(&d);
            }
        }
        st.window_start = counter + 1;
    }

    /// End of input: final gaps, uncovered unsigned records, pending signatures, open batches,
    /// each with the terminal it is counted under.
    pub(crate) fn finish(self, now: u64, out: &mut Vec<(Finding, TerminalRef)>) {
        let mut keys: Vec<(&KeyId, &KeyState)> = self.keys.iter().collect();
        keys.sort_unstable_by_key(|&(k, _)| k);
        for &(key, st) in &keys {
            for (&from, &to) in &st.missing {
                let gap = Finding::Gap {
                    key: *key,
                    from,
                    to,
                };
                out.push((gap, st.terminal.clone()));
            }
            for &counter in st.unsigned.keys() {
                let uncovered = Finding::UnsignedUncovered { key: *key, counter };
                out.push((uncovered, st.terminal.clone()));
            }
        }
        for (digest, p) in self.pending {
            let pending = Finding::Pending {
                digest,
                terminal: String::from(&**p.terminal.name()),
                issued_at: p.issued_at,
                age: now.saturating_sub(p.issued_at),
            };
            out.push((pending, p.terminal));
        }
        // Every key's open batch (first counter, receipts), in one pass over the windows
        // (sorted by key number, then counter): cheaper than a range per key when keys are many.
        let mut open_batches: Vec<Option<(u64, u64)>> = vec![None; self.keys.len()];
        for &(number, counter) in self.windows.keys() {
            match open_batches.get_mut(number) {
                Some(Some((_, count))) => *count += 1,
                Some(batch @ None) => *batch = Some((counter, 1)),
                None => {}
            }
        }
        for &(key, st) in &keys {
            if let Some(&Some((first, count))) = open_batches.get(st.number) {
                let open = Finding::OpenBatch {
                    key: *key,
                    first,
                    count,
                };
                out.push((open, st.terminal.clone()));
            }
        }
    }

    /// The terminal of a key's chain (for per-terminal counts).
    pub(crate) fn terminal_of(&self, key: &KeyId) -> Option<&TerminalRef> {
        self.keys.get(key).map(|s| &s.terminal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_state_is_the_size_the_reservation_assumes() {
        // `RESERVED_KEYS` (journal/mod.rs) states the address space it reserves from this
        // size: 32-byte key id + state, in a table of twice the reserved keys.
        assert_eq!(size_of::<(KeyId, KeyState)>(), 184);
    }
}
