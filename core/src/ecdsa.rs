//! The signature primitive: ECDSA P-256 over SHA-256 of the exact signed bytes, encoded `r‖s‖v`
//! for receipts, DER for the certificates and CRLs of the trust store.
//!
//! There is no prehash API: callers hand over the bytes, the digest is computed here. The
//! arithmetic is `possig-ec`'s: single verification and signing run in constant time there;
//! batches are checked by its batch equation (variable time, public data only). This module
//! adds possig's policy: exact length, ranges, low-S, `v`, and keys other than the identity.

use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::scalar::IsHigh;
use p256::elliptic_curve::{Field as _, PrimeField};
use p256::{AffinePoint, FieldBytes, Scalar};
use possig_ec::{KeyTable, PublicKey};
use sha2::{Digest, Sha256};

use crate::error::{Error, Field};
use crate::prelude::*;

/// Length of a possig signature: `r` (32) ‖ `s` (32) ‖ `v` (1).
pub const SIGNATURE_LEN: usize = 65;

/// A signature split into its parts, before any range check.
pub(crate) struct RawSignature {
    pub(crate) r: FieldBytes,
    pub(crate) s: FieldBytes,
    pub(crate) v: u8,
}

pub(crate) fn split(bytes: &[u8]) -> Result<RawSignature, Error> {
    let len_err = || Error::field(Field::SignatureLength);
    let sig: &[u8; SIGNATURE_LEN] = bytes.try_into().map_err(|_| len_err())?;
    let (r, rest) = sig.split_first_chunk::<32>().ok_or_else(len_err)?;
    let (s, v) = rest.split_first_chunk::<32>().ok_or_else(len_err)?;
    let v = *v.first().ok_or_else(len_err)?;
    Ok(RawSignature {
        r: FieldBytes::from(*r),
        s: FieldBytes::from(*s),
        v,
    })
}

fn scalar_in_range(bytes: &FieldBytes) -> Result<Scalar, Error> {
    let k: Option<Scalar> = Scalar::from_repr(*bytes).into();
    match k {
        Some(k) if !bool::from(k.is_zero()) => Ok(k),
        _ => Err(Error::BadSignature),
    }
}

/// A SHA-256 digest reduced into a scalar (the `z` of ECDSA).
fn digest_scalar(digest: &[u8; 32]) -> Scalar {
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*digest))
}

/// The key of a point; the identity is refused (with it, anyone could sign anything).
pub(crate) fn public_key(q: &AffinePoint) -> Result<PublicKey, Error> {
    PublicKey::from_p256(q).ok_or(Error::InvalidPublicKey)
}

/// Plain ECDSA verification (high-S accepted) that also returns the recovery id of `R`:
/// bit 0 is the parity of `R.y`, bit 1 is set when `R.x ≥ n`.
///
/// This is the textbook check `x(u1·G + u2·Q) mod n == r`; possig's policy (low-S, `v`) is
/// layered on top by [`verify`].
///
/// # Errors
/// [`Error::InvalidPublicKey`] if `q` is the identity; [`Error::BadSignature`] if `r` or `s`
/// is out of `[1, n-1]` or the equation does not hold.
pub fn ecdsa_verify_plain(
    q: &AffinePoint,
    msg: &[u8],
    r: &FieldBytes,
    s: &FieldBytes,
) -> Result<u8, Error> {
    let key = public_key(q)?;
    let r = scalar_in_range(r)?;
    let s = scalar_in_range(s)?;
    let z = digest_scalar(&Sha256::digest(msg).into());
    possig_ec::ecdsa::verify(&key, None, &z, &r, &s).ok_or(Error::BadSignature)
}

/// A signature that passed every check that needs no curve arithmetic (length, ranges, low-S),
/// with its message hashed: what remains is the equation and `v`, done one at a time by
/// [`Prechecked::finish`] or many at a time by `possig_ec::batch`.
#[derive(Clone, Debug)]
pub(crate) struct Prechecked {
    // Read by batches (`std`), which recover `R` from it.
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) r_bytes: [u8; 32],
    pub(crate) r: Scalar,
    pub(crate) s: Scalar,
    pub(crate) v: u8,
    pub(crate) z: Scalar,
}

