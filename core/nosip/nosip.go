// Package nosip is the typed API of the Janus NoSIP plugin
// (janus.plugin.nosip): Janus bridges a WebRTC PeerConnection to plain
// RTP described by a barebones SDP, and the signalling with the plain-RTP
// peer (SIP, XMPP, a file handed to ffmpeg...) stays with the
// application.
//
// When the WebRTC side calls:
//
//	h, err := nosip.Attach(ctx, session)
//	gen, err := h.Generate(ctx, nosip.GenerateRequest{}, offer) // offer from a core.Peer
//	// gen.SDP is the plain offer: send it to the other peer, get its answer
//	proc, err := h.Process(ctx, nosip.ProcessRequest{Type: nosip.Answer, SDP: plainAnswer})
//	// proc.JSEP is Janus's WebRTC answer, for the core.Peer
//
// and when the plain peer calls, the other way round: Process its offer
// (Janus's WebRTC offer comes back), answer it with the core.Peer and
// Generate the plain answer. OfferPeer, AnsweredPeer and AnswerPeer do
// those steps with a core.Peer.
//
// Every request of the plugin is asynchronous (an ack, then an event with
// the answer); the methods wait for that answer. Keyframe came with Janus
// 1.3.1, RTPForward, StopRTPForward and ListForwarders with 1.4.0: on
// older servers they fail before sending with an error matching
// core.ErrUnsupported.
package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.nosip"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "nosip", KindKey: "nosip"}

// The plugin's errors: errors.Is(err, nosip.ErrMissingSDP) matches any
// error of that code, whose *core.PluginError carries the server's
// reason.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 440, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 441, "invalid JSON")
	ErrInvalidRequest = core.PluginCode(Plugin, 442, "invalid request")
	ErrMissingElement = core.PluginCode(Plugin, 443, "missing element")
	ErrInvalidElement = core.PluginCode(Plugin, 444, "invalid element")
	ErrWrongState     = core.PluginCode(Plugin, 445, "wrong state")
	// ErrMissingSDP is also the answer to an SDP that does not parse, of
	// an unknown type, or with a data channel (the plugin bridges audio
	// and video only).
	ErrMissingSDP = core.PluginCode(Plugin, 446, "missing SDP")
	// ErrInvalidSDP answers a plain SDP without audio, video or a remote
	// address.
	ErrInvalidSDP = core.PluginCode(Plugin, 447, "invalid SDP")
	// ErrIO is the plugin's failure to bind RTP/RTCP ports.
	ErrIO = core.PluginCode(Plugin, 448, "I/O error")
	// ErrRecording answers a recording request that names no media.
	ErrRecording = core.PluginCode(Plugin, 449, "recording error")
	// ErrTooStrict answers an SDP without SRTP when SRTPMandatory was
	// asked for.
	ErrTooStrict = core.PluginCode(Plugin, 450, "too strict")
	// ErrNoSuchStream answers StopRTPForward with an unknown stream id
	// (Janus 1.4.0 and later).
	ErrNoSuchStream = core.PluginCode(Plugin, 451, "no such stream")
	ErrUnknown      = core.PluginCode(Plugin, 499, "unknown error")
)

// Versions that brought the requests newer than Janus 1.1.2.
var (
	// keyframeSince is the version of the keyframe request.
	keyframeSince = core.V(1, 3, 1)
	// forwardersSince is the version of rtp_forward, stop_rtp_forward and
	// listforwarders.
	forwardersSince = core.V(1, 4, 0)
)

// SDP types of ProcessRequest.Type and Generated.Type.
const (
	Offer  = "offer"
	Answer = "answer"
)

// SRTP says whether the plain SDP offers SDES-SRTP (a=crypto lines) or
// requires it (RTP/SAVP).
type SRTP string

// The SRTP modes.
const (
	// SRTPOptional offers SDES-SRTP and accepts plain RTP.
	SRTPOptional SRTP = "sdes_optional"
	// SRTPMandatory requires SDES-SRTP (RTP/SAVP m-lines).
	SRTPMandatory SRTP = "sdes_mandatory"
)

// SRTPProfile is an SRTP crypto suite Janus offers in its a=crypto lines.
type SRTPProfile string

