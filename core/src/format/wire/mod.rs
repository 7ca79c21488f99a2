//! The wire types: one Rust type per ASN.1 type of `spec/possig.asn1`.
//!
//! These types only describe the encoding; the format's rules (which fields go with which kind,
//! character sets, sizes) are checked when receipts are built and decoded. Fields are private; read them through
//! the getters.

use der::asn1::{GeneralizedTime, OctetString};
use der::{Enumerated, Sequence};

use crate::format::oid::Oid;

mod short;
use crate::prelude::*;
pub(crate) use short::{DigestOctets, ShortPrintable, ShortUtf8, SignatureOctets};

/// `name()` and `from_name()` for an enum whose names are its variants in camelCase, as in
/// the ASN.1 module (`#[strum(serialize_all = "camelCase")]` on the enum).
macro_rules! asn1_names {
    ($($ty:ident),+) => {$(
        impl $ty {
            /// Stable name, as in the ASN.1 module.
            pub fn name(self) -> &'static str {
                self.into()
            }

            /// Parses a name produced by `name()`.
            pub fn from_name(name: &str) -> Option<Self> {
                name.parse().ok()
            }
        }
    )+};
}

asn1_names!(ReceiptKind, EntryMode, CardholderVerification);

/// ```asn1
/// ReceiptKind ::= ENUMERATED {
///   sale(0), refund(1), void(2), preauth(3), completion(4), copy(5), resign(6),
///   ...,
///   recovery(7), dayClose(8)
/// }
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Enumerated,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantNames,
)]
#[strum(serialize_all = "camelCase")]
#[repr(u32)]
#[non_exhaustive]
pub enum ReceiptKind {
    /// A purchase.
    Sale = 0,
    /// Money returned to the cardholder for an earlier payment (`original` is required).
    Refund = 1,
    /// Cancellation of an earlier payment before settlement (`original` is required).
    Void = 2,
    /// A pre-authorisation (hold) of an amount.
    Preauth = 3,
    /// Completion of an earlier pre-authorisation (`original` is required).
    Completion = 4,
    /// A reprint of an earlier receipt.
    Copy = 5,
    /// A cardholder signature captured after the fact for a `pending` payment.
    Resign = 6,
    /// After a signer outage: commits to the unsigned records it recovers.
    Recovery = 7,
    /// End of a batch: counts, totals and the Merkle root of every receipt since the last close.
    DayClose = 8,
}

impl ReceiptKind {
    /// Whether the kind carries a `PaymentBody`.
    pub fn is_payment(self) -> bool {
        matches!(
            self,
            ReceiptKind::Sale
                | ReceiptKind::Refund
                | ReceiptKind::Void
                | ReceiptKind::Preauth
                | ReceiptKind::Completion
        )
    }

    /// Whether a payment kind must reference its original receipt.
    pub fn needs_original(self) -> bool {
        matches!(
            self,
            ReceiptKind::Refund | ReceiptKind::Void | ReceiptKind::Completion
        )
    }
}

/// ```asn1
/// EntryMode ::= ENUMERATED { chip(0), contactless(1), magstripe(2), manual(3), ecommerce(4), ... }
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Enumerated,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantNames,
)]
#[strum(serialize_all = "camelCase")]
#[repr(u32)]
#[non_exhaustive]
pub enum EntryMode {
    /// EMV contact chip.
    Chip = 0,
    /// EMV contactless.
    Contactless = 1,
    /// Magnetic stripe.
    Magstripe = 2,
    /// Key-entered card number.
    Manual = 3,
    /// Card not present, e-commerce.
    Ecommerce = 4,
}

/// ```asn1
/// CardholderVerification ::= ENUMERATED {
///   none(0), pin(1), signature(2), pending(3), consumerDevice(4), ...
/// }
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Enumerated,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantNames,
)]
#[strum(serialize_all = "camelCase")]
#[repr(u32)]
#[non_exhaustive]
pub enum CardholderVerification {
    /// No cardholder verification (e.g. low-value contactless).
    None = 0,
    /// Online or offline PIN.
    Pin = 1,
    /// Handwritten signature captured on the terminal; `signatureImage` holds its digest.
    Signature = 2,
    /// The cardholder did not sign at the terminal; a later `resign` receipt resolves it.
    Pending = 3,
    /// Consumer device CVM (phone or watch biometrics / passcode).
    ConsumerDevice = 4,
}

