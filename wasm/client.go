//go:build js && wasm

package main

import (
	"context"
	"errors"
	"sync"
	"syscall/js"
	"time"

	"github.com/gojanus/gojanus/core"
)

// defaultConnectTimeout bounds connect and connectAdmin unless the caller
// gives connectTimeout.
const defaultConnectTimeout = 20 * time.Second

// Prototypes of the objects handed to JavaScript.
var (
	clientProto  js.Value
	sessionProto js.Value
	handleProto  js.Value
)

func initClientProtos() {
	et := jsGlobal.Get("EventTarget").Get("prototype")
	clientProto = newProto(et, map[string]func(js.Value, []js.Value) any{
		"info":          method("client", clientInfo),
		"createSession": method("client", clientCreateSession),
		"claimSession":  method("client", clientClaimSession),
		"close":         closeMethod("client", clientClose),
	})
	sessionProto = newProto(et, map[string]func(js.Value, []js.Value) any{
		"attach":             method("session", sessionAttach),
		"attachVideoRoom":    method("session", sessionAttachVideoRoom),
		"joinVideoRoom":      method("session", sessionJoinVideoRoom),
		"subscribeVideoRoom": method("session", sessionSubscribeVideoRoom),
		"attachEchoTest":     method("session", sessionAttachEchoTest),
		"keepalive":          method("session", sessionKeepalive),
		"destroy":            method("session", sessionDestroy),
	})
	handleProto = newProto(et, handleMethods())
}

// handleMethods are the methods of every handle object (the plugin
// specific prototypes inherit them).
func handleMethods() map[string]func(js.Value, []js.Value) any {
	return map[string]func(js.Value, []js.Value) any{
		"message":  method("handle", handleMessage),
		"post":     method("handle", handlePost),
		"trickle":  method("handle", handleTrickle),
		"hangup":   method("handle", handleHangup),
		"detach":   method("handle", handleDetach),
		"getStats": method("handle", handleGetStats),
	}
}

// clientState is the Go side of a Client object.
type clientState struct {
	id  int
	obj js.Value
	c   *core.Client

	mu     sync.Mutex
	states chan stateChange
	last   string
}

type stateChange struct {
	state string
	err   error
}

// connect(url | urls, options) -> Promise<Client>
func connect(_ js.Value, args []js.Value) any {
	urls, err := urlsArg(arg(args, 0))
	if err != nil {
		return rejected(err)
	}
	opts := arg(args, 1)
	return async(opts, func(ctx context.Context) (any, error) {
		coreOpts, timeout, err := clientOptions(opts)
		if err != nil {
			return nil, err
		}
		cs := &clientState{states: make(chan stateChange, 64), last: "connected"}
		coreOpts = append(coreOpts, core.WithStateHandler(func(st core.ConnState, err error) {
			select {
			case cs.states <- stateChange{state: st.String(), err: err}:
			default: // a JavaScript side this far behind only needs the last state
			}
		}))
		dctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		c, err := core.DialServers(dctx, urls, coreOpts...)
		if err != nil {
			return nil, &connectError{urls: urls, err: err}
		}
		cs.c = c
		cs.id = objects.add(cs)
		cs.obj = newObject(clientProto, cs.id)
		cs.obj.Set("state", "connected")
		go cs.watch()
		return cs.obj, nil
	})
}

// urlsArg accepts one URL or an array of URLs (tried in order).
func urlsArg(v js.Value) ([]string, error) {
	switch {
	case v.Type() == js.TypeString:
		return []string{v.String()}, nil
	case v.Type() == js.TypeObject && jsArray.Call("isArray", v).Bool():
		var urls []string
		for i := 0; i < v.Length(); i++ {
			if v.Index(i).Type() != js.TypeString {
				return nil, typeError("gojanus: server URLs must be strings")
			}
			urls = append(urls, v.Index(i).String())
		}
		if len(urls) > 0 {
			return urls, nil
		}
	}
	return nil, typeError("gojanus: connect needs a server URL (ws://, wss://, http:// or https://) or an array of them")
}

