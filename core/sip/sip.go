// Package sip is the typed API of the Janus SIP plugin (janus.plugin.sip):
// Janus acts as a SIP user agent on behalf of the client, registers at a
// SIP registrar, calls SIP URIs and takes incoming calls, and bridges the
// client's WebRTC media to the SIP peer's plain RTP.
//
// Every request of the plugin is asynchronous (an ack, then an event
// with the answer); the methods wait for that answer. What the SIP side
// does arrives on the handle's event stream, typed:
//
//	h, err := sip.Attach(ctx, session)
//	_, err = h.Register(ctx, sip.RegisterRequest{Username: "sip:alice@example.com",
//		Secret: "...", Proxy: "sip:example.com"})
//	// then *sip.Registered (or *sip.RegistrationFailed) on h.Events()
//	_, err = h.CallPeer(ctx, sip.CallRequest{URI: "sip:bob@example.com"}, peer, nil)
//	for ev := range h.Events() {
//		switch ev := ev.(type) {
//		case *sip.Ringing:
//		case *sip.Accepted: // ev.JSEP is the answer for the Peer (h.Answered)
//		case *sip.Hangup:   // ev.Code, ev.Reason
//		}
//	}
//
// and for incoming calls:
//
//	case *sip.IncomingCall: // ev.Username calls; ev.JSEP is the offer
//		err = h.AcceptPeer(ctx, ev, peer, nil)
//
// The package has no media code: offers and answers come from a
// core.Peer (native or browser).
package sip

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.sip"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "sip", KindKey: "sip"}

// The plugin's errors: errors.Is(err, sip.ErrWrongState) matches any
// error of that code, whose *core.PluginError carries the server's
// reason. SIP failures (a 403 from the registrar, a 486 from the callee)
// are not plugin errors: they arrive as events (*RegistrationFailed,
// *Hangup) with the SIP code.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 440, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 441, "invalid JSON")
	ErrInvalidRequest = core.PluginCode(Plugin, 442, "invalid request")
	ErrMissingElement = core.PluginCode(Plugin, 443, "missing element")
	ErrInvalidElement = core.PluginCode(Plugin, 444, "invalid element")
	// ErrAlreadyRegistered is the answer to a second Register on a
	// registered handle without Refresh.
	ErrAlreadyRegistered = core.PluginCode(Plugin, 445, "already registered")
	// ErrInvalidAddress is a SIP URI the plugin cannot parse.
	ErrInvalidAddress = core.PluginCode(Plugin, 446, "invalid address")
	// ErrWrongState is a request the call's state does not allow
	// (calling before registering, accepting without an incoming call,
	// hanging up without a call...).
	ErrWrongState   = core.PluginCode(Plugin, 447, "wrong state")
	ErrMissingSDP   = core.PluginCode(Plugin, 448, "missing SDP")
	ErrLibSofia     = core.PluginCode(Plugin, 449, "Sofia SIP error")
	ErrIO           = core.PluginCode(Plugin, 450, "I/O error")
	ErrRecording    = core.PluginCode(Plugin, 451, "recording error")
	ErrTooStrict    = core.PluginCode(Plugin, 452, "too strict")
	ErrHelper       = core.PluginCode(Plugin, 453, "helper error")
	ErrNoSuchCallID = core.PluginCode(Plugin, 454, "no such call-ID")
	// ErrNoSuchStream is an unknown RTP forwarder (Janus 1.4.0).
	ErrNoSuchStream = core.PluginCode(Plugin, 455, "no such stream")
	ErrUnknown      = core.PluginCode(Plugin, 499, "unknown error")
)

// Versions of Janus that brought requests and options of this package;
// older servers get a *core.UnsupportedError before anything is sent.
var (
	// sinceProgress: the progress request and the keyframe request
	// (Janus 1.3.1).
	sinceProgress = core.V(1, 3, 1)
	// sinceRinging: send_ringing and the automatic_ringing option of
	// register (Janus 1.3.3).
	sinceRinging = core.V(1, 3, 3)
	// sinceAnswerProfile: srtp_profile in accept and progress (Janus
	// 1.4.0).
	sinceAnswerProfile = core.V(1, 4, 0)
)

// Handle is a handle attached to the SIP plugin: one SIP user agent. The
// embedded core.Handle gives Events, Trickle, Hangup (of the
// PeerConnection only), Detach and the raw Message; HangupCall is the
// plugin's own hangup (a SIP BYE or CANCEL).
type Handle struct {
	*core.Handle
}

