//! Multi-scalar multiplication `Σ kᵢ·Pᵢ` for batch verification: Pippenger's bucket method with
//! signed digits, over [`crate::vartime`]'s Jacobian arithmetic. **Variable time**: for public
//! inputs only (points and scalars steer branches and memory accesses).

use alloc::vec;
use alloc::vec::Vec;

use p256::Scalar;
use p256::elliptic_curve::PrimeField;

use crate::point::Affine;
use crate::vartime::Jacobian;

/// Window width in bits for `n` points. Cost per window: about `n` mixed additions into the
/// buckets plus `2·2^(c−1)` additions to sum them, over `⌈257/c⌉` windows; the best `c` grows
/// with log2(n). Chosen with the `msm_window` group of `benches/` (batch-shaped inputs: 128-bit
/// weights on the `R` terms, 256-bit scalars on `G` and the keys).
pub fn window(n: usize) -> usize {
    match n {
        0..=7 => 3,
        8..=31 => 4,
        32..=127 => 5,
        128..=383 => 6,
        384..=1023 => 7,
        1024..=3071 => 8,
        3072..=8191 => 9,
        _ => 10,
    }
}

/// The scalar as little-endian 64-bit limbs.
fn limbs(k: &Scalar) -> [u64; 4] {
    let repr = k.to_repr();
    let mut out = [0u64; 4];
    for (i, chunk) in repr.rchunks_exact(8).enumerate() {
        if let (Some(o), Ok(b)) = (out.get_mut(i), <[u8; 8]>::try_from(chunk)) {
            *o = u64::from_be_bytes(b);
        }
    }
    out
}

/// `c` bits of `l` from bit `at` (little-endian), `c ≤ 16`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "window digits have at most c ≤ 16 bits"
)]
fn bits(l: &[u64; 4], at: usize, c: usize) -> u32 {
    let (limb, shift) = (at / 64, at % 64);
    let lo = l.get(limb).copied().unwrap_or(0) >> shift;
    let hi = if shift + c > 64 && shift != 0 {
        l.get(limb + 1).copied().unwrap_or(0) << (64 - shift)
    } else {
        0
    };
    ((lo | hi) & ((1u64 << c) - 1)) as u32
}

/// Signed base-2^c digits of `k` in `[−2^(c−1), 2^(c−1)]`, least significant first, written to
/// `out` (`windows` of them); returns how many are needed (the rest are 0).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "window digits have at most c ≤ 16 bits"
)]
fn signed_digits(k: &Scalar, c: usize, out: &mut [i32]) -> usize {
    let l = limbs(k);
    let half = 1i32 << (c - 1);
    let mut carry = 0i32;
    let mut used = 0;
    for (w, d) in out.iter_mut().enumerate() {
        let mut v = bits(&l, w * c, c) as i32 + carry;
        carry = 0;
        if v > half {
            v -= 1 << c;
            carry = 1;
        }
        *d = v;
        if v != 0 {
            used = w + 1;
        }
    }
    used
}

/// `k·P` for a small `k` (a gap between buckets), by double-and-add.
fn mul_small(p: &Jacobian, mut k: usize) -> Jacobian {
    let mut acc = Jacobian::IDENTITY;
    let mut base = *p;
    while k > 0 {
        if k & 1 == 1 {
            acc = acc.add(&base);
        }
        k >>= 1;
        if k > 0 {
            base = base.double();
        }
    }
    acc
}

/// `Σ kᵢ·Pᵢ`.
pub fn pippenger(terms: &[(Affine, Scalar)]) -> Jacobian {
    pippenger_with_window(terms, window(terms.len()))
}

/// Largest window accepted by [`pippenger_with_window`]: the digit extraction reads at most 16 bits, and
/// 2¹⁵ buckets are far past any useful size.
pub const MAX_WINDOW: usize = 16;

/// [`pippenger`] with a given window width `c`, clamped to `2..=MAX_WINDOW`.
pub fn pippenger_with_window(terms: &[(Affine, Scalar)], c: usize) -> Jacobian {
    let c = c.clamp(2, MAX_WINDOW);
    let parts = [(terms, Digits::new(terms, c))];
    partial(&parts, c, Share { index: 0, count: 1 })
}

