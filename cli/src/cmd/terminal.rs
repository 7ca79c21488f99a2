//! `possig terminal ...` and `possig sign`: a whole terminal on a durable signer state
//! (`possig_terminal::SignerStore`, a directory). Every receipt is on disk in the state's
//! journal before its file is written; one signer at a time per state.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use possig::keys::SigningKey;
use possig::{Digest, ReceiptKind, TerminalState, UnverifiedReceipt};
use possig_terminal::{SignerStore, Wait};
use possig_testkit::pki;
use serde::Deserialize;

use crate::{parse_time, read, time_or_now, tx, write};

#[derive(clap::Subcommand)]
pub(crate) enum TerminalCommand {
    /// Start a key's chain: create its signer state (a directory). Never implicit.
    Init(InitArgs),
    /// Sign a transaction (tx.json) as the chain's next receipt.
    Sign(SignArgs),
    /// Record a transaction unsigned while the signing key is unavailable (no key needed).
    Outage(OutageArgs),
    /// Sign the `recovery` that commits to the unsigned records since the last one.
    Recover(KeyAtArgs),
    /// Sign the `dayClose` of the open batch (its totals and Merkle root); a new batch starts.
    CloseDay(KeyAtArgs),
    /// Retire this key's state and start the next key's, whose first receipt names this
    /// key's last one.
    Rotate(RotateArgs),
    /// Print the state: key, chain position, open batch, outage records, rotation.
    Status(StatusArgs),
}

/// The signer state and how to take it.
#[derive(clap::Args)]
pub(crate) struct StateArgs {
    /// The signer state: a directory (journal.der, state.json, lock).
    #[arg(long)]
    state: PathBuf,
    /// Fail at once (code `locked`) if another signer holds the state, instead of waiting.
    #[arg(long)]
    no_wait: bool,
}

impl StateArgs {
    fn open(&self) -> Result<SignerStore> {
        let wait = if self.no_wait { Wait::No } else { Wait::Yes };
        refuse_legacy(&self.state)?;
        SignerStore::open(&self.state, wait).map_err(|e| store_error(&self.state, e))
    }
}

/// A signing key and, optionally, the certificate that must hold it.
#[derive(clap::Args)]
pub(crate) struct KeyArgs {
    /// Terminal private key (PKCS#8 PEM).
    #[arg(long)]
    key: PathBuf,
    /// Terminal certificate; if given, it must hold the key's public key.
    #[arg(long)]
    cert: Option<PathBuf>,
}

impl KeyArgs {
    fn load(&self) -> Result<SigningKey> {
        load_key(&self.key, self.cert.as_deref())
    }
}

