//! The terminal side: a signing key's chain state, its open batch and outage records, kept so
//! that every receipt continues the chain and `recovery` / `dayClose` receipts commit to exactly
//! what the verifier will recompute.

use crate::error::Error;
use crate::format::merkle;
use crate::format::wire::{KeyRotation, ReceiptKind};
use crate::hash::{Digest, KeyId};
use crate::prelude::*;
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

impl TerminalState {
    /// The state of a key that has signed nothing yet (its next receipt has counter 0).
    pub fn new(key_id: KeyId, merchant: &str, terminal: &str) -> Self {
        TerminalState {
            merchant: merchant.to_string(),
            terminal: terminal.to_string(),
            key_id,
            next_counter: 0,
            previous: Digest::default(),
            batch_number: 1,
            batch_first: 0,
            batch: Vec::new(),
            totals: Vec::new(),
            unsigned: Vec::new(),
            rotation: None,
        }
    }

    /// Brings the state forward past `r`, a receipt this key produced (signed, or recorded
    /// unsigned during an outage): what a signer does after each receipt, and after a crash
    /// with the receipts read back from its own journal. `r` must be the chain's next receipt,
    /// by this key; a refused receipt changes nothing.
    ///
    /// # Errors
    /// [`Error::InvalidField`]: `SignerKeyId` for another key's receipt, `Counter` for one that
    /// is not the next, `Previous` for one that does not link to the last.
    pub fn observe(&mut self, r: &UnverifiedReceipt) -> Result<(), Error> {
        let tbs = r.tbs();
        let bad = |field| Err(Error::InvalidField { field });
        if tbs.signer_key_id() != self.key_id.as_bytes() {
            return bad(crate::Field::SignerKeyId);
        }
        if tbs.counter() != self.next_counter {
            return bad(crate::Field::Counter);
        }
        if tbs.previous() != self.previous.as_bytes() {
            return bad(crate::Field::Previous);
        }
        let digest = r.digest();
        self.rotation = None;
        self.next_counter += 1;
        self.previous = digest;
        if r.is_unsigned() {
            self.unsigned.push((tbs.counter(), digest));
        } else if tbs.kind() == ReceiptKind::Recovery {
            self.unsigned.clear();
        }
        if tbs.kind() == ReceiptKind::DayClose {
            self.batch_number += 1;
            self.batch_first = self.next_counter;
            self.batch.clear();
            self.totals.clear();
            return Ok(());
        }
        self.batch.push(digest);
        if let Some(p) = tbs.payment() {
            let key = (tbs.kind() as u32, p.currency());
            let at = self
                .totals
                .binary_search_by(|t| (t.kind as u32, t.currency.as_str()).cmp(&key));
            let i = at.unwrap_or_else(|i| {
                self.totals.insert(
                    i,
                    TotalSpec {
                        kind: tbs.kind(),
                        currency: p.currency().to_string(),
                        count: 0,
                        amount: 0,
                    },
                );
                i
            });
            if let Some(t) = self.totals.get_mut(i) {
                t.count += 1;
                t.amount += p.amount();
            }
        }
        Ok(())
    }

    /// The `dayClose` content for the open batch.
    pub fn day_close(&self) -> DayClose {
        let leaves: Vec<[u8; 32]> = self.batch.iter().map(|d| d.to_bytes()).collect();
        DayClose {
            batch_number: self.batch_number,
            first_counter: self.batch_first,
            count: self.batch.len() as u64,
            totals: self.totals.clone(),
            root: Digest(merkle::root(&leaves)),
        }
    }
}

impl TerminalState {
    /// A builder with signer key id, merchant, terminal, chain position and time filled in
    /// (and, for a rotated key's first receipt, its key-rotation extension when signed or
    /// recorded).
    pub fn builder(&self, kind: ReceiptKind, issued_at: u64) -> ReceiptBuilder {
        ReceiptBuilder::new(kind)
            .signer_key_id(self.key_id.to_bytes())
            .merchant_id(&self.merchant)
            .terminal_id(&self.terminal)
            .chain(self.next_counter, self.previous.to_bytes())
            .issued_at(issued_at)
    }

    /// `b` with the key-rotation extension if this is a rotated key's first receipt.
    fn with_rotation(&self, b: ReceiptBuilder) -> Result<ReceiptBuilder, Error> {
        match (self.next_counter, self.rotation) {
            (0, Some((id, counter, digest))) => {
                b.key_rotation(&KeyRotation::new(id.to_bytes(), counter, digest.to_bytes()))
            }
            _ => Ok(b),
        }
    }

    /// Records the receipt built by `b` (from [`TerminalState::builder`]) unsigned, for an
    /// outage: no signer is needed, which is the point. The state moves past it and the next
    /// `recovery` commits to it.
    ///
    /// # Errors
    /// The builder's errors.
    pub fn record_unsigned(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        let r = self.with_rotation(b)?.build()?.unsigned()?;
        self.observe(&r)?;
        Ok(r)
    }

    /// The `recovery` receipt's builder, committing to the unsigned records since the last
    /// recovery.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`Recovery`) if there is no unsigned record.
    pub fn recovery(&self, issued_at: u64) -> Result<ReceiptBuilder, Error> {
        let first = self
            .unsigned
            .first()
            .map(|u| u.0)
            .ok_or(Error::InvalidField {
                field: crate::Field::Recovery,
            })?;
        let leaves: Vec<[u8; 32]> = self.unsigned.iter().map(|u| u.1.to_bytes()).collect();
        Ok(self.builder(ReceiptKind::Recovery, issued_at).recovery(
            first,
            leaves.len() as u64,
            merkle::root(&leaves),
        ))
    }

