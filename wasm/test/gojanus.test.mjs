// Tests of the JavaScript API of gojanus.wasm in Node against a real Janus,
// which the runner (go tool mage testWasm) starts and describes with the
// GOJANUS_JANUS_* environment variables. Without them the tests are
// skipped, or fail when CI=true. gojanus is the npm package packed from
// web/ and installed here by the runner.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { load } from "gojanus";

const env = {
  ws: process.env.GOJANUS_JANUS_WS,
  http: process.env.GOJANUS_JANUS_HTTP,
  adminWS: process.env.GOJANUS_JANUS_ADMIN_WS,
  adminHTTP: process.env.GOJANUS_JANUS_ADMIN_HTTP,
  adminSecret: process.env.GOJANUS_JANUS_ADMIN_SECRET,
  version: process.env.GOJANUS_JANUS_VERSION || "1.1.2",
};
const onCI = ["true", "1"].includes(String(process.env.CI).toLowerCase());
const missing = ["ws", "http", "adminWS", "adminHTTP", "adminSecret"].filter((k) => !env[k]);
if (missing.length > 0 && onCI) {
  throw new Error(`the GOJANUS_JANUS_* environment is incomplete (${missing.join(", ")}): run go tool mage testWasm`);
}
const skip = missing.length > 0 ? "needs a real Janus: run go tool mage testWasm" : false;

const mediaError = "media needs a browser: RTCPeerConnection is not available in this runtime";

let gojanus;
const clients = [];

async function connect(url, opts = {}) {
  const c = await gojanus.connect(url, { logLevel: "error", ...opts });
  clients.push(c);
  return c;
}

// waitFor resolves with the first event of type on target that pred
// accepts, or rejects after ms.
function waitFor(target, type, pred = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, on);
      reject(new Error(`no ${type} event within ${ms} ms`));
    }, ms);
    function on(e) {
      if (!pred(e.detail)) return;
      clearTimeout(timer);
      target.removeEventListener(type, on);
      resolve(e.detail);
    }
    target.addEventListener(type, on);
  });
}

const randomRoom = () => 100000 + Math.floor(Math.random() * 1e9);

before(async () => {
  if (!skip) gojanus = await load();
});

after(async () => {
  for (const c of clients) {
    await c.close().catch(() => {});
  }
});

test("the module is loaded, from the package of the same version, and sets no global", { skip }, async () => {
  const pkg = JSON.parse(await fs.readFile(new URL("./node_modules/gojanus/package.json", import.meta.url), "utf8"));
  assert.equal(gojanus.version, pkg.version);
  assert.equal(gojanus.mediaAvailable(), false);
  assert.equal(globalThis.gojanus, undefined, "load() leaves globalThis.gojanus alone");
  assert.equal(await load(), gojanus, "a second load() resolves to the same API");
});

for (const transport of ["ws", "http"]) {
  test(`connect over ${transport}, info, session, handles`, { skip }, async () => {
    const client = await connect(env[transport]);
    assert.equal(client.state, "connected");

    const info = await client.info();
    assert.equal(info.version_string, env.version);
    assert.ok(info.plugins["janus.plugin.videoroom"], "videoroom plugin loaded");

    const session = await client.createSession();
    assert.equal(typeof session.id, "number");
    assert.ok(session.id > 0);
    await session.keepalive();

    const handle = await session.attach("janus.plugin.echotest", { opaqueId: "node-test" });
    assert.equal(handle.plugin, "janus.plugin.echotest");
    assert.equal(handle.opaqueId, "node-test");
    assert.ok(handle.id > 0);

    // A plain message, without media.
    const res = await handle.message({ audio: false });
    assert.equal(res.plugin, "janus.plugin.echotest");
    assert.deepEqual(res.data, { echotest: "event", result: "ok" });
    assert.equal(res.jsep, undefined);

    // Events: onevent and the EventTarget both see the detach.
    const seen = [];
    handle.onevent = (ev) => seen.push(ev.type);
    const ended = waitFor(handle, "ended");
    await handle.detach();
    const end = await ended;
    assert.equal(end.error, null);
    assert.ok(seen.includes("ended"), `onevent saw ${seen}`);

    // An ended handle rejects.
    await assert.rejects(handle.message({}), { name: "InvalidStateError" });

    const sessionEnded = waitFor(session, "ended");
    await session.destroy();
    await sessionEnded;
  });
}

