//! The terminal side: a signing key's chain state, its open batch and outage records, kept so
//! that every receipt continues the chain and `recovery` / `dayClose` receipts commit to exactly
//! what the verifier will recompute.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::format::merkle;
use crate::format::wire::{KeyRotation, ReceiptKind};
use crate::hash::{Digest, KeyId};
use crate::sign::builder::{DayClose, ReceiptBuilder, TotalSpec};
use crate::verify::receipt::UnverifiedReceipt;

/// Everything a [`Terminal`] knows besides its signer: what a signer persists between
/// receipts ([`Terminal::state`]) and resumes from ([`Terminal::from_state`]). Plain data; how
/// it is stored (and made durable) is the caller's (the `possig-terminal` crate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalState {
    /// Merchant id of every receipt.
    pub merchant: String,
    /// Terminal id of every receipt.
    pub terminal: String,
    /// The signing key's id.
    pub key_id: KeyId,
    /// The counter of the next receipt.
    pub next_counter: u64,
    /// Digest of the last receipt (zeros before the first).
    pub previous: Digest,
    /// Number of the open batch (the next `dayClose` carries it).
    pub batch_number: u64,
    /// Counter of the open batch's first receipt.
    pub batch_first: u64,
    /// Digests of the open batch's receipts, in order (the `dayClose`'s Merkle leaves).
    pub batch: Vec<Digest>,
    /// The open batch's totals per (kind, currency).
    pub totals: Vec<TotalSpec>,
    /// (counter, digest) of the unsigned records since the last `recovery`.
    pub unsigned: Vec<(u64, Digest)>,
    /// For a rotated key before its first receipt: (old key id, its last counter, its last
    /// receipt's digest), which the first receipt carries as its key-rotation extension.
    pub rotation: Option<(KeyId, u64, Digest)>,
}

/// A terminal's signing state. `S` is a [`crate::ReceiptSigner`]: a software key, or an HSM
/// adapter wrapped in [`crate::ExternalSigner`].
pub struct Terminal<S> {
    signer: S,
    key_id: [u8; 32],
    merchant: String,
    terminal: String,
    counter: u64,
    previous: [u8; 32],
    batch_number: u64,
    batch_first: u64,
    batch: Vec<[u8; 32]>,
    totals: BTreeMap<(u32, String), TotalSpec>,
    unsigned: Vec<(u64, [u8; 32])>,
    rotation: Option<KeyRotation>,
}

