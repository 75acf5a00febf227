// Package whip serves WHIP (RFC 9725, publishing) and WHEP (playing) over
// Janus: Handler is an http.Handler whose endpoints map each HTTP
// resource onto a Janus session with one plugin handle, through the
// typed VideoRoom and Streaming packages. It relays SDP and candidates
// only; the media flows between the HTTP client and Janus.
//
// # Endpoints
//
//   - Handler.Publish: WHIP into a VideoRoom room. POST with the client's
//     offer joins the room as a publisher ("joinandconfigure") and
//     answers 201 with Janus's answer.
//   - Handler.Subscribe: WHEP out of a VideoRoom (one publisher by id or
//     display name, a mix of streams, or every publisher). Janus always
//     offers VideoRoom subscriptions, so this is the server-offer flow:
//     POST without a body, 201 with Janus's offer, PATCH the answer
//     (application/sdp), 204.
//   - Handler.Watch: WHEP out of a Streaming mountpoint: POST with the
//     client's offer (Janus 1.1.4 and later; 406 from older servers), or
//     the server-offer flow as above on every version.
//
// # Protocol
//
// A 201 carries Location (the endpoint's path, then the resource id),
// ETag, Accept-Patch and one Link header (rel="ice-server") per ICE
// server URL of Options.ICEServers. On a resource, DELETE ends it (200);
// PATCH with application/trickle-ice-sdpfrag (RFC 8840) trickles the
// client's candidates and end-of-candidates to Janus (204), or, when the
// fragment has a new a=ice-ufrag and a=ice-pwd, restarts ICE: the
// client's offer with the new credentials goes to Janus as a restart
// offer (a VideoRoom publisher's "configure"), and the answer is 200 with
// Janus's fragment and a new ETag. An ICE restart needs If-Match (428
// without); any If-Match other than "*" or the current ETag is 412.
// Resources made by the server-offer flow cannot restart ICE (422): the
// client DELETEs and POSTs again.
//
// Access.Token or Access.Authorize protect an endpoint and its
// resources, as RFC 9725 and RFC 6750 say: no bearer token, or one that
// is wrong or expired, is 401 with a WWW-Authenticate: Bearer challenge
// (error="invalid_token" when a token was given); 403 is only for a
// client whose token is good but that may not do this (an Authorize
// callback that answers with a 403 *Error, a room PIN or room token the
// plugin refuses). Every answer carries Access-Control-Allow-Origin and
// Access-Control-Expose-Headers (Location, ETag, Link, ...); OPTIONS
// answers the preflight (204, Allow-Methods, Allow-Headers: Authorization,
// Content-Type, If-Match) without asking for a token.
//
// Failures answer with a status and a one-line reason: 400 a body that
// cannot be read or a bad fragment, 415 a wrong Content-Type, 422 an SDP
// that is none or that Janus cannot use, 404 an unknown endpoint,
// resource, room, publisher or mountpoint, 405 a method the path does not
// take, 406 a client offer where only the server can offer, 409 a PATCH
// that does not fit the resource's state or a display name several
// publishers share (see Subscription), 412/428 on If-Match, 401/403 on
// tokens, 500 a Request callback that failed without an *Error, and for
// Janus's own failures the status of StatusOf: 502 an
// error of Janus, 503 Janus unreachable or the resource's session gone,
// 504 no answer within Options.RequestTimeout.
//
// # Lifetime
//
// Each resource has a Janus session of its own; the handler keeps it
// alive and the Client's reconnect (WithReconnect, with
// reclaim_session_timeout on the server) carries it over a lost
// connection. A resource ends, and later requests on it are 404, when:
//
//   - the client DELETEs it (a publisher unpublishes and leaves the room,
//     a subscription leaves, the session is destroyed, which hangs up and
//     detaches the handle);
//   - Janus reports its PeerConnection gone (a hangup event: DTLS alert,
//     ICE failed, the publisher left...): torn down the same way;
//   - Janus does not report the PeerConnection up (webrtcup) within
//     Options.SetupTimeout of the POST: torn down the same way;
//   - it is a WHIP publisher and Janus receives no media from it on any
//     of its streams for Options.MediaTimeout (10 seconds by default):
//     torn down the same way. This is how a publisher that died without
//     a DELETE (killed, its network gone) goes: Janus sends no hangup
//     then, as no DTLS alert arrives and it checks no ICE consent by
//     default. One quiet stream (a muted microphone) is not enough while
//     another flows;
//   - it is a WHEP player of one publisher (Subscription.Feed or Display)
//     and that publisher unpublishes or leaves the room (reaped as above,
//     or gone any other way): torn down the same way. A player of the
//     whole room or of a mix of Streams stays, and the m-lines of a
//     publisher that left go quiet;
//   - its handle ends because its session is gone (Janus restarted, the
//     client gave up reconnecting, the session timed out): removed.
//
// A WHEP player that vanishes without a DELETE cannot be told from a
// live one: Janus expects no media from a player, so nothing reports it
// gone. Its resource stays until a hangup, a DELETE or Close. A Janus
// 1.2.0 or later with ICE consent freshness checks turned on
// (ice_consent_freshness in janus.jcfg, off by default, with libnice
// 0.1.19 or later) hangs up on such peers, players and publishers alike,
// and the handler then ends their resources.
//
// Options.Logger gets one Info line for each resource made and one when
// it ends, with the reason.
//
// Close tears every resource down. New POSTs need a working Client: after
// a Janus restart they work again as soon as the Client has reconnected.
package whip
