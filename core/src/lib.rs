#![doc = include_str!("../../README.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "arbitrary")]
mod arbitrary;
pub mod builder;
pub mod error;
pub mod journal;
mod key_id_map;
mod key_table;
pub mod keys;
pub mod limits;
pub mod merkle;
pub mod oid;
#[cfg(feature = "qr")]
pub mod qr;
pub mod receipt;
pub mod reconcile;
mod rules;
pub mod sig;
mod signer;
pub mod simulate;
pub mod strokes;
pub mod terminal;
pub mod text;
pub mod trust;
#[cfg(feature = "serde")]
pub mod view;
pub mod wire;

pub use builder::{DayClose, Payment, ReceiptBuilder, ReceiptDraft, TotalSpec};
pub use error::{AlgorithmUse, ChainReason, Error, Field, Limit, Structure};
pub use oid::Oid;
pub use receipt::{UnverifiedReceipt, VerifiedReceipt, VerifyOptions};
pub use signer::{ExternalSigner, ReceiptSigner};
pub use strokes::Strokes;
pub use terminal::Terminal;
pub use trust::{CertificateInfo, Role, TrustStore, TrustStoreBuilder, Warning, key_id};
pub use wire::{
    Attachment, AttachmentType, Card, CardholderVerification, CopyBody, DayCloseBody, EntryMode,
    Extension, KeyRotation, PaymentBody, ReceiptBody, ReceiptKind, RecoveryBody, ResignBody,
    TbsReceipt, Total,
};

/// The format version this library reads and writes.
pub const VERSION: u64 = 1;

/// Whether a currency code is an active ISO 4217 currency with a minor unit, and its exponent.
pub fn currency_exponent(code: &str) -> Option<u8> {
    rules::currency_exponent(code)
}
