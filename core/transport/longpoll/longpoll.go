// Package longpoll is the HTTP transport for the Janus API and the admin
// API: requests are POSTed to /janus[/session[/handle]] and the events of
// each live session are fetched by long polls (GET /janus/<session>).
//
// Every answer to a POST and every polled event is handed to Recv, so the
// core sees one stream of messages, exactly as over a WebSocket. A poll
// that fails (network error, server restart) is retried with a growing
// delay until the session is closed; a poll that finds the session gone
// (HTTP 404 from Janus, or error 458) ends polling and is passed on so
// the core can end the session: as the session's "timeout" event when
// the polls before it succeeded (Janus drops that event when no poll
// waits for it), as error 458 after failed polls.
//
// Natively the requests go through net/http (with the options' HTTP
// client, TLS configuration and headers). In JavaScript builds (GOOS=js)
// they go through the runtime's fetch, in browsers and in Node alike, and
// the build has no net/http or crypto/tls in it.
package longpoll

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gojanus/gojanus/core/internal/dialerr"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/transport"
)

// Transport talks to Janus over HTTP.
type Transport struct {
	base      string // e.g. http://127.0.0.1:8088/janus, no trailing slash
	http      requester
	readLimit int64
	maxEvents int
	want      int // wantAny, wantAPI or wantAdmin (checked by Probe)

	in     chan inbound
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	polls map[uint64]context.CancelFunc
	wg    sync.WaitGroup
}

var (
	_ transport.Transport       = (*Transport)(nil)
	_ transport.SessionObserver = (*Transport)(nil)
)

// DefaultMaxEvents is the default number of events one long poll returns.
const DefaultMaxEvents = 10

// New returns a transport for base, the URL of the Janus API endpoint
// ("http://host:8088/janus") or of the admin endpoint
// ("http://host:7088/admin"). It does not contact the server.
func New(base string, opts transport.Options) (*Transport, error) {
	scheme, rest, ok := strings.Cut(base, "://")
	if scheme = strings.ToLower(scheme); !ok || (scheme != "http" && scheme != "https") {
		return nil, fmt.Errorf("longpoll: URL scheme must be http or https: %q", dialerr.CleanURL(base))
	}
	if rest == "" || rest[0] == '/' {
		return nil, fmt.Errorf("longpoll: URL has no host: %q", dialerr.CleanURL(base))
	}
	req, err := newRequester(opts)
	if err != nil {
		return nil, err
	}
	limit := opts.ReadLimit
	if limit <= 0 {
		limit = transport.DefaultReadLimit
	}
	maxev := opts.MaxEvents
	if maxev <= 0 {
		maxev = DefaultMaxEvents
	}
	want := wantAny
	switch opts.Subprotocol {
	case "janus-admin-protocol": // ws.AdminProtocol
		want = wantAdmin
	case "":
	default:
		want = wantAPI
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Transport{
		want:      want,
		base:      strings.TrimRight(base, "/"),
		http:      req,
		readLimit: limit,
		maxEvents: maxev,
		in:        make(chan inbound, 256),
		ctx:       ctx,
		cancel:    cancel,
		polls:     make(map[uint64]context.CancelFunc),
	}, nil
}

// Send POSTs the request and queues the server's answer for Recv.
func (t *Transport) Send(ctx context.Context, req transport.Request) error {
	if t.ctx.Err() != nil {
		return transport.ErrClosed
	}
	path := t.base
	if req.Session != 0 {
		path += "/" + strconv.FormatUint(req.Session, 10)
		if req.Handle != 0 {
			path += "/" + strconv.FormatUint(req.Handle, 10)
		}
	}
	if req.Background {
		// Nobody waits (the client's keepalives, sent for all its
		// sessions from one loop, which a server that does not answer
		// must not hold up): the answer reaches Recv as any other; a
		// request that fails has none, and the client's timer reports
		// it.
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.ctx.Err() != nil {
			return transport.ErrClosed
		}
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			ctx, cancel := withDue(t.ctx, req.Due)
			defer cancel()
			_ = t.post(ctx, path, req.Body)
		}()
		return nil
	}
	// Stop the request when the caller or the transport gives up, or
	// when its answer is due.
	ctx, stop := mergeCancel(ctx, t.ctx)
	defer stop()
	ctx, cancel := withDue(ctx, req.Due)
	defer cancel()
	return t.post(ctx, path, req.Body)
}

// post POSTs body to path and hands the answer to Recv.
func (t *Transport) post(ctx context.Context, path string, body []byte) error {
	answer, err := t.do(ctx, "POST", path, body)
	if err != nil {
		return err
	}
	return t.deliver(ctx, answer)
}

