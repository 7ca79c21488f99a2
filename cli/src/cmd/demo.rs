//! `possig demo`: the back office's daily job on built-in sample data. A demo PKI, a simulated
//! day on four terminals of three merchants (thousands of receipts of every kind; forgotten
//! signatures re-signed later and one never; a tampered slip; a deleted receipt; a duplicate
//! upload; a terminal revoked mid-day; a signer outage recovered), the acquirer's settlement
//! file with a few discrepancies, then verification and reconciliation, a summary and the HTML
//! report. Deterministic: keys derive from a fixed seed, times are fixed, the day is simulated
//! from a fixed seed.

use std::path::Path;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use possig::journal::{JournalItem, JournalOptions, JournalReader};
use possig::{Terminal, TrustStore, UnverifiedReceipt, VerifyOptions};
use possig_reconcile::{Item, ReconcileOptions};
use possig_testkit::simulate::{Expected, SimTerminal, simulate_day};

use crate::view;
use possig_testkit::pki::{self, PkiDir};

const SEED: &str = "possig-demo-v2";
/// Seed of the simulated day.
const DAY_SEED: u64 = 20_261_120;
/// Transactions per terminal.
const PER_TERMINAL: usize = 700;

pub(crate) fn run(dir: &Path) -> Result<bool> {
    let day = crate::parse_time("2026-11-20T00:00:00Z")?;
    let h = |hours: u64, minutes: u64| day + hours * 3600 + minutes * 60;
    // The back office runs a week later: a signature still pending then is a finding.
    let verify_at = crate::parse_time("2026-11-28T08:00:00Z")?;
    let _ = std::fs::remove_dir_all(dir);
    let receipts_dir = dir.join("receipts");
    std::fs::create_dir_all(&receipts_dir)
        .with_context(|| format!("creating {}", receipts_dir.display()))?;

    // 1. The PKI: a root, a terminal CA, one certificate per terminal.
    let pki_dir = PkiDir {
        dir: dir.join("pki"),
    };
    pki_dir.init(
        &pki::derived_key(SEED, "root")?,
        &pki::derived_key(SEED, "terminal-ca")?,
        day - 30 * 86_400,
        day - 86_400,
    )?;
    let fleet = [
        ("M-100 Cafe Lumiere", "T-100"),
        ("M-100 Cafe Lumiere", "T-101"),
        ("M-200 City Kiosk", "T-200"),
        ("M-300 Night Bar", "T-300"),
    ];
    let revoked_terminal = "T-300";
    let revoked_at = h(14, 0);
    let mut terminals = Vec::new();
    let mut certs = Vec::new();
    for (merchant, id) in fleet {
        let t = Terminal::new(pki::derived_key(SEED, id)?, merchant, id)?;
        let cert = pki_dir.issue_terminal(
            &t.verifying_key(),
            id,
            merchant,
            day - 30 * 86_400,
            day + 2 * 365 * 86_400,
        )?;
        let path = pki_dir.path(&format!("{id}.pem"));
        pki::write_pem(&path, &pki::cert_pem(&cert)?)?;
        certs.push((id, cert, path));
        terminals.push(SimTerminal {
            terminal: t,
            id: id.to_string(),
            revoked_at: (id == revoked_terminal).then_some(revoked_at),
        });
    }

    // 2. The day, and the acquirer's settlement file.
    let sim = simulate_day(terminals, day, PER_TERMINAL, DAY_SEED)?;
    let journal_path = dir.join("day.journal");
    let settlement_path = dir.join("settlement.csv");
    std::fs::write(&journal_path, &sim.journal)?;
    std::fs::write(&settlement_path, &sim.settlement_csv)?;

    // 3. T-300's key is reported compromised at 14:00; the CRL is re-issued at 18:00.
    if let Some((_, cert, _)) = certs.iter().find(|(id, _, _)| *id == revoked_terminal) {
        pki_dir.revoke(cert, revoked_at, h(18, 0))?;
    }

    // 4. The back office: trust store, verification and reconciliation.
    let mut b = TrustStore::builder();
    b.add_root(&std::fs::read(pki_dir.path("root.pem"))?)?;
    b.add_intermediate(&std::fs::read(pki_dir.path("intermediate.pem"))?)?;
    for (_, _, path) in &certs {
        b.add_terminal(&std::fs::read(path)?)?;
    }
    b.add_crl(&std::fs::read(pki_dir.path("root.crl.pem"))?)?;
    b.add_crl(&std::fs::read(pki_dir.path("intermediate.crl.pem"))?)?;
    let store = b.build()?;
    println!(
        "possig demo: {} receipts from {} terminals on {}, {} settlement rows; verified and \
         reconciled as of {}",
        sim.receipts,
        fleet.len(),
        &view::rfc3339(day)[..10],
        sim.rows,
        view::rfc3339(verify_at)
    );
    println!(
        "PKI, journal ({}) and settlement file ({}) in {}\n",
        journal_path.display(),
        settlement_path.display(),
        dir.display()
    );
    let options = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(verify_at)));
    let out = dir.join("report");
    let (report, findings) = crate::cmd::reconcile::run(
        std::slice::from_ref(&journal_path),
        &settlement_path,
        &store,
        &options,
        &out,
        crate::cmd::reconcile::Format::Csv,
    )?;
    crate::cmd::reconcile::print_summary(&report);
    let j = &report.journal.total;
    let count = |m: &std::collections::BTreeMap<&str, u64>, k: &str| m.get(k).copied().unwrap_or(0);
    println!(
        "\nJournal: {} valid, {} valid with warnings, {} invalid ({} revoked, {} bad signature), \
         {} unsigned ({} covered by a recovery); chain findings: {} gap, {} duplicate, {} pending, \
         {} re-signed",
        count(&j.status, "valid"),
        count(&j.status, "valid_with_warnings"),
        count(&j.status, "invalid"),
        count(&j.errors, "revoked"),
        count(&j.errors, "bad_signature"),
        count(&j.status, "unsigned"),
        count(&j.findings, "unsigned_covered"),
        count(&j.findings, "gap"),
        count(&j.findings, "duplicate"),
        count(&j.findings, "pending"),
        count(&j.findings, "re_signed"),
    );

    // 5. Sample receipts to try the other commands on.
    write_samples(&sim.journal, &receipts_dir, &findings)?;
    println!(
        "\nReport: {}\nItems:  {}\nTry:    possig show {}\n        possig scan {}",
        out.join("report.html").display(),
        out.join("items.csv").display(),
        receipts_dir.join("genuine-sale.txt").display(),
        receipts_dir.join("genuine-sale.png").display(),
    );
    let mut found: Vec<Expected> = findings.iter().map(Expected::of).collect();
    found.sort();
    if !report.is_conserved() || found != sim.expected {
        let count = |v: &[Expected], e: &Expected| v.iter().filter(|x| *x == e).count();
        let missing: Vec<_> = sim
            .expected
            .iter()
            .filter(|e| count(&sim.expected, e) > count(&found, e))
            .collect();
        let extra: Vec<_> = found
            .iter()
            .filter(|e| count(&found, e) > count(&sim.expected, e))
            .collect();
        return Err(anyhow!(
            "demo: {} findings, {} injected; conservation {}; not found {missing:?}; \
             unexpected {extra:?}",
            found.len(),
            sim.expected.len(),
            report.is_conserved()
        ));
    }
    println!(
        "\nAll {} injected problems were found, and nothing else; every receipt and row is \
         accounted for.",
        found.len()
    );
    Ok(true)
}

