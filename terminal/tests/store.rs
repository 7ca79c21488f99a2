//! The durable signer store in one process: a chain continues across reopenings; what a crash
//! leaves (a journal ahead of its checkpoint, a torn append) is brought forward or cut off;
//! everything else that does not fit is refused with its typed error and left as it was.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};

use possig::journal::{JournalOptions, verify_many};
use possig::{Terminal, TerminalState, UnverifiedReceipt, VerifyOptions};
use possig_terminal::{Error, SignerStore, Wait};
use possig_testkit::fixtures::{NOW, T0, key, sale, store};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("possig-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn fresh_state() -> TerminalState {
    Terminal::new(key("term-ok"), "M-1", "T-1").unwrap().state()
}

/// Signs `n` sales through the store (the way a signer must: sign, commit, then release).
fn sign_n(s: &mut SignerStore, n: u64) -> Vec<UnverifiedReceipt> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut t = s.terminal(key("term-ok")).unwrap();
        let at = T0 + t.next_counter() * 10 + i;
        let r = t.sign(sale(&t, at, 100 + i)).unwrap();
        s.commit(&r, &t.state()).unwrap();
        out.push(r);
    }
    out
}

fn journal(d: &Path) -> Vec<u8> {
    std::fs::read(d.join("journal.der")).unwrap()
}

/// The DER records of a store's journal.
fn records_of(d: &Path) -> Vec<Vec<u8>> {
    let bytes = journal(d);
    let mut reader = possig::journal::JournalReader::new(bytes.as_slice());
    let mut der = Vec::new();
    while let Some(possig::journal::JournalItem::Record { der: r, .. }) =
        reader.next_item().unwrap()
    {
        der.push(r);
    }
    der
}

/// The records verify as one clean history (no finding beyond informational ones); the
/// summary's counts.
fn assert_clean_history(der: &[Vec<u8>]) -> possig::journal::Counts {
    let mut findings = Vec::new();
    let opts = JournalOptions::new(VerifyOptions::at(NOW));
    let summary = verify_many(der, &store(), &opts, |e| {
        if let possig::journal::Event::Finding(f) = e
            && !f.is_informational()
        {
            findings.push(f);
        }
    });
    assert!(findings.is_empty(), "{findings:?}");
    summary.total
}

/// The journal verifies as one clean chain.
fn assert_clean(d: &Path, records: u64) {
    let der = records_of(d);
    assert_eq!(der.len() as u64, records);
    assert_eq!(
        assert_clean_history(&der).status.get("valid").copied(),
        Some(records)
    );
}

#[test]
fn a_chain_continues_across_reopenings() {
    let d = dir("continue");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 3);
    let state = s.state().clone();
    drop(s);
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    assert_eq!(s.state(), &state);
    sign_n(&mut s, 2);
    assert_eq!(s.state().next_counter, 5);
    drop(s);
    assert_clean(&d, 5);
}

#[test]
fn starting_a_chain_is_explicit() {
    let d = dir("explicit");
    assert_eq!(
        SignerStore::open(&d, Wait::No).unwrap_err(),
        Error::NotInitialized
    );
    let s = SignerStore::init(&d, &fresh_state()).unwrap();
    drop(s);
    assert_eq!(
        SignerStore::init(&d, &fresh_state()).unwrap_err(),
        Error::AlreadyInitialized
    );
}

