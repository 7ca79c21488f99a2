//! A small demo/test PKI: root → intermediate (terminal CA) → terminal certificates, and CRLs.
//!
//! Certificates and CRLs are built with `x509-cert`'s builder and signed with P-256 keys. The
//! terminal profile adds possig's receipt-signing extended key usage, encoded by hand because
//! `const-oid` cannot represent the 2.25 UUID arc.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use der::asn1::OctetString;
use der::{Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use possig::Oid;
use serde::{Deserialize, Serialize};
use spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::Certificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder, CrlBuilder};
use x509_cert::certificate::{Rfc5280, TbsCertificate};
use x509_cert::crl::RevokedCert;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlNumber, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

/// Which kind of certificate a profile makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertKind {
    /// A self-signed trust anchor.
    Root,
    /// The terminal CA, issued by the root.
    Intermediate,
    /// A terminal's receipt-signing certificate (possig's extended key usage).
    Terminal,
}

struct Profile {
    kind: CertKind,
    subject: Name,
    issuer: Name,
}

fn ext_err(e: der::Error) -> x509_cert::builder::Error {
    x509_cert::builder::Error::from(e)
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut exts: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        let issuer_ski = SubjectKeyIdentifier::try_from(issuer_spk)?;
        let (ca, path_len, usages) = match self.kind {
            CertKind::Root => (true, None, KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            CertKind::Intermediate => (true, Some(0), KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            CertKind::Terminal => (false, None, KeyUsages::DigitalSignature.into()),
        };
        exts.push(
            BasicConstraints {
                ca,
                path_len_constraint: path_len,
            }
            .to_extension(tbs.subject(), &exts)?,
        );
        exts.push(KeyUsage(usages).to_extension(tbs.subject(), &exts)?);
        exts.push(ski.to_extension(tbs.subject(), &exts)?);
        if self.kind != CertKind::Root {
            let aki = AuthorityKeyIdentifier {
                key_identifier: Some(issuer_ski.0),
                ..Default::default()
            };
            exts.push(aki.to_extension(tbs.subject(), &exts)?);
        }
        if self.kind == CertKind::Terminal {
            // extKeyUsage ::= SEQUENCE OF KeyPurposeId, with possig's receipt-signing purpose.
            let value = vec![Oid::eku_receipt_signing()].to_der().map_err(ext_err)?;
            exts.push(Extension {
                extn_id: der::asn1::ObjectIdentifier::new_unwrap("2.5.29.37"),
                critical: false,
                extn_value: OctetString::new(value).map_err(ext_err)?,
            });
        }
        Ok(exts)
    }
}

/// A fresh key from the operating system's random source.
///
/// # Errors
/// If the random source fails.
pub fn random_key() -> Result<SigningKey> {
    possig::keys::generate_with(|b| getrandom::fill(b))
        .map_err(|e| anyhow!("OS random generator: {e}"))
}

/// A deterministic key for the demo: SHA-256(seed ‖ name), retried with a counter if out of range.
///
/// # Errors
/// Only if no counter gives a valid scalar (never in practice).
pub fn derived_key(seed: &str, name: &str) -> Result<SigningKey> {
    use sha2::{Digest, Sha256};
    for i in 0u32.. {
        let d: [u8; 32] = Sha256::new()
            .chain_update(seed.as_bytes())
            .chain_update([0])
            .chain_update(name.as_bytes())
            .chain_update(i.to_be_bytes())
            .finalize()
            .into();
        if let Ok(k) = possig::keys::signing_key_from_bytes(&d) {
            return Ok(k);
        }
    }
    Err(anyhow!("no valid key derived"))
}

/// A serial number as a minimal, positive DER INTEGER.
fn serial_number(serial: u64) -> Result<SerialNumber> {
    let bytes = serial.to_be_bytes();
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    let mut minimal = bytes.get(first..).unwrap_or(&[0]).to_vec();
    if minimal.first().is_some_and(|b| b & 0x80 != 0) {
        minimal.insert(0, 0);
    }
    Ok(SerialNumber::new(&minimal)?)
}

fn time(unix: u64) -> Result<Time> {
    let dt = der::DateTime::from_unix_duration(Duration::from_secs(unix))?;
    Ok(Time::GeneralTime(
        der::asn1::GeneralizedTime::from_date_time(dt),
    ))
}

/// Issues a certificate of `kind` for `subject_key`, signed by the issuer's key (or by
/// `self_key` for a root), valid from `not_before` to `not_after` (Unix seconds).
///
/// # Errors
/// A subject that is not an RFC 4514 name, or a failure of the certificate builder.
pub fn issue(
    kind: CertKind,
    subject: &str,
    subject_key: &p256::ecdsa::VerifyingKey,
    issuer: Option<(&Certificate, &SigningKey)>,
    self_key: Option<&SigningKey>,
    serial: u64,
    (not_before, not_after): (u64, u64),
) -> Result<Certificate> {
    let subject = Name::from_str(subject).map_err(|e| anyhow!("subject name: {e}"))?;
    let issuer_name = match issuer {
        Some((c, _)) => c.tbs_certificate().subject().clone(),
        None => subject.clone(),
    };
    let profile = Profile {
        kind,
        subject,
        issuer: issuer_name,
    };
    let validity = Validity::new(time(not_before)?, time(not_after)?);
    let spki = SubjectPublicKeyInfoOwned::from_key(subject_key).map_err(|e| anyhow!("key: {e}"))?;
    let builder = CertificateBuilder::new(profile, serial_number(serial)?, validity, spki)
        .map_err(|e| anyhow!("certificate builder: {e}"))?;
    let signer = match (issuer, self_key) {
        (Some((_, k)), _) => k,
        (None, Some(k)) => k,
        (None, None) => return Err(anyhow!("no signing key for the certificate")),
    };
    builder
        .build::<_, DerSignature>(signer)
        .map_err(|e| anyhow!("signing certificate: {e}"))
}

/// A revoked serial and when.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Revocation {
    /// The revoked certificate's serial number.
    pub serial: u64,
    /// The revocation time (Unix seconds).
    pub at: u64,
}

