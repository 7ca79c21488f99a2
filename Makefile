# possig: `make demo` runs the main job on built-in data; `make test` installs what the tests
# need (idempotently: each step is skipped when already done) and runs every test suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help demo test msrv spark-deps spark-test spark-demo spark-bench no-std bench-scaling wasm-types wasm-bench fuzz-smoke fuzz fuzz-deps ct-check audit deps python-deps wasm-deps wasm wasm-test viewer lint fmt rust-test python-test python-bench py-enums scale-test bench vectors vectors-check schema spec-check fixtures

## The targets and what they do (the first sentence of the comment above each).
help:
	@awk '/^## /{doc=doc (doc?" ":"") substr($$0,4);next} \
	  /^[a-z][a-z-]*:/{if(doc){split($$0,t,":");i=index(doc,". ");if(i)doc=substr(doc,1,i); \
	  if(length(doc)>100)doc=substr(doc,1,97) "...";printf "  %-14s %s\n",t[1],doc};doc="";next} {doc=""}' $(MAKEFILE_LIST)

## Builds the CLI and runs the main job on built-in data (a simulated day, in demo-out/).
demo:
	$(CARGO) run --release -q -p possig-cli -- demo --dir demo-out

## Installs what the tests need; every step is skipped when already present.
deps:
	@command -v openssl >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y openssl; }
	@# The OpenSSL bench peer (the openssl crate behind possig-benches' `openssl` feature; `make lint` builds it).
	@{ dpkg -s libssl-dev >/dev/null 2>&1 && command -v pkg-config >/dev/null; } \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y libssl-dev pkg-config; }
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	@$(PY) -c 'import asn1tools' 2>/dev/null || $(VENV)/bin/pip install -q 'asn1tools==0.169.0'

## Python test tools, pinned (the versions these tests were written against).
PYSPARK_VERSION := 4.3.0
PY_TEST_DEPS := maturin==1.16.0 pytest==9.2.0 hypothesis==6.170.15 cryptography==50.0.2 \
	mypy==2.4.1 pandas==3.1.1 pyarrow==26.0.1 typing_extensions==4.16.0 pyspark==$(PYSPARK_VERSION)

## Python test tools into the venv, once.
python-deps: deps
	@[ -x $(VENV)/bin/maturin ] && $(PY) -c 'import pytest, hypothesis, cryptography, mypy, pandas, pyarrow, typing_extensions' 2>/dev/null \
	  && $(PY) -c 'import pyspark, sys; sys.exit(pyspark.__version__ != "$(PYSPARK_VERSION)")' 2>/dev/null \
	  || $(VENV)/bin/pip install -q $(PY_TEST_DEPS)

## Every suite: lint, MSRV, no_std, Rust, Python, Spark, WASM, scale, vectors, spec, constant time, fuzz smoke.
test: deps lint msrv no-std rust-test python-test spark-test wasm-test scale-test vectors-check spec-check ct-check fuzz-smoke

## rustfmt, clippy -D warnings (every crate and feature set), rustdoc, cargo-deny when installed.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p possig-benches --all-targets --features openssl -- -D warnings
	$(CARGO) clippy -p possig --no-default-features -- -D warnings
	$(CARGO) clippy -p possig --all-features -- -D warnings
	$(CARGO) clippy -p possig-ec --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -q -p possig -p possig-ec -p possig-testkit -p possig-reconcile -p possig-arrow --no-deps --all-features
	@if command -v cargo-deny >/dev/null; then cargo deny --log-level error check licenses bans sources; \
	else echo "cargo-deny not installed: dependency audit skipped (make audit installs it)"; fi

## Formats every crate.
fmt:
	$(CARGO) fmt --all

## The library crates build with the declared minimum Rust (rust-version in Cargo.toml).
MSRV := 1.89
msrv:
	@rustup toolchain list | grep -q '^$(MSRV)-' || rustup toolchain install $(MSRV) --profile minimal
	CARGO_TARGET_DIR=target/msrv $(CARGO) +$(MSRV) check -q -p possig -p possig-ec -p possig-reconcile -p possig-terminal --all-features

