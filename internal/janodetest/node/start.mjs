// start.mjs CLIENT: how long a Node process takes from its start to a
// client connected to Janus, and to a session, with gojanus (the npm
// package, which the benchmark installs into node_modules) or with janode.
// The Janus WebSocket URL is in GOJANUS_JANUS_WS. It prints one JSON line:
//
//   {"connected": MS, "session": MS}
//
// in milliseconds since the process started (performance.now(), whose
// origin is the process's start), then closes everything and exits. Run by
// BenchmarkNodeStart (internal/janodetest/start_test.go).

const client = process.argv[2];
const url = process.env.GOJANUS_JANUS_WS;
if (!url || !["gojanus", "janode"].includes(client)) {
  console.error("usage: GOJANUS_JANUS_WS=ws://... node start.mjs gojanus|janode");
  process.exit(2);
}

if (client === "gojanus") {
  const { load } = await import("gojanus");
  const gojanus = await load();
  const c = await gojanus.connect(url, { reconnect: false });
  const connected = performance.now();
  const s = await c.createSession();
  const session = performance.now();
  console.log(JSON.stringify({ connected, session }));
  await s.destroy();
  await c.close();
} else {
  const { default: Janode } = await import("janode");
  Janode.Logger.setLevel("error");
  const conn = await Janode.connect({ address: [{ url }], max_retries: 0, retry_time_secs: 1 });
  const connected = performance.now();
  const s = await conn.create();
  const session = performance.now();
  console.log(JSON.stringify({ connected, session }));
  await s.destroy();
  await conn.close();
}
