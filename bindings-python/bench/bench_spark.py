"""Benchmark (not a test): possig.spark on local[2] against possig.reconcile on one machine,
the same simulated day (T terminals with certificates of their own, uploads of a few files per
terminal), with peak memory. Run by `make spark-bench` (release build); the figures go to
docs/BENCHMARKS.md ("Scale").

Both sides start from files on disk and end with every item computed (`include_matched`, and
the Spark job's cached results). Spark's time excludes starting the session, and is the median
of three runs after a warm-up run (Python workers started, JIT warm).
"""

import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import possig
import possig.spark

TERMINALS = int(os.environ.get("POSSIG_BENCH_TERMINALS", "48"))
PER_TERMINAL = int(os.environ.get("POSSIG_BENCH_PER_TERMINAL", "4000"))
ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "release" / "possig"
DAY = 86_400


def sh(*args: str) -> None:
    subprocess.run([str(CLI), *args], check=True, stdout=subprocess.DEVNULL)


def make_day(d: pathlib.Path):
    now = int(time.time())
    day_start = now - now % DAY - 2 * DAY
    sh("pki", "init", "--dir", str(d / "pki"), "--not-before", "@%d" % (day_start - DAY))
    terminals = []
    for i in range(TERMINALS):
        t = "T-%03d" % i
        sh("keygen", "--out", str(d / ("%s.key.pem" % t)))
        sh("pki", "issue", "--dir", str(d / "pki"), "--key", str(d / ("%s.key.pem" % t)), "--terminal", t,
           "--merchant", "M-%d" % (i // 4), "--not-before", "@%d" % (day_start - DAY), "--out", str(d / ("%s.pem" % t)))
        key = possig.SigningKey.from_pem((d / ("%s.key.pem" % t)).read_text())
        terminals.append((key, "M-%d" % (i // 4), t, None))
    t0 = time.perf_counter()
    day = possig.simulate_day(terminals, day_start=day_start, per_terminal=PER_TERMINAL, seed=11)
    print("simulated %d terminals in %.1f s" % (TERMINALS, time.perf_counter() - t0), file=sys.stderr)
    # Uploads: each terminal's records in 4 files.
    by_terminal = {}
    for e in possig.read_journal(day.journal):
        by_terminal.setdefault(e.receipt().unverified_fields.terminal_id, []).append(e.data)
    (d / "journals").mkdir()
    paths = []
    for t, recs in by_terminal.items():
        per = -(-len(recs) // 4)
        for k in range(0, len(recs), per):
            p = d / "journals" / ("%s.%d.der" % (t, k // per))
            p.write_bytes(b"".join(recs[k : k + per]))
            paths.append(p)
    (d / "settlement.csv").write_text(day.settlement_csv)
    trust = possig.spark.TrustMaterial(
        roots=[d / "pki" / "root.pem"],
        intermediates=[d / "pki" / "intermediate.pem"],
        terminals=[d / ("T-%03d.pem" % i) for i in range(TERMINALS)],
        crls=[d / "pki" / "root.crl.pem", d / "pki" / "intermediate.crl.pem"],
    )
    return day, sorted(paths), trust, now


def single(paths, d, trust, now):
    """possig.reconcile in a child process (its own peak RSS): (seconds, items, peak MiB)."""
    code = """
import pickle, resource, sys, time, possig
paths, settlement, trust, now = pickle.load(sys.stdin.buffer)
store = possig.TrustStore(roots=trust.roots, intermediates=trust.intermediates, terminals=trust.terminals, crls=trust.crls)
t0 = time.perf_counter()
r = possig.reconcile(store, journals=paths, settlement=settlement, at=now, include_matched=True)
dt = time.perf_counter() - t0
print(dt, len(r.items), r.receipts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    import pickle

    out = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps((paths, d / "settlement.csv", trust, now)),
        capture_output=True, check=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]), float(out[3])


def hwm(pid: int) -> float:
    """Peak resident memory of a process, MiB (VmHWM)."""
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def spark_processes():
    """(JVM pid, Python worker pids) of this session on this machine."""
    jvm, workers = None, []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ")
        except OSError:
            continue
        if b"org.apache.spark.deploy.SparkSubmit" in cmd:
            jvm = int(p)
        elif b"pyspark.daemon" in cmd or b"pyspark.worker" in cmd:
            workers.append(int(p))
    return jvm, workers


def main() -> None:
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        day, paths, trust, now = make_day(d)
        size = sum(p.stat().st_size for p in paths)
        runs = [single(paths, d, trust, now) for _ in range(3)]
        t_single = statistics.median(r[0] for r in runs)
        items, receipts, rss_single = runs[0][1], runs[0][2], max(r[3] for r in runs)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(4 * 2))
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        times = []
        for i in range(4):
            t0 = time.perf_counter()
            r = possig.spark.reconcile(spark, journals=d / "journals", settlement=d / "settlement.csv", trust=trust, at=now)
            times.append(time.perf_counter() - t0)
            n = r.items.count()
            assert n == items, (n, items)
            r.unpersist()
            spark.catalog.clearCache()
        t_spark = statistics.median(times[1:])
        jvm, workers = spark_processes()
        jvm_mib = hwm(jvm) if jvm else 0.0
        worker_mib = [hwm(w) for w in workers]
        spark.stop()
    print("receipts %d (%d terminals x %d), rows %d, journal bytes %d, items %d" % (
        receipts, TERMINALS, PER_TERMINAL, len(day.settlement_csv.splitlines()) - 1, size, items))
    print("single machine possig.reconcile (2 cores): %.2f s = %.0f receipts/s, peak RSS %.0f MiB" % (
        t_single, receipts / t_single, rss_single))
    print("spark local[2]: %.2f s = %.0f receipts/s (runs %s), overhead x%.2f" % (
        t_spark, receipts / t_spark, ", ".join("%.2f" % t for t in times), t_spark / t_single))
    print("spark peak RSS: JVM %.0f MiB, Python workers %s MiB (sum %.0f)" % (
        jvm_mib, ", ".join("%.0f" % w for w in sorted(worker_mib)), sum(worker_mib)))
    per_core = receipts / t_spark / 2
    print("per core: %.0f receipts/s; 10^9 receipts = %.1f core-hours" % (per_core, 1e9 / per_core / 3600))


if __name__ == "__main__":
    main()
