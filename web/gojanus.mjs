// gojanus as an ES module, for browsers (and, through gojanus-node.mjs,
// for Node):
//
//   import { load } from "gojanus";            // or "./gojanus.mjs"
//   const gojanus = await load();              // gojanus.wasm beside this file
//   const client = await gojanus.connect("wss://janus.example.org/ws");
//
// load() starts downloading and compiling gojanus.wasm at once (serve it as
// application/wasm, compressed: it compiles while it downloads), loads Go's
// wasm_exec.js meanwhile, and resolves to the API that gojanus.d.ts
// describes. The module starts once; later calls resolve to the same API.
// Nothing is left on globalThis but Go's own (for script tags, wasm_exec.js
// and go.run still set globalThis.gojanus).

// The global the Go program looks for while it starts: it hands the API to
// ready() instead of setting globalThis.gojanus, and dials with WebSocket,
// if given, instead of globalThis.WebSocket.
const hook = "__gojanusLoader";

let loading;

/**
 * Loads gojanus.wasm and resolves to the gojanus API.
 * @param {string | URL | Response | PromiseLike<Response> | BufferSource | WebAssembly.Module} [source]
 *   the module: by default the gojanus.wasm beside this file
 * @param {{WebSocket?: Function} | Promise<{WebSocket?: Function}>} [options]
 *   a WebSocket constructor to use instead of globalThis.WebSocket
 */
export function load(source = new URL("./gojanus.wasm", import.meta.url), options = {}) {
  loading ??= start(source, options).catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function start(source, options) {
  // All at once: the module's download and compilation, and wasm_exec.js.
  const [module, , opts] = await Promise.all([compile(source), import("./wasm_exec.js"), options]);
  if (typeof globalThis.Go !== "function") {
    throw new Error("gojanus: wasm_exec.js did not define Go");
  }
  const go = new globalThis.Go();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  let api;
  globalThis[hook] = {
    ready(a) {
      api = a;
    },
    WebSocket: opts?.WebSocket,
  };
  try {
    // run() resolves when the Go program exits, which it does not (it
    // serves JavaScript); the program hands over its API before run()
    // returns its promise.
    go.run(instance).catch((err) => console.error("gojanus: the wasm program failed:", err));
  } finally {
    delete globalThis[hook];
  }
  if (!api) {
    throw new Error("gojanus: gojanus.wasm did not start");
  }
  return api;
}

/** Compiles the module from a URL or Response (while it downloads), bytes, or takes a compiled one. */
async function compile(source) {
  source = await source;
  if (source instanceof WebAssembly.Module) {
    return source;
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.compile(source);
  }
  const isURL = typeof source === "string" || source instanceof URL;
  const response = isURL ? fetch(source) : source;
  if (typeof WebAssembly.compileStreaming === "function") {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (err) {
      // A server that does not say application/wasm: compile from bytes.
      if (!(err instanceof TypeError) || !isURL) {
        throw err;
      }
    }
  }
  const res = await (isURL ? fetch(source) : response);
  if (!res.ok) {
    throw new Error(`gojanus: loading ${res.url || source}: HTTP ${res.status}`);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}
