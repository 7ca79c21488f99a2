//! Many receipts at once: journals, batches, reconciliation, simulated days. Each call releases
//! the GIL while the crate works (on all cores with its `parallel` feature).

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use possig::journal::{Anchor, JournalItem, JournalOptions, JournalReader};
use possig::view::JournalView;
use possig::{Terminal, VerifyOptions};
use possig_reconcile::{ColumnMap, ReconcileOptions};
use possig_testkit::simulate::{SimTerminal, simulate_day as simulate};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::keys::PySigningKey;
use crate::receipt::{PyTrustStore, to_py};
use crate::{PResult, PossigError};

/// (key id, counter, digest) of the last known receipt of a key.
type AnchorArg = (Vec<u8>, u64, Vec<u8>);

fn journal_options(now: u64, anchors: Vec<AnchorArg>) -> PResult<JournalOptions> {
    let mut o = JournalOptions::new(VerifyOptions::at(now));
    let bad = || {
        PossigError::from(possig::Error::InvalidField {
            field: possig::Field::Previous,
        })
    };
    for (key, counter, digest) in anchors {
        let key = possig::KeyId::try_from(key.as_slice()).map_err(|_| bad())?;
        let digest = possig::Digest::try_from(digest.as_slice()).map_err(|_| bad())?;
        o = o.with_anchor(key, Anchor { counter, digest });
    }
    Ok(o)
}

/// One record's verdict, `possig.RecordOutcome`: made here rather than from JSON in Python,
/// because a journal has millions of them (its values are the crate's own codes and names, as
/// in the JSON view).
#[pyclass(module = "possig._native", name = "RecordOutcome", frozen)]
pub(crate) struct PyRecordOutcome(possig::journal::RecordOutcome);

impl PyRecordOutcome {
    fn kind_name(&self) -> Option<&'static str> {
        self.0.kind.map(|k| k.name())
    }
}

fn bytes32<'py>(py: Python<'py>, b: Option<&[u8; 32]>) -> Option<Bound<'py, PyBytes>> {
    b.map(|b| PyBytes::new(py, b))
}

#[pymethods]
impl PyRecordOutcome {
    #[getter]
    fn index(&self) -> u64 {
        self.0.index
    }
    #[getter]
    fn offset(&self) -> u64 {
        self.0.offset
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.code()
    }
    #[getter]
    fn code(&self) -> Option<&'static str> {
        self.0.code
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.0.warnings)
    }
    #[getter]
    fn key_id<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        bytes32(py, self.0.key_id.as_ref().map(|k| k.as_bytes()))
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
    fn kind(&self) -> Option<&'static str> {
        self.kind_name()
    }
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        bytes32(py, self.0.digest.as_ref().map(|d| d.as_bytes()))
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let o = &self.0;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (o.index, o.offset, o.status, o.code, &o.warnings, o.key_id).hash(&mut h);
        (&o.terminal, o.counter, self.kind_name(), o.digest).hash(&mut h);
        h.finish()
    }

    /// The outcome as the CLI prints it in `possig journal verify --json` (`records[]`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let o = &self.0;
        let hex = |b: Option<[u8; 32]>| match b {
            Some(b) => format!(
                "b'{}'",
                b.iter().map(|x| format!("\\x{x:02x}")).collect::<String>()
            ),
            None => "None".into(),
        };
        let text = |t: Option<&str>| t.map_or("None".into(), |t| format!("{t:?}"));
        format!(
            "RecordOutcome(index={}, offset={}, status='{}', code={}, warnings={:?}, key_id={}, terminal={}, counter={}, kind={}, digest={})",
            o.index,
            o.offset,
            o.status.code(),
            text(o.code),
            o.warnings,
            hex(o.key_id.map(|k| k.to_bytes())),
            text(o.terminal.as_deref()),
            o.counter.map_or("None".into(), |c| c.to_string()),
            text(self.kind_name()),
            hex(o.digest.map(|d| d.to_bytes())),
        )
    }
}

