"""Private native module of possig (Rust, pyo3). Use the typed ``possig`` package instead."""

import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple, final

from typing_extensions import Self

from ._enums import (
    CardholderVerification,
    Category,
    CertificateRole,
    EntryMode,
    ErrorCode,
    ErrorKind,
    FindingCode,
    Reason,
    ReceiptKind,
    Status,
    WarningCode,
)

__all__ = [
    "CategoryCount",
    "Certificate",
    "CertificateError",
    "CertificateWarning",
    "Counts",
    "Draft",
    "Error",
    "Extension",
    "Finding",
    "IoError",
    "JournalReport",
    "JournalSummary",
    "LimitError",
    "MalformedError",
    "Payment",
    "PaymentFields",
    "Receipt",
    "ReceiptFacts",
    "ReceiptFields",
    "ReconcileItem",
    "ReconcileReport",
    "RecordOutcome",
    "RowFacts",
    "SignatureError",
    "SignerStateError",
    "SigningKey",
    "Strokes",
    "Terminal",
    "TimeError",
    "Total",
    "TrustStore",
    "UntrustedSignerError",
    "VerifiedReceipt",
    "build_receipt",
    "csv_header",
    "error_codes",
    "journal_pieces",
    "read_journal",
    "reconcile",
    "reconcile_group",
    "settlement_rows",
    "simulate_day",
    "verify_journal",
    "verify_many",
    "vocabularies",
]

class Error(ValueError):
    """Base of every possig error. ``code`` is the crate's stable error code; ``kind`` its family
    (``malformed``, ``limit``, ``untrusted_signer``, ``certificate``, ``signature``, ``time``,
    ``io``, ``signer_state``), which also picks the subclass."""

    code: ErrorCode
    kind: ErrorKind
    message: str
    structure: Optional[str]
    offset: Optional[int]
    field: Optional[str]
    limit: Optional[str]
    actual: Optional[int]
    depth: Optional[int]
    reason: Optional[str]
    revoked_at: Optional[int]
    key_id: Optional[bytes]
    version: Optional[int]
    index: Optional[int]
    line: Optional[int]

class MalformedError(Error):
    """Not a well-formed receipt, text form, image or settlement file (malformed,
    trailing_data, unsupported_version, invalid_field, unknown_critical_extension, invalid_text,
    qr_unreadable, settlement_header, settlement_malformed)."""

class LimitError(Error):
    """Untrusted input above a named limit (limit_exceeded: ``limit``, ``actual``)."""

class UntrustedSignerError(Error):
    """No terminal certificate in the trust store has the receipt's key id (unknown_signer)."""

class CertificateError(Error):
    """Certificate path invalid, expired, not yet valid or revoked at issue time, or a key or
    algorithm other than P-256 / ECDSA-SHA256."""

class SignatureError(Error):
    """The signature does not verify, is high-S, has a wrong recovery id, is absent
    (unsigned), an attachment does not match, a signer failed, or an inclusion proof is wrong."""

class TimeError(Error):
    """The receipt claims to be issued after the verification time (issued_in_future)."""

class SignerStateError(Error):
    """A terminal's durable signer state refuses (kind ``signer_state``): ``locked``,
    ``not_initialized``, ``already_initialized``, ``state_corrupt`` (``.index`` line,
    ``.offset`` column), ``state_lost``, ``journal_truncated``, ``journal_lost``,
    ``journal_corrupt``, ``journal_mismatch``, ``retired``, ``wrong_key``, ``state_mismatch``,
    ``commit_failed``."""

class IoError(OSError):
    """Reading an input failed (io): an ``OSError``, not a ``possig.Error`` (a data problem).
    ``.code`` is ``io``, ``.kind`` is ``io``."""

    code: ErrorCode
    kind: ErrorKind
    message: str

def csv_header() -> List[str]:
    """The columns of ``items.csv`` (the crate's ``possig::reconcile::CSV_HEADER``)."""

