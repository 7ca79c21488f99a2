//! End-to-end tests of the `possig` binary, including interop with the OpenSSL CLI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn possig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_possig"))
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn openssl_verify(pubkey: &Path, sig: &Path, data: &Path) -> bool {
    let o = Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-verify",
            s(pubkey),
            "-signature",
            s(sig),
            s(data),
        ])
        .output()
        .expect("openssl must be installed (make test installs it)");
    o.status.success()
}

/// The committed JSON Schema of a `--json` document (`docs/schema/`).
fn schema_file(document: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/schema")
        .join(format!("{document}.schema.json"))
}

/// A validator for `document`'s committed JSON Schema.
fn validator(document: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_file(document)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Asserts that `json` is a valid instance of `document`'s committed JSON Schema.
fn follows_schema(document: &str, json: &serde_json::Value) {
    let errors: Vec<String> = validator(document)
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{document}: {errors:#?}");
}

/// `verify --json` at the fixtures' time, trusting the fixture PKI (the golden vectors' signers).
fn verify_json_with_fixture_trust() -> Vec<String> {
    use possig_testkit::fixtures::{NOW, fixtures};
    let pki = fixtures();
    let mut args: Vec<String> = vec!["verify".into(), "--json".into(), "--at".into()];
    args.push(format!("@{NOW}"));
    for (flag, file) in [
        ("--root", "root.pem"),
        ("--intermediate", "intermediate.pem"),
        ("--terminal", "term-ok.pem"),
        ("--terminal", "term-revoked.pem"),
        ("--crl", "root.crl.pem"),
        ("--crl", "intermediate.crl.pem"),
    ] {
        args.push(flag.into());
        args.push(s(&pki.join(file)).into());
    }
    args
}

/// `--trust/--intermediate/--terminal/--crl` for a `possig pki` directory and terminal certs.
fn trust_args(pki: &Path, terminals: &[PathBuf]) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "--trust".into(),
        s(&pki.join("root.pem")).into(),
        "--intermediate".into(),
        s(&pki.join("intermediate.pem")).into(),
        "--crl".into(),
        s(&pki.join("root.crl.pem")).into(),
        "--crl".into(),
        s(&pki.join("intermediate.crl.pem")).into(),
    ];
    for t in terminals {
        a.push("--terminal".into());
        a.push(s(t).into());
    }
    a
}

