package sip

import "github.com/gojanus/gojanus/core"

// Call is what every SIP event carries besides its own fields.
type Call struct {
	// CallID is the SIP Call-ID of the call (or message, subscription)
	// the event is about; empty outside a call.
	CallID string
	// Headers are the custom SIP headers the plugin copied from the SIP
	// message (RegisterRequest.IncomingHeaderPrefixes).
	Headers map[string]string
}

// Registering is the answer to Register when a SIP REGISTER went out.
type Registering struct {
	*core.PluginEvent
	Call
}

// Registered reports a successful registration: the registrar's 200 OK,
// or the answer to Register of an account that sends no REGISTER.
type Registered struct {
	*core.PluginEvent
	Call
	// Username is the user part of the account's URI.
	Username string
	// RegisterSent reports whether a SIP REGISTER was sent.
	RegisterSent bool
	// Master identifies this account for Helper registrations
	// (RegisterRequest.Master); on a helper, the master's.
	Master core.ID
	// Helper is set on the answer to a Helper registration.
	Helper bool
}

// RegistrationFailed reports that the registrar refused the REGISTER
// (Code 403 for a wrong password, ...) or that it could not be sent.
type RegistrationFailed struct {
	*core.PluginEvent
	Call
	// Code and Reason are the SIP status.
	Code   int
	Reason string
}

// Unregistering is the answer to Unregister.
type Unregistering struct {
	*core.PluginEvent
	Call
}

// Unregistered reports the end of the registration: the registrar
// accepted the REGISTER that removes it.
type Unregistered struct {
	*core.PluginEvent
	Call
	Username string
}

// Calling is the answer to Call: the INVITE went out.
type Calling struct {
	*core.PluginEvent
	Call
	// Early is set when an event of the call came before the plugin's
	// answer (see Handle.Call): handle it first.
	Early core.Event
}

// Proceeding reports a provisional answer to the INVITE other than 180
// (Code, e.g. 100 Trying is not reported but 181, 182 are).
type Proceeding struct {
	*core.PluginEvent
	Call
	Code int
}

// Ringing reports the callee's 180 Ringing.
type Ringing struct {
	*core.PluginEvent
	Call
}

// Progress reports the callee's 183 Session Progress: early media. JSEP
// is Janus's SDP answer for the caller's PeerConnection (Answered); the
// *Accepted that follows then carries none.
type Progress struct {
	*core.PluginEvent
	Call
	// Username is the callee's URI.
	Username string
}

// Accepted reports that the callee answered with 200 OK: JSEP is Janus's
// SDP answer to the caller's offer (unless a *Progress carried it). It
// is also the answer to Accept, then without JSEP, and the SIP peer's
// answer to an Update offer.
type Accepted struct {
	*core.PluginEvent
	Call
	// Username is the callee's URI (empty in the answer to Accept).
	Username string
	// Pending is set in the answer to an Accept that carried an offer
	// (the INVITE had none): the call is up when the caller's answer
	// arrives, in another *Accepted.
	Pending bool
}

// Progressed is the answer to Progress: the 183 went out.
type Progressed struct {
	*core.PluginEvent
	Call
}

// IncomingCall reports an INVITE for the account: Username calls, JSEP
// is Janus's SDP offer for the client's PeerConnection (none when the
// INVITE had no SDP). Answer with Accept (or Progress first), reject
// with Decline.
//
// Janus (1.1.2 and 1.4.1) sends this event a moment before it keeps the
// call's SIP transaction (right after its automatic 180 Ringing): an
// Accept, Progress, Decline or SendRinging sent within that moment is
// taken without error but sends nothing to the caller ("NUA Handle for
// 200 OK still null" in the Janus log). Answering after setting up the
// PeerConnection leaves that moment behind in practice; a Decline sent at
// once may not. Any request whose outcome comes back through the SIP
// stack proves the moment over: the plugin runs a handle's SIP callbacks
// one at a time, so the *MessageDelivery of a SendMessage sent after the
// event arrives after the INVITE was kept.
type IncomingCall struct {
	*core.PluginEvent
	Call
	// Username is the caller's URI, DisplayName its display name.
	Username    string
	DisplayName string
	// Callee is the URI that was called.
	Callee string
	// ReferredBy is the transferor when the call follows a transfer;
	// Replaces the Call-ID it replaces (attended transfer).
	ReferredBy string
	Replaces   string
	// SRTP is "sdes_optional" or "sdes_mandatory" when the caller
	// offered SDES-SRTP.
	SRTP string
}

// UpdatingCall reports a re-INVITE from the SIP peer that was not
// accepted automatically (CallRequest.AutoAcceptReInvites false): JSEP
// is Janus's new offer, to answer with Update.
type UpdatingCall struct {
	*core.PluginEvent
	Call
	Username string
}

// Updating is the answer to Update.
type Updating struct {
	*core.PluginEvent
	Call
	// Answered is set when Update carried an answer ("updated"): the
	// renegotiation is done. Otherwise the peer's answer arrives in an
	// *Accepted.
	Answered bool
}

