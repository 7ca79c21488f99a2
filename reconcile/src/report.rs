//! What reconciliation reports: one [`Item`] per receipt, row, or matched pair, each in exactly
//! one [`Category`], and a [`Report`] of counts that proves conservation.

use std::collections::BTreeMap;

use possig::journal::Summary;

/// The category of an item. Every receipt and every settlement row ends in exactly one.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// A valid receipt and its settlement row agree (terminal, RRN or authorization code, kind,
    /// amount, currency, time within the window).
    Matched,
    /// A valid receipt and a settlement row with its RRN disagree on amount, currency, kind or
    /// time ([`Reason`] says which), or a sale was settled although it was voided.
    Mismatch,
    /// A settlement row with no valid receipt: a missing slip.
    MissingReceipt,
    /// A valid receipt of a kind that settles (sale, refund, completion) with no settlement row.
    NotSettled,
    /// A receipt that does not verify (the item carries its error code).
    InvalidReceipt,
    /// The same receipt again (a duplicate upload), a second receipt for an RRN already
    /// claimed, or a settlement row repeated.
    Duplicate,
    /// A `copy` (reprint) receipt: never counted as a second payment.
    Copy,
    /// A payment whose cardholder signature is still pending more than the allowed days after
    /// it was issued (risk flag: the cardholder never signed). The settlement row, if any, is
    /// in the same item.
    PendingSignature,
    /// An unsigned record (signer outage) that no valid `recovery` covers. The settlement row,
    /// if any, is in the same item.
    Unsigned,
    /// A sale or completion voided by a valid `void` receipt, and the void itself, with no
    /// settlement row: nothing to settle.
    Voided,
    /// A refund, void or completion whose original is not among the valid receipts, belongs to
    /// another terminal, has another currency, or (refunds) is exceeded.
    ReferenceMismatch,
    /// A receipt that never settles: `preauth` without a row, `resign`, `recovery`, `dayClose`.
    NoSettlementExpected,
    /// A settlement row that could not be parsed (the item names the column).
    MalformedRow,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 13] = [
        Category::Matched,
        Category::Mismatch,
        Category::MissingReceipt,
        Category::NotSettled,
        Category::InvalidReceipt,
        Category::Duplicate,
        Category::Copy,
        Category::PendingSignature,
        Category::Unsigned,
        Category::Voided,
        Category::ReferenceMismatch,
        Category::NoSettlementExpected,
        Category::MalformedRow,
    ];

    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Plain words for people (the HTML report).
    pub fn title(self) -> &'static str {
        match self {
            Category::Matched => "Matched",
            Category::Mismatch => "Amount, currency, kind or time mismatch",
            Category::MissingReceipt => "Settled but no valid receipt (missing slip)",
            Category::NotSettled => "Receipt but not settled",
            Category::InvalidReceipt => "Invalid receipt",
            Category::Duplicate => "Duplicate",
            Category::Copy => "Copy (reprint)",
            Category::PendingSignature => "Cardholder signature pending too long",
            Category::Unsigned => "Unsigned receipt (not covered by a recovery)",
            Category::Voided => "Voided (nothing to settle)",
            Category::ReferenceMismatch => "Refund, void or completion without a matching original",
            Category::NoSettlementExpected => "No settlement expected",
            Category::MalformedRow => "Malformed settlement row",
        }
    }

    /// Whether a person should look at items of this category. Matched items, copies, voided
    /// pairs and receipts that never settle are in order.
    pub fn is_finding(self) -> bool {
        !matches!(
            self,
            Category::Matched | Category::Copy | Category::Voided | Category::NoSettlementExpected
        )
    }
}

