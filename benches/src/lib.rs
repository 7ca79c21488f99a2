//! Shared set-up of the criterion benchmarks: the committed test PKI and simulated days.

use std::path::PathBuf;

use possig::journal::JournalOptions;
use possig::reconcile::ReconcileOptions;
use possig::simulate::{SimTerminal, SimulatedDay, simulate_day};
use possig::{Error, Terminal, TrustStore, VerifyOptions};

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