// clientOptions converts connect's options, and returns the connect
// timeout.
func clientOptions(opts js.Value) ([]core.Option, time.Duration, error) {
	r := readOptions(opts, "connect options")
	var o []core.Option
	if s := r.str("apiSecret"); s != "" {
		o = append(o, core.WithAPISecret(s))
	}
	if s := r.str("token"); s != "" {
		o = append(o, core.WithToken(s))
	}
	if d, ok := r.millis("keepalive"); ok {
		o = append(o, core.WithKeepalive(d))
	}
	if d, ok := r.millis("transactionTimeout"); ok && d > 0 {
		o = append(o, core.WithTransactionTimeout(d))
	}
	if n, ok := r.count("eventBuffer"); ok && n > 0 {
		o = append(o, core.WithEventBuffer(n))
	}
	timeout := defaultConnectTimeout
	if d, ok := r.millis("connectTimeout"); ok && d > 0 {
		timeout = d
	}
	if opts.Type() == js.TypeObject && r.err == nil {
		switch v := opts.Get("reconnect"); v.Type() {
		case js.TypeUndefined, js.TypeNull:
		case js.TypeBoolean:
			if !v.Bool() {
				o = append(o, core.WithReconnect(core.ReconnectPolicy{Disabled: true}))
			}
		case js.TypeObject:
			rp := readOptions(v, "connect options: reconnect")
			p := core.DefaultReconnectPolicy
			if d, ok := rp.millis("initial"); ok {
				p.Initial = d
			}
			if d, ok := rp.millis("max"); ok {
				p.Max = d
			}
			if d, ok := rp.millis("maxElapsed"); ok {
				p.MaxElapsed = d
			}
			if n, ok := rp.count("maxAttempts"); ok {
				p.MaxAttempts = n
			}
			if rp.err != nil {
				return nil, 0, rp.err
			}
			o = append(o, core.WithReconnect(p))
		default:
			return nil, 0, typeError("gojanus: connect options: \"reconnect\" must be a boolean or an object, not %s", jsTypeOf(v))
		}
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	if l, err := loggerFor(opts); err != nil {
		return nil, 0, err
	} else if l != nil {
		o = append(o, core.WithLogger(l))
	}
	return o, timeout, nil
}

// watch delivers the client's state changes in order, and ends the object
// with the client.
func (cs *clientState) watch() {
	for {
		select {
		case st := <-cs.states:
			cs.setState(st)
		case <-cs.c.Done():
			for {
				select {
				case st := <-cs.states:
					cs.setState(st)
					continue
				default:
				}
				break
			}
			final := stateChange{state: "closed"}
			if err := cs.c.Err(); err != nil && !errors.Is(err, core.ErrClosed) {
				final = stateChange{state: "lost", err: err}
			}
			cs.setState(final)
			objects.remove(cs.id)
			return
		}
	}
}

func (cs *clientState) setState(st stateChange) {
	cs.mu.Lock()
	same := st.state == cs.last && st.state != "reconnected"
	cs.last = st.state
	cs.mu.Unlock()
	if same {
		return
	}
	cur := st.state
	if cur == "reconnected" {
		cur = "connected"
	}
	cs.obj.Set("state", cur)
	emit(cs.obj, toJS(map[string]any{"type": "state", "state": st.state, "error": errString(st.err)}))
}

func clientInfo(ctx context.Context, cs *clientState, _ []js.Value) (any, error) {
	info, err := cs.c.Info(ctx)
	if err != nil {
		return nil, err
	}
	return info.Raw, nil
}

// callOptions reads {token, apiSecret} for one request.
func callOptions(opts js.Value) ([]core.CallOption, error) {
	r := readOptions(opts, "options")
	var o []core.CallOption
	if s := r.str("token"); s != "" {
		o = append(o, core.WithCallToken(s))
	}
	if s := r.str("apiSecret"); s != "" {
		o = append(o, core.WithCallAPISecret(s))
	}
	return o, r.err
}

func clientCreateSession(ctx context.Context, cs *clientState, args []js.Value) (any, error) {
	co, err := callOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	s, err := cs.c.CreateSession(ctx, co...)
	if err != nil {
		return nil, err
	}
	return newSessionState(cs, s).obj, nil
}

func clientClaimSession(ctx context.Context, cs *clientState, args []js.Value) (any, error) {
	id, err := uintArg(args, 0, "session id")
	if err != nil {
		return nil, err
	}
	co, err := callOptions(arg(args, 1))
	if err != nil {
		return nil, err
	}
	s, err := cs.c.ClaimSession(ctx, id, co...)
	if err != nil {
		return nil, err
	}
	return newSessionState(cs, s).obj, nil
}

func clientClose(_ context.Context, cs *clientState, _ []js.Value) (any, error) {
	err := cs.c.Close()
	if errors.Is(err, core.ErrClosed) {
		err = nil
	}
	releaseIdleTimeout()
	return nil, err
}

// releaseIdleTimeout lets Node exit once nothing is left to do. Go's js
// runtime keeps one JavaScript timeout for its nearest timer, and does not
// clear it when that timer is stopped (a keepalive period, 25 s, after the
// last client closed); a short sleep makes the runtime replace it with a
// 1 ms one.
func releaseIdleTimeout() {
	time.Sleep(time.Millisecond)
}

// sessionState is the Go side of a Session object.
type sessionState struct {
	id     int
	obj    js.Value
	s      *core.Session
	client *clientState
}

func newSessionState(cs *clientState, s *core.Session) *sessionState {
	ss := &sessionState{s: s, client: cs}
	ss.id = objects.add(ss)
	ss.obj = newObject(sessionProto, ss.id)
	define(ss.obj, "id", float64(s.ID()), true)
	go ss.loop()
	return ss
}

// loop delivers the session's events and ends the object with it.
func (ss *sessionState) loop() {
	for ev := range ss.s.Events() {
		emit(ss.obj, eventJS(ev))
	}
	objects.remove(ss.id)
	emit(ss.obj, endEvent(ss.s.Err()))
}

func sessionKeepalive(ctx context.Context, ss *sessionState, _ []js.Value) (any, error) {
	return nil, ss.s.Keepalive(ctx)
}

func sessionDestroy(ctx context.Context, ss *sessionState, _ []js.Value) (any, error) {
	return nil, ss.s.Destroy(ctx)
}

// attachOptions reads {opaqueId, token, apiSecret} of an attach.
func attachOptions(opts js.Value) ([]core.CallOption, error) {
	o, err := callOptions(opts)
	if err != nil {
		return nil, err
	}
	r := readOptions(opts, "attach options")
	if s := r.str("opaqueId"); s != "" {
		o = append(o, core.WithOpaqueID(s))
	}
	return o, r.err
}

func sessionAttach(ctx context.Context, ss *sessionState, args []js.Value) (any, error) {
	plugin := arg(args, 0)
	if plugin.Type() != js.TypeString || plugin.String() == "" {
		return nil, typeError("gojanus: attach needs a plugin package name, e.g. \"janus.plugin.echotest\"")
	}
	ao, err := attachOptions(arg(args, 1))
	if err != nil {
		return nil, err
	}
	h, err := ss.s.Attach(ctx, plugin.String(), ao...)
	if err != nil {
		return nil, err
	}
	hs := newHandleState(ss, h)
	obj := hs.addObject(handleProto)
	hs.start()
	return obj, nil
}

// handleState is the Go side of a handle, shared by the JavaScript objects
// that stand for it (a VideoRoom handle and the Publisher joined on it).
type handleState struct {
	sess *sessionState
	h    *core.Handle

	mu         sync.Mutex
	ids        []int
	objs       []js.Value
	started    bool
	ended      bool
	plugin     pluginState
	media      *mediaState
	stopRoster func()
}

// pluginState holds the typed plugin view of a handle, if any.
type pluginState struct {
	videoroom  *videoRoomView
	echotest   *echoTestView
	publisher  *publisherView
	subscriber *subscriberView
}

func newHandleState(ss *sessionState, h *core.Handle) *handleState {
	return &handleState{sess: ss, h: h}
}

// addObject creates one more JavaScript object for the handle.
func (hs *handleState) addObject(proto js.Value) js.Value {
	id := objects.add(hs)
	obj := newObject(proto, id)
	define(obj, "id", float64(hs.h.ID()), true)
	define(obj, "plugin", hs.h.Plugin(), true)
	if o := hs.h.OpaqueID(); o != "" {
		define(obj, "opaqueId", o, true)
	}
	define(obj, "session", hs.sess.obj, false)
	hs.mu.Lock()
	ended := hs.ended
	if !ended {
		hs.ids = append(hs.ids, id)
		hs.objs = append(hs.objs, obj)
	}
	hs.mu.Unlock()
	if ended {
		objects.remove(id)
	}
	return obj
}

// start starts delivering the handle's events (once).
func (hs *handleState) start() {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if !hs.started {
		hs.started = true
		go hs.loop()
	}
}

// targets returns the handle's JavaScript objects.
func (hs *handleState) targets() []js.Value {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]js.Value(nil), hs.objs...)
}

