// WHIP and WHEP in headless Chromium with plain pages (web/test/browser/whip:
// fetch and RTCPeerConnection, nothing of gojanus or janus.js) against the
// whip.Handler of TestBrowserWHIP (internal/browsertest) in front of a real
// Janus, inside its network namespace. The handler listens on another port
// than the pages: every request is cross-origin (CORS). TestBrowserWHIP
// checks afterwards that the room is empty and no resource is left.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, launchChromium, openURL, waitFor, screenshot } from "./lib.mjs";

// Frames a page must encode or decode: the fake camera sends 30 fps, a
// loaded 2-core machine drops some, a broken path gives none.
const MIN_FRAMES = 60;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The URL of a page of web/test/browser/whip with endpoint and token in its query. */
function pageURL(file, endpoint, token) {
  const u = new URL(`whip/${file}`, env.pageURL);
  u.searchParams.set("endpoint", endpoint);
  u.searchParams.set("token", token);
  return u.href;
}

/** Waits for a page's state to be connected (fails at once on failed). */
async function connected(page, label) {
  return waitFor(
    async () => {
      const s = await page.evaluate(() => window.page.state());
      if (s.state === "failed") {
        throw new Error(`${label} failed: ${s.error}`);
      }
      return s.state === "connected" && s;
    },
    { timeout: 30_000, what: `${label} connected` },
  ).catch(async (err) => {
    const s = await page.evaluate(() => window.page.state()).catch(() => ({}));
    if (s.state === "failed") {
      err.message = `${label} failed: ${s.error}`;
    }
    throw err;
  });
}

test("a WHIP page publishes the camera and a WHEP page plays it, cross-origin", { timeout: 120_000 }, async () => {
  const display = "browser-cam";
  const whip = new URL(`whip/room?display=${display}`, env.whipURL).href;
  const whep = new URL(`whep/room?display=${display}`, env.whipURL).href;
  assert.notEqual(new URL(whip).origin, new URL(env.pageURL).origin, "the handler is on another origin than the pages");

  const pubPage = await openURL(browser, pageURL("whip.html", whip, env.whipToken), "whip");
  try {
    // CORS on failures too: the page reads a refused POST's status and reason.
    const refused = await pubPage.evaluate(
      (url) => whipClient.request("POST", url, { type: "application/sdp", body: "v=0\r\n" }),
      whip,
    );
    assert.equal(refused.status, 401, JSON.stringify(refused));
    const wrong = await pubPage.evaluate(
      (url) => whipClient.request("POST", url, { token: "wrong", type: "application/sdp", body: "v=0\r\n" }),
      whip,
    );
    // RFC 9725 / RFC 6750: a wrong token is 401 too (invalid_token), not 403.
    assert.equal(wrong.status, 401, JSON.stringify(wrong));

    const pubState = await connected(pubPage, "WHIP publisher");
    assert.ok(pubState.resource.startsWith(new URL("whip/room/", env.whipURL).href), pubState.resource);
    const sent = await waitFor(
      async () => {
        const s = await pubPage.evaluate(() => window.page.stats());
        return s.framesEncoded >= MIN_FRAMES && s;
      },
      { timeout: 30_000, what: `the WHIP page encoding ${MIN_FRAMES} frames` },
    );
    console.log(`  WHIP publisher at ${pubState.resource}: ${sent.codec} ${sent.width}x${sent.height}, ${sent.framesEncoded} frames encoded`);

    const playPage = await openURL(browser, pageURL("whep.html", whep, env.whipToken), "whep");
    try {
      const playState = await connected(playPage, "WHEP player");
      const got = await waitFor(
        async () => {
          const s = await playPage.evaluate(() => window.page.stats());
          return s.framesDecoded >= MIN_FRAMES && s.firstFrame && s;
        },
        { timeout: 30_000, what: `the WHEP page decoding ${MIN_FRAMES} frames` },
      );
      await screenshot(playPage, "whep");
      console.log(
        `  WHEP player at ${playState.resource}: ${got.codec} ${got.width}x${got.height} (<video> ${got.videoWidth}x${got.videoHeight}, first frame ${got.firstFrame.width}x${got.firstFrame.height}), ${got.framesDecoded} frames decoded`,
      );
      assert.match(got.codec, /VP8/i, "the room takes VP8 only");
      assert.ok(got.width > 0 && got.height > 0, "decoded frames have a size");
      assert.ok(got.videoWidth > 0 && got.videoHeight > 0, "the <video> plays");
      // The fake camera is 4:3; the encoder may scale it down, never distort it.
      assert.equal(got.width * 3, got.height * 4, `${got.width}x${got.height} is 4:3`);
      const more = await waitFor(
        async () => {
          const s = await playPage.evaluate(() => window.page.stats());
          return s.framesDecoded >= got.framesDecoded + 30 && s;
        },
        { timeout: 30_000, what: "the video going on" },
      );
      assert.ok(more.framesDecoded > got.framesDecoded);

      // Candidates went by PATCH, and every PATCH was taken.
      for (const [label, page] of [["publisher", pubPage], ["player", playPage]]) {
        const s = await page.evaluate(() => window.page.state());
        assert.ok(s.patches["204"] > 0, `${label}'s trickle PATCHes: ${JSON.stringify(s.patches)}`);
        assert.deepEqual(Object.keys(s.patches), ["204"], `${label}'s trickle PATCHes: ${JSON.stringify(s.patches)}`);
      }

      // Leaving: DELETE, then the resource is gone.
      assert.equal(await playPage.evaluate(() => window.page.leave()), 200, "DELETE the player");
      const again = await playPage.evaluate(
        ([url, token]) => whipClient.request("DELETE", url, { token }),
        [playState.resource, env.whipToken],
      );
      assert.equal(again.status, 404, "the player's resource is gone");
    } finally {
      await playPage.context().close();
    }

    assert.equal(await pubPage.evaluate(() => window.page.leave()), 200, "DELETE the publisher");
    const gone = await pubPage.evaluate(
      ([url, token]) => whipClient.request("PATCH", url, { token, type: "application/trickle-ice-sdpfrag", body: "a=end-of-candidates\r\n", etag: "*" }),
      [pubState.resource, env.whipToken],
    );
    assert.equal(gone.status, 404, "the publisher's resource is gone");
  } finally {
    await pubPage.context().close();
  }
});