// Attach attaches a new SIP handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// RegisterType says what kind of account Register sets up.
type RegisterType string

const (
	// Regular (the empty type) sends a SIP REGISTER.
	Regular RegisterType = ""
	// Guest uses Username as the identity of calls without registering:
	// the handle can call, but cannot be called.
	Guest RegisterType = "guest"
	// Helper attaches the handle to the account of a registered master
	// handle (RegisterRequest.Master), for a second call at the same
	// time; it registers nothing.
	Helper RegisterType = "helper"
)

// RegisterRequest sets up the handle's SIP account ("register"). Only
// Username is required; a Regular registration also needs Secret or
// HA1Secret.
type RegisterRequest struct {
	// Username is the SIP URI of the account, "sip:alice@example.com".
	Username string `json:"username"`
	// Type is Regular, Guest or Helper.
	Type RegisterType `json:"type,omitempty"`
	// Secret is the password; HA1Secret the pre-hashed
	// MD5(user:realm:password) instead. AuthUser overrides the user
	// name of the digest authentication.
	Secret    string `json:"secret,omitempty"`
	HA1Secret string `json:"ha1_secret,omitempty"`
	AuthUser  string `json:"authuser,omitempty"`
	// DisplayName and UserAgent go into the SIP messages.
	DisplayName string `json:"display_name,omitempty"`
	UserAgent   string `json:"user_agent,omitempty"`
	// Proxy is the registrar, "sip:example.com:5060"; OutboundProxy a
	// proxy all requests go through.
	Proxy         string `json:"proxy,omitempty"`
	OutboundProxy string `json:"outbound_proxy,omitempty"`
	// SendRegister false sets up a Regular account without sending a
	// REGISTER (nil: send it).
	SendRegister *bool `json:"send_register,omitempty"`
	// ForceUDP and ForceTCP pick the SIP transport (UDP by default);
	// SIPS registers a sips: URI too.
	ForceUDP bool `json:"force_udp,omitempty"`
	ForceTCP bool `json:"force_tcp,omitempty"`
	SIPS     bool `json:"sips,omitempty"`
	// RFC2543Cancel allows cancelling a call before any provisional
	// answer.
	RFC2543Cancel bool `json:"rfc2543_cancel,omitempty"`
	// Headers are added to the REGISTER; ContactParams to its Contact
	// URI.
	Headers       map[string]string `json:"headers,omitempty"`
	ContactParams map[string]string `json:"contact_params,omitempty"`
	// IncomingHeaderPrefixes names the prefixes of the custom headers
	// the plugin copies into events (Headers of the events).
	IncomingHeaderPrefixes []string `json:"incoming_header_prefixes,omitempty"`
	// Refresh sends the REGISTER again on a registered handle instead of
	// failing with ErrAlreadyRegistered.
	Refresh bool `json:"refresh,omitempty"`
	// Master is the MasterID of the registered handle a Helper joins.
	Master core.ID `json:"master_id,omitzero"`
	// RegisterTTL is the registration's lifetime in seconds (0: the
	// server's register_ttl).
	RegisterTTL int `json:"register_ttl,omitempty"`
	// AutomaticRinging false stops the plugin answering incoming calls
	// with 180 Ringing by itself (then SendRinging does). Janus 1.3.3.
	AutomaticRinging *bool `json:"automatic_ringing,omitempty"`
}

// String describes the request without its secrets.
func (r RegisterRequest) String() string {
	hidden := func(s string) string {
		if s == "" {
			return `""`
		}
		return "[redacted]"
	}
	return fmt.Sprintf("sip.RegisterRequest{username: %s, type: %q, proxy: %s, secret: %s, ha1_secret: %s}",
		r.Username, r.Type, r.Proxy, hidden(r.Secret), hidden(r.HA1Secret))
}

// GoString is String, so %#v does not print the secrets either.
func (r RegisterRequest) GoString() string { return r.String() }

// RegisterResult is the answer to Register.
type RegisterResult struct {
	// Sent reports that a SIP REGISTER went out ("registering"): its
	// outcome arrives on the event stream as *Registered or
	// *RegistrationFailed.
	Sent bool
	// Registered is the answer when no REGISTER was sent (Guest, Helper,
	// SendRegister false): the account is usable at once.
	Registered *Registered
}

