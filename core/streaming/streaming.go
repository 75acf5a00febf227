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
//			{Type: streaming.MediaVideo, Mid: "v", Port: 5004, PT: 96, Codec: "vp8", Iface: "127.0.0.1"},
//		},
//	})
//	offer, err := h.Watch(ctx, streaming.WatchRequest{ID: mp.ID})
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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.streaming"

// Error codes of the plugin (JANUS_STREAMING_ERROR_*).
const (
	ErrNoMessage        = 450
	ErrInvalidJSON      = 451
	ErrInvalidRequest   = 452
	ErrMissingElement   = 453
	ErrInvalidElement   = 454
	ErrNoSuchMountpoint = 455
	ErrCantCreate       = 456
	ErrUnauthorized     = 457
	ErrCantSwitch       = 458
	ErrCantRecord       = 459
	ErrInvalidState     = 460
	ErrUnknown          = 470
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

// Streaming types the plugin reports in Mountpoint.Type and Created.Type
// (RTP, RTSP and live file mountpoints are all "live").
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

// Handle is a handle attached to the Streaming plugin. The embedded
// core.Handle gives Events, Trickle, Hangup, Detach and the raw Message.
// A handle watches at most one mountpoint at a time; attach more handles
// to watch several.
type Handle struct {
	*core.Handle
}

// Attach attaches a new Streaming handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// Admin sends the plugin's synchronous requests (List, Info, Create, Edit,
// Destroy, KickAll, StartRecording, StopRecording, Enable, Disable)
// through the Janus Admin API ("message_plugin"), without a session or
// handle. Plugin errors are *core.PluginError, as on a Handle.
type Admin struct {
	a *core.Admin
}

// NewAdmin returns a Streaming plugin client over an admin connection.
func NewAdmin(a *core.Admin) *Admin { return &Admin{a: a} }

// requester sends one synchronous request and returns the plugin's answer
// (plugin errors already turned into *core.PluginError).
type requester interface {
	request(ctx context.Context, body json.RawMessage) (json.RawMessage, error)
}

func (h *Handle) request(ctx context.Context, body json.RawMessage) (json.RawMessage, error) {
	res, err := h.Message(ctx, body)
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

func (a *Admin) request(ctx context.Context, body json.RawMessage) (json.RawMessage, error) {
	raw, err := a.a.Request(ctx, "message_plugin", map[string]any{"plugin": Plugin, "request": body})
	if err != nil {
		return nil, err
	}
	var r struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("streaming: admin answer: %w", err)
	}
	if len(r.Response) == 0 {
		return nil, errors.New("streaming: admin answer without a response")
	}
	var e struct {
		Code   int    `json:"error_code"`
		Reason string `json:"error"`
	}
	if json.Unmarshal(r.Response, &e) == nil && e.Code != 0 {
		return nil, &core.PluginError{Plugin: Plugin, Code: e.Code, Reason: e.Reason}
	}
	return r.Response, nil
}

// body marshals v (a struct or nil) and adds "request": name to it.
func body(name string, v any) (json.RawMessage, error) {
	n, _ := json.Marshal(name)
	head := append([]byte(`{"request":`), n...)
	if v == nil {
		return append(head, '}'), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("streaming: %s: %w", name, err)
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("streaming: %s: request is not a JSON object", name)
	}
	if string(b) == "{}" {
		return append(head, '}'), nil
	}
	return append(append(head, ','), b[1:]...), nil
}

// call sends a synchronous request and decodes the answer into out,
// checking that its "streaming" member is want.
func call(ctx context.Context, r requester, name string, req any, want string, out any) error {
	b, err := body(name, req)
	if err != nil {
		return err
	}
	data, err := r.request(ctx, b)
	if err != nil {
		return err
	}
	var kind struct {
		Streaming string `json:"streaming"`
	}
	if err := json.Unmarshal(data, &kind); err != nil {
		return fmt.Errorf("streaming: %s: %w", name, err)
	}
	if kind.Streaming != want {
		return fmt.Errorf("streaming: %s: unexpected answer %q", name, kind.Streaming)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("streaming: %s: %w", name, err)
		}
	}
	return nil
}

// asyncResult is the "result" of an asynchronous request's event.
type asyncResult struct {
	Status   Status  `json:"status"`
	Event    string  `json:"event"`
	Switched string  `json:"switched"`
	ID       core.ID `json:"id"`
}

// async sends an asynchronous request on the handle and returns the
// result of the event that answers it.
func (h *Handle) async(ctx context.Context, name string, req any, opts ...core.CallOption) (*asyncResult, *core.JSEP, error) {
	b, err := body(name, req)
	if err != nil {
		return nil, nil, err
	}
	res, err := h.Message(ctx, b, opts...)
	if err != nil {
		return nil, nil, err
	}
	var d struct {
		Result asyncResult `json:"result"`
	}
	if err := res.Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("streaming: %s: %w", name, err)
	}
	return &d.Result, res.JSEP, nil
}

