//! Batch verification of ECDSA P-256 signatures that carry the recovery id of `R`.
//!
//! For signatures `(rᵢ, sᵢ, vᵢ)` over `zᵢ` under keys `Qᵢ`, each `Rᵢ` is recovered from `rᵢ` and
//! `vᵢ` ([`crate::ecdsa::recover_r`]), and the batch is accepted when
//!
//! ```text
//! Σ wᵢ·(u1ᵢ·G + u2ᵢ·Qᵢ − Rᵢ) = O,   u1ᵢ = zᵢ/sᵢ,  u2ᵢ = rᵢ/sᵢ
//! ```
//!
//! for independent 128-bit weights `wᵢ` that the signers cannot predict (from a secret seed,
//! expanded with SHA-256: [`Weights`]). The `G` terms collapse into one scalar, the `Q` terms
//! of signatures that share a key into one scalar per key, and the sum is one multi-scalar
//! multiplication ([`crate::msm`]). The `sᵢ` are inverted together (Montgomery's trick).
//!
//! **Verdicts are those of single verification.** Each signature on its own satisfies the
//! equation with the recovered `Rᵢ` exactly when single verification accepts it with that
//! recovery id (then `Rᵢ = u1ᵢ·G + u2ᵢ·Qᵢ`, whose `x mod n` is `rᵢ` and whose recovery id is
//! `vᵢ`). A batch that holds accepts every member except with probability at most 2⁻¹²⁸ per
//! attempt; a batch that fails is split in halves with fresh weights (bisection) down to single
//! verification, which the caller supplies as a closure and which also names the exact error.
//! A signature whose `R` cannot be recovered goes straight to single verification.
//!
//! **Variable time is fine here**: every input (keys, messages, signatures) is public, and the
//! weights only need to be unpredictable *before* the signatures are fixed.

use std::collections::HashMap;
use std::vec;
use std::vec::Vec;

use p256::elliptic_curve::Field as _;
use p256::elliptic_curve::PrimeField;
use p256::{FieldBytes, Scalar};
use sha2::{Digest, Sha256};

use crate::ecdsa::PublicKey;
use crate::point::Affine;

/// Below this many signatures a batch is not worth its fixed costs (the `G` and key terms,
/// the bucket sums, and a bisection that ends in single verification anyway): they are
/// verified one at a time. A cost-model choice, not a measured crossover.
pub const MIN_BATCH: usize = 4;

/// One signature to verify: the signer's key (and an id for it, to collapse the terms of one
/// key) and the signature's scalars, range-checked by the caller (`r`, `s` in `[1, n − 1]`).
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    /// Identifies the key: items with equal ids must have equal keys.
    pub key_id: [u8; 32],
    /// The signer's key.
    pub key: &'a PublicKey,
    /// The message scalar.
    pub z: Scalar,
    /// The signature's `r`.
    pub r: Scalar,
    /// The signature's `s`.
    pub s: Scalar,
}

/// The source of the weights: SHA-256 in counter mode over a secret 32-byte seed.
pub struct Weights {
    seed: [u8; 32],
    counter: u64,
    buffer: [u8; 32],
    used: usize,
}

