//! Rust values to the Python values the package promises: `bytes` for key ids and digests,
//! timezone-aware `datetime` for times, `str`-valued `enum.Enum` members (`possig._enums`) for
//! every closed vocabulary, and the JSON document of a serde view for `to_dict()`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString, PyType};
use strum::VariantArray;

/// One of the crate's serde views as Python objects (dicts, lists, str, int, bool, None):
/// exactly the JSON document the CLI prints with `--json` (map keys are strings, as in JSON),
/// without JSON text in between.
pub(crate) fn to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    v: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(v)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(pythonize::pythonize(py, &value)?)
}

/// Bytes, or None.
pub(crate) fn opt_bytes<'py>(py: Python<'py>, b: Option<&[u8]>) -> Option<Bound<'py, PyBytes>> {
    b.map(|b| PyBytes::new(py, b))
}

/// Unix seconds as a `datetime` in UTC.
pub(crate) fn utc(py: Python<'_>, seconds: u64) -> PyResult<Bound<'_, PyAny>> {
    static FROM_TIMESTAMP: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();
    let (from, tz) = FROM_TIMESTAMP.get_or_try_init(py, || -> PyResult<_> {
        let dt = py.import("datetime")?;
        Ok((
            dt.getattr("datetime")?.getattr("fromtimestamp")?.unbind(),
            dt.getattr("timezone")?.getattr("utc")?.unbind(),
        ))
    })?;
    from.bind(py).call1((seconds, tz.bind(py)))
}

/// A duration in seconds as a `timedelta`.
pub(crate) fn timedelta(py: Python<'_>, seconds: u64) -> PyResult<Bound<'_, PyAny>> {
    static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let kw = PyDict::new(py);
    kw.set_item("seconds", seconds)?;
    TIMEDELTA
        .import(py, "datetime", "timedelta")?
        .call((), Some(&kw))
}

/// `amount` scaled by `10^-exponent` as an exact `decimal.Decimal`.
pub(crate) fn decimal(py: Python<'_>, amount: u64, exponent: u8) -> PyResult<Bound<'_, PyAny>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL
        .import(py, "decimal", "Decimal")?
        .call1((amount,))?
        .call_method1("scaleb", (-i32::from(exponent),))
}

/// The bytes a view's hex string stands for (the views write hex the crate produced, so a
/// failure is a bug surfaced as `ValueError`, never a panic).
pub(crate) fn hex_vec(hex: &str) -> PyResult<Vec<u8>> {
    hex::decode(hex).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// [`hex_vec`] as `bytes`.
pub(crate) fn hex_bytes<'py>(py: Python<'py>, hex: &str) -> PyResult<Bound<'py, PyBytes>> {
    Ok(PyBytes::new(py, &hex_vec(hex)?))
}

/// Optional Unix seconds as an optional `datetime` in UTC.
pub(crate) fn opt_utc(py: Python<'_>, seconds: Option<u64>) -> PyResult<Option<Bound<'_, PyAny>>> {
    seconds.map(|s| utc(py, s)).transpose()
}

/// The closed vocabularies of the crate, one `str`-valued `enum.Enum` each in `possig._enums`
/// (generated from [`vocabularies`] by `bindings-python/gen_enums.py`). A variant's name is
/// its class name there.
#[derive(Clone, Copy, strum::IntoStaticStr, strum::VariantArray)]
pub(crate) enum Vocabulary {
    ReceiptKind,
    EntryMode,
    CardholderVerification,
    CertificateRole,
    WarningCode,
    Status,
    ErrorKind,
    ErrorCode,
    FindingCode,
    Category,
    Reason,
}

impl Vocabulary {
    /// The class name in `possig._enums`.
    fn class(self) -> &'static str {
        self.into()
    }

    /// Every value, from the crate's own enums.
    fn values(self) -> Vec<&'static str> {
        use strum::VariantNames;
        match self {
            Vocabulary::ReceiptKind => possig::ReceiptKind::VARIANTS.to_vec(),
            Vocabulary::EntryMode => possig::EntryMode::VARIANTS.to_vec(),
            Vocabulary::CardholderVerification => possig::CardholderVerification::VARIANTS.to_vec(),
            Vocabulary::CertificateRole => possig::Role::VARIANTS.to_vec(),
            Vocabulary::WarningCode => possig::Warning::VARIANTS.to_vec(),
            Vocabulary::Status => possig::journal::Status::VARIANTS.to_vec(),
            Vocabulary::ErrorKind => possig::ErrorKind::VARIANTS.to_vec(),
            Vocabulary::ErrorCode => crate::error_codes(),
            Vocabulary::FindingCode => possig::journal::Finding::VARIANTS.to_vec(),
            Vocabulary::Category => possig_reconcile::Category::VARIANTS.to_vec(),
            Vocabulary::Reason => possig_reconcile::Reason::VARIANTS.to_vec(),
        }
    }

    /// The member with this value; the plain string for a value the enum does not have (a
    /// module built from another version), never an exception.
    pub(crate) fn member<'py>(self, py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
        const N: usize = <Vocabulary as VariantArray>::VARIANTS.len();
        static MAPS: [PyOnceLock<Py<PyDict>>; N] = [const { PyOnceLock::new() }; N];
        // Every variant has its cell (`VARIANTS` lists each once, in declaration order).
        let Some(cell) = MAPS.get(self as usize) else {
            return Ok(PyString::new(py, value).into_any());
        };
        let map = cell.get_or_try_init(py, || -> PyResult<_> {
            let class = py.import("possig._enums")?.getattr(self.class())?;
            Ok(class
                .getattr("_value2member_map_")?
                .cast_into::<PyDict>()?
                .unbind())
        })?;
        match map.bind(py).get_item(value)? {
            Some(m) => Ok(m),
            None => Ok(PyString::new(py, value).into_any()),
        }
    }

    /// An optional member.
    pub(crate) fn opt<'py>(
        self,
        py: Python<'py>,
        value: Option<&str>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        value.map(|v| self.member(py, v)).transpose()
    }
}

/// Every vocabulary: class name → values (what `gen_enums.py` writes `possig/_enums.py` from).
#[pyfunction]
pub(crate) fn vocabularies() -> Vec<(&'static str, Vec<&'static str>)> {
    <Vocabulary as VariantArray>::VARIANTS
        .iter()
        .map(|v| (v.class(), v.values()))
        .collect()
}
