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
	"fmt"

	"github.com/gojanus/gojanus/core"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.videocall"

// Error codes of the plugin.
const (
	ErrNoMessage         = 470
	ErrInvalidJSON       = 471
	ErrInvalidRequest    = 472
	ErrRegisterFirst     = 473
	ErrInvalidElement    = 474
	ErrMissingElement    = 475
	ErrUsernameTaken     = 476
	ErrAlreadyRegistered = 477
	ErrNoSuchUsername    = 478
	// ErrUseEchoTest is the answer to calling oneself.
	ErrUseEchoTest   = 479
	ErrAlreadyInCall = 480
	ErrNoCall        = 481
	ErrMissingSDP    = 482
	ErrInvalidSDP    = 483
	ErrUnknown       = 499
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
var ErrUserBusy = errors.New("videocall: user busy")

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

// Settings is the body of a set request. Every field is optional; nil
// and empty fields are not sent.
type Settings struct {
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

type request struct {
	Request  string `json:"request"`
	Username string `json:"username,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// List returns the registered usernames.
func (h *Handle) List(ctx context.Context) ([]string, error) {
	l, err := do[*PeerList](ctx, h, request{Request: "list"}, nil)
	if err != nil {
		return nil, err
	}
	return l.Usernames, nil
}

// Register registers the handle under username, so that others can call
// it. A name in use is ErrUsernameTaken; a second registration of the
// same handle is ErrAlreadyRegistered. The name is freed when the handle
// is detached.
func (h *Handle) Register(ctx context.Context, username string) (*Registered, error) {
	return do[*Registered](ctx, h, request{Request: "register", Username: username}, nil)
}

// Call calls username with an SDP offer. The answer only tells that the
// call is ringing: the callee's *Accepted (with Janus's SDP answer) or
// *Hangup arrives later on the event stream. A callee in another call
// gives an error matching ErrUserBusy; an unknown one ErrNoSuchUsername.
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
	var opts []core.CallOption
	if offer != nil {
		opts = append(opts, core.WithJSEP(offer))
	}
	res, err := h.Message(ctx, request{Request: "call", Username: username}, opts...)
	if err != nil {
		return nil, err
	}
	switch ev := h.decode(res).(type) {
	case *Calling:
		return ev, nil
	case *Hangup:
		if ev.Reason == ReasonBusy {
			return nil, fmt.Errorf("videocall: call %s: %w", username, ErrUserBusy)
		}
		return nil, fmt.Errorf("videocall: call %s: hung up: %s", username, ev.Reason)
	}
	return nil, fmt.Errorf("videocall: call: unexpected answer %s", res.Data)
}

// Accept accepts the incoming call with an SDP answer to the offer of
// the *IncomingCall event; the caller gets an *Accepted with Janus's
// answer. Without a call to accept it fails with ErrNoCall.
func (h *Handle) Accept(ctx context.Context, answer *core.JSEP) (*Accepted, error) {
	var opts []core.CallOption
	if answer != nil {
		opts = append(opts, core.WithJSEP(answer))
	}
	return do[*Accepted](ctx, h, request{Request: "accept"}, opts)
}

// Set changes the call's settings. With jsep it also renegotiates: an
// offer (Restart for an ICE restart) reaches the other party as an
// *Update carrying Janus's offer, which answers with Set and an SDP
// answer; that answer reaches this side as an *Update too.
func (h *Handle) Set(ctx context.Context, s Settings, jsep *core.JSEP) (*SetDone, error) {
	var opts []core.CallOption
	if jsep != nil {
		opts = append(opts, core.WithJSEP(jsep))
	}
	body := struct {
		Request string `json:"request"`
		Settings
	}{"set", s}
	return do[*SetDone](ctx, h, body, opts)
}

// HangupCall ends the call, cancels an outgoing one or declines an
// incoming one (it is the plugin's "hangup" request; the embedded
// core.Handle.Hangup only closes the PeerConnection). The other party
// gets a *Hangup with reason (ReasonDefault when reason is empty); the
// answer here carries ReasonExplicit. When the PeerConnections close
// afterwards, each side also gets a *Hangup with ReasonRemoteWebRTC from
// the other.
func (h *Handle) HangupCall(ctx context.Context, reason string) (*Hangup, error) {
	return do[*Hangup](ctx, h, request{Request: "hangup", Reason: reason}, nil)
}

// do sends body and returns the answer decoded as T.
func do[T core.Event](ctx context.Context, h *Handle, body any, opts []core.CallOption) (T, error) {
	var zero T
	res, err := h.Message(ctx, body, opts...)
	if err != nil {
		return zero, err
	}
	if ev, ok := h.decode(res).(T); ok {
		return ev, nil
	}
	return zero, fmt.Errorf("videocall: unexpected answer %s", res.Data)
}

// decode turns a request's answer into the typed event it carries.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}
