// Gives Node a browser-like global WebSocket, from the ws package, for
// gojanus.wasm and for the Go tests that go test runs in Node for
// GOOS=js GOARCH=wasm (preloaded there with node --require).
//
// Node 20 has no WebSocket unless --experimental-websocket, and that one
// never fires "close" after a failed connection (a dial then waits for its
// timeout). The ws package is used instead, with one browser rule added:
// close() accepts only the codes 1000 and 3000-4999 and throws an
// InvalidAccessError for others, as browsers do. Go's WebSocket
// (coder/websocket) relies on it: after a failed connection its "error"
// listener calls close(1011) and, if that does not throw, waits inside the
// listener for a "close" event that cannot come (ws fires it after the
// listener returns): the program deadlocks.
"use strict";

const { WebSocket: WS } = require("ws");

class BrowserLikeWebSocket extends WS {
  close(code, reason) {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new DOMException(`The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`, "InvalidAccessError");
    }
    return super.close(code, reason);
  }
}

globalThis.WebSocket = BrowserLikeWebSocket;
module.exports = { BrowserLikeWebSocket };
