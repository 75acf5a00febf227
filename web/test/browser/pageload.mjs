// Page load to a connected Janus session, in headless Chromium: how long a
// page takes from navigation start (performance.now() in the page) until
// it has a Janus session, with gojanus.wasm (wasm_exec.js, the wasm,
// gojanus.connect, createSession) and with janus.js (Janus.init, new Janus,
// success). Each load runs in a fresh browser context, so nothing comes
// from the HTTP cache; the two clients take turns. Every load runs twice:
// on the local network as it is, and with Chromium's network emulation at
// 9 Mbit/s down, 1.5 Mbit/s up and 40 ms of latency (a fair home link),
// where the bytes count. The bytes each page received (compressed, as sent)
// are summed too.
//
// Run by BenchmarkBrowser (internal/browsertest), which serves the pages
// and passes:
//   GOJANUS_PAGE_URL   http://127.0.0.1:PORT/ serving web/ and /interop/
//   GOJANUS_JANUS_WS   the Janus WebSocket URL
//   GOJANUS_CHROMIUM   the Chromium binary
//   GOJANUS_PAGELOAD_RUNS  loads per client (default 5)
// It prints one JSON object, {"gojanus": {"local": [LOAD, ...], "9mbit":
// [...]}, "janusjs": {...}} where LOAD is {"ms": to the session, "phases":
// {"script": when the page's script ran, ...} (in ms since navigation
// start as well), "bytes": received over the wire}.
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

// The network conditions each load runs under: none, and a home link
// (Chromium's emulation, through the DevTools protocol).
const conditions = {
  local: null,
  "9mbit": { offline: false, latency: 40, downloadThroughput: (9e6 / 8), uploadThroughput: (1.5e6 / 8) },
};

/** Loads one page in a new context and returns its milliseconds to a session, the phases on the way, and the bytes received. */
async function load(browser, client, condition) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on("pageerror", (err) => console.error(`  [${client} pageerror] ${err.message}`));
    if (conditions[condition]) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", conditions[condition]);
    }
    const sizes = [];
    page.on("requestfinished", (req) => sizes.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize, () => 0)));
    const url = new URL(pages[client], pageURL);
    url.searchParams.set("server", server);
    await page.goto(url.href);
    const res = await (await page.waitForFunction(() => window.pageload, null, { timeout: 60_000, polling: 20 })).jsonValue();
    if (res.error) {
      throw new Error(`${client}: ${res.error}`);
    }
    await page.evaluate(() => window.pageloadClose());
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return { ms: res.ms, phases: res.phases, bytes };
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
const results = Object.fromEntries(Object.keys(pages).map((c) => [c, Object.fromEntries(Object.keys(conditions).map((n) => [n, []]))]));
try {
  for (const condition of Object.keys(conditions)) {
    for (let i = 0; i < runs; i++) {
      for (const client of Object.keys(pages)) {
        results[client][condition].push(await load(browser, client, condition));
      }
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
