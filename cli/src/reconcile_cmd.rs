//! `possig reconcile`: journals against the acquirer's settlement file; JSON, CSV and HTML
//! reports in one directory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use possig::TrustStore;
use possig::error::SettlementColumn;
use possig::reconcile::{Category, ColumnMap, Item, ReconcileOptions, Report, reconcile};

use crate::view;

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
        let column = SettlementColumn::from_code(col.trim()).ok_or_else(|| {
            anyhow!(
                "--columns: unknown column {col:?} (one of {})",
                SettlementColumn::ALL.map(|c| c.code()).join(", ")
            )
        })?;
        map = map.with(column, header);
    }
    Ok(map)
}

fn time_str(t: Option<u64>) -> String {
    t.map(view::rfc3339).unwrap_or_default()
}

const CSV_HEADER: [&str; 24] = [
    "category",
    "reason",
    "terminal",
    "receipt_index",
    "receipt_status",
    "receipt_code",
    "digest",
    "merchant",
    "kind",
    "issued_at",
    "amount",
    "currency",
    "rrn",
    "authorization_code",
    "last4",
    "cardholder_verification",
    "pending_days",
    "related_digest",
    "row_line",
    "row_kind",
    "row_time",
    "row_amount",
    "row_currency",
    "row_bad_column",
];

fn csv_record(it: &Item) -> Vec<String> {
    let r = it.receipt.as_ref();
    let row = it.row.as_ref();
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        it.category.code().into(),
        it.reason.map(|r| r.code()).unwrap_or_default().into(),
        it.terminal().into(),
        opt(r.map(|r| r.index.to_string())),
        opt(r.map(|r| r.status.to_string())),
        opt(r.and_then(|r| r.code).map(str::to_string)),
        opt(r.and_then(|r| r.digest.clone())),
        opt(r.and_then(|r| r.merchant.clone())),
        opt(r.and_then(|r| r.kind).map(str::to_string)),
        time_str(r.and_then(|r| r.issued_at)),
        opt(r.and_then(|r| r.amount).map(|a| a.to_string())),
        opt(r.and_then(|r| r.currency.clone())),
        opt(r.and_then(|r| r.rrn.clone()).or(row.map(|w| w.rrn.clone()))),
        opt(r.and_then(|r| r.authorization_code.clone())),
        opt(r.and_then(|r| r.last4.clone())),
        opt(r
            .and_then(|r| r.cardholder_verification)
            .map(str::to_string)),
        opt(it.pending_for.map(|s| (s / 86_400).to_string())),
        opt(it.related.as_ref().and_then(|r| r.digest.clone())),
        opt(row.map(|w| w.line.to_string())),
        opt(row.map(|w| w.kind.to_string())),
        opt(row
            .filter(|w| w.bad_column.is_none())
            .map(|w| view::rfc3339(w.time))),
        opt(row
            .filter(|w| w.bad_column.is_none())
            .map(|w| w.amount.to_string())),
        opt(row.map(|w| w.currency.clone())),
        opt(row.and_then(|w| w.bad_column).map(str::to_string)),
    ]
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

/// Runs a reconciliation and writes `out/report.json`, `out/items.csv`, `out/report.html`.
/// Returns the report and the findings listed (at most [`MAX_LISTED_FINDINGS`]).
pub(crate) fn run(
    journals: &[PathBuf],
    settlement: &Path,
    store: &TrustStore,
    options: &ReconcileOptions,
    out: &Path,
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
    let mut csv = csv::Writer::from_writer(BufWriter::new(
        File::create(out.join("items.csv")).context("creating items.csv")?,
    ));
    csv.write_record(CSV_HEADER)?;
    let mut findings: Vec<Item> = Vec::new();
    let mut csv_error = None;
    let bar = crate::journal_cmd::progress(total);
    let journal = Concat {
        files: files.into_iter(),
        current: None,
    };
    let report = reconcile(
        BufReader::new(bar.wrap_read(journal)),
        BufReader::new(settlement_file),
        store,
        options,
        |item| {
            if let Err(e) = csv.write_record(csv_record(item)) {
                csv_error.get_or_insert(e);
            }
            if item.category.is_finding() && findings.len() < MAX_LISTED_FINDINGS {
                findings.push(item.clone());
            }
        },
    )
    .map_err(|e| anyhow!("{e} [{}]", e.code()))?;
    bar.finish_and_clear();
    if let Some(e) = csv_error {
        return Err(e).context("writing items.csv");
    }
    csv.flush()?;
    let listed_all = findings.len() < MAX_LISTED_FINDINGS;
    let json = serde_json::json!({
        "report": report,
        "conserved": report.is_conserved(),
        "clean": report.is_clean(),
        "findings": findings,
        "findings_complete": listed_all,
    });
    let mut w = BufWriter::new(File::create(out.join("report.json"))?);
    serde_json::to_writer_pretty(&mut w, &json)?;
    w.write_all(b"\n")?;
    w.flush()?;
    let mut w = BufWriter::new(File::create(out.join("report.html"))?);
    possig::reconcile::write_html(&mut w, &report, &findings)?;
    w.flush()?;
    Ok((report, findings))
}