test("VideoRoom rooms: list, create, exists, destroy", { skip }, async () => {
  const client = await connect(env.ws);
  const session = await client.createSession();
  const vr = await session.attachVideoRoom();
  assert.equal(vr.plugin, "janus.plugin.videoroom");

  const room = randomRoom();
  const created = await vr.create({ room, description: "node test", publishers: 4 });
  assert.equal(created.room, room);
  assert.equal(await vr.exists(room), true);
  const rooms = await vr.list();
  assert.ok(Array.isArray(rooms));
  const mine = rooms.find((r) => r.room === room);
  assert.ok(mine, "the new room is listed");
  assert.equal(mine.description, "node test");
  assert.equal(mine.max_publishers, 4);
  assert.deepEqual(await vr.listParticipants(room), []);

  // Plugin errors reject with the plugin's code.
  await assert.rejects(vr.create({ room }), (err) => {
    assert.equal(err.name, "PluginError");
    assert.equal(err.code, 427);
    assert.equal(err.plugin, "janus.plugin.videoroom");
    assert.ok(err instanceof Error);
    return true;
  });

  const destroyed = await vr.destroy(room);
  assert.equal(destroyed.room, room);
  assert.equal(await vr.exists(room), false);
  await assert.rejects(vr.destroy({ room }), { name: "PluginError", code: 426 });
  await session.destroy();
});

test("VideoRoom publishers: roster and events", { skip }, async () => {
  const alice = await connect(env.ws);
  const bob = await connect(env.http);
  const sa = await alice.createSession();
  const sb = await bob.createSession();
  const vr = await sa.attachVideoRoom();
  const room = randomRoom();
  await vr.create({ room, notify_joining: true });

  const pa = await sa.joinVideoRoom({ room, display: "alice" });
  assert.deepEqual(pa.room, room);
  assert.ok(pa.participantId);
  assert.equal(typeof pa.privateId, "number");
  assert.deepEqual(pa.roster(), []);
  assert.deepEqual(pa.joined.publishers, []);

  const changes = [];
  pa.onroster = (c) => changes.push(c);
  const added = waitFor(pa, "roster", (c) => c.kind === "added");
  const joining = waitFor(pa, "event", (e) => e.event === "joining");

  const pb = await sb.joinVideoRoom({ room, display: "bob" });
  const change = await added;
  assert.equal(change.participant.display, "bob");
  assert.deepEqual(change.participant.id, pb.participantId);
  assert.equal(change.participant.publishing, false);
  const ev = await joining;
  assert.equal(ev.plugin, "janus.plugin.videoroom");
  assert.equal(ev.data.videoroom, "event");

  const roster = pa.roster();
  assert.equal(roster.length, 1);
  assert.equal(roster[0].display, "bob");
  assert.ok(changes.some((c) => c.kind === "added"), "onroster was called");

  // bob's roster knows alice from the join answer.
  assert.deepEqual(pb.roster().map((p) => p.display), ["alice"]);

  const participants = await vr.listParticipants(room);
  assert.deepEqual(participants.map((p) => p.display).sort(), ["alice", "bob"]);

  // Media needs a browser.
  await assert.rejects(pa.publish({ audio: true, video: false }), (err) => {
    assert.equal(err.name, "NotSupportedError");
    assert.equal(err.message, mediaError);
    return true;
  });
  await assert.rejects(
    sa.subscribeVideoRoom({ room, streams: [{ feed: pb.participantId }] }),
    { name: "NotSupportedError", message: mediaError },
  );

  const removed = waitFor(pa, "roster", (c) => c.kind === "removed");
  await pb.leave();
  assert.equal((await removed).participant.display, "bob");
  assert.deepEqual(pa.roster(), []);

  await pa.leave();
  await vr.destroy({ room });
  await sa.destroy();
  await sb.destroy();
});

