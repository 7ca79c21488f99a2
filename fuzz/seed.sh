#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the golden vectors, the fixture PKI and a demo day.
# Run from the repository root (make fuzz-smoke does). Idempotent.
set -euo pipefail
C=fuzz/corpus
V=core/tests/vectors
P=core/tests/fixtures/pki
# build_sign_verify, differential, ec_msm and ec_single take structured (arbitrary) input and
# start empty.
mkdir -p $C/{receipt_decode,receipt_verify,journal,text_decode,trust_load,settlement,qr_scan,build_sign_verify,differential,ec_msm,ec_single}
cp $V/*.der $C/receipt_decode/
cp $V/*.der $C/receipt_verify/
cp $V/journal-day.bin $C/journal/
cp $P/*.pem $C/trust_load/
cargo run -q --release -p possig-cli -- demo --dir target/fuzz-demo > /dev/null
for f in sale-pin refund day-close key-rotation; do
  cargo run -q --release -p possig-cli -- encode --text $V/$f.der --out $C/text_decode/$f.txt
done
head -40 target/fuzz-demo/settlement.csv > $C/settlement/demo.csv
cp target/fuzz-demo/receipts/genuine-sale.png $C/qr_scan/
