//! The one error type of the crate.
//!
//! Every failure is a variant of [`Error`]; variants carry data, never strings, and each has a
//! stable snake_case [`Error::code`] that the Python and WASM bindings reuse verbatim.

use core::fmt;

use crate::hash::KeyId;

/// Which structure a decoding error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Structure {
    /// A `SignedReceipt`.
    Receipt,
    /// A captured handwritten signature (`SignatureStrokes`) inside an attachment.
    Strokes,
    /// An X.509 certificate.
    Certificate,
    /// An X.509 certificate revocation list.
    Crl,
    /// PEM armour around a certificate, CRL or key.
    Pem,
    /// A PKCS#8 private key.
    PrivateKey,
    /// A 65-byte `r‖s‖v` signature or a DER `ECDSA-Sig-Value`.
    Signature,
}

impl Structure {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// A field of a receipt whose value breaks the format's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// `signerKeyId` is not 32 bytes, or does not match the signing key.
    SignerKeyId,
    /// `merchantId` is empty, too long or contains control characters.
    MerchantId,
    /// `terminalId` is empty, too long or contains control characters.
    TerminalId,
    /// `counter` is above [`crate::limits::MAX_COUNTER`].
    Counter,
    /// `previous` is not 32 bytes, or is non-zero at counter 0, or zero after it.
    Previous,
    /// `issuedAt` is not representable.
    IssuedAt,
    /// `body` does not match `kind`.
    Body,
    /// `amount` is above [`crate::limits::MAX_AMOUNT`].
    Amount,
    /// `currency` is not an active ISO 4217 code with a minor unit.
    Currency,
    /// `card.scheme` is empty, too long or not `[A-Z0-9 -]`.
    CardScheme,
    /// `card.bin` is not 6 or 8 digits.
    CardBin,
    /// `card.last4` is not 4 digits.
    CardLast4,
    /// `authorizationCode` is not 1–8 characters `[A-Z0-9]`.
    AuthorizationCode,
    /// `rrn` is not 1–12 characters `[A-Za-z0-9]`.
    Rrn,
    /// `original` is missing where the kind needs it, present where it must not be, or not 32 bytes.
    Original,
    /// `signatureImage` is missing with verification `signature`, present without it, or not 32 bytes.
    SignatureImage,
    /// `reprintNumber` is zero.
    ReprintNumber,
    /// A text field contains a digit run that passes the Luhn check: a full card number.
    PossiblePan,
    /// Extensions are not in strictly ascending order of their identifiers (or repeat one).
    ExtensionOrder,
    /// An extension's `critical` is encoded as an explicit FALSE (DER omits DEFAULT values).
    ExtensionCritical,
    /// An object identifier is not a minimal base-128 encoding.
    ObjectIdentifier,
    /// The signature is not exactly 65 bytes.
    SignatureLength,
    /// An attachment has an unknown type or duplicates another.
    Attachment,
    /// A stroke's points are out of the canvas or not canonically encoded.
    Strokes,
    /// A `recovery` body: empty, or covering counters not before this receipt.
    Recovery,
    /// A `dayClose` body: batch number 0, counters not ending just before this receipt, or
    /// totals not in ascending (kind, currency) order, of a non-payment kind, or invalid.
    DayClose,
    /// The key-rotation extension is malformed or not on a counter-0 receipt.
    KeyRotation,
}

impl Field {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// A named limit on untrusted input (see [`crate::limits`] for the numbers and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Limit {
    /// [`crate::limits::MAX_RECEIPT_SIZE`]
    ReceiptSize,
    /// [`crate::limits::MAX_ATTACHMENTS`]
    Attachments,
    /// [`crate::limits::MAX_ATTACHMENT_SIZE`]
    AttachmentSize,
    /// [`crate::limits::MAX_STROKES`]
    Strokes,
    /// [`crate::limits::MAX_STROKE_POINTS`]
    StrokePoints,
    /// [`crate::limits::MAX_EXTENSIONS`]
    Extensions,
    /// [`crate::limits::MAX_EXTENSION_VALUE`]
    ExtensionValue,
    /// [`crate::limits::MAX_TEXT_FIELD`]
    TextField,
    /// [`crate::limits::MAX_OID_LEN`]
    ObjectIdentifier,
    /// [`crate::limits::MAX_CHAIN_DEPTH`]
    ChainDepth,
    /// [`crate::limits::MAX_CERTIFICATE_SIZE`]
    CertificateSize,
    /// [`crate::limits::MAX_CRL_SIZE`]
    CrlSize,
    /// [`crate::limits::MAX_TRUST_CERTIFICATES`]
    TrustCertificates,
    /// [`crate::limits::MAX_PEM_SIZE`]
    PemSize,
    /// [`crate::limits::MAX_TOTALS`]
    Totals,
    /// A journal record larger than [`crate::limits::MAX_RECEIPT_SIZE`].
    JournalRecord,
    /// [`crate::limits::MAX_TEXT_FORM`]
    TextForm,
    /// [`crate::limits::MAX_IMAGE_PIXELS`]
    ImagePixels,
}

