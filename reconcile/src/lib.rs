#![doc = include_str!("../README.md")]
//!
//! Reconciliation of verified receipts against the acquirer's settlement file.
//!
//! [`reconcile`] verifies every receipt of the journals (exactly as
//! [`possig::journal::verify_journal`] does, chain findings included), reads the settlement file
//! ([`settlement`] documents its columns), matches receipts to rows and hands the caller one
//! [`Item`] per outcome, each in exactly one [`Category`]. The returned [`Report`] counts the
//! receipts and rows per category; [`Report::is_conserved`] checks that their sums equal the
//! inputs (nothing lost, nothing counted twice).
//!
//! # Matching
//! A valid payment receipt (sale, refund, void, completion, preauth; an unsigned record counts
//! once a valid `recovery` covers it) is matched to an unused row of its terminal with the same
//! RRN, or, failing that, the same authorization code, kind, amount and currency. Among several
//! candidates, one that agrees on kind, amount, currency and time wins. The pair is `matched`
//! when kind, amount and currency are equal and the row's time is within
//! [`ReconcileOptions::with_window`] seconds of `issuedAt`, else `mismatch` with the reason.
//! Then, in this order:
//! - a refund, void or completion whose original is not a valid receipt of the same terminal
//!   and currency (a sale or completion for refunds and voids, a preauth for completions), or
//!   refunds exceeding their original, is a `reference_mismatch`;
//! - a payment whose cardholder signature is still pending more than
//!   [`ReconcileOptions::with_pending_days`] days after issue is `pending_signature`;
//! - a sale voided by a valid void, with neither settled, is one `voided` item (both
//!   receipts); a voided sale that was settled anyway is a `mismatch` (`voided_but_settled`).
//!
//! Receipts that never settle (`resign`, `recovery`, `dayClose`, an unmatched `preauth`) are
//! `no_settlement_expected`; copies are `copy`; a repeated receipt is `duplicate`
//! (`same_receipt`), as is a second valid receipt for an RRN already matched (`rrn_reused`).
//! Rows left over are `missing_receipt`: settled, but no valid receipt (`claimed_by_invalid_receipt`
//! when an invalid, duplicate or unsigned receipt names the same terminal and RRN). A row
//! repeated exactly is `duplicate` (`same_row`); a row that does not parse is `malformed_row`.
//!
//! # Memory
//! Receipts are verified in streaming chunks with the journal verifier's own bound (see
//! [`possig::journal`]), but matching needs every row and every receipt's key fields at once, so
//! the bound is linear with small constants and no per-record heap allocation: a receipt keeps
//! 136 bytes (fixed-size fields, interned terminal and merchant ids) plus about 75 bytes in
//! the digest index; a row keeps 64 bytes plus about 60 in the indexes (RRN and authorization
//! code chains, flags). Both live in chunked storage that never copies on growth. Sizes are
//! asserted in unit tests; `make scale-test` reconciles 10⁶ receipts against 10⁶ rows and
//! asserts that peak memory grows by less than 512 MiB (allocator overhead included). Finding
//! items go to the caller's sink and are not kept.

mod chunked;
mod csv_out;
pub mod error;
pub mod partition;
mod report;
pub mod settlement;

use std::collections::{HashMap, HashSet};
use std::io::Read;

pub use csv_out::{CSV_HEADER, ItemsCsv, csv_record};
pub use error::{Error, SettlementColumn, SettlementLimit};
pub use report::{
    Category, CategoryCount, Item, Reason, ReceiptFacts, Report, ReportView, RowFacts,
};
pub use settlement::ColumnMap;

use chunked::Chunked;
use possig::TrustStore;
use possig::UnverifiedReceipt;
use possig::journal::{Event, Finding, JournalOptions, Status};
use possig::{CardholderVerification, ReceiptBody, ReceiptKind};
use possig::{Digest, KeyId};
use settlement::{AuthCode, Currency, Interner, Row, Rrn, Settlement, Short};