#[test]
fn one_signer_at_a_time() {
    let d = dir("lock");
    let s = SignerStore::init(&d, &fresh_state()).unwrap();
    assert_eq!(SignerStore::open(&d, Wait::No).unwrap_err(), Error::Locked);
    drop(s);
    let s = SignerStore::open(&d, Wait::No).unwrap();
    // A waiting signer gets the store once the first one is done.
    let d2 = d.clone();
    let waiter = std::thread::spawn(move || {
        let mut s = SignerStore::open(&d2, Wait::Yes).unwrap();
        sign_n(&mut s, 1);
        s.state().next_counter
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    let mut s = s;
    sign_n(&mut s, 1);
    drop(s);
    assert_eq!(waiter.join().unwrap(), 2);
    assert_clean(&d, 2);
}

#[test]
fn a_journal_ahead_of_its_checkpoint_is_brought_forward() {
    let d = dir("ahead");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 2);
    let checkpoint = std::fs::read(d.join("state.json")).unwrap();
    sign_n(&mut s, 2);
    let after = s.state().clone();
    drop(s);
    // A crash after the journal sync, before the checkpoint: the old checkpoint is on disk.
    std::fs::write(d.join("state.json"), &checkpoint).unwrap();
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    assert_eq!(s.state(), &after);
    sign_n(&mut s, 1);
    drop(s);
    assert_clean(&d, 5);
}

#[test]
fn a_torn_append_is_cut_off_and_its_counter_signed_again() {
    let d = dir("torn");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    let rs = sign_n(&mut s, 2);
    let before = s.state().clone();
    drop(s);
    let len = journal(&d).len();
    // Half of a third receipt reached the disk, never released.
    let mut t = Terminal::from_state(key("term-ok"), &before).unwrap();
    let third = t.sign(sale(&t, T0 + 99, 7)).unwrap().to_der().unwrap();
    let mut bytes = journal(&d);
    bytes.extend_from_slice(&third[..third.len() / 2]);
    std::fs::write(d.join("journal.der"), &bytes).unwrap();
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    assert_eq!(s.state(), &before);
    assert_eq!(journal(&d).len(), len, "the torn bytes are cut off");
    let again = sign_n(&mut s, 1);
    assert_eq!(again[0].tbs().counter(), 2);
    assert_eq!(again[0].tbs().previous(), rs[1].digest().as_bytes());
    drop(s);
    assert_clean(&d, 3);
}

#[test]
fn a_state_that_does_not_parse_is_refused_and_kept() {
    let d = dir("corrupt");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 1);
    drop(s);
    let bad = b"{\n  \"format\": 1,\n  \"key_id\": \n";
    std::fs::write(d.join("state.json"), bad).unwrap();
    let err = SignerStore::open(&d, Wait::No).unwrap_err();
    assert!(
        matches!(err, Error::StateCorrupt { line: 4, .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "state_corrupt");
    assert_eq!(std::fs::read(d.join("state.json")).unwrap(), bad);
    // A parsable file with an impossible value, too.
    std::fs::write(
        d.join("state.json"),
        br#"{"format": 2, "key_id": "", "merchant": "", "terminal": "", "next_counter": 0, "previous": "", "batch_number": 1, "batch_first": 0, "batch": [], "totals": [], "unsigned": [], "rotation": null, "journal_len": 0, "retired": false}"#,
    )
    .unwrap();
    assert!(matches!(
        SignerStore::open(&d, Wait::No).unwrap_err(),
        Error::StateCorrupt { .. }
    ));
}

#[test]
fn a_lost_state_is_rebuilt_from_a_journal_that_starts_the_chain() {
    let d = dir("lost");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 3);
    let state = s.state().clone();
    drop(s);
    std::fs::remove_file(d.join("state.json")).unwrap();
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    assert_eq!(s.state(), &state);
    sign_n(&mut s, 1);
    drop(s);
    assert!(d.join("state.json").exists());
    assert_clean(&d, 4);

    // A chain resumed part-way (its journal starts at counter 5) cannot be rebuilt.
    let d = dir("lost-resumed");
    let resumed = Terminal::resume(key("term-ok"), "M-1", "T-1", 5, [9; 32])
        .unwrap()
        .state();
    let mut s = SignerStore::init(&d, &resumed).unwrap();
    sign_n(&mut s, 1);
    drop(s);
    std::fs::remove_file(d.join("state.json")).unwrap();
    assert_eq!(
        SignerStore::open(&d, Wait::No).unwrap_err(),
        Error::StateLost
    );
}

#[test]
fn a_journal_that_lost_released_receipts_is_refused() {
    let d = dir("truncated");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 2);
    drop(s);
    let bytes = journal(&d);
    std::fs::write(d.join("journal.der"), &bytes[..bytes.len() - 10]).unwrap();
    assert!(matches!(
        SignerStore::open(&d, Wait::No).unwrap_err(),
        Error::JournalTruncated { .. }
    ));
    std::fs::remove_file(d.join("journal.der")).unwrap();
    let err = SignerStore::open(&d, Wait::No).unwrap_err();
    assert_eq!((err.code(), err), ("journal_lost", Error::JournalLost));
}

