// The part of loading gojanus.wasm that browsers and Node share: run the
// module with Go's wasm_exec.js and take the API object it hands over.
// gojanus.mjs (browsers) and gojanus-node.mjs (Node) build load() on it.

import "./wasm_exec.js";

// The global the Go program looks for while it starts: it hands the API to
// ready() instead of setting globalThis.gojanus, and uses WebSocket, if
// given, instead of globalThis.WebSocket.
const hook = "__gojanusLoader";

/**
 * Starts the Go program in a WebAssembly instance made with
 * importObject() and resolves to its API.
 * @param {(importObject: object) => Promise<WebAssembly.Instance>} instantiate
 * @param {{WebSocket?: Function}} [options]
 */
export async function start(instantiate, options = {}) {
  if (typeof globalThis.Go !== "function") {
    throw new Error("gojanus: wasm_exec.js did not define Go");
  }
  const go = new globalThis.Go();
  const instance = await instantiate(go.importObject);
  let api;
  globalThis[hook] = {
    ready(a) {
      api = a;
    },
    WebSocket: options.WebSocket,
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

/**
 * Instantiates a module from what load() was given: a URL (string or URL)
 * or a Response to fetch and compile while it downloads, bytes
 * (ArrayBuffer, typed array), or a compiled WebAssembly.Module.
 */
export async function instantiateFrom(source, importObject) {
  if (source instanceof WebAssembly.Module) {
    return WebAssembly.instantiate(source, importObject);
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return (await WebAssembly.instantiate(source, importObject)).instance;
  }
  const response = typeof source === "string" || source instanceof URL ? fetch(source) : source;
  if (typeof WebAssembly.instantiateStreaming === "function") {
    try {
      return (await WebAssembly.instantiateStreaming(response, importObject)).instance;
    } catch (err) {
      // A server that does not say application/wasm: compile from bytes.
      if (!(err instanceof TypeError) || typeof source !== "string" && !(source instanceof URL)) {
        throw err;
      }
    }
  }
  const res = await (typeof source === "string" || source instanceof URL ? fetch(source) : response);
  if (!res.ok) {
    throw new Error(`gojanus: loading ${res.url || source}: HTTP ${res.status}`);
  }
  return (await WebAssembly.instantiate(await res.arrayBuffer(), importObject)).instance;
}
