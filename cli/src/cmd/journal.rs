//! `possig journal append|verify|stats|prove` and proof checking.

use crate::{TrustArgs, parse_time, time_or_now};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use possig::journal::{
    Anchor, Event, Finding, InclusionProof, JournalItem, JournalOptions, JournalReader,
    JournalWriter, RecordOutcome, Status, Summary, verify_journal, verify_many,
};
use possig::{KeyId, TrustStore, UnverifiedReceipt, VerifyOptions};
use serde_json::json;

use crate::view;

/// A journal file, or a directory of single-receipt files (read in file-name order).
pub(crate) enum Source {
    File(PathBuf),
    Dir(Vec<PathBuf>),
}

impl Source {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            Ok(Source::Dir(files))
        } else {
            Ok(Source::File(path.to_path_buf()))
        }
    }
}

/// `KEYID:COUNTER:DIGEST` (hex key id, decimal counter, hex receipt digest).
pub(crate) fn parse_anchor(s: &str) -> Result<(KeyId, Anchor)> {
    let parts: Vec<&str> = s.split(':').collect();
    let [k, c, d] = parts.as_slice() else {
        bail!("anchor {s:?}: expected KEYID:COUNTER:DIGEST")
    };
    let bad = |e| anyhow!("anchor {s:?}: key id and digest are 32 bytes in hex ({e})");
    Ok((
        k.parse().map_err(bad)?,
        Anchor {
            counter: c
                .parse()
                .map_err(|_| anyhow!("anchor {s:?}: bad counter"))?,
            digest: d.parse().map_err(bad)?,
        },
    ))
}

pub(crate) fn progress(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

pub(crate) fn append(journal: &Path, files: &[PathBuf]) -> Result<()> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(journal)
        .with_context(|| format!("opening {}", journal.display()))?;
    let mut w = JournalWriter::new(std::io::BufWriter::new(f));
    for p in files {
        let der = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        w.append_der(&der)
            .map_err(|e| anyhow!("{}: {e}", p.display()))?;
    }
    w.into_inner()?;
    println!(
        "appended {} receipt(s) to {}",
        files.len(),
        journal.display()
    );
    Ok(())
}

/// Runs verification over a source, streaming events to `sink`.
pub(crate) fn run(
    source: &Source,
    store: &TrustStore,
    opts: &JournalOptions,
    sink: impl FnMut(Event),
) -> Result<Summary> {
    match source {
        Source::File(p) => {
            let f = File::open(p).with_context(|| format!("opening {}", p.display()))?;
            let bar = progress(f.metadata().map(|m| m.len()).unwrap_or(0));
            let s = verify_journal(BufReader::new(bar.wrap_read(f)), store, opts, sink)?;
            bar.finish_and_clear();
            Ok(s)
        }
        Source::Dir(files) => {
            let bar = progress(files.len() as u64);
            let mut io_error = None;
            let records = files.iter().map_while(|p| {
                bar.inc(1);
                match std::fs::read(p) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        io_error = Some(anyhow!("reading {}: {e}", p.display()));
                        None
                    }
                }
            });
            let s = verify_many(records, store, opts, sink);
            bar.finish_and_clear();
            match io_error {
                Some(e) => Err(e),
                None => Ok(s),
            }
        }
    }
}

fn human_record(r: &RecordOutcome) -> Option<String> {
    let at = format!("#{} @{}", r.index, r.offset);
    let who = match (&r.terminal, r.counter) {
        (Some(t), Some(c)) => format!("{t} counter {c}"),
        _ => "-".into(),
    };
    match r.status {
        Status::Valid => None,
        Status::ValidWithWarnings => {
            Some(format!("WARNING  {at} {who}: {}", r.warnings.join(", ")))
        }
        Status::Unsigned => Some(format!("UNSIGNED {at} {who}")),
        Status::Invalid => Some(format!(
            "INVALID  {at} {who}: {} [{}]",
            r.error.map(|e| e.to_string()).unwrap_or_default(),
            r.code.unwrap_or("")
        )),
    }
}

