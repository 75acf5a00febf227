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

// LayerChanged reports that the layer echoed back changed: the simulcast
// substream or temporal layer, or (Janus 1.1.4 and later) the SVC spatial
// or temporal layer. It also answers a Configure that asked for the
// layer already echoed. Only the fields the plugin sent are set: Janus
// 1.1 sends the one that changed; Janus 1.3.2 and later send Substream
// with Temporal, and SpatialLayer with TemporalLayer.
type LayerChanged struct {
	*core.PluginEvent
	VideoCodec core.Codec
	Substream  *int
	Temporal   *int
	// SpatialLayer and TemporalLayer are the SVC layers (Janus 1.1.4 and
	// later).
	SpatialLayer  *int
	TemporalLayer *int
	// TotalSpatialLayers and TotalTemporalLayers are how many layers the
	// sender announces in the video-layers-allocation RTP extension, when
	// it sends it (Janus 1.3.2 and later).
	TotalSpatialLayers  *int
	TotalTemporalLayers *int
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
		SpatialLayer   *int       `json:"spatial_layer"`
		TemporalLayer  *int       `json:"temporal_layer"`
		TotSpatial     *int       `json:"tot_spatial_layers"`
		TotTemporal    *int       `json:"tot_temporal_layers"`
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
	case d.Substream != nil || d.Temporal != nil || d.SpatialLayer != nil || d.TemporalLayer != nil:
		return &LayerChanged{PluginEvent: ev, VideoCodec: d.VideoCodec, Substream: d.Substream, Temporal: d.Temporal,
			SpatialLayer: d.SpatialLayer, TemporalLayer: d.TemporalLayer,
			TotalSpatialLayers: d.TotSpatial, TotalTemporalLayers: d.TotTemporal}
	}
	return ev
}