/// Default matching window: 900 s. Terminal clocks and the acquirer host's time stamps differ
/// by seconds to minutes; 15 minutes tolerates a badly set terminal clock without letting a
/// receipt match a different day's transaction.
pub const DEFAULT_WINDOW_SECONDS: u64 = 900;

/// Default days a cardholder signature may stay pending before it is a risk finding: 7, the
/// usual window for a merchant to obtain a signature before a chargeback becomes likely.
pub const DEFAULT_PENDING_DAYS: u64 = 7;

/// Options of [`reconcile`].
#[derive(Clone, Debug)]
pub struct ReconcileOptions {
    journal: JournalOptions,
    window: u64,
    pending_days: u64,
    columns: ColumnMap,
}

impl ReconcileOptions {
    /// Verify as `journal` says (time, anchors), with the default window, pending days and
    /// column names.
    pub fn new(journal: JournalOptions) -> Self {
        ReconcileOptions {
            journal,
            window: DEFAULT_WINDOW_SECONDS,
            pending_days: DEFAULT_PENDING_DAYS,
            columns: ColumnMap::default(),
        }
    }
    /// Seconds a settlement row's time may differ from the receipt's `issuedAt`.
    pub fn with_window(mut self, seconds: u64) -> Self {
        self.window = seconds;
        self
    }
    /// Days a cardholder signature may stay pending before `pending_signature`.
    pub fn with_pending_days(mut self, days: u64) -> Self {
        self.pending_days = days;
        self
    }
    /// Settlement header names.
    pub fn with_columns(mut self, columns: ColumnMap) -> Self {
        self.columns = columns;
        self
    }
}

const NONE: u32 = u32::MAX;

/// Payment fields of a receipt, inline (48 bytes).
#[derive(Clone, Copy, Debug)]
struct Pay {
    amount: u64,
    currency: Currency,
    rrn: Rrn,
    auth: AuthCode,
    last4: Short<4>,
    cvm: CardholderVerification,
}

/// What reconciliation keeps of one journal record (its slot is its index in the input).
#[derive(Clone, Debug)]
struct Rec {
    offset: u64,
    digest: Option<Digest>,
    terminal: u32,
    merchant: u32,
    counter: u64,
    issued_at: u64,
    pay: Option<Pay>,
    /// Seconds a still-pending cardholder signature has been pending at verification time.
    pending_age: Option<u32>,
    status: Status,
    /// Index in [`Error::ALL_CODES`] when invalid.
    code: Option<u8>,
    kind: Option<ReceiptKind>,
    duplicate: bool,
    covered: bool,
}

impl Rec {
    /// Verified (or an unsigned record covered by a valid recovery).
    fn is_trusted(&self) -> bool {
        match self.status {
            Status::Valid | Status::ValidWithWarnings => true,
            Status::Unsigned => self.covered,
            Status::Invalid => false,
        }
    }
    fn code(&self) -> Option<&'static str> {
        self.code
            .and_then(|c| possig::Error::ALL_CODES.get(usize::from(c)))
            .copied()
    }
}

/// Collects records and journal findings (the streaming part).
struct Collector<'a> {
    recs: Chunked<Rec>,
    /// The original of each refund, void, completion, copy or resign, by slot.
    originals: HashMap<u32, Digest>,
    by_digest: HashMap<Digest, u32>,
    unsigned: HashMap<(KeyId, u64), u32>,
    terminals: &'a mut Interner,
    merchants: Interner,
}