pub(crate) fn verify(
    source: &Source,
    store: &TrustStore,
    opts: &JournalOptions,
    json_out: bool,
    all_records: bool,
) -> Result<bool> {
    let mut view = possig::view::JournalView::default();
    let summary = run(source, store, opts, |e| match e {
        Event::Record(r) => {
            if json_out {
                if all_records || r.status != Status::Valid {
                    view.push(Event::Record(r));
                }
            } else if let Some(line) = human_record(&r) {
                println!("{line}");
            }
        }
        Event::Finding(f) => {
            if !json_out && !matches!(f, Finding::ChainStart { how: "genesis", .. }) {
                println!(
                    "{}  {}",
                    if f.is_informational() {
                        "info    "
                    } else {
                        "FINDING "
                    },
                    f
                );
            }
            if json_out {
                view.push(Event::Finding(f));
            }
        }
    })?;
    let clean = summary.is_clean();
    if json_out {
        println!("{}", serde_json::to_string_pretty(&view.finish(summary))?);
    } else {
        print_summary(&summary);
    }
    Ok(clean)
}

/// Output formats of `journal verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Problems and a summary, for people.
    Text,
    /// The journal view (`possig::view::JournalView`).
    Json,
    /// Parquet files in `--out`.
    Parquet,
}

/// `journal verify --format parquet`: every record and finding to `out`, the summary printed.
fn verify_to_parquet(
    source: &Source,
    store: &TrustStore,
    opts: &JournalOptions,
    out: &Path,
) -> Result<bool> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut files = crate::parquet::JournalParquet::create(out)?;
    let mut failed = None;
    let summary = run(source, store, opts, |e| {
        if let Err(e) = files.push(e) {
            failed.get_or_insert(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let (r, f) = files.finish()?;
    print_summary(&summary);
    println!(
        "parquet: {} ({r} records), {} ({f} findings)",
        out.join("records.parquet").display(),
        out.join("findings.parquet").display()
    );
    Ok(summary.is_clean())
}

fn print_summary(s: &Summary) {
    println!("\n{} records, {} bytes", s.records, s.bytes);
    let fmt = |m: &BTreeMap<&'static str, u64>| {
        m.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("{:<16} {:<60} FINDINGS", "TERMINAL", "RECORDS");
    for (t, c) in &s.terminals {
        println!(
            "{:<16} {:<60} {}",
            if t.is_empty() { "(undecodable)" } else { t },
            fmt(&c.status),
            fmt(&c.findings)
        );
    }
    println!(
        "{:<16} {:<60} {}",
        "ALL",
        fmt(&s.total.status),
        fmt(&s.total.findings)
    );
    if !s.total.errors.is_empty() {
        println!("invalid by code: {}", fmt(&s.total.errors));
    }
    println!(
        "{}",
        if s.is_clean() {
            "RESULT: clean"
        } else {
            "RESULT: problems found"
        }
    );
}

/// `journal stats`: what a journal holds, without verifying anything.
pub(crate) fn stats(path: &Path, json_out: bool) -> Result<()> {
    let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut per_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_key: BTreeMap<String, (String, u64, u64, u64)> = BTreeMap::new();
    let (mut records, mut undecodable, mut garbage_bytes, mut bytes) = (0u64, 0u64, 0u64, 0u64);
    for item in JournalReader::new(BufReader::new(f)) {
        match item? {
            JournalItem::Garbage { len, .. } => garbage_bytes += len,
            JournalItem::Record { der, .. } => {
                records += 1;
                bytes += der.len() as u64;
                match UnverifiedReceipt::from_der(&der) {
                    Ok(r) => {
                        let t = r.tbs();
                        let name = if r.is_unsigned() {
                            format!("{} (unsigned)", t.kind().name())
                        } else {
                            t.kind().name().to_string()
                        };
                        *per_kind.entry(name).or_default() += 1;
                        let e = per_key.entry(hex::encode(r.key_id())).or_insert((
                            t.terminal_id().to_string(),
                            u64::MAX,
                            0,
                            0,
                        ));
                        e.1 = e.1.min(t.counter());
                        e.2 = e.2.max(t.counter());
                        e.3 += 1;
                    }
                    Err(_) => undecodable += 1,
                }
            }
        }
    }
    if json_out {
        let keys: Vec<_> = per_key.iter().map(|(k, (t, lo, hi, n))| json!({"key_id": k, "terminal": t, "first_counter": lo, "last_counter": hi, "records": n})).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"records": records, "bytes": bytes, "undecodable": undecodable, "garbage_bytes": garbage_bytes, "kinds": per_kind, "keys": keys})
            )?
        );
    } else {
        println!(
            "{records} records ({bytes} bytes), {undecodable} undecodable, {garbage_bytes} unreadable bytes (UNVERIFIED counts)"
        );
        for (k, n) in &per_kind {
            println!("  {k:<22} {n}");
        }
        for (k, (t, lo, hi, n)) in &per_key {
            println!(
                "  key {}… terminal {t}: counters {lo}..={hi}, {n} records",
                &k[..12]
            );
        }
    }
    Ok(())
}

