"""possig on Apache Spark: a day's journals verified and reconciled on a cluster.

``pip install possig[spark]``. :func:`reconcile` takes a ``SparkSession``, the journal files as
terminals upload them (files or folders, in any order, a terminal's records split across any
number of files), the settlement CSV file(s), the trust material and the verification time, and
returns :class:`Reconciliation`: Spark DataFrames of record outcomes, chain findings and
reconciliation items, with the same columns as ``JournalReport.to_arrow()`` and
``ReconcileReport.to_arrow()`` (the JSON views' names) plus ``source``, the file each position
counts in.

How it runs: every file is cut into records (or rows) by the crate, each keyed by the terminal
id it claims; the records and rows of one terminal are reconciled together in one Arrow batch
(``cogroup(...).applyInArrow``), so memory is bounded by the largest terminal's day, and no
Python object is made per record. The trust store is built once per Python worker. The
answers are those of :func:`possig.reconcile` on the same day, with the distributed semantics
documented in the crate (``possig_reconcile::partition``): each terminal's records are put in
a canonical order (keys by first issue time, then counter), so ``reordered`` is never reported,
and a reference to another terminal's receipt is ``original_not_found``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import pathlib
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._api import Source, Time, TrustStore, _read, _seconds
from ._enums import ErrorCode, ErrorKind

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

ArrowTable = Any
"""A ``pyarrow.Table`` (pyarrow ships no type information)."""
ArrowBatch = Any
"""A ``pyarrow.RecordBatch``."""
ArrowSchema = Any
"""A ``pyarrow.Schema``."""

__all__ = ["Reconciliation", "TrustMaterial", "Verification", "reconcile", "verify"]

FAULT_ENV = "POSSIG_SPARK_FAULT"
"""Test hook, read on the driver when a job is defined: ``split:<text>`` fails the first
attempt of the task splitting a file whose path contains ``<text>`` (after it has handed out a
batch), ``group:<terminal>`` the first attempt of that terminal's group. Spark retries the task
(with ``spark.task.maxFailures`` above 1, e.g. master ``local[2,2]``)."""


@dataclasses.dataclass(frozen=True)
class TrustMaterial:
    """What :class:`possig.TrustStore` is built from (PEM or DER bytes, or paths read on the
    driver): it travels to the workers as bytes and each Python worker builds the store once."""

    roots: Sequence[Source]
    intermediates: Sequence[Source] = ()
    terminals: Sequence[Source] = ()
    crls: Sequence[Source] = ()

    def _bytes(self) -> Tuple[Tuple[bytes, ...], ...]:
        return tuple(tuple(_read(s) for s in group) for group in (self.roots, self.intermediates, self.terminals, self.crls))


_STORES: Dict[str, TrustStore] = {}
"""Trust stores built in this process (a Python worker), by digest of their material."""


def _store(material: Tuple[Tuple[bytes, ...], ...]) -> TrustStore:
    h = hashlib.sha256()
    for group in material:
        h.update(b"%d;" % len(group))
        for item in group:
            h.update(b"%d:" % len(item))
            h.update(item)
    key = h.hexdigest()
    store = _STORES.get(key)
    if store is None:
        roots, intermediates, terminals, crls = material
        store = TrustStore(roots=roots, intermediates=intermediates, terminals=terminals, crls=crls)
        _STORES[key] = store
    return store


def _schemas() -> Dict[str, ArrowSchema]:
    """The crate's Arrow schemas (from empty inputs: nothing is written twice)."""
    pieces, findings = _native.journal_pieces("", b"")
    rows = _native.settlement_rows("", b"terminal_id,rrn,amount,currency,time,kind\n", {})
    records, _, items = _native.reconcile_group(
        _store(((), (), (), ()))._native, 0, pieces, rows, window=0, pending_days=0
    )
    return {
        "pieces": pieces.schema,
        "findings": findings.schema,
        "rows": rows.schema,
        "records": records.schema,
        "items": items.schema,
    }


def _tagged(schema: ArrowSchema, **tables: ArrowTable) -> ArrowTable:
    """One table of struct columns, one per name: row k holds one table's row, the other
    columns null (Spark's Arrow functions return one schema)."""
    import pyarrow as pa

    total = sum(t.num_rows for t in tables.values())
    columns = []
    before = 0
    for field in schema:
        t = tables[field.name]
        struct = pa.StructArray.from_arrays(
            [c.combine_chunks() if t.num_rows else pa.array([], c.type) for c in t.columns],
            fields=list(field.type),
        )
        parts = []
        if before:
            parts.append(pa.nulls(before, field.type))
        parts.append(struct)
        after = total - before - t.num_rows
        if after:
            parts.append(pa.nulls(after, field.type))
        columns.append(pa.concat_arrays(parts))
        before += t.num_rows
    return pa.Table.from_arrays(columns, schema=schema)


