//! Trust stores and single receipts.

use std::sync::Arc;

use possig::view::ReceiptView;
use possig::{TrustStore, UnverifiedReceipt, VerifyOptions};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::views::{PyReceiptFields, PyVerifiedReceipt};
use crate::{PResult, PossigError};

/// A trust store: roots, intermediate CAs, terminal certificates and CRLs (PEM or DER).
#[pyclass(frozen, name = "TrustStore", module = "possig._native")]
pub(crate) struct PyTrustStore {
    pub(crate) inner: Arc<TrustStore>,
}

#[pymethods]
impl PyTrustStore {
    #[new]
    #[pyo3(signature = (roots, intermediates=Vec::new(), terminals=Vec::new(), crls=Vec::new()))]
    fn new(
        roots: Vec<Vec<u8>>,
        intermediates: Vec<Vec<u8>>,
        terminals: Vec<Vec<u8>>,
        crls: Vec<Vec<u8>>,
    ) -> PResult<Self> {
        let mut b = TrustStore::builder();
        for r in &roots {
            b.add_root(r)?;
        }
        for r in &intermediates {
            b.add_intermediate(r)?;
        }
        for r in &terminals {
            b.add_terminal(r)?;
        }
        for r in &crls {
            b.add_crl(r)?;
        }
        Ok(PyTrustStore {
            inner: Arc::new(b.build()?),
        })
    }

    /// (roots, intermediates, terminals, CRLs).
    fn counts(&self) -> (usize, usize, usize, usize) {
        let c = self.inner.counts();
        (c.roots, c.intermediates, c.terminals, c.crls)
    }
}

/// A decoded receipt; nothing in it is trusted before `verify`.
#[pyclass(frozen, name = "Receipt", module = "possig._native")]
pub(crate) struct PyReceipt {
    pub(crate) inner: UnverifiedReceipt,
}

#[pymethods]
impl PyReceipt {
    #[staticmethod]
    fn from_der(data: &[u8]) -> PResult<Self> {
        Ok(PyReceipt {
            inner: UnverifiedReceipt::from_der(data)?,
        })
    }

    #[staticmethod]
    fn from_text(text: &str) -> PResult<Self> {
        Ok(PyReceipt {
            inner: UnverifiedReceipt::from_text(text)?,
        })
    }

    #[staticmethod]
    fn from_qr_image(data: &[u8]) -> PResult<Self> {
        Ok(PyReceipt {
            inner: UnverifiedReceipt::from_qr_image(data)?,
        })
    }

    fn to_der<'py>(&self, py: Python<'py>) -> PResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.inner.to_der()?))
    }

    fn to_text(&self) -> PResult<String> {
        Ok(self.inner.to_text()?)
    }

    #[pyo3(signature = (module_px=4))]
    fn qr_png<'py>(&self, py: Python<'py>, module_px: u32) -> PResult<Bound<'py, PyBytes>> {
        let qr = possig::printable::qr::ReceiptQr::new(&self.inner)?;
        Ok(PyBytes::new(py, &qr.to_png(module_px)?))
    }

    #[pyo3(signature = (module_px=4))]
    fn qr_svg(&self, module_px: u32) -> PResult<String> {
        Ok(possig::printable::qr::ReceiptQr::new(&self.inner)?.to_svg(module_px))
    }

    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.digest().as_bytes())
    }

    fn key_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.key_id().as_bytes())
    }

    fn tbs_der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.tbs_der())
    }

    fn signature<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.signature())
    }

    /// The DER `ECDSA-Sig-Value` of the signature, for third-party verifiers.
    fn signature_der<'py>(&self, py: Python<'py>) -> PResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(
            py,
            &possig::ecdsa::to_der_signature(self.inner.signature())?,
        ))
    }

    fn is_unsigned(&self) -> bool {
        self.inner.is_unsigned()
    }

    /// The decoded content, UNVERIFIED.
    fn view(&self) -> PyReceiptFields {
        PyReceiptFields(ReceiptView::from(&self.inner))
    }

    /// Verifies as of `now`; returns the verified receipt, or raises.
    #[pyo3(signature = (store, now, max_clock_skew=None))]
    fn verify(
        &self,
        py: Python<'_>,
        store: &PyTrustStore,
        now: u64,
        max_clock_skew: Option<u64>,
    ) -> PyResult<PyVerifiedReceipt> {
        let mut opts = VerifyOptions::at(now);
        if let Some(s) = max_clock_skew {
            opts = opts.with_max_clock_skew(s);
        }
        let store = Arc::clone(&store.inner);
        let r = &self.inner;
        let result = py.detach(|| r.verify(&store, &opts));
        Ok(PyVerifiedReceipt::from(&result.map_err(PossigError::from)?))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTrustStore>()?;
    m.add_class::<PyReceipt>()?;
    Ok(())
}
