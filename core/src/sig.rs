//! The signature primitive: ECDSA P-256 over SHA-256 of the exact signed bytes, encoded `r‖s‖v`.
//!
//! There is no prehash API: callers hand over the bytes, the digest is computed here.
//! Single verification is constant-time over p256's field (point operations of ours in
//! `ct_jacobian.rs`, and p256's for a key's table); every input is public. Bulk verification
//! batches the equation instead (variable time, public data only).

use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::elliptic_curve::scalar::IsHigh;
use p256::elliptic_curve::subtle::ConstantTimeEq;
use p256::elliptic_curve::{Field as _, PrimeField};
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};

use crate::error::{Error, Field};
use crate::key_table::KeyTable;

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

/// SHA-256 of `msg`, reduced into a scalar (the `z` of ECDSA).
fn message_scalar(msg: &[u8]) -> Scalar {
    digest_scalar(&Sha256::digest(msg).into())
}

/// A SHA-256 digest reduced into a scalar.
fn digest_scalar(digest: &[u8; 32]) -> Scalar {
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*digest))
}

/// The textbook equation `x(u1·G + u2·Q) mod n == r` with `s⁻¹` given; returns the recovery id
/// of `R` (see [`ecdsa_verify_plain`]). `table` holds precomputed multiples of `q`, when the
/// trust store has built them.
fn equation(
    q: &AffinePoint,
    table: Option<&KeyTable>,
    z: &Scalar,
    r: &Scalar,
    s_inv: &Scalar,
) -> Result<u8, Error> {
    let u1 = z * s_inv;
    let u2 = r * s_inv;
    recovery_id(lincomb_ct(q, table, &u1, &u2), r)
}

/// `u1·G + u2·Q` in constant time (checked under valgrind by `ct-check/`): u1·G from the
/// constant table of [`crate::ct_jacobian::mul_by_generator`] (0.45× the time of p256's
/// `mul_by_generator`); u2·Q from the key's table (p256's base-point table layout and code) or
/// else in Jacobian coordinates with odd digits over p256's field ([`crate::ct_jacobian::mul`]:
/// 0.71× the time of p256's fixed-window ladder, which was itself 15% faster than one
/// `lincomb` over both).
pub(crate) fn lincomb_ct(
    q: &AffinePoint,
    table: Option<&KeyTable>,
    u1: &Scalar,
    u2: &Scalar,
) -> ProjectivePoint {
    let u2_q = match table {
        Some(t) => t.mul(u2),
        None => crate::ct_jacobian::mul(q, u2),
    };
    crate::ct_jacobian::mul_by_generator(u1) + u2_q
}

/// [`equation`] in variable time, for a signature that is public already: the signer's output
/// checked and completed with `v` by [`canonicalize`].
fn equation_vartime(q: &AffinePoint, z: &Scalar, r: &Scalar, s_inv: &Scalar) -> Result<u8, Error> {
    use p256::elliptic_curve::ops::MulByGeneratorVartime;
    let (u1, u2) = (z * s_inv, r * s_inv);
    recovery_id(
        ProjectivePoint::mul_by_generator_and_mul_add_vartime(&u1, &u2, &ProjectivePoint::from(*q)),
        r,
    )
}

/// Whether `x(R) mod n == r`, and the recovery id of `R`.
fn recovery_id(big_r: ProjectivePoint, r: &Scalar) -> Result<u8, Error> {
    if bool::from(big_r.is_identity()) {
        return Err(Error::BadSignature);
    }
    let big_r = big_r.to_affine();
    let x = big_r.x();
    let x_mod_n = <Scalar as Reduce<FieldBytes>>::reduce(&x);
    if !bool::from(x_mod_n.ct_eq(r)) {
        return Err(Error::BadSignature);
    }
    let x_overflow = bool::from(Scalar::from_repr(x).is_none());
    Ok(u8::from(bool::from(big_r.y_is_odd())) | (u8::from(x_overflow) << 1))
}

/// Plain ECDSA verification (high-S accepted) that also returns the recovery id of `R`:
/// bit 0 is the parity of `R.y`, bit 1 is set when `R.x ≥ n`.
///
/// This is the textbook check `x(u1·G + u2·Q) mod n == r`; possig's policy (low-S, `v`) is
/// layered on top by [`verify`].
///
/// # Errors
/// [`Error::BadSignature`] if `r` or `s` is out of `[1, n-1]` or the equation does not hold.
pub fn ecdsa_verify_plain(
    q: &AffinePoint,
    msg: &[u8],
    r: &FieldBytes,
    s: &FieldBytes,
) -> Result<u8, Error> {
    let r = scalar_in_range(r)?;
    let s = scalar_in_range(s)?;
    let s_inv: Option<Scalar> = s.invert().into();
    equation(
        q,
        None,
        &message_scalar(msg),
        &r,
        &s_inv.ok_or(Error::BadSignature)?,
    )
}

