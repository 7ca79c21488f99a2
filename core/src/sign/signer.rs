//! What signs receipts: a software key (`p256::ecdsa::SigningKey`, signed by possig-ec's
//! constant-time code) or any other ECDSA P-256 signer wrapped in [`ExternalSigner`] (an HSM
//! adapter, a remote signing service). Either way the signature that reaches a receipt has
//! been checked by possig: the trait is sealed, so no implementation can skip the check.

use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

use crate::ecdsa::SIGNATURE_LEN;
use crate::error::Error;

mod sealed {
    /// Only this crate implements [`super::ReceiptSigner`].
    #[allow(unreachable_pub)]
    pub trait Sealed {}
}

/// A signer of receipts: implemented by `p256::ecdsa::SigningKey` and [`ExternalSigner`].
pub trait ReceiptSigner: sealed::Sealed {
    /// The signer's public key (its key id goes into every receipt it signs).
    fn verifying_key(&self) -> VerifyingKey;

    /// The `r‖s‖v` signature of the exact TBS bytes: low-S, `v` the recovery id of `R`, and
    /// checked before it is returned. `key` is what [`ReceiptSigner::verifying_key`] returned
    /// (asked once per signature: an HSM may answer over the network).
    ///
    /// # Errors
    /// [`Error::SignerFailed`] if the signer fails or its output does not verify.
    #[doc(hidden)]
    fn sign_tbs(&self, tbs: &[u8], key: &VerifyingKey) -> Result<[u8; SIGNATURE_LEN], Error>;
}

impl sealed::Sealed for SigningKey {}

/// A software key: RFC 6979 signatures (byte-for-byte p256's, made low-S), computed in
/// constant time by possig-ec, which checks each one before it is released.
impl ReceiptSigner for SigningKey {
    fn verifying_key(&self) -> VerifyingKey {
        *SigningKey::verifying_key(self)
    }

    fn sign_tbs(&self, tbs: &[u8], _key: &VerifyingKey) -> Result<[u8; SIGNATURE_LEN], Error> {
        crate::ecdsa::sign(self, tbs)
    }
}

/// Any ECDSA P-256 signer that also exposes its verifying key (an HSM adapter...), as a
/// [`ReceiptSigner`]: its signature over the TBS DER (SHA-256 inside the signer) is made low-S,
/// completed with its recovery id `v` (recomputed from public values, so the signer need not
/// report it), and refused unless it verifies under the signer's key (a faulty signer or a
/// fault attack).
#[derive(Clone, Debug)]
pub struct ExternalSigner<S>(pub S);

impl<S> sealed::Sealed for ExternalSigner<S> {}

impl<S> ReceiptSigner for ExternalSigner<S>
where
    S: signature::Signer<Signature> + signature::Keypair<VerifyingKey = VerifyingKey>,
{
    fn verifying_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    fn sign_tbs(&self, tbs: &[u8], key: &VerifyingKey) -> Result<[u8; SIGNATURE_LEN], Error> {
        let sig = self.0.try_sign(tbs).map_err(|_| Error::SignerFailed)?;
        crate::ecdsa::canonicalize(key.as_affine(), tbs, &sig)
    }
}

impl<T: ReceiptSigner + ?Sized> sealed::Sealed for &T {}

impl<T: ReceiptSigner + ?Sized> ReceiptSigner for &T {
    fn verifying_key(&self) -> VerifyingKey {
        (**self).verifying_key()
    }

    fn sign_tbs(&self, tbs: &[u8], key: &VerifyingKey) -> Result<[u8; SIGNATURE_LEN], Error> {
        (**self).sign_tbs(tbs, key)
    }
}
