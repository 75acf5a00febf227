// Type declarations of gojanus: the JavaScript API of the WebAssembly build
// of gojanus. The ES modules (gojanus.mjs in browsers, gojanus-node.mjs in
// Node; the package's "." export picks the right one) export load(), which
// resolves to the API. A page that starts gojanus.wasm itself with Go's
// wasm_exec.js finds the same API on globalThis.gojanus once go.run(instance)
// has been called: gojanus-global.d.ts ("gojanus/global") declares that
// global.
//
// Conventions:
// - Every asynchronous call returns a Promise. Failures reject with a
//   GojanusError (an Error whose name tells the kind; see ErrorName).
// - Request and answer objects of the plugins use Janus's own member names
//   (room, display, notify_joining, audiocodec, ...), as in the Janus
//   documentation; the objects gojanus builds itself use camelCase.
// - Ids are numbers (Janus keeps them below 2^53). Plugin ids (rooms,
//   participants, feeds) are numbers, or strings with string_ids.
// - Objects (Client, Session, Handle, ...) are EventTargets. Every event is a
//   plain object with a "type"; it is given to the object's onevent
//   callback, to its on<type> callback (onroster, onstate, ontrack, ...), and
//   to addEventListener(type) listeners as a DOM Event whose own properties
//   are those of the plain object (which is also its detail).
// - An object ends with its handle, session or connection (an "ended" event
//   is its last); its methods then reject with an InvalidStateError.
// - The last argument of an asynchronous method may carry an AbortSignal as
//   "signal": aborting it rejects the call with an AbortError (a
//   TimeoutError for AbortSignal.timeout()).
// - These declarations need no DOM library: in Node with lib ["es2022"]
//   the browser types they mention (MediaStream, RTCConfiguration, ...)
//   are opaque, and with the DOM library they are the browser's own.

export {};

declare global {
  // Browser (and Node) types the API mentions. Where the DOM library or
  // @types/node declares them, these interfaces merge with theirs; without
  // them, they stand for values gojanus only passes through.
  interface MediaStream {}
  interface MediaStreamTrack {}
  interface MediaTrackConstraints {}
  interface RTCConfiguration {}
  interface RTCStats {}
  interface AbortSignal {}
  interface Event {}
  interface EventTarget {}
  interface AddEventListenerOptions {}
  interface EventListenerOptions {}
  interface URL {
    href: string;
  }
  interface Response {
    readonly ok: boolean;
  }
  namespace WebAssembly {
    interface Module {}
  }
}

/**
 * Instantiates gojanus.wasm and resolves to the API. By default the module
 * is the gojanus.wasm beside this module (fetched and compiled while it
 * downloads in browsers, read from disk in Node); source may name another
 * (a URL, in Node also a file path), or be a Response, the bytes, or a
 * compiled WebAssembly.Module. The module starts once: later calls resolve
 * to the same API. In Node 20, which has no WebSocket, the ws package is
 * used when it is installed.
 */
export declare function load(
  source?: string | URL | Response | PromiseLike<Response> | ArrayBuffer | ArrayBufferView | WebAssembly.Module,
  options?: LoadOptions | PromiseLike<LoadOptions>,
): Promise<Gojanus.API>;

/** Options of load. */
export interface LoadOptions {
  /** A WebSocket constructor to dial with instead of globalThis.WebSocket (in Node, default: the global one, else the ws package's). */
  WebSocket?: new (url: string, protocols?: string | string[]) => unknown;
}

export declare namespace Gojanus {
  /** A plugin id: a number, or a string when the plugin runs with string_ids. */
  type ID = number | string;

  /** The API on globalThis.gojanus. */
  interface API {
    /** Version of this JavaScript API. */
    readonly version: string;
    /**
     * Connects to the Janus API: "ws://" or "wss://" for WebSocket, "http://"
     * or "https://" for HTTP long-poll (usually ending in /janus). With an
     * array, the servers are tried in order; a reconnect tries the server
     * that worked last first, then the others in order.
     */
    connect(url: string | string[], options?: ConnectOptions): Promise<Client>;
    /** Connects to the admin API ("ws://host:7188" or "http://host:7088/admin"). */
    connectAdmin(url: string, options?: AdminOptions): Promise<Admin>;
    /** Whether this runtime has RTCPeerConnection (false in Node: no media). */
    mediaAvailable(): boolean;
    /** Sets the level of the default logger (the console); returns a TypeError for an unknown level. */
    setLogLevel(level: LogLevel): TypeError | undefined;
    /** How many gojanus objects are live (a leak check for tests). */
    liveObjects(): number;
  }