const TX: &str = r#"{
  "kind": "sale", "merchant": "M-1", "terminal": "T-1", "issued_at": "2026-01-02T10:00:00Z",
  "amount": 1999, "currency": "EUR",
  "card": {"scheme": "VISA", "bin": "411111", "last4": "1111"},
  "entry_mode": "chip", "authorization_code": "A1B2C3", "rrn": "612345678901",
  "cardholder_verification": "pending"
}"#;

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let st = Setup { dir };
        let pki = st.p("pki");
        assert_eq!(
            code(&possig(&[
                "pki",
                "init",
                "--dir",
                s(&pki),
                "--not-before",
                "2025-06-01T00:00:00Z"
            ])),
            0
        );
        let o = possig(&[
            "keygen",
            "--out",
            s(&st.p("t.key.pem")),
            "--public-out",
            s(&st.p("t.pub.pem")),
        ]);
        assert_eq!(code(&o), 0, "{o:?}");
        let o = possig(&[
            "pki",
            "issue",
            "--dir",
            s(&pki),
            "--key",
            s(&st.p("t.key.pem")),
            "--terminal",
            "T-1",
            "--merchant",
            "M-1",
            "--not-before",
            "2026-01-01T00:00:00Z",
            "--out",
            s(&st.p("t.pem")),
        ]);
        assert_eq!(code(&o), 0, "{o:?}");
        std::fs::write(st.p("tx.json"), TX).unwrap();
        st
    }

    fn sign(&self, tx: &str, out: &str) -> Output {
        std::fs::write(self.p("tx.json"), tx).unwrap();
        possig(&[
            "sign",
            "--key",
            s(&self.p("t.key.pem")),
            "--cert",
            s(&self.p("t.pem")),
            "--state",
            s(&self.p("state")),
            // The first receipt starts the chain; later ones continue it.
            "--init",
            "--in",
            s(&self.p("tx.json")),
            "--out",
            s(&self.p(out)),
        ])
    }

    fn verify(&self, extra: &[&str], files: &[&str]) -> Output {
        let mut args = vec!["verify".to_string()];
        args.extend(trust_args(&self.p("pki"), &[self.p("t.pem")]));
        args.extend(extra.iter().map(|a| a.to_string()));
        args.extend(files.iter().map(|f| s(&self.p(f)).to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        possig(&args)
    }
}

#[test]
fn sign_verify_show_export_and_openssl_interop() {
    let st = Setup::new();
    let o = st.sign(TX, "r0.der");
    assert_eq!(code(&o), 0, "{o:?}");
    // The second receipt continues the chain from the state file.
    let resign = format!(
        r#"{{"kind": "resign", "merchant": "M-1", "terminal": "T-1", "issued_at": "2026-01-02T12:00:00Z",
            "original": "{}", "signature_strokes": {{"width": 100, "height": 50, "strokes": [[[1,1],[20,30],[90,10]]]}}}}"#,
        String::from_utf8(possig(&["show", "--json", s(&st.p("r0.der"))]).stdout)
            .unwrap()
            .split("\"digest\": \"")
            .nth(1)
            .unwrap()[..64]
            .to_owned()
    );
    assert_eq!(code(&st.sign(&resign, "r1.der")), 0);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(st.p("state").join("state.json")).unwrap()).unwrap();
    assert_eq!(state["next_counter"], 2);

    let o = st.verify(&["--json"], &["r0.der", "r1.der"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["outcome"], "valid");
    assert_eq!(v[1]["receipt"]["tbs"]["kind"], "resign");
    assert_eq!(v[1]["receipt"]["tbs"]["counter"], 1);
    assert_eq!(v[0]["path"].as_array().unwrap().len(), 3);

    let show = possig(&["show", s(&st.p("r0.der"))]);
    assert!(String::from_utf8_lossy(&show.stdout).starts_with("UNVERIFIED"));

    // export-tbs: OpenSSL verifies the exact signed bytes with the terminal's public key.
    let o = possig(&[
        "export-tbs",
        s(&st.p("r0.der")),
        "--tbs-out",
        s(&st.p("t.der")),
        "--sig-out",
        s(&st.p("s.der")),
    ]);
    assert_eq!(code(&o), 0);
    assert!(openssl_verify(
        &st.p("t.pub.pem"),
        &st.p("s.der"),
        &st.p("t.der")
    ));
    let mut tbs = std::fs::read(st.p("t.der")).unwrap();
    let n = tbs.len();
    tbs[n - 10] ^= 1;
    std::fs::write(st.p("t2.der"), &tbs).unwrap();
    assert!(!openssl_verify(
        &st.p("t.pub.pem"),
        &st.p("s.der"),
        &st.p("t2.der")
    ));

    // A tampered receipt: exit 1 and the code.
    let mut r = std::fs::read(st.p("r0.der")).unwrap();
    let pos = r
        .windows(4)
        .position(|w| w == [0x02, 0x02, 0x07, 0xcf])
        .unwrap();
    r[pos + 3] = 0xd0;
    std::fs::write(st.p("bad.der"), &r).unwrap();
    let o = st.verify(&[], &["r0.der", "bad.der"]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("VALID ") && out.contains("INVALID") && out.contains("[bad_signature]"),
        "{out}"
    );
}

#[test]
fn revocation_via_cli() {
    let st = Setup::new();
    assert_eq!(code(&st.sign(TX, "r0.der")), 0);
    let o = possig(&[
        "pki",
        "revoke",
        "--dir",
        s(&st.p("pki")),
        "--cert",
        s(&st.p("t.pem")),
        "--at",
        "2026-01-02T09:00:00Z",
    ]);
    assert_eq!(code(&o), 0, "{o:?}");
    let o = st.verify(&["--json"], &["r0.der"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["error"]["code"], "revoked");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(code(&possig(&["verify"])), 2);
    assert_eq!(code(&possig(&["frobnicate"])), 2);
    assert_eq!(code(&possig(&["show", "/nonexistent/receipt.der"])), 2);
    let st = Setup::new();
    // A full card number in the BIN field is refused by the builder.
    let pan = TX.replace("\"411111\"", "\"4111111111111111\"");
    let o = st.sign(&pan, "x.der");
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("card_bin"));
    assert!(!st.p("x.der").exists());
}

