"""Hypothesis: any bytes into any decoder give a result or a possig.Error, never anything else."""

from hypothesis import given, settings
from hypothesis import strategies as st

import possig
from conftest import NOW, VECTORS

SEED = (VECTORS / "sale-signature.der").read_bytes()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes(data):
    for call in (
        lambda: possig.Receipt.from_der(data),
        lambda: possig.Receipt.load(data),
        lambda: possig.Receipt.from_text(data.decode("latin-1")),
        lambda: list(possig.read_journal(data)),
    ):
        try:
            call()
        except possig.Error as e:
            assert e.code in possig.error_codes()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(SEED) - 1), st.integers(1, 255))
def test_one_changed_byte_never_verifies(i, x):
    from conftest import INDEX, PKI

    t = INDEX["trust"]
    store = possig.TrustStore(
        roots=[PKI / f for f in t["roots"]],
        intermediates=[PKI / f for f in t["intermediates"]],
        terminals=[PKI / f for f in t["terminals"]],
        crls=[PKI / f for f in t["crls"]],
    )
    data = bytearray(SEED)
    data[i] ^= x
    try:
        possig.Receipt.from_der(bytes(data)).verify(store, at=NOW)
    except possig.Error:
        return
    # Only the attachment is outside the signature; a changed attachment must not verify either.
    raise AssertionError("a changed receipt verified")
