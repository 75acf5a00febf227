// The janus.js side of the interop tests (web/test/browser/janusjs.test.mjs):
// a VideoRoom publisher or subscriber made with the official JavaScript
// client, driven through window.interop. Every call returns a Promise that
// settles once Janus has answered, so that the tests need no polling for
// signalling, only for media.
"use strict";

(function () {
  const PLUGIN = "janus.plugin.videoroom";
  // How long one signalling step may take.
  const STEP_MS = 15_000;

  let janus = null;
  const handles = new Set();
  const log = []; // the last plugin messages, for failure reports
  let remoteVideo = null; // the subscriber's video track
  let subscriber = null;
  let publisher = null;
  // The subscriber's timeline, in performance.now() milliseconds: when its
  // join request was sent, when Janus reported its PeerConnection up, and
  // the metadata of the first video frame its <video> presented.
  let timing = null;

  function note(what) {
    log.push(what);
    if (log.length > 40) {
      log.shift();
    }
  }

  /** Rejects after ms unless p settled first. */
  function within(p, ms, what) {
    let timer;
    return Promise.race([
      p,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Turns janus.js's string errors into Errors. */
  function asError(e) {
    return e instanceof Error ? e : new Error(typeof e === "string" ? e : JSON.stringify(e));
  }

  /** Janus.init, then a session on server. */
  function connect(server) {
    return within(
      new Promise((resolve, reject) => {
        Janus.init({
          debug: ["error"],
          callback() {
            janus = new Janus({
              server,
              // Inside the test's network namespace only host candidates
              // exist; no STUN server is asked.
              iceServers: [],
              success: () => resolve(janus.getSessionId()),
              error: (e) => reject(asError(e)),
            });
          },
        });
      }),
      STEP_MS,
      `a janus.js session on ${server}`,
    );
  }

  /**
   * Attaches a VideoRoom handle. Its plugin messages go to the returned
   * object's waiters; webrtcState and remote tracks to the callbacks.
   */
  function attach(label, { onTrack } = {}) {
    const waiters = new Set();
    let up = null;
    const upWaiters = new Set();
    const h = { handle: null, label };
    h.next = (match, what) =>
      within(
        new Promise((resolve, reject) => {
          waiters.add({ match, resolve, reject });
        }),
        STEP_MS,
        `${label}: ${what}`,
      );
    h.webrtcUp = () =>
      within(
        new Promise((resolve, reject) => {
          if (up !== null) {
            return up === true ? resolve() : reject(new Error(`${label}: PeerConnection down: ${up}`));
          }
          upWaiters.add({ resolve, reject });
        }),
        STEP_MS,
        `${label}: webrtcup`,
      );
    return within(
      new Promise((resolve, reject) => {
        janus.attach({
          plugin: PLUGIN,
          opaqueId: `janusjs-interop-${label}`,
          success(handle) {
            h.handle = handle;
            handles.add(handle);
            resolve(h);
          },
          error: (e) => reject(asError(e)),
          onmessage(msg, jsep) {
            note({ label, msg, jsep: jsep ? jsep.type : undefined });
            for (const w of waiters) {
              if (msg.error_code) {
                waiters.delete(w);
                w.reject(new Error(`${label}: VideoRoom error ${msg.error_code}: ${msg.error}`));
              } else if (w.match(msg, jsep)) {
                waiters.delete(w);
                w.resolve({ msg, jsep });
              }
            }
          },
          webrtcState(on, reason) {
            note({ label, webrtc: on, reason });
            up = on ? true : reason || "hangup";
            for (const w of upWaiters) {
              upWaiters.delete(w);
              on ? w.resolve() : w.reject(new Error(`${label}: PeerConnection down: ${up}`));
            }
          },
          onremotetrack(track, mid, on) {
            note({ label, remotetrack: track.kind, mid, on });
            if (onTrack) {
              onTrack(track, mid, on);
            }
          },
        });
      }),
      STEP_MS,
      `${label}: attach ${PLUGIN}`,
    );
  }

  /** Sends a plugin message; resolves with the synchronous answer, if any. */
  function send(h, message, jsep) {
    return within(
      new Promise((resolve, reject) => {
        h.handle.send({ message, jsep, success: resolve, error: (e) => reject(asError(e)) });
      }),
      STEP_MS,
      `${h.label}: ${message.request}`,
    );
  }

  /** Creates the room unless it exists, like the gojanus demo (VP8 and Opus). */
  async function ensureRoom(h, room) {
    const ex = await send(h, { request: "exists", room });
    if (ex && ex.exists) {
      return;
    }
    const res = await send(h, { request: "create", room, publishers: 16, videocodec: "vp8", audiocodec: "opus", description: "janus.js interop" });
    if (res && res.error_code && res.error_code !== 427) {
      // 427: created meanwhile by someone else
      throw new Error(`create room ${room}: ${res.error_code} ${res.error}`);
    }
  }

  /** janus.js's createOffer/createAnswer as a Promise. */
  function negotiate(h, offer, options) {
    return within(
      new Promise((resolve, reject) => {
        const o = { ...options, success: resolve, error: (e) => reject(asError(e)) };
        offer ? h.handle.createOffer(o) : h.handle.createAnswer(o);
      }),
      STEP_MS,
      `${h.label}: create ${offer ? "offer" : "answer"}`,
    );
  }

  /**
   * Joins room as a publisher and publishes the fake camera and microphone
   * (captured by janus.js, or the tracks of stream); resolves with the
   * publisher id once Janus reports the PeerConnection up.
   */
  async function publish({ room, display, stream }) {
    const h = await attach("publisher");
    publisher = h;
    await ensureRoom(h, room);
    const joined = h.next((m) => m.videoroom === "joined", "joined");
    await send(h, { request: "join", ptype: "publisher", room, display });
    const { msg } = await joined;
    const offer = await negotiate(h, true, {
      tracks: [
        { type: "audio", capture: stream ? stream.getAudioTracks()[0] : true, recv: false },
        { type: "video", capture: stream ? stream.getVideoTracks()[0] : true, recv: false },
      ],
    });
    const answered = h.next((m, jsep) => !!jsep && m.configured === "ok", "configured with an answer");
    await send(h, { request: "configure", audio: true, video: true }, offer);
    const { jsep } = await answered;
    await new Promise((resolve, reject) => h.handle.handleRemoteJsep({ jsep, success: resolve, error: (e) => reject(asError(e)) }));
    await h.webrtcUp();
    return { id: msg.id, room: msg.room, videoCodec: codecOf(jsep.sdp, "video") };
  }

  /**
   * Subscribes to feed in room (Janus 1.x multistream: join with streams,
   * answer the offer, start); resolves once the PeerConnection is up.
   */
  async function subscribe({ room, feed }) {
    const h = await attach("subscriber", {
      onTrack(track, mid, on) {
        if (track.kind !== "video") {
          return;
        }
        if (on) {
          remoteVideo = track;
          const el = document.getElementById("remote");
          el.srcObject = new MediaStream([track]);
          watchFirstFrame(el);
        } else if (remoteVideo === track) {
          remoteVideo = null;
        }
      },
    });
    subscriber = h;
    const attached = h.next((m, jsep) => m.videoroom === "attached" && !!jsep, "attached with an offer");
    timing = { join: performance.now(), up: null, frame: null, waiters: new Set() };
    await send(h, { request: "join", ptype: "subscriber", room, streams: [{ feed }] });
    const { msg, jsep } = await attached;
    // Receive only: no local track.
    const answer = await negotiate(h, false, { jsep, tracks: [] });
    const started = h.next((m) => m.started === "ok", "started");
    await send(h, { request: "start", room }, answer);
    await started;
    await h.webrtcUp();
    timing.up = timing.up ?? performance.now();
    return { streams: (msg.streams || []).map((s) => ({ mid: s.mid, type: s.type, codec: s.codec, feed: s.feed_id })) };
  }

  /**
   * Notes the first frame el presents (requestVideoFrameCallback: the
   * frame is decoded and handed to the compositor), once per subscription.
   */
  function watchFirstFrame(el) {
    const t = timing;
    if (!t || t.watching) {
      return;
    }
    t.watching = true;
    el.requestVideoFrameCallback((now, meta) => {
      t.frame = meta;
      for (const w of t.waiters) {
        w();
      }
    });
  }

  /**
   * Waits for the subscriber's first presented video frame and returns its
   * times in milliseconds since the join request was sent: presentedMs
   * (the frame submitted for composition, decoded), receivedMs (its last
   * packet received, where Chromium says), upMs (webrtcup), and its size.
   */
  function firstFrame() {
    const t = timing;
    if (!t) {
      return Promise.reject(new Error("no subscription"));
    }
    const result = () => ({
      presentedAt: t.frame.presentationTime,
      presentedMs: t.frame.presentationTime - t.join,
      receivedMs: t.frame.receiveTime ? t.frame.receiveTime - t.join : null,
      upMs: t.up !== null ? t.up - t.join : null,
      width: t.frame.width,
      height: t.frame.height,
    });
    if (t.frame) {
      return Promise.resolve(result());
    }
    return within(new Promise((resolve) => t.waiters.add(() => resolve(result()))), STEP_MS, "the first video frame presented");
  }

  /**
   * BenchmarkWHIP's janus.js side, over a connected session: with the
   * camera already open, the milliseconds from the start of publishing it
   * to the first frame a subscriber of it in this page presents, the
   * subscriber joining once Janus reports the publisher's PeerConnection
   * up; then both leave (close).
   */
  async function publishToFirstFrame({ room, display }) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    try {
      const t0 = performance.now();
      const pub = await publish({ room, display, stream });
      const upMs = performance.now() - t0;
      await subscribe({ room, feed: pub.id });
      const f = await firstFrame();
      return { presentedMs: f.presentedAt - t0, upMs, width: f.width, height: f.height };
    } finally {
      stream.getTracks().forEach((t) => t.stop());
    }
  }

  let control = null; // a handle for room requests

  /** A handle for the synchronous room requests (exists, create, listparticipants). */
  async function controlHandle() {
    if (!control) {
      control = await attach("control");
    }
    return control;
  }

  /** Creates room unless it exists. */
  async function prepareRoom(room) {
    await ensureRoom(await controlHandle(), room);
  }

  /** The participants of room: [{id, display, publisher}]. */
  async function participants(room) {
    const res = await send(await controlHandle(), { request: "listparticipants", room });
    if (!res || res.error_code) {
      throw new Error(`listparticipants ${room}: ${res ? `${res.error_code} ${res.error}` : "no answer"}`);
    }
    return res.participants.map((p) => ({ id: p.id, display: p.display, publisher: p.publisher }));
  }

  /** The codec of the first m-line of kind in an SDP. */
  function codecOf(sdp, kind) {
    const m = sdp.match(new RegExp(`m=${kind} \\d+ [^ ]+ (\\d+)`));
    if (!m) {
      return "";
    }
    const rtpmap = sdp.match(new RegExp(`a=rtpmap:${m[1]} ([^/\\r\\n]+)`));
    return rtpmap ? rtpmap[1] : "";
  }

  /** Statistics of one kind of RTP stream ("inbound-rtp", "outbound-rtp") of a handle's video. */
  async function videoStats(h, type) {
    const out = { framesDecoded: 0, framesEncoded: 0, framesSent: 0, keyFramesEncoded: 0, pliCount: 0, packets: 0, codec: "", width: 0, height: 0 };
    const pc = h && h.handle && h.handle.webrtcStuff && h.handle.webrtcStuff.pc;
    if (!pc) {
      return out;
    }
    const report = await pc.getStats();
    const codecs = new Map();
    report.forEach((s) => {
      if (s.type === "codec") {
        codecs.set(s.id, s.mimeType);
      }
    });
    report.forEach((s) => {
      if (s.type !== type || s.kind !== "video") {
        return;
      }
      out.framesDecoded += s.framesDecoded || 0;
      out.framesEncoded += s.framesEncoded || 0;
      out.framesSent += s.framesSent || 0;
      out.keyFramesEncoded += s.keyFramesEncoded || 0;
      out.pliCount += s.pliCount || 0;
      out.packets += (type === "inbound-rtp" ? s.packetsReceived : s.packetsSent) || 0;
      out.codec = codecs.get(s.codecId) || out.codec;
      out.width = s.frameWidth || out.width;
      out.height = s.frameHeight || out.height;
    });
    return out;
  }

  /** Leaves: hangs up and detaches every handle, then destroys the session. */
  async function close() {
    if (!janus) {
      return;
    }
    for (const handle of handles) {
      handle.hangup(true);
      await within(new Promise((resolve) => handle.detach({ success: resolve, error: resolve })), STEP_MS, "detach").catch(() => {});
    }
    handles.clear();
    control = publisher = subscriber = null;
    remoteVideo = timing = null;
    const j = janus;
    janus = null;
    await within(new Promise((resolve) => j.destroy({ success: resolve, error: resolve })), STEP_MS, "destroy the session").catch(() => {});
  }

  window.interop = {
    connect,
    publish,
    subscribe,
    close,
    prepareRoom,
    participants,
    /** The subscriber's inbound video statistics. */
    subscriberStats: () => videoStats(subscriber, "inbound-rtp"),
    /** The publisher's outbound video statistics. */
    publisherStats: () => videoStats(publisher, "outbound-rtp"),
    firstFrame,
    publishToFirstFrame,
    /** The size of the subscriber's <video>, and its playback position. */
    playing() {
      const v = document.getElementById("remote");
      return { w: v.videoWidth, h: v.videoHeight, t: v.currentTime };
    },
    /** The last plugin messages and WebRTC state changes. */
    log: () => log.slice(),
  };
})();
