//! Keys, the receipt builder and terminals (for test data and Python terminals/simulators).

use std::path::PathBuf;
use std::sync::Mutex;

use possig::keys::{SigningKey, VerifyingKey};
use possig::{
    CardholderVerification, EntryMode, Payment, ReceiptBuilder, ReceiptDraft, ReceiptKind, Strokes,
    Terminal, TerminalState,
};
use possig_terminal::{SignerStore, Wait};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::receipt::PyReceipt;
use crate::{PResult, PossigError};

/// (canvas width, canvas height, pen-down strokes as (x, y) points).
type StrokesArg = (u16, u16, Vec<Vec<(u16, u16)>>);

fn field(f: possig::Field) -> PossigError {
    PossigError::from(possig::Error::InvalidField { field: f })
}

fn bytes32(b: &[u8], f: possig::Field) -> PResult<[u8; 32]> {
    <[u8; 32]>::try_from(b).map_err(|_| field(f))
}

/// A P-256 signing key (zeroized on drop).
#[pyclass(frozen, name = "SigningKey", module = "possig._native")]
pub(crate) struct PySigningKey {
    pub(crate) inner: SigningKey,
}

#[pymethods]
impl PySigningKey {
    /// A new key from the OS's secure random generator.
    #[staticmethod]
    fn generate() -> PResult<Self> {
        possig::keys::generate_with(|b| getrandom::fill(b))
            .map(|inner| PySigningKey { inner })
            .map_err(|_| PossigError::from(possig::Error::SignerFailed))
    }

    #[staticmethod]
    fn from_pem(pem: &str) -> PResult<Self> {
        Ok(PySigningKey {
            inner: possig::keys::signing_key_from_pkcs8_pem(pem)?,
        })
    }

    #[staticmethod]
    fn from_bytes(secret: &[u8]) -> PResult<Self> {
        let s = bytes32(secret, possig::Field::SignerKeyId).map_err(|_| {
            PossigError::from(possig::Error::Malformed {
                what: possig::Structure::PrivateKey,
                offset: 0,
            })
        })?;
        Ok(PySigningKey {
            inner: possig::keys::signing_key_from_bytes(&s)?,
        })
    }

    /// PKCS#8 PEM of the private key.
    fn to_pem(&self) -> PResult<String> {
        Ok(possig::keys::signing_key_to_pkcs8_pem(&self.inner)?.to_string())
    }

    /// SubjectPublicKeyInfo DER of the public key.
    fn public_key_der<'py>(&self, py: Python<'py>) -> PResult<Bound<'py, PyBytes>> {
        use spki::EncodePublicKey;
        let der = self
            .inner
            .verifying_key()
            .to_public_key_der()
            .map_err(|_| PossigError::from(possig::Error::InvalidPublicKey))?;
        Ok(PyBytes::new(py, der.as_bytes()))
    }

    fn key_id<'py>(&self, py: Python<'py>) -> PResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(
            py,
            possig::key_id(self.inner.verifying_key())?.as_bytes(),
        ))
    }
}

/// The payment fields of a payment receipt.
#[pyclass(frozen, name = "Payment", module = "possig._native")]
#[derive(Clone)]
pub(crate) struct PyPayment {
    inner: Payment,
}

#[pymethods]
impl PyPayment {
    #[new]
    #[pyo3(signature = (amount, currency, scheme, bin, last4, entry_mode, rrn, cardholder_verification, authorization_code=None, original=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        amount: u64,
        currency: String,
        scheme: String,
        bin: String,
        last4: String,
        entry_mode: &str,
        rrn: String,
        cardholder_verification: &str,
        authorization_code: Option<String>,
        original: Option<&[u8]>,
    ) -> PResult<Self> {
        Ok(PyPayment {
            inner: Payment {
                amount,
                currency,
                scheme,
                bin,
                last4,
                entry_mode: EntryMode::from_name(entry_mode)
                    .ok_or_else(|| field(possig::Field::Body))?,
                authorization_code,
                rrn,
                cardholder_verification: CardholderVerification::from_name(cardholder_verification)
                    .ok_or_else(|| field(possig::Field::Body))?,
                original: original
                    .map(|o| bytes32(o, possig::Field::Original).map(possig::Digest))
                    .transpose()?,
            },
        })
    }
}

/// What goes into a receipt besides the chain (shared by `build_receipt` and `Terminal`).
struct Content {
    kind: ReceiptKind,
    payment: Option<Payment>,
    copy_of: Option<([u8; 32], u16)>,
    resign_of: Option<[u8; 32]>,
    strokes: Option<Strokes>,
}

