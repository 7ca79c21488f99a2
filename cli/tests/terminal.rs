//! The signing side through the `possig` binary, as processes: a whole terminal day from the
//! CLI alone; concurrent signers on one state; crashes (abort at every commit step, SIGKILL
//! after random delays); lost, corrupt and legacy states; a full and a read-only disk. After
//! each, what was released is in the journal, the journal is one clean chain, and the next
//! signature continues it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_possig");

fn possig(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn fails_with(o: &Output, code: &str) {
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(code), "expected {code}: {err}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tx(kind: &str, at: &str, amount: u64, extra: &str) -> String {
    format!(
        r#"{{"kind": "{kind}", "merchant": "M-1", "terminal": "T-1", "issued_at": "{at}",
  "amount": {amount}, "currency": "EUR",
  "card": {{"scheme": "VISA", "bin": "411111", "last4": "1111"}},
  "entry_mode": "chip", "authorization_code": "A1B2C3", "rrn": "612345678901",
  "cardholder_verification": "pin"{extra}}}"#
    )
}

/// A demo PKI, two keys of terminal T-1 with certificates, and a sale to sign.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Self {
        let lab = Lab {
            dir: tempfile::tempdir().unwrap(),
        };
        let pki = lab.p("pki");
        ok(&possig(&[
            "pki",
            "init",
            "--dir",
            s(&pki),
            "--not-before",
            "2025-06-01T00:00:00Z",
        ]));
        for k in ["k1", "k2"] {
            let key = lab.p(&format!("{k}.key.pem"));
            ok(&possig(&["keygen", "--out", s(&key)]));
            ok(&possig(&[
                "pki",
                "issue",
                "--dir",
                s(&pki),
                "--key",
                s(&key),
                "--terminal",
                "T-1",
                "--merchant",
                "M-1",
                "--not-before",
                "2026-01-01T00:00:00Z",
                "--out",
                s(&lab.p(&format!("{k}.pem"))),
            ]));
        }
        std::fs::write(
            lab.p("sale.json"),
            tx("sale", "2026-11-20T10:00:00Z", 1999, ""),
        )
        .unwrap();
        lab
    }

    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn key(&self, k: &str) -> String {
        s(&self.p(&format!("{k}.key.pem"))).to_owned()
    }

    fn init(&self, state: &str, key: &str) -> Output {
        possig(&[
            "terminal",
            "init",
            "--state",
            s(&self.p(state)),
            "--key",
            &self.key(key),
            "--cert",
            s(&self.p(&format!("{key}.pem"))),
            "--merchant",
            "M-1",
            "--terminal",
            "T-1",
        ])
    }

    /// `terminal sign` of sale.json into `out`.
    fn sign_cmd(&self, state: &str, key: &str, out: &Path) -> Command {
        let mut c = Command::new(BIN);
        c.args([
            "terminal",
            "sign",
            "--state",
            s(&self.p(state)),
            "--key",
            &self.key(key),
            "--in",
            s(&self.p("sale.json")),
            "--out",
            s(out),
        ]);
        c
    }

    fn sign(&self, state: &str, key: &str, out: &str) -> Output {
        self.sign_cmd(state, key, &self.p(out)).output().unwrap()
    }

    /// `possig sign` (the command kept from before signer states) with k1's key.
    fn legacy_sign(&self, cert: &str, state: &str, init: bool, out: &str) -> Output {
        let (cert, state, sale, out) = (
            self.p(cert),
            self.p(state),
            self.p("sale.json"),
            self.p(out),
        );
        let key = self.key("k1");
        let mut args = vec![
            "sign",
            "--key",
            &key,
            "--cert",
            s(&cert),
            "--state",
            s(&state),
        ];
        if init {
            args.push("--init");
        }
        args.extend(["--in", s(&sale), "--out", s(&out)]);
        possig(&args)
    }

    /// The records of a state's journal.
    fn records(&self, state: &str) -> Vec<Vec<u8>> {
        let bytes = std::fs::read(self.p(state).join("journal.der")).unwrap();
        let mut reader = possig::journal::JournalReader::new(bytes.as_slice());
        let mut out = Vec::new();
        while let Some(item) = reader.next_item().unwrap() {
            match item {
                possig::journal::JournalItem::Record { der, .. } => out.push(der),
                other => panic!("journal holds garbage: {other:?}"),
            }
        }
        out
    }

    /// `journal verify --json` of these journals, concatenated: exit 0 (a clean history) and
    /// the number of records.
    fn verify_clean(&self, states: &[&str]) -> u64 {
        let mut all = Vec::new();
        for st in states {
            all.extend(std::fs::read(self.p(st).join("journal.der")).unwrap());
        }
        let day = self.p("day.journal");
        std::fs::write(&day, all).unwrap();
        let pki = self.p("pki");
        let o = possig(&[
            "journal",
            "verify",
            "--root",
            s(&pki.join("root.pem")),
            "--intermediate",
            s(&pki.join("intermediate.pem")),
            "--terminal",
            s(&self.p("k1.pem")),
            "--terminal",
            s(&self.p("k2.pem")),
            "--crl",
            s(&pki.join("root.crl.pem")),
            "--crl",
            s(&pki.join("intermediate.crl.pem")),
            // Now: the demo CRLs are issued when the test runs.
            "--json",
            s(&day),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["clean"], true, "{} {}", v["summary"], v["findings"]);
        v["summary"]["records"].as_u64().unwrap()
    }

    /// Counters of the journal's records: exactly 0..n, in order.
    fn assert_contiguous(&self, state: &str) -> u64 {
        let counters: Vec<u64> = self
            .records(state)
            .iter()
            .map(|d| {
                possig::UnverifiedReceipt::from_der(d)
                    .unwrap()
                    .tbs()
                    .counter()
            })
            .collect();
        let n = counters.len() as u64;
        assert_eq!(counters, (0..n).collect::<Vec<_>>());
        n
    }
}

