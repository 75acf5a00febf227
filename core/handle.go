package core

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Handle is a plugin handle: the link between a session and one plugin
// instance. It is safe for concurrent use.
type Handle struct {
	s        *Session
	id       uint64
	plugin   string
	opaqueID string
	decoder  EventDecoder

	events *stream
	done   chan struct{}

	mu        sync.Mutex
	ended     bool
	err       error
	detaching *time.Timer
}

func newHandle(s *Session, id uint64, plugin, opaqueID string, decoder EventDecoder) *Handle {
	c := s.c
	return &Handle{
		s:        s,
		id:       id,
		plugin:   plugin,
		opaqueID: opaqueID,
		decoder:  decoder,
		events:   newStream(c.opts.eventBuffer, c.opts.maxQueued, c.quit, c.log, Source{Session: s.id, Handle: id}),
		done:     make(chan struct{}),
	}
}

// ID returns the handle id the server assigned.
func (h *Handle) ID() uint64 { return h.id }

// Plugin returns the plugin package name the handle is attached to.
func (h *Handle) Plugin() string { return h.plugin }

// OpaqueID returns the opaque id given on Attach.
func (h *Handle) OpaqueID() string { return h.opaqueID }

// Session returns the session the handle belongs to.
func (h *Handle) Session() *Session { return h.s }

// Events returns the handle's ordered event stream: [*PluginEvent],
// [*WebRTCUp], [*Media], [*SlowLink], [*Hangup], [*Trickle] and finally
// [*Detached]. The channel is closed when the handle ends.
func (h *Handle) Events() <-chan Event { return h.events.events() }

// Done is closed when the handle has ended.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Err returns why the handle ended: nil after a detach, or the session's
// reason (ErrSessionDestroyed, ErrSessionTimeout, ErrClosed, ...). It is
// nil while the handle is live.
func (h *Handle) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// PluginResult is a plugin's answer to a message: its data and, for
// negotiation requests, a JSEP offer or answer.
type PluginResult struct {
	// Plugin is the plugin package name.
	Plugin string
	// Data is the plugin's payload (plugindata.data).
	Data json.RawMessage
	// JSEP is the session description in the answer, if any.
	JSEP *JSEP
	// Async is true when the answer came as an event after an ack, false
	// for a synchronous success.
	Async bool
}

// Decode unmarshals the answer's data into v.
func (r *PluginResult) Decode(v any) error { return json.Unmarshal(r.Data, v) }

// Message sends a request to the plugin and waits for its answer:
// either the synchronous "success" or, for asynchronous requests, the
// "event" that follows the "ack" (the two may arrive in either order).
// body is any value that marshals to a JSON object; nil sends {}.
// WithJSEP adds an offer or answer. A plugin error in the answer
// (error_code/error) is returned as *PluginError.
func (h *Handle) Message(ctx context.Context, body any, opts ...CallOption) (*PluginResult, error) {
	f, err := h.send(ctx, h.messageRequest(body, opts), waitEvent, nil)
	if err != nil {
		return nil, err
	}
	res := &PluginResult{JSEP: f.JSEP, Async: f.Janus == "event"}
	if f.PluginData != nil {
		res.Plugin, res.Data = f.PluginData.Plugin, f.PluginData.Data
		if perr := pluginError(res.Plugin, res.Data); perr != nil {
			return nil, perr
		}
	}
	return res, nil
}

// Post sends a request to the plugin and returns once the server
// acknowledged it. For asynchronous requests, the plugin's event arrives
// later on the handle's stream; a synchronous answer is returned here.
func (h *Handle) Post(ctx context.Context, body any, opts ...CallOption) (*PluginResult, error) {
	f, err := h.send(ctx, h.messageRequest(body, opts), waitReply, nil)
	if err != nil {
		return nil, err
	}
	res := &PluginResult{JSEP: f.JSEP}
	if f.PluginData != nil {
		res.Plugin, res.Data = f.PluginData.Plugin, f.PluginData.Data
		if perr := pluginError(res.Plugin, res.Data); perr != nil {
			return nil, perr
		}
	}
	return res, nil
}

