//! Random mutations and garbage through every entry point that takes untrusted bytes: never a
//! panic, always a typed error, and never a mutated receipt accepted. Deterministic (fixed-seed
//! xorshift), so a failure reproduces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use common::*;
use possig::{Error, Strokes, TrustStore, UnverifiedReceipt, VerifyOptions};

fn vectors() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "der") {
            out.push(std::fs::read(p).unwrap());
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_receipts_never_panic_and_never_verify() {
    let store = store();
    let opts = VerifyOptions::at(NOW);
    let seeds = vectors();
    let valid: Vec<Vec<u8>> = seeds
        .iter()
        .filter(|d| {
            UnverifiedReceipt::from_der(d)
                .and_then(|r| r.verify(&store, &opts))
                .is_ok()
        })
        .cloned()
        .collect();
    assert!(valid.len() >= 10);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..30_000 {
        let seed = &seeds[rng.below(seeds.len())];
        let m = mutate(&mut rng, seed);
        let r = UnverifiedReceipt::from_der(&m).and_then(|r| r.verify(&store, &opts));
        match r {
            Ok(_) => assert!(
                valid.contains(&m),
                "a mutated receipt verified: {}",
                hex::encode(&m)
            ),
            Err(e) => assert!(Error::ALL_CODES.contains(&e.code())),
        }
    }
    for len in [0usize, 1, 2, 3, 64, 300, 5000] {
        for _ in 0..200 {
            let g: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            assert!(UnverifiedReceipt::from_der(&g).is_err());
            let _ = Strokes::from_der(&g);
        }
    }
}

#[test]
fn mutated_certificates_crls_and_pem_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let files = [
        "root.pem",
        "intermediate.pem",
        "term-ok.pem",
        "intermediate.crl.pem",
        "root.crl.pem",
    ];
    for f in files {
        let pem = fixture(f);
        let (_, der) = der::pem::decode_vec(&pem).unwrap();
        for i in 0..1500 {
            let input = if i % 3 == 0 {
                mutate(&mut rng, &pem)
            } else {
                mutate(&mut rng, &der)
            };
            let mut b = TrustStore::builder();
            let _ = b.add_root(&fixture("root.pem"));
            let _ = b.add_intermediate(&fixture("intermediate.pem"));
            let _ = if f.contains("crl") {
                b.add_crl(&input)
            } else {
                b.add_terminal(&input)
            };
            let _ = b.build();
        }
    }
    for _ in 0..500 {
        let g: Vec<u8> = (0..rng.below(400)).map(|_| rng.next_u64() as u8).collect();
        let text = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            String::from_utf8_lossy(&g)
        );
        let _ = TrustStore::builder().add_root(text.as_bytes());
        let _ = TrustStore::builder().add_crl(&g);
        let _ = possig::keys::signing_key_from_pkcs8_pem(&text);
    }
}

#[test]
fn mutated_journals_and_proofs_never_panic() {
    use possig::journal::{Event, InclusionProof, JournalOptions, verify_journal};
    let day = generate_day();
    let journal = day.records.concat();
    let store = store();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    for _ in 0..300 {
        let m = mutate(&mut rng, &journal);
        let mut n = 0u64;
        let s = verify_journal(m.as_slice(), &store, &opts, |e| {
            if matches!(e, Event::Record(_)) {
                n += 1;
            }
        })
        .unwrap();
        assert_eq!(s.records, n);
    }
    let proof = InclusionProof::find(journal.as_slice(), &day.in_batch1)
        .unwrap()
        .unwrap()
        .to_der()
        .unwrap();
    for _ in 0..3000 {
        let m = mutate(&mut rng, &proof);
        if let Ok(p) = InclusionProof::from_der(&m)
            && p.verify(&day.in_batch1, &store, &VerifyOptions::at(NOW))
                .is_ok()
        {
            assert_eq!(
                p.to_der().unwrap(),
                proof,
                "only the genuine proof verifies"
            );
        }
    }
}

#[test]
fn mutated_text_forms_never_panic() {
    let store = store();
    let opts = VerifyOptions::at(NOW);
    let texts: Vec<String> = vectors()
        .iter()
        .filter_map(|d| UnverifiedReceipt::from_der(d).ok()?.to_text().ok())
        .collect();
    let mut rng = Rng(0x51ed_270b_2758_99f1);
    for _ in 0..5_000 {
        let seed = texts[rng.below(texts.len())].as_bytes();
        let m = String::from_utf8_lossy(&mutate(&mut rng, seed)).into_owned();
        match UnverifiedReceipt::from_text(&m).and_then(|r| r.verify(&store, &opts)) {
            Ok(v) => assert!(texts.contains(&v.receipt().to_text().unwrap())),
            Err(e) => assert!(Error::ALL_CODES.contains(&e.code())),
        }
    }
}

#[cfg(feature = "qr")]
#[test]
fn mutated_qr_images_never_panic() {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/sale-pin.der"
    ))
    .unwrap();
    let r = UnverifiedReceipt::from_der(&der).unwrap();
    let png = possig::printable::qr::ReceiptQr::new(&r)
        .unwrap()
        .to_png(2)
        .unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let m = mutate(&mut rng, &png);
        if let Err(e) = UnverifiedReceipt::from_qr_image(&m) {
            assert!(Error::ALL_CODES.contains(&e.code()));
        }
    }
}
