"""The closed vocabularies of possig as ``str``-valued enums: each member equals its
string (``ReceiptKind.SALE == "sale"``), so code that compares with the strings keeps
working. Generated from the Rust crate's enums by ``gen_enums.py``; do not edit."""

import enum

__all__ = [
    "ReceiptKind",
    "EntryMode",
    "CardholderVerification",
    "CertificateRole",
    "WarningCode",
    "Status",
    "ErrorKind",
    "ErrorCode",
    "FindingCode",
    "Category",
    "Reason",
]


class ReceiptKind(str, enum.Enum):
    """The kind of a receipt (``ReceiptKind`` in the ASN.1 module)."""

    SALE = "sale"
    REFUND = "refund"
    VOID = "void"
    PREAUTH = "preauth"
    COMPLETION = "completion"
    COPY = "copy"
    RESIGN = "resign"
    RECOVERY = "recovery"
    DAY_CLOSE = "dayClose"

    def __str__(self) -> str:
        return str(self.value)


class EntryMode(str, enum.Enum):
    """How the card was read."""

    CHIP = "chip"
    CONTACTLESS = "contactless"
    MAGSTRIPE = "magstripe"
    MANUAL = "manual"
    ECOMMERCE = "ecommerce"

    def __str__(self) -> str:
        return str(self.value)


class CardholderVerification(str, enum.Enum):
    """How the cardholder was verified (``pending``: signature to come in a ``resign``)."""

    NONE = "none"
    PIN = "pin"
    SIGNATURE = "signature"
    PENDING = "pending"
    CONSUMER_DEVICE = "consumerDevice"

    def __str__(self) -> str:
        return str(self.value)


class CertificateRole(str, enum.Enum):
    """What a certificate of a verified path is trusted as."""

    ROOT = "root"
    INTERMEDIATE = "intermediate"
    TERMINAL = "terminal"

    def __str__(self) -> str:
        return str(self.value)


class WarningCode(str, enum.Enum):
    """Why a valid receipt deserves a second look (``CertificateWarning.code``)."""

    CERTIFICATE_EXPIRED_NOW = "certificate_expired_now"
    REVOKED_AFTER_SIGNING = "revoked_after_signing"
    NO_REVOCATION_INFO = "no_revocation_info"

    def __str__(self) -> str:
        return str(self.value)


class Status(str, enum.Enum):
    """The verdict on a receipt or journal record."""

    VALID = "valid"
    VALID_WITH_WARNINGS = "valid_with_warnings"
    INVALID = "invalid"
    UNSIGNED = "unsigned"

    def __str__(self) -> str:
        return str(self.value)


class ErrorKind(str, enum.Enum):
    """The family of an error (``possig.Error.kind``); it picks the exception class."""

    MALFORMED = "malformed"
    LIMIT = "limit"
    UNTRUSTED_SIGNER = "untrusted_signer"
    CERTIFICATE = "certificate"
    SIGNATURE = "signature"
    TIME = "time"
    IO = "io"
    SIGNER_STATE = "signer_state"

    def __str__(self) -> str:
        return str(self.value)