impl Prechecked {
    /// Checks length, ranges and low-S (in [`verify`]'s order) and hashes `msg`.
    pub(crate) fn new(msg: &[u8], signature: &[u8]) -> Result<Self, Error> {
        Self::with_digest(&Sha256::digest(msg).into(), signature)
    }

    /// [`Prechecked::new`] with the message's SHA-256 computed by the caller.
    pub(crate) fn with_digest(digest: &[u8; 32], signature: &[u8]) -> Result<Self, Error> {
        let sig = split(signature)?;
        let s = scalar_in_range(&sig.s)?;
        let r = scalar_in_range(&sig.r)?;
        if bool::from(s.is_high()) {
            return Err(Error::HighS);
        }
        Ok(Prechecked {
            r_bytes: sig.r.into(),
            r,
            s,
            v: sig.v,
            z: digest_scalar(digest),
        })
    }

    /// `R` from `r` and `v`, for the batch equation (`None` when there is no such point:
    /// single verification then names the error).
    #[cfg(feature = "std")]
    pub(crate) fn recover_r(&self) -> Option<possig_ec::Affine> {
        possig_ec::ecdsa::recover_r(&self.r_bytes, self.v)
    }

    /// The equation (constant-time point arithmetic) and the recovery id, one signature at a
    /// time; `table` (precomputed multiples of `key`) only changes the speed, never the
    /// verdict; `s_inv`, when the batch has computed it, saves an inversion.
    pub(crate) fn finish(
        &self,
        key: &PublicKey,
        table: Option<&KeyTable>,
        s_inv: Option<&Scalar>,
    ) -> Result<(), Error> {
        let expected = match s_inv {
            Some(s_inv) => {
                possig_ec::ecdsa::verify_with_inverse(key, table, &self.z, &self.r, s_inv)
            }
            None => possig_ec::ecdsa::verify(key, table, &self.z, &self.r, &self.s),
        }
        .ok_or(Error::BadSignature)?;
        if expected != self.v {
            return Err(Error::WrongRecoveryId {
                expected,
                found: self.v,
            });
        }
        Ok(())
    }

    /// The batch item of this signature under `key` (whose id is `key_id`).
    #[cfg(feature = "std")]
    pub(crate) fn batch_item<'a>(
        &self,
        key_id: [u8; 32],
        key: &'a PublicKey,
    ) -> possig_ec::batch::Item<'a> {
        possig_ec::batch::Item {
            key_id,
            key,
            z: self.z,
            r: self.r,
            s: self.s,
        }
    }
}

/// Verifies a possig signature (`r‖s‖v`, 65 bytes) over `msg` under public key `q`.
///
/// # Errors
/// [`Error::InvalidField`] (`SignatureLength`) if not 65 bytes; [`Error::BadSignature`] if `r`
/// or `s` is out of range or the signature does not verify; [`Error::HighS`] if `s > n/2`;
/// [`Error::WrongRecoveryId`] if `v` does not describe `R`; [`Error::InvalidPublicKey`] (before
/// any of these) if `q` is the identity.
pub fn verify(q: &AffinePoint, msg: &[u8], signature: &[u8]) -> Result<(), Error> {
    let key = public_key(q)?;
    Prechecked::new(msg, signature)?.finish(&key, None, None)
}

/// The `r‖s‖v` encoding of a signature.
fn encode(r: &Scalar, s: &Scalar, v: u8) -> [u8; SIGNATURE_LEN] {
    let mut out = [0u8; SIGNATURE_LEN];
    out[..32].copy_from_slice(&r.to_repr());
    out[32..64].copy_from_slice(&s.to_repr());
    out[64] = v;
    out
}

