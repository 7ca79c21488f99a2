"""Building and signing receipts, Python terminals, and reconciliation of a simulated day."""

import datetime

import pytest

import possig
from conftest import NOW, PKI, T0, key, payment

UTC = datetime.timezone.utc


def test_terminal_chain_outage_and_day_close(store):
    t = possig.Terminal(key("term-ok"), "M-1", "T-1")
    sale = t.sign("sale", T0, payment=payment(cvm="pending"))
    assert t.next_counter() == 1
    u1 = t.sign("sale", T0 + 60, payment=payment(rrn="R2"), unsigned=True)
    assert u1.is_unsigned
    rec = t.recover(T0 + 120)
    rs = t.sign("resign", T0 + 180, resign_of=sale.digest, strokes=(640, 200, [[(1, 2), (30, 40)]]))
    cp = t.sign("copy", T0 + 190, copy_of=(sale.digest, 1))
    close = t.close_day(T0 + 3600)
    report = possig.verify_many(store, [sale, u1, rec, rs, cp, close], at=NOW)
    assert [r.status for r in report.records] == ["valid", "unsigned", "valid", "valid", "valid", "valid"]
    codes = [f.code for f in report.findings]
    assert "unsigned_covered" in codes and "re_signed" in codes and "copy" in codes
    assert report.clean, report.problems
    # The builder refuses bad fields with the crate's codes.
    with pytest.raises(possig.MalformedError) as e:
        t.sign("sale", T0, payment=possig.Payment(1, "EUR", "VISA", "41", "1111", "chip", "R", "pin"))
    assert (e.value.code, e.value.field) == ("invalid_field", "card_bin")
    with pytest.raises(possig.MalformedError):
        possig.Payment(1, "EUR", "VISA", "411111", "1111", "telepathy", "R", "pin")


def test_generated_keys_and_pem_round_trip():
    k = possig.SigningKey.generate()
    k2 = possig.SigningKey.from_pem(k.to_pem())
    assert k.key_id() == k2.key_id() and len(k.key_id()) == 32
    assert possig.SigningKey.generate().key_id() != k.key_id()


def _day(per_terminal=60, seed=3):
    crl = (PKI / "intermediate.crl.pem").read_bytes()
    from cryptography import x509

    rev = x509.load_pem_x509_crl(crl).get_revoked_certificate_by_serial_number(
        next(iter(x509.load_pem_x509_crl(crl))).serial_number
    )
    revoked_at = int(rev.revocation_date_utc.timestamp())
    return possig.simulate_day(
        [
            (key("term-ok"), "M-100", "T-100", None),
            (key("term-ok2"), "M-200", "T-200", None),
            (key("term-revoked"), "M-300", "T-300", revoked_at),
        ],
        day_start=revoked_at - 14 * 3600,
        per_terminal=per_terminal,
        seed=seed,
    )


def test_reconcile_simulated_day_yields_exactly_the_injected_findings(store, tmp_path):
    day = _day()
    (tmp_path / "day.journal").write_bytes(day.journal)
    (tmp_path / "s.csv").write_text(day.settlement_csv)
    at = datetime.datetime.fromtimestamp(NOW, UTC)
    for journals, settlement in (
        ([day.journal], day.settlement_csv.encode()),
        ([tmp_path / "day.journal"], tmp_path / "s.csv"),
    ):
        report = possig.reconcile(store, journals=journals, settlement=settlement, at=at)
        assert report.conserved and not report.clean
        found = sorted(
            (i.category, i.reason or "", i.terminal, (i.receipt.rrn if i.receipt and i.receipt.rrn else None) or (i.row.rrn if i.row else ""))
            for i in report.findings
        )
        assert found == sorted(day.expected)
        assert sum(c.receipts for c in report.categories.values()) == report.receipts
        assert sum(c.rows for c in report.categories.values()) == report.rows
    pending = [i for i in report.items if i.category == "pending_signature"]
    assert len(pending) == 1 and pending[0].pending_for > datetime.timedelta(days=7)
    out = tmp_path / "items.csv"
    full = possig.reconcile(
        store, journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW, include_matched=True, items_csv=out
    )
    assert sum(c.items for c in full.categories.values()) == len(full.items)
    lines = out.read_text().splitlines()
    assert len(lines) == len(full.items) + 1
    assert lines[0].split(",") == list(possig.CSV_FIELDS)
    renamed = day.settlement_csv.replace("terminal_id,", "TID,", 1)
    again = possig.reconcile(store, journals=[day.journal], settlement=renamed.encode(), at=NOW, columns={"terminal_id": "TID"})
    assert again.categories == report.categories


def test_to_pandas(store):
    pandas = pytest.importorskip("pandas")
    day = _day(per_terminal=30)
    report = possig.reconcile(store, journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW)
    df = report.to_pandas()
    assert isinstance(df, pandas.DataFrame) and len(df) == len(report.items)


def test_to_pandas_without_pandas_says_how_to_install(store, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    day = _day(per_terminal=30)
    report = possig.reconcile(store, journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW)
    with pytest.raises(ImportError, match="possig\\[pandas\\]"):
        report.to_pandas()