impl Content {
    fn parse(
        kind: &str,
        payment: Option<PyRef<'_, PyPayment>>,
        copy_of: Option<(Vec<u8>, u16)>,
        resign_of: Option<Vec<u8>>,
        strokes: Option<StrokesArg>,
    ) -> PResult<Self> {
        Ok(Content {
            kind: c_kind(kind)?,
            payment: payment.map(|p| p.inner.clone()),
            copy_of: copy_of
                .map(|(d, n)| Ok::<_, PossigError>((bytes32(&d, possig::Field::Original)?, n)))
                .transpose()?,
            resign_of: resign_of
                .map(|d| bytes32(&d, possig::Field::Original))
                .transpose()?,
            strokes: strokes.map(|(w, h, s)| Strokes::new(w, h, s)).transpose()?,
        })
    }

    fn apply(self, mut b: ReceiptBuilder) -> ReceiptBuilder {
        if let Some(p) = self.payment {
            b = b.payment(p);
        }
        if let Some((d, n)) = self.copy_of {
            b = b.copy_of(d, n);
        }
        if let Some(d) = self.resign_of {
            b = b.resign_of(d);
        }
        if let Some(s) = self.strokes {
            b = b.signature_strokes(s);
        }
        b
    }
}

/// A receipt built but not signed.
#[pyclass(frozen, name = "Draft", module = "possig._native")]
pub(crate) struct PyDraft {
    inner: ReceiptDraft,
}

#[pymethods]
impl PyDraft {
    /// The exact bytes that are signed.
    fn tbs_der<'py>(&self, py: Python<'py>) -> PResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.inner.tbs_der()?))
    }

    fn sign(&self, key: &PySigningKey) -> PResult<PyReceipt> {
        Ok(PyReceipt {
            inner: self.inner.clone().sign(&key.inner)?,
        })
    }

    /// Attaches a DER `ECDSA-Sig-Value` made elsewhere over `tbs_der()` with the key whose
    /// SubjectPublicKeyInfo DER is `public_key_der`; it must verify (else `signer_failed`).
    fn with_signature(&self, signature_der: &[u8], public_key_der: &[u8]) -> PResult<PyReceipt> {
        use spki::DecodePublicKey;
        let key = VerifyingKey::from_public_key_der(public_key_der)
            .map_err(|_| PossigError::from(possig::Error::InvalidPublicKey))?;
        let signature = p256::ecdsa::Signature::from_der(signature_der).map_err(|_| {
            PossigError::from(possig::Error::Malformed {
                what: possig::Structure::Signature,
                offset: 0,
            })
        })?;
        Ok(PyReceipt {
            inner: self.inner.clone().assemble(&signature, &key)?,
        })
    }
}

/// Builds a receipt with an explicit chain position.
#[pyfunction]
#[pyo3(signature = (kind, *, signer_key_id, merchant_id, terminal_id, counter, previous, issued_at, payment=None, copy_of=None, resign_of=None, strokes=None))]
#[allow(clippy::too_many_arguments)]
fn build_receipt(
    kind: &str,
    signer_key_id: &[u8],
    merchant_id: &str,
    terminal_id: &str,
    counter: u64,
    previous: &[u8],
    issued_at: u64,
    payment: Option<PyRef<'_, PyPayment>>,
    copy_of: Option<(Vec<u8>, u16)>,
    resign_of: Option<Vec<u8>>,
    strokes: Option<StrokesArg>,
) -> PResult<PyDraft> {
    let c = Content::parse(kind, payment, copy_of, resign_of, strokes)?;
    let b = ReceiptBuilder::new(c.kind)
        .signer_key_id(bytes32(signer_key_id, possig::Field::SignerKeyId)?)
        .merchant_id(merchant_id)
        .terminal_id(terminal_id)
        .chain(counter, bytes32(previous, possig::Field::Previous)?)
        .issued_at(issued_at);
    Ok(PyDraft {
        inner: c.apply(b).build()?,
    })
}

/// Where an open terminal's state lives (a closed one holds none).
enum TerminalInner {
    /// In this object only.
    Memory(Box<Terminal<SigningKey>>),
    /// In a durable signer state (a directory), locked while open.
    Stored {
        store: Box<SignerStore>,
        /// None when opened without a key (an outage): only unsigned records.
        key: Option<SigningKey>,
        path: PathBuf,
    },
}

