//! Building and signing receipts.

use der::DateTime;
use der::Encode;
use der::asn1::{GeneralizedTime, OctetString};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Field, Structure};
use crate::format::strokes::Strokes;
use crate::format::wire::{
    Attachment, AttachmentType, Card, CardholderVerification, CopyBody, DayCloseBody, DigestOctets,
    EntryMode, Extension, PaymentBody, ReceiptBody, ReceiptKind, RecoveryBody, ResignBody,
    ShortPrintable, ShortUtf8, TbsReceipt, Total,
};
use crate::hash::{Digest, KeyId};
use crate::prelude::*;
use crate::verify::receipt::UnverifiedReceipt;

/// The payment part of `sale`, `refund`, `void`, `preauth` and `completion` receipts.
///
/// There is deliberately no field for a card number: only the BIN and the last 4 digits, and
/// every text field is refused if it contains something that passes the Luhn check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Amount in minor units (cents for EUR, yen for JPY).
    pub amount: u64,
    /// ISO 4217 alphabetic code, e.g. `EUR`.
    pub currency: String,
    /// Card scheme, `[A-Z0-9 -]{1,16}`, e.g. `VISA`.
    pub scheme: String,
    /// First 6 or 8 digits of the card number.
    pub bin: String,
    /// Last 4 digits of the card number.
    pub last4: String,
    /// How the card was read.
    pub entry_mode: EntryMode,
    /// Issuer authorisation code, `[A-Z0-9]{1,8}`.
    pub authorization_code: Option<String>,
    /// Retrieval reference number, `[A-Za-z0-9]{1,12}`.
    pub rrn: String,
    /// Cardholder verification method. With `Signature`, call
    /// [`ReceiptBuilder::signature_strokes`].
    pub cardholder_verification: CardholderVerification,
    /// Receipt digest of the original payment (refund, void, completion).
    pub original: Option<Digest>,
}

/// One line of a `dayClose`'s totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotalSpec {
    /// A payment kind.
    pub kind: ReceiptKind,
    /// ISO 4217 code.
    pub currency: String,
    /// Number of receipts of that kind and currency in the batch.
    pub count: u64,
    /// Sum of their amounts, minor units.
    pub amount: u64,
}

/// The content of a `dayClose` receipt (see [`crate::journal`] to compute it from a batch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayClose {
    /// Batch number, from 1.
    pub batch_number: u64,
    /// Counter of the batch's first receipt.
    pub first_counter: u64,
    /// Number of receipts in the batch (the close's counter is `first_counter + count`).
    pub count: u64,
    /// Totals per payment kind and currency (sorted when built).
    pub totals: Vec<TotalSpec>,
    /// RFC 9162 Merkle tree hash of the batch's receipt digests in counter order.
    pub root: Digest,
}

/// Builds a [`TbsReceipt`] (and its attachments) field by field; [`ReceiptBuilder::build`]
/// applies every rule of the format.
#[derive(Clone, Debug)]
pub struct ReceiptBuilder {
    kind: ReceiptKind,
    signer_key_id: [u8; 32],
    merchant_id: String,
    terminal_id: String,
    counter: u64,
    previous: [u8; 32],
    issued_at: u64,
    payment: Option<Payment>,
    copy: Option<([u8; 32], u16)>,
    resign_original: Option<[u8; 32]>,
    strokes: Option<Strokes>,
    extensions: Vec<Extension>,
    recovery: Option<(u64, u64, [u8; 32])>,
    day_close: Option<DayClose>,
}

/// A built, not yet signed receipt: the TBS plus its attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptDraft {
    tbs: TbsReceipt,
    attachments: Vec<Attachment>,
}

fn printable(s: &str, field: Field) -> Result<ShortPrintable, Error> {
    ShortPrintable::new(s).map_err(|_| Error::field(field))
}

fn digest(b: &[u8; 32]) -> DigestOctets {
    DigestOctets::from(&b[..])
}