#[test]
fn openssl_made_certificates_verify_the_golden_vectors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests");
    let pki = root.join("fixtures/pki");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("vectors/index.json")).unwrap()).unwrap();
    let mut args: Vec<String> = vec![
        "verify".into(),
        "--json".into(),
        "--at".into(),
        format!("@{}", index["verify_at"]),
    ];
    for (flag, key) in [
        ("--trust", "roots"),
        ("--intermediate", "intermediates"),
        ("--terminal", "terminals"),
        ("--crl", "crls"),
    ] {
        for f in index["trust"][key].as_array().unwrap() {
            args.push(flag.into());
            args.push(s(&pki.join(f.as_str().unwrap())).into());
        }
    }
    let vectors = index["vectors"].as_array().unwrap();
    for v in vectors {
        args.push(s(&root.join("vectors").join(v["file"].as_str().unwrap())).into());
    }
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "some vectors are invalid by design");
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for (v, g) in vectors.iter().zip(got.as_array().unwrap()) {
        assert_eq!(g["outcome"], v["outcome"], "{}", v["name"]);
        if v["outcome"] == "invalid" {
            assert_eq!(g["error"]["code"], v["code"], "{}", v["name"]);
        }
    }
}

#[test]
fn demo_runs_and_reports_the_injected_problems() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    let o = possig(&["demo", "--dir", s(&d)]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(code(&o), 0, "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("injected problems were found, and nothing else"),
        "{out}"
    );
    assert!(out.contains("conservation: every receipt and every row is in exactly one category"));
    for f in [
        "report/report.html",
        "report/report.json",
        "report/items.csv",
    ] {
        assert!(d.join(f).is_file(), "{f}");
    }
    // The same inputs through `possig reconcile`: findings, so exit 1; the same counts.
    let pki = d.join("pki");
    let mut args: Vec<String> = vec!["reconcile".into()];
    args.extend(trust_args(
        &pki,
        &["T-100", "T-101", "T-200", "T-300"].map(|t| pki.join(format!("{t}.pem"))),
    ));
    let out2 = dir.path().join("r2");
    for a in [
        "--journal",
        s(&d.join("day.journal")),
        "--settlement",
        s(&d.join("settlement.csv")),
        "--at",
        "2026-11-28T08:00:00Z",
        "--out",
        s(&out2),
    ] {
        args.push(a.into());
    }
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("report/report.json")).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out2.join("report.json")).unwrap()).unwrap();
    assert_eq!(a["report"]["categories"], b["report"]["categories"]);
    assert_eq!(b["conserved"], true);
    follows_schema("report", &b);
    let items: u64 = b["report"]["categories"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["items"].as_u64().unwrap())
        .sum();
    let csv = std::fs::read_to_string(out2.join("items.csv")).unwrap();
    assert_eq!(csv.lines().count() as u64, items + 1);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("category,reason,terminal,")
    );
    // --format parquet: items.parquet instead of items.csv, with every record and finding.
    let out3 = dir.path().join("r3");
    let mut pq_args = args.clone();
    pq_args.truncate(pq_args.len() - 2); // --out r2
    pq_args.extend([
        "--out".into(),
        s(&out3).into(),
        "--format".into(),
        "parquet".into(),
    ]);
    let o = possig(&pq_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out3.join("items.csv").exists());
    let categories = column_counts(&out3.join("items.parquet"), "category");
    let want: std::collections::BTreeMap<String, u64> = b["report"]["categories"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["items"].as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(categories, want);
    let statuses = column_counts(&out3.join("records.parquet"), "status");
    assert_eq!(
        statuses.values().sum::<u64>(),
        b["report"]["receipts"].as_u64().unwrap()
    );
    let findings = column_counts(&out3.join("findings.parquet"), "finding");
    assert_eq!(
        findings.values().sum::<u64>(),
        b["report"]["journal"]["total"]["findings"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>()
    );
    // journal verify --format parquet writes the same records and findings.
    let mut jv: Vec<String> = vec!["journal".into(), "verify".into()];
    jv.extend(trust_args(
        &pki,
        &["T-100", "T-101", "T-200", "T-300"].map(|t| pki.join(format!("{t}.pem"))),
    ));
    let out4 = dir.path().join("jv");
    for a in ["--at", "2026-11-28T08:00:00Z", "--format", "parquet"] {
        jv.push(a.into());
    }
    let no_out = [jv.clone(), vec![s(&d.join("day.journal")).into()]].concat();
    let o = possig(&no_out.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 2, "--format parquet needs --out");
    jv.extend([
        "--out".into(),
        s(&out4).into(),
        s(&d.join("day.journal")).into(),
    ]);
    let o = possig(&jv.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        column_counts(&out4.join("records.parquet"), "status"),
        statuses
    );
    assert_eq!(
        column_counts(&out4.join("findings.parquet"), "finding"),
        findings
    );
    // A sample receipt of the demo: its QR scans back to its text form.
    let o = possig(&["scan", s(&d.join("receipts/genuine-sale.png"))]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        std::fs::read_to_string(d.join("receipts/genuine-sale.txt"))
            .unwrap()
            .trim()
    );
    // A settlement file without the mapped header: exit 2 with the error code.
    args.push("--columns".into());
    args.push("terminal_id=TID".into());
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("[settlement_header]"));
    let o = possig(&[
        "reconcile",
        "--trust",
        "x",
        "--journal",
        "y",
        "--settlement",
        "z",
        "--out",
        "o",
        "--columns",
        "nope=1",
    ]);
    assert_eq!(code(&o), 2);
}

