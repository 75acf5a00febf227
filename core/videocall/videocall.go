// Package videocall is the typed API of the Janus VideoCall plugin
// (janus.plugin.videocall): one-to-one calls between users registered
// under a name, with the media relayed by Janus.
//
// Every request of the plugin is asynchronous (an ack, then an event
// with the answer); the methods wait for that answer. What the other
// party does arrives on the handle's event stream, typed:
//
//	alice, err := videocall.Attach(ctx, session)
//	_, err = alice.Register(ctx, "alice")
//	_, err = alice.Call(ctx, "bob", offer)    // offer from a core.Peer
//	for ev := range alice.Events() {
//		switch ev := ev.(type) {
//		case *videocall.Accepted: // ev.JSEP is Janus's answer for the Peer
//		case *videocall.Hangup:   // ev.Reason
//		}
//	}
//
// and on the callee's side:
//
//	case *videocall.IncomingCall: // ev.Username calls; ev.JSEP is the offer
//		_, err = bob.Accept(ctx, answer)
//
// The package has no media code: offers and answers come from a
// core.Peer (native or browser).
package videocall

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.videocall"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "videocall", KindKey: "videocall"}

// The plugin's errors: errors.Is(err, videocall.ErrNoSuchUsername)
// matches any error of that code, whose *core.PluginError carries the
// server's reason.
var (
	ErrNoMessage         = core.PluginCode(Plugin, 470, "no message")
	ErrInvalidJSON       = core.PluginCode(Plugin, 471, "invalid JSON")
	ErrInvalidRequest    = core.PluginCode(Plugin, 472, "invalid request")
	ErrRegisterFirst     = core.PluginCode(Plugin, 473, "register first")
	ErrInvalidElement    = core.PluginCode(Plugin, 474, "invalid element")
	ErrMissingElement    = core.PluginCode(Plugin, 475, "missing element")
	ErrUsernameTaken     = core.PluginCode(Plugin, 476, "username taken")
	ErrAlreadyRegistered = core.PluginCode(Plugin, 477, "already registered")
	ErrNoSuchUsername    = core.PluginCode(Plugin, 478, "no such username")
	// ErrUseEchoTest is the answer to calling oneself.
	ErrUseEchoTest   = core.PluginCode(Plugin, 479, "use the echo test")
	ErrAlreadyInCall = core.PluginCode(Plugin, 480, "already in a call")
	ErrNoCall        = core.PluginCode(Plugin, 481, "no call")
	ErrMissingSDP    = core.PluginCode(Plugin, 482, "missing SDP")
	ErrInvalidSDP    = core.PluginCode(Plugin, 483, "invalid SDP")
	ErrUnknown       = core.PluginCode(Plugin, 499, "unknown error")
)

// Hangup reasons the plugin sends.
const (
	// ReasonBusy answers a call to a user who is in another call.
	ReasonBusy = "User busy"
	// ReasonExplicit is the reason in the answer to HangupCall.
	ReasonExplicit = "Explicit hangup"
	// ReasonDefault is what the other party gets when HangupCall gave no
	// reason.
	ReasonDefault = "We did the hangup"
	// ReasonRemoteWebRTC is sent when the other party's PeerConnection
	// went away.
	ReasonRemoteWebRTC = "Remote WebRTC hangup"
)

// ErrUserBusy is returned (wrapped) by Call when the callee is already in
// a call; the plugin answers such a call with a hangup, not an error code.
var ErrUserBusy = errors.New("janus: videocall: user busy")

// Handle is a handle attached to the VideoCall plugin. The embedded
// core.Handle gives Events, Trickle, Hangup (of the PeerConnection),
// Detach and the raw Message; HangupCall is the plugin's own hangup.
type Handle struct {
	*core.Handle
}

// Attach attaches a new VideoCall handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// SetRequest changes the settings of the call ("set"). Every field is
// optional; nil and empty fields are not sent.
type SetRequest struct {
	// Audio and Video turn the relay of each medium to the other party
	// on or off.
	Audio *bool `json:"audio,omitempty"`
	Video *bool `json:"video,omitempty"`
	// Bitrate caps the bitrate the other party sends, in bits per second
	// (REMB); Ptr(0) removes the cap.
	Bitrate *int `json:"bitrate,omitempty"`
	// Record starts or stops recording this user's media; Filename is the
	// base path (-audio.mjr, -video.mjr, -data.mjr are appended).
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	// Substream and Temporal pick the simulcast layer received (0-2);
	// Fallback is how long without packets, in microseconds, drops to a
	// lower substream (default 250000).
	Substream *int `json:"substream,omitempty"`
	Temporal  *int `json:"temporal,omitempty"`
	Fallback  *int `json:"fallback,omitempty"`
	// Restart marks an offer sent with the request as an ICE restart.
	Restart bool `json:"restart,omitempty"`
}

