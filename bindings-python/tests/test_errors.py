"""Errors: one hierarchy, stable codes equal to the crate's, structured attributes, and no
panic reaching Python for garbage of any shape at any entry point."""

import pytest

import possig
from conftest import NOW, VECTORS


KIND_OF_CLASS = {
    possig.MalformedError: "malformed",
    possig.LimitError: "limit",
    possig.UntrustedSignerError: "untrusted_signer",
    possig.CertificateError: "certificate",
    possig.SignatureError: "signature",
    possig.TimeError: "time",
    possig.IoError: "io",
    possig.SignerStateError: "signer_state",
}


def test_hierarchy():
    for cls in (
        possig.MalformedError,
        possig.LimitError,
        possig.UntrustedSignerError,
        possig.CertificateError,
        possig.SignatureError,
        possig.TimeError,
        possig.SignerStateError,
    ):
        assert issubclass(cls, possig.Error)
    assert issubclass(possig.Error, ValueError)
    # Reading failed: an OSError, not a data problem.
    assert issubclass(possig.IoError, OSError) and not issubclass(possig.IoError, possig.Error)
    assert "malformed" in possig.error_codes() and len(set(possig.error_codes())) == len(possig.error_codes())
    # Every family has its class: the enum of kinds and the classes agree.
    assert set(KIND_OF_CLASS.values()) == {k.value for k in possig.ErrorKind}
    assert {"locked", "state_corrupt", "retired"} <= set(possig.error_codes())


def test_structured_attributes(store):
    with pytest.raises(possig.MalformedError) as e:
        possig.Receipt.from_der(b"\x30\x03\x02\x01")
    assert e.value.code == "malformed" and e.value.structure == "receipt" and e.value.offset is not None
    with pytest.raises(possig.LimitError) as e:
        possig.Receipt.from_der(b"\x30" + b"\x00" * 20000)
    assert (e.value.code, e.value.limit, e.value.actual) == ("limit_exceeded", "receipt_size", 20001)
    with pytest.raises(possig.MalformedError) as e:
        possig.Receipt.from_text("PSR1:ab")
    assert (e.value.code, e.value.reason, e.value.offset) == ("invalid_text", "character", 5)
    with pytest.raises(possig.SignatureError) as e:
        possig.Receipt.load(VECTORS / "tampered-amount.der").verify(store, at=NOW)
    assert e.value.code == "bad_signature"
    with pytest.raises(possig.CertificateError) as e:
        possig.Receipt.load(VECTORS / "revoked-before.der").verify(store, at=NOW)
    assert e.value.code == "revoked" and e.value.depth == 0 and isinstance(e.value.revoked_at, int)
    stranger = possig.Receipt.load(VECTORS / "unknown-signer.der")
    with pytest.raises(possig.UntrustedSignerError) as e:
        stranger.verify(store, at=NOW)
    # Key ids are bytes everywhere, in errors too.
    assert isinstance(e.value.key_id, bytes) and len(e.value.key_id) == 32
    assert e.value.key_id == stranger.unverified_fields.signer_key_id
    with pytest.raises(possig.TimeError):
        possig.Receipt.load(VECTORS / "sale-pin.der").verify(store, at=0)
    with pytest.raises(possig.MalformedError) as e:
        possig.Receipt.from_der((VECTORS / "sale-pin.der").read_bytes() + b"\x00")
    assert e.value.code == "trailing_data"
    with pytest.raises(possig.MalformedError) as e:
        possig.reconcile(store, journals=[b""], settlement=b"rrn,amount\n", at=NOW)
    assert (e.value.code, e.value.reason) == ("settlement_header", "terminal_id")
    with pytest.raises(possig.MalformedError) as e:
        possig.reconcile(store, journals=[b""], settlement=b"rrn,amount\n", at=NOW, columns={"tid": "TID"})
    assert e.value.code == "unknown_column" and "terminal_id" in str(e.value)
    with pytest.raises(possig.MalformedError) as e:
        possig.Receipt.from_qr_image(b"not an image")
    assert (e.value.code, e.value.reason) == ("qr_unreadable", "image")
    with pytest.raises(OSError) as e:
        possig.verify_journal(store, "/nonexistent/journal", at=NOW)
    assert isinstance(e.value, possig.IoError) and (e.value.code, e.value.kind) == ("io", "io")
    with pytest.raises(possig.CertificateError) as e:
        possig.TrustStore(roots=[VECTORS.parent / "fixtures" / "bad" / "rsa.pem"])
    assert e.value.code == "unsupported_algorithm"


GARBAGE = [
    b"",
    b"\x00",
    b"\x30",
    b"\x30\x80",
    b"\x30\x84\xff\xff\xff\xff",
    b"\xff" * 64,
    bytes(range(256)) * 8,
    b"PSR1:",
    b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
]


@pytest.mark.parametrize("g", GARBAGE)
def test_garbage_at_every_entry_point(g, store):
    calls = [
        lambda: possig.Receipt.from_der(g),
        lambda: possig.Receipt.from_text(g.decode("latin-1")),
        lambda: possig.Receipt.from_qr_image(g),
        lambda: possig.Receipt.load(g),
        lambda: possig.TrustStore(roots=[g]),
        lambda: possig.TrustStore(roots=[VECTORS.parent / "fixtures/pki/root.pem"], crls=[g]),
        lambda: possig.SigningKey.from_pem(g.decode("latin-1")),
        lambda: possig.SigningKey.from_bytes(g),
        lambda: possig.verify_journal(store, g, at=NOW),
        lambda: possig.verify_many(store, [g, g], at=NOW),
        lambda: list(possig.read_journal(g)),
        lambda: possig.reconcile(store, journals=[g], settlement=g, at=NOW),
        lambda: possig.reconcile(store, journals=[g], settlement=b"terminal_id,rrn,amount,currency,time,kind\n" + g, at=NOW),
        lambda: possig.build_receipt(
            "sale", signer_key_id=g, merchant_id="M", terminal_id="T", counter=0, previous=g, issued_at=0
        ),
        lambda: possig.Payment(1, "EUR", "VISA", "411111", "1111", g.decode("latin-1"), "1", "pin"),
    ]
    for call in calls:
        try:
            call()
        except possig.Error as e:
            assert e.code in possig.error_codes()
            assert KIND_OF_CLASS[type(e)] == e.kind, (e.code, e.kind, type(e))
        except (TypeError, OverflowError):
            pass  # wrong Python types are Python's own errors


def test_panic_never_reaches_python(store):
    # Every entry point above raised only possig.Error, TypeError or OverflowError; a Rust
    # panic would surface as pyo3's PanicException (a BaseException) and fail the test.
    with pytest.raises(possig.Error):
        possig.Receipt.from_der(b"\x30\x81\x01")
