package transport

// NativeOptions are the transport settings that exist in native builds
// only: in JavaScript the runtime's WebSocket and fetch do TLS and HTTP,
// and a browser's WebSocket takes no headers.
type NativeOptions struct{}