def error_codes() -> List[str]:
    """Every error code the crate can return."""

def vocabularies() -> List[Tuple[str, List[str]]]:
    """Every closed vocabulary as (enum class name, values): what ``possig/_enums.py`` is
    generated from."""

@final
class TrustStore:
    """Roots, intermediates, terminal certificates and CRLs (PEM bundles or DER bytes)."""

    def __new__(
        cls,
        roots: Sequence[bytes],
        intermediates: Sequence[bytes] = ...,
        terminals: Sequence[bytes] = ...,
        crls: Sequence[bytes] = ...,
    ) -> Self: ...
    def counts(self) -> Tuple[int, int, int, int]:
        """(roots, intermediates, terminals, CRLs)."""

@final
class Receipt:
    """A decoded receipt; nothing in it is trusted before ``verify``."""

    @staticmethod
    def from_der(data: bytes) -> "Receipt":
        """Strict DER decoding with the format's rules and limits."""
    @staticmethod
    def from_text(text: str) -> "Receipt":
        """The text form: ``PSR1:`` and Base45; surrounding whitespace allowed."""
    @staticmethod
    def from_qr_image(data: bytes) -> "Receipt":
        """The one QR code in a PNG or JPEG image."""
    def to_der(self) -> bytes:
        """DER encoding (equal to the input for a decoded receipt)."""
    def to_text(self) -> str:
        """The text form (without attachments)."""
    def qr_png(self, module_px: int = 4) -> bytes:
        """The QR code (ECC M) as a PNG."""
    def qr_svg(self, module_px: int = 4) -> str:
        """The QR code (ECC M) as an SVG document."""
    def digest(self) -> bytes:
        """SHA-256 receipt digest (what chains, originals and journals refer to)."""
    def key_id(self) -> bytes:
        """The signer key id claimed by the receipt."""
    def tbs_der(self) -> bytes:
        """The exact signed bytes."""
    def signature(self) -> bytes:
        """The 65-byte r||s||v signature."""
    def signature_der(self) -> bytes:
        """The signature as a DER ECDSA-Sig-Value."""
    def is_unsigned(self) -> bool:
        """An unsigned record written during a signer outage."""
    def view(self) -> ReceiptFields:
        """The decoded content, UNVERIFIED."""
    def verify(self, store: TrustStore, now: int, max_clock_skew: Optional[int] = None) -> VerifiedReceipt:
        """Verifies as of ``now`` (Unix seconds); returns the verified receipt, or raises."""

@final
class SigningKey:
    """A P-256 signing key, zeroized when dropped."""

    @staticmethod
    def generate() -> "SigningKey":
        """A new key from the operating system's secure random generator."""
    @staticmethod
    def from_pem(pem: str) -> "SigningKey":
        """A PKCS#8 PEM private key."""
    @staticmethod
    def from_bytes(secret: bytes) -> "SigningKey":
        """32 secret bytes (test keys, simulators)."""
    def to_pem(self) -> str:
        """PKCS#8 PEM of the private key."""
    def public_key_der(self) -> bytes:
        """SubjectPublicKeyInfo DER of the public key."""
    def key_id(self) -> bytes:
        """SHA-256 of the SubjectPublicKeyInfo: the receipts' signerKeyId."""

@final
class Payment:
    """The payment fields of a sale, refund, void, preauth or completion."""

    def __new__(
        cls,
        amount: int,
        currency: str,
        scheme: str,
        bin: str,
        last4: str,
        entry_mode: str,
        rrn: str,
        cardholder_verification: str,
        authorization_code: Optional[str] = None,
        original: Optional[bytes] = None,
    ) -> Self: ...

@final
class Draft:
    """A built receipt, not yet signed."""

    def tbs_der(self) -> bytes:
        """The exact bytes to sign."""
    def sign(self, key: SigningKey) -> Receipt:
        """Signs (RFC 6979, low-S, recovery id) and checks the signature."""
    def with_signature(self, signature_der: bytes, public_key_der: bytes) -> Receipt:
        """Attaches a DER ECDSA signature made elsewhere over ``tbs_der()``."""