/// Why an item is in its category, where the category alone does not say.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Amounts differ.
    Amount,
    /// Currencies differ.
    Currency,
    /// Kinds differ (e.g. a sale receipt against a refund row).
    Kind,
    /// The row's time is outside the window around the receipt's `issuedAt`.
    Time,
    /// The sale was voided by a valid void receipt but settled anyway.
    VoidedButSettled,
    /// The original named by `original` is not among the valid receipts.
    OriginalNotFound,
    /// The original belongs to another terminal.
    OtherTerminal,
    /// The original has another currency, or is not of a kind this one may refer to.
    OriginalKind,
    /// Refunds exceed the original amount.
    RefundExceedsOriginal,
    /// The same receipt (same digest) was seen before.
    SameReceipt,
    /// Another valid receipt already claimed this terminal and RRN.
    RrnReused,
    /// The same settlement row (terminal, RRN, kind, amount, currency) appeared before.
    SameRow,
    /// A settled row whose RRN is claimed only by an invalid, duplicate or unsigned receipt.
    ClaimedByInvalidReceipt,
}

impl Reason {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// A receipt's key fields as an item shows them. Fields come from the receipt as decoded; they
/// are verified only when `status` is `valid` or `valid_with_warnings`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ReceiptFacts {
    /// Position of the record in the input (0-based, across all journals).
    pub index: u64,
    /// Byte offset of the record in the concatenated input.
    pub offset: u64,
    /// Journal verdict code: `valid`, `valid_with_warnings`, `invalid`, `unsigned`.
    pub status: &'static str,
    /// Error code when invalid.
    pub code: Option<&'static str>,
    /// Receipt digest, when the record decodes.
    pub digest: Option<possig::Digest>,
    /// Merchant id.
    pub merchant: Option<String>,
    /// Terminal id.
    pub terminal: Option<String>,
    /// Chain counter.
    pub counter: Option<u64>,
    /// Issue time, Unix seconds.
    pub issued_at: Option<u64>,
    /// Kind name.
    pub kind: Option<&'static str>,
    /// Amount in minor units (payment kinds).
    pub amount: Option<u64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// Retrieval reference number.
    pub rrn: Option<String>,
    /// Authorization code.
    pub authorization_code: Option<String>,
    /// Last four digits of the card.
    pub last4: Option<String>,
    /// Cardholder verification method name.
    pub cardholder_verification: Option<&'static str>,
}

/// A settlement row's fields as an item shows them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct RowFacts {
    /// 1-based line in the settlement file.
    pub line: u64,
    /// Terminal id (empty for a malformed row).
    pub terminal: String,
    /// Acquirer batch.
    pub batch: String,
    /// Retrieval reference number.
    pub rrn: String,
    /// Authorization code.
    pub authorization_code: String,
    /// Amount in minor units.
    pub amount: u64,
    /// ISO 4217 code.
    pub currency: String,
    /// Transaction time, Unix seconds.
    pub time: u64,
    /// Kind name.
    pub kind: &'static str,
    /// For a malformed row: the first column at fault.
    pub bad_column: Option<&'static str>,
}

/// One outcome of reconciliation: a receipt, a row, or both (and for voids and references, the
/// related original receipt).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Item {
    /// The category.
    pub category: Category,
    /// Why, where the category alone does not say.
    pub reason: Option<Reason>,
    /// The receipt, if any.
    pub receipt: Option<ReceiptFacts>,
    /// A second receipt in the same item: the void of a `voided` sale or completion.
    pub related: Option<ReceiptFacts>,
    /// The settlement row, if any.
    pub row: Option<RowFacts>,
    /// For a payment whose cardholder signature is pending: seconds since issue.
    pub pending_for: Option<u64>,
}

