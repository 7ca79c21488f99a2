"""Benchmark (not a test): verifying 10^5 receipts from Python with possig.verify_many, against a
plain loop over pyca/cryptography's ECDSA verify on the same receipts' TBS bytes and signatures.

Run by `make python-bench` (release build). Prints medians of 3 runs and the ratio; the figures
go to docs/BENCHMARKS.md. possig's time includes decoding, the certificate path and revocation
check and the chain analysis of every receipt; the pyca loop checks the signature only.
"""

import os
import pathlib
import statistics
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import possig

N = int(os.environ.get("POSSIG_BENCH_N", "100000"))
ROOT = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "fixtures" / "pki"
NOW = 1_798_761_600
T0 = 1_780_308_000


def main() -> None:
    store = possig.TrustStore(
        roots=[ROOT / "root.pem"],
        intermediates=[ROOT / "intermediate.pem"],
        terminals=[ROOT / "term-ok.pem"],
        crls=[ROOT / "root.crl.pem", ROOT / "intermediate.crl.pem"],
    )
    key = possig.SigningKey.from_pem((ROOT / "term-ok.key.pem").read_text())
    t = possig.Terminal(key, "M-1", "T-1")
    t0 = time.perf_counter()
    receipts = []
    for i in range(N):
        p = possig.Payment(100 + i % 5000, "EUR", "VISA", "411111", "1111", "chip", "%012d" % i, "pin", "A1B2C3")
        receipts.append(t.sign("sale", T0 + i // 10, payment=p))
    print(f"signed {N} receipts in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    ders = [r.to_der() for r in receipts]
    pairs = [(r.signature_der, r.tbs_der) for r in receipts]
    pub = serialization.load_pem_private_key((ROOT / "term-ok.key.pem").read_bytes(), None).public_key()
    assert isinstance(pub, ec.EllipticCurvePublicKey)

    def ours() -> float:
        s = time.perf_counter()
        rep = possig.verify_many(store, ders, at=NOW)
        d = time.perf_counter() - s
        assert rep.summary.total.status.get("valid") == N, rep.summary.total
        return d

    def pyca() -> float:
        s = time.perf_counter()
        algo = ec.ECDSA(hashes.SHA256())
        for sig, tbs in pairs:
            pub.verify(sig, tbs, algo)
        return time.perf_counter() - s

    a = statistics.median(ours() for _ in range(3))
    b = statistics.median(pyca() for _ in range(3))
    print(f"receipts: {N}, cores: {os.cpu_count()}")
    print(f"possig verify_many: {a:.2f} s ({a / N * 1e6:.1f} us/receipt)")
    print(f"pyca/cryptography loop: {b:.2f} s ({b / N * 1e6:.1f} us/receipt)")
    print(f"ratio (pyca time / possig time): {b / a:.2f}x")


if __name__ == "__main__":
    main()