  type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

  /** Names of the errors gojanus rejects with. */
  type ErrorName =
    | "JanusError" // an error answer of the Janus core: code (e.g. 458), reason
    | "PluginError" // an error of a plugin: code (e.g. 426), reason, plugin
    | "TimeoutError" // no answer within the transaction timeout
    | "AbortError" // the call's AbortSignal aborted
    | "ClosedError" // the client was closed
    | "DisconnectedError" // the connection was lost
    | "SessionEndedError" // the session was destroyed or timed out
    | "UnsupportedError" // the server is older than the Janus version that brought what was asked for: since, server
    | "InvalidStateError" // the object has ended, or is not in the right state
    | "NotSupportedError" // media without RTCPeerConnection (Node), no mediaDevices, or no WebSocket (Node 20 without ws)
    | "NetworkError" // connect reached no server (refused, unreachable, not Janus)
    | "SyntaxError" // a server URL that cannot be used
    | "TypeError" // a bad argument
    | "GojanusError" // anything else
    | string; // browser errors keep their name (NotAllowedError from getUserMedia, ...)

  /** The Error a gojanus Promise rejects with. */
  interface GojanusError extends Error {
    name: ErrorName;
    /** Janus error code (JanusError) or the plugin's error code (PluginError). */
    code?: number;
    /** The server's explanation (JanusError, PluginError). */
    reason?: string;
    /** The plugin package name (PluginError). */
    plugin?: string;
    /** The Janus request that failed ("attach", "create", ...; JanusError). */
    request?: string;
    /** The first Janus version that has what was asked for ("1.3.1"; UnsupportedError). */
    since?: string;
    /** The server's Janus version ("1.1.2"; UnsupportedError). */
    server?: string;
    /** The original browser error, for errors of browser APIs. */
    cause?: unknown;
  }

  /** Options of a call: an AbortSignal that cancels it. */
  interface CallOptions {
    signal?: AbortSignal;
  }

  /** Credentials of one request, overriding the client's. */
  interface Credentials extends CallOptions {
    token?: string;
    apiSecret?: string;
  }

  interface ConnectOptions extends CallOptions {
    /** Janus api_secret, sent with every request. */
    apiSecret?: string;
    /** Janus token (token_auth), sent with every request. */
    token?: string;
    /** Keepalive period of every session in ms (default 25000; 0 turns keepalives off). */
    keepalive?: number;
    /** How long a request waits for its answer, in ms (default 30000). */
    transactionTimeout?: number;
    /** How long connecting may take, in ms (default 20000). */
    connectTimeout?: number;
    /** false: never reconnect; an object: the reconnect policy (times in ms). */
    reconnect?: boolean | ReconnectPolicy;
    /** Size of each event buffer (default 16; a queue holds more behind it). */
    eventBuffer?: number;
    /** Log level of this connection (default: the global level, "warn"). */
    logLevel?: LogLevel;
  }

  interface ReconnectPolicy {
    initial?: number;
    max?: number;
    maxElapsed?: number;
    maxAttempts?: number;
  }

  interface AdminOptions extends CallOptions {
    adminSecret?: string;
    transactionTimeout?: number;
    connectTimeout?: number;
    logLevel?: LogLevel;
  }

  /** Connection states; "reconnected" is reported once, state then says "connected". */
  type ConnState = "connected" | "reconnecting" | "reconnected" | "lost" | "closed";

  /** The server's answer to info, as Janus sends it. */
  interface ServerInfo {
    name: string;
    version: number;
    version_string: string;
    author: string;
    "server-name": string;
    "session-timeout": number;
    "reclaim-session-timeout": number;
    data_channels: boolean;
    api_secret: boolean;
    auth_token: boolean;
    transports: Record<string, ModuleInfo>;
    plugins: Record<string, ModuleInfo>;
    [key: string]: unknown;
  }

  interface ModuleInfo {
    name: string;
    author: string;
    description: string;
    version_string: string;
    version: number;
  }

  /** An SDP offer or answer. */
  interface JSEP {
    type: "offer" | "answer";
    sdp: string;
    trickle?: boolean;
    e2ee?: boolean;
    restart?: boolean;
    update?: boolean;
  }

