// Helpers of the browser tests: the environment the Go test gives, Chromium,
// pages of the demo, polling, and the native gojanus command.

import { spawn, execFile } from "node:child_process";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

/** Reads a required environment variable. */
function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run these tests through go test ./internal/browsertest`);
  }
  return v;
}

/**
 * What the Go test (internal/browsertest) passes, read when used: a script
 * that needs only some (join.mjs) runs without the others.
 */
export const env = {
  get pageURL() { return need("GOJANUS_PAGE_URL"); }, // http://127.0.0.1:PORT/ serving web/
  get janusWS() { return need("GOJANUS_JANUS_WS"); }, // ws://127.0.0.1:PORT
  get chromium() { return need("GOJANUS_CHROMIUM"); },
  get cli() { return need("GOJANUS_CLI"); }, // the native gojanus command
  get media() { return need("GOJANUS_MEDIA"); }, // testdata/media
  get iceInterface() { return need("GOJANUS_ICE_INTERFACE"); }, // jv0
  get iceAddr() { return need("GOJANUS_ICE_ADDR"); }, // 10.99.0.1
  get tmp() { return need("GOJANUS_TEST_TMP"); },
  get whipURL() { return need("GOJANUS_WHIP_URL"); }, // http://127.0.0.1:PORT/ serving the whip.Handler
  get whipToken() { return need("GOJANUS_WHIP_TOKEN"); }, // its bearer token
};

/**
 * Chromium's flags: headless without sandbox, GPU or background traffic,
 * a fake camera and microphone that need no permission prompt, and host
 * candidates with their real addresses (no mDNS names, which Janus is told
 * to ignore). GOJANUS_CHROMIUM_FLAGS adds more (space separated).
 */
export const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
  ...(process.env.GOJANUS_CHROMIUM_FLAGS || "").split(" ").filter(Boolean),
];

/** Starts headless Chromium (the binary the Go test found; never a download). */
export async function launchChromium() {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: chromiumFlags,
    timeout: 30_000,
    // Closing the browser is the tests' job; a signal to node ends it too.
    handleSIGINT: true,
    handleSIGTERM: true,
  });
}

/**
 * Opens a demo page (index.html, echotest.html) in a new browser context,
 * with the Janus URL as ?server=, and forwards its console to the test
 * output with a label.
 */
export async function openPage(browser, file, label) {
  const url = new URL(file, env.pageURL);
  url.searchParams.set("server", env.janusWS);
  const page = await openURL(browser, url.href, label);
  // The page loads gojanus.wasm on its own; wait for it.
  await waitFor(async () => (await page.evaluate(() => window.demo && window.demo.state().state)) === "idle", {
    timeout: 20_000,
    what: `${label}: gojanus.wasm started`,
    page,
  });
  return page;
}

/**
 * Polls fn until it returns a truthy value, which it returns. On timeout it
 * throws, with the last value (and the page's state when page is given).
 */
export async function waitFor(fn, { timeout = 15_000, interval = 200, what = "condition", page } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      let state = "";
      if (page) {
        state = await page
          .evaluate(() => JSON.stringify(window.demo.state()))
          .catch((err) => `(state unavailable: ${err.message})`);
      }
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${fmt(last)}${state ? `; page state: ${state}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

function fmt(v) {
  if (v instanceof Error) {
    return v.message;
  }
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** The local candidates a page gathered, split into addresses. */
export async function candidateAddresses(page) {
  const cands = await page.evaluate(() => window.demo.localCandidates());
  // "candidate:F C udp PRIO ADDRESS PORT typ host ..."
  return cands.map((c) => c.replace(/^candidate:/, "").split(" ")[4]);
}

// The commands running, killed when node exits (also on SIGTERM: playwright
// then closes Chromium and exits).
const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    child.kill("SIGKILL");
  }
});

/** Runs the native gojanus command in the background. */
export function startCLI(args, label) {
  const child = spawn(env.cli, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b) => (stdout += b));
  child.stderr.on("data", (b) => (stderr += b));
  const done = new Promise((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.on("error", (err) => resolve({ code: -1, signal: null, stdout, stderr: stderr + String(err) }));
  });
  return {
    child,
    done,
    /** Waits for the end, killing it after ms. */
    async wait(ms) {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
      }
    },
    label,
  };
}

const execFileP = promisify(execFile);

/** Saves a screenshot of the page as NAME.png in $GOJANUS_SCREENSHOTS, when set. */
export async function screenshot(page, name) {
  const dir = process.env.GOJANUS_SCREENSHOTS;
  if (dir) {
    await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
  }
}

/** Counts the frames ffprobe decodes from one stream ("v:0") of a file. */
export async function decodedFrames(file, stream = "v:0") {
  const { stdout } = await execFileP(
    "ffprobe",
    ["-v", "error", "-count_frames", "-select_streams", stream, "-show_entries", "stream=nb_read_frames,codec_name", "-of", "json", file],
    { timeout: 20_000 },
  );
  const info = JSON.parse(stdout).streams?.[0] ?? {};
  return { frames: Number(info.nb_read_frames || 0), codec: info.codec_name || "" };
}

/**
 * Opens the janus.js interop page (web/test/browser/janusjs/, served under
 * /interop/ with janus.js and webrtc-adapter from node_modules) in a new
 * browser context, forwarding its console like openPage, and waits for its
 * window.interop.
 */
export async function openInteropPage(browser, label) {
  const page = await openURL(browser, new URL("interop/index.html", env.pageURL).href, label);
  try {
    await page.waitForFunction(() => typeof window.Janus === "function" && !!window.interop, null, { timeout: 10_000 });
    return page;
  } catch (err) {
    await page.context().close().catch(() => {});
    throw err;
  }
}

/**
 * Opens url in a new browser context and forwards the page's console
 * (errors and warnings, everything with GOJANUS_BROWSER_CONSOLE set) to the
 * test output with a label. The caller closes the context.
 */
export async function openURL(browser, url, label) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on("console", (msg) => {
      const type = msg.type();
      if (type === "error" || type === "warning" || process.env.GOJANUS_BROWSER_CONSOLE) {
        // The first line: errors logged with their object carry a wasm stack.
        console.log(`  [${label} ${type}] ${msg.text().split("\n")[0]}`);
      }
    });
    page.on("pageerror", (err) => console.log(`  [${label} pageerror] ${err.message}`));
    await page.goto(url);
    return page;
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}
