//! `possig verify`: receipts against a trust store, or one receipt's inclusion proof.

use std::path::PathBuf;

use anyhow::{Result, bail};
use possig::{UnverifiedReceipt, VerifyOptions};

use crate::cmd::journal;
use crate::{TrustArgs, parse_time, read, time_or_now, view};

/// Verify receipts against a trust store.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    trust: TrustArgs,
    /// Verification time (RFC 3339, e.g. 2026-11-22T10:00:00Z, or @UNIX); default: now.
    #[arg(long, value_parser = parse_time)]
    at: Option<u64>,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
    /// Check an inclusion proof (from `possig journal prove`) for the single receipt FILE.
    #[arg(long)]
    proof: Option<PathBuf>,
    /// Receipt files (DER).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    match &a.proof {
        Some(proof) => {
            let [file] = a.files.as_slice() else {
                bail!("--proof checks exactly one receipt")
            };
            let now = time_or_now(a.at)?;
            journal::verify_proof(
                proof,
                file,
                &a.trust.build()?,
                &VerifyOptions::at(now),
                a.json,
            )
        }
        None => verify(&a.trust, a.at, a.json, &a.files),
    }
}

fn verify(trust: &TrustArgs, at: Option<u64>, json: bool, files: &[PathBuf]) -> Result<bool> {
    let store = trust.build()?;
    let now = time_or_now(at)?;
    let opts = VerifyOptions::at(now);
    let mut all_ok = true;
    let mut outcomes = Vec::new();
    for f in files {
        let result = UnverifiedReceipt::from_bytes(&read(f)?).and_then(|r| r.verify(&store, &opts));
        all_ok &= result.is_ok();
        let name = f.display().to_string();
        if json {
            outcomes.push(view::FileOutcome {
                file: name,
                outcome: possig::view::OutcomeView::from(&result),
            });
        } else {
            match &result {
                Ok(v) if v.warnings().is_empty() => {
                    println!("VALID    {name}  {}", view::summary(v.tbs()))
                }
                Ok(v) => {
                    println!("WARNING  {name}  {}", view::summary(v.tbs()));
                    for w in v.warnings() {
                        println!("         ! {w} [{}]", w.code());
                    }
                }
                Err(e) => println!("INVALID  {name}  {} [{}]", e, e.code()),
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&outcomes)?);
    }
    Ok(all_ok)
}