## The receipt library without `std` (format, building, signing, terminals, text form, pinned-key
## verification) builds and passes clippy for a Cortex-M4F terminal (thumbv7em-none-eabihf).
NO_STD_TARGET := thumbv7em-none-eabihf
no-std:
	@rustup target list --installed | grep -q '^$(NO_STD_TARGET)$$' || rustup target add $(NO_STD_TARGET)
	$(CARGO) clippy -q -p possig --no-default-features --target $(NO_STD_TARGET) -- -D warnings

## The Rust tests of the whole workspace.
rust-test:
	$(CARGO) test --workspace
	$(CARGO) test -q -p possig-ec --features words32

## The Python package: built into the venv by maturin (abi3 wheel, editable), then pytest
## (golden vectors, errors, pyca/cryptography interop, reconciliation, Hypothesis), stubtest
## and mypy --strict over the typed package.
python-test: python-deps
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q
	$(PY) -m pytest -q bindings-python/tests --ignore=bindings-python/tests/test_spark.py
	cd bindings-python && ../$(PY) -m mypy.stubtest possig --allowlist stubtest-allowlist.txt --mypy-config-file pyproject.toml
	cd bindings-python && ../$(PY) -m mypy --strict -p possig

## Apache Spark for `possig.spark`, once: a JDK 17+ (Debian's openjdk-17-jre-headless); PySpark
## is pinned with the Python test tools (mypy checks possig.spark against its types). The
## Python workers Spark starts must be the venv's (PYSPARK_PYTHON).
SPARK_ENV := PYSPARK_PYTHON=$(abspath $(PY)) PYSPARK_DRIVER_PYTHON=$(abspath $(PY))
spark-deps: python-deps
	@java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y openjdk-17-jre-headless; }

## possig.spark on local[2,2] (two threads; a task may fail once and be retried): a simulated
## day split into files per terminal and shuffled gives possig.reconcile's answers; corrupt
## and truncated files, malformed rows and tasks failed on purpose lose and duplicate nothing;
## Parquet from Spark and from to_arrow() have one schema; the README's Spark example runs.
spark-test: spark-deps
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q
	$(SPARK_ENV) $(PY) -m pytest -q bindings-python/tests/test_spark.py

## The demo day (make demo's files) reconciled by Spark on local[2]: the items per category,
## and Parquet in demo-out/parquet/.
spark-demo: spark-deps
	$(CARGO) run --release -q -p possig-cli -- demo --dir demo-out > /dev/null
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q
	rm -rf demo-out/parquet
	cd demo-out && $(SPARK_ENV) ../$(PY) -m possig.spark --master 'local[2]' \
	  --journals day.journal --settlement settlement.csv --at 2026-11-28T08:00:00Z \
	  --roots pki/root.pem --intermediates pki/intermediate.pem \
	  $$(for t in pki/T-*.pem; do echo --terminals $$t; done) \
	  --crls pki/root.crl.pem --crls pki/intermediate.crl.pem --parquet parquet

## Scale benchmark: possig.spark on local[2] against possig.reconcile on the same simulated
## day (48 terminals x 4,000 transactions, release build), with peak memory (bench/bench_spark.py).
spark-bench: spark-deps
	$(CARGO) build -q --release -p possig-cli
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q --release
	$(SPARK_ENV) $(PY) bindings-python/bench/bench_spark.py

## Python benchmark: verify_many over 10⁵ receipts vs a pyca/cryptography loop (release build).
## Regenerates possig/_enums.py from the crate's enums (a test fails while it is stale).
py-enums: python-deps
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q
	$(PY) bindings-python/gen_enums.py

python-bench: python-deps
	cd bindings-python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop -q --release
	$(PY) bindings-python/bench/bench_verify.py

