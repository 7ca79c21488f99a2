//! `possig export-tbs`: the exact signed bytes and a DER signature, for third-party tools.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use possig::UnverifiedReceipt;

use crate::{read, write};

/// Write the exact signed bytes and a DER ECDSA-Sig-Value, for third-party tools
/// (`openssl dgst -sha256 -verify pub.pem -signature s.der t.der`).
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Receipt file (DER).
    file: PathBuf,
    /// Where to write the TBS bytes.
    #[arg(long)]
    tbs_out: PathBuf,
    /// Where to write the DER signature.
    #[arg(long)]
    sig_out: PathBuf,
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    export_tbs(&a.file, &a.tbs_out, &a.sig_out)?;
    Ok(true)
}

fn export_tbs(file: &Path, tbs_out: &Path, sig_out: &Path) -> Result<()> {
    let r = UnverifiedReceipt::from_der(&read(file)?)
        .map_err(|e| anyhow!("{}: {e} [{}]", file.display(), e.code()))?;
    write(tbs_out, r.tbs_der())?;
    write(sig_out, &possig::ecdsa::to_der_signature(r.signature())?)?;
    Ok(())
}
