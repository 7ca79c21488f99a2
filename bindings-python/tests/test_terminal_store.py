"""Terminal on a durable signer state: the same directory, lock and guarantees as the CLI's
``possig terminal`` (possig-terminal's SignerStore)."""

import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest

import possig
from conftest import NOW, PKI, T0, key, payment


def journal(path) -> list:
    return [e for e in possig.read_journal(os.path.join(path, "journal.der"))]


def assert_clean(store, paths, records):
    receipts = []
    for p in paths:
        with open(os.path.join(p, "journal.der"), "rb") as f:
            data = f.read()
        receipts.extend(e.receipt() for e in possig.read_journal(data))
    report = possig.verify_many(store, receipts, at=NOW)
    assert report.clean, report.problems
    assert len(report.records) == records
    return report


def test_a_chain_persists_across_opens(tmp_path, store):
    path = tmp_path / "st"
    with possig.Terminal.init(path, key("term-ok"), "M-1", "T-1") as t:
        assert t.path == os.fspath(path)
        first = [t.sign("sale", T0 + i, payment=payment(100 + i)) for i in range(3)]
    with possig.Terminal.open(path, key("term-ok")) as t:
        assert t.next_counter() == 3
        r = t.sign("sale", T0 + 10, payment=payment(7))
        assert r.unverified_fields.counter == 3
        assert r.unverified_fields.previous == first[-1].digest
    assert_clean(store, [path], 4)


def test_refusals_have_codes_and_leave_files_as_they_are(tmp_path):
    path = tmp_path / "st"
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.open(path, key("term-ok"))
    assert (e.value.code, e.value.kind) == ("not_initialized", "signer_state")
    assert e.value.code is possig.ErrorCode.NOT_INITIALIZED
    assert not path.exists()
    t = possig.Terminal.init(path, key("term-ok"), "M-1", "T-1")
    t.sign("sale", T0, payment=payment())
    # One signer at a time.
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.open(path, key("term-ok"), wait=False)
    assert e.value.code == "locked"
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.init(path, key("term-ok"), "M-1", "T-1")
    assert e.value.code == "locked"
    t.close()
    with pytest.raises(ValueError, match="closed"):
        t.sign("sale", T0, payment=payment())
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.init(path, key("term-ok"), "M-1", "T-1")
    assert e.value.code == "already_initialized"
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.open(path, key("term-ok2"))
    assert e.value.code == "wrong_key"
    state = path / "state.json"
    bad = state.read_bytes().replace(b'"next_counter"', b'"next_counter" oops', 1)
    state.write_bytes(bad)
    with pytest.raises(possig.SignerStateError) as e:
        possig.Terminal.open(path, key("term-ok"))
    assert e.value.code == "state_corrupt" and e.value.index >= 1 and e.value.offset >= 1
    assert state.read_bytes() == bad
    # A full disk or a read-only one is an OSError (possig.IoError) naming the file.
    assert issubclass(possig.IoError, OSError)


def test_outage_recovery_day_close_and_rotation(tmp_path, store):
    old, new = tmp_path / "k1", tmp_path / "k2"
    t = possig.Terminal.init(old, key("term-ok"), "M-1", "T-1")
    t.sign("sale", T0, payment=payment(500))
    u = t.sign("sale", T0 + 5, payment=payment(700, rrn="R2"), unsigned=True)
    assert u.is_unsigned
    t.close()
    # The signer is down: opened without a key, the terminal records unsigned receipts only.
    with possig.Terminal.open(old) as down:
        assert down.sign("sale", T0 + 6, payment=payment(300, rrn="R3"), unsigned=True).is_unsigned
        for call in (
            lambda: down.sign("sale", T0 + 7, payment=payment()),
            lambda: down.recover(T0 + 7),
            lambda: down.close_day(T0 + 7),
        ):
            with pytest.raises(ValueError, match="without a key"):
                call()
    t = possig.Terminal.open(old, key("term-ok"))
    assert t.recover(T0 + 10).unverified_fields.kind == "recovery"
    close = t.close_day(T0 + 20)
    t2 = t.rotate(key("term-ok2"), new)
    assert t.is_retired and not t2.is_retired
    with pytest.raises(possig.SignerStateError) as e:
        t.sign("sale", T0 + 30, payment=payment())
    assert e.value.code == "retired"
    with pytest.raises(possig.MalformedError):
        t.rotate(key("term-ok2"))  # a stored terminal's next key needs its own state
    first = t2.sign("sale", T0 + 40, payment=payment(900))
    assert first.unverified_fields.counter == 0
    t.close()
    t2.close()
    report = assert_clean(store, [old, new], 6)
    assert [r.status for r in report.records].count("unsigned") == 2
    assert close.digest in {r.digest for r in report.records}


def test_a_waiting_opener_gets_the_state_when_the_holder_closes(tmp_path):
    path = tmp_path / "st"
    holder = possig.Terminal.init(path, key("term-ok"), "M-1", "T-1")
    got = []

    def wait_for_it():
        with possig.Terminal.open(path, key("term-ok")) as t:
            got.append(t.sign("sale", T0 + 1, payment=payment()).unverified_fields.counter)

    th = threading.Thread(target=wait_for_it)
    th.start()
    time.sleep(0.2)
    assert got == [], "the second signer must wait"
    holder.sign("sale", T0, payment=payment())
    holder.close()
    th.join(10)
    assert got == [1]


def _sign_n(path: str, n: int) -> None:
    import possig as p
    from conftest import T0 as t0, key as k, payment as pay

    for i in range(n):
        with p.Terminal.open(path, k("term-ok")) as t:
            t.sign("sale", t0 + i, payment=pay(1 + i))


def test_processes_signing_on_one_state_never_share_a_counter(tmp_path, store):
    path = tmp_path / "st"
    possig.Terminal.init(path, key("term-ok"), "M-1", "T-1").close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_sign_n, args=(os.fspath(path), 8)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    records = journal(path)
    assert [e.receipt().unverified_fields.counter for e in records] == list(range(24))
    assert_clean(store, [path], 24)


def test_a_crash_after_the_journal_sync_keeps_the_receipt_and_its_counter(tmp_path, store):
    path = tmp_path / "st"
    with possig.Terminal.init(path, key("term-ok"), "M-1", "T-1") as t:
        t.sign("sale", T0, payment=payment())
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "import possig; from conftest import T0, key, payment;"
        "t = possig.Terminal.open(sys.argv[1], key('term-ok'));"
        "t.sign('sale', T0 + 1, payment=payment())"
    )
    tests = os.path.dirname(__file__)
    for fault, kept in (("before_append", 1), ("after_journal_sync", 2), ("before_state_sync", 3)):
        env = dict(os.environ, POSSIG_FAULT=fault)
        run = subprocess.run([sys.executable, "-c", script, os.fspath(path), tests], env=env)
        assert run.returncode != 0, fault
        with possig.Terminal.open(path, key("term-ok")) as t:
            assert t.next_counter() == kept, fault
    with possig.Terminal.open(path, key("term-ok")) as t:
        assert t.sign("sale", T0 + 2, payment=payment()).unverified_fields.counter == 3
    assert_clean(store, [path], 4)
