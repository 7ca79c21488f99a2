//! Journal and reconciliation reports as native, immutable Python classes, built from the
//! crate's `JournalView` and `possig_reconcile::ReportView` (no JSON). Record outcomes and
//! items stay Rust values until Python asks for them (`records`, `items`), so `to_arrow()`
//! reads them without one Python object per record.

use std::collections::BTreeMap;

use possig::journal::{Counts, Finding, Summary};
use possig::view::JournalView;
use possig_reconcile::{CategoryCount, Item, ReceiptFacts, ReportView, RowFacts};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::bulk::PyRecordOutcome;
use crate::convert::{Vocabulary as V, hex_bytes, opt_bytes, opt_utc, timedelta, to_py, utc};

/// A chain-level finding: its stable code, whether it is informational, and its data.
#[pyclass(frozen, eq, module = "possig._native", name = "Finding")]
#[derive(PartialEq)]
pub(crate) struct PyFinding {
    finding: Finding,
    informational: bool,
}

#[pymethods]
impl PyFinding {
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::FindingCode.member(py, self.finding.code())
    }
    #[getter]
    fn informational(&self) -> bool {
        self.informational
    }
    /// The finding's data without its code, with the package's types: key ids and digests
    /// (`key`, `digest`, `original`, a rotation's `from` and `to`) as `bytes`, times
    /// (`issued_at`, `resigned_at`) as `datetime`; the rest as in the JSON view.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = to_py(py, &self.finding)?.cast_into::<PyDict>()?;
        d.del_item("finding")?;
        for (k, v) in d.clone().iter() {
            let name: String = k.extract()?;
            match name.as_str() {
                // A rotation's `from`/`to` are key ids (hex); a gap's are counters (int).
                "key" | "digest" | "original" | "from" | "to" => {
                    if let Ok(hex) = v.extract::<String>() {
                        d.set_item(k, hex_bytes(py, &hex)?)?;
                    }
                }
                "issued_at" | "resigned_at" => {
                    if let Ok(t) = v.extract::<u64>() {
                        d.set_item(k, utc(py, t)?)?;
                    }
                }
                _ => {}
            }
        }
        Ok(d)
    }
    /// The finding as `possig journal verify --json` prints it in `findings`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.finding)
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding(code={:?}, informational={})",
            self.finding.code(),
            if self.informational { "True" } else { "False" }
        )
    }
}

fn counts_dict<'py>(
    py: Python<'py>,
    m: &BTreeMap<&'static str, u64>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in m {
        d.set_item(*k, *v)?;
    }
    Ok(d)
}

/// Counts of one terminal or of a whole journal: records per status, invalid records per error
/// code, findings per code.
#[pyclass(frozen, eq, module = "possig._native", name = "Counts")]
#[derive(PartialEq)]
pub(crate) struct PyCounts(Counts);

#[pymethods]
impl PyCounts {
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.0.status)
    }
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.0.errors)
    }
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.0.findings)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Counts(status={:?}, errors={:?}, findings={:?})",
            self.0.status, self.0.errors, self.0.findings
        )
    }
}

/// The counts of a journal verification: records and bytes read, counts over everything and
/// per terminal id (records that do not decode are counted under `""`).
#[pyclass(frozen, eq, module = "possig._native", name = "JournalSummary")]
#[derive(PartialEq)]
pub(crate) struct PyJournalSummary(Summary);

#[pymethods]
impl PyJournalSummary {
    #[getter]
    fn records(&self) -> u64 {
        self.0.records
    }
    #[getter]
    fn bytes(&self) -> u64 {
        self.0.bytes
    }
    #[getter]
    fn total(&self, py: Python<'_>) -> PyResult<Py<PyCounts>> {
        Py::new(py, PyCounts(self.0.total.clone()))
    }
    #[getter]
    fn terminals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.0.terminals {
            d.set_item(k, Py::new(py, PyCounts(v.clone()))?)?;
        }
        Ok(d)
    }
    #[getter]
    fn clean(&self) -> bool {
        self.0.is_clean()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "JournalSummary(records={}, bytes={}, clean={})",
            self.0.records,
            self.0.bytes,
            if self.0.is_clean() { "True" } else { "False" }
        )
    }
}

/// Every record's outcome, every chain finding, and the counts of a journal verification.
#[pyclass(frozen, module = "possig._native", name = "JournalReport")]
pub(crate) struct PyJournalReport {
    pub(crate) view: JournalView,
    records: PyOnceLock<Py<PyTuple>>,
}

impl PyJournalReport {
    pub(crate) fn new(view: JournalView) -> Self {
        PyJournalReport {
            view,
            records: PyOnceLock::new(),
        }
    }

