"""Shared fixtures: the committed test PKI and golden vectors of the Rust crate."""

import json
import pathlib

import pytest

import possig

ROOT = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests"
PKI = ROOT / "fixtures" / "pki"
VECTORS = ROOT / "vectors"
INDEX = json.loads((VECTORS / "index.json").read_text())
NOW = INDEX["verify_at"]
T0 = 1_780_308_000  # 2026-06-01T10:00:00Z, inside every fixture certificate's validity


@pytest.fixture(scope="session")
def store() -> possig.TrustStore:
    t = INDEX["trust"]
    return possig.TrustStore(
        roots=[PKI / f for f in t["roots"]],
        intermediates=[PKI / f for f in t["intermediates"]],
        terminals=[PKI / f for f in t["terminals"]],
        crls=[PKI / f for f in t["crls"]],
    )


def key(name: str) -> possig.SigningKey:
    return possig.SigningKey.from_pem((PKI / f"{name}.key.pem").read_text())


def payment(amount: int = 1999, cvm: str = "pin", rrn: str = "612345678901", original=None) -> possig.Payment:
    return possig.Payment(
        amount=amount,
        currency="EUR",
        scheme="VISA",
        bin="411111",
        last4="1111",
        entry_mode="chip",
        rrn=rrn,
        cardholder_verification=cvm,
        authorization_code="A1B2C3",
        original=original,
    )
