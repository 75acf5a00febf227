// Headless Chromium tests of the web demo (web/index.html, web/echotest.html)
// against a real Janus, inside the network namespace the Go test
// internal/browsertest makes: WebRTC flows between Chromium and Janus over
// the veth interface, with Chromium's fake camera and microphone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { env, launchChromium, openPage, waitFor, candidateAddresses, startCLI, decodedFrames, screenshot } from "./lib.mjs";

let browser;
const cleanups = [];

before(async () => {
  browser = await launchChromium();
  console.log(`  chromium ${browser.version()}`);
});

after(async () => {
  for (const fn of cleanups.reverse()) {
    await Promise.resolve()
      .then(fn)
      .catch(() => {});
  }
  await browser?.close();
});

/** Joins a VideoRoom page, failing with the page's error. */
async function join(page, room, display) {
  await page.evaluate((o) => window.demo.join(o), { room, display });
  const st = await page.evaluate(() => window.demo.state());
  assert.equal(st.state, "joined", JSON.stringify(st));
  return st;
}

// How many frames a page must decode from a remote video: more than one
// keyframe, so that the video really flows.
const MIN_FRAMES = 10;

/** Waits until a VideoRoom page decodes video from the remote with display name. */
async function waitDecoded(page, display, what) {
  return waitFor(
    async () => {
      const stats = await page.evaluate(() => window.demo.stats());
      return stats.find((s) => s.display === display && s.framesDecoded >= MIN_FRAMES);
    },
    { timeout: 20_000, what, page },
  );
}

/** Checks that the page gathered host candidates on the veth address only. */
async function checkCandidates(page, label) {
  const addrs = await candidateAddresses(page);
  assert.ok(addrs.includes(env.iceAddr), `${label}: no candidate on ${env.iceAddr}: ${addrs.join(", ")}`);
  assert.ok(!addrs.some((a) => a.endsWith(".local")), `${label}: mDNS candidates: ${addrs.join(", ")}`);
  return [...new Set(addrs)];
}

test("two VideoRoom pages see each other's video, and one leaving is seen", { timeout: 45_000 }, async () => {
  const room = 1234; // the configured demo room
  const [alice, bob] = await Promise.all([openPage(browser, "index.html", "alice"), openPage(browser, "index.html", "bob")]);
  cleanups.push(() => alice.context().close(), () => bob.context().close());
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  await join(alice, room, "alice");
  await join(bob, room, "bob");
  console.log(`  both joined and publishing after ${since()}`);

  const [atAlice, atBob] = await Promise.all([
    waitDecoded(alice, "bob", "alice decoding bob's video"),
    waitDecoded(bob, "alice", "bob decoding alice's video"),
  ]);
  console.log(`  both decode ${MIN_FRAMES}+ frames after ${since()}`);
  console.log(`  alice decoded ${atAlice.framesDecoded} frames of bob (${atAlice.codec} ${atAlice.width}x${atAlice.height})`);
  console.log(`  bob decoded ${atBob.framesDecoded} frames of alice (${atBob.codec} ${atBob.width}x${atBob.height})`);
  assert.equal(await alice.evaluate(() => window.demo.remoteCount()), 1);
  assert.equal(await bob.evaluate(() => window.demo.remoteCount()), 1);
  console.log(`  alice's candidates: ${(await checkCandidates(alice, "alice")).join(" ")}`);
  await checkCandidates(bob, "bob");

  // The video really shows on the page too.
  const playing = await alice.evaluate(() => {
    const v = document.querySelector("#remotes video");
    return v ? { w: v.videoWidth, h: v.videoHeight, t: v.currentTime } : null;
  });
  assert.ok(playing && playing.w > 0, `alice's remote <video>: ${JSON.stringify(playing)}`);
  await screenshot(alice, "videoroom");

  const [finalAlice] = await alice.evaluate(() => window.demo.stats());
  const [finalBob] = await bob.evaluate(() => window.demo.stats());
  console.log(`  before leaving: alice decoded ${finalAlice.framesDecoded} frames of bob, bob ${finalBob.framesDecoded} of alice`);

  await bob.evaluate(() => window.demo.leave());
  assert.equal((await bob.evaluate(() => window.demo.state())).state, "idle");
  await waitFor(async () => (await alice.evaluate(() => window.demo.remoteCount())) === 0, {
    what: "bob's video gone at alice",
    page: alice,
  });
  console.log(`  bob left; gone at alice after ${since()}`);
  assert.equal(await alice.locator("#remotes video").count(), 0);
  await alice.evaluate(() => window.demo.leave());
  for (const [label, page] of [["alice", alice], ["bob", bob]]) {
    await waitFor(async () => (await page.evaluate(() => [window.gojanus.liveObjects(), window.GojanusDemo.peerCount()])).join() === "0,0", {
      what: `${label}: no live gojanus objects and PeerConnections after leaving`,
      page,
    });
  }
});

