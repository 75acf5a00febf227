package whip

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gojanus/gojanus/core"
)

// Content types of the protocol.
const (
	// ContentTypeSDP is the type of offers and answers.
	ContentTypeSDP = "application/sdp"
	// ContentTypeFragment is the type of trickle and ICE restart PATCH
	// bodies (RFC 8840).
	ContentTypeFragment = "application/trickle-ice-sdpfrag"
)

// maxBody bounds the bodies the handler reads (an SDP is a few KB).
const maxBody = 256 << 10

// Options configures a Handler. The zero value is usable.
type Options struct {
	// ICEServers are announced to clients in Link headers of every 201
	// answer (and of OPTIONS answers to authorized clients).
	ICEServers []ICEServer
	// AllowOrigin is the Access-Control-Allow-Origin of every answer;
	// empty means "*".
	AllowOrigin string
	// SetupTimeout is how long a new resource may stay without a
	// PeerConnection Janus reports up (webrtcup) before it is reaped;
	// 0 means 30 seconds.
	SetupTimeout time.Duration
	// RequestTimeout bounds each request to Janus; 0 means 15 seconds.
	// It also bounds how long a WHEP POST waits for a publisher of this
	// handler that is still setting up (see Subscription).
	RequestTimeout time.Duration
	// MediaTimeout is how long a WHIP publisher may send no media at all
	// before it is reaped: once Janus reports no incoming media (its
	// "media" events with receiving false, after Janus's no_media_timer,
	// 1 second by default) on every stream it had media on, and none
	// comes back within MediaTimeout, the publisher leaves the room and
	// its resource ends. This is how a publisher that died without a
	// DELETE (killed, its network gone) goes: Janus sends no hangup for
	// it, as nothing tells it the peer is gone. A publisher with one
	// stream quiet (a muted microphone) and another flowing stays.
	// 0 means 10 seconds; a negative value never reaps for this.
	MediaTimeout time.Duration
	// Logger receives, at Info, one line per resource created (with the
	// room, feed and display of a publisher) and one when it ends, with
	// the reason: "DELETE", "hangup" (Janus's reason as detail), "no
	// media" (MediaTimeout), "setup timeout" (SetupTimeout), "session
	// gone", "publisher gone" (a WHEP player of one publisher), "detached
	// by Janus" or "handler closed". Failed requests with a 5xx status
	// are logged at Warn. nil discards them.
	Logger *slog.Logger
}

// ICEServer is a STUN or TURN server for the clients (a Link header with
// rel="ice-server").
type ICEServer struct {
	// URLs are stun:, turn: or turns: URIs.
	URLs []string `json:"urls"`
	// Username and Credential are the TURN credentials (type password).
	Username   string `json:"username,omitempty"`
	Credential string `json:"credential,omitempty"`
}

// Access is who may use an endpoint and its resources: a client sends
// "Authorization: Bearer TOKEN". Without Token and Authorize anyone may.
// As RFC 9725 and RFC 6750 say, a request without a bearer token, or
// with a token that is wrong or expired, is answered 401 with a
// WWW-Authenticate: Bearer challenge (error="invalid_token" for a token
// that was given); 403 is for a client whose token is good but that may
// not do this (an Authorize callback's *Error with that status, a room
// PIN or room token the plugin refuses).
type Access struct {
	// Token is the one bearer token accepted.
	Token string `json:"-"`
	// Authorize, when set, decides instead of Token: it returns nil to
	// accept, an *Error to answer with its status (403 for a client that
	// is known but not allowed), any other error for a token it does not
	// know or that expired (401, error="invalid_token").
	Authorize func(r *http.Request, token string) error `json:"-"`
}

// open reports whether no token is needed.
func (a Access) open() bool { return a.Token == "" && a.Authorize == nil }