/// Shows the position in the stream, never the seed.
impl core::fmt::Debug for Weights {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Weights")
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl Weights {
    /// Weights from `seed`, which must be unpredictable to whoever made the signatures.
    pub fn new(seed: [u8; 32]) -> Self {
        Weights {
            seed,
            counter: 0,
            buffer: [0; 32],
            used: 32,
        }
    }

    /// A fresh independent stream for a sub-batch (derived, so parallel halves need no lock).
    pub fn fork(&mut self) -> Weights {
        let mut h = Sha256::new();
        h.update(b"possig batch fork");
        h.update(self.seed);
        h.update(self.counter.to_be_bytes());
        self.counter = self.counter.wrapping_add(1);
        Weights::new(h.finalize().into())
    }

    /// The next non-zero 128-bit weight.
    fn next(&mut self) -> Scalar {
        loop {
            if self.used == 32 {
                let mut h = Sha256::new();
                h.update(b"possig batch weights");
                h.update(self.seed);
                h.update(self.counter.to_be_bytes());
                self.counter = self.counter.wrapping_add(1);
                self.buffer = h.finalize().into();
                self.used = 0;
            }
            let mut repr = FieldBytes::default();
            if let (Some(dst), Some(src)) = (
                repr.get_mut(16..),
                self.buffer.get(self.used..self.used + 16),
            ) {
                dst.copy_from_slice(src);
            }
            self.used += 16;
            let w: Option<Scalar> = Scalar::from_repr(repr).into();
            if let Some(w) = w
                && !bool::from(w.is_zero())
            {
                return w;
            }
        }
    }
}

/// Verifies `items`, returning for each what `single(i, _)` returns for item `i` (single
/// verification, given `s⁻¹` when the batch has computed it): the batch equation decides only
/// which items need it. `r[i]` is [`crate::ecdsa::recover_r`] of item `i`, or `None`.
pub fn verify<E>(
    items: &[Item<'_>],
    r: &[Option<Affine>],
    weights: &mut Weights,
    single: impl Fn(usize, Option<&Scalar>) -> Result<(), E>,
) -> Vec<Result<(), E>> {
    let (mut out, members) = members(items, r, &single);
    bisect(&members, weights, &mut out, &single);
    out
}

/// [`verify`] on every core of the rayon pool, with the same results. The items are split into
/// one part per core, each with weights of its own (forked from `weights`), and prepared on its
/// core; then one equation over every part's terms is checked by
/// [`crate::msm::pippenger_parallel`] (one multiplication over all the terms costs less than
/// one per part). Only if it fails is each part bisected, on its own core.
#[cfg(feature = "parallel")]
pub fn verify_parallel<E: Send>(
    items: &[Item<'_>],
    r: &[Option<Affine>],
    weights: &mut Weights,
    single: impl Fn(usize, Option<&Scalar>) -> Result<(), E> + Sync,
) -> Vec<Result<(), E>> {
    use rayon::prelude::*;
    let size = items
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_BATCH);
    if size >= items.len() {
        return verify(items, r, weights, single);
    }
    let mut forks: Vec<Weights> = items.chunks(size).map(|_| weights.fork()).collect();
    let parts: Vec<_> = items
        .par_chunks(size)
        .zip(r.par_chunks(size))
        .enumerate()
        .zip(forks.par_iter_mut())
        .map(|((part, (items, r)), w)| {
            let offset = part * size;
            let local = |i: usize, s_inv: Option<&Scalar>| single(offset + i, s_inv);
            let (out, members) = members(items, r, &local);
            let equation = terms(&members, w);
            (offset, out, members, equation)
        })
        .collect();
    let holds = parts_hold(parts.iter().map(|p| &p.3));
    parts
        .into_par_iter()
        .zip(forks.par_iter_mut())
        .flat_map_iter(|((offset, mut out, members, _), w)| {
            if !holds {
                let local = |i: usize, s_inv: Option<&Scalar>| single(offset + i, s_inv);
                bisect(&members, w, &mut out, &local);
            }
            out
        })
        .collect()
}

/// Whether the parts' equations hold together: one multiplication over every part's terms and
/// `G` with the sum of their `G` scalars.
#[cfg(feature = "parallel")]
fn parts_hold<'t>(parts: impl Iterator<Item = &'t Terms>) -> bool {
    let mut g = Scalar::ZERO;
    let mut slices: Vec<&[(Affine, Scalar)]> = Vec::new();
    for part in parts {
        g += part.g;
        slices.push(&part.terms);
    }
    let generator = [(Affine::GENERATOR, g)];
    slices.push(&generator);
    crate::msm::pippenger_parallel(&slices).is_identity()
}

/// Every item's result so far (`Ok` for those left to the batch), and the batch members: the
/// items whose `R` was recovered, with `s⁻¹`. The others are verified one at a time here.
fn members<'a, 'b, E>(
    items: &'b [Item<'a>],
    r: &[Option<Affine>],
    single: &impl Fn(usize, Option<&Scalar>) -> Result<(), E>,
) -> (Vec<Result<(), E>>, Vec<Member<'a, 'b>>) {
    let mut out: Vec<Result<(), E>> = Vec::with_capacity(items.len());
    let mut recovered: Vec<(usize, Affine)> = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        match r.get(i).copied().flatten() {
            Some(r) => {
                out.push(Ok(()));
                recovered.push((i, r));
            }
            None => out.push(single(i, None)),
        }
    }
    let inverses = batch_invert(items, &recovered);
    let members = recovered
        .iter()
        .zip(&inverses)
        .filter_map(|(&(i, r), s_inv)| {
            Some(Member {
                index: i,
                item: items.get(i)?,
                r,
                s_inv: *s_inv,
            })
        })
        .collect();
    (out, members)
}