## WASM: the wasm-bindgen CLI must be exactly the wasm-bindgen crate's version (Cargo.toml of
## bindings-wasm pins it with "=").
WASM_BINDGEN_VERSION := 0.2.130
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/wasm/possig_wasm.wasm
## The browser's main module must stay within this many bytes (make wasm-test checks it).
WASM_WEB_MAX := 700000
PKG := bindings-wasm/pkg

## The wasm32 target, the wasm-bindgen CLI, Chromium and the npm test tools, once.
# The CLIs are debug builds: they install in under 2 minutes instead of about 10 on 2 cores, and
# their output is byte-identical (they post-process a module in under a second).
wasm-deps:
	@rustup target list --installed | grep -q '^$(WASM_TARGET)$$' || rustup target add $(WASM_TARGET)
	@wasm-bindgen --version 2>/dev/null | grep -q ' $(WASM_BINDGEN_VERSION)$$' \
	  || $(CARGO) install --debug wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }
	@command -v wasm-opt >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y binaryen; }
	@[ -d bindings-wasm/node_modules/playwright-core ] && [ -d bindings-wasm/node_modules/json-schema-to-typescript ] \
	  && [ -d bindings-wasm/node_modules/typescript ] || (cd bindings-wasm && npm ci --no-audit --no-fund)

## The npm package folder (ESM for browsers in pkg/web, CommonJS for Node in pkg/node, .d.ts for
## both), wasm-opt'ed (binaryen, installed by wasm-deps), and the viewer's demo files (from `possig demo`).
## wasm-opt runs before wasm-bindgen: binaryen 108 (Debian's) turns the externref table that
## wasm-bindgen adds into a funcref one, and the module then fails to instantiate.
wasm: wasm-deps
	$(CARGO) build -q --profile wasm -p possig-wasm --target $(WASM_TARGET)
	rm -rf $(PKG) target/wasm-opt && mkdir -p $(PKG)/node target/wasm-opt
	wasm-opt -Os -o target/wasm-opt/possig_wasm.wasm $(WASM_OUT)
	$(CARGO) build -q --profile wasm -p possig-wasm --target $(WASM_TARGET) --no-default-features --features scan
	wasm-opt -Os -o target/wasm-opt/possig_wasm_qr.wasm $(WASM_OUT)
	for m in possig_wasm possig_wasm_qr; do \
	  wasm-bindgen --target web --out-dir $(PKG)/web target/wasm-opt/$$m.wasm && \
	  wasm-bindgen --target nodejs --out-dir $(PKG)/node target/wasm-opt/$$m.wasm || exit 1; done
	cp bindings-wasm/views.d.ts $(PKG)/web/views.d.ts
	cp bindings-wasm/views.d.ts $(PKG)/node/views.d.ts
	echo '{"type": "commonjs"}' > $(PKG)/node/package.json
	cp bindings-wasm/pkg.package.json $(PKG)/package.json
	cp bindings-wasm/pkg.README.md $(PKG)/README.md
	$(CARGO) run -q --release -p possig-cli -- demo --dir target/viewer-demo > /dev/null
	rm -rf bindings-wasm/viewer/demo && mkdir -p bindings-wasm/viewer/demo
	cp target/viewer-demo/pki/root.pem target/viewer-demo/day.journal target/viewer-demo/receipts/* bindings-wasm/viewer/demo/
	cat target/viewer-demo/pki/intermediate.pem target/viewer-demo/pki/T-*.pem \
	  target/viewer-demo/pki/root.crl.pem target/viewer-demo/pki/intermediate.crl.pem > bindings-wasm/viewer/demo/bundle.pem
	@ls -l $(PKG)/web/possig_wasm_bg.wasm $(PKG)/web/possig_wasm_qr_bg.wasm

# $(call views_dts,OUT): the views' TypeScript types generated into OUT (relative to bindings-wasm/).
views_dts = cd bindings-wasm && npx json2ts -i ../docs/schema/views.schema.json -o $(1) \
  --no-additionalProperties --unknownAny --bannerComment \
  "/** possig's views, generated from docs/schema/views.schema.json by make wasm-types: do not edit. */"

