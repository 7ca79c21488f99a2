//! Shared set-up of the criterion benchmarks: the committed test PKI and simulated days.

use std::path::PathBuf;

use possig::journal::JournalOptions;
use possig::{Error, Terminal, TrustStore, VerifyOptions};
use possig_reconcile::ReconcileOptions;
use possig_testkit::simulate::{SimTerminal, SimulatedDay, simulate_day};

/// Verification time of the fixtures' golden vectors: 2027-01-01T00:00:00Z.
pub const NOW: u64 = 1_798_761_600;

fn fixture(name: &str) -> Result<Vec<u8>, Error> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/pki")
        .join(name);
    std::fs::read(p).map_err(Error::from)
}

/// The fixture trust store (root, terminal CA, two terminals, CRLs).
///
/// # Errors
/// If the fixtures cannot be read or do not load.
pub fn store() -> Result<TrustStore, Error> {
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")?)?;
    b.add_intermediate(&fixture("intermediate.pem")?)?;
    b.add_terminal(&fixture("term-ok.pem")?)?;
    b.add_terminal(&fixture("term-ok2.pem")?)?;
    b.add_crl(&fixture("root.crl.pem")?)?;
    b.add_crl(&fixture("intermediate.crl.pem")?)?;
    b.build()
}

/// A simulated day on the two fixture terminals, `per_terminal` transactions each.
///
/// # Errors
/// If the fixture keys cannot be read.
pub fn day(per_terminal: usize) -> Result<SimulatedDay, Error> {
    let key = |name: &str| -> Result<_, Error> {
        let pem = String::from_utf8_lossy(&fixture(&format!("{name}.key.pem"))?).into_owned();
        possig::keys::signing_key_from_pkcs8_pem(&pem)
    };
    let terminals = vec![
        SimTerminal {
            terminal: Terminal::new(key("term-ok")?, "M-100", "T-100")?,
            id: "T-100".into(),
            revoked_at: None,
        },
        SimTerminal {
            terminal: Terminal::new(key("term-ok2")?, "M-200", "T-200")?,
            id: "T-200".into(),
            revoked_at: None,
        },
    ];
    // 2026-06-01: inside every fixture certificate's validity.
    simulate_day(terminals, 1_780_272_000, per_terminal, 1)
}

/// Reconciliation options at [`NOW`].
pub fn options() -> ReconcileOptions {
    ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)))
}

use possig_testkit::pki;

/// The typical receipt: the golden vector `sale-pin.der` (a PIN sale by the fixture terminal
/// `term-ok`). Its size is asserted by the benchmarks ([`TYPICAL_SIZE`]), so that format bloat
/// shows.
///
/// # Errors
/// If the vector cannot be read or decoded.
pub fn typical_receipt() -> anyhow::Result<possig::UnverifiedReceipt> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/vectors/sale-pin.der");
    Ok(possig::UnverifiedReceipt::from_der(&std::fs::read(p)?)?)
}

/// Size of [`typical_receipt`] in bytes (DER, no attachments).
pub const TYPICAL_SIZE: usize = 239;

/// A fixture terminal's signing key.
///
/// # Errors
/// If the fixture cannot be read or parsed.
pub fn fixture_key(name: &str) -> anyhow::Result<possig::keys::SigningKey> {
    let pem = String::from_utf8_lossy(&fixture(&format!("{name}.key.pem"))?).into_owned();
    Ok(possig::keys::signing_key_from_pkcs8_pem(&pem)?)
}

fn sale(t: &Terminal<possig::keys::SigningKey>, at: u64, i: u64) -> possig::ReceiptBuilder {
    t.builder(possig::ReceiptKind::Sale, at)
        .payment(possig::Payment {
            amount: 1_999 + i % 1000,
            currency: "EUR".into(),
            scheme: "VISA".into(),
            bin: "411111".into(),
            last4: "1234".into(),
            entry_mode: possig::EntryMode::Contactless,
            authorization_code: Some("A1B2C3".into()),
            rrn: format!("R{:011}", i),
            cardholder_verification: possig::CardholderVerification::Pin,
            original: None,
        })
}

/// `n` PIN sales signed by `keys` terminals (round robin), and a trust store that certifies
/// every one of them (issued by the fixture intermediate with the CLI's terminal profile).
///
/// # Errors
/// If the fixtures cannot be read or a certificate cannot be issued.
pub fn signed_by_many(n: usize, keys: usize) -> anyhow::Result<(TrustStore, Vec<Vec<u8>>)> {
    use der::{Decode, Encode};
    let (_, int_der) = der::pem::decode_vec(&fixture("intermediate.pem")?)?;
    let int = x509_cert::Certificate::from_der(&int_der)?;
    let int_key = fixture_key("intermediate")?;
    let mut b = TrustStore::builder();
    b.add_root(&fixture("root.pem")?)?;
    b.add_intermediate(&fixture("intermediate.pem")?)?;
    b.add_crl(&fixture("root.crl.pem")?)?;
    b.add_crl(&fixture("intermediate.crl.pem")?)?;
    let mut terminals = Vec::with_capacity(keys);
    for k in 0..keys {
        let name = format!("T-{k:05}");
        let key = pki::derived_key("possig bench", &name)?;
        let cert = pki::issue(
            pki::CertKind::Terminal,
            &format!("CN=terminal {name},O=M-100"),
            key.verifying_key(),
            Some((&int, &int_key)),
            None,
            100_000 + k as u64,
            (1_704_067_200, 2_051_222_400), // 2024-01-01 .. 2035-01-01
        )?;
        let der = cert.to_der()?;
        b.add_terminal(&der)?;
        terminals.push(Terminal::new(key, "M-100", &name)?);
    }
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        let len = terminals.len().max(1);
        if let Some(t) = terminals.get_mut(i % len) {
            let r = t.sign(sale(t, 1_780_308_000 + i as u64, i as u64))?;
            records.push(r.to_der()?);
        }
    }
    Ok((b.build()?, records))
}