impl Collector<'_> {
    fn record(&mut self, o: possig::journal::RecordOutcome, r: Option<&UnverifiedReceipt>) {
        let slot = u32::try_from(self.recs.len()).unwrap_or(NONE);
        let mut rec = Rec {
            offset: o.offset,
            status: o.status,
            code: o
                .code
                .and_then(|c| possig::Error::ALL_CODES.iter().position(|a| *a == c))
                .and_then(|i| u8::try_from(i).ok()),
            digest: o.digest,
            terminal: NONE,
            merchant: NONE,
            counter: o.counter.unwrap_or(0),
            issued_at: 0,
            kind: o.kind,
            pay: None,
            duplicate: false,
            covered: false,
            pending_age: None,
        };
        if let Some(r) = r {
            let t = r.tbs();
            rec.terminal = self.terminals.intern(t.terminal_id());
            rec.merchant = self.merchants.intern(t.merchant_id());
            rec.issued_at = t.issued_at();
            let original = match t.body() {
                ReceiptBody::Payment(p) => p.original(),
                ReceiptBody::Copy(c) => Some(c.original()),
                ReceiptBody::Resign(c) => Some(c.original()),
                _ => None,
            };
            if let Some(o) = original.and_then(|b| Digest::try_from(b).ok()) {
                self.originals.insert(slot, o);
            }
            if let ReceiptBody::Payment(p) = t.body() {
                {
                    rec.pay = Some(Pay {
                        amount: p.amount(),
                        currency: Currency::new(p.currency()).unwrap_or_default(),
                        rrn: Rrn::new(p.rrn()).unwrap_or_default(),
                        auth: p
                            .authorization_code()
                            .and_then(AuthCode::new)
                            .unwrap_or_default(),
                        last4: Short::new(p.card().last4()).unwrap_or_default(),
                        cvm: p.cardholder_verification(),
                    });
                }
            }
            if o.status == Status::Unsigned {
                self.unsigned.insert((r.key_id(), rec.counter), slot);
            }
        }
        if let Some(d) = rec.digest {
            match self.by_digest.entry(d) {
                std::collections::hash_map::Entry::Occupied(_) => rec.duplicate = true,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(slot);
                }
            }
        }
        self.recs.push(rec);
    }

    fn finding(&mut self, f: &Finding) {
        let slot = match f {
            Finding::Duplicate { index, .. } => usize::try_from(*index).ok(),
            Finding::UnsignedCovered { key, counter } => {
                self.unsigned.get(&(*key, *counter)).map(|s| *s as usize)
            }
            Finding::Pending { digest, .. } => self.by_digest.get(digest).map(|s| *s as usize),
            _ => None,
        };
        let Some(rec) = slot.and_then(|s| self.recs.get_mut(s)) else {
            return;
        };
        match f {
            Finding::Duplicate { .. } => rec.duplicate = true,
            Finding::UnsignedCovered { .. } => rec.covered = true,
            Finding::Pending { age, .. } => {
                rec.pending_age = Some(u32::try_from(*age).unwrap_or(u32::MAX));
            }
            _ => {}
        }
    }
}

/// Verifies the receipts of `journals` (one stream: concatenate several journals) against
/// `store`, reconciles them with the `settlement` CSV, hands every [`Item`] to `sink` (receipt
/// items in input order, then the remaining rows in file order) and returns the counts.
///
/// # Errors
/// Those of reading the settlement file ([`Error::SettlementHeader`],
/// [`Error::SettlementMalformed`], [`Error::LimitExceeded`]) and [`Error::Io`]. Problems of
/// individual receipts and rows are items, not errors.
pub fn reconcile<J: Read, S: Read>(
    journals: J,
    settlement: S,
    store: &TrustStore,
    options: &ReconcileOptions,
    sink: impl FnMut(&Item),
) -> Result<Report, Error> {
    reconcile_with_events(journals, settlement, store, options, |_| {}, sink)
}