/// Signs `msg` with a software key: possig-ec's constant-time signing (RFC 6979 nonces, the
/// same signature p256 makes, made low-S) and its check of the output.
pub(crate) fn sign(
    key: &p256::ecdsa::SigningKey,
    msg: &[u8],
) -> Result<[u8; SIGNATURE_LEN], Error> {
    let digest: [u8; 32] = Sha256::digest(msg).into();
    let sig =
        possig_ec::ecdsa::sign(key.as_nonzero_scalar(), &digest).ok_or(Error::SignerFailed)?;
    Ok(encode(&sig.r, &sig.s, sig.v))
}

/// Turns any signer's ECDSA signature into the canonical `r‖s‖v` form: low-S, and `v` computed
/// from `R` (recomputed from public values, so an HSM need not report it). Fails if the signer's
/// output does not verify under `q` (a faulty signer or a fault attack).
pub(crate) fn canonicalize(
    q: &AffinePoint,
    msg: &[u8],
    sig: &p256::ecdsa::Signature,
) -> Result<[u8; SIGNATURE_LEN], Error> {
    let key = public_key(q).map_err(|_| Error::SignerFailed)?;
    let low = sig.normalize_s();
    let (r, s) = low.split_scalars();
    let z = digest_scalar(&Sha256::digest(msg).into());
    let v = possig_ec::ecdsa::verify(&key, None, &z, &r, &s).ok_or(Error::SignerFailed)?;
    Ok(encode(&r, &s, v))
}

/// Whether `signature_der` (an X.509 `ECDSA-Sig-Value`, as certificates and CRLs carry it) is
/// `key`'s ecdsa-with-SHA256 signature of `msg`. RFC 5280 has no low-S rule, so either half of
/// `s` is accepted here (receipt signatures go through [`verify`]); decoding the DER has
/// already put `r` and `s` in `[1, n − 1]`.
#[cfg(feature = "std")]
pub(crate) fn verify_der(msg: &[u8], signature_der: &[u8], key: &PublicKey) -> bool {
    let Ok(sig) = p256::ecdsa::Signature::from_der(signature_der) else {
        return false;
    };
    let z = digest_scalar(&Sha256::digest(msg).into());
    possig_ec::ecdsa::verify(key, None, &z, &sig.r(), &sig.s()).is_some()
}

/// The DER `ECDSA-Sig-Value` of a possig signature (drops `v`), for third-party tools.
///
/// # Errors
/// [`Error::InvalidField`] (`SignatureLength`) if not 65 bytes; [`Error::BadSignature`] if `r`
/// or `s` is out of range.
pub fn to_der_signature(signature: &[u8]) -> Result<Vec<u8>, Error> {
    let sig = split(signature)?;
    let sig =
        p256::ecdsa::Signature::from_scalars(sig.r, sig.s).map_err(|_| Error::BadSignature)?;
    Ok(sig.to_der().as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::point::AffineCoordinates;

    /// The identity is refused as a key: with `Q = O`, `r = x(G)` and `s = z` satisfy the
    /// equation on any message (here `possig`), which both entry points used to accept.
    #[test]
    fn the_identity_is_not_a_key() {
        let msg = b"possig";
        let z = digest_scalar(&Sha256::digest(msg).into());
        let r = <Scalar as Reduce<FieldBytes>>::reduce(&AffinePoint::GENERATOR.x());
        // u1·G + u2·O = (z/s)·G = G when s = z: x(G) mod n = r holds.
        let s = z;
        let (r_bytes, s_bytes) = (FieldBytes::from(r.to_repr()), FieldBytes::from(s.to_repr()));
        let q = AffinePoint::IDENTITY;
        assert_eq!(
            ecdsa_verify_plain(&q, msg, &r_bytes, &s_bytes),
            Err(Error::InvalidPublicKey)
        );
        for v in 0..4 {
            assert_eq!(
                verify(&q, msg, &encode(&r, &s, v)),
                Err(Error::InvalidPublicKey)
            );
        }
    }
}
