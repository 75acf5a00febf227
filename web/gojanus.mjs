// gojanus for browsers, as an ES module:
//
//   import { load } from "gojanus";            // or "./gojanus.mjs"
//   const gojanus = await load();              // fetches gojanus.wasm beside this file
//   const client = await gojanus.connect("wss://janus.example.org/ws");
//
// load() compiles the module while it downloads (serve it as
// application/wasm, compressed) and resolves to the API that gojanus.d.ts
// describes. It starts the module once; later calls resolve to the same
// API. Nothing is set on globalThis (for script tags, wasm_exec.js and
// go.run still set globalThis.gojanus).

import { instantiateFrom, start } from "./loader.mjs";

let loading;

/**
 * Loads gojanus.wasm (by default the one beside this module) and resolves
 * to the gojanus API.
 * @param {string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module} [source]
 */
export function load(source = new URL("./gojanus.wasm", import.meta.url)) {
  loading ??= start((imports) => instantiateFrom(source, imports)).catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
