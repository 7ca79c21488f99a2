"""possig.spark: a simulated multi-terminal day, its journals split into several files per
terminal and listed shuffled, reconciled by Spark (local[2], one retry allowed) gives the
multiset of items, the outcomes, findings and counts of possig.reconcile on one machine;
faults (corrupt and truncated files, malformed rows, a task failing once) lose and duplicate
nothing; Parquet from Spark and from to_arrow() have one schema."""

import collections
import json
import os
import pathlib
import random
import subprocess
import sys

import pytest

import possig
from conftest import INDEX, NOW, PKI, key

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import possig.spark  # noqa: E402

TRUST = possig.spark.TrustMaterial(
    roots=[PKI / f for f in INDEX["trust"]["roots"]],
    intermediates=[PKI / f for f in INDEX["trust"]["intermediates"]],
    terminals=[PKI / f for f in INDEX["trust"]["terminals"]],
    crls=[PKI / f for f in INDEX["trust"]["crls"]],
)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2,2]")
        .appName("possig-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def day():
    from test_build_reconcile import _day

    return _day(per_terminal=60, seed=3)


def _store():
    return possig.TrustStore(roots=TRUST.roots, intermediates=TRUST.intermediates, terminals=TRUST.terminals, crls=TRUST.crls)


def _uploads(journal: bytes, tmp, files_per_terminal: int, seed: int):
    """The journal's records cut into contiguous uploads per terminal, in a shuffled folder
    tree (names do not follow the records' order): (terminal, upload number, path) each,
    shuffled."""
    by_terminal = collections.defaultdict(list)
    for e in possig.read_journal(journal):
        t = e.receipt().unverified_fields.terminal_id
        by_terminal[t].append(e.data)
    files = []
    for t, recs in by_terminal.items():
        per = -(-len(recs) // files_per_terminal)
        for n, k in enumerate(range(0, len(recs), per)):
            files.append((t, n, b"".join(recs[k : k + per])))
    rng = random.Random(seed)
    rng.shuffle(files)
    out = []
    for n, (t, k, data) in enumerate(files):
        d = tmp / ("upload-%d" % (n % 3))
        d.mkdir(parents=True, exist_ok=True)
        p = d / ("%03d-%s.der" % (rng.randrange(1000), t))
        while p.exists():
            p = d / ("%03d-%s.der" % (rng.randrange(1000), t))
        p.write_bytes(data)
        out.append((t, k, p))
    return out


def _failed_tasks(spark, group: str) -> int:
    """Task attempts that failed in the jobs of `group` (the injected faults)."""
    tracker = spark.sparkContext.statusTracker()
    failed = 0
    for job in tracker.getJobIdsForGroup(group):
        info = tracker.getJobInfo(job)
        for stage in info.stageIds if info else ():
            s = tracker.getStageInfo(stage)
            failed += s.numFailedTasks if s else 0
    return failed


def _local(uri: str) -> str:
    """A local file's path from the URI Spark names it by (the ``source`` column)."""
    assert uri.startswith("file:"), uri
    return uri[len("file:") :]


def _key(item: dict) -> tuple:
    """What an item is about, positions aside."""
    r, rel, row = item["receipt"], item["related"], item["row"]
    return (
        item["category"],
        item["reason"] or "",
        r["digest"].hex() if r and r["digest"] else "",
        rel["digest"].hex() if rel and rel["digest"] else "",
        row["line"] if row else 0,
    )


def _single(day, journal=None):
    at = NOW
    report = possig.reconcile(
        _store(), journals=[journal or day.journal], settlement=day.settlement_csv.encode(), at=at, include_matched=True
    )
    items = collections.Counter(_key(i) for i in report.to_arrow().to_pylist())
    return report, items


def _spark_items(result) -> collections.Counter:
    return collections.Counter(_key(r.asDict(recursive=True)) for r in result.items.collect())


def test_the_cluster_gives_the_single_machine_answers(spark, day, tmp_path):
    report, items = _single(day)
    (tmp_path / "settlement.csv").write_text(day.settlement_csv)
    uploads = _uploads(day.journal, tmp_path / "journals", files_per_terminal=3, seed=5)
    assert len(uploads) == 9
    result = possig.spark.reconcile(
        spark, journals=tmp_path / "journals", settlement=tmp_path / "settlement.csv", trust=TRUST, at=NOW
    )
    got = _spark_items(result)
    assert got == items
    assert len(got) > 100
    counts = result.counts()
    assert {c: (v.items, v.receipts, v.rows) for c, v in report.categories.items() if v.items} == counts
    assert result.records.count() == report.receipts and result.rows.count() == report.rows
    assert result.is_conserved()
    # Outcomes and findings: the same verdicts, every position pointing into its own file.
    single = possig.verify_journal(_store(), day.journal, at=NOW)
    def v(x):
        return None if x is None else getattr(x, "value", x)

    want = collections.Counter((o.digest.hex() if o.digest else None, v(o.status), v(o.code)) for o in single.records)
    records = result.records.collect()
    assert collections.Counter((r.digest.hex() if r.digest else None, r.status, r.code) for r in records) == want
    for r in records[:50]:
        data = open(_local(r.source), "rb").read()
        entry = [e for e in possig.read_journal(data) if e.offset == r.offset][0]
        assert entry.receipt().digest == r.digest
    # Findings: the same views, positions aside (they count in each finding's own file).
    def view(d):
        return json.dumps({k: x for k, x in d.items() if k not in ("index", "offset")}, sort_keys=True)

    findings = collections.Counter(view(json.loads(f.detail)) for f in result.findings.collect())
    assert findings == collections.Counter(view(f.to_dict()) for f in single.findings)
    assert len(findings) > 10


def test_faults_lose_and_duplicate_nothing(spark, day, tmp_path, monkeypatch):
    journals = tmp_path / "journals"
    uploads = _uploads(day.journal, journals, files_per_terminal=2, seed=9)
    # A corrupt file (garbage inside) and a truncated one (cut mid-record): T-100's first
    # upload and T-300's last.
    corrupt = [p for t, k, p in uploads if (t, k) == ("T-100", 0)][0]
    truncated = max(((k, p) for t, k, p in uploads if t == "T-300"))[1]
    data = corrupt.read_bytes()
    corrupt.write_bytes(data[:200] + b"\x00garbage\xff" + data[200:])
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) - 37])
    # The same files read by a single machine as one stream in upload order, the truncated one
    # last (in a stream, the bytes after a cut record would be read as its continuation; apart,
    # the cluster loses only the cut record).
    in_order = sorted(uploads, key=lambda u: (u[2] == truncated, u[0], u[1]))
    one_stream = b"".join(p.read_bytes() for _, _, p in in_order)
    csv = day.settlement_csv + "T-100,B1,RRN-X,A1,not-a-number,EUR,2026-01-01T00:00:00Z,sale\n"
    (tmp_path / "s.csv").write_text(csv)
    report = possig.reconcile(_store(), journals=[one_stream], settlement=csv.encode(), at=NOW, include_matched=True)
    want = collections.Counter(_key(i) for i in report.to_arrow().to_pylist())
    # The first attempt of a split task and of a group fails; Spark retries both.
    monkeypatch.setenv(possig.spark.FAULT_ENV, "group:T-200")
    spark.sparkContext.setJobGroup("fault-group", "a group fails once")
    result = possig.spark.reconcile(spark, journals=journals, settlement=tmp_path / "s.csv", trust=TRUST, at=NOW)
    got = _spark_items(result)
    assert _failed_tasks(spark, "fault-group") == 1
    assert got == want, (sorted((got - want).items()), sorted((want - got).items()))
    assert sum(1 for k in want if k[0] == "malformed_row") == 2
    malformed = [f for f in result.findings.collect() if f.finding == "malformed_record"]
    assert {_local(f.source) for f in malformed} == {str(corrupt), str(truncated)}
    assert result.is_conserved()
    monkeypatch.setenv(possig.spark.FAULT_ENV, "split:" + uploads[2][2].name)
    spark.sparkContext.setJobGroup("fault-split", "a split fails once")
    again = possig.spark.reconcile(spark, journals=journals, settlement=tmp_path / "s.csv", trust=TRUST, at=NOW)
    assert _spark_items(again) == want
    assert _failed_tasks(spark, "fault-split") == 1
    spark.sparkContext.setJobGroup("no-fault", "")


