// WASM timings in headless Chromium (/usr/bin/chromium, driven by playwright-core; run by
// `make wasm-bench` after `make wasm`): bench.html, served with bindings-wasm/ on 127.0.0.1,
// runs bench_core.mjs on the web build. The files are handed to the page by this script.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../viewer/serve.mjs";
import { FILES, report } from "./bench_core.mjs";

const REPO = new URL("../../", import.meta.url);
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// Every file the benchmark may read, by the name it uses.
const files = {};
const add = (name) => (files[name] = readFileSync(new URL(name, REPO)).toString("base64"));
for (const [key, name] of Object.entries(FILES)) {
  if (key === "pki") for (const f of readdirSync(new URL(name, REPO))) add(name + f);
  else add(name);
}

const server = await serve(0);
const profile = mkdtempSync(join(tmpdir(), "possig-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: FLAGS,
});
try {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/bench.html`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached" });
  const result = await page.evaluate((f) => window.runBench(f), files);
  if (errors.length) throw errors[0];
  const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  console.log(report(`Chromium ${version}`, result));
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
