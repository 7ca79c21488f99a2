//! One serializable view of receipts, verification results and errors (feature `serde`), shared
//! by the Python and WASM bindings so that every binding shows the same values: byte strings
//! as lower-case hex, times as Unix seconds, amounts as integers in minor units with the
//! currency's exponent, every enumeration as its stable snake_case or ASN.1 name.

use serde::Serialize;

use crate::error::Error;
use crate::format::currency::Amount;
use crate::format::wire::{ReceiptBody, TbsReceipt};
use crate::hash::{Digest, KeyId};
use crate::trust::{CertificateInfo, Warning};
use crate::verify::receipt::{UnverifiedReceipt, VerifiedReceipt};

/// A payment body.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PaymentView {
    /// Amount in minor units.
    pub amount: u64,
    /// ISO 4217 code.
    pub currency: String,
    /// The currency's exponent (2 for EUR, 0 for JPY).
    pub exponent: u8,
    /// The amount as people read it, from [`crate::Amount`]: `19.99 EUR`, `500 JPY`.
    pub display: String,
    /// Card scheme.
    pub scheme: String,
    /// BIN (6 or 8 digits).
    pub bin: String,
    /// Last four digits.
    pub last4: String,
    /// Entry mode name.
    pub entry_mode: &'static str,
    /// Authorization code.
    pub authorization_code: Option<String>,
    /// Retrieval reference number.
    pub rrn: String,
    /// Cardholder verification method name.
    pub cardholder_verification: &'static str,
    /// Digest of the original receipt (refund, void, completion).
    pub original: Option<Digest>,
    /// Digest of the captured signature's strokes.
    pub signature_image: Option<Digest>,
}

/// A total of a `dayClose`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TotalView {
    /// Kind name.
    pub kind: &'static str,
    /// ISO 4217 code.
    pub currency: String,
    /// Receipts.
    pub count: u64,
    /// Sum in minor units.
    pub amount: u64,
    /// The sum as people read it, from [`crate::Amount`]: `19.99 EUR`.
    pub display: String,
}

/// The signed content of a receipt.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TbsView {
    /// Format version.
    pub version: u64,
    /// Signer key id.
    pub signer_key_id: KeyId,
    /// Merchant id.
    pub merchant_id: String,
    /// Terminal id.
    pub terminal_id: String,
    /// Chain counter.
    pub counter: u64,
    /// Previous receipt digest.
    pub previous: Digest,
    /// Issue time, Unix seconds.
    pub issued_at: u64,
    /// Kind name.
    pub kind: &'static str,
    /// Payment body (payment kinds).
    pub payment: Option<PaymentView>,
    /// Original digest (copy, resign).
    pub original: Option<Digest>,
    /// Reprint number (copy).
    pub reprint_number: Option<u16>,
    /// Digest of the captured signature (resign).
    pub signature_image: Option<Digest>,
    /// First counter covered (recovery, dayClose).
    pub first_counter: Option<u64>,
    /// Receipts covered (recovery, dayClose).
    pub count: Option<u64>,
    /// Merkle root (recovery, dayClose).
    pub root: Option<Digest>,
    /// Batch number (dayClose).
    pub batch_number: Option<u64>,
    /// Totals (dayClose).
    pub totals: Vec<TotalView>,
    /// Extensions: (object identifier, critical, value hex).
    pub extensions: Vec<(String, bool, String)>,
}

/// A captured handwritten signature.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StrokesView {
    /// Canvas width.
    pub width: u16,
    /// Canvas height.
    pub height: u16,
    /// Pen-down strokes as (x, y) points.
    pub strokes: Vec<Vec<(u16, u16)>>,
}

