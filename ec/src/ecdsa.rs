//! ECDSA P-256 arithmetic: the verification equation (one signature at a time, constant
//! time), `R` recovery for batches, and signing with RFC 6979 nonces (constant time in the
//! secret key and nonce) followed by a check of its own output.
//!
//! Everything here takes the message as the scalar `z` (or, for signing, the SHA-256 digest
//! RFC 6979 needs); computing that digest from the exact signed bytes is the caller's job.

use p256::elliptic_curve::ops::{Invert, Reduce};
use p256::elliptic_curve::scalar::IsHigh;
use p256::elliptic_curve::{Curve, Field, PrimeField};
use p256::{AffinePoint, FieldBytes, NistP256, NonZeroScalar, Scalar, U256};
use sha2::Sha256;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};

use crate::ct::{self, KeyTable};
use crate::point::Affine;

/// A public key: a point of P-256 other than the identity.
///
/// With `Q = O`, `u1·G + u2·Q = u1·G`, and anyone can make a signature that satisfies the
/// equation on any message (for `z`, take `r = x(G) mod n` and `s = z`). The identity is
/// therefore not a key: it has no [`PublicKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(Affine);

impl PublicKey {
    /// The key of a p256 point; `None` for the identity.
    pub fn from_p256(p: &AffinePoint) -> Option<Self> {
        Affine::from_p256(p).map(PublicKey)
    }

    /// The key's point (never the identity).
    pub fn as_affine(&self) -> &Affine {
        &self.0
    }
}

/// The recovery id of `R`: bit 0 is the parity of `R.y`, bit 1 is set when `R.x ≥ n`.
fn recovery_id(big_r: &Affine) -> (Scalar, u8) {
    let x = FieldBytes::from(big_r.x_bytes());
    let r = <Scalar as Reduce<FieldBytes>>::reduce(&x);
    let overflow = Scalar::from_repr(x).is_none();
    let v = big_r.y_is_odd().unwrap_u8() | (overflow.unwrap_u8() << 1);
    (r, v)
}

/// `u1·G + u2·Q` in constant time, as an affine point (none for the identity): `u1·G` from the
/// base table, `u2·Q` from `table` (built for `key`) or else by [`ct::mul`], and one complete
/// addition.
pub fn lincomb(
    key: &PublicKey,
    table: Option<&KeyTable>,
    u1: &Scalar,
    u2: &Scalar,
) -> CtOption<Affine> {
    let u2_q = match table {
        Some(t) => t.mul(u2),
        None => ct::mul(key.as_affine(), u2),
    };
    ct::mul_by_generator(u1).add(&u2_q).to_affine()
}

/// The textbook equation `x(u1·G + u2·Q) mod n = r`, `u1 = z·s⁻¹`, `u2 = r·s⁻¹`, with `s⁻¹`
/// given: the recovery id of `R` when it holds, `None` when it does not. `r` and `s` must be
/// in `[1, n − 1]` (the caller's range check); `table`, when given, must be `key`'s: it only
/// changes the speed.
pub fn verify_with_inverse(
    key: &PublicKey,
    table: Option<&KeyTable>,
    z: &Scalar,
    r: &Scalar,
    s_inv: &Scalar,
) -> Option<u8> {
    let big_r = Option::<Affine>::from(lincomb(key, table, &(z * s_inv), &(r * s_inv)))?;
    let (x_mod_n, v) = recovery_id(&big_r);
    bool::from(x_mod_n.ct_eq(r)).then_some(v)
}

/// [`verify_with_inverse`], inverting `s` (in variable time: `s` is public).
pub fn verify(
    key: &PublicKey,
    table: Option<&KeyTable>,
    z: &Scalar,
    r: &Scalar,
    s: &Scalar,
) -> Option<u8> {
    let s_inv = Option::<Scalar>::from(s.invert_vartime())?;
    verify_with_inverse(key, table, z, r, &s_inv)
}