/// A journal verification for Python: the record outcomes as native objects, and the rest of
/// the crate's `JournalView` (findings, summary, clean) as a dict.
type JournalResult<'py> = (Vec<Py<PyRecordOutcome>>, Bound<'py, PyAny>);

fn journal_result(py: Python<'_>, mut view: JournalView) -> PyResult<JournalResult<'_>> {
    let records = std::mem::take(&mut view.records)
        .into_iter()
        .map(|r| Py::new(py, PyRecordOutcome(r)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((records, to_py(py, &view)?))
}

#[pyfunction]
#[pyo3(signature = (store, receipts, now, anchors=Vec::new()))]
fn verify_many<'py>(
    py: Python<'py>,
    store: &PyTrustStore,
    receipts: Vec<Vec<u8>>,
    now: u64,
    anchors: Vec<AnchorArg>,
) -> PyResult<JournalResult<'py>> {
    let opts = journal_options(now, anchors)?;
    let store = Arc::clone(&store.inner);
    let done = py.detach(|| {
        let mut out = JournalView::default();
        let summary = possig::journal::verify_many(&receipts, &store, &opts, |e| out.push(e));
        out.finish(summary)
    });
    journal_result(py, done)
}

/// An input given either as bytes or as a file path.
fn open(data: Option<Vec<u8>>, path: Option<String>) -> PResult<Box<dyn Read + Send>> {
    match (data, path) {
        (Some(d), None) => Ok(Box::new(std::io::Cursor::new(d))),
        (None, Some(p)) => Ok(Box::new(std::io::BufReader::new(
            std::fs::File::open(p).map_err(possig::Error::from)?,
        ))),
        _ => Err(PossigError::from(possig::Error::Io {
            kind: std::io::ErrorKind::InvalidInput,
        })),
    }
}

#[pyfunction]
#[pyo3(signature = (store, now, *, data=None, path=None, anchors=Vec::new()))]
fn verify_journal<'py>(
    py: Python<'py>,
    store: &PyTrustStore,
    now: u64,
    data: Option<Vec<u8>>,
    path: Option<String>,
    anchors: Vec<AnchorArg>,
) -> PyResult<JournalResult<'py>> {
    let opts = journal_options(now, anchors)?;
    let input = open(data, path)?;
    let store = Arc::clone(&store.inner);
    let done = py.detach(|| {
        let mut out = JournalView::default();
        let summary = possig::journal::verify_journal(input, &store, &opts, |e| out.push(e))
            .map_err(possig::Error::from)?;
        Ok::<_, PossigError>(out.finish(summary))
    })?;
    journal_result(py, done)
}

/// (offset, record bytes or None for skipped bytes, length).
type JournalEntry<'py> = (u64, Option<Bound<'py, PyBytes>>, u64);

/// (category, reason, terminal, rrn) of an expected finding.
type ExpectedTuple = (String, String, String, String);

/// Splits a journal into records: (offset, record bytes) or (offset, None) for skipped bytes,
/// with the length in the third place.
#[pyfunction]
fn read_journal<'py>(py: Python<'py>, data: &[u8]) -> PResult<Vec<JournalEntry<'py>>> {
    let mut r = JournalReader::new(data);
    let mut out = Vec::new();
    while let Some(item) = r.next_item().map_err(possig::Error::from)? {
        out.push(match item {
            JournalItem::Record { offset, der } => {
                let len = der.len() as u64;
                (offset, Some(PyBytes::new(py, &der)), len)
            }
            JournalItem::Garbage { offset, len } => (offset, None, len),
        });
    }
    Ok(out)
}

