//! Inclusion proofs: that one receipt is in a batch closed by a signed `dayClose` receipt.
//!
//! ```asn1
//! InclusionProof ::= SEQUENCE {
//!   dayClose   SignedReceipt,                 -- the signed close of the batch
//!   leafIndex  INTEGER (0..9007199254740991), -- receipt counter − dayClose.firstCounter
//!   path       SEQUENCE SIZE(0..64) OF Digest -- RFC 9162 audit path, leaf upwards
//! }
//! ```
//! Checking a proof needs only the receipt, the proof and the trust store.

use std::collections::BTreeMap;
use std::io::Read;

use der::asn1::{Any, OctetString};
use der::{Decode, Encode, Sequence};

use super::reader::{JournalItem, JournalReader};
use crate::error::{Error, Field, Structure};
use crate::format::merkle;
use crate::format::wire::ReceiptBody;
use crate::trust::TrustStore;
use crate::verify::receipt::{UnverifiedReceipt, VerifiedReceipt, VerifyOptions};

/// Longest audit path: 64 levels covers any batch up to 2⁶⁴ receipts.
const MAX_PATH: usize = 64;

#[derive(Sequence)]
struct ProofWire {
    day_close: Any,
    leaf_index: u64,
    path: Vec<OctetString>,
}

/// A proof that a receipt belongs to a batch closed by a `dayClose` receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    day_close: UnverifiedReceipt,
    leaf_index: u64,
    path: Vec<[u8; 32]>,
}

impl InclusionProof {
    /// Finds `receipt` in `journal` and builds the proof from the batch that contains it.
    /// Returns `Ok(None)` if no `dayClose` of the receipt's key in the journal covers it.
    ///
    /// Memory: the digests of the receipt's key up to the covering close.
    ///
    /// # Errors
    /// I/O errors of `journal`.
    pub fn find<R: Read>(journal: R, receipt: &UnverifiedReceipt) -> std::io::Result<Option<Self>> {
        let key = receipt.key_id();
        let counter = receipt.tbs().counter();
        let mut digests: BTreeMap<u64, [u8; 32]> = BTreeMap::new();
        for item in JournalReader::new(journal) {
            let JournalItem::Record { der, .. } = item? else {
                continue;
            };
            let Ok(r) = UnverifiedReceipt::from_der(&der) else {
                continue;
            };
            if r.key_id() != key {
                continue;
            }
            let c = r.tbs().counter();
            if let ReceiptBody::DayClose(close) = r.tbs().body() {
                let first = close.first_counter();
                if (first..c).contains(&counter) {
                    let leaves: Vec<[u8; 32]> = (first..c)
                        .filter_map(|k| digests.get(&k).copied())
                        .collect();
                    let index = counter - first;
                    if leaves.len() as u64 != close.count() {
                        return Ok(None);
                    }
                    let Some(path) = usize::try_from(index)
                        .ok()
                        .and_then(|i| merkle::inclusion_proof(&leaves, i))
                    else {
                        return Ok(None);
                    };
                    return Ok(Some(InclusionProof {
                        day_close: r,
                        leaf_index: index,
                        path,
                    }));
                }
                digests.clear();
            } else {
                digests.entry(c).or_insert(r.digest().to_bytes());
            }
        }
        Ok(None)
    }

    /// The signed close of the batch.
    pub fn day_close(&self) -> &UnverifiedReceipt {
        &self.day_close
    }

    /// Position of the receipt in the batch.
    pub fn leaf_index(&self) -> u64 {
        self.leaf_index
    }

    /// Encodes the proof as DER.
    ///
    /// # Errors
    /// [`Error::Malformed`] only if encoding fails (not for proofs built by this crate).
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        let m = |e| Error::malformed(Structure::Receipt, e);
        let day_close = Any::from_der(&self.day_close.to_der()?).map_err(m)?;
        let path = self
            .path
            .iter()
            .map(|h| OctetString::new(h.to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(m)?;
        ProofWire {
            day_close,
            leaf_index: self.leaf_index,
            path,
        }
        .to_der()
        .map_err(m)
    }

    /// Decodes a proof.
    ///
    /// # Errors
    /// [`Error::Malformed`] / [`Error::TrailingData`], the errors of
    /// [`UnverifiedReceipt::from_der`] for the embedded close, [`Error::InclusionProofInvalid`]
    /// for a path that is too long or has an entry that is not 32 bytes.
    pub fn from_der(bytes: &[u8]) -> Result<Self, Error> {
        let w = ProofWire::from_der(bytes).map_err(|e| Error::malformed(Structure::Receipt, e))?;
        let close_der = w
            .day_close
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))?;
        let day_close = UnverifiedReceipt::from_der(&close_der)?;
        if w.path.len() > MAX_PATH {
            return Err(Error::InclusionProofInvalid);
        }
        let path = w
            .path
            .iter()
            .map(|o| <[u8; 32]>::try_from(o.as_bytes()).map_err(|_| Error::InclusionProofInvalid))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(InclusionProof {
            day_close,
            leaf_index: w.leaf_index,
            path,
        })
    }

    /// Verifies that `receipt` is a valid receipt included in the batch of a valid `dayClose`
    /// of the same key. Returns the verified close.
    ///
    /// # Errors
    /// Any verification error of the receipt or of the close; [`Error::InvalidField`]
    /// (`DayClose`) if the proof's receipt is not a `dayClose`; [`Error::InclusionProofInvalid`]
    /// if the key, position or audit path do not match.
    pub fn verify(
        &self,
        receipt: &UnverifiedReceipt,
        store: &TrustStore,
        options: &VerifyOptions,
    ) -> Result<VerifiedReceipt, Error> {
        let close = self.day_close.verify(store, options)?;
        let ReceiptBody::DayClose(body) = close.tbs().body() else {
            return Err(Error::InvalidField {
                field: Field::DayClose,
            });
        };
        receipt.verify(store, options)?;
        let root: [u8; 32] = body
            .root()
            .try_into()
            .map_err(|_| Error::InclusionProofInvalid)?;
        let ok = receipt.key_id() == self.day_close.key_id()
            && self.leaf_index < body.count()
            && receipt.tbs().counter() == body.first_counter().saturating_add(self.leaf_index)
            && merkle::verify_inclusion(
                receipt.digest().as_bytes(),
                self.leaf_index,
                body.count(),
                &self.path,
                &root,
            );
        if ok {
            Ok(close)
        } else {
            Err(Error::InclusionProofInvalid)
        }
    }
}
