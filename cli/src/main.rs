//! `possig`: keys, a demo PKI, signing and verification of point-of-sale receipts.
//!
//! Exit codes: 0 every receipt valid (warnings allowed), 1 at least one invalid, 2 usage or I/O.

mod demo;
mod html;
mod journal_cmd;
mod printable;
mod reconcile_cmd;
mod tx;
mod view;

use possig_testkit::pki;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use possig::{ReceiptBuilder, ReceiptKind, TrustStore, UnverifiedReceipt, VerifyOptions};

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
    Keygen {
        /// Where to write the private key.
        #[arg(long)]
        out: PathBuf,
        /// Also write the public key (SPKI PEM) here.
        #[arg(long)]
        public_out: Option<PathBuf>,
    },
    /// A demo PKI: root, terminal CA, terminal certificates and CRLs.
    Pki {
        #[command(subcommand)]
        command: PkiCommand,
    },
    /// Sign a transaction (tx.json) as the next receipt of the key's chain.
    Sign {
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
    },
    /// Verify receipts against a trust store.
    Verify {
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
    },
    /// Journals: append receipts, verify a whole history, count what is inside, prove inclusion.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Show a receipt's content WITHOUT verifying it.
    Show {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Receipt file (DER).
        file: PathBuf,
    },
    /// Write the exact signed bytes and a DER ECDSA-Sig-Value, for third-party tools
    /// (`openssl dgst -sha256 -verify pub.pem -signature s.der t.der`).
    ExportTbs {
        /// Receipt file (DER).
        file: PathBuf,
        /// Where to write the TBS bytes.
        #[arg(long)]
        tbs_out: PathBuf,
        /// Where to write the DER signature.
        #[arg(long)]
        sig_out: PathBuf,
    },
    /// Reconcile journals against the acquirer's settlement file (CSV); writes report.json,
    /// items.csv and report.html to --out. Exit 0 when nothing needs review, 1 otherwise.
    Reconcile {
        #[command(flatten)]
        trust: TrustArgs,
        /// Journal files (concatenated receipts); repeatable, read as one stream.
        #[arg(long = "journal", required = true)]
        journals: Vec<PathBuf>,
        /// The settlement file (CSV with a header line).
        #[arg(long)]
        settlement: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Verification time (RFC 3339 or @UNIX); default: now.
        #[arg(long, value_parser = parse_time)]
        at: Option<u64>,
        /// Seconds a row's time may differ from the receipt's issue time.
        #[arg(long, default_value_t = possig_reconcile::DEFAULT_WINDOW_SECONDS)]
        window: u64,
        /// Days a cardholder signature may stay pending before it is a finding.
        #[arg(long, default_value_t = possig_reconcile::DEFAULT_PENDING_DAYS)]
        pending_days: u64,
        /// Header names of other banks' files: COLUMN=HEADER,... (columns: terminal_id, batch,
        /// rrn, authorization_code, amount, currency, time, kind).
        #[arg(long)]
        columns: Option<String>,
    },
    /// Print a receipt's text form (`PSR1:` + Base45 of the DER without attachments).
    Encode {
        /// Text form (the only printable encoding; required for clarity).
        #[arg(long, required = true)]
        text: bool,
        /// Receipt file (DER or text form).
        file: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Read a receipt's text form (file, or - for standard input) and write its DER.
    Decode {
        /// File holding the text form, or - for standard input.
        input: PathBuf,
        /// Where to write the receipt (DER).
        #[arg(long)]
        out: PathBuf,
    },
    /// Render a receipt's QR code (ECC M, text form in alphanumeric mode) as SVG or PNG.
    Qr {
        /// Receipt file (DER or text form).
        file: PathBuf,
        /// Output file: .svg or .png.
        #[arg(long)]
        out: PathBuf,
        /// Pixels (PNG) or user units (SVG) per module.
        #[arg(long, default_value_t = 4)]
        module_px: u32,
    },
    /// Read the QR code in an image (PNG or JPEG): print the text form, or write the DER.
    Scan {
        /// The image.
        image: PathBuf,
        /// Write the receipt (DER) here instead of printing its text form.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build a demo PKI, sign receipts of every kind, tamper one, verify all.
    Demo {
        /// Working directory (default: ./demo-out).
        #[arg(long, default_value = "demo-out")]
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Append receipts (DER files, each checked to decode) to a journal, creating it if needed.
    Append {
        #[arg(long)]
        journal: PathBuf,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a proof that a receipt is in a batch closed by a signed dayClose.
    Prove {
        /// The journal holding the receipt and the dayClose.
        #[arg(long)]
        journal: PathBuf,
        /// The receipt (DER).
        #[arg(long)]
        receipt: PathBuf,
        /// Where to write the proof (DER).
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify every record and the chains of a journal (or a directory of receipt files).
    Verify {
        #[command(flatten)]
        trust: TrustArgs,
        /// A journal file or a directory of single-receipt files.
        journal: PathBuf,
        /// Last known receipt of a key before this journal: KEYID:COUNTER:DIGEST (hex, decimal, hex).
        #[arg(long = "anchor")]
        anchors: Vec<String>,
        /// Verification time (RFC 3339 or @UNIX); default: now.
        #[arg(long, value_parser = parse_time)]
        at: Option<u64>,
        /// Machine-readable output (summary, findings, records that are not plainly valid).
        #[arg(long)]
        json: bool,
        /// With --json, list every record, valid ones included.
        #[arg(long)]
        all_records: bool,
    },
    /// Count records per kind and per key (nothing is verified).
    Stats {
        journal: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PkiCommand {
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

fn sign(key: &Path, cert: &Path, state_path: &Path, input: &Path, out: &Path) -> Result<()> {
    let key = pki::read_key(key)?;
    let key_id = possig::key_id(key.verifying_key())?;
    let cert = pki::read_cert(cert)?;
    let cert_spki = der::Encode::to_der(cert.tbs_certificate().subject_public_key_info())?;
    if possig::trust::key_id_of_spki_der(&cert_spki) != key_id {
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

fn show(file: &Path, json: bool) -> Result<()> {
    let r = printable::load_receipt(file)?;
    if json {
        let v = possig::view::ReceiptView::from(&r);
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", view::show_human(&r));
    }
    Ok(())
}

fn export_tbs(file: &Path, tbs_out: &Path, sig_out: &Path) -> Result<()> {
    let r = UnverifiedReceipt::from_der(&read(file)?)
        .map_err(|e| anyhow!("{}: {e} [{}]", file.display(), e.code()))?;
    write(tbs_out, r.tbs_der())?;
    write(
        sig_out,
        &possig::verify::sig::to_der_signature(r.signature())?,
    )?;
    Ok(())
}

fn pki_cmd(cmd: &PkiCommand) -> Result<()> {
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

fn journal(cmd: &JournalCommand) -> Result<bool> {
    match cmd {
        JournalCommand::Append { journal, files } => {
            journal_cmd::append(journal, files).map(|_| true)
        }
        JournalCommand::Stats { journal, json } => journal_cmd::stats(journal, *json).map(|_| true),
        JournalCommand::Prove {
            journal,
            receipt,
            out,
        } => journal_cmd::prove(journal, receipt, out).map(|_| true),
        JournalCommand::Verify {
            trust,
            journal,
            anchors,
            at,
            json,
            all_records,
        } => {
            let now = time_or_now(*at)?;
            let mut opts = possig::journal::JournalOptions::new(VerifyOptions::at(now));
            for a in anchors {
                let (key, anchor) = journal_cmd::parse_anchor(a)?;
                opts = opts.with_anchor(key, anchor);
            }
            let source = journal_cmd::Source::open(journal)?;
            journal_cmd::verify(&source, &trust.build()?, &opts, *json, *all_records)
        }
    }
}

fn run(cli: Cli) -> Result<bool> {
    match &cli.command {
        Command::Keygen { out, public_out } => keygen(out, public_out.as_deref()).map(|_| true),
        Command::Pki { command } => pki_cmd(command).map(|_| true),
        Command::Sign {
            key,
            cert,
            state,
            input,
            out,
        } => sign(key, cert, state, input, out).map(|_| true),
        Command::Verify {
            trust,
            at,
            json,
            proof: Some(proof),
            files,
        } => {
            let [file] = files.as_slice() else {
                bail!("--proof checks exactly one receipt")
            };
            let now = time_or_now(*at)?;
            journal_cmd::verify_proof(proof, file, &trust.build()?, &VerifyOptions::at(now), *json)
        }
        Command::Verify {
            trust,
            at,
            json,
            proof: None,
            files,
        } => verify(trust, *at, *json, files),
        Command::Journal { command } => journal(command),
        Command::Show { json, file } => show(file, *json).map(|_| true),
        Command::ExportTbs {
            file,
            tbs_out,
            sig_out,
        } => export_tbs(file, tbs_out, sig_out).map(|_| true),
        Command::Reconcile {
            trust,
            journals,
            settlement,
            out,
            at,
            window,
            pending_days,
            columns,
        } => {
            let now = time_or_now(*at)?;
            let options = possig_reconcile::ReconcileOptions::new(
                possig::journal::JournalOptions::new(VerifyOptions::at(now)),
            )
            .with_window(*window)
            .with_pending_days(*pending_days)
            .with_columns(reconcile_cmd::parse_columns(columns.as_deref())?);
            let (report, _) =
                reconcile_cmd::run(journals, settlement, &trust.build()?, &options, out)?;
            reconcile_cmd::print_summary(&report);
            println!("report: {}", out.join("report.html").display());
            Ok(report.is_clean())
        }
        Command::Encode { text: _, file, out } => {
            printable::encode(file, out.as_deref()).map(|_| true)
        }
        Command::Decode { input, out } => printable::decode(input, out).map(|_| true),
        Command::Qr {
            file,
            out,
            module_px,
        } => printable::qr(file, out, *module_px).map(|_| true),
        Command::Scan { image, out } => printable::scan(image, out.as_deref()).map(|_| true),
        Command::Demo { dir } => demo::run(dir),
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