/// `R` from `r` (32 big-endian bytes) and its recovery id `v`, or `None` when there is no such
/// point (`v > 3`, `r + n ≥ p`, or no point with that x). Variable time: for public signatures
/// (batch verification).
pub fn recover_r(r: &[u8; 32], v: u8) -> Option<Affine> {
    if v > 3 {
        return None;
    }
    let mut x = *r;
    if v & 2 != 0 {
        // x = r + n, which must stay below p (checked by the field decoding).
        let mut carry = 0u16;
        for (b, n) in x.iter_mut().zip(N_BYTES).rev() {
            let t = u16::from(*b) + u16::from(n) + carry;
            *b = (t & 0xff) as u8;
            carry = t >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Affine::decompress_vartime(&x, v & 1 == 1)
}

/// n, big-endian.
const N_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// A low-S ECDSA signature with the recovery id of its `R`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `x(R) mod n`.
    pub r: Scalar,
    /// `k⁻¹·(z + r·d)`, or `n` minus it: at most `(n − 1)/2`.
    pub s: Scalar,
    /// The recovery id of `R` for this `s` (the parity flips with `s`).
    pub v: u8,
}

/// The signing equation for one nonce, in constant time in `d` and `k`: `R = k·G`,
/// `r = x(R) mod n`, `s = k⁻¹·(z + r·d)` made low-S; with `R`. None (public: the signature
/// is) when `r` or `s` is zero, for which the caller takes the next nonce.
fn sign_with_nonce(d: &Scalar, k: &NonZeroScalar, z: &Scalar) -> CtOption<(Signature, Affine)> {
    // `k·G` is never the identity (0 < k < n): the inversion has a non-zero input.
    let big_r = ct::mul_by_generator(k.as_ref()).to_affine();
    let big_r = big_r.unwrap_or(Affine::GENERATOR);
    let (r, v) = recovery_id(&big_r);
    let k_inv = k.invert();
    let s = *k_inv.as_ref() * (*z + r * d);
    let high = s.is_high();
    let s = Scalar::conditional_select(&s, &-s, high);
    let v = v ^ high.unwrap_u8();
    let ok = !(r.is_zero() | s.is_zero());
    CtOption::new((Signature { r, s, v }, big_r), ok)
}

/// Signs the SHA-256 `digest` of a message with the secret key `d`, with RFC 6979's
/// deterministic nonce exactly as p256's `SigningKey` derives it, so the signature is
/// byte-for-byte p256's (made low-S). Constant time in `d` and the nonce.
///
/// The output is checked before it is returned: with deterministic nonces, a fault in `k·G`,
/// in `s`, or in the use of `d` would otherwise publish a second signature with the nonce of a
/// correct one, which gives the key away. The check recomputes `R` from the output alone,
/// `((z + r·d)·s⁻¹)·G`, which is `k·G` exactly when `s` is consistent with `R`, `z` and `d`,
/// and compares it with `R` (projectively: no inversion). A fault in any of those steps makes
/// the two computations disagree unless the very same fault happens twice. `None` if the
/// check fails.
pub fn sign(d: &NonZeroScalar, digest: &[u8; 32]) -> Option<Signature> {
    let z = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*digest));
    let order: U256 = *NistP256::ORDER.as_ref();
    let d_bytes = d.to_repr();
    let mut nonces = rfc6979::KGenerator::<Sha256, U256>::new(&d_bytes, digest, &[], &order);
    let (signature, big_r) = loop {
        let mut k_bytes = FieldBytes::default();
        nonces.fill_next_k(&mut k_bytes);
        let Some(k) = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(k_bytes)) else {
            continue;
        };
        if let Some(found) =
            Option::<(Signature, Affine)>::from(sign_with_nonce(d.as_ref(), &k, &z))
        {
            break found;
        }
    };
    bool::from(consistent(d.as_ref(), &z, &signature, &big_r)).then_some(signature)
}

