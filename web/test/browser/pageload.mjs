// Page load to a connected Janus session, in headless Chromium: how long a
// page takes from navigation start (performance.now() in the page) until
// it has a Janus session, with gojanus.wasm (wasm_exec.js, the wasm,
// gojanus.connect, createSession) and with janus.js (Janus.init, new Janus,
// success). Each load runs in a fresh browser context, so nothing comes
// from the HTTP cache; the two clients take turns.
//
// Run by BenchmarkBrowser (internal/browsertest), which serves the pages
// and passes:
//   GOJANUS_PAGE_URL   http://127.0.0.1:PORT/ serving web/ and /interop/
//   GOJANUS_JANUS_WS   the Janus WebSocket URL
//   GOJANUS_CHROMIUM   the Chromium binary
//   GOJANUS_PAGELOAD_RUNS  loads per client (default 5)
// It prints one JSON object, {"gojanus": [LOAD, ...], "janusjs": [LOAD, ...]}
// where LOAD is {"ms": to the session, "phases": {"script": when the page's
// script ran, ...}} (phases in ms since navigation start as well), or with
// --bench Go benchmark lines (median as ms, worst as max-ms).
//
// It does not use lib.mjs, whose environment is the namespace suite's.

import { chromium } from "playwright-core";

function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run this through go test -bench BenchmarkBrowser ./internal/browsertest`);
  }
  return v;
}

const pageURL = need("GOJANUS_PAGE_URL");
const server = need("GOJANUS_JANUS_WS");
const runs = Number(process.env.GOJANUS_PAGELOAD_RUNS || 5);
const pages = { gojanus: "interop/pageload-gojanus.html", janusjs: "interop/pageload-janusjs.html" };

/** Loads one page in a new context and returns its milliseconds to a session, and to the phases on the way. */
async function load(browser, client) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on("pageerror", (err) => console.error(`  [${client} pageerror] ${err.message}`));
    const url = new URL(pages[client], pageURL);
    url.searchParams.set("server", server);
    await page.goto(url.href);
    const res = await (await page.waitForFunction(() => window.pageload, null, { timeout: 60_000, polling: 20 })).jsonValue();
    if (res.error) {
      throw new Error(`${client}: ${res.error}`);
    }
    await page.evaluate(() => window.pageloadClose());
    return { ms: res.ms, phases: res.phases };
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: need("GOJANUS_CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  timeout: 30_000,
});
const results = Object.fromEntries(Object.keys(pages).map((c) => [c, []]));
try {
  for (let i = 0; i < runs; i++) {
    for (const client of Object.keys(pages)) {
      results[client].push(await load(browser, client));
    }
  }
} finally {
  await browser.close();
}

if (process.argv.includes("--bench")) {
  for (const [client, ms] of Object.entries(results)) {
    const sorted = ms.map((l) => l.ms).sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    console.log(`BenchmarkBrowser/page-to-session/${client}\t1\t${median.toFixed(1)} ms\t${sorted[sorted.length - 1].toFixed(1)} max-ms`);
  }
} else {
  console.log(JSON.stringify(results));
}
