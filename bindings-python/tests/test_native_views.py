"""The views are native immutable classes with enum-valued vocabularies, named records for
arguments, and pickling where a result travels between processes."""

import datetime
import pathlib
import pickle
import subprocess
import sys

import pytest

import possig
from possig import _native
from conftest import INDEX, NOW, T0, VECTORS, key, payment

HERE = pathlib.Path(__file__).resolve().parent


def test_every_enum_is_the_crates_vocabulary():
    for name, values in _native.vocabularies():
        cls = getattr(possig, name)
        assert [m.value for m in cls] == values, name
        for m in cls:
            assert m == m.value and str(m) == m.value and hash(m) == hash(m.value)
    assert set(possig.ErrorCode) == set(possig.error_codes())
    assert possig.ReceiptKind.DAY_CLOSE == "dayClose"
    assert possig.Status("valid_with_warnings") is possig.Status.VALID_WITH_WARNINGS


def test_the_committed_enums_module_is_what_the_generator_writes():
    gen = HERE.parent / "gen_enums.py"
    done = subprocess.run([sys.executable, str(gen), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _verified(store):
    name = next(v for v in INDEX["vectors"] if v["outcome"] == "valid")["file"]
    return possig.Receipt.load(VECTORS / name).verify(store, at=NOW)


def test_views_are_native_frozen_and_typed(store):
    v = _verified(store)
    for obj in (v, v.fields, v.fields.payment, v.path[0]):
        assert type(obj).__module__ == "possig._native"
        with pytest.raises(AttributeError):
            obj.anything = 1  # type: ignore[attr-defined]
        assert not hasattr(obj, "__dict__")
    assert isinstance(v.outcome, possig.Status) and v.outcome == "valid"
    assert isinstance(v.kind, possig.ReceiptKind)
    assert isinstance(v.fields.payment.entry_mode, possig.EntryMode)
    assert isinstance(v.fields.payment.cardholder_verification, possig.CardholderVerification)
    assert isinstance(v.path[0].role, possig.CertificateRole)
    assert v.issued_at.tzinfo is not None and v.path[0].not_after.tzinfo is not None
    assert isinstance(v.digest, bytes) and len(v.fields.signer_key_id) == 32
    assert v == v and v.fields == _verified(store).fields


def test_record_outcomes_pickle_and_keep_their_identity(store):
    t = possig.Terminal(key("term-ok"), "M-1", "T-1")
    rs = [t.sign("sale", T0 + i, payment=payment(rrn=f"R{i}")) for i in range(3)]
    bad = bytearray(rs[0].to_der())
    bad[-20] ^= 1  # inside the signature's s
    rs.append(possig.Receipt.from_der(bytes(bad)))
    report = possig.verify_many(store, rs, at=NOW)
    for r in report.records:
        back = pickle.loads(pickle.dumps(r))
        assert back == r and hash(back) == hash(r) and back.to_dict() == r.to_dict()
        assert back.status is r.status
    assert report.records[3].status == "invalid" and isinstance(report.records[3].code, possig.ErrorCode)
    assert pickle.loads(pickle.dumps(report.records[0])) != report.records[1]


def test_anchors_are_named_records_and_bad_ones_name_the_argument(store):
    t = possig.Terminal(key("term-ok"), "M-1", "T-1")
    first = t.sign("sale", T0, payment=payment())
    second = t.sign("sale", T0 + 1, payment=payment(rrn="R2"))
    alone = possig.verify_many(store, [second], at=NOW)
    assert alone.findings[0].data["how"] == "first_seen"
    anchored = possig.verify_many(store, [second], at=NOW, anchors=[possig.Anchor(first.key_id, 0, first.digest)])
    assert anchored.findings[0].code == possig.FindingCode.CHAIN_START
    assert anchored.findings[0].data["how"] == "anchor" and anchored.clean, anchored.problems
    with pytest.raises(ValueError, match=r"anchors\[0\].*digest") as e:
        possig.verify_many(store, [second], at=NOW, anchors=[possig.Anchor(first.key_id, 0, b"short")])
    assert not isinstance(e.value, possig.Error)
    with pytest.raises(TypeError, match=r"anchors\[1\]"):
        possig.verify_many(store, [second], at=NOW, anchors=[possig.Anchor(first.key_id, 0, first.digest), "x"])  # type: ignore[list-item]


def test_copy_of_and_strokes_take_named_records(store):
    t = possig.Terminal(key("term-ok"), "M-1", "T-1")
    sale = t.sign("sale", T0, payment=payment(cvm="pending"))
    cp = t.sign("copy", T0 + 1, copy_of=possig.CopyOf(sale.digest, 1))
    assert cp.unverified_fields.original == sale.digest and cp.unverified_fields.reprint_number == 1
    rs = t.sign("resign", T0 + 2, resign_of=sale.digest, strokes=(640, 200, [[(1, 2), (30, 40)]]))
    strokes = rs.verify(store, at=NOW).fields.signature_strokes
    assert strokes is not None and strokes.strokes == (((1, 2), (30, 40)),)
    again = possig.build_receipt(
        "resign", signer_key_id=t.key_id(), merchant_id="M-1", terminal_id="T-1", counter=3,
        previous=rs.digest, issued_at=T0 + 3, resign_of=sale.digest, strokes=strokes,
    ).sign(key("term-ok"))
    assert again.verify(store, at=NOW).fields.signature_strokes == strokes
    with pytest.raises(TypeError, match="copy_of"):
        t.sign("copy", T0 + 4, copy_of=sale.digest)  # type: ignore[arg-type]


def test_reconcile_views_are_native(store):
    day = possig.simulate_day([(key("term-ok"), "M-1", "T-1", None)], day_start=T0, per_terminal=30)
    report = possig.reconcile(store, journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW)
    assert report.findings and all(isinstance(i.category, possig.Category) for i in report.items)
    assert all(i.is_finding for i in report.findings)
    assert set(report.categories) <= set(possig.Category)
    assert report.journal.records == report.receipts
    assert isinstance(report.verified_at, datetime.datetime)
    hours = report.hours
    assert hours and all(h.tzinfo is not None and h.minute == 0 for h in hours)
    assert sorted(int(h.timestamp()) for h in hours) == sorted(int(k) for k in report.to_dict()["report"]["hours"])
    assert all(isinstance(e, possig.ExpectedFinding) for e in day.expected)


def test_error_codes_and_kinds_are_enum_members():
    with pytest.raises(possig.MalformedError) as e:
        possig.Receipt.from_der(b"\x30\x03\x02\x01")
    assert isinstance(e.value.code, possig.ErrorCode) and e.value.code == "malformed"
    assert e.value.kind is possig.ErrorKind.MALFORMED
    with pytest.raises(possig.IoError) as io:
        possig.verify_journal(possig.TrustStore(roots=[]), "/nonexistent/journal", at=NOW)
    assert io.value.code is possig.ErrorCode.IO and io.value.kind == "io"


def test_small_views_are_hashable_values(store):
    a, b = _verified(store), _verified(store)
    assert a is not b and a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert hash(a.fields) == hash(b.fields) and {a.fields.payment, b.fields.payment} == {a.fields.payment}
    assert len({c for c in a.path}) == len(a.path)
    day = possig.simulate_day([(key("term-ok"), "M-1", "T-1", None)], day_start=T0, per_terminal=20)
    report = possig.reconcile(store, journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW)
    assert len(set(report.items)) == len(report.items) and all(hash(i) == hash(i) for i in report.items)
