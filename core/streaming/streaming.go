// Package streaming is the typed API of the Janus Streaming plugin
// (janus.plugin.streaming): mountpoints relay media that an external tool
// sends over RTP (or that the plugin reads from a file or an RTSP server)
// to any number of WebRTC viewers.
//
// Managing mountpoints (list, info, create, edit, destroy, recording,
// enable, disable, kick_all) is synchronous and works on any handle, or
// without a session through the Admin API (NewAdmin). Watching one is a
// negotiation in which Janus makes the offer:
//
//	h, err := streaming.Attach(ctx, session)
//	mp, err := h.Create(ctx, streaming.CreateRequest{
//		Type: streaming.SourceRTP, Description: "camera",
//		Media: []streaming.StreamConfig{
//			{Type: streaming.MediaVideo, Mid: "v", Port: 5004, PT: 96, Codec: core.VP8, Iface: "127.0.0.1"},
//		},
//	})
//	offer, err := h.Watch(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint})
//	// give the offer to a core.Peer, get its answer
//	status, err := h.Start(ctx, answer)
//	for ev := range h.Events() {
//		switch ev := ev.(type) {
//		case *streaming.StatusChanged: // "started", "stopped", "kicked_all", ...
//		case *streaming.Edited:        // the mountpoint's metadata changed
//		case *core.Hangup:             // the PeerConnection is gone
//		}
//	}
//
// Mountpoint ids are core.ID values, so the same code works with a plugin
// configured with string_ids. The package has no media code.
package streaming

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.streaming"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "streaming", KindKey: "streaming"}

// Errors of the plugin (JANUS_STREAMING_ERROR_*), for errors.Is: each
// matches every *core.PluginError of the plugin with its code, which
// carries the server's reason and names the request.
var (
	ErrNoMessage        = core.PluginCode(Plugin, 450, "no message")
	ErrInvalidJSON      = core.PluginCode(Plugin, 451, "invalid JSON")
	ErrInvalidRequest   = core.PluginCode(Plugin, 452, "invalid request")
	ErrMissingElement   = core.PluginCode(Plugin, 453, "missing element")
	ErrInvalidElement   = core.PluginCode(Plugin, 454, "invalid element")
	ErrNoSuchMountpoint = core.PluginCode(Plugin, 455, "no such mountpoint")
	ErrCantCreate       = core.PluginCode(Plugin, 456, "cannot create mountpoint")
	ErrUnauthorized     = core.PluginCode(Plugin, 457, "unauthorized")
	ErrCantSwitch       = core.PluginCode(Plugin, 458, "cannot switch")
	ErrCantRecord       = core.PluginCode(Plugin, 459, "cannot record")
	ErrInvalidState     = core.PluginCode(Plugin, 460, "invalid state")
	ErrUnknown          = core.PluginCode(Plugin, 470, "unknown error")
)

// Source types of a mountpoint, for CreateRequest.Type.
const (
	// SourceRTP relays RTP (and datachannel text over UDP) that an
	// external tool sends to the mountpoint's ports.
	SourceRTP = "rtp"
	// SourceLive streams a local audio file to all viewers at once.
	SourceLive = "live"
	// SourceOnDemand streams a local audio file to each viewer from its
	// beginning.
	SourceOnDemand = "ondemand"
	// SourceRTSP relays an RTSP server's stream (when Janus was built
	// with libcurl).
	SourceRTSP = "rtsp"
)

// Streaming types the plugin reports in Mountpoint.Type and
// CreateResult.Type (RTP, RTSP and live file mountpoints are all "live").
const (
	StreamingLive     = "live"
	StreamingOnDemand = "on demand"
)

// Media types of a mountpoint's streams.
const (
	MediaAudio = "audio"
	MediaVideo = "video"
	MediaData  = "data"
)

