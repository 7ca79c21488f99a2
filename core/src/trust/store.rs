//! The store itself: parsing, signature checks when built, path validation per receipt.

use std::collections::HashMap;

use der::{Decode, Encode};
use p256::AffinePoint;
use rustls_pki_types::pem::SectionKind;
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

use crate::error::{AlgorithmUse, ChainReason, Error, Limit, Structure};
use crate::format::oid::Oid;
use crate::format::raw::raw_tbs;
use crate::hash::KeyId;
use crate::limits::{
    MAX_CERTIFICATE_SIZE, MAX_CHAIN_DEPTH, MAX_CRL_SIZE, MAX_PEM_SIZE, MAX_TRUST_CERTIFICATES,
};
use crate::trust::key_id_map::KeyIdMap;
use crate::trust::key_table::KeyTables;
use crate::trust::name;
use crate::trust::{CertificateInfo, Role, TrustCounts, Warning, key_id_of_spki_der};
use possig_ec::{KeyTable, PublicKey};

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{
    ID_CE_AUTHORITY_KEY_IDENTIFIER, ID_CE_BASIC_CONSTRAINTS, ID_CE_CRL_NUMBER, ID_CE_EXT_KEY_USAGE,
    ID_CE_KEY_USAGE, ID_CE_SUBJECT_ALT_NAME, ID_CE_SUBJECT_KEY_IDENTIFIER,
};
use const_oid::db::rfc5912::{ECDSA_WITH_SHA_256, ID_EC_PUBLIC_KEY, SECP_256_R_1};

/// Extensions understood well enough to accept when critical (the rest only matter
/// non-critical). subjectAltName is informational: terminals get no name checks.
const UNDERSTOOD_CERT_EXTENSIONS: [ObjectIdentifier; 6] = [
    ID_CE_BASIC_CONSTRAINTS,
    ID_CE_KEY_USAGE,
    ID_CE_EXT_KEY_USAGE,
    ID_CE_SUBJECT_KEY_IDENTIFIER,
    ID_CE_AUTHORITY_KEY_IDENTIFIER,
    ID_CE_SUBJECT_ALT_NAME,
];
const UNDERSTOOD_CRL_EXTENSIONS: [ObjectIdentifier; 2] =
    [ID_CE_CRL_NUMBER, ID_CE_AUTHORITY_KEY_IDENTIFIER];

/// A parsed certificate with what verification needs.
#[derive(Clone, Debug)]
struct Cert {
    role: Role,
    tbs_raw: Vec<u8>,
    signature_der: Vec<u8>,
    sig_alg_ok: bool,
    subject: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    /// The certified key (never the identity).
    public: PublicKey,
    key_id: KeyId,
    not_before: u64,
    not_after: u64,
    /// `Some(path_len)` when basicConstraints says cA.
    ca: Option<Option<u8>>,
    key_usage: Option<KeyUsage>,
    eku: Option<Vec<Oid>>,
    unknown_critical: bool,
    info: CertificateInfo,
}

#[derive(Clone, Debug)]
struct Crl {
    tbs_raw: Vec<u8>,
    signature_der: Vec<u8>,
    issuer: Vec<u8>,
    this_update: u64,
    next_update: Option<u64>,
    revoked: HashMap<Vec<u8>, u64>,
    unsupported: bool,
}

/// Collects certificates and CRLs; [`TrustStoreBuilder::build`] checks their signatures.
#[derive(Default, Debug)]
pub struct TrustStoreBuilder {
    certs: Vec<Cert>,
    crls: Vec<Crl>,
}

/// An immutable, validated set of trusted roots, intermediates, terminal certificates and CRLs.
#[derive(Debug)]
pub struct TrustStore {
    certs: Vec<Cert>,
    crls: Vec<Crl>,
    by_key_id: KeyIdMap<Vec<usize>>,
    /// For each certificate, the CA certificates whose key verifies its signature.
    issuers: Vec<Vec<usize>>,
    /// For each CA certificate, the CRLs it signed.
    crls_by_issuer: HashMap<usize, Vec<usize>>,
    /// Precomputed key multiples for the single-receipt path, built on a key's second use.
    key_tables: KeyTables,
}

