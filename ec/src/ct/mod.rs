//! Scalar multiplication in **constant time**: `k·G` from the constant base table, `k·Q`
//! for a key seen for the first time ([`mul`]), and `k·Q` from a key's own table
//! ([`KeyTable`]). Signing's `k·G` and single verification's `u1·G + u2·Q` use them; see the
//! crate's README for the exactness argument and what `ct-check` watches.
//!
//! Points are Jacobian (`x = X/Z²`, `y = Y/Z³`, identity `Z = 0`) over [`crate::field`], with
//! incomplete formulas (cheaper, and free of branches): doublings for `a = −3` (3M + 5S) and
//! Jacobian + affine additions (8M + 3S). An incomplete addition is wrong when its operands are
//! equal, opposite or the identity; the scalar recoding below makes that impossible except at
//! the last addition, which is computed both ways and selected.
//!
//! - `k` is replaced by `k' = k + n` or `k + 2n`, whichever is odd: the same point, and
//!   `n ≤ k' < 3n < 2²⁵⁸`.
//! - `k'` is written as `Σ dᵢ·16ⁱ` (`i = 0..=64`) with every digit odd: `dᵢ ∈ {±1, ±3, …, ±15}`
//!   for `i < 64` and `d₆₄ ∈ {1, 3}` (the regular recoding of Joye and Tunstall).
//! - [`mul`]: the accumulator starts at `d₆₄·Q` and, for `i = 63..0`, is multiplied by 16 and
//!   gets `dᵢ·Q` added. Before the addition of digit `i` it holds `a·Q` with
//!   `a = 16·((k' >> 4(i+1)) | 1)`, a multiple of 16 in `[16, 3n/16ⁱ + 16]`.
//! - For `i ≥ 1`, `16 ≤ a ≤ 3n/16 + 16 < n − 15`, so `a ≢ ±dᵢ (mod n)` (`|dᵢ| ≤ 15`) and `a·Q`
//!   is neither the identity nor `±dᵢ·Q`: every formula is exact (P-256 has prime order, so no
//!   doubling meets a point with `y = 0` either).
//! - For `i = 0`, `a = k' − d₀` may be `≡ −d₀` (then `k ≡ 0` and the sum is the identity,
//!   which the formula gives as `Z = 0`) or `≡ d₀`, when `k ≡ 2d₀`. Of the candidates
//!   `±2, ±6, …, ±30`, only `k = n − 6` has that last digit (`d₀ = −3`): its last addition is
//!   a doubling, computed too and selected in constant time. An attacker reaches it at will in
//!   verification (`s = −r/6` gives `u2 = −6`), so it has its own tests.
//! - [`mul_by_generator`] and [`KeyTable::mul`] add the same digits from tables of
//!   `(2j + 1)·16ⁱ·P`, each at its own level, with no doublings. Before digit `i` is added the
//!   sum is `16ⁱ·a·P` with the `a` above, and `16ⁱ` is invertible modulo `n`: the same
//!   additions are exact, and the last one is selected.
//!
//! Constant time: the recoding is branch-free arithmetic on the scalar's limbs at public
//! positions, a table lookup reads all eight entries of its level and selects with `subtle`,
//! the sign is a conditional negation, and the field is constant-time. The tables depend on
//! public points only.

mod base_table;

use alloc::boxed::Box;
use alloc::vec::Vec;

use p256::Scalar;
use p256::elliptic_curve::PrimeField;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};

use crate::field::Fe;
use crate::point::Affine;
pub(crate) use base_table::BASE_TABLE;

/// The group order `n`, little-endian 64-bit limbs.
pub(crate) const ORDER: [u64; 4] = [
    0xF3B9_CAC2_FC63_2551,
    0xBCE6_FAAD_A717_9E84,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_0000_0000,
];

/// Odd multiples per level: `P, 3P, …, 15P` (digits up to ±15, windows of 4 bits).
pub(crate) const TABLE_LEN: usize = 8;

/// Digits below the top one: 64 windows of 4 bits cover bits 0..256 of `k'`.
const WINDOWS: usize = 64;

/// Levels of a table of multiples: one per digit `d₀ … d₆₄`.
pub(crate) const LEVELS: usize = WINDOWS + 1;

/// The odd multiples of `16ⁱ·P` for every digit position `i`.
pub(crate) type Levels = [[Affine; TABLE_LEN]; LEVELS];

