//! **Hazmat.** The P-256 arithmetic behind possig: the field (on fiat-crypto's verified code),
//! points, constant-time scalar multiplication for signing and single verification, `R`
//! recovery, the multi-scalar multiplication and the batch equation of batch verification.
//!
//! This crate knows nothing of receipts. It is unpublished until audited; its README says,
//! file by file, what runs in constant time, what does not and why that is safe, and what
//! `ct-check` watches.
//!
//! | module | time | used for |
//! | --- | --- | --- |
//! | [`field`] | constant | everything |
//! | [`ct`], [`ecdsa`] (but [`ecdsa::recover_r`]) | constant | signing, single verification |
//! | [`vartime`], [`msm`], [`batch`], [`ecdsa::recover_r`] | variable | batch verification (public data) |
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
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

extern crate alloc;
#[cfg(all(feature = "std", not(test)))]
extern crate std;

#[cfg(feature = "std")]
pub mod batch;
pub mod ct;
pub mod ecdsa;
pub mod field;
pub mod msm;
pub mod point;
pub mod vartime;

pub use ct::KeyTable;
pub use ecdsa::{PublicKey, Signature};
pub use point::Affine;
