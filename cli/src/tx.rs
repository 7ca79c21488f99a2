//! `tx.json`: a transaction to sign.

use anyhow::{Result, anyhow, bail};
use possig::{
    CardholderVerification, Digest, EntryMode, Payment, ReceiptBuilder, ReceiptKind, Strokes,
};
use serde::{Deserialize, Serialize};

/// A card as printed: scheme, BIN and last 4 digits. There is no field for a full card number.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardJson {
    pub(crate) scheme: String,
    pub(crate) bin: String,
    pub(crate) last4: String,
}

/// A captured signature: canvas size and strokes as lists of `[x, y]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StrokesJson {
    pub(crate) width: u16,
    pub(crate) height: u16,
    pub(crate) strokes: Vec<Vec<[u16; 2]>>,
}

/// The transaction to sign. See the README for an example of every kind.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tx {
    pub(crate) kind: String,
    pub(crate) merchant: String,
    pub(crate) terminal: String,
    /// RFC 3339 UTC time (`2026-11-22T10:15:00Z`); default: now.
    pub(crate) issued_at: Option<String>,
    pub(crate) amount: Option<u64>,
    pub(crate) currency: Option<String>,
    pub(crate) card: Option<CardJson>,
    pub(crate) entry_mode: Option<String>,
    pub(crate) authorization_code: Option<String>,
    pub(crate) rrn: Option<String>,
    pub(crate) cardholder_verification: Option<String>,
    /// Hex receipt digest of the original (refund, void, completion, copy, resign).
    pub(crate) original: Option<String>,
    pub(crate) reprint_number: Option<u16>,
    pub(crate) signature_strokes: Option<StrokesJson>,
}

fn digest(hex_str: &str) -> Result<Digest> {
    hex_str
        .trim()
        .parse()
        .map_err(|e| anyhow!("original: must be 32 bytes in hex, 64 digits ({e})"))
}

impl Tx {
    /// Sets every field of `b` from this transaction.
    pub(crate) fn apply(&self, b: ReceiptBuilder, kind: ReceiptKind) -> Result<ReceiptBuilder> {
        let mut b = b.merchant_id(&self.merchant).terminal_id(&self.terminal);
        if let Some(s) = &self.signature_strokes {
            let strokes = s
                .strokes
                .iter()
                .map(|st| st.iter().map(|p| (p[0], p[1])).collect())
                .collect();
            b = b.signature_strokes(Strokes::new(s.width, s.height, strokes)?);
        }
        let original = self.original.as_deref().map(digest).transpose()?;
        match kind {
            k if k.is_payment() => {
                let need = |name: &str, v: Option<&String>| {
                    v.cloned()
                        .ok_or_else(|| anyhow!("{name} is required for {}", k.name()))
                };
                let card = self
                    .card
                    .clone()
                    .ok_or_else(|| anyhow!("card is required for {}", k.name()))?;
                let mode = need("entry_mode", self.entry_mode.as_ref())?;
                let cvm = need(
                    "cardholder_verification",
                    self.cardholder_verification.as_ref(),
                )?;
                b = b.payment(Payment {
                    amount: self.amount.ok_or_else(|| anyhow!("amount is required"))?,
                    currency: need("currency", self.currency.as_ref())?,
                    scheme: card.scheme,
                    bin: card.bin,
                    last4: card.last4,
                    entry_mode: EntryMode::from_name(&mode)
                        .ok_or_else(|| anyhow!("unknown entry_mode {mode:?}"))?,
                    authorization_code: self.authorization_code.clone(),
                    rrn: need("rrn", self.rrn.as_ref())?,
                    cardholder_verification: CardholderVerification::from_name(&cvm)
                        .ok_or_else(|| anyhow!("unknown cardholder_verification {cvm:?}"))?,
                    original,
                });
            }
            ReceiptKind::Copy => {
                let o = original.ok_or_else(|| anyhow!("original is required for copy"))?;
                b = b.copy_of(
                    o,
                    self.reprint_number
                        .ok_or_else(|| anyhow!("reprint_number is required for copy"))?,
                );
            }
            ReceiptKind::Resign => {
                b = b
                    .resign_of(original.ok_or_else(|| anyhow!("original is required for resign"))?);
            }
            other => bail!("kind {} cannot be signed from tx.json", other.name()),
        }
        Ok(b)
    }
}
