//! Receipt verification: decoding ([`receipt::UnverifiedReceipt`]), the signature primitive ([`sig`]),
//! and single verification against a [`crate::TrustStore`] ([`receipt::VerifiedReceipt`]).

pub mod receipt;
pub mod sig;
