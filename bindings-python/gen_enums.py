"""Writes possig/_enums.py from the crate's own enums (`possig._native.vocabularies()`).

Run by `make py-enums`; `tests/test_enums.py` fails when the committed file differs from what
this writes, so a vocabulary added in Rust cannot go missing in Python."""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = {
    "ReceiptKind": "The kind of a receipt (``ReceiptKind`` in the ASN.1 module).",
    "EntryMode": "How the card was read.",
    "CardholderVerification": "How the cardholder was verified (``pending``: signature to come in a ``resign``).",
    "CertificateRole": "What a certificate of a verified path is trusted as.",
    "WarningCode": "Why a valid receipt deserves a second look (``CertificateWarning.code``).",
    "Status": "The verdict on a receipt or journal record.",
    "ErrorKind": "The family of an error (``possig.Error.kind``); it picks the exception class.",
    "ErrorCode": "Every stable error code (``possig.Error.code``, ``RecordOutcome.code``).",
    "FindingCode": "A chain-level finding of a journal verification (``Finding.code``).",
    "Category": "The category of a reconciliation item; every receipt and row ends in exactly one.",
    "Reason": "Why a reconciliation item is in its category, where the category alone does not say.",
}


def member(value: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value).upper()


def render(vocabularies: list[tuple[str, list[str]]]) -> str:
    out = [
        '"""The closed vocabularies of possig as ``str``-valued enums: each member equals its',
        "string (``ReceiptKind.SALE == \"sale\"``), so code that compares with the strings keeps",
        "working. Generated from the Rust crate's enums by ``gen_enums.py``; do not edit.\"\"\"",
        "",
        "import enum",
        "",
        "__all__ = [",
        *(f'    "{name}",' for name, _ in vocabularies),
        "]",
    ]
    for name, values in vocabularies:
        out += ["", "", f"class {name}(str, enum.Enum):", f'    """{DOCS[name]}"""', ""]
        out += [f'    {member(v)} = "{v}"' for v in values]
        out += ["", "    def __str__(self) -> str:", "        return str(self.value)"]
    return "\n".join(out) + "\n"


def native_vocabularies() -> list[tuple[str, list[str]]]:
    """The extension module alone: importing the package would need the file being written."""
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("possig")
    assert spec is not None and spec.submodule_search_locations, "possig is not installed"
    for folder in spec.submodule_search_locations:
        for path in Path(folder).glob("_native*"):
            if path.suffix in (".so", ".pyd"):
                loader = importlib.machinery.ExtensionFileLoader("possig._native", str(path))
                native = importlib.util.module_from_spec(importlib.util.spec_from_loader("possig._native", loader))
                loader.exec_module(native)
                return list(native.vocabularies())
    sys.exit("no possig._native extension found: run maturin develop first")


def main() -> None:
    text = render(native_vocabularies())
    target = Path(__file__).parent / "python" / "possig" / "_enums.py"
    if sys.argv[1:] == ["--check"]:
        if target.read_text() != text:
            sys.exit(f"{target} is stale: run make py-enums")
        return
    target.write_text(text)


if __name__ == "__main__":
    main()