/// [`reconcile`], also handing `events` every journal event (record outcomes and chain
/// findings, as [`possig::journal::verify_journal`] streams them) before it is matched.
///
/// # Errors
/// Those of [`reconcile`].
pub fn reconcile_with_events<J: Read, S: Read>(
    journals: J,
    settlement: S,
    store: &TrustStore,
    options: &ReconcileOptions,
    mut events: impl FnMut(&Event),
    mut sink: impl FnMut(&Item),
) -> Result<Report, Error> {
    let mut settlement = settlement::read(settlement, &options.columns)?;
    let mut collector = Collector {
        recs: Chunked::default(),
        originals: HashMap::new(),
        by_digest: HashMap::new(),
        unsigned: HashMap::new(),
        terminals: &mut settlement.terminals,
        merchants: Interner::default(),
    };
    let summary = possig::journal::verify_journal_with_receipts(
        journals,
        store,
        &options.journal,
        |event, receipt| {
            events(&event);
            match event {
                Event::Record(o) => collector.record(o, receipt),
                Event::Finding(f) => collector.finding(&f),
            }
        },
    )?;
    let Collector {
        recs,
        originals,
        by_digest,
        merchants,
        ..
    } = collector;
    let mut m = Matcher::new(
        &settlement,
        Received {
            recs,
            originals,
            by_digest,
            merchants,
        },
        options,
    );
    let mut report = Report {
        receipts: summary.records,
        rows: (settlement.rows.len() + settlement.bad.len()) as u64,
        journal: summary,
        verified_at: options.journal.verify_options().now(),
        ..Report::default()
    };
    m.run(|item| {
        report.count(&item);
        sink(&item);
    });
    Ok(report)
}

/// What the streaming part hands to matching.
struct Received {
    recs: Chunked<Rec>,
    originals: HashMap<u32, Digest>,
    by_digest: HashMap<Digest, u32>,
    merchants: Interner,
}

/// Matching over the collected receipts and the settlement rows.
struct Matcher<'a> {
    s: &'a Settlement,
    recs: Chunked<Rec>,
    originals: HashMap<u32, Digest>,
    by_digest: HashMap<Digest, u32>,
    merchants: Interner,
    opts: &'a ReconcileOptions,
    /// First row of each (terminal, RRN), and the next row with the same key.
    by_rrn: HashMap<(u32, Rrn), u32>,
    by_auth: HashMap<(u32, AuthCode), u32>,
    next_rrn: Vec<u32>,
    next_auth: Vec<u32>,
    used: Vec<bool>,
    dup_row: Vec<bool>,
    /// (terminal, RRN) named by receipts that could not claim a row.
    claims: HashSet<(u32, Rrn)>,
    /// Per receipt slot: already placed in an item.
    done: Vec<bool>,
    /// Per receipt slot: problem with its original (refund, void, completion).
    ref_problem: Vec<Option<Reason>>,
    /// Per receipt slot: the valid void that voids it.
    voided_by: Vec<u32>,
}

impl<'a> Matcher<'a> {
    fn new(s: &'a Settlement, received: Received, opts: &'a ReconcileOptions) -> Self {
        let Received {
            recs,
            originals,
            by_digest,
            merchants,
        } = received;
        let n = s.rows.len();
        let mut m = Matcher {
            s,
            originals,
            by_digest,
            merchants,
            opts,
            by_rrn: HashMap::with_capacity(n),
            by_auth: HashMap::new(),
            next_rrn: vec![NONE; n],
            next_auth: vec![NONE; n],
            used: vec![false; n],
            dup_row: vec![false; n],
            claims: HashSet::new(),
            done: vec![false; recs.len()],
            ref_problem: vec![None; recs.len()],
            voided_by: vec![NONE; recs.len()],
            recs,
        };
        m.index_rows();
        m.check_references();
        m
    }

