// The npm package's Node build through its JS API: the golden vectors give their recorded
// outcomes, errors are real Error objects with the crate's code, views are plain objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const possig = require("../pkg/node/possig_wasm.js");
const qr = require("../pkg/node/possig_wasm_qr.js");
const CORE = new URL("../../core/tests/", import.meta.url);
const read = (p) => readFileSync(new URL(p, CORE));
const INDEX = JSON.parse(read("vectors/index.json"));
const PKI = "fixtures/pki/";

function store() {
  const bundle = Buffer.concat(
    [...INDEX.trust.intermediates, ...INDEX.trust.terminals, ...INDEX.trust.crls].map((f) => read(PKI + f)),
  );
  return new possig.TrustStore(read(PKI + INDEX.trust.roots[0]), bundle);
}

test("every golden vector has its recorded outcome", () => {
  const s = store();
  assert.deepEqual(s.counts(), { roots: 1, intermediates: 1, terminals: 5, crls: 2 });
  for (const v of INDEX.vectors) {
    const data = read("vectors/" + v.file);
    if (v.outcome === "invalid") {
      assert.throws(
        () => possig.Receipt.fromDer(data).verify(s, { at: INDEX.verify_at }),
        (e) => e instanceof Error && e.code === v.code && e.name === "PossigError",
        v.name,
      );
    } else {
      const view = possig.Receipt.fromDer(data).verify(s, { at: INDEX.verify_at });
      assert.deepEqual(view.warnings.map((w) => w.code), v.warnings, v.name);
      assert.equal(typeof view.receipt.tbs.issued_at, "number");
      assert.equal(view.path[0].role, "terminal");
    }
  }
});

test("the journal vector", () => {
  const j = INDEX.journals[0];
  const r = possig.verifyJournal(store(), read("vectors/" + j.file), { at: INDEX.verify_at });
  assert.deepEqual(
    r.records.map(({ code, index, offset, status, warnings }) => ({ code, index, offset, status, warnings })),
    j.records,
  );
  assert.deepEqual(r.findings, j.findings);
  assert.equal(r.clean, false);
  assert.equal(possig.classify(read("vectors/" + j.file)), "journal");
});

test("errors carry codes and data; bad times are refused", () => {
  assert.throws(() => possig.Receipt.fromText("PSR1:ab"), (e) => e.code === "invalid_text" && e.kind === "malformed" && e.offset === 5 && e.reason === "character");
  assert.throws(() => possig.Receipt.fromDer(new Uint8Array([0x30, 0x80])), (e) => e.code === "malformed");
  assert.throws(() => qr.scanQr(new Uint8Array([1, 2, 3])), (e) => e.code === "qr_unreadable" && e.reason === "image" && e.kind === "malformed");
  const r = possig.Receipt.fromDer(read("vectors/sale-pin.der"));
  // A caller's mistake is a TypeError or RangeError naming the argument, not a data error.
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 60]) {
    assert.throws(() => r.verify(store(), { at: bad }), (e) => e instanceof RangeError && /options\.at/.test(e.message) && e.code === undefined, String(bad));
  }
  for (const bad of ["2027", null, undefined, {}]) {
    assert.throws(() => r.verify(store(), { at: bad }), (e) => e instanceof TypeError && /options\.at/.test(e.message), String(bad));
  }
  assert.throws(() => r.verify(store(), {}), (e) => e instanceof TypeError && /options\.at/.test(e.message));
  assert.throws(() => r.verify(store(), 1798761600), (e) => e instanceof TypeError && /options/.test(e.message));
  assert.throws(() => r.verify(store(), { at: INDEX.verify_at, maxClockSkew: -5 }), (e) => e instanceof RangeError && /maxClockSkew/.test(e.message));
  assert.throws(() => possig.verifyJournal(store(), read("vectors/sale-pin.der"), { at: -1 }), RangeError);
  assert.equal(r.verify(store(), { at: INDEX.verify_at, maxClockSkew: 0 }).warnings.length, 0);
  assert.throws(() => new possig.TrustStore(new Uint8Array([1, 2]), undefined), (e) => typeof e.code === "string");
  assert.ok(possig.errorCodes().includes("bad_signature"));
});

test("text form and QR round trips", () => {
  const r = possig.Receipt.fromDer(read("vectors/sale-signature.der"));
  const t = r.toText();
  assert.equal(possig.Receipt.fromText(`\n${t} `).toText(), t);
  assert.ok(r.qrSvg(4).includes("<svg"));
  assert.equal(possig.classify(new TextEncoder().encode(t)), "text");
  assert.equal(possig.classify(read("vectors/sale-pin.der")), "receipt");
});

