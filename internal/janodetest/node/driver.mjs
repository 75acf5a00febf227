// driver.mjs: janode under remote control, for the Go interop test
// (internal/janodetest). It reads one JSON command per line on stdin,
// {"id": N, "cmd": "...", "args": {...}}, runs it with janode's API, and
// answers one JSON line on stdout: {"id": N, "ok": true, "result": ...} or
// {"id": N, "ok": false, "error": "..."}. Commands run one at a time, in
// order. janode logs only warnings and errors, and only on stderr, so
// stdout carries nothing but answers. The process ends after "close", or
// when stdin ends (the test process went away).
//
// Commands (handles are named by the caller):
//   connect {url}                          -> {session}
//   attach {handle, plugin}                -> {id}        plugin: videoroom | echotest
//   create {handle, description, max_publishers, room?} -> {room, permanent}
//   list {handle}                          -> {list}      (the plugin's room list)
//   exists {handle, room}                  -> {room, exists}
//   join {handle, room, display}           -> {room, feed, description, publishers, ...}
//   participants {handle, room}            -> {room, participants}
//   destroy {handle, room}                 -> {room, ...}
//   event {handle, name, timeout_ms}       -> the data of the handle's first unconsumed
//                                             janode event called name (waits for it)
//   close {}                               -> {} then exit

import readline from 'node:readline';

import Janode from 'janode';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import EchoTestPlugin from 'janode/plugins/echotest';

Janode.Logger.setLevel('warning'); // warnings and errors go to stderr (console.warn/error)

const plugins = { videoroom: VideoRoomPlugin, echotest: EchoTestPlugin };

let connection = null;
let session = null;
// name -> {handle, events: [{name, data}], waiters: Set<fn>}
const handles = new Map();

function named(name) {
  const h = handles.get(name);
  if (!h) throw new Error(`no handle called ${JSON.stringify(name)}`);
  return h;
}

function need(args, ...keys) {
  for (const k of keys) {
    if (args[k] === undefined) throw new Error(`missing argument ${k}`);
  }
}

const commands = {
  async connect({ url }) {
    if (connection) throw new Error('already connected');
    // No retries: a test wants the error now, not after janode's default
    // 5 retries 10 s apart.
    connection = await Janode.connect({ address: [{ url }], max_retries: 0, retry_time_secs: 1 });
    session = await connection.create();
    return { session: session.id };
  },

  async attach(args) {
    need(args, 'handle', 'plugin');
    const plugin = plugins[args.plugin];
    if (!plugin) throw new Error(`unknown plugin ${args.plugin}`);
    if (handles.has(args.handle)) throw new Error(`handle ${args.handle} exists`);
    const handle = await session.attach(plugin);
    const entry = { handle, events: [], waiters: new Set() };
    // Record every plugin event janode emits on the handle (it emits only
    // what does not answer one of its own requests) and its detach.
    for (const name of [...Object.values(plugin.EVENT), Janode.EVENT.HANDLE_DETACHED]) {
      handle.on(name, data => {
        entry.events.push({ name, data: data instanceof Error ? { error: data.message } : data });
        for (const wake of entry.waiters) wake();
      });
    }
    handles.set(args.handle, entry);
    return { id: handle.id };
  },

  async create(args) {
    need(args, 'handle');
    const opts = { description: args.description, max_publishers: args.max_publishers };
    if (args.room !== undefined) opts.room = args.room;
    return named(args.handle).handle.create(opts);
  },

  async list(args) {
    need(args, 'handle');
    return named(args.handle).handle.list();
  },

  async exists(args) {
    need(args, 'handle', 'room');
    return named(args.handle).handle.exists({ room: args.room });
  },

  async join(args) {
    need(args, 'handle', 'room', 'display');
    return named(args.handle).handle.joinPublisher({ room: args.room, display: args.display });
  },

  async participants(args) {
    need(args, 'handle', 'room');
    return named(args.handle).handle.listParticipants({ room: args.room });
  },

  async destroy(args) {
    need(args, 'handle', 'room');
    return named(args.handle).handle.destroy({ room: args.room });
  },

  async event(args) {
    need(args, 'handle', 'name');
    const entry = named(args.handle);
    const timeout = args.timeout_ms ?? 5000;
    return new Promise((resolve, reject) => {
      let timer = null;
      const check = () => {
        const i = entry.events.findIndex(e => e.name === args.name);
        if (i < 0) return false;
        const [ev] = entry.events.splice(i, 1);
        entry.waiters.delete(check);
        clearTimeout(timer);
        resolve(ev.data);
        return true;
      };
      if (check()) return;
      entry.waiters.add(check);
      timer = setTimeout(() => {
        entry.waiters.delete(check);
        const seen = entry.events.map(e => e.name).join(', ') || 'none';
        reject(new Error(`no ${args.name} event on handle ${args.handle} within ${timeout} ms (unconsumed events: ${seen})`));
      }, timeout);
    });
  },

  async close() {
    await shutdown();
    return {};
  },
};

// shutdown destroys the session (which detaches its handles on the server)
// and closes the connection, ignoring errors: it is cleanup.
async function shutdown() {
  const s = session, c = connection;
  session = null;
  connection = null;
  handles.clear();
  if (s) await s.destroy().catch(e => console.error(`destroying the session: ${e.message}`));
  if (c) await c.close().catch(e => console.error(`closing the connection: ${e.message}`));
}

function answer(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
let closing = false;
for await (const line of rl) {
  if (!line.trim()) continue;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    answer({ id: null, ok: false, error: `bad command line: ${e.message}` });
    continue;
  }
  const fn = Object.hasOwn(commands, msg.cmd) ? commands[msg.cmd] : null;
  if (!fn) {
    answer({ id: msg.id, ok: false, error: `unknown command ${JSON.stringify(msg.cmd)}` });
    continue;
  }
  try {
    const result = await fn(msg.args ?? {});
    answer({ id: msg.id, ok: true, result: result ?? {} });
  } catch (e) {
    answer({ id: msg.id, ok: false, error: e?.message ?? String(e) });
  }
  if (msg.cmd === 'close') {
    closing = true;
    break;
  }
}
if (!closing) await shutdown(); // stdin ended: the test is gone
rl.close();
process.exit(0);