fn counter_of(o: &Output) -> u64 {
    let out = String::from_utf8_lossy(&o.stdout);
    out.split(" counter ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_whole_terminal_day_through_the_cli_alone() {
    let lab = Lab::new();
    let st = |n: &str| s(&lab.p(n)).to_owned();
    ok(&lab.init("t1", "k1"));
    fails_with(&lab.init("t1", "k1"), "[already_initialized]");
    assert_eq!(counter_of(&lab.sign("t1", "k1", "r0.der")), 0);
    // The signing key is unavailable: two sales recorded unsigned, no key given.
    for (i, at) in ["10:05", "10:06"].iter().enumerate() {
        std::fs::write(
            lab.p("out.json"),
            tx("sale", &format!("2026-11-20T{at}:00Z"), 700, ""),
        )
        .unwrap();
        let o = possig(&[
            "terminal",
            "outage",
            "--state",
            &st("t1"),
            "--in",
            &st("out.json"),
            "--out",
            &st(&format!("u{i}.der")),
        ]);
        assert!(ok(&o).starts_with("recorded sale counter"), "{o:?}");
    }
    let status = ok(&possig(&["terminal", "status", "--state", &st("t1")]));
    assert!(
        status.contains("unsigned       2 awaiting recovery"),
        "{status}"
    );
    let key_at = |cmd: &str, at: &str, out: &str| {
        possig(&[
            "terminal",
            cmd,
            "--state",
            &st("t1"),
            "--key",
            &lab.key("k1"),
            "--at",
            at,
            "--out",
            &st(out),
        ])
    };
    assert!(ok(&key_at("recover", "2026-11-20T10:30:00Z", "rec.der")).contains("recovery"));
    fails_with(
        &key_at("recover", "2026-11-20T10:31:00Z", "x.der"),
        "recovery",
    );
    // A refund of the first sale, then the day's close with its totals.
    let show: serde_json::Value =
        serde_json::from_str(&ok(&possig(&["show", "--json", &st("r0.der")]))).unwrap();
    let digest = show["digest"].as_str().unwrap().to_owned();
    std::fs::write(
        lab.p("refund.json"),
        tx(
            "refund",
            "2026-11-20T11:00:00Z",
            500,
            &format!(r#", "original": "{digest}""#),
        ),
    )
    .unwrap();
    let o = possig(&[
        "terminal",
        "sign",
        "--state",
        &st("t1"),
        "--key",
        &lab.key("k1"),
        "--cert",
        &st("k1.pem"),
        "--in",
        &st("refund.json"),
        "--out",
        &st("refund.der"),
    ]);
    assert_eq!(counter_of(&o), 4);
    let status = ok(&possig(&["terminal", "status", "--state", &st("t1")]));
    assert!(
        status.contains("total        sale EUR x3 = 3399"),
        "{status}"
    );
    assert!(
        status.contains("total        refund EUR x1 = 500"),
        "{status}"
    );
    assert!(ok(&key_at("close-day", "2026-11-20T22:00:00Z", "close.der")).contains("dayClose"));
    let status = ok(&possig(&["terminal", "status", "--state", &st("t1")]));
    assert!(
        status.contains("batch          2 from counter 6: 0 receipts"),
        "{status}"
    );
    // Key rotation: the old state retires; the new key's first receipt names counter 5.
    let rotate = || {
        possig(&[
            "terminal",
            "rotate",
            "--state",
            &st("t1"),
            "--new-key",
            &lab.key("k2"),
            "--new-cert",
            &st("k2.pem"),
            "--new-state",
            &st("t2"),
        ])
    };
    let o = rotate();
    assert!(ok(&o).contains("after counter 5"), "{o:?}");
    // Rotating again: the new state exists; the message names both states.
    let again = rotate();
    fails_with(&again, "[already_initialized]");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains(&st("t1")) && err.contains(&st("t2")), "{err}");
    fails_with(&lab.sign("t1", "k1", "late.der"), "[retired]");
    assert!(!lab.p("late.der").exists());
    fails_with(&lab.sign("t2", "k1", "wrong.der"), "[wrong_key]");
    assert_eq!(counter_of(&lab.sign("t2", "k2", "n0.der")), 0);
    let first =
        possig::UnverifiedReceipt::from_der(&std::fs::read(lab.p("n0.der")).unwrap()).unwrap();
    assert_eq!(first.tbs().key_rotation().unwrap().previous_counter(), 5);
    // Every released file is its journal record; both journals are one clean history.
    let released = [
        "r0.der",
        "u0.der",
        "u1.der",
        "rec.der",
        "refund.der",
        "close.der",
    ];
    let recs = lab.records("t1");
    for (f, r) in released.iter().zip(&recs) {
        assert_eq!(&std::fs::read(lab.p(f)).unwrap(), r, "{f}");
    }
    assert_eq!(recs.len(), 6);
    assert_eq!(lab.verify_clean(&["t1", "t2"]), 7);
}

#[test]
fn no_chain_starts_implicitly_and_nothing_is_reset() {
    let lab = Lab::new();
    // A missing state: refused, nothing created, nothing released.
    let o = lab.legacy_sign("k1.pem", "st", false, "r.der");
    fails_with(&o, "[not_initialized]");
    assert!(!lab.p("st").exists() && !lab.p("r.der").exists());
    // The wrong certificate for the key.
    let o = lab.legacy_sign("k2.pem", "st", true, "r.der");
    fails_with(&o, "does not hold the public key");
    ok(&lab.init("st", "k1"));
    for i in 0..3 {
        assert_eq!(counter_of(&lab.sign("st", "k1", &format!("r{i}.der"))), i);
    }
    // A corrupt state: refused with its line, left as it is.
    let state = lab.p("st").join("state.json");
    let good = std::fs::read(&state).unwrap();
    let mut bad = good.clone();
    bad.truncate(good.len() / 2);
    std::fs::write(&state, &bad).unwrap();
    let o = lab.sign("st", "k1", "x.der");
    fails_with(&o, "[state_corrupt]");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line "),
        "{o:?}"
    );
    assert_eq!(std::fs::read(&state).unwrap(), bad);
    assert!(!lab.p("x.der").exists());
    // A lost state is rebuilt from the journal (it starts the chain): the chain continues.
    std::fs::remove_file(&state).unwrap();
    assert_eq!(counter_of(&lab.sign("st", "k1", "r3.der")), 3);
    // A lost journal is refused, never a new chain.
    let journal = lab.p("st").join("journal.der");
    let kept = std::fs::read(&journal).unwrap();
    std::fs::remove_file(&journal).unwrap();
    fails_with(&lab.sign("st", "k1", "x.der"), "[journal_lost]");
    // A truncated journal (a released receipt missing) is refused.
    std::fs::write(&journal, &kept[..kept.len() - 10]).unwrap();
    fails_with(&lab.sign("st", "k1", "x.der"), "[journal_truncated]");
    std::fs::write(&journal, &kept).unwrap();
    assert_eq!(lab.assert_contiguous("st"), 4);
    // A state file of the earlier `possig sign` is never overwritten; init continues it.
    let key_id = ok(&possig(&["keygen", "--out", s(&lab.p("k3.key.pem"))]));
    let key_id = key_id.trim().strip_prefix("key id ").unwrap().to_owned();
    let legacy = format!(
        r#"{{"keys": {{"{key_id}": {{"counter": 7, "previous": "{}"}}}}}}"#,
        "ab".repeat(32)
    );
    std::fs::write(lab.p("old.json"), &legacy).unwrap();
    let o = lab.legacy_sign("k1.pem", "old.json", true, "x.der");
    fails_with(&o, "--from-legacy");
    let o = possig(&[
        "terminal",
        "sign",
        "--state",
        s(&lab.p("old.json")),
        "--key",
        s(&lab.p("k3.key.pem")),
        "--in",
        s(&lab.p("sale.json")),
        "--out",
        s(&lab.p("x.der")),
    ]);
    fails_with(&o, "--from-legacy");
    assert_eq!(std::fs::read_to_string(lab.p("old.json")).unwrap(), legacy);
    let o = possig(&[
        "terminal",
        "init",
        "--state",
        s(&lab.p("st3")),
        "--key",
        s(&lab.p("k3.key.pem")),
        "--merchant",
        "M-1",
        "--terminal",
        "T-1",
        "--from-legacy",
        s(&lab.p("old.json")),
    ]);
    assert!(ok(&o).contains("at counter 7"), "{o:?}");
    let o = lab.sign("st3", "k3", "c7.der");
    assert_eq!(counter_of(&o), 7);
    let r = possig::UnverifiedReceipt::from_der(&std::fs::read(lab.p("c7.der")).unwrap()).unwrap();
    assert_eq!(r.tbs().previous(), &[0xab; 32]);
    assert!(!lab.p("x.der").exists());
}