  /** An ICE candidate (RTCIceCandidate objects fit). */
  interface Candidate {
    candidate: string;
    sdpMid?: string | null;
    sdpMLineIndex?: number | null;
    completed?: boolean;
  }

  // Events.

  interface BaseEvent {
    type: string;
    /** The session and handle the event is about (0 for none). */
    session?: number;
    handle?: number;
  }
  /** A message of the plugin. */
  interface PluginEvent extends BaseEvent {
    type: "event";
    plugin: string;
    /** The typed event's name ("joined", "publishers", "joining", "leaving", "updated", ...), "" when untyped. */
    event: string;
    /** The plugin's payload (plugindata.data). */
    data: Record<string, any>;
    jsep?: JSEP;
  }
  interface WebRTCUpEvent extends BaseEvent {
    type: "webrtcup";
  }
  interface MediaEvent extends BaseEvent {
    type: "media";
    mid: string;
    media: "audio" | "video";
    receiving: boolean;
    seconds?: number;
    substream?: number;
  }
  interface SlowLinkEvent extends BaseEvent {
    type: "slowlink";
    mid: string;
    media: string;
    uplink: boolean;
    lost: number;
  }
  interface HangupEvent extends BaseEvent {
    type: "hangup";
    reason: string;
  }
  interface DetachedEvent extends BaseEvent {
    type: "detached";
  }
  interface TrickleEvent extends BaseEvent {
    type: "trickle";
    /** null when the server's gathering completed. */
    candidate: Candidate | null;
    completed: boolean;
  }
  interface DroppedEvent extends BaseEvent {
    type: "dropped";
    count: number;
  }
  interface TimeoutEvent extends BaseEvent {
    type: "timeout";
  }
  interface KeepaliveFailedEvent extends BaseEvent {
    type: "keepalivefailed";
    error: string;
  }
  /** The last event of an object: error is null after a detach, destroy or close. */
  interface EndedEvent extends BaseEvent {
    type: "ended";
    error: string | null;
  }
  interface StateEvent extends BaseEvent {
    type: "state";
    state: ConnState;
    error: string | null;
  }
  /** A remote track arrived (browser only). */
  interface TrackEvent extends BaseEvent {
    type: "track";
    kind: "audio" | "video";
    track: MediaStreamTrack;
    /** The streams of the track in the SDP. */
    streams: readonly MediaStream[];
    /** The stream gojanus gathers every remote track of the handle in. */
    stream: MediaStream;
    mid: string | null;
  }
  /** The state of the handle's RTCPeerConnection (browser only). */
  interface ConnectionStateEvent extends BaseEvent {
    type: "connectionstate";
    state: PeerConnectionState;
  }
  /** The states of an RTCPeerConnection. */
  type PeerConnectionState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

  interface RosterEvent extends BaseEvent {
    type: "roster";
    kind: "added" | "updated" | "removed" | "cleared";
    /** The participant after the change (its last state when removed); null when cleared. */
    participant: Participant | null;
    kicked: boolean;
    /** Changes dropped before this one because the callbacks fell behind. */
    missed: number;
  }

  type HandleEvent =
    | PluginEvent
    | WebRTCUpEvent
    | MediaEvent
    | SlowLinkEvent
    | HangupEvent
    | DetachedEvent
    | TrickleEvent
    | DroppedEvent
    | EndedEvent
    | TrackEvent
    | ConnectionStateEvent;
  type SessionEvent = TimeoutEvent | KeepaliveFailedEvent | EndedEvent;
  type ClientEvent = StateEvent;
  type PublisherEvent = HandleEvent | RosterEvent;

  type AnyEvent = HandleEvent | SessionEvent | ClientEvent | RosterEvent;
  type EventOf<E extends BaseEvent, T extends string> = Extract<E, { type: T }>;

  /** A DOM Event carrying a gojanus event. */
  type GojanusDOMEvent<E extends BaseEvent> = Event & Omit<E, "type"> & { readonly type: E["type"]; readonly detail: E };

  /** A listener of addEventListener for any type. */
  type Listener = ((ev: Event) => void) | { handleEvent(ev: Event): void };

