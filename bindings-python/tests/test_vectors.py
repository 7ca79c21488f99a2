"""The shared golden vectors give the outcomes recorded in core/tests/vectors/index.json."""

import datetime

import pytest

import possig
from conftest import INDEX, NOW, VECTORS


@pytest.mark.parametrize("v", INDEX["vectors"], ids=lambda v: v["name"])
def test_vector(v, store):
    data = (VECTORS / v["file"]).read_bytes()
    if v["outcome"] == "invalid":
        with pytest.raises(possig.Error) as e:
            possig.Receipt.from_der(data).verify(store, at=NOW)
        assert e.value.code == v["code"]
        assert isinstance(e.value, ValueError)
    else:
        r = possig.verify(data, store, at=datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc))
        assert r.outcome == v["outcome"]
        assert [w.code for w in r.warnings] == v["warnings"]
        assert all(isinstance(w, possig.CertificateWarning) for w in r.warnings)
        assert r.digest == possig.Receipt.from_der(data).digest
        assert r.issued_at.tzinfo is not None
        assert r.path[0].role == "terminal"


def _typed(finding):
    out = {}
    for k, v in finding.items():
        if k in ("key", "digest", "original", "from", "to") and isinstance(v, str):
            v = bytes.fromhex(v)
        elif k in ("issued_at", "resigned_at"):
            v = datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
        out[k] = v
    return out


@pytest.mark.parametrize("j", INDEX["journals"], ids=lambda j: j["name"])
def test_journal_vector(j, store):
    path = VECTORS / j["file"]
    for source in (path, path.read_bytes(), open(path, "rb")):
        report = possig.verify_journal(store, source, at=NOW)
        got = [
            {"code": r.code, "index": r.index, "offset": r.offset, "status": r.status, "warnings": list(r.warnings)}
            for r in report.records
        ]
        assert got == j["records"]
        assert [f.to_dict() for f in report.findings] == j["findings"]
        # The same data, with key ids and digests as bytes and times as datetimes.
        assert [{"finding": f.code, **f.data} for f in report.findings] == [_typed(d) for d in j["findings"]]
        assert not report.clean


def test_verify_many_equals_the_journal(store):
    j = INDEX["journals"][0]
    data = (VECTORS / j["file"]).read_bytes()
    records = [e.data for e in possig.read_journal(data)]
    assert all(r is not None for r in records)
    many = possig.verify_many(store, records, at=NOW)
    journal = possig.verify_journal(store, data, at=NOW)
    assert [f.code for f in many.findings] == [f.code for f in journal.findings]
    assert [r.status for r in many.records] == [r.status for r in journal.records]


def test_receipt_fields_and_amounts(store):
    r = possig.Receipt.load(VECTORS / "sale-signature.der")
    v = r.verify(store, at=NOW)
    p = v.payment
    assert p is not None and isinstance(p.amount, int)
    assert p.amount_decimal() == __import__("decimal").Decimal(p.amount).scaleb(-2)
    assert v.fields.signature_strokes is not None
    assert v.fields.issued_at == datetime.datetime.fromtimestamp(v.fields.issued_at.timestamp(), datetime.timezone.utc)
    # The text form drops the attachment; the receipt still verifies.
    t = possig.Receipt.from_text("\n " + r.to_text() + " \n")
    assert t.verify(store, at=NOW).fields.signature_strokes is None
    assert t.digest == r.digest
    # And through a QR code image.
    q = possig.Receipt.from_qr_image(r.qr_png())
    assert q.to_der() == t.to_der()
    assert r.qr_svg().startswith("<?xml")


def test_naive_datetime_is_refused(store):
    r = possig.Receipt.load(VECTORS / "sale-pin.der")
    with pytest.raises(ValueError):
        r.verify(store, at=datetime.datetime(2027, 1, 1))


def test_record_outcomes_are_native_immutable_values(store):
    j = INDEX["journals"][0]
    data = (VECTORS / j["file"]).read_bytes()
    entries = [e for e in possig.read_journal(data) if e.data is not None]
    report = possig.verify_journal(store, data, at=NOW)
    assert len(report.records) == len(entries)
    for r, e in zip(report.records, entries):
        assert isinstance(r, possig.RecordOutcome)
        assert r.offset == e.offset
        fields = possig.Receipt.from_der(e.data).unverified_fields
        assert r.key_id == possig.Receipt.from_der(e.data).key_id and len(r.key_id) == 32
        assert r.digest == fields.digest
        assert (r.terminal, r.counter, r.kind) == (fields.terminal_id, fields.counter, fields.kind)
        assert isinstance(r.warnings, tuple)
        assert (r.code is None) == (r.status != "invalid")
    again = possig.verify_journal(store, data, at=NOW).records
    assert again == report.records
    assert len({*report.records, *again}) == len(report.records)
    assert report.records[0] != report.records[1]
    assert repr(report.records[0]).startswith("RecordOutcome(index=0, offset=0, status=")
    with pytest.raises(AttributeError):
        report.records[0].status = "valid"  # type: ignore[misc]


def test_trust_counts_and_names(store):
    c = store.counts
    assert isinstance(c, possig.TrustCounts)
    assert (c.roots, c.intermediates, c.terminals, c.crls) == (1, 1, 5, 2)
    assert c == (1, 1, 5, 2)  # still a tuple
    # The builtin is not shadowed by `from possig import *`; the old name is an alias.
    assert "Warning" not in possig.__all__ and possig.Warning is possig.CertificateWarning
