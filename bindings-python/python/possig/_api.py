"""The typed public API of possig. Conversion only: every rule lives in the Rust crate."""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import os
from decimal import Decimal
from typing import IO, Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native

Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
"""Bytes, or the path of a file holding them."""

Time = Union[_dt.datetime, int]
"""A timezone-aware datetime, or Unix seconds."""

UTC = _dt.timezone.utc


def _read(src: Source) -> bytes:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src)
    with open(os.fspath(src), "rb") as f:
        return f.read()


def _seconds(at: Time) -> int:
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required (e.g. datetime.now(timezone.utc))")
        return int(at.timestamp())
    if isinstance(at, bool) or not isinstance(at, int):
        raise TypeError("time must be a timezone-aware datetime or Unix seconds (int)")
    return at


def _time(ts: Optional[int]) -> Optional[_dt.datetime]:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, UTC)


def _hex(h: Optional[str]) -> Optional[bytes]:
    return None if h is None else bytes.fromhex(h)


def _amount_decimal(amount: int, exponent: int) -> Decimal:
    return Decimal(amount).scaleb(-exponent)


class TrustCounts(NamedTuple):
    """What a :class:`TrustStore` holds (a tuple, so ``(1, 1, 5, 2)`` compares equal)."""

    roots: int
    intermediates: int
    terminals: int
    crls: int


class TrustStore:
    """Trust anchors, terminal CAs, terminal certificates and CRLs (PEM bundles or DER)."""

    __slots__ = ("_native",)

    def __init__(
        self,
        *,
        roots: Sequence[Source],
        intermediates: Sequence[Source] = (),
        terminals: Sequence[Source] = (),
        crls: Sequence[Source] = (),
    ) -> None:
        self._native = _native.TrustStore(
            [_read(r) for r in roots],
            [_read(r) for r in intermediates],
            [_read(r) for r in terminals],
            [_read(r) for r in crls],
        )

    @property
    def counts(self) -> "TrustCounts":
        """What the store holds: ``TrustCounts(roots, intermediates, terminals, crls)``."""
        return TrustCounts(*self._native.counts())


@dataclasses.dataclass(frozen=True)
class PaymentFields:
    """The payment part of a receipt. Amounts are integers in minor units."""

    amount: int
    currency: str
    exponent: int
    scheme: str
    bin: str
    last4: str
    entry_mode: str
    authorization_code: Optional[str]
    rrn: str
    cardholder_verification: str
    original: Optional[bytes]
    signature_image: Optional[bytes]

    def amount_decimal(self) -> Decimal:
        """The amount in major units, exact: 1999 EUR -> Decimal('19.99')."""
        return _amount_decimal(self.amount, self.exponent)


@dataclasses.dataclass(frozen=True)
class Total:
    """One (kind, currency) total of a dayClose."""

    kind: str
    currency: str
    count: int
    amount: int


@dataclasses.dataclass(frozen=True)
class Strokes:
    """A handwritten signature captured on screen."""

    width: int
    height: int
    strokes: Tuple[Tuple[Tuple[int, int], ...], ...]