// Register sets up the handle's SIP account ("register"): a Regular
// account sends a SIP REGISTER (authentication challenges are answered
// by the plugin), whose outcome arrives on the event stream; Guest and
// Helper accounts are ready at once. A second registration without
// Refresh is ErrAlreadyRegistered; a Helper without a known Master is
// ErrHelper; a URI that does not parse is ErrInvalidAddress.
// AutomaticRinging needs Janus 1.3.3.
func (h *Handle) Register(ctx context.Context, req RegisterRequest) (*RegisterResult, error) {
	if req.AutomaticRinging != nil {
		if err := api.Require(ctx, h.sender(), "automatic_ringing", sinceRinging); err != nil {
			return nil, err
		}
	}
	res, err := api.Call(ctx, h.sender(), "register", req, "", nil)
	if err != nil {
		return nil, coded(err)
	}
	switch ev := h.decode(res).(type) {
	case *Registering:
		return &RegisterResult{Sent: true}, nil
	case *Registered:
		return &RegisterResult{Registered: ev}, nil
	}
	return nil, badAnswer("register", res)
}

// Unregister ends the registration ("unregister"): a SIP REGISTER with
// expiry 0 when one was sent, whose outcome arrives as *Unregistered. A
// Helper leaves its master. Without a registration it fails with
// ErrWrongState.
func (h *Handle) Unregister(ctx context.Context) (*Unregistering, error) {
	return expect[*Unregistering](ctx, h, "unregister", nil)
}

// CallRequest calls a SIP URI ("call").
type CallRequest struct {
	// URI is the SIP URI to call, "sip:bob@example.com".
	URI string `json:"uri"`
	// CallID sets the SIP Call-ID of the call (default: random).
	CallID string `json:"call_id,omitempty"`
	// Referral is the Referral of a *Transfer event this call follows.
	Referral core.ID `json:"refer_id,omitzero"`
	// Headers are added to the INVITE.
	Headers map[string]string `json:"headers,omitempty"`
	// SRTP offers ("sdes_optional") or mandates ("sdes_mandatory")
	// SDES-SRTP towards the SIP peer; SRTPProfile picks its profile.
	SRTP        string `json:"srtp,omitempty"`
	SRTPProfile string `json:"srtp_profile,omitempty"`
	// Secret, HA1Secret and AuthUser authenticate the INVITE of an
	// account that did not register (a Guest).
	Secret    string `json:"secret,omitempty"`
	HA1Secret string `json:"ha1_secret,omitempty"`
	AuthUser  string `json:"authuser,omitempty"`
	// AutoAcceptReInvites false passes the peer's re-INVITEs to the
	// client as *UpdatingCall instead of accepting them (nil: accept).
	AutoAcceptReInvites *bool `json:"autoaccept_reinvites,omitempty"`
}

// String describes the request without its secrets.
func (r CallRequest) String() string {
	return fmt.Sprintf("sip.CallRequest{uri: %s, call_id: %q}", r.URI, r.CallID)
}

// GoString is String, so %#v does not print the secrets either.
func (r CallRequest) GoString() string { return r.String() }

// Call sends a SIP INVITE to req.URI with offer, an SDP offer from the
// client's PeerConnection ("call"). The answer says the INVITE went out;
// the call's progress arrives on the event stream: *Proceeding,
// *Ringing, *Progress (early media, with Janus's answer), *Accepted
// (with Janus's answer unless a *Progress carried it) or *Hangup with
// the SIP code. Calling before Register is ErrWrongState; without an
// offer it is ErrMissingSDP.
//
// Janus sends the call's events with the transaction of the call
// request, and a callee that answers at once can beat the plugin's own
// answer (seen with Janus 1.4.1: a *Proceeding first). Call then returns
// a *Calling whose Early holds that event, which is the first of the
// call: handle it as if it came on the stream. The plugin's answer then
// arrives on the stream as a *Calling.
func (h *Handle) Call(ctx context.Context, req CallRequest, offer *core.JSEP) (*Calling, error) {
	res, err := api.Call(ctx, h.sender(), "call", req, "", nil, core.WithJSEP(offer))
	if err != nil {
		return nil, coded(err)
	}
	switch ev := h.decode(res).(type) {
	case *Calling:
		return ev, nil
	case *core.PluginEvent:
		return nil, badAnswer("call", res)
	default:
		pe := core.PluginEventOf(ev)
		return &Calling{PluginEvent: pe, Call: Call{CallID: callID(ev)}, Early: ev}, nil
	}
}

