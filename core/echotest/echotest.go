// Package echotest is the typed API of the Janus EchoTest plugin
// (janus.plugin.echotest): the server sends back the media it receives,
// which makes it the simplest way to check a WebRTC setup end to end.
//
//	h, err := echotest.Attach(ctx, session)
//	answer, err := h.Configure(ctx, echotest.Settings{Audio: core.Ptr(true), Video: core.Ptr(true)}, offer)
//	for ev := range h.Events() {
//		switch ev := ev.(type) {
//		case *echotest.Done:        // the PeerConnection is gone
//		case *echotest.SlowLink:    // the plugin saw packet loss
//		case *core.WebRTCUp:        // media flows
//		}
//	}
//
// The package has no media code: the offer comes from a core.Peer
// (native or browser).
package echotest

import (
	"context"
	"fmt"

	"github.com/gojanus/gojanus/core"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.echotest"

// Error codes of the plugin.
const (
	ErrNoMessage      = 411
	ErrInvalidJSON    = 412
	ErrInvalidElement = 413
	ErrInvalidSDP     = 414
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

// Settings is the plugin's one (unnamed) request. Every field is
// optional; nil and empty fields are not sent.
type Settings struct {
	// Audio and Video turn the echo of each medium on or off.
	Audio *bool `json:"audio,omitempty"`
	Video *bool `json:"video,omitempty"`
	// AudioCodec, VideoCodec and VideoProfile force a codec (and profile,
	// for VP9 and H.264) when a PeerConnection is negotiated.
	AudioCodec   string `json:"audiocodec,omitempty"`
	VideoCodec   string `json:"videocodec,omitempty"`
	VideoProfile string `json:"videoprofile,omitempty"`
	// Bitrate caps the sender's bitrate, in bits per second (REMB).
	Bitrate int `json:"bitrate,omitempty"`
	// Record starts or stops recording; Filename is the base path of the
	// recording (-audio.mjr, -video.mjr are appended).
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	// Substream and Temporal pick the simulcast layer echoed back (0-2).
	Substream *int `json:"substream,omitempty"`
	Temporal  *int `json:"temporal,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in ms.
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// Configure sends the settings, with an SDP offer to (re)negotiate when
// offer is not nil, and returns the plugin's SDP answer (nil without an
// offer). Plugin errors are *core.PluginError.
func (h *Handle) Configure(ctx context.Context, s Settings, offer *core.JSEP) (*core.JSEP, error) {
	opts := []core.CallOption{}
	if offer != nil {
		opts = append(opts, core.WithJSEP(offer))
	}
	res, err := h.Message(ctx, s, opts...)
	if err != nil {
		return nil, err
	}
	var r struct {
		Result string `json:"result"`
	}
	if err := res.Decode(&r); err != nil {
		return nil, fmt.Errorf("echotest: %w", err)
	}
	if r.Result != "ok" {
		return nil, fmt.Errorf("echotest: unexpected result %q", r.Result)
	}
	if offer != nil && res.JSEP == nil {
		return nil, fmt.Errorf("echotest: no SDP answer to the offer")
	}
	return res.JSEP, nil
}