/// A receipt as decoded (UNVERIFIED unless inside a [`VerifiedView`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ReceiptView {
    /// Receipt digest.
    pub digest: Digest,
    /// The signed content.
    pub tbs: TbsView,
    /// The 65-byte r‖s‖v signature, hex.
    pub signature: String,
    /// An unsigned record (signer outage).
    pub unsigned: bool,
    /// The captured signature, when its attachment is present.
    pub signature_strokes: Option<StrokesView>,
}

/// A certificate of a verified path.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CertificateView {
    /// `terminal`, `intermediate` or `root`.
    pub role: &'static str,
    /// Subject (RFC 4514).
    pub subject: String,
    /// Issuer (RFC 4514).
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity start, Unix seconds.
    pub not_before: u64,
    /// Validity end, Unix seconds.
    pub not_after: u64,
    /// SHA-256 of the certificate's DER.
    pub sha256: Digest,
}

/// A warning of a valid receipt.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct WarningView {
    /// Stable code.
    pub code: &'static str,
    /// Depth of the certificate concerned.
    pub depth: u8,
    /// Revocation time, Unix seconds (`revoked_after_signing`).
    pub revoked_at: Option<u64>,
    /// Plain words.
    pub message: String,
}

/// A verified receipt.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct VerifiedView {
    /// The receipt.
    pub receipt: ReceiptView,
    /// Warnings (empty when plainly valid).
    pub warnings: Vec<WarningView>,
    /// The certificate path, terminal first.
    pub path: Vec<CertificateView>,
}

/// The outcome of verifying one input: `outcome` is `valid`, `valid_with_warnings` or
/// `invalid` (or `included`, for an inclusion proof), then the verified receipt's fields
/// (`receipt`, `warnings`, `path`) or the `error`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeView {
    /// `valid`, `valid_with_warnings`, `invalid`; `included` for an inclusion proof.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["valid", "valid_with_warnings", "invalid", "included"]))
    )]
    pub outcome: &'static str,
    /// The verified receipt (every outcome but `invalid`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub verified: Option<VerifiedView>,
    /// Why not (`invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorView>,
}

impl From<&Result<VerifiedReceipt, Error>> for OutcomeView {
    fn from(result: &Result<VerifiedReceipt, Error>) -> Self {
        match result {
            Ok(v) => {
                let verified = VerifiedView::from(v);
                OutcomeView {
                    outcome: verified.outcome(),
                    verified: Some(verified),
                    error: None,
                }
            }
            Err(e) => OutcomeView {
                outcome: "invalid",
                verified: None,
                error: Some(ErrorView::from(e)),
            },
        }
    }
}

/// An error with its structured data.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    /// Stable code ([`Error::code`]).
    pub code: &'static str,
    /// The family ([`Error::kind`]'s code).
    pub kind: &'static str,
    /// Plain words.
    pub message: String,
    /// Structure (`malformed`, `trailing_data`).
    pub structure: Option<&'static str>,
    /// Byte or character offset.
    pub offset: Option<usize>,
    /// Field (`invalid_field`).
    pub field: Option<&'static str>,
    /// Limit (`limit_exceeded`).
    pub limit: Option<&'static str>,
    /// Size found (`limit_exceeded`).
    pub actual: Option<usize>,
    /// Certificate depth.
    pub depth: Option<u8>,
    /// Reason, problem, algorithm use, or settlement column, by code.
    pub reason: Option<&'static str>,
    /// Revocation time (`revoked`).
    pub revoked_at: Option<u64>,
    /// Key id, hex (`unknown_signer`).
    pub key_id: Option<KeyId>,
    /// Version (`unsupported_version`).
    pub version: Option<u64>,
    /// Index of the attachment or extension; expected recovery id; settlement line.
    pub index: Option<u64>,
}

impl ErrorView {
    /// A view with its code, family and message and no data yet (for error types built on possig's,
    /// such as reconciliation's, which fill in their own fields).
    pub fn new(code: &'static str, kind: crate::ErrorKind, message: String) -> Self {
        ErrorView {
            code,
            kind: kind.code(),
            message,
            ..ErrorView::default()
        }
    }
}