  /** The event callbacks and listeners of an object whose events are E. */
  interface Events<E extends BaseEvent> extends EventTarget {
    /** Called with every event. */
    onevent?: ((ev: E) => void) | null;
    addEventListener<T extends E["type"]>(
      type: T,
      listener: (ev: GojanusDOMEvent<EventOf<E, T>>) => void,
      options?: boolean | AddEventListenerOptions,
    ): void;
    addEventListener(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions): void;
    removeEventListener<T extends E["type"]>(
      type: T,
      listener: (ev: GojanusDOMEvent<EventOf<E, T>>) => void,
      options?: boolean | EventListenerOptions,
    ): void;
    removeEventListener(type: string, listener: Listener | null, options?: boolean | EventListenerOptions): void;
    dispatchEvent(event: Event): boolean;
  }

  // The core objects.

  /** One connection to the Janus API. */
  interface Client extends Events<ClientEvent> {
    readonly state: ConnState;
    onstate?: ((ev: StateEvent) => void) | null;
    info(options?: Credentials): Promise<ServerInfo>;
    createSession(options?: Credentials): Promise<Session>;
    /** Takes over a session of another (or a lost) connection. */
    claimSession(id: number, options?: Credentials): Promise<Session>;
    /**
     * Closes the connection; its Session objects end. Over WebSocket Janus destroys the sessions
     * itself (unless it keeps them for reclaiming); over HTTP it keeps them until they time out
     * (session_timeout), so destroy them first. Closing a closed client resolves.
     */
    close(): Promise<void>;
  }

  interface AttachOptions extends Credentials {
    opaqueId?: string;
  }

  interface Session extends Events<SessionEvent> {
    readonly id: number;
    ontimeout?: ((ev: TimeoutEvent) => void) | null;
    onended?: ((ev: EndedEvent) => void) | null;
    /** Attaches a handle to any plugin ("janus.plugin.echotest", ...); its events are untyped. */
    attach(plugin: string, options?: AttachOptions): Promise<Handle>;
    attachVideoRoom(options?: AttachOptions): Promise<VideoRoom>;
    /** Attaches a new handle and joins a room on it as a publisher. */
    joinVideoRoom(join: PublisherJoin, options?: AttachOptions): Promise<Publisher>;
    /** Attaches a new handle, subscribes and answers with an RTCPeerConnection (browser only). */
    subscribeVideoRoom(join: SubscriberJoin, options?: AttachOptions & PeerOptions): Promise<Subscriber>;
    attachEchoTest(options?: AttachOptions): Promise<EchoTest>;
    /** Sends one keepalive now (the client sends them periodically anyway). */
    keepalive(options?: CallOptions): Promise<void>;
    destroy(options?: CallOptions): Promise<void>;
  }

  interface MessageOptions extends Credentials {
    jsep?: JSEP;
  }

  /** A plugin's answer to a message. */
  interface PluginResult {
    plugin: string;
    data?: Record<string, any>;
    jsep?: JSEP;
  }

  interface HandleBase<E extends BaseEvent> extends Events<E> {
    readonly id: number;
    readonly plugin: string;
    readonly opaqueId?: string;
    readonly session: Session;
    onwebrtcup?: ((ev: WebRTCUpEvent) => void) | null;
    onmedia?: ((ev: MediaEvent) => void) | null;
    onhangup?: ((ev: HangupEvent) => void) | null;
    ondetached?: ((ev: DetachedEvent) => void) | null;
    onended?: ((ev: EndedEvent) => void) | null;
    ontrack?: ((ev: TrackEvent) => void) | null;
    /** Sends a request to the plugin and waits for its answer (synchronous, or the event after the ack). */
    message(body?: object, options?: MessageOptions): Promise<PluginResult>;
    /** Sends a request and resolves once the server acknowledged it; the answer arrives as an event. */
    post(body?: object, options?: MessageOptions): Promise<PluginResult>;
    /** Trickles one local candidate, several, or (null) the end of candidates. */
    trickle(candidate: Candidate | Candidate[] | null, options?: CallOptions): Promise<void>;
    /** Closes the PeerConnection (the handle stays attached). */
    hangup(options?: CallOptions): Promise<void>;
    detach(options?: CallOptions): Promise<void>;
    /**
     * The statistics of the handle's RTCPeerConnection (the entries of its
     * RTCStatsReport). Rejects with InvalidStateError when the handle has no
     * PeerConnection, and with NotSupportedError where there is no WebRTC (Node).
     */
    getStats(options?: CallOptions): Promise<RTCStats[]>;
  }

