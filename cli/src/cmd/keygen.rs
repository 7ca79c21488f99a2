//! `possig keygen`.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use possig_testkit::pki;

use crate::write;

/// Generate a P-256 signing key (PKCS#8 PEM, file mode 0600).
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Where to write the private key.
    #[arg(long)]
    out: PathBuf,
    /// Also write the public key (SPKI PEM) here.
    #[arg(long)]
    public_out: Option<PathBuf>,
}

pub(crate) fn run(a: &Args) -> Result<bool> {
    keygen(&a.out, a.public_out.as_deref())?;
    Ok(true)
}

fn keygen(out: &Path, public_out: Option<&Path>) -> Result<()> {
    let key = pki::random_key()?;
    pki::write_key(out, &key)?;
    if let Some(p) = public_out {
        use spki::EncodePublicKey;
        let pem = key
            .verifying_key()
            .to_public_key_pem(der::pem::LineEnding::LF)
            .map_err(|e| anyhow!("{e}"))?;
        write(p, pem.as_bytes())?;
    }
    println!(
        "key id {}",
        hex::encode(possig::key_id(key.verifying_key())?)
    );
    Ok(())
}