def test_unknown_signers_and_revoked_terminals_are_verdicts(spark, day, tmp_path):
    (tmp_path / "j.der").write_bytes(day.journal)
    (tmp_path / "s.csv").write_text(day.settlement_csv)
    t300 = sum(1 for e in possig.read_journal(day.journal) if e.receipt().unverified_fields.terminal_id == "T-300")
    run = lambda trust: possig.spark.reconcile(  # noqa: E731
        spark, journals=tmp_path / "j.der", settlement=tmp_path / "s.csv", trust=trust, at=NOW
    )
    # T-300's certificate is revoked at 14:00: its later records are `revoked` verdicts.
    result = run(TRUST)
    codes = collections.Counter(r.code for r in result.records.collect() if r.code)
    assert codes["revoked"] > 0 and result.is_conserved()
    # Without T-300's certificate, every one of its records is an unknown signer.
    without = possig.spark.TrustMaterial(
        roots=TRUST.roots,
        intermediates=TRUST.intermediates,
        terminals=[t for t in TRUST.terminals if "revoked" not in str(t)],
        crls=TRUST.crls,
    )
    result = run(without)
    records = result.records.collect()
    assert sum(1 for r in records if r.code == "unknown_signer") == t300 > 20
    assert len(records) == sum(1 for _ in possig.read_journal(day.journal))
    assert result.is_conserved()