/// A signature that passed every check that needs no curve arithmetic (length, ranges, low-S),
/// with its message hashed: what remains is the equation and `v`, done one at a time by
/// [`Prechecked::finish`] or many at a time by [`crate::batch`].
#[derive(Clone, Debug)]
pub(crate) struct Prechecked {
    pub(crate) r_bytes: FieldBytes,
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
            r_bytes: sig.r,
            r,
            s,
            v: sig.v,
            z: digest_scalar(digest),
        })
    }

    /// The equation (constant-time point arithmetic) and the recovery id, given `s⁻¹`.
    pub(crate) fn finish_with_inverse(&self, q: &AffinePoint, s_inv: &Scalar) -> Result<(), Error> {
        self.check(q, None, s_inv)
    }

    fn check(
        &self,
        q: &AffinePoint,
        table: Option<&KeyTable>,
        s_inv: &Scalar,
    ) -> Result<(), Error> {
        let expected = equation(q, table, &self.z, &self.r, s_inv)?;
        if expected != self.v {
            return Err(Error::WrongRecoveryId {
                expected,
                found: self.v,
            });
        }
        Ok(())
    }

    /// The equation and the recovery id, one signature at a time; `table` (precomputed
    /// multiples of `q`) only changes the speed, never the verdict.
    pub(crate) fn finish(&self, q: &AffinePoint, table: Option<&KeyTable>) -> Result<(), Error> {
        let s_inv: Option<Scalar> = self.s.invert().into();
        self.check(q, table, &s_inv.ok_or(Error::BadSignature)?)
    }
}

/// Verifies a possig signature (`r‖s‖v`, 65 bytes) over `msg` under public key `q`.
///
/// # Errors
/// [`Error::InvalidField`] (`SignatureLength`) if not 65 bytes; [`Error::BadSignature`] if `r`
/// or `s` is out of range or the signature does not verify; [`Error::HighS`] if `s > n/2`;
/// [`Error::WrongRecoveryId`] if `v` does not describe `R`.
pub fn verify(q: &AffinePoint, msg: &[u8], signature: &[u8]) -> Result<(), Error> {
    Prechecked::new(msg, signature)?.finish(q, None)
}

/// Turns any signer's ECDSA signature into the canonical `r‖s‖v` form: low-S, and `v` computed
/// from `R` (recomputed from public values, so an HSM need not report it). Fails if the signer's
/// output does not verify under `q` (a faulty signer or a fault attack). Everything here is
/// public (the signature is output), so the check runs in variable time.
pub(crate) fn canonicalize(
    q: &AffinePoint,
    msg: &[u8],
    sig: &p256::ecdsa::Signature,
) -> Result<[u8; SIGNATURE_LEN], Error> {
    let low = sig.normalize_s();
    let (r, s) = low.split_bytes();
    let failed = |_| Error::SignerFailed;
    let (r_k, s_k) = (
        scalar_in_range(&r).map_err(failed)?,
        scalar_in_range(&s).map_err(failed)?,
    );
    let s_inv = Option::<Scalar>::from(s_k.invert_vartime()).ok_or(Error::SignerFailed)?;
    let v = equation_vartime(q, &message_scalar(msg), &r_k, &s_inv).map_err(failed)?;
    let mut out = [0u8; SIGNATURE_LEN];
    out[..32].copy_from_slice(&r);
    out[32..64].copy_from_slice(&s);
    out[64] = v;
    Ok(out)
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
    use p256::elliptic_curve::ops::Reduce;

    /// A valid signature whose `u2 = r/s` is `n − 6`: the one scalar for which the last addition
    /// of a key's first receipt is a doubling (`core/src/ct_jacobian.rs`). An attacker can send
    /// it at will (`s = −r/6`); here the signer makes one that must verify, and must fail once
    /// changed.
    #[test]
    fn a_signature_with_u2_minus_six_verifies_both_ways() {
        let x = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from([0x3c; 32]));
        let q = (ProjectivePoint::GENERATOR * x).to_affine();
        let six = Scalar::from(6u64);
        let (signature, digest) = (1u64..)
            .find_map(|nonce| {
                let k = Scalar::from(nonce);
                let big_r = (ProjectivePoint::GENERATOR * k).to_affine();
                let r = <Scalar as Reduce<FieldBytes>>::reduce(&big_r.x());
                let s = -(r * six.invert().unwrap());
                if bool::from(s.is_high()) || Scalar::from_repr(big_r.x()).is_none().into() {
                    return None;
                }
                // u1 = z/s = k + 6x and u2 = r/s = −6, so u1·G + u2·Q = k·G = R.
                let z = s * (k + six * x);
                let mut sig = [0u8; SIGNATURE_LEN];
                sig[..32].copy_from_slice(&r.to_repr());
                sig[32..64].copy_from_slice(&s.to_repr());
                sig[64] = u8::from(bool::from(big_r.y_is_odd()));
                Some((sig, <[u8; 32]>::from(z.to_repr())))
            })
            .unwrap();
        let pre = Prechecked::with_digest(&digest, &signature).unwrap();
        assert_eq!(pre.r * pre.s.invert().unwrap(), -six);
        let table = KeyTable::new(&ProjectivePoint::from(q));
        assert_eq!(pre.finish(&q, None), Ok(()));
        assert_eq!(pre.finish(&q, Some(&table)), Ok(()));
        let mut other = digest;
        other[31] ^= 1;
        let pre = Prechecked::with_digest(&other, &signature).unwrap();
        assert_eq!(pre.finish(&q, None), Err(Error::BadSignature));
        assert_eq!(pre.finish(&q, Some(&table)), Err(Error::BadSignature));
    }
}
