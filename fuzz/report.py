#!/usr/bin/env python3
"""Summarises a `make fuzz` log (stdin or a file) as the table of docs/SECURITY.md: per target,
executions, CPU time, executions per second, coverage, new units, peak RSS and corpus size."""
import pathlib
import re
import sys

text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
targets = re.findall(r"for t in ([^;]+); do", text)
names = targets[0].split() if targets else []
# One libFuzzer run per target, in order: its last "DONE" line and its final stats.
done = re.findall(r"#\d+\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", text)
stats = re.findall(
    r"Done (\d+) runs in (\d+) second.*?average_exec_per_sec:\s+(\d+).*?new_units_added:\s+(\d+)"
    r".*?peak_rss_mb:\s+(\d+)",
    text,
    re.S,
)
print("| target | executions | CPU time | exec/s | coverage (edges) | new units | corpus (files / size) | peak RSS |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name, (runs, secs, eps, new, rss), (cov, ft, corp, size) in zip(names, stats, done):
    files = len(list(pathlib.Path("fuzz/corpus", name).glob("*")))
    print(f"| `{name}` | {int(runs):,} | {secs} s | {int(eps):,} | {cov} | {new} | {files:,} / {size} | {rss} MB |")