/// A terminal: its key and chain, outage and batch state; in memory, or in a durable signer
/// state (`possig-terminal`: every receipt on disk before it is returned, one signer at a time).
#[pyclass(frozen, name = "Terminal", module = "possig._native")]
pub(crate) struct PyTerminal {
    /// `None` once a stored terminal is closed (its lock released).
    inner: Mutex<Option<TerminalInner>>,
}

/// The state's refusal, or the receipt library's error inside it.
fn stored(e: possig_terminal::Error) -> PossigError {
    PossigError::from(e)
}

impl PyTerminal {
    /// Runs `f` on the terminal without the GIL (a stored terminal syncs files and may wait
    /// for a lock held by another thread).
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut TerminalInner) -> PyResult<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            // A poisoned lock means a panic inside the crate, which its tests rule out; recover
            // the state rather than fail every later call.
            let mut t = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            match t.as_mut() {
                Some(t) => f(t).map(Ok),
                None => Ok(Err(())),
            }
        })?
        .map_err(|()| PyValueError::new_err("this terminal's signer state is closed"))
    }

    fn wrap(inner: TerminalInner) -> Self {
        PyTerminal {
            inner: Mutex::new(Some(inner)),
        }
    }
}

#[pymethods]
impl PyTerminal {
    #[new]
    fn new(key: &PySigningKey, merchant_id: &str, terminal_id: &str) -> PResult<Self> {
        Ok(Self::wrap(TerminalInner::Memory(Box::new(Terminal::new(
            key.inner.clone(),
            merchant_id,
            terminal_id,
        )?))))
    }

    /// Starts a key's chain in a new durable signer state at `path`.
    #[staticmethod]
    fn init(
        py: Python<'_>,
        path: PathBuf,
        key: &PySigningKey,
        merchant_id: &str,
        terminal_id: &str,
    ) -> PyResult<Self> {
        let key = key.inner.clone();
        let id = possig::key_id(key.verifying_key()).map_err(PossigError::from)?;
        let state = TerminalState::new(id, merchant_id, terminal_id);
        let store = py
            .detach(|| SignerStore::init(&path, &state))
            .map_err(stored)?;
        Ok(Self::wrap(TerminalInner::Stored {
            store: Box::new(store),
            key: Some(key),
            path,
        }))
    }