impl Limit {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Where an unsupported algorithm was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum AlgorithmUse {
    /// A certificate's public key is not an EC key on P-256.
    CertificateKey,
    /// A certificate is not signed with ecdsa-with-SHA256.
    CertificateSignature,
    /// A CRL is not signed with ecdsa-with-SHA256.
    CrlSignature,
    /// A private key is not a P-256 key.
    PrivateKey,
}

impl AlgorithmUse {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Why a certificate path could not be built or accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ChainReason {
    /// No certificate in the store issued this one (by name and signature).
    IssuerNotFound,
    /// An issuing certificate is not a CA (basicConstraints) or may not sign certificates (keyUsage).
    NotCa,
    /// A CA's pathLenConstraint is exceeded.
    PathLength,
    /// The terminal certificate lacks keyUsage digitalSignature.
    KeyUsage,
    /// The terminal certificate lacks the possig receipt-signing extended key usage.
    ExtendedKeyUsage,
    /// The terminal certificate is itself a CA.
    TerminalIsCa,
    /// A certificate carries a critical extension this verifier does not understand.
    UnknownCriticalExtension,
    /// A CRL's signature does not verify with any certificate named as its issuer.
    CrlSignature,
    /// A CRL needed for this path is not current at the verification time (`now`).
    CrlOutOfDate,
    /// A CRL carries a critical extension this verifier does not understand (e.g. delta CRLs).
    CrlUnsupported,
}

impl ChainReason {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Why a text form (`PSR1:` + Base45) could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum TextProblem {
    /// The text does not start with the `PSR1:` prefix (after optional whitespace).
    Prefix,
    /// A character outside the Base45 alphabet (RFC 9285 §4); `offset` says where.
    Character,
    /// The Base45 part has a length of the form 3k+1, which no byte string encodes to.
    Length,
    /// A Base45 group decodes to a value above its range (RFC 9285 §4.2: above 65535, or above
    /// 255 for a final pair).
    Value,
}

impl TextProblem {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Why a QR code image could not be read as a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum QrProblem {
    /// The image could not be decoded (not a PNG/JPEG/GIF/BMP/WebP image, or corrupt).
    Image,
    /// No QR code was found in the image.
    NotFound,
    /// More than one QR code was found: which receipt is meant is ambiguous.
    Several,
    /// A QR code was found but its modules could not be decoded (damaged, blurred).
    Unreadable,
    /// The payload is larger than any receipt's text form or the QR symbol cannot hold it.
    TooLarge,
}

impl QrProblem {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Everything that can go wrong in possig.
///
/// `depth` in certificate errors counts from the terminal certificate (0) towards the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// Not valid DER for the expected structure (BER, indefinite or overlong length, non-minimal
    /// integer, wrong tag, truncation...). `offset` is the byte offset in the input, when known.
    Malformed {
        /// What was being decoded.
        what: Structure,
        /// Byte offset of the problem in the input.
        offset: usize,
    },
    /// A complete value was decoded but bytes follow it.
    TrailingData {
        /// What was being decoded.
        what: Structure,
        /// Byte offset of the first trailing byte.
        offset: usize,
    },
    /// The receipt's `version` is not one this library knows.
    UnsupportedVersion {
        /// The version found (saturated at `u64::MAX`).
        version: u64,
    },
    /// An algorithm other than ECDSA P-256 / SHA-256.
    UnsupportedAlgorithm {
        /// Where it was met.
        what: AlgorithmUse,
    },
    /// A public key is not a valid uncompressed P-256 point (off-curve, identity, compressed, wrong length).
    InvalidPublicKey,
    /// No terminal certificate in the trust store has this key id.
    UnknownSigner {
        /// The receipt's `signerKeyId`.
        key_id: KeyId,
    },
    /// The terminal certificate does not chain to a trusted root.
    ChainInvalid {
        /// Depth of the certificate concerned.
        depth: u8,
        /// Why.
        reason: ChainReason,
    },
    /// A certificate of the path had expired at the receipt's `issuedAt`.
    CertificateExpired {
        /// Depth of the certificate concerned.
        depth: u8,
    },
    /// A certificate of the path was not yet valid at the receipt's `issuedAt`.
    CertificateNotYetValid {
        /// Depth of the certificate concerned.
        depth: u8,
    },
    /// A certificate of the path was revoked at or before the receipt's `issuedAt`.
    Revoked {
        /// Depth of the certificate concerned.
        depth: u8,
        /// Revocation time, Unix seconds.
        revoked_at: u64,
    },
    /// The receipt claims to be issued after the verification time (`now` plus allowed skew).
    IssuedInFuture,
    /// The ECDSA signature does not verify.
    BadSignature,
    /// The signature's `s` is above n/2 (only low-S encodings are valid).
    HighS,
    /// The signature's recovery id `v` does not describe its `R`.
    WrongRecoveryId {
        /// The recovery id the signature must carry.
        expected: u8,
        /// The recovery id it carries.
        found: u8,
    },
    /// An attachment's SHA-256 does not match any digest committed to in the TBS.
    AttachmentDigestMismatch {
        /// Index of the attachment.
        index: usize,
    },
    /// An extension marked critical that this library does not understand.
    UnknownCriticalExtension {
        /// Index of the extension in `extensions`.
        index: usize,
    },
    /// A field breaks the format's rules.
    InvalidField {
        /// Which field.
        field: Field,
    },
    /// Untrusted input exceeds a named limit.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The size found (bytes or items, as the limit counts), saturated.
        actual: usize,
    },
    /// The signer (e.g. an HSM) failed or returned a signature that does not verify.
    SignerFailed,
    /// An unsigned record (signature all zero), written during a signer outage: it proves
    /// nothing by itself; a later `recovery` receipt may cover it (see journal verification).
    Unsigned,
    /// An inclusion proof does not prove that the receipt is in the `dayClose` batch.
    InclusionProofInvalid,
    /// A receipt's text form (`PSR1:` + Base45) is not well formed.
    InvalidText {
        /// What is wrong.
        problem: TextProblem,
        /// Character offset of the problem in the input (after leading whitespace is counted).
        offset: usize,
    },
    /// A QR code image could not be read.
    QrUnreadable {
        /// What is wrong.
        problem: QrProblem,
    },
    /// Reading an input failed (file system, network...). (With `std`: there is no I/O
    /// without it.)
    #[cfg(feature = "std")]
    Io {
        /// The I/O error's kind.
        kind: std::io::ErrorKind,
    },
}

/// The family of an error: what a caller usually branches on (the Python binding's exception
/// classes are these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not the structure it should be, or breaks the format's rules.
    Malformed,
    /// Untrusted input above a named limit.
    Limit,
    /// No certificate in the trust store has the signer's key.
    UntrustedSigner,
    /// The signer's certificate path or key does not hold as of the signing time.
    Certificate,
    /// The signature, its encoding, or what it covers is wrong (or missing, or unproven).
    Signature,
    /// The receipt's time is after the verification time.
    Time,
    /// Reading an input failed.
    Io,
    /// A terminal's durable signer state refuses the operation (the `possig-terminal` crate:
    /// locked by another signer, not started, corrupt, lost, retired by a rotation, ...).
    SignerState,
}

impl ErrorKind {
    /// Stable snake_case name.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

impl Error {
    /// The error's family (decided here, once, for every binding).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Malformed { .. }
            | Error::TrailingData { .. }
            | Error::UnsupportedVersion { .. }
            | Error::InvalidField { .. }
            | Error::UnknownCriticalExtension { .. }
            | Error::InvalidText { .. }
            | Error::QrUnreadable { .. } => ErrorKind::Malformed,
            Error::LimitExceeded { .. } => ErrorKind::Limit,
            Error::UnknownSigner { .. } => ErrorKind::UntrustedSigner,
            Error::ChainInvalid { .. }
            | Error::CertificateExpired { .. }
            | Error::CertificateNotYetValid { .. }
            | Error::Revoked { .. }
            | Error::UnsupportedAlgorithm { .. }
            | Error::InvalidPublicKey => ErrorKind::Certificate,
            Error::IssuedInFuture => ErrorKind::Time,
            Error::BadSignature
            | Error::HighS
            | Error::WrongRecoveryId { .. }
            | Error::AttachmentDigestMismatch { .. }
            | Error::SignerFailed
            | Error::Unsigned
            | Error::InclusionProofInvalid => ErrorKind::Signature,
            #[cfg(feature = "std")]
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// Stable snake_case code, identical in Rust, Python and JavaScript.
    pub fn code(&self) -> &'static str {
        self.into()
    }