func (hs *handleState) emit(ev js.Value) {
	for _, o := range hs.targets() {
		emit(o, ev)
	}
}

// loop delivers the handle's events; when the handle ends it releases
// everything the handle holds (PeerConnection, local tracks, roster
// callback, registry entries) and sends "ended".
func (hs *handleState) loop() {
	for ev := range hs.h.Events() {
		hs.internal(ev)
		hs.emit(eventJS(ev))
	}
	hs.mu.Lock()
	hs.ended = true
	ids, objs := hs.ids, hs.objs
	stop := hs.stopRoster
	hs.stopRoster = nil
	hs.mu.Unlock()
	for _, id := range ids {
		objects.remove(id)
	}
	if stop != nil {
		stop()
	}
	hs.closeMedia()
	ev := endEvent(hs.h.Err())
	for _, o := range objs {
		emit(o, ev)
	}
}

// internal acts on the events the wasm layer handles itself: Janus's
// candidates and renegotiation offers go to the PeerConnection
// (core.HandleNegotiation), a subscription's streams are kept current,
// and a hangup releases the media.
func (hs *handleState) internal(ev core.Event) {
	if _, ok := ev.(*core.Hangup); ok {
		hs.closeMedia()
		return
	}
	hs.subscriberEvent(ev)
	if err := hs.negotiate(context.Background(), ev); err != nil {
		logWarn("negotiating with the server failed", err)
	}
}