// AnswerRequest holds the optional settings of Accept and Progress.
type AnswerRequest struct {
	// SRTP as in CallRequest.
	SRTP string `json:"srtp,omitempty"`
	// SRTPProfile as in CallRequest, for the offer that answers an
	// offerless INVITE. Janus 1.4.0.
	SRTPProfile string `json:"srtp_profile,omitempty"`
	// Headers are added to the 200 OK (or 183).
	Headers map[string]string `json:"headers,omitempty"`
	// AutoAcceptReInvites as in CallRequest.
	AutoAcceptReInvites *bool `json:"autoaccept_reinvites,omitempty"`
}

// Accept answers the incoming call with 200 OK ("accept"). jsep is the
// SDP answer to the *IncomingCall's offer (or an offer when the INVITE
// had none: then the answer is an *Accepted with Pending set, and the
// caller's answer arrives in another *Accepted); after Progress, the
// same answer again. Without an incoming call it fails with
// ErrWrongState; SRTPProfile needs Janus 1.4.0.
func (h *Handle) Accept(ctx context.Context, jsep *core.JSEP, req ...AnswerRequest) (*Accepted, error) {
	r := plugin.Optional(req)
	if err := h.requireProfile(ctx, r); err != nil {
		return nil, err
	}
	return expect[*Accepted](ctx, h, "accept", r, core.WithJSEP(jsep))
}

// requireProfile checks that the server knows AnswerRequest.SRTPProfile
// when it is set.
func (h *Handle) requireProfile(ctx context.Context, r AnswerRequest) error {
	if r.SRTPProfile == "" {
		return nil
	}
	return api.Require(ctx, h.sender(), "srtp_profile", sinceAnswerProfile)
}

// Progress answers the incoming call with 183 Session Progress and jsep
// (early media), before Accept ("progress"). Janus 1.3.1.
func (h *Handle) Progress(ctx context.Context, jsep *core.JSEP, req ...AnswerRequest) (*Progressed, error) {
	if err := api.Require(ctx, h.sender(), "progress", sinceProgress); err != nil {
		return nil, err
	}
	r := plugin.Optional(req)
	if err := h.requireProfile(ctx, r); err != nil {
		return nil, err
	}
	return expect[*Progressed](ctx, h, "progress", r, core.WithJSEP(jsep))
}

// SendRinging answers the incoming call with 180 Ringing
// ("send_ringing"), for accounts registered with AutomaticRinging false.
// Without an incoming call it fails with ErrWrongState. Janus 1.3.3.
// Like the other answers, it can be lost right after the *IncomingCall
// (see IncomingCall).
func (h *Handle) SendRinging(ctx context.Context) error {
	if err := api.Require(ctx, h.sender(), "send_ringing", sinceRinging); err != nil {
		return err
	}
	_, err := api.Call(ctx, h.sender(), "send_ringing", nil, "", nil)
	return coded(err)
}

// DeclineRequest holds the optional settings of Decline.
type DeclineRequest struct {
	// Code is the SIP status sent (default 486 Busy Here).
	Code int `json:"code,omitempty"`
	// Headers are added to the response.
	Headers map[string]string `json:"headers,omitempty"`
	// Referral declines the transfer of a *Transfer event instead of a
	// call.
	Referral core.ID `json:"refer_id,omitzero"`
}

// Decline rejects the incoming call ("decline"). It returns once Janus
// took the request: the answer, *Declining, arrives on the event stream,
// as the plugin ignores a decline outside an incoming call and never
// answers it (a request waiting for that answer would hang).
//
// The end of the declined call reaches the stream as a *Hangup with the
// code at times only, and a call arriving on the same handle soon after
// (before the SIP transaction of the decline ended, some seconds) can
// fail to be accepted: Janus 1.1.2 and 1.4.1 both race there (seen as
// "NUA Handle for 200 OK still null" in the Janus log).
func (h *Handle) Decline(ctx context.Context, req ...DeclineRequest) error {
	return h.post(ctx, "decline", plugin.Optional(req))
}

// HangupRequest holds the optional settings of HangupCall.
type HangupRequest struct {
	// Headers are added to the BYE.
	Headers map[string]string `json:"headers,omitempty"`
}

// HangupCall ends the call: a SIP BYE, or a CANCEL of a call still
// ringing ("hangup"; the embedded core.Handle.Hangup only closes the
// PeerConnection). It returns once Janus took the request: the answer,
// *HangingUp, then the *Hangup of the call arrive on the event stream, as
// the plugin ignores a hangup outside a call and never answers it.
func (h *Handle) HangupCall(ctx context.Context, req ...HangupRequest) error {
	return h.post(ctx, "hangup", plugin.Optional(req))
}