/// ```asn1
/// Card ::= SEQUENCE {
///   scheme  PrintableString (SIZE(1..16)),
///   bin     PrintableString (SIZE(6|8)) (FROM("0".."9")),
///   last4   PrintableString (SIZE(4)) (FROM("0".."9"))
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Card {
    scheme: ShortPrintable,
    bin: ShortPrintable,
    last4: ShortPrintable,
}

impl Card {
    pub(crate) fn new(scheme: ShortPrintable, bin: ShortPrintable, last4: ShortPrintable) -> Self {
        Card { scheme, bin, last4 }
    }
    /// Card scheme, e.g. `VISA`, `MASTERCARD`.
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }
    /// Issuer identification number (first 6 or 8 digits of the PAN).
    pub fn bin(&self) -> &str {
        self.bin.as_str()
    }
    /// Last 4 digits of the PAN.
    pub fn last4(&self) -> &str {
        self.last4.as_str()
    }
}

/// ```asn1
/// PaymentBody ::= SEQUENCE {
///   amount                  INTEGER (0..9007199254740991),   -- minor units
///   currency                PrintableString (SIZE(3)),       -- ISO 4217 alpha
///   card                    Card,
///   entryMode               EntryMode,
///   authorizationCode       [0] PrintableString (SIZE(1..8)) OPTIONAL,
///   rrn                     PrintableString (SIZE(1..12)),
///   cardholderVerification  CardholderVerification,
///   original                [1] ReceiptDigest OPTIONAL,      -- refund, void, completion
///   signatureImage          [2] Digest OPTIONAL              -- iff verification = signature
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct PaymentBody {
    amount: u64,
    currency: ShortPrintable,
    card: Card,
    entry_mode: EntryMode,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    authorization_code: Option<ShortPrintable>,
    rrn: ShortPrintable,
    cardholder_verification: CardholderVerification,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    original: Option<DigestOctets>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    signature_image: Option<DigestOctets>,
}

impl PaymentBody {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        amount: u64,
        currency: ShortPrintable,
        card: Card,
        entry_mode: EntryMode,
        authorization_code: Option<ShortPrintable>,
        rrn: ShortPrintable,
        cardholder_verification: CardholderVerification,
        original: Option<DigestOctets>,
        signature_image: Option<DigestOctets>,
    ) -> Self {
        PaymentBody {
            amount,
            currency,
            card,
            entry_mode,
            authorization_code,
            rrn,
            cardholder_verification,
            original,
            signature_image,
        }
    }
    /// Amount in minor units of [`PaymentBody::currency`] (never a float).
    pub fn amount(&self) -> u64 {
        self.amount
    }
    /// ISO 4217 alphabetic currency code.
    pub fn currency(&self) -> &str {
        self.currency.as_str()
    }
    /// The currency's minor-unit exponent (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn currency_exponent(&self) -> u8 {
        crate::format::currency::currency_exponent(self.currency.as_str()).unwrap_or(0)
    }
    /// The masked card.
    pub fn card(&self) -> &Card {
        &self.card
    }
    /// How the card was read.
    pub fn entry_mode(&self) -> EntryMode {
        self.entry_mode
    }
    /// Issuer authorisation code, if the transaction was authorised.
    pub fn authorization_code(&self) -> Option<&str> {
        self.authorization_code.as_ref().map(|s| s.as_str())
    }
    /// Retrieval reference number.
    pub fn rrn(&self) -> &str {
        self.rrn.as_str()
    }
    /// Cardholder verification method.
    pub fn cardholder_verification(&self) -> CardholderVerification {
        self.cardholder_verification
    }
    /// Receipt digest of the original payment (refund, void, completion).
    pub fn original(&self) -> Option<&[u8]> {
        self.original.as_ref().map(|o| o.as_bytes())
    }
    /// SHA-256 of the captured signature attachment, when verification is `signature`.
    pub fn signature_image(&self) -> Option<&[u8]> {
        self.signature_image.as_ref().map(|o| o.as_bytes())
    }
}

/// ```asn1
/// CopyBody ::= SEQUENCE { original ReceiptDigest, reprintNumber INTEGER (1..65535) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct CopyBody {
    original: DigestOctets,
    reprint_number: u16,
}