## The TypeScript types of the views (bindings-wasm/views.d.ts), generated from their JSON
## Schema (docs/schema/views.schema.json, itself generated from the Rust types: make schema).
wasm-types: wasm-deps
	$(call views_dts,views.d.ts)

## wasm-bindgen tests in Node over the golden vectors, the npm package's JS API in Node, and the
## viewer end to end in headless Chromium (screenshots in bindings-wasm/test-output/). First,
## the committed TypeScript types must be what the schema generates, and the package's
## declarations must type-check.
wasm-test: wasm
	$(call views_dts,../target/views.d.ts)
	@diff -u bindings-wasm/views.d.ts target/views.d.ts \
	  || { echo "bindings-wasm/views.d.ts is stale: run make schema wasm-types"; exit 1; }
	cd bindings-wasm && npx tsc --noEmit --strict --lib esnext tests/types.check.ts
	@size=$$(stat -c %s $(PKG)/web/possig_wasm_bg.wasm); echo "web module: $$size bytes (limit $(WASM_WEB_MAX))"; \
	  [ $$size -le $(WASM_WEB_MAX) ] || { echo "the browser module grew past $(WASM_WEB_MAX) bytes"; exit 1; }
	$(CARGO) clippy -q -p possig-wasm --target $(WASM_TARGET) --all-targets --all-features -- -D warnings
	$(CARGO) clippy -q -p possig-wasm --target $(WASM_TARGET) --no-default-features --features scan -- -D warnings
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  $(CARGO) test -p possig-wasm --target $(WASM_TARGET) --all-features --test vectors
	cd bindings-wasm && node --test tests/

## WASM timings in Node and in headless Chromium: single verify (key seen before, key's first
## receipt) and batched journal verification against WebCrypto (bindings-wasm/bench/).
wasm-bench: wasm
	node bindings-wasm/bench/bench_node.mjs
	node bindings-wasm/bench/bench_chromium.mjs

## Serves the viewer on 127.0.0.1 and prints its URL (Ctrl-C stops it).
viewer: wasm
	node bindings-wasm/viewer/serve.mjs 8765

## Fuzzing (fuzz/, cargo-fuzz, its own workspace; nightly features through RUSTC_BOOTSTRAP=1
## on the stable toolchain), from corpora seeded by fuzz/seed.sh, without sanitizer for speed
## (`cargo fuzz run <target>` alone gives the AddressSanitizer build). `make fuzz-smoke` (part of
## `make test`) runs every target for FUZZ_SECONDS; `make fuzz` runs each for FUZZ_LONG_SECONDS
## and prints libFuzzer's final stats (the figures in docs/SECURITY.md).
FUZZ_TARGETS := receipt_decode receipt_verify journal text_decode trust_load settlement qr_scan \
	build_sign_verify differential ec_msm ec_single
FUZZ_SECONDS ?= 10
FUZZ_LONG_SECONDS ?= 1800
FUZZ_RUN = cd fuzz && for t in $(FUZZ_TARGETS); do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run -O -s none $$t corpus/$$t -- -max_len=20000 $(1) || exit 1; \
	done
## cargo-fuzz (once) and the seed corpora.
fuzz-deps:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install --debug cargo-fuzz --locked
	fuzz/seed.sh

## Every fuzz target for FUZZ_SECONDS each (CI).
fuzz-smoke: fuzz-deps
	$(call FUZZ_RUN,-max_total_time=$(FUZZ_SECONDS))

## Every fuzz target for FUZZ_LONG_SECONDS each, with final statistics.
fuzz: fuzz-deps
	$(call FUZZ_RUN,-max_total_time=$(FUZZ_LONG_SECONDS) -print_final_stats=1)

