//! Arrow record batches to `pyarrow.Table`s through the Arrow PyCapsule interface: the
//! columns move to pyarrow as they are (no copy, no Python object per value).

use arrow_array::ffi::to_ffi;
use arrow_array::{Array, RecordBatch, StructArray};
use pyo3::exceptions::{PyImportError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// `batch` as a one-batch `pyarrow.Table`; pyarrow is an optional dependency.
pub(crate) fn table(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyAny>> {
    let pa = py.import("pyarrow").map_err(|e| {
        let err = PyImportError::new_err("to_arrow() needs pyarrow: pip install possig[arrow]");
        err.set_cause(py, Some(e));
        err
    })?;
    let data = StructArray::from(batch).into_data();
    let (array, schema) = to_ffi(&data).map_err(|e| PyValueError::new_err(e.to_string()))?;
    // pyarrow moves the structures out (and marks them released); a capsule it did not
    // consume releases them when it is dropped.
    let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
    let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
    let batch = pa
        .getattr("RecordBatch")?
        .call_method1("_import_from_c_capsule", (schema, array))?;
    pa.getattr("Table")?
        .call_method1("from_batches", (vec![batch],))
}