// MissedCall reports an INVITE that arrived while the handle was in
// another call: the plugin answered 486 Busy Here by itself.
type MissedCall struct {
	*core.PluginEvent
	Call
	Caller      string
	DisplayName string
	Callee      string
}

// Declining is the answer to Decline.
type Declining struct {
	*core.PluginEvent
	Call
	// Code is the SIP status sent.
	Code int
}

// HangingUp is the answer to HangupCall.
type HangingUp struct {
	*core.PluginEvent
	Call
}

// Hangup reports the end of a call, whoever ended it: Code and Reason
// are the SIP status (200 "Session Terminated" or "BYE" for a hangup,
// 486 for a busy callee, 603 for a decline...).
type Hangup struct {
	*core.PluginEvent
	Call
	Code   int
	Reason string
	// ReasonHeader, ReasonHeaderProtocol and ReasonHeaderCause come from
	// the Reason header of the BYE, when it has one.
	ReasonHeader         string
	ReasonHeaderProtocol string
	ReasonHeaderCause    string
}

// Holding is the answer to Hold.
type Holding struct {
	*core.PluginEvent
	Call
}

// Resuming is the answer to Unhold.
type Resuming struct {
	*core.PluginEvent
	Call
}

// Transferring is the answer to Transfer: the REFER went out.
type Transferring struct {
	*core.PluginEvent
	Call
}

// Transfer reports a REFER from the other party: it asks this side to
// call ReferTo. To follow it, Call ReferTo with CallRequest.Referral set
// to Referral (from another handle, a Helper, while this call lasts); to
// refuse it, Decline with DeclineRequest.Referral.
type Transfer struct {
	*core.PluginEvent
	Call
	// Referral identifies the transfer in the plugin.
	Referral core.ID
	// ReferTo is the URI to call, ReferredBy the transferor.
	ReferTo    string
	ReferredBy string
	// Replaces is the Call-ID of the call to replace (attended
	// transfer).
	Replaces string
}

// RecordingUpdated is the answer to StartRecording and StopRecording.
type RecordingUpdated struct {
	*core.PluginEvent
	Call
}

// InfoSent is the answer to SendInfo.
type InfoSent struct {
	*core.PluginEvent
	Call
}

// Info reports a SIP INFO from the other party.
type Info struct {
	*core.PluginEvent
	Call
	Sender      string
	DisplayName string
	// Type is the Content-Type of Content.
	Type    string
	Content string
}

// MessageSent is the answer to SendMessage.
type MessageSent struct {
	*core.PluginEvent
	Call
}

// Message reports a SIP MESSAGE.
type Message struct {
	*core.PluginEvent
	Call
	Sender      string
	DisplayName string
	ContentType string
	Content     string
}

// MessageDelivery reports the SIP answer to a message sent with
// SendMessage (CallID is the message's).
type MessageDelivery struct {
	*core.PluginEvent
	Call
	Code   int
	Reason string
}

// DTMFSent is the answer to SendDTMF.
type DTMFSent struct {
	*core.PluginEvent
	Call
}

// DTMF reports a DTMF digit the SIP peer sent in its media (an RFC 2833
// telephone-event). Janus 1.2.1; older servers pass the packets on to
// the client's PeerConnection only.
type DTMF struct {
	*core.PluginEvent
	Call
	Sender string
	// Signal is the digit, Duration its length in RTP timestamp units.
	Signal   string
	Duration int
}

// KeyframeSent is the answer to Keyframe.
type KeyframeSent struct {
	*core.PluginEvent
	Call
}

// Notify reports a SIP NOTIFY, such as the progress of a transfer
// (Event "refer", Content a SIP status line).
type Notify struct {
	*core.PluginEvent
	Call
	Event       string
	Substate    string
	ContentType string
	Content     string
}

// callID returns the Call-ID of a typed event of this package.
func callID(ev core.Event) string {
	var d struct {
		CallID string `json:"call_id"`
	}
	if pe := core.PluginEventOf(ev); pe != nil && pe.Decode(&d) == nil {
		return d.CallID
	}
	return ""
}

