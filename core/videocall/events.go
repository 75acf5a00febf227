package videocall

import "github.com/gojanus/gojanus/core"

// PeerList is the answer to a list request: the registered usernames.
type PeerList struct {
	*core.PluginEvent
	Usernames []string
}

// Registered is the answer to Register.
type Registered struct {
	*core.PluginEvent
	Username string
}

// Calling is the answer to Call: the callee was told.
type Calling struct {
	*core.PluginEvent
}

// IncomingCall tells the callee that Username is calling; JSEP is
// Janus's SDP offer, to answer with Accept (or decline with HangupCall).
type IncomingCall struct {
	*core.PluginEvent
	Username string
}

// Accepted tells the caller that the callee (Username) accepted; JSEP is
// Janus's SDP answer to the caller's offer. It is also the answer to
// Accept, then without Username or JSEP.
type Accepted struct {
	*core.PluginEvent
	Username string
}

// Update carries a renegotiation from the other party: JSEP is Janus's
// offer (answer it with Set and an SDP answer) or its answer to this
// side's renegotiation offer.
type Update struct {
	*core.PluginEvent
}

// SetDone is the answer to Set.
type SetDone struct {
	*core.PluginEvent
}

// Hangup reports the end of a call: the other party hung up or declined
// (Username is theirs), the callee was busy, or a PeerConnection went
// away. It is also the answer to HangupCall.
type Hangup struct {
	*core.PluginEvent
	Username string
	Reason   string
}

// LayerChanged reports that the simulcast substream or temporal layer
// received changed (or already is the one Set asked for).
type LayerChanged struct {
	*core.PluginEvent
	VideoCodec core.Codec
	// Substream and Temporal are set for the layer that changed.
	Substream *int
	Temporal  *int
}

// SlowLink reports that the plugin saw many NACKs on the media it sends
// to this user.
type SlowLink struct {
	*core.PluginEvent
	// Media is "audio" or "video".
	Media string
	// CurrentBitrate is the bitrate cap in force, for video (0: none).
	CurrentBitrate int
}

// DecodeEvent turns a VideoCall plugin event into *PeerList, *Registered,
// *Calling, *IncomingCall, *Accepted, *Update, *SetDone, *Hangup,
// *LayerChanged or *SlowLink. Error events, and anything it does not know,
// stay *core.PluginEvent (check its Err method). It is the decoder Attach
// installs; pass it to core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		ErrorCode int `json:"error_code"`
		Result    *struct {
			Event          string     `json:"event"`
			Username       string     `json:"username"`
			Reason         string     `json:"reason"`
			List           *[]string  `json:"list"`
			VideoCodec     core.Codec `json:"videocodec"`
			Substream      *int       `json:"substream"`
			Temporal       *int       `json:"temporal"`
			Media          string     `json:"media"`
			CurrentBitrate int        `json:"current-bitrate"`
		} `json:"result"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 || d.Result == nil {
		return ev
	}
	r := d.Result
	switch r.Event {
	case "registered":
		return &Registered{PluginEvent: ev, Username: r.Username}
	case "calling":
		return &Calling{PluginEvent: ev}
	case "incomingcall":
		return &IncomingCall{PluginEvent: ev, Username: r.Username}
	case "accepted":
		return &Accepted{PluginEvent: ev, Username: r.Username}
	case "update":
		return &Update{PluginEvent: ev}
	case "set":
		return &SetDone{PluginEvent: ev}
	case "hangup":
		return &Hangup{PluginEvent: ev, Username: r.Username, Reason: r.Reason}
	case "simulcast":
		return &LayerChanged{PluginEvent: ev, VideoCodec: r.VideoCodec, Substream: r.Substream, Temporal: r.Temporal}
	case "slow_link":
		return &SlowLink{PluginEvent: ev, Media: r.Media, CurrentBitrate: r.CurrentBitrate}
	case "":
		if r.List != nil {
			return &PeerList{PluginEvent: ev, Usernames: *r.List}
		}
	}
	return ev
}