impl CopyBody {
    pub(crate) fn new(original: DigestOctets, reprint_number: u16) -> Self {
        CopyBody {
            original,
            reprint_number,
        }
    }
    /// Receipt digest of the reprinted receipt.
    pub fn original(&self) -> &[u8] {
        self.original.as_bytes()
    }
    /// 1 for the first reprint, 2 for the second...
    pub fn reprint_number(&self) -> u16 {
        self.reprint_number
    }
}

/// ```asn1
/// ResignBody ::= SEQUENCE { original ReceiptDigest, signatureImage Digest }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct ResignBody {
    original: DigestOctets,
    signature_image: DigestOctets,
}

impl ResignBody {
    pub(crate) fn new(original: DigestOctets, signature_image: DigestOctets) -> Self {
        ResignBody {
            original,
            signature_image,
        }
    }
    /// Receipt digest of the `pending` payment this signature is for.
    pub fn original(&self) -> &[u8] {
        self.original.as_bytes()
    }
    /// SHA-256 of the captured signature attachment.
    pub fn signature_image(&self) -> &[u8] {
        self.signature_image.as_bytes()
    }
}

/// ```asn1
/// RecoveryBody ::= SEQUENCE {
///   firstCounter  INTEGER (0..9007199254740991),
///   count         INTEGER (1..9007199254740991),
///   root          Digest    -- RFC 9162 Merkle tree hash of the unsigned records' receipt digests
/// }
/// ```
/// Commits to the `count` unsigned records of the same key with counters `firstCounter ..
/// firstCounter + count − 1`, all before this receipt.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct RecoveryBody {
    first_counter: u64,
    count: u64,
    root: DigestOctets,
}

impl RecoveryBody {
    pub(crate) fn new(first_counter: u64, count: u64, root: DigestOctets) -> Self {
        RecoveryBody {
            first_counter,
            count,
            root,
        }
    }
    /// Counter of the first recovered (unsigned) record.
    pub fn first_counter(&self) -> u64 {
        self.first_counter
    }
    /// Number of recovered records.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// Merkle tree hash of their receipt digests, in counter order.
    pub fn root(&self) -> &[u8] {
        self.root.as_bytes()
    }
}

/// ```asn1
/// Total ::= SEQUENCE {
///   kind      ReceiptKind,                 -- a payment kind
///   currency  PrintableString (SIZE(3)),
///   count     INTEGER (1..9007199254740991),
///   amount    INTEGER (0..9007199254740991) -- sum of amounts, minor units
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Total {
    kind: ReceiptKind,
    currency: ShortPrintable,
    count: u64,
    amount: u64,
}

impl Total {
    pub(crate) fn new(
        kind: ReceiptKind,
        currency: ShortPrintable,
        count: u64,
        amount: u64,
    ) -> Self {
        Total {
            kind,
            currency,
            count,
            amount,
        }
    }
    /// The payment kind totalled.
    pub fn kind(&self) -> ReceiptKind {
        self.kind
    }
    /// ISO 4217 currency.
    pub fn currency(&self) -> &str {
        self.currency.as_str()
    }
    /// Number of receipts.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// Sum of their amounts, minor units.
    pub fn amount(&self) -> u64 {
        self.amount
    }
}

/// ```asn1
/// DayCloseBody ::= SEQUENCE {
///   batchNumber   INTEGER (1..9007199254740991),
///   firstCounter  INTEGER (0..9007199254740991),
///   count         INTEGER (0..9007199254740991),  -- receipts in the batch, of every kind
///   totals        SEQUENCE SIZE(0..64) OF Total,    -- per (kind, currency), ascending, signed records only
///   root          Digest   -- RFC 9162 Merkle tree hash of the batch's receipt digests
/// }
/// ```
/// The batch is every receipt of the same key with counters `firstCounter .. counter − 1`
/// (signed and unsigned); so `firstCounter + count` equals this receipt's counter.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct DayCloseBody {
    batch_number: u64,
    first_counter: u64,
    count: u64,
    totals: Vec<Total>,
    root: DigestOctets,
}

