// The npm package's Node build through its JS API: the golden vectors give their recorded
// outcomes, errors are real Error objects with the crate's code, views are plain objects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const possig = require("../pkg/node/possig_wasm.js");
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
  assert.deepEqual([...s.counts()], [1, 1, 5, 2]);
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
  assert.throws(() => possig.Receipt.fromQrImage(new Uint8Array([1, 2, 3])), (e) => e.code === "qr_unreadable" && e.reason === "image");
  const r = possig.Receipt.fromDer(read("vectors/sale-pin.der"));
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 60, "2027"]) {
    assert.throws(() => r.verify(store(), { at: bad }), (e) => e.code === "invalid_field" && e.kind === "malformed", String(bad));
  }
  assert.throws(() => r.verify(store(), {}), (e) => e.code === "invalid_field");
  assert.throws(() => r.verify(store(), { at: INDEX.verify_at, maxClockSkew: -5 }), (e) => e.code === "invalid_field");
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

test("garbage of every shape never crashes", () => {
  const s = store();
  const shapes = [new Uint8Array(0), new Uint8Array([0x30]), new Uint8Array(70000).fill(0x30), new Uint8Array(300).map((_, i) => (i * 37) & 255)];
  for (const g of shapes) {
    for (const f of [
      () => possig.Receipt.fromDer(g),
      () => possig.Receipt.fromQrImage(g),
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
