//! `possig._native`: the private native module behind the typed `possig` Python package.
//!
//! Conversion only: every rule lives in the `possig` crate. Results that have structure
//! (receipt views, journal and reconciliation reports) are native immutable classes that hold
//! the crate's own view types (`views`, `reports`) and convert a field when Python reads it;
//! their `to_dict()` is the view's serde document, the JSON the CLI prints (`convert::to_py`,
//! no JSON text), so Python, the browser and the CLI show the same values. Closed vocabularies
//! (kinds, statuses, codes, categories) are `str`-valued enums generated from the crate's
//! enums (`convert::vocabularies`). Errors cross through one conversion, [`PossigError`] →
//! `PyErr`, into one exception hierarchy rooted at `possig.Error`.

mod arrow;
mod bulk;
mod convert;
mod keys;
mod partition;
mod receipt;
mod reports;
mod views;

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _native,
    Error,
    PyValueError,
    "Base of every possig error; `.code` is stable."
);
create_exception!(
    _native,
    MalformedError,
    Error,
    "Input that is not a well-formed receipt, text form, image or settlement file."
);
create_exception!(
    _native,
    LimitError,
    Error,
    "Untrusted input above a named limit (`.limit`, `.actual`)."
);
create_exception!(
    _native,
    UntrustedSignerError,
    Error,
    "No terminal certificate in the trust store has the receipt's key id."
);
create_exception!(
    _native,
    CertificateError,
    Error,
    "The certificate path is invalid, expired, not yet valid or revoked at issue time."
);
create_exception!(
    _native,
    SignatureError,
    Error,
    "The signature does not verify, is not canonical, or is absent."
);
create_exception!(
    _native,
    TimeError,
    Error,
    "The receipt claims a time after the verification time."
);
create_exception!(
    _native,
    SignerStateError,
    Error,
    "A terminal's durable signer state refuses: locked, not started, corrupt, lost, retired, ..."
);
create_exception!(
    _native,
    IoError,
    PyOSError,
    "Reading an input failed: an `OSError` (not a data problem, so not a `possig.Error`)."
);

/// An error of possig or of its reconciliation on its way to Python, in possig's one error
/// shape (`possig::view::ErrorView`), with a settlement file's line where there is one.
pub(crate) struct PossigError {
    view: Box<possig::view::ErrorView>,
    line: Option<u64>,
}

impl From<possig::Error> for PossigError {
    fn from(e: possig::Error) -> Self {
        PossigError {
            view: Box::new(possig::view::ErrorView::from(&e)),
            line: None,
        }
    }
}

impl From<possig_terminal::Error> for PossigError {
    fn from(e: possig_terminal::Error) -> Self {
        PossigError {
            view: Box::new(possig::view::ErrorView::from(&e)),
            line: None,
        }
    }
}

impl From<possig_reconcile::Error> for PossigError {
    fn from(e: possig_reconcile::Error) -> Self {
        let line = match e {
            possig_reconcile::Error::SettlementMalformed { line } => Some(line),
            _ => None,
        };
        PossigError {
            view: Box::new(possig::view::ErrorView::from(&e)),
            line,
        }
    }
}

/// The one conversion of core errors into Python exceptions: the class by family (`kind`), `.code`
/// equal to the Rust `code()`, and the structured data as attributes (None where absent).
impl From<PossigError> for PyErr {
    fn from(e: PossigError) -> PyErr {
        let PossigError { view, line } = e;
        let err = match view.kind {
            "malformed" => MalformedError::new_err(view.message.clone()),
            "limit" => LimitError::new_err(view.message.clone()),
            "untrusted_signer" => UntrustedSignerError::new_err(view.message.clone()),
            "certificate" => CertificateError::new_err(view.message.clone()),
            "time" => TimeError::new_err(view.message.clone()),
            "signature" => SignatureError::new_err(view.message.clone()),
            "io" => IoError::new_err(view.message.clone()),
            "signer_state" => SignerStateError::new_err(view.message.clone()),
            // A family this binding does not know yet: the base class, never a wrong family.
            _ => Error::new_err(view.message.clone()),
        };
        Python::attach(|py| {
            let value = err.value(py);
            // Setting an attribute on a fresh exception instance does not fail in practice; if
            // it did, the exception would still carry its class and message.
            let code = convert::Vocabulary::ErrorCode.member(py, view.code);
            let kind = convert::Vocabulary::ErrorKind.member(py, view.kind);
            if let (Ok(code), Ok(kind)) = (code, kind) {
                let _ = value.setattr("code", code);
                let _ = value.setattr("kind", kind);
            } else {
                let _ = value.setattr("code", view.code);
                let _ = value.setattr("kind", view.kind);
            }
            let _ = value.setattr("message", view.message.as_str());
            let _ = value.setattr("structure", view.structure);
            let _ = value.setattr("offset", view.offset);
            let _ = value.setattr("field", view.field);
            let _ = value.setattr("limit", view.limit);
            let _ = value.setattr("actual", view.actual);
            let _ = value.setattr("depth", view.depth);
            let _ = value.setattr("reason", view.reason);
            let _ = value.setattr("revoked_at", view.revoked_at);
            let _ = value.setattr("key_id", view.key_id.as_deref());
            let _ = value.setattr("version", view.version);
            let _ = value.setattr("index", view.index);
            let _ = value.setattr("line", line);
        });
        err
    }
}

pub(crate) type PResult<T> = Result<T, PossigError>;

/// Every error code: possig's (`possig::Error::ALL_CODES`), then the reconciliation's own
/// (`settlement_header`, `unknown_column`, `settlement_malformed`; its `limit_exceeded` and
/// `io` are possig's).
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    let mut codes = possig::Error::ALL_CODES.to_vec();
    // `possig` is the terminal store's variant that carries the receipt library's own codes.
    let terminal = possig_terminal::Error::ALL_CODES
        .iter()
        .filter(|c| **c != "possig");
    for &code in possig_reconcile::Error::ALL_CODES.iter().chain(terminal) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (name, ty) in [
        ("Error", py.get_type::<Error>()),
        ("MalformedError", py.get_type::<MalformedError>()),
        ("LimitError", py.get_type::<LimitError>()),
        (
            "UntrustedSignerError",
            py.get_type::<UntrustedSignerError>(),
        ),
        ("CertificateError", py.get_type::<CertificateError>()),
        ("SignatureError", py.get_type::<SignatureError>()),
        ("TimeError", py.get_type::<TimeError>()),
        ("IoError", py.get_type::<IoError>()),
        ("SignerStateError", py.get_type::<SignerStateError>()),
    ] {
        m.add(name, ty)?;
    }
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(convert::vocabularies, m)?)?;
    receipt::register(m)?;
    keys::register(m)?;
    bulk::register(m)?;
    views::register(m)?;
    reports::register(m)?;
    partition::register(m)?;
    Ok(())
}
