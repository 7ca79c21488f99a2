//! `possig sign`: a transaction (tx.json) as the next receipt of the key's chain.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use possig::{ReceiptBuilder, ReceiptKind};
use possig_testkit::pki;

use crate::{parse_time, read, time_or_now, tx, write};

/// Sign a transaction (tx.json) as the next receipt of the key's chain.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Terminal private key (PKCS#8 PEM).
    #[arg(long)]
    key: PathBuf,
    /// Terminal certificate; must hold the key's public key.
    #[arg(long)]
    cert: PathBuf,
    /// Chain state (counter and previous digest per key), created if missing.
    #[arg(long)]
    state: PathBuf,
    /// The transaction, see the README.
    #[arg(long = "in")]
    input: PathBuf,
    /// Where to write the signed receipt (DER).
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    sign(&a.key, &a.cert, &a.state, &a.input, &a.out)?;
    Ok(true)
}

fn sign(key: &Path, cert: &Path, state_path: &Path, input: &Path, out: &Path) -> Result<()> {
    let key = pki::read_key(key)?;
    let key_id = possig::key_id(key.verifying_key())?;
    let cert = pki::read_cert(cert)?;
    let cert_spki = der::Encode::to_der(cert.tbs_certificate().subject_public_key_info())?;
    if possig::key_id_of_spki_der(&cert_spki) != key_id {
        bail!("the certificate does not hold this key's public key");
    }
    let tx: tx::Tx = serde_json::from_slice(&read(input)?)
        .with_context(|| format!("parsing {}", input.display()))?;
    let kind =
        ReceiptKind::from_name(&tx.kind).ok_or_else(|| anyhow!("unknown kind {:?}", tx.kind))?;
    let issued_at = time_or_now(tx.issued_at.as_deref().map(parse_time).transpose()?)?;
    let mut state = tx::State::load(state_path)?;
    let (counter, previous) = state.chain(&key_id)?;
    let builder = ReceiptBuilder::new(kind)
        .signer_key_id(key_id)
        .chain(counter, previous)
        .issued_at(issued_at);
    let receipt = tx.apply(builder, kind)?.build()?.sign(&key)?;
    write(out, &receipt.to_der()?)?;
    state.advance(&key_id, counter, receipt.digest());
    state.save(state_path)?;
    println!(
        "signed {} counter {} digest {}",
        kind.name(),
        counter,
        hex::encode(receipt.digest())
    );
    Ok(())
}