fn octets(b: &[u8]) -> Result<OctetString, Error> {
    OctetString::new(b.to_vec()).map_err(|e| Error::malformed(Structure::Receipt, e))
}

impl ReceiptBuilder {
    /// Starts a receipt of `kind`. Set the signer, merchant, terminal, counter, previous digest,
    /// time and the kind's body, then [`ReceiptBuilder::build`].
    pub fn new(kind: ReceiptKind) -> Self {
        ReceiptBuilder {
            kind,
            signer_key_id: [0; 32],
            merchant_id: String::new(),
            terminal_id: String::new(),
            counter: 0,
            previous: [0; 32],
            issued_at: 0,
            payment: None,
            copy: None,
            resign_original: None,
            strokes: None,
            extensions: Vec::new(),
            recovery: None,
            day_close: None,
        }
    }
    /// Key id of the signing key (see [`crate::key_id`]).
    pub fn signer_key_id(mut self, key_id: impl Into<KeyId>) -> Self {
        self.signer_key_id = key_id.into().to_bytes();
        self
    }
    /// Merchant identifier.
    pub fn merchant_id(mut self, id: &str) -> Self {
        self.merchant_id = id.to_string();
        self
    }
    /// Terminal identifier.
    pub fn terminal_id(mut self, id: &str) -> Self {
        self.terminal_id = id.to_string();
        self
    }
    /// Counter and previous receipt digest (zeros for counter 0) of this key's chain.
    pub fn chain(mut self, counter: u64, previous: impl Into<Digest>) -> Self {
        self.counter = counter;
        self.previous = previous.into().to_bytes();
        self
    }
    /// Issue time, Unix seconds UTC.
    pub fn issued_at(mut self, unix_seconds: u64) -> Self {
        self.issued_at = unix_seconds;
        self
    }
    /// The payment body (payment kinds).
    pub fn payment(mut self, payment: Payment) -> Self {
        self.payment = Some(payment);
        self
    }
    /// For `copy`: the reprinted receipt's digest and the reprint number (from 1).
    pub fn copy_of(mut self, original: impl Into<Digest>, reprint_number: u16) -> Self {
        self.copy = Some((original.into().to_bytes(), reprint_number));
        self
    }
    /// For `resign`: the `pending` receipt's digest (also call [`ReceiptBuilder::signature_strokes`]).
    pub fn resign_of(mut self, original: impl Into<Digest>) -> Self {
        self.resign_original = Some(original.into().to_bytes());
        self
    }
    /// The captured handwritten signature: carried as an attachment, its digest signed.
    pub fn signature_strokes(mut self, strokes: Strokes) -> Self {
        self.strokes = Some(strokes);
        self
    }
    /// For `recovery`: the unsigned records it covers (counters `first_counter ..
    /// first_counter + count − 1`) and the Merkle tree hash of their receipt digests.
    pub fn recovery(mut self, first_counter: u64, count: u64, root: impl Into<Digest>) -> Self {
        self.recovery = Some((first_counter, count, root.into().to_bytes()));
        self
    }
    /// For `dayClose`: the batch it closes.
    pub fn day_close(mut self, close: DayClose) -> Self {
        self.day_close = Some(close);
        self
    }
    /// On a new key's counter-0 receipt: the terminal's previous key and its last receipt.
    ///
    /// # Errors
    /// [`Error::Malformed`] only if encoding fails (it does not for valid inputs).
    pub fn key_rotation(self, rotation: &crate::format::wire::KeyRotation) -> Result<Self, Error> {
        let value = rotation
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))?;
        Ok(self.extension(Extension::new(crate::Oid::key_rotation(), false, &value)?))
    }
    /// Adds an extension (kept in ascending identifier order).
    pub fn extension(mut self, ext: Extension) -> Self {
        self.extensions.push(ext);
        self
    }

    /// Applies every rule of the format and returns the draft to sign.
    ///
    /// # Errors
    /// [`Error::InvalidField`] naming the first offending field (e.g. `PossiblePan`,
    /// `CardBin`, `Currency`, `Body`), [`Error::LimitExceeded`].
    pub fn build(self) -> Result<ReceiptDraft, Error> {
        let mut attachments = Vec::new();
        let image = match &self.strokes {
            Some(s) => {
                let der = s.to_der()?;
                let d: [u8; 32] = Sha256::digest(&der).into();
                attachments.push(Attachment::new(
                    AttachmentType::SignatureStrokes,
                    octets(&der)?,
                ));
                Some(d)
            }
            None => None,
        };
        let body = match self.kind {
            k if k.is_payment() => {
                let p = self.payment.ok_or(Error::field(Field::Body))?;
                let image = match p.cardholder_verification {
                    CardholderVerification::Signature => {
                        Some(digest(&image.ok_or(Error::field(Field::SignatureImage))?))
                    }
                    _ if image.is_some() => return Err(Error::field(Field::SignatureImage)),
                    _ => None,
                };
                let card = Card::new(
                    printable(&p.scheme, Field::CardScheme)?,
                    printable(&p.bin, Field::CardBin)?,
                    printable(&p.last4, Field::CardLast4)?,
                );
                ReceiptBody::Payment(PaymentBody::new(
                    p.amount,
                    printable(&p.currency, Field::Currency)?,
                    card,
                    p.entry_mode,
                    p.authorization_code
                        .as_deref()
                        .map(|c| printable(c, Field::AuthorizationCode))
                        .transpose()?,
                    printable(&p.rrn, Field::Rrn)?,
                    p.cardholder_verification,
                    p.original.map(|o| digest(&o)),
                    image,
                ))
            }
            ReceiptKind::Copy => {
                let (orig, n) = self.copy.ok_or(Error::field(Field::Body))?;
                if image.is_some() {
                    return Err(Error::field(Field::SignatureImage));
                }
                ReceiptBody::Copy(CopyBody::new(digest(&orig), n))
            }
            ReceiptKind::Resign => {
                let orig = self.resign_original.ok_or(Error::field(Field::Body))?;
                let image = image.ok_or(Error::field(Field::SignatureImage))?;
                ReceiptBody::Resign(ResignBody::new(digest(&orig), digest(&image)))
            }
            ReceiptKind::Recovery => {
                let (first, count, root) = self.recovery.ok_or(Error::field(Field::Body))?;
                ReceiptBody::Recovery(RecoveryBody::new(first, count, digest(&root)))
            }
            ReceiptKind::DayClose => {
                let d = self.day_close.ok_or(Error::field(Field::Body))?;
                let mut totals = d.totals;
                totals.sort_by(|a, b| {
                    (a.kind as u32, &a.currency).cmp(&(b.kind as u32, &b.currency))
                });
                let totals = totals
                    .into_iter()
                    .map(|t| {
                        Ok(Total::new(
                            t.kind,
                            printable(&t.currency, Field::DayClose)?,
                            t.count,
                            t.amount,
                        ))
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                ReceiptBody::DayClose(DayCloseBody::new(
                    d.batch_number,
                    d.first_counter,
                    d.count,
                    totals,
                    digest(&d.root),
                ))
            }
            _ => return Err(Error::field(Field::Body)),
        };
        if image.is_some() && !matches!(body, ReceiptBody::Payment(_) | ReceiptBody::Resign(_)) {
            return Err(Error::field(Field::SignatureImage));
        }
        let time = DateTime::from_unix_duration(core::time::Duration::from_secs(self.issued_at))
            .map_err(|_| Error::field(Field::IssuedAt))?;
        let mut extensions = self.extensions;
        extensions.sort_by(|a, b| a.id().as_bytes().cmp(b.id().as_bytes()));
        let tbs = TbsReceipt::new(
            digest(&self.signer_key_id),
            ShortUtf8::from(self.merchant_id.as_str()),
            ShortUtf8::from(self.terminal_id.as_str()),
            self.counter,
            digest(&self.previous),
            GeneralizedTime::from_date_time(time),
            self.kind,
            body,
            (!extensions.is_empty()).then_some(extensions),
        );
        crate::format::rules::check_tbs(&tbs)?;
        Ok(ReceiptDraft { tbs, attachments })
    }
}

impl ReceiptDraft {
    /// The TBS to be signed.
    pub fn tbs(&self) -> &TbsReceipt {
        &self.tbs
    }

    /// The exact bytes that will be signed (TBS DER).
    ///
    /// # Errors
    /// [`Error::Malformed`] if encoding fails (not for drafts built by [`ReceiptBuilder`]).
    pub fn tbs_der(&self) -> Result<Vec<u8>, Error> {
        self.tbs
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))
    }

    /// The record a terminal keeps when its key is unavailable (signer outage): the same TBS,
    /// with the signature field set to 65 zero bytes, a value no valid signature can take
    /// (`r = 0`). It continues the chain; a later `recovery` receipt commits to it.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] if the record exceeds [`crate::limits::MAX_RECEIPT_SIZE`].
    pub fn unsigned(self) -> Result<UnverifiedReceipt, Error> {
        UnverifiedReceipt::assemble(self.tbs, [0; crate::ecdsa::SIGNATURE_LEN], self.attachments)
    }

    /// Signs with a [`crate::ReceiptSigner`]: a software key (`p256::ecdsa::SigningKey`) or
    /// any ECDSA P-256 signer wrapped in [`crate::ExternalSigner`]. The signature is made over
    /// the TBS DER with SHA-256, low-S, completed with its recovery id `v`, and checked before
    /// it is used.
    ///
    /// # Errors
    /// [`Error::InvalidField`] (`SignerKeyId`) if the TBS key id is not the signer's;
    /// [`Error::SignerFailed`] if the signer fails or its signature does not verify;
    /// [`Error::LimitExceeded`] if the receipt exceeds [`crate::limits::MAX_RECEIPT_SIZE`].
    pub fn sign<S: crate::ReceiptSigner + ?Sized>(
        self,
        signer: &S,
    ) -> Result<UnverifiedReceipt, Error> {
        let vk = signer.verifying_key();
        if crate::trust::key_id(&vk)?[..] != *self.tbs.signer_key_id() {
            return Err(Error::field(Field::SignerKeyId));
        }
        let msg = self.tbs_der()?;
        let sig = signer.sign_tbs(&msg, &vk)?;
        UnverifiedReceipt::assemble(self.tbs, sig, self.attachments)
    }

    /// The receipt, with a signature made elsewhere over [`ReceiptDraft::tbs_der`] (an HSM
    /// driven by hand, pyca/cryptography...) by `key`: the signature is made low-S, completed
    /// with its recovery id `v`, and refused unless it verifies, exactly as
    /// [`crate::ExternalSigner`]'s.
    ///
    /// # Errors
    /// [`Error::InvalidField`] ([`Field::SignerKeyId`]) if `key` is not the draft's signer;
    /// [`Error::SignerFailed`] if the signature does not verify over the TBS under `key`.
    pub fn assemble(
        self,
        signature: &p256::ecdsa::Signature,
        key: &p256::ecdsa::VerifyingKey,
    ) -> Result<UnverifiedReceipt, Error> {
        if crate::trust::key_id(key)?[..] != *self.tbs.signer_key_id() {
            return Err(Error::field(Field::SignerKeyId));
        }
        let msg = self.tbs_der()?;
        let sig = crate::ecdsa::canonicalize(key.as_affine(), &msg, signature)?;
        UnverifiedReceipt::assemble(self.tbs, sig, self.attachments)
    }
}