#[derive(clap::Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    state: StateArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// Merchant id of every receipt.
    #[arg(long)]
    merchant: String,
    /// Terminal id of every receipt.
    #[arg(long)]
    terminal: String,
    /// Continue a chain kept by `possig sign` before signer states were directories: the
    /// old state.json (its entry for this key gives the next counter and previous digest).
    #[arg(long)]
    from_legacy: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    state: StateArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// The transaction, see the README.
    #[arg(long = "in")]
    input: PathBuf,
    /// Where to write the receipt (DER).
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct OutageArgs {
    #[command(flatten)]
    state: StateArgs,
    /// The transaction, see the README.
    #[arg(long = "in")]
    input: PathBuf,
    /// Where to write the unsigned record (DER).
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct KeyAtArgs {
    #[command(flatten)]
    state: StateArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// The receipt's time (RFC 3339 UTC or @unix); default: now.
    #[arg(long, value_parser = parse_time)]
    at: Option<u64>,
    /// Where to write the receipt (DER).
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct RotateArgs {
    #[command(flatten)]
    state: StateArgs,
    /// The next key (PKCS#8 PEM).
    #[arg(long)]
    new_key: PathBuf,
    /// The next key's certificate; if given, it must hold the key.
    #[arg(long)]
    new_cert: Option<PathBuf>,
    /// The next key's signer state, created here.
    #[arg(long)]
    new_state: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    state: StateArgs,
}

/// `possig sign`: `terminal sign` with a required certificate, and `--init` to start the chain
/// on the first receipt (merchant and terminal from the transaction).
#[derive(clap::Args)]
pub(crate) struct LegacySignArgs {
    /// Terminal private key (PKCS#8 PEM).
    #[arg(long)]
    key: PathBuf,
    /// Terminal certificate; must hold the key's public key.
    #[arg(long)]
    cert: PathBuf,
    /// The signer state (a directory, see `possig terminal`).
    #[arg(long)]
    state: PathBuf,
    /// Start the chain if the state does not exist yet (never implicit).
    #[arg(long)]
    init: bool,
    /// Fail at once (code `locked`) if another signer holds the state, instead of waiting.
    #[arg(long)]
    no_wait: bool,
    /// The transaction, see the README.
    #[arg(long = "in")]
    input: PathBuf,
    /// Where to write the signed receipt (DER).
    #[arg(long)]
    out: PathBuf,
}

/// A store's refusal with its path and stable code.
fn store_error(dir: &Path, e: possig_terminal::Error) -> anyhow::Error {
    let hint = match e {
        possig_terminal::Error::NotInitialized => {
            " (start the chain with `possig terminal init`, or `possig sign --init`)"
        }
        _ => "",
    };
    anyhow!("signer state {}: {e} [{}]{hint}", dir.display(), e.code())
}

/// `state.json` of `possig sign` before signer states were directories: per hex key id, the
/// next counter and the previous digest.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyState {
    keys: std::collections::BTreeMap<String, LegacyKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyKey {
    counter: u64,
    previous: String,
}

/// A regular file where a state directory is expected is an old state.json: never
/// overwritten, never restarted.
fn refuse_legacy(path: &Path) -> Result<()> {
    if path.is_file() {
        bail!(
            "{} is a state file of an earlier possig; move it aside and continue its chain with \
             `possig terminal init --state DIR --from-legacy {} ...`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn load_key(key: &Path, cert: Option<&Path>) -> Result<SigningKey> {
    let k = pki::read_key(key)?;
    if let Some(cert) = cert {
        let c = pki::read_cert(cert)?;
        let spki = der::Encode::to_der(c.tbs_certificate().subject_public_key_info())?;
        if possig::key_id_of_spki_der(&spki) != possig::key_id(k.verifying_key())? {
            bail!(
                "{} does not hold the public key of {}",
                cert.display(),
                key.display()
            );
        }
    }
    Ok(k)
}

pub(crate) fn run_command(c: &TerminalCommand) -> Result<bool> {
    match c {
        TerminalCommand::Init(a) => init(a),
        TerminalCommand::Sign(a) => {
            let key = a.key.load()?;
            let mut store = a.state.open()?;
            sign_tx(&mut store, &a.state.state, Some(&key), &a.input, &a.out)
        }
        TerminalCommand::Outage(a) => {
            let mut store = a.state.open()?;
            sign_tx(&mut store, &a.state.state, None, &a.input, &a.out)
        }
        TerminalCommand::Recover(a) | TerminalCommand::CloseDay(a) => {
            let key = a.key.load()?;
            let mut store = a.state.open()?;
            let at = time_or_now(a.at)?;
            let r = if matches!(c, TerminalCommand::Recover(_)) {
                store.recover(&key, at)
            } else {
                store.close_day(&key, at)
            }
            .map_err(|e| store_error(&a.state.state, e))?;
            release(&r, &a.out)
        }
        TerminalCommand::Rotate(a) => {
            let new = load_key(&a.new_key, a.new_cert.as_deref())?;
            let mut store = a.state.open()?;
            let new_id = possig::key_id(new.verifying_key())?;
            let next = store.rotate(new_id, &a.new_state).map_err(|e| {
                anyhow!(
                    "rotating signer state {} to {}: {e} [{}]",
                    a.state.state.display(),
                    a.new_state.display(),
                    e.code()
                )
            })?;
            let s = next.state();
            if let Some((old, counter, _)) = s.rotation {
                println!(
                    "retired key {old} after counter {counter}; key {} starts at counter {} in {}",
                    s.key_id,
                    s.next_counter,
                    a.new_state.display()
                );
            }
            Ok(true)
        }
        TerminalCommand::Status(a) => {
            let store = a.state.open()?;
            print_status(&store);
            Ok(true)
        }
    }
}

fn init(a: &InitArgs) -> Result<bool> {
    let key = a.key.load()?;
    let key_id = possig::key_id(key.verifying_key())?;
    refuse_legacy(&a.state.state)?;
    let mut state = TerminalState::new(key_id, &a.merchant, &a.terminal);
    if let Some(legacy) = &a.from_legacy {
        let bytes = read(legacy)?;
        let old: LegacyState = serde_json::from_slice(&bytes)
            .with_context(|| format!("parsing {}", legacy.display()))?;
        let k = old
            .keys
            .get(&key_id.to_string())
            .ok_or_else(|| anyhow!("{} has no chain for key {key_id}", legacy.display()))?;
        let previous: Digest = k
            .previous
            .parse()
            .map_err(|e| anyhow!("{}: previous: {e}", legacy.display()))?;
        state.next_counter = k.counter;
        state.previous = previous;
        state.batch_first = k.counter;
    }
    let store =
        SignerStore::init(&a.state.state, &state).map_err(|e| store_error(&a.state.state, e))?;
    println!(
        "started key {key_id} for {} / {} at counter {} in {}",
        a.merchant,
        a.terminal,
        store.state().next_counter,
        a.state.state.display()
    );
    Ok(true)
}

/// Signs (or, without a key, records unsigned) the transaction in `input` as the store's
/// next receipt, commits it, then writes it to `out`.
fn sign_tx(
    store: &mut SignerStore,
    dir: &Path,
    key: Option<&SigningKey>,
    input: &Path,
    out: &Path,
) -> Result<bool> {
    let tx: tx::Tx = serde_json::from_slice(&read(input)?)
        .with_context(|| format!("parsing {}", input.display()))?;
    let kind =
        ReceiptKind::from_name(&tx.kind).ok_or_else(|| anyhow!("unknown kind {:?}", tx.kind))?;
    let s = store.state();
    if (tx.merchant.as_str(), tx.terminal.as_str()) != (s.merchant.as_str(), s.terminal.as_str()) {
        bail!(
            "{}: merchant {:?} / terminal {:?}, but this signer state is {:?} / {:?}",
            input.display(),
            tx.merchant,
            tx.terminal,
            s.merchant,
            s.terminal
        );
    }
    let issued_at = time_or_now(tx.issued_at.as_deref().map(parse_time).transpose()?)?;
    let b = tx.apply(store.builder(kind, issued_at), kind)?;
    let r = match key {
        Some(k) => store.sign(k, b),
        None => store.record_unsigned(b),
    }
    .map_err(|e| store_error(dir, e))?;
    release(&r, out)
}

/// Writes a committed receipt (it is already in the state's journal) and prints it.
fn release(r: &UnverifiedReceipt, out: &Path) -> Result<bool> {
    let tbs = r.tbs();
    write(out, &r.to_der()?).with_context(|| {
        format!(
            "counter {} is committed in the signer state's journal.der; copy it from there",
            tbs.counter()
        )
    })?;
    println!(
        "{} {} counter {} digest {}",
        if r.is_unsigned() {
            "recorded"
        } else {
            "signed"
        },
        tbs.kind().name(),
        tbs.counter(),
        r.digest()
    );
    Ok(true)
}

fn print_status(store: &SignerStore) {
    let s = store.state();
    println!("key            {}", s.key_id);
    println!("merchant       {}", s.merchant);
    println!("terminal       {}", s.terminal);
    println!(
        "status         {}",
        if store.is_retired() {
            "retired (rotated)"
        } else {
            "signing"
        }
    );
    println!("next counter   {}", s.next_counter);
    println!("previous       {}", s.previous);
    println!(
        "batch          {} from counter {}: {} receipts",
        s.batch_number,
        s.batch_first,
        s.batch.len()
    );
    for t in &s.totals {
        println!(
            "  total        {} {} x{} = {}",
            t.kind.name(),
            t.currency,
            t.count,
            t.amount
        );
    }
    println!("unsigned       {} awaiting recovery", s.unsigned.len());
    if let Some((old, counter, digest)) = s.rotation {
        println!("rotation       first receipt names key {old} counter {counter} digest {digest}");
    }
    println!("journal        {} bytes", store.journal_len());
}

/// `possig sign`.
pub(crate) fn run_legacy(a: &LegacySignArgs) -> Result<bool> {
    let key = load_key(&a.key, Some(&a.cert))?;
    refuse_legacy(&a.state)?;
    let wait = if a.no_wait { Wait::No } else { Wait::Yes };
    let mut store = match SignerStore::open(&a.state, wait) {
        Err(possig_terminal::Error::NotInitialized) if a.init => {
            let tx: tx::Tx = serde_json::from_slice(&read(&a.input)?)
                .with_context(|| format!("parsing {}", a.input.display()))?;
            let id = possig::key_id(key.verifying_key())?;
            SignerStore::init(
                &a.state,
                &TerminalState::new(id, &tx.merchant, &tx.terminal),
            )
        }
        other => other,
    }
    .map_err(|e| store_error(&a.state, e))?;
    sign_tx(&mut store, &a.state, Some(&key), &a.input, &a.out)
}