func listMountpoints(ctx context.Context, r requester, req ListRequest) ([]Mountpoint, error) {
	var out struct {
		List []Mountpoint `json:"list"`
	}
	if err := call(ctx, r, "list", req, "list", &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

func infoMountpoint(ctx context.Context, r requester, req InfoRequest) (*Mountpoint, error) {
	var out struct {
		Info *Mountpoint `json:"info"`
	}
	if err := call(ctx, r, "info", req, "info", &out); err != nil {
		return nil, err
	}
	if out.Info == nil {
		return nil, errors.New("streaming: info: answer without info")
	}
	return out.Info, nil
}

func createMountpoint(ctx context.Context, r requester, req CreateRequest) (*Created, error) {
	var out createdWire
	if err := call(ctx, r, "create", req, "created", &out); err != nil {
		return nil, err
	}
	return out.created(), nil
}

func editMountpoint(ctx context.Context, r requester, req EditRequest) (*EditResult, error) {
	var out EditResult
	if err := call(ctx, r, "edit", req, "edited", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func destroyMountpoint(ctx context.Context, r requester, req DestroyRequest) error {
	return call(ctx, r, "destroy", req, "destroyed", nil)
}

func kickAll(ctx context.Context, r requester, req KickAllRequest) error {
	return call(ctx, r, "kick_all", req, "kicked_all", nil)
}

func startRecording(ctx context.Context, r requester, req StartRecordingRequest) error {
	return call(ctx, r, "recording", startRecordingWire{Action: "start", StartRecordingRequest: req}, "ok", nil)
}

func stopRecording(ctx context.Context, r requester, req StopRecordingRequest) error {
	return call(ctx, r, "recording", stopRecordingWire{Action: "stop", StopRecordingRequest: req}, "ok", nil)
}

func enable(ctx context.Context, r requester, req EnableRequest) error {
	return call(ctx, r, "enable", req, "ok", nil)
}

func disable(ctx context.Context, r requester, req DisableRequest) error {
	if req.StopRecording {
		// Stop the recordings first with a request that skips streams
		// not being recorded (see DisableRequest.StopRecording).
		err := stopRecording(ctx, r, StopRecordingRequest{ID: req.ID, Secret: req.Secret, Audio: true, Video: true, Data: true})
		if err != nil && !errors.Is(err, &core.PluginError{Code: ErrInvalidRequest}) {
			return err
		}
	}
	return call(ctx, r, "disable", disableWire{DisableRequest: req, StopRecording: false}, "ok", nil)
}

// List returns the public mountpoints (and the private ones too when
// req.AdminKey is the plugin's admin_key).
func (h *Handle) List(ctx context.Context, req ListRequest) ([]Mountpoint, error) {
	return listMountpoints(ctx, h, req)
}

// Info returns the details of one mountpoint; with the right secret it
// includes the secret, PIN, name, ports and recordings.
func (h *Handle) Info(ctx context.Context, req InfoRequest) (*Mountpoint, error) {
	return infoMountpoint(ctx, h, req)
}

// Create creates a mountpoint. Only RTP mountpoints report their ports.
func (h *Handle) Create(ctx context.Context, req CreateRequest) (*Created, error) {
	return createMountpoint(ctx, h, req)
}

// Edit changes a mountpoint's description, metadata, secret, PIN or
// visibility.
func (h *Handle) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	return editMountpoint(ctx, h, req)
}

// Destroy removes a mountpoint; its viewers get a "stopped" status event
// and their PeerConnections are closed.
func (h *Handle) Destroy(ctx context.Context, req DestroyRequest) error {
	return destroyMountpoint(ctx, h, req)
}

// KickAll removes every viewer of a mountpoint (not on-demand ones); they
// get a "kicked_all" status event and their PeerConnections are closed.
func (h *Handle) KickAll(ctx context.Context, req KickAllRequest) error {
	return kickAll(ctx, h, req)
}

// StartRecording starts recording streams of a live RTP mountpoint to
// .mjr files ("recording" request, action "start").
func (h *Handle) StartRecording(ctx context.Context, req StartRecordingRequest) error {
	return startRecording(ctx, h, req)
}

// StopRecording stops recording streams of a mountpoint ("recording"
// request, action "stop").
func (h *Handle) StopRecording(ctx context.Context, req StopRecordingRequest) error {
	return stopRecording(ctx, h, req)
}

// Enable makes a disabled mountpoint available to viewers again.
func (h *Handle) Enable(ctx context.Context, req EnableRequest) error {
	return enable(ctx, h, req)
}

// Disable makes a mountpoint unavailable to viewers without destroying it.
func (h *Handle) Disable(ctx context.Context, req DisableRequest) error {
	return disable(ctx, h, req)
}

// List is Handle.List through the Admin API.
func (a *Admin) List(ctx context.Context, req ListRequest) ([]Mountpoint, error) {
	return listMountpoints(ctx, a, req)
}

// Info is Handle.Info through the Admin API.
func (a *Admin) Info(ctx context.Context, req InfoRequest) (*Mountpoint, error) {
	return infoMountpoint(ctx, a, req)
}

// Create is Handle.Create through the Admin API.
func (a *Admin) Create(ctx context.Context, req CreateRequest) (*Created, error) {
	return createMountpoint(ctx, a, req)
}

// Edit is Handle.Edit through the Admin API.
func (a *Admin) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	return editMountpoint(ctx, a, req)
}

// Destroy is Handle.Destroy through the Admin API.
func (a *Admin) Destroy(ctx context.Context, req DestroyRequest) error {
	return destroyMountpoint(ctx, a, req)
}

// KickAll is Handle.KickAll through the Admin API.
func (a *Admin) KickAll(ctx context.Context, req KickAllRequest) error {
	return kickAll(ctx, a, req)
}

// StartRecording is Handle.StartRecording through the Admin API.
func (a *Admin) StartRecording(ctx context.Context, req StartRecordingRequest) error {
	return startRecording(ctx, a, req)
}

// StopRecording is Handle.StopRecording through the Admin API.
func (a *Admin) StopRecording(ctx context.Context, req StopRecordingRequest) error {
	return stopRecording(ctx, a, req)
}

// Enable is Handle.Enable through the Admin API.
func (a *Admin) Enable(ctx context.Context, req EnableRequest) error {
	return enable(ctx, a, req)
}

// Disable is Handle.Disable through the Admin API.
func (a *Admin) Disable(ctx context.Context, req DisableRequest) error {
	return disable(ctx, a, req)
}

// Watch subscribes the handle to a mountpoint (or, with Restart, asks for
// an ICE restart of the current subscription) and returns Janus's SDP
// offer. Answer it with Start.
func (h *Handle) Watch(ctx context.Context, req WatchRequest) (*core.JSEP, error) {
	r, jsep, err := h.async(ctx, "watch", req)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusPreparing && r.Status != StatusUpdating {
		return nil, fmt.Errorf("streaming: watch: unexpected status %q", r.Status)
	}
	if jsep == nil {
		return nil, errors.New("streaming: watch: no SDP offer in the answer")
	}
	return jsep, nil
}

// Start sends the SDP answer to Watch's offer and starts the playout; with
// a nil answer it resumes a paused playout. It returns StatusStarting, or
// StatusStarted when the PeerConnection was already up.
func (h *Handle) Start(ctx context.Context, answer *core.JSEP) (Status, error) {
	var opts []core.CallOption
	if answer != nil {
		opts = append(opts, core.WithJSEP(answer))
	}
	r, _, err := h.async(ctx, "start", nil, opts...)
	if err != nil {
		return "", err
	}
	if r.Status != StatusStarting && r.Status != StatusStarted {
		return "", fmt.Errorf("streaming: start: unexpected status %q", r.Status)
	}
	return r.Status, nil
}

// Pause pauses the playout without closing the PeerConnection; Start
// with a nil answer resumes it.
func (h *Handle) Pause(ctx context.Context) error {
	r, _, err := h.async(ctx, "pause", nil)
	if err != nil {
		return err
	}
	if r.Status != StatusPausing {
		return fmt.Errorf("streaming: pause: unexpected status %q", r.Status)
	}
	return nil
}

// Configure changes what the subscription relays: a stream on or off
// (Mid, Send), simulcast and SVC layers, playout delay.
func (h *Handle) Configure(ctx context.Context, req ConfigureRequest) error {
	r, _, err := h.async(ctx, "configure", req)
	if err != nil {
		return err
	}
	if r.Event != "configured" {
		return fmt.Errorf("streaming: configure: unexpected answer %+v", *r)
	}
	return nil
}

// Switch moves the subscription to another live RTP mountpoint with the
// same media layout, keeping the PeerConnection.
func (h *Handle) Switch(ctx context.Context, req SwitchRequest) error {
	r, _, err := h.async(ctx, "switch", req)
	if err != nil {
		return err
	}
	if r.Switched != "ok" {
		return fmt.Errorf("streaming: switch: unexpected answer %+v", *r)
	}
	return nil
}

// Stop ends the subscription and closes the PeerConnection. It returns
// once Janus acknowledged the request: the plugin answers with a
// "stopping" StatusChanged event (then a core.Hangup) only when the
// PeerConnection was up; before that it ignores the request, so use
// Hangup or Detach to abandon a subscription whose media never started.
func (h *Handle) Stop(ctx context.Context) error {
	b, err := body("stop", nil)
	if err != nil {
		return err
	}
	_, err = h.Post(ctx, b)
	return err
}