// DecodeEvent turns a SIP plugin event into the typed event it carries:
// *Registering, *Registered, *RegistrationFailed, *Unregistering,
// *Unregistered, *Calling, *Proceeding, *Ringing, *Progress, *Accepted,
// *Progressed, *IncomingCall, *UpdatingCall, *Updating, *MissedCall,
// *Declining, *HangingUp, *Hangup, *Holding, *Resuming, *Transferring,
// *Transfer, *RecordingUpdated, *InfoSent, *Info, *MessageSent,
// *Message, *MessageDelivery, *DTMFSent, *DTMF, *KeyframeSent,
// *Notify, *Subscribing, *SubscribeSucceeded, *SubscribeFailed,
// *Unsubscribing, *RTPForwarding, *RTPForwardStopped or
// *ForwarderList. Error events, and anything it does not know, stay
// *core.PluginEvent (check its Err method). It is the decoder Attach
// installs; pass it to core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		ErrorCode int    `json:"error_code"`
		CallID    string `json:"call_id"`
		Result    *struct {
			Event         string            `json:"event"`
			Headers       map[string]string `json:"headers"`
			Username      string            `json:"username"`
			RegisterSent  bool              `json:"register_sent"`
			MasterID      core.ID           `json:"master_id"`
			Helper        bool              `json:"helper"`
			Code          int               `json:"code"`
			Reason        string            `json:"reason"`
			ReasonHeader  string            `json:"reason_header"`
			ReasonProto   string            `json:"reason_header_protocol"`
			ReasonCause   string            `json:"reason_header_cause"`
			DisplayName   string            `json:"displayname"`
			Callee        string            `json:"callee"`
			Caller        string            `json:"caller"`
			ReferredBy    string            `json:"referred_by"`
			Replaces      string            `json:"replaces"`
			SRTP          string            `json:"srtp"`
			ReferID       core.ID           `json:"refer_id"`
			ReferTo       string            `json:"refer_to"`
			Sender        string            `json:"sender"`
			Type          string            `json:"type"`
			Content       string            `json:"content"`
			ContentType   string            `json:"content_type"`
			NotifyType    string            `json:"content-type"`
			Notify        string            `json:"notify"`
			Substate      string            `json:"substate"`
			Signal        string            `json:"signal"`
			Duration      int               `json:"duration"`
			CallIDInEvent string            `json:"call_id"`
			StreamID      uint32            `json:"stream_id"`
			Expires       int               `json:"expires"`
			Forwarders    []Forwarder       `json:"forwarders"`
			RTPForwarders []Forwarder       `json:"rtp_forwarders"`
		} `json:"result"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 || d.Result == nil {
		return ev
	}
	r := d.Result
	c := Call{CallID: d.CallID, Headers: r.Headers}
	if c.CallID == "" {
		c.CallID = r.CallIDInEvent
	}
	switch r.Event {
	case "registering":
		return &Registering{ev, c}
	case "registered":
		return &Registered{PluginEvent: ev, Call: c, Username: r.Username, RegisterSent: r.RegisterSent,
			Master: r.MasterID, Helper: r.Helper}
	case "registration_failed":
		return &RegistrationFailed{ev, c, r.Code, r.Reason}
	case "unregistering":
		return &Unregistering{ev, c}
	case "unregistered":
		return &Unregistered{ev, c, r.Username}
	case "calling":
		return &Calling{ev, c, nil}
	case "proceeding":
		return &Proceeding{ev, c, r.Code}
	case "ringing":
		return &Ringing{ev, c}
	case "progress":
		return &Progress{ev, c, r.Username}
	case "accepted", "accepting":
		return &Accepted{ev, c, r.Username, r.Event == "accepting"}
	case "progressed":
		return &Progressed{ev, c}
	case "incomingcall":
		return &IncomingCall{ev, c, r.Username, r.DisplayName, r.Callee, r.ReferredBy, r.Replaces, r.SRTP}
	case "updatingcall":
		return &UpdatingCall{ev, c, r.Username}
	case "updating", "updated":
		return &Updating{ev, c, r.Event == "updated"}
	case "missed_call":
		return &MissedCall{ev, c, r.Caller, r.DisplayName, r.Callee}
	case "declining":
		return &Declining{ev, c, r.Code}
	case "hangingup":
		return &HangingUp{ev, c}
	case "hangup":
		return &Hangup{ev, c, r.Code, r.Reason, r.ReasonHeader, r.ReasonProto, r.ReasonCause}
	case "holding":
		return &Holding{ev, c}
	case "resuming":
		return &Resuming{ev, c}
	case "transferring":
		return &Transferring{ev, c}
	case "transfer":
		return &Transfer{ev, c, r.ReferID, r.ReferTo, r.ReferredBy, r.Replaces}
	case "recordingupdated":
		return &RecordingUpdated{ev, c}
	case "infosent":
		return &InfoSent{ev, c}
	case "info":
		return &Info{ev, c, r.Sender, r.DisplayName, r.Type, r.Content}
	case "messagesent":
		return &MessageSent{ev, c}
	case "message":
		return &Message{ev, c, r.Sender, r.DisplayName, r.ContentType, r.Content}
	case "messagedelivery":
		return &MessageDelivery{ev, c, r.Code, r.Reason}
	case "dtmfsent":
		return &DTMFSent{ev, c}
	case "dtmf":
		return &DTMF{ev, c, r.Sender, r.Signal, r.Duration}
	case "keyframesent":
		return &KeyframeSent{ev, c}
	case "notify":
		return &Notify{ev, c, r.Notify, r.Substate, r.NotifyType, r.Content}
	case "subscribing":
		return &Subscribing{ev, c}
	case "subscribe_succeeded":
		return &SubscribeSucceeded{ev, c, r.Code, r.Reason, r.Expires}
	case "subscribe_failed":
		return &SubscribeFailed{ev, c, r.Code, r.Reason}
	case "unsubscribing":
		return &Unsubscribing{ev, c}
	case "rtp_forward":
		return &RTPForwarding{ev, c, r.Forwarders}
	case "stop_rtp_forward":
		return &RTPForwardStopped{ev, c, r.StreamID}
	case "forwarders":
		return &ForwarderList{ev, c, r.RTPForwarders}
	}
	return ev
}