/// How often each value of a text column occurs in a Parquet file.
fn column_counts(path: &Path, column: &str) -> std::collections::BTreeMap<String, u64> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use possig_arrow::arrow_array::cast::AsArray;
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for batch in reader {
        let batch = batch.unwrap();
        let values = batch.column_by_name(column).unwrap().as_string::<i32>();
        for v in values.iter() {
            *counts.entry(v.unwrap().to_owned()).or_default() += 1;
        }
    }
    counts
}

#[test]
fn journal_append_verify_stats_prove() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    assert_eq!(code(&possig(&["demo", "--dir", s(&d)])), 0);
    let pki = d.join("pki");
    // Split the demo's day into single-receipt files.
    let day = std::fs::read(d.join("day.journal")).unwrap();
    let mut reader = possig::journal::JournalReader::new(&day[..]);
    let only = dir.path().join("only");
    std::fs::create_dir(&only).unwrap();
    let mut files = Vec::new();
    let mut t200 = Vec::new();
    let mut t300 = None;
    while let Some(possig::journal::JournalItem::Record { der, .. }) = reader.next_item().unwrap() {
        let f = only.join(format!("{:05}.der", files.len()));
        std::fs::write(&f, &der).unwrap();
        let r = possig::UnverifiedReceipt::from_der(&der).unwrap();
        let sale = r.tbs().kind() == possig::ReceiptKind::Sale && !r.is_unsigned();
        match r.tbs().terminal_id() {
            "T-200" if sale => t200.push(f.clone()),
            "T-300" if sale && t300.is_none() => t300 = Some(f.clone()),
            _ => {}
        }
        files.push(f);
    }
    assert_eq!(files.len(), 2881);
    // Appending them one by one rebuilds the journal byte for byte.
    let journal = dir.path().join("j.bin");
    let mut args = vec!["journal", "append", "--journal", s(&journal)];
    args.extend(files.iter().map(|f| s(f)));
    assert_eq!(code(&possig(&args)), 0);
    assert_eq!(std::fs::read(&journal).unwrap(), day);
    // Appending garbage is refused before it can desynchronise the journal.
    std::fs::write(dir.path().join("junk.der"), b"not a receipt").unwrap();
    assert_eq!(
        code(&possig(&[
            "journal",
            "append",
            "--journal",
            s(&journal),
            s(&dir.path().join("junk.der"))
        ])),
        2
    );

    let terminals: Vec<PathBuf> = ["T-100", "T-101", "T-200", "T-300"]
        .iter()
        .map(|t| pki.join(format!("{t}.pem")))
        .collect();
    let trust = |extra: &[&str]| {
        let mut a = trust_args(&pki, &terminals);
        a.extend(["--at".to_string(), "2026-11-28T08:00:00Z".to_string()]);
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let run = |mut a: Vec<String>, head: &[&str]| {
        let mut full: Vec<String> = head.iter().map(|x| x.to_string()).collect();
        full.append(&mut a);
        possig(&full.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let o = run(trust(&["--json", s(&journal)]), &["journal", "verify"]);
    assert_eq!(code(&o), 1, "the revoked terminal's receipts are a problem");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["records"], 2881);
    assert_eq!(v["summary"]["total"]["findings"]["unsigned_covered"], 3);
    assert_eq!(v["summary"]["total"]["errors"]["revoked"], 381);
    assert_eq!(v["summary"]["total"]["errors"]["bad_signature"], 1);
    follows_schema("journal-verify", &v);
    let o = run(
        trust(&["--json", "--all-records", s(&journal)]),
        &["journal", "verify"],
    );
    let all: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all["records"].as_array().unwrap().len(), 2881);
    follows_schema("journal-verify", &all);

    // A directory of the same single-receipt files gives the same summary.
    let o2 = run(trust(&["--json", s(&only)]), &["journal", "verify"]);
    let v2: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_eq!(v2["summary"]["total"], v["summary"]["total"]);
    assert_eq!(v2["findings"], v["findings"]);

    let o = possig(&["journal", "stats", "--json", s(&journal)]);
    assert_eq!(code(&o), 0);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["records"], 2881);
    assert_eq!(st["kinds"]["sale (unsigned)"], 3);

    // Inclusion proof for a receipt of T-200's closed batch; another receipt does not fit it;
    // T-300's batch is closed by a dayClose signed after the revocation: the proof is built
    // but does not verify.
    let sale = &t200[0];
    let proof = dir.path().join("p.der");
    let prove = |r: &Path| {
        possig(&[
            "journal",
            "prove",
            "--journal",
            s(&journal),
            "--receipt",
            s(r),
            "--out",
            s(&proof),
        ])
    };
    assert_eq!(code(&prove(sale)), 0);
    let o = run(trust(&["--proof", s(&proof), s(sale)]), &["verify"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("INCLUDED"));
    let o = run(
        trust(&["--json", "--proof", s(&proof), s(sale)]),
        &["verify"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome"], "included");
    follows_schema("proof", &v);
    let o = run(
        trust(&["--json", "--proof", s(&proof), s(&t200[1])]),
        &["verify"],
    );
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "inclusion_proof_invalid");
    follows_schema("proof", &v);
    let t300 = t300.unwrap();
    assert_eq!(code(&prove(&t300)), 0);
    let o = run(
        trust(&["--json", "--proof", s(&proof), s(&t300)]),
        &["verify"],
    );
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stdout));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "revoked", "{v}");
}

