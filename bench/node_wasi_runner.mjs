// Runs a WASI command module under node (V8) with node's built-in WASI:
//   node node_wasi_runner.mjs app.wasm [args...]
// The start-up comparison for bench/startup.py (stdio only, no preopens).
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [path, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [path, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