@dataclasses.dataclass(frozen=True)
class ReceiptFields:
    """A receipt's content. Trusted only inside a VerifiedReceipt."""

    digest: bytes
    version: int
    signer_key_id: bytes
    merchant_id: str
    terminal_id: str
    counter: int
    previous: bytes
    issued_at: _dt.datetime
    kind: str
    payment: Optional[PaymentFields]
    original: Optional[bytes]
    reprint_number: Optional[int]
    signature_image: Optional[bytes]
    first_counter: Optional[int]
    count: Optional[int]
    root: Optional[bytes]
    batch_number: Optional[int]
    totals: Tuple[Total, ...]
    extensions: Tuple[Tuple[str, bool, bytes], ...]
    signature: bytes
    unsigned: bool
    signature_strokes: Optional[Strokes]
    _doc: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Dict[str, Any]:
        """The content exactly as ``possig show --json`` prints it (a fresh copy)."""
        return copy.deepcopy(dict(self._doc))

    @classmethod
    def _from_view(cls, v: Mapping[str, Any]) -> "ReceiptFields":
        t = v["tbs"]
        p = t["payment"]
        s = v["signature_strokes"]
        return cls(
            digest=bytes.fromhex(v["digest"]),
            version=t["version"],
            signer_key_id=bytes.fromhex(t["signer_key_id"]),
            merchant_id=t["merchant_id"],
            terminal_id=t["terminal_id"],
            counter=t["counter"],
            previous=bytes.fromhex(t["previous"]),
            issued_at=_dt.datetime.fromtimestamp(t["issued_at"], UTC),
            kind=t["kind"],
            payment=None
            if p is None
            else PaymentFields(
                amount=p["amount"],
                currency=p["currency"],
                exponent=p["exponent"],
                scheme=p["scheme"],
                bin=p["bin"],
                last4=p["last4"],
                entry_mode=p["entry_mode"],
                authorization_code=p["authorization_code"],
                rrn=p["rrn"],
                cardholder_verification=p["cardholder_verification"],
                original=_hex(p["original"]),
                signature_image=_hex(p["signature_image"]),
            ),
            original=_hex(t["original"]),
            reprint_number=t["reprint_number"],
            signature_image=_hex(t["signature_image"]),
            first_counter=t["first_counter"],
            count=t["count"],
            root=_hex(t["root"]),
            batch_number=t["batch_number"],
            totals=tuple(Total(x["kind"], x["currency"], x["count"], x["amount"]) for x in t["totals"]),
            extensions=tuple((oid, crit, bytes.fromhex(val)) for oid, crit, val in t["extensions"]),
            signature=bytes.fromhex(v["signature"]),
            unsigned=v["unsigned"],
            signature_strokes=None
            if s is None
            else Strokes(s["width"], s["height"], tuple(tuple((x, y) for x, y in st) for st in s["strokes"])),
            _doc=v,
        )


@dataclasses.dataclass(frozen=True)
class Certificate:
    """A certificate of a verified path."""

    role: str
    subject: str
    issuer: str
    serial: str
    not_before: _dt.datetime
    not_after: _dt.datetime
    sha256: bytes


@dataclasses.dataclass(frozen=True)
class CertificateWarning:
    """Why a valid receipt deserves a second look (its code is stable), about the certificate
    at ``depth`` of its path (0 is the terminal's)."""

    code: str
    depth: int
    revoked_at: Optional[_dt.datetime]
    message: str


Warning = CertificateWarning
"""The former name of :class:`CertificateWarning` (it shadowed the builtin ``Warning``); kept
as an alias, not exported by ``from possig import *``."""


@dataclasses.dataclass(frozen=True)
class VerifiedReceipt:
    """A receipt whose signature, certificate path and attachments were verified."""

    fields: ReceiptFields
    warnings: Tuple[CertificateWarning, ...]
    path: Tuple[Certificate, ...]
    _doc: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Dict[str, Any]:
        """The outcome exactly as the CLI prints it for this receipt and time: an element of
        ``possig verify --json`` without its ``file`` (a fresh copy)."""
        return copy.deepcopy(dict(self._doc))

    @property
    def digest(self) -> bytes:
        return self.fields.digest

    @property
    def kind(self) -> str:
        return self.fields.kind

    @property
    def issued_at(self) -> _dt.datetime:
        return self.fields.issued_at

    @property
    def terminal_id(self) -> str:
        return self.fields.terminal_id

    @property
    def merchant_id(self) -> str:
        return self.fields.merchant_id

    @property
    def payment(self) -> Optional[PaymentFields]:
        return self.fields.payment

    @property
    def outcome(self) -> str:
        """'valid' or 'valid_with_warnings'."""
        return "valid_with_warnings" if self.warnings else "valid"


