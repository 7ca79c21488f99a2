//! What the fuzz targets share: the fixture PKI (the golden vectors' trust store and keys) and
//! the verification time.
use std::sync::OnceLock;

use possig::TrustStore;
use possig::keys::SigningKey;

/// 2027-01-01T00:00:00Z, the golden vectors' verification time.
pub const NOW: u64 = 1_798_761_600;
/// 2026-06-01T10:00:00Z: every fixture terminal certificate but term-expired is valid from here
/// to NOW.
pub const T0: u64 = 1_780_308_000;

fn read(path: &str) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/");
    std::fs::read(format!("{dir}{path}")).expect(path)
}

/// The fixture trust store: root, intermediate, every terminal certificate and both CRLs.
pub fn store() -> &'static TrustStore {
    static S: OnceLock<TrustStore> = OnceLock::new();
    S.get_or_init(|| {
        let mut b = TrustStore::builder();
        b.add_root(&read("fixtures/pki/root.pem")).unwrap();
        b.add_intermediate(&read("fixtures/pki/intermediate.pem"))
            .unwrap();
        for t in [
            "term-ok",
            "term-ok2",
            "term-expired",
            "term-revoked",
            "term-noeku",
        ] {
            b.add_terminal(&read(&format!("fixtures/pki/{t}.pem")))
                .unwrap();
        }
        b.add_crl(&read("fixtures/pki/root.crl.pem")).unwrap();
        b.add_crl(&read("fixtures/pki/intermediate.crl.pem"))
            .unwrap();
        b.build().unwrap()
    })
}

/// A fixture terminal's signing key (`term-ok`, `term-ok2`, ...).
pub fn key(name: &str) -> SigningKey {
    let pem = String::from_utf8(read(&format!("fixtures/pki/{name}.key.pem"))).unwrap();
    possig::keys::signing_key_from_pkcs8_pem(&pem).unwrap()
}

/// Every golden vector's bytes.
pub fn vectors() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/vectors");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .collect();
    v.sort();
    v.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The scalar `k` (negative values as `n − |k|`): small multiples and their negations, for
/// the arithmetic targets.
pub fn small_scalar(k: i16) -> p256::Scalar {
    let m = p256::Scalar::from(u64::from(k.unsigned_abs()));
    if k < 0 { -m } else { m }
}