    /// Builds the row indexes (in reverse, so each chain is in file order) and marks exact
    /// repeats of a row as duplicates.
    fn index_rows(&mut self) {
        for i in (0..self.s.rows.len()).rev() {
            let Some(row) = self.s.rows.get(i) else {
                continue;
            };
            let i = i as u32;
            if let Some(prev) = self.by_rrn.insert((row.terminal, row.rrn), i)
                && let Some(n) = self.next_rrn.get_mut(i as usize)
            {
                *n = prev;
            }
            if !row.auth.is_empty()
                && let Some(prev) = self.by_auth.insert((row.terminal, row.auth), i)
                && let Some(n) = self.next_auth.get_mut(i as usize)
            {
                *n = prev;
            }
        }
        for i in 0..self.s.rows.len() {
            let Some(row) = self.s.rows.get(i) else { break };
            let mut j = self.next_rrn.get(i).copied().unwrap_or(NONE);
            while let Some(other) = self.s.rows.get(j as usize) {
                if same_row(row, other)
                    && let Some(d) = self.dup_row.get_mut(j as usize)
                {
                    *d = true;
                }
                j = self.next_rrn.get(j as usize).copied().unwrap_or(NONE);
            }
        }
        for (u, d) in self.used.iter_mut().zip(&self.dup_row) {
            *u = *d;
        }
    }

    fn original(&self, slot: usize) -> Option<(u32, &Rec)> {
        let d = self.originals.get(&u32::try_from(slot).ok()?)?;
        let o = *self.by_digest.get(d)?;
        Some((o, self.recs.get(o as usize)?))
    }

    /// Checks each refund, void and completion against its original; marks voided originals.
    fn check_references(&mut self) {
        let mut refunded: HashMap<u32, u64> = HashMap::new();
        for i in 0..self.recs.len() {
            let Some(rec) = self.recs.get(i) else { break };
            let kind = rec.kind;
            if !rec.is_trusted() || rec.duplicate {
                continue;
            }
            let allowed: &[ReceiptKind] = match kind {
                Some(ReceiptKind::Refund | ReceiptKind::Void) => {
                    &[ReceiptKind::Sale, ReceiptKind::Completion]
                }
                Some(ReceiptKind::Completion) => &[ReceiptKind::Preauth],
                _ => continue,
            };
            let (Some(pay), terminal) = (rec.pay, rec.terminal) else {
                continue;
            };
            let problem = match self.original(i) {
                Some((_, o)) if !o.is_trusted() || o.duplicate => Some(Reason::OriginalNotFound),
                None => Some(Reason::OriginalNotFound),
                Some((_, o)) if o.terminal != terminal => Some(Reason::OtherTerminal),
                Some((_, o))
                    if !o.kind.is_some_and(|k| allowed.contains(&k))
                        || o.pay.is_none_or(|p| p.currency != pay.currency) =>
                {
                    Some(Reason::OriginalKind)
                }
                Some((o, orig)) => match kind {
                    Some(ReceiptKind::Refund) => {
                        let total = refunded.entry(o).or_default();
                        *total = total.saturating_add(pay.amount);
                        (*total > orig.pay.map_or(0, |p| p.amount))
                            .then_some(Reason::RefundExceedsOriginal)
                    }
                    Some(ReceiptKind::Void) => {
                        if orig.pay.map(|p| p.amount) != Some(pay.amount) {
                            Some(Reason::Amount)
                        } else {
                            if let Some(v) = self.voided_by.get_mut(o as usize)
                                && *v == NONE
                            {
                                *v = i as u32;
                            }
                            None
                        }
                    }
                    _ => None,
                },
            };
            if let Some(p) = self.ref_problem.get_mut(i) {
                *p = problem;
            }
        }
    }