#[test]
fn printable_forms_round_trip_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests");
    let der_path = root.join("vectors/sale-signature.der");
    let pki = root.join("fixtures/pki");
    // encode --text -> decode: the DER without attachments.
    let text = t.join("r.txt");
    let o = possig(&["encode", "--text", s(&der_path), "--out", s(&text)]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&text).unwrap().starts_with("PSR1:"));
    let decoded = t.join("d.der");
    assert_eq!(
        code(&possig(&["decode", s(&text), "--out", s(&decoded)])),
        0
    );
    // qr (PNG and SVG) -> scan: byte-identical to the decoded text form.
    let png = t.join("r.png");
    let o = possig(&["qr", s(&der_path), "--out", s(&png)]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("QR version 12"));
    assert_eq!(
        code(&possig(&["qr", s(&text), "--out", s(&t.join("r.svg"))])),
        0
    );
    let scanned = t.join("s.der");
    assert_eq!(code(&possig(&["scan", s(&png), "--out", s(&scanned)])), 0);
    assert_eq!(
        std::fs::read(&scanned).unwrap(),
        std::fs::read(&decoded).unwrap()
    );
    let o = possig(&["scan", s(&png)]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        std::fs::read_to_string(&text).unwrap().trim()
    );
    // verify accepts the text form directly.
    let mut args = vec![
        "verify".to_string(),
        "--at".into(),
        "2027-01-01T00:00:00Z".into(),
    ];
    for (flag, f) in [
        ("--trust", "root.pem"),
        ("--intermediate", "intermediate.pem"),
        ("--terminal", "term-ok.pem"),
        ("--crl", "root.crl.pem"),
        ("--crl", "intermediate.crl.pem"),
    ] {
        args.push(flag.into());
        args.push(s(&pki.join(f)).into());
    }
    args.push(s(&text).into());
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    // Errors: a bad text form and an image without a QR code exit 2 with the code.
    std::fs::write(t.join("bad.txt"), "PSR1:ab\n").unwrap();
    let o = possig(&[
        "decode",
        s(&t.join("bad.txt")),
        "--out",
        s(&t.join("x.der")),
    ]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("[invalid_text]"));
    let o = possig(&["scan", s(&text)]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("[qr_unreadable]"));
}

