//! `possig`: keys, a demo PKI, signing and verification of point-of-sale receipts.
//!
//! Exit codes: 0 every receipt valid (warnings allowed), 1 at least one invalid, 2 usage or I/O.

mod cmd;
mod html;
mod parquet;
mod tx;
mod view;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use possig::TrustStore;

#[derive(Parser)]
#[command(
    name = "possig",
    version,
    about = "Signed, tamper-evident point-of-sale receipts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a P-256 signing key (PKCS#8 PEM, file mode 0600).
    Keygen(cmd::keygen::Args),
    /// A demo PKI: root, terminal CA, terminal certificates and CRLs.
    Pki {
        #[command(subcommand)]
        command: cmd::pki::PkiCommand,
    },
    /// Sign a transaction (tx.json) as the next receipt of the key's chain (the signer state
    /// of `possig terminal`; `--init` starts it).
    Sign(cmd::terminal::LegacySignArgs),
    /// A whole terminal on a durable signer state: init, sign, outage, recover, close-day,
    /// rotate, status.
    Terminal {
        #[command(subcommand)]
        command: cmd::terminal::TerminalCommand,
    },
    /// Verify receipts against a trust store.
    Verify(cmd::verify::Args),
    /// Journals: append receipts, verify a whole history, count what is inside, prove inclusion.
    Journal {
        #[command(subcommand)]
        command: cmd::journal::JournalCommand,
    },
    /// Show a receipt's content WITHOUT verifying it.
    Show(cmd::show::Args),
    /// Write the exact signed bytes and a DER ECDSA-Sig-Value, for third-party tools
    /// (`openssl dgst -sha256 -verify pub.pem -signature s.der t.der`).
    ExportTbs(cmd::export_tbs::Args),
    /// Reconcile journals against the acquirer's settlement file (CSV); writes report.json,
    /// items.csv and report.html to --out. Exit 0 when nothing needs review, 1 otherwise.
    Reconcile(cmd::reconcile::Args),
    /// Print a receipt's text form (`PSR1:` + Base45 of the DER without attachments).
    Encode(cmd::printable::EncodeArgs),
    /// Read a receipt's text form (file, or - for standard input) and write its DER.
    Decode(cmd::printable::DecodeArgs),
    /// Render a receipt's QR code (ECC M, text form in alphanumeric mode) as SVG or PNG.
    Qr(cmd::printable::QrArgs),
    /// Read the QR code in an image (PNG or JPEG): print the text form, or write the DER.
    Scan(cmd::printable::ScanArgs),
    /// Build a demo PKI, sign receipts of every kind, tamper one, verify all.
    Demo(cmd::demo::Args),
    /// Print the JSON Schema of a `--json` document (verify, proof, show, journal-verify, report),
    /// or of every view the bindings return (views).
    Schema(cmd::schema::Args),
}

/// Where trust comes from.
#[derive(clap::Args)]
struct TrustArgs {
    /// Trusted root certificates, the trust anchors (PEM bundle or DER); repeatable.
    /// `--trust` is an alias.
    #[arg(long = "root", visible_alias = "trust", required = true)]
    roots: Vec<PathBuf>,
    /// Intermediate CA certificates; repeatable.
    #[arg(long = "intermediate")]
    intermediates: Vec<PathBuf>,
    /// Terminal certificates; repeatable.
    #[arg(long = "terminal")]
    terminals: Vec<PathBuf>,
    /// CRLs (PEM or DER); repeatable.
    #[arg(long = "crl")]
    crls: Vec<PathBuf>,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

pub(crate) fn now() -> Result<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs())
}

pub(crate) fn parse_time(s: &str) -> Result<u64> {
    if let Some(unix) = s.strip_prefix('@') {
        return unix.parse().map_err(|_| anyhow!("bad Unix time {s:?}"));
    }
    let t = humantime::parse_rfc3339(s).map_err(|e| {
        anyhow!("bad time {s:?}: {e} (use RFC 3339 UTC, e.g. 2026-11-22T10:00:00Z)")
    })?;
    Ok(t.duration_since(std::time::UNIX_EPOCH)?.as_secs())
}

/// An optional time argument (parsed by clap with [`parse_time`]), or now.
fn time_or_now(at: Option<u64>) -> Result<u64> {
    at.map_or_else(now, Ok)
}

impl TrustArgs {
    fn build(&self) -> Result<TrustStore> {
        let mut b = TrustStore::builder();
        let ctx = |p: &Path, e: possig::Error| anyhow!("{}: {e}", p.display());
        for p in &self.roots {
            b.add_root(&read(p)?).map_err(|e| ctx(p, e))?;
        }
        for p in &self.intermediates {
            b.add_intermediate(&read(p)?).map_err(|e| ctx(p, e))?;
        }
        for p in &self.terminals {
            b.add_terminal(&read(p)?).map_err(|e| ctx(p, e))?;
        }
        for p in &self.crls {
            b.add_crl(&read(p)?).map_err(|e| ctx(p, e))?;
        }
        b.build().map_err(|e| anyhow!("trust store: {e}"))
    }
}

fn run(cli: Cli) -> Result<bool> {
    match &cli.command {
        Command::Keygen(a) => cmd::keygen::run(a),
        Command::Pki { command } => cmd::pki::run(command).map(|_| true),
        Command::Sign(a) => cmd::terminal::run_legacy(a),
        Command::Terminal { command } => cmd::terminal::run_command(command),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Journal { command } => cmd::journal::run_command(command),
        Command::Show(a) => cmd::show::run(a),
        Command::Schema(a) => cmd::schema::run(a),
        Command::ExportTbs(a) => cmd::export_tbs::run(a),
        Command::Reconcile(a) => cmd::reconcile::run_command(a),
        Command::Encode(a) => cmd::printable::run_encode(a),
        Command::Decode(a) => cmd::printable::run_decode(a),
        Command::Qr(a) => cmd::printable::run_qr(a),
        Command::Scan(a) => cmd::printable::run_scan(a),
        Command::Demo(a) => cmd::demo::run_command(a),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("possig: {e:#}");
            ExitCode::from(2)
        }
    }
}
