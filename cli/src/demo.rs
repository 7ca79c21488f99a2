//! `possig demo`: a demo PKI, a day of receipts of every kind on two terminals (one cardholder
//! signature left pending then re-signed, a signer outage recovered, one slip tampered, one
//! terminal revoked mid-day, a day close), verification of every receipt and of the day's
//! journal. Deterministic: keys derive from a fixed seed, times are fixed.

use std::path::Path;

use anyhow::{Context, Result};
use possig::keys::SigningKey;
use possig::{
    CardholderVerification as Cvm, EntryMode, Payment, ReceiptKind, Strokes, Terminal, TrustStore,
    UnverifiedReceipt, VerifyOptions,
};

use crate::pki::{self, PkiDir};
use crate::view;

const SEED: &str = "possig-demo-v1";

fn pay(amount: u64, cvm: Cvm, rrn: &str, original: Option<[u8; 32]>) -> Payment {
    Payment {
        amount,
        currency: "EUR".into(),
        scheme: "MASTERCARD".into(),
        bin: "52000000".into(),
        last4: "0007".into(),
        entry_mode: EntryMode::Contactless,
        authorization_code: Some("7Q2P9K".into()),
        rrn: rrn.into(),
        cardholder_verification: cvm,
        original,
    }
}

fn scribble(seed: u16) -> Result<Strokes> {
    let a: Vec<(u16, u16)> = (0..60u16)
        .map(|i| (30 + i * 9, 120 + ((i * seed) % 50)))
        .collect();
    let b = vec![(200, 40), (230, 170), (260, 40), (290, 170)];
    Ok(Strokes::new(640, 220, vec![a, b])?)
}

