"""The benchmark script (make python-bench) still runs against the current API, on a few
receipts: a benchmark that no test runs breaks unnoticed."""

import os
import pathlib
import subprocess
import sys

BENCH = pathlib.Path(__file__).resolve().parents[1] / "bench" / "bench_verify.py"


def test_bench_runs_on_a_few_receipts():
    env = dict(os.environ, POSSIG_BENCH_N="40")
    done = subprocess.run([sys.executable, str(BENCH)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "ratio (pyca time / possig time):" in done.stdout
