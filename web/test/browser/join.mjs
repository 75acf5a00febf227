// The janus.js side of BenchmarkJoin (internal/browsertest): how long a
// janus.js subscriber in headless Chromium waits, from its join request,
// for the first video frame its <video> presents, and a janus.js publisher
// of Chromium's fake camera for subscribers to join. The Go benchmark
// drives it: one JSON command per line on stdin, one JSON answer per line
// on stdout ({"id": N, "result": ...} or {"id": N, "error": "..."});
// everything else goes to stderr. Commands:
//
//   {"id": N, "op": "ready"}
//       answers true once Chromium runs
//   {"id": N, "op": "publish", "room": R, "display": D}
//       publishes the fake camera and microphone from a page of its own
//       (janusjs/interop.js); answers {"id": FEED}
//   {"id": N, "op": "subscribe", "room": R, "feed": F, "delayMs": MS}
//       opens a fresh page with a janus.js session, waits MS (the join's
//       random offset), joins as a subscriber to F and answers once its
//       <video> presented a frame (requestVideoFrameCallback):
//       {"presentedMs", "receivedMs", "upMs", "width", "height"}, in ms
//       since the join request was sent; then closes the page
//   {"id": N, "op": "unpublish"}
//       answers the publisher's outbound video statistics and closes its
//       page
//   {"id": N, "op": "publishToFirstFrame", "room": R, "display": D}
//       BenchmarkWHIP's janus.js path: in a fresh page with a janus.js
//       session, publishes the fake camera and subscribes to it once it is
//       up; answers {"presentedMs", "upMs", "width", "height"}, in ms since
//       publishing started (janusjs/interop.js); then closes the page
//   {"id": N, "op": "whip", "whip": URL, "whep": URL, "token": T}
//       BenchmarkWHIP's WHIP path: the same from a fresh plain page
//       (whip/whip.js) through a WHIP and a WHEP endpoint; answers
//       {"presentedMs", "postMs", "upMs", "width", "height"}
//
// It closes Chromium and ends when stdin ends. Environment: that of
// lib.mjs's launchChromium and openInteropPage (GOJANUS_PAGE_URL,
// GOJANUS_JANUS_WS, GOJANUS_CHROMIUM).

import readline from "node:readline";
import { env, launchChromium, openInteropPage, openURL } from "./lib.mjs";

// stdout carries the answers only: lib.mjs's page messages go to stderr.
console.log = console.error;

/** Opens a janus.js page with a session on the Janus. */
async function openSession(label) {
  const page = await openInteropPage(browser, label);
  try {
    await page.evaluate((server) => window.interop.connect(server), env.janusWS);
    return page;
  } catch (err) {
    await closeSession(page);
    throw err;
  }
}

/** Ends a page's janus.js session and closes the page. */
async function closeSession(page) {
  await page.evaluate(() => window.interop.close()).catch(() => {});
  await page.context().close();
}

/** Adds the page's last janus.js messages to err. */
async function withLog(page, label, err) {
  const log = await page.evaluate(() => window.interop.log()).catch((e) => e.message);
  err.message += `\n  ${label}'s last janus.js messages: ${JSON.stringify(log)}`;
  return err;
}

const browser = await launchChromium();
// The publisher's page, open from publish to unpublish.
let publisher = null;

const ops = {
  // Answered once Chromium runs: commands are read only after its launch.
  async ready() {
    return true;
  },

  async publish({ room, display }) {
    if (publisher) {
      throw new Error("already publishing");
    }
    const page = await openSession("janusjs-pub");
    try {
      const pub = await page.evaluate((o) => window.interop.publish(o), { room, display });
      publisher = page;
      return { id: pub.id };
    } catch (err) {
      throw await withLog(page, "janusjs-pub", err);
    } finally {
      if (publisher !== page) {
        await closeSession(page);
      }
    }
  },

  async unpublish() {
    if (!publisher) {
      throw new Error("not publishing");
    }
    const page = publisher;
    publisher = null;
    try {
      return await page.evaluate(() => window.interop.publisherStats());
    } finally {
      await closeSession(page);
    }
  },

  async subscribe({ room, feed, delayMs }) {
    const page = await openSession("janusjs-sub");
    try {
      await new Promise((r) => setTimeout(r, delayMs));
      await page.evaluate((o) => window.interop.subscribe(o), { room, feed });
      return await page.evaluate(() => window.interop.firstFrame());
    } catch (err) {
      throw await withLog(page, "janusjs-sub", err);
    } finally {
      await closeSession(page);
    }
  },

  async publishToFirstFrame({ room, display }) {
    const page = await openSession("janusjs-pub-sub");
    try {
      return await page.evaluate((o) => window.interop.publishToFirstFrame(o), { room, display });
    } catch (err) {
      throw await withLog(page, "janusjs-pub-sub", err);
    } finally {
      await closeSession(page);
    }
  },

  async whip({ whip, whep, token }) {
    const page = await openURL(browser, new URL("whip/whip.html", env.pageURL).href, "whip-whep");
    try {
      await page.waitForFunction(() => !!window.whipClient, null, { timeout: 10_000 });
      return await page.evaluate((o) => window.whipClient.publishToFirstFrame(o), { whip, whep, token });
    } finally {
      await page.context().close();
    }
  },
};

try {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) {
      continue;
    }
    let cmd = {};
    let answer;
    try {
      cmd = JSON.parse(line);
      const op = ops[cmd.op];
      if (!op) {
        throw new Error(`unknown op ${JSON.stringify(cmd.op)}`);
      }
      answer = { id: cmd.id, result: await op(cmd) };
    } catch (err) {
      answer = { id: cmd.id, error: err.message };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
} finally {
  if (publisher) {
    await closeSession(publisher).catch(() => {});
  }
  await browser.close();
}