impl DayCloseBody {
    pub(crate) fn new(
        batch_number: u64,
        first_counter: u64,
        count: u64,
        totals: Vec<Total>,
        root: DigestOctets,
    ) -> Self {
        DayCloseBody {
            batch_number,
            first_counter,
            count,
            totals,
            root,
        }
    }
    /// Batch number (from 1, +1 per close of the key).
    pub fn batch_number(&self) -> u64 {
        self.batch_number
    }
    /// Counter of the batch's first receipt.
    pub fn first_counter(&self) -> u64 {
        self.first_counter
    }
    /// Number of receipts in the batch.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// Totals per payment kind and currency.
    pub fn totals(&self) -> &[Total] {
        &self.totals
    }
    /// Merkle tree hash of the batch's receipt digests, in counter order.
    pub fn root(&self) -> &[u8] {
        self.root.as_bytes()
    }
}

/// ```asn1
/// KeyRotation ::= SEQUENCE {             -- value of extension {arc 3 1}
///   previousKeyId   Digest,
///   previousCounter INTEGER (0..9007199254740991),
///   previousDigest  ReceiptDigest
/// }
/// ```
/// On a new key's counter-0 receipt: the last receipt of the terminal's previous key, so the
/// terminal's chain continues across the rotation.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct KeyRotation {
    previous_key_id: DigestOctets,
    previous_counter: u64,
    previous_digest: DigestOctets,
}

impl KeyRotation {
    /// The last receipt of the previous key.
    pub fn new(
        previous_key_id: [u8; 32],
        previous_counter: u64,
        previous_digest: [u8; 32],
    ) -> Self {
        KeyRotation {
            previous_key_id: DigestOctets::from(&previous_key_id[..]),
            previous_counter,
            previous_digest: DigestOctets::from(&previous_digest[..]),
        }
    }
    /// Key id of the previous key.
    pub fn previous_key_id(&self) -> &[u8] {
        self.previous_key_id.as_bytes()
    }
    /// Counter of the previous key's last receipt.
    pub fn previous_counter(&self) -> u64 {
        self.previous_counter
    }
    /// Receipt digest of the previous key's last receipt.
    pub fn previous_digest(&self) -> &[u8] {
        self.previous_digest.as_bytes()
    }
}

/// ```asn1
/// ReceiptBody ::= CHOICE {
///   payment  [0] PaymentBody,
///   copy     [1] CopyBody,
///   resign   [2] ResignBody,
///   ...,
///   recovery [3] RecoveryBody,
///   dayClose [4] DayCloseBody
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, der::Choice)]
#[non_exhaustive]
// Payment bodies are the common case; boxing them would cost an allocation per receipt.
#[allow(clippy::large_enum_variant)]
pub enum ReceiptBody {
    /// Body of `sale`, `refund`, `void`, `preauth`, `completion`.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", constructed = "true")]
    Payment(PaymentBody),
    /// Body of `copy`.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Copy(CopyBody),
    /// Body of `resign`.
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", constructed = "true")]
    Resign(ResignBody),
    /// Body of `recovery`.
    #[asn1(context_specific = "3", tag_mode = "IMPLICIT", constructed = "true")]
    Recovery(RecoveryBody),
    /// Body of `dayClose`.
    #[asn1(context_specific = "4", tag_mode = "IMPLICIT", constructed = "true")]
    DayClose(DayCloseBody),
}

/// ```asn1
/// Extension ::= SEQUENCE {
///   extnId     OBJECT IDENTIFIER,
///   critical   BOOLEAN DEFAULT FALSE,
///   extnValue  OCTET STRING (SIZE(0..1024))
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Extension {
    extn_id: Oid,
    // `DEFAULT FALSE`: decoded as optional so that an explicitly encoded FALSE (which DER
    // forbids and `der` accepts) can be refused by the format rules.
    #[asn1(optional = "true")]
    critical: Option<bool>,
    extn_value: OctetString,
}

