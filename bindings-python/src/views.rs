//! The views as native, immutable Python classes, built from the crate's own view types (no
//! JSON): each holds its Rust view and converts a field when it is read (bytes, datetime,
//! enum members), and `to_dict()` is the view's serde document, the JSON the CLI prints.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::convert::{
    Vocabulary as V, decimal, hex_bytes, hex_vec, opt_bytes, opt_utc, to_py, utc,
};
use possig::view::{
    CertificateView, OutcomeView, PaymentView, ReceiptView, StrokesView, TotalView, VerifiedView,
    WarningView,
};

/// The payment part of a receipt. Amounts are integers in minor units.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "PaymentFields")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyPaymentFields(PaymentView);

#[pymethods]
impl PyPaymentFields {
    #[getter]
    fn amount(&self) -> u64 {
        self.0.amount
    }
    #[getter]
    fn currency(&self) -> &str {
        &self.0.currency
    }
    #[getter]
    fn exponent(&self) -> u8 {
        self.0.exponent
    }
    #[getter]
    fn display(&self) -> &str {
        &self.0.display
    }
    #[getter]
    fn scheme(&self) -> &str {
        &self.0.scheme
    }
    #[getter]
    fn bin(&self) -> &str {
        &self.0.bin
    }
    #[getter]
    fn last4(&self) -> &str {
        &self.0.last4
    }
    #[getter]
    fn entry_mode<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::EntryMode.member(py, self.0.entry_mode)
    }
    #[getter]
    fn authorization_code(&self) -> Option<&str> {
        self.0.authorization_code.as_deref()
    }
    #[getter]
    fn rrn(&self) -> &str {
        &self.0.rrn
    }
    #[getter]
    fn cardholder_verification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::CardholderVerification.member(py, self.0.cardholder_verification)
    }
    #[getter]
    fn original<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.original.as_ref().map(|d| &d.as_bytes()[..]))
    }
    #[getter]
    fn signature_image<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(
            py,
            self.0.signature_image.as_ref().map(|d| &d.as_bytes()[..]),
        )
    }
    fn amount_decimal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decimal(py, self.0.amount, self.0.exponent)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "PaymentFields(amount={}, currency={:?}, display={:?}, rrn={:?})",
            self.0.amount, self.0.currency, self.0.display, self.0.rrn
        )
    }
}

/// One (kind, currency) total of a dayClose.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "Total")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyTotal(TotalView);

#[pymethods]
impl PyTotal {
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::ReceiptKind.member(py, self.0.kind)
    }
    #[getter]
    fn currency(&self) -> &str {
        &self.0.currency
    }
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }
    #[getter]
    fn amount(&self) -> u64 {
        self.0.amount
    }
    #[getter]
    fn display(&self) -> &str {
        &self.0.display
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Total(kind={:?}, currency={:?}, count={}, amount={})",
            self.0.kind, self.0.currency, self.0.count, self.0.amount
        )
    }
}

/// A handwritten signature captured on screen: the canvas and its pen-down strokes.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "Strokes")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyStrokes(StrokesView);

#[pymethods]
impl PyStrokes {
    #[getter]
    fn width(&self) -> u16 {
        self.0.width
    }
    #[getter]
    fn height(&self) -> u16 {
        self.0.height
    }
    #[getter]
    fn strokes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let strokes = self
            .0
            .strokes
            .iter()
            .map(|s| PyTuple::new(py, s))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, strokes)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Strokes(width={}, height={}, strokes=<{} strokes>)",
            self.0.width,
            self.0.height,
            self.0.strokes.len()
        )
    }
}

/// A receipt extension: its OID, whether it is critical, and its DER value.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "Extension")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyExtension {
    #[pyo3(get)]
    oid: String,
    #[pyo3(get)]
    critical: bool,
    value: Vec<u8>,
}

#[pymethods]
impl PyExtension {
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.value)
    }
    fn __repr__(&self) -> String {
        format!(
            "Extension(oid={:?}, critical={}, value=<{} bytes>)",
            self.oid,
            if self.critical { "True" } else { "False" },
            self.value.len()
        )
    }
}