def test_a_settlement_file_that_cannot_be_read_fails_with_its_possig_error(spark, day, tmp_path):
    (tmp_path / "j.der").write_bytes(day.journal)
    (tmp_path / "s.csv").write_text("terminal_id,rrn,currency,time,kind\nT-1,R1,EUR,0,sale\n")
    run = lambda: possig.spark.reconcile(  # noqa: E731
        spark, journals=tmp_path / "j.der", settlement=tmp_path / "s.csv", trust=TRUST, at=NOW
    )
    with pytest.raises(possig.MalformedError) as e:
        run()
    assert e.value.code == possig.ErrorCode.SETTLEMENT_HEADER and e.value.reason == "amount"
    single = pytest.raises(possig.MalformedError, possig.reconcile, _store(), journals=[day.journal], settlement=tmp_path / "s.csv", at=NOW)
    assert (single.value.code, single.value.reason, str(single.value)) == (e.value.code, e.value.reason, str(e.value))
    (tmp_path / "s.csv").write_bytes(b"terminal_id,rrn,amount,currency,time,kind\nT-1,R1,1,EUR,0,sale\n\xff\xfe,1\n")
    with pytest.raises(possig.MalformedError) as e:
        run()
    assert e.value.code == "settlement_malformed" and e.value.line == 3


def test_trust_store_is_built_once_per_process():
    material = TRUST._bytes()
    assert possig.spark._store(material) is possig.spark._store(material)
    assert possig.spark._store(material) is not possig.spark._store(material[:3] + ((),))


def _cli() -> str:
    """The `possig` binary of this checkout (built if missing)."""
    root = pathlib.Path(__file__).resolve().parents[2]
    exe = root / "target" / "debug" / "possig"
    if not exe.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "possig-cli"], cwd=root, check=True)
    return str(exe)