pub(crate) fn run(dir: &Path) -> Result<bool> {
    let day = crate::parse_time("2026-11-20T00:00:00Z")?;
    let h = |hours: u64, minutes: u64| day + hours * 3600 + minutes * 60;
    let verify_at = crate::parse_time("2026-11-21T08:00:00Z")?;
    let _ = std::fs::remove_dir_all(dir);
    let receipts_dir = dir.join("receipts");
    std::fs::create_dir_all(&receipts_dir)
        .with_context(|| format!("creating {}", receipts_dir.display()))?;

    // 1. The PKI.
    let pki_dir = PkiDir {
        dir: dir.join("pki"),
    };
    pki_dir.init(
        &pki::derived_key(SEED, "root")?,
        &pki::derived_key(SEED, "terminal-ca")?,
        day - 30 * 86_400,
        day - 86_400,
    )?;
    let terminal = |merchant: &str, id: &str| -> Result<Terminal<SigningKey>> {
        Ok(Terminal::new(pki::derived_key(SEED, id)?, merchant, id)?)
    };
    let mut cafe = terminal("M-100 Cafe Lumiere", "T-100")?;
    let mut kiosk = terminal("M-200 City Kiosk", "T-200")?;
    let (cafe_merchant, kiosk_merchant) = ("M-100 Cafe Lumiere", "M-200 City Kiosk");
    let year = 365 * 86_400;
    let cafe_cert = pki_dir.issue_terminal(
        &cafe.verifying_key(),
        "T-100",
        cafe_merchant,
        day - 30 * 86_400,
        day + 2 * year,
    )?;
    let kiosk_cert = pki_dir.issue_terminal(
        &kiosk.verifying_key(),
        "T-200",
        kiosk_merchant,
        day - 30 * 86_400,
        day + 2 * year,
    )?;
    pki::write_pem(&pki_dir.path("T-100.pem"), &pki::cert_pem(&cafe_cert)?)?;
    pki::write_pem(&pki_dir.path("T-200.pem"), &pki::cert_pem(&kiosk_cert)?)?;

    // 2. The day's receipts.
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut keep = |name: &str, r: &UnverifiedReceipt| -> Result<()> {
        out.push((name.to_string(), r.to_der()?));
        Ok(())
    };
    let sale = cafe.sign(cafe.builder(ReceiptKind::Sale, h(8, 5)).payment(pay(
        450,
        Cvm::None,
        "000000000101",
        None,
    )))?;
    keep("sale-contactless", &sale)?;
    let pending = cafe.sign(cafe.builder(ReceiptKind::Sale, h(9, 10)).payment(pay(
        8990,
        Cvm::Pending,
        "000000000102",
        None,
    )))?;
    keep("sale-forgot-to-sign", &pending)?;
    let signed = cafe.sign(
        cafe.builder(ReceiptKind::Sale, h(10, 30))
            .payment(pay(12500, Cvm::Signature, "000000000103", None))
            .signature_strokes(scribble(7)?),
    )?;
    keep("sale-signed-on-screen", &signed)?;
    let mut pin = pay(6400, Cvm::Pin, "000000000104", None);
    pin.entry_mode = EntryMode::Chip;
    let pin_sale = cafe.sign(cafe.builder(ReceiptKind::Sale, h(11, 0)).payment(pin))?;
    keep("sale-pin", &pin_sale)?;
    keep(
        "refund",
        &cafe.sign(cafe.builder(ReceiptKind::Refund, h(11, 45)).payment(pay(
            450,
            Cvm::None,
            "000000000105",
            Some(sale.digest()),
        )))?,
    )?;
    keep(
        "void",
        &cafe.sign(cafe.builder(ReceiptKind::Void, h(12, 0)).payment(pay(
            6400,
            Cvm::None,
            "000000000106",
            Some(pin_sale.digest()),
        )))?,
    )?;
    let pre = cafe.sign(cafe.builder(ReceiptKind::Preauth, h(12, 30)).payment(pay(
        20000,
        Cvm::Pin,
        "000000000107",
        None,
    )))?;
    keep("preauth", &pre)?;
    keep(
        "completion",
        &cafe.sign(cafe.builder(ReceiptKind::Completion, h(16, 0)).payment(pay(
            17350,
            Cvm::None,
            "000000000108",
            Some(pre.digest()),
        )))?,
    )?;
    keep(
        "copy",
        &cafe.sign(
            cafe.builder(ReceiptKind::Copy, h(16, 10))
                .copy_of(signed.digest(), 1),
        )?,
    )?;
    keep(
        "resign",
        &cafe.sign(
            cafe.builder(ReceiptKind::Resign, h(17, 20))
                .resign_of(pending.digest())
                .signature_strokes(scribble(11)?),
        )?,
    )?;
    // The cafe's signing key is unavailable for a while: two sales are recorded unsigned,
    // then a recovery receipt commits to them; the day is closed at 22:00.
    let unsigned1 =
        cafe.record_unsigned(cafe.builder(ReceiptKind::Sale, h(18, 40)).payment(pay(
            990,
            Cvm::None,
            "000000000109",
            None,
        )))?;
    keep("sale-during-outage", &unsigned1)?;
    let unsigned2 =
        cafe.record_unsigned(cafe.builder(ReceiptKind::Sale, h(18, 45)).payment(pay(
            2350,
            Cvm::Pin,
            "000000000110",
            None,
        )))?;
    keep("sale-during-outage", &unsigned2)?;
    keep("recovery", &cafe.recover(h(18, 50))?)?;
    keep("day-close", &cafe.close_day(h(22, 0))?)?;
    let kiosk_morning = kiosk.sign(kiosk.builder(ReceiptKind::Sale, h(10, 0)).payment(pay(
        1200,
        Cvm::None,
        "000000000201",
        None,
    )))?;
    keep("kiosk-before-revocation", &kiosk_morning)?;
    keep(
        "kiosk-after-revocation",
        &kiosk.sign(kiosk.builder(ReceiptKind::Sale, h(15, 0)).payment(pay(
            1500,
            Cvm::None,
            "000000000202",
            None,
        )))?,
    )?;
    // A slip edited after signing: 64.00 EUR became 4.00 EUR (the amount bytes rewritten).
    let mut tampered = pin_sale.to_der()?;
    let pos = tampered
        .windows(4)
        .position(|w| w == [0x02, 0x02, 0x19, 0x00])
        .ok_or_else(|| anyhow::anyhow!("demo: amount bytes not found"))?;
    if let Some(amount) = tampered.get_mut(pos + 2..pos + 4) {
        amount.copy_from_slice(&[0x01, 0x90]);
    }
    out.push(("sale-pin-TAMPERED".into(), tampered));

    // 3. The kiosk's key is reported compromised at 14:00.
    pki_dir.revoke(&kiosk_cert, h(14, 0), h(18, 0))?;

    // 4. Verify everything.
    let mut b = TrustStore::builder();
    b.add_root(&std::fs::read(pki_dir.path("root.pem"))?)?;
    b.add_intermediate(&std::fs::read(pki_dir.path("intermediate.pem"))?)?;
    b.add_terminal(&std::fs::read(pki_dir.path("T-100.pem"))?)?;
    b.add_terminal(&std::fs::read(pki_dir.path("T-200.pem"))?)?;
    b.add_crl(&std::fs::read(pki_dir.path("root.crl.pem"))?)?;
    b.add_crl(&std::fs::read(pki_dir.path("intermediate.crl.pem"))?)?;
    let store = b.build()?;
    let opts = VerifyOptions::at(verify_at);

    println!(
        "possig demo: {} receipts from 2 terminals, verified as of {}",
        out.len(),
        view::rfc3339(verify_at)
    );
    println!("PKI, receipts and journal in {}\n", dir.display());
    println!(
        "{:<3} {:<26} {:<11} {:>10}  {:<21} VERDICT",
        "#", "FILE", "KIND", "AMOUNT", "ISSUED (UTC)"
    );
    let (mut valid, mut warned, mut invalid) = (0, 0, 0);
    for (i, (name, der)) in out.iter().enumerate() {
        let file = format!("{:02}-{name}.der", i + 1);
        std::fs::write(receipts_dir.join(&file), der)?;
        let parsed = UnverifiedReceipt::from_der(der);
        let (kind, amount, issued) = match &parsed {
            Ok(r) => {
                let t = r.tbs();
                let amount = t
                    .payment()
                    .map(|p| {
                        format!(
                            "{} {}",
                            view::format_amount(p.amount(), p.currency_exponent()),
                            p.currency()
                        )
                    })
                    .unwrap_or_else(|| "-".into());
                (
                    t.kind().name().to_string(),
                    amount,
                    view::rfc3339(t.issued_at()),
                )
            }
            Err(_) => ("?".into(), "?".into(), "?".into()),
        };
        let verdict = match parsed.and_then(|r| r.verify(&store, &opts)) {
            Ok(v) if v.warnings().is_empty() => {
                valid += 1;
                "genuine".to_string()
            }
            Ok(v) => {
                warned += 1;
                let w: Vec<String> = v.warnings().iter().map(|w| w.code().to_string()).collect();
                format!("genuine, with warnings: {}", w.join(", "))
            }
            Err(e) => {
                invalid += 1;
                format!("NOT GENUINE: {} [{}]", e, e.code())
            }
        };
        println!(
            "{:<3} {:<26} {:<11} {:>10}  {:<21} {verdict}",
            i + 1,
            name,
            kind,
            amount,
            issued
        );
    }
    println!("\n{valid} genuine, {warned} genuine with warnings, {invalid} not genuine");

    // 5. The same day as the back office sees it: one journal, chains and batches checked.
    let journal_path = dir.join("journal.bin");
    let journal: Vec<u8> = out
        .iter()
        .filter(|(name, _)| name != "sale-pin-TAMPERED")
        .flat_map(|(_, d)| d.clone())
        .collect();
    std::fs::write(&journal_path, &journal)?;
    println!(
        "\nJournal {} ({} receipts):",
        journal_path.display(),
        out.len() - 1
    );
    let jopts = possig::journal::JournalOptions::new(opts);
    crate::journal_cmd::verify(
        &crate::journal_cmd::Source::File(journal_path.clone()),
        &store,
        &jopts,
        false,
        false,
    )?;
    println!(
        "Try: possig show {}",
        receipts_dir.join("02-sale-forgot-to-sign.der").display()
    );
    Ok(true)
}