/// The certificates of a path as indices into the store, terminal first: at most
/// [`MAX_CHAIN_DEPTH`], held inline so that validating a receipt's path allocates nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CertPath {
    certs: [usize; MAX_CHAIN_DEPTH],
    len: usize,
}

impl CertPath {
    fn new(leaf: usize) -> Self {
        CertPath {
            certs: [leaf; MAX_CHAIN_DEPTH],
            len: 1,
        }
    }

    /// The terminal certificate (a path is never empty: it starts at its leaf).
    pub(crate) fn leaf(&self) -> usize {
        let [leaf, ..] = self.certs;
        leaf
    }

    fn as_slice(&self) -> &[usize] {
        self.certs.get(..self.len).unwrap_or_default()
    }

    /// Appends `cert`; [`Error::LimitExceeded`] (`ChainDepth`) when the path is full.
    fn push(&mut self, cert: usize) -> Result<(), Error> {
        let slot = self
            .certs
            .get_mut(self.len)
            .ok_or(Error::limit(Limit::ChainDepth, self.len + 1))?;
        *slot = cert;
        self.len += 1;
        Ok(())
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1).max(1);
    }
}

/// A validated certificate path for one receipt.
#[derive(Clone, Debug)]
pub(crate) struct ValidatedPath {
    pub(crate) key: PublicKey,
    /// The path, terminal first, for [`TrustStore::path_infos`] and [`TrustStore::key_table`].
    pub(crate) path: CertPath,
    pub(crate) warnings: Vec<Warning>,
}

/// The blocks of a PEM input, in order, through rustls-pki-types' reader (the one rustls
/// uses): text around blocks is skipped, and so are blocks whose label it does not know.
/// A block that cannot be read is reported at the offset of its `-----BEGIN` line.
fn pem_blocks(input: &[u8]) -> Result<Vec<(SectionKind, Vec<u8>)>, Error> {
    if input.len() > MAX_PEM_SIZE {
        return Err(Error::limit(Limit::PemSize, input.len()));
    }
    let text = core::str::from_utf8(input).map_err(|e| Error::Malformed {
        what: Structure::Pem,
        offset: e.valid_up_to(),
    })?;
    let mut out = Vec::new();
    let mut rest = input;
    loop {
        let read_from = input.len() - rest.len();
        match rustls_pki_types::pem::from_buf(&mut rest) {
            Ok(Some(block)) => out.push(block),
            Ok(None) => return Ok(out),
            Err(_) => {
                let begin = text
                    .get(read_from..)
                    .and_then(|unread| unread.find("-----BEGIN "))
                    .map_or(read_from, |at| read_from + at);
                return Err(Error::Malformed {
                    what: Structure::Pem,
                    offset: begin,
                });
            }
        }
    }
}

/// The DER values of one input: one DER value (it starts with a SEQUENCE tag), or every PEM
/// block of `kind` (text around blocks, as `openssl x509 -text` writes, is ignored).
fn pem_or_der(input: &[u8], kind: SectionKind) -> Result<Vec<Vec<u8>>, Error> {
    if input.first() == Some(&0x30) {
        return Ok(vec![input.to_vec()]);
    }
    let ders: Vec<Vec<u8>> = pem_blocks(input)?
        .into_iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, der)| der)
        .collect();
    if ders.is_empty() {
        return Err(Error::Malformed {
            what: Structure::Pem,
            offset: 0,
        });
    }
    Ok(ders)
}

fn unix(t: x509_cert::time::Time) -> u64 {
    t.to_unix_duration().as_secs()
}

