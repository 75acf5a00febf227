// Package echotest is the typed API of the Janus EchoTest plugin
// (janus.plugin.echotest): the server sends back the media it receives,
// which makes it the simplest way to check a WebRTC setup end to end.
//
//	h, err := echotest.Attach(ctx, session)
//	answer, err := h.Configure(ctx, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(true)}, offer)
//	for ev := range h.Events() {
//		switch ev := ev.(type) {
//		case *echotest.Done:        // the PeerConnection is gone
//		case *echotest.SlowLink:    // the plugin saw packet loss
//		case *core.WebRTCUp:        // media flows
//		}
//	}
//
// The package has no media code: the offer comes from a core.Peer
// (native or browser). Options added after Janus 1.1.2 (SVC layers) name
// the version that brought them and fail with core.ErrUnsupported,
// before anything is sent, on an older server.
package echotest

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.echotest"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "echotest", KindKey: "echotest"}

// The plugin's errors: errors.Is(err, echotest.ErrInvalidElement) matches
// any error of that code, whose *core.PluginError carries the server's
// reason.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 411, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 412, "invalid JSON")
	ErrInvalidElement = core.PluginCode(Plugin, 413, "invalid element")
	ErrInvalidSDP     = core.PluginCode(Plugin, 414, "invalid SDP")
)

// Handle is a handle attached to the EchoTest plugin. The embedded
// core.Handle gives Events, Trickle, Hangup, Detach and the raw Message.
type Handle struct {
	*core.Handle
}

// Attach attaches a new EchoTest handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// ConfigureRequest is the plugin's one (unnamed) request. Every field is
// optional; nil and empty fields are not sent.
type ConfigureRequest struct {
	// Audio and Video turn the echo of each medium on or off.
	Audio *bool `json:"audio,omitempty"`
	Video *bool `json:"video,omitempty"`
	// AudioCodec, VideoCodec and VideoProfile force a codec (and profile,
	// for VP9 and H.264) when a PeerConnection is negotiated.
	AudioCodec   core.Codec `json:"audiocodec,omitempty"`
	VideoCodec   core.Codec `json:"videocodec,omitempty"`
	VideoProfile string     `json:"videoprofile,omitempty"`
	// Bitrate caps the sender's bitrate, in bits per second (REMB).
	Bitrate int `json:"bitrate,omitempty"`
	// Record starts or stops recording; Filename is the base path of the
	// recording (-audio.mjr, -video.mjr are appended).
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	// Substream and Temporal pick the simulcast layer echoed back (0-2).
	Substream *int `json:"substream,omitempty"`
	Temporal  *int `json:"temporal,omitempty"`
	// SpatialLayer and TemporalLayer pick the SVC layers echoed back
	// (0-2), for a VP9 or AV1 SVC sender. Janus 1.1.4 and later.
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in ms.
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// Configure sends the plugin's request, with an SDP offer to
// (re)negotiate when offer is not nil, and returns the plugin's SDP
// answer (nil without an offer). Plugin errors are *core.PluginError
// (ErrInvalidElement, ...). SpatialLayer and TemporalLayer fail with
// core.ErrUnsupported, before anything is sent, on a server older than
// Janus 1.1.4.
func (h *Handle) Configure(ctx context.Context, req ConfigureRequest, offer *core.JSEP) (*core.JSEP, error) {
	const verb = "configure" // names the request in errors; the plugin's is unnamed
	s := plugin.OverHandle(h.Handle)
	if err := api.RequireUsed(ctx, s, plugin.Gate{Feature: "configure spatial_layer", Since: core.V(1, 1, 4), Used: req.SpatialLayer != nil || req.TemporalLayer != nil}); err != nil {
		return nil, err
	}
	var opts []core.CallOption
	if offer != nil {
		opts = append(opts, core.WithJSEP(offer))
	}
	body, err := plugin.Prepend(req)
	if err != nil {
		return nil, errfmt.Errorf("janus: echotest: %s: %w", verb, err)
	}
	res, err := s.Send(ctx, body, opts...)
	if err != nil {
		return nil, api.Named(verb, err)
	}
	var r struct {
		Result string `json:"result"`
	}
	if err := api.Check(verb, res, "event", &r); err != nil {
		return nil, err
	}
	if r.Result != "ok" || (offer != nil && res.JSEP == nil) {
		return nil, errfmt.Errorf("janus: echotest: %s: %w: result %q, SDP answer %t", verb, core.ErrBadAnswer, r.Result, res.JSEP != nil)
	}
	return res.JSEP, nil
}