// The SRTP profiles; the AEAD ones only when Janus was built with AES-GCM
// support. The default is SRTPAES80.
const (
	SRTPAES80   SRTPProfile = "AES_CM_128_HMAC_SHA1_80"
	SRTPAES32   SRTPProfile = "AES_CM_128_HMAC_SHA1_32"
	SRTPAEAD128 SRTPProfile = "AEAD_AES_128_GCM"
	SRTPAEAD256 SRTPProfile = "AEAD_AES_256_GCM"
)

// Handle is a handle attached to the NoSIP plugin. The embedded
// core.Handle gives Events, Trickle, Hangup (of the PeerConnection),
// Detach and the raw Message; HangupCall is the plugin's own hangup.
type Handle struct {
	*core.Handle
}

// Attach attaches a new NoSIP handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// GenerateRequest turns a WebRTC offer or answer into a plain SDP
// ("generate"). Every field is optional.
type GenerateRequest struct {
	// Info is an opaque string for the application's own context.
	Info string `json:"info,omitempty"`
	// SRTP offers or requires SDES-SRTP in the plain SDP (an answer
	// to a plain offer with a=crypto lines has them anyway); SRTPProfile
	// picks the suite offered (default SRTPAES80).
	SRTP        SRTP        `json:"srtp,omitempty"`
	SRTPProfile SRTPProfile `json:"srtp_profile,omitempty"`
}

// ProcessRequest turns the plain peer's SDP offer or answer into a WebRTC
// one ("process").
type ProcessRequest struct {
	// Type is Offer or Answer; SDP is the plain SDP.
	Type string `json:"type"`
	SDP  string `json:"sdp"`
	// Info is an opaque string for the application's own context.
	Info string `json:"info,omitempty"`
	// SRTP set to SRTPMandatory refuses a plain SDP without SDES-SRTP
	// (ErrTooStrict); RTP/SAVP m-lines require it too. SRTPProfile is
	// as for GenerateRequest.
	SRTP        SRTP        `json:"srtp,omitempty"`
	SRTPProfile SRTPProfile `json:"srtp_profile,omitempty"`
	// Update marks the SDP as a renegotiation of a running session (the
	// plugin assumes it once media flows).
	Update bool `json:"update,omitempty"`
}

// Generate sends a WebRTC offer or answer (jsep, from a core.Peer) and
// returns the plain SDP Janus made of it, with the RTP/RTCP ports it bound
// for the plain peer ("generate"). When jsep is an answer (the plain peer
// offered first, see Process), media starts flowing. Without jsep the
// plugin answers ErrMissingSDP. When the plugin refuses a WebRTC offer
// (ErrInvalidElement for an unknown SRTP mode, for example), Janus has
// already started its side of the PeerConnection and refuses the next
// offer on the handle (a *core.Error with code 490): retry on a new
// handle.
func (h *Handle) Generate(ctx context.Context, req GenerateRequest, jsep *core.JSEP) (*Generated, error) {
	return plugin.Expect[*Generated](ctx, api, plugin.OverHandle(h.Handle), "generate", req, h.decode, core.WithJSEP(jsep))
}

// Process sends the plain peer's SDP and returns Janus's answer to it:
// *Processed, whose JSEP is the WebRTC offer or answer for the core.Peer
// ("process"). When req is an answer (to Generate's offer), media starts
// flowing.
func (h *Handle) Process(ctx context.Context, req ProcessRequest) (*Processed, error) {
	p, err := plugin.Expect[*Processed](ctx, api, plugin.OverHandle(h.Handle), "process", req, h.decode)
	if err != nil {
		return nil, err
	}
	if p.JSEP == nil {
		return nil, errfmt.Errorf("janus: nosip: process: %w: the answer has no WebRTC SDP", core.ErrBadAnswer)
	}
	return p, nil
}

// HangupCall ends the bridged session: Janus closes the PeerConnection
// and the plain RTP sockets ("hangup"; the embedded core.Handle.Hangup
// only closes the PeerConnection). A *core.Hangup follows on the stream.
func (h *Handle) HangupCall(ctx context.Context) (*HangingUp, error) {
	return plugin.Expect[*HangingUp](ctx, api, plugin.OverHandle(h.Handle), "hangup", nil, h.decode)
}

// decode turns a request's answer into the typed event it carries.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}
