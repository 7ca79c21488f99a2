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

use crate::convert::{Vocabulary as V, opt_bytes, to_py};
use crate::keys::PySigningKey;
use crate::receipt::PyTrustStore;
use crate::reports::{PyJournalReport, PyReconcileReport};
use crate::{PResult, PossigError};
use pyo3::exceptions::PyValueError;

/// (key id, counter, digest) of the last known receipt of a key (`possig.Anchor`).
type AnchorArg = (Vec<u8>, u64, Vec<u8>);

/// The options of a journal verification; a malformed anchor is the caller's mistake, a
/// `ValueError` that names it (not a data error of the journal).
fn journal_options(now: u64, anchors: Vec<AnchorArg>) -> PyResult<JournalOptions> {
    let mut o = JournalOptions::new(VerifyOptions::at(now));
    for (i, (key, counter, digest)) in anchors.into_iter().enumerate() {
        let bad = |what: &str, len: usize| {
            PyValueError::new_err(format!(
                "anchors[{i}]: the {what} must be 32 bytes, not {len}"
            ))
        };
        let key = possig::KeyId::try_from(key.as_slice()).map_err(|_| bad("key id", key.len()))?;
        let digest =
            possig::Digest::try_from(digest.as_slice()).map_err(|_| bad("digest", digest.len()))?;
        o = o.with_anchor(key, Anchor { counter, digest });
    }
    Ok(o)
}

/// One record's verdict, `possig.RecordOutcome`: made here rather than from JSON in Python,
/// because a journal has millions of them (its values are the crate's own codes and names, as
/// in the JSON view).
#[pyclass(module = "possig._native", name = "RecordOutcome", frozen)]
pub(crate) struct PyRecordOutcome(pub(crate) possig::journal::RecordOutcome);

impl PyRecordOutcome {
    fn kind_name(&self) -> Option<&'static str> {
        self.0.kind.map(|k| k.name())
    }
}

/// The fields of a `RecordOutcome` as `__reduce__` gives them to `_restore`.
type OutcomeState = (
    u64,
    u64,
    String,
    Option<String>,
    Vec<String>,
    Option<Vec<u8>>,
    Option<String>,
    Option<u64>,
    Option<String>,
    Option<Vec<u8>>,
);

