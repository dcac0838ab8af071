// Runs a benchmark kernel under node (V8): instantiates the module, calls
// its `run` export and prints the checksum, like `mywasm run --invoke run`.
import { readFileSync } from "node:fs";

const bytes = readFileSync(process.argv[2]);
const { instance } = await WebAssembly.instantiate(bytes, {});
console.log(String(instance.exports.run()));
