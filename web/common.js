// Shared by the demo pages (index.html, echotest.html): starts gojanus.wasm,
// formats gojanus errors, and keeps track of the page's RTCPeerConnections
// so that the pages can read getStats of a received track.
//
// A gojanus handle gives its connection's statistics (handle.getStats()), but
// the tests also check the local ICE candidates each connection gathered
// and read the statistics of one received track, so this file installs a
// subclass of RTCPeerConnection before the wasm starts: every connection
// gojanus creates is then known here.
"use strict";

(function () {
  const peers = new Set();
  const localCandidates = [];

  const Base = window.RTCPeerConnection;
  if (typeof Base === "function") {
    class TracedPeerConnection extends Base {
      constructor(...args) {
        super(...args);
        peers.add(this);
        this.addEventListener("icecandidate", (ev) => {
          if (ev.candidate && ev.candidate.candidate) {
            localCandidates.push(ev.candidate.candidate);
          }
        });
      }
    }
    window.RTCPeerConnection = TracedPeerConnection;
  }

  /** The live RTCPeerConnections of the page. */
  function livePeers() {
    for (const pc of peers) {
      if (pc.signalingState === "closed") {
        peers.delete(pc);
      }
    }
    return [...peers];
  }

  /**
   * The RTCRtpReceiver of a remote track, or null.
   * @param {MediaStreamTrack} track
   */
  function receiverOf(track) {
    for (const pc of livePeers()) {
      for (const r of pc.getReceivers()) {
        if (r.track === track) {
          return r;
        }
      }
    }
    return null;
  }

  /**
   * The inbound-rtp statistics of a received video track:
   * {framesDecoded, framesReceived, packetsReceived, bytesReceived, codec,
   * width, height}; zeros when the track or its receiver is gone.
   * @param {MediaStreamTrack | undefined} track
   */
  async function inboundVideoStats(track) {
    const out = { framesDecoded: 0, framesReceived: 0, packetsReceived: 0, bytesReceived: 0, codec: "", width: 0, height: 0 };
    const receiver = track ? receiverOf(track) : null;
    if (!receiver) {
      return out;
    }
    let report;
    try {
      report = await receiver.getStats();
    } catch {
      return out;
    }
    const codecs = new Map();
    report.forEach((s) => {
      if (s.type === "codec") {
        codecs.set(s.id, s.mimeType);
      }
    });
    report.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out.framesDecoded = s.framesDecoded || 0;
        out.framesReceived = s.framesReceived || 0;
        out.packetsReceived = s.packetsReceived || 0;
        out.bytesReceived = s.bytesReceived || 0;
        out.width = s.frameWidth || 0;
        out.height = s.frameHeight || 0;
        out.codec = codecs.get(s.codecId) || "";
      }
    });
    return out;
  }

  /** The first video track of a MediaStream, or undefined. */
  function videoTrackOf(stream) {
    return stream ? stream.getVideoTracks()[0] : undefined;
  }

  /**
   * A one-line description of an error, with what gojanus adds to it: the
   * name (JanusError, PluginError, TimeoutError, NotAllowedError, ...), the
   * code and the server's reason.
   */
  function describeError(err) {
    if (!err || typeof err !== "object") {
      return String(err);
    }
    let s = err.name || "Error";
    if (err.code !== undefined && err.code !== null) {
      s += " " + err.code;
    }
    const text = err.reason || err.message || "";
    if (text) {
      s += ": " + text;
    }
    if (err.plugin) {
      s += " (" + err.plugin + ")";
    }
    return s;
  }

  /** The error's fields as a plain object (for the test hooks). */
  function errorInfo(err) {
    if (!err || typeof err !== "object") {
      return { name: "Error", message: String(err) };
    }
    const info = { name: err.name || "Error", message: err.message || "", text: describeError(err) };
    for (const k of ["code", "reason", "plugin", "request"]) {
      if (err[k] !== undefined) {
        info[k] = err[k];
      }
    }
    return info;
  }

  let loading = null;

  /** Starts gojanus.wasm (once) and resolves with globalThis.gojanus. */
  function loadGojanus(url = "gojanus.wasm") {
    if (window.gojanus) {
      return Promise.resolve(window.gojanus);
    }
    if (!loading) {
      loading = (async () => {
        if (typeof window.Go !== "function") {
          throw new Error("wasm_exec.js is not loaded");
        }
        const go = new window.Go();
        let instance;
        try {
          ({ instance } = await WebAssembly.instantiateStreaming(fetch(url), go.importObject));
        } catch (err) {
          // A server that does not send application/wasm: compile from bytes.
          const resp = await fetch(url);
          if (!resp.ok) {
            throw new Error(`loading ${url}: HTTP ${resp.status}`);
          }
          ({ instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject));
        }
        // run() resolves when the Go program exits, which it never does;
        // it sets window.gojanus before returning.
        go.run(instance);
        if (!window.gojanus) {
          throw new Error("gojanus.wasm did not start");
        }
        return window.gojanus;
      })();
      loading.catch(() => {
        loading = null;
      });
    }
    return loading;
  }

  /** The default Janus WebSocket URL: ?server=, else ws://<page host>:8188. */
  function defaultServer() {
    const q = new URLSearchParams(location.search).get("server");
    if (q) {
      return q;
    }
    return `ws://${location.hostname || "127.0.0.1"}:8188`;
  }

  /** The RTCPeerConnection configuration of the demos: host candidates only. */
  const rtcConfig = { iceServers: [] };

  // Links between the demo pages keep the query (?server=...).
  document.addEventListener("DOMContentLoaded", () => {
    for (const a of document.querySelectorAll("a[data-keep-query]")) {
      a.search = location.search;
    }
  });

  window.GojanusDemo = {
    loadGojanus,
    describeError,
    errorInfo,
    inboundVideoStats,
    videoTrackOf,
    defaultServer,
    rtcConfig,
    localCandidates: () => [...localCandidates],
    peerCount: () => livePeers().length,
  };
})();