impl Extension {
    /// Builds an extension; order and limits are checked when the receipt is built.
    ///
    /// # Errors
    /// [`crate::Error::LimitExceeded`] if `value` is longer than [`crate::limits::MAX_EXTENSION_VALUE`].
    pub fn new(id: Oid, critical: bool, value: &[u8]) -> Result<Self, crate::Error> {
        if value.len() > crate::limits::MAX_EXTENSION_VALUE {
            return Err(crate::Error::limit(
                crate::error::Limit::ExtensionValue,
                value.len(),
            ));
        }
        let extn_value = OctetString::new(value)
            .map_err(|e| crate::Error::malformed(crate::error::Structure::Receipt, e))?;
        Ok(Extension {
            extn_id: id,
            critical: critical.then_some(true),
            extn_value,
        })
    }
    /// The extension's identifier.
    pub fn id(&self) -> &Oid {
        &self.extn_id
    }
    /// Whether a verifier that does not understand it must reject the receipt.
    pub fn critical(&self) -> bool {
        self.critical == Some(true)
    }
    /// True if `critical` was encoded as an explicit FALSE (not DER).
    pub(crate) fn explicit_false(&self) -> bool {
        self.critical == Some(false)
    }
    /// The extension's value.
    pub fn value(&self) -> &[u8] {
        self.extn_value.as_bytes()
    }
}

/// ```asn1
/// TbsReceipt ::= SEQUENCE {
///   version      INTEGER { v1(1) },
///   signerKeyId  OCTET STRING (SIZE(32)),   -- SHA-256 of the signer's SubjectPublicKeyInfo DER
///   merchantId   UTF8String (SIZE(1..64)),
///   terminalId   UTF8String (SIZE(1..64)),
///   counter      INTEGER (0..9007199254740991),
///   previous     ReceiptDigest,              -- 32 zero bytes at counter 0
///   issuedAt     GeneralizedTime,            -- UTC, whole seconds
///   kind         ReceiptKind,
///   body         ReceiptBody,
///   extensions   [0] Extensions OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct TbsReceipt {
    version: u64,
    signer_key_id: DigestOctets,
    merchant_id: ShortUtf8,
    terminal_id: ShortUtf8,
    counter: u64,
    previous: DigestOctets,
    issued_at: GeneralizedTime,
    kind: ReceiptKind,
    body: ReceiptBody,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        optional = "true",
        constructed = "true"
    )]
    extensions: Option<Vec<Extension>>,
}

impl TbsReceipt {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        signer_key_id: DigestOctets,
        merchant_id: ShortUtf8,
        terminal_id: ShortUtf8,
        counter: u64,
        previous: DigestOctets,
        issued_at: GeneralizedTime,
        kind: ReceiptKind,
        body: ReceiptBody,
        extensions: Option<Vec<Extension>>,
    ) -> Self {
        TbsReceipt {
            version: crate::VERSION,
            signer_key_id,
            merchant_id,
            terminal_id,
            counter,
            previous,
            issued_at,
            kind,
            body,
            extensions,
        }
    }
    /// Format version (1).
    pub fn version(&self) -> u64 {
        self.version
    }
    /// SHA-256 of the signer's SubjectPublicKeyInfo DER.
    pub fn signer_key_id(&self) -> &[u8] {
        self.signer_key_id.as_bytes()
    }
    /// Merchant identifier.
    pub fn merchant_id(&self) -> &str {
        self.merchant_id.as_str()
    }
    /// Terminal identifier.
    pub fn terminal_id(&self) -> &str {
        self.terminal_id.as_str()
    }
    /// Per-key counter (0 for the key's first receipt).
    pub fn counter(&self) -> u64 {
        self.counter
    }
    /// Receipt digest of this key's previous receipt (zeros at counter 0).
    pub fn previous(&self) -> &[u8] {
        self.previous.as_bytes()
    }
    /// Issue time, Unix seconds (UTC).
    pub fn issued_at(&self) -> u64 {
        self.issued_at.to_unix_duration().as_secs()
    }
    /// The receipt kind.
    pub fn kind(&self) -> ReceiptKind {
        self.kind
    }
    /// The kind-specific body.
    pub fn body(&self) -> &ReceiptBody {
        &self.body
    }
    /// The payment body, for payment kinds.
    pub fn payment(&self) -> Option<&PaymentBody> {
        match &self.body {
            ReceiptBody::Payment(p) => Some(p),
            _ => None,
        }
    }
    /// Extensions, in ascending order of identifier.
    pub fn extensions(&self) -> &[Extension] {
        self.extensions.as_deref().unwrap_or(&[])
    }
    /// The key-rotation extension, if present and well-formed (checked by the format rules).
    pub fn key_rotation(&self) -> Option<KeyRotation> {
        use der::Decode;
        self.extensions()
            .iter()
            .find(|e| e.id().is_key_rotation())
            .and_then(|e| KeyRotation::from_der(e.value()).ok())
    }
    /// Digests of attachments this TBS commits to (the captured signature, if any).
    pub fn committed_attachment_digests(&self) -> Option<&[u8]> {
        match &self.body {
            ReceiptBody::Payment(p) => p.signature_image(),
            ReceiptBody::Resign(r) => Some(r.signature_image()),
            _ => None,
        }
    }
}

