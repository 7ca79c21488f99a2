//! The field multiplication (group `field`), and the window sweep of batch verification's
//! multi-scalar multiplication (group `msm_window`):
//! batch-shaped inputs (n `R` terms with 128-bit weights, 1 or 100 keys and `G` with full
//! scalars) at the sizes a batch has per core, for window widths around the one in use. The
//! window table of `possig_ec::msm::window` follows these measurements.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, ProjectivePoint, Scalar};
use possig_ec::Affine;
use possig_ec::msm::{pippenger_with_window, window};
use sha2::{Digest, Sha256};

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

/// What a batch of `n` signatures by `keys` keys gives the MSM: `n` points (the `R`s) with
/// 128-bit weights, `keys` points with full-size scalars, and `G` with one.
fn batch_shaped(n: usize, keys: usize, seed: u64) -> Vec<(Affine, Scalar)> {
    let point = |i: u64| {
        let p = (ProjectivePoint::GENERATOR * scalar(seed ^ i, 0, false)).to_affine();
        Affine::from_p256(&p).unwrap()
    };
    let mut terms: Vec<(Affine, Scalar)> = (0..n as u64)
        .map(|i| (point(i), scalar(seed ^ i, 1, true)))
        .collect();
    for i in 0..keys as u64 {
        let j = u64::MAX - i;
        terms.push((point(j), scalar(seed ^ j, 2, false)));
    }
    terms.push((Affine::GENERATOR, scalar(seed, 3, false)));
    terms
}

fn sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("msm_window");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for (n, keys) in [
        (64usize, 1usize),
        (256, 1),
        (1024, 1),
        (2048, 1),
        (2048, 100),
        (4096, 1),
    ] {
        let input = batch_shaped(n, keys, 7);
        let ours = window(input.len());
        g.throughput(Throughput::Elements(n as u64));
        for w in ours.saturating_sub(3).max(2)..=ours + 3 {
            let id = BenchmarkId::new(format!("{n} R, {keys} keys"), format!("c={w}"));
            g.bench_with_input(id, &input, |b, input| {
                b.iter(|| pippenger_with_window(black_box(input), w).is_identity())
            });
        }
    }
    g.finish();
}

/// One field multiplication, as a chain of 1,000 dependent ones (latency, as in the point
/// formulas): fiat-crypto's verified `p256_64` against possig-ec's constant-time and
/// variable-time CIOS. The reason possig-ec multiplies with its own code (ec/README.md).
fn field(c: &mut Criterion) {
    use fiat_crypto::p256_64::{fiat_p256_montgomery_domain_field_element as M, fiat_p256_mul};
    use possig_ec::field::Fe;
    let a = Fe::B;
    let limbs = M([0x1234_5678, 0x9abc_def0, 0x0fed_cba9, 0x8765_4321]);
    let mut g = c.benchmark_group("field");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("fiat-crypto p256_64 mul", |b| {
        b.iter(|| {
            let mut x = M(black_box(limbs).0);
            for _ in 0..1000 {
                let mut out = M([0; 4]);
                fiat_p256_mul(&mut out, &x, &limbs);
                x = out;
            }
            x.0
        })
    });
    g.bench_function("possig-ec mul (constant time)", |b| {
        b.iter(|| {
            let mut x = black_box(a);
            for _ in 0..1000 {
                x = x.mul(&a);
            }
            x
        })
    });
    g.bench_function("possig-ec mul_vartime", |b| {
        b.iter(|| {
            let mut x = black_box(a);
            for _ in 0..1000 {
                x = x.mul_vartime(&a);
            }
            x
        })
    });
    g.bench_function("p256 0.14 FieldElement mul", |b| {
        use p256::elliptic_curve::hazmat::FieldArithmetic;
        type F = <p256::NistP256 as FieldArithmetic>::FieldElement;
        let y = F::from_u64(0x1234_5678_9abc_def0);
        b.iter(|| {
            let mut x = black_box(y);
            for _ in 0..1000 {
                x *= y;
            }
            x
        })
    });
    g.finish();
}

criterion_group!(benches, field, sweep);
criterion_main!(benches);
