package echotest

import "github.com/gojanus/gojanus/core"

// Result is a plain "result" event (for example "ok" for a request whose
// answer arrived after its caller stopped waiting).
type Result struct {
	*core.PluginEvent
	Result string
}

// Done reports that the PeerConnection is gone and the echo test is over.
type Done struct {
	*core.PluginEvent
}

// LayerChanged reports that the simulcast substream or temporal layer
// echoed back changed.
type LayerChanged struct {
	*core.PluginEvent
	VideoCodec core.Codec
	// Substream and Temporal are set for the layer that changed.
	Substream *int
	Temporal  *int
}

// SlowLink reports that the plugin saw many NACKs on the downlink.
type SlowLink struct {
	*core.PluginEvent
	Media string
	// CurrentBitrate is the bitrate cap in force, for video.
	CurrentBitrate int
}

// DecodeEvent turns an EchoTest plugin event into *Result, *Done,
// *LayerChanged or *SlowLink. Error events, and anything it does not
// know, stay *core.PluginEvent (check its Err method). It is the decoder
// Attach installs; pass it to core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		Result         string     `json:"result"`
		Event          string     `json:"event"`
		Media          string     `json:"media"`
		CurrentBitrate int        `json:"current-bitrate"`
		VideoCodec     core.Codec `json:"videocodec"`
		Substream      *int       `json:"substream"`
		Temporal       *int       `json:"temporal"`
		ErrorCode      int        `json:"error_code"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 {
		return ev
	}
	switch {
	case d.Result == "done":
		return &Done{PluginEvent: ev}
	case d.Result != "":
		return &Result{PluginEvent: ev, Result: d.Result}
	case d.Event == "slow_link":
		return &SlowLink{PluginEvent: ev, Media: d.Media, CurrentBitrate: d.CurrentBitrate}
	case d.Substream != nil || d.Temporal != nil:
		return &LayerChanged{PluginEvent: ev, VideoCodec: d.VideoCodec, Substream: d.Substream, Temporal: d.Temporal}
	}
	return ev
}