// Update renegotiates the call with a SIP re-INVITE ("update"): jsep is
// a new offer of the client's PeerConnection (an ICE restart, another
// set of tracks), or the answer to an *UpdatingCall's offer. The SIP
// peer's answer to an offer arrives as an *Accepted with the JSEP.
func (h *Handle) Update(ctx context.Context, jsep *core.JSEP) (*Updating, error) {
	return expect[*Updating](ctx, h, "update", nil, core.WithJSEP(jsep))
}

// Hold directions: what the held party may still do.
const (
	// HoldSendOnly is the default: the holder keeps sending (music on
	// hold) and receives nothing.
	HoldSendOnly = "sendonly"
	HoldRecvOnly = "recvonly"
	HoldInactive = "inactive"
)

// HoldRequest holds the optional settings of Hold.
type HoldRequest struct {
	// Direction is HoldSendOnly (default), HoldRecvOnly or
	// HoldInactive.
	Direction string `json:"direction,omitempty"`
}

// Hold puts the call on hold with a SIP re-INVITE changing the media
// direction ("hold"); there is no WebRTC renegotiation. It returns once
// Janus took the request: the answer, *Holding, arrives on the event
// stream (or a plugin error event for a bad Direction), as the plugin
// ignores a hold outside a call and never answers it.
func (h *Handle) Hold(ctx context.Context, req ...HoldRequest) error {
	return h.post(ctx, "hold", plugin.Optional(req))
}

// Unhold resumes the held call with the media direction it had before
// ("unhold"). Like Hold, it returns once Janus took the request; the
// answer, *Resuming, arrives on the event stream.
func (h *Handle) Unhold(ctx context.Context) error {
	return h.post(ctx, "unhold", nil)
}

// TransferRequest sends a SIP REFER ("transfer").
type TransferRequest struct {
	// URI is where the other party is sent.
	URI string `json:"uri"`
	// Replace is the Call-ID of the call an attended transfer replaces
	// (empty: a blind transfer).
	Replace string `json:"replace,omitempty"`
}

// Transfer asks the other party to call req.URI (a SIP REFER). The
// other party gets a *Transfer event; its progress comes back as
// *Notify events.
func (h *Handle) Transfer(ctx context.Context, req TransferRequest) (*Transferring, error) {
	return expect[*Transferring](ctx, h, "transfer", req)
}

// RecordRequest says what StartRecording and StopRecording record: the
// client's media (Audio, Video) and the SIP peer's (PeerAudio,
// PeerVideo), each to its own .mjr file.
type RecordRequest struct {
	Audio     bool `json:"audio,omitempty"`
	Video     bool `json:"video,omitempty"`
	PeerAudio bool `json:"peer_audio,omitempty"`
	PeerVideo bool `json:"peer_video,omitempty"`
	// SendPeerPLI asks the SIP peer for a keyframe when video recording
	// starts.
	SendPeerPLI bool `json:"send_peer_pli,omitempty"`
	// Filename is the base path of the files: "-user-audio.mjr",
	// "-peer-audio.mjr", "-user-video.mjr", "-peer-video.mjr" are
	// appended (default: a name made of the call's parties and the time,
	// in the working directory of Janus).
	Filename string `json:"filename,omitempty"`
}

// Files returns the paths of the recordings a start with r makes on the
// server: Filename followed by "-user-audio.mjr", "-user-video.mjr",
// "-peer-audio.mjr" and "-peer-video.mjr" for the media asked for (none
// without a Filename: Janus names them).
func (r RecordRequest) Files() []string {
	return plugin.RecordingFiles(r.Filename, r.Audio, r.Video, r.PeerAudio, r.PeerVideo)
}

// StartRecording starts recording the call to .mjr files on the server
// ("recording", action start). Without a call it fails with
// ErrWrongState.
func (h *Handle) StartRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "start", req)
}

// StopRecording stops the recordings req names ("recording", action
// stop).
func (h *Handle) StopRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "stop", req)
}

// PauseRecording pauses the recordings req names ("recording", action
// pause): nothing is written until ResumeRecording.
func (h *Handle) PauseRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "pause", req)
}

// ResumeRecording resumes paused recordings ("recording", action
// resume).
func (h *Handle) ResumeRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "resume", req)
}

func (h *Handle) record(ctx context.Context, action string, req RecordRequest) (*RecordingUpdated, error) {
	body := struct {
		Action string `json:"action"`
		RecordRequest
	}{action, req}
	return expect[*RecordingUpdated](ctx, h, "recording", body)
}

