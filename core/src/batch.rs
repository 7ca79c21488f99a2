//! Batch verification of possig signatures: the fast path of journal verification and
//! [`crate::journal::verify_many`].
//!
//! For signatures `(rᵢ, sᵢ, vᵢ)` over `zᵢ` under keys `Qᵢ`, each `Rᵢ` is recovered from `rᵢ` and
//! `vᵢ` (the `v` byte of the `r‖s‖v` encoding: parity of `R.y`, and whether `R.x ≥ n`), and the
//! batch is accepted when
//!
//! ```text
//! Σ wᵢ·(u1ᵢ·G + u2ᵢ·Qᵢ − Rᵢ) = O,   u1ᵢ = zᵢ/sᵢ,  u2ᵢ = rᵢ/sᵢ
//! ```
//!
//! for independent 128-bit weights `wᵢ` that the signers cannot predict (drawn from the OS
//! CSPRNG, or a caller's secret seed, expanded with SHA-256). The `G` terms collapse into one
//! scalar, the `Q` terms of receipts that share a key into one scalar per key, and the sum is
//! one multi-scalar multiplication (Pippenger's bucket method with signed digits). The `sᵢ` are
//! inverted together (Montgomery's trick). `R` recovery (a square root) and the point
//! arithmetic use [`crate::field`], a variable-time P-256 field specialised to the prime, about
//! 3× faster than p256's generic constant-time field.
//!
//! **Verdicts are those of single verification.** Each signature on its own satisfies the
//! equation with the recovered `Rᵢ` exactly when single verification accepts it (then
//! `Rᵢ = u1ᵢ·G + u2ᵢ·Qᵢ`, whose `x mod n` is `rᵢ` and whose recovery id is `vᵢ`). A batch that
//! holds accepts every member except with probability at most 2⁻¹²⁸ per attempt; a batch that
//! fails is split in halves with fresh weights (bisection) down to single verification, which
//! also gives the exact error. A signature whose `R` cannot be recovered (`v > 3`, `x` not on
//! the curve, `r + n ≥ p`) goes straight to single verification.
//!
//! **Variable time is fine here**: every input (keys, messages, signatures) is public, and the
//! weights only need to be unpredictable *before* the signatures are fixed. Signing and
//! [`crate::UnverifiedReceipt::verify`] keep p256's constant-time arithmetic.

use p256::elliptic_curve::Field as _;
use p256::elliptic_curve::PrimeField;
use p256::{AffinePoint, FieldBytes, Scalar};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::field::Affine;
use crate::sig::Prechecked;

/// Below this many signatures a batch is not worth its fixed costs (the `G` and key terms,
/// the bucket sums, and a bisection that ends in single verification anyway): they are
/// verified one at a time. A cost-model choice, not a measured crossover.
pub(crate) const MIN_BATCH: usize = 4;

/// One signature to verify: the signer's key (and its id, to collapse the terms of one key)
/// and the prechecked signature.
pub(crate) struct Item<'a> {
    pub(crate) key_id: [u8; 32],
    pub(crate) key: &'a AffinePoint,
    pub(crate) signature: &'a Prechecked,
}

/// The source of the weights: SHA-256 in counter mode over a secret 32-byte seed.
pub(crate) struct Weights {
    seed: [u8; 32],
    counter: u64,
    buffer: [u8; 32],
    used: usize,
}

impl Weights {
    /// Weights from `seed`, which must be unpredictable to whoever made the signatures.
    pub(crate) fn new(seed: [u8; 32]) -> Self {
        Weights {
            seed,
            counter: 0,
            buffer: [0; 32],
            used: 32,
        }
    }

