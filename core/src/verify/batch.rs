//! Batched verification of many receipts, as journals call it chunk by chunk: records decoded
//! and checked up to their signature equation on every core, then the equations checked
//! together by possig-ec's batch equation (random weights; a failing batch is bisected down
//! to single verification, so every record gets its own verdict, the same one
//! [`crate::UnverifiedReceipt::verify`] gives).

use p256::Scalar;
pub(crate) use possig_ec::batch::Weights;
use possig_ec::{Affine, PublicKey};

use crate::ecdsa::Prechecked;
use crate::error::Error;
use crate::hash::KeyId;
use crate::trust::{TrustStore, Warning};
use crate::verify::receipt::{self, UnverifiedReceipt, VerifyOptions};

/// A decoded record and the SHA-256 of its TBS, computed on the pool: the signature check
/// hashes the TBS, and the chain analysis compares TBS digests (duplicate or fork).
pub(crate) struct Decoded {
    pub(crate) receipt: UnverifiedReceipt,
    pub(crate) tbs_digest: [u8; 32],
}

/// A record decoded (if it decodes) and its verification result.
pub(crate) type Checked = (Option<Decoded>, Result<Vec<Warning>, Error>);

/// A record checked up to its signature equation, and the signature's `R` when signatures are
/// batched (`None` also when `R` cannot be recovered: single verification names the error).
type Ready = (receipt::Prepared, Option<Affine>);

/// Batch weights seeded from the operating system's CSPRNG; `None` if it is unavailable.
pub(crate) fn weights_from_os() -> Option<Weights> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).ok()?;
    Some(Weights::new(seed))
}

/// A record decoded and checked up to its signature equation, or why it does not decode.
type Prepared = Result<(Decoded, Result<Ready, Error>), Error>;

/// `f` over every item: on every core with the `parallel` feature.
#[cfg(feature = "parallel")]
fn map_all<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn map_all<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}

/// A prepared signature: the signature, its signer's key and key id.
type Signed<'a> = (&'a Prechecked, &'a PublicKey, KeyId);

/// The signature equations of the prepared records: batched when `weights` is available, one
/// by one otherwise. Results are in the order of `signed`; `r[i]` is the `R` of `signed[i]`.
fn equations(
    signed: &[Signed<'_>],
    r: &[Option<Affine>],
    weights: Option<&mut Weights>,
) -> Vec<Result<(), Error>> {
    let Some(weights) = weights else {
        return map_all(signed, |(p, key, _)| p.finish(key, None, None));
    };
    let single = |i: usize, s_inv: Option<&Scalar>| match signed.get(i) {
        Some((p, key, _)) => p.finish(key, None, s_inv),
        None => Err(Error::BadSignature),
    };
    let batch: Vec<_> = signed
        .iter()
        .map(|(p, key, id)| p.batch_item(id.to_bytes(), key))
        .collect();
    #[cfg(feature = "parallel")]
    return possig_ec::batch::verify_parallel(&batch, r, weights, single);
    #[cfg(not(feature = "parallel"))]
    possig_ec::batch::verify(&batch, r, weights, single)
}

/// Decodes and verifies every record: decoded and prepared on every core, signatures batched.
///
/// Each signature's `R` is recovered in the same pass that decodes and prepares its record: the
/// square roots are the largest cost of a batch, spread record by record they keep the cores
/// evenly busy, and a pass of their own would add a join where one core waits for the other.
pub(crate) fn check_all(
    items: &[(u64, Vec<u8>)],
    store: &TrustStore,
    opts: &VerifyOptions,
    weights: Option<&mut Weights>,
) -> Vec<Checked> {
    let batching = weights.is_some();
    let prepared: Vec<Prepared> = map_all(items, |(_, der)| {
        UnverifiedReceipt::from_der(der).map(|receipt| {
            let tbs_digest = receipt.tbs_digest();
            let p = receipt.prepare_hashed(store, opts, &tbs_digest).map(|p| {
                let r = if batching {
                    p.signature.recover_r()
                } else {
                    None
                };
                (p, r)
            });
            (
                Decoded {
                    receipt,
                    tbs_digest,
                },
                p,
            )
        })
    });
    let (signed, r): (Vec<Signed<'_>>, Vec<Option<Affine>>) = prepared
        .iter()
        .filter_map(|p| {
            let (d, ready) = p.as_ref().ok()?;
            let (p, r) = ready.as_ref().ok()?;
            Some(((&p.signature, &p.path.key, d.receipt.key_id()), *r))
        })
        .unzip();
    // One result per batch item, in order.
    let mut results = equations(&signed, &r, weights).into_iter();
    prepared
        .into_iter()
        .map(|p| match p {
            Err(e) => (None, Err(e)),
            Ok((r, Err(e))) => (Some(r), Err(e)),
            Ok((r, Ok((p, _)))) => {
                let verdict = results
                    .next()
                    .unwrap_or(Err(Error::BadSignature))
                    .and_then(|()| r.receipt.check_attachments())
                    .map(|()| p.path.warnings);
                (Some(r), verdict)
            }
        })
        .collect()
}
