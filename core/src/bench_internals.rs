//! Internals for `benches/` and `ct-check/` only (feature `bench-internals`; not a stable
//! API): the multi-scalar multiplication of batch verification, with a chosen window width, so
//! that the window can be tuned by measurement (criterion group `msm_window`); and the
//! single-receipt path's constant-time `u1·G + u2·Q`, so that `ct-check/` can watch it with
//! the scalars marked secret.

use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};

use crate::field::Affine;

/// The terms of one batch-shaped multi-scalar multiplication.
#[derive(Clone, Debug)]
pub struct MsmInput(Vec<(Affine, Scalar)>);

/// A scalar from a seed: SHA-256 of it, reduced; `half` keeps the low 128 bits only.
fn scalar(seed: u64, tag: u8, half: bool) -> Scalar {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update([tag]);
    let mut bytes: [u8; 32] = h.finalize().into();
    if half {
        bytes[..16].fill(0);
    }
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
}

impl MsmInput {
    /// What a batch of `n` signatures by `keys` keys gives the MSM: `n` points (the `R`s) with
    /// 128-bit weights, `keys` points with full-size scalars, and `G` with one. Points and
    /// scalars are derived from `seed`.
    pub fn batch_shaped(n: usize, keys: usize, seed: u64) -> Self {
        let point = |i: u64| {
            let p = (ProjectivePoint::GENERATOR * scalar(seed ^ i, 0, false)).to_affine();
            Affine::from_p256(&p)
        };
        let mut terms = Vec::with_capacity(n + keys + 1);
        for i in 0..n as u64 {
            terms.extend(point(i).map(|p| (p, scalar(seed ^ i, 1, true))));
        }
        for i in 0..keys as u64 {
            let j = u64::MAX - i;
            terms.extend(point(j).map(|p| (p, scalar(seed ^ j, 2, false))));
        }
        if let Some(g) = Affine::from_p256(&p256::AffinePoint::GENERATOR) {
            terms.push((g, scalar(seed, 3, false)));
        }
        MsmInput(terms)
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The window width batch verification uses for `n` terms.
pub fn default_window(n: usize) -> usize {
    crate::msm::window(n)
}

/// The MSM with window width `window` (clamped to 2–16 bits); whether the sum is the
/// identity (so that the result is used).
pub fn msm(input: &MsmInput, window: usize) -> bool {
    crate::msm::pippenger_with_window(&input.0, window).is_identity()
}

/// A key's precomputed table, built as the trust store builds it for a key seen before.
#[derive(Debug)]
pub struct KeyTable(crate::key_table::KeyTable);

impl KeyTable {
    /// The table of `q`'s multiples.
    pub fn new(q: &p256::AffinePoint) -> Self {
        KeyTable(crate::key_table::KeyTable::new(&ProjectivePoint::from(*q)))
    }
}

/// The single-receipt path's constant-time `u1·G + u2·Q`: with `table`, as for a key seen
/// before; without, in Jacobian coordinates with odd digits, as for a key's first receipt.
pub fn lincomb_ct(
    q: &p256::AffinePoint,
    table: Option<&KeyTable>,
    u1: &Scalar,
    u2: &Scalar,
) -> ProjectivePoint {
    crate::sig::lincomb_ct(q, table.map(|t| &t.0), u1, u2)
}