pub(crate) fn prove(journal: &Path, receipt: &Path, out: &Path) -> Result<()> {
    let r = UnverifiedReceipt::from_der(
        &std::fs::read(receipt).with_context(|| format!("reading {}", receipt.display()))?,
    )
    .map_err(|e| anyhow!("{}: {e}", receipt.display()))?;
    let f = File::open(journal).with_context(|| format!("opening {}", journal.display()))?;
    let proof = InclusionProof::find(BufReader::new(f), &r)?.ok_or_else(|| {
        anyhow!(
            "{} is not in a batch closed by a dayClose in {}",
            receipt.display(),
            journal.display()
        )
    })?;
    std::fs::write(out, proof.to_der()?).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "proof written to {} (batch {} , position {})",
        out.display(),
        match proof.day_close().tbs().body() {
            possig::ReceiptBody::DayClose(d) => d.batch_number(),
            _ => 0,
        },
        proof.leaf_index()
    );
    Ok(())
}

pub(crate) fn verify_proof(
    proof: &Path,
    receipt: &Path,
    store: &TrustStore,
    opts: &VerifyOptions,
    json_out: bool,
) -> Result<bool> {
    let mut bytes = Vec::new();
    File::open(proof)
        .with_context(|| format!("opening {}", proof.display()))?
        .read_to_end(&mut bytes)?;
    let r = std::fs::read(receipt).with_context(|| format!("reading {}", receipt.display()))?;
    let result = InclusionProof::from_der(&bytes)
        .and_then(|p| UnverifiedReceipt::from_der(&r).and_then(|r| p.verify(&r, store, opts)));
    if json_out {
        let mut v = possig::view::OutcomeView::from(&result);
        if result.is_ok() {
            // The verified receipt is the dayClose whose batch includes the receipt.
            v.outcome = "included";
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        match &result {
            Ok(close) => println!(
                "INCLUDED  {} is in the batch closed by {}",
                receipt.display(),
                view::summary(close.tbs())
            ),
            Err(e) => println!("INVALID   {}: {e} [{}]", receipt.display(), e.code()),
        }
    }
    Ok(result.is_ok())
}

#[derive(Subcommand)]
pub(crate) enum JournalCommand {
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
        /// Machine-readable output (summary, findings, records that are not plainly valid);
        /// the same as `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// With --json, list every record, valid ones included.
        #[arg(long)]
        all_records: bool,
        /// `text` (the default), `json` (as --json), or `parquet`: every record and every
        /// finding written to `--out DIR` as records.parquet and findings.parquet (the schema
        /// of possig-arrow, possig.spark and to_arrow()), the text summary printed.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The directory of --format parquet's files (created if needed).
        #[arg(long, required_if_eq("format", "parquet"))]
        out: Option<PathBuf>,
    },
    /// Count records per kind and per key (nothing is verified).
    Stats {
        journal: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run_command(cmd: &JournalCommand) -> Result<bool> {
    match cmd {
        JournalCommand::Append { journal, files } => append(journal, files).map(|_| true),
        JournalCommand::Stats { journal, json } => stats(journal, *json).map(|_| true),
        JournalCommand::Prove {
            journal,
            receipt,
            out,
        } => prove(journal, receipt, out).map(|_| true),
        JournalCommand::Verify {
            trust,
            journal,
            anchors,
            at,
            json,
            all_records,
            format,
            out,
        } => {
            let now = time_or_now(*at)?;
            let mut opts = JournalOptions::new(VerifyOptions::at(now));
            for a in anchors {
                let (key, anchor) = parse_anchor(a)?;
                opts = opts.with_anchor(key, anchor);
            }
            let source = Source::open(journal)?;
            let store = trust.build()?;
            match (format, out) {
                (Some(Format::Parquet), Some(out)) => {
                    verify_to_parquet(&source, &store, &opts, out)
                }
                _ => {
                    let json = *json || *format == Some(Format::Json);
                    verify(&source, &store, &opts, json, *all_records)
                }
            }
        }
    }
}