#[test]
fn a_journal_that_does_not_continue_the_chain_is_refused() {
    let d = dir("mismatch");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    sign_n(&mut s, 1);
    let checkpoint = std::fs::read(d.join("state.json")).unwrap();
    drop(s);
    // Another key's receipt after the checkpoint.
    let mut other = Terminal::new(key("term-ok2"), "M-1", "T-1").unwrap();
    let foreign = other.sign(sale(&other, T0, 1)).unwrap().to_der().unwrap();
    let mut bytes = journal(&d);
    let good_len = bytes.len();
    bytes.extend_from_slice(&foreign);
    std::fs::write(d.join("journal.der"), &bytes).unwrap();
    let err = SignerStore::open(&d, Wait::No).unwrap_err();
    assert!(
        matches!(err, Error::JournalMismatch { offset, .. } if offset == good_len as u64),
        "{err:?}"
    );
    // Unreadable bytes followed by a record: corruption, not a torn tail.
    let mut bytes = journal(&d)[..good_len].to_vec();
    bytes.extend_from_slice(&[0xff; 7]);
    bytes.extend_from_slice(&foreign);
    std::fs::write(d.join("journal.der"), &bytes).unwrap();
    assert!(matches!(
        SignerStore::open(&d, Wait::No).unwrap_err(),
        Error::JournalCorrupt { .. }
    ));
    assert_eq!(std::fs::read(d.join("state.json")).unwrap(), checkpoint);
}

#[test]
fn commit_takes_only_the_next_receipt_and_its_state() {
    let d = dir("commit");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    let mut t = s.terminal(key("term-ok")).unwrap();
    let r0 = t.sign(sale(&t, T0, 1)).unwrap();
    let r1 = t.sign(sale(&t, T0 + 1, 2)).unwrap();
    // r1 skips r0; r0 with the state after r1 lies about the state.
    assert!(matches!(
        s.commit(&r1, &t.state()).unwrap_err(),
        Error::JournalMismatch { .. }
    ));
    assert_eq!(s.commit(&r0, &t.state()).unwrap_err(), Error::StateMismatch);
    assert!(journal(&d).is_empty(), "nothing was written");
    let mut t = s.terminal(key("term-ok")).unwrap();
    let r0 = t.sign(sale(&t, T0, 1)).unwrap();
    s.commit(&r0, &t.state()).unwrap();
    assert_eq!(s.terminal(key("term-ok2")).unwrap_err(), Error::WrongKey);
    s.retire().unwrap();
    drop(s);
    let s = SignerStore::open(&d, Wait::No).unwrap();
    assert!(s.is_retired());
    assert_eq!(s.terminal(key("term-ok")).unwrap_err(), Error::Retired);
}