/// A point `(X/Z², Y/Z³)`; `Z = 0` is the identity.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl ConditionallySelectable for Jacobian {
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Jacobian {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
            z: Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl Jacobian {
    /// The identity.
    pub const IDENTITY: Jacobian = Jacobian {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    /// `P` with `Z = 1`.
    pub fn from_affine(p: &Affine) -> Self {
        Jacobian {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
        }
    }

    /// Whether this is the identity.
    pub fn is_identity(&self) -> Choice {
        self.z.is_zero()
    }

    /// `2·P` for `a = −3` ("dbl-2001-b", 3M + 5S). Exact for every point of P-256 (no point
    /// has `y = 0`; the identity stays the identity).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn double(&self) -> Self {
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
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
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

    /// `P + Q` ("add-2007-bl", 11M + 5S), and whether `P = Q` (when the result is wrong).
    /// Exact when `P ≠ Q` and neither is the identity; `P = −Q` gives `Z = 0`.
    fn add_incomplete(&self, q: &Jacobian) -> (Self, Choice) {
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x * z2z2;
        let u2 = q.x * z1z1;
        let s1 = self.y * q.z * z2z2;
        let s2 = q.y * self.z * z1z1;
        let h = u2 - u1;
        let r = (s2 - s1).double();
        let i = h.double().square();
        let j = h * i;
        let v = u1 * i;
        let x = r.square() - j - v.double();
        let y = r * (v - x) - (s1 * j).double();
        let z = ((self.z + q.z).square() - z1z1 - z2z2) * h;
        (Jacobian { x, y, z }, h.is_zero() & r.is_zero())
    }

    /// `P + Q` for any two points, in constant time: the incomplete sum, with the doubling,
    /// `P` and `Q` selected for the cases it gets wrong (`P = Q`, `Q = O`, `P = O`).
    pub fn add(&self, q: &Jacobian) -> Self {
        let (sum, equal) = self.add_incomplete(q);
        let (p_zero, q_zero) = (self.is_identity(), q.is_identity());
        let out = Jacobian::conditional_select(&sum, &self.double(), equal);
        let out = Jacobian::conditional_select(&out, q, p_zero);
        Jacobian::conditional_select(&out, self, q_zero)
    }

    /// Whether this is the affine point `p` (`X = x·Z²`, `Y = y·Z³`; never for the identity),
    /// without an inversion.
    pub fn equals_affine(&self, p: &Affine) -> Choice {
        let z2 = self.z.square();
        let x = (p.x * z2).ct_eq(&self.x);
        let y = (p.y * z2 * self.z).ct_eq(&self.y);
        x & y & !self.is_identity()
    }

    /// The affine point, or none for the identity (one constant-time inversion).
    pub fn to_affine(&self) -> CtOption<Affine> {
        let z_inv = self.z.invert();
        let z_inv2 = z_inv.square();
        let p = Affine {
            x: self.x * z_inv2,
            y: self.y * z_inv2 * z_inv,
        };
        CtOption::new(p, !self.is_identity())
    }
}

/// `k' = k + n` or `k + 2n`, whichever is odd, as five little-endian limbs (constant time).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the low word of a wider sum, and 0/1 flags, by design"
)]
fn odd_representative(k: &Scalar) -> [u64; 5] {
    let repr = k.to_repr();
    let mut limbs = [0u64; 4];
    for (limb, bytes) in limbs.iter_mut().zip(repr.rchunks_exact(8)) {
        let mut be = [0u8; 8];
        be.copy_from_slice(bytes);
        *limb = u64::from_be_bytes(be);
    }
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
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
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
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the low word of a wider sum, and 0/1 flags, by design"
)]
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

/// `B, 3B, …, 15B` in Jacobian coordinates: `(2j + 1)·B = (2j − 1)·B + 2B`, exact since
/// `2j − 1 ≢ ±2 (mod n)`.
fn odd_jacobian(base: Jacobian) -> [Jacobian; TABLE_LEN] {
    let two = base.double();
    let mut next = base;
    core::array::from_fn(|_| {
        let this = next;
        next = next.add_incomplete(&two).0;
        this
    })
}

/// `Q, 3Q, …, 15Q` in affine coordinates.
fn odd_multiples(q: &Affine) -> [Affine; TABLE_LEN] {
    let mut out = [*q; TABLE_LEN];
    normalize(&odd_jacobian(Jacobian::from_affine(q)), &mut out);
    out
}

/// The affine form of points that are not the identity, with one inversion (Montgomery's
/// trick): `out[i] = points[i]`.
fn normalize(points: &[Jacobian], out: &mut [Affine]) {
    let mut prefix: Vec<Fe> = Vec::with_capacity(points.len());
    let mut acc = Fe::ONE;
    for p in points {
        prefix.push(acc);
        acc = acc * p.z;
    }
    let mut inv = acc.invert();
    for ((p, before), o) in points.iter().zip(&prefix).zip(out.iter_mut()).rev() {
        let z_inv = inv * *before;
        inv = inv * p.z;
        let z_inv2 = z_inv.square();
        *o = Affine {
            x: p.x * z_inv2,
            y: p.y * z_inv2 * z_inv,
        };
    }
}

