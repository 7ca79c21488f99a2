"""Every view's to_dict() is exactly the JSON document the CLI prints with --json for the same
input and time: the golden vectors (verify, show), the journal vector, and a reconciliation."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest

import possig
from conftest import INDEX, NOW, PKI, VECTORS

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "debug" / "possig"


@pytest.fixture(scope="module")
def cli():
    subprocess.run(["cargo", "build", "-q", "-p", "possig-cli"], cwd=ROOT, check=True)

    def run(*args, ok=(0, 1)):
        out = subprocess.run([str(CLI), *map(str, args)], capture_output=True, cwd=ROOT)
        assert out.returncode in ok, out.stderr.decode()
        return out

    return run


def trust_args():
    t = INDEX["trust"]
    args = []
    for flag, files in (("--root", t["roots"]), ("--intermediate", t["intermediates"]),
                        ("--terminal", t["terminals"]), ("--crl", t["crls"])):
        for f in files:
            args += [flag, PKI / f]
    return args


def test_verify_and_show_of_every_golden_vector(cli, store):
    files = [VECTORS / v["file"] for v in INDEX["vectors"]]
    printed = json.loads(cli("verify", "--json", "--at", f"@{NOW}", *trust_args(), *files).stdout)
    valid = invalid = 0
    for v, f, doc in zip(INDEX["vectors"], files, printed):
        assert doc.pop("file") == str(f)
        receipt = possig.Receipt.from_der(f.read_bytes()) if doc["outcome"] != "invalid" else None
        if receipt is None:
            invalid += 1
            with pytest.raises((possig.Error, OSError)) as e:
                possig.Receipt.from_der(f.read_bytes()).verify(store, at=NOW)
            assert (e.value.code, e.value.kind, e.value.message) == (
                doc["error"]["code"], doc["error"]["kind"], doc["error"]["message"]), v["name"]
            continue
        valid += 1
        assert receipt.verify(store, at=NOW).to_dict() == doc, v["name"]
        shown = json.loads(cli("show", "--json", f).stdout)
        assert receipt.unverified_fields.to_dict() == shown, v["name"]
    assert valid > 5 and invalid > 5


def test_journal_report(cli, store):
    path = VECTORS / INDEX["journals"][0]["file"]
    printed = json.loads(cli("journal", "verify", *trust_args(), "--at", f"@{NOW}", "--json",
                             "--all-records", path).stdout)
    report = possig.verify_journal(store, path, at=NOW)
    assert report.to_dict() == printed
    assert printed["findings"] and printed["records"]
    assert report.records[0].to_dict() == printed["records"][0]


def test_reconciliation_report(cli, tmp_path):
    day = tmp_path / "day"
    cli("demo", "--dir", day, ok=(0,))
    pki = day / "pki"
    terminals = sorted(pki.glob("T-*.pem"))
    out = tmp_path / "out"
    at = "2026-11-28T08:00:00Z"
    cli("reconcile", "--root", pki / "root.pem", "--intermediate", pki / "intermediate.pem",
        *[a for t in terminals for a in ("--terminal", t)],
        "--crl", pki / "root.crl.pem", "--crl", pki / "intermediate.crl.pem",
        "--journal", day / "day.journal", "--settlement", day / "settlement.csv",
        "--at", at, "--out", out)
    printed = json.loads((out / "report.json").read_text())
    store = possig.TrustStore(roots=[pki / "root.pem"], intermediates=[pki / "intermediate.pem"],
                              terminals=terminals, crls=[pki / "root.crl.pem", pki / "intermediate.crl.pem"])
    report = possig.reconcile(store, journals=[day / "day.journal"], settlement=day / "settlement.csv",
                              at=datetime.datetime.fromisoformat(at.replace("Z", "+00:00")))
    assert printed["items"] and report.to_dict() == printed
    # A fresh copy: changing it changes nothing inside the report.
    report.to_dict()["items"].clear()
    assert report.to_dict() == printed