/// One of `names` equal to `name` (so the outcome keeps the crate's `&'static str`).
fn known(names: &[&'static str], name: &str, what: &str) -> PyResult<&'static str> {
    names
        .iter()
        .find(|n| **n == name)
        .copied()
        .ok_or_else(|| PyValueError::new_err(format!("unknown {what}: {name:?}")))
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
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::Status.member(py, self.0.status.code())
    }
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::ErrorCode.opt(py, self.0.code)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let w = self
            .0
            .warnings
            .iter()
            .map(|w| V::WarningCode.member(py, w))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, w)
    }
    #[getter]
    fn key_id<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.key_id.as_ref().map(|k| &k.as_bytes()[..]))
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
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        V::ReceiptKind.opt(py, self.kind_name())
    }
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.digest.as_ref().map(|d| &d.as_bytes()[..]))
    }

    /// Equal when every field Python sees is equal (the error's structured data, which the
    /// code names, is not part of the Python object).
    fn __eq__(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        (a.index, a.offset, a.status, a.code, &a.warnings, a.key_id)
            == (b.index, b.offset, b.status, b.code, &b.warnings, b.key_id)
            && (&a.terminal, a.counter, a.kind, a.digest)
                == (&b.terminal, b.counter, b.kind, b.digest)
    }

    /// Pickling: the visible fields, rebuilt by `_restore`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (OutcomeState,))> {
        let o = &slf.get().0;
        let state: OutcomeState = (
            o.index,
            o.offset,
            o.status.code().to_owned(),
            o.code.map(str::to_owned),
            o.warnings.iter().map(|w| (*w).to_owned()).collect(),
            o.key_id.map(|k| k.as_bytes().to_vec()),
            o.terminal.as_deref().map(str::to_owned),
            o.counter,
            slf.get().kind_name().map(str::to_owned),
            o.digest.map(|d| d.as_bytes().to_vec()),
        );
        Ok((slf.get_type().getattr("_restore")?, (state,)))
    }

    /// The outcome `__reduce__` described.
    #[staticmethod]
    fn _restore(state: OutcomeState) -> PyResult<Self> {
        use strum::VariantNames;
        let (index, offset, status, code, warnings, key_id, terminal, counter, kind, digest) =
            state;
        let status = status
            .parse::<possig::journal::Status>()
            .map_err(|_| PyValueError::new_err(format!("unknown status: {status:?}")))?;
        let all_codes = crate::error_codes();
        let bytes32 = |b: Option<Vec<u8>>| -> PyResult<Option<[u8; 32]>> {
            b.map(|b| {
                <[u8; 32]>::try_from(b.as_slice())
                    .map_err(|_| PyValueError::new_err("a key id or digest must be 32 bytes"))
            })
            .transpose()
        };
        Ok(PyRecordOutcome(possig::journal::RecordOutcome {
            index,
            offset,
            status,
            code: code
                .map(|c| known(&all_codes, &c, "error code"))
                .transpose()?,
            error: None,
            warnings: warnings
                .iter()
                .map(|w| known(possig::Warning::VARIANTS, w, "warning code"))
                .collect::<PyResult<_>>()?,
            key_id: bytes32(key_id)?.map(possig::KeyId::from),
            terminal: terminal.map(Arc::from),
            counter,
            kind: kind
                .map(|k| {
                    possig::ReceiptKind::from_name(&k)
                        .ok_or_else(|| PyValueError::new_err(format!("unknown kind: {k:?}")))
                })
                .transpose()?,
            digest: bytes32(digest)?.map(possig::Digest::from),
        }))
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

#[pyfunction]
#[pyo3(signature = (store, receipts, now, anchors=Vec::new()))]
fn verify_many(
    py: Python<'_>,
    store: &PyTrustStore,
    receipts: Vec<Vec<u8>>,
    now: u64,
    anchors: Vec<AnchorArg>,
) -> PyResult<PyJournalReport> {
    let opts = journal_options(now, anchors)?;
    let store = Arc::clone(&store.inner);
    let done = py.detach(|| {
        let mut out = JournalView::default();
        let summary = possig::journal::verify_many(&receipts, &store, &opts, |e| out.push(e));
        out.finish(summary)
    });
    Ok(PyJournalReport::new(done))
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
fn verify_journal(
    py: Python<'_>,
    store: &PyTrustStore,
    now: u64,
    data: Option<Vec<u8>>,
    path: Option<String>,
    anchors: Vec<AnchorArg>,
) -> PyResult<PyJournalReport> {
    let opts = journal_options(now, anchors)?;
    let input = open(data, path)?;
    let store = Arc::clone(&store.inner);
    let done = py.detach(|| {
        let mut out = JournalView::default();
        let summary = possig::journal::verify_journal(input, &store, &opts, |e| out.push(e))
            .map_err(possig::Error::from)?;
        Ok::<_, PossigError>(out.finish(summary))
    })?;
    Ok(PyJournalReport::new(done))
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

/// Where a reconciliation reads and writes, and what it keeps.
struct ReconcileIo {
    journal_data: Option<Vec<u8>>,
    journal_paths: Vec<String>,
    settlement_data: Option<Vec<u8>>,
    settlement_path: Option<String>,
    include_matched: bool,
    items_csv: Option<String>,
}

fn reconcile_view(
    py: Python<'_>,
    store: &PyTrustStore,
    options: &ReconcileOptions,
    io: ReconcileIo,
) -> PResult<possig_reconcile::ReportView> {
    let mut journal: Box<dyn Read + Send> = match io.journal_data {
        Some(d) => Box::new(std::io::Cursor::new(d)),
        None => Box::new(std::io::empty()),
    };
    for p in io.journal_paths {
        let f = std::fs::File::open(p).map_err(possig::Error::from)?;
        journal = Box::new(journal.chain(std::io::BufReader::new(f)));
    }
    let settlement = open(io.settlement_data, io.settlement_path)?;
    let store = Arc::clone(&store.inner);
    let mut csv = io
        .items_csv
        .map(|p| {
            let f = std::fs::File::create(p).map_err(possig_reconcile::Error::from)?;
            possig_reconcile::ItemsCsv::new(std::io::BufWriter::new(f))
        })
        .transpose()?;
    let include_matched = io.include_matched;
    py.detach(|| {
        let mut items = Vec::new();
        let mut csv_error = None;
        let report = possig_reconcile::reconcile(journal, settlement, &store, options, |i| {
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
        Ok(possig_reconcile::ReportView::new(report, items, true))
    })
}

#[pyfunction]
#[pyo3(signature = (store, now, *, journal_data=None, journal_paths=Vec::new(), settlement_data=None, settlement_path=None, window=possig_reconcile::DEFAULT_WINDOW_SECONDS, pending_days=possig_reconcile::DEFAULT_PENDING_DAYS, columns=HashMap::new(), include_matched=false, items_csv=None))]
#[allow(clippy::too_many_arguments)]
fn reconcile(
    py: Python<'_>,
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
) -> PyResult<PyReconcileReport> {
    let mut map = ColumnMap::default();
    for (column, header) in &columns {
        map = map.with_code(column, header).map_err(PossigError::from)?;
    }
    let options = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(now)))
        .with_window(window)
        .with_pending_days(pending_days)
        .with_columns(map);
    let io = ReconcileIo {
        journal_data,
        journal_paths,
        settlement_data,
        settlement_path,
        include_matched,
        items_csv,
    };
    Ok(PyReconcileReport::new(reconcile_view(
        py, store, &options, io,
    )?))
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
