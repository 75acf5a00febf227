// Package recordplay is the typed API of the Janus Record&Play plugin
// (janus.plugin.recordplay): it records what a WebRTC peer sends to .mjr
// files in the server's recordings folder, and plays recordings back to
// WebRTC peers.
//
// Recording is a negotiation in which the client makes the offer; playing
// one back is a negotiation in which Janus makes it:
//
//	h, err := recordplay.Attach(ctx, session)
//	rec, err := h.Record(ctx, recordplay.RecordRequest{Name: "greeting"}, offer)
//	// give rec.JSEP (the answer) to the sending core.Peer, send media...
//	stopped, err := h.Stop(ctx)
//
//	list, err := h.List(ctx)
//	prep, err := h.Play(ctx, recordplay.PlayRequest{Recording: stopped.Recording})
//	// give prep.JSEP (the offer) to the receiving core.Peer, get its answer
//	_, err = h.Start(ctx, answer)
//	for ev := range h.Events() {
//		switch ev.(type) {
//		case *recordplay.Done: // the playout (or the recording) is over
//		}
//	}
//
// RecordPeer and PlayPeer do both negotiations with a core.Peer. Requests
// and options newer than Janus 1.1.2 (private recordings and the plugin's
// admin_key, Janus 1.3.1) fail with an error matching core.ErrUnsupported
// on older servers, before anything is sent. The package has no media
// code.
package recordplay

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.recordplay"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "recordplay", KindKey: "recordplay"}

// privateSince is the Janus version that brought private recordings
// (RecordRequest.IsPrivate) and the plugin's admin_key (ListRequest and
// UpdateRequest AdminKey, ErrUnauthorized): 1.3.1 (commit db86cf7c).
var privateSince = core.V(1, 3, 1)

// Errors of the plugin (JANUS_RECORDPLAY_ERROR_*), for errors.Is: each
// matches every *core.PluginError of the plugin with its code, which
// carries the server's reason and names the request.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 411, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 412, "invalid JSON")
	ErrInvalidRequest = core.PluginCode(Plugin, 413, "invalid request")
	ErrInvalidElement = core.PluginCode(Plugin, 414, "invalid element")
	ErrMissingElement = core.PluginCode(Plugin, 415, "missing element")
	// ErrNoSuchRecording answers Play of an unknown recording.
	ErrNoSuchRecording = core.PluginCode(Plugin, 416, "no such recording")
	// ErrInvalidRecording answers Play of a recording whose files cannot
	// be read.
	ErrInvalidRecording = core.PluginCode(Plugin, 417, "invalid recording")
	// ErrInvalidState answers a request the handle's state does not allow
	// (Start without a Play, a restart of what is not played).
	ErrInvalidState = core.PluginCode(Plugin, 418, "invalid state")
	ErrInvalidSDP   = core.PluginCode(Plugin, 419, "invalid SDP")
	// ErrRecordingExists answers Record with the id of an existing
	// recording.
	ErrRecordingExists = core.PluginCode(Plugin, 420, "recording exists")
	// ErrUnauthorized answers a wrong admin_key (Janus 1.3.1).
	ErrUnauthorized = core.PluginCode(Plugin, 440, "unauthorized")
	ErrUnknown      = core.PluginCode(Plugin, 499, "unknown error")
)

// ErrNotRecording is returned by Pause and Resume on a handle that is not
// recording: the plugin ignores them and answers without a status.
var ErrNotRecording = errors.New("janus: recordplay: not recording")

// Handle is a handle attached to the Record&Play plugin, made by Attach.
// The embedded core.Handle gives Events, Trickle, Hangup, Detach and the
// raw Message. A handle records or plays one recording at a time.
type Handle struct {
	*core.Handle
	s plugin.Sender
}

// Attach attaches a new Record&Play handle to s; its events are typed
// (see DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h, s: plugin.OverHandle(h)}, nil
}

// Admin sends the one request the plugin takes through the Janus Admin
// API ("message_plugin"), without a session or handle: Update.
type Admin struct {
	s plugin.Sender
}

// NewAdmin returns a Record&Play plugin client over an admin connection.
func NewAdmin(a *core.Admin) *Admin { return &Admin{plugin.OverAdmin(a, Plugin)} }

// List returns the completed recordings ("list" request): the public
// ones, and the private ones too when a ListRequest carries the plugin's
// admin_key (Janus 1.3.1).
func (h *Handle) List(ctx context.Context, req ...ListRequest) ([]RecordingInfo, error) {
	r := plugin.Optional(req)
	if r.AdminKey != "" {
		if err := api.Require(ctx, h.s, "list admin_key", privateSince); err != nil {
			return nil, err
		}
	}
	var out struct {
		List []RecordingInfo `json:"list"`
	}
	if _, err := api.Call(ctx, h.s, "list", r, "list", &out); err != nil {
		return nil, err
	}
	if out.List == nil {
		out.List = []RecordingInfo{}
	}
	return out.List, nil
}