// DTMFRequest sends a DTMF digit by SIP INFO ("dtmf_info").
type DTMFRequest struct {
	// Digit is one of 0-9, *, #, A-D.
	Digit string `json:"digit"`
	// Duration is the tone's length in milliseconds (default 160).
	Duration int `json:"duration,omitempty"`
	// Headers are added to the INFO.
	Headers map[string]string `json:"headers,omitempty"`
}

// SendDTMF sends a DTMF digit to the SIP peer in a SIP INFO
// (application/dtmf-relay). DTMF inside the media (RFC 2833
// telephone-events) is sent by the client's PeerConnection instead.
func (h *Handle) SendDTMF(ctx context.Context, req DTMFRequest) (*DTMFSent, error) {
	return expect[*DTMFSent](ctx, h, "dtmf_info", req)
}

// InfoRequest sends a SIP INFO in the call ("info").
type InfoRequest struct {
	// Type is the Content-Type of Content.
	Type    string            `json:"type"`
	Content string            `json:"content"`
	Headers map[string]string `json:"headers,omitempty"`
}

// SendInfo sends a SIP INFO to the other party of the call, which gets
// an *Info event when it is a Janus SIP handle too.
func (h *Handle) SendInfo(ctx context.Context, req InfoRequest) (*InfoSent, error) {
	return expect[*InfoSent](ctx, h, "info", req)
}

// MessageRequest sends a SIP MESSAGE ("message").
type MessageRequest struct {
	Content string `json:"content"`
	// ContentType defaults to text/plain.
	ContentType string `json:"content_type,omitempty"`
	// URI sends the message outside the call, to that URI (needs a
	// registered account); empty: to the other party of the call.
	URI string `json:"uri,omitempty"`
	// CallID sets the Call-ID of an out-of-call message.
	CallID  string            `json:"call_id,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// SendMessage sends a SIP MESSAGE. The other party gets a *Message
// event when it is a Janus SIP handle; the SIP answer comes back here as
// a *MessageDelivery.
func (h *Handle) SendMessage(ctx context.Context, req MessageRequest) (*MessageSent, error) {
	return expect[*MessageSent](ctx, h, "message", req)
}

// KeyframeRequest says who is asked for a video keyframe (an RTCP PLI).
type KeyframeRequest struct {
	// User asks the client's PeerConnection; Peer the SIP peer.
	User bool `json:"user,omitempty"`
	Peer bool `json:"peer,omitempty"`
}

// Keyframe has Janus send a keyframe request during a call ("keyframe").
// Janus 1.3.1.
func (h *Handle) Keyframe(ctx context.Context, req KeyframeRequest) (*KeyframeSent, error) {
	if err := api.Require(ctx, h.sender(), "keyframe", sinceProgress); err != nil {
		return nil, err
	}
	return expect[*KeyframeSent](ctx, h, "keyframe", req)
}

// sender sends the handle's plugin requests.
func (h *Handle) sender() plugin.Sender { return plugin.OverHandle(h.Handle) }

// decode turns a request's answer into the typed event it carries.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}

// post sends request verb and returns once Janus acknowledged it: the
// plugin's answer arrives on the event stream, for the requests the
// plugin may leave unanswered.
func (h *Handle) post(ctx context.Context, verb string, req any) error {
	body, err := plugin.Body(verb, req)
	if err != nil {
		return errfmt.Errorf("janus: sip: %s: %w", verb, err)
	}
	_, err = h.Post(ctx, body)
	return coded(api.Named(verb, err))
}

// expect sends request verb and returns its answer as a T.
func expect[T core.Event](ctx context.Context, h *Handle, verb string, req any, opts ...core.CallOption) (T, error) {
	ev, err := plugin.Expect[T](ctx, api, h.sender(), verb, req, h.decode, opts...)
	return ev, coded(err)
}

// coded gives ErrWrongState's code to the plugin errors without a code
// that err holds: Janus 1.4.1 answers keyframe and send_ringing outside a
// call with "Wrong state (...)" and no error_code (error 0), which would
// match no sentinel.
func coded(err error) error {
	var pe *core.PluginError
	if errors.As(err, &pe) && pe.Code == 0 && strings.HasPrefix(pe.Reason, "Wrong state") {
		pe.Code = ErrWrongState.Code
	}
	return err
}

// badAnswer is the error of an answer that is not what verb promises.
func badAnswer(verb string, res *core.PluginResult) error {
	return errfmt.Errorf("janus: sip: %s: %w: %s", verb, core.ErrBadAnswer, res.Data)
}
