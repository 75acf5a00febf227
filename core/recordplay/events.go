package recordplay

import (
	"bytes"
	"encoding/json"

	"github.com/gojanus/gojanus/core"
)

// Recording answers Record: the plugin records, and the event's JSEP is
// its SDP answer.
type Recording struct {
	*core.PluginEvent
	// Recording is the recording's id.
	Recording core.ID
	// IsPrivate tells whether the recording is private (Janus 1.3.1;
	// false before).
	IsPrivate bool
}

// Preparing answers Play: the event's JSEP is Janus's SDP offer for the
// playout, to answer with Start.
type Preparing struct {
	*core.PluginEvent
	// Recording is the id of the recording to be played.
	Recording core.ID
	// Restart is set when the offer answers a Play with Restart (the
	// plugin's "restarting" status).
	Restart bool
	// Warning says which medium cannot be played when one of the
	// recording's files is broken.
	Warning string
}

// Playing answers Start: the playout runs.
type Playing struct {
	*core.PluginEvent
}

// Paused answers Pause: the recording stopped being written.
type Paused struct {
	*core.PluginEvent
	Recording core.ID
}

// Resumed answers Resume: the recording is written again.
type Resumed struct {
	*core.PluginEvent
	Recording core.ID
}

// Stopped answers Stop. It names the recording the handle was recording
// or playing (zero when it had none) and, from Janus 1.3.1, tells whether
// it is private.
type Stopped struct {
	*core.PluginEvent
	Recording core.ID
	IsPrivate bool
}

// Done reports that the handle's PeerConnection is gone and its
// recording or playout is over (after Stop, a hangup, or at the end of a
// playout). From Janus 1.3.1 it names the recording and tells whether it
// is private; before, both are zero. Janus sends it just before it closes
// a recording's files: see Handle.WaitCompleted.
type Done struct {
	*core.PluginEvent
	Recording core.ID
	IsPrivate bool
}

// SlowLink reports that the plugin saw many NACKs on the handle's
// PeerConnection.
type SlowLink struct {
	*core.PluginEvent
	// Media is "audio" or "video".
	Media string
	// CurrentBitrate is the bitrate cap in force, for video.
	CurrentBitrate int
}

// DecodeEvent turns a Record&Play plugin event into *Recording,
// *Preparing, *Playing, *Paused, *Resumed, *Stopped, *Done or *SlowLink.
// Error events, and anything it does not know, stay *core.PluginEvent
// (check its Err method). It is the decoder Attach installs; pass it to
// core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		ErrorCode int             `json:"error_code"`
		Result    json.RawMessage `json:"result"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 || len(d.Result) == 0 {
		return ev
	}
	// Janus before 1.3.1 ends with "result": "done".
	if bytes.Equal(bytes.TrimSpace(d.Result), []byte(`"done"`)) {
		return &Done{PluginEvent: ev}
	}
	var r struct {
		Status         string  `json:"status"`
		ID             core.ID `json:"id"`
		IsPrivate      flag    `json:"is_private"`
		Warning        string  `json:"warning"`
		Media          string  `json:"media"`
		CurrentBitrate int     `json:"current-bitrate"`
	}
	if json.Unmarshal(d.Result, &r) != nil {
		return ev
	}
	switch r.Status {
	case "recording":
		return &Recording{PluginEvent: ev, Recording: r.ID, IsPrivate: bool(r.IsPrivate)}
	case "preparing", "restarting":
		return &Preparing{PluginEvent: ev, Recording: r.ID, Restart: r.Status == "restarting", Warning: r.Warning}
	case "playing":
		return &Playing{PluginEvent: ev}
	case "paused":
		return &Paused{PluginEvent: ev, Recording: r.ID}
	case "resumed":
		return &Resumed{PluginEvent: ev, Recording: r.ID}
	case "stopped":
		return &Stopped{PluginEvent: ev, Recording: r.ID, IsPrivate: bool(r.IsPrivate)}
	case "done":
		return &Done{PluginEvent: ev, Recording: r.ID, IsPrivate: bool(r.IsPrivate)}
	case "slow_link":
		return &SlowLink{PluginEvent: ev, Media: r.Media, CurrentBitrate: r.CurrentBitrate}
	}
	return ev
}

// flag is a boolean the plugin sends as true/false or, in some events of
// Janus 1.3.1 and later (stopped, done), as 0/1.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true", "1":
		*f = true
	default:
		*f = false
	}
	return nil
}