/// `--json` prints possig's view values and nothing of its own: `verify` prints one
/// `possig::view::OutcomeView` per file (with the file's name), `show` a `ReceiptView`, for
/// a valid and an invalid golden vector.
#[test]
fn json_output_is_the_library_view() {
    use possig::view::{OutcomeView, ReceiptView};
    use possig::{UnverifiedReceipt, VerifyOptions};
    use possig_testkit::fixtures::{NOW, store, vectors_dir};

    let mut args = verify_json_with_fixture_trust();
    let files = ["sale-pin.der", "tampered-amount.der"].map(|f| vectors_dir().join(f));
    for f in &files {
        assert!(f.exists(), "{}", f.display());
        args.push(s(f).into());
    }
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let store = store();
    for (i, f) in files.iter().enumerate() {
        let result = UnverifiedReceipt::from_der(&std::fs::read(f).unwrap())
            .and_then(|r| r.verify(&store, &VerifyOptions::at(NOW)));
        let mut want = serde_json::to_value(OutcomeView::from(&result)).unwrap();
        want.as_object_mut()
            .unwrap()
            .insert("file".into(), s(f).into());
        assert_eq!(got[i], want, "{}", f.display());
    }
    assert_eq!(got[0]["outcome"], "valid");
    assert_eq!(got[0]["receipt"]["tbs"]["issued_at"], 1_780_308_000u64);
    // Amounts as people read them come from the library (`possig::Amount`), once.
    let p = &got[0]["receipt"]["tbs"]["payment"];
    let (amount, currency) = (
        p["amount"].as_u64().unwrap(),
        p["currency"].as_str().unwrap(),
    );
    assert_eq!(p["exponent"], 2);
    assert_eq!(
        p["display"],
        format!("{}.{:02} {currency}", amount / 100, amount % 100)
    );
    assert_eq!(got[1]["error"]["code"], "bad_signature");

    let o = possig(&["show", "--json", s(&files[0])]);
    assert_eq!(code(&o), 0);
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = UnverifiedReceipt::from_der(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(got, serde_json::to_value(ReceiptView::from(&r)).unwrap());
}

/// The committed schemas in `docs/schema/` are what `possig schema` generates from the types
/// (regenerate them with `make schema`).
#[test]
fn committed_schemas_are_generated_from_the_types() {
    for document in [
        "verify",
        "proof",
        "show",
        "journal-verify",
        "report",
        "views",
    ] {
        let o = possig(&["schema", document]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        let generated = String::from_utf8(o.stdout).unwrap();
        let committed = std::fs::read_to_string(schema_file(document)).unwrap();
        assert!(
            generated == committed,
            "docs/schema/{document}.schema.json differs from `possig schema {document}`: run make schema"
        );
    }
    assert_eq!(code(&possig(&["schema", "nope"])), 2);
}

/// `verify --json` and `show --json` of every golden vector follow their schemas, and the
/// schemas are strict enough to refuse a changed shape.
#[test]
fn every_golden_vector_follows_the_schemas() {
    use possig_testkit::fixtures::vectors_dir;

    let mut args = verify_json_with_fixture_trust();
    let mut vectors: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .collect();
    vectors.sort();
    assert!(vectors.len() >= 20, "{}", vectors.len());
    args.extend(vectors.iter().map(|v| s(v).to_string()));
    let o = possig(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let outcomes = got.as_array().unwrap();
    assert_eq!(outcomes.len(), vectors.len());
    for outcome in ["valid", "invalid"] {
        assert!(
            outcomes.iter().any(|o| o["outcome"] == outcome),
            "{outcome}"
        );
    }
    follows_schema("verify", &got);

    let mut shown = 0;
    for v in &vectors {
        let o = possig(&["show", "--json", s(v)]);
        if code(&o) == 0 {
            follows_schema("show", &serde_json::from_slice(&o.stdout).unwrap());
            shown += 1;
        }
    }
    assert!(shown >= vectors.len() / 2, "{shown}");

    // A document with a changed shape is refused: an unknown outcome, a key id that is not
    // 64 hex digits, a missing required field.
    let mut bad = got.clone();
    bad[0]["outcome"] = "fine".into();
    assert!(!valid("verify", &bad));
    let first_valid = outcomes
        .iter()
        .position(|o| o["outcome"] == "valid")
        .unwrap();
    let mut bad = got.clone();
    bad[first_valid]["receipt"]["tbs"]["signer_key_id"] = "ABC".into();
    assert!(!valid("verify", &bad));
    let mut bad = got.clone();
    bad[first_valid]["receipt"]["digest"] = "AB".repeat(32).into();
    assert!(!valid("verify", &bad), "upper-case hex is not the schema's");
    let mut bad = got.clone();
    bad[0].as_object_mut().unwrap().remove("file");
    assert!(!valid("verify", &bad));
}

fn valid(document: &str, json: &serde_json::Value) -> bool {
    validator(document).is_valid(json)
}