    /// The state of `new_key`, the next key of this terminal: its counter-0 receipt carries
    /// the key-rotation extension naming this key's last receipt.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`KeyRotation`) before this key's first receipt.
    pub fn rotated(&self, new_key: KeyId) -> Result<TerminalState, Error> {
        let last = self
            .next_counter
            .checked_sub(1)
            .ok_or(Error::InvalidField {
                field: crate::Field::KeyRotation,
            })?;
        let mut s = TerminalState::new(new_key, &self.merchant, &self.terminal);
        s.rotation = Some((self.key_id, last, self.previous));
        Ok(s)
    }
}

/// A terminal: a signer and its [`TerminalState`]. `S` is a [`crate::ReceiptSigner`]: a
/// software key, or an HSM adapter wrapped in [`crate::ExternalSigner`].
pub struct Terminal<S> {
    signer: S,
    state: TerminalState,
}

/// Shows the chain state, never the signer (it may hold a secret key).
impl<S> core::fmt::Debug for Terminal<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Terminal")
            .field("merchant", &self.state.merchant)
            .field("terminal", &self.state.terminal)
            .field("counter", &self.state.next_counter)
            .finish_non_exhaustive()
    }
}

impl<S: crate::ReceiptSigner> Terminal<S> {
    /// A terminal whose key has signed nothing yet (its next receipt has counter 0).
    ///
    /// # Errors
    /// [`Error::InvalidPublicKey`] if the signer's key cannot be encoded (never for P-256 keys).
    pub fn new(signer: S, merchant: &str, terminal: &str) -> Result<Self, Error> {
        let key_id = crate::key_id(&signer.verifying_key())?;
        Ok(Terminal {
            signer,
            state: TerminalState::new(key_id, merchant, terminal),
        })
    }

    /// A terminal continuing an existing chain: `next_counter` and the digest of its last
    /// receipt (a new batch, no outage; [`Terminal::from_state`] resumes everything).
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
        let mut t = Self::new(signer, merchant, terminal)?;
        t.state.next_counter = next_counter;
        t.state.previous = previous.into();
        t.state.batch_first = next_counter;
        Ok(t)
    }

    /// A terminal resuming from a persisted [`TerminalState`].
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`SignerKeyId`) if `state` belongs to another key than the
    /// signer's; as [`Terminal::new`].
    pub fn from_state(signer: S, state: &TerminalState) -> Result<Self, Error> {
        if crate::key_id(&signer.verifying_key())? != state.key_id {
            return Err(Error::InvalidField {
                field: crate::Field::SignerKeyId,
            });
        }
        Ok(Terminal {
            signer,
            state: state.clone(),
        })
    }

    /// A new key for the same terminal: its counter-0 receipt will carry the key-rotation
    /// extension naming this terminal's last receipt.
    ///
    /// # Errors
    /// As [`Terminal::new`]; [`Error::InvalidField`] (`KeyRotation`) before the first receipt.
    pub fn rotate<T: crate::ReceiptSigner>(&self, new_signer: T) -> Result<Terminal<T>, Error> {
        let key_id = crate::key_id(&new_signer.verifying_key())?;
        Ok(Terminal {
            signer: new_signer,
            state: self.state.rotated(key_id)?,
        })
    }

    /// The chain, batch and outage state, to persist.
    pub fn state(&self) -> TerminalState {
        self.state.clone()
    }

    /// Brings the state forward past `r`, a receipt this terminal released
    /// ([`TerminalState::observe`]).
    ///
    /// # Errors
    /// As [`TerminalState::observe`].
    pub fn observe(&mut self, r: &UnverifiedReceipt) -> Result<(), Error> {
        self.state.observe(r)
    }

    /// The signer's public key.
    pub fn verifying_key(&self) -> p256::ecdsa::VerifyingKey {
        self.signer.verifying_key()
    }
    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.state.key_id
    }
    /// The counter the next receipt will carry.
    pub fn next_counter(&self) -> u64 {
        self.state.next_counter
    }
    /// Digest of the last receipt (zeros before the first).
    pub fn previous(&self) -> Digest {
        self.state.previous
    }

    /// A builder with signer, merchant, terminal, chain position and time filled in.
    pub fn builder(&self, kind: ReceiptKind, issued_at: u64) -> ReceiptBuilder {
        self.state.builder(kind, issued_at)
    }

    /// Signs the receipt built by `b` (from [`Terminal::builder`]) and advances the chain.
    ///
    /// # Errors
    /// The builder's and the signer's errors.
    pub fn sign(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        let r = self.state.with_rotation(b)?.build()?.sign(&self.signer)?;
        self.state.observe(&r)?;
        Ok(r)
    }

    /// Records the receipt built by `b` unsigned (the key is unavailable) and advances the chain;
    /// the next [`Terminal::recover`] commits to it.
    ///
    /// # Errors
    /// The builder's errors.
    pub fn record_unsigned(&mut self, b: ReceiptBuilder) -> Result<UnverifiedReceipt, Error> {
        self.state.record_unsigned(b)
    }

    /// Signs a `recovery` receipt committing to the unsigned records since the last recovery.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`Recovery`) if there is no unsigned record; signing errors.
    pub fn recover(&mut self, issued_at: u64) -> Result<UnverifiedReceipt, Error> {
        let b = self.state.recovery(issued_at)?;
        self.sign(b)
    }

    /// The `dayClose` content for the open batch (what [`Terminal::close_day`] signs).
    pub fn day_close(&self) -> DayClose {
        self.state.day_close()
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
