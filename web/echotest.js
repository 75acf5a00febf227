// The EchoTest demo: sends the camera and microphone to the Janus EchoTest
// plugin through gojanus.wasm and shows what comes back.
//
// window.demo is a small hook for tests and the console:
//   demo.start({server})   starts the echo (server defaults to the form)
//   demo.stop()            stops it
//   demo.state()           {state, server, error}
//   demo.stats()           {framesDecoded, ...} of the echoed video
//   demo.handleStats()     the EchoTest handle's getStats() (RTCStats objects)
//   demo.localCandidates() the ICE candidates this page gathered
"use strict";

(function () {
  const D = window.GojanusDemo;
  const $ = (id) => document.getElementById(id);
  const form = $("echo-form");
  const serverInput = $("server");
  const startButton = $("start");
  const stopButton = $("stop");
  const statusLine = $("status");
  const errorLine = $("error");
  const localTile = $("local-tile");
  const localVideo = $("local-video");
  const echoTile = $("echo-tile");
  const echoVideo = $("echo-video");

  serverInput.value = D.defaultServer();

  let state = "loading";
  let lastError = null;
  // The current echo (null when idle): {client, session, echo, remote, closed}.
  let run = null;

  function setState(s, text) {
    state = s;
    statusLine.textContent = text;
    statusLine.dataset.state = s;
    const busy = s === "starting" || s === "running" || s === "stopping";
    startButton.disabled = busy || s === "loading";
    stopButton.disabled = !(s === "starting" || s === "running");
    serverInput.disabled = busy;
  }

  function showError(context, err) {
    lastError = Object.assign({ context }, D.errorInfo(err));
    errorLine.textContent = `${context}: ${D.describeError(err)}`;
    errorLine.hidden = false;
    console.error(context, err);
  }

  function check(r) {
    if (r.closed) {
      throw Object.assign(new Error("stopped while starting"), { name: "AbortError" });
    }
  }

  async function start(options = {}) {
    if (state === "starting" || state === "running" || state === "stopping") {
      throw new Error(`cannot start while ${state}`);
    }
    if (options.server !== undefined) serverInput.value = options.server;
    lastError = null;
    errorLine.hidden = true;
    const r = { client: null, session: null, echo: null, remote: null, closed: false };
    run = r;
    const server = serverInput.value.trim();
    setState("starting", `Connecting to ${server}…`);
    try {
      const gojanus = await D.loadGojanus();
      r.client = await gojanus.connect(server);
      check(r);
      r.session = await r.client.createSession();
      check(r);
      r.echo = await r.session.attachEchoTest();
      check(r);
      r.echo.onhangup = (ev) => {
        if (run === r && !r.closed) {
          showError("echo", new Error(`Janus hung up: ${ev.reason}`));
          teardown(r, "error", "The echo stopped.");
        }
      };
      r.echo.addEventListener("connectionstate", (ev) => {
        echoTile.dataset.connection = ev.state;
      });
      setState("starting", "Starting camera and microphone…");
      const res = await r.echo.start({ audio: true, video: true, rtcConfig: D.rtcConfig }, { audio: true, video: true });
      check(r);
      r.remote = res.remoteStream;
      localVideo.srcObject = res.stream;
      echoVideo.srcObject = res.remoteStream;
      r.echo.ontrack = () => {
        echoVideo.srcObject = res.remoteStream;
        echoVideo.play().catch(() => {});
      };
      localTile.hidden = false;
      echoTile.hidden = false;
      localVideo.play().catch(() => {});
      echoVideo.play().catch(() => {});
      setState("running", "Echoing: what you see on the right went to Janus and back.");
    } catch (err) {
      if (r.closed) {
        // Stopped meanwhile: teardown ran before the connection was known.
        r.client?.close().catch(() => {});
        throw Object.assign(new Error("stopped while starting"), { name: "AbortError" });
      }
      showError("starting the echo", err);
      await teardown(r, "error", "Could not start the echo.");
      throw err;
    }
  }

  async function teardown(r, nextState, text) {
    if (r.closed) {
      return;
    }
    r.closed = true;
    if (run === r) {
      setState("stopping", "Stopping…");
    }
    localVideo.srcObject = null;
    echoVideo.srcObject = null;
    localTile.hidden = true;
    echoTile.hidden = true;
    const quietly = (p) => (p ? p.catch(() => {}) : Promise.resolve());
    if (r.echo) {
      await quietly(r.echo.hangup());
      await quietly(r.echo.detach());
    }
    if (r.session) {
      await quietly(r.session.destroy());
    }
    if (r.client) {
      await quietly(r.client.close());
    }
    if (run === r) {
      run = null;
      setState(nextState, text);
    }
  }

  async function stop() {
    if (run) {
      await teardown(run, "idle", "Stopped.");
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    start().catch(() => {}); // shown on the page
  });
  stopButton.addEventListener("click", () => {
    stop();
  });
  window.addEventListener("pagehide", () => {
    if (run) {
      teardown(run, "idle", "Stopped.");
    }
  });

  window.demo = {
    start,
    stop,
    // join and leave, as on the VideoRoom page.
    join: start,
    leave: stop,
    state: () => ({ state, server: serverInput.value, error: lastError }),
    stats: () => D.inboundVideoStats(run && run.remote ? D.videoTrackOf(run.remote) : undefined),
    // The EchoTest handle's own statistics (handle.getStats()), as plain objects.
    handleStats: () => (run && run.echo ? run.echo.getStats() : Promise.resolve([])),
    localCandidates: D.localCandidates,
  };

  setState("loading", "Loading gojanus…");
  D.loadGojanus().then(
    (g) => setState("idle", `gojanus ${g.version} ready.`),
    (err) => {
      showError("loading gojanus.wasm", err);
      setState("error", "gojanus could not start.");
    },
  );
})();
