"""Cross-checks with pyca/cryptography: a signature made by `cryptography` over TBS bytes built by
possig verifies in possig, and possig's signatures verify in `cryptography`."""

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import possig
from conftest import NOW, T0, VECTORS, key, payment


def _crypto_key(name: str) -> ec.EllipticCurvePrivateKey:
    from conftest import PKI

    k = serialization.load_pem_private_key((PKI / f"{name}.key.pem").read_bytes(), password=None)
    assert isinstance(k, ec.EllipticCurvePrivateKey)
    return k


def _draft(k: possig.SigningKey, counter: int = 0) -> possig.Draft:
    return possig.build_receipt(
        "sale",
        signer_key_id=k.key_id(),
        merchant_id="M-1",
        terminal_id="T-OK",
        counter=counter,
        previous=bytes(32),
        issued_at=T0,
        payment=payment(),
    )


def test_cryptography_signs_possig_tbs(store):
    ours = key("term-ok")
    theirs = _crypto_key("term-ok")
    public_der = theirs.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_der == ours.public_key_der()
    # OpenSSL's ECDSA nonces are random, so about half the signatures are high-S: possig
    # normalises each to low-S and computes v, and every one must verify.
    for _ in range(8):
        draft = _draft(ours)
        sig = theirs.sign(draft.tbs_der(), ec.ECDSA(hashes.SHA256()))
        receipt = draft.with_signature(sig, public_der)
        v = receipt.verify(store, at=NOW)
        assert v.outcome == "valid"
        assert receipt.tbs_der == draft.tbs_der()


def test_foreign_signature_over_other_bytes_is_refused():
    ours = key("term-ok")
    theirs = _crypto_key("term-ok")
    sig = theirs.sign(b"something else", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(possig.SignatureError) as e:
        _draft(ours).with_signature(sig, ours.public_key_der())
    assert e.value.code == "signer_failed"
    other = _crypto_key("term-ok2")
    sig = other.sign(_draft(ours).tbs_der(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(possig.SignatureError):
        _draft(ours).with_signature(sig, ours.public_key_der())


def test_possig_signatures_verify_in_cryptography(store):
    pub = _crypto_key("term-ok").public_key()
    receipt = _draft(key("term-ok")).sign(key("term-ok"))
    pub.verify(receipt.signature_der, receipt.tbs_der, ec.ECDSA(hashes.SHA256()))
    for name in ("sale-pin.der", "refund.der", "day-close.der"):
        r = possig.Receipt.load(VECTORS / name)
        pub.verify(r.signature_der, r.tbs_der, ec.ECDSA(hashes.SHA256()))
    tampered = bytearray(receipt.tbs_der)
    tampered[-1] ^= 1
    with pytest.raises(InvalidSignature):
        pub.verify(receipt.signature_der, bytes(tampered), ec.ECDSA(hashes.SHA256()))