/// Builds a CRL of `issuer` listing `revoked`, valid from `this_update` for `validity` seconds.
///
/// # Errors
/// A time outside what X.509 can encode, or a failure of the CRL builder.
pub fn crl(
    issuer: &Certificate,
    key: &SigningKey,
    number: u64,
    revoked: &[Revocation],
    this_update: u64,
    validity: u64,
) -> Result<x509_cert::crl::CertificateList> {
    let entries: Result<Vec<RevokedCert<Rfc5280>>> = revoked
        .iter()
        .map(|r| {
            Ok(RevokedCert {
                serial_number: serial_number(r.serial)?,
                revocation_date: time(r.at)?,
                crl_entry_extensions: None,
            })
        })
        .collect();
    let builder = CrlBuilder::new_with_this_update(
        issuer,
        CrlNumber::from(der::asn1::Uint::new(&number.to_be_bytes())?),
        time(this_update)?,
    )?
    .with_next_update(Some(time(this_update + validity)?))
    .with_certificates(entries?.into_iter());
    builder
        .build::<_, DerSignature>(key)
        .map_err(|e| anyhow!("signing CRL: {e}"))
}

/// The persistent state of a PKI directory (`pki.json`).
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
pub struct PkiState {
    /// The serial number of the next certificate.
    pub next_serial: u64,
    /// The number of the last CRL issued.
    pub crl_number: u64,
    /// Every revocation so far (each CRL lists them all).
    pub revoked: Vec<Revocation>,
}

/// Writes a PEM file.
///
/// # Errors
/// If the file cannot be written.
pub fn write_pem(path: &Path, pem: &str) -> Result<()> {
    std::fs::write(path, pem).with_context(|| format!("writing {}", path.display()))
}

/// A certificate as PEM.
///
/// # Errors
/// If the certificate does not encode.
pub fn cert_pem(c: &Certificate) -> Result<String> {
    c.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| anyhow!("PEM: {e}"))
}

/// A CRL as PEM.
///
/// # Errors
/// If the CRL does not encode.
pub fn crl_pem(c: &x509_cert::crl::CertificateList) -> Result<String> {
    let der = c.to_der()?;
    der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &der)
        .map_err(|e| anyhow!("PEM: {e}"))
}

/// Reads a certificate, PEM or DER.
///
/// # Errors
/// If the file cannot be read or does not hold a certificate.
pub fn read_cert(path: &Path) -> Result<Certificate> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if bytes.starts_with(b"-----") {
        let (_, der) =
            der::pem::decode_vec(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        Ok(Certificate::from_der(&der)?)
    } else {
        Ok(Certificate::from_der(&bytes)?)
    }
}