test("QR scanning is its own module: an image's QR code gives the text form", () => {
  const demo = (f) => readFileSync(new URL("../viewer/demo/" + f, import.meta.url));
  const text = qr.scanQr(demo("genuine-sale.png"));
  assert.match(text, /^PSR1:/);
  const demoStore = new possig.TrustStore(demo("root.pem"), demo("bundle.pem"));
  // 2026-11-28T08:00:00Z: the demo's back-office time.
  const v = possig.Receipt.fromText(text).verify(demoStore, { at: 1795852800 });
  assert.equal(v.receipt.tbs.kind, "sale");
  // The main module has no image decoding, and the QR module nothing but scanning.
  assert.equal(possig.Receipt.fromQrImage, undefined);
  assert.equal(possig.scanQr, undefined);
  assert.deepEqual(Object.keys(qr).filter((k) => !k.startsWith("__")), ["scanQr"]);
});

test("garbage of every shape never crashes", () => {
  const s = store();
  const shapes = [new Uint8Array(0), new Uint8Array([0x30]), new Uint8Array(70000).fill(0x30), new Uint8Array(300).map((_, i) => (i * 37) & 255)];
  for (const g of shapes) {
    for (const f of [
      () => possig.Receipt.fromDer(g),
      () => qr.scanQr(g),
      () => possig.verifyJournal(s, g, { at: INDEX.verify_at }),
      () => possig.classify(g),
      () => new possig.TrustStore(g, g),
    ]) {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof Error && typeof e.code === "string", String(e));
      }
    }
  }
});

// The CLI built by `make wasm` (its demo step), whose --json the JS views must equal.
const CLI = fileURLToPath(new URL("../../target/release/possig", import.meta.url));
const corePath = (p) => fileURLToPath(new URL(p, CORE));

function cliJson(args) {
  const trust = [
    ...INDEX.trust.roots.flatMap((f) => ["--root", corePath(PKI + f)]),
    ...INDEX.trust.intermediates.flatMap((f) => ["--intermediate", corePath(PKI + f)]),
    ...INDEX.trust.terminals.flatMap((f) => ["--terminal", corePath(PKI + f)]),
    ...INDEX.trust.crls.flatMap((f) => ["--crl", corePath(PKI + f)]),
  ];
  const [head, ...rest] = args;
  const full =
    head === "journal" ? [head, rest[0], ...trust, ...rest.slice(1)] : head === "show" ? args : [head, ...trust, ...rest];
  const out = spawnSync(CLI, full, { maxBuffer: 64 << 20 });
  assert.ok(out.status === 0 || out.status === 1, `${full.join(" ")}: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

test("every view equals the CLI's --json for the same input and time", () => {
  const s = store();
  const at = INDEX.verify_at;
  const files = INDEX.vectors.map((v) => corePath("vectors/" + v.file));
  const cli = cliJson(["verify", "--json", "--at", `@${at}`, ...files]);
  assert.equal(cli.length, INDEX.vectors.length);
  let valid = 0;
  let invalid = 0;
  INDEX.vectors.forEach((v, i) => {
    const { file, outcome, error, ...verified } = cli[i];
    assert.equal(file, files[i]);
    const data = read("vectors/" + v.file);
    let js;
    try {
      js = possig.Receipt.fromDer(data).verify(s, { at });
    } catch (e) {
      invalid += 1;
      assert.equal(outcome, "invalid", v.name);
      // The error's data: every field the CLI shows (null means absent on the JS Error).
      for (const [k, want] of Object.entries(error)) {
        assert.deepEqual(e[k] ?? null, want, `${v.name}: ${k}`);
      }
      return;
    }
    valid += 1;
    assert.equal(outcome, js.warnings.length ? "valid_with_warnings" : "valid", v.name);
    assert.deepEqual(js, verified, v.name);
  });
  assert.ok(valid > 5 && invalid > 5, `${valid} valid, ${invalid} invalid`);

  for (const [i, v] of INDEX.vectors.entries()) {
    let js;
    try {
      js = possig.Receipt.fromDer(read("vectors/" + v.file)).unverifiedView();
    } catch {
      continue; // does not decode: `show` fails too
    }
    assert.deepEqual(js, cliJson(["show", "--json", files[i]]), v.name);
  }

  const journal = INDEX.journals[0].file;
  const js = possig.verifyJournal(s, read("vectors/" + journal), { at });
  const cliJournal = cliJson(["journal", "verify", "--json", "--all-records", "--at", `@${at}`, corePath("vectors/" + journal)]);
  assert.ok(cliJournal.records.length > 0 && cliJournal.findings.length > 0);
  assert.deepEqual(js, cliJournal);
});