impl From<&Error> for ErrorView {
    fn from(e: &Error) -> Self {
        let mut v = ErrorView::new(e.code(), e.kind(), e.to_string());
        match *e {
            Error::Malformed { what, offset } | Error::TrailingData { what, offset } => {
                v.structure = Some(what.code());
                v.offset = Some(offset);
            }
            Error::UnsupportedVersion { version } => v.version = Some(version),
            Error::UnsupportedAlgorithm { what } => v.reason = Some(what.code()),
            Error::UnknownSigner { key_id } => v.key_id = Some(key_id),
            Error::ChainInvalid { depth, reason } => {
                v.depth = Some(depth);
                v.reason = Some(reason.code());
            }
            Error::CertificateExpired { depth } | Error::CertificateNotYetValid { depth } => {
                v.depth = Some(depth);
            }
            Error::Revoked { depth, revoked_at } => {
                v.depth = Some(depth);
                v.revoked_at = Some(revoked_at);
            }
            Error::WrongRecoveryId { expected, found } => {
                v.index = Some(u64::from(expected));
                v.actual = Some(usize::from(found));
            }
            Error::AttachmentDigestMismatch { index }
            | Error::UnknownCriticalExtension { index } => {
                v.index = Some(index as u64);
            }
            Error::InvalidField { field } => v.field = Some(field.code()),
            Error::LimitExceeded { limit, actual } => {
                v.limit = Some(limit.code());
                v.actual = Some(actual);
            }
            Error::InvalidText { problem, offset } => {
                v.reason = Some(problem.code());
                v.offset = Some(offset);
            }
            Error::QrUnreadable { problem } => v.reason = Some(problem.code()),
            _ => {}
        }
        v
    }
}

/// A 32-byte field of a decoded receipt (the format's rules have checked its length).
fn digest(bytes: &[u8]) -> Digest {
    Digest::try_from(bytes).unwrap_or_default()
}

fn tbs_view(t: &TbsReceipt) -> TbsView {
    let mut v = TbsView {
        version: t.version(),
        signer_key_id: KeyId::try_from(t.signer_key_id()).unwrap_or_default(),
        merchant_id: t.merchant_id().to_string(),
        terminal_id: t.terminal_id().to_string(),
        counter: t.counter(),
        previous: digest(t.previous()),
        issued_at: t.issued_at(),
        kind: t.kind().name(),
        payment: None,
        original: None,
        reprint_number: None,
        signature_image: None,
        first_counter: None,
        count: None,
        root: None,
        batch_number: None,
        totals: Vec::new(),
        extensions: t
            .extensions()
            .iter()
            .map(|e| (e.id().to_string(), e.critical(), hex::encode(e.value())))
            .collect(),
    };
    match t.body() {
        ReceiptBody::Payment(p) => {
            v.payment = Some(PaymentView {
                amount: p.amount(),
                currency: p.currency().to_string(),
                exponent: p.currency_exponent(),
                display: Amount {
                    minor: p.amount(),
                    currency: p.currency(),
                }
                .to_string(),
                scheme: p.card().scheme().to_string(),
                bin: p.card().bin().to_string(),
                last4: p.card().last4().to_string(),
                entry_mode: p.entry_mode().name(),
                authorization_code: p.authorization_code().map(str::to_string),
                rrn: p.rrn().to_string(),
                cardholder_verification: p.cardholder_verification().name(),
                original: p.original().map(digest),
                signature_image: p.signature_image().map(digest),
            });
        }
        ReceiptBody::Copy(c) => {
            v.original = Some(digest(c.original()));
            v.reprint_number = Some(c.reprint_number());
        }
        ReceiptBody::Resign(r) => {
            v.original = Some(digest(r.original()));
            v.signature_image = Some(digest(r.signature_image()));
        }
        ReceiptBody::Recovery(r) => {
            v.first_counter = Some(r.first_counter());
            v.count = Some(r.count());
            v.root = Some(digest(r.root()));
        }
        ReceiptBody::DayClose(d) => {
            v.batch_number = Some(d.batch_number());
            v.first_counter = Some(d.first_counter());
            v.count = Some(d.count());
            v.root = Some(digest(d.root()));
            v.totals = d
                .totals()
                .iter()
                .map(|t| TotalView {
                    kind: t.kind().name(),
                    currency: t.currency().to_string(),
                    count: t.count(),
                    amount: t.amount(),
                    display: Amount {
                        minor: t.amount(),
                        currency: t.currency(),
                    }
                    .to_string(),
                })
                .collect();
        }
    }
    v
}

