"""Private native module of possig (Rust, pyo3). Use the typed ``possig`` package instead."""

from typing import Any, Dict, List, Optional, Sequence, Tuple, final

from typing_extensions import Self

__all__ = [
    "CertificateError",
    "Draft",
    "Error",
    "IoError",
    "LimitError",
    "MalformedError",
    "Payment",
    "Receipt",
    "SignatureError",
    "SigningKey",
    "Terminal",
    "TimeError",
    "TrustStore",
    "UntrustedSignerError",
    "build_receipt",
    "csv_header",
    "error_codes",
    "read_journal",
    "reconcile",
    "simulate_day",
    "verify_journal",
    "verify_many",
    "RecordOutcome",
]

class Error(ValueError):
    """Base of every possig error. ``code`` is the crate's stable error code; ``kind`` its family
    (``malformed``, ``limit``, ``untrusted_signer``, ``certificate``, ``signature``, ``time``,
    ``io``), which also picks the subclass."""

    code: str
    kind: str
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

class IoError(OSError):
    """Reading an input failed (io): an ``OSError``, not a ``possig.Error`` (a data problem).
    ``.code`` is ``io``, ``.kind`` is ``io``."""

    code: str
    kind: str
    message: str

def csv_header() -> List[str]:
    """The columns of ``items.csv`` (the crate's ``possig::reconcile::CSV_HEADER``)."""

def error_codes() -> List[str]:
    """Every error code the crate can return."""

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
    def view(self) -> Dict[str, Any]:
        """The decoded content, as ``possig show --json`` prints it (UNVERIFIED)."""
    def verify(self, store: TrustStore, now: int, max_clock_skew: Optional[int] = None) -> Dict[str, Any]:
        """Verifies as of ``now`` (Unix seconds); returns the outcome as the CLI prints one."""

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
    """A terminal's key and its chain, outage and batch state."""

    def __new__(cls, key: SigningKey, merchant_id: str, terminal_id: str) -> Self: ...
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
    def status(self) -> str:
        """``valid``, ``valid_with_warnings``, ``invalid`` or ``unsigned``."""
    @property
    def code(self) -> Optional[str]:
        """The stable error code when ``invalid`` (as ``possig.Error.code``), else None."""
    @property
    def warnings(self) -> Tuple[str, ...]:
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
    def kind(self) -> Optional[str]:
        """The receipt kind the record claims (``sale``, ``refund``, ...), when it decodes."""
    @property
    def digest(self) -> Optional[bytes]:
        """The receipt's 32-byte digest (what chains and copies refer to), when it decodes."""
    def to_dict(self) -> Dict[str, Any]:
        """The outcome as ``possig journal verify --json`` prints it in ``records``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def verify_many(
    store: TrustStore, receipts: List[bytes], now: int, anchors: List[Tuple[bytes, int, bytes]] = ...
) -> Tuple[List[RecordOutcome], Dict[str, Any]]:
    """Journal verification of receipts given one by one: the record outcomes, and the rest of
    the journal view (findings, summary, clean) as a dict."""

def verify_journal(
    store: TrustStore,
    now: int,
    *,
    data: Optional[bytes] = None,
    path: Optional[str] = None,
    anchors: List[Tuple[bytes, int, bytes]] = ...,
) -> Tuple[List[RecordOutcome], Dict[str, Any]]:
    """Journal verification of bytes or a file (streamed): the record outcomes, and the rest
    of the journal view (findings, summary, clean) as a dict."""

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
) -> Dict[str, Any]:
    """Reconciliation of journals against a settlement CSV: the report as ``report.json`` holds
    it (report and items); every item also written to ``items_csv`` if given."""

def simulate_day(
    terminals: List[Tuple[SigningKey, str, str, Optional[int]]],
    day_start: int,
    per_terminal: int,
    seed: int,
) -> Tuple[bytes, str, List[Tuple[str, str, str, str]]]:
    """A simulated day: journal, settlement CSV and expected findings."""