def _struct_schema(**schemas: ArrowSchema) -> ArrowSchema:
    import pyarrow as pa

    return pa.schema([pa.field(name, pa.struct(list(s)), nullable=True) for name, s in schemas.items()])


_MARK = "[possig-error "


def _carried(e: Exception) -> Exception:
    """A possig error raised in a Spark worker, as an exception whose message carries its
    class, code and data to the driver (:func:`_raise_carried`)."""
    if not isinstance(e, _native.Error):
        return e
    data = {k: getattr(v, "value", v) for k, v in vars(e).items()}
    data = {k: v for k, v in data.items() if isinstance(v, (str, int, type(None)))}
    return RuntimeError(_MARK + json.dumps({"class": type(e).__name__, **data}) + "]")


def _raise_carried(e: Exception) -> None:
    """Raises the possig error a worker carried in `e`'s message, if there is one."""
    text = str(e)
    at = text.find(_MARK)
    if at < 0:
        return
    try:
        data, _ = json.JSONDecoder().raw_decode(text, at + len(_MARK))
    except ValueError:
        return
    cls = getattr(_native, str(data.pop("class", "")), None)
    if not (isinstance(cls, type) and issubclass(cls, _native.Error)):
        return
    err = cls(data.get("message", ""))
    for k, v in data.items():
        setattr(err, k, v)
    if isinstance(data.get("code"), str):
        err.code = ErrorCode(data["code"])
    if isinstance(data.get("kind"), str):
        err.kind = ErrorKind(data["kind"])
    raise err from None


def _files_of(batches: Iterator[ArrowBatch]) -> Iterator[Tuple[str, bytes]]:
    """(path, content) of each file in Spark's ``binaryFile`` batches (one Python object per
    file, none per record)."""
    for b in batches:
        paths, contents = b.column("path"), b.column("content")
        for i in range(b.num_rows):
            yield paths[i].as_py(), contents[i].as_py()


def _fault(kind: str) -> Callable[[str], None]:
    """The fault hook of :data:`FAULT_ENV` for one step (read on the driver)."""
    plan = os.environ.get(FAULT_ENV, "")
    want, _, text = plan.partition(":")
    if want != kind or not text:
        return lambda _name: None

    def fail(name: str) -> None:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        if text in name and ctx is not None and ctx.attemptNumber() == 0:
            raise RuntimeError("possig.spark: injected fault (%s=%s), first attempt of %s" % (FAULT_ENV, plan, name))

    return fail


