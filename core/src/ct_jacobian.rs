//! The single-receipt path's `u1·G` and (on a key's first receipt) `u2·Q`, in constant time, in
//! Jacobian coordinates over p256's field.
//!
//! The single-receipt path computes `u1·G + u2·Q` in constant time. For a key seen before,
//! `u2·Q` comes from the key's table ([`crate::key_table`]); for a key's first receipt, p256's
//! fixed-window ladder costs 256 complete projective doublings and 64 complete additions, more
//! than a whole variable-time p256 `verify`. [`mul`] computes the same product with the same
//! field (p256's constant-time `FieldElement`) and cheaper, incomplete formulas: Jacobian
//! doublings for `a = −3` (3M + 5S) and Jacobian + affine additions (8M + 3S), over an affine
//! table of the odd multiples `Q, 3Q, …, 15Q`. [`mul_by_generator`] adds the same digits from
//! a constant table of `(2j + 1)·16ⁱ·G` ([`BASE_TABLE`]), with no doublings.
//!
//! Incomplete formulas are wrong when an addition's operands are equal, opposite, or the
//! identity. The scalar is recoded so that, whatever `k` is, this can only happen at the last
//! addition, which is then computed both ways and selected in constant time:
//!
//! - `k` is replaced by `k' = k + n` or `k + 2n`, whichever is odd: the same point, and
//!   `n ≤ k' < 3n < 2²⁵⁸`.
//! - `k'` is written as `Σ dᵢ·16ⁱ` (`i = 0..=64`) with every digit odd: `dᵢ ∈ {±1, ±3, …, ±15}`
//!   for `i < 64` and `d₆₄ ∈ {1, 3}` (the regular recoding of Joye and Tunstall). The
//!   accumulator starts at `d₆₄·Q` and, for `i = 63..0`, is multiplied by 16 and gets `dᵢ·Q`
//!   added. Before the addition of digit `i` it holds `a·Q` with `a = 16·((k' >> 4(i+1)) | 1)`,
//!   a multiple of 16 in `[16, 3n/16ⁱ + 16]`.
//! - For `i ≥ 1`, `16 ≤ a ≤ 3n/16 + 16 < n − 15`, so `a ≢ ±dᵢ (mod n)` (`|dᵢ| ≤ 15`) and `a·Q`
//!   is neither the identity nor `±dᵢ·Q`: every formula is exact (P-256 has prime order, so no
//!   doubling meets a point with `y = 0` either).
//! - For `i = 0`, `a = k' − d₀` may be `≡ −d₀` (then `k ≡ 0` and the sum is the identity,
//!   which the formula gives as `Z = 0`) or `≡ d₀`, when `k ≡ 2d₀`. Of the candidates
//!   `±2, ±6, …, ±30`, only `k = n − 6` has that last digit (`d₀ = −3`): its last addition is
//!   a doubling, computed too and selected in constant time. An attacker reaches it at will
//!   (`s = −r/6` gives `u2 = −6`), so it has its own test.
//!
//! Constant time: the recoding is branch-free arithmetic on the scalar's limbs at public
//! positions, the table lookup reads all eight entries and selects with `subtle`, the sign is a
//! conditional negation, and the field is p256's. `ct-check/` runs this path under valgrind
//! with `u1` and `u2` marked secret. The table depends on `Q` only (public): its inversion is
//! p256's variable-time one.

use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::hazmat::FieldArithmetic;
use p256::elliptic_curve::ops::BatchInvert;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::elliptic_curve::subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use p256::{AffinePoint, NistP256, ProjectivePoint, Scalar};

use crate::base_table::BASE_TABLE;

/// p256's base field element (constant-time Montgomery arithmetic).
pub(crate) type Fe = <NistP256 as FieldArithmetic>::FieldElement;

/// The group order `n`, little-endian 64-bit limbs.
const ORDER: [u64; 4] = [
    0xF3B9_CAC2_FC63_2551,
    0xBCE6_FAAD_A717_9E84,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_0000_0000,
];

/// Odd multiples in the table: `Q, 3Q, …, 15Q` (digits up to ±15, windows of 4 bits).
const TABLE_LEN: usize = 8;

/// Digits below the top one: 64 windows of 4 bits cover bits 0..256 of `k'`.
const WINDOWS: usize = 64;

/// A point `(X/Z², Y/Z³)`; `Z = 0` is the identity.
#[derive(Clone, Copy)]
struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

/// A point other than the identity, `(x, y)`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// The point `(x, y)`, unchecked (for the generated [`BASE_TABLE`]).
    pub(crate) const fn new(x: Fe, y: Fe) -> Self {
        Affine { x, y }
    }
}

impl ConditionallySelectable for Affine {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Affine {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
        }
    }
}