#[pyfunction]
#[pyo3(signature = (store, now, *, journal_data=None, journal_paths=Vec::new(), settlement_data=None, settlement_path=None, window=possig_reconcile::DEFAULT_WINDOW_SECONDS, pending_days=possig_reconcile::DEFAULT_PENDING_DAYS, columns=HashMap::new(), include_matched=false, items_csv=None))]
#[allow(clippy::too_many_arguments)]
fn reconcile<'py>(
    py: Python<'py>,
    store: &PyTrustStore,
    now: u64,
    journal_data: Option<Vec<u8>>,
    journal_paths: Vec<String>,
    settlement_data: Option<Vec<u8>>,
    settlement_path: Option<String>,
    window: u64,
    pending_days: u64,
    columns: HashMap<String, String>,
    include_matched: bool,
    items_csv: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = (|| -> PResult<possig_reconcile::ReportView> {
        let mut map = ColumnMap::default();
        for (column, header) in &columns {
            map = map.with_code(column, header)?;
        }
        let options = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(now)))
            .with_window(window)
            .with_pending_days(pending_days)
            .with_columns(map);
        let mut journal: Box<dyn Read + Send> = match journal_data {
            Some(d) => Box::new(std::io::Cursor::new(d)),
            None => Box::new(std::io::empty()),
        };
        for p in journal_paths {
            let f = std::fs::File::open(p).map_err(possig::Error::from)?;
            journal = Box::new(journal.chain(std::io::BufReader::new(f)));
        }
        let settlement = open(settlement_data, settlement_path)?;
        let store = Arc::clone(&store.inner);
        let mut csv = items_csv
            .map(|p| {
                let f = std::fs::File::create(p).map_err(possig_reconcile::Error::from)?;
                possig_reconcile::ItemsCsv::new(std::io::BufWriter::new(f))
            })
            .transpose()?;
        py.detach(|| {
            let mut items = Vec::new();
            let mut csv_error = None;
            let report = possig_reconcile::reconcile(journal, settlement, &store, &options, |i| {
                if include_matched || i.category.is_finding() {
                    items.push(i.clone());
                }
                if let Some(Err(e)) = csv.as_mut().map(|c| c.write(i)) {
                    csv_error.get_or_insert(e);
                }
            })?;
            if let Some(e) = csv_error {
                return Err(PossigError::from(e));
            }
            if let Some(c) = csv.as_mut() {
                c.flush()?;
            }
            Ok::<_, PossigError>(possig_reconcile::ReportView::new(report, items, true))
        })
    })()?;
    to_py(py, &view)
}

/// (key, merchant id, terminal id, revoked at).
type SimArg = (Py<PySigningKey>, String, String, Option<u64>);

/// A simulated day: (journal, settlement CSV, expected findings as (category, reason,
/// terminal, rrn)).
#[pyfunction]
fn simulate_day<'py>(
    py: Python<'py>,
    terminals: Vec<SimArg>,
    day_start: u64,
    per_terminal: usize,
    seed: u64,
) -> PResult<(Bound<'py, PyBytes>, String, Vec<ExpectedTuple>)> {
    let mut ts = Vec::new();
    for (key, merchant, id, revoked_at) in terminals {
        let key = key.get().inner.clone();
        ts.push(SimTerminal {
            terminal: Terminal::new(key, &merchant, &id)?,
            id,
            revoked_at,
        });
    }
    let day = py.detach(|| simulate(ts, day_start, per_terminal, seed))?;
    let expected = day
        .expected
        .into_iter()
        .map(|e| {
            (
                e.category.to_string(),
                e.reason.to_string(),
                e.terminal,
                e.rrn,
            )
        })
        .collect();
    Ok((PyBytes::new(py, &day.journal), day.settlement_csv, expected))
}

/// The columns of `items.csv` (`possig_reconcile::CSV_HEADER`).
#[pyfunction]
fn csv_header() -> Vec<&'static str> {
    possig_reconcile::CSV_HEADER.to_vec()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(csv_header, m)?)?;
    m.add_class::<PyRecordOutcome>()?;
    m.add_function(wrap_pyfunction!(verify_many, m)?)?;
    m.add_function(wrap_pyfunction!(verify_journal, m)?)?;
    m.add_function(wrap_pyfunction!(read_journal, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_day, m)?)?;
    Ok(())
}
