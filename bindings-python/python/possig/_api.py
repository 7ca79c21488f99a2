"""Conveniences over the native module: inputs as bytes or paths, times as datetimes, named
records for arguments. The views themselves are native classes (``possig._native``); every
rule lives in the Rust crate."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
from typing import IO, Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._native import JournalReport, ReceiptFields, ReconcileReport, VerifiedReceipt

Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
"""Bytes, or the path of a file holding them."""

Time = Union[_dt.datetime, int]
"""A timezone-aware datetime, or Unix seconds."""

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
        return self._native.view()

    def verify(self, store: TrustStore, *, at: Time, max_clock_skew: Optional[int] = None) -> VerifiedReceipt:
        """Verifies signature, certificate path (as of the receipt's time) and attachments as
        of `at`; raises a `possig.Error` subclass if anything fails."""
        return self._native.verify(store._native, _seconds(at), max_clock_skew)


def verify(receipt: Union[Receipt, Source], store: TrustStore, *, at: Time) -> VerifiedReceipt:
    """Decodes (DER or text form) if needed, then verifies as of `at`."""
    r = receipt if isinstance(receipt, Receipt) else Receipt.load(receipt)
    return r.verify(store, at=at)


class Anchor(NamedTuple):
    """The last receipt of a key before the input: journals verified piece by piece continue
    its chain instead of reporting a chain start."""

    key_id: bytes
    counter: int
    digest: bytes


def _anchors(anchors: Sequence[Anchor]) -> List[Tuple[bytes, int, bytes]]:
    out = []
    for i, a in enumerate(anchors):
        if not isinstance(a, tuple) or len(a) != 3:
            raise TypeError("anchors[%d] must be an Anchor(key_id, counter, digest)" % i)
        key_id, counter, digest = a
        if not isinstance(key_id, bytes) or not isinstance(digest, bytes):
            raise TypeError("anchors[%d]: key_id and digest must be bytes" % i)
        if isinstance(counter, bool) or not isinstance(counter, int):
            raise TypeError("anchors[%d]: counter must be an int" % i)
        out.append((key_id, counter, digest))
    return out


def verify_many(
    store: TrustStore, receipts: Iterable[Union[Receipt, Source]], *, at: Time, anchors: Sequence[Anchor] = ()
) -> JournalReport:
    """Verifies receipts given one by one, with the results of the same receipts as a journal.
    The GIL is released and all cores are used while the receipts are verified."""
    data = [r.to_der() if isinstance(r, Receipt) else _read(r) for r in receipts]
    return _native.verify_many(store._native, data, _seconds(at), _anchors(anchors))


def verify_journal(
    store: TrustStore, source: Union[Source, IO[bytes]], *, at: Time, anchors: Sequence[Anchor] = ()
) -> JournalReport:
    """Verifies a journal (bytes, a path, or a binary file object); paths are streamed."""
    if isinstance(source, (str, os.PathLike)):
        return _native.verify_journal(store._native, _seconds(at), path=os.fspath(source), anchors=_anchors(anchors))
    data = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else source.read()
    return _native.verify_journal(store._native, _seconds(at), data=data, anchors=_anchors(anchors))


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


CSV_FIELDS: Tuple[str, ...] = tuple(_native.csv_header())
"""The columns of `items.csv` (the crate's `possig_reconcile::CSV_HEADER`), also the columns
of `ReconcileReport.to_pandas()`."""


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
    return _native.reconcile(store._native, _seconds(at), **kw)


class ExpectedFinding(NamedTuple):
    """A finding a simulated day must produce (a tuple, so it sorts and compares as one)."""

    category: str
    reason: str
    terminal: str
    rrn: str


@dataclasses.dataclass(frozen=True)
class SimulatedDay:
    """A simulated day: the journal, the settlement file and the findings it must produce."""

    journal: bytes
    settlement_csv: str
    expected: Tuple[ExpectedFinding, ...]


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
    return SimulatedDay(journal, settlement, tuple(ExpectedFinding(*e) for e in expected))


StrokesArg = Union[_native.Strokes, Tuple[int, int, Sequence[Sequence[Tuple[int, int]]]]]
"""A captured signature: a `Strokes` (as a verified receipt shows it), or (canvas width,
canvas height, pen-down strokes as (x, y) points)."""


class CopyOf(NamedTuple):
    """What a `copy` reprints: the original receipt's digest and the reprint's number."""

    original: bytes
    reprint_number: int


def _strokes(s: Optional[StrokesArg]) -> Optional[Tuple[int, int, List[List[Tuple[int, int]]]]]:
    if s is None:
        return None
    if isinstance(s, _native.Strokes):
        return (s.width, s.height, [list(st) for st in s.strokes])
    return (s[0], s[1], [[(x, y) for x, y in st] for st in s[2]])


def _copy_of(c: Optional[Tuple[bytes, int]]) -> Optional[Tuple[bytes, int]]:
    if c is None:
        return None
    if not isinstance(c, tuple) or len(c) != 2:
        raise TypeError("copy_of must be a CopyOf(original, reprint_number)")
    return (c[0], c[1])


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
    copy_of: Optional[CopyOf] = None,
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
            copy_of=_copy_of(copy_of),
            resign_of=resign_of,
            strokes=_strokes(strokes),
        )
    )


class Terminal:
    """A terminal: its key and chain (counter, previous digest), outage and batch state.

    ``Terminal(key, merchant_id, terminal_id)`` keeps the state in this object only.
    ``Terminal.init(path, ...)`` and ``Terminal.open(path, key)`` keep it in a durable signer
    state, the directory the CLI's ``possig terminal`` uses: each receipt is appended to
    ``journal.der`` and synced before it is returned, a crash never makes two returned receipts
    share a counter, and one signer (process or thread) at a time holds the state. Use it as a
    context manager, or call :meth:`close`, to release it."""

    __slots__ = ("_native",)

    def __init__(self, key: _native.SigningKey, merchant_id: str, terminal_id: str) -> None:
        self._native = _native.Terminal(key, merchant_id, terminal_id)

    @classmethod
    def _wrap(cls, native: _native.Terminal) -> "Terminal":
        t = cls.__new__(cls)
        t._native = native
        return t

    @classmethod
    def init(
        cls,
        path: "Union[str, os.PathLike[str]]",
        key: _native.SigningKey,
        merchant_id: str,
        terminal_id: str,
    ) -> "Terminal":
        """Starts the key's chain in a new signer state at ``path`` (created; an existing
        state is :class:`SignerStateError` ``already_initialized``) and opens it."""
        return cls._wrap(_native.Terminal.init(os.fspath(path), key, merchant_id, terminal_id))

    @classmethod
    def open(
        cls,
        path: "Union[str, os.PathLike[str]]",
        key: Optional[_native.SigningKey] = None,
        *,
        wait: bool = True,
    ) -> "Terminal":
        """Opens the signer state at ``path`` for ``key``: waits for another signer to close it
        (``wait=False``: :class:`SignerStateError` ``locked`` at once). A state that was never
        started is ``not_initialized``, never a new chain; a corrupt one ``state_corrupt``
        (``.index`` its line, ``.offset`` its column), left as it is. Without ``key`` (the
        signer is down) it records only unsigned receipts (``sign(..., unsigned=True)``);
        signing, ``recover`` and ``close_day`` raise ``ValueError``."""
        return cls._wrap(_native.Terminal.open(os.fspath(path), key, wait=wait))

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Releases a stored terminal's signer state (later calls raise ``ValueError``)."""
        self._native.close()

    @property
    def path(self) -> Optional[str]:
        """The signer state's directory, or None for a terminal in memory."""
        p = self._native.path()
        return None if p is None else os.fspath(p)

    @property
    def is_retired(self) -> bool:
        """Whether this stored key was rotated: its state signs no more."""
        return self._native.is_retired()

    def sign(
        self,
        kind: str,
        issued_at: Time,
        *,
        payment: Optional[_native.Payment] = None,
        copy_of: Optional[CopyOf] = None,
        resign_of: Optional[bytes] = None,
        strokes: Optional[StrokesArg] = None,
        unsigned: bool = False,
    ) -> Receipt:
        """The next receipt of the chain; `unsigned=True` records it during a signer outage.
        A stored terminal returns it only once it is on disk."""
        return Receipt(
            self._native.sign(
                kind,
                _seconds(issued_at),
                payment=payment,
                copy_of=_copy_of(copy_of),
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

    def rotate(
        self, new_key: _native.SigningKey, path: "Optional[Union[str, os.PathLike[str]]]" = None
    ) -> "Terminal":
        """The terminal's next key, whose first receipt names this key's last one. A stored
        terminal needs ``path`` for the new key's signer state; this state is retired first
        (it signs no more)."""
        p = None if path is None else os.fspath(path)
        return Terminal._wrap(self._native.rotate(new_key, p))

    def next_counter(self) -> int:
        """The counter of the next receipt."""
        return self._native.next_counter()

    def key_id(self) -> bytes:
        """The terminal key's id."""
        return self._native.key_id()