/// `Σ kᵢ·Pᵢ` over the terms of every slice, on every core of the rayon pool: the digits of
/// each slice recoded on its own core, then one share of the buckets per core (every
/// window, every term, the digits whose magnitude falls in its share). Each bucket is filled
/// and summed once, as in one [`pippenger`] over all the terms; one `pippenger` per core over
/// a share of the terms would pay for a window's buckets once per core, with a window narrower
/// by about one bit.
#[cfg(feature = "parallel")]
pub fn pippenger_parallel(slices: &[&[(Affine, Scalar)]]) -> Jacobian {
    use rayon::prelude::*;
    let n = slices.iter().map(|s| s.len()).sum();
    let c = window(n).clamp(2, MAX_WINDOW);
    let parts: Vec<(&[(Affine, Scalar)], Digits)> =
        slices.par_iter().map(|s| (*s, Digits::new(s, c))).collect();
    let count = rayon::current_num_threads().clamp(1, 1 << (c - 1));
    (0..count)
        .into_par_iter()
        .map(|index| partial(&parts, c, Share { index, count }))
        .reduce(|| Jacobian::IDENTITY, |a, b| a.add(&b))
}

/// The signed digits of a slice's scalars, window by window (`digits[w·len + t]`), so that a
/// window's pass reads them in order.
struct Digits {
    len: usize,
    /// Windows holding a non-zero digit of some scalar.
    used: usize,
    digits: Vec<i32>,
}

impl Digits {
    fn new(terms: &[(Affine, Scalar)], c: usize) -> Self {
        // 256-bit scalars, plus one window for the final carry of the signed recoding.
        let windows = 256 / c + 2;
        let len = terms.len();
        let mut digits = vec![0i32; len * windows];
        let mut scalar = vec![0i32; windows];
        let mut used = 0;
        for (t, (_, k)) in terms.iter().enumerate() {
            used = used.max(signed_digits(k, c, &mut scalar));
            for (row, &d) in digits.chunks_exact_mut(len).zip(&scalar) {
                if let Some(slot) = row.get_mut(t) {
                    *slot = d;
                }
            }
        }
        Digits { len, used, digits }
    }

    /// Window `w`'s digit of every scalar, in term order.
    fn window(&self, w: usize) -> &[i32] {
        self.digits
            .get(w * self.len..(w + 1) * self.len)
            .unwrap_or_default()
    }
}

/// The buckets `j ≡ index (mod count)` of every window: one core's share of a multiplication.
/// Interleaved rather than contiguous, so that every share gets as many of the small digits
/// (the top windows of the 128-bit weights and of the scalars) as of the others: with halves,
/// the share of the small magnitudes gets more additions.
#[derive(Clone, Copy)]
struct Share {
    index: usize,
    count: usize,
}

/// `Σ_w 2^(c·w) · Σ_{j ∈ share} (j+1)·B_{w,j}`, where `B_{w,j}` is the sum of the points whose
/// window-`w` digit is `±(j+1)` (negated for `−`): the whole MSM when `share` is every bucket,
/// and a sum of the shares otherwise.
fn partial(parts: &[(&[(Affine, Scalar)], Digits)], c: usize, share: Share) -> Jacobian {
    let Share { index, count } = share;
    let used = parts.iter().map(|(_, d)| d.used).max().unwrap_or(0);
    // Digit ±m goes to global bucket m − 1: this share's `local[m]`-th, or not this share's
    // (`usize::MAX`, out of range).
    let all = 1usize << (c - 1);
    let local: Vec<usize> = (0..=all)
        .map(|m| match m.checked_sub(1) {
            Some(j) if j % count == index => j / count,
            _ => usize::MAX,
        })
        .collect();
    let mut buckets = vec![Jacobian::IDENTITY; (all + count - 1 - index) / count];
    let mut touched: Vec<usize> = Vec::new();
    let mut acc = Jacobian::IDENTITY;
    for w in (0..used).rev() {
        if w + 1 < used {
            for _ in 0..c {
                acc = acc.double();
            }
        }
        buckets.fill(Jacobian::IDENTITY);
        touched.clear();
        for (terms, digits) in parts {
            for ((p, _), &d) in terms.iter().zip(digits.window(w)) {
                let Some(&k) = local.get(d.unsigned_abs() as usize) else {
                    continue;
                };
                if let Some(b) = buckets.get_mut(k) {
                    // A bucket emptied by `P` then `−P` is the identity again: it is pushed
                    // again when refilled, and [`window_sum`] removes the repeats.
                    if b.is_identity() {
                        touched.push(k);
                    }
                    *b = if d > 0 {
                        b.add_affine(p)
                    } else {
                        b.sub_affine(p)
                    };
                }
            }
        }
        // Local bucket k is global bucket count·k + index, of weight count·k + index + 1:
        // Σ (count·k + index + 1)·b_k = count·Σ (k + 1)·b_k − (count − 1 − index)·Σ b_k.
        let (sum, total) = window_sum(&buckets, &mut touched);
        acc = acc.add(&mul_small(&sum, count));
        acc = acc.add(&mul_small(&total, count - 1 - index).neg());
    }
    acc
}