/// Parses an uncompressed SEC1 P-256 point from a SubjectPublicKeyInfo.
fn p256_key(spki: &spki::SubjectPublicKeyInfoOwned) -> Result<AffinePoint, Error> {
    let params_ok = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        == Some(SECP_256_R_1);
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY || !params_ok {
        return Err(Error::UnsupportedAlgorithm {
            what: AlgorithmUse::CertificateKey,
        });
    }
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or(Error::InvalidPublicKey)?;
    // Policy: uncompressed points only (0x04 ‖ X ‖ Y); compressed and identity encodings are refused.
    if bytes.len() != 65 || bytes.first() != Some(&0x04) {
        return Err(Error::InvalidPublicKey);
    }
    let vk =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes).map_err(|_| Error::InvalidPublicKey)?;
    Ok(*vk.as_affine())
}

fn parse_cert(der_bytes: &[u8], role: Role) -> Result<Cert, Error> {
    if der_bytes.len() > MAX_CERTIFICATE_SIZE {
        return Err(Error::limit(Limit::CertificateSize, der_bytes.len()));
    }
    let what = Structure::Certificate;
    let cert = Certificate::from_der(der_bytes).map_err(|e| Error::malformed(what, e))?;
    let tbs = cert.tbs_certificate();
    let sig_alg_ok = cert.signature_algorithm().oid == ECDSA_WITH_SHA_256
        && cert.signature_algorithm().parameters.is_none()
        && tbs.signature() == cert.signature_algorithm();
    let spki = tbs.subject_public_key_info();
    let key = p256_key(spki)?;
    let public = PublicKey::from_p256(&key).ok_or(Error::InvalidPublicKey)?;
    let spki_der = spki.to_der().map_err(|e| Error::malformed(what, e))?;
    let mut ca = None;
    let mut key_usage = None;
    let mut eku = None;
    let mut unknown_critical = false;
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or(&[]) {
        let value = ext.extn_value.as_bytes();
        if ext.extn_id == ID_CE_BASIC_CONSTRAINTS {
            let bc = BasicConstraints::from_der(value).map_err(|e| Error::malformed(what, e))?;
            ca = bc.ca.then_some(bc.path_len_constraint);
        } else if ext.extn_id == ID_CE_KEY_USAGE {
            key_usage = Some(KeyUsage::from_der(value).map_err(|e| Error::malformed(what, e))?);
        } else if ext.extn_id == ID_CE_EXT_KEY_USAGE {
            // Parsed with our own Oid type: const-oid cannot hold the 2.25 UUID arc.
            eku = Some(Vec::<Oid>::from_der(value).map_err(|e| Error::malformed(what, e))?);
        } else if ext.critical && !UNDERSTOOD_CERT_EXTENSIONS.contains(&ext.extn_id) {
            unknown_critical = true;
        }
    }
    let validity = tbs.validity();
    let subject = tbs
        .subject()
        .to_der()
        .map_err(|e| Error::malformed(what, e))?;
    let issuer = tbs
        .issuer()
        .to_der()
        .map_err(|e| Error::malformed(what, e))?;
    let serial = tbs.serial_number().as_bytes().to_vec();
    let info = CertificateInfo {
        role,
        subject: name::rfc4514(tbs.subject()),
        issuer: name::rfc4514(tbs.issuer()),
        serial_hex: hex::encode(&serial),
        not_before: unix(validity.not_before),
        not_after: unix(validity.not_after),
        sha256: Sha256::digest(der_bytes).into(),
    };
    Ok(Cert {
        role,
        tbs_raw: raw_tbs(der_bytes, what)?,
        signature_der: cert.signature().as_bytes().unwrap_or(&[]).to_vec(),
        sig_alg_ok,
        subject,
        issuer,
        serial,
        public,
        key_id: key_id_of_spki_der(&spki_der),
        not_before: info.not_before,
        not_after: info.not_after,
        ca,
        key_usage,
        eku,
        unknown_critical,
        info,
    })
}