impl Item {
    /// Receipts in this item (0, 1 or 2).
    pub fn receipts(&self) -> u64 {
        u64::from(self.receipt.is_some()) + u64::from(self.related.is_some())
    }
    /// Rows in this item (0 or 1).
    pub fn rows(&self) -> u64 {
        u64::from(self.row.is_some())
    }
    /// The terminal the item is about.
    pub fn terminal(&self) -> &str {
        self.receipt
            .as_ref()
            .and_then(|r| r.terminal.as_deref())
            .or(self.row.as_ref().map(|r| r.terminal.as_str()))
            .unwrap_or("")
    }
    /// The item's time: the receipt's `issuedAt`, else the row's time (none for a malformed
    /// row or a receipt that does not decode).
    pub fn time(&self) -> Option<u64> {
        self.receipt.as_ref().and_then(|r| r.issued_at).or(self
            .row
            .as_ref()
            .filter(|r| r.bad_column.is_none())
            .map(|r| r.time))
    }
}

/// Items, receipts and rows in one category.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CategoryCount {
    /// Items.
    pub items: u64,
    /// Receipts in those items.
    pub receipts: u64,
    /// Settlement rows in those items.
    pub rows: u64,
}

/// The counts of a reconciliation. Items themselves go to the caller's sink.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Receipts read (every journal record, garbage excluded).
    pub receipts: u64,
    /// Settlement rows read (blank lines excluded; malformed rows included).
    pub rows: u64,
    /// Per category code.
    pub categories: BTreeMap<&'static str, CategoryCount>,
    /// Per terminal id, items per category code.
    pub terminals: BTreeMap<String, BTreeMap<&'static str, u64>>,
    /// Per hour (Unix seconds of the hour's start), finding items per category code.
    pub hours: BTreeMap<u64, BTreeMap<&'static str, u64>>,
    /// The journal verification's summary (chain findings included).
    pub journal: Summary,
    /// Verification time, Unix seconds.
    pub verified_at: u64,
}

impl Report {
    pub(crate) fn count(&mut self, item: &Item) {
        let code = item.category.code();
        let c = self.categories.entry(code).or_default();
        c.items += 1;
        c.receipts += item.receipts();
        c.rows += item.rows();
        *self
            .terminals
            .entry(item.terminal().to_string())
            .or_default()
            .entry(code)
            .or_default() += 1;
        if item.category.is_finding()
            && let Some(t) = item.time()
        {
            *self
                .hours
                .entry(t - t % 3600)
                .or_default()
                .entry(code)
                .or_default() += 1;
        }
    }

    /// Receipts over all categories.
    pub fn receipts_categorized(&self) -> u64 {
        self.categories.values().map(|c| c.receipts).sum()
    }

    /// Rows over all categories.
    pub fn rows_categorized(&self) -> u64 {
        self.categories.values().map(|c| c.rows).sum()
    }

    /// Conservation: every receipt and every row is in exactly one category.
    pub fn is_conserved(&self) -> bool {
        self.receipts == self.receipts_categorized() && self.rows == self.rows_categorized()
    }

    /// Items in `category`.
    pub fn items(&self, category: Category) -> u64 {
        self.categories.get(category.code()).map_or(0, |c| c.items)
    }

    /// Whether nothing needs a person's attention: no finding category and a clean journal.
    pub fn is_clean(&self) -> bool {
        Category::ALL
            .iter()
            .all(|c| !c.is_finding() || self.items(*c) == 0)
            && self.journal.is_clean()
    }
}

/// A reconciliation as one serializable value: what the CLI writes to `report.json` and the
/// Python binding returns.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReportView {
    /// The counts.
    pub report: Report,
    /// [`Report::is_conserved`].
    pub conserved: bool,
    /// [`Report::is_clean`].
    pub clean: bool,
    /// The items kept (the findings, or every item: the caller chooses).
    pub items: Vec<Item>,
    /// Whether `items` holds every item the caller asked for (false when it was capped).
    pub items_complete: bool,
}

impl ReportView {
    /// The view of `report` with the `items` kept and whether they are all.
    pub fn new(report: Report, items: Vec<Item>, items_complete: bool) -> Self {
        ReportView {
            conserved: report.is_conserved(),
            clean: report.is_clean(),
            report,
            items,
            items_complete,
        }
    }
}
