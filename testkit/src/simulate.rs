//! A simulated business day for demos, tests and benchmarks: terminals sign receipts of every
//! kind, the acquirer's settlement file is derived from them, and known problems are injected
//! into both, each with the reconciliation finding it must produce.
//!
//! Deterministic for a given seed: a SplitMix64 sequence picks times, amounts and kinds. It is
//! not a cryptographic generator and need not be (nothing secret depends on it; signatures are
//! RFC 6979).
//!
//! Injected, with the finding expected ([`SimulatedDay::expected`]):
//! - terminal 0: a slip edited after signing → `invalid_receipt`, and its row
//!   `missing_receipt` (`claimed_by_invalid_receipt`); a cardholder signature never given →
//!   `pending_signature` (once verification is more than the pending days later); a row with
//!   a wrong amount → `mismatch` (`amount`); a sale the acquirer never settled →
//!   `not_settled`; a settled sale no terminal printed → `missing_receipt`;
//! - terminal 1 (if present): a receipt deleted from the journal → its row `missing_receipt`;
//!   a receipt uploaded twice → `duplicate` (`same_receipt`); a row sent twice → `duplicate`
//!   (`same_row`);
//! - a terminal with `revoked_at` (index 2 or more; it takes no pending signatures, whose
//!   re-signatures would be invalid after the revocation): every receipt it signs after that time →
//!   `invalid_receipt`, and the row of each settled one `missing_receipt`
//!   (`claimed_by_invalid_receipt`);
//! - the settlement file ends with a row that does not parse → `malformed_row`.
//!
//! Also present and in order: forgotten signatures re-signed later, a signer outage on
//! terminal 0 recovered by a `recovery` receipt, copies, refunds, voids, preauthorisations and
//! completions, and a `dayClose` per terminal at 22:00.

use possig::Payment;
use possig::Strokes;
use possig::Terminal;
use possig::UnverifiedReceipt;
use possig::keys::SigningKey;
use possig::{CardholderVerification as Cvm, EntryMode, ReceiptKind};
use possig::{Error, Structure, UnixTime};

/// One terminal of the simulation.
#[derive(Debug)]
pub struct SimTerminal {
    /// The terminal (key, merchant and terminal ids, chain state).
    pub terminal: Terminal<SigningKey>,
    /// Its terminal id (as given to [`Terminal::new`]).
    pub id: String,
    /// When its certificate is revoked, if it is (the caller's PKI must agree).
    pub revoked_at: Option<u64>,
}

/// A finding the reconciliation must report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    /// Category code.
    pub category: &'static str,
    /// Reason code, or "".
    pub reason: &'static str,
    /// Terminal id ("" for the malformed row).
    pub terminal: String,
    /// RRN ("" for the malformed row and for receipts without one).
    pub rrn: String,
}

impl Expected {
    /// The key of a reconciliation item, to compare with the expectations.
    pub fn of(item: &possig_reconcile::Item) -> Self {
        Expected {
            category: item.category.code(),
            reason: item.reason.map_or("", possig_reconcile::Reason::code),
            terminal: item.terminal().to_string(),
            rrn: item
                .receipt
                .as_ref()
                .and_then(|r| r.rrn.clone())
                .or_else(|| item.row.as_ref().map(|r| r.rrn.clone()))
                .unwrap_or_default(),
        }
    }
}

