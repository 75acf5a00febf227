// Interop between janus.js (the official JavaScript client, npm
// janus-gateway, in headless Chromium) and the native gojanus command, in
// one VideoRoom of a real Janus inside the Go test's network namespace:
// the command records a janus.js publisher, and a janus.js subscriber
// decodes the command's test pattern.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { env, launchChromium, openInteropPage, waitFor, startCLI, decodedFrames, screenshot } from "./lib.mjs";

// The rooms of these tests, created on first use with VP8 and Opus like the
// demo's rooms (demo.test.mjs uses 1234 and 5001-5003).
const RECORD_ROOM = 5101;
const VIEW_ROOM = 5102;

// The lowest frame rate a recording or a decoder must reach: the sources
// send about 30 fps, a loaded 2-core machine drops some, a broken path
// gives (nearly) none.
const MIN_FPS = 5;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/**
 * Runs fn with a janus.js page connected to Janus, and closes the session
 * and the page whatever happens. A failure carries the page's last
 * janus.js messages.
 */
async function withInteropPage(label, fn) {
  const page = await openInteropPage(browser, label);
  try {
    await page.evaluate((server) => window.interop.connect(server), env.janusWS);
    return await fn(page);
  } catch (err) {
    const log = await page.evaluate(() => window.interop.log()).catch((e) => e.message);
    err.message += `\n  ${label}'s last janus.js messages: ${JSON.stringify(log)}`;
    throw err;
  } finally {
    await page
      .evaluate(() => window.interop.close())
      .catch((err) => console.log(`  ${label}: closing the janus.js session: ${err.message}`));
    await page.context().close();
  }
}

