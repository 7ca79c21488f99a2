#!/usr/bin/env python3
"""Prints the benchmark table of docs/BENCHMARKS.md from criterion's results.

Reads target/criterion/**/new/benchmark.json and estimates.json after `make bench`. Every
time is the median. Per-element times are given for groups with an element throughput.
Ratios are to OpenSSL's single verification (`verify/openssl`) measured in the same run.
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
    by_id = {r[0]: r for r in rows}
    openssl = by_id.get("verify/openssl")
    if openssl is None:
        sys.exit("verify/openssl not measured: run `make bench` first")
    base = openssl[1]
    print("| benchmark | median | per receipt / op | ratio to OpenSSL verify | throughput |")
    print("| --- | --- | --- | --- | --- |")
    for full_id, ns, elements, nbytes in rows:
        per = ns / elements if elements else ns
        if nbytes:
            speed = f"{nbytes / ns * 1e3:.1f} MB/s"
        else:
            speed = f"{1e9 / per:,.0f} /s"
        print(f"| `{full_id}` | {fmt(ns)} | {fmt(per)} | {per / base:.2f}× | {speed} |")

if __name__ == "__main__":
    main()