    /// The best unused row for a payment receipt, if any.
    fn find_row(&self, rec: &Rec, pay: &Pay) -> Option<u32> {
        let kind = rec.kind?;
        let fits = |row: &Row| {
            row.kind == kind
                && row.amount == pay.amount
                && row.currency == pay.currency
                && row.time.abs_diff(rec.issued_at) <= self.opts.window
        };
        let mut first_any = None;
        let mut first_kind = None;
        let mut j = self
            .by_rrn
            .get(&(rec.terminal, pay.rrn))
            .copied()
            .unwrap_or(NONE);
        while let Some(row) = self.s.rows.get(j as usize) {
            if !self.used.get(j as usize).copied().unwrap_or(true) {
                if fits(row) {
                    return Some(j);
                }
                if row.kind == kind && first_kind.is_none() {
                    first_kind = Some(j);
                }
                first_any = first_any.or(Some(j));
            }
            j = self.next_rrn.get(j as usize).copied().unwrap_or(NONE);
        }
        if first_kind.or(first_any).is_some() {
            return first_kind.or(first_any);
        }
        if pay.auth.is_empty() {
            return None;
        }
        let mut j = self
            .by_auth
            .get(&(rec.terminal, pay.auth))
            .copied()
            .unwrap_or(NONE);
        while let Some(row) = self.s.rows.get(j as usize) {
            if !self.used.get(j as usize).copied().unwrap_or(true) && fits(row) {
                return Some(j);
            }
            j = self.next_auth.get(j as usize).copied().unwrap_or(NONE);
        }
        None
    }

    /// Takes a row for slot `i` (a trusted payment), if one matches.
    fn take_row(&mut self, i: usize) -> Option<u32> {
        let rec = self.recs.get(i)?;
        let pay = rec.pay?;
        let j = self.find_row(rec, &pay)?;
        if let Some(u) = self.used.get_mut(j as usize) {
            *u = true;
        }
        Some(j)
    }

    /// Whether a used row with slot `i`'s terminal and RRN exists (another receipt took it).
    fn rrn_taken(&self, i: usize) -> bool {
        let Some((rec, pay)) = self.recs.get(i).and_then(|r| Some((r, r.pay?))) else {
            return false;
        };
        let mut j = self
            .by_rrn
            .get(&(rec.terminal, pay.rrn))
            .copied()
            .unwrap_or(NONE);
        while self.s.rows.get(j as usize).is_some() {
            if self.used.get(j as usize).copied().unwrap_or(false)
                && !self.dup_row.get(j as usize).copied().unwrap_or(false)
            {
                return true;
            }
            j = self.next_rrn.get(j as usize).copied().unwrap_or(NONE);
        }
        false
    }

    fn compare(&self, i: usize, j: u32) -> Option<Reason> {
        let rec = self.recs.get(i)?;
        let pay = rec.pay?;
        let row = self.s.rows.get(j as usize)?;
        if row.kind != rec.kind? {
            Some(Reason::Kind)
        } else if row.currency != pay.currency {
            Some(Reason::Currency)
        } else if row.amount != pay.amount {
            Some(Reason::Amount)
        } else if row.time.abs_diff(rec.issued_at) > self.opts.window {
            Some(Reason::Time)
        } else {
            None
        }
    }

    fn claim(&mut self, i: usize) {
        if let Some((t, pay)) = self.recs.get(i).and_then(|r| Some((r.terminal, r.pay?))) {
            self.claims.insert((t, pay.rrn));
        }
    }

    fn pending_too_long(&self, i: usize) -> Option<u64> {
        let rec = self.recs.get(i)?;
        let age = u64::from(rec.pending_age?);
        (rec.pay?.cvm == CardholderVerification::Pending
            && age > self.opts.pending_days.saturating_mul(86_400))
        .then_some(age)
    }