impl From<&UnverifiedReceipt> for ReceiptView {
    fn from(r: &UnverifiedReceipt) -> Self {
        ReceiptView {
            digest: r.digest(),
            tbs: tbs_view(r.tbs()),
            signature: hex::encode(r.signature()),
            unsigned: r.is_unsigned(),
            signature_strokes: r.signature_strokes().map(|s| StrokesView {
                width: s.width(),
                height: s.height(),
                strokes: s.strokes().to_vec(),
            }),
        }
    }
}

fn cert_view(c: &CertificateInfo) -> CertificateView {
    CertificateView {
        role: c.role().name(),
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        serial: c.serial_hex().to_string(),
        not_before: c.not_before(),
        not_after: c.not_after(),
        sha256: c.sha256(),
    }
}

fn warning_view(w: &Warning) -> WarningView {
    let (depth, revoked_at) = match *w {
        Warning::CertificateExpiredNow { depth } | Warning::NoRevocationInfo { depth } => {
            (depth, None)
        }
        Warning::RevokedAfterSigning { depth, revoked_at } => (depth, Some(revoked_at)),
    };
    WarningView {
        code: w.code(),
        depth,
        revoked_at,
        message: w.to_string(),
    }
}

impl VerifiedView {
    /// `valid`, or `valid_with_warnings` when there are warnings.
    pub fn outcome(&self) -> &'static str {
        if self.warnings.is_empty() {
            crate::journal::Status::Valid.code()
        } else {
            crate::journal::Status::ValidWithWarnings.code()
        }
    }
}

impl From<&VerifiedReceipt> for VerifiedView {
    fn from(v: &VerifiedReceipt) -> Self {
        VerifiedView {
            receipt: ReceiptView::from(v.receipt()),
            warnings: v.warnings().iter().map(warning_view).collect(),
            path: v.path().iter().map(cert_view).collect(),
        }
    }
}

/// A whole journal verification as one value: every record outcome, every finding (with
/// whether it is informational), the summary and whether it is clean. The bindings return it;
/// it holds every outcome, so it is for journals that fit in memory (the streaming API is
/// [`crate::journal::verify_journal`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JournalView {
    /// Counts.
    pub summary: crate::journal::Summary,
    /// [`crate::journal::Summary::is_clean`].
    pub clean: bool,
    /// One outcome per record, in input order.
    pub records: Vec<crate::journal::RecordOutcome>,
    /// The chain findings, in order.
    pub findings: Vec<crate::journal::Finding>,
    /// Per finding: [`crate::journal::Finding::is_informational`].
    pub informational: Vec<bool>,
}

impl JournalView {
    /// Adds one event of the verification (use as its sink).
    pub fn push(&mut self, event: crate::journal::Event) {
        match event {
            crate::journal::Event::Record(r) => self.records.push(r),
            crate::journal::Event::Finding(f) => {
                self.informational.push(f.is_informational());
                self.findings.push(f);
            }
        }
    }

    /// Completes the view with the verification's summary.
    pub fn finish(mut self, summary: crate::journal::Summary) -> Self {
        self.clean = summary.is_clean();
        self.summary = summary;
        self
    }
}