/// A signature with its recovered `R` and `s⁻¹`.
struct Member<'a, 'b> {
    index: usize,
    item: &'b Item<'a>,
    r: Affine,
    s_inv: Scalar,
}

/// `s⁻¹` of every recovered item, with one inversion (Montgomery's trick).
fn batch_invert(items: &[Item<'_>], recovered: &[(usize, Affine)]) -> Vec<Scalar> {
    let s = |i: usize| items.get(i).map_or(Scalar::ONE, |it| it.s);
    let mut prefix = Vec::with_capacity(recovered.len());
    let mut acc = Scalar::ONE;
    for &(i, _) in recovered {
        prefix.push(acc);
        acc *= s(i);
    }
    // Every s is in [1, n−1] (the caller's range check), so the product is invertible.
    let mut inv = Option::<Scalar>::from(acc.invert_vartime()).unwrap_or(Scalar::ZERO);
    let mut out = vec![Scalar::ZERO; recovered.len()];
    for (k, &(i, _)) in recovered.iter().enumerate().rev() {
        if let (Some(o), Some(p)) = (out.get_mut(k), prefix.get(k)) {
            *o = inv * p;
        }
        inv *= s(i);
    }
    out
}

/// Checks `members` as one batch; on failure, each half with fresh weights, down to single
/// verification below [`MIN_BATCH`].
fn bisect<E>(
    members: &[Member<'_, '_>],
    weights: &mut Weights,
    out: &mut [Result<(), E>],
    single: &impl Fn(usize, Option<&Scalar>) -> Result<(), E>,
) {
    if members.len() < MIN_BATCH {
        for m in members {
            if let Some(o) = out.get_mut(m.index) {
                *o = single(m.index, Some(&m.s_inv));
            }
        }
        return;
    }
    if batch_holds(members, weights) {
        return;
    }
    let (a, b) = members.split_at(members.len() / 2);
    bisect(a, &mut weights.fork(), out, single);
    bisect(b, &mut weights.fork(), out, single);
}

/// Whether `Σ wᵢ·(u1ᵢ·G + u2ᵢ·Qᵢ − Rᵢ) = O`.
fn batch_holds(members: &[Member<'_, '_>], weights: &mut Weights) -> bool {
    let Terms { g, mut terms } = terms(members, weights);
    terms.push((Affine::GENERATOR, g));
    crate::msm::pippenger(&terms).is_identity()
}

/// The terms of a batch equation but `G`'s: `−wᵢ·Rᵢ` for each member and one term per key
/// (`Σ wᵢ·u2ᵢ` over its members); `G`'s scalar `Σ wᵢ·u1ᵢ` apart, so that parts can add theirs.
struct Terms {
    g: Scalar,
    terms: Vec<(Affine, Scalar)>,
}

/// The [`Terms`] of `members`, each weighted by the next of `weights`.
fn terms(members: &[Member<'_, '_>], weights: &mut Weights) -> Terms {
    let mut g_scalar = Scalar::ZERO;
    // Keys in first-seen order, with their collapsed scalars (indexed by key id: a batch may
    // hold thousands of distinct keys).
    let mut keys: Vec<(&PublicKey, Scalar)> = Vec::new();
    let mut key_index: HashMap<[u8; 32], usize> = HashMap::new();
    let mut terms: Vec<(Affine, Scalar)> = Vec::with_capacity(members.len() + 8);
    for m in members {
        let w = weights.next();
        let ws = w * m.s_inv;
        g_scalar += ws * m.item.z;
        let u2 = ws * m.item.r;
        match key_index.get(&m.item.key_id).and_then(|&i| keys.get_mut(i)) {
            Some(k) => k.1 += u2,
            None => {
                key_index.insert(m.item.key_id, keys.len());
                keys.push((m.item.key, u2));
            }
        }
        terms.push((m.r.neg(), w));
    }
    for (q, k) in keys {
        terms.push((*q.as_affine(), k));
    }
    Terms { g: g_scalar, terms }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ecdsa::{self, recover_r};
    use p256::elliptic_curve::ops::Reduce;
    use p256::{FieldBytes, NonZeroScalar, ProjectivePoint};

    /// A signed message: key, key id, z, and the signature.
    #[derive(Clone)]
    struct Signed {
        key: PublicKey,
        key_id: [u8; 32],
        z: Scalar,
        sig: ecdsa::Signature,
    }

    /// `n` signatures over distinct messages by `keys` keys (round robin).
    fn signed(n: usize, keys: usize) -> Vec<Signed> {
        let pairs: Vec<_> = (1..=keys as u8)
            .map(|k| {
                let d = NonZeroScalar::from_repr([k; 32].into()).unwrap();
                let q = (ProjectivePoint::GENERATOR * *d).to_affine();
                (d, PublicKey::from_p256(&q).unwrap(), [k; 32])
            })
            .collect();
        (0..n)
            .map(|i| {
                let (d, key, key_id) = &pairs[i % keys];
                let digest: [u8; 32] = Sha256::digest(format!("message {i}")).into();
                let sig = ecdsa::sign(d, &digest).unwrap();
                let z = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(digest));
                Signed {
                    key: *key,
                    key_id: *key_id,
                    z,
                    sig,
                }
            })
            .collect()
    }

    fn items(sigs: &[Signed]) -> Vec<Item<'_>> {
        sigs.iter()
            .map(|s| Item {
                key_id: s.key_id,
                key: &s.key,
                z: s.z,
                r: s.sig.r,
                s: s.sig.s,
            })
            .collect()
    }

    fn recovered(sigs: &[Signed]) -> Vec<Option<Affine>> {
        sigs.iter()
            .map(|s| recover_r(&s.sig.r.to_repr().into(), s.sig.v))
            .collect()
    }

    /// What single verification says of signature `i`: `Ok`, or `Err(i)`.
    fn single(sigs: &[Signed]) -> impl Fn(usize, Option<&Scalar>) -> Result<(), usize> + Sync + '_ {
        move |i, s_inv| {
            let s = &sigs[i];
            let v = match s_inv {
                Some(inv) => ecdsa::verify_with_inverse(&s.key, None, &s.z, &s.sig.r, inv),
                None => ecdsa::verify(&s.key, None, &s.z, &s.sig.r, &s.sig.s),
            };
            if v == Some(s.sig.v) { Ok(()) } else { Err(i) }
        }
    }

    /// Whether the batch equation holds for all of `sigs` (no bisection).
    fn holds(sigs: &[Signed], seed: u8) -> bool {
        let items = items(sigs);
        let r = recovered(sigs);
        let (out, members) = members(&items, &r, &single(sigs));
        assert!(out.iter().all(Result::is_ok), "every R recovered");
        batch_holds(&members, &mut Weights::new([seed; 32]))
    }

    #[test]
    fn the_batch_equation_holds_for_valid_signatures_only() {
        for (n, keys) in [(4, 1), (33, 1), (33, 5), (40, 40)] {
            let mut sigs = signed(n, keys);
            assert!(holds(&sigs, 1), "n = {n}, keys = {keys}");
            // One wrong z (another message), or a wrong parity: the equation fails.
            sigs[n / 2].z += Scalar::ONE;
            assert!(!holds(&sigs, 1));
            sigs[n / 2].z -= Scalar::ONE;
            sigs[n - 1].sig.v ^= 1;
            assert!(!holds(&sigs, 2));
        }
    }

    /// Cases for the batch against single verification: none, one, several (in different
    /// parts) and all signatures wrong, and items whose `R` was not recovered; with the `R`s.
    /// A named case: signatures and their recovered `R`s.
    type Case = (&'static str, Vec<Signed>, Vec<Option<Affine>>);

    fn cases(n: usize) -> Vec<Case> {
        let good = signed(n, 7);
        let wrong = |sigs: &mut Vec<Signed>, i: usize| sigs[i].z += Scalar::ONE;
        let mut cases = vec![("none wrong", good.clone(), vec![true; n])];
        let mut one = good.clone();
        wrong(&mut one, n - 2);
        cases.push(("one wrong", one, vec![true; n]));
        let mut several = good.clone();
        for i in [0, 22, 43, n - 1] {
            wrong(&mut several, i);
        }
        cases.push(("several wrong", several, vec![true; n]));
        let mut all = good.clone();
        for i in 0..n {
            wrong(&mut all, i);
        }
        cases.push(("all wrong", all, vec![true; n]));
        let mut unrecovered = vec![true; n];
        for i in [3, 30, n - 3] {
            unrecovered[i] = false;
        }
        let mut mixed = good;
        wrong(&mut mixed, 30);
        wrong(&mut mixed, 5);
        cases.push(("unrecovered R, two wrong", mixed, unrecovered));
        cases
            .into_iter()
            .map(|(name, sigs, keep)| {
                let r = recovered(&sigs)
                    .into_iter()
                    .zip(&keep)
                    .map(|(r, &k)| r.filter(|_| k))
                    .collect();
                (name, sigs, r)
            })
            .collect()
    }

    fn expected(sigs: &[Signed]) -> Vec<Result<(), usize>> {
        (0..sigs.len()).map(|i| single(sigs)(i, None)).collect()
    }

    #[test]
    fn verify_matches_single_verification() {
        for (name, sigs, r) in cases(64) {
            let got = verify(&items(&sigs), &r, &mut Weights::new([9; 32]), single(&sigs));
            assert_eq!(got, expected(&sigs), "{name}");
        }
    }

    /// [`verify_parallel`] in pools of 1 to 4 threads gives what single verification gives.
    #[cfg(feature = "parallel")]
    #[test]
    fn verify_parallel_matches_single_verification() {
        for (name, sigs, r) in cases(64) {
            let want = expected(&sigs);
            for threads in 1..=4 {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| {
                    verify_parallel(&items(&sigs), &r, &mut Weights::new([9; 32]), single(&sigs))
                });
                assert_eq!(got, want, "{name}, {threads} threads");
            }
        }
    }

    #[test]
    fn weights_are_128_bit_nonzero_and_seeded() {
        let mut a = Weights::new([1; 32]);
        let mut b = Weights::new([1; 32]);
        let mut c = Weights::new([2; 32]);
        for _ in 0..100 {
            let (x, y, z) = (a.next(), b.next(), c.next());
            assert_eq!(x, y);
            assert_ne!(x, z);
            assert!(!bool::from(x.is_zero()));
            assert_eq!(&x.to_repr()[..16], &[0u8; 16]);
        }
        let (mut f1, mut f2) = (a.fork(), a.fork());
        assert_ne!(f1.next(), f2.next(), "forks are independent");
    }
}