// user is the body of the requests that name a user (none when empty:
// the plugin's missing element error).
type user struct {
	Username string `json:"username,omitempty"`
}

// List returns the registered usernames ("list").
func (h *Handle) List(ctx context.Context) ([]string, error) {
	l, err := plugin.Expect[*PeerList](ctx, api, plugin.OverHandle(h.Handle), "list", nil, h.decode)
	if err != nil {
		return nil, err
	}
	return l.Usernames, nil
}

// Register registers the handle under username ("register"), so that
// others can call it. A name in use is ErrUsernameTaken; a second
// registration of the same handle is ErrAlreadyRegistered. The name is
// freed when the handle is detached.
func (h *Handle) Register(ctx context.Context, username string) (*Registered, error) {
	return plugin.Expect[*Registered](ctx, api, plugin.OverHandle(h.Handle), "register", user{username}, h.decode)
}

// Call calls username with an SDP offer ("call"). The answer only tells
// that the call is ringing: the callee's *Accepted (with Janus's SDP
// answer) or *Hangup arrives later on the event stream. A callee in
// another call gives an error matching ErrUserBusy; an unknown one
// ErrNoSuchUsername.
//
// When a call fails, the plugin closes the PeerConnection Janus started
// for its offer: wait for the *core.Hangup on the stream before sending
// another offer on this handle, or Janus refuses it (a *core.Error with
// code 490). Calling while already in a call is ErrAlreadyInCall and,
// in 1.1.2, also ends the call in progress. Janus 1.1.2 also loses the
// offer to a callee whose previous PeerConnection it has not freed yet
// (a few milliseconds after that call's hangup events): the caller gets
// *Calling, the callee no *IncomingCall.
func (h *Handle) Call(ctx context.Context, username string, offer *core.JSEP) (*Calling, error) {
	res, err := api.Call(ctx, plugin.OverHandle(h.Handle), "call", user{username}, "", nil, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	switch ev := h.decode(res).(type) {
	case *Calling:
		return ev, nil
	case *Hangup:
		if ev.Reason == ReasonBusy {
			return nil, errfmt.Errorf("janus: videocall: call: %s: %w", username, ErrUserBusy)
		}
		return nil, errfmt.Errorf("janus: videocall: call: %s hung up: %s", username, ev.Reason)
	}
	return nil, errfmt.Errorf("janus: videocall: call: %w: %s", core.ErrBadAnswer, res.Data)
}

// Accept accepts the incoming call with an SDP answer to the offer of
// the *IncomingCall event ("accept"); the caller gets an *Accepted with
// Janus's answer. Without a call to accept it fails with ErrNoCall.
func (h *Handle) Accept(ctx context.Context, answer *core.JSEP) (*Accepted, error) {
	return plugin.Expect[*Accepted](ctx, api, plugin.OverHandle(h.Handle), "accept", nil, h.decode, core.WithJSEP(answer))
}

// Set changes the call's settings ("set"). With jsep it also
// renegotiates: an offer (Restart for an ICE restart) reaches the other
// party as an *Update carrying Janus's offer, which answers with Set and
// an SDP answer; that answer reaches this side as an *Update too.
func (h *Handle) Set(ctx context.Context, req SetRequest, jsep *core.JSEP) (*SetDone, error) {
	return plugin.Expect[*SetDone](ctx, api, plugin.OverHandle(h.Handle), "set", req, h.decode, core.WithJSEP(jsep))
}

// HangupCall ends the call, cancels an outgoing one or declines an
// incoming one (it is the plugin's "hangup" request; the embedded
// core.Handle.Hangup only closes the PeerConnection). The other party
// gets a *Hangup with reason (ReasonDefault when reason is empty); the
// answer here carries ReasonExplicit. When the PeerConnections close
// afterwards, each side also gets a *Hangup with ReasonRemoteWebRTC from
// the other.
func (h *Handle) HangupCall(ctx context.Context, reason string) (*Hangup, error) {
	var req struct {
		Reason string `json:"reason,omitempty"`
	}
	req.Reason = reason
	return plugin.Expect[*Hangup](ctx, api, plugin.OverHandle(h.Handle), "hangup", req, h.decode)
}

// decode turns a request's answer into the typed event it carries.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}