  /** A handle to any plugin. */
  interface Handle extends HandleBase<HandleEvent> {}

  /** Local media to send: a stream, tracks, or getUserMedia constraints (both default to true). */
  interface MediaOptions extends PeerOptions {
    stream?: MediaStream;
    tracks?: MediaStreamTrack[];
    audio?: boolean | MediaTrackConstraints;
    video?: boolean | MediaTrackConstraints;
  }

  interface PeerOptions {
    /** Configuration of the RTCPeerConnection (ICE servers, ...). */
    rtcConfig?: RTCConfiguration;
  }

  // VideoRoom.

  interface RoomOptions {
    room?: ID;
    permanent?: boolean;
    admin_key?: string;
    description?: string;
    is_private?: boolean;
    secret?: string;
    pin?: string;
    allowed?: string[];
    require_pvtid?: boolean;
    signed_tokens?: boolean;
    publishers?: number;
    bitrate?: number;
    bitrate_cap?: boolean;
    fir_freq?: number;
    audiocodec?: string;
    videocodec?: string;
    vp9_profile?: string;
    h264_profile?: string;
    opus_fec?: boolean;
    opus_dtx?: boolean;
    video_svc?: boolean;
    audiolevel_ext?: boolean;
    audiolevel_event?: boolean;
    audio_active_packets?: number;
    audio_level_average?: number;
    videoorient_ext?: boolean;
    playoutdelay_ext?: boolean;
    transport_wide_cc_ext?: boolean;
    record?: boolean;
    rec_dir?: string;
    lock_record?: boolean;
    notify_joining?: boolean;
    require_e2ee?: boolean;
    dummy_publisher?: boolean;
    dummy_streams?: { codec: string; fmtp?: string }[];
  }

  interface RoomInfo {
    room: ID;
    description: string;
    pin_required: boolean;
    is_private: boolean;
    max_publishers: number;
    bitrate: number;
    num_participants: number;
    notify_joining: boolean;
    audiocodec: string;
    videocodec: string;
    [key: string]: unknown;
  }

  interface EditOptions {
    room: ID;
    secret?: string;
    new_description?: string;
    new_secret?: string;
    new_pin?: string;
    new_is_private?: boolean;
    new_require_pvtid?: boolean;
    new_bitrate?: number;
    new_fir_freq?: number;
    new_publishers?: number;
    new_lock_record?: boolean;
    new_rec_dir?: string;
    permanent?: boolean;
  }

  interface ParticipantInfo {
    id: ID;
    display?: string;
    publisher: boolean;
    talking?: boolean;
    dummy?: boolean;
    remote?: boolean;
  }

  interface PublishedStream {
    type: "audio" | "video" | "data";
    mindex: number;
    mid: string;
    disabled?: boolean;
    codec?: string;
    description?: string;
    moderated?: boolean;
    simulcast?: boolean;
    svc?: boolean;
    talking?: boolean;
    [key: string]: unknown;
  }

  interface PublisherInfo {
    id: ID;
    display?: string;
    dummy?: boolean;
    talking?: boolean;
    streams?: PublishedStream[];
    [key: string]: unknown;
  }

  /** A participant as a publisher's roster knows it. */
  interface Participant {
    id: ID;
    display: string;
    /** Whether it publishes (attendees of notify_joining rooms do not). */
    publishing: boolean;
    streams: PublishedStream[];
    talking: boolean;
    dummy: boolean;
    /** The participant's metadata (Janus 1.3.0 and later), when it has any. */
    metadata?: Metadata;
  }

  /** A participant's metadata: any JSON object (Janus 1.3.0 and later). */
  type Metadata = { [key: string]: unknown };

  interface PublisherJoin {
    room: ID;
    id?: ID;
    display?: string;
    pin?: string;
    token?: string;
    audio_active_packets?: number;
    audio_level_average?: number;
    /** Janus 1.3.0 and later; older servers reject the join with an UnsupportedError. */
    metadata?: Metadata;
  }

  /** The answer to a publisher's join. */
  interface Joined {
    room: ID;
    description: string;
    id: ID;
    private_id: number;
    publishers: PublisherInfo[];
    attendees: { id: ID; display?: string }[];
    streams?: PublishedStream[];
  }