    /// Places receipt `i` (and the row and receipts that go with it) in one item.
    fn place(&mut self, i: usize) -> Option<Item> {
        let rec = self.recs.get(i)?.clone();
        let item = |category, reason, row: Option<u32>| (category, reason, row, None::<usize>);
        let (category, reason, row, related) = if rec.status == Status::Invalid {
            self.claim(i);
            item(Category::InvalidReceipt, None, None)
        } else if rec.duplicate {
            self.claim(i);
            item(Category::Duplicate, Some(Reason::SameReceipt), None)
        } else if rec.status == Status::Unsigned && !rec.covered {
            self.claim(i);
            let row = self.take_row(i);
            item(Category::Unsigned, None, row)
        } else {
            match rec.kind {
                Some(ReceiptKind::Copy) => item(Category::Copy, None, None),
                Some(ReceiptKind::Resign | ReceiptKind::Recovery | ReceiptKind::DayClose)
                | None => item(Category::NoSettlementExpected, None, None),
                Some(_) => self.place_payment(i),
            }
        };
        if let Some(d) = self.done.get_mut(i) {
            *d = true;
        }
        if let Some(r) = related
            && let Some(d) = self.done.get_mut(r)
        {
            *d = true;
        }
        Some(Item {
            category,
            reason,
            receipt: Some(self.facts(i)),
            related: related.map(|r| self.facts(r)),
            row: row.map(|j| self.row_facts(j)),
            pending_for: rec
                .pay
                .filter(|p| p.cvm == CardholderVerification::Pending)
                .and(rec.pending_age)
                .map(u64::from),
        })
    }

    fn place_payment(
        &mut self,
        i: usize,
    ) -> (Category, Option<Reason>, Option<u32>, Option<usize>) {
        let kind = self.recs.get(i).and_then(|r| r.kind);
        let voided_by = self.voided_by.get(i).copied().unwrap_or(NONE) as usize;
        if voided_by != NONE as usize {
            // A voided sale or completion. Its void is placed on its own (matched to its row)
            // when the acquirer settled the void; otherwise a settled original is a mismatch
            // and an unsettled one forms one `voided` item with its void.
            let void_settled = self
                .recs
                .get(voided_by)
                .and_then(|v| self.find_row(v, &v.pay?))
                .is_some();
            return match (self.take_row(i), void_settled) {
                (Some(j), true) => match self.compare(i, j) {
                    None => (Category::Matched, None, Some(j), None),
                    Some(r) => (Category::Mismatch, Some(r), Some(j), None),
                },
                (Some(j), false) => (
                    Category::Mismatch,
                    Some(Reason::VoidedButSettled),
                    Some(j),
                    None,
                ),
                (None, false) if !self.done.get(voided_by).copied().unwrap_or(true) => {
                    (Category::Voided, None, None, Some(voided_by))
                }
                (None, _) => (Category::Voided, None, None, None),
            };
        }
        let row = self.take_row(i);
        let mismatch = row.and_then(|j| self.compare(i, j));
        if let Some(reason) = self.ref_problem.get(i).copied().flatten() {
            return (Category::ReferenceMismatch, Some(reason), row, None);
        }
        if self.pending_too_long(i).is_some() {
            return (Category::PendingSignature, None, row, None);
        }
        match row {
            Some(j) => match mismatch {
                None => (Category::Matched, None, Some(j), None),
                Some(r) => (Category::Mismatch, Some(r), Some(j), None),
            },
            // A valid void with a valid original whose own item holds the settled original.
            None if kind == Some(ReceiptKind::Void) => (Category::Voided, None, None, None),
            None if kind == Some(ReceiptKind::Preauth) => {
                (Category::NoSettlementExpected, None, None, None)
            }
            None if self.rrn_taken(i) => (Category::Duplicate, Some(Reason::RrnReused), None, None),
            None => (Category::NotSettled, None, None, None),
        }
    }

    fn run(&mut self, mut emit: impl FnMut(Item)) {
        for i in 0..self.recs.len() {
            if self.done.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(item) = self.place(i) {
                emit(item);
            }
        }
        let mut bad = self.s.bad.iter().peekable();
        for (j, row) in self.s.rows.iter().enumerate() {
            while let Some(b) = bad.next_if(|b| b.line < row.line) {
                emit(self.bad_row_item(b));
            }
            let j = j as u32;
            let dup = self.dup_row.get(j as usize).copied().unwrap_or(false);
            if self.used.get(j as usize).copied().unwrap_or(true) && !dup {
                continue;
            }
            let (category, reason) = if dup {
                (Category::Duplicate, Some(Reason::SameRow))
            } else if self.claims.contains(&(row.terminal, row.rrn)) {
                (
                    Category::MissingReceipt,
                    Some(Reason::ClaimedByInvalidReceipt),
                )
            } else {
                (Category::MissingReceipt, None)
            };
            emit(Item {
                category,
                reason,
                receipt: None,
                related: None,
                row: Some(self.row_facts(j)),
                pending_for: None,
            });
        }
        for b in bad {
            emit(self.bad_row_item(b));
        }
    }