fn parse_crl(der_bytes: &[u8]) -> Result<Crl, Error> {
    if der_bytes.len() > MAX_CRL_SIZE {
        return Err(Error::limit(Limit::CrlSize, der_bytes.len()));
    }
    let what = Structure::Crl;
    let crl = CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der_bytes)
        .map_err(|e| Error::malformed(what, e))?;
    if crl.signature_algorithm.oid != ECDSA_WITH_SHA_256
        || crl.tbs_cert_list.signature != crl.signature_algorithm
    {
        return Err(Error::UnsupportedAlgorithm {
            what: AlgorithmUse::CrlSignature,
        });
    }
    let tbs = &crl.tbs_cert_list;
    let mut unsupported = false;
    for ext in tbs.crl_extensions.as_deref().unwrap_or(&[]) {
        if ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.contains(&ext.extn_id) {
            unsupported = true;
        }
    }
    let mut revoked = HashMap::new();
    for entry in tbs.revoked_certificates.as_deref().unwrap_or(&[]) {
        if entry
            .crl_entry_extensions
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .any(|e| e.critical)
        {
            unsupported = true;
        }
        let at = unix(entry.revocation_date);
        let slot = revoked
            .entry(entry.serial_number.as_bytes().to_vec())
            .or_insert(at);
        *slot = (*slot).min(at);
    }
    Ok(Crl {
        tbs_raw: raw_tbs(der_bytes, what)?,
        signature_der: crl.signature.as_bytes().unwrap_or(&[]).to_vec(),
        issuer: tbs.issuer.to_der().map_err(|e| Error::malformed(what, e))?,
        this_update: unix(tbs.this_update),
        next_update: tbs.next_update.map(unix),
        revoked,
        unsupported,
    })
}

