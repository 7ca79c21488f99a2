//! Constant-time check of possig's secret-handling arithmetic (`possig-ec`) under valgrind
//! memcheck: the secret is marked undefined, so memcheck reports every branch and memory
//! index that depends on it, or on anything derived from it.
//!
//! - **Signing** (`possig_ec::ecdsa::sign`, what `ReceiptDraft::sign` runs for a software key):
//!   the secret scalar `d` is marked, and with it everything derived (the RFC 6979 nonce `k`,
//!   `k⁻¹`, `k·G` before it is published, `s`, and the check of the output, which recomputes
//!   `((z + r·d)·s⁻¹)·G`). The signature is declassified when `sign` returns: it is output.
//! - **Single verification's point computation** `u1·G + u2·Q` (kept constant-time although
//!   its inputs are public): with `u1` and `u2` marked, both ways it is computed (the key's
//!   table, for a key seen before; Jacobian coordinates with odd digits, for a key's first
//!   receipt) must add no report, and so must the final complete addition and the inversion.
//!   The last run takes `u2 = n − 6`, whose last addition is a doubling. The result is
//!   declassified and checked against p256's variable-time computation, so that the watched
//!   code is known to have computed it.
//!
//! Exit status: 0 when the watched code added no report and the leaky control was caught; 1
//! otherwise; 3 when not running under valgrind (a check that is not watching proves nothing).
//! Run with `make ct-check`; suppressions (each with its reason) are in `ct-check/ct.supp`.

mod valgrind;

use std::hint::black_box;
use std::process::ExitCode;

use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::ops::{MulByGeneratorVartime, Reduce};
use p256::{FieldBytes, NonZeroScalar, ProjectivePoint, Scalar};
use possig_ec::{KeyTable, PublicKey, ecdsa};

/// Runs per check: different keys and messages, so one lucky path is not enough.
const RUNS: u8 = 4;

/// A full-size scalar from a seed (no structure a lucky path could rely on).
fn scalar(seed: u8, tag: u8) -> Scalar {
    let bytes: [u8; 32] =
        std::array::from_fn(|i| (i as u8).wrapping_mul(151) ^ seed ^ tag.rotate_left(3));
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
}

/// Signs `RUNS` digests with watched keys; returns the number of reports it caused, or `None`
/// if a signature is not p256's.
fn sign_watched() -> Option<usize> {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let before = valgrind::error_count();
    for n in 1..=RUNS {
        let d = Option::<NonZeroScalar>::from(NonZeroScalar::new(scalar(n, 9)))?;
        let digest: [u8; 32] = std::array::from_fn(|i| (i as u8) ^ n.wrapping_mul(77));
        valgrind::mark_secret(&d);
        let signature = ecdsa::sign(&d, black_box(&digest));
        valgrind::declassify(&d);
        valgrind::declassify(&signature);
        let signature = signature?;
        let theirs: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(d)
            .sign_prehash(&digest)
            .ok()?;
        let (r, s) = theirs.normalize_s().split_bytes();
        if signature.r.to_repr() != r || signature.s.to_repr() != s {
            return None;
        }
    }
    Some(valgrind::error_count() - before)
}

/// Computes `u1·G + u2·Q` both ways `RUNS` times with `u1`, `u2` watched; returns the number
/// of reports it caused, or `None` if a result is wrong.
fn lincomb_watched() -> Option<usize> {
    let before = valgrind::error_count();
    for n in 1..=RUNS {
        let q = (ProjectivePoint::GENERATOR * scalar(n, 0)).to_affine();
        let key = PublicKey::from_p256(&q)?;
        let table = KeyTable::new(key.as_affine());
        // The last run: u2 = n − 6, the case that selects a doubling (ec/src/ct/mod.rs).
        let u2 = if n == RUNS {
            -Scalar::from(6u64)
        } else {
            scalar(n, 2)
        };
        let u = [scalar(n, 1), u2];
        valgrind::mark_secret(&u);
        let with_table = ecdsa::lincomb(&key, Some(&table), &u[0], &u[1]);
        let by_jacobian = ecdsa::lincomb(&key, None, &u[0], &u[1]);
        valgrind::declassify(&with_table);
        valgrind::declassify(&by_jacobian);
        valgrind::declassify(&u);
        let want = ProjectivePoint::mul_by_generator_and_mul_add_vartime(&u[0], &u[1], &q.into());
        let want = possig_ec::Affine::from_p256(&want.to_affine());
        let (with_table, by_jacobian) = (
            Option::<possig_ec::Affine>::from(with_table),
            Option::<possig_ec::Affine>::from(by_jacobian),
        );
        if with_table != want || by_jacobian != want {
            return None;
        }
    }
    Some(valgrind::error_count() - before)
}

/// The deliberately leaky control: one branch on a secret bit and one secret-indexed load. The
/// check is only trusted if memcheck reports both.
#[inline(never)]
#[allow(clippy::indexing_slicing)] // a u8 index into 256 entries; the secret-indexed load is the point
fn leaky(secret: &[u8; 2], table: &[u8; 256]) -> u8 {
    let mut x = table[usize::from(secret[1])];
    if secret[0] & 1 == 1 {
        x = x.wrapping_add(black_box(1));
    }
    x
}

fn leaky_control() -> usize {
    let before = valgrind::error_count();
    let secret = black_box([0x5au8, 0xa5]);
    let table: [u8; 256] = std::array::from_fn(|i| i as u8);
    valgrind::mark_secret(&secret);
    black_box(leaky(black_box(&secret), black_box(&table)));
    valgrind::declassify(&secret);
    valgrind::error_count() - before
}

fn main() -> ExitCode {
    if valgrind::running_on_valgrind() == 0 {
        eprintln!("ct-check: not running under valgrind; run `make ct-check`");
        return ExitCode::from(3);
    }
    let Some(signing) = sign_watched() else {
        eprintln!("ct-check: a signature is missing or not p256's");
        return ExitCode::FAILURE;
    };
    let Some(verifying) = lincomb_watched() else {
        eprintln!("ct-check: u1·G + u2·Q computed wrongly");
        return ExitCode::FAILURE;
    };
    let control = leaky_control();
    println!(
        "ct-check: {RUNS} signatures (nonce, k·G, s, check), {signing} secret-dependent reports (must be 0)"
    );
    println!(
        "ct-check: {RUNS} × u1·G + u2·Q (key table and Jacobian), {verifying} secret-dependent reports (must be 0)"
    );
    println!("ct-check: leaky control, {control} reports (must be >= 2: one branch, one index)");
    if signing == 0 && verifying == 0 && control >= 2 {
        println!("ct-check: PASS");
        ExitCode::SUCCESS
    } else {
        println!("ct-check: FAIL");
        ExitCode::FAILURE
    }
}