/// `k·Q` in constant time in `k` (see the module documentation): a key's first use.
pub fn mul(q: &Affine, k: &Scalar) -> Jacobian {
    let table = odd_multiples(q);
    let k = odd_representative(k);
    let mut acc = Jacobian::from_affine(&select(&table, top_index(&k)));
    for i in (1..WINDOWS).rev() {
        acc = acc.double().double().double().double();
        acc = acc.add_affine(&digit_point(&table, window(&k, i))).0;
    }
    acc = acc.double().double().double().double();
    add_last(&acc, &digit_point(&table, window(&k, 0)))
}

/// `k·P` from `levels[i][j] = (2j + 1)·16ⁱ·P`: the digits of [`mul`], each added at its own
/// level, so no doubling.
fn mul_levels(levels: &Levels, k: &Scalar) -> Jacobian {
    let k = odd_representative(k);
    let [first, middle @ .., top] = levels;
    let mut acc = Jacobian::from_affine(&select(top, top_index(&k)));
    for (i, level) in middle.iter().enumerate().rev() {
        acc = acc.add_affine(&digit_point(level, window(&k, i + 1))).0;
    }
    add_last(&acc, &digit_point(first, window(&k, 0)))
}

/// `k·G` in constant time in `k`, from the constant base table of `(2j + 1)·16ⁱ·G`.
pub fn mul_by_generator(k: &Scalar) -> Jacobian {
    mul_levels(&BASE_TABLE, k)
}

/// The multiples `(2j + 1)·16ⁱ·Q` (`j < 8`, `i ≤ 64`) of one public key `Q`, in affine
/// coordinates (33 KiB): `k·Q` then costs 65 additions and no doubling, as `k·G` does.
pub struct KeyTable {
    levels: Box<Levels>,
}

impl KeyTable {
    /// Precomputes the multiples of `q` (its cost is about three multiplications without a
    /// table: 325 doublings, 455 additions and one inversion).
    pub fn new(q: &Affine) -> Self {
        let mut points: Vec<Jacobian> = Vec::with_capacity(LEVELS * TABLE_LEN);
        let mut base = Jacobian::from_affine(q);
        for _ in 0..LEVELS {
            points.extend(odd_jacobian(base));
            base = base.double().double().double().double();
        }
        let mut levels = Box::new([[Affine::default(); TABLE_LEN]; LEVELS]);
        normalize(&points, levels.as_flattened_mut());
        KeyTable { levels }
    }

    /// `k·Q` in constant time in `k`.
    pub fn mul(&self, k: &Scalar) -> Jacobian {
        mul_levels(&self.levels, k)
    }

    /// `levels[i][j] = (2j + 1)·16ⁱ·Q` (for tests and the base table's generator).
    pub fn entry(&self, i: usize, j: usize) -> Option<&Affine> {
        self.levels.get(i)?.get(j)
    }
}

