//! The golden vectors: every file verifies to exactly the outcome recorded in index.json, and
//! every decodable vector re-encodes byte for byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig_testkit::fixtures as common;

use possig::{UnverifiedReceipt, VerifyOptions};

#[test]
fn every_vector_has_its_recorded_outcome() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let store = common::store();
    let opts = VerifyOptions::at(index["verify_at"].as_u64().unwrap());
    let vectors = index["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 25);
    let mut valid = 0;
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let der = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
        let result = UnverifiedReceipt::from_der(&der).and_then(|r| r.verify(&store, &opts));
        match (v["outcome"].as_str().unwrap(), &result) {
            ("valid", Ok(r)) => assert!(r.warnings().is_empty(), "{name}: {:?}", r.warnings()),
            ("valid_with_warnings", Ok(r)) => {
                let got: Vec<&str> = r.warnings().iter().map(|w| w.code()).collect();
                let want: Vec<&str> = v["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w.as_str().unwrap())
                    .collect();
                assert_eq!(got, want, "{name}");
            }
            ("invalid", Err(e)) => assert_eq!(e.code(), v["code"].as_str().unwrap(), "{name}"),
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
        if let Ok(r) = UnverifiedReceipt::from_der(&der) {
            assert_eq!(
                r.to_der().unwrap(),
                der,
                "{name}: decode -> encode must be byte-identical"
            );
            valid += 1;
        }
    }
    assert!(valid >= 20);
}

#[test]
fn the_journal_vector_has_its_recorded_outcomes_and_findings() {
    use possig::journal::{Event, JournalOptions, verify_journal};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let j = &index["journals"][0];
    let bytes = std::fs::read(dir.join(j["file"].as_str().unwrap())).unwrap();
    let opts = JournalOptions::new(VerifyOptions::at(index["verify_at"].as_u64().unwrap()));
    let mut records = Vec::new();
    let mut findings = Vec::new();
    verify_journal(bytes.as_slice(), &common::store(), &opts, |e| match e {
        Event::Record(r) => records.push(serde_json::json!({
            "index": r.index, "offset": r.offset, "status": r.status, "code": r.code, "warnings": r.warnings
        })),
        Event::Finding(f) => findings.push(serde_json::to_value(&f).unwrap()),
    })
    .unwrap();
    assert_eq!(serde_json::Value::from(records), j["records"]);
    assert_eq!(serde_json::Value::from(findings), j["findings"]);
    assert_eq!(j["findings"].as_array().unwrap().len(), 20);
}
