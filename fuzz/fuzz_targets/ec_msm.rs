//! possig-ec's multi-scalar multiplication against p256, one multiplication at a time, on
//! arbitrary term lists: points drawn from a small pool (so they repeat, meet their negations
//! and `±G`), scalars from raw bytes or special values (0, ±1, n − 1, window edges), every
//! window width, and the parallel form over split slices.
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use p256::elliptic_curve::ops::Reduce;
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use possig_ec::Affine;
use possig_ec::msm::{MAX_WINDOW, pippenger_parallel, pippenger_with_window};

#[derive(Arbitrary, Debug)]
enum Point {
    /// `±G`.
    Generator(bool),
    /// `±(i + 2)·G` for a pool index `i < 8`.
    Pool(u8, bool),
}

#[derive(Arbitrary, Debug)]
enum Value {
    Bytes([u8; 32]),
    Small(i16),
    /// `2^k ± 1` (window edges and runs of ones).
    Power(u8, i8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    terms: Vec<(Point, Value)>,
    window: u8,
    cut: u8,
}

fn scalar(v: &Value) -> Scalar {
    match v {
        Value::Bytes(b) => <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*b)),
        Value::Small(k) => possig_fuzz::small_scalar(*k),
        Value::Power(k, d) => {
            let mut p = Scalar::ONE;
            for _ in 0..*k {
                p = p.double();
            }
            p + Scalar::from(u64::from(d.unsigned_abs())) * if *d < 0 { -Scalar::ONE } else { Scalar::ONE }
        }
    }
}

fn point(p: &Point) -> AffinePoint {
    let (k, neg) = match p {
        Point::Generator(neg) => (1u64, *neg),
        Point::Pool(i, neg) => (u64::from(i % 8) + 2, *neg),
    };
    let q = ProjectivePoint::GENERATOR * Scalar::from(k);
    if neg { (-q).to_affine() } else { q.to_affine() }
}

fuzz_target!(|input: Input| {
    if input.terms.len() > 24 {
        return;
    }
    let theirs: Vec<(AffinePoint, Scalar)> =
        input.terms.iter().map(|(p, v)| (point(p), scalar(v))).collect();
    let want = theirs
        .iter()
        .fold(ProjectivePoint::IDENTITY, |acc, (p, k)| acc + *p * k);
    let want = Affine::from_p256(&want.to_affine());
    let ours: Vec<(Affine, Scalar)> = theirs
        .iter()
        .map(|(p, k)| (Affine::from_p256(p).unwrap(), *k))
        .collect();
    let c = usize::from(input.window) % (MAX_WINDOW + 1);
    assert_eq!(pippenger_with_window(&ours, c).to_affine(), want, "c = {c}");
    let cut = usize::from(input.cut).min(ours.len());
    let (a, b) = ours.split_at(cut);
    assert_eq!(pippenger_parallel(&[a, b]).to_affine(), want, "split at {cut}");
});
