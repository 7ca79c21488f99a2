//! possig-ec's constant-time `u1·G + u2·Q` (with the key's table and without) and its signing
//! against p256: arbitrary scalars and keys, with the special ones weighted in (keys `±G` and
//! small multiples of `G`, `u2 = n − 6`, 0, ±1, and `u1·G = ±u2·Q`).
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::ops::{MulByGeneratorVartime, Reduce};
use p256::{FieldBytes, NonZeroScalar, ProjectivePoint, Scalar};
use possig_ec::{Affine, KeyTable, PublicKey, ecdsa};

#[derive(Arbitrary, Debug)]
enum Value {
    Bytes([u8; 32]),
    Small(i16),
}

#[derive(Arbitrary, Debug)]
enum U1 {
    Value(Value),
    /// `u1 = ±u2·x` where `Q = x·G`: the final addition doubles or cancels.
    Opposite(bool),
}

#[derive(Arbitrary, Debug)]
struct Input {
    key: Value,
    u1: U1,
    u2: Value,
    table: bool,
    digest: [u8; 32],
}

fn scalar(v: &Value) -> Scalar {
    match v {
        Value::Bytes(b) => <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*b)),
        Value::Small(k) => possig_fuzz::small_scalar(*k),
    }
}

fuzz_target!(|input: Input| {
    let x = scalar(&input.key);
    let Some(key) = PublicKey::from_p256(&(ProjectivePoint::GENERATOR * x).to_affine()) else {
        assert!(bool::from(p256::elliptic_curve::Field::is_zero(&x)));
        return;
    };
    let q = key.as_affine().to_p256();
    let u2 = scalar(&input.u2);
    let u1 = match &input.u1 {
        U1::Value(v) => scalar(v),
        U1::Opposite(neg) => {
            let m = u2 * x;
            if *neg { -m } else { m }
        }
    };
    let table = input.table.then(|| KeyTable::new(key.as_affine()));
    let got: Option<Affine> = ecdsa::lincomb(&key, table.as_ref(), &u1, &u2).into();
    let want = ProjectivePoint::mul_by_generator_and_mul_add_vartime(&u1, &u2, &q.into());
    assert_eq!(got, Affine::from_p256(&want.to_affine()));

    // Signing: p256's signature (made low-S), which verifies with and without a table.
    let Some(d) = Option::<NonZeroScalar>::from(NonZeroScalar::new(x)) else {
        return;
    };
    let ours = ecdsa::sign(&d, &input.digest).expect("signing never fails without a fault");
    let theirs: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(d)
        .sign_prehash(&input.digest)
        .unwrap();
    let (r, s) = theirs.normalize_s().split_bytes();
    assert_eq!((ours.r.to_repr(), ours.s.to_repr()), (r, s));
    let z = <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(input.digest));
    assert_eq!(ecdsa::verify(&key, table.as_ref(), &z, &ours.r, &ours.s), Some(ours.v));
});