// negotiate passes ev to core.HandleNegotiation with the handle's
// PeerConnection, if it has one: Janus's candidates go to it, and a
// subscription's offers (in its events and in the answers to its
// changes) are answered with start.
func (hs *handleState) negotiate(ctx context.Context, ev core.Event) error {
	p := hs.peer()
	if p == nil {
		return nil
	}
	var answer core.AnswerFunc
	if sub := hs.subscriber(); sub != nil {
		answer = sub.Start
	}
	_, err := core.HandleNegotiation(ctx, ev, p, answer)
	return err
}

func handleMessage(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	return handleSend(ctx, hs, args, hs.h.Message)
}

func handlePost(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	return handleSend(ctx, hs, args, hs.h.Post)
}

func handleSend(ctx context.Context, hs *handleState, args []js.Value, send func(context.Context, any, ...core.CallOption) (*core.PluginResult, error)) (any, error) {
	body, err := rawJS(arg(args, 0))
	if err != nil {
		return nil, err
	}
	opts := arg(args, 1)
	co, err := callOptions(opts)
	if err != nil {
		return nil, err
	}
	if opts.Type() == js.TypeObject && isSet(opts.Get("jsep")) {
		var j core.JSEP
		if err := fromJS(opts.Get("jsep"), &j); err != nil {
			return nil, err
		}
		co = append(co, core.WithJSEP(&j))
	}
	var b any
	if body != nil {
		b = body
	}
	res, err := send(ctx, b, co...)
	if err != nil {
		return nil, err
	}
	return resultJS(res), nil
}

// resultJS converts a plugin's answer: {plugin, data, jsep}.
func resultJS(res *core.PluginResult) js.Value {
	m := map[string]any{"plugin": res.Plugin}
	if len(res.Data) > 0 {
		m["data"] = res.Data
	}
	if res.JSEP != nil {
		m["jsep"] = res.JSEP
	}
	return toJS(m)
}

// handleTrickle(candidate | candidates | null): one local candidate, several
// in one request, or (null, undefined or {completed: true}) the end of
// candidates.
func handleTrickle(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	v := arg(args, 0)
	switch {
	case !isSet(v):
		return nil, hs.h.TrickleCompleted(ctx)
	case v.Type() == js.TypeObject && jsArray.Call("isArray", v).Bool():
		var cs []core.Candidate
		if err := fromJS(v, &cs); err != nil {
			return nil, err
		}
		return nil, hs.h.TrickleBatch(ctx, cs)
	case v.Type() == js.TypeObject:
		var c core.Candidate
		if err := fromJS(v, &c); err != nil {
			return nil, err
		}
		if c.Completed {
			return nil, hs.h.TrickleCompleted(ctx)
		}
		return nil, hs.h.Trickle(ctx, c)
	}
	return nil, typeError("gojanus: trickle needs a candidate, an array of candidates, or null")
}

func handleHangup(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	hs.closeMedia()
	return nil, hs.h.Hangup(ctx)
}

func handleDetach(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	hs.closeMedia()
	return nil, hs.h.Detach(ctx)
}
