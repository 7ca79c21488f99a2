"""Compiles core/spec/possig.asn1 with asn1tools (an independent ASN.1 compiler) and checks
that every decodable golden vector decodes with it and re-encodes to the identical DER, and that
every signature attachment decodes as SignatureStrokes."""
import json
import pathlib
import sys

import asn1tools

root = pathlib.Path(__file__).resolve().parent.parent
spec = asn1tools.compile_files([str(root / "spec" / "possig.asn1")], "der")
index = json.loads((root / "tests" / "vectors" / "index.json").read_text())
passed = failed = 0
for v in index["vectors"]:
    data = (root / "tests" / "vectors" / v["file"]).read_bytes()
    must_decode = v["outcome"] != "invalid" or v["code"] not in ("malformed", "trailing_data", "limit_exceeded", "unsupported_version")
    try:
        value = spec.decode("SignedReceipt", data)
        same = spec.encode("SignedReceipt", value) == data
        for a in value.get("attachments", []):
            s = spec.decode("SignatureStrokes", a["data"])
            same &= spec.encode("SignatureStrokes", s) == a["data"]
    except Exception as e:  # noqa: BLE001 - report which vector and why
        same = False
        if must_decode:
            print(f"FAIL {v['name']}: {e}")
    ok = same if must_decode else True
    passed += ok
    failed += not ok
    if must_decode and not same:
        print(f"FAIL {v['name']}: re-encoding differs")
# Every record of the journal vectors decodes and re-encodes too (records are self-delimiting).
for j in index.get("journals", []):
    data = (root / "tests" / "vectors" / j["file"]).read_bytes()
    pos = 0
    while pos < len(data):
        length = data[pos + 1]
        head = 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(data[pos + 2 : pos + 2 + n], "big")
            head = 2 + n
        rec = data[pos : pos + head + length]
        pos += head + length
        try:
            ok = spec.encode("SignedReceipt", spec.decode("SignedReceipt", rec)) == rec
        except Exception as e:  # noqa: BLE001
            ok = False
            print(f"FAIL {j['name']} record at {pos}: {e}")
        passed += ok
        failed += not ok
print(f"spec: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