#[test]
fn a_whole_day_outage_recovery_day_close_and_rotation() {
    use possig::ReceiptKind::{DayClose, Recovery, Sale};
    use possig_testkit::fixtures::payment;
    let pin = possig::CardholderVerification::Pin;
    let (d, d2) = (dir("day"), dir("day-rotated"));
    let k = key("term-ok");
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    s.sign(&k, s.builder(Sale, T0).payment(payment(pin, 500)))
        .unwrap();
    // The key is unavailable: two records go unsigned, no signer involved.
    for i in 0..2 {
        let b = s.builder(Sale, T0 + 10 + i).payment(payment(pin, 700));
        assert!(s.record_unsigned(b).unwrap().is_unsigned());
    }
    assert_eq!(s.state().unsigned.len(), 2);
    drop(s);
    // A restart in the outage keeps the records to recover.
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    assert_eq!(s.state().unsigned.len(), 2);
    assert_eq!(s.recover(&k, T0 + 20).unwrap().tbs().kind(), Recovery);
    assert!(s.state().unsigned.is_empty());
    assert!(matches!(
        s.recover(&k, T0 + 21).unwrap_err(),
        Error::Possig(possig::Error::InvalidField { .. })
    ));
    let close = s.close_day(&k, T0 + 30).unwrap();
    assert_eq!(close.tbs().kind(), DayClose);
    let possig::ReceiptBody::DayClose(body) = close.tbs().body() else {
        panic!("not a dayClose body")
    };
    assert_eq!(
        (body.batch_number(), body.first_counter(), body.count()),
        (1, 0, 4)
    );
    let totals = body.totals();
    assert_eq!(totals.len(), 1, "{totals:?}");
    assert_eq!((totals[0].count(), totals[0].amount()), (3, 1900));
    assert_eq!(s.state().batch_number, 2);
    // Rotation: the old store retires, the new key's first receipt names the old last one.
    let k2 = key("term-ok2");
    let k2_id = possig::key_id(k2.verifying_key()).unwrap();
    let mut s2 = s.rotate(k2_id, &d2).unwrap();
    assert!(s.is_retired());
    assert_eq!(
        s.sign(&k, s.builder(Sale, T0 + 40)).unwrap_err(),
        Error::Retired
    );
    assert_eq!(
        s.record_unsigned(s.builder(Sale, T0 + 40)).unwrap_err(),
        Error::Retired
    );
    let first = s2
        .sign(&k2, s2.builder(Sale, T0 + 50).payment(payment(pin, 900)))
        .unwrap();
    let rot = first.tbs().key_rotation().unwrap();
    assert_eq!(rot.previous_counter(), 4);
    assert_eq!(rot.previous_digest(), close.digest().as_bytes());
    // While the new store is open it is locked; once closed it is someone's chain.
    assert_eq!(s.rotate(k2_id, &d2).unwrap_err(), Error::Locked);
    drop(s2);
    assert_eq!(s.rotate(k2_id, &d2).unwrap_err(), Error::AlreadyInitialized);
    drop(s);
    // Both journals together: one clean history, every record accounted for.
    let mut der = records_of(&d);
    assert_eq!(der.len(), 5);
    der.extend(records_of(&d2));
    let counts = assert_clean_history(&der);
    assert_eq!(counts.status.get("valid").copied(), Some(4));
    assert_eq!(counts.status.values().sum::<u64>(), 6);
}

#[test]
fn an_interrupted_rotation_is_finished_by_rotating_again() {
    let (d, d2) = (dir("rot-int"), dir("rot-int-new"));
    let mut s = SignerStore::init(&d, &fresh_state()).unwrap();
    let fresh_id = s.state().key_id;
    // Before the first receipt there is nothing to name: refused, store not retired.
    assert!(matches!(
        s.rotate(fresh_id, &d2).unwrap_err(),
        Error::Possig(possig::Error::InvalidField { .. })
    ));
    assert!(!s.is_retired());
    sign_n(&mut s, 2);
    // The process died after retiring, before the new store existed.
    s.retire().unwrap();
    drop(s);
    let mut s = SignerStore::open(&d, Wait::No).unwrap();
    let k2_id = possig::key_id(key("term-ok2").verifying_key()).unwrap();
    let s2 = s.rotate(k2_id, &d2).unwrap();
    assert_eq!(s2.state().rotation.map(|r| r.1), Some(1));
    assert_eq!(s2.state().next_counter, 0);
}
