//! The trust store: root, intermediate and terminal certificates plus CRLs, and path validation
//! at a receipt's signing time.
//!
//! Certificates and CRLs are parsed with `x509-cert`. Certificate and CRL signatures are
//! checked once, when the store is built (they do not depend on time); validity periods,
//! constraints and revocation are checked per receipt at its `issuedAt`, with CRL freshness
//! checked at the caller's `now`.

#[cfg(feature = "std")]
pub(crate) mod key_id_map;
#[cfg(feature = "std")]
pub(crate) mod key_table;
#[cfg(feature = "std")]
pub(crate) mod name;
#[cfg(feature = "std")]
mod store;

use sha2::{Digest as _, Sha256};

use crate::error::Error;
use crate::hash::{Digest, KeyId};
use crate::prelude::*;

#[cfg(feature = "std")]
pub(crate) use store::ValidatedPath;
#[cfg(feature = "std")]
pub use store::{TrustStore, TrustStoreBuilder};

/// What a certificate is trusted as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// A trust anchor.
    Root,
    /// A CA between the root and terminals.
    Intermediate,
    /// A terminal (end-entity) certificate holding a receipt-signing key.
    Terminal,
}

impl Role {
    /// Stable lowercase name.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// A certificate of a validated path, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    pub(crate) role: Role,
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) serial_hex: String,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
    pub(crate) sha256: [u8; 32],
}

impl CertificateInfo {
    /// Trust role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Subject distinguished name (RFC 4514).
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// Issuer distinguished name (RFC 4514).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// Serial number, lowercase hex.
    pub fn serial_hex(&self) -> &str {
        &self.serial_hex
    }
    /// Start of validity, Unix seconds.
    pub fn not_before(&self) -> u64 {
        self.not_before
    }
    /// End of validity, Unix seconds.
    pub fn not_after(&self) -> u64 {
        self.not_after
    }
    /// SHA-256 of the certificate DER.
    pub fn sha256(&self) -> Digest {
        Digest(self.sha256)
    }
}

/// A warning attached to a valid receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// A certificate of the path was valid at `issuedAt` but has expired by `now`.
    CertificateExpiredNow {
        /// Depth of the certificate (0 = terminal).
        depth: u8,
    },
    /// A certificate of the path was revoked after the receipt was issued.
    RevokedAfterSigning {
        /// Depth of the certificate (0 = terminal).
        depth: u8,
        /// Revocation time, Unix seconds.
        revoked_at: u64,
    },
    /// No CRL from this certificate's issuer is in the store: revocation was not checked.
    NoRevocationInfo {
        /// Depth of the certificate (0 = terminal).
        depth: u8,
    },
}

impl Warning {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

impl core::fmt::Display for Warning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Warning::CertificateExpiredNow { depth } => write!(
                f,
                "certificate at depth {depth} has expired since (it was valid when the receipt was issued)"
            ),
            Warning::RevokedAfterSigning { depth, revoked_at } => write!(
                f,
                "certificate at depth {depth} was revoked after the receipt was issued (at {})",
                crate::time::UnixTime(*revoked_at)
            ),
            Warning::NoRevocationInfo { depth } => {
                write!(
                    f,
                    "no CRL for the certificate at depth {depth}: revocation not checked"
                )
            }
        }
    }
}

/// What a [`TrustStore`] holds ([`TrustStore::counts`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrustCounts {
    /// Root certificates (trust anchors).
    pub roots: usize,
    /// Intermediate CA certificates.
    pub intermediates: usize,
    /// Terminal certificates.
    pub terminals: usize,
    /// CRLs.
    pub crls: usize,
}

/// The possig key id of a SubjectPublicKeyInfo: SHA-256 of its DER.
pub fn key_id_of_spki_der(spki_der: &[u8]) -> KeyId {
    KeyId(Sha256::digest(spki_der).into())
}

/// The key id of a P-256 verifying key (SHA-256 of its uncompressed SubjectPublicKeyInfo DER).
///
/// # Errors
/// [`Error::InvalidPublicKey`] if the key cannot be encoded (never for a valid key).
pub fn key_id(key: &p256::ecdsa::VerifyingKey) -> Result<KeyId, Error> {
    use spki::EncodePublicKey;
    let der = key
        .to_public_key_der()
        .map_err(|_| Error::InvalidPublicKey)?;
    Ok(key_id_of_spki_der(der.as_bytes()))
}
