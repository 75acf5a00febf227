// Tests of gojanus as a Node program uses it, each in a Node process of its
// own (so that "the process exits" can be checked), against the real Janus
// the runner (go tool mage testWasm) describes with GOJANUS_JANUS_*:
// loading the npm package, every failure rejecting with a typed error
// whose message speaks of JavaScript and Janus, the process exiting after
// close, Node without a WebSocket, and the README's Node snippet.
//
// GOJANUS_NODE_BINARIES lists the Node binaries to run them with (":"
// separated; the runner passes Node 20, which has no WebSocket, and Node 22,
// which has one); without it, the Node running this file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readmeSnippet } from "./readme.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const env = {
  ws: process.env.GOJANUS_JANUS_WS,
  http: process.env.GOJANUS_JANUS_HTTP,
  adminWS: process.env.GOJANUS_JANUS_ADMIN_WS,
  adminSecret: process.env.GOJANUS_JANUS_ADMIN_SECRET,
};
const onCI = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const missing = Object.keys(env).filter((k) => !env[k]);
if (missing.length > 0 && onCI) {
  throw new Error(`the GOJANUS_JANUS_* environment is incomplete (${missing.join(", ")}): run go tool mage testWasm`);
}
const skip = missing.length > 0 ? "needs a real Janus: run go tool mage testWasm" : false;

const binaries = (process.env.GOJANUS_NODE_BINARIES || process.execPath).split(":").filter(Boolean);

// A process that has not exited this long after its last step is hanging:
// this bounds a hang, it does not measure speed.
const exitLimit = 60_000;

// Words of Go's internals that must never reach a JavaScript error.
const goInternals = /Go value|context canceled|context deadline|use of closed network connection|json: |\*[a-z]+\.[A-Z]|goroutine|syscall\/js/;

/**
 * Runs code as an ES module file in dir with node, and resolves with its
 * exit code, output and whether it had to be killed.
 */