// WaitCompleted waits until the recording id is complete: its files
// closed, its .nfo written and the recording listed by List, so that it
// can be played. Janus sends *Done when a recording stops just before it
// closes the files, so a Play straight after *Done can fail with
// ErrNoSuchRecording. WaitCompleted asks List again and
// again (at 10 ms, doubling to 500 ms) until the recording is there or
// ctx ends. A private recording (Janus 1.3.1) is listed only with the
// plugin's admin_key in req.
func (h *Handle) WaitCompleted(ctx context.Context, id core.ID, req ...ListRequest) (RecordingInfo, error) {
	wait := 10 * time.Millisecond
	for {
		list, err := h.List(ctx, req...)
		if err != nil {
			return RecordingInfo{}, err
		}
		if i := slices.IndexFunc(list, func(r RecordingInfo) bool { return r.Recording == id }); i >= 0 {
			return list[i], nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return RecordingInfo{}, errfmt.Errorf("janus: recordplay: recording %s not complete: %w", id, ctx.Err())
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// Update makes the plugin scan its recordings folder again, for
// recordings added by hand ("update" request). When the plugin is
// configured with an admin_key (Janus 1.3.1), the request must carry it.
func (h *Handle) Update(ctx context.Context, req ...UpdateRequest) error {
	return update(ctx, h.s, plugin.Optional(req))
}

// Update is Handle.Update through the admin API.
func (a *Admin) Update(ctx context.Context, req ...UpdateRequest) error {
	return update(ctx, a.s, plugin.Optional(req))
}

func update(ctx context.Context, s plugin.Sender, req UpdateRequest) error {
	if req.AdminKey != "" {
		if err := api.Require(ctx, s, "update admin_key", privateSince); err != nil {
			return err
		}
	}
	_, err := api.Call(ctx, s, "update", req, "ok", nil)
	return err
}

// Configure changes the bitrate cap and keyframe interval the plugin
// asks of the handle's recorder ("configure" request) and returns the
// settings in force.
func (h *Handle) Configure(ctx context.Context, req ConfigureRequest) (*ConfigureResult, error) {
	var out struct {
		Status   string          `json:"status"`
		Settings ConfigureResult `json:"settings"`
	}
	if _, err := api.Call(ctx, h.s, "configure", req, "configure", &out); err != nil {
		return nil, err
	}
	if out.Status != "ok" {
		return nil, errfmt.Errorf("janus: recordplay: configure: %w: status %q", core.ErrBadAnswer, out.Status)
	}
	return &out.Settings, nil
}

// Record starts recording what the sender of offer sends ("record"
// request) and returns the *Recording event, whose JSEP is Janus's SDP
// answer. A recording id in use is ErrRecordingExists; RecordRequest
// IsPrivate needs Janus 1.3.1. With Update set, offer renegotiates the
// recording in progress (an ICE restart, for example).
func (h *Handle) Record(ctx context.Context, req RecordRequest, offer *core.JSEP) (*Recording, error) {
	if req.IsPrivate != nil {
		if err := api.Require(ctx, h.s, "record is_private", privateSince); err != nil {
			return nil, err
		}
	}
	rec, err := plugin.Expect[*Recording](ctx, api, h.s, "record", req, h.decode, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	if rec.JSEP == nil || rec.JSEP.Type != "answer" {
		return nil, errfmt.Errorf("janus: recordplay: record: %w: no SDP answer", core.ErrBadAnswer)
	}
	return rec, nil
}

// Play prepares the playout of a recording ("play" request) and returns
// the *Preparing event, whose JSEP is Janus's SDP offer: answer it with
// Start. An unknown recording is ErrNoSuchRecording. With Restart, it asks
// for a new offer (an ICE restart, Preparing.Restart set) of the handle's
// playout, before or after Start; answer it with Start too.
func (h *Handle) Play(ctx context.Context, req PlayRequest) (*Preparing, error) {
	p, err := plugin.Expect[*Preparing](ctx, api, h.s, "play", req, h.decode)
	if err != nil {
		return nil, err
	}
	if p.JSEP == nil || p.JSEP.Type != "offer" {
		return nil, errfmt.Errorf("janus: recordplay: play: %w: no SDP offer", core.ErrBadAnswer)
	}
	return p, nil
}

// Start sends the SDP answer to Play's offer and starts the playout
// ("start" request). Without a Play first it is ErrInvalidState.
func (h *Handle) Start(ctx context.Context, answer *core.JSEP) (*Playing, error) {
	return plugin.Expect[*Playing](ctx, api, h.s, "start", nil, h.decode, core.WithJSEP(answer))
}

// Pause stops writing the recording in progress without closing the
// PeerConnection ("pause" request); the pause leaves no gap in the
// recording. On a handle that does not record it is ErrNotRecording.
func (h *Handle) Pause(ctx context.Context) (*Paused, error) {
	return pauseOrResume[*Paused](ctx, h, "pause")
}

// Resume resumes writing a paused recording ("resume" request); the
// plugin asks the sender for a keyframe. On a handle that does not record
// it is ErrNotRecording.
func (h *Handle) Resume(ctx context.Context) (*Resumed, error) {
	return pauseOrResume[*Resumed](ctx, h, "resume")
}

// pauseOrResume sends pause or resume, whose answer without a status
// means the handle does not record.
func pauseOrResume[T core.Event](ctx context.Context, h *Handle, verb string) (T, error) {
	var zero T
	var out struct {
		Result any `json:"result"`
	}
	res, err := api.Call(ctx, h.s, verb, nil, "event", &out)
	if err != nil {
		return zero, err
	}
	if out.Result == nil {
		return zero, ErrNotRecording
	}
	if t, ok := h.decode(res).(T); ok {
		return t, nil
	}
	return zero, errfmt.Errorf("janus: recordplay: %s: %w: %s", verb, core.ErrBadAnswer, res.Data)
}

// Stop ends the recording or playout of the handle and closes its
// PeerConnection ("stop" request). A *Done event follows on Events once
// the PeerConnection is gone. Janus sends it just before it closes a
// recording's files: WaitCompleted waits until the recording is
// complete, listed and playable.
func (h *Handle) Stop(ctx context.Context) (*Stopped, error) {
	return plugin.Expect[*Stopped](ctx, api, h.s, "stop", nil, h.decode)
}

// decode turns a request's answer into the typed event it carries.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}