class ErrorCode(str, enum.Enum):
    """Every stable error code (``possig.Error.code``, ``RecordOutcome.code``)."""

    MALFORMED = "malformed"
    TRAILING_DATA = "trailing_data"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    INVALID_PUBLIC_KEY = "invalid_public_key"
    UNKNOWN_SIGNER = "unknown_signer"
    CHAIN_INVALID = "chain_invalid"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    REVOKED = "revoked"
    ISSUED_IN_FUTURE = "issued_in_future"
    BAD_SIGNATURE = "bad_signature"
    HIGH_S = "high_s"
    WRONG_RECOVERY_ID = "wrong_recovery_id"
    ATTACHMENT_DIGEST_MISMATCH = "attachment_digest_mismatch"
    UNKNOWN_CRITICAL_EXTENSION = "unknown_critical_extension"
    INVALID_FIELD = "invalid_field"
    LIMIT_EXCEEDED = "limit_exceeded"
    SIGNER_FAILED = "signer_failed"
    UNSIGNED = "unsigned"
    INCLUSION_PROOF_INVALID = "inclusion_proof_invalid"
    INVALID_TEXT = "invalid_text"
    QR_UNREADABLE = "qr_unreadable"
    IO = "io"
    SETTLEMENT_HEADER = "settlement_header"
    UNKNOWN_COLUMN = "unknown_column"
    SETTLEMENT_MALFORMED = "settlement_malformed"
    LOCKED = "locked"
    NOT_INITIALIZED = "not_initialized"
    ALREADY_INITIALIZED = "already_initialized"
    STATE_CORRUPT = "state_corrupt"
    STATE_LOST = "state_lost"
    JOURNAL_TRUNCATED = "journal_truncated"
    JOURNAL_LOST = "journal_lost"
    JOURNAL_CORRUPT = "journal_corrupt"
    JOURNAL_MISMATCH = "journal_mismatch"
    RETIRED = "retired"
    WRONG_KEY = "wrong_key"
    STATE_MISMATCH = "state_mismatch"
    COMMIT_FAILED = "commit_failed"

    def __str__(self) -> str:
        return str(self.value)


class FindingCode(str, enum.Enum):
    """A chain-level finding of a journal verification (``Finding.code``)."""

    MALFORMED_RECORD = "malformed_record"
    CHAIN_START = "chain_start"
    GAP = "gap"
    FORK = "fork"
    DUPLICATE = "duplicate"
    REORDERED = "reordered"
    REPLAY = "replay"
    BROKEN_LINK = "broken_link"
    ROTATION = "rotation"
    PENDING = "pending"
    RE_SIGNED = "re_signed"
    BAD_RESIGN = "bad_resign"
    COPY = "copy"
    BAD_COPY = "bad_copy"
    UNSIGNED_COVERED = "unsigned_covered"
    UNSIGNED_UNCOVERED = "unsigned_uncovered"
    BAD_RECOVERY = "bad_recovery"
    BAD_DAY_CLOSE = "bad_day_close"
    OPEN_BATCH = "open_batch"

    def __str__(self) -> str:
        return str(self.value)


class Category(str, enum.Enum):
    """The category of a reconciliation item; every receipt and row ends in exactly one."""

    MATCHED = "matched"
    MISMATCH = "mismatch"
    MISSING_RECEIPT = "missing_receipt"
    NOT_SETTLED = "not_settled"
    INVALID_RECEIPT = "invalid_receipt"
    DUPLICATE = "duplicate"
    COPY = "copy"
    PENDING_SIGNATURE = "pending_signature"
    UNSIGNED = "unsigned"
    VOIDED = "voided"
    REFERENCE_MISMATCH = "reference_mismatch"
    NO_SETTLEMENT_EXPECTED = "no_settlement_expected"
    MALFORMED_ROW = "malformed_row"

    def __str__(self) -> str:
        return str(self.value)


class Reason(str, enum.Enum):
    """Why a reconciliation item is in its category, where the category alone does not say."""

    AMOUNT = "amount"
    CURRENCY = "currency"
    KIND = "kind"
    TIME = "time"
    VOIDED_BUT_SETTLED = "voided_but_settled"
    ORIGINAL_NOT_FOUND = "original_not_found"
    OTHER_TERMINAL = "other_terminal"
    ORIGINAL_KIND = "original_kind"
    REFUND_EXCEEDS_ORIGINAL = "refund_exceeds_original"
    SAME_RECEIPT = "same_receipt"
    RRN_REUSED = "rrn_reused"
    SAME_ROW = "same_row"
    CLAIMED_BY_INVALID_RECEIPT = "claimed_by_invalid_receipt"

    def __str__(self) -> str:
        return str(self.value)