async function runModule(node, dir, code, extraEnv = {}) {
  const file = path.join(dir, `.run-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  await fs.writeFile(file, code);
  try {
    return await new Promise((resolve) => {
      const child = spawn(node, [file], {
        cwd: dir,
        env: { ...process.env, NODE_OPTIONS: "", ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (b) => (stdout += b));
      child.stderr.on("data", (b) => (stderr += b));
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, exitLimit);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, killed });
      });
    });
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** Asserts a run ended by itself with exit code 0, and returns its stdout. */
function ok(run, what) {
  assert.ok(!run.killed, `${what}: the process did not exit within ${exitLimit} ms\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.code, 0, `${what}: exit ${run.code ?? run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return run.stdout;
}

/** A TCP port on 127.0.0.1 where nothing listens. */
async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

function versionOf(node) {
  return execFileSync(node, ["--version"]).toString().trim();
}

for (const node of binaries) {
  const version = skip ? node : versionOf(node);

  test(`${version}: connect over WebSocket and HTTP, close, and the process exits`, { skip }, async () => {
    const out = ok(
      await runModule(
        node,
        here,
        `
import { load } from "gojanus";
const gojanus = await load();
for (const url of ${JSON.stringify([env.ws, env.http])}) {
  const client = await gojanus.connect(url);
  const session = await client.createSession();
  const echo = await session.attach("janus.plugin.echotest");
  const res = await echo.message({ audio: false });
  console.log(url.split(":")[0], session.id > 0, res.data.result);
  await client.close();
}
const admin = await gojanus.connectAdmin(${JSON.stringify(env.adminWS)}, { adminSecret: ${JSON.stringify(env.adminSecret)} });
console.log("admin", Array.isArray(await admin.listSessions()));
await admin.close();
`,
      ),
      "connect and close",
    );
    assert.deepEqual(out.trim().split("\n"), ["ws true ok", "http true ok", "admin true"]);
  });

  test(`${version}: every failure rejects with a typed error in JavaScript's words, and the process exits`, { skip }, async () => {
    const port = await freePort();
    const out = ok(
      await runModule(
        node,
        here,
        `
import { load } from "gojanus";
const gojanus = await load();
const results = {};
async function attempt(name, fn) {
  try {
    await fn();
    results[name] = { resolved: true };
  } catch (e) {
    results[name] = { name: e.name, message: e.message, isError: e instanceof Error, code: e.code, cause: e.cause ? String(e.cause) : undefined };
  }
}
await attempt("refused ws", () => gojanus.connect("ws://127.0.0.1:${port}"));
await attempt("refused http", () => gojanus.connect("http://127.0.0.1:${port}/janus"));
await attempt("refused admin", () => gojanus.connectAdmin("ws://127.0.0.1:${port}"));
await attempt("server list", () => gojanus.connect(["ws://127.0.0.1:${port}", "http://127.0.0.1:${port}/janus"]));
await attempt("no scheme", () => gojanus.connect("127.0.0.1:${port}"));
await attempt("bad scheme", () => gojanus.connect("ftp://127.0.0.1:${port}"));
await attempt("malformed", () => gojanus.connect("ws://exa mple"));
await attempt("not a URL", () => gojanus.connect(42));
await attempt("wrong path", () => gojanus.connect(${JSON.stringify(env.http.replace(/\/janus$/, "/nope"))}));
await attempt("connect aborted", () => gojanus.connect(${JSON.stringify(env.ws)}, { signal: AbortSignal.abort() }));
await attempt("admin wrong path", () => gojanus.connectAdmin(${JSON.stringify(env.http.replace(/\/janus$/, "/nope"))}));
await attempt("options not an object", () => gojanus.connect(${JSON.stringify(env.ws)}, "secret"));
await attempt("option of the wrong type", () => gojanus.connect(${JSON.stringify(env.ws)}, { keepalive: "x" }));
await attempt("negative timeout", () => gojanus.connect(${JSON.stringify(env.ws)}, { transactionTimeout: -5 }));
const client = await gojanus.connect(${JSON.stringify(env.ws)});
await attempt("credential of the wrong type", () => client.createSession({ apiSecret: 5 }));
await attempt("aborted", () => client.info({ signal: AbortSignal.abort() }));
await attempt("signal timeout", () => client.info({ signal: AbortSignal.timeout(0) }));
const session = await client.createSession();
const vr = await session.attachVideoRoom();
await attempt("bad member type", () => vr.create({ publishers: "six" }));
await attempt("bad id", () => vr.destroy({ room: { a: 1 } }));
await attempt("plugin error", () => vr.destroy(987654321));
await attempt("janus error", () => session.attach("janus.plugin.nope"));
await attempt("media in Node", () => session.subscribeVideoRoom({ room: 1, streams: [{ feed: 1 }] }));
await attempt("bad room id", () => session.joinVideoRoom({ room: {}, display: "x" }));
// Where a rejection points: the caller's line, not gojanus's internals.
const where = await client.info({ signal: AbortSignal.abort() }).catch((e) => e.stack);
await client.close();
await attempt("close twice", () => client.close());
await attempt("after close", () => client.info());
console.log(JSON.stringify({ ...results, where: { stack: where } }));
`,
      ),
      "failures",
    );
    const r = JSON.parse(out);
    const want = {
      "refused ws": "NetworkError",
      "refused http": "NetworkError",
      "refused admin": "NetworkError",
      "server list": "NetworkError",
      "no scheme": "SyntaxError",
      "bad scheme": "SyntaxError",
      malformed: "SyntaxError",
      "not a URL": "TypeError",
      "wrong path": "NetworkError",
      "connect aborted": "AbortError",
      aborted: "AbortError",
      "signal timeout": "TimeoutError",
      "bad member type": "TypeError",
      "bad id": "TypeError",
      "plugin error": "PluginError",
      "janus error": "JanusError",
      "media in Node": "NotSupportedError",
      "admin wrong path": "NetworkError",
      "options not an object": "TypeError",
      "option of the wrong type": "TypeError",
      "negative timeout": "TypeError",
      "credential of the wrong type": "TypeError",
      "bad room id": "TypeError",
      "after close": "InvalidStateError",
    };
    for (const [what, name] of Object.entries(want)) {
      const got = r[what];
      assert.equal(got?.name, name, `${what}: ${JSON.stringify(got)}`);
      assert.ok(got.isError, `${what}: not an Error`);
      assert.doesNotMatch(got.message, goInternals, `${what}: ${got.message}`);
    }
    // The ws package (Node 20) says ECONNREFUSED, worded as natively;
    // Node 22's WebSocket, like browsers, says less.
    assert.match(r["refused ws"].message,
      new RegExp(`^gojanus: cannot connect to ws://127.0.0.1:${port}: websocket ws://127.0.0.1:${port}/?: (connection refused \\(nothing listens there|websocket connection failed)`));
    assert.match(r["refused http"].message,
      new RegExp(`^gojanus: cannot connect to http://127.0.0.1:${port}/janus: http http://127.0.0.1:${port}/janus: connection refused \\(nothing listens there: is Janus running with its HTTP transport on that port\\?\\)$`));
    assert.match(r["wrong path"].message, /not a Janus endpoint.*404.*\/janus/);
    assert.match(r["admin wrong path"].message, /not a Janus endpoint/);
    assert.match(r["option of the wrong type"].message, /"keepalive" must be a number of milliseconds, not a string/);
    assert.match(r["credential of the wrong type"].message, /"apiSecret" must be a string, not a number/);
    assert.match(r["bad room id"].message, /"room" must be a number or a string, not an object/);
    assert.deepEqual(r["close twice"], { resolved: true });
    assert.match(r.where.stack, /^AbortError: /);
    assert.match(r.where.stack, /\.run-[^/]*\.mjs:\d+/, "the stack names the caller's file");
    assert.doesNotMatch(r.where.stack, /wasm:\/\/|wasm_exec\.js/);
    assert.match(r["bad member type"].message, /"publishers" must be a number, not a string/);
    assert.equal(r["plugin error"].code, 426);
    assert.equal(r["janus error"].code, 460);
  });

  test(`${version}: a dropped connection: the call in flight rejects with DisconnectedError, the client is lost, and the process exits`, { skip }, async () => {
    const janus = new URL(env.ws);
    const out = ok(
      await runModule(
        node,
        here,
        `
import net from "node:net";
import { load } from "gojanus";
const gojanus = await load();
// A TCP proxy to Janus that can swallow what the client sends, then drop
// the connection.
let swallow = false;
const sockets = new Set();
// Drops the connection, once the call in flight was swallowed.
let dropped = false;
const drop = () => {
  if (dropped) return;
  dropped = true;
  proxy.close();
  for (const s of sockets) s.destroy();
};
const proxy = net.createServer((down) => {
  const up = net.connect(${janus.port}, ${JSON.stringify(janus.hostname)});
  for (const s of [down, up]) {
    sockets.add(s);
    s.on("error", () => {});
  }
  down.on("data", (b) => (swallow ? drop() : up.write(b)));
  up.pipe(down);
});
await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
const client = await gojanus.connect("ws://127.0.0.1:" + proxy.address().port, { reconnect: false });
const session = await client.createSession();
const lost = new Promise((r) => client.addEventListener("state", (e) => e.detail.state === "lost" && r(e.detail)));
const ended = new Promise((r) => session.addEventListener("ended", (e) => r(e.detail)));
swallow = true;
const inFlight = client.info().then(() => ({ resolved: true }), (e) => ({ name: e.name, message: e.message }));
const res = await inFlight;
const st = await lost;
const end = await ended;
const after = await client.info().then(() => ({ resolved: true }), (e) => ({ name: e.name, message: e.message }));
console.log(JSON.stringify({ res, st: st.state, stError: st.error, end: end.error, after, state: client.state }));
`,
      ),
      "dropped connection",
    );
    const r = JSON.parse(out);
    assert.equal(r.res.name, "DisconnectedError", JSON.stringify(r));
    assert.doesNotMatch(r.res.message, goInternals);
    assert.equal(r.st, "lost");
    assert.equal(r.state, "lost");
    assert.match(r.end, /connection lost/);
    assert.equal(r.after.name, "InvalidStateError", JSON.stringify(r));
  });

  test(`${version}: without a WebSocket or the ws package, ws:// rejects with NotSupportedError and HTTP works`, { skip }, async () => {
    // A folder of its own with the package but without ws, where nothing
    // above can lend it one.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "gojanus-nows-"));
    try {
      await fs.cp(path.join(here, "node_modules", "gojanus"), path.join(dir, "node_modules", "gojanus"), { recursive: true });
      const out = ok(
        await runModule(
          node,
          dir,
          `
delete globalThis.WebSocket; // Node 22's; Node 20 has none
const { load } = await import("gojanus");
const gojanus = await load();
try {
  await gojanus.connect(${JSON.stringify(env.ws)});
  console.log("connected?!");
} catch (e) {
  console.log(JSON.stringify({ name: e.name, message: e.message }));
}
const client = await gojanus.connect(${JSON.stringify(env.http)});
console.log("http", (await client.createSession()).id > 0);
await client.close();
`,
        ),
        "no WebSocket",
      );
      const [first, second] = out.trim().split("\n");
      const err = JSON.parse(first);
      assert.equal(err.name, "NotSupportedError");
      assert.match(err.message, /no WebSocket.*Node 22.*npm install ws/);
      assert.equal(second, "http true");
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test(`${version}: without a global WebSocket, the ws package is used`, { skip }, async () => {
    const out = ok(
      await runModule(
        node,
        here,
        `
delete globalThis.WebSocket;
const { load } = await import("gojanus");
const gojanus = await load();
const client = await gojanus.connect(${JSON.stringify(env.ws)});
console.log((await client.createSession()).id > 0, typeof globalThis.WebSocket);
await client.close();
`,
      ),
      "ws package",
    );
    assert.equal(out.trim(), "true undefined", "connected over ws without setting a global");
  });

  test(`${version}: the README's Node snippet runs as written`, { skip }, async () => {
    const snippet = await readmeSnippet("node");
    const out = ok(await runModule(node, here, withTestServer(snippet)), "README snippet");
    // The rooms' descriptions (the test configuration has "Demo Room"),
    // then the sessions the admin API lists.
    assert.match(out, /Demo Room/);
    assert.match(out, /\[\s*\d+/);
  });
}

/** Points a snippet written for the standard ports at the test's Janus. */
function withTestServer(code) {
  return code
    .replaceAll("http://127.0.0.1:8088/janus", env.http)
    .replaceAll("ws://127.0.0.1:8188", env.ws)
    .replaceAll("ws://127.0.0.1:7188", env.adminWS)
    .replaceAll('"janusoverlord"', JSON.stringify(env.adminSecret));
}