  interface PublishSettings {
    audiocodec?: string;
    videocodec?: string;
    bitrate?: number;
    record?: boolean;
    filename?: string;
    secret?: string;
    display?: string;
    audio_active_packets?: number;
    audio_level_average?: number;
    descriptions?: { mid: string; description: string }[];
    /** Janus 1.3.0 and later; older servers reject the call with an UnsupportedError. */
    metadata?: Metadata;
  }

  interface PublishOptions extends PublishSettings, MediaOptions, CallOptions {
    /** Relay this offer instead of making one (no RTCPeerConnection needed): the result's jsep is the answer. */
    jsep?: JSEP;
  }

  interface ConfigureOptions extends CallOptions {
    bitrate?: number;
    keyframe?: boolean;
    record?: boolean;
    filename?: string;
    secret?: string;
    display?: string;
    streams?: { mid: string; send?: boolean; keyframe?: boolean; min_delay?: number; max_delay?: number }[];
    descriptions?: { mid: string; description: string }[];
    /** Janus 1.3.0 and later; older servers reject the call with an UnsupportedError. */
    metadata?: Metadata;
  }

  /** The answer to publish and configure. */
  interface Configured {
    room: ID;
    streams: PublishedStream[];
    audioCodec?: string;
    videoCodec?: string;
    /** Janus's answer (publish with jsep), or a subscriber's restart offer. */
    jsep?: JSEP;
    /** The local stream sent (publish with media). */
    stream?: MediaStream;
  }

  /** A handle attached to janus.plugin.videoroom: room management. */
  interface VideoRoom<E extends BaseEvent = HandleEvent> extends HandleBase<E> {
    list(options?: { admin_key?: string } & CallOptions): Promise<RoomInfo[]>;
    create(room: RoomOptions & CallOptions): Promise<{ room: ID; permanent: boolean }>;
    edit(options: EditOptions & CallOptions): Promise<{ room: ID; permanent: boolean }>;
    destroy(room: ID | ({ room: ID; secret?: string; permanent?: boolean } & CallOptions)): Promise<{ room: ID; permanent: boolean }>;
    exists(room: ID, options?: CallOptions): Promise<boolean>;
    listParticipants(room: ID, options?: CallOptions): Promise<ParticipantInfo[]>;
    kick(request: { room: ID; id: ID; secret?: string } & CallOptions): Promise<void>;
    moderate(request: { room: ID; id: ID; mid: string; mute: boolean; secret?: string } & CallOptions): Promise<void>;
    allowed(
      request: { room: ID; action: "enable" | "disable" | "add" | "remove"; allowed?: string[]; secret?: string } & CallOptions,
    ): Promise<{ room: ID; allowed: string[] | null }>;
    /** Joins a room as a publisher on this handle (a second object for the same handle). */
    join(join: PublisherJoin & CallOptions): Promise<Publisher>;
  }

  /** A participant of a room. */
  interface Publisher extends VideoRoom<PublisherEvent> {
    readonly room: ID;
    readonly participantId: ID;
    /** To give as private_id in this participant's subscriptions. */
    readonly privateId: number;
    /** The join answer (the publishers and attendees present then). */
    readonly joined: Joined;
    /** Called with every change of the roster. */
    onroster?: ((change: RosterEvent) => void) | null;
    /** The other participants of the room, now. */
    roster(): Participant[];
    /** Publishes local media (browser), or relays an offer given as jsep. */
    publish(options?: PublishOptions): Promise<Configured>;
    unpublish(options?: CallOptions): Promise<void>;
    configure(options: ConfigureOptions): Promise<Configured>;
    leave(options?: CallOptions): Promise<void>;
  }

  interface SubscribeStream {
    feed: ID;
    mid?: string;
    crossrefid?: string;
    send?: boolean;
    substream?: number;
    temporal?: number;
    fallback?: number;
    spatial_layer?: number;
    temporal_layer?: number;
    min_delay?: number;
    max_delay?: number;
  }

  interface SubscriberJoin {
    room: ID;
    streams: SubscribeStream[];
    private_id?: number;
    use_msid?: boolean;
    autoupdate?: boolean;
    pin?: string;
    token?: string;
  }

  /** One m-line of a subscription. */
  interface SubscriberStream {
    type: "audio" | "video" | "data";
    active: boolean;
    mindex: number;
    mid: string;
    ready: boolean;
    send: boolean;
    feed_id?: ID;
    feed_display?: string;
    feed_mid?: string;
    feed_description?: string;
    codec?: string;
    [key: string]: unknown;
  }

