// Compiled (never run) by go tool mage testWasm with tsc --noEmit: it uses
// the whole API the way an application would, so that gojanus.d.ts stays
// consistent and usable.
/// <reference path="../gojanus-global.d.ts" />
import type { Gojanus } from "../gojanus";

async function demo(video: HTMLVideoElement): Promise<void> {
  const api: Gojanus.API = globalThis.gojanus;
  const client = await api.connect(["wss://janus.example.com", "https://janus.example.com/janus"], {
    apiSecret: "s",
    keepalive: 20000,
    transactionTimeout: 5000,
    reconnect: { maxAttempts: 5 },
    logLevel: "info",
  });
  client.onstate = (ev) => console.log(ev.state, ev.error);
  client.addEventListener("state", (ev) => console.log(ev.state, ev.detail.error));
  const info = await client.info();
  const v: string = info.version_string;
  console.log(v, client.state);

  const session = await client.createSession({ token: "t" });
  session.addEventListener("timeout", () => console.log("expired"));
  const id: number = session.id;
  console.log(id);

  const h = await session.attach("janus.plugin.echotest", { opaqueId: "x" });
  h.onevent = (ev) => {
    if (ev.type === "event") console.log(ev.plugin, ev.data, ev.jsep?.sdp);
    if (ev.type === "media") console.log(ev.mid, ev.receiving);
  };
  h.addEventListener("webrtcup", (ev) => console.log(ev.handle));
  h.addEventListener("trickle", (ev) => console.log(ev.candidate?.candidate));
  const res = await h.message({ audio: true }, { jsep: { type: "offer", sdp: "v=0" } });
  console.log(res.data?.result);
  await h.trickle({ candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 });
  await h.trickle(null);
  await h.hangup();
  await h.detach();

  const vr = await session.attachVideoRoom();
  const { room } = await vr.create({ description: "demo", notify_joining: true, publishers: 6 });
  const rooms = await vr.list();
  console.log(rooms.map((r) => r.num_participants), await vr.exists(room), await vr.listParticipants(room));

  const pub = await session.joinVideoRoom({ room, display: "alice" });
  pub.onroster = (c) => console.log(c.kind, c.participant?.display, pub.roster().length);
  pub.addEventListener("roster", (ev) => console.log(ev.kind));
  const conf = await pub.publish({ audio: true, video: { width: 640 }, bitrate: 256000, display: "alice" });
  console.log(conf.streams.map((s) => s.mid), conf.stream?.id);

  const ac = new AbortController();
  for (const p of pub.joined.publishers) {
    const sub = await session.subscribeVideoRoom(
      { room, streams: [{ feed: p.id }], private_id: pub.privateId },
      { rtcConfig: { iceServers: [] }, signal: ac.signal },
    );
    video.srcObject = sub.stream;
    sub.ontrack = (ev) => console.log(ev.kind, ev.mid, ev.track.id);
    const upd = await sub.subscribe([{ feed: p.id, mid: "0" }]);
    console.log(upd.streams.length, sub.streams.length);
    await sub.leave();
  }
  await pub.unpublish();
  await pub.leave();
  await vr.destroy(room);

  const echo = await session.attachEchoTest();
  await echo.configure({ audio: true, bitrate: 100000 });
  const { remoteStream } = await echo.start({ audio: true, video: false }, { video: false });
  const stats: RTCStats[] = await echo.getStats();
  console.log(stats.filter((s) => s.type === "inbound-rtp").length);
  video.srcObject = remoteStream;

  try {
    await session.attach("janus.plugin.nope");
  } catch (e) {
    const err = e as Gojanus.GojanusError;
    if (err.name === "JanusError" || err.name === "PluginError") console.log(err.code, err.reason, err.plugin);
  }
  await session.destroy();
  await client.close();

  const admin = await api.connectAdmin("ws://127.0.0.1:7188", { adminSecret: "x" });
  const sessions: number[] = await admin.listSessions();
  for (const s of sessions) {
    for (const hid of await admin.listHandles(s)) console.log((await admin.handleInfo(s, hid)).plugin);
  }
  await admin.addToken("tok", ["janus.plugin.videoroom"]);
  console.log((await admin.listTokens()).map((t) => t.allowed_plugins));
  await admin.removeToken("tok");
  await admin.request("query_logger", { logger: "x", request: {} });
  await admin.close();
  api.setLogLevel("debug");
  console.log(api.mediaAvailable(), api.liveObjects(), api.version);
}

globalThis.onGojanusReady = (api) => console.log(api.version);
export { demo };
