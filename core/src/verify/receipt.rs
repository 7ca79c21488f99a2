//! Decoding ([`UnverifiedReceipt`]) and verification ([`VerifiedReceipt`]) of signed receipts.

use crate::format::raw::raw_tbs;
use der::{Decode, Encode, Header, SliceReader, Tag};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Field, Limit, Structure};
use crate::format::strokes::Strokes;
use crate::format::wire::{
    Attachment, AttachmentType, SignatureOctets, SignedReceiptWire, TbsReceipt,
};
use crate::hash::{Digest, KeyId};
use crate::limits::{MAX_ATTACHMENT_SIZE, MAX_ATTACHMENTS, MAX_RECEIPT_SIZE};
use crate::prelude::*;
use crate::trust::{CertificateInfo, Warning};
#[cfg(feature = "std")]
use crate::trust::{TrustStore, ValidatedPath};

/// Verification parameters. The current time is explicit: the library never reads a clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    now: u64,
    max_clock_skew: u64,
}

impl VerifyOptions {
    /// Verify as of `now` (Unix seconds), with a default allowed clock skew of 300 s between a
    /// terminal's clock and the verifier's.
    pub fn at(now: u64) -> Self {
        VerifyOptions {
            now,
            max_clock_skew: 300,
        }
    }
    /// Sets how far (seconds) `issuedAt` may lie after `now` before [`Error::IssuedInFuture`].
    pub fn with_max_clock_skew(mut self, seconds: u64) -> Self {
        self.max_clock_skew = seconds;
        self
    }
    /// The verification time, Unix seconds.
    pub fn now(&self) -> u64 {
        self.now
    }
}

/// A decoded receipt whose signature and signer have **not** been checked.
///
/// Use it to inspect a receipt (e.g. to show what it claims) and call
/// [`UnverifiedReceipt::verify`] before trusting any field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnverifiedReceipt {
    wire: SignedReceiptWire,
    tbs_raw: Vec<u8>,
    digest: [u8; 32],
    strokes: Vec<Strokes>,
}

fn receipt_digest(tbs_raw: &[u8], signature: &[u8]) -> Result<[u8; 32], Error> {
    // DER of SEQUENCE { tbs, signature OCTET STRING }: the receipt without its attachments.
    let sig_tlv_len = 2 + signature.len();
    let content = der::Length::try_from(tbs_raw.len() + sig_tlv_len)
        .map_err(|e| Error::malformed(Structure::Receipt, e))?;
    // A header is at most 6 bytes here: the tag and a length of at most 4 bytes plus its
    // length-of-length byte; encoded on the stack, not in a `Vec`.
    let mut header_buf = [0u8; 8];
    let header = Header::new(Tag::Sequence, content)
        .encode_to_slice(&mut header_buf)
        .map_err(|e| Error::malformed(Structure::Receipt, e))?;
    let sig_len =
        u8::try_from(signature.len()).map_err(|_| Error::field(Field::SignatureLength))?;
    let mut h = Sha256::new();
    h.update(header);
    h.update(tbs_raw);
    h.update([0x04, sig_len]);
    h.update(signature);
    Ok(h.finalize().into())
}