def build_receipt(
    kind: str,
    *,
    signer_key_id: bytes,
    merchant_id: str,
    terminal_id: str,
    counter: int,
    previous: bytes,
    issued_at: int,
    payment: Optional[Payment] = None,
    copy_of: Optional[Tuple[bytes, int]] = None,
    resign_of: Optional[bytes] = None,
    strokes: Optional[Tuple[int, int, List[List[Tuple[int, int]]]]] = None,
) -> Draft:
    """A receipt at an explicit chain position (counter, previous digest)."""

@final
class Terminal:
    """A terminal's key and its chain, outage and batch state: in memory, or in a durable
    signer state (a directory) with ``init`` / ``open``."""

    def __new__(cls, key: SigningKey, merchant_id: str, terminal_id: str) -> Self: ...
    @staticmethod
    def init(path: str, key: SigningKey, merchant_id: str, terminal_id: str) -> Terminal:
        """Starts the key's chain in a new signer state at ``path``."""
    @staticmethod
    def open(path: str, key: Optional[SigningKey] = None, *, wait: bool = True) -> Terminal:
        """Opens the signer state at ``path`` (waiting for another signer, or ``locked``);
        without a key, for unsigned (outage) records only."""
    def sign(
        self,
        kind: str,
        issued_at: int,
        *,
        payment: Optional[Payment] = None,
        copy_of: Optional[Tuple[bytes, int]] = None,
        resign_of: Optional[bytes] = None,
        strokes: Optional[Tuple[int, int, List[List[Tuple[int, int]]]]] = None,
        unsigned: bool = False,
    ) -> Receipt:
        """The next receipt of the chain (``unsigned=True`` records it during an outage)."""
    def recover(self, issued_at: int) -> Receipt:
        """The recovery receipt covering the unsigned records since the last signed one."""
    def close_day(self, issued_at: int) -> Receipt:
        """The dayClose of the open batch."""
    def rotate(self, new_key: SigningKey, path: Optional[str] = None) -> Terminal:
        """The next key (a stored terminal: its new signer state at ``path``)."""
    def close(self) -> None:
        """Releases a stored terminal's signer state."""
    def path(self) -> Optional[str]:
        """The signer state's directory (None in memory)."""
    def is_retired(self) -> bool:
        """Whether this stored key was rotated."""
    def next_counter(self) -> int:
        """The counter of the next receipt."""
    def key_id(self) -> bytes:
        """The terminal key's id."""