/// ```asn1
/// AttachmentType ::= ENUMERATED { signatureStrokes(0), ... }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enumerated)]
#[repr(u32)]
#[non_exhaustive]
pub enum AttachmentType {
    /// A captured handwritten signature, `SignatureStrokes` DER.
    SignatureStrokes = 0,
}

/// ```asn1
/// Attachment ::= SEQUENCE { type AttachmentType, data OCTET STRING (SIZE(1..12288)) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Attachment {
    attachment_type: AttachmentType,
    data: OctetString,
}

impl Attachment {
    pub(crate) fn new(attachment_type: AttachmentType, data: OctetString) -> Self {
        Attachment {
            attachment_type,
            data,
        }
    }
    /// The attachment's type.
    pub fn attachment_type(&self) -> AttachmentType {
        self.attachment_type
    }
    /// The attachment's bytes (for `SignatureStrokes`, its DER).
    pub fn data(&self) -> &[u8] {
        self.data.as_bytes()
    }
}

/// ```asn1
/// SignedReceipt ::= SEQUENCE {
///   tbs          TbsReceipt,
///   signature    OCTET STRING (SIZE(65)),   -- r ‖ s ‖ v
///   attachments  [0] SEQUENCE SIZE(1..4) OF Attachment OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct SignedReceiptWire {
    pub(crate) tbs: TbsReceipt,
    pub(crate) signature: SignatureOctets,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        optional = "true",
        constructed = "true"
    )]
    pub(crate) attachments: Option<Vec<Attachment>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    fn ext_der(critical: Option<u8>) -> Vec<u8> {
        let oid = Oid::extension(1);
        let mut inner = vec![0x06, oid.as_bytes().len() as u8];
        inner.extend_from_slice(oid.as_bytes());
        if let Some(b) = critical {
            inner.extend_from_slice(&[0x01, 0x01, b]);
        }
        inner.extend_from_slice(&[0x04, 0x00]);
        let mut out = vec![0x30, inner.len() as u8];
        out.extend_from_slice(&inner);
        out
    }

    #[test]
    fn names_round_trip() {
        use ReceiptKind as K;
        for k in [
            K::Sale,
            K::Refund,
            K::Void,
            K::Preauth,
            K::Completion,
            K::Copy,
            K::Resign,
        ] {
            assert_eq!(K::from_name(k.name()), Some(k));
        }
        for m in [
            EntryMode::Chip,
            EntryMode::Contactless,
            EntryMode::Magstripe,
            EntryMode::Manual,
            EntryMode::Ecommerce,
        ] {
            assert_eq!(EntryMode::from_name(m.name()), Some(m));
        }
        use CardholderVerification as C;
        for c in [C::None, C::Pin, C::Signature, C::Pending, C::ConsumerDevice] {
            assert_eq!(C::from_name(c.name()), Some(c));
        }
        assert_eq!(
            ReceiptKind::from_name("dayClose"),
            Some(ReceiptKind::DayClose)
        );
        assert_eq!(ReceiptKind::from_name("day_close"), None);
        assert_eq!(
            CardholderVerification::ConsumerDevice.name(),
            "consumerDevice"
        );
    }

    #[test]
    fn extension_default_false_is_omitted_and_explicit_false_refused() {
        let e = Extension::from_der(&ext_der(None)).unwrap();
        assert!(!e.critical());
        assert_eq!(e.to_der().unwrap(), ext_der(None));
        assert!(
            Extension::from_der(&ext_der(Some(0xff)))
                .unwrap()
                .critical()
        );
        // DER: BOOLEAN true must be 0xFF; a DEFAULT value must not be encoded (the format
        // rules refuse it, see rules::check_tbs).
        assert!(Extension::from_der(&ext_der(Some(0x01))).is_err());
        assert!(
            Extension::from_der(&ext_der(Some(0x00)))
                .unwrap()
                .explicit_false()
        );
    }
}
