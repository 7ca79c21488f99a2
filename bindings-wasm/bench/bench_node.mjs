// WASM timings in Node (run by `make wasm-bench` after `make wasm`): possig-wasm single-receipt
// verification (full path) and journal verification (batched) against WebCrypto's
// `crypto.subtle.verify` on the same receipt. Prints medians of 5 runs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { webcrypto as crypto } from "node:crypto";

const require = createRequire(import.meta.url);
const possig = require("../pkg/node/possig_wasm.js");
const CORE = new URL("../../core/tests/", import.meta.url);
const read = (p) => readFileSync(new URL(p, CORE));
const INDEX = JSON.parse(read("vectors/index.json"));
const PKI = "fixtures/pki/";

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(n, f) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    runs.push(Number(process.hrtime.bigint() - t) / 1e3 / n);
  }
  return median(runs);
}
async function timeAsync(n, f) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await f();
    runs.push(Number(process.hrtime.bigint() - t) / 1e3 / n);
  }
  return median(runs);
}

// DER: the receipt SEQUENCE holds the TBS, then the 65-byte r‖s‖v OCTET STRING.
function header(b, at) {
  const first = b[at + 1];
  if (first < 0x80) return { len: first, hdr: 2 };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i];
  return { len, hdr: 2 + n };
}
function split(der) {
  const outer = header(der, 0);
  const tbsAt = outer.hdr;
  const tbs = header(der, tbsAt);
  const tbsEnd = tbsAt + tbs.hdr + tbs.len;
  const sigAt = tbsEnd + 2; // 04 41
  return { tbs: der.subarray(tbsAt, tbsEnd), sig: der.subarray(sigAt, sigAt + 64) };
}

const bundle = Buffer.concat(
  [...INDEX.trust.intermediates, ...INDEX.trust.terminals, ...INDEX.trust.crls].map((f) => read(PKI + f)),
);
const store = new possig.TrustStore(read(PKI + INDEX.trust.roots[0]), bundle);
const der = read("vectors/sale-pin.der");
const opts = { at: INDEX.verify_at };
const single = time(50, () => possig.Receipt.fromDer(der).verify(store, opts));

const pem = read(PKI + "term-ok.key.pem").toString();
const pkcs8 = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
const priv = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
const jwk = await crypto.subtle.exportKey("jwk", priv);
delete jwk.d;
jwk.key_ops = ["verify"];
const pub = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
const { tbs, sig } = split(der);
const alg = { name: "ECDSA", hash: "SHA-256" };
if (!(await crypto.subtle.verify(alg, pub, sig, tbs))) throw new Error("WebCrypto refused the vector");
const webcrypto = await timeAsync(500, () => crypto.subtle.verify(alg, pub, sig, tbs));

// The viewer's demo day (make wasm): 4 terminals, ~2,900 receipts, with its own PKI.
const DEMO = new URL("../viewer/demo/", import.meta.url);
const demoStore = new possig.TrustStore(readFileSync(new URL("root.pem", DEMO)), readFileSync(new URL("bundle.pem", DEMO)));
const journal = readFileSync(new URL("day.journal", DEMO));
const report = possig.verifyJournal(demoStore, journal, { at: Math.floor(Date.now() / 1000) });
const records = report.summary.records;
const batch = time(1, () => possig.verifyJournal(demoStore, journal, { at: Math.floor(Date.now() / 1000) })) / records;

console.log(`possig-wasm single verify (full path): ${single.toFixed(1)} µs`);
console.log(`WebCrypto crypto.subtle.verify:        ${webcrypto.toFixed(1)} µs`);
console.log(`possig-wasm verifyJournal per receipt: ${batch.toFixed(1)} µs (${records} records, batched, 1 thread)`);