/// A receipt's content, as decoded: trusted only inside a `VerifiedReceipt`.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "ReceiptFields")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyReceiptFields(pub(crate) ReceiptView);

#[pymethods]
impl PyReceiptFields {
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.digest.as_bytes())
    }
    #[getter]
    fn version(&self) -> u64 {
        self.0.tbs.version
    }
    #[getter]
    fn signer_key_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.tbs.signer_key_id.as_bytes())
    }
    #[getter]
    fn merchant_id(&self) -> &str {
        &self.0.tbs.merchant_id
    }
    #[getter]
    fn terminal_id(&self) -> &str {
        &self.0.tbs.terminal_id
    }
    #[getter]
    fn counter(&self) -> u64 {
        self.0.tbs.counter
    }
    #[getter]
    fn previous<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.tbs.previous.as_bytes())
    }
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc(py, self.0.tbs.issued_at)
    }
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::ReceiptKind.member(py, self.0.tbs.kind)
    }
    #[getter]
    fn payment(&self, py: Python<'_>) -> PyResult<Option<Py<PyPaymentFields>>> {
        self.0
            .tbs
            .payment
            .clone()
            .map(|p| Py::new(py, PyPaymentFields(p)))
            .transpose()
    }
    #[getter]
    fn original<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.tbs.original.as_ref().map(|d| &d.as_bytes()[..]))
    }
    #[getter]
    fn reprint_number(&self) -> Option<u16> {
        self.0.tbs.reprint_number
    }
    #[getter]
    fn signature_image<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(
            py,
            self.0
                .tbs
                .signature_image
                .as_ref()
                .map(|d| &d.as_bytes()[..]),
        )
    }
    #[getter]
    fn first_counter(&self) -> Option<u64> {
        self.0.tbs.first_counter
    }
    #[getter]
    fn count(&self) -> Option<u64> {
        self.0.tbs.count
    }
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        opt_bytes(py, self.0.tbs.root.as_ref().map(|d| &d.as_bytes()[..]))
    }
    #[getter]
    fn batch_number(&self) -> Option<u64> {
        self.0.tbs.batch_number
    }
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let t = self
            .0
            .tbs
            .totals
            .iter()
            .map(|t| Py::new(py, PyTotal(t.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, t)
    }
    #[getter]
    fn extensions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let e = self
            .0
            .tbs
            .extensions
            .iter()
            .map(|(oid, critical, value)| {
                let value = hex_vec(value)?;
                Py::new(
                    py,
                    PyExtension {
                        oid: oid.clone(),
                        critical: *critical,
                        value,
                    },
                )
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, e)
    }
    #[getter]
    fn signature<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        hex_bytes(py, &self.0.signature)
    }
    #[getter]
    fn unsigned(&self) -> bool {
        self.0.unsigned
    }
    #[getter]
    fn signature_strokes(&self, py: Python<'_>) -> PyResult<Option<Py<PyStrokes>>> {
        self.0
            .signature_strokes
            .clone()
            .map(|s| Py::new(py, PyStrokes(s)))
            .transpose()
    }
    /// The content exactly as `possig show --json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ReceiptFields(kind={:?}, terminal_id={:?}, counter={}, digest={})",
            self.0.tbs.kind, self.0.tbs.terminal_id, self.0.tbs.counter, self.0.digest
        )
    }
}

/// A certificate of a verified path (depth 0 is the terminal's).
#[pyclass(frozen, eq, hash, module = "possig._native", name = "Certificate")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyCertificate(CertificateView);

#[pymethods]
impl PyCertificate {
    #[getter]
    fn role<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::CertificateRole.member(py, self.0.role)
    }
    #[getter]
    fn subject(&self) -> &str {
        &self.0.subject
    }
    #[getter]
    fn issuer(&self) -> &str {
        &self.0.issuer
    }
    #[getter]
    fn serial(&self) -> &str {
        &self.0.serial
    }
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc(py, self.0.not_before)
    }
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc(py, self.0.not_after)
    }
    #[getter]
    fn sha256<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.sha256.as_bytes())
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Certificate(role={:?}, subject={:?}, serial={:?})",
            self.0.role, self.0.subject, self.0.serial
        )
    }
}

