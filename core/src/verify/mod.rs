//! Receipt verification: decoding ([`crate::UnverifiedReceipt`]) and single verification
//! against a [`crate::TrustStore`] ([`crate::VerifiedReceipt`]); the signature primitive is
//! [`crate::ecdsa`], below the trust store.

#[cfg(feature = "std")]
pub(crate) mod batch;
pub(crate) mod receipt;
