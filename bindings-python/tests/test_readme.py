"""The READMEs' Python examples (the package's back-office job, the repository's short one) run as
written, on files laid out like `make demo`'s output (built here from the test PKI and a
simulated day)."""

import os
import pathlib
import re
import shutil

import possig
from conftest import PKI, key

PACKAGE_README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
REPOSITORY_README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def demo_layout(tmp_path):
    """The files `make demo` writes, from the test PKI and a simulated day."""
    (tmp_path / "pki").mkdir()
    for name, src in {
        "root.pem": "root.pem",
        "intermediate.pem": "intermediate.pem",
        "T-100.pem": "term-ok.pem",
        "T-101.pem": "term-ok2.pem",
        "T-200.pem": "term-noeku.pem",
        "T-300.pem": "term-revoked.pem",
        "root.crl.pem": "root.crl.pem",
        "intermediate.crl.pem": "intermediate.crl.pem",
    }.items():
        shutil.copy(PKI / src, tmp_path / "pki" / name)
    from cryptography import x509

    crl = x509.load_pem_x509_crl((PKI / "intermediate.crl.pem").read_bytes())
    revoked_at = int(next(iter(crl)).revocation_date_utc.timestamp())
    day = possig.simulate_day(
        [(key("term-ok"), "M-100", "T-100", None), (key("term-ok2"), "M-100", "T-101", None),
         (key("term-revoked"), "M-300", "T-300", revoked_at)],
        day_start=revoked_at - 14 * 3600,
        per_terminal=40,
    )
    (tmp_path / "day.journal").write_bytes(day.journal)
    (tmp_path / "settlement.csv").write_text(day.settlement_csv)
    (tmp_path / "receipts").mkdir()
    sale = next(
        e.receipt() for e in possig.read_journal(day.journal)
        if e.receipt().unverified_fields.kind == "sale" and not e.receipt().is_unsigned
    )
    (tmp_path / "receipts" / "genuine-sale.txt").write_text(sale.to_text() + "\n")


def run_python_block(readme, after, tmp_path):
    section = readme.read_text().split(after, 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, str(readme), "exec"), {})
    finally:
        os.chdir(cwd)


def test_package_readme_back_office_job(tmp_path, capsys):
    demo_layout(tmp_path)
    run_python_block(PACKAGE_README, "A complete back-office job", tmp_path)
    out = capsys.readouterr().out
    assert "records," in out and "missing_receipt" in out and "valid" in out
    assert (tmp_path / "items.csv").read_text().startswith("category,reason,terminal,")


def test_repository_readme_python_example(tmp_path, capsys):
    demo_layout(tmp_path)
    run_python_block(REPOSITORY_README, "## Python", tmp_path)
    out = capsys.readouterr().out
    records, _, invalid, _ = out.split()
    assert int(records) > 100 and int(invalid) > 0


def test_package_readme_is_the_long_description():
    import importlib.metadata

    meta = importlib.metadata.metadata("possig")
    assert meta["Description-Content-Type"].startswith("text/markdown")
    body = meta.get_payload() or meta["Description"] or ""
    assert "A complete back-office job" in body
    assert body.strip().startswith(PACKAGE_README.read_text().strip()[:200])