impl ConditionallySelectable for Jacobian {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Jacobian {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
            z: Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl Jacobian {
    fn from_affine(p: &Affine) -> Self {
        Jacobian {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
        }
    }

    /// `2·P` for `a = −3` ("dbl-2001-b", 3M + 5S). Exact for every point of P-256 (no point
    /// has `y = 0`; the identity stays the identity).
    fn double(&self) -> Self {
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta4 = (self.x * gamma).double().double();
        let t = (self.x - delta) * (self.x + delta);
        let alpha = t.double() + t;
        let x = alpha.square() - beta4.double();
        let z = (self.y + self.z).square() - gamma - delta;
        let y = alpha * (beta4 - x) - gamma.square().double().double().double();
        Jacobian { x, y, z }
    }

    /// `P + Q` for an affine `Q` (8M + 3S), and whether `P = Q` (when the result is wrong:
    /// all zero). Exact when `P ≠ Q` and `P` is not the identity; `P = −Q` gives `Z = 0`.
    fn add_affine(&self, q: &Affine) -> (Self, Choice) {
        let z1z1 = self.z.square();
        let u2 = q.x * z1z1;
        let s2 = q.y * z1z1 * self.z;
        let h = u2 - self.x;
        let r = s2 - self.y;
        let hh = h.square();
        let hhh = hh * h;
        let v = self.x * hh;
        let x = r.square() - hhh - v.double();
        let y = r * (v - x) - self.y * hhh;
        let z = self.z * h;
        (Jacobian { x, y, z }, h.is_zero() & r.is_zero())
    }
}

/// The coordinates of a point that is not the identity.
fn affine_of(p: &AffinePoint) -> Option<Affine> {
    let x = Option::<Fe>::from(Fe::from_repr(p.x()))?;
    let y = Option::<Fe>::from(Fe::from_repr(p.y()))?;
    (!bool::from(p.is_identity())).then_some(Affine { x, y })
}

/// `Q, 3Q, …, 15Q` in affine coordinates (variable time: `Q` is public).
fn odd_multiples(q: &Affine) -> [Affine; TABLE_LEN] {
    let two_q = Jacobian::from_affine(q).double();
    let z_inv = Option::<Fe>::from(two_q.z.invert_vartime()).unwrap_or(Fe::ZERO);
    let two_q = Affine {
        x: two_q.x * z_inv.square(),
        y: two_q.y * z_inv.square() * z_inv,
    };
    // (2j + 1)·Q for j ≥ 1: `(2j − 1)·Q + 2Q`, exact since 2j − 1 ≢ ±2 (mod n).
    let mut next = Jacobian::from_affine(q);
    let jac: [Jacobian; TABLE_LEN] = std::array::from_fn(|_| {
        let this = next;
        next = next.add_affine(&two_q).0;
        this
    });
    let mut z_invs = jac.map(|p| p.z);
    let mut scratch = [Fe::ZERO; TABLE_LEN];
    Fe::batch_invert_in_place_vartime(&mut z_invs, &mut scratch);
    let mut table = [*q; TABLE_LEN];
    for ((entry, p), z_inv) in table.iter_mut().zip(&jac).zip(&z_invs) {
        let z_inv2 = z_inv.square();
        *entry = Affine {
            x: p.x * z_inv2,
            y: p.y * z_inv2 * z_inv,
        };
    }
    table
}

/// `k' = k + n` or `k + 2n`, whichever is odd, as five little-endian limbs (constant time).
fn odd_representative(k: &Scalar) -> [u64; 5] {
    let repr = k.to_repr();
    let mut limbs = [0u64; 4];
    for (limb, bytes) in limbs.iter_mut().zip(repr.rchunks_exact(8)) {
        let mut be = [0u8; 8];
        be.copy_from_slice(bytes);
        *limb = u64::from_be_bytes(be);
    }
    // (msm.rs has the same byte-to-limb conversion; this constant-time module takes nothing
    // from the variable-time ones.)
    // n is odd: k + n is odd when k is even; otherwise k + 2n is. (A mask made by hand
    // became a branch in an optimised build; `subtle`'s select stays branch-free.)
    let twice = Choice::from((limbs[0] & 1) as u8);
    let mut out = [0u64; 5];
    let (mut carry, mut carry2) = (0u128, 0u128);
    for ((out, limb), order) in out.iter_mut().zip(limbs).zip(ORDER) {
        let sum = u128::from(limb) + u128::from(order) + carry;
        carry = sum >> 64;
        let again = u64::conditional_select(&0, &order, twice);
        let sum2 = (sum & u128::from(u64::MAX)) + u128::from(again) + carry2;
        carry2 = sum2 >> 64;
        *out = sum2 as u64;
    }
    out[4] = (carry + carry2) as u64;
    out
}

/// The 5 bits of `k'` from bit `4i` (`i < 64`; the position is public).
fn window(k: &[u64; 5], i: usize) -> u32 {
    let (limb, shift) = ((4 * i) / 64, (4 * i) % 64);
    let limb_at = |j: usize| u128::from(k.get(j).copied().unwrap_or(0));
    let wide = limb_at(limb) | (limb_at(limb + 1) << 64);
    ((wide >> shift) & 31) as u32
}

/// `table[index]` for a secret `index < 8`, reading every entry.
fn select(table: &[Affine; TABLE_LEN], index: u32) -> Affine {
    let mut out = Affine::default();
    for (j, entry) in (0u32..).zip(table) {
        out.conditional_assign(entry, j.ct_eq(&index));
    }
    out
}

/// The digit `dᵢ = (w | 1) − 16` of a window `w`, as `±table[index]`: for `w ≥ 16` the digit
/// is `2·index + 1` with `index = (w >> 1) − 8`; below, it is the negation of
/// `2·(7 − (w >> 1)) + 1`.
fn digit_point(table: &[Affine; TABLE_LEN], w: u32) -> Affine {
    let negative = (w >> 4) ^ 1;
    let index = ((w >> 1) & 7) ^ (negative * 7);
    let mut p = select(table, index);
    let neg_y = -p.y;
    p.y.conditional_assign(&neg_y, Choice::from(negative as u8));
    p
}

/// The table index of the top digit `d₆₄ = (k' >> 256) | 1 ∈ {1, 3}`: 0 or 1.
fn top_index(k: &[u64; 5]) -> u32 {
    ((k[4] >> 1) & 1) as u32
}

/// `acc + p`, where the addition may be the doubling `acc = p` (the last digit: see the module
/// documentation), selected in constant time.
fn add_last(acc: &Jacobian, p: &Affine) -> Jacobian {
    let (sum, equal) = acc.add_affine(p);
    Jacobian::conditional_select(&sum, &acc.double(), equal)
}

/// `k·Q` in constant time in `k` (see the module documentation); `Q` may be any point.
pub(crate) fn mul(q: &AffinePoint, k: &Scalar) -> ProjectivePoint {
    let Some(q) = affine_of(q) else {
        return ProjectivePoint::IDENTITY;
    };
    let table = odd_multiples(&q);
    let k = odd_representative(k);
    let mut acc = Jacobian::from_affine(&select(&table, top_index(&k)));
    for i in (1..WINDOWS).rev() {
        acc = acc.double().double().double().double();
        acc = acc.add_affine(&digit_point(&table, window(&k, i))).0;
    }
    acc = acc.double().double().double().double();
    to_projective(&add_last(&acc, &digit_point(&table, window(&k, 0))))
}

/// `k·G` in constant time in `k`, from the constant table [`BASE_TABLE`] of
/// `(2j + 1)·16ⁱ·G`: the same digits as [`mul`], each added at its own level, so no doubling.
/// Before digit `i` is added the sum is `16ⁱ·a·G` with the `a` of the module documentation,
/// and `16ⁱ` is invertible modulo `n`: the same additions are exact, the last one is
/// selected.
pub(crate) fn mul_by_generator(k: &Scalar) -> ProjectivePoint {
    let k = odd_representative(k);
    let [first, levels @ .., top] = &BASE_TABLE;
    let mut acc = Jacobian::from_affine(&select(top, top_index(&k)));
    for (i, level) in levels.iter().enumerate().rev() {
        acc = acc.add_affine(&digit_point(level, window(&k, i + 1))).0;
    }
    to_projective(&add_last(&acc, &digit_point(first, window(&k, 0))))
}

/// The same point as p256's type (one constant-time inversion).
fn to_projective(p: &Jacobian) -> ProjectivePoint {
    let identity = p.z.is_zero();
    // `CtOption::unwrap_or` selects; converting to `Option` would branch on the secret.
    let z_inv = p.z.invert().unwrap_or(Fe::ZERO);
    let z_inv2 = z_inv.square();
    let (x, y) = (p.x * z_inv2, p.y * z_inv2 * z_inv);
    // On the curve unless this module is wrong; the identity is then the safe answer
    // (verification fails), and the tests below compare every case with p256.
    let affine = AffinePoint::from_coordinates(&x.to_repr(), &y.to_repr());
    let point = ProjectivePoint::from(affine.unwrap_or(AffinePoint::IDENTITY));
    ProjectivePoint::conditional_select(&point, &ProjectivePoint::IDENTITY, identity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::ops::Reduce;
    use p256::{FieldBytes, elliptic_curve::group::Group};
    use sha2::{Digest, Sha256};

    fn seeded(seed: u64, tag: u8) -> Scalar {
        let mut h = Sha256::new();
        h.update(seed.to_le_bytes());
        h.update([tag]);
        let bytes: [u8; 32] = h.finalize().into();
        <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
    }

    fn key(seed: u64) -> AffinePoint {
        (ProjectivePoint::GENERATOR * seeded(seed, 0)).to_affine()
    }

    /// `k·Q` against p256's ladder and, for `G`, `k·G` from the table against p256 too.
    fn check(q: &AffinePoint, k: &Scalar) {
        let want = ProjectivePoint::from(*q) * k;
        assert_eq!(mul(q, k), want, "k = {:?}", k.to_repr());
        let want = ProjectivePoint::mul_by_generator(k);
        assert_eq!(mul_by_generator(k), want, "k·G, k = {:?}", k.to_repr());
    }

    #[test]
    fn the_base_table_holds_the_odd_multiples_of_g() {
        let mut base = ProjectivePoint::GENERATOR;
        for level in &BASE_TABLE {
            for (j, entry) in (0u64..).zip(level) {
                let want = affine_of(&(base * Scalar::from(2 * j + 1)).to_affine()).unwrap();
                assert!(bool::from(entry.x.ct_eq(&want.x) & entry.y.ct_eq(&want.y)));
            }
            base = base.double().double().double().double();
        }
    }

    fn small(v: u64) -> Scalar {
        Scalar::from(v)
    }

    #[test]
    fn random_scalars_match_p256() {
        for seed in 0..64 {
            check(&key(seed), &seeded(seed, 1));
        }
    }

    #[test]
    fn the_one_scalar_whose_last_addition_is_a_doubling() {
        // k = n − 6: k' = k + 2n ends in digit −3, and 16·⌊k'/16⌉ ≡ −3 too.
        let k = -small(6);
        let limbs = odd_representative(&k);
        assert_eq!(window(&limbs, 0), 13, "digit (13 | 1) − 16 = −3");
        check(&key(5), &k);
        check(&AffinePoint::GENERATOR, &k);
    }

    #[test]
    fn small_and_large_scalars_match_p256() {
        // Both ends of [0, n): the candidates k ≡ 2d₀ (±2, ±6, …, ±30) and k ≡ 0.
        let q = key(7);
        for v in 0..=64 {
            check(&q, &small(v));
            check(&q, &-small(v));
        }
    }

    #[test]
    fn scalars_around_the_recoding_bounds_match_p256() {
        let q = key(11);
        let half = Scalar::from(2u64).invert().unwrap();
        let mut pow = Scalar::ONE;
        for _ in 0..256 {
            for delta in [0u64, 1, 15, 16, 17] {
                check(&q, &(pow + small(delta)));
                check(&q, &(pow - small(delta)));
            }
            pow = pow.double();
        }
        for delta in 0..4 {
            check(&q, &(half + small(delta)));
            check(&q, &(half - small(delta)));
        }
        // Every window all ones, all zeros but one, and alternating.
        for byte in [0x00u8, 0x11, 0x55, 0x88, 0xaa, 0xef, 0xff] {
            let bytes = FieldBytes::from([byte; 32]);
            check(&q, &<Scalar as Reduce<FieldBytes>>::reduce(&bytes));
        }
    }

    #[test]
    fn the_identity_and_the_generator_as_keys() {
        assert_eq!(
            mul(&AffinePoint::IDENTITY, &seeded(1, 1)),
            ProjectivePoint::IDENTITY
        );
        check(&AffinePoint::GENERATOR, &seeded(2, 1));
        assert!(bool::from(mul(&key(3), &Scalar::ZERO).is_identity()));
    }

    #[test]
    fn the_order_is_p256s() {
        use p256::elliptic_curve::Curve;
        let mut be = [0u8; 32];
        for (chunk, limb) in be.rchunks_exact_mut(8).zip(ORDER) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        assert_eq!(be, NistP256::ORDER.get().to_be_bytes().as_slice());
    }

    #[test]
    fn odd_representative_is_odd_and_congruent() {
        for v in [0u64, 1, 2, 3, u64::MAX] {
            for k in [small(v), -small(v)] {
                let limbs = odd_representative(&k);
                assert_eq!(limbs[0] & 1, 1);
                assert!(limbs[4] <= 3);
                // k' mod n == k: reassemble k' − n or k' − 2n through the scalar field.
                let shift = Scalar::from(u64::MAX) + Scalar::ONE;
                let mut acc = Scalar::ZERO;
                for limb in limbs.iter().rev() {
                    acc = acc * shift + Scalar::from(*limb);
                }
                assert_eq!(acc, k);
            }
        }
    }
}
