//! `possig reconcile`: journals against the acquirer's settlement file; JSON, CSV and HTML
//! reports in one directory.

use crate::{TrustArgs, parse_time, time_or_now};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use possig::TrustStore;
use possig::journal::Event;
use possig::journal::JournalOptions;
use possig_reconcile::{
    Category, ColumnMap, Item, ItemsCsv, ReconcileOptions, Report, reconcile_with_events,
};

use crate::parquet::{JournalParquet, ParquetFile};

/// Finding items kept in memory for report.json and report.html; items.csv has every item.
/// 100,000 findings make a 60 MB HTML page, about what a browser still opens.
const MAX_LISTED_FINDINGS: usize = 100_000;

/// Several files read one after the other, opened lazily.
struct Concat {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<BufReader<File>>,
}

impl Read for Concat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(r) = &mut self.current {
                let n = r.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
            }
            match self.files.next() {
                Some(p) => self.current = Some(BufReader::new(File::open(p)?)),
                None => return Ok(0),
            }
        }
    }
}

/// `--columns terminal_id=TID,rrn=Retrieval Ref,...`.
pub(crate) fn parse_columns(spec: Option<&str>) -> Result<ColumnMap> {
    let mut map = ColumnMap::default();
    for pair in spec
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (col, header) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("--columns {pair:?}: expected COLUMN=HEADER"))?;
        map = map
            .with_code(col, header)
            .map_err(|e| anyhow!("--columns {col:?}: {e}"))?;
    }
    Ok(map)
}

/// Prints the summary table.
pub(crate) fn print_summary(report: &Report) {
    println!(
        "{:<24} {:>9} {:>9} {:>9}",
        "CATEGORY", "ITEMS", "RECEIPTS", "ROWS"
    );
    for c in Category::ALL {
        let n = report.categories.get(c.code()).copied().unwrap_or_default();
        let mark = if c.is_finding() && n.items > 0 {
            "!"
        } else {
            " "
        };
        println!(
            "{mark}{:<23} {:>9} {:>9} {:>9}",
            c.code(),
            n.items,
            n.receipts,
            n.rows
        );
    }
    println!(
        " {:<23} {:>9} {:>9} {:>9}",
        "total (of input)",
        "",
        format!("{}/{}", report.receipts_categorized(), report.receipts),
        format!("{}/{}", report.rows_categorized(), report.rows)
    );
    println!(
        "conservation: {}",
        if report.is_conserved() {
            "every receipt and every row is in exactly one category"
        } else {
            "VIOLATED"
        }
    );
}

/// What `possig reconcile` writes besides `report.json` and `report.html`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `items.csv`: every item, one line each.
    #[default]
    Csv,
    /// `items.parquet`, `records.parquet` and `findings.parquet` (possig-arrow's schema, as
    /// possig.spark and to_arrow() write it): every item, every record outcome, every chain
    /// finding.
    Parquet,
}

/// Where the items go: `items.csv`, or the Parquet files (with the journal's events).
enum Outputs {
    Csv(Box<ItemsCsv<BufWriter<File>>>),
    Parquet(Box<ParquetOutputs>),
}

/// The three Parquet files of `--format parquet`.
struct ParquetOutputs {
    items: ParquetFile<Item>,
    journal: JournalParquet,
}

impl Outputs {
    fn create(out: &Path, format: Format) -> Result<Self> {
        Ok(match format {
            Format::Csv => Outputs::Csv(Box::new(
                ItemsCsv::new(BufWriter::new(
                    File::create(out.join("items.csv")).context("creating items.csv")?,
                ))
                .map_err(|e| anyhow!("{e}"))?,
            )),
            Format::Parquet => Outputs::Parquet(Box::new(ParquetOutputs {
                items: crate::parquet::items(out)?,
                journal: JournalParquet::create(out)?,
            })),
        })
    }

    fn item(&mut self, item: &Item) -> Result<()> {
        match self {
            Outputs::Csv(csv) => csv.write(item).context("writing items.csv"),
            Outputs::Parquet(p) => p.items.push(item.clone()),
        }
    }

