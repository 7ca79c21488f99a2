//! Signing: the builder of a receipt's content, the terminal's counter and hash chain, the
//! signer abstraction (a software key or an external one such as an HSM), and key files.

#[cfg(feature = "arbitrary")]
mod arbitrary;
pub(crate) mod builder;
pub mod keys;
pub(crate) mod signer;
pub(crate) mod terminal;