/// The check of [`sign`]: whether `((z + r·d)·s⁻¹)·G` is the `R` of the published signature
/// (`R` itself, or `−R` when `s` was negated to make it low, as the parity bit of `v` says).
fn consistent(d: &Scalar, z: &Scalar, signature: &Signature, big_r: &Affine) -> Choice {
    let s_inv = signature.s.invert().unwrap_or(Scalar::ZERO);
    let again = ct::mul_by_generator(&((*z + signature.r * d) * s_inv));
    let flipped = big_r.y_is_odd() ^ Choice::from(signature.v & 1);
    let expected = Affine::conditional_select(big_r, &big_r.neg(), flipped);
    again.equals_affine(&expected)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use p256::ProjectivePoint;
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::elliptic_curve::point::AffineCoordinates;
    use sha2::Digest;

    fn key_pair(seed: u8) -> (NonZeroScalar, PublicKey) {
        let d = NonZeroScalar::from_repr([seed; 32].into()).unwrap();
        let q = (ProjectivePoint::GENERATOR * *d).to_affine();
        (d, PublicKey::from_p256(&q).unwrap())
    }

    #[test]
    fn the_identity_is_not_a_key() {
        assert_eq!(PublicKey::from_p256(&AffinePoint::IDENTITY), None);
    }

    /// Signatures are p256's, byte for byte (after low-S), with the recovery id of `R`, and
    /// verify with and without the key's table.
    #[test]
    fn signatures_are_p256s_and_verify() {
        for seed in 1..=24u8 {
            let (d, key) = key_pair(seed);
            let table = KeyTable::new(key.as_affine());
            let sk = p256::ecdsa::SigningKey::from(d);
            let digest: [u8; 32] = Sha256::digest([seed; 3]).into();
            let ours = sign(&d, &digest).unwrap();
            let theirs: p256::ecdsa::Signature = sk.sign_prehash(&digest).unwrap();
            let theirs = theirs.normalize_s();
            let (r, s) = theirs.split_scalars();
            assert_eq!((ours.r, ours.s), (*r, *s), "seed {seed}");
            assert!(!bool::from(ours.s.is_high()));
            let z = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(digest));
            assert_eq!(verify(&key, None, &z, &ours.r, &ours.s), Some(ours.v));
            assert_eq!(
                verify(&key, Some(&table), &z, &ours.r, &ours.s),
                Some(ours.v)
            );
            // The recovery id recovers R, and R's x is r.
            let big_r = recover_r(&ours.r.to_repr().into(), ours.v).unwrap();
            let x = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(big_r.x_bytes()));
            assert_eq!(x, ours.r);
            // Another message, or the other parity of s, fails.
            assert_eq!(
                verify(&key, None, &(z + Scalar::ONE), &ours.r, &ours.s),
                None
            );
            assert_ne!(verify(&key, None, &z, &ours.r, &-ours.s), Some(ours.v));
            let (_, other) = key_pair(seed.wrapping_add(100));
            assert_eq!(verify(&other, None, &z, &ours.r, &ours.s), None);
        }
    }

    /// A signature whose `u2 = r/s` is `n − 6`: the one scalar for which the last addition of
    /// a key's first use is a doubling (`src/ct/mod.rs`). An attacker can send it at will
    /// (`s = −r/6`); here it is made valid, and must verify both ways, and fail once changed.
    #[test]
    fn a_signature_with_u2_minus_six_verifies_both_ways() {
        let x = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from([0x3c; 32]));
        let q = (ProjectivePoint::GENERATOR * x).to_affine();
        let key = PublicKey::from_p256(&q).unwrap();
        let six = Scalar::from(6u64);
        let (r, s, z, v) = (1u64..)
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
                Some((r, s, z, u8::from(bool::from(big_r.y_is_odd()))))
            })
            .unwrap();
        assert_eq!(r * s.invert().unwrap(), -six);
        let table = KeyTable::new(key.as_affine());
        assert_eq!(verify(&key, None, &z, &r, &s), Some(v));
        assert_eq!(verify(&key, Some(&table), &z, &r, &s), Some(v));
        let z = z + Scalar::ONE;
        assert_eq!(verify(&key, None, &z, &r, &s), None);
        assert_eq!(verify(&key, Some(&table), &z, &r, &s), None);
    }

    /// Keys `±G` and small multiples of `G`, with `u1` and `u2` that make `u1·G = ±u2·Q`:
    /// the final addition meets its doubling and its identity case.
    #[test]
    fn the_final_addition_meets_its_special_cases() {
        for m in [1u64, 2, 3, 6] {
            for sign_m in [Scalar::ONE, -Scalar::ONE] {
                let mq = Scalar::from(m) * sign_m;
                let q = (ProjectivePoint::GENERATOR * mq).to_affine();
                let key = PublicKey::from_p256(&q).unwrap();
                let table = KeyTable::new(key.as_affine());
                let u2 = Scalar::from(5u64);
                for u1 in [u2 * mq, -(u2 * mq), Scalar::ZERO, Scalar::ONE] {
                    let want = ProjectivePoint::GENERATOR * u1 + ProjectivePoint::from(q) * u2;
                    let want = Affine::from_p256(&want.to_affine());
                    for t in [None, Some(&table)] {
                        let got: Option<Affine> = lincomb(&key, t, &u1, &u2).into();
                        assert_eq!(got, want, "m = {m}, u1 = {u1:?}");
                    }
                }
            }
        }
    }

    /// The check of [`sign`] refuses a signature made with a faulty `k·G`, a faulty `s`, or a
    /// faulty use of `d`, and accepts the correct one (both parities of `s`).
    #[test]
    fn the_signing_check_catches_faults() {
        let (d, _) = key_pair(9);
        for seed in 0..8u64 {
            let z = Scalar::from(seed * 7919 + 1);
            let k = NonZeroScalar::new(Scalar::from(seed + 12345)).unwrap();
            let (sig, big_r) =
                Option::<(Signature, Affine)>::from(sign_with_nonce(&d, &k, &z)).unwrap();
            assert!(bool::from(consistent(&d, &z, &sig, &big_r)), "seed {seed}");
            // k·G faulted: R is another point, s made with it.
            let wrong_k = NonZeroScalar::new(*k + Scalar::ONE).unwrap();
            let (_, bad_r) =
                Option::<(Signature, Affine)>::from(sign_with_nonce(&d, &wrong_k, &z)).unwrap();
            let (r, v) = recovery_id(&bad_r);
            let s = *k.invert() * (z + r * *d);
            let (s, v) = if bool::from(s.is_high()) {
                (-s, v ^ 1)
            } else {
                (s, v)
            };
            let faulty = Signature { r, s, v };
            assert!(
                !bool::from(consistent(&d, &z, &faulty, &bad_r)),
                "k·G fault"
            );
            // s faulted, or d faulted while s was computed.
            let s_fault = Signature {
                s: sig.s + Scalar::ONE,
                ..sig
            };
            assert!(!bool::from(consistent(&d, &z, &s_fault, &big_r)), "s fault");
            let d_fault = *d + Scalar::ONE;
            let (other, _) =
                Option::<(Signature, Affine)>::from(sign_with_nonce(&d_fault, &k, &z)).unwrap();
            assert!(!bool::from(consistent(&d, &z, &other, &big_r)), "d fault");
        }
    }

    #[test]
    fn r_plus_n_overflow_and_bad_ids_are_not_recovered() {
        assert!(recover_r(&[0xff; 32], 2).is_none());
        assert!(recover_r(&[0x01; 32], 4).is_none());
        let gx = Affine::GENERATOR.x_bytes();
        let g = recover_r(&gx, 0).or_else(|| recover_r(&gx, 1)).unwrap();
        assert_eq!(g.x_bytes(), gx);
    }
}