// withDue returns ctx with the deadline due, unless due is zero.
func withDue(ctx context.Context, due time.Time) (context.Context, context.CancelFunc) {
	if due.IsZero() {
		return ctx, func() {}
	}
	return context.WithDeadline(ctx, due)
}

// inbound is what Recv returns next: a message, or the news that a
// session's events may be lost.
type inbound struct {
	body []byte
	lost *transport.EventsLost
}

// Recv returns the next answer or event, or a *transport.EventsLost after
// a poll that failed once it was sent.
func (t *Transport) Recv(ctx context.Context) ([]byte, error) {
	select {
	case in := <-t.in:
		if in.lost != nil {
			return nil, in.lost
		}
		return in.body, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.ctx.Done():
		return nil, transport.ErrClosed
	}
}

// Close stops every poll and in-flight request, waits for the pollers and
// closes the idle connections of its own HTTP client.
func (t *Transport) Close() error {
	t.mu.Lock() // no goroutine starts after this (see Send, SessionOpened)
	t.cancel()
	t.mu.Unlock()
	t.wg.Wait()
	t.http.closeIdle()
	return nil
}

// SessionOpened starts long-polling the session's events.
func (t *Transport) SessionOpened(s transport.Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx.Err() != nil {
		return
	}
	if _, ok := t.polls[s.ID]; ok {
		return
	}
	ctx, cancel := context.WithCancel(t.ctx)
	t.polls[s.ID] = cancel
	t.wg.Add(1)
	go t.poll(ctx, s)
}