#[test]
fn concurrent_signers_never_share_a_counter() {
    const PROCS: usize = 4;
    const EACH: usize = 15;
    let lab = Lab::new();
    ok(&lab.init("st", "k1"));
    // Waiting signers: every attempt signs.
    let children: Vec<_> = (0..PROCS)
        .map(|p| {
            let mut script = String::new();
            for i in 0..EACH {
                let out = lab.p(&format!("w{p}-{i}.der"));
                let c = lab.sign_cmd("st", "k1", &out);
                let args: Vec<String> = c
                    .get_args()
                    .map(|a| format!("'{}'", a.to_str().unwrap()))
                    .collect();
                script.push_str(&format!("'{BIN}' {} || exit 1\n", args.join(" ")));
            }
            Command::new("sh")
                .args(["-c", &script])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let n = (PROCS * EACH) as u64;
    assert_eq!(lab.assert_contiguous("st"), n);
    // Every released file is the journal's record of its counter: no two share one.
    let recs = lab.records("st");
    let mut seen = BTreeSet::new();
    for p in 0..PROCS {
        for i in 0..EACH {
            let der = std::fs::read(lab.p(&format!("w{p}-{i}.der"))).unwrap();
            let c = possig::UnverifiedReceipt::from_der(&der)
                .unwrap()
                .tbs()
                .counter();
            assert!(seen.insert(c), "counter {c} released twice");
            assert_eq!(recs[c as usize], der);
        }
    }
    // Signers that do not wait: each attempt signs or fails with `locked`, nothing between.
    let children: Vec<_> = (0..PROCS * 3)
        .map(|p| {
            lab.sign_cmd("st", "k1", &lab.p(&format!("n{p}.der")))
                .arg("--no-wait")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut signed = 0;
    for (p, c) in children.into_iter().enumerate() {
        let o = c.wait_with_output().unwrap();
        if o.status.success() {
            signed += 1;
            assert!(lab.p(&format!("n{p}.der")).exists());
        } else {
            fails_with(&o, "[locked]");
            assert!(!lab.p(&format!("n{p}.der")).exists());
        }
    }
    assert!(signed >= 1);
    assert_eq!(lab.assert_contiguous("st"), n + signed);
    assert_eq!(lab.verify_clean(&["st"]), n + signed);
}

/// A deterministic generator for the kill delays (seed printed on failure).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// Checks after a crash: the files that were fully released are their journal's records.
fn assert_released_in_journal(lab: &Lab, outs: &[PathBuf]) {
    let recs = lab.records("st");
    for out in outs {
        let Ok(der) = std::fs::read(out) else {
            continue;
        };
        // A file cut short by the kill was never released.
        let Ok(r) = possig::UnverifiedReceipt::from_der(&der) else {
            continue;
        };
        let c = r.tbs().counter() as usize;
        assert_eq!(
            recs.get(c),
            Some(&der),
            "{} released but not journaled",
            out.display()
        );
    }
}

#[test]
fn crashes_at_every_commit_step_and_at_random_times_never_fork_the_chain() {
    let lab = Lab::new();
    ok(&lab.init("st", "k1"));
    let mut outs = Vec::new();
    // An abort at each named step of a commit, several rounds; the next signature continues.
    let points = [
        "before_append",
        "before_journal_sync",
        "after_journal_sync",
        "before_state_sync",
        "after_checkpoint",
    ];
    for round in 0..4 {
        for p in points {
            let out = lab.p(&format!("f{round}-{p}.der"));
            let o = lab
                .sign_cmd("st", "k1", &out)
                .env("POSSIG_FAULT", p)
                .output()
                .unwrap();
            assert!(!o.status.success(), "{p}: {o:?}");
            assert!(!out.exists(), "{p}: released by a crashed signer");
            let out = lab.p(&format!("g{round}-{p}.der"));
            ok(&lab.sign_cmd("st", "k1", &out).output().unwrap());
            outs.push(out);
        }
    }
    let n = lab.assert_contiguous("st");
    // A receipt killed before its append is lost (it was never released); from the append on,
    // the journal keeps it (a process crash leaves written bytes to the kernel), released or
    // not, and its counter is never signed again.
    assert_eq!(n, 4 * (4 + 5));
    assert_released_in_journal(&lab, &outs);
    // SIGKILL after a random delay spanning a whole signature (start-up, signing, the syncs,
    // the checkpoint and the write of the receipt), measured here first.
    let t = std::time::Instant::now();
    ok(&lab.sign("st", "k1", "timed.der"));
    let span = (t.elapsed().as_micros() as u64 * 3 / 2).max(1);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let (mut finished, mut killed) = (0, 0);
    for i in 0..300 {
        let out = lab.p(&format!("k{i}.der"));
        let mut child = lab
            .sign_cmd("st", "k1", &out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next(span)));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            finished += 1;
        } else {
            killed += 1;
        }
        outs.push(out);
    }
    // Both outcomes occurred: the kills landed inside signatures, not only before or after.
    assert!(
        finished > 0 && killed > 0,
        "finished {finished}, killed {killed}, seed {seed}"
    );
    assert_released_in_journal(&lab, &outs);
    let before = lab.assert_contiguous("st");
    let o = lab.sign("st", "k1", "last.der");
    assert_eq!(counter_of(&o), before, "seed {seed}");
    assert_eq!(lab.verify_clean(&["st"]), before + 1, "seed {seed}");
}

#[test]
fn a_full_or_read_only_disk_fails_cleanly_and_releases_nothing() {
    let lab = Lab::new();
    ok(&lab.init("st", "k1"));
    ok(&lab.sign("st", "k1", "r0.der"));
    let journal_len = std::fs::metadata(lab.p("st").join("journal.der"))
        .unwrap()
        .len();
    // Disk full: the signer may write no byte past the journal's current end (RLIMIT_FSIZE,
    // with SIGXFSZ ignored so the write fails instead of killing the process).
    let sign = lab.sign_cmd("st", "k1", &lab.p("full.der"));
    let mut args = vec![
        format!("--fsize={}", journal_len + 10),
        "--".into(),
        BIN.into(),
    ];
    args.extend(sign.get_args().map(|a| a.to_str().unwrap().to_owned()));
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let o = Command::new("sh")
        .args([
            "-c",
            &format!("trap '' XFSZ; exec prlimit {}", quoted.join(" ")),
        ])
        .output()
        .unwrap();
    fails_with(&o, "[io]");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("journal.der"),
        "{o:?}"
    );
    assert!(!lab.p("full.der").exists());
    assert_eq!(
        std::fs::metadata(lab.p("st").join("journal.der"))
            .unwrap()
            .len(),
        journal_len,
        "the partial append is cut off"
    );
    // Read-only: the state directory mounted read-only (a private mount namespace).
    let ro = format!(
        "mount --bind -o ro '{d}' '{d}' && exec '{BIN}' terminal sign --state '{d}' --key '{k}' --in '{i}' --out '{o}'",
        d = s(&lab.p("st")),
        k = lab.key("k1"),
        i = s(&lab.p("sale.json")),
        o = s(&lab.p("ro.der")),
    );
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", &ro])
        .output()
        .unwrap();
    fails_with(&o, "[io]");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("read-only"),
        "{o:?}"
    );
    assert!(!lab.p("ro.der").exists());
    // Afterwards the chain continues where it was.
    assert_eq!(counter_of(&lab.sign("st", "k1", "r1.der")), 1);
    assert_eq!(lab.verify_clean(&["st"]), 2);
}
