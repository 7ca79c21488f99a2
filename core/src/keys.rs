//! Loading and storing P-256 keys (PKCS#8 / SPKI PEM). Secret keys are p256's `SigningKey`,
//! which zeroizes its scalar on drop.

use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{AlgorithmUse, Error, Structure};

pub use p256::ecdsa::{SigningKey, VerifyingKey};

/// Parses a PKCS#8 PEM P-256 private key (`-----BEGIN PRIVATE KEY-----`).
///
/// # Errors
/// [`Error::Malformed`] (`PrivateKey`) for bad PEM/DER; [`Error::UnsupportedAlgorithm`] for a
/// key that is not EC P-256.
pub fn signing_key_from_pkcs8_pem(pem: &str) -> Result<SigningKey, Error> {
    SigningKey::from_pkcs8_pem(pem).map_err(|e| match e {
        p256::pkcs8::Error::KeyMalformed(_) | p256::pkcs8::Error::Asn1(_) => Error::Malformed {
            what: Structure::PrivateKey,
            offset: 0,
        },
        _ => Error::UnsupportedAlgorithm {
            what: AlgorithmUse::PrivateKey,
        },
    })
}

/// Encodes a private key as PKCS#8 PEM; the returned string is zeroized on drop.
///
/// # Errors
/// [`Error::Malformed`] (`PrivateKey`) if encoding fails.
pub fn signing_key_to_pkcs8_pem(key: &SigningKey) -> Result<Zeroizing<String>, Error> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map_err(|_| Error::Malformed {
            what: Structure::PrivateKey,
            offset: 0,
        })
}

/// A signing key from 32 secret bytes (for fixed test keys and HSM-less simulators).
///
/// # Errors
/// [`Error::Malformed`] (`PrivateKey`) if the bytes are zero or not below the group order.
pub fn signing_key_from_bytes(secret: &[u8; 32]) -> Result<SigningKey, Error> {
    SigningKey::from_slice(secret).map_err(|_| Error::Malformed {
        what: Structure::PrivateKey,
        offset: 0,
    })
}
