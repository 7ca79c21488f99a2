//! Constant-time check of possig's signing path (the [security] issue): signs receipts under
//! valgrind memcheck with the secret scalar marked undefined, so memcheck reports every branch
//! and memory index that depends on it, or on anything derived from it (the RFC 6979 nonce `k`,
//! `k⁻¹`, `k·G` before it is published). The signature is declassified when the signer returns
//! it: it is public output.
//!
//! It also watches the single-receipt verification's point computation `u1·G + u2·Q` (the
//! [perf] issue keeps that path constant-time): with `u1` and `u2` marked secret, both ways it
//! is computed (the key's precomputed table, for a key seen before; Jacobian coordinates and odd
//! digits over p256's field, for a key's first receipt) must add no report. The last run takes
//! `u2 = n − 6`, whose last addition is a doubling. The result is declassified, and checked
//! against a variable-time computation so that the watched code is known to have computed it.
//!
//! Exit status: 0 when signing added no report and the leaky control was caught; 1 otherwise;
//! 3 when not running under valgrind (a check that is not watching proves nothing).
//! Run with `make ct-check`; suppressions (each with its reason) are in `ct-check/ct.supp`.

mod valgrind;

use std::hint::black_box;
use std::process::ExitCode;

use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::ops::{MulByGeneratorVartime, Reduce};
use p256::{FieldBytes, ProjectivePoint, Scalar};
use possig::bench_internals::{KeyTable, lincomb_ct};
use possig::{CardholderVerification, EntryMode, Payment, ReceiptBuilder, ReceiptKind};

/// Signing runs per check: different keys and messages, so one lucky path is not enough.
const RUNS: u8 = 4;

/// A signer whose secret scalar memcheck treats as secret while it signs.
struct Watched(SigningKey);

impl signature::Keypair for Watched {
    type VerifyingKey = VerifyingKey;
    fn verifying_key(&self) -> VerifyingKey {
        *self.0.verifying_key()
    }
}

impl signature::Signer<Signature> for Watched {
    fn try_sign(&self, msg: &[u8]) -> Result<Signature, signature::Error> {
        valgrind::mark_secret(self.0.as_nonzero_scalar());
        let sig = self.0.try_sign(msg);
        valgrind::declassify(self.0.as_nonzero_scalar());
        if let Ok(sig) = &sig {
            valgrind::declassify(sig);
        }
        sig
    }
}

fn draft(key: &SigningKey, n: u8) -> Result<possig::ReceiptDraft, possig::Error> {
    ReceiptBuilder::new(ReceiptKind::Sale)
        .signer_key_id(possig::key_id(key.verifying_key())?)
        .merchant_id("M-1")
        .terminal_id("T-CT")
        .chain(u64::from(n), [n; 32])
        .issued_at(1_780_308_000 + u64::from(n))
        .payment(Payment {
            amount: 1_000 + u64::from(n),
            currency: "EUR".into(),
            scheme: "VISA".into(),
            bin: "411111".into(),
            last4: "0042".into(),
            entry_mode: EntryMode::Contactless,
            authorization_code: Some("A1B2C3".into()),
            rrn: format!("RRN{n}"),
            cardholder_verification: CardholderVerification::Pin,
            original: None,
        })
        .build()
}

/// Signs `RUNS` receipts with watched keys; returns the number of reports it caused.
fn sign_watched() -> Result<usize, possig::Error> {
    let before = valgrind::error_count();
    for n in 1..=RUNS {
        let key = possig::keys::signing_key_from_bytes(&[n.wrapping_mul(37) ^ 0x5a; 32])?;
        let d = draft(&key, n)?;
        let signed = d.sign(&Watched(key))?;
        black_box(signed.signature());
    }
    Ok(valgrind::error_count() - before)
}

/// A full-size scalar from a seed (no structure a lucky path could rely on).
fn scalar(seed: u8, tag: u8) -> Scalar {
    let bytes: [u8; 32] =
        std::array::from_fn(|i| (i as u8).wrapping_mul(151) ^ seed ^ tag.rotate_left(3));
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
}

/// Computes `u1·G + u2·Q` both ways `RUNS` times with `u1`, `u2` watched; returns the number
/// of reports it caused, or `None` if a result is wrong.
fn lincomb_watched() -> Option<usize> {
    let before = valgrind::error_count();
    for n in 1..=RUNS {
        let q = (ProjectivePoint::GENERATOR * scalar(n, 0)).to_affine();
        let table = KeyTable::new(&q);
        // The last run: u2 = n − 6, the case that selects a doubling (core/src/ct_jacobian.rs).
        let u2 = if n == RUNS {
            -Scalar::from(6u64)
        } else {
            scalar(n, 2)
        };
        let u = [scalar(n, 1), u2];
        valgrind::mark_secret(&u);
        let with_table = lincomb_ct(&q, Some(&table), &u[0], &u[1]);
        let by_jacobian = lincomb_ct(&q, None, &u[0], &u[1]);
        valgrind::declassify(&with_table);
        valgrind::declassify(&by_jacobian);
        valgrind::declassify(&u);
        let want = ProjectivePoint::mul_by_generator_and_mul_add_vartime(&u[0], &u[1], &q.into());
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
    let signing = match sign_watched() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("ct-check: signing failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(verifying) = lincomb_watched() else {
        eprintln!("ct-check: u1·G + u2·Q computed wrongly");
        return ExitCode::FAILURE;
    };
    let control = leaky_control();
    println!("ct-check: {RUNS} signatures, {signing} secret-dependent reports (must be 0)");
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