    /// Opens the durable signer state at `path` for `key`, waiting for another signer to
    /// close it (`wait=True`) or failing at once with code `locked`. Without a key (the signer
    /// is down) it records unsigned receipts only.
    #[staticmethod]
    #[pyo3(signature = (path, key=None, *, wait=true))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        key: Option<&PySigningKey>,
        wait: bool,
    ) -> PyResult<Self> {
        let wait = if wait { Wait::Yes } else { Wait::No };
        let store = py
            .detach(|| SignerStore::open(&path, wait))
            .map_err(stored)?;
        // The key must be the state's (a retired state opens, to be inspected or rotated).
        if let Some(key) = key {
            let id = possig::key_id(key.inner.verifying_key()).map_err(PossigError::from)?;
            if id != store.state().key_id {
                return Err(stored(possig_terminal::Error::WrongKey).into());
            }
        }
        Ok(Self::wrap(TerminalInner::Stored {
            store: Box::new(store),
            key: key.map(|k| k.inner.clone()),
            path,
        }))
    }

    /// Signs the next receipt of the chain.
    #[pyo3(signature = (kind, issued_at, *, payment=None, copy_of=None, resign_of=None, strokes=None, unsigned=false))]
    #[allow(clippy::too_many_arguments)]
    fn sign(
        &self,
        py: Python<'_>,
        kind: &str,
        issued_at: u64,
        payment: Option<PyRef<'_, PyPayment>>,
        copy_of: Option<(Vec<u8>, u16)>,
        resign_of: Option<Vec<u8>>,
        strokes: Option<StrokesArg>,
        unsigned: bool,
    ) -> PyResult<PyReceipt> {
        let c = Content::parse(kind, payment, copy_of, resign_of, strokes)?;
        let inner = self.with(py, |t| match t {
            TerminalInner::Memory(t) => {
                let kind = c.kind;
                let b = c.apply(t.builder(kind, issued_at));
                Ok(if unsigned {
                    t.record_unsigned(b).map_err(PossigError::from)?
                } else {
                    t.sign(b).map_err(PossigError::from)?
                })
            }
            TerminalInner::Stored { store, key, .. } => {
                let kind = c.kind;
                let b = c.apply(store.builder(kind, issued_at));
                Ok(if unsigned {
                    store.record_unsigned(b)
                } else {
                    store.sign(signer(key)?, b)
                }
                .map_err(stored)?)
            }
        })?;
        Ok(PyReceipt { inner })
    }

    /// Signs the `recovery` covering the unsigned records since the last signed receipt.
    fn recover(&self, py: Python<'_>, issued_at: u64) -> PyResult<PyReceipt> {
        let inner = self.with(py, |t| match t {
            TerminalInner::Memory(t) => Ok(t.recover(issued_at).map_err(PossigError::from)?),
            TerminalInner::Stored { store, key, .. } => {
                Ok(store.recover(signer(key)?, issued_at).map_err(stored)?)
            }
        })?;
        Ok(PyReceipt { inner })
    }

    /// Signs the `dayClose` of the open batch.
    fn close_day(&self, py: Python<'_>, issued_at: u64) -> PyResult<PyReceipt> {
        let inner = self.with(py, |t| match t {
            TerminalInner::Memory(t) => Ok(t.close_day(issued_at).map_err(PossigError::from)?),
            TerminalInner::Stored { store, key, .. } => {
                Ok(store.close_day(signer(key)?, issued_at).map_err(stored)?)
            }
        })?;
        Ok(PyReceipt { inner })
    }

    /// The next key of this terminal: in memory, or (a stored terminal) retiring this state
    /// and starting the new key's at `path`.
    #[pyo3(signature = (new_key, path=None))]
    fn rotate(
        &self,
        py: Python<'_>,
        new_key: &PySigningKey,
        path: Option<PathBuf>,
    ) -> PyResult<PyTerminal> {
        let new = new_key.inner.clone();
        let inner = self.with(py, |t| match (t, path) {
            (TerminalInner::Memory(t), None) => Ok(TerminalInner::Memory(Box::new(
                t.rotate(new).map_err(PossigError::from)?,
            ))),
            (TerminalInner::Stored { store, .. }, Some(path)) => {
                let id = possig::key_id(new.verifying_key()).map_err(PossigError::from)?;
                let next = store.rotate(id, &path).map_err(stored)?;
                Ok(TerminalInner::Stored {
                    store: Box::new(next),
                    key: Some(new),
                    path,
                })
            }
            (TerminalInner::Memory(_), Some(_)) | (TerminalInner::Stored { .. }, None) => {
                Err(PossigError::from(possig::Error::InvalidField {
                    field: possig::Field::KeyRotation,
                })
                .into())
            }
        })?;
        Ok(Self::wrap(inner))
    }

    /// Releases a stored terminal's lock (later calls raise `ValueError`); nothing for one in
    /// memory.
    fn close(&self, py: Python<'_>) {
        py.detach(|| {
            let mut t = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            if matches!(*t, Some(TerminalInner::Stored { .. })) {
                *t = None;
            }
        });
    }

    /// The signer state's directory (None in memory).
    fn path(&self, py: Python<'_>) -> PyResult<Option<PathBuf>> {
        self.with(py, |t| {
            Ok(match t {
                TerminalInner::Stored { path, .. } => Some(path.clone()),
                _ => None,
            })
        })
    }

    /// Whether a stored terminal's key was rotated (its state signs no more).
    fn is_retired(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |t| {
            Ok(matches!(t, TerminalInner::Stored { store, .. } if store.is_retired()))
        })
    }

    fn next_counter(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |t| Ok(state_of(t).next_counter))
    }

    fn key_id<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let id = self.with(py, |t| Ok(state_of(t).key_id))?;
        Ok(PyBytes::new(py, id.as_bytes()))
    }
}

/// The key of a stored terminal, which signs; one opened without a key records only unsigned
/// receipts.
fn signer(key: &Option<SigningKey>) -> PyResult<&SigningKey> {
    key.as_ref().ok_or_else(|| {
        PyValueError::new_err(
            "this terminal was opened without a key: it records only unsigned receipts (an outage)",
        )
    })
}

/// The chain state of an open terminal.
fn state_of(t: &TerminalInner) -> TerminalState {
    match t {
        TerminalInner::Memory(t) => t.state(),
        TerminalInner::Stored { store, .. } => store.state().clone(),
    }
}

fn c_kind(kind: &str) -> PResult<ReceiptKind> {
    ReceiptKind::from_name(kind).ok_or_else(|| field(possig::Field::Body))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySigningKey>()?;
    m.add_class::<PyPayment>()?;
    m.add_class::<PyDraft>()?;
    m.add_class::<PyTerminal>()?;
    m.add_function(wrap_pyfunction!(build_receipt, m)?)?;
    Ok(())
}
