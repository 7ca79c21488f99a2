// The receipt viewer: loads the WASM module, a trust configuration and a receipt (file, drop,
// pasted text form, QR image), and shows the verdict. All checks are the possig crate's; this
// file only presents them.
import init, { TrustStore, Receipt, verifyJournal, classify } from "../pkg/web/possig_wasm.js";

const $ = (id) => document.getElementById(id);
const ROOT_KEY = "possig.viewer.root";
const BUNDLE_KEY = "possig.viewer.bundle";

// Plain words per error family (`kind`, decided by the crate, the same in Rust and Python);
// a few codes have words of their own. A kind this viewer does not know yet shows the crate's
// message, which every error has.
const BY_KIND = {
  malformed: "This is not a well-formed receipt: it may be damaged, truncated or mistyped.",
  limit: "The input is larger than any receipt.",
  untrusted_signer: "No certificate for the terminal that claims to have signed this receipt is configured.",
  certificate: "The terminal's certificate was not valid for this receipt when it was issued.",
  signature: "The receipt was changed after it was signed: its signature does not match its content.",
  time: "The receipt claims a time in the future.",
  io: "The file could not be read.",
};
const BY_CODE = {
  revoked: "The terminal's certificate was revoked before this receipt was issued.",
  certificate_expired: "The terminal's certificate had expired when this receipt was issued.",
  certificate_not_yet_valid: "The terminal's certificate was not yet valid when this receipt was issued.",
  chain_invalid: "The terminal's certificate does not lead to the configured root.",
  unsigned: "This record was never signed (written during a signer outage).",
  attachment_digest_mismatch: "The captured signature attached to the receipt is not the one that was signed.",
  invalid_text: "The text is not a valid receipt text form (check for a mistyped character).",
  qr_unreadable: "No readable receipt QR code was found in the image.",
};

let store = null;

const enc = new TextEncoder();
const text = (s) => document.createTextNode(String(s));
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : text(c));
  return e;
}