class Receipt:
    """A decoded receipt. Nothing in it is trusted until `verify` returns."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Receipt) -> None:
        self._native = native

    @classmethod
    def from_der(cls, data: bytes) -> "Receipt":
        return cls(_native.Receipt.from_der(bytes(data)))

    @classmethod
    def from_text(cls, text: str) -> "Receipt":
        return cls(_native.Receipt.from_text(text))

    @classmethod
    def from_qr_image(cls, image: Source) -> "Receipt":
        return cls(_native.Receipt.from_qr_image(_read(image)))

    @classmethod
    def load(cls, source: Source) -> "Receipt":
        """DER or text form (`PSR1:`), from bytes or a file."""
        data = _read(source)
        if data.lstrip().startswith(b"PSR1:"):
            return cls.from_text(data.decode("utf-8", errors="replace"))
        return cls.from_der(data)

    def to_der(self) -> bytes:
        return self._native.to_der()

    def to_text(self) -> str:
        return self._native.to_text()

    def qr_png(self, module_px: int = 4) -> bytes:
        return self._native.qr_png(module_px)

    def qr_svg(self, module_px: int = 4) -> str:
        return self._native.qr_svg(module_px)

    @property
    def digest(self) -> bytes:
        return self._native.digest()

    @property
    def key_id(self) -> bytes:
        return self._native.key_id()

    @property
    def tbs_der(self) -> bytes:
        """The exact signed bytes."""
        return self._native.tbs_der()

    @property
    def signature(self) -> bytes:
        """The 65-byte r||s||v signature."""
        return self._native.signature()

    @property
    def signature_der(self) -> bytes:
        """The signature as a DER ECDSA-Sig-Value (for third-party verifiers)."""
        return self._native.signature_der()

    @property
    def is_unsigned(self) -> bool:
        return self._native.is_unsigned()

    @property
    def unverified_fields(self) -> ReceiptFields:
        """The content as decoded: UNVERIFIED, never act on it before `verify`."""
        return ReceiptFields._from_view(self._native.view())

    def verify(self, store: TrustStore, *, at: Time, max_clock_skew: Optional[int] = None) -> VerifiedReceipt:
        v = self._native.verify(store._native, _seconds(at), max_clock_skew)
        return VerifiedReceipt(
            fields=ReceiptFields._from_view(v["receipt"]),
            warnings=tuple(CertificateWarning(w["code"], w["depth"], _time(w["revoked_at"]), w["message"]) for w in v["warnings"]),
            path=tuple(
                Certificate(
                    c["role"],
                    c["subject"],
                    c["issuer"],
                    c["serial"],
                    _dt.datetime.fromtimestamp(c["not_before"], UTC),
                    _dt.datetime.fromtimestamp(c["not_after"], UTC),
                    bytes.fromhex(c["sha256"]),
                )
                for c in v["path"]
            ),
            _doc=v,
        )


def verify(receipt: Union[Receipt, Source], store: TrustStore, *, at: Time) -> VerifiedReceipt:
    """Decodes (DER or text form) if needed, then verifies as of `at`."""
    r = receipt if isinstance(receipt, Receipt) else Receipt.load(receipt)
    return r.verify(store, at=at)


RecordOutcome = _native.RecordOutcome
"""The verdict on one journal record (a native, immutable, hashable object)."""


@dataclasses.dataclass(frozen=True)
class Finding:
    """A chain-level finding: its stable code, whether it is informational, and its data."""

    code: str
    informational: bool
    data: Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class JournalReport:
    """Every record's outcome, every chain finding, and the counts."""

    records: Tuple[RecordOutcome, ...]
    findings: Tuple[Finding, ...]
    summary: Mapping[str, Any]
    clean: bool
    _doc: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Dict[str, Any]:
        """The report exactly as ``possig journal verify --json --all-records`` prints it for the
        same input and time (a fresh copy)."""
        d = copy.deepcopy(dict(self._doc))
        d["records"] = [r.to_dict() for r in self.records]
        return d

    @property
    def invalid(self) -> Tuple[RecordOutcome, ...]:
        return tuple(r for r in self.records if r.status == "invalid")

    @property
    def problems(self) -> Tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.informational)


def _journal_report(result: Tuple[List[RecordOutcome], Dict[str, Any]]) -> JournalReport:
    records, v = result
    return JournalReport(
        records=tuple(records),
        findings=tuple(
            Finding(f["finding"], info, {k: x for k, x in f.items() if k != "finding"})
            for f, info in zip(v["findings"], v["informational"])
        ),
        summary=v["summary"],
        clean=v["clean"],
        _doc=v,
    )


Anchor = Tuple[bytes, int, bytes]
"""(key id, counter, digest) of a key's last receipt before the input."""


def verify_many(
    store: TrustStore, receipts: Iterable[Union[Receipt, Source]], *, at: Time, anchors: Sequence[Anchor] = ()
) -> JournalReport:
    """Verifies receipts given one by one, with the results of the same receipts as a journal.
    The GIL is released and all cores are used while the receipts are verified."""
    data = [r.to_der() if isinstance(r, Receipt) else _read(r) for r in receipts]
    return _journal_report(_native.verify_many(store._native, data, _seconds(at), list(anchors)))


