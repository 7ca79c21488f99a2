"""to_arrow(): the crate's Arrow batches as pyarrow Tables, equal to the JSON views."""

import datetime
import sys

import pytest

import possig
from conftest import NOW, T0, key

pa = pytest.importorskip("pyarrow")

UTC = datetime.timezone.utc
IDS = {"key_id", "digest"}
TIMES = {"issued_at", "time"}


def _as_arrow_reads(value, name=None):
    """A JSON view value as pyarrow's to_pylist() gives it back (bytes ids, datetimes)."""
    if isinstance(value, dict):
        return {k: _as_arrow_reads(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_arrow_reads(v) for v in value]
    if value is not None and name in IDS:
        return bytes.fromhex(value)
    if value is not None and name in TIMES:
        return datetime.datetime.fromtimestamp(value, UTC)
    return value


def _day():
    return possig.simulate_day(
        [(key("term-ok"), "M-1", "T-1", None), (key("term-ok2"), "M-2", "T-2", None)],
        day_start=T0,
        per_terminal=40,
    )


def test_journal_records_table_equals_the_json_records(store):
    day = _day()
    report = possig.verify_journal(store, day.journal + b"\x00garbage", at=NOW)
    table = report.to_arrow()
    assert isinstance(table, pa.Table) and table.num_rows == len(report)
    # Types Spark and Parquet hold as they are: ids as 32-byte binary, int64, times in µs.
    assert table.schema.field("digest").type == pa.binary()
    assert table.schema.field("counter").type == pa.int64()
    assert {len(d) for d in table.column("digest").to_pylist() if d is not None} == {32}
    # `source` (the file of a record read from several) is null for one input stream.
    want = [dict(_as_arrow_reads(r), source=None) for r in report.to_dict()["records"]]
    assert table.to_pylist() == want


def test_reconcile_items_table_equals_the_json_items(store):
    day = _day()
    csv = day.settlement_csv + "T-1,B1,RRN-X,A1,not-a-number,EUR,2026-06-01T10:00:00Z,sale\n"
    report = possig.reconcile(store, journals=[day.journal], settlement=csv.encode(), at=NOW, include_matched=True)
    table = report.to_arrow()
    assert table.num_rows == len(report.items) and table.column_names == [
        "category", "reason", "receipt", "related", "row", "pending_for"
    ]
    assert table.schema.field("receipt").type.field("issued_at").type == pa.timestamp("us", tz="UTC")
    want = [_as_arrow_reads(i) for i in report.to_dict()["items"]]
    for w in want:
        for part in ("receipt", "related", "row"):
            if w[part]:
                w[part]["source"] = None
        if w["row"] and w["row"]["bad_column"]:
            w["row"]["time"] = None  # a malformed row has no time
    assert any(w["row"] and w["row"]["bad_column"] for w in want)
    assert table.to_pylist() == want
    # Arrow reads without building the items in Python.
    assert table.column("category").to_pylist().count("matched") == report.categories["matched"].items


def test_to_arrow_without_pyarrow_says_how_to_install(store, monkeypatch):
    report = possig.verify_many(store, [], at=NOW)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"possig\[arrow\]"):
        report.to_arrow()