test("a failed join shows the error's name, code and reason; leaving while joining", { timeout: 25_000 }, async () => {
  const page = await openPage(browser, "index.html", "bad");
  cleanups.push(() => page.context().close());
  // This Janus uses numeric room ids: a string id is a plugin error.
  const err = await page.evaluate(() => window.demo.join({ room: "no-such-room" }).then(() => null, (e) => ({ name: e.name, code: e.code, reason: e.reason })));
  assert.ok(err, "the join succeeded");
  const st = await page.evaluate(() => window.demo.state());
  const shown = await page.locator("#error").textContent();
  console.log(`  rejected with ${JSON.stringify(err)}; the page shows "${shown}"`);
  assert.equal(st.state, "error");
  assert.equal(st.error.name, err.name);
  assert.equal(err.name, "PluginError");
  assert.equal(typeof err.code, "number");
  assert.ok(shown.includes(`PluginError ${err.code}`) && shown.includes(err.reason), shown);
  assert.equal(await page.locator("#join").isEnabled(), true, "Join is enabled again");

  // Leaving while joining stops the join; joining again then works.
  const aborted = await page.evaluate(async () => {
    // Leave once the join is under way (connected, a session, joining the
    // room): the status line says so, and the observer runs before the
    // join's next step can.
    const status = document.getElementById("status");
    const inRoomStep = new Promise((resolve) => {
      const seen = new MutationObserver(() => {
        if (status.textContent.startsWith("Joining room")) {
          seen.disconnect();
          resolve();
        }
      });
      seen.observe(status, { childList: true, characterData: true, subtree: true });
    });
    const joining = window.demo.join({ room: 5003, display: "quick" }).then(
      () => "joined",
      (e) => e.name,
    );
    await inRoomStep;
    await window.demo.leave();
    return joining;
  });
  assert.equal(aborted, "AbortError");
  assert.equal((await page.evaluate(() => window.demo.state())).state, "idle");
  await join(page, 5003, "again");
  assert.equal(await page.locator("#error").isVisible(), false, "the old error is cleared");
  await page.evaluate(() => window.demo.leave());
  assert.equal((await page.evaluate(() => window.demo.state())).state, "idle");
  // Leaving released every gojanus object.
  await waitFor(async () => (await page.evaluate(() => window.gojanus.liveObjects())) === 0, {
    what: "no live gojanus objects after leaving",
    page,
  });
});

test("the EchoTest page shows the echoed video", { timeout: 30_000 }, async () => {
  const page = await openPage(browser, "echotest.html", "echo");
  cleanups.push(() => page.context().close());
  await page.evaluate(() => window.demo.start());
  const stats = await waitFor(
    async () => {
      const s = await page.evaluate(() => window.demo.stats());
      return s.framesDecoded >= MIN_FRAMES && s;
    },
    { what: "echoed frames decoded", page },
  );
  console.log(`  echo: ${stats.framesDecoded} frames decoded (${stats.codec} ${stats.width}x${stats.height})`);
  // The same PeerConnection's statistics through the gojanus API.
  const own = await page.evaluate(() => window.demo.handleStats());
  const inbound = own.find((s) => s.type === "inbound-rtp" && s.kind === "video");
  assert.ok(inbound, `handle.getStats() has no inbound video: ${own.map((s) => s.type).join(", ")}`);
  assert.ok(inbound.framesDecoded >= MIN_FRAMES, `handle.getStats() framesDecoded ${inbound.framesDecoded}`);
  assert.ok(own.some((s) => s.type === "outbound-rtp" && s.kind === "video" && s.packetsSent > 0), "handle.getStats() shows video sent");
  // The suite's Janus trickles its candidates (full_trickle): its answer
  // has none, so a host candidate of Janus came through the bridge's
  // handling of trickle events (before the answer, kept until it came).
  const remote = own.filter((s) => s.type === "remote-candidate").map((s) => `${s.candidateType} ${s.address ?? s.ip}`);
  assert.ok(remote.includes(`host ${env.iceAddr}`), `no host candidate of Janus among the remote candidates: ${remote.join(", ")}`);
  console.log(`  Janus's candidates at the page: ${[...new Set(remote)].join(", ")}`);
  await checkCandidates(page, "echo");
  await screenshot(page, "echotest");
  await page.evaluate(() => window.demo.stop());
  assert.equal((await page.evaluate(() => window.demo.state())).state, "idle");
  await waitFor(async () => (await page.evaluate(() => [window.gojanus.liveObjects(), window.GojanusDemo.peerCount()])).join() === "0,0", {
    what: "no live gojanus objects and PeerConnections after stopping",
    page,
  });
});