// SessionClosed stops long-polling the session.
func (t *Transport) SessionClosed(id uint64) {
	t.mu.Lock()
	cancel := t.polls[id]
	delete(t.polls, id)
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// poll runs one session's long-poll loop.
func (t *Transport) poll(ctx context.Context, s transport.Session) {
	defer t.wg.Done()
	defer t.SessionClosed(s.ID)
	// The query: maxev, the session's credentials, and a request id that
	// keeps caches out of the way.
	endpoint := t.base + "/" + strconv.FormatUint(s.ID, 10) + "?maxev=" + strconv.Itoa(t.maxEvents)
	if s.APISecret != "" {
		endpoint += "&apisecret=" + queryEscape(s.APISecret)
	}
	if s.Token != "" {
		endpoint += "&token=" + queryEscape(s.Token)
	}
	failures := 0
	for ctx.Err() == nil {
		body, err := t.do(ctx, "GET", endpoint+"&rid="+strconv.FormatInt(time.Now().UnixMilli(), 10), nil)
		if sessionGone(body, err) {
			// Tell the core, which ends the session, then stop.
			_ = t.deliver(ctx, sessionEnd(s.ID, failures == 0))
			return
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !errors.Is(err, transport.ErrNotDelivered) {
				// The poll reached the server, which may have put events
				// in an answer that never arrived.
				if t.send(ctx, inbound{lost: &transport.EventsLost{Session: s.ID, Err: err}}) != nil {
					return
				}
			}
			failures++
			if !sleep(ctx, backoff(failures)) {
				return
			}
			continue
		}
		failures = 0
		if err := t.deliver(ctx, body); err != nil {
			return
		}
	}
}

// sessionEnd is the message passed on for a session the server no longer
// knows, found by a poll. Janus ends a session that expires by queueing
// its "timeout" event, then dropping the session's queue at once
// (janus_check_sessions, then janus_http_session_over): a poll waiting at
// that moment gets the event, but one made a moment later, after the
// previous poll returned (with the handles' "detached" events, say), gets
// 404 instead. So a session gone while the polls before succeeded is
// passed on as the timeout Janus meant (which the core reports as over a
// WebSocket); after failed polls (the server was unreachable, perhaps
// restarted) it is passed on as error 458, no such session.
func sessionEnd(id uint64, timedOut bool) []byte {
	sid := strconv.FormatUint(id, 10)
	if timedOut {
		return []byte(`{"janus":"timeout","session_id":` + sid + `}`)
	}
	return []byte(`{"janus":"error","session_id":` + sid + `,"error":{"code":458,"reason":"No such session ` + sid + `"}}`)
}

// do sends one request and returns the body of its 200 answer.
func (t *Transport) do(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	status, text, b, err := t.http.request(ctx, method, url, body, t.readLimit)
	if err != nil {
		return nil, err
	}
	if status != 200 {
		return nil, &StatusError{Code: status, Status: strings.TrimSpace(strconv.Itoa(status) + " " + text), Body: snippet(b)}
	}
	return b, nil
}

// errTooLarge is the error of an answer over the read limit.
func errTooLarge(limit int64, url string) error {
	path := url
	if _, rest, ok := strings.Cut(url, "://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	return errfmt.Errorf("%w: more than %d bytes from %s", transport.ErrFrameTooLarge, limit, dialerr.CleanURL(path))
}

// queryEscape percent-encodes s for a URL query (everything but the
// unreserved characters of RFC 3986).
func queryEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// deliver hands a message to Recv.
func (t *Transport) deliver(ctx context.Context, body []byte) error {
	return t.send(ctx, inbound{body: body})
}

// send queues in for Recv.
func (t *Transport) send(ctx context.Context, in inbound) error {
	select {
	case t.in <- in:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.ctx.Done():
		return transport.ErrClosed
	}
}

// StatusError is an HTTP answer other than 200 OK (Janus itself answers
// 200 even for API errors, so this means a proxy or a wrong URL).
type StatusError struct {
	Code   int    // the HTTP status code
	Status string // the code and its text, e.g. "404 Not Found"
	Body   string // the start of the answer's body
}

// requester sends one HTTP request: net/http natively, fetch in
// JavaScript. It returns the status, its text and the body, refusing a
// body longer than limit (errTooLarge).
type requester interface {
	request(ctx context.Context, method, url string, body []byte, limit int64) (status int, text string, b []byte, err error)
	// closeIdle closes idle connections the requester made itself.
	closeIdle()
}

// Error formats the HTTP status and the start of the body.
func (e *StatusError) Error() string {
	if e.Body == "" {
		return "janus http: " + e.Status
	}
	return "janus http: " + e.Status + ": " + e.Body
}

// snippet returns the start of an error answer's body for the error
// message; an HTML page (a web server's error page) says nothing useful
// there and is left out.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "<") {
		return ""
	}
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// sessionGone reports whether a poll's answer says that the server no
// longer knows the session: HTTP 404 (Janus's HTTP transport has no event
// queue for it) or error 458 (no such session).
func sessionGone(body []byte, err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == 404
	}
	if err != nil || !bytes.Contains(body, []byte(`458`)) {
		return false
	}
	var m struct {
		Janus string `json:"janus"`
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	return json.Unmarshal(body, &m) == nil && m.Janus == "error" && m.Error.Code == 458
}

func backoff(failures int) time.Duration {
	d := 250 * time.Millisecond << min(failures-1, 5)
	return min(d, 5*time.Second)
}

func sleep(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// mergeCancel returns a context done when a or b is done.
func mergeCancel(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	return ctx, func() { stop(); cancel() }
}

// Probe checks that the endpoint answers and is the API wanted (the admin
// API when the options' Subprotocol is "janus-admin-protocol", the Janus
// API for any other non-empty one), so that a dial fails at once on a
// wrong or dead server and a server list can move on to the next one.
//
// It POSTs a list_sessions request without credentials: the Janus API
// endpoint refuses it at its root path with error 457, while the admin
// endpoint answers it (or refuses it with 403 when it has a secret).
// Errors start with "janus:"; a reachable URL that is not the wanted
// endpoint matches transport.ErrWrongEndpoint.
func (t *Transport) Probe(ctx context.Context) error {
	body, err := t.do(ctx, "POST", t.base, []byte(`{"janus":"list_sessions","transaction":"gojanus-probe"}`))
	var se *StatusError
	switch {
	case errors.As(err, &se):
		return &dialerr.Error{
			Msg:   "janus: " + dialerr.CleanURL(t.base) + " is not a Janus endpoint (POST answered " + se.Status + "); the Janus API's path usually ends in /janus (port 8088), the admin API's in /admin (port 7088)",
			Err:   err,
			Match: transport.ErrWrongEndpoint,
		}
	case err != nil:
		return dialerr.New(dialerr.HTTP, t.base, dialerr.Describe(dialerr.HTTP, err), err)
	}
	var m struct {
		Janus string `json:"janus"`
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil || m.Janus == "" {
		return &dialerr.Error{Msg: "janus: " + dialerr.CleanURL(t.base) + " is not a Janus endpoint (its answer is not a Janus message)", Match: transport.ErrWrongEndpoint}
	}
	isAPI := m.Janus == "error" && m.Error.Code == 457
	switch {
	case t.want == wantAdmin && isAPI:
		return dialerr.WrongEndpoint(t.base, true, nil)
	case t.want == wantAPI && !isAPI:
		return dialerr.WrongEndpoint(t.base, false, nil)
	}
	return nil
}

// What a transport's user wants to reach.
const (
	wantAny = iota
	wantAPI
	wantAdmin
)
