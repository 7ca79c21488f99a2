//! Loading and storing P-256 keys (PKCS#8 / SPKI PEM). Secret keys are p256's `SigningKey`,
//! which zeroizes its scalar on drop.

use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{AlgorithmUse, Error, Structure};
use crate::prelude::*;

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

/// A new random signing key from `fill`, which must fill its buffer from a cryptographically
/// secure generator (the OS's, e.g. `getrandom::fill`). A candidate at or above the group order
/// (probability 2^-32) is drawn again; the raw secret is wiped on every path.
///
/// # Errors
/// Whatever `fill` returns.
pub fn generate_with<E>(
    mut fill: impl FnMut(&mut [u8; 32]) -> Result<(), E>,
) -> Result<SigningKey, E> {
    let mut secret = Zeroizing::new([0u8; 32]);
    loop {
        fill(&mut secret)?;
        if let Ok(k) = signing_key_from_bytes(&secret) {
            return Ok(k);
        }
    }
}