impl TrustStoreBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    fn add_certs(&mut self, input: &[u8], role: Role) -> Result<usize, Error> {
        let ders = pem_or_der(input, SectionKind::Certificate)?;
        let n = ders.len();
        if self.certs.len() + n > MAX_TRUST_CERTIFICATES {
            return Err(Error::limit(Limit::TrustCertificates, self.certs.len() + n));
        }
        for der in ders {
            self.certs.push(parse_cert(&der, role)?);
        }
        Ok(n)
    }

    /// Adds trust anchors from PEM (one or more `CERTIFICATE` blocks) or a single DER certificate.
    /// Returns how many were added.
    ///
    /// # Errors
    /// [`Error::Malformed`] for bad PEM/DER, [`Error::UnsupportedAlgorithm`] for a non-P-256 key,
    /// [`Error::InvalidPublicKey`] for an invalid or compressed point, [`Error::LimitExceeded`].
    pub fn add_root(&mut self, pem_or_der: &[u8]) -> Result<usize, Error> {
        self.add_certs(pem_or_der, Role::Root)
    }

    /// Adds intermediate CA certificates (PEM or DER). Returns how many were added.
    ///
    /// # Errors
    /// As [`TrustStoreBuilder::add_root`].
    pub fn add_intermediate(&mut self, pem_or_der: &[u8]) -> Result<usize, Error> {
        self.add_certs(pem_or_der, Role::Intermediate)
    }

    /// Adds terminal (end-entity) certificates (PEM or DER). Returns how many were added.
    ///
    /// # Errors
    /// As [`TrustStoreBuilder::add_root`].
    pub fn add_terminal(&mut self, pem_or_der: &[u8]) -> Result<usize, Error> {
        self.add_certs(pem_or_der, Role::Terminal)
    }

    /// Adds a PEM bundle of non-anchor material, as a viewer or a back office receives it:
    /// every `CERTIFICATE` is an intermediate if its basicConstraints say cA, else a terminal
    /// certificate; every `X509 CRL` is a CRL; other blocks are ignored. Roots are never taken
    /// from a bundle (trust anchors come only from [`TrustStoreBuilder::add_root`]), so a
    /// bundle cannot add trust: its certificates still need a path to a root. Returns
    /// (certificates, CRLs) added.
    ///
    /// # Errors
    /// As [`TrustStoreBuilder::add_root`] and [`TrustStoreBuilder::add_crl`]; [`Error::Malformed`]
    /// (`Pem`) for input that is not PEM.
    pub fn add_bundle(&mut self, pem: &[u8]) -> Result<(usize, usize), Error> {
        if pem.len() > MAX_PEM_SIZE {
            return Err(Error::limit(Limit::PemSize, pem.len()));
        }
        let (mut certs, mut crls) = (0, 0);
        let blocks = pem_blocks(pem)?;
        if blocks.is_empty() {
            return Err(Error::Malformed {
                what: Structure::Pem,
                offset: 0,
            });
        }
        for (kind, der) in blocks {
            match kind {
                SectionKind::Certificate => {
                    if self.certs.len() >= MAX_TRUST_CERTIFICATES {
                        return Err(Error::limit(Limit::TrustCertificates, self.certs.len() + 1));
                    }
                    let mut c = parse_cert(&der, Role::Terminal)?;
                    if c.ca.is_some() {
                        c = parse_cert(&der, Role::Intermediate)?;
                    }
                    self.certs.push(c);
                    certs += 1;
                }
                SectionKind::Crl => {
                    self.crls.push(parse_crl(&der)?);
                    crls += 1;
                }
                _ => {}
            }
        }
        Ok((certs, crls))
    }

    /// Adds CRLs (PEM `X509 CRL` blocks or one DER CRL). Returns how many were added.
    ///
    /// # Errors
    /// [`Error::Malformed`], [`Error::UnsupportedAlgorithm`] (not ecdsa-with-SHA256),
    /// [`Error::LimitExceeded`].
    pub fn add_crl(&mut self, input: &[u8]) -> Result<usize, Error> {
        let ders = pem_or_der(input, SectionKind::Crl)?;
        let n = ders.len();
        for der in ders {
            self.crls.push(parse_crl(&der)?);
        }
        Ok(n)
    }

    /// Checks every certificate's and CRL's signature against the CA certificates named as its
    /// issuer, and indexes terminal certificates by key id.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] if a certificate used in a path is not signed with
    /// ecdsa-with-SHA256; [`Error::ChainInvalid`] (`CrlSignature`, depth 0) if a CRL names an
    /// issuer in the store but no such issuer's key verifies it (a forged or misattributed CRL).
    pub fn build(self) -> Result<TrustStore, Error> {
        let certs = self.certs;
        let mut issuers = vec![Vec::new(); certs.len()];
        for (i, c) in certs.iter().enumerate() {
            if c.role == Role::Root {
                continue;
            }
            for (j, ca) in certs.iter().enumerate() {
                if i == j || ca.role == Role::Terminal || ca.subject != c.issuer {
                    continue;
                }
                if !c.sig_alg_ok {
                    return Err(Error::UnsupportedAlgorithm {
                        what: AlgorithmUse::CertificateSignature,
                    });
                }
                if crate::ecdsa::verify_der(&c.tbs_raw, &c.signature_der, &ca.public)
                    && let Some(v) = issuers.get_mut(i)
                {
                    v.push(j);
                }
            }
        }
        let mut crls_by_issuer: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, crl) in self.crls.iter().enumerate() {
            let mut named = false;
            let mut verified = false;
            for (j, ca) in certs.iter().enumerate() {
                if ca.role == Role::Terminal || ca.subject != crl.issuer {
                    continue;
                }
                named = true;
                if crate::ecdsa::verify_der(&crl.tbs_raw, &crl.signature_der, &ca.public) {
                    verified = true;
                    crls_by_issuer.entry(j).or_default().push(k);
                }
            }
            if named && !verified {
                return Err(Error::ChainInvalid {
                    depth: 0,
                    reason: ChainReason::CrlSignature,
                });
            }
        }
        let mut by_key_id: KeyIdMap<Vec<usize>> = KeyIdMap::default();
        for (i, c) in certs.iter().enumerate() {
            if c.role == Role::Terminal {
                by_key_id.entry(c.key_id).or_default().push(i);
            }
        }
        Ok(TrustStore {
            key_tables: KeyTables::new(certs.len()),
            certs,
            crls: self.crls,
            by_key_id,
            issuers,
            crls_by_issuer,
        })
    }
}