impl core::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyTable")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use p256::elliptic_curve::group::Group;
    use p256::elliptic_curve::ops::Reduce;
    use p256::{AffinePoint, FieldBytes, NistP256, ProjectivePoint};
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

    fn affine(p: &Jacobian) -> AffinePoint {
        Option::<Affine>::from(p.to_affine())
            .map(|a| a.to_p256())
            .unwrap_or(AffinePoint::IDENTITY)
    }

    /// `k·Q` by the ladder and by a key table, and `k·G` by the base table, against p256.
    fn check(q: &AffinePoint, table: Option<&KeyTable>, k: &Scalar) {
        let ours = Affine::from_p256(q).unwrap();
        let want = (ProjectivePoint::from(*q) * k).to_affine();
        assert_eq!(affine(&mul(&ours, k)), want, "k·Q, k = {:?}", k.to_repr());
        if let Some(t) = table {
            assert_eq!(affine(&t.mul(k)), want, "table k·Q, k = {:?}", k.to_repr());
        }
        let want = ProjectivePoint::mul_by_generator(k).to_affine();
        assert_eq!(
            affine(&mul_by_generator(k)),
            want,
            "k·G, k = {:?}",
            k.to_repr()
        );
    }

    fn table_of(q: &AffinePoint) -> KeyTable {
        KeyTable::new(&Affine::from_p256(q).unwrap())
    }

    #[test]
    fn the_base_table_holds_the_odd_multiples_of_g() {
        let mut base = ProjectivePoint::GENERATOR;
        for level in BASE_TABLE.iter() {
            for (j, entry) in (0u64..).zip(level) {
                let want = (base * Scalar::from(2 * j + 1)).to_affine();
                assert_eq!(entry.to_p256(), want);
            }
            base = base.double().double().double().double();
        }
    }

    #[test]
    fn a_key_table_of_g_is_the_base_table() {
        let t = KeyTable::new(&Affine::GENERATOR);
        for (i, level) in BASE_TABLE.iter().enumerate() {
            for (j, entry) in level.iter().enumerate() {
                assert_eq!(t.entry(i, j), Some(entry), "level {i}, entry {j}");
            }
        }
        assert_eq!(t.entry(LEVELS, 0), None);
    }

    #[test]
    fn random_scalars_match_p256() {
        for seed in 0..48 {
            let q = key(seed);
            let table = (seed % 8 == 0).then(|| table_of(&q));
            check(&q, table.as_ref(), &seeded(seed, 1));
        }
    }

    #[test]
    fn the_one_scalar_whose_last_addition_is_a_doubling() {
        // k = n − 6: k' = k + 2n ends in digit −3, and 16·⌊k'/16⌉ ≡ −3 too.
        let k = -Scalar::from(6u64);
        let limbs = odd_representative(&k);
        assert_eq!(window(&limbs, 0), 13, "digit (13 | 1) − 16 = −3");
        for q in [
            key(5),
            AffinePoint::GENERATOR,
            (-ProjectivePoint::GENERATOR).to_affine(),
        ] {
            check(&q, Some(&table_of(&q)), &k);
        }
    }

    #[test]
    fn small_and_large_scalars_match_p256() {
        // Both ends of [0, n): the candidates k ≡ 2d₀ (±2, ±6, …, ±30) and k ≡ 0.
        let q = key(7);
        let table = table_of(&q);
        for v in 0..=64u64 {
            check(&q, Some(&table), &Scalar::from(v));
            check(&q, Some(&table), &-Scalar::from(v));
        }
    }

    #[test]
    fn scalars_around_the_recoding_bounds_match_p256() {
        let q = key(11);
        let table = table_of(&q);
        let half = Scalar::from(2u64).invert().unwrap();
        let mut pow = Scalar::ONE;
        for _ in 0..256 {
            for delta in [0u64, 1, 15, 16, 17] {
                check(&q, Some(&table), &(pow + Scalar::from(delta)));
                check(&q, Some(&table), &(pow - Scalar::from(delta)));
            }
            pow = pow.double();
        }
        for delta in 0..4u64 {
            check(&q, Some(&table), &(half + Scalar::from(delta)));
            check(&q, Some(&table), &(half - Scalar::from(delta)));
        }
        // Every window all ones, all zeros but one, and alternating.
        for byte in [0x00u8, 0x11, 0x55, 0x88, 0xaa, 0xef, 0xff] {
            let bytes = FieldBytes::from([byte; 32]);
            check(
                &q,
                Some(&table),
                &<Scalar as Reduce<FieldBytes>>::reduce(&bytes),
            );
        }
    }

    /// Keys that are small multiples of `G` and `±G` itself: `u1·G` and `u2·Q` then live in
    /// the same small subgroup of multiples, where a careless formula meets its special cases.
    #[test]
    fn small_multiples_of_g_as_keys() {
        for m in [1u64, 2, 3, 6, 15, 16, 17] {
            for sign in [Scalar::ONE, -Scalar::ONE] {
                let q = (ProjectivePoint::GENERATOR * (Scalar::from(m) * sign)).to_affine();
                let table = table_of(&q);
                for k in [
                    Scalar::ONE,
                    -Scalar::from(6u64),
                    Scalar::from(m),
                    seeded(m, 3),
                ] {
                    check(&q, Some(&table), &k);
                }
            }
        }
    }

    #[test]
    fn complete_addition_handles_every_case() {
        let p = Jacobian::from_affine(&Affine::from_p256(&key(1)).unwrap());
        let q = Jacobian::from_affine(&Affine::from_p256(&key(2)).unwrap());
        let sum = (ProjectivePoint::from(key(1)) + ProjectivePoint::from(key(2))).to_affine();
        assert_eq!(affine(&p.add(&q)), sum);
        assert_eq!(affine(&p.add(&p)), affine(&p.double()));
        assert_eq!(
            affine(&p.double().add(&p.double())),
            affine(&p.double().double())
        );
        let neg = Jacobian::from_affine(&Affine::from_p256(&key(1)).unwrap().neg());
        assert!(bool::from(p.add(&neg).is_identity()));
        assert_eq!(affine(&Jacobian::IDENTITY.add(&p)), key(1));
        assert_eq!(affine(&p.add(&Jacobian::IDENTITY)), key(1));
        assert!(bool::from(
            Jacobian::IDENTITY.add(&Jacobian::IDENTITY).is_identity()
        ));
        assert!(bool::from(Jacobian::IDENTITY.to_affine().is_none()));
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
            for k in [Scalar::from(v), -Scalar::from(v)] {
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