/// Why a valid receipt deserves a second look, about the certificate at `depth` of its path.
#[pyclass(
    frozen,
    eq,
    hash,
    module = "possig._native",
    name = "CertificateWarning"
)]
#[derive(PartialEq, Hash)]
pub(crate) struct PyCertificateWarning(WarningView);

#[pymethods]
impl PyCertificateWarning {
    #[getter]
    fn code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::WarningCode.member(py, self.0.code)
    }
    #[getter]
    fn depth(&self) -> u8 {
        self.0.depth
    }
    #[getter]
    fn revoked_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        opt_utc(py, self.0.revoked_at)
    }
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "CertificateWarning(code={:?}, depth={}, message={:?})",
            self.0.code, self.0.depth, self.0.message
        )
    }
}

/// A receipt whose signature, certificate path and attachments were verified.
#[pyclass(frozen, eq, hash, module = "possig._native", name = "VerifiedReceipt")]
#[derive(PartialEq, Hash)]
pub(crate) struct PyVerifiedReceipt(VerifiedView);

impl From<&possig::VerifiedReceipt> for PyVerifiedReceipt {
    fn from(v: &possig::VerifiedReceipt) -> Self {
        PyVerifiedReceipt(VerifiedView::from(v))
    }
}

#[pymethods]
impl PyVerifiedReceipt {
    /// The receipt's content, verified.
    #[getter]
    fn fields(&self, py: Python<'_>) -> PyResult<Py<PyReceiptFields>> {
        Py::new(py, PyReceiptFields(self.0.receipt.clone()))
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let w = self
            .0
            .warnings
            .iter()
            .map(|w| Py::new(py, PyCertificateWarning(w.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, w)
    }
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let p = self
            .0
            .path
            .iter()
            .map(|c| Py::new(py, PyCertificate(c.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, p)
    }
    #[getter]
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::Status.member(py, self.0.outcome())
    }
    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.receipt.digest.as_bytes())
    }
    #[getter]
    fn kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        V::ReceiptKind.member(py, self.0.receipt.tbs.kind)
    }
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc(py, self.0.receipt.tbs.issued_at)
    }
    #[getter]
    fn terminal_id(&self) -> &str {
        &self.0.receipt.tbs.terminal_id
    }
    #[getter]
    fn merchant_id(&self) -> &str {
        &self.0.receipt.tbs.merchant_id
    }
    #[getter]
    fn payment(&self, py: Python<'_>) -> PyResult<Option<Py<PyPaymentFields>>> {
        self.0
            .receipt
            .tbs
            .payment
            .clone()
            .map(|p| Py::new(py, PyPaymentFields(p)))
            .transpose()
    }
    /// The outcome as the CLI prints it: an element of `possig verify --json` without `file`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(
            py,
            &OutcomeView {
                outcome: self.0.outcome(),
                verified: Some(self.0.clone()),
                error: None,
            },
        )
    }
    fn __repr__(&self) -> String {
        let t = &self.0.receipt.tbs;
        format!(
            "VerifiedReceipt(outcome={:?}, kind={:?}, terminal_id={:?}, counter={}, digest={})",
            self.0.outcome(),
            t.kind,
            t.terminal_id,
            t.counter,
            self.0.receipt.digest
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPaymentFields>()?;
    m.add_class::<PyTotal>()?;
    m.add_class::<PyStrokes>()?;
    m.add_class::<PyExtension>()?;
    m.add_class::<PyReceiptFields>()?;
    m.add_class::<PyCertificate>()?;
    m.add_class::<PyCertificateWarning>()?;
    m.add_class::<PyVerifiedReceipt>()?;
    Ok(())
}