fn depth_u8(d: usize) -> u8 {
    u8::try_from(d).unwrap_or(u8::MAX)
}

impl TrustStore {
    /// Starts an empty builder.
    pub fn builder() -> TrustStoreBuilder {
        TrustStoreBuilder::new()
    }

    /// How many certificates of each role, and CRLs, the store holds.
    pub fn counts(&self) -> TrustCounts {
        let n = |r| self.certs.iter().filter(|c| c.role == r).count();
        TrustCounts {
            roots: n(Role::Root),
            intermediates: n(Role::Intermediate),
            terminals: n(Role::Terminal),
            crls: self.crls.len(),
        }
    }

    /// Number of terminal keys with a precomputed table for the single-receipt path (built on
    /// a key's second [`crate::verify::receipt::UnverifiedReceipt::verify`], at most
    /// [`MAX_KEY_TABLES`](crate::limits::MAX_KEY_TABLES) per store; see the README, *Single-receipt verification*).
    pub fn cached_key_tables(&self) -> usize {
        self.key_tables.built()
    }

    /// The key table of a validated path's terminal certificate, if it is built or due (see
    /// [`KeyTables::for_single_use`]).
    pub(crate) fn key_table(&self, path: &ValidatedPath) -> Option<&KeyTable> {
        self.key_tables.for_single_use(path.path.leaf(), &path.key)
    }

    /// The certificates of a validated path, terminal first, for display.
    pub(crate) fn path_infos(&self, path: &CertPath) -> Vec<CertificateInfo> {
        path.as_slice()
            .iter()
            .filter_map(|&i| self.certs.get(i).map(|c| c.info.clone()))
            .collect()
    }

    /// Whether a terminal certificate with this key id is present.
    pub fn knows_key(&self, key_id: &KeyId) -> bool {
        self.by_key_id.contains_key(key_id)
    }

    /// How many distinct terminal keys the store's certificates hold: the most keys a journal
    /// verified against it can have chains for.
    pub(crate) fn key_count(&self) -> usize {
        self.by_key_id.len()
    }