// check returns nil when r may go on.
func (a Access) check(r *http.Request) error {
	if a.open() {
		return nil
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return failf(http.StatusUnauthorized, "a bearer token is required")
	}
	if a.Authorize != nil {
		if err := a.Authorize(r, token); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return e
			}
			return &Error{Status: http.StatusUnauthorized, Reason: "invalid token", Err: err, invalidToken: true}
		}
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(a.Token)) != 1 {
		return &Error{Status: http.StatusUnauthorized, Reason: "invalid token", invalidToken: true}
	}
	return nil
}

// Handler is an http.Handler that serves WHIP (RFC 9725) and WHEP
// endpoints over Janus: each POST makes a resource, a Janus session with
// one plugin handle, that lives until the client DELETEs it or it is
// reaped (see the package documentation). It owns the sessions it makes;
// the Client is the caller's.
type Handler struct {
	c    *core.Client
	opts Options
	log  *slog.Logger

	mu        sync.Mutex
	endpoints map[string]*endpoint
	resources map[string]*resource
	seq       uint64 // resources made so far
	closed    bool
	wg        sync.WaitGroup
}

// New returns a Handler that makes its sessions on c. Add endpoints with
// Publish, Subscribe and Watch.
func New(c *core.Client, opts Options) *Handler {
	if opts.SetupTimeout <= 0 {
		opts.SetupTimeout = 30 * time.Second
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 15 * time.Second
	}
	if opts.MediaTimeout == 0 {
		opts.MediaTimeout = 10 * time.Second
	}
	if opts.AllowOrigin == "" {
		opts.AllowOrigin = "*"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{c: c, opts: opts, log: log, endpoints: map[string]*endpoint{}, resources: map[string]*resource{}}
}

// endpoint is one URL path that answers POST.
type endpoint struct {
	path   string
	kind   string // "whip", "whep"
	access Access
	// start makes the resource's Janus side from the client's SDP offer
	// (empty in the server-offer flow).
	start func(ctx context.Context, r *http.Request, s *core.Session, offer string) (*peerSide, error)
}

// add registers an endpoint.
func (h *Handler) add(ep *endpoint) error {
	if !strings.HasPrefix(ep.path, "/") || strings.HasSuffix(ep.path, "/") && ep.path != "/" {
		return fmt.Errorf("whip: endpoint path %q must start and not end with /", ep.path)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.endpoints[ep.path]; dup {
		return fmt.Errorf("whip: endpoint %s is already registered", ep.path)
	}
	h.endpoints[ep.path] = ep
	return nil
}

// Len returns the number of resources, counting those whose teardown is
// under way.
func (h *Handler) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.resources)
}