@final
class RecordOutcome:
    """The verdict on one journal record, in input order. Immutable, comparable and hashable.

    Fields other than ``index``, ``offset``, ``status``, ``code`` and ``warnings`` are what the
    record claims: verified only when ``status`` is ``valid`` or ``valid_with_warnings``."""

    @property
    def index(self) -> int:
        """Position of the record in the input (0-based; skipped bytes are not counted)."""
    @property
    def offset(self) -> int:
        """Byte offset of the record in its journal (0 for receipts given one by one)."""
    @property
    def status(self) -> Status:
        """``valid``, ``valid_with_warnings``, ``invalid`` or ``unsigned``."""
    @property
    def code(self) -> Optional[ErrorCode]:
        """The stable error code when ``invalid`` (as ``possig.Error.code``), else None."""
    @property
    def warnings(self) -> Tuple[WarningCode, ...]:
        """Warning codes when ``valid_with_warnings`` (e.g. ``no_revocation_info``)."""
    @property
    def key_id(self) -> Optional[bytes]:
        """The signer's 32-byte key id, when the record decodes."""
    @property
    def terminal(self) -> Optional[str]:
        """The terminal id the record claims, when it decodes."""
    @property
    def counter(self) -> Optional[int]:
        """The counter the record claims, when it decodes."""
    @property
    def kind(self) -> Optional[ReceiptKind]:
        """The receipt kind the record claims (``sale``, ``refund``, ...), when it decodes."""
    @property
    def digest(self) -> Optional[bytes]:
        """The receipt's 32-byte digest (what chains and copies refer to), when it decodes."""
    def to_dict(self) -> Dict[str, Any]:
        """The outcome as ``possig journal verify --json`` prints it in ``records``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        """Pickling: the fields Python sees."""
    @staticmethod
    def _restore(state: Tuple[Any, ...]) -> "RecordOutcome":
        """The outcome ``__reduce__`` described."""

def verify_many(
    store: TrustStore, receipts: List[bytes], now: int, anchors: List[Tuple[bytes, int, bytes]] = ...
) -> JournalReport:
    """Journal verification of receipts given one by one (all cores, GIL released)."""

def verify_journal(
    store: TrustStore,
    now: int,
    *,
    data: Optional[bytes] = None,
    path: Optional[str] = None,
    anchors: List[Tuple[bytes, int, bytes]] = ...,
) -> JournalReport:
    """Journal verification of bytes or a file (streamed)."""

def read_journal(data: bytes) -> List[Tuple[int, Optional[bytes], int]]:
    """(offset, record bytes or None for skipped bytes, length) per journal item."""

def reconcile(
    store: TrustStore,
    now: int,
    *,
    journal_data: Optional[bytes] = None,
    journal_paths: List[str] = ...,
    settlement_data: Optional[bytes] = None,
    settlement_path: Optional[str] = None,
    window: int = ...,
    pending_days: int = ...,
    columns: Dict[str, str] = ...,
    include_matched: bool = False,
    items_csv: Optional[str] = None,
) -> ReconcileReport:
    """Reconciliation of journals against a settlement CSV; every item also written to
    ``items_csv`` if given."""

def journal_pieces(source: str, data: bytes) -> Tuple[Any, Any]:
    """A journal file cut into (records, malformed_record findings), two ``pyarrow.Table``s
    (``possig_arrow::partition``): each record with its position in ``source`` and the
    terminal id it claims, unverified."""

def settlement_rows(source: str, data: bytes, columns: Dict[str, str]) -> Any:
    """A settlement file cut into its rows (a ``pyarrow.Table``: source, line, terminal and
    the row in the default column order)."""

def reconcile_group(
    store: TrustStore,
    now: int,
    pieces: Any,
    rows: Any,
    *,
    window: int,
    pending_days: int,
) -> Tuple[Any, Any, Any]:
    """One terminal's (records, findings, items) ``pyarrow.Table``s from its pieces and rows
    (objects exporting an Arrow stream: ``pyarrow.Table``), in any order."""

def simulate_day(
    terminals: List[Tuple[SigningKey, str, str, Optional[int]]],
    day_start: int,
    per_terminal: int,
    seed: int,
) -> Tuple[bytes, str, List[Tuple[str, str, str, str]]]:
    """A simulated day: journal, settlement CSV and expected findings."""

@final
class PaymentFields:
    """The payment part of a receipt. Amounts are integers in minor units."""

    @property
    def amount(self) -> int:
        """Amount in minor units (1999 is 19.99 EUR)."""
    @property
    def currency(self) -> str:
        """ISO 4217 alphabetic code."""
    @property
    def exponent(self) -> int:
        """Minor-unit exponent of the currency (2 for EUR, 0 for JPY)."""
    @property
    def display(self) -> str:
        """The amount as people read it: ``19.99 EUR``."""
    @property
    def scheme(self) -> str:
        """Card scheme."""
    @property
    def bin(self) -> str:
        """The card number's first digits."""
    @property
    def last4(self) -> str:
        """The card number's last four digits."""
    @property
    def entry_mode(self) -> EntryMode:
        """How the card was read."""
    @property
    def authorization_code(self) -> Optional[str]:
        """The issuer's authorization code, when there is one."""
    @property
    def rrn(self) -> str:
        """Retrieval reference number."""
    @property
    def cardholder_verification(self) -> CardholderVerification:
        """How the cardholder was verified."""
    @property
    def original(self) -> Optional[bytes]:
        """Digest of the receipt a refund, void or completion refers to."""
    @property
    def signature_image(self) -> Optional[bytes]:
        """Digest of the captured signature's attachment."""
    def amount_decimal(self) -> Decimal:
        """The amount in major units, exact: 1999 EUR -> Decimal('19.99')."""
    def to_dict(self) -> Dict[str, Any]:
        """The payment as ``possig show --json`` prints it in ``tbs.payment``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Total:
    """One (kind, currency) total of a dayClose."""

    @property
    def kind(self) -> ReceiptKind:
        """The receipt kind totalled."""
    @property
    def currency(self) -> str:
        """ISO 4217 alphabetic code."""
    @property
    def count(self) -> int:
        """Receipts of this kind and currency in the batch."""
    @property
    def amount(self) -> int:
        """Their amount in minor units."""
    @property
    def display(self) -> str:
        """The amount as people read it."""
    def to_dict(self) -> Dict[str, Any]:
        """The total as ``possig show --json`` prints it."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Strokes:
    """A handwritten signature captured on screen."""

    @property
    def width(self) -> int:
        """Canvas width."""
    @property
    def height(self) -> int:
        """Canvas height."""
    @property
    def strokes(self) -> Tuple[Tuple[Tuple[int, int], ...], ...]:
        """Pen-down strokes as (x, y) points."""
    def to_dict(self) -> Dict[str, Any]:
        """The strokes as ``possig show --json`` prints them."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Extension:
    """A receipt extension."""

    @property
    def oid(self) -> str:
        """Its OID, dotted."""
    @property
    def critical(self) -> bool:
        """Whether a reader that does not know it must reject the receipt."""
    @property
    def value(self) -> bytes:
        """Its DER value."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReceiptFields:
    """A receipt's content. Trusted only inside a ``VerifiedReceipt``."""

    @property
    def digest(self) -> bytes:
        """SHA-256 receipt digest."""
    @property
    def version(self) -> int:
        """Format version."""
    @property
    def signer_key_id(self) -> bytes:
        """SHA-256 of the signer's SubjectPublicKeyInfo."""
    @property
    def merchant_id(self) -> str:
        """Merchant id."""
    @property
    def terminal_id(self) -> str:
        """Terminal id."""
    @property
    def counter(self) -> int:
        """Position in the key's chain."""
    @property
    def previous(self) -> bytes:
        """Digest of the key's previous receipt (zeros at a chain start)."""
    @property
    def issued_at(self) -> datetime.datetime:
        """When the receipt was issued (UTC)."""
    @property
    def kind(self) -> ReceiptKind:
        """The receipt kind."""
    @property
    def payment(self) -> Optional[PaymentFields]:
        """The payment of a sale, refund, void, preauth or completion."""
    @property
    def original(self) -> Optional[bytes]:
        """Digest of the receipt a copy or resign refers to."""
    @property
    def reprint_number(self) -> Optional[int]:
        """A copy's reprint number."""
    @property
    def signature_image(self) -> Optional[bytes]:
        """Digest of a resign's captured signature."""
    @property
    def first_counter(self) -> Optional[int]:
        """First counter a recovery or dayClose covers."""
    @property
    def count(self) -> Optional[int]:
        """Receipts a recovery or dayClose covers."""
    @property
    def root(self) -> Optional[bytes]:
        """Merkle root of a recovery or dayClose."""
    @property
    def batch_number(self) -> Optional[int]:
        """A dayClose's batch number."""
    @property
    def totals(self) -> Tuple[Total, ...]:
        """A dayClose's totals."""
    @property
    def extensions(self) -> Tuple[Extension, ...]:
        """Extensions."""
    @property
    def signature(self) -> bytes:
        """The 65-byte r||s||v signature."""
    @property
    def unsigned(self) -> bool:
        """An unsigned record written during a signer outage."""
    @property
    def signature_strokes(self) -> Optional[Strokes]:
        """The captured signature, when its attachment is present."""
    def to_dict(self) -> Dict[str, Any]:
        """The content exactly as ``possig show --json`` prints it."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Certificate:
    """A certificate of a verified path."""

    @property
    def role(self) -> CertificateRole:
        """Root, intermediate or terminal."""
    @property
    def subject(self) -> str:
        """Subject name."""
    @property
    def issuer(self) -> str:
        """Issuer name."""
    @property
    def serial(self) -> str:
        """Serial number, hex."""
    @property
    def not_before(self) -> datetime.datetime:
        """Start of validity (UTC)."""
    @property
    def not_after(self) -> datetime.datetime:
        """End of validity (UTC)."""
    @property
    def sha256(self) -> bytes:
        """SHA-256 of the certificate's DER."""
    def to_dict(self) -> Dict[str, Any]:
        """The certificate as ``possig verify --json`` prints it in ``path``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CertificateWarning:
    """Why a valid receipt deserves a second look, about the certificate at ``depth`` of its
    path (0 is the terminal's)."""

    @property
    def code(self) -> WarningCode:
        """Stable warning code."""
    @property
    def depth(self) -> int:
        """Depth of the certificate in the path."""
    @property
    def revoked_at(self) -> Optional[datetime.datetime]:
        """Revocation time, for ``revoked_after_signing``."""
    @property
    def message(self) -> str:
        """The warning in words."""
    def to_dict(self) -> Dict[str, Any]:
        """The warning as ``possig verify --json`` prints it."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class VerifiedReceipt:
    """A receipt whose signature, certificate path and attachments were verified."""

    @property
    def fields(self) -> ReceiptFields:
        """The verified content."""
    @property
    def warnings(self) -> Tuple[CertificateWarning, ...]:
        """Why a second look is deserved (empty when ``valid``)."""
    @property
    def path(self) -> Tuple[Certificate, ...]:
        """The certificate path, terminal first."""
    @property
    def outcome(self) -> Status:
        """``valid`` or ``valid_with_warnings``."""
    @property
    def digest(self) -> bytes:
        """The receipt digest."""
    @property
    def kind(self) -> ReceiptKind:
        """The receipt kind."""
    @property
    def issued_at(self) -> datetime.datetime:
        """When the receipt was issued (UTC)."""
    @property
    def terminal_id(self) -> str:
        """Terminal id."""
    @property
    def merchant_id(self) -> str:
        """Merchant id."""
    @property
    def payment(self) -> Optional[PaymentFields]:
        """The payment, for payment kinds."""
    def to_dict(self) -> Dict[str, Any]:
        """The outcome as the CLI prints it: an element of ``possig verify --json`` without
        its ``file``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Finding:
    """A chain-level finding: its stable code, whether it is informational, and its data."""

    @property
    def code(self) -> FindingCode:
        """Stable finding code."""
    @property
    def informational(self) -> bool:
        """Informational (chain start, matching rotation, ...) rather than a problem."""
    @property
    def data(self) -> Dict[str, Any]:
        """The finding's data without its code: key ids and digests (``key``, ``digest``,
        ``original``, a rotation's ``from`` and ``to``) as ``bytes``, times (``issued_at``,
        ``resigned_at``) as ``datetime``, the rest as in the JSON view."""
    def to_dict(self) -> Dict[str, Any]:
        """The finding as ``possig journal verify --json`` prints it in ``findings``."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Counts:
    """Counts of one terminal or of a whole journal."""

    @property
    def status(self) -> Dict[str, int]:
        """Records per status."""
    @property
    def errors(self) -> Dict[str, int]:
        """Invalid records per error code."""
    @property
    def findings(self) -> Dict[str, int]:
        """Findings per code."""
    def to_dict(self) -> Dict[str, Any]:
        """The counts as the JSON view holds them."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class JournalSummary:
    """The counts of a journal verification."""

    @property
    def records(self) -> int:
        """Records read."""
    @property
    def bytes(self) -> int:
        """Bytes read."""
    @property
    def total(self) -> Counts:
        """Counts over everything."""
    @property
    def terminals(self) -> Dict[str, Counts]:
        """Counts per terminal id (records that do not decode under ``""``)."""
    @property
    def clean(self) -> bool:
        """No invalid record and no problem finding."""
    def to_dict(self) -> Dict[str, Any]:
        """The summary as ``possig journal verify --json`` prints it."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class JournalReport:
    """Every record's outcome, every chain finding, and the counts."""

    @property
    def records(self) -> Tuple[RecordOutcome, ...]:
        """One outcome per record, in input order."""
    @property
    def findings(self) -> Tuple[Finding, ...]:
        """The chain findings, in order."""
    @property
    def problems(self) -> Tuple[Finding, ...]:
        """The findings that are problems (not informational)."""
    @property
    def invalid(self) -> Tuple[RecordOutcome, ...]:
        """The records whose status is ``invalid``."""
    @property
    def summary(self) -> JournalSummary:
        """The counts."""
    @property
    def clean(self) -> bool:
        """Every record valid (warnings allowed) and no finding a problem."""
    def to_dict(self) -> Dict[str, Any]:
        """The report as ``possig journal verify --json --all-records`` prints it."""
    def to_arrow(self) -> Any:
        """The record outcomes as a ``pyarrow.Table`` built in Rust (no Python object per
        record); the columns of ``records[]`` in the JSON view, ids as 32-byte binaries.
        Needs pyarrow (``pip install possig[arrow]``)."""
    def findings_to_arrow(self) -> Any:
        """The chain findings as a ``pyarrow.Table``: ``finding`` (the code), ``key``,
        ``counter``, ``index``, ``offset``, ``len``, ``digest`` (null where a finding has
        none), ``detail`` (the finding's JSON view), ``source``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...

@final
class ReceiptFacts:
    """A receipt's key fields in a reconciliation item (verified only if ``status`` is valid)."""

    @property
    def index(self) -> int:
        """Position of the record in the journals."""
    @property
    def offset(self) -> int:
        """Byte offset of the record."""
    @property
    def status(self) -> Status:
        """The record's verdict."""
    @property
    def code(self) -> Optional[ErrorCode]:
        """The error code when invalid."""
    @property
    def digest(self) -> Optional[bytes]:
        """Receipt digest, when the record decodes."""
    @property
    def merchant(self) -> Optional[str]:
        """Merchant id."""
    @property
    def terminal(self) -> Optional[str]:
        """Terminal id."""
    @property
    def counter(self) -> Optional[int]:
        """Counter."""
    @property
    def issued_at(self) -> Optional[datetime.datetime]:
        """When the receipt was issued (UTC)."""
    @property
    def kind(self) -> Optional[ReceiptKind]:
        """Receipt kind."""
    @property
    def amount(self) -> Optional[int]:
        """Amount in minor units."""
    @property
    def currency(self) -> Optional[str]:
        """Currency."""
    @property
    def rrn(self) -> Optional[str]:
        """Retrieval reference number."""
    @property
    def authorization_code(self) -> Optional[str]:
        """Authorization code."""
    @property
    def last4(self) -> Optional[str]:
        """Last four digits of the card."""
    @property
    def cardholder_verification(self) -> Optional[CardholderVerification]:
        """How the cardholder was verified."""
    def to_dict(self) -> Dict[str, Any]:
        """The facts as ``report.json`` holds them."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RowFacts:
    """A settlement row's fields in a reconciliation item."""

    @property
    def line(self) -> int:
        """Line in the settlement file."""
    @property
    def terminal(self) -> str:
        """Terminal id."""
    @property
    def batch(self) -> str:
        """Batch."""
    @property
    def rrn(self) -> str:
        """Retrieval reference number."""
    @property
    def authorization_code(self) -> str:
        """Authorization code."""
    @property
    def amount(self) -> int:
        """Amount in minor units."""
    @property
    def currency(self) -> str:
        """Currency."""
    @property
    def time(self) -> Optional[datetime.datetime]:
        """Transaction time (UTC); None for a malformed row."""
    @property
    def kind(self) -> ReceiptKind:
        """Transaction kind."""
    @property
    def bad_column(self) -> Optional[str]:
        """The column that did not parse (a malformed row)."""
    def to_dict(self) -> Dict[str, Any]:
        """The row as ``report.json`` holds it."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReconcileItem:
    """One reconciliation outcome: a receipt, a row, or both, in exactly one category."""

    @property
    def category(self) -> Category:
        """The category."""
    @property
    def reason(self) -> Optional[Reason]:
        """Why, where the category alone does not say."""
    @property
    def is_finding(self) -> bool:
        """Whether the category needs a person's attention."""
    @property
    def receipt(self) -> Optional[ReceiptFacts]:
        """The receipt."""
    @property
    def related(self) -> Optional[ReceiptFacts]:
        """The other receipt the item is about."""
    @property
    def row(self) -> Optional[RowFacts]:
        """The settlement row."""
    @property
    def pending_for(self) -> Optional[datetime.timedelta]:
        """How long a pending receipt has waited."""
    @property
    def terminal(self) -> str:
        """The terminal the item is about."""
    def to_dict(self) -> Dict[str, Any]:
        """The item as ``report.json`` holds it in ``items``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CategoryCount:
    """Items, receipts and rows in one category."""

    @property
    def items(self) -> int:
        """Items."""
    @property
    def receipts(self) -> int:
        """Receipts in them."""
    @property
    def rows(self) -> int:
        """Settlement rows in them."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReconcileReport:
    """Counts per category (with the conservation proof), per terminal and per hour; the
    journal summary; and the items."""

    @property
    def receipts(self) -> int:
        """Receipts read."""
    @property
    def rows(self) -> int:
        """Settlement rows read."""
    @property
    def categories(self) -> Dict[Category, CategoryCount]:
        """Counts per category."""
    @property
    def terminals(self) -> Dict[str, Dict[str, int]]:
        """Items per category, per terminal id."""
    @property
    def hours(self) -> Dict[datetime.datetime, Dict[str, int]]:
        """Items per category, per hour (keyed by the hour's start, in UTC)."""
    @property
    def journal(self) -> JournalSummary:
        """The journal verification's counts."""
    @property
    def verified_at(self) -> datetime.datetime:
        """The verification time."""
    @property
    def conserved(self) -> bool:
        """Every receipt and every row in exactly one category."""
    @property
    def clean(self) -> bool:
        """No finding category and a clean journal."""
    @property
    def items(self) -> Tuple[ReconcileItem, ...]:
        """The findings, and the matched items with ``include_matched=True``."""
    @property
    def findings(self) -> Tuple[ReconcileItem, ...]:
        """The items that need a person's attention."""
    def to_dict(self) -> Dict[str, Any]:
        """The report exactly as ``possig reconcile`` writes ``report.json``."""
    def to_arrow(self) -> Any:
        """The items as a ``pyarrow.Table`` built in Rust (no Python object per item); the
        fields of ``items[]`` in ``report.json``, nested the same way. Needs pyarrow
        (``pip install possig[arrow]``)."""
    def to_pandas(self) -> Any:
        """The items as a pandas DataFrame with the columns of ``items.csv``."""
    def __eq__(self, value: object, /) -> bool: ...