def test_parquet_from_spark_python_and_the_cli_has_one_schema(spark, day, tmp_path):
    (tmp_path / "j.der").write_bytes(day.journal)
    (tmp_path / "s.csv").write_text(day.settlement_csv)
    result = possig.spark.reconcile(spark, journals=tmp_path / "j.der", settlement=tmp_path / "s.csv", trust=TRUST, at=NOW)
    result.write_parquet(tmp_path / "spark")
    # Python: to_arrow() written by pyarrow.
    report = possig.reconcile(_store(), journals=[day.journal], settlement=day.settlement_csv.encode(), at=NOW, include_matched=True)
    journal = possig.verify_journal(_store(), day.journal, at=NOW)
    (tmp_path / "python").mkdir()
    pq.write_table(report.to_arrow(), tmp_path / "python" / "items.parquet")
    pq.write_table(journal.to_arrow(), tmp_path / "python" / "records.parquet")
    pq.write_table(journal.findings_to_arrow(), tmp_path / "python" / "findings.parquet")
    # The CLI: reconcile --format parquet writes all three.
    trust = []
    for flag, files in (("--root", TRUST.roots), ("--intermediate", TRUST.intermediates), ("--terminal", TRUST.terminals), ("--crl", TRUST.crls)):
        for f in files:
            trust += [flag, str(f)]
    cli = subprocess.run(
        [_cli(), "reconcile", *trust, "--journal", str(tmp_path / "j.der"), "--settlement", str(tmp_path / "s.csv"),
         "--at", "@%d" % NOW, "--out", str(tmp_path / "cli"), "--format", "parquet"],
        capture_output=True, text=True,
    )
    assert cli.returncode in (0, 1), cli.stderr
    assert not (tmp_path / "cli" / "items.csv").exists()

    def shape(schema):
        """Names and types; Spark writes every column as optional, so nullability aside."""
        return [(f.name, str(f.type).replace(" not null", "")) for f in schema]

    for name in ("items", "records", "findings"):
        spark_t = pq.read_table(tmp_path / "spark" / name)
        python_t = pq.read_table(tmp_path / "python" / ("%s.parquet" % name))
        cli_t = pq.read_table(tmp_path / "cli" / ("%s.parquet" % name))
        assert shape(spark_t.schema) == shape(python_t.schema) == shape(cli_t.schema), name
        assert spark_t.num_rows == python_t.num_rows == cli_t.num_rows > 0, name
        # The same values, positions and sources aside (one stream here, one file there).
        if name == "items":
            assert collections.Counter(map(_key, cli_t.to_pylist())) == collections.Counter(map(_key, python_t.to_pylist()))
            assert collections.Counter(map(_key, spark_t.to_pylist())) == collections.Counter(map(_key, python_t.to_pylist()))
        else:
            assert cli_t.equals(python_t.cast(cli_t.schema)), name


def test_repository_readme_spark_example(spark, tmp_path, capsys):
    from test_readme import REPOSITORY_README, demo_layout, run_python_block

    demo_layout(tmp_path)
    run_python_block(REPOSITORY_README, "## Spark", tmp_path)
    out = capsys.readouterr().out
    assert "|matched" in out.replace(" ", "") and "missing_receipt" in out
    for name in ("records", "findings", "items"):
        assert pq.read_table(tmp_path / "parquet" / name).num_rows > 0


def test_other_banks_headers_and_chain_verification_alone(spark, day, tmp_path):
    (tmp_path / "j.der").write_bytes(day.journal)
    renamed = day.settlement_csv.replace("terminal_id,", "TID,", 1)
    (tmp_path / "s.csv").write_text(renamed)
    run = lambda columns: possig.spark.reconcile(  # noqa: E731
        spark, journals=tmp_path / "j.der", settlement=tmp_path / "s.csv", trust=TRUST, at=NOW, columns=columns
    )
    report, items = _single(day)
    assert _spark_items(run({"terminal_id": "TID"})) == items
    with pytest.raises(possig.MalformedError) as e:
        run({"terminal_id": "TID", "nope": "x"})
    assert e.value.code == "unknown_column"
    # verify(): the records and findings of verify_journal, without a settlement file.
    v = possig.spark.verify(spark, journals=tmp_path / "j.der", trust=TRUST, at=NOW)
    single = possig.verify_journal(_store(), day.journal, at=NOW)
    assert sorted((r["index"], r.status, r.code or "") for r in v.records.collect()) == sorted(
        (o.index, o.status.value, o.code.value if o.code else "") for o in single.records
    )
    assert sorted(json.loads(f.detail)["finding"] for f in v.findings.collect()) == sorted(
        f.to_dict()["finding"] for f in single.findings
    )
    v.unpersist()
