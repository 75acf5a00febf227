// Compiled (never run) by go tool mage testWasm with tsc --noEmit, twice:
// with lib ["es2022"] only (tsconfig.node.json) and with @types/node as
// well (tsconfig.node-types.json). It imports the packed npm package the
// way a Node application does, so that its "types" and "exports" and the
// declarations themselves work without the DOM library.
import { load, type Gojanus } from "gojanus";

// Without the DOM library or @types/node there is no console: what the
// program would print goes here.
const seen: unknown[] = [];

export async function main(url: string): Promise<number[]> {
  const api: Gojanus.API = await load();
  const client = await api.connect(url, { reconnect: false, connectTimeout: 5000, logLevel: "warn" });
  client.onstate = (ev) => seen.push(ev.state, ev.error);
  client.addEventListener("state", (ev) => seen.push(ev.type, ev.state, ev.detail.error));
  const session = await client.createSession();
  const vr = await session.attachVideoRoom({ opaqueId: "node" });
  const rooms: Gojanus.RoomInfo[] = await vr.list();
  const pub = await session.joinVideoRoom({ room: 1234, display: "node" });
  pub.onroster = (c) => seen.push(c.kind, c.participant?.display);
  try {
    await pub.publish({ audio: true }); // rejects in Node: no RTCPeerConnection
  } catch (e) {
    const err = e as Gojanus.GojanusError;
    if (err.name === "NotSupportedError") seen.push(err.message);
  }
  seen.push((await client.info()).version_string);
  await pub.leave();
  await session.destroy();
  await client.close();

  const admin = await api.connectAdmin("ws://127.0.0.1:7188", { adminSecret: "janusoverlord" });
  const sessions = await admin.listSessions();
  await admin.close();
  seen.push(rooms.length);
  return sessions;
}
