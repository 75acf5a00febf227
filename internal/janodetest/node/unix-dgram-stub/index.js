// Stand-in for the native unix-dgram addon (see package.json): janode's
// WebSocket transport never calls it; its Unix-socket transport would fail
// here with a clear error.
export function createSocket() {
  throw new Error('unix-dgram is a stub here: use janode over WebSocket');
}

export default { createSocket };
