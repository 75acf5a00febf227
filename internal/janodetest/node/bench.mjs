// bench.mjs: janode measured on the scenarios of gojanus's BenchmarkCompare
// (core/bench_compare_test.go), against the Janus whose WebSocket URL is in
// GOJANUS_JANUS_WS. It prints one Go benchmark line per scenario on stdout,
//
//   BenchmarkJanode/<scenario>/janode <N> 0 ns/op <value> <unit> ...
//
// which BenchmarkJanode (internal/janodetest/bench_test.go) reports as
// sub-benchmarks. Scenario names given as arguments run only those.
//
// Scenarios (keep them the same as BenchmarkCompare's):
//   latency-keepalive  one session; 200 warm-up, then 2000 sequential
//                      {"janus":"keepalive"} requests, each awaited until its
//                      ack (janode's public Session.sendRequest: janode closes
//                      a keepalive transaction on any answer) -> p50-µs p99-µs
//   latency-echotest   one EchoTest handle; 200 warm-up, then 2000 sequential
//                      messages {"audio":true} without JSEP, each awaited until
//                      its plugin event (Handle.message resolves on the event;
//                      janode ignores the ack) -> p50-µs p99-µs
//   throughput-K       one connection, one session, K = 1, 8, 64 EchoTest
//                      handles, one worker per handle sending the same message
//                      in a loop; 500 ms warm-up, then the messages completed
//                      in 3 s -> msg/s, and the process's CPU time per
//                      message meanwhile -> cpu-µs/msg
//   session-setup      50 warm-up, then 300 sequential create session + attach
//                      echotest + detach + destroy -> setup/s, cpu-µs/setup
//
// Times come from process.hrtime.bigint(); percentiles are the sorted
// samples at n/2 and n*99/100, like BenchmarkCompare's.

import Janode from 'janode';
import EchoTestPlugin from 'janode/plugins/echotest';

// janode logs info lines on stdout by default; keep stdout for results.
// Its warnings (e.g. an ack arriving after the event already closed the
// transaction) would only be noise here.
Janode.Logger.setLevel('error');

const LATENCY_WARMUP = 200;
const LATENCY_REQUESTS = 2000;
const SETUP_WARMUP = 50;
const SETUP_CYCLES = 300;
const THROUGHPUT_WARM_MS = 500;
const THROUGHPUT_SPAN_MS = 3000;
const ECHO_BODY = { audio: true };

const url = process.env.GOJANUS_JANUS_WS;
if (!url) {
  console.error('bench.mjs: GOJANUS_JANUS_WS is not set');
  process.exit(2);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function connect() {
  return Janode.connect({ address: [{ url }], max_retries: 0, retry_time_secs: 1 });
}

// echo sends the EchoTest message on handle and checks the plugin's event.
async function echo(handle) {
  const ev = await handle.message({ ...ECHO_BODY });
  const data = ev?.plugindata?.data;
  if (ev?.janus !== 'event' || data?.echotest !== 'event' || data?.result !== 'ok') {
    throw new Error(`unexpected EchoTest answer ${JSON.stringify(ev)}`);
  }
}

// keepalive sends one keepalive on session and checks it is acked.
async function keepalive(session) {
  const res = await session.sendRequest({ janus: 'keepalive' });
  if (res?.janus !== 'ack') throw new Error(`unexpected keepalive answer ${JSON.stringify(res)}`);
}

// latency runs req sequentially and returns its p50 and p99 in µs.
async function latency(req) {
  for (let i = 0; i < LATENCY_WARMUP; i++) await req();
  const d = new Float64Array(LATENCY_REQUESTS);
  for (let i = 0; i < d.length; i++) {
    const start = process.hrtime.bigint();
    await req();
    d[i] = Number(process.hrtime.bigint() - start);
  }
  d.sort();
  return { p50: d[Math.floor(d.length / 2)] / 1e3, p99: d[Math.floor(d.length * 99 / 100)] / 1e3 };
}

// withSession runs fn on a new connection and session, then tears both down.
async function withSession(fn) {
  const conn = await connect();
  try {
    const session = await conn.create();
    try {
      return await fn(session, conn);
    } finally {
      await session.destroy();
    }
  } finally {
    await conn.close();
  }
}

function line(scenario, n, metrics) {
  const parts = [`BenchmarkJanode/${scenario}/janode`, String(n), '0 ns/op'];
  for (const [value, unit] of metrics) parts.push(`${value.toFixed(1)} ${unit}`);
  process.stdout.write(parts.join('\t') + '\n');
}

const scenarios = {
  async 'latency-keepalive'() {
    const { p50, p99 } = await withSession(session => latency(() => keepalive(session)));
    line('latency-keepalive', LATENCY_REQUESTS, [[p50, 'p50-µs'], [p99, 'p99-µs']]);
  },

  async 'latency-echotest'() {
    const { p50, p99 } = await withSession(async session => {
      const h = await session.attach(EchoTestPlugin);
      const r = await latency(() => echo(h));
      await h.detach();
      return r;
    });
    line('latency-echotest', LATENCY_REQUESTS, [[p50, 'p50-µs'], [p99, 'p99-µs']]);
  },

  ...Object.fromEntries([1, 8, 64].map(k => [`throughput-${k}`, async () => {
    const { n, seconds, cpuMicros } = await withSession(async session => {
      const handles = [];
      for (let i = 0; i < k; i++) handles.push(await session.attach(EchoTestPlugin));
      let stop = false;
      let counting = false;
      let count = 0;
      const workers = handles.map(async h => {
        while (!stop) {
          await echo(h);
          if (counting) count++;
        }
      });
      // A failing worker ends the scenario at once, with its error.
      const failed = Promise.all(workers).then(() => null);
      const span = (async () => {
        await sleep(THROUGHPUT_WARM_MS);
        counting = true;
        const start = process.hrtime.bigint();
        const cpuStart = process.cpuUsage();
        await sleep(THROUGHPUT_SPAN_MS);
        const n = count;
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpuStart);
        stop = true;
        return { n, seconds, cpuMicros: cpu.user + cpu.system };
      })();
      let res;
      try {
        res = await Promise.race([span, failed]);
      } finally {
        stop = true;
      }
      await failed;
      if (!res) throw new Error('workers ended early');
      for (const h of handles) await h.detach();
      return res;
    });
    line(`throughput-${k}`, n, [[n / seconds, 'msg/s'], [cpuMicros / n, 'cpu-µs/msg']]);
  }])),

  async 'session-setup'() {
    const conn = await connect();
    try {
      const cycle = async () => {
        const s = await conn.create();
        const h = await s.attach(EchoTestPlugin);
        await h.detach();
        await s.destroy();
      };
      for (let i = 0; i < SETUP_WARMUP; i++) await cycle();
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      for (let i = 0; i < SETUP_CYCLES; i++) await cycle();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      line('session-setup', SETUP_CYCLES, [[SETUP_CYCLES / seconds, 'setup/s'], [(cpu.user + cpu.system) / SETUP_CYCLES, 'cpu-µs/setup']]);
    } finally {
      await conn.close();
    }
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!Object.hasOwn(scenarios, name)) {
    console.error(`bench.mjs: unknown scenario ${name} (known: ${Object.keys(scenarios).join(', ')})`);
    process.exit(2);
  }
}
try {
  for (const [name, run] of Object.entries(scenarios)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const start = Date.now();
    await run();
    console.error(`bench.mjs: ${name} took ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
} catch (e) {
  console.error(`bench.mjs: ${e?.stack ?? e}`);
  process.exit(1);
}
process.exit(0);