/// Reads the version before the full decode, so a future version is reported as such rather
/// than as malformed.
fn peek_version(bytes: &[u8]) -> Option<u64> {
    let mut r = SliceReader::new(bytes).ok()?;
    let outer = Header::decode(&mut r).ok()?;
    let inner = Header::decode(&mut r).ok()?;
    if outer.tag() != Tag::Sequence || inner.tag() != Tag::Sequence {
        return None;
    }
    let v = der::asn1::Int::decode(&mut r).ok()?;
    let b = v.as_bytes();
    if b.first().is_some_and(|&x| x & 0x80 != 0) {
        return Some(u64::MAX);
    }
    if b.len() > 8 {
        return Some(u64::MAX);
    }
    Some(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

impl UnverifiedReceipt {
    /// Decodes a `SignedReceipt` (strict DER, no trailing bytes) and checks the format's rules.
    /// Nothing about the signature or signer is checked: see [`UnverifiedReceipt::verify`].
    ///
    /// # Errors
    /// [`Error::LimitExceeded`], [`Error::Malformed`], [`Error::TrailingData`],
    /// [`Error::UnsupportedVersion`], [`Error::InvalidField`].
    pub fn from_der(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_RECEIPT_SIZE {
            return Err(Error::limit(Limit::ReceiptSize, bytes.len()));
        }
        // A future version is reported as such, not as malformed. Peeked only when the decode
        // fails: a version that decodes is checked by the rules, with the same error.
        let wire = SignedReceiptWire::from_der(bytes).map_err(|e| match peek_version(bytes) {
            Some(version) if version != crate::VERSION => Error::UnsupportedVersion { version },
            _ => Error::malformed(Structure::Receipt, e),
        })?;
        let tbs_raw = raw_tbs(bytes, Structure::Receipt)?;
        Self::from_parts(wire, tbs_raw)
    }

    fn from_parts(wire: SignedReceiptWire, tbs_raw: Vec<u8>) -> Result<Self, Error> {
        crate::format::rules::check_tbs(&wire.tbs)?;
        if wire.signature.as_bytes().len() != crate::ecdsa::SIGNATURE_LEN {
            return Err(Error::field(Field::SignatureLength));
        }
        let mut strokes = Vec::new();
        if let Some(atts) = &wire.attachments {
            if atts.is_empty() {
                return Err(Error::field(Field::Attachment));
            }
            if atts.len() > MAX_ATTACHMENTS {
                return Err(Error::limit(Limit::Attachments, atts.len()));
            }
            for a in atts {
                if a.data().len() > MAX_ATTACHMENT_SIZE {
                    return Err(Error::limit(Limit::AttachmentSize, a.data().len()));
                }
                match a.attachment_type() {
                    AttachmentType::SignatureStrokes => strokes.push(Strokes::from_der(a.data())?),
                }
            }
            // Only one attachment per type: the TBS commits to one signature image.
            if atts.len() > 1 {
                return Err(Error::field(Field::Attachment));
            }
        }
        let digest = receipt_digest(&tbs_raw, wire.signature.as_bytes())?;
        Ok(UnverifiedReceipt {
            wire,
            tbs_raw,
            digest,
            strokes,
        })
    }

    pub(crate) fn assemble(
        tbs: TbsReceipt,
        signature: [u8; 65],
        attachments: Vec<Attachment>,
    ) -> Result<Self, Error> {
        let tbs_raw = tbs
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))?;
        let wire = SignedReceiptWire {
            tbs,
            signature: SignatureOctets::from(&signature[..]),
            attachments: (!attachments.is_empty()).then_some(attachments),
        };
        let der = wire
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))?;
        if der.len() > MAX_RECEIPT_SIZE {
            return Err(Error::limit(Limit::ReceiptSize, der.len()));
        }
        Self::from_parts(wire, tbs_raw)
    }

    /// UNVERIFIED: the signed content as decoded. Do not act on it before verification.
    pub fn tbs(&self) -> &TbsReceipt {
        &self.wire.tbs
    }
    /// The exact TBS bytes as received: the bytes the signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs_raw
    }
    /// True for an unsigned record (signer outage): the signature field is 65 zero bytes.
    pub fn is_unsigned(&self) -> bool {
        self.signature().iter().all(|&b| b == 0)
    }
    /// The 65-byte `r‖s‖v` signature.
    pub fn signature(&self) -> &[u8] {
        self.wire.signature.as_bytes()
    }
    /// The receipt digest: SHA-256 of `SEQUENCE { tbs, signature }` DER (attachments excluded),
    /// the value `previous`, `original` and journal chains refer to.
    pub fn digest(&self) -> Digest {
        Digest(self.digest)
    }
    /// Attachments as carried (not part of the signature; checked against TBS digests on verify).
    pub fn attachments(&self) -> &[Attachment] {
        self.wire.attachments.as_deref().unwrap_or(&[])
    }
    /// The captured handwritten signature, if its attachment is present.
    pub fn signature_strokes(&self) -> Option<&Strokes> {
        self.strokes.first()
    }
    /// The signer key id (SHA-256 of its SubjectPublicKeyInfo DER).
    pub fn key_id(&self) -> KeyId {
        KeyId::try_from(self.tbs().signer_key_id()).unwrap_or_default()
    }

    /// Encodes to DER. For a decoded receipt this equals the input bytes.
    ///
    /// # Errors
    /// [`Error::Malformed`] only if encoding fails (it does not for values this crate produced).
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        self.wire
            .to_der()
            .map_err(|e| Error::malformed(Structure::Receipt, e))
    }

    /// The same receipt without attachments (the form printed as text or QR); still verifies.
    pub fn without_attachments(&self) -> Self {
        let mut r = self.clone();
        r.wire.attachments = None;
        r.strokes.clear();
        r
    }

    /// Verifies the receipt against `store` as of `options.now()`: unknown critical extensions,
    /// time, the terminal certificate's path at `issuedAt` (validity, constraints, revocation),
    /// the signature over the exact TBS bytes (low-S, recovery id) and any attachment.
    ///
    /// # Errors
    /// [`Error::UnknownCriticalExtension`], [`Error::IssuedInFuture`], [`Error::UnknownSigner`],
    /// [`Error::ChainInvalid`], [`Error::CertificateExpired`], [`Error::CertificateNotYetValid`],
    /// [`Error::Revoked`], [`Error::BadSignature`], [`Error::HighS`],
    /// [`Error::WrongRecoveryId`], [`Error::AttachmentDigestMismatch`], [`Error::LimitExceeded`].
    #[cfg(feature = "std")]
    pub fn verify(
        &self,
        store: &TrustStore,
        options: &VerifyOptions,
    ) -> Result<VerifiedReceipt, Error> {
        let prepared = self.prepare(store, options)?;
        let table = store.key_table(&prepared.path);
        prepared.signature.finish(&prepared.path.key, table, None)?;
        self.complete(store, prepared.path)
    }

    /// Verifies the receipt against `key`, a public key the caller already trusts (pinned: a
    /// terminal checking what it signed, a device provisioned with its terminals' keys), as of
    /// `options.now()`: every check of [`UnverifiedReceipt::verify`] except the certificate
    /// path, which is the caller's to vouch for. The result's [`VerifiedReceipt::path`] and
    /// [`VerifiedReceipt::warnings`] are empty. Builds without `std`.
    ///
    /// # Errors
    /// [`Error::UnknownSigner`] if the receipt's signer key id is not `key`'s;
    /// [`Error::InvalidPublicKey`]; [`Error::Unsigned`], [`Error::UnknownCriticalExtension`],
    /// [`Error::IssuedInFuture`], [`Error::BadSignature`], [`Error::HighS`],
    /// [`Error::WrongRecoveryId`], [`Error::AttachmentDigestMismatch`].
    pub fn verify_with_key(
        &self,
        key: &p256::ecdsa::VerifyingKey,
        options: &VerifyOptions,
    ) -> Result<VerifiedReceipt, Error> {
        if crate::key_id(key)? != self.key_id() {
            return Err(Error::UnknownSigner {
                key_id: self.key_id(),
            });
        }
        self.check_before_path(options)?;
        let public = crate::ecdsa::public_key(key.as_affine())?;
        crate::ecdsa::Prechecked::with_digest(&self.tbs_digest(), self.signature())?
            .finish(&public, None, None)?;
        self.check_attachments()?;
        Ok(VerifiedReceipt {
            receipt: self.clone(),
            path: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// [`UnverifiedReceipt::verify`] up to the signature equation: every check before it, in
    /// the same order, with the same errors. The equation is then done one receipt at a time
    /// ([`crate::ecdsa::Prechecked::finish`]) or in a batch (`possig_ec::batch`), and
    /// [`UnverifiedReceipt::complete`] does what follows it.
    #[cfg(feature = "std")]
    pub(crate) fn prepare(
        &self,
        store: &TrustStore,
        options: &VerifyOptions,
    ) -> Result<Prepared, Error> {
        self.prepare_hashed(store, options, &self.tbs_digest())
    }

    /// SHA-256 of the TBS bytes: the message the signature covers.
    pub(crate) fn tbs_digest(&self) -> [u8; 32] {
        Sha256::digest(&self.tbs_raw).into()
    }

    /// The checks before the signer's key is looked up: a signature is present, no critical
    /// extension this version does not understand, not issued after `now` (with the skew).
    fn check_before_path(&self, options: &VerifyOptions) -> Result<(), Error> {
        let tbs = self.tbs();
        if self.is_unsigned() {
            return Err(Error::Unsigned);
        }
        // The only extension this version understands is the key rotation.
        if let Some(index) = tbs
            .extensions()
            .iter()
            .position(|e| e.critical() && !e.id().is_key_rotation())
        {
            return Err(Error::UnknownCriticalExtension { index });
        }
        if tbs.issued_at() > options.now.saturating_add(options.max_clock_skew) {
            return Err(Error::IssuedInFuture);
        }
        Ok(())
    }

    /// [`UnverifiedReceipt::prepare`] with [`UnverifiedReceipt::tbs_digest`] computed by the
    /// caller (a journal keeps it for its chain analysis).
    #[cfg(feature = "std")]
    pub(crate) fn prepare_hashed(
        &self,
        store: &TrustStore,
        options: &VerifyOptions,
        tbs_digest: &[u8; 32],
    ) -> Result<Prepared, Error> {
        self.check_before_path(options)?;
        let path = store.validate(&self.key_id(), self.tbs().issued_at(), options.now)?;
        let signature = crate::ecdsa::Prechecked::with_digest(tbs_digest, self.signature())?;
        Ok(Prepared { path, signature })
    }

    /// What [`UnverifiedReceipt::verify`] checks after the signature: the attachments.
    #[cfg(feature = "std")]
    pub(crate) fn complete(
        &self,
        store: &TrustStore,
        path: ValidatedPath,
    ) -> Result<VerifiedReceipt, Error> {
        self.check_attachments()?;
        Ok(VerifiedReceipt {
            receipt: self.clone(),
            path: store.path_infos(&path.path),
            warnings: path.warnings,
        })
    }
}

impl UnverifiedReceipt {
    /// Every attachment present matches the digest committed in the TBS.
    pub(crate) fn check_attachments(&self) -> Result<(), Error> {
        let committed = self.tbs().committed_attachment_digests();
        for (index, a) in self.attachments().iter().enumerate() {
            let d: [u8; 32] = Sha256::digest(a.data()).into();
            if committed != Some(&d[..]) {
                return Err(Error::AttachmentDigestMismatch { index });
            }
        }
        Ok(())
    }
}

/// A receipt checked up to its signature equation (see [`UnverifiedReceipt::prepare`]).
#[cfg(feature = "std")]
pub(crate) struct Prepared {
    pub(crate) path: ValidatedPath,
    pub(crate) signature: crate::ecdsa::Prechecked,
}

/// A receipt whose signature, signer certificate path and attachments have been verified.
/// The only ways to get one are [`UnverifiedReceipt::verify`] and, against a key the caller
/// pins instead of a certificate path, [`UnverifiedReceipt::verify_with_key`].
#[derive(Clone, Debug)]
pub struct VerifiedReceipt {
    receipt: UnverifiedReceipt,
    path: Vec<CertificateInfo>,
    warnings: Vec<Warning>,
}

impl VerifiedReceipt {
    /// The verified signed content.
    pub fn tbs(&self) -> &TbsReceipt {
        self.receipt.tbs()
    }
    /// The receipt digest (see [`UnverifiedReceipt::digest`]).
    pub fn digest(&self) -> Digest {
        self.receipt.digest()
    }
    /// The certificate path, terminal first, root last (empty after
    /// [`UnverifiedReceipt::verify_with_key`]: the caller pinned the key).
    pub fn path(&self) -> &[CertificateInfo] {
        &self.path
    }
    /// Warnings (valid, but look): expired since, revoked after signing, no CRL.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The verified captured signature, if its attachment was present.
    pub fn signature_strokes(&self) -> Option<&Strokes> {
        self.receipt.signature_strokes()
    }
    /// The underlying receipt (bytes, signature, attachments).
    pub fn receipt(&self) -> &UnverifiedReceipt {
        &self.receipt
    }
}