// Close tears down every resource (leave, hangup, detach, session
// destroyed) and makes new POSTs fail with 503. It returns when every
// resource has ended or ctx is done.
func (h *Handler) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	var all []*resource
	for _, r := range h.resources {
		all = append(all, r)
	}
	h.mu.Unlock()
	for _, r := range all {
		h.end(r, whyClosed, "", true)
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The methods an endpoint and a resource take (Allow).
const (
	endpointMethods = "POST, OPTIONS"
	resourceMethods = "PATCH, DELETE, OPTIONS"
)

// ServeHTTP routes a request to an endpoint (POST, OPTIONS) or to one of
// its resources (PATCH, DELETE, OPTIONS).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.cors(w)
	path := r.URL.Path
	h.mu.Lock()
	ep := h.endpoints[path]
	var res *resource
	if ep == nil {
		if i := strings.LastIndexByte(path, '/'); i > 0 {
			if e := h.endpoints[path[:i]]; e != nil {
				ep = e
				res = h.resources[path[i+1:]]
				if res == nil || res.ep != e {
					h.mu.Unlock()
					if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
						// A browser's preflight: allowed as on a live
						// resource, so that the page reads the 404 of its
						// request rather than a CORS failure.
						h.options(w, r, e, resourceMethods)
						return
					}
					h.answer(w, r, failf(http.StatusNotFound, "no such resource"))
					return
				}
			}
		}
	}
	h.mu.Unlock()
	if ep == nil {
		h.answer(w, r, failf(http.StatusNotFound, "no such endpoint"))
		return
	}
	allow := endpointMethods
	if res != nil {
		allow = resourceMethods
	}
	if r.Method == http.MethodOptions {
		h.options(w, r, ep, allow)
		return
	}
	if !slices.Contains(strings.Split(allow, ", "), r.Method) {
		w.Header().Set("Allow", allow)
		h.answer(w, r, failf(http.StatusMethodNotAllowed, "%s is not allowed here", r.Method))
		return
	}
	if err := ep.access.check(r); err != nil {
		h.answer(w, r, err)
		return
	}
	switch r.Method {
	case http.MethodPost:
		h.post(w, r, ep)
	case http.MethodPatch:
		h.patch(w, r, res)
	case http.MethodDelete:
		if !h.end(res, whyDeleted, "", true) {
			h.notFound(w, r, res)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}

// cors sets the headers every answer carries for browser clients.
func (h *Handler) cors(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", h.opts.AllowOrigin)
	hd.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch, Accept-Post")
	if h.opts.AllowOrigin != "*" {
		hd.Add("Vary", "Origin")
	}
}

// options answers a preflight or a client's OPTIONS: the methods, the
// headers and, for a client allowed on the endpoint, the ICE servers.
func (h *Handler) options(w http.ResponseWriter, r *http.Request, ep *endpoint, allow string) {
	hd := w.Header()
	hd.Set("Allow", allow)
	hd.Set("Access-Control-Allow-Methods", allow)
	hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
	hd.Set("Access-Control-Max-Age", "86400")
	if strings.Contains(allow, "POST") {
		hd.Set("Accept-Post", ContentTypeSDP)
	} else {
		hd.Set("Accept-Patch", ContentTypeFragment)
	}
	// A preflight carries no Authorization; a client's own OPTIONS may,
	// and then learns the ICE servers before it offers.
	if r.Header.Get("Access-Control-Request-Method") == "" && ep.access.check(r) == nil {
		h.links(w)
	}
	w.WriteHeader(http.StatusNoContent)
}

// links adds a Link header per ICE server URL.
func (h *Handler) links(w http.ResponseWriter) {
	for _, s := range h.opts.ICEServers {
		for _, u := range s.URLs {
			v := "<" + u + `>; rel="ice-server"`
			if s.Username != "" || s.Credential != "" {
				v += fmt.Sprintf(`; username=%q; credential=%q; credential-type="password"`, s.Username, s.Credential)
			}
			w.Header().Add("Link", v)
		}
	}
}

// answer writes an error's status and reason.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	var e *Error
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="gojanus"`
		if errors.As(err, &e) && e.invalidToken {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	if status == http.StatusNotAcceptable {
		w.Header().Set("Accept-Post", ContentTypeSDP)
	}
	reason := err.Error()
	if errors.As(err, &e) && e.Err == nil {
		reason = e.Reason
	}
	if status >= 500 {
		h.log.Warn("whip: request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, reason+"\n")
}

// body reads the request body after checking its content type against
// the allowed ones; empty bodies are allowed when empty is set.
func body(r *http.Request, empty bool, types ...string) (string, string, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return "", "", failf(http.StatusBadRequest, "reading the body: %v", err)
	}
	if len(b) == 0 && empty {
		return "", "", nil
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(types, ct) {
		return "", "", failf(http.StatusUnsupportedMediaType, "the body must be %s", strings.Join(types, " or "))
	}
	if len(b) == 0 {
		return "", "", failf(http.StatusBadRequest, "the body is empty")
	}
	return string(b), ct, nil
}

// post makes a resource: a session, the endpoint's handle and the
// negotiation, then answers 201 with the SDP, Location and ETag.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, ep *endpoint) {
	offer, _, err := body(r, ep.kind == "whep", ContentTypeSDP)
	if err != nil {
		h.answer(w, r, err)
		return
	}
	if offer != "" && (!looksLikeSDP(offer) || len(mediaSections(offer)) == 0) {
		h.answer(w, r, failf(http.StatusUnprocessableEntity, "the body is no SDP offer with media"))
		return
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		h.answer(w, r, failf(http.StatusServiceUnavailable, "the server is shutting down"))
		return
	}
	if st := h.c.State(); st != core.StateConnected && st != core.StateReconnected {
		// Requests would wait for the reconnect: say it at once.
		h.answer(w, r, failf(http.StatusServiceUnavailable, "Janus is unreachable (%s)", st))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	s, err := h.c.CreateSession(ctx)
	if err != nil {
		h.answer(w, r, err)
		return
	}
	side, err := ep.start(ctx, r, s, offer)
	if err != nil {
		destroyQuietly(s, h.opts.RequestTimeout)
		h.answer(w, r, err)
		return
	}
	res := &resource{id: randomHex(16), ep: ep, s: s, side: side, etag: `"` + randomHex(8) + `"`,
		done: make(chan struct{}), gone: make(chan struct{}), up: make(chan struct{})}
	res.clientSDP = offer
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		destroyQuietly(s, h.opts.RequestTimeout)
		h.answer(w, r, failf(http.StatusServiceUnavailable, "the server is shutting down"))
		return
	}
	h.seq++
	res.seq = h.seq
	h.resources[res.id] = res
	h.wg.Add(1)
	h.mu.Unlock()
	go h.watch(res)
	args := []any{"endpoint", ep.path, "resource", res.id, "session", s.ID(), "server_offer", side.serverOffer()}
	if side.publisher() {
		args = append(args, "room", side.room, "feed", side.feed, "display", side.display)
	}
	h.log.Info("whip: resource created", args...)

	hd := w.Header()
	hd.Set("Location", locationOf(r, res.id))
	hd.Set("ETag", res.etag)
	hd.Set("Content-Type", ContentTypeSDP)
	hd.Set("Accept-Patch", ContentTypeFragment)
	h.links(w)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, side.sdp)
}

// waitSettingUp waits until every WHIP resource of the handler that
// publishes what sel picks (its Feed or Display in its Room) and that
// is still setting up has its PeerConnection up, or has ended: Janus
// lists a publisher only from then on. It returns ctx's error, as a
// 504, when ctx ends first.
func (h *Handler) waitSettingUp(ctx context.Context, sel Subscription) error {
	if len(sel.Streams) > 0 || sel.Feed.IsZero() && sel.Display == "" {
		return nil
	}
	h.mu.Lock()
	var pending []*resource
	for _, r := range h.resources {
		p := r.side
		if r.ended() || !p.publisher() || p.room != sel.Room || (sel.Feed.IsZero() && p.display != sel.Display) || (!sel.Feed.IsZero() && p.feed != sel.Feed) {
			continue
		}
		select {
		case <-r.up:
		default:
			pending = append(pending, r)
		}
	}
	h.mu.Unlock()
	for _, r := range pending {
		select {
		case <-r.up:
		case <-r.done:
		case <-ctx.Done():
			return &Error{Status: http.StatusGatewayTimeout, Reason: "the publisher is still setting up", Err: ctx.Err()}
		}
	}
	return nil
}

// latestPublisher returns, of feeds in room, the one whose WHIP
// resource of this handler was made last.
func (h *Handler) latestPublisher(room core.ID, feeds []core.ID) (core.ID, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var best *resource
	for _, r := range h.resources {
		if !r.ended() && r.side.publisher() && r.side.room == room && slices.Contains(feeds, r.side.feed) && (best == nil || r.seq > best.seq) {
			best = r
		}
	}
	if best == nil {
		return core.ID{}, false
	}
	return best.side.feed, true
}

// locationOf is the path of a new resource: the endpoint's path as the
// client asked for it (before any http.StripPrefix), then the id.
func locationOf(r *http.Request, id string) string {
	p := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		p = u.Path
	}
	return strings.TrimSuffix(p, "/") + "/" + id
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// destroyQuietly destroys a session within its own deadline.
func destroyQuietly(s *core.Session, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_ = s.Destroy(ctx)
}