    fn event(&mut self, event: &Event) -> Result<()> {
        match self {
            Outputs::Parquet(p) => p.journal.push(event.clone()),
            Outputs::Csv(_) => Ok(()),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Outputs::Csv(mut csv) => csv.flush().context("writing items.csv"),
            Outputs::Parquet(p) => {
                p.items.finish()?;
                p.journal.finish()?;
                Ok(())
            }
        }
    }
}

/// Runs a reconciliation and writes `out/report.json`, `out/report.html` and the items
/// (`out/items.csv`, or with [`Format::Parquet`] the Parquet files). Returns the report and
/// the findings listed (at most [`MAX_LISTED_FINDINGS`]).
pub(crate) fn run(
    journals: &[PathBuf],
    settlement: &Path,
    store: &TrustStore,
    options: &ReconcileOptions,
    out: &Path,
    format: Format,
) -> Result<(Report, Vec<Item>)> {
    let mut files = Vec::new();
    for j in journals {
        if j.is_dir() {
            bail!(
                "{}: a directory; concatenate its receipts with `possig journal append`",
                j.display()
            );
        }
        files.push(j.clone());
    }
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()))
        .collect::<std::io::Result<Vec<u64>>>()
        .context("reading the journals")?
        .iter()
        .sum();
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let settlement_file =
        File::open(settlement).with_context(|| format!("opening {}", settlement.display()))?;
    let mut outputs = Outputs::create(out, format)?;
    let mut findings: Vec<Item> = Vec::new();
    let mut failed = None;
    let bar = crate::cmd::journal::progress(total);
    let journal = Concat {
        files: files.into_iter(),
        current: None,
    };
    let report = {
        // Both sinks write to the outputs, one after the other, never at once.
        let outputs = std::cell::RefCell::new(&mut outputs);
        let failed = std::cell::RefCell::new(&mut failed);
        let fail = |r: Result<()>| {
            if let Err(e) = r {
                failed.borrow_mut().get_or_insert(e);
            }
        };
        reconcile_with_events(
            BufReader::new(bar.wrap_read(journal)),
            BufReader::new(settlement_file),
            store,
            options,
            |event| fail(outputs.borrow_mut().event(event)),
            |item| {
                fail(outputs.borrow_mut().item(item));
                if item.category.is_finding() && findings.len() < MAX_LISTED_FINDINGS {
                    findings.push(item.clone());
                }
            },
        )
        .map_err(|e| anyhow!("{e} [{}]", e.code()))?
    };
    bar.finish_and_clear();
    if let Some(e) = failed {
        return Err(e);
    }
    outputs.finish()?;
    let listed_all = findings.len() < MAX_LISTED_FINDINGS;
    let view = possig_reconcile::ReportView::new(report, findings, listed_all);
    let mut w = BufWriter::new(File::create(out.join("report.json"))?);
    serde_json::to_writer_pretty(&mut w, &view)?;
    w.write_all(b"\n")?;
    w.flush()?;
    let mut w = BufWriter::new(File::create(out.join("report.html"))?);
    crate::html::write_html(&mut w, &view.report, &view.items)?;
    w.flush()?;
    Ok((view.report, view.items))
}

/// Reconcile journals against the acquirer's settlement file (CSV); writes report.json,
/// items.csv and report.html to --out. Exit 0 when nothing needs review, 1 otherwise.
#[derive(clap::Args)]
pub(crate) struct Args {
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
    /// The items' file: `csv` (items.csv, the default) or `parquet` (items.parquet, with
    /// records.parquet and findings.parquet: every record outcome and chain finding).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

/// `possig reconcile`.
pub(crate) fn run_command(a: &Args) -> Result<bool> {
    let now = time_or_now(a.at)?;
    let options = ReconcileOptions::new(JournalOptions::new(possig::VerifyOptions::at(now)))
        .with_window(a.window)
        .with_pending_days(a.pending_days)
        .with_columns(parse_columns(a.columns.as_deref())?);
    let (report, _) = run(
        &a.journals,
        &a.settlement,
        &a.trust.build()?,
        &options,
        &a.out,
        a.format,
    )?;
    print_summary(&report);
    println!("report: {}", a.out.join("report.html").display());
    Ok(report.is_clean())
}