/// Shows the chain state, never the signer (it may hold a secret key).
impl<S> core::fmt::Debug for Terminal<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Terminal")
            .field("merchant", &self.merchant)
            .field("terminal", &self.terminal)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl<S: crate::ReceiptSigner> Terminal<S> {
    /// A terminal whose key has signed nothing yet (its next receipt has counter 0).
    ///
    /// # Errors
    /// [`Error::InvalidPublicKey`] if the signer's key cannot be encoded (never for P-256 keys).
    pub fn new(signer: S, merchant: &str, terminal: &str) -> Result<Self, Error> {
        Self::resume(signer, merchant, terminal, 0, [0; 32])
    }

    /// A terminal continuing an existing chain: `next_counter` and the digest of its last receipt.
    ///
    /// # Errors
    /// As [`Terminal::new`].
    pub fn resume(
        signer: S,
        merchant: &str,
        terminal: &str,
        next_counter: u64,
        previous: impl Into<Digest>,
    ) -> Result<Self, Error> {
        let key_id = crate::key_id(&signer.verifying_key())?.to_bytes();
        let previous = previous.into().to_bytes();
        Ok(Terminal {
            signer,
            key_id,
            merchant: merchant.to_string(),
            terminal: terminal.to_string(),
            counter: next_counter,
            previous,
            batch_number: 1,
            batch_first: next_counter,
            batch: Vec::new(),
            totals: BTreeMap::new(),
            unsigned: Vec::new(),
            rotation: None,
        })
    }

    /// A new key for the same terminal: its counter-0 receipt will carry the key-rotation
    /// extension naming this terminal's last receipt.
    ///
    /// # Errors
    /// As [`Terminal::new`].
    pub fn rotate<T: crate::ReceiptSigner>(&self, new_signer: T) -> Result<Terminal<T>, Error> {
        let mut t = Terminal::new(new_signer, &self.merchant, &self.terminal)?;
        let last = self.counter.checked_sub(1).ok_or(Error::InvalidField {
            field: crate::Field::KeyRotation,
        })?;
        t.rotation = Some(KeyRotation::new(self.key_id, last, self.previous));
        Ok(t)
    }

    /// The chain, batch and outage state, to persist.
    pub fn state(&self) -> TerminalState {
        TerminalState {
            merchant: self.merchant.clone(),
            terminal: self.terminal.clone(),
            key_id: KeyId(self.key_id),
            next_counter: self.counter,
            previous: Digest(self.previous),
            batch_number: self.batch_number,
            batch_first: self.batch_first,
            batch: self.batch.iter().copied().map(Digest).collect(),
            totals: self.totals.values().cloned().collect(),
            unsigned: self
                .unsigned
                .iter()
                .map(|(c, d)| (*c, Digest(*d)))
                .collect(),
            rotation: self.rotation.as_ref().map(|r| {
                let id = <[u8; 32]>::try_from(r.previous_key_id()).unwrap_or_default();
                let d = <[u8; 32]>::try_from(r.previous_digest()).unwrap_or_default();
                (KeyId(id), r.previous_counter(), Digest(d))
            }),
        }
    }

    /// A terminal resuming from a persisted [`TerminalState`].
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`SignerKeyId`) if `state` belongs to another key than the
    /// signer's; as [`Terminal::new`].
    pub fn from_state(signer: S, state: &TerminalState) -> Result<Self, Error> {
        let mut t = Self::resume(
            signer,
            &state.merchant,
            &state.terminal,
            state.next_counter,
            state.previous,
        )?;
        if t.key_id != state.key_id.to_bytes() {
            return Err(Error::InvalidField {
                field: crate::Field::SignerKeyId,
            });
        }
        t.batch_number = state.batch_number;
        t.batch_first = state.batch_first;
        t.batch = state.batch.iter().map(|d| d.to_bytes()).collect();
        t.totals = state
            .totals
            .iter()
            .map(|x| ((x.kind as u32, x.currency.clone()), x.clone()))
            .collect();
        t.unsigned = state
            .unsigned
            .iter()
            .map(|(c, d)| (*c, d.to_bytes()))
            .collect();
        t.rotation = state.rotation.map(|(id, counter, digest)| {
            KeyRotation::new(id.to_bytes(), counter, digest.to_bytes())
        });
        Ok(t)
    }

    /// Brings the state forward past `r`, a receipt this terminal released (read back from
    /// its own journal after a crash): `r` must be the chain's next receipt, by this key.
    ///
    /// # Errors
    /// [`Error::InvalidField`]: `SignerKeyId` for another key's receipt, `Counter` for one that
    /// is not the next, `Previous` for one that does not link to the last.
    pub fn observe(&mut self, r: &UnverifiedReceipt) -> Result<(), Error> {
        let tbs = r.tbs();
        let bad = |field| Err(Error::InvalidField { field });
        if tbs.signer_key_id() != self.key_id.as_slice() {
            return bad(crate::Field::SignerKeyId);
        }
        if tbs.counter() != self.counter {
            return bad(crate::Field::Counter);
        }
        if tbs.previous() != self.previous.as_slice() {
            return bad(crate::Field::Previous);
        }
        if self.counter == 0 {
            self.rotation = None;
        }
        if r.is_unsigned() {
            self.unsigned.push((tbs.counter(), r.digest().to_bytes()));
        } else if tbs.kind() == ReceiptKind::Recovery {
            self.unsigned.clear();
        }
        self.advance(r);
        Ok(())
    }

    /// The signer's public key.
    pub fn verifying_key(&self) -> p256::ecdsa::VerifyingKey {
        self.signer.verifying_key()
    }
    /// The key id.
    pub fn key_id(&self) -> KeyId {
        KeyId(self.key_id)
    }
    /// The counter the next receipt will carry.
    pub fn next_counter(&self) -> u64 {
        self.counter
    }
    /// Digest of the last receipt (zeros before the first).
    pub fn previous(&self) -> Digest {
        Digest(self.previous)
    }

    /// A builder with signer, merchant, terminal, chain position and time filled in.
    pub fn builder(&self, kind: ReceiptKind, issued_at: u64) -> ReceiptBuilder {
        ReceiptBuilder::new(kind)
            .signer_key_id(self.key_id)
            .merchant_id(&self.merchant)
            .terminal_id(&self.terminal)
            .chain(self.counter, self.previous)
            .issued_at(issued_at)
    }

    fn advance(&mut self, r: &UnverifiedReceipt) {
        let tbs = r.tbs();
        self.counter += 1;
        self.previous = r.digest().to_bytes();
        if tbs.kind() == ReceiptKind::DayClose {
            self.batch_number += 1;
            self.batch_first = self.counter;
            self.batch.clear();
            self.totals.clear();
            return;
        }
        self.batch.push(r.digest().to_bytes());
        if let Some(p) = tbs.payment() {
            let t = self
                .totals
                .entry((tbs.kind() as u32, p.currency().to_string()))
                .or_insert(TotalSpec {
                    kind: tbs.kind(),
                    currency: p.currency().to_string(),
                    count: 0,
                    amount: 0,
                });
            t.count += 1;
            t.amount += p.amount();
        }
    }

    fn with_rotation(&mut self, b: ReceiptBuilder) -> Result<ReceiptBuilder, Error> {
        match (self.counter, self.rotation.take()) {
            (0, Some(rot)) => b.key_rotation(&rot),
            _ => Ok(b),
        }
    }

    /// Signs the receipt built by `b` (from [`Terminal::builder`]) and advances the chain.
    ///
    /// # Errors
    /// The builder's and the signer's errors.
    pub fn sign(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        let b = self.with_rotation(b)?;
        let r = b.build()?.sign(&self.signer)?;
        self.advance(&r);
        Ok(r)
    }

    /// Records the receipt built by `b` unsigned (the key is unavailable) and advances the chain;
    /// the next [`Terminal::recover`] commits to it.
    ///
    /// # Errors
    /// The builder's errors.
    pub fn record_unsigned(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        let b = self.with_rotation(b)?;
        let r = b.build()?.unsigned()?;
        self.unsigned
            .push((r.tbs().counter(), r.digest().to_bytes()));
        self.advance(&r);
        Ok(r)
    }

    /// Signs a `recovery` receipt committing to the unsigned records since the last recovery.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`Recovery`) if there is no unsigned record; signing errors.
    pub fn recover(&mut self, issued_at: u64) -> Result<UnverifiedReceipt, Error> {
        let first = self
            .unsigned
            .first()
            .map(|u| u.0)
            .ok_or(Error::InvalidField {
                field: crate::Field::Recovery,
            })?;
        let leaves: Vec<[u8; 32]> = self.unsigned.iter().map(|u| u.1).collect();
        let b = self.builder(ReceiptKind::Recovery, issued_at).recovery(
            first,
            leaves.len() as u64,
            merkle::root(&leaves),
        );
        let r = self.sign(b)?;
        self.unsigned.clear();
        Ok(r)
    }

    /// The `dayClose` content for the open batch (what [`Terminal::close_day`] signs).
    pub fn day_close(&self) -> DayClose {
        DayClose {
            batch_number: self.batch_number,
            first_counter: self.batch_first,
            count: self.batch.len() as u64,
            totals: self.totals.values().cloned().collect(),
            root: Digest(merkle::root(&self.batch)),
        }
    }

    /// Signs a `dayClose` receipt for the open batch and starts the next one.
    ///
    /// # Errors
    /// Signing errors.
    pub fn close_day(&mut self, issued_at: u64) -> Result<UnverifiedReceipt, Error> {
        let b = self
            .builder(ReceiptKind::DayClose, issued_at)
            .day_close(self.day_close());
        self.sign(b)
    }
}
