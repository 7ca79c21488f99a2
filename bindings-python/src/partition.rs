//! The cluster's steps (`possig.spark`): journal and settlement files cut into Arrow batches
//! keyed by terminal, and one terminal's reconciliation from and to Arrow. Conversion only:
//! the rules are `possig_reconcile::partition`'s, the batches `possig_arrow::partition`'s.

use std::collections::HashMap;

use arrow_array::RecordBatch;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use possig::VerifyOptions;
use possig::journal::JournalOptions;
use possig_arrow::partition::{self, GroupError};
use possig_reconcile::{ColumnMap, ReconcileOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};

use crate::PossigError;
use crate::arrow::table;
use crate::receipt::PyTrustStore;

fn group_error(e: GroupError) -> PyErr {
    match e {
        GroupError::Reconcile(e) => PossigError::from(e).into(),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Every batch of an object that exports an Arrow stream (`__arrow_c_stream__`: a
/// `pyarrow.Table` or `RecordBatchReader`).
#[allow(unsafe_code)]
fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the capsule's name (checked above) says it holds an `ArrowArrayStream`, which the
    // producer hands over; `from_raw` moves it out and marks the capsule's copy released, so
    // the capsule's destructor does not release it again.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    let reader = RecordBatchStreamReader::try_new(stream)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A journal file cut into (records, malformed_record findings), two `pyarrow.Table`s.
#[pyfunction]
fn journal_pieces<'py>(
    py: Python<'py>,
    source: &str,
    data: &[u8],
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let (pieces, findings) = py
        .detach(|| partition::journal_pieces(source, data))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((table(py, pieces)?, table(py, findings)?))
}

fn column_map(columns: &HashMap<String, String>) -> Result<ColumnMap, PossigError> {
    let mut map = ColumnMap::default();
    for (column, header) in columns {
        map = map.with_code(column, header)?;
    }
    Ok(map)
}

/// A settlement file cut into its rows, a `pyarrow.Table`.
#[pyfunction]
fn settlement_rows<'py>(
    py: Python<'py>,
    source: &str,
    data: &[u8],
    columns: HashMap<String, String>,
) -> PyResult<Bound<'py, PyAny>> {
    let map = column_map(&columns)?;
    let rows = py
        .detach(|| partition::settlement_rows(source, data, &map))
        .map_err(group_error)?;
    table(py, rows)
}

/// One terminal's (records, findings, items) tables from its pieces and rows.
#[pyfunction]
#[pyo3(signature = (store, now, pieces, rows, *, window, pending_days))]
#[allow(clippy::type_complexity)]
fn reconcile_group<'py>(
    py: Python<'py>,
    store: &PyTrustStore,
    now: u64,
    pieces: &Bound<'py, PyAny>,
    rows: &Bound<'py, PyAny>,
    window: u64,
    pending_days: u64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let pieces = import_stream(pieces)?;
    let rows = import_stream(rows)?;
    let options = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(now)))
        .with_window(window)
        .with_pending_days(pending_days);
    let store = std::sync::Arc::clone(&store.inner);
    let out = py
        .detach(|| partition::reconcile_group(&pieces, &rows, &store, &options))
        .map_err(group_error)?;
    Ok((
        table(py, out.records)?,
        table(py, out.findings)?,
        table(py, out.items)?,
    ))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(journal_pieces, m)?)?;
    m.add_function(wrap_pyfunction!(settlement_rows, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile_group, m)?)?;
    Ok(())
}
