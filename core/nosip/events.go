package nosip

import "github.com/gojanus/gojanus/core"

// Generated is the answer to Generate: the plain SDP for the plain peer.
type Generated struct {
	*core.PluginEvent
	// Type is Offer or Answer, as the WebRTC SDP it was made of.
	Type string
	// SDP is the plain SDP: the WebRTC SDP's m-lines with Janus's address
	// (the plugin's sdp_ip or local_ip, in each m-line's c= line) and the
	// RTP ports it bound, RTP/AVP (RTP/SAVP with SRTPMandatory) and
	// a=crypto lines when SRTP is offered, without ICE and DTLS. Janus
	// 1.4.0 and later also drop the WebRTC-only a=mid, a=msid and the
	// rtcp-fb and extmap lines a plain peer has no use for; 1.1.2 keeps
	// them.
	SDP string
	// Update is set for a renegotiation of a running session.
	Update bool
	// UniqueID identifies the session in the plugin (Janus 1.4.0 and
	// later; empty before).
	UniqueID string
}

// Processed is the answer to Process; its JSEP is the WebRTC offer or
// answer Janus made of the plain SDP, for the core.Peer.
type Processed struct {
	*core.PluginEvent
	// SRTP says whether the plain SDP offered (SRTPOptional) or required
	// (SRTPMandatory) SDES-SRTP; empty without SRTP.
	SRTP SRTP
	// Update is set for a renegotiation of a running session.
	Update bool
	// UniqueID identifies the session in the plugin (Janus 1.4.0 and
	// later; empty before).
	UniqueID string
}

// HangingUp is the answer to HangupCall.
type HangingUp struct {
	*core.PluginEvent
}

// RecordingUpdated is the answer to Recording.
type RecordingUpdated struct {
	*core.PluginEvent
}

// KeyframeSent is the answer to Keyframe (Janus 1.3.1 and later).
type KeyframeSent struct {
	*core.PluginEvent
}

// RTPForwarded is the answer to RTPForward (Janus 1.4.0 and later).
type RTPForwarded struct {
	*core.PluginEvent
	// Forwarders are the forwarders created.
	Forwarders []Forwarder
}

// RTPForwardStopped is the answer to StopRTPForward (Janus 1.4.0 and
// later).
type RTPForwardStopped struct {
	*core.PluginEvent
	StreamID uint32
}

// ForwarderList is the answer to ListForwarders (Janus 1.4.0 and later).
type ForwarderList struct {
	*core.PluginEvent
	Forwarders []Forwarder
}

// DecodeEvent turns a NoSIP plugin event into *Generated, *Processed,
// *HangingUp, *RecordingUpdated, *KeyframeSent, *RTPForwarded,
// *RTPForwardStopped or *ForwarderList. Error events, and anything it does
// not know, stay *core.PluginEvent (check its Err method). It is the
// decoder Attach installs; pass it to core.WithEventDecoder for adopted
// handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		ErrorCode int `json:"error_code"`
		Result    *struct {
			Event      string      `json:"event"`
			Type       string      `json:"type"`
			SDP        string      `json:"sdp"`
			SRTP       SRTP        `json:"srtp"`
			Update     bool        `json:"update"`
			UniqueID   string      `json:"unique_id"`
			StreamID   uint32      `json:"stream_id"`
			Forwarders []Forwarder `json:"forwarders"`
			// RTPForwarders is where 1.4's listforwarders puts its list
			// (its documentation says "forwarders").
			RTPForwarders []Forwarder `json:"rtp_forwarders"`
		} `json:"result"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 || d.Result == nil {
		return ev
	}
	r := d.Result
	switch r.Event {
	case "generated":
		return &Generated{PluginEvent: ev, Type: r.Type, SDP: r.SDP, Update: r.Update, UniqueID: r.UniqueID}
	case "processed":
		return &Processed{PluginEvent: ev, SRTP: r.SRTP, Update: r.Update, UniqueID: r.UniqueID}
	case "hangingup":
		return &HangingUp{PluginEvent: ev}
	case "recordingupdated":
		return &RecordingUpdated{PluginEvent: ev}
	case "keyframesent":
		return &KeyframeSent{PluginEvent: ev}
	case "rtp_forward":
		return &RTPForwarded{PluginEvent: ev, Forwarders: r.Forwarders}
	case "stop_rtp_forward":
		return &RTPForwardStopped{PluginEvent: ev, StreamID: r.StreamID}
	case "forwarders":
		return &ForwarderList{PluginEvent: ev, Forwarders: append(r.RTPForwarders, r.Forwarders...)}
	}
	return ev
}