function localTime(unix) {
  const d = new Date(unix * 1000);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${d.toLocaleString()} (${zone})`;
}

function reason(err) {
  return BY_CODE[err.code] ?? BY_KIND[err.kind] ?? err.message;
}

// ---- trust -------------------------------------------------------------------------------

function setTrust(root, bundle, label) {
  store = new TrustStore(root, bundle ?? undefined);
  const n = store.counts();
  $("trust-status").textContent =
    `${label}: ${n.roots} root, ${n.intermediates} intermediate CA, ` +
    `${n.terminals} terminal certificate(s), ${n.crls} CRL(s).`;
}

async function loadDemoTrust() {
  const root = await fetch("demo/root.pem").then((r) => (r.ok ? r.text() : Promise.reject(r.status)));
  const bundle = await fetch("demo/bundle.pem").then((r) => (r.ok ? r.text() : ""));
  localStorage.removeItem(ROOT_KEY);
  localStorage.removeItem(BUNDLE_KEY);
  setTrust(enc.encode(root), bundle ? enc.encode(bundle) : null, "Demo trust (for the demo only)");
}

async function initTrust() {
  const root = localStorage.getItem(ROOT_KEY);
  try {
    if (root) {
      const bundle = localStorage.getItem(BUNDLE_KEY);
      setTrust(enc.encode(root), bundle ? enc.encode(bundle) : null, "Your trust configuration");
    } else {
      await loadDemoTrust();
    }
  } catch (e) {
    store = null;
    $("trust-status").textContent = `No trust configured: ${e.message ?? e}. Load a root certificate.`;
  }
}

async function onTrustFiles() {
  const rootFile = $("root-file").files[0];
  if (!rootFile) return;
  const bundleFile = $("bundle-file").files[0];
  const root = await rootFile.text();
  const bundle = bundleFile ? await bundleFile.text() : "";
  try {
    setTrust(enc.encode(root), bundle ? enc.encode(bundle) : null, "Your trust configuration");
    localStorage.setItem(ROOT_KEY, root);
    if (bundle) localStorage.setItem(BUNDLE_KEY, bundle);
    else localStorage.removeItem(BUNDLE_KEY);
  } catch (e) {
    $("trust-status").textContent = `These certificates cannot be used: ${e.message} [${e.code}]`;
  }
}

// ---- results ---------------------------------------------------------------------------------

function clearResult() {
  for (const id of ["verdict", "slip", "signature", "path", "journal"]) $(id).replaceChildren();
  $("verdict").className = "verdict";
  $("result").hidden = false;
}

function verdict(kind, title, detail) {
  const v = $("verdict");
  v.className = `verdict ${kind}`;
  const when = Number.isSafeInteger(AT) ? ` Checked as of ${new Date(AT * 1000).toISOString()}.` : "";
  v.replaceChildren(text(title), el("small", {}, detail + when));
  v.dataset.verdict = kind;
}

function slip(tbs, verified) {
  const p = tbs.payment;
  const rows = [
    ["Merchant", tbs.merchant_id],
    ["Terminal", tbs.terminal_id],
    ["Time", localTime(tbs.issued_at)],
    ["Kind", tbs.kind],
  ];
  if (p) {
    rows.push(["Card", `${p.scheme} •••• ${p.last4}`]);
    rows.push(["Entry", p.entry_mode]);
    rows.push(["Cardholder", p.cardholder_verification]);
    if (p.authorization_code) rows.push(["Auth code", p.authorization_code]);
    rows.push(["RRN", p.rrn]);
  }
  rows.push(["Receipt no.", String(tbs.counter)]);
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", {}, k), el("dd", {}, v));
  const box = el("div", { class: verified ? "slip" : "slip unverified", id: "slip-box" });
  if (!verified) box.append(el("p", { class: "tag" }, "UNVERIFIED: what the receipt claims, not proven"));
  if (p) box.append(el("p", { class: "amount", id: "amount" }, p.display));
  box.append(dl);
  return box;
}

function drawStrokes(s) {
  const c = el("canvas", { width: String(s.width), height: String(s.height), "aria-label": "Cardholder signature" });
  const g = c.getContext("2d");
  g.lineWidth = 2;
  g.lineCap = "round";
  for (const stroke of s.strokes) {
    g.beginPath();
    stroke.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
    g.stroke();
  }
  return el("div", {}, el("h3", {}, "Cardholder signature"), c);
}

function showPath(path) {
  const t = el("table", {}, el("tr", {}, el("th", {}, "Role"), el("th", {}, "Subject"), el("th", {}, "Valid")));
  for (const c of path) {
    t.append(
      el("tr", {},
        el("td", {}, c.role),
        el("td", {}, c.subject),
        el("td", {}, `${new Date(c.not_before * 1000).toLocaleDateString()} – ${new Date(c.not_after * 1000).toLocaleDateString()}`)),
    );
  }
  $("path").replaceChildren(el("h3", {}, "Certificate path"), el("div", { class: "scroll" }, t));
}

// The verification time: now, or `?at=UNIX-SECONDS` in the address (an auditor checking a
// receipt as of a past date; the tests use it so that they do not depend on the clock).
const AT = Number.parseInt(new URLSearchParams(location.search).get("at") ?? "", 10);
function now() {
  return Number.isSafeInteger(AT) && AT >= 0 ? AT : Math.floor(Date.now() / 1000);
}

function showReceipt(receipt) {
  clearResult();
  if (!store) {
    verdict("bad", "Cannot check: no trust configured", "Load a root certificate first.");
    return;
  }
  try {
    const v = receipt.verify(store, { at: now() });
    const t = v.receipt.tbs;
    if (v.warnings.length === 0) verdict("genuine", "Genuine", "Signed by a certified terminal and unchanged since.");
    else verdict("warnings", "Genuine, with warnings", v.warnings.map((w) => w.message).join("; "));
    $("slip").replaceChildren(slip(t, true));
    if (v.receipt.signature_strokes) $("signature").replaceChildren(drawStrokes(v.receipt.signature_strokes));
    showPath(v.path);
  } catch (e) {
    verdict("bad", "NOT genuine", `${reason(e)} [${e.code ?? "error"}]`);
    try {
      const claims = el("details", {}, el("summary", {}, "What the receipt claims (UNVERIFIED)"), slip(receipt.unverifiedView().tbs, false));
      $("slip").replaceChildren(claims);
    } catch {
      /* nothing decodable to show */
    }
  }
}

function showJournal(bytes) {
  clearResult();
  if (!store) {
    verdict("bad", "Cannot check: no trust configured", "Load a root certificate first.");
    return;
  }
  const r = verifyJournal(store, bytes, { at: now() });
  const invalid = r.summary.total.status.invalid ?? 0;
  const problems = r.findings.filter((_, i) => !r.informational[i]);
  if (r.clean) verdict("genuine", `Journal: all ${r.summary.records} records genuine`, "No chain problem found.");
  else verdict("bad", `Journal: ${invalid} record(s) NOT genuine, ${problems.length} chain finding(s)`, "See the findings and the records below.");
  const f = el("table", { id: "findings" }, el("tr", {}, el("th", {}, "Finding"), el("th", {}, "Details")));
  r.findings.forEach((x, i) => {
    const { finding, ...rest } = x;
    f.append(el("tr", {}, el("td", { class: r.informational[i] ? "" : "bad" }, finding), el("td", {}, JSON.stringify(rest))));
  });
  const t = el("table", { id: "records" },
    el("tr", {}, ...["#", "Terminal", "Counter", "Kind", "Verdict"].map((h) => el("th", {}, h))));
  for (const rec of r.records) {
    const cls = rec.status === "invalid" ? "bad" : rec.status === "valid" ? "" : "warn";
    const v = rec.status === "invalid" ? `NOT genuine: ${BY_CODE[rec.code] ?? rec.code} [${rec.code}]` : rec.status.replaceAll("_", " ");
    t.append(el("tr", {},
      el("td", {}, String(rec.index)), el("td", {}, rec.terminal ?? "?"), el("td", {}, String(rec.counter ?? "")),
      el("td", {}, rec.kind ?? "?"), el("td", { class: cls }, v)));
  }
  $("journal").replaceChildren(
    el("h3", {}, "Chain findings"), el("div", { class: "scroll" }, f),
    el("h3", {}, "Records"), el("div", { class: "scroll" }, t));
}

function fail(err) {
  clearResult();
  verdict("bad", "NOT genuine", `${reason(err)} [${err.code ?? "error"}]`);
}

// QR scanning (PNG/JPEG decoding and the QR reader) is a second module, fetched the first time
// an image is given: most visits paste a text form or open a DER file and never pay for it.
let qrModule;
async function scanQr(bytes) {
  if (!qrModule) {
    qrModule = import("../pkg/web/possig_wasm_qr.js").then(async (m) => {
      await m.default();
      return m;
    });
  }
  return (await qrModule).scanQr(bytes);
}

async function loadBytes(bytes) {
  try {
    switch (classify(bytes)) {
      case "text":
        return showReceipt(Receipt.fromText(new TextDecoder().decode(bytes)));
      case "image":
        return showReceipt(Receipt.fromText(await scanQr(bytes)));
      case "journal":
        return showJournal(bytes);
      default:
        return showReceipt(Receipt.fromDer(bytes));
    }
  } catch (e) {
    fail(e);
  }
}

async function loadFile(file) {
  if (file) await loadBytes(new Uint8Array(await file.arrayBuffer()));
}

// ---- wiring ------------------------------------------------------------------------------------

await init();
await initTrust();
$("root-file").addEventListener("change", onTrustFiles);
$("bundle-file").addEventListener("change", onTrustFiles);
$("trust-demo").addEventListener("click", () => loadDemoTrust().catch((e) => ($("trust-status").textContent = `Demo trust unavailable: ${e}`)));
$("file").addEventListener("change", () => loadFile($("file").files[0]));
$("check-text").addEventListener("click", () => {
  try {
    showReceipt(Receipt.fromText($("text").value));
  } catch (e) {
    fail(e);
  }
});
const drop = $("drop");
drop.addEventListener("click", () => $("file").click());
drop.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    $("file").click();
  }
});
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  loadFile(e.dataTransfer.files[0]);
});
document.body.dataset.ready = "true";