    /// Validates a path for the terminal key `key_id` at signing time `at`, with CRL freshness
    /// judged at `now`. Tries every terminal certificate with that key and every issuer
    /// candidate; returns the first valid path, else the error of the first attempt.
    pub(crate) fn validate(
        &self,
        key_id: &KeyId,
        at: u64,
        now: u64,
    ) -> Result<ValidatedPath, Error> {
        let leaves = self
            .by_key_id
            .get(key_id)
            .ok_or(Error::UnknownSigner { key_id: *key_id })?;
        let mut first_err = None;
        for &leaf in leaves {
            let mut path = CertPath::new(leaf);
            match self.extend(&mut path, at, now) {
                Ok(p) => return Ok(p),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or(Error::UnknownSigner { key_id: *key_id }))
    }

    fn cert(&self, i: usize) -> Result<&Cert, Error> {
        self.certs.get(i).ok_or(Error::ChainInvalid {
            depth: 0,
            reason: ChainReason::IssuerNotFound,
        })
    }

    fn extend(&self, path: &mut CertPath, at: u64, now: u64) -> Result<ValidatedPath, Error> {
        let depth = path.as_slice().len() - 1;
        let cur_idx = *path.as_slice().last().ok_or(Error::ChainInvalid {
            depth: 0,
            reason: ChainReason::IssuerNotFound,
        })?;
        let cur = self.cert(cur_idx)?;
        if cur.role == Role::Root {
            return self.check_path(path, at, now);
        }
        if path.as_slice().len() >= MAX_CHAIN_DEPTH {
            return Err(Error::limit(Limit::ChainDepth, path.as_slice().len() + 1));
        }
        let mut first_err = None;
        for &j in self.issuers.get(cur_idx).map(Vec::as_slice).unwrap_or(&[]) {
            if path.as_slice().contains(&j) {
                continue;
            }
            path.push(j)?;
            let r = self.extend(path, at, now);
            path.pop();
            match r {
                Ok(p) => return Ok(p),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or(Error::ChainInvalid {
            depth: depth_u8(depth),
            reason: ChainReason::IssuerNotFound,
        }))
    }

    fn check_path(&self, cert_path: &CertPath, at: u64, now: u64) -> Result<ValidatedPath, Error> {
        let path = cert_path.as_slice();
        let mut warnings = Vec::new();
        for (depth, &idx) in path.iter().enumerate() {
            let d = depth_u8(depth);
            let c = self.cert(idx)?;
            if c.unknown_critical {
                return Err(Error::ChainInvalid {
                    depth: d,
                    reason: ChainReason::UnknownCriticalExtension,
                });
            }
            if depth == 0 {
                if c.ca.is_some() {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::TerminalIsCa,
                    });
                }
                if !c.key_usage.is_some_and(|ku| ku.digital_signature()) {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::KeyUsage,
                    });
                }
                if !c
                    .eku
                    .as_ref()
                    .is_some_and(|e| e.iter().any(Oid::is_eku_receipt_signing))
                {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::ExtendedKeyUsage,
                    });
                }
            } else {
                let Some(path_len) = c.ca else {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::NotCa,
                    });
                };
                if c.key_usage.is_some_and(|ku| !ku.key_cert_sign()) {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::NotCa,
                    });
                }
                // CAs strictly below this one (depth − 1 of them, the terminal excluded).
                if path_len.is_some_and(|n| usize::from(n) < depth - 1) {
                    return Err(Error::ChainInvalid {
                        depth: d,
                        reason: ChainReason::PathLength,
                    });
                }
            }
            if at < c.not_before {
                return Err(Error::CertificateNotYetValid { depth: d });
            }
            if at > c.not_after {
                return Err(Error::CertificateExpired { depth: d });
            }
            if now > c.not_after {
                warnings.push(Warning::CertificateExpiredNow { depth: d });
            }
            if c.role != Role::Root {
                let issuer = path.get(depth + 1).copied();
                let crls = issuer.and_then(|i| self.crls_by_issuer.get(&i));
                match crls {
                    None => warnings.push(Warning::NoRevocationInfo { depth: d }),
                    Some(list) => {
                        for &k in list {
                            let Some(crl) = self.crls.get(k) else {
                                continue;
                            };
                            if crl.unsupported {
                                return Err(Error::ChainInvalid {
                                    depth: d,
                                    reason: ChainReason::CrlUnsupported,
                                });
                            }
                            if now < crl.this_update || crl.next_update.is_some_and(|n| now > n) {
                                return Err(Error::ChainInvalid {
                                    depth: d,
                                    reason: ChainReason::CrlOutOfDate,
                                });
                            }
                            if let Some(&revoked_at) = crl.revoked.get(&c.serial) {
                                if revoked_at <= at {
                                    return Err(Error::Revoked {
                                        depth: d,
                                        revoked_at,
                                    });
                                }
                                warnings.push(Warning::RevokedAfterSigning {
                                    depth: d,
                                    revoked_at,
                                });
                            }
                        }
                    }
                }
            }
        }
        let key = self.cert(cert_path.leaf())?.public;
        warnings.dedup();
        Ok(ValidatedPath {
            key,
            path: *cert_path,
            warnings,
        })
    }
}
