// The global of gojanus for pages that start gojanus.wasm with a script
// tag (Go's wasm_exec.js, then go.run(instance)) instead of the ES
// module's load(): reference it with
//
//   /// <reference types="gojanus/global" />
//
// The ES module leaves globalThis alone, which is why gojanus.d.ts does not
// declare this.

import type { Gojanus } from "./gojanus";

declare global {
  /** The API, set by go.run(instance) when the module was started with a script tag. */
  var gojanus: Gojanus.API;
  /** Called with the API once the wasm program has set it, if defined. */
  var onGojanusReady: ((api: Gojanus.API) => void) | undefined;
}