    fn records_tuple<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyTuple>> {
        self.records
            .get_or_try_init(py, || {
                let r = self
                    .view
                    .records
                    .iter()
                    .map(|r| Py::new(py, PyRecordOutcome(r.clone())))
                    .collect::<PyResult<Vec<_>>>()?;
                Ok::<_, PyErr>(PyTuple::new(py, r)?.unbind())
            })
            .map(|t| t.bind(py))
    }

    fn findings_where(&self, py: Python<'_>, keep: impl Fn(bool) -> bool) -> PyResult<Py<PyTuple>> {
        let f = self
            .view
            .findings
            .iter()
            .zip(&self.view.informational)
            .filter(|(_, i)| keep(**i))
            .map(|(f, &informational)| {
                Py::new(
                    py,
                    PyFinding {
                        finding: f.clone(),
                        informational,
                    },
                )
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyTuple::new(py, f)?.unbind())
    }
}

#[pymethods]
impl PyJournalReport {
    /// One outcome per record, in input order.
    #[getter]
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.records_tuple(py).cloned()
    }
    /// The chain findings, in order.
    #[getter]
    fn findings(&self, py: Python<'_>) -> PyResult<Py<PyTuple>> {
        self.findings_where(py, |_| true)
    }
    /// The findings that are problems (not informational).
    #[getter]
    fn problems(&self, py: Python<'_>) -> PyResult<Py<PyTuple>> {
        self.findings_where(py, |informational| !informational)
    }
    /// The records whose status is `invalid`.
    #[getter]
    fn invalid<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let all = self.records_tuple(py)?;
        let bad = self
            .view
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == possig::journal::Status::Invalid)
            .map(|(i, _)| all.get_item(i))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, bad)
    }
    #[getter]
    fn summary(&self, py: Python<'_>) -> PyResult<Py<PyJournalSummary>> {
        Py::new(py, PyJournalSummary(self.view.summary.clone()))
    }
    /// Every record valid (warnings allowed) and no finding a problem.
    #[getter]
    fn clean(&self) -> bool {
        self.view.clean
    }
    /// The report as `possig journal verify --json --all-records` prints it for the same
    /// input and time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.view)
    }
    /// The record outcomes as a `pyarrow.Table` (`possig_arrow::records_schema`), built in
    /// Rust: no Python object per record. pyarrow is an optional dependency.
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch = possig_arrow::records_batch(&self.view.records)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        crate::arrow::table(py, batch)
    }
    /// The chain findings as a `pyarrow.Table` (`possig_arrow::findings_schema`: the code,
    /// the common fields as columns, `detail` the finding's JSON view).
    fn findings_to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch = possig_arrow::findings_batch(&self.view.findings, &[])
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        crate::arrow::table(py, batch)
    }
    fn __eq__(&self, other: &Self) -> bool {
        self.view == other.view
    }
    fn __len__(&self) -> usize {
        self.view.records.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "JournalReport(records={}, findings={}, clean={})",
            self.view.records.len(),
            self.view.findings.len(),
            if self.view.clean { "True" } else { "False" }
        )
    }
}

/// A receipt's key fields in a reconciliation item (verified only if `status` is valid).
#[pyclass(frozen, eq, hash, module = "possig._native", name = "ReceiptFacts")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyReceiptFacts(ReceiptFacts);

#[pymethods]
impl PyReceiptFacts {
    #[getter]
    fn index(&self) -> u64 {
        self.0.index
    }
    #[getter]
    fn offset(&self) -> u64 {
        self.0.offset
    }
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::Status.member(py, self.0.status)
    }
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::ErrorCode.opt(py, self.0.code)
    }
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.digest.as_ref().map(|d| &d.as_bytes()[..]))
    }
    #[getter]
    fn merchant(&self) -> Option<&str> {
        self.0.merchant.as_deref()
    }
    #[getter]
    fn terminal(&self) -> Option<&str> {
        self.0.terminal.as_deref()
    }
    #[getter]
    fn counter(&self) -> Option<u64> {
        self.0.counter
    }
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_utc(py, self.0.issued_at)
    }
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::ReceiptKind.opt(py, self.0.kind)
    }
    #[getter]
    fn amount(&self) -> Option<u64> {
        self.0.amount
    }
    #[getter]
    fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
    #[getter]
    fn rrn(&self) -> Option<&str> {
        self.0.rrn.as_deref()
    }
    #[getter]
    fn authorization_code(&self) -> Option<&str> {
        self.0.authorization_code.as_deref()
    }
    #[getter]
    fn last4(&self) -> Option<&str> {
        self.0.last4.as_deref()
    }
    #[getter]
    fn cardholder_verification<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::CardholderVerification.opt(py, self.0.cardholder_verification)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ReceiptFacts(index={}, status={:?}, terminal={:?}, counter={:?})",
            self.0.index, self.0.status, self.0.terminal, self.0.counter
        )
    }
}

