//! Precomputed multiples of one terminal's public key, for the constant-time single-receipt
//! path, and the trust store's bounded cache of them.
//!
//! ECDSA verification computes `u1·G + u2·Q`. p256 multiplies by `G` from a precomputed table
//! (33 lookup tables of `[1..8]·16²ⁱ·G`, 66 additions and 4 doublings). Without a table, `u2·Q`
//! needs 256 doublings and 64 additions ([`crate::ct_jacobian`]), about two thirds of a
//! verification. A back office, a receipt upload endpoint or a viewer showing a terminal's day
//! verifies many receipts of the same key one at a time, so the same table is built for `Q`
//! and kept next to the certificate: `u2·Q` then costs what p256's `u1·G` costs.
//!
//! The table is built with, and used through, p256's own constant-time code: `LookupTable`
//! (a constant-time select over eight multiples and a conditional negation),
//! `Radix16Decomposition` (signed radix-16 digits) and complete projective additions. The
//! layout and the multiplication are those of p256's `BasepointTable::mul`, with `Q` for `G`.
//!
//! Building a table costs about two multiplications without it (375 µs against 185 µs on the
//! machine of `docs/BENCHMARKS.md`), so it is built on the second single-receipt
//! verification of a key, never on the first (a browser verifying one receipt pays nothing),
//! and at most [`MAX_KEY_TABLES`] are kept per trust store.

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use p256::elliptic_curve::group::Group;
use p256::{AffinePoint, NistP256, ProjectivePoint, Scalar};
use primeorder::{LookupTable, Radix16Decomposition, Radix16Digits};

use crate::limits::MAX_KEY_TABLES;

/// Single-receipt verifications of a key before its table is built: the second one builds it.
const BUILD_ON_USE: u32 = 2;

/// Lookup tables: one per byte of the scalar (32), plus one for the carry of the signed
/// radix-16 decomposition, as in p256's base-point table.
const LEVELS: usize = 33;

/// `LEVELS` lookup tables; table `i` holds `[1..8]·256ⁱ·Q`.
pub(crate) struct KeyTable {
    levels: Box<[LookupTable<ProjectivePoint>; LEVELS]>,
}

impl KeyTable {
    /// Precomputes the multiples of `q` (constant-time: complete additions and doublings).
    pub(crate) fn new(q: &ProjectivePoint) -> Self {
        let mut levels = Box::new([LookupTable::<ProjectivePoint>::default(); LEVELS]);
        let mut base = *q;
        for level in levels.iter_mut() {
            *level = LookupTable::new(base);
            // Tables are spaced by two radix-16 digits, halving their number.
            for _ in 0..8 {
                base = base.double();
            }
        }
        KeyTable { levels }
    }

    /// `k·Q` in constant time: 66 table selects and additions, then 4 doublings.
    pub(crate) fn mul(&self, k: &Scalar) -> ProjectivePoint {
        let digits = Radix16Decomposition::<Radix16Digits<NistP256>>::new(k);
        let [low @ .., top] = &*self.levels;
        // The most significant digit (index 64) goes with the last table.
        let mut even = top.select(digits[2 * (LEVELS - 1)]);
        let mut odd = ProjectivePoint::IDENTITY;
        for (i, level) in low.iter().enumerate().rev() {
            odd += &level.select(digits[2 * i + 1]);
            even += &level.select(digits[2 * i]);
        }
        // The odd digits were added at 16× too little weight.
        for _ in 0..4 {
            odd = odd.double();
        }
        even + odd
    }
}

impl fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyTable")
    }
}

/// One terminal certificate's use count and, once built, its key table.
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    uses: AtomicU32,
    table: OnceLock<KeyTable>,
}

/// The trust store's key tables: one [`KeyCache`] per certificate, and the number built.
#[derive(Debug, Default)]
pub(crate) struct KeyTables {
    caches: Vec<KeyCache>,
    built: AtomicUsize,
}

impl KeyTables {
    /// Caches for `n` certificates, none built.
    pub(crate) fn new(n: usize) -> Self {
        KeyTables {
            caches: (0..n).map(|_| KeyCache::default()).collect(),
            built: AtomicUsize::new(0),
        }
    }

    /// Number of tables built so far.
    pub(crate) fn built(&self) -> usize {
        self.built.load(Ordering::Relaxed)
    }

    /// The table of certificate `cert` (whose key is `q`) for one single-receipt verification:
    /// `None` on the key's first use, or when [`MAX_KEY_TABLES`] are built; built here on the
    /// second use.
    pub(crate) fn for_single_use(&self, cert: usize, q: &AffinePoint) -> Option<&KeyTable> {
        let cache = self.caches.get(cert)?;
        if let Some(table) = cache.table.get() {
            return Some(table);
        }
        // Count uses up to the threshold (the counter never wraps).
        let previous = cache
            .uses
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < BUILD_ON_USE).then_some(n + 1)
            })
            .unwrap_or(BUILD_ON_USE);
        if previous.saturating_add(1) < BUILD_ON_USE {
            return None;
        }
        // Reserve a slot; two threads racing on one key may both reserve one, which only
        // lowers the number of tables kept, never raises it above the limit.
        let reserved = self
            .built
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_KEY_TABLES).then_some(n + 1)
            });
        if reserved.is_err() {
            return None;
        }
        Some(
            cache
                .table
                .get_or_init(|| KeyTable::new(&ProjectivePoint::from(*q))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::PrimeField;

    fn point(seed: u64) -> ProjectivePoint {
        ProjectivePoint::GENERATOR * Scalar::from(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    #[test]
    fn table_mul_matches_the_ladder() {
        let q = point(7);
        let table = KeyTable::new(&q);
        let minus_one = -Scalar::ONE;
        let half = Scalar::from_repr(
            hex_literal::hex!("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8")
                .into(),
        );
        let mut fixed = vec![Scalar::ZERO, Scalar::ONE, Scalar::from(8u64), minus_one];
        fixed.extend(Option::<Scalar>::from(half));
        for k in fixed {
            assert_eq!(table.mul(&k), q * k);
        }
        let mut k = Scalar::from(0x0123_4567_89ab_cdefu64);
        for _ in 0..64 {
            k = k.square() + Scalar::from(3u64);
            assert_eq!(table.mul(&k), q * k);
        }
    }

    #[test]
    fn built_on_second_use_and_bounded() {
        let tables = KeyTables::new(3);
        let q = point(1);
        let qa = q.to_affine();
        assert!(tables.for_single_use(0, &qa).is_none());
        assert_eq!(tables.built(), 0);
        let first = tables
            .for_single_use(0, &qa)
            .map(|t| t.mul(&Scalar::from(5u64)));
        assert_eq!(first, Some(q * Scalar::from(5u64)));
        assert_eq!(tables.built(), 1);
        assert!(tables.for_single_use(0, &qa).is_some());
        assert_eq!(tables.built(), 1);
        assert!(
            tables.for_single_use(9, &qa).is_none(),
            "no such certificate"
        );
        tables.built.store(MAX_KEY_TABLES, Ordering::Relaxed);
        let other = point(2).to_affine();
        assert!(tables.for_single_use(1, &other).is_none());
        assert!(tables.for_single_use(1, &other).is_none(), "limit reached");
        assert!(tables.for_single_use(0, &qa).is_some(), "built tables stay");
        assert_eq!(tables.built(), MAX_KEY_TABLES);
    }
}