## Constant-time check of signing: ct-check/ signs under valgrind memcheck with the secret
## scalar marked undefined, and computes single verification's u1·G + u2·Q with u1, u2 marked
## (profile `ct`: release, line tables, no overflow checks or debug assertions in the crypto
## crates). Runs twice: with the 64-bit-word field multiplication, then with the 32-bit one that
## wasm32 runs (feature `words32`). Fails on any unsuppressed secret-dependent branch or index,
## if its leaky control is not caught, or if it is not running under valgrind.
ct-check:
	@command -v valgrind >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y valgrind; }
	@for words in 64 32; do \
	  features=; if [ $$words = 32 ]; then features=--features=words32; fi; \
	  echo "ct-check: field multiplication with $$words-bit words"; \
	  $(CARGO) build -q --profile ct -p possig-ct-check $$features || exit 1; \
	  valgrind -q -s --suppressions=ct-check/ct.supp target/ct/possig-ct-check 2>&1 \
	    | grep -v '^==[0-9]*==  ' | tee target/ct-check-$$words.log; \
	  grep -q '^ct-check: PASS' target/ct-check-$$words.log || exit 1; \
	done

## Dependency audit (deny.toml): licences, bans and sources must pass; advisories must pass
## too when the RustSec database can be fetched (it lives on GitHub, not on a package registry),
## and are reported as not checked otherwise. Installs cargo-deny when missing (once).
audit:
	@command -v cargo-deny >/dev/null || $(CARGO) install cargo-deny --locked
	cargo deny check licenses bans sources
	@if timeout 120 cargo deny fetch db >/dev/null 2>&1; then cargo deny check advisories; \
	else echo "audit: advisory database unreachable: advisories NOT checked"; fi

## 10⁶-record journal verified, and 10⁶ receipts reconciled against 10⁶ settlement rows, with
## bounded memory (release build; prints throughput and RSS growth).
scale-test:
	$(CARGO) test --release -p possig --test journal_scale -- --ignored --nocapture
	$(CARGO) test --release -p possig-reconcile --test reconcile_scale -- --ignored --nocapture

## Criterion benchmarks (benches/): decode, encode, sign, verify, verify_many, journal and
## reconciliation, with p256, ring and OpenSSL in the same run; reports in target/criterion.
bench: deps
	$(CARGO) bench -p possig-benches --features openssl

## Scaling of verify_many on 2 cores: one core (taskset -c 0) against two (taskset -c 0-1),
## alternated SCALING_ROUNDS times, for one key and for distinct keys (benches/examples/scaling.rs).
SCALING_ROUNDS ?= 3
bench-scaling:
	$(CARGO) build -q --release -p possig-benches --example scaling
	for keys in 1 0; do for round in $$(seq $(SCALING_ROUNDS)); do \
	  taskset -c 0 target/release/examples/scaling $$keys; \
	  taskset -c 0-1 target/release/examples/scaling $$keys; \
	done; done

SCHEMA_DOCS := verify proof show journal-verify report views
## Regenerates the JSON Schemas of the --json documents (docs/schema/) from the view types;
## the CLI tests fail when a committed schema differs from the generated one.
schema:
	$(CARGO) build -q -p possig-cli
	for d in $(SCHEMA_DOCS); do target/debug/possig schema $$d > docs/schema/$$d.schema.json; done

## Regenerates the golden vectors from the committed fixture keys (deterministic), and the
## constant table of multiples of G (ec/src/ct/base_table.rs).
vectors:
	$(CARGO) run -q -p possig --example gen_vectors
	$(CARGO) run -q -p possig-ec --example gen_base_table

## CI: regenerating the vectors and the table must not change a byte.
vectors-check: vectors
	git diff --exit-code -- core/tests/vectors ec/src/ct/base_table.rs
	@[ -z "$$(git status --porcelain -- core/tests/vectors)" ] || { echo "untracked vector files"; exit 1; }

## The ASN.1 module compiles with an independent compiler and round-trips every vector.
spec-check: deps
	$(PY) core/spec/check_spec.py

## Regenerates the OpenSSL-made fixture PKI (by hand; then `make vectors`).
fixtures:
	core/tests/fixtures/make-pki.sh
	core/tests/fixtures/make-bad-certs.sh