/// A settlement row's fields in a reconciliation item (`time` None for a malformed row).
#[pyclass(frozen, eq, hash, module = "possig._native", name = "RowFacts")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyRowFacts(RowFacts);

#[pymethods]
impl PyRowFacts {
    #[getter]
    fn line(&self) -> u64 {
        self.0.line
    }
    #[getter]
    fn terminal(&self) -> &str {
        &self.0.terminal
    }
    #[getter]
    fn batch(&self) -> &str {
        &self.0.batch
    }
    #[getter]
    fn rrn(&self) -> &str {
        &self.0.rrn
    }
    #[getter]
    fn authorization_code(&self) -> &str {
        &self.0.authorization_code
    }
    #[getter]
    fn amount(&self) -> u64 {
        self.0.amount
    }
    #[getter]
    fn currency(&self) -> &str {
        &self.0.currency
    }
    #[getter]
    fn time<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.0.bad_column.is_some() {
            return Ok(None);
        }
        utc(py, self.0.time).map(Some)
    }
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::ReceiptKind.member(py, self.0.kind)
    }
    /// The settlement column that did not parse (a malformed row), else None.
    #[getter]
    fn bad_column(&self) -> Option<&str> {
        self.0.bad_column
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "RowFacts(line={}, terminal={:?}, rrn={:?}, amount={})",
            self.0.line, self.0.terminal, self.0.rrn, self.0.amount
        )
    }
}

/// One reconciliation outcome: a receipt, a row, or both, in exactly one category.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "ReconcileItem")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyReconcileItem(Item);

fn facts(py: Python<'_>, f: Option<&ReceiptFacts>) -> PyResult<Option<Py<PyReceiptFacts>>> {
    f.map(|f| Py::new(py, PyReceiptFacts(f.clone())))
        .transpose()
}

#[pymethods]
impl PyReconcileItem {
    #[getter]
    fn category<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::Category.member(py, self.0.category.code())
    }
    #[getter]
    fn reason<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::Reason.opt(py, self.0.reason.map(|r| r.code()))
    }
    /// Whether the category needs a person's attention.
    #[getter]
    fn is_finding(&self) -> bool {
        self.0.category.is_finding()
    }
    #[getter]
    fn receipt(&self, py: Python<'_>) -> PyResult<Option<Py<PyReceiptFacts>>> {
        facts(py, self.0.receipt.as_ref())
    }
    /// The other receipt an item is about (the original of a copy or void).
    #[getter]
    fn related(&self, py: Python<'_>) -> PyResult<Option<Py<PyReceiptFacts>>> {
        facts(py, self.0.related.as_ref())
    }
    #[getter]
    fn row(&self, py: Python<'_>) -> PyResult<Option<Py<PyRowFacts>>> {
        self.0
            .row
            .clone()
            .map(|r| Py::new(py, PyRowFacts(r)))
            .transpose()
    }
    /// How long a `pending` receipt has been waiting, as a `timedelta`.
    #[getter]
    fn pending_for<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0.pending_for.map(|s| timedelta(py, s)).transpose()
    }
    /// The terminal the item is about.
    #[getter]
    fn terminal(&self) -> &str {
        self.0.terminal()
    }
    /// The item as `report.json` holds it in `items`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ReconcileItem(category={:?}, reason={:?}, terminal={:?})",
            self.0.category.code(),
            self.0.reason.map(|r| r.code()),
            self.0.terminal()
        )
    }
}

/// Items, receipts and rows in one category.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "CategoryCount")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyCategoryCount {
    #[pyo3(get)]
    items: u64,
    #[pyo3(get)]
    receipts: u64,
    #[pyo3(get)]
    rows: u64,
}

#[pymethods]
impl PyCategoryCount {
    fn __repr__(&self) -> String {
        format!(
            "CategoryCount(items={}, receipts={}, rows={})",
            self.items, self.receipts, self.rows
        )
    }
}

impl From<&CategoryCount> for PyCategoryCount {
    fn from(c: &CategoryCount) -> Self {
        PyCategoryCount {
            items: c.items,
            receipts: c.receipts,
            rows: c.rows,
        }
    }
}

/// Counts per category (with the conservation proof), per terminal and per hour; the journal
/// summary; and the items (findings, and matched ones if asked for).
#[pyclass(frozen, module = "possig._native", name = "ReconcileReport")]
pub(crate) struct PyReconcileReport {
    pub(crate) view: ReportView,
    items: PyOnceLock<Py<PyTuple>>,
}