  interface Updated {
    room: ID;
    streams: SubscriberStream[];
    /** The change waits for the answer to a previous offer. */
    pending: boolean;
  }

  /** A subscription: one RTCPeerConnection receiving streams of publishers (browser only). */
  interface Subscriber extends HandleBase<HandleEvent> {
    readonly room: ID;
    /** Every remote track of the subscription, for a <video> element's srcObject. */
    readonly stream: MediaStream;
    /** The subscription's m-lines, kept current. */
    readonly streams: SubscriberStream[];
    /** Adds streams (renegotiates). */
    subscribe(streams: SubscribeStream[], options?: CallOptions): Promise<Updated>;
    /** Removes streams (renegotiates). */
    unsubscribe(streams: { feed?: ID; mid?: string; sub_mid?: string }[], options?: CallOptions): Promise<Updated>;
    update(
      request: { subscribe?: SubscribeStream[]; unsubscribe?: { feed?: ID; mid?: string; sub_mid?: string }[] },
      options?: CallOptions,
    ): Promise<Updated>;
    /** Changes the sources of m-lines without a renegotiation. */
    switch(
      streams: { feed: ID; mid: string; sub_mid: string }[],
      options?: CallOptions,
    ): Promise<{ room: ID; changes: number; streams: SubscriberStream[] }>;
    /** Tweaks m-lines, or restarts ICE. */
    configure(request: { streams?: ({ mid: string } & Record<string, unknown>)[]; restart?: boolean }, options?: CallOptions): Promise<Configured>;
    pause(options?: CallOptions): Promise<void>;
    /** Resumes a paused subscription. */
    start(options?: CallOptions): Promise<void>;
    leave(options?: CallOptions): Promise<void>;
  }

  // EchoTest.

  interface EchoSettings {
    audio?: boolean;
    video?: boolean;
    audiocodec?: string;
    videocodec?: string;
    videoprofile?: string;
    bitrate?: number;
    record?: boolean;
    filename?: string;
    substream?: number;
    temporal?: number;
    min_delay?: number;
    max_delay?: number;
  }

  /** A handle attached to janus.plugin.echotest. */
  interface EchoTest extends HandleBase<HandleEvent> {
    /** Sends settings, with an offer when jsep is given: resolves with Janus's answer then. */
    configure(settings: EchoSettings, options?: { jsep?: JSEP } & CallOptions): Promise<{ jsep?: JSEP }>;
    /** Sends local media to the plugin, which echoes it back (browser only). */
    start(media?: MediaOptions & CallOptions, settings?: EchoSettings): Promise<{ stream: MediaStream; remoteStream: MediaStream }>;
  }

  // Admin.

  interface TokenInfo {
    token: string;
    allowed_plugins: string[];
  }

  /** A client of the admin/monitor API. */
  interface Admin {
    info(options?: CallOptions): Promise<ServerInfo>;
    ping(options?: CallOptions): Promise<void>;
    getStatus(options?: CallOptions): Promise<Record<string, any>>;
    listSessions(options?: CallOptions): Promise<number[]>;
    listHandles(session: number, options?: CallOptions): Promise<number[]>;
    /** The handle's state as Janus reports it (handle_info). */
    handleInfo(session: number, handle: number, options?: CallOptions): Promise<Record<string, any>>;
    /** Stores a token (token_auth servers); no plugins: every plugin. Resolves with the plugins it may use. */
    addToken(token: string, plugins?: string[], options?: CallOptions): Promise<string[]>;
    allowToken(token: string, plugins: string[], options?: CallOptions): Promise<string[]>;
    disallowToken(token: string, plugins: string[], options?: CallOptions): Promise<string[]>;
    listTokens(options?: CallOptions): Promise<TokenInfo[]>;
    removeToken(token: string, options?: CallOptions): Promise<void>;
    setLogLevel(level: number, options?: CallOptions): Promise<void>;
    setSessionTimeout(seconds: number, options?: CallOptions): Promise<void>;
    /** Any admin request (janus is its name); resolves with the whole answer. */
    request(janus: string, fields?: Record<string, unknown>, options?: CallOptions): Promise<Record<string, any>>;
    /** Any admin request about a session and handle. */
    handleRequest(session: number, handle: number, janus: string, fields?: Record<string, unknown>, options?: CallOptions): Promise<Record<string, any>>;
    close(): Promise<void>;
  }
}
