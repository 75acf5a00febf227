// The README's browser snippet, run as it stands there in headless Chromium
// (inside the Go test's network namespace), against the test's Janus: with
// a native gojanus publisher already in the room, the snippet joins,
// publishes the fake camera and shows the native publisher's video.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { env, launchChromium, waitFor, startCLI } from "./lib.mjs";
import { readmeSnippet } from "../../../wasm/test/readme.mjs";

let browser;
const cleanups = [];

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  for (const fn of cleanups.reverse()) {
    await Promise.resolve()
      .then(fn)
      .catch(() => {});
  }
  await browser?.close();
});

test("the README's browser snippet runs as written: it publishes and shows a native publisher's video", { timeout: 60_000 }, async () => {
  const room = 5003;
  const snippet = await readmeSnippet("browser");
  assert.match(snippet, /room: 1234/);
  assert.match(snippet, /ws:\/\/127\.0\.0\.1:8188/);

  // A native publisher in the room (which it creates), up before the page
  // loads: the snippet subscribes to the publishers it finds on joining.
  const files = [path.join(env.media, "vp8-320x240-30fps-3s.ivf"), path.join(env.media, "opus-440hz-3s.ogg")].join(",");
  const pub = startCLI(
    ["publish", "--server", env.janusWS, "--room", String(room), "--display", "native", "--source", files,
      "--duration", "40s", "--ice-interface", env.iceInterface],
    "publish",
  );
  cleanups.push(() => pub.kill());
  let out = "";
  pub.child.stdout.on("data", (b) => (out += b));
  await Promise.race([
    waitFor(async () => /publishing/.test(out), { timeout: 20_000, what: "gojanus publish publishing" }),
    pub.done.then((r) => {
      throw new Error(`gojanus publish ended early (${r.code ?? r.signal}): ${r.stderr}${r.stdout}`);
    }),
  ]);

  // The snippet, pointed at the test's Janus and room, as a page of the
  // served web/ folder (so that ./gojanus.mjs is the module beside it).
  const code = snippet
    .replaceAll("ws://127.0.0.1:8188", env.janusWS)
    .replaceAll("room: 1234", `room: ${room}`)
    .replace(/<\/script>\s*$/, "  window.snippetDone = true;\n</script>\n");
  // Served by the test's web server (a page a route fulfils would count as
  // a public one, which Chromium does not let reach 127.0.0.1).
  await fs.writeFile(path.join(env.tmp, "scratch-readme.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>README snippet</title>\n${code}`);
  const url = new URL("scratch-readme.html", env.pageURL).href;
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  await page.goto(url);

  await waitFor(async () => errors.length > 0 || (await page.evaluate(() => window.snippetDone === true)), {
    timeout: 30_000,
    what: "the snippet to run to its end",
  });
  assert.deepEqual(errors, []);
  const frames = await waitFor(
    async () => {
      const n = await page.evaluate(() => {
        const v = document.querySelector("video");
        return v && v.srcObject ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
      });
      return n >= 10 && n;
    },
    { timeout: 20_000, what: "the native publisher's video playing in the snippet's <video>" },
  );
  console.log(`  the README snippet's <video> played ${frames} frames of the native publisher`);
  pub.kill();
});