@dataclasses.dataclass(frozen=True)
class Reconciliation:
    """The results of :func:`reconcile`, as Spark DataFrames (computed once, then cached)."""

    records: "DataFrame"
    """One row per journal record: ``index``, ``offset`` (in ``source``), ``status``, ``code``,
    ``warnings``, ``key_id``, ``terminal``, ``counter``, ``kind``, ``digest``, ``source``."""
    findings: "DataFrame"
    """One row per chain finding: ``finding`` (its code), ``key``, ``counter``, ``index``,
    ``offset``, ``len``, ``digest``, ``detail`` (the finding's JSON view), ``source``."""
    items: "DataFrame"
    """One row per reconciliation item, matched ones included: ``category``, ``reason``,
    ``receipt``, ``related``, ``row`` (structs, each with its ``source``), ``pending_for``."""
    rows: "DataFrame"
    """The settlement rows read (``source``, ``line``, ``terminal``, ``csv``)."""
    _cached: Tuple["DataFrame", ...] = dataclasses.field(default=(), repr=False, compare=False)

    def unpersist(self) -> None:
        """Releases the cached results (the DataFrames are recomputed if read again)."""
        for df in self._cached:
            df.unpersist()

    def counts(self) -> Dict[str, Tuple[int, int, int]]:
        """(items, receipts, rows) per category code."""
        from pyspark.sql import functions as F

        got = self.items.groupBy("category").agg(
            F.count(F.lit(1)).alias("items"),
            F.sum(F.col("receipt").isNotNull().cast("long") + F.col("related").isNotNull().cast("long")).alias("receipts"),
            F.sum(F.col("row").isNotNull().cast("long")).alias("rows"),
        )
        return {r["category"]: (r["items"], r["receipts"], r["rows"]) for r in got.collect()}

    def is_conserved(self) -> bool:
        """Every record and every settlement row is in exactly one item."""
        counts = self.counts()
        return sum(c[1] for c in counts.values()) == self.records.count() and sum(
            c[2] for c in counts.values()
        ) == self.rows.count()

    def write_parquet(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes ``records/``, ``findings/`` and ``items/`` under ``path`` (a URI, or a local
        path of the driver) as Parquet; fails if they exist. Times are written as ``TIMESTAMP(MICROS)``, the type pyarrow writes for
        ``to_arrow()``'s, so every producer's files have one schema."""
        base = os.fspath(path)
        spark = self.items.sparkSession
        key = "spark.sql.parquet.outputTimestampType"
        before = spark.conf.get(key, None)
        spark.conf.set(key, "TIMESTAMP_MICROS")
        try:
            for name in ("records", "findings", "items"):
                getattr(self, name).write.mode("errorifexists").parquet(_uri(base).rstrip("/") + "/" + name)
        finally:
            if before is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, before)


Paths = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]
"""A file or folder, or several."""


def _uri(p: Union[str, "os.PathLike[str]"]) -> str:
    """A URI (``hdfs://...``, ``s3a://...``, ``file:...``) as it is; a path without a scheme
    names a local file of the driver, resolved as Python resolves it (Spark would resolve it
    against the JVM's directory or the cluster's default file system)."""
    s = os.fspath(p)
    head = s.split("/", 1)[0]
    if head.endswith(":") and len(head) > 2:  # a scheme ("C:" is a drive)
        return s
    return pathlib.Path(s).resolve().as_uri()


def _paths(p: Paths) -> List[str]:
    if isinstance(p, (str, os.PathLike)):
        return [_uri(p)]
    return [_uri(x) for x in p]


def reconcile(
    spark: "SparkSession",
    *,
    journals: Paths,
    settlement: Paths,
    trust: TrustMaterial,
    at: Time,
    window: int = 900,
    pending_days: int = 7,
    columns: Optional[Mapping[str, str]] = None,
) -> Reconciliation:
    """Verifies every journal record and reconciles the day against the settlement file(s) on
    ``spark``'s cluster, as :func:`possig.reconcile` does on one machine.

    ``journals`` and ``settlement`` are files or folders (read recursively) on any file system
    Spark reads: URIs (``hdfs://``, ``s3a://``, ``file:`` on a shared mount), or paths without
    a scheme, which name local files of the driver (as Python resolves them; fine for
    ``local[n]``, not for executors on other machines). Several settlement files act as one,
    concatenated in the order of their paths; ``columns`` maps other banks' headers as in
    :func:`possig.reconcile`.

    The job runs before this returns, and its results are cached (the DataFrames read them;
    :meth:`Reconciliation.unpersist` releases them). A corrupt or truncated journal file does
    not fail the job: its unreadable bytes are ``malformed_record`` findings and its records
    what they verify as. A settlement file that is not CSV, or lacks a column, fails the job
    with the :class:`possig.Error` a single run raises (``settlement_malformed``,
    ``settlement_header``, ``unknown_column`` for a mapping that names no column, with its
    data), raised here; a row that does not parse is a
    ``malformed_row`` item. An unknown signer or a revoked terminal is a record's verdict."""
    return _job(spark, journals, settlement, trust, at, window, pending_days, dict(columns or {}))


@dataclasses.dataclass(frozen=True)
class Verification:
    """The results of :func:`verify`, as Spark DataFrames (computed once, then cached)."""

    records: "DataFrame"
    """One row per journal record (the columns of :attr:`Reconciliation.records`)."""
    findings: "DataFrame"
    """One row per chain finding (the columns of :attr:`Reconciliation.findings`)."""
    _of: Reconciliation = dataclasses.field(repr=False, compare=False)

    def unpersist(self) -> None:
        """Releases the cached results."""
        self._of.unpersist()


def verify(spark: "SparkSession", *, journals: Paths, trust: TrustMaterial, at: Time) -> Verification:
    """Verifies every record and every key's chain of the journals on ``spark``'s cluster, as
    :func:`possig.verify_journal` does on one machine (the journals as :func:`reconcile` reads
    them, with the same distributed semantics): the record outcomes and chain findings of
    :func:`reconcile`, without a settlement file."""
    r = _job(spark, journals, None, trust, at, 900, 7, {})
    return Verification(records=r.records, findings=r.findings, _of=r)


def _job(
    spark: "SparkSession",
    journals: Paths,
    settlement: Optional[Paths],
    trust: TrustMaterial,
    at: Time,
    window: int,
    pending_days: int,
    column_map: Dict[str, str],
) -> Reconciliation:
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    now = _seconds(at)
    material = trust._bytes()
    _store(material)  # fails here, on the driver, for trust material that does not load
    schemas = _schemas()
    split_schema = _struct_schema(piece=schemas["pieces"], finding=schemas["findings"])
    group_schema = _struct_schema(record=schemas["records"], finding=schemas["findings"], item=schemas["items"])
    fault_split = _fault("split")
    fault_group = _fault("group")

    def split_journals(batches: Iterator[ArrowBatch]) -> Iterator[ArrowBatch]:
        for path, content in _files_of(batches):
            pieces, findings = _native.journal_pieces(path, content)
            yield from _tagged(split_schema, piece=pieces, finding=findings).to_batches()
            fault_split(path)

    def split_settlement(batches: Iterator[ArrowBatch]) -> Iterator[ArrowBatch]:
        for path, content in _files_of(batches):
            try:
                rows = _native.settlement_rows(path, content, column_map)
            except _native.Error as e:
                raise _carried(e) from None
            yield from rows.to_batches()
            fault_split(path)

    def group(pieces: ArrowTable, rows: ArrowTable) -> ArrowTable:
        try:
            records, findings, items = _native.reconcile_group(
                _store(material)._native, now, pieces, rows, window=window, pending_days=pending_days
            )
        except _native.Error as e:
            raise _carried(e) from None
        terminal = pieces.column("terminal")[0].as_py() if pieces.num_rows else rows.column("terminal")[0].as_py()
        fault_group(terminal or "")
        return _tagged(group_schema, record=records, finding=findings, item=items)

    def files(paths: List[str]) -> "DataFrame":
        return spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(paths).select("path", "content")

    split = files(_paths(journals)).mapInArrow(split_journals, from_arrow_schema(split_schema)).persist()
    pieces = split.where(F.col("piece").isNotNull()).select("piece.*")
    malformed = split.where(F.col("finding").isNotNull()).select("finding.*")
    rows_schema = from_arrow_schema(schemas["rows"])
    if settlement is None:
        rows = spark.createDataFrame([], rows_schema)
    else:
        rows = files(_paths(settlement)).mapInArrow(split_settlement, rows_schema)
    rows = rows.persist()
    result = (
        pieces.groupBy("terminal")
        .cogroup(rows.groupBy("terminal"))
        .applyInArrow(group, from_arrow_schema(group_schema))
        .persist()
    )
    # Run the job now: a settlement file that cannot be read fails here with its possig error.
    try:
        result.count()
    except Exception as e:  # a Spark exception: what the worker raised is in its message
        _raise_carried(e)
        raise
    return Reconciliation(
        records=result.where(F.col("record").isNotNull()).select("record.*"),
        findings=malformed.unionByName(result.where(F.col("finding").isNotNull()).select("finding.*")),
        items=result.where(F.col("item").isNotNull()).select("item.*"),
        rows=rows,
        _cached=(split, rows, result),
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m possig.spark`` (or ``spark-submit`` of this module): reconciles a day and
    prints the items per category; ``--parquet DIR`` writes the results. Exit status 0 when
    every record and row is in exactly one item, 1 otherwise."""
    import argparse
    import warnings

    from pyspark.sql import SparkSession

    p = argparse.ArgumentParser(prog="python -m possig.spark", description=main.__doc__)
    p.add_argument("--journals", action="append", required=True, help="journal file or folder (repeatable)")
    p.add_argument("--settlement", action="append", required=True, help="settlement CSV file or folder (repeatable)")
    p.add_argument("--roots", action="append", required=True, help="trust anchor PEM (repeatable)")
    p.add_argument("--intermediates", action="append", default=[], help="terminal CA PEM (repeatable)")
    p.add_argument("--terminals", action="append", default=[], help="terminal certificate PEM (repeatable)")
    p.add_argument("--crls", action="append", default=[], help="CRL PEM (repeatable)")
    p.add_argument("--at", required=True, help="verification time, RFC 3339 UTC (2026-11-28T08:00:00Z)")
    p.add_argument("--parquet", help="write records/, findings/, items/ here")
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    args = p.parse_args(argv)
    at = _dt.datetime.fromisoformat(args.at.replace("Z", "+00:00"))
    # PySpark 4.3 warns about pandas 3 when it checks for pandas; the job itself uses Arrow only.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    builder = (
        SparkSession.builder.appName("possig")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    trust = TrustMaterial(roots=args.roots, intermediates=args.intermediates, terminals=args.terminals, crls=args.crls)
    result = reconcile(spark, journals=args.journals, settlement=args.settlement, trust=trust, at=at)
    counts = result.counts()
    print("%-24s %8s %9s %6s" % ("category", "items", "receipts", "rows"))
    for category in sorted(counts):
        print("%-24s %8d %9d %6d" % ((category,) + counts[category]))
    conserved = result.is_conserved()
    print("records %d, rows %d, conserved: %s" % (result.records.count(), result.rows.count(), conserved))
    if args.parquet:
        result.write_parquet(args.parquet)
        print("Parquet:", ", ".join(os.path.join(args.parquet, n) for n in ("records", "findings", "items")))
    return 0 if conserved else 1


if __name__ == "__main__":  # pragma: no cover
    # Through the package module, not `__main__`: Spark pickles the job's functions by
    # reference to `possig.spark`, and this process's trust store stays out of them.
    from possig.spark import main as _main

    raise SystemExit(_main())
