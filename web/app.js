// The VideoRoom demo: joins a room of the Janus VideoRoom plugin through
// gojanus.wasm, publishes the camera and microphone, and subscribes to every
// other publisher of the room (one subscription each), whose videos come and
// go with the room's roster.
//
// window.demo is a small hook for tests and the console:
//   demo.join({server, room, display})  joins (fields default to the form)
//   demo.leave()                        leaves
//   demo.state()                        {state, server, room, id, display, error, remotes}
//   demo.remoteCount()                  how many remote participants are shown
//   demo.stats()                        [{feed, display, framesDecoded, ...}] per remote video
//   demo.localCandidates()              the ICE candidates this page gathered
"use strict";

(function () {
  const D = window.GojanusDemo;
  const $ = (id) => document.getElementById(id);
  const form = $("join-form");
  const serverInput = $("server");
  const displayInput = $("display");
  const roomInput = $("room");
  const joinButton = $("join");
  const leaveButton = $("leave");
  const statusLine = $("status");
  const errorLine = $("error");
  const localTile = $("local-tile");
  const localVideo = $("local-video");
  const localCaption = $("local-caption");
  const remotesBox = $("remotes");
  const emptyHint = $("empty");

  const params = new URLSearchParams(location.search);
  serverInput.value = D.defaultServer();
  displayInput.value = params.get("display") || "guest-" + Math.floor(1000 + Math.random() * 9000);
  if (params.get("room")) {
    roomInput.value = params.get("room");
  }

  // The page's state: idle, loading, joining, joined, leaving, error.
  let state = "loading";
  let lastError = null;
  // The current call (null when idle): {client, session, pub, room, closed}.
  let call = null;
  // Remote participants shown, by feed id (as a string).
  const remotes = new Map();

  function setState(s, text) {
    state = s;
    statusLine.textContent = text;
    statusLine.dataset.state = s;
    const busy = s === "joining" || s === "joined" || s === "leaving";
    joinButton.disabled = busy || s === "loading";
    leaveButton.disabled = !(s === "joining" || s === "joined");
    for (const input of [serverInput, displayInput, roomInput]) {
      input.disabled = busy;
    }
  }

  function showError(context, err) {
    lastError = Object.assign({ context }, D.errorInfo(err));
    errorLine.textContent = `${context}: ${D.describeError(err)}`;
    errorLine.hidden = false;
    console.error(context, err);
  }

  function clearError() {
    lastError = null;
    errorLine.hidden = true;
    errorLine.textContent = "";
  }

  /** A room id: a number when it is all digits, else a string (string_ids). */
  function parseRoom(text) {
    const t = String(text).trim();
    return /^\d+$/.test(t) ? Number(t) : t;
  }

  function updateEmptyHint() {
    emptyHint.hidden = !(state === "joined" && remotes.size === 0);
  }

  /** Plays a video, falling back to muted when autoplay with sound is refused. */
  function play(video) {
    const p = video.play();
    if (p && p.catch) {
      p.catch((err) => {
        if (err && err.name === "NotAllowedError" && !video.muted) {
          video.muted = true;
          video.closest("figure")?.classList.add("muted");
          video.play().catch(() => {});
        }
      });
    }
  }

  // Remote participants.

  function addRemote(c, participant) {
    const key = String(participant.id);
    if (remotes.has(key) || c.closed) {
      return;
    }
    const tile = document.createElement("figure");
    tile.className = "tile remote connecting";
    tile.dataset.feed = key;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("figcaption");
    caption.textContent = participant.display || `participant ${key}`;
    tile.append(video, caption);
    // Muted videos start without a click; a click on a tile unmutes it.
    tile.addEventListener("click", () => {
      video.muted = false;
      tile.classList.remove("muted");
      play(video);
    });
    remotesBox.append(tile);
    const r = { feed: participant.id, display: participant.display || "", tile, video, sub: null };
    remotes.set(key, r);
    updateEmptyHint();
    subscribeTo(c, r, key);
  }

  async function subscribeTo(c, r, key) {
    let sub;
    try {
      sub = await c.session.subscribeVideoRoom(
        { room: c.room, streams: [{ feed: r.feed }], private_id: c.pub.privateId },
        { rtcConfig: D.rtcConfig },
      );
    } catch (err) {
      if (remotes.get(key) === r && !c.closed) {
        showError(`subscribing to ${r.display || key}`, err);
        removeRemote(key);
      }
      return;
    }
    if (remotes.get(key) !== r || c.closed) {
      // Gone while subscribing.
      sub.detach().catch(() => {});
      return;
    }
    r.sub = sub;
    r.video.srcObject = sub.stream;
    play(r.video);
    r.tile.classList.remove("connecting");
    sub.ontrack = () => {
      // The stream gathers every track; set it again so the element
      // picks up late tracks in every browser.
      r.video.srcObject = sub.stream;
      play(r.video);
    };
    sub.addEventListener("connectionstate", (ev) => {
      r.tile.dataset.connection = ev.state;
    });
    sub.onended = () => {
      if (remotes.get(key) === r) {
        removeRemote(key);
      }
    };
  }

  function removeRemote(key) {
    const r = remotes.get(key);
    if (!r) {
      return;
    }
    remotes.delete(key);
    r.video.srcObject = null;
    r.tile.remove();
    if (r.sub) {
      r.sub.detach().catch(() => {});
    }
    updateEmptyHint();
  }

  function removeAllRemotes() {
    for (const key of [...remotes.keys()]) {
      removeRemote(key);
    }
  }

  /** Makes the shown remotes match the roster's publishers. */
  function syncRoster(c) {
    const publishing = new Map();
    for (const p of c.pub.roster()) {
      if (p.publishing && !p.dummy) {
        publishing.set(String(p.id), p);
      }
    }
    for (const key of [...remotes.keys()]) {
      if (!publishing.has(key)) {
        removeRemote(key);
      }
    }
    for (const p of publishing.values()) {
      addRemote(c, p);
    }
  }

  function onRoster(c, change) {
    if (c.closed) {
      return;
    }
    if (change.missed > 0) {
      syncRoster(c);
      return;
    }
    const p = change.participant;
    switch (change.kind) {
      case "added":
      case "updated":
        if (p.publishing && !p.dummy) {
          addRemote(c, p);
        } else {
          removeRemote(String(p.id));
        }
        break;
      case "removed":
        removeRemote(String(p.id));
        break;
      case "cleared":
        removeAllRemotes();
        break;
    }
  }

  // Joining and leaving.

  /** Creates the room unless it exists (VP8 and Opus, as browsers send by default). */
  async function ensureRoom(c) {
    const vr = await c.session.attachVideoRoom();
    try {
      if (!(await vr.exists(c.room))) {
        try {
          await vr.create({ room: c.room, description: "gojanus web demo", publishers: 16, videocodec: "vp8", audiocodec: "opus" });
        } catch (err) {
          if (!(err.name === "PluginError" && err.code === 427)) {
            throw err; // 427: created meanwhile by someone else
          }
        }
      }
    } finally {
      vr.detach().catch(() => {});
    }
  }

  async function join(options = {}) {
    if (state === "joining" || state === "joined" || state === "leaving") {
      throw new Error(`cannot join while ${state}`);
    }
    if (options.server !== undefined) serverInput.value = options.server;
    if (options.room !== undefined) roomInput.value = String(options.room);
    if (options.display !== undefined) displayInput.value = options.display;
    clearError();
    const c = { client: null, session: null, pub: null, room: parseRoom(roomInput.value), closed: false };
    const server = serverInput.value.trim();
    const display = displayInput.value.trim() || "guest";
    call = c;
    setState("joining", `Connecting to ${server}…`);
    try {
      const gojanus = await D.loadGojanus();
      c.client = await gojanus.connect(server);
      c.client.onstate = (ev) => {
        if (call === c && ev.state === "reconnecting") {
          setState("joined", "Connection lost, reconnecting…");
        } else if (call === c && ev.state === "reconnected") {
          setState("joined", statusJoined(c));
        } else if (call === c && (ev.state === "lost" || (ev.state === "closed" && !c.closed))) {
          showError("connection", new Error(ev.error || `connection ${ev.state}`));
          teardown(c, "error", "Disconnected.");
        }
      };
      check(c);
      c.session = await c.client.createSession();
      c.session.onended = (ev) => {
        if (call === c && !c.closed) {
          showError("session", new Error(ev.error || "the session ended"));
          teardown(c, "error", "The session ended.");
        }
      };
      check(c);
      setState("joining", `Joining room ${c.room}…`);
      await ensureRoom(c);
      check(c);
      c.pub = await c.session.joinVideoRoom({ room: c.room, display });
      check(c);
      c.pub.onroster = (change) => onRoster(c, change);
      c.pub.onhangup = (ev) => {
        if (call === c && !c.closed) {
          showError("publishing", new Error(`Janus hung up: ${ev.reason}`));
        }
      };
      setState("joining", "Starting camera and microphone…");
      const conf = await c.pub.publish({ audio: true, video: true, rtcConfig: D.rtcConfig });
      check(c);
      localVideo.srcObject = conf.stream;
      localCaption.textContent = `${display} (you)`;
      localTile.hidden = false;
      play(localVideo);
      setState("joined", statusJoined(c));
      syncRoster(c);
      updateEmptyHint();
    } catch (err) {
      if (c.closed) {
        // Left meanwhile: teardown ran before the connection was known.
        c.client?.close().catch(() => {});
        throw Object.assign(new Error("left while joining"), { name: "AbortError" });
      }
      showError("joining", err);
      await teardown(c, "error", "Could not join.");
      throw err;
    }
  }

  function statusJoined(c) {
    return `In room ${c.room} as participant ${c.pub.participantId}, publishing.`;
  }

  /** Throws when the call was left meanwhile. */
  function check(c) {
    if (c.closed) {
      throw Object.assign(new Error("left while joining"), { name: "AbortError" });
    }
  }

  /** Ends the call: the subscriptions, the publisher, the session and the connection. */
  async function teardown(c, nextState, text) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    if (call === c) {
      setState("leaving", "Leaving…");
    }
    removeAllRemotes();
    localVideo.srcObject = null;
    localTile.hidden = true;
    const quietly = (p) => (p ? p.catch(() => {}) : Promise.resolve());
    if (c.pub) {
      await quietly(c.pub.leave());
      await quietly(c.pub.detach());
    }
    if (c.session) {
      await quietly(c.session.destroy());
    }
    if (c.client) {
      await quietly(c.client.close());
    }
    if (call === c) {
      call = null;
      setState(nextState, text);
      updateEmptyHint();
    }
  }

  async function leave() {
    if (!call) {
      return;
    }
    await teardown(call, "idle", "Left the room.");
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    join().catch(() => {}); // shown on the page
  });
  leaveButton.addEventListener("click", () => {
    leave();
  });
  window.addEventListener("pagehide", () => {
    if (call) {
      teardown(call, "idle", "Left the room.");
    }
  });

  window.demo = {
    join,
    leave,
    state: () => ({
      state,
      server: serverInput.value,
      room: call ? call.room : parseRoom(roomInput.value),
      id: call && call.pub ? call.pub.participantId : null,
      display: displayInput.value,
      error: lastError,
      remotes: [...remotes.values()].map((r) => ({ feed: r.feed, display: r.display, subscribed: !!r.sub })),
    }),
    remoteCount: () => remotes.size,
    stats: async () =>
      Promise.all(
        [...remotes.values()].map(async (r) => ({
          feed: r.feed,
          display: r.display,
          ...(await D.inboundVideoStats(r.sub ? D.videoTrackOf(r.sub.stream) : undefined)),
        })),
      ),
    localCandidates: D.localCandidates,
  };

  setState("loading", "Loading gojanus…");
  D.loadGojanus().then(
    (g) => setState("idle", `gojanus ${g.version} ready. Choose a room and join.`),
    (err) => {
      showError("loading gojanus.wasm", err);
      setState("error", "gojanus could not start.");
    },
  );
})();