test("a browser receives the native gojanus command's publisher", { timeout: 40_000 }, async () => {
  const room = 5001;
  const page = await openPage(browser, "index.html", "viewer");
  cleanups.push(() => page.context().close());
  await join(page, room, "viewer"); // creates the room

  const files = [path.join(env.media, "vp8-320x240-30fps-3s.ivf"), path.join(env.media, "opus-440hz-3s.ogg")].join(",");
  const pub = startCLI(
    ["publish", "--server", env.janusWS, "--room", String(room), "--display", "native", "--source", files,
      "--duration", "10s", "--ice-interface", env.iceInterface, "--json"],
    "publish",
  );
  cleanups.push(() => pub.kill());
  const got = await Promise.race([
    waitDecoded(page, "native", "the native publisher's video decoded"),
    pub.done.then((r) => {
      throw new Error(`gojanus publish ended early (${r.code ?? r.signal}): ${r.stderr}${r.stdout}`);
    }),
  ]);
  console.log(`  viewer decoded ${got.framesDecoded} frames of the native publisher (${got.codec} ${got.width}x${got.height})`);
  assert.match(got.codec, /VP8/i);

  // Stopping the command makes it unpublish and leave: its video goes.
  pub.child.kill("SIGINT");
  const res = await pub.wait(10_000);
  assert.ok(res.code === 0 || res.signal === "SIGINT" || res.code === 130, `gojanus publish: ${res.code ?? res.signal}: ${res.stderr}`);
  await waitFor(async () => (await page.evaluate(() => window.demo.remoteCount())) === 0, {
    what: "the native publisher's video gone",
    page,
  });
  await page.evaluate(() => window.demo.leave());
});

test("the native gojanus command records a browser's publisher", { timeout: 40_000 }, async () => {
  const room = 5002;
  const page = await openPage(browser, "index.html", "camera");
  cleanups.push(() => page.context().close());
  await join(page, room, "camera"); // creates the room with videocodec vp8

  const dir = await fs.mkdtemp(path.join(env.tmp, "record-"));
  const sub = startCLI(
    ["subscribe", "--server", env.janusWS, "--room", String(room), "--record", dir, "--duration", "4s",
      "--ice-interface", env.iceInterface, "--json"],
    "subscribe",
  );
  cleanups.push(() => sub.kill());
  const res = await sub.wait(25_000);
  assert.equal(res.code, 0, `gojanus subscribe: ${res.code ?? res.signal}\n${res.stderr}\n${res.stdout}`);
  const sum = JSON.parse(res.stdout);
  // The subscriber waited for the page's publisher (it may join a moment
  // later) and names it.
  assert.equal(sum.publishers.length, 1, res.stdout);
  const tracks = sum.tracks;
  const video = tracks.find((t) => t.kind === "video");
  const audio = tracks.find((t) => t.kind === "audio");
  assert.ok(video && video.file, `no video track recorded: ${res.stdout}`);
  assert.match(video.codec, /VP8/i);
  const v = await decodedFrames(video.file, "v:0");
  console.log(`  recorded ${video.packets} video packets; ffprobe decodes ${v.frames} ${v.codec} frames of ${path.basename(video.file)}`);
  assert.ok(v.frames > 0, `no frame decodes in ${video.file}`);
  if (audio && audio.file) {
    const a = await decodedFrames(audio.file, "a:0");
    console.log(`  recorded ${audio.packets} audio packets; ffprobe decodes ${a.frames} ${a.codec} frames`);
  }
  await page.evaluate(() => window.demo.leave());
  await fs.rm(dir, { recursive: true, force: true });
});
