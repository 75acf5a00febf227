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
	RequestTimeout time.Duration
	// Logger receives one line per resource created and ended; nil
	// discards them.
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
// A request without a bearer token is answered 401, one whose token is
// refused 403.
type Access struct {
	// Token is the one bearer token accepted.
	Token string `json:"-"`
	// Authorize, when set, decides instead of Token: it returns nil to
	// accept, an *Error to answer with its status, any other error 403.
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
			return &Error{Status: http.StatusForbidden, Reason: "token refused", Err: err}
		}
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(a.Token)) != 1 {
		return failf(http.StatusForbidden, "token refused")
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

// Len returns the number of live resources.
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
		h.end(r, "handler closed", true)
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
		if !h.end(res, "deleted", true) {
			h.answer(w, r, failf(http.StatusNotFound, "no such resource"))
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
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gojanus"`)
	}
	if status == http.StatusNotAcceptable {
		w.Header().Set("Accept-Post", ContentTypeSDP)
	}
	var e *Error
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
	res := &resource{id: randomHex(16), ep: ep, s: s, side: side, etag: `"` + randomHex(8) + `"`, done: make(chan struct{})}
	res.clientSDP = offer
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		destroyQuietly(s, h.opts.RequestTimeout)
		h.answer(w, r, failf(http.StatusServiceUnavailable, "the server is shutting down"))
		return
	}
	h.resources[res.id] = res
	h.wg.Add(1)
	h.mu.Unlock()
	go h.watch(res)
	h.log.Info("whip: resource created", "endpoint", ep.path, "resource", res.id, "session", s.ID(), "server_offer", side.serverOffer())

	hd := w.Header()
	hd.Set("Location", locationOf(r, res.id))
	hd.Set("ETag", res.etag)
	hd.Set("Content-Type", ContentTypeSDP)
	hd.Set("Accept-Patch", ContentTypeFragment)
	h.links(w)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, side.sdp)
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
