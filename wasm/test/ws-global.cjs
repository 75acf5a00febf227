// Gives Node 20 a global WebSocket, from the ws package, for the Go tests
// that go test runs in Node for GOOS=js GOARCH=wasm (preloaded there with
// node --require): the GOOS=js WebSocket transport uses
// globalThis.WebSocket. (Node 20's own, behind --experimental-websocket,
// never fires "close" after a failed connection, so a dial would wait for
// its timeout.) The JavaScript API's tests load gojanus through its
// package instead, which finds ws by itself.
"use strict";

globalThis.WebSocket ??= require("ws").WebSocket;
