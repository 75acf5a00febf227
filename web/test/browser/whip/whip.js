// A plain WHIP (RFC 9725) publisher and WHEP player: fetch and
// RTCPeerConnection, nothing of gojanus or janus.js. whip.html and
// whep.html use it; so do web/test/browser/whip.test.mjs and join.mjs (the
// WHIP side of BenchmarkWHIP) through window.whipClient.
"use strict";

(function () {
  const SDP = "application/sdp";
  const FRAGMENT = "application/trickle-ice-sdpfrag";
  // How long one step (a request, the connection, the first frame) may take.
  const STEP_MS = 15_000;

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

  /** One HTTP request; resolves with what the page could read of the answer. */
  async function request(method, url, { token, type, body, etag } = {}) {
    const headers = {};
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (type) {
      headers["Content-Type"] = type;
    }
    if (etag) {
      headers["If-Match"] = etag;
    }
    const res = await within(fetch(url, { method, headers, body, mode: "cors" }), STEP_MS, `${method} ${url}`);
    return {
      status: res.status,
      text: await res.text(),
      location: res.headers.get("Location"),
      etag: res.headers.get("ETag"),
      type: res.headers.get("Content-Type"),
    };
  }

  /** The value of the first a=NAME: line of an SDP. */
  function attr(sdp, name) {
    const m = sdp.match(new RegExp(`^a=${name}:(.*)$`, "m"));
    return m ? m[1].trim() : "";
  }

  /**
   * One WHIP or WHEP resource: its PeerConnection, its URL once the POST
   * answered, and its local candidates, trickled by PATCH in order once the
   * resource may take them (ready).
   */
  class Resource {
    constructor(endpoint, token) {
      this.endpoint = endpoint;
      this.token = token;
      this.pc = new RTCPeerConnection({ iceServers: [] });
      this.url = null;
      this.etag = null;
      this.queue = [];
      this.sending = Promise.resolve();
      this.isReady = false;
      this.patches = {}; // trickle PATCH statuses and how many of each
      this.times = { start: performance.now() }; // performance.now() of the steps
      this.pc.onicecandidate = (e) => {
        this.queue.push(e.candidate);
        this.flush();
      };
    }

    /** Checks a POST's answer and keeps the resource's URL and ETag. */
    created(res) {
      if (res.status !== 201) {
        throw Object.assign(new Error(`POST ${this.endpoint}: ${res.status} ${res.text.trim()}`), { status: res.status });
      }
      if (!res.location || !res.etag) {
        throw new Error(`POST ${this.endpoint}: 201 without a readable Location or ETag (CORS?)`);
      }
      this.url = new URL(res.location, this.endpoint).href;
      this.etag = res.etag;
    }

    /** The candidates may go now. */
    ready() {
      this.isReady = true;
      this.flush();
    }

    /** Sends the queued candidates, one PATCH each (null: end-of-candidates). */
    flush() {
      if (!this.isReady) {
        return;
      }
      const cands = this.queue.splice(0);
      for (const c of cands) {
        this.sending = this.sending.then(() => this.trickle(c)).catch(() => {});
      }
    }

    /** PATCHes one candidate as an SDP fragment (RFC 8840). */
    async trickle(c) {
      const local = this.pc.localDescription.sdp;
      const lines = [`a=ice-ufrag:${attr(local, "ice-ufrag")}`, `a=ice-pwd:${attr(local, "ice-pwd")}`];
      if (c && c.candidate) {
        lines.push("m=audio 9 UDP/TLS/RTP/SAVPF 0", `a=mid:${c.sdpMid}`, `a=${c.candidate}`);
      } else if (!c) {
        lines.push("a=end-of-candidates");
      } else {
        return; // an empty candidate: one generation ended
      }
      const res = await request("PATCH", this.url, { token: this.token, type: FRAGMENT, body: lines.join("\r\n") + "\r\n", etag: this.etag });
      this.patches[res.status] = (this.patches[res.status] || 0) + 1;
    }

    /** Resolves once the PeerConnection is connected. */
    connected() {
      const pc = this.pc;
      return within(
        new Promise((resolve, reject) => {
          const check = () => {
            if (pc.connectionState === "connected") {
              this.times.connected = performance.now();
              resolve();
            } else if (pc.connectionState === "failed" || pc.connectionState === "closed") {
              reject(new Error(`PeerConnection ${pc.connectionState}`));
            }
          };
          pc.addEventListener("connectionstatechange", check);
          check();
        }),
        STEP_MS,
        "the PeerConnection connected",
      );
    }

    /**
     * DELETEs the resource, then closes the PeerConnection (closed first,
     * Janus's hangup could end the resource before the DELETE came);
     * resolves with the DELETE's status.
     */
    async leave() {
      try {
        return this.url ? (await request("DELETE", this.url, { token: this.token })).status : 0;
      } finally {
        this.pc.close();
      }
    }

    /** Summed video statistics of one type ("inbound-rtp", "outbound-rtp"). */
    async stats(type) {
      const out = { framesDecoded: 0, framesEncoded: 0, packets: 0, width: 0, height: 0, codec: "" };
      const report = await this.pc.getStats();
      const codecs = new Map();
      report.forEach((s) => s.type === "codec" && codecs.set(s.id, s.mimeType));
      report.forEach((s) => {
        if (s.type !== type || s.kind !== "video") {
          return;
        }
        out.framesDecoded += s.framesDecoded || 0;
        out.framesEncoded += s.framesEncoded || 0;
        out.packets += (type === "inbound-rtp" ? s.packetsReceived : s.packetsSent) || 0;
        out.width = s.frameWidth || out.width;
        out.height = s.frameHeight || out.height;
        out.codec = codecs.get(s.codecId) || out.codec;
      });
      return out;
    }
  }

  /**
   * Publishes stream's tracks to a WHIP endpoint: POST the offer (its
   * candidates follow by PATCH), apply the answer, wait for the connection.
   * times.post is when the POST was sent.
   */
  async function publish(endpoint, { token, stream }) {
    const r = new Resource(endpoint, token);
    try {
      for (const track of stream.getTracks()) {
        r.pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
      }
      const offer = await r.pc.createOffer();
      await r.pc.setLocalDescription(offer);
      r.times.post = performance.now();
      const res = await request("POST", endpoint, { token, type: SDP, body: offer.sdp });
      r.created(res);
      await r.pc.setRemoteDescription({ type: "answer", sdp: res.text });
      r.ready();
    } catch (err) {
      await r.leave().catch(() => {});
      throw err;
    }
    return r;
  }

  /**
   * Plays a WHEP endpoint with the server-offer flow: POST without a body,
   * the server's offer in the 201, the answer by PATCH, then the candidates.
   * The video goes to video; r.firstFrame() resolves with the metadata of
   * the first frame it presents (requestVideoFrameCallback).
   */
  async function play(endpoint, { token, video }) {
    const r = new Resource(endpoint, token);
    let frame = null;
    const frameWaiters = new Set();
    r.firstFrame = () =>
      frame
        ? Promise.resolve(frame)
        : within(new Promise((resolve) => frameWaiters.add(resolve)), STEP_MS, "the first video frame presented");
    r.pc.ontrack = (e) => {
      if (e.track.kind !== "video" || video.srcObject) {
        return;
      }
      video.srcObject = new MediaStream([e.track]);
      video.requestVideoFrameCallback((now, meta) => {
        frame = meta;
        frameWaiters.forEach((w) => w(meta));
      });
    };
    try {
      r.times.post = performance.now();
      const res = await request("POST", endpoint, { token });
      r.created(res);
      if (!/^application\/sdp/.test(res.type || "")) {
        throw new Error(`POST ${endpoint}: 201 with ${res.type}, not an SDP offer`);
      }
      await r.pc.setRemoteDescription({ type: "offer", sdp: res.text });
      const answer = await r.pc.createAnswer();
      await r.pc.setLocalDescription(answer);
      const a = await request("PATCH", r.url, { token, type: SDP, body: answer.sdp, etag: r.etag });
      if (a.status !== 204) {
        throw new Error(`PATCH the answer to ${r.url}: ${a.status} ${a.text.trim()}`);
      }
      r.ready();
    } catch (err) {
      await r.leave().catch(() => {});
      throw err;
    }
    return r;
  }

  /** The fake camera and microphone (Chromium's --use-fake-device-for-media-stream). */
  function camera() {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  }

  /**
   * BenchmarkWHIP's WHIP side: with the camera already open, the
   * milliseconds from the start of publishing (the offer, then the WHIP
   * POST) to the first frame a WHEP player of it presents, the player
   * starting once the publisher is connected; both in this page, then
   * both resources DELETEd. Janus lists the publisher once its own side
   * of the PeerConnection is up, which may come a moment after the
   * page's: until then the WHEP POST is 404 and the player POSTs again
   * (retries counts how often).
   */
  async function publishToFirstFrame({ whip, whep, token }) {
    const stream = await camera();
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    let pub = null;
    let player = null;
    try {
      const t0 = performance.now();
      pub = await publish(whip, { token, stream });
      await pub.connected();
      let retries = 0;
      while (!player) {
        try {
          player = await play(whep, { token, video });
        } catch (err) {
          if (err.status !== 404 || performance.now() - t0 > STEP_MS) {
            throw err;
          }
          retries++;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      const f = await player.firstFrame();
      return {
        presentedMs: f.presentationTime - t0,
        postMs: pub.times.post - t0,
        upMs: pub.times.connected - t0,
        playPostMs: player.times.post - t0,
        retries,
        width: f.width,
        height: f.height,
      };
    } finally {
      await player?.leave().catch(() => {});
      await pub?.leave().catch(() => {});
      stream.getTracks().forEach((t) => t.stop());
      video.remove();
    }
  }

  /**
   * Runs whip.html or whep.html: with ?endpoint= (and ?token=) in its
   * URL, start(endpoint, token) makes the resource, which the page then
   * waits to be connected before calling connected(resource).
   * window.page gives the state ("idle", "starting", "connected", "left",
   * "failed") with the error, the resource's URL and its trickle PATCH
   * statuses, stats(resource) and leave() (DELETE, also the page's Leave
   * button).
   */
  function runPage({ start, stats, connected = async () => {} }) {
    const q = new URLSearchParams(location.search);
    const state = { state: "idle", error: "", status: 0 };
    let r = null;
    window.page = {
      state: () => ({ ...state, resource: r && r.url, patches: r && r.patches }),
      stats: () => (r ? stats(r) : null),
      async leave() {
        state.status = r ? await r.leave() : 0;
        state.state = "left";
        return state.status;
      },
    };
    document.getElementById("leave").onclick = () => window.page.leave();
    if (!q.get("endpoint")) {
      return;
    }
    state.state = "starting";
    (async () => {
      r = await start(q.get("endpoint"), q.get("token") || "");
      await r.connected();
      state.state = "connected";
      await connected(r);
    })().catch((err) => {
      state.state = "failed";
      state.error = err.message;
    });
  }

  window.whipClient = { publish, play, camera, request, publishToFirstFrame, runPage };
})();
