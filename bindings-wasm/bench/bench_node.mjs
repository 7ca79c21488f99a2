// WASM timings in Node (run by `make wasm-bench` after `make wasm`, with bench_chromium.mjs):
// see bench_core.mjs for what is measured.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { webcrypto } from "node:crypto";
import { bench, report } from "./bench_core.mjs";

const require = createRequire(import.meta.url);
const possig = require("../pkg/node/possig_wasm.js");
const REPO = new URL("../../", import.meta.url);
const read = (name) => new Uint8Array(readFileSync(new URL(name, REPO)));

console.log(report(`Node ${process.version}`, await bench(possig, webcrypto.subtle, read)));