    fn bad_row_item(&self, b: &settlement::BadRow) -> Item {
        Item {
            category: Category::MalformedRow,
            reason: None,
            receipt: None,
            related: None,
            row: Some(RowFacts {
                line: b.line,
                terminal: String::new(),
                batch: String::new(),
                rrn: String::new(),
                authorization_code: String::new(),
                amount: 0,
                currency: String::new(),
                time: 0,
                kind: "",
                bad_column: Some(b.column.code()),
            }),
            pending_for: None,
        }
    }

    fn facts(&self, i: usize) -> ReceiptFacts {
        let Some(r) = self.recs.get(i) else {
            return ReceiptFacts {
                index: 0,
                offset: 0,
                status: "invalid",
                code: None,
                digest: None,
                merchant: None,
                terminal: None,
                counter: None,
                issued_at: None,
                kind: None,
                amount: None,
                currency: None,
                rrn: None,
                authorization_code: None,
                last4: None,
                cardholder_verification: None,
            };
        };
        let decoded = r.terminal != NONE;
        ReceiptFacts {
            index: i as u64,
            offset: r.offset,
            status: r.status.code(),
            code: r.code(),
            digest: r.digest,
            merchant: decoded.then(|| self.merchants.name(r.merchant).to_string()),
            terminal: decoded.then(|| self.s.terminals.name(r.terminal).to_string()),
            counter: decoded.then_some(r.counter),
            issued_at: decoded.then_some(r.issued_at),
            kind: r.kind.map(ReceiptKind::name),
            amount: r.pay.map(|p| p.amount),
            currency: r.pay.map(|p| p.currency.as_str().to_string()),
            rrn: r.pay.map(|p| p.rrn.as_str().to_string()),
            authorization_code: r
                .pay
                .filter(|p| !p.auth.is_empty())
                .map(|p| p.auth.as_str().to_string()),
            last4: r.pay.map(|p| p.last4.as_str().to_string()),
            cardholder_verification: r.pay.map(|p| p.cvm.name()),
        }
    }

    fn row_facts(&self, j: u32) -> RowFacts {
        let row = self.s.rows.get(j as usize);
        RowFacts {
            line: row.map_or(0, |r| r.line),
            terminal: row
                .map_or("", |r| self.s.terminals.name(r.terminal))
                .to_string(),
            batch: row.map_or("", |r| self.s.batches.name(r.batch)).to_string(),
            rrn: row.map_or("", |r| r.rrn.as_str()).to_string(),
            authorization_code: row.map_or("", |r| r.auth.as_str()).to_string(),
            amount: row.map_or(0, |r| r.amount),
            currency: row.map_or("", |r| r.currency.as_str()).to_string(),
            time: row.map_or(0, |r| r.time),
            kind: row.map_or("", |r| r.kind.name()),
            bad_column: None,
        }
    }
}

fn same_row(a: &Row, b: &Row) -> bool {
    a.terminal == b.terminal
        && a.rrn == b.rrn
        && a.kind == b.kind
        && a.amount == b.amount
        && a.currency == b.currency
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-record sizes behind the memory bound stated in the module documentation.
    #[test]
    fn record_sizes() {
        assert!(size_of::<Rec>() <= 136, "{}", size_of::<Rec>());
        assert!(size_of::<Row>() <= 72, "{}", size_of::<Row>());
        assert_eq!(Digest([0xab; 32]).to_string(), "ab".repeat(32));
    }
}