/// What the simulation produced.
#[derive(Debug)]
pub struct SimulatedDay {
    /// The day's journal (concatenated receipts as uploaded, problems included).
    pub journal: Vec<u8>,
    /// The acquirer's settlement file (CSV with the default header).
    pub settlement_csv: String,
    /// Records in the journal.
    pub receipts: usize,
    /// Data rows in the settlement file (the malformed one included).
    pub rows: usize,
    /// Every finding the reconciliation must report, and nothing else.
    pub expected: Vec<Expected>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn scribble(seed: u64) -> Result<Strokes, Error> {
    let a: Vec<(u16, u16)> = (0..40u16)
        .map(|i| {
            (
                20 + i * 12,
                100 + ((u64::from(i) * (seed % 97 + 3)) % 60) as u16,
            )
        })
        .collect();
    Strokes::new(640, 200, vec![a, vec![(300, 40), (330, 160), (360, 40)]])
}

/// The state of one simulated day.
struct Day {
    rng: Rng,
    journal: Vec<Vec<u8>>,
    csv: String,
    rows: usize,
    expected: Vec<Expected>,
    rrn_seq: u64,
}

/// One transaction's identifiers.
struct Tx {
    rrn: String,
    auth: String,
    amount: u64,
    time: u64,
}

impl Day {
    fn tx(&mut self, time: u64) -> Tx {
        self.rrn_seq += 1;
        let auth = (0..6)
            .map(|_| {
                let v = self.rng.below(36) as u8;
                char::from(if v < 10 { b'0' + v } else { b'A' + v - 10 })
            })
            .collect();
        Tx {
            rrn: format!("{:012}", 600_000_000 + self.rrn_seq),
            auth,
            amount: 100 + self.rng.below(20_000),
            time,
        }
    }

    fn settle(&mut self, terminal: &str, tx: &Tx, kind: ReceiptKind, amount: u64) {
        let delay = self.rng.below(30);
        self.csv.push_str(&format!(
            "{terminal},1,{},{},{amount},EUR,{},{}\n",
            tx.rrn,
            tx.auth,
            UnixTime(tx.time + delay),
            kind.name()
        ));
        self.rows += 1;
    }