def verify_journal(
    store: TrustStore, source: Union[Source, IO[bytes]], *, at: Time, anchors: Sequence[Anchor] = ()
) -> JournalReport:
    """Verifies a journal (bytes, a path, or a binary file object); paths are streamed."""
    if isinstance(source, (str, os.PathLike)):
        result = _native.verify_journal(store._native, _seconds(at), path=os.fspath(source), anchors=list(anchors))
    else:
        data = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else source.read()
        result = _native.verify_journal(store._native, _seconds(at), data=data, anchors=list(anchors))
    return _journal_report(result)


@dataclasses.dataclass(frozen=True)
class JournalEntry:
    """One item of a journal: a record (`data` is its bytes) or skipped bytes (`data` None)."""

    offset: int
    length: int
    data: Optional[bytes]

    def receipt(self) -> Receipt:
        """Decodes the record (raises possig.Error for skipped bytes or a bad record)."""
        if self.data is None:
            raise _native.MalformedError("bytes at offset %d are not a record" % self.offset)
        return Receipt.from_der(self.data)


def read_journal(source: Source) -> Iterator[JournalEntry]:
    """Splits a journal into its records (nothing is verified)."""
    for offset, data, length in _native.read_journal(_read(source)):
        yield JournalEntry(offset, length, data)


@dataclasses.dataclass(frozen=True)
class ReceiptFacts:
    """A receipt's key fields in a reconciliation item (verified only if `status` is valid)."""

    index: int
    offset: int
    status: str
    code: Optional[str]
    digest: Optional[bytes]
    merchant: Optional[str]
    terminal: Optional[str]
    counter: Optional[int]
    issued_at: Optional[_dt.datetime]
    kind: Optional[str]
    amount: Optional[int]
    currency: Optional[str]
    rrn: Optional[str]
    authorization_code: Optional[str]
    last4: Optional[str]
    cardholder_verification: Optional[str]


@dataclasses.dataclass(frozen=True)
class RowFacts:
    """A settlement row's fields in a reconciliation item."""

    line: int
    terminal: str
    batch: str
    rrn: str
    authorization_code: str
    amount: int
    currency: str
    time: Optional[_dt.datetime]
    kind: str
    bad_column: Optional[str]


@dataclasses.dataclass(frozen=True)
class ReconcileItem:
    """One reconciliation outcome: a receipt, a row, or both, in exactly one category."""

    category: str
    reason: Optional[str]
    receipt: Optional[ReceiptFacts]
    related: Optional[ReceiptFacts]
    row: Optional[RowFacts]
    pending_for: Optional[_dt.timedelta]

    @property
    def terminal(self) -> str:
        if self.receipt is not None and self.receipt.terminal is not None:
            return self.receipt.terminal
        return self.row.terminal if self.row is not None else ""


def _facts(r: Optional[Mapping[str, Any]]) -> Optional[ReceiptFacts]:
    if r is None:
        return None
    return ReceiptFacts(**{**r, "digest": _hex(r["digest"]), "issued_at": _time(r["issued_at"])})


def _row(r: Optional[Mapping[str, Any]]) -> Optional[RowFacts]:
    if r is None:
        return None
    return RowFacts(**{**r, "time": None if r["bad_column"] else _time(r["time"])})


@dataclasses.dataclass(frozen=True)
class CategoryCount:
    items: int
    receipts: int
    rows: int


CSV_FIELDS: Tuple[str, ...] = tuple(_native.csv_header())
"""The columns of `items.csv` (the crate's `possig_reconcile::CSV_HEADER`), also the columns
of `ReconcileReport.to_pandas()`."""