test("VideoRoom metadata (Janus 1.3.0 and later), UnsupportedError before", { skip }, async () => {
  const alice = await connect(env.ws);
  const bob = await connect(env.ws);
  const sa = await alice.createSession();
  const sb = await bob.createSession();
  const vr = await sa.attachVideoRoom();
  const room = randomRoom();
  await vr.create({ room, notify_joining: true });
  const [major, minor] = env.version.split(".").map(Number);
  try {
    if (major === 1 && minor < 3) {
      await assert.rejects(sa.joinVideoRoom({ room, display: "alice", metadata: { role: "host" } }), (err) => {
        assert.equal(err.name, "UnsupportedError");
        assert.equal(err.since, "1.3.0");
        assert.equal(err.server, env.version);
        assert.match(err.message, /videoroom join metadata needs Janus 1\.3\.0 or later \(the server is /);
        return true;
      });
      return;
    }
    const pa = await sa.joinVideoRoom({ room, display: "alice", metadata: { role: "host" } });
    const joining = waitFor(pa, "roster", (c) => c.kind === "added");
    const pb = await sb.joinVideoRoom({ room, display: "bob", metadata: { role: "guest", seat: 2 } });
    // alice learns bob's metadata from the joining event, bob alice's from his join answer.
    assert.deepEqual((await joining).participant.metadata, { role: "guest", seat: 2 });
    assert.deepEqual(pb.roster().map((p) => [p.display, p.metadata]), [["alice", { role: "host" }]]);
    await pb.leave();
    await pa.leave();
  } finally {
    await vr.destroy({ room });
    await sa.destroy();
    await sb.destroy();
  }
});

test("EchoTest without media", { skip }, async () => {
  const client = await connect(env.ws);
  const session = await client.createSession();
  const echo = await session.attachEchoTest();
  assert.deepEqual(await echo.configure({ audio: true, video: true, bitrate: 128000 }), {});
  await assert.rejects(echo.start({ audio: true }), { name: "NotSupportedError", message: mediaError });
  await assert.rejects(echo.getStats(), { name: "NotSupportedError", message: mediaError });
  await echo.hangup();
  await echo.detach();
  await session.destroy();
});

test("Janus errors reject with code and reason", { skip }, async () => {
  const client = await connect(env.ws);
  const session = await client.createSession();
  await assert.rejects(session.attach("janus.plugin.nope"), (err) => {
    assert.equal(err.name, "JanusError");
    assert.equal(err.code, 460);
    assert.equal(typeof err.reason, "string");
    return true;
  });
  await assert.rejects(client.claimSession(987654321), { name: "JanusError", code: 458 });
  await assert.rejects(gojanus.connect("ftp://127.0.0.1:1"), { name: "SyntaxError" });
  await assert.rejects(gojanus.connect(42), { name: "TypeError" });

  // An AbortSignal cancels a call.
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(client.info({ signal: ac.signal }), { name: "AbortError" });
  await session.destroy();
});

for (const transport of ["adminWS", "adminHTTP"]) {
  test(`admin API over ${transport}`, { skip }, async () => {
    const client = await connect(env.ws);
    const session = await client.createSession();
    const handle = await session.attach("janus.plugin.echotest", { opaqueId: "admin-check" });

    const admin = await gojanus.connectAdmin(env[transport], { adminSecret: env.adminSecret });
    try {
      await admin.ping();
      const sessions = await admin.listSessions();
      assert.ok(sessions.includes(session.id), "listSessions has the session");
      assert.deepEqual(await admin.listHandles(session.id), [handle.id]);
      const hi = await admin.handleInfo(session.id, handle.id);
      assert.equal(hi.plugin_specific !== undefined || hi.handle_id === handle.id, true);
      assert.equal(hi.opaque_id, "admin-check");
      const status = await admin.getStatus();
      assert.equal(typeof status.session_timeout, "number");
      const ans = await admin.request("query_eventhandler", { handler: "janus.eventhandler.nope", request: {} })
        .catch((e) => e);
      assert.ok(ans instanceof Error || typeof ans === "object");
      await assert.rejects(admin.listTokens(), { name: "JanusError" }); // token_auth is off
    } finally {
      await admin.close();
    }
    await assert.rejects(admin.ping(), { name: "InvalidStateError" });

    const bad = await gojanus.connectAdmin(env[transport], { adminSecret: "wrong" });
    await assert.rejects(bad.listSessions(), { name: "JanusError", code: 403 });
    await bad.close();
    await session.destroy();
  });
}

test("closing clients ends every object", { skip }, async () => {
  const client = await connect(env.ws);
  const session = await client.createSession();
  await session.attachVideoRoom();
  const states = [];
  client.onstate = (s) => states.push(s.state);
  const sessionEnded = waitFor(session, "ended");
  await client.close();
  const end = await sessionEnded;
  assert.match(end.error, /closed/);
  assert.equal(client.state, "closed");
  assert.deepEqual(states, ["closed"]);
  await assert.rejects(client.info(), { name: "InvalidStateError" });

  for (const c of clients) {
    await c.close().catch(() => {});
  }
  // Every object of every test has ended: nothing is left in the registry.
  for (let i = 0; i < 50 && gojanus.liveObjects() > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(gojanus.liveObjects(), 0);
});