test("the native gojanus command records a janus.js publisher", { timeout: 60_000 }, async () => {
  await withInteropPage("janusjs-pub", async (page) => {
    const pub = await page.evaluate((o) => window.interop.publish(o), { room: RECORD_ROOM, display: "janus.js" });
    console.log(`  janus.js publishes in room ${RECORD_ROOM} as feed ${pub.id} (${pub.videoCodec})`);
    assert.match(pub.videoCodec, /VP8/i, "the room takes VP8 only");

    const seconds = 4;
    const dir = await fs.mkdtemp(path.join(env.tmp, "record-janusjs-"));
    const sub = startCLI(
      ["subscribe", "--server", env.janusWS, "--room", String(RECORD_ROOM), "--feed", String(pub.id), "--record", dir,
        "--duration", `${seconds}s`, "--ice-interface", env.iceInterface, "--json"],
      "subscribe",
    );
    try {
      const res = await sub.wait(30_000);
      assert.equal(res.code, 0, `gojanus subscribe: ${res.code ?? res.signal}\n${res.stderr}\n${res.stdout}`);
      const sum = JSON.parse(res.stdout);
      assert.deepEqual(sum.publishers.map((p) => String(p.id)), [String(pub.id)], res.stdout);
      const video = sum.tracks.find((t) => t.kind === "video");
      assert.ok(video && video.file, `no video track recorded: ${res.stdout}`);
      assert.match(video.codec, /VP8/i);
      assert.equal(String(video.feed), String(pub.id));

      const got = await decodedFrames(video.file, "v:0");
      const sent = await page.evaluate(() => window.interop.publisherStats());
      console.log(
        `  gojanus subscribe got ${video.frames} frames (${video.packets} packets) in ${seconds} s; ffprobe decodes ${got.frames} ${got.codec} frames of ${path.basename(video.file)}; janus.js encoded ${sent.framesEncoded}`,
      );
      assert.equal(got.codec, "vp8");
      // The recording covers the whole duration at a real frame rate.
      assert.ok(got.frames >= MIN_FPS * seconds, `${got.frames} frames decode from a ${seconds} s recording: fewer than ${MIN_FPS} fps`);
      // What decodes is what the command says it wrote: no more than the
      // frames it received, and all of them but those it had to drop
      // before the first keyframe (the command asks for one at once).
      assert.ok(got.frames <= video.frames, `ffprobe decodes ${got.frames} frames, the command received only ${video.frames}`);
      assert.ok(got.frames >= video.frames * 0.8, `ffprobe decodes only ${got.frames} of the ${video.frames} frames the command received`);
      // And janus.js really sent them.
      assert.ok(sent.framesEncoded >= got.frames, `janus.js encoded ${sent.framesEncoded} frames, fewer than the ${got.frames} recorded`);
    } finally {
      sub.kill();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

test("a janus.js subscriber decodes the native gojanus command's test pattern", { timeout: 60_000 }, async () => {
  await withInteropPage("janusjs-sub", async (page) => {
    await page.evaluate((room) => window.interop.prepareRoom(room), VIEW_ROOM);
    const display = "gojanus-testsrc";
    const pub = startCLI(
      ["publish", "--server", env.janusWS, "--room", String(VIEW_ROOM), "--display", display,
        "--source", "ffmpeg:-f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000",
        "--duration", "30s", "--ice-interface", env.iceInterface, "--json"],
      "publish",
    );
    const ended = pub.done.then((r) => {
      throw new Error(`gojanus publish ended early (${r.code ?? r.signal}): ${r.stderr}${r.stdout}`);
    });
    ended.catch(() => {}); // raced below; an end after the test is expected
    try {
      const feed = await Promise.race([
        waitFor(
          async () => {
            const ps = await page.evaluate((room) => window.interop.participants(room), VIEW_ROOM);
            const p = ps.find((x) => x.display === display && x.publisher);
            return p && p.id;
          },
          { timeout: 20_000, what: `the gojanus publisher in room ${VIEW_ROOM}` },
        ),
        ended,
      ]);
      const sub = await page.evaluate((o) => window.interop.subscribe(o), { room: VIEW_ROOM, feed });
      console.log(`  janus.js subscribed to feed ${feed}: ${JSON.stringify(sub.streams)}`);
      assert.ok(sub.streams.some((s) => s.type === "video" && /vp8/i.test(s.codec)), JSON.stringify(sub.streams));

      const MIN_FRAMES = 10;
      const first = await Promise.race([
        waitFor(
          async () => {
            const s = await page.evaluate(() => window.interop.subscriberStats());
            return s.framesDecoded >= MIN_FRAMES && s;
          },
          { timeout: 20_000, what: `janus.js decoding ${MIN_FRAMES} frames` },
        ),
        ended,
      ]);
      console.log(`  janus.js decoded ${first.framesDecoded} frames (${first.codec} ${first.width}x${first.height})`);
      assert.match(first.codec, /VP8/i);
      assert.deepEqual([first.width, first.height], [320, 240], "the test pattern's size");

      // The video keeps flowing: another second's worth at the minimum rate.
      const more = await Promise.race([
        waitFor(
          async () => {
            const s = await page.evaluate(() => window.interop.subscriberStats());
            return s.framesDecoded >= first.framesDecoded + MIN_FPS && s;
          },
          { timeout: 10_000, what: "more frames decoded" },
        ),
        ended,
      ]);
      console.log(`  ... and then ${more.framesDecoded}`);
      const playing = await page.evaluate(() => window.interop.playing());
      assert.deepEqual([playing.w, playing.h], [320, 240], `the page's <video>: ${JSON.stringify(playing)}`);
      await screenshot(page, "janusjs-subscriber");

      // Stopping the command makes it unpublish and leave.
      pub.child.kill("SIGINT");
      const res = await pub.wait(10_000);
      assert.ok(res.code === 0 || res.signal === "SIGINT" || res.code === 130, `gojanus publish: ${res.code ?? res.signal}: ${res.stderr}`);
      await waitFor(
        async () => {
          const ps = await page.evaluate((room) => window.interop.participants(room), VIEW_ROOM);
          return !ps.some((x) => x.display === display);
        },
        { what: "the gojanus publisher gone from the room" },
      );
    } finally {
      pub.kill();
    }
  });
});