/// `Σ (j+1)·buckets[j]` and `Σ buckets[j]`: the running-sum method over every bucket when most
/// are in use, or over the touched ones only (with small multiples for the gaps) when few are,
/// as in the high windows where only the few 256-bit scalars (G and the keys) have digits.
fn window_sum(buckets: &[Jacobian], touched: &mut [usize]) -> (Jacobian, Jacobian) {
    let mut running = Jacobian::IDENTITY;
    let mut sum = Jacobian::IDENTITY;
    if touched.len() * 8 >= buckets.len() {
        for b in buckets.iter().rev() {
            running = running.add(b);
            sum = sum.add(&running);
        }
        return (sum, running);
    }
    // Each bucket once (a refilled one was pushed once per refill), highest first.
    touched.sort_unstable_by(|a, b| b.cmp(a));
    let mut prev = None;
    let mut last = None;
    for &j in touched.iter() {
        if last == Some(j) {
            continue;
        }
        last = Some(j);
        if let Some(p) = prev {
            sum = sum.add(&mul_small(&running, p - j));
        }
        if let Some(b) = buckets.get(j) {
            running = running.add(b);
        }
        prev = Some(j);
    }
    if let Some(p) = prev {
        sum = sum.add(&mul_small(&running, p + 1));
    }
    (sum, running)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use p256::elliptic_curve::Field;
    use p256::{AffinePoint, ProjectivePoint};

    fn scalar(seed: u64) -> Scalar {
        let mut s = Scalar::from(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        for _ in 0..(seed % 5) {
            s = s.square() + Scalar::from(seed);
        }
        s
    }

    fn mul_g(k: u64) -> AffinePoint {
        (ProjectivePoint::GENERATOR * Scalar::from(k)).to_affine()
    }

    fn ours(p: &AffinePoint) -> Affine {
        Affine::from_p256(p).unwrap()
    }

    /// `Σ kᵢ·Pᵢ` by p256, one multiplication at a time.
    fn naive(terms: &[(AffinePoint, Scalar)]) -> Option<Affine> {
        let sum = terms
            .iter()
            .fold(ProjectivePoint::IDENTITY, |acc, (p, k)| acc + *p * k);
        Affine::from_p256(&sum.to_affine())
    }

    fn converted(terms: &[(AffinePoint, Scalar)]) -> Vec<(Affine, Scalar)> {
        terms.iter().map(|(p, k)| (ours(p), *k)).collect()
    }

    /// Every window width, and bucket shares over split slices, against the naive sum.
    fn check_all_ways(name: &str, theirs: &[(AffinePoint, Scalar)]) {
        let expected = naive(theirs);
        let terms = converted(theirs);
        for c in 2..=MAX_WINDOW {
            let got = pippenger_with_window(&terms, c).to_affine();
            assert_eq!(got, expected, "{name}: c = {c}");
        }
        assert_eq!(
            pippenger(&terms).to_affine(),
            expected,
            "{name}: default window"
        );
        for c in [3, 6, 10] {
            let buckets = 1usize << (c - 1);
            for cut in [0, terms.len() / 3, terms.len()] {
                let (left, right) = terms.split_at(cut);
                let parts = [(left, Digits::new(left, c)), (right, Digits::new(right, c))];
                for count in 1..=4usize.min(buckets) {
                    let sum = (0..count).fold(Jacobian::IDENTITY, |acc, index| {
                        acc.add(&partial(&parts, c, Share { index, count }))
                    });
                    assert_eq!(
                        sum.to_affine(),
                        expected,
                        "{name}: c = {c}, cut {cut}, {count} shares"
                    );
                }
            }
        }
    }

    #[test]
    fn signed_digits_reconstruct_the_scalar() {
        let mut special = vec![
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            Scalar::from(u64::MAX),
        ];
        for seed in 0..50u64 {
            special.push(scalar(seed));
        }
        for c in 2..=MAX_WINDOW {
            for k in &special {
                let windows = 256 / c + 2;
                let mut d = vec![0i32; windows];
                signed_digits(k, c, &mut d);
                let mut acc = Scalar::ZERO;
                for &x in d.iter().rev() {
                    for _ in 0..c {
                        acc = acc.double();
                    }
                    let m = Scalar::from(u64::from(x.unsigned_abs()));
                    acc += if x < 0 { -m } else { m };
                }
                assert_eq!(acc, *k, "c = {c}");
                let half = 1i32 << (c - 1);
                assert!(d.iter().all(|x| (-half..=half).contains(x)), "c = {c}");
            }
        }
    }

    /// The first reproducer of a refilled bucket counted twice: P then −P empty a bucket, Q
    /// refills it, and the sparse sum added it twice (the identity instead of −a·Q).
    #[test]
    fn a_refilled_bucket_is_counted_once() {
        let (p, q) = (mul_g(1111), mul_g(2222));
        let a = Scalar::from(5u64 << 30);
        let theirs = [(p, a), (-p, a), (q, a), (-q, a.double())];
        let terms = converted(&theirs);
        let want = Affine::from_p256(&(ProjectivePoint::from(q) * -a).to_affine());
        assert_eq!(pippenger_with_window(&terms, 10).to_affine(), want);
        check_all_ways("P, −P, Q, −2Q", &theirs);
    }

    /// The second reproducer: `[(G, k), (G, −k), (G, k)]` was wrong for every window ≥ 6.
    #[test]
    fn a_point_cancelled_then_added_again() {
        let g = AffinePoint::GENERATOR;
        for seed in [1u64, 77, 4242] {
            let k = scalar(seed);
            let theirs = [(g, k), (g, -k), (g, k)];
            let want = Affine::from_p256(&(ProjectivePoint::GENERATOR * k).to_affine());
            for c in 2..=MAX_WINDOW {
                let got = pippenger_with_window(&converted(&theirs), c).to_affine();
                assert_eq!(got, want, "seed {seed}, c = {c}");
            }
        }
    }

    #[test]
    fn pippenger_equals_the_naive_sum() {
        // Sizes that reach every default window width, dense and sparse windows, zero scalars
        // and repeated points.
        for n in [0usize, 1, 2, 5, 9, 40, 130, 400] {
            let theirs: Vec<(AffinePoint, Scalar)> = (0..n as u64)
                .map(|i| {
                    let p = (ProjectivePoint::GENERATOR * scalar(i + 1000)).to_affine();
                    let k = match i % 7 {
                        0 => Scalar::ZERO,
                        1 => -Scalar::ONE,
                        2 => Scalar::from(u64::MAX),
                        _ => scalar(i),
                    };
                    let p = if i % 11 == 3 {
                        AffinePoint::GENERATOR
                    } else {
                        p
                    };
                    (p, k)
                })
                .collect();
            let expected = naive(&theirs);
            let terms = converted(&theirs);
            assert_eq!(pippenger(&terms).to_affine(), expected, "n = {n}");
            if [9, 130].contains(&n) {
                check_all_ways(&format!("n = {n}"), &theirs);
                for c in [0, 1, MAX_WINDOW + 1, 64] {
                    let got = pippenger_with_window(&terms, c).to_affine();
                    assert_eq!(got, expected, "n = {n}, c = {c} (clamped)");
                }
            }
        }
    }

    /// Repeated points, `P` and `−P`, points equal to `±G` and to each other, with special
    /// scalars: 0, 1, n − 1, window-edge digits (`2^(c−1)`, `2^c − 1`, `2^c`), long runs of
    /// ones, and sums that cancel.
    #[test]
    fn special_points_and_scalars() {
        let g = AffinePoint::GENERATOR;
        let p = mul_g(1111);
        let q = mul_g(2222);
        let one = Scalar::ONE;
        let mut scalars = vec![Scalar::ZERO, one, -one, -Scalar::from(2u64), scalar(5)];
        for c in [2u32, 3, 5, 6, 8, 10, 13, 16] {
            let edge = 1u64 << (c - 1);
            for v in [edge, edge - 1, edge + 1, (1 << c) - 1, 1 << c] {
                scalars.push(Scalar::from(v));
                scalars.push(Scalar::from(v) * Scalar::from(1u64 << 40).square());
            }
        }
        // Runs of ones: 2^m − 1 for m up to 255, and n − 1 − (2^m − 1).
        let mut run = Scalar::ZERO;
        for m in 0..255 {
            run = run.double() + one;
            if m % 37 == 0 || m > 250 {
                scalars.push(run);
                scalars.push(-run);
            }
        }
        let points = [g, -g, p, -p, q, p, g];
        for (round, chunk) in scalars.chunks(points.len()).enumerate() {
            let theirs: Vec<(AffinePoint, Scalar)> =
                points.iter().copied().zip(chunk.iter().copied()).collect();
            check_all_ways(&format!("round {round}"), &theirs);
        }
        // Everything cancels: the identity for every width.
        let k = scalar(9);
        let cancel = [(p, k), (q, k), (-p, k), (-q, k), (g, one), (-g, one)];
        check_all_ways("cancels", &cancel);
        assert_eq!(naive(&cancel), None);
    }

    /// Random inputs drawn from a small set of points (so points repeat, and meet their
    /// negations), for every width: the refill bug's general shape.
    #[test]
    fn repeated_and_opposite_points_at_random() {
        let base: Vec<AffinePoint> = (1..=4).map(|k| mul_g(k * 31)).collect();
        let mut x = 0x1234_5678u64;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 11
        };
        for round in 0..12 {
            let n = 3 + (next() % 20) as usize;
            let theirs: Vec<(AffinePoint, Scalar)> = (0..n)
                .map(|_| {
                    let p = base[(next() % 4) as usize];
                    let p = if next() % 2 == 0 { p } else { -p };
                    let k = match next() % 4 {
                        0 => Scalar::from(next() % 64) * Scalar::from(1u64 << 30),
                        1 => Scalar::from(next()),
                        2 => -Scalar::from(next() % 1024),
                        _ => scalar(next()),
                    };
                    (p, k)
                })
                .collect();
            check_all_ways(&format!("random round {round}"), &theirs);
        }
    }

    /// The parallel MSM on pools of 1 to 4 threads, with the terms in one or several slices.
    #[cfg(feature = "parallel")]
    #[test]
    fn parallel_on_one_to_four_threads() {
        let theirs: Vec<(AffinePoint, Scalar)> = (0..300u64)
            .map(|i| {
                let p = if i % 9 == 0 {
                    AffinePoint::GENERATOR
                } else {
                    mul_g(i % 37 + 1)
                };
                let p = if i % 5 == 0 { -p } else { p };
                (p, if i % 13 == 0 { Scalar::ZERO } else { scalar(i) })
            })
            .collect();
        let expected = naive(&theirs);
        let terms = converted(&theirs);
        for threads in 1..=4 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for pieces in [1usize, 2, 3, 7] {
                let size = terms.len().div_ceil(pieces);
                let slices: Vec<&[(Affine, Scalar)]> = terms.chunks(size).collect();
                let got = pool.install(|| pippenger_parallel(&slices)).to_affine();
                assert_eq!(got, expected, "{threads} threads, {pieces} slices");
            }
            let empty: [&[(Affine, Scalar)]; 0] = [];
            assert!(pool.install(|| pippenger_parallel(&empty)).is_identity());
        }
    }

    #[test]
    fn random_scalars_are_not_special() {
        // A guard on the helpers above: distinct seeds give distinct scalars.
        assert_ne!(scalar(1), scalar(2));
        assert!(!bool::from(scalar(3).is_zero()));
    }
}