    /// Weights from the operating system's CSPRNG; `None` if it is unavailable.
    pub(crate) fn from_os() -> Option<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).ok()?;
        Some(Weights::new(seed))
    }

    /// A fresh independent stream for a sub-batch (derived, so parallel halves need no lock).
    pub(crate) fn fork(&mut self) -> Weights {
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

/// `R` from `r` and the recovery id `v`, or `None` when it does not exist. The largest cost of
/// batch verification (a square root): callers compute it for all items on every core, before
/// the batches are split, so that the work is spread evenly.
pub(crate) fn recover_r(sig: &Prechecked) -> Option<Affine> {
    if sig.v > 3 {
        return None;
    }
    let mut x = sig.r_bytes;
    if sig.v & 2 != 0 {
        // x = r + n, which must stay below p (checked by decompression's field decoding).
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
    Affine::decompress(&x, sig.v & 1 == 1)
}

/// n, big-endian.
const N_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Verifies `items`, returning exactly what [`Prechecked::finish`] returns for each one.
/// `r[i]` is [`recover_r`] of `items[i]`.
pub(crate) fn verify(
    items: &[Item<'_>],
    r: &[Option<Affine>],
    weights: &mut Weights,
) -> Vec<Result<(), Error>> {
    let (mut out, members) = members(items, r);
    bisect(&members, weights, &mut out);
    out
}

/// [`verify`] on every core of the rayon pool, with the same results. The items are split into
/// one part per core, each with weights of its own (forked from `weights`), and prepared on its
/// core; then one equation over every part's terms is checked by
/// [`crate::msm::pippenger_parallel`] (one multiplication over all the terms costs less than
/// one per part). Only if it fails is each part bisected, on its own core.
#[cfg(feature = "parallel")]
pub(crate) fn verify_parallel(
    items: &[Item<'_>],
    r: &[Option<Affine>],
    weights: &mut Weights,
) -> Vec<Result<(), Error>> {
    use rayon::prelude::*;
    let size = items
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_BATCH);
    if size >= items.len() {
        return verify(items, r, weights);
    }
    let mut forks: Vec<Weights> = items.chunks(size).map(|_| weights.fork()).collect();
    let parts: Vec<_> = items
        .par_chunks(size)
        .zip(r.par_chunks(size))
        .zip(forks.par_iter_mut())
        .map(|((items, r), w)| {
            let (out, members) = members(items, r);
            let equation = terms(&members, w);
            (out, members, equation)
        })
        .collect();
    let holds = parts_hold(parts.iter().map(|p| p.2.as_ref()));
    parts
        .into_par_iter()
        .zip(forks.par_iter_mut())
        .flat_map_iter(|((mut out, members, _), w)| {
            if !holds {
                bisect(&members, w, &mut out);
            }
            out
        })
        .collect()
}

/// Whether the parts' equations hold together: one multiplication over every part's terms and
/// `G` with the sum of their `G` scalars. False if a part has no terms (a key that is not a
/// valid point: never, the store refuses such certificates).
#[cfg(feature = "parallel")]
fn parts_hold<'t>(parts: impl Iterator<Item = Option<&'t Terms>>) -> bool {
    let mut g = Scalar::ZERO;
    let mut slices: Vec<&[(Affine, Scalar)]> = Vec::new();
    for part in parts {
        let Some(part) = part else {
            return false;
        };
        g += part.g;
        slices.push(&part.terms);
    }
    let Some(generator) = generator_term(g) else {
        return false;
    };
    let generator = [generator];
    slices.push(&generator);
    crate::msm::pippenger_parallel(&slices).is_identity()
}

/// Every item's result so far (`Ok` for those left to the batch), and the batch members: the
/// items whose `R` was recovered, with `s⁻¹`. The others are verified one at a time here.
fn members<'a, 'b>(
    items: &'b [Item<'a>],
    r: &[Option<Affine>],
) -> (Vec<Result<(), Error>>, Vec<Member<'a, 'b>>) {
    let mut out: Vec<Result<(), Error>> = Vec::with_capacity(items.len());
    let mut recovered: Vec<(usize, Affine)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(Ok(()));
        match r.get(i).copied().flatten() {
            Some(r) => recovered.push((i, r)),
            None => {
                if let Some(o) = out.get_mut(i) {
                    *o = item.signature.finish(item.key, None);
                }
            }
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

/// `s⁻¹` of every recovered item, with one field inversion (Montgomery's trick).
fn batch_invert(items: &[Item<'_>], recovered: &[(usize, Affine)]) -> Vec<Scalar> {
    let s = |i: usize| items.get(i).map_or(Scalar::ONE, |it| it.signature.s);
    let mut prefix = Vec::with_capacity(recovered.len());
    let mut acc = Scalar::ONE;
    for &(i, _) in recovered {
        prefix.push(acc);
        acc *= s(i);
    }
    // Every s is in [1, n−1] (prechecked), so the product is invertible.
    let mut inv = Option::<Scalar>::from(acc.invert()).unwrap_or(Scalar::ZERO);
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
fn bisect(members: &[Member<'_, '_>], weights: &mut Weights, out: &mut [Result<(), Error>]) {
    if members.len() < MIN_BATCH {
        for m in members {
            if let Some(o) = out.get_mut(m.index) {
                *o = m.item.signature.finish_with_inverse(m.item.key, &m.s_inv);
            }
        }
        return;
    }
    if batch_holds(members, weights) {
        return;
    }
    let (a, b) = members.split_at(members.len() / 2);
    bisect(a, &mut weights.fork(), out);
    bisect(b, &mut weights.fork(), out);
}

/// Whether `Σ wᵢ·(u1ᵢ·G + u2ᵢ·Qᵢ − Rᵢ) = O`.
fn batch_holds(members: &[Member<'_, '_>], weights: &mut Weights) -> bool {
    let Some(Terms { g, mut terms }) = terms(members, weights) else {
        return false;
    };
    let Some(generator) = generator_term(g) else {
        return false;
    };
    terms.push(generator);
    crate::msm::pippenger(&terms).is_identity()
}

/// `G` with the scalar `g` (`G` is a valid point: never `None`).
fn generator_term(g: Scalar) -> Option<(Affine, Scalar)> {
    Some((Affine::from_p256(&AffinePoint::GENERATOR)?, g))
}

/// The terms of a batch equation but `G`'s: `−wᵢ·Rᵢ` for each member and one term per key
/// (`Σ wᵢ·u2ᵢ` over its members); `G`'s scalar `Σ wᵢ·u1ᵢ` apart, so that parts can add theirs.
struct Terms {
    g: Scalar,
    terms: Vec<(Affine, Scalar)>,
}

/// The [`Terms`] of `members`, each weighted by the next of `weights`; `None` if a key is not a
/// valid point (never: the store refuses such certificates).
fn terms(members: &[Member<'_, '_>], weights: &mut Weights) -> Option<Terms> {
    let mut g_scalar = Scalar::ZERO;
    // Keys in first-seen order, with their collapsed scalars (indexed by key id: a batch may
    // hold thousands of distinct keys).
    let mut keys: Vec<(&AffinePoint, Scalar)> = Vec::new();
    let mut key_index: std::collections::HashMap<[u8; 32], usize> =
        std::collections::HashMap::new();
    let mut terms: Vec<(Affine, Scalar)> = Vec::with_capacity(members.len() + 8);
    for m in members {
        let w = weights.next();
        let sig = m.item.signature;
        let ws = w * m.s_inv;
        g_scalar += ws * sig.z;
        let u2 = ws * sig.r;
        match key_index.get(&m.item.key_id).and_then(|&i| keys.get_mut(i)) {
            Some(k) => k.1 += u2,
            None => {
                key_index.insert(m.item.key_id, keys.len());
                keys.push((m.item.key, u2));
            }
        }
        terms.push((m.r.neg(), w));
    }
    // The certified keys are valid points (never the identity): the store refuses others.
    for (q, k) in keys {
        terms.push((Affine::from_p256(q)?, k));
    }
    Some(Terms { g: g_scalar, terms })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    use p256::ecdsa::signature::Signer;

    /// `n` signatures over distinct messages by `keys` keys (round robin).
    fn signed(n: usize, keys: usize) -> Vec<(p256::ecdsa::VerifyingKey, Prechecked)> {
        let sks: Vec<_> = (1..=keys as u8)
            .map(|k| crate::keys::signing_key_from_bytes(&[k; 32]).unwrap())
            .collect();
        (0..n)
            .map(|i| {
                let sk = &sks[i % keys];
                let msg = format!("message {i}");
                let sig: p256::ecdsa::Signature = sk.sign(msg.as_bytes());
                let vk = *sk.verifying_key();
                let sig = crate::sig::canonicalize(vk.as_affine(), msg.as_bytes(), &sig).unwrap();
                (vk, Prechecked::new(msg.as_bytes(), &sig).unwrap())
            })
            .collect()
    }

    /// The batch items of `sigs`.
    fn items_of(sigs: &[(p256::ecdsa::VerifyingKey, Prechecked)]) -> Vec<Item<'_>> {
        sigs.iter()
            .map(|(vk, p)| Item {
                key_id: crate::trust::key_id(vk).unwrap(),
                key: vk.as_affine(),
                signature: p,
            })
            .collect()
    }

    /// Whether the batch equation holds for all of `sigs` (no bisection).
    fn holds(sigs: &[(p256::ecdsa::VerifyingKey, Prechecked)], seed: u8) -> bool {
        let items = items_of(sigs);
        let recovered: Vec<(usize, Affine)> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (i, recover_r(it.signature).unwrap()))
            .collect();
        let inverses = batch_invert(&items, &recovered);
        let members: Vec<Member<'_, '_>> = recovered
            .iter()
            .zip(&inverses)
            .map(|(&(i, r), s_inv)| Member {
                index: i,
                item: &items[i],
                r,
                s_inv: *s_inv,
            })
            .collect();
        batch_holds(&members, &mut Weights::new([seed; 32]))
    }

    #[test]
    fn the_batch_equation_holds_for_valid_signatures_only() {
        for (n, keys) in [(4, 1), (33, 1), (33, 5), (40, 40)] {
            let mut sigs = signed(n, keys);
            assert!(holds(&sigs, 1), "n = {n}, keys = {keys}");
            // One wrong z (another message), or a wrong parity: the equation fails.
            sigs[n / 2].1.z += Scalar::ONE;
            assert!(!holds(&sigs, 1));
            sigs[n / 2].1.z -= Scalar::ONE;
            sigs[n - 1].1.v ^= 1;
            assert!(!holds(&sigs, 2));
        }
    }

    /// [`verify_parallel`] in pools of 1, 2 and 3 threads gives what single verification gives,
    /// with no, one, several (in different parts) and all signatures wrong, and with items
    /// whose `R` was not recovered.
    #[cfg(feature = "parallel")]
    #[test]
    fn verify_parallel_matches_single_verification() {
        // Parts of 32 and 22 items on 2 and 3 threads: windows of 5 bits, 16 buckets to share.
        let n = 64;
        let good = signed(n, 7);
        let wrong = |sigs: &mut Vec<(p256::ecdsa::VerifyingKey, Prechecked)>, i: usize| {
            sigs[i].1.z += Scalar::ONE;
        };
        let mut cases: Vec<(&str, Vec<_>, Vec<bool>)> = Vec::new();
        cases.push(("none wrong", good.clone(), vec![true; n]));
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
        let mut mixed = good.clone();
        wrong(&mut mixed, 30);
        wrong(&mut mixed, 5);
        cases.push(("unrecovered R, two wrong", mixed, unrecovered));
        for (name, sigs, recovered) in &cases {
            let items = items_of(sigs);
            let r: Vec<Option<Affine>> = items
                .iter()
                .zip(recovered)
                .map(|(it, &ok)| if ok { recover_r(it.signature) } else { None })
                .collect();
            let want: Vec<_> = items
                .iter()
                .map(|it| it.signature.finish(it.key, None))
                .collect();
            for threads in 1..=3 {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| verify_parallel(&items, &r, &mut Weights::new([9; 32])));
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
    }

    #[test]
    fn r_plus_n_overflow_is_not_recovered() {
        let sig = Prechecked {
            r_bytes: FieldBytes::from([0xff; 32]),
            r: Scalar::ONE,
            s: Scalar::ONE,
            v: 2,
            z: Scalar::ONE,
        };
        assert!(recover_r(&sig).is_none());
        let sig = Prechecked { v: 4, ..sig };
        assert!(recover_r(&sig).is_none());
    }
}