/// Writes the first genuine sale of the journal as DER, text form and QR code, and the
/// tampered slip as DER.
fn write_samples(journal: &[u8], dir: &Path, findings: &[Item]) -> Result<()> {
    let tampered_index = findings
        .iter()
        .filter_map(|i| i.receipt.as_ref())
        .find(|r| r.code == Some("bad_signature"))
        .map(|r| r.index);
    let mut reader = JournalReader::new(journal);
    let mut index = 0u64;
    let mut sale_written = false;
    while let Some(item) = reader.next_item()? {
        let JournalItem::Record { der, .. } = item else {
            continue;
        };
        if Some(index) == tampered_index {
            std::fs::write(dir.join("tampered-sale.der"), &der)?;
        }
        if !sale_written
            && let Ok(r) = UnverifiedReceipt::from_der(&der)
            && r.tbs().kind() == possig::ReceiptKind::Sale
            && !r.is_unsigned()
        {
            std::fs::write(dir.join("genuine-sale.der"), &der)?;
            std::fs::write(dir.join("genuine-sale.txt"), format!("{}\n", r.to_text()?))?;
            let qr = possig::printable::qr::ReceiptQr::new(&r)?;
            std::fs::write(dir.join("genuine-sale.png"), qr.to_png(4)?)?;
            std::fs::write(dir.join("genuine-sale.svg"), qr.to_svg(4))?;
            sale_written = true;
        }
        index += 1;
    }
    Ok(())
}

/// Build a demo PKI, sign receipts of every kind, tamper one, verify all.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Working directory (default: ./demo-out).
    #[arg(long, default_value = "demo-out")]
    dir: PathBuf,
}

/// `possig demo`.
pub(crate) fn run_command(a: &Args) -> Result<bool> {
    run(&a.dir)
}
