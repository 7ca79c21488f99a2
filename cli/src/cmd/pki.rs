//! `possig pki init|issue|revoke`: a demo PKI.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use possig_testkit::pki;

use crate::{now, parse_time};

#[derive(Subcommand)]
pub(crate) enum PkiCommand {
    /// Create a root and a terminal CA with their (empty) CRLs in DIR.
    Init {
        #[arg(long)]
        dir: PathBuf,
        /// Start of the CAs' validity (RFC 3339 or @UNIX); default: one day ago.
        #[arg(long, value_parser = parse_time)]
        not_before: Option<u64>,
    },
    /// Issue a terminal certificate for a key.
    Issue {
        #[arg(long)]
        dir: PathBuf,
        /// The terminal's private key (its public key is certified).
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        terminal: String,
        #[arg(long)]
        merchant: String,
        /// Validity in days from now.
        #[arg(long, default_value_t = 730)]
        days: u64,
        /// Start of validity (RFC 3339 or @UNIX); default: now.
        #[arg(long, value_parser = parse_time)]
        not_before: Option<u64>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Revoke a terminal certificate and re-issue the terminal CA's CRL.
    Revoke {
        #[arg(long)]
        dir: PathBuf,
        /// The certificate to revoke.
        #[arg(long)]
        cert: PathBuf,
        /// Revocation time (RFC 3339 or @UNIX); default: now.
        #[arg(long, value_parser = parse_time)]
        at: Option<u64>,
    },
}

pub(crate) fn run(cmd: &PkiCommand) -> Result<()> {
    match cmd {
        PkiCommand::Init { dir, not_before } => {
            let d = pki::PkiDir { dir: dir.clone() };
            let t = now()?;
            let from = not_before.unwrap_or(t - 86_400);
            d.init(&pki::random_key()?, &pki::random_key()?, from, t)?;
            println!("created root, terminal CA and CRLs in {}", dir.display());
        }
        PkiCommand::Issue {
            dir,
            key,
            terminal,
            merchant,
            days,
            not_before,
            out,
        } => {
            let d = pki::PkiDir { dir: dir.clone() };
            let k = pki::read_key(key)?;
            let t = now()?;
            let from = not_before.unwrap_or(t - 60);
            let cert = d.issue_terminal(
                k.verifying_key(),
                terminal,
                merchant,
                from,
                t + days * 86_400,
            )?;
            pki::write_pem(out, &pki::cert_pem(&cert)?)?;
            println!("issued {} for terminal {terminal}", out.display());
        }
        PkiCommand::Revoke { dir, cert, at } => {
            let d = pki::PkiDir { dir: dir.clone() };
            let t = now()?;
            let at = at.unwrap_or(t);
            d.revoke(&pki::read_cert(cert)?, at, t)?;
            println!("revoked {}; CRL re-issued", cert.display());
        }
    }
    Ok(())
}