@dataclasses.dataclass(frozen=True)
class ReconcileReport:
    """Counts per category (with the conservation proof), per terminal and per hour; the journal
    summary; and the items (findings, and matched ones if asked for)."""

    receipts: int
    rows: int
    categories: Mapping[str, CategoryCount]
    terminals: Mapping[str, Mapping[str, int]]
    hours: Mapping[int, Mapping[str, int]]
    journal: Mapping[str, Any]
    conserved: bool
    clean: bool
    items: Tuple[ReconcileItem, ...]
    _doc: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> Dict[str, Any]:
        """The report exactly as ``possig reconcile`` writes ``report.json`` for the same inputs,
        options and time (a fresh copy)."""
        return copy.deepcopy(dict(self._doc))

    @property
    def findings(self) -> Tuple[ReconcileItem, ...]:
        return tuple(i for i in self.items if i.category not in ("matched", "copy", "voided", "no_settlement_expected"))

    def _rows(self) -> Iterator[Dict[str, Any]]:
        for i in self.items:
            r, w = i.receipt, i.row
            good = w if w is not None and w.bad_column is None else None
            yield {
                "category": i.category,
                "reason": i.reason,
                "terminal": i.terminal,
                "receipt_index": r.index if r else None,
                "receipt_status": r.status if r else None,
                "receipt_code": r.code if r else None,
                "digest": r.digest.hex() if r and r.digest else None,
                "merchant": r.merchant if r else None,
                "kind": r.kind if r else None,
                "issued_at": r.issued_at if r else None,
                "amount": r.amount if r else None,
                "currency": r.currency if r else None,
                "rrn": (r.rrn if r else None) or (w.rrn if w else None),
                "authorization_code": r.authorization_code if r else None,
                "last4": r.last4 if r else None,
                "cardholder_verification": r.cardholder_verification if r else None,
                "pending_days": i.pending_for.days if i.pending_for is not None else None,
                "related_digest": i.related.digest.hex() if i.related and i.related.digest else None,
                "row_line": w.line if w else None,
                "row_kind": w.kind if w else None,
                "row_time": good.time if good else None,
                "row_amount": good.amount if good else None,
                "row_currency": w.currency if w else None,
                "row_bad_column": w.bad_column if w else None,
            }

    def to_pandas(self) -> Any:
        """The items as a pandas DataFrame (requires pandas, an optional dependency)."""
        try:
            import pandas  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError as e:
            raise ImportError("to_pandas() needs pandas: pip install possig[pandas]") from e
        return pandas.DataFrame(list(self._rows()), columns=list(CSV_FIELDS))