// Handle is a handle attached to the Streaming plugin, made by Attach.
// The embedded core.Handle gives Events, Trickle, Hangup, Detach and the
// raw Message. A handle manages mountpoints (as an Admin does) and
// watches at most one mountpoint at a time; attach more handles to watch
// several.
type Handle struct {
	*core.Handle
	requests
}

// Attach attaches a new Streaming handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h, requests: requests{plugin.OverHandle(h)}}, nil
}

// Admin sends the plugin's synchronous requests (List, Info, Create, Edit,
// Destroy, KickAll, StartRecording, StopRecording, Enable, Disable)
// through the Janus Admin API ("message_plugin"), without a session or
// handle. They are the requests of a Handle, with the same answers and
// errors.
type Admin struct {
	requests
}

// NewAdmin returns a Streaming plugin client over an admin connection.
func NewAdmin(a *core.Admin) *Admin { return &Admin{requests{plugin.OverAdmin(a, Plugin)}} }

// requests are the synchronous requests, which a Handle and an Admin
// both send, over the handle or through the admin API.
type requests struct{ s plugin.Sender }

// List returns the public mountpoints ("list" request), and the private
// ones too when a ListRequest with the plugin's admin_key is given.
func (r requests) List(ctx context.Context, req ...ListRequest) ([]Mountpoint, error) {
	var out struct {
		List []Mountpoint `json:"list"`
	}
	if _, err := api.Call(ctx, r.s, "list", plugin.Optional(req), "list", &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// Info returns the details of one mountpoint ("info" request); with the
// right secret it includes the secret, PIN, name, ports and recordings.
func (r requests) Info(ctx context.Context, req InfoRequest) (*Mountpoint, error) {
	var out struct {
		Info *Mountpoint `json:"info"`
	}
	if _, err := api.Call(ctx, r.s, "info", req, "info", &out); err != nil {
		return nil, err
	}
	if out.Info == nil {
		return nil, errfmt.Errorf("janus: streaming: info: %w: no info", core.ErrBadAnswer)
	}
	return out.Info, nil
}

// sinceBufferKF is the version that brought bufferkf_ms, bufferkf_bytes
// (Janus PR 3564) and rtsp_notify_changes (PR 3578).
var sinceBufferKF = core.V(1, 3, 3)

// Create creates a mountpoint ("create" request). Only RTP mountpoints
// report their ports. Options newer than Janus 1.1.2 (H264SPS,
// AbsCaptureTimeExtID, BufferKFMS, BufferKFBytes, RTSPNotifyChanges) fail
// with core.ErrUnsupported, before anything is sent, on an older server.
func (r requests) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	h264sps := false
	for _, m := range req.Media {
		h264sps = h264sps || m.H264SPS != ""
	}
	if err := api.RequireUsed(ctx, r.s,
		plugin.Gate{Feature: "create h264sps", Since: core.V(1, 1, 3), Used: h264sps},
		plugin.Gate{Feature: "create abscapturetime_src_ext_id", Since: core.V(1, 2, 2), Used: req.AbsCaptureTimeExtID != 0},
		plugin.Gate{Feature: "create bufferkf_ms", Since: sinceBufferKF, Used: req.BufferKFMS != 0 || req.BufferKFBytes != 0},
		plugin.Gate{Feature: "create rtsp_notify_changes", Since: sinceBufferKF, Used: req.RTSPNotifyChanges},
	); err != nil {
		return nil, err
	}
	var out createdWire
	if _, err := api.Call(ctx, r.s, "create", req, "created", &out); err != nil {
		return nil, err
	}
	return out.result(), nil
}

// Edit changes a mountpoint's description, metadata, secret, PIN or
// visibility ("edit" request).
func (r requests) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	var out EditResult
	if _, err := api.Call(ctx, r.s, "edit", req, "edited", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Destroy removes a mountpoint ("destroy" request); its viewers get a
// "stopped" status event and their PeerConnections are closed.
func (r requests) Destroy(ctx context.Context, req DestroyRequest) error {
	_, err := api.Call(ctx, r.s, "destroy", req, "destroyed", nil)
	return err
}

// KickAll removes every viewer of a mountpoint, not on-demand ones
// ("kick_all" request); they get a "kicked_all" status event and their
// PeerConnections are closed.
func (r requests) KickAll(ctx context.Context, req KickAllRequest) error {
	_, err := api.Call(ctx, r.s, "kick_all", req, "kicked_all", nil)
	return err
}

// StartRecording starts recording streams of a live RTP mountpoint to
// .mjr files ("recording" request, action "start").
func (r requests) StartRecording(ctx context.Context, req StartRecordingRequest) error {
	return r.recording(ctx, "start", req)
}

// StopRecording stops recording streams of a mountpoint ("recording"
// request, action "stop").
func (r requests) StopRecording(ctx context.Context, req StopRecordingRequest) error {
	return r.recording(ctx, "stop", req)
}

// recording sends the "recording" request with action first.
func (r requests) recording(ctx context.Context, action string, req any) error {
	body, err := plugin.Prepend(req, "action", action)
	if err != nil {
		return errfmt.Errorf("janus: streaming: recording: %w", err)
	}
	_, err = api.Call(ctx, r.s, "recording", body, "ok", nil)
	return err
}

// Enable makes a disabled mountpoint available to viewers again ("enable"
// request).
func (r requests) Enable(ctx context.Context, req EnableRequest) error {
	_, err := api.Call(ctx, r.s, "enable", req, "ok", nil)
	return err
}

// Disable makes a mountpoint unavailable to viewers without destroying it
// ("disable" request).
func (r requests) Disable(ctx context.Context, req DisableRequest) error {
	if req.StopRecording {
		// Stop the recordings first with a request that skips streams
		// not being recorded (see DisableRequest.StopRecording).
		err := r.StopRecording(ctx, StopRecordingRequest{Mountpoint: req.Mountpoint, Secret: req.Secret, Audio: true, Video: true, Data: true})
		if err != nil && !errors.Is(err, ErrInvalidRequest) {
			return err
		}
	}
	_, err := api.Call(ctx, r.s, "disable", disableWire{req.Mountpoint, req.Secret, false}, "ok", nil)
	return err
}

// asyncResult is the "result" of the event that answers a viewer's
// request.
type asyncResult struct {
	Result struct {
		Status   Status `json:"status"`
		Event    string `json:"event"`
		Switched string `json:"switched"`
	} `json:"result"`
}

// Watch subscribes the handle to a mountpoint ("watch" request; or, with
// Restart, asks for an ICE restart of the current subscription) and
// returns Janus's SDP offer. Answer it with Start.
func (h *Handle) Watch(ctx context.Context, req WatchRequest) (*core.JSEP, error) {
	var out asyncResult
	res, err := api.Call(ctx, h.s, "watch", req, "event", &out)
	if err != nil {
		return nil, err
	}
	if st := out.Result.Status; st != StatusPreparing && st != StatusUpdating {
		return nil, errfmt.Errorf("janus: streaming: watch: %w: status %q", core.ErrBadAnswer, st)
	}
	if res.JSEP == nil {
		return nil, errfmt.Errorf("janus: streaming: watch: %w: no SDP offer", core.ErrBadAnswer)
	}
	return res.JSEP, nil
}

// WatchOffer subscribes the handle to a mountpoint with the client's own
// SDP offer ("watch" request with a JSEP offer, the way WHEP players
// subscribe) and returns Janus's SDP answer. Janus matches each offered
// m-line that can receive (recvonly or sendrecv) with the first unused
// stream of the mountpoint of the same media type and codec, rejects the
// others, and ignores req.Media and the other subscription options. No
// Start follows: a StatusChanged event with StatusStarted comes once the
// PeerConnection is up. Janus 1.1.4 and later: older servers fail with
// core.ErrUnsupported before anything is sent (they would ignore the
// offer and make their own). Janus keeps the ICE agent the offer made
// when the watch fails, and refuses any other offer on that handle
// ("Error setting ICE locally"): detach it and watch from a new one.
func (h *Handle) WatchOffer(ctx context.Context, req WatchRequest, offer *core.JSEP) (*core.JSEP, error) {
	if err := api.Require(ctx, h.s, "watch with an offer", core.V(1, 1, 4)); err != nil {
		return nil, err
	}
	var out asyncResult
	res, err := api.Call(ctx, h.s, "watch", req, "event", &out, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	if st := out.Result.Status; st != StatusStarting {
		return nil, errfmt.Errorf("janus: streaming: watch: %w: status %q", core.ErrBadAnswer, st)
	}
	if res.JSEP == nil || res.JSEP.Type != "answer" {
		return nil, errfmt.Errorf("janus: streaming: watch: %w: no SDP answer", core.ErrBadAnswer)
	}
	return res.JSEP, nil
}

// Start sends the SDP answer to Watch's offer and starts the playout
// ("start" request); with a nil answer it resumes a paused playout. It
// returns StatusStarting, or StatusStarted when the PeerConnection was
// already up.
func (h *Handle) Start(ctx context.Context, answer *core.JSEP) (Status, error) {
	var out asyncResult
	if _, err := api.Call(ctx, h.s, "start", nil, "event", &out, core.WithJSEP(answer)); err != nil {
		return "", err
	}
	if st := out.Result.Status; st != StatusStarting && st != StatusStarted {
		return "", errfmt.Errorf("janus: streaming: start: %w: status %q", core.ErrBadAnswer, st)
	}
	return out.Result.Status, nil
}

// Pause pauses the playout without closing the PeerConnection ("pause"
// request); Start with a nil answer resumes it.
func (h *Handle) Pause(ctx context.Context) error {
	var out asyncResult
	if _, err := api.Call(ctx, h.s, "pause", nil, "event", &out); err != nil {
		return err
	}
	if out.Result.Status != StatusPausing {
		return errfmt.Errorf("janus: streaming: pause: %w: status %q", core.ErrBadAnswer, out.Result.Status)
	}
	return nil
}

// Configure changes what the subscription relays ("configure" request):
// a stream on or off (Mid, Send), simulcast and SVC layers, playout delay;
// several streams at once with Streams (Janus 1.2.0 and later: older
// servers fail with core.ErrUnsupported before anything is sent).
func (h *Handle) Configure(ctx context.Context, req ConfigureRequest) error {
	if err := api.RequireUsed(ctx, h.s, plugin.Gate{Feature: "configure streams", Since: core.V(1, 2, 0), Used: len(req.Streams) > 0}); err != nil {
		return err
	}
	var out asyncResult
	if _, err := api.Call(ctx, h.s, "configure", req, "event", &out); err != nil {
		return err
	}
	if out.Result.Event != "configured" {
		return errfmt.Errorf("janus: streaming: configure: %w: %+v", core.ErrBadAnswer, out.Result)
	}
	return nil
}

// Switch moves the subscription to another live RTP mountpoint with the
// same media layout, keeping the PeerConnection ("switch" request).
func (h *Handle) Switch(ctx context.Context, req SwitchRequest) error {
	var out asyncResult
	if _, err := api.Call(ctx, h.s, "switch", req, "event", &out); err != nil {
		return err
	}
	if out.Result.Switched != "ok" {
		return errfmt.Errorf("janus: streaming: switch: %w: %+v", core.ErrBadAnswer, out.Result)
	}
	return nil
}

// Stop ends the subscription and closes the PeerConnection ("stop"
// request). It returns once Janus acknowledged the request: the plugin
// answers with a "stopping" StatusChanged event (then a core.Hangup) only
// when the PeerConnection was up; before that it ignores the request, so
// use Hangup or Detach to abandon a subscription whose media never
// started.
func (h *Handle) Stop(ctx context.Context) error {
	body, _ := plugin.Body("stop", nil) // no fields, no error
	_, err := h.Post(ctx, body)
	return err
}