impl PyReconcileReport {
    pub(crate) fn new(view: ReportView) -> Self {
        PyReconcileReport {
            view,
            items: PyOnceLock::new(),
        }
    }

    fn items_tuple<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyTuple>> {
        self.items
            .get_or_try_init(py, || {
                let r = self
                    .view
                    .items
                    .iter()
                    .map(|i| Py::new(py, PyReconcileItem(i.clone())))
                    .collect::<PyResult<Vec<_>>>()?;
                Ok::<_, PyErr>(PyTuple::new(py, r)?.unbind())
            })
            .map(|t| t.bind(py))
    }
}

#[pymethods]
impl PyReconcileReport {
    /// Receipts read (every journal record, skipped bytes excluded).
    #[getter]
    fn receipts(&self) -> u64 {
        self.view.report.receipts
    }
    /// Settlement rows read (blank lines excluded, malformed rows included).
    #[getter]
    fn rows(&self) -> u64 {
        self.view.report.rows
    }
    #[getter]
    fn categories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, c) in &self.view.report.categories {
            d.set_item(
                V::Category.member(py, k)?,
                Py::new(py, PyCategoryCount::from(c))?,
            )?;
        }
        Ok(d)
    }
    /// Items per category, per terminal id.
    #[getter]
    fn terminals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, m) in &self.view.report.terminals {
            d.set_item(k, counts_dict(py, m)?)?;
        }
        Ok(d)
    }
    /// Items per category, per hour (keyed by the hour's start, a `datetime` in UTC).
    #[getter]
    fn hours<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, m) in &self.view.report.hours {
            d.set_item(utc(py, *k)?, counts_dict(py, m)?)?;
        }
        Ok(d)
    }
    #[getter]
    fn journal(&self, py: Python<'_>) -> PyResult<Py<PyJournalSummary>> {
        Py::new(py, PyJournalSummary(self.view.report.journal.clone()))
    }
    #[getter]
    fn verified_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc(py, self.view.report.verified_at)
    }
    /// Every receipt and every row in exactly one category.
    #[getter]
    fn conserved(&self) -> bool {
        self.view.conserved
    }
    /// No finding category and a clean journal.
    #[getter]
    fn clean(&self) -> bool {
        self.view.clean
    }
    /// The items kept: the findings, and the matched ones with `include_matched=True`.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.items_tuple(py).cloned()
    }
    /// The items that need a person's attention.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let all = self.items_tuple(py)?;
        let f = self
            .view
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.category.is_finding())
            .map(|(n, _)| all.get_item(n))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, f)
    }
    /// The report exactly as `possig reconcile` writes `report.json` for the same inputs,
    /// options and time.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.view)
    }
    /// The items as a `pyarrow.Table` (`possig_arrow::items_schema`), built in Rust: no
    /// Python object per item. pyarrow is an optional dependency.
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let batch = possig_arrow::items_batch(&self.view.items)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        crate::arrow::table(py, batch)
    }
    /// The items as a pandas DataFrame with the columns and cells of `items.csv` (the crate's
    /// `csv_record`; an empty cell is None). pandas is an optional dependency.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|e| {
            let err = pyo3::exceptions::PyImportError::new_err(
                "to_pandas() needs pandas: pip install possig[pandas]",
            );
            err.set_cause(py, Some(e));
            err
        })?;
        let rows: Vec<Vec<Option<String>>> = self
            .view
            .items
            .iter()
            .map(|i| {
                possig_reconcile::csv_record(i)
                    .into_iter()
                    .map(|c| (!c.is_empty()).then_some(c))
                    .collect()
            })
            .collect();
        let kw = PyDict::new(py);
        kw.set_item("columns", possig_reconcile::CSV_HEADER.to_vec())?;
        pandas.getattr("DataFrame")?.call((rows,), Some(&kw))
    }
    fn __eq__(&self, other: &Self) -> bool {
        self.view == other.view
    }
    fn __repr__(&self) -> String {
        format!(
            "ReconcileReport(receipts={}, rows={}, items={}, conserved={}, clean={})",
            self.view.report.receipts,
            self.view.report.rows,
            self.view.items.len(),
            if self.view.conserved { "True" } else { "False" },
            if self.view.clean { "True" } else { "False" }
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFinding>()?;
    m.add_class::<PyCounts>()?;
    m.add_class::<PyJournalSummary>()?;
    m.add_class::<PyJournalReport>()?;
    m.add_class::<PyReceiptFacts>()?;
    m.add_class::<PyRowFacts>()?;
    m.add_class::<PyReconcileItem>()?;
    m.add_class::<PyCategoryCount>()?;
    m.add_class::<PyReconcileReport>()?;
    Ok(())
}
