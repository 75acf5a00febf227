// Loads web/gojanus.wasm into this Node process with Go's wasm_exec.js and
// returns globalThis.gojanus.
//
// The global WebSocket is the browser-like one of ws-global.cjs (see there
// why Node's own, when it has one, is not used).
// GOJANUS_WASM and GOJANUS_WASM_EXEC override the paths of the two files.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, "..", "..", "web");

export async function loadGojanus() {
  if (globalThis.gojanus) {
    return globalThis.gojanus;
  }
  require("./ws-global.cjs");
  // wasm_exec.js writes the program's stdout and stderr through fs.
  globalThis.fs ??= fs;
  const execPath = process.env.GOJANUS_WASM_EXEC || path.join(web, "wasm_exec.js");
  const wasmPath = process.env.GOJANUS_WASM || path.join(web, "gojanus.wasm");
  require(execPath);
  const go = new globalThis.Go();
  go.env = { TMPDIR: process.env.TMPDIR || "/tmp" };
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), go.importObject);
  // run() resolves when the Go program exits, which it does not: it
  // serves JavaScript. globalThis.gojanus is set before run returns.
  go.run(instance);
  if (!globalThis.gojanus) {
    throw new Error("gojanus.wasm did not set globalThis.gojanus");
  }
  return globalThis.gojanus;
}
