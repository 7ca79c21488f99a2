// The WASM timings, shared by Node (bench_node.mjs) and headless Chromium (bench_chromium.mjs,
// through bench.html): possig-wasm single-receipt verification (full path; the key's first
// receipt and a key seen before) and journal verification (batched) against WebCrypto's
// `crypto.subtle.verify` on the same receipt, in µs per receipt. Every variant is first warmed
// up for WARM_UP_MS; the single-receipt variants then run in ROUNDS interleaved rounds, and
// the first-receipt/WebCrypto ratio is the median of the rounds' own ratios.
//
// `possig` is the loaded package, `subtle` a WebCrypto SubtleCrypto, and `read(name)` returns
// the bytes of a file named as in FILES.

/** The files the benchmark reads: core/tests/... and the viewer's demo day (make wasm). */
export const FILES = {
  index: "core/tests/vectors/index.json",
  receipt: "core/tests/vectors/sale-pin.der",
  key: "core/tests/fixtures/pki/term-ok.key.pem",
  pki: "core/tests/fixtures/pki/",
  demoRoot: "bindings-wasm/viewer/demo/root.pem",
  demoBundle: "bindings-wasm/viewer/demo/bundle.pem",
  demoJournal: "bindings-wasm/viewer/demo/day.journal",
};

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds of calls before any run is counted: engines compile WebAssembly in tiers
 * (baseline code first, optimised code later, in the background), so a fixed small number of
 * warm-up calls can leave the measured runs on baseline code or racing its replacement. */
const WARM_UP_MS = 1500;

/** Calls `f` (async or not) until WARM_UP_MS have passed, at least n times. */
async function warmUp(n, f) {
  const start = performance.now();
  for (let i = 0; i < n || performance.now() - start < WARM_UP_MS; i++) await f();
}

/** Rounds of the single-receipt timings. Each round runs every variant once, so the ratios
 * compare runs made at the same moment (this machine's speed drifts between runs). */
const ROUNDS = 9;

/** The time per call of `f` over n calls (one run), in µs. */
async function run(n, f) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  return ((performance.now() - t) * 1e3) / n;
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

function base64(text) {
  const bin = atob(text);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs every timing; returns them in µs per receipt, with the demo day's record count. */
export async function bench(possig, subtle, read) {
  const text = (name) => new TextDecoder().decode(read(name));
  const index = JSON.parse(text(FILES.index));
  const pki = (f) => read(FILES.pki + f);
  const root = pki(index.trust.roots[0]);
  const bundle = concat([...index.trust.intermediates, ...index.trust.terminals, ...index.trust.crls].map(pki));
  const der = read(FILES.receipt);
  const opts = { at: index.verify_at };

  const pem = text(FILES.key);
  const pkcs8 = base64(pem.replace(/-----[^-]+-----|\s/g, ""));
  const curve = { name: "ECDSA", namedCurve: "P-256" };
  const priv = await subtle.importKey("pkcs8", pkcs8, curve, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", priv);
  delete jwk.d;
  jwk.key_ops = ["verify"];
  const pub = await subtle.importKey("jwk", jwk, curve, false, ["verify"]);
  const { tbs, sig } = split(der);
  const alg = { name: "ECDSA", hash: "SHA-256" };
  if (!(await subtle.verify(alg, pub, sig, tbs))) throw new Error("WebCrypto refused the vector");

  // A key seen before: the store keeps a precomputed table of its multiples.
  const store = new possig.TrustStore(root, bundle);
  const seen = () => run(50, () => possig.Receipt.fromDer(der).verify(store, opts));
  // The key's first receipt: a fresh store for each verification. The stores of a run are
  // built before it and the run's verifications timed together (browsers coarsen the clock).
  const FRESH = 20;
  const first = async () => {
    const fresh = Array.from({ length: FRESH }, () => new possig.TrustStore(root, bundle));
    const t = performance.now();
    for (const s of fresh) possig.Receipt.fromDer(der).verify(s, opts);
    const elapsed = performance.now() - t;
    for (const s of fresh) s.free();
    return (elapsed * 1e3) / FRESH;
  };
  const webcrypto = () => run(200, () => subtle.verify(alg, pub, sig, tbs));

  const variants = { single: seen, first, webcrypto };
  for (const f of Object.values(variants)) await warmUp(1, f);
  const runs = { single: [], first: [], webcrypto: [], ratio: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, f] of Object.entries(variants)) runs[name].push(await f());
    runs.ratio.push(runs.first[r] / runs.webcrypto[r]);
  }

  // The viewer's demo day: 4 terminals, ~2,900 receipts, with its own PKI.
  const demoStore = new possig.TrustStore(read(FILES.demoRoot), read(FILES.demoBundle));
  const journal = read(FILES.demoJournal);
  const at = Math.floor(Date.now() / 1000);
  const records = possig.verifyJournal(demoStore, journal, { at }).summary.records;
  const day = () => run(1, () => possig.verifyJournal(demoStore, journal, { at }));
  await warmUp(1, day);
  const days = [];
  for (let r = 0; r < 5; r++) days.push(await day());
  const batch = median(days) / records;
  const spread = (xs) => [Math.min(...xs), Math.max(...xs)];
  return {
    single: median([...runs.single]),
    first: median([...runs.first]),
    webcrypto: median([...runs.webcrypto]),
    ratio: median([...runs.ratio]),
    ratioSpread: spread(runs.ratio),
    batch,
    records,
  };
}

/** The lines both drivers print. */
export function report(where, r) {
  return [
    `${where}:`,
    `  possig-wasm single verify, key seen before (key table):   ${r.single.toFixed(1)} µs`,
    `  possig-wasm single verify, key's first receipt (no table): ${r.first.toFixed(1)} µs`,
    `  WebCrypto crypto.subtle.verify:                            ${r.webcrypto.toFixed(1)} µs`,
    `  possig-wasm verifyJournal per receipt:                     ${r.batch.toFixed(1)} µs (${r.records} records, batched, 1 thread)`,
    `  first receipt / WebCrypto, median of ${ROUNDS} rounds:          ${r.ratio.toFixed(2)}× (rounds ${r.ratioSpread.map((x) => x.toFixed(2)).join("–")}×)`,
  ].join("\n");
}