// send sends a request of the handle. A request on a handle whose session
// has ended fails here, without going to Janus (which would answer 458),
// with why the session ended (ErrSessionDestroyed after Destroy).
func (h *Handle) send(ctx context.Context, r outgoing, mode waitMode, onReply func(*frame)) (*frame, error) {
	select {
	case <-h.s.done:
		err := h.s.Err()
		if err == nil {
			err = ErrSessionDestroyed
		}
		return nil, errorf("janus: %s: session %d has ended: %w", r.kind(), h.s.id, err)
	default:
	}
	return h.s.c.do(ctx, r, mode, onReply)
}

var emptyBody = json.RawMessage(`{}`)

func (h *Handle) messageRequest(body any, opts []CallOption) *request {
	co := buildCallOptions(opts)
	if body == nil {
		body = emptyBody
	}
	r := &request{Janus: "message", SessionID: h.s.id, HandleID: h.id, Body: body, JSEP: co.jsep}
	h.s.cred.with(co).apply(r)
	return r
}

// Trickle sends one local ICE candidate to the server.
func (h *Handle) Trickle(ctx context.Context, c Candidate, opts ...CallOption) error {
	r := h.request("trickle", opts)
	r.Candidate = &c
	_, err := h.send(ctx, r, waitReply, nil)
	return err
}

// TrickleBatch sends several local ICE candidates in one request.
func (h *Handle) TrickleBatch(ctx context.Context, cs []Candidate, opts ...CallOption) error {
	if len(cs) == 0 {
		return nil
	}
	r := h.request("trickle", opts)
	r.Candidates = cs
	_, err := h.send(ctx, r, waitReply, nil)
	return err
}

// TrickleCompleted tells the server that no more local candidates follow.
func (h *Handle) TrickleCompleted(ctx context.Context, opts ...CallOption) error {
	return h.Trickle(ctx, Candidate{Completed: true}, opts...)
}

// Hangup closes the handle's PeerConnection; the handle stays attached.
func (h *Handle) Hangup(ctx context.Context, opts ...CallOption) error {
	_, err := h.send(ctx, h.request("hangup", opts), waitReply, nil)
	return err
}

// Detach detaches the handle from its plugin. The handle's stream still
// receives the plugin's last events and the server's [*Detached], then
// closes (at the latest after the detach grace, WithDetachGrace). If the
// server no longer knows the handle, it ends at once and the error
// matching ErrHandleNotFound is returned.
func (h *Handle) Detach(ctx context.Context, opts ...CallOption) error {
	_, err := h.send(ctx, h.request("detach", opts), waitReply, func(*frame) { h.detached() })
	if errors.Is(err, ErrHandleNotFound) {
		h.end(err)
	}
	return err
}

func (h *Handle) request(kind string, opts []CallOption) *request {
	r := &request{Janus: kind, SessionID: h.s.id, HandleID: h.id}
	h.s.cred.with(buildCallOptions(opts)).apply(r)
	return r
}

// detached starts the grace period after a successful detach.
func (h *Handle) detached() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended || h.detaching != nil {
		return
	}
	h.detaching = time.AfterFunc(h.s.c.opts.detachGrace, func() { h.end(nil) })
}

// end marks the handle ended and closes its stream after queued events.
func (h *Handle) end(err error) {
	h.mu.Lock()
	if h.ended {
		h.mu.Unlock()
		return
	}
	h.ended = true
	h.err = err
	if h.detaching != nil {
		h.detaching.Stop()
	}
	h.mu.Unlock()
	h.s.removeHandle(h)
	h.events.close()
	close(h.done)
}

// decode applies the handle's event decoder, if any.
func (h *Handle) decode(ev *PluginEvent) (out Event) {
	if h.decoder == nil {
		return ev
	}
	defer func() {
		if r := recover(); r != nil {
			h.s.c.log.Error("janus: event decoder panicked", logIDs(h.s.id, h.id, "plugin", h.plugin, "panic", r)...)
			out = ev
		}
	}()
	if out = h.decoder(ev); out == nil {
		out = ev
	}
	return out
}

// ResultEvent presents a request's answer as a plugin event of this
// handle, so that plugin packages decode answers and unsolicited events
// with one decoder.
func (h *Handle) ResultEvent(res *PluginResult) *PluginEvent {
	return &PluginEvent{Source: Source{Session: h.s.id, Handle: h.id}, Plugin: res.Plugin, Data: res.Data, JSEP: res.JSEP}
}
