// End to end: the viewer served on 127.0.0.1, driven in headless Chromium (/usr/bin/chromium)
// with playwright-core. Screenshots go to bindings-wasm/test-output/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../viewer/serve.mjs";

const HERE = fileURLToPath(new URL("..", import.meta.url));
const DEMO = join(HERE, "viewer", "demo");
const OUT = join(HERE, "test-output");
// 2026-11-28T08:00:00Z: the demo's back-office time (the viewer's ?at= parameter).
const AT = 1795852800;
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let server, context, url, profile;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await serve(0);
  url = `http://127.0.0.1:${server.address().port}/viewer/`;
  profile = mkdtempSync(join(tmpdir(), "possig-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(viewport = { width: 1100, height: 900 }) {
  // One page at a time, in front: a background tab gets no user activation (file choosers).
  for (const p of context.pages()) await p.close();
  const page = await context.newPage();
  await page.bringToFront();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`${url}?at=${AT}`);
  await page.waitForSelector("body[data-ready=true]");
  page.errors = errors;
  return page;
}

async function loadFile(page, name) {
  await page.setInputFiles("#file", join(DEMO, name));
  await page.waitForSelector("#verdict[data-verdict]");
  return (await page.textContent("#verdict")) ?? "";
}

test("a genuine receipt shows 'Genuine' with its slip", async () => {
  const page = await open();
  assert.match(await page.textContent("#trust-status"), /Demo trust/);
  const v = await loadFile(page, "genuine-sale.der");
  assert.match(v, /^Genuine/);
  assert.equal(await page.getAttribute("#verdict", "data-verdict"), "genuine");
  assert.match(await page.textContent("#slip"), /T-100/);
  assert.match(await page.textContent("#amount"), /^\d+\.\d\d EUR$/);
  assert.match(await page.textContent("#path"), /terminal/);
  await page.screenshot({ path: join(OUT, "genuine.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("a tampered receipt shows NOT genuine with the reason", async () => {
  const page = await open();
  const v = await loadFile(page, "tampered-sale.der");
  assert.match(v, /NOT genuine/);
  assert.match(v, /changed after it was signed/);
  assert.match(v, /\[bad_signature\]/);
  // The claimed content is shown only as UNVERIFIED.
  assert.match(await page.textContent("#slip"), /UNVERIFIED/);
  assert.equal(await page.$("#slip .slip.unverified") !== null, true);
  await page.screenshot({ path: join(OUT, "tampered.png"), fullPage: true });
});

test("a QR code image loads and verifies, fetching the QR module only then", async () => {
  const page = await open();
  const fetched = () => page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
  assert.ok((await fetched()).some((n) => n.endsWith("possig_wasm_bg.wasm")));
  assert.ok(!(await fetched()).some((n) => n.includes("possig_wasm_qr")));
  assert.match(await loadFile(page, "genuine-sale.png"), /^Genuine/);
  assert.ok((await fetched()).some((n) => n.endsWith("possig_wasm_qr_bg.wasm")));
  await page.screenshot({ path: join(OUT, "qr.png"), fullPage: true });
});

test("a pasted text form verifies; a mistyped one is refused with its reason", async () => {
  const page = await open();
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(join(DEMO, "genuine-sale.txt"), "utf8");
  await page.fill("#text", text);
  await page.click("#check-text");
  await page.waitForSelector("#verdict[data-verdict=genuine]");
  await page.fill("#text", text.replace("PSR1:", "PSR1:a"));
  await page.click("#check-text");
  await page.waitForSelector("#verdict[data-verdict=bad]");
  assert.match(await page.textContent("#verdict"), /\[invalid_text\]/);
});

test("a journal shows per-record verdicts and its findings", async () => {
  const page = await open();
  const v = await loadFile(page, "day.journal");
  assert.match(v, /Journal: 382 record\(s\) NOT genuine/);
  const findings = await page.textContent("#findings");
  for (const f of ["gap", "duplicate", "pending"]) assert.match(findings, new RegExp(f));
  assert.equal(await page.locator("#records tr").count(), 2882);
  assert.match(await page.textContent("#records"), /NOT genuine: The terminal's certificate was revoked/);
  await page.screenshot({ path: join(OUT, "journal.png") });
});

test("keyboard only: Tab reaches the drop zone, Enter and Space open the file picker", async () => {
  const page = await open();
  // Count the picker openings instead of waiting for the browser's file-chooser event, whose
  // interception races with the key press under load.
  await page.evaluate(() => {
    document.getElementById("file").click = () => {
      window.__pickerOpened = (window.__pickerOpened ?? 0) + 1;
    };
  });
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate(() => document.activeElement?.id === "drop")) break;
    await page.keyboard.press("Tab");
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "drop");
  await page.keyboard.press("Enter");
  await page.keyboard.press(" ");
  assert.equal(await page.evaluate(() => window.__pickerOpened), 2);
  await page.setInputFiles("#file", join(DEMO, "genuine-sale.der"));
  await page.waitForSelector("#verdict[data-verdict=genuine]");
});

test("readable on a phone-sized viewport", async () => {
  const page = await open({ width: 375, height: 740 });
  await loadFile(page, "genuine-sale.der");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await page.screenshot({ path: join(OUT, "phone.png"), fullPage: true });
});

test("the trust root the user loads is remembered", async () => {
  const page = await open();
  await page.setInputFiles("#root-file", join(DEMO, "root.pem"));
  await page.setInputFiles("#bundle-file", join(DEMO, "bundle.pem"));
  // Each file input's change builds the store: wait for the one with the bundle (the root
  // alone already says "Your trust"), else the reload can race the bundle's handler.
  await page.waitForFunction(() =>
    /^Your trust configuration: 1 root, 1 intermediate CA, 4 terminal/.test(
      document.getElementById("trust-status").textContent,
    ),
  );
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.match(await page.textContent("#trust-status"), /^Your trust configuration: 1 root/);
  assert.match(await loadFile(page, "genuine-sale.der"), /^Genuine/);
  await page.click("#trust-demo");
  await page.waitForFunction(() => document.getElementById("trust-status").textContent.startsWith("Demo trust"));
});
