#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// Without `std`: format, building, signing, terminals, text form, pinned-key verification
// (`alloc` only). The X.509 trust store, journals, batches and views need `std`.
#![cfg_attr(not(feature = "std"), no_std)]
// Casts that can lose bits or a sign are refused here unless a function says why it is exact
// (test code excepted).
#![cfg_attr(
    not(test),
    warn(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )
)]

// Concern modules are private: the root re-exports what a user names (rustls-webpki style).
// Namespaces stay public where their items read best qualified (`journal::verify_many`,
// `printable::text::encode`, `limits::MAX_COUNTER`, `view::ReceiptView`).
extern crate alloc;

/// What `std`'s prelude gives every module, from `alloc` (so modules compile with and without
/// `std` alike).
mod prelude {
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub mod ecdsa;
mod error;
mod format;
mod hash;
#[cfg(feature = "std")]
pub mod journal;
pub mod limits;
pub mod printable;
mod sign;
mod time;
mod trust;
mod verify;
#[cfg(feature = "serde")]
pub mod view;

pub use error::{
    AlgorithmUse, ChainReason, Error, ErrorKind, Field, Limit, QrProblem, Structure, TextProblem,
};
pub use format::currency::{Amount, currency_exponent};
pub use format::merkle;
pub use format::oid::Oid;
pub use format::strokes::Strokes;
pub use format::wire::{
    Attachment, AttachmentType, Card, CardholderVerification, CopyBody, DayCloseBody, EntryMode,
    Extension, KeyRotation, PaymentBody, ReceiptBody, ReceiptKind, RecoveryBody, ResignBody,
    TbsReceipt, Total,
};
pub use hash::{Digest, KeyId};
pub use sign::builder::{DayClose, Payment, ReceiptBuilder, ReceiptDraft, TotalSpec};
pub use sign::keys;
pub use sign::signer::{ExternalSigner, ReceiptSigner};
pub use sign::terminal::{Terminal, TerminalState};
pub use time::UnixTime;
pub use trust::{CertificateInfo, Role, TrustCounts, Warning, key_id, key_id_of_spki_der};
#[cfg(feature = "std")]
pub use trust::{TrustStore, TrustStoreBuilder};
pub use verify::receipt::{UnverifiedReceipt, VerifiedReceipt, VerifyOptions};

/// The format version this library reads and writes.
pub const VERSION: u64 = 1;

/// The repository README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;
