//! A terminal's state survives a restart: `state()` → `from_state()` continues the chain, the
//! batch and the outage exactly, and `observe()` rebuilds the same state from the receipts the
//! terminal released (what a signer does after a crash), refusing any receipt that is not the
//! chain's next.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use possig::{Error, Field, ReceiptKind, Terminal};
use possig_testkit::fixtures::{T0, key, sale};

/// A day with every kind of state: a batch, an outage and its recovery, a closed batch, an
/// open one, and an unsigned record still waiting for its recovery.
fn day() -> (
    Terminal<possig::keys::SigningKey>,
    Vec<possig::UnverifiedReceipt>,
) {
    let mut t = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
    let out = vec![
        t.sign(sale(&t, T0, 1999)).unwrap(),
        t.record_unsigned(sale(&t, T0 + 1, 5)).unwrap(),
        t.recover(T0 + 2).unwrap(),
        t.sign(sale(&t, T0 + 3, 700)).unwrap(),
        t.close_day(T0 + 4).unwrap(),
        t.sign(sale(&t, T0 + 5, 12)).unwrap(),
        t.record_unsigned(sale(&t, T0 + 6, 3)).unwrap(),
    ];
    (t, out)
}

#[test]
fn a_restored_terminal_continues_exactly() {
    let (mut t, _) = day();
    let state = t.state();
    assert_eq!(state.next_counter, 7);
    assert_eq!(state.batch.len(), 2);
    assert_eq!(state.unsigned.len(), 1);
    let mut back = Terminal::from_state(key("term-ok"), &state).unwrap();
    assert_eq!(back.state(), state);
    assert_eq!(back.day_close(), t.day_close());
    // The same next receipts, byte for byte (signatures are deterministic).
    for (a, b) in [
        (t.recover(T0 + 7).unwrap(), back.recover(T0 + 7).unwrap()),
        (
            t.close_day(T0 + 8).unwrap(),
            back.close_day(T0 + 8).unwrap(),
        ),
    ] {
        assert_eq!(a.to_der().unwrap(), b.to_der().unwrap());
    }
}

#[test]
fn a_state_belongs_to_its_key() {
    let (t, _) = day();
    let err = Terminal::from_state(key("term-ok2"), &t.state()).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidField {
            field: Field::SignerKeyId
        }
    );
}

#[test]
fn observing_the_released_receipts_rebuilds_the_state() {
    let (t, released) = day();
    let mut fresh = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
    for r in &released {
        fresh.observe(r).unwrap();
    }
    assert_eq!(fresh.state(), t.state());
    // From a checkpoint part-way, too.
    let (mut half, _) = {
        let mut h = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
        for r in &released[..3] {
            h.observe(r).unwrap();
        }
        (h, ())
    };
    for r in &released[3..] {
        half.observe(r).unwrap();
    }
    assert_eq!(half.state(), t.state());
}

#[test]
fn observe_refuses_what_is_not_the_next_receipt() {
    let (_, released) = day();
    let mut t = Terminal::new(key("term-ok"), "M-1", "T-1").unwrap();
    t.observe(&released[0]).unwrap();
    let before = t.state();
    let err = |field| Error::InvalidField { field };
    // Replayed, skipped ahead, or another key's.
    assert_eq!(t.observe(&released[0]), Err(err(Field::Counter)));
    assert_eq!(t.observe(&released[2]), Err(err(Field::Counter)));
    let mut other = Terminal::new(key("term-ok2"), "M-1", "T-1").unwrap();
    other.sign(sale(&other, T0, 1)).unwrap();
    let foreign = other.sign(sale(&other, T0 + 1, 2)).unwrap();
    assert_eq!(t.observe(&foreign), Err(err(Field::SignerKeyId)));
    // The next counter, but linked to another receipt (a fork).
    let fork = t
        .builder(ReceiptKind::Sale, T0 + 9)
        .chain(1, [7; 32])
        .payment(possig_testkit::fixtures::payment(
            possig::CardholderVerification::Pin,
            1,
        ))
        .build()
        .unwrap()
        .sign(&key("term-ok"))
        .unwrap();
    assert_eq!(t.observe(&fork), Err(err(Field::Previous)));
    assert_eq!(t.state(), before, "a refused receipt changes nothing");
}

#[test]
fn a_rotation_survives_a_restart_until_the_new_keys_first_receipt() {
    let (old, _) = day();
    let new = old.rotate(key("term-ok2")).unwrap();
    let state = new.state();
    let (id, last, digest) = state.rotation.unwrap();
    assert_eq!((id, last, digest), (old.key_id(), 6, old.previous()));
    let mut back = Terminal::from_state(key("term-ok2"), &state).unwrap();
    let first = back.sign(sale(&back, T0 + 10, 1)).unwrap();
    let rot = first.tbs().key_rotation().unwrap();
    assert_eq!(rot.previous_counter(), 6);
    assert_eq!(back.state().rotation, None);
    // Observed instead of signed: the same.
    let mut replay = Terminal::from_state(key("term-ok2"), &state).unwrap();
    replay.observe(&first).unwrap();
    assert_eq!(replay.state(), back.state());
}
