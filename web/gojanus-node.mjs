// gojanus for Node (20 or later), as an ES module:
//
//   import { load } from "gojanus";            // the "node" export of package.json
//   const gojanus = await load();              // reads gojanus.wasm beside this file
//   const client = await gojanus.connect("ws://127.0.0.1:8188");
//   ...
//   await client.close();                      // then nothing keeps Node running
//
// Node has no RTCPeerConnection: signalling and the admin API work, media
// calls reject with a NotSupportedError. Node 22 and later have a global
// WebSocket; on Node 20 the ws package is used when it is installed (npm
// install ws), or connecting over ws:// rejects with a NotSupportedError
// that says so. HTTP (http://host:8088/janus) uses Node's fetch.

import { readFile } from "node:fs/promises";
import { load as loadModule } from "./gojanus.mjs";

/**
 * Loads gojanus.wasm (by default the one beside this module; a path, a
 * file: or http(s): URL, bytes or a compiled module otherwise) and
 * resolves to the gojanus API.
 * @param {string | URL | BufferSource | WebAssembly.Module} [source]
 * @param {{WebSocket?: Function}} [options] a WebSocket constructor
 *   (default: the global one, else the ws package's)
 */
export function load(source = new URL("./gojanus.wasm", import.meta.url), options = {}) {
  return loadModule(bytesOf(source), withWebSocket(options));
}

/** options with a WebSocket: theirs, the global one, or the ws package's. */
async function withWebSocket(options) {
  return { ...options, WebSocket: options.WebSocket ?? globalThis.WebSocket ?? (await wsPackage()) };
}

/** Reads a file path or file: URL; passes anything else on. */
async function bytesOf(source) {
  if (typeof source === "string" && !/^https?:/i.test(source)) {
    return readFile(source);
  }
  if (source instanceof URL && source.protocol === "file:") {
    return readFile(source);
  }
  return source;
}

/** The ws package's WebSocket, or undefined when it is not installed. */
async function wsPackage() {
  try {
    const ws = await import("ws");
    return ws.WebSocket ?? ws.default;
  } catch {
    return undefined;
  }
}