    fn expect(&mut self, category: &'static str, reason: &'static str, terminal: &str, rrn: &str) {
        self.expected.push(Expected {
            category,
            reason,
            terminal: terminal.to_string(),
            rrn: rrn.to_string(),
        });
    }
}

fn payment(tx: &Tx, amount: u64, cvm: Cvm, original: Option<possig::Digest>) -> Payment {
    Payment {
        amount,
        currency: "EUR".into(),
        scheme: "VISA".into(),
        bin: "41111111".into(),
        last4: format!("{:04}", (tx.rrn.len() as u64 * 7919 + tx.amount) % 10_000),
        entry_mode: if amount > 5000 {
            EntryMode::Chip
        } else {
            EntryMode::Contactless
        },
        authorization_code: Some(tx.auth.clone()),
        rrn: tx.rrn.clone(),
        cardholder_verification: cvm,
        original,
    }
}

/// Flips the low bit of the amount's last byte: the receipt still decodes, the signature no
/// longer matches (a slip "edited after signing").
fn tamper(r: &UnverifiedReceipt) -> Result<Vec<u8>, Error> {
    let mut der = r.to_der()?;
    let amount = r.tbs().payment().map_or(0, |p| p.amount());
    let encoded = der::Encode::to_der(&amount).map_err(|_| Error::Malformed {
        what: Structure::Receipt,
        offset: 0,
    })?;
    // The amount follows the 32-byte `previous` digest, the issue time and the kind.
    let after = der
        .windows(32)
        .position(|w| w == r.tbs().previous())
        .map_or(0, |p| p + 32);
    if let Some(pos) = der
        .get(after..)
        .and_then(|tail| tail.windows(encoded.len()).position(|w| w == encoded))
        && let Some(b) = der.get_mut(after + pos + encoded.len() - 1)
    {
        *b ^= 1;
    }
    Ok(der)
}

/// Simulates one day (`day_start` is midnight UTC) of `per_terminal` transactions (at least
/// 30) on each terminal, with the problems listed in the module documentation.
///
/// # Errors
/// Those of building and signing receipts (none for terminals with valid ids).
pub fn simulate_day(
    terminals: Vec<SimTerminal>,
    day_start: u64,
    per_terminal: usize,
    seed: u64,
) -> Result<SimulatedDay, Error> {
    let per_terminal = per_terminal.max(30) as u64;
    let mut d = Day {
        rng: Rng(seed),
        journal: Vec::new(),
        csv: String::from("terminal_id,batch,rrn,authorization_code,amount,currency,time,kind\n"),
        rows: 0,
        expected: Vec::new(),
        rrn_seq: 0,
    };
    let first_id = terminals.first().map(|t| t.id.clone());
    for (ti, st) in terminals.into_iter().enumerate() {
        simulate_terminal(&mut d, st, ti, day_start, per_terminal, seed)?;
    }
    if let Some(id) = first_id {
        // Settled, but no terminal printed a slip for it.
        let tx = d.tx(day_start + 13 * 3600);
        d.settle(&id, &tx, ReceiptKind::Sale, 4242);
        d.expect("missing_receipt", "", &id, &tx.rrn);
    }
    d.csv.push_str("T-??,1,,,12.50,EUR,yesterday,sale\n");
    d.rows += 1;
    d.expect("malformed_row", "", "", "");
    d.expected.sort();
    Ok(SimulatedDay {
        receipts: d.journal.len(),
        journal: d.journal.concat(),
        settlement_csv: d.csv,
        rows: d.rows,
        expected: d.expected,
    })
}

fn simulate_terminal(
    d: &mut Day,
    st: SimTerminal,
    ti: usize,
    day_start: u64,
    n: u64,
    seed: u64,
) -> Result<(), Error> {
    let SimTerminal {
        terminal: mut t,
        id,
        revoked_at,
    } = st;
    let mut time = day_start + 8 * 3600 + d.rng.below(600);
    let gap = 12 * 3600 / n;
    let mut sales: Vec<UnverifiedReceipt> = Vec::new();
    let mut preauths: Vec<UnverifiedReceipt> = Vec::new();
    let mut pending: Vec<UnverifiedReceipt> = Vec::new();
    for i in 0..n {
        time += 1 + d.rng.below(2 * gap);
        // Receipts to append, each with whether a settlement row was written for it.
        let mut out: Vec<(UnverifiedReceipt, bool)> = Vec::new();
        let roll = d.rng.below(100);
        let tx = d.tx(time);
        match (ti, i) {
            (0, 5) => {
                // A signer outage: three sales recorded unsigned, then the recovery.
                for k in 0..3 {
                    let tx = d.tx(time + k * 60);
                    let u =
                        t.record_unsigned(t.builder(ReceiptKind::Sale, tx.time).payment(payment(
                            &tx,
                            tx.amount,
                            Cvm::Pin,
                            None,
                        )))?;
                    d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                    out.push((u, true));
                }
                time += 240;
                out.push((t.recover(time)?, false));
            }
            (_, 3 | 9 | 14) if revoked_at.is_none() => {
                // Forgotten signatures: pending now, re-signed later; one on terminal 0 never.
                let p = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pending,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                if ti == 0 && i == 14 {
                    d.expect("pending_signature", "", &id, &tx.rrn);
                } else {
                    pending.push(p.clone());
                }
                out.push((p, true));
            }
            (_, 8) => {
                let s = t.sign(
                    t.builder(ReceiptKind::Sale, time)
                        .payment(payment(&tx, tx.amount, Cvm::Signature, None))
                        .signature_strokes(scribble(seed ^ i)?),
                )?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                sales.push(s.clone());
                out.push((s, true));
            }
            (0, 11) => {
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                d.journal.push(tamper(&s)?);
                d.expect("invalid_receipt", "", &id, &tx.rrn);
                d.expect(
                    "missing_receipt",
                    "claimed_by_invalid_receipt",
                    &id,
                    &tx.rrn,
                );
            }
            (0, 12) => {
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount + 100);
                d.expect("mismatch", "amount", &id, &tx.rrn);
                out.push((s, true));
            }
            (0, 13) => {
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.expect("not_settled", "", &id, &tx.rrn);
                out.push((s, false));
            }
            (1, 11) => {
                // Signed, settled, then deleted from the journal.
                t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                d.expect("missing_receipt", "", &id, &tx.rrn);
            }
            (1, 12) => {
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                d.expect("duplicate", "same_receipt", &id, &tx.rrn);
                out.push((s.clone(), true));
                out.push((s, false));
            }
            (1, 13) => {
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                d.expect("duplicate", "same_row", &id, &tx.rrn);
                out.push((s, true));
            }
            _ if roll < 6 && !sales.is_empty() => {
                // A partial refund of an earlier sale (each sale refunded at most once).
                let orig = sales.remove(d.rng.below(sales.len() as u64) as usize);
                let amount = 1 + d.rng.below(orig.tbs().payment().map_or(1, |p| p.amount()));
                let r = t.sign(t.builder(ReceiptKind::Refund, time).payment(payment(
                    &tx,
                    amount,
                    Cvm::None,
                    Some(orig.digest()),
                )))?;
                d.settle(&id, &tx, ReceiptKind::Refund, amount);
                out.push((r, true));
            }
            _ if roll < 9 => {
                // A sale voided a minute later: neither settles.
                let s = t.sign(t.builder(ReceiptKind::Sale, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                time += 60;
                let v = t.sign(t.builder(ReceiptKind::Void, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::None,
                    Some(s.digest()),
                )))?;
                out.push((s, false));
                out.push((v, false));
            }
            _ if roll < 12 => {
                let p = t.sign(t.builder(ReceiptKind::Preauth, time).payment(payment(
                    &tx,
                    tx.amount,
                    Cvm::Pin,
                    None,
                )))?;
                preauths.push(p.clone());
                out.push((p, false));
            }
            _ if roll < 15 && !preauths.is_empty() => {
                let p = preauths.remove(0);
                let amount = p
                    .tbs()
                    .payment()
                    .map_or(1, |x| x.amount())
                    .saturating_sub(d.rng.below(100))
                    .max(1);
                let c = t.sign(t.builder(ReceiptKind::Completion, time).payment(payment(
                    &tx,
                    amount,
                    Cvm::None,
                    Some(p.digest()),
                )))?;
                d.settle(&id, &tx, ReceiptKind::Completion, amount);
                out.push((c, true));
            }
            _ if roll < 18 && !sales.is_empty() => {
                let orig = sales.last().map(|s| s.digest()).unwrap_or_default();
                out.push((
                    t.sign(t.builder(ReceiptKind::Copy, time).copy_of(orig, 1))?,
                    false,
                ));
            }
            _ if roll < 22 && !pending.is_empty() => {
                let p = pending.remove(0);
                let r = t.sign(
                    t.builder(ReceiptKind::Resign, time)
                        .resign_of(p.digest())
                        .signature_strokes(scribble(seed ^ i ^ 77)?),
                )?;
                out.push((r, false));
            }
            _ => {
                let cvm = if tx.amount > 5000 {
                    Cvm::Pin
                } else {
                    Cvm::None
                };
                let s = t.sign(
                    t.builder(ReceiptKind::Sale, time)
                        .payment(payment(&tx, tx.amount, cvm, None)),
                )?;
                d.settle(&id, &tx, ReceiptKind::Sale, tx.amount);
                sales.push(s.clone());
                out.push((s, true));
            }
        }
        for (r, settled) in out {
            // Revoked "at or before issuedAt" makes a receipt invalid.
            if revoked_at.is_some_and(|at| r.tbs().issued_at() >= at) {
                let rrn = r.tbs().payment().map_or("", |p| p.rrn());
                d.expect("invalid_receipt", "", &id, rrn);
                if settled {
                    d.expect("missing_receipt", "claimed_by_invalid_receipt", &id, rrn);
                }
            }
            d.journal.push(r.to_der()?);
        }
    }
    // Every forgotten signature but the one injected is obtained before closing.
    for (k, p) in pending.into_iter().enumerate() {
        time += 60;
        let r = t.sign(
            t.builder(ReceiptKind::Resign, time)
                .resign_of(p.digest())
                .signature_strokes(scribble(seed ^ k as u64)?),
        )?;
        d.journal.push(r.to_der()?);
    }
    let close_at = (day_start + 22 * 3600).max(time + 60);
    if revoked_at.is_some_and(|r| close_at >= r) {
        d.expect("invalid_receipt", "", &id, "");
    }
    d.journal.push(t.close_day(close_at)?.to_der()?);
    Ok(())
}
