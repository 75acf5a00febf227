// Package core is the transport-agnostic Janus API client: connections,
// sessions, plugin handles, transactions, keepalive, typed events, typed
// errors and the admin/monitor API. It has no media and no platform code,
// and compiles both natively and for GOOS=js GOARCH=wasm.
//
// # Shape
//
// A [Client] is one connection to Janus (WebSocket or HTTP long-poll,
// chosen by the URL scheme in [Dial]). It carries any number of
// [Session]s, each with any number of plugin [Handle]s, and is safe for
// concurrent use. One goroutine reads the connection and one timer loop
// sends the keepalives of every session; requests do not start
// goroutines.
//
//	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
//	s, err := c.CreateSession(ctx)
//	h, err := s.Attach(ctx, "janus.plugin.echotest")
//	res, err := h.Message(ctx, map[string]any{"audio": true})
//	for ev := range h.Events() { ... }
//
// # Events
//
// Every handle and every session has an ordered event stream
// ([Handle.Events], [Session.Events]). A slow reader never blocks the
// connection: each stream is a buffered channel (16 events by default,
// [WithEventBuffer]); when the channel is full, further events wait in an
// in-memory queue (up to 4096 per stream, [WithMaxQueuedEvents]) that a
// short-lived goroutine drains into the channel in order. Only when that
// queue is full too is the oldest queued event dropped; the reader then
// receives an [*EventsDropped] event with the count, and a warning is
// logged. The channel is closed after the stream's last event, when the
// handle is detached or the session ends; Err tells why.
//
// The event that answers a plugin request (the asynchronous "event" that
// follows an "ack") is returned by [Handle.Message] and not repeated on
// the handle's stream; if the caller stopped waiting (its context ended),
// the event goes to the stream instead, so nothing is lost.
//
// # Negotiation
//
// A WebRTC PeerConnection is a [Peer]: pion's natively, the browser's in
// WebAssembly. The plugin packages negotiate it with Janus in flows
// written once against it (videoroom.Publisher.PublishPeer,
// videoroom.SubscribePeer, streaming.Handle.WatchPeer, ...), which call
// [LinkCandidates] to trickle the peer's own candidates. The other
// direction comes on the handle's events: Janus's candidates, when it
// runs with full_trickle, and the offers with which it renegotiates on
// its own (a VideoRoom subscription that changed). The loop that reads
// the events passes each one to [HandleNegotiation], with the plugin's
// request for answers (a VideoRoom subscriber's Start), and handles the
// rest itself.
//
// # Errors
//
// Janus errors are [*Error] values carrying the Janus code and reason;
// compare them with errors.Is against the sentinels ([ErrUnauthorized],
// [ErrSessionNotFound], ...). Errors reported by a plugin in its answer
// (error_code/error) are [*PluginError]. A request that gets no answer in
// time fails with an error matching [ErrTimeout] (and
// context.DeadlineExceeded); a cancelled context gives context.Canceled.
// Secrets (apisecret, token, admin_secret, room secret and pin) never
// appear in errors or logs.
package core