/// Reads a PKCS#8 PEM private key.
///
/// # Errors
/// If the file cannot be read or does not hold a P-256 key.
pub fn read_key(path: &Path) -> Result<SigningKey> {
    let pem =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    possig::keys::signing_key_from_pkcs8_pem(&pem).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// Writes a PKCS#8 PEM private key, readable by its owner only (on Unix).
///
/// # Errors
/// If the file cannot be written.
pub fn write_key(path: &Path, key: &SigningKey) -> Result<()> {
    let pem = possig::keys::signing_key_to_pkcs8_pem(key)?;
    write_private(path, pem.as_bytes())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

/// Paths of a PKI directory.
#[derive(Debug)]
pub struct PkiDir {
    /// The directory.
    pub dir: std::path::PathBuf,
}

impl PkiDir {
    /// The path of `name` in the directory.
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.join(name)
    }

    /// Reads `pki.json`.
    ///
    /// # Errors
    /// If it cannot be read or parsed.
    pub fn load_state(&self) -> Result<PkiState> {
        let p = self.path("pki.json");
        let s = std::fs::read_to_string(&p)
            .with_context(|| format!("reading {} (run `possig pki init` first)", p.display()))?;
        Ok(serde_json::from_str(&s)?)
    }

    /// Writes `pki.json`.
    ///
    /// # Errors
    /// If it cannot be written.
    pub fn save_state(&self, s: &PkiState) -> Result<()> {
        std::fs::write(self.path("pki.json"), serde_json::to_string_pretty(s)?)?;
        Ok(())
    }

    /// Creates root and intermediate (keys, certificates valid from `not_before`, CRLs issued at `now`).
    ///
    /// # Errors
    /// If a file cannot be written or a certificate or CRL cannot be built.
    pub fn init(
        &self,
        root_key: &SigningKey,
        int_key: &SigningKey,
        not_before: u64,
        now: u64,
    ) -> Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        const YEAR: u64 = 365 * 86_400;
        let root = issue(
            CertKind::Root,
            "CN=possig Demo Root,O=possig demo",
            root_key.verifying_key(),
            None,
            Some(root_key),
            1,
            (not_before, now + 20 * YEAR),
        )?;
        let int = issue(
            CertKind::Intermediate,
            "CN=possig Demo Terminal CA,O=possig demo",
            int_key.verifying_key(),
            Some((&root, root_key)),
            None,
            2,
            (not_before, now + 10 * YEAR),
        )?;
        write_key(&self.path("root.key.pem"), root_key)?;
        write_key(&self.path("intermediate.key.pem"), int_key)?;
        write_pem(&self.path("root.pem"), &cert_pem(&root)?)?;
        write_pem(&self.path("intermediate.pem"), &cert_pem(&int)?)?;
        let state = PkiState {
            next_serial: 3,
            crl_number: 1,
            revoked: vec![],
        };
        write_pem(
            &self.path("root.crl.pem"),
            &crl_pem(&crl(
                &root,
                root_key,
                1,
                &[],
                now.saturating_sub(60),
                30 * 86_400 * 12,
            )?)?,
        )?;
        write_pem(
            &self.path("intermediate.crl.pem"),
            &crl_pem(&crl(
                &int,
                int_key,
                1,
                &[],
                now.saturating_sub(60),
                30 * 86_400 * 12,
            )?)?,
        )?;
        self.save_state(&state)
    }

    /// Issues a terminal certificate for `key`.
    ///
    /// # Errors
    /// If the CA's files cannot be read or the certificate cannot be built.
    pub fn issue_terminal(
        &self,
        key: &p256::ecdsa::VerifyingKey,
        terminal: &str,
        merchant: &str,
        not_before: u64,
        not_after: u64,
    ) -> Result<Certificate> {
        let mut state = self.load_state()?;
        let int = read_cert(&self.path("intermediate.pem"))?;
        let int_key = read_key(&self.path("intermediate.key.pem"))?;
        let esc = |s: &str| {
            s.replace('\\', "\\\\")
                .replace(',', "\\,")
                .replace('=', "\\=")
                .replace('+', "\\+")
        };
        let subject = format!("CN=terminal {},O={}", esc(terminal), esc(merchant));
        let cert = issue(
            CertKind::Terminal,
            &subject,
            key,
            Some((&int, &int_key)),
            None,
            state.next_serial,
            (not_before, not_after),
        )?;
        state.next_serial += 1;
        self.save_state(&state)?;
        Ok(cert)
    }

    /// Revokes `cert` at `at` and re-issues the intermediate's CRL as of `now`.
    ///
    /// # Errors
    /// If the CA's files cannot be read or written, or the CRL cannot be built.
    pub fn revoke(&self, cert: &Certificate, at: u64, now: u64) -> Result<()> {
        let mut state = self.load_state()?;
        let serial_bytes = cert.tbs_certificate().serial_number().as_bytes();
        let serial = serial_bytes
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if !state.revoked.iter().any(|r| r.serial == serial) {
            state.revoked.push(Revocation { serial, at });
        }
        state.crl_number += 1;
        let int = read_cert(&self.path("intermediate.pem"))?;
        let int_key = read_key(&self.path("intermediate.key.pem"))?;
        let list = crl(
            &int,
            &int_key,
            state.crl_number,
            &state.revoked,
            now.saturating_sub(60),
            30 * 86_400 * 12,
        )?;
        write_pem(&self.path("intermediate.crl.pem"), &crl_pem(&list)?)?;
        self.save_state(&state)
    }
}