def reconcile(
    store: TrustStore,
    *,
    journals: Sequence[Source],
    settlement: Source,
    at: Time,
    window: int = 900,
    pending_days: int = 7,
    columns: Optional[Mapping[str, str]] = None,
    include_matched: bool = False,
    items_csv: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> ReconcileReport:
    """Verifies the journals (read as one stream) and reconciles them with the settlement CSV.
    Paths are streamed from disk; the GIL is released while the crate works.

    `items` holds the findings (and the matched items with `include_matched=True`);
    `items_csv`, if given, receives every item, one line each (the CLI's `items.csv`)."""
    paths: List[str] = []
    chunks: List[bytes] = []
    for j in journals:
        if isinstance(j, (str, os.PathLike)):
            if chunks:
                raise TypeError("give journals either all as paths or all as bytes")
            paths.append(os.fspath(j))
        else:
            if paths:
                raise TypeError("give journals either all as paths or all as bytes")
            chunks.append(bytes(j))
    kw: Dict[str, Any] = {
        "window": window,
        "pending_days": pending_days,
        "columns": dict(columns or {}),
        "include_matched": include_matched,
        "items_csv": None if items_csv is None else os.fspath(items_csv),
    }
    if paths:
        kw["journal_paths"] = paths
    else:
        kw["journal_data"] = b"".join(chunks)
    if isinstance(settlement, (str, os.PathLike)):
        kw["settlement_path"] = os.fspath(settlement)
    else:
        kw["settlement_data"] = bytes(settlement)
    v = _native.reconcile(store._native, _seconds(at), **kw)
    rep = v["report"]
    return ReconcileReport(
        receipts=rep["receipts"],
        rows=rep["rows"],
        categories={k: CategoryCount(**c) for k, c in rep["categories"].items()},
        terminals=rep["terminals"],
        hours={int(k): c for k, c in rep["hours"].items()},
        journal=rep["journal"],
        conserved=v["conserved"],
        clean=v["clean"],
        items=tuple(
            ReconcileItem(
                category=i["category"],
                reason=i["reason"],
                receipt=_facts(i["receipt"]),
                related=_facts(i["related"]),
                row=_row(i["row"]),
                pending_for=None if i["pending_for"] is None else _dt.timedelta(seconds=i["pending_for"]),
            )
            for i in v["items"]
        ),
        _doc=v,
    )


@dataclasses.dataclass(frozen=True)
class SimulatedDay:
    """A simulated day: the journal, the settlement file and the findings it must produce."""

    journal: bytes
    settlement_csv: str
    expected: Tuple[Tuple[str, str, str, str], ...]


def simulate_day(
    terminals: Sequence[Tuple[_native.SigningKey, str, str, Optional[int]]],
    *,
    day_start: Time,
    per_terminal: int = 200,
    seed: int = 1,
) -> SimulatedDay:
    """Simulates a day on (key, merchant id, terminal id, revoked at or None) terminals."""
    journal, settlement, expected = _native.simulate_day(
        [(k, m, t, None if r is None else _seconds(r)) for k, m, t, r in terminals],
        _seconds(day_start),
        per_terminal,
        seed,
    )
    return SimulatedDay(journal, settlement, tuple(expected))


StrokesArg = Tuple[int, int, Sequence[Sequence[Tuple[int, int]]]]
"""(canvas width, canvas height, pen-down strokes as (x, y) points)."""


def _strokes(s: Optional[StrokesArg]) -> Optional[Tuple[int, int, List[List[Tuple[int, int]]]]]:
    return None if s is None else (s[0], s[1], [[(x, y) for x, y in st] for st in s[2]])


class Draft:
    """A built receipt, not yet signed."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Draft) -> None:
        self._native = native

    def tbs_der(self) -> bytes:
        """The exact bytes to sign."""
        return self._native.tbs_der()

    def sign(self, key: _native.SigningKey) -> Receipt:
        """Signs (RFC 6979, low-S, recovery id) and checks the signature."""
        return Receipt(self._native.sign(key))

    def with_signature(self, signature_der: bytes, public_key_der: bytes) -> Receipt:
        """Attaches a DER ECDSA signature made elsewhere (an HSM, pyca/cryptography) over
        `tbs_der()` by the key whose SubjectPublicKeyInfo DER is given; it is normalised to
        low-S, its recovery id computed, and it must verify (else `signer_failed`)."""
        return Receipt(self._native.with_signature(bytes(signature_der), bytes(public_key_der)))


def build_receipt(
    kind: str,
    *,
    signer_key_id: bytes,
    merchant_id: str,
    terminal_id: str,
    counter: int,
    previous: bytes,
    issued_at: Time,
    payment: Optional[_native.Payment] = None,
    copy_of: Optional[Tuple[bytes, int]] = None,
    resign_of: Optional[bytes] = None,
    strokes: Optional[StrokesArg] = None,
) -> Draft:
    """A receipt at an explicit chain position (counter, previous receipt digest)."""
    return Draft(
        _native.build_receipt(
            kind,
            signer_key_id=signer_key_id,
            merchant_id=merchant_id,
            terminal_id=terminal_id,
            counter=counter,
            previous=previous,
            issued_at=_seconds(issued_at),
            payment=payment,
            copy_of=copy_of,
            resign_of=resign_of,
            strokes=_strokes(strokes),
        )
    )


class Terminal:
    """A terminal: its key and chain (counter, previous digest), outage and batch state."""

    __slots__ = ("_native",)

    def __init__(self, key: _native.SigningKey, merchant_id: str, terminal_id: str) -> None:
        self._native = _native.Terminal(key, merchant_id, terminal_id)

    def sign(
        self,
        kind: str,
        issued_at: Time,
        *,
        payment: Optional[_native.Payment] = None,
        copy_of: Optional[Tuple[bytes, int]] = None,
        resign_of: Optional[bytes] = None,
        strokes: Optional[StrokesArg] = None,
        unsigned: bool = False,
    ) -> Receipt:
        """The next receipt of the chain; `unsigned=True` records it during a signer outage."""
        return Receipt(
            self._native.sign(
                kind,
                _seconds(issued_at),
                payment=payment,
                copy_of=copy_of,
                resign_of=resign_of,
                strokes=_strokes(strokes),
                unsigned=unsigned,
            )
        )

    def recover(self, issued_at: Time) -> Receipt:
        """The recovery receipt covering the unsigned records since the last signed one."""
        return Receipt(self._native.recover(_seconds(issued_at)))

    def close_day(self, issued_at: Time) -> Receipt:
        """The dayClose of the open batch (count, totals, Merkle root)."""
        return Receipt(self._native.close_day(_seconds(issued_at)))

    def next_counter(self) -> int:
        return self._native.next_counter()

    def key_id(self) -> bytes:
        return self._native.key_id()