    /// Every code [`Error::code`] can return, for bindings and documentation.
    pub const ALL_CODES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    pub(crate) fn malformed(what: Structure, e: der::Error) -> Self {
        let offset = e
            .position()
            .and_then(|p| usize::try_from(p).ok())
            .unwrap_or(0);
        match e.kind() {
            der::ErrorKind::TrailingData { decoded, .. } => Error::TrailingData {
                what,
                offset: usize::try_from(decoded).unwrap_or(usize::MAX),
            },
            _ => Error::Malformed { what, offset },
        }
    }

    pub(crate) fn field(field: Field) -> Self {
        Error::InvalidField { field }
    }

    pub(crate) fn limit(limit: Limit, actual: usize) -> Self {
        Error::LimitExceeded { limit, actual }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { what, offset } => {
                write!(f, "malformed {} at byte offset {offset}", what.code())
            }
            Error::TrailingData { what, offset } => {
                write!(
                    f,
                    "trailing data after the {} at byte offset {offset}",
                    what.code()
                )
            }
            Error::UnsupportedVersion { version } => {
                write!(f, "unsupported receipt version {version}")
            }
            Error::UnsupportedAlgorithm { what } => {
                write!(
                    f,
                    "unsupported algorithm ({}): only ECDSA P-256/SHA-256",
                    what.code()
                )
            }
            Error::InvalidPublicKey => f.write_str("invalid or non-uncompressed P-256 public key"),
            Error::UnknownSigner { key_id } => {
                write!(f, "no terminal certificate for signer key id {key_id}")
            }
            Error::ChainInvalid { depth, reason } => {
                write!(
                    f,
                    "certificate path invalid at depth {depth}: {}",
                    reason.code()
                )
            }
            Error::CertificateExpired { depth } => {
                write!(
                    f,
                    "certificate at depth {depth} had expired when the receipt was issued"
                )
            }
            Error::CertificateNotYetValid { depth } => {
                write!(
                    f,
                    "certificate at depth {depth} was not yet valid when the receipt was issued"
                )
            }
            Error::Revoked { depth, revoked_at } => write!(
                f,
                "certificate at depth {depth} was revoked at {}, before the receipt was issued",
                crate::time::UnixTime(*revoked_at)
            ),
            Error::IssuedInFuture => f.write_str("receipt is issued after the verification time"),
            Error::BadSignature => f.write_str("signature does not verify"),
            Error::HighS => f.write_str("signature has a high S value (only low-S is valid)"),
            Error::WrongRecoveryId { expected, found } => {
                write!(f, "signature recovery id is {found}, must be {expected}")
            }
            Error::AttachmentDigestMismatch { index } => {
                write!(
                    f,
                    "attachment {index} does not match any digest in the signed receipt"
                )
            }
            Error::UnknownCriticalExtension { index } => {
                write!(f, "extension {index} is critical and not understood")
            }
            Error::InvalidField { field } => write!(f, "invalid field: {}", field.code()),
            Error::LimitExceeded { limit, actual } => {
                write!(f, "limit exceeded: {} ({actual})", limit.code())
            }
            Error::SignerFailed => {
                f.write_str("the signer failed or produced an invalid signature")
            }
            Error::Unsigned => {
                f.write_str("unsigned record (signer outage): not signed by the terminal")
            }
            Error::InclusionProofInvalid => {
                f.write_str("the inclusion proof does not place this receipt in the closed batch")
            }
            Error::InvalidText { problem, offset } => write!(
                f,
                "invalid receipt text form ({}) at character {offset}",
                problem.code()
            ),
            Error::QrUnreadable { problem } => {
                write!(f, "QR code image unreadable: {}", problem.code())
            }
            #[cfg(feature = "std")]
            Error::Io { kind } => write!(f, "I/O error: {kind}"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "std")]
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io { kind: e.kind() }
    }
}

#[cfg(test)]
mod tests {
    use super::{Error, ErrorKind, Limit};

    #[test]
    fn every_error_has_its_family() {
        let cases = [
            (Error::HighS, ErrorKind::Signature),
            (Error::IssuedInFuture, ErrorKind::Time),
            (Error::InvalidPublicKey, ErrorKind::Certificate),
            (
                Error::UnknownSigner {
                    key_id: crate::hash::KeyId([0; 32]),
                },
                ErrorKind::UntrustedSigner,
            ),
            (
                Error::LimitExceeded {
                    limit: Limit::ReceiptSize,
                    actual: 1,
                },
                ErrorKind::Limit,
            ),
            (
                Error::Io {
                    kind: std::io::ErrorKind::NotFound,
                },
                ErrorKind::Io,
            ),
            (
                Error::UnsupportedVersion { version: 2 },
                ErrorKind::Malformed,
            ),
        ];
        for (e, kind) in cases {
            assert_eq!(e.kind(), kind, "{}", e.code());
        }
        assert_eq!(ErrorKind::UntrustedSigner.code(), "untrusted_signer");
    }
}
