#!/usr/bin/env python3
"""Prints the benchmark tables of docs/BENCHMARKS.md from criterion's results.

Reads target/criterion/**/new/benchmark.json and estimates.json after `make bench`. Every
time is the median of one run. Per-element times are given for groups with an element
throughput. Ratios are to the peers measured in the same run: ring (the fastest peer here),
OpenSSL and p256, each on the same operation: signing rows against `sign/ring`, `sign/openssl`
and `sign/p256`, everything else against single verification (`verify/…`), per receipt.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def results():
    for bench in sorted(ROOT.glob("**/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        median_ns = est["median"]["point_estimate"]
        throughput = meta.get("throughput") or {}
        yield meta["full_id"], median_ns, throughput.get("Elements"), throughput.get("Bytes")


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def main():
    rows = list(results())
    by_id = {r[0]: r[1] for r in rows}
    missing = [k for k in ("verify/ring", "verify/openssl") if k not in by_id]
    if missing:
        sys.exit(f"{', '.join(missing)} not measured: run `make bench` first")
    print("| benchmark | median | per receipt / op | × ring | × OpenSSL | × p256 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for full_id, ns, elements, nbytes in rows:
        per = ns / elements if elements else ns
        op = "sign" if full_id.startswith("sign/") else "verify"
        ring, ossl, p256 = (by_id.get(f"{op}/{peer}") for peer in ("ring", "openssl", "p256"))
        ratio = lambda base: f"{per / base:.2f}×" if base and not full_id.startswith(("field/", "msm_window/")) else ""
        print(f"| `{full_id}` | {fmt(ns)} | {fmt(per)} | {ratio(ring)} | {ratio(ossl)} | {ratio(p256)} |")


if __name__ == "__main__":
    main()
