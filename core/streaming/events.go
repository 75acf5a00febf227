package streaming

import "github.com/gojanus/gojanus/core"

// Status is the state of a viewer's subscription that the plugin reports
// in answers and StatusChanged events.
type Status string

// Statuses the plugin reports.
const (
	// StatusPreparing answers Watch: the offer is attached.
	StatusPreparing Status = "preparing"
	// StatusUpdating answers Watch with Restart: a new offer is attached.
	StatusUpdating Status = "updating"
	// StatusStarting answers Start before the PeerConnection is up.
	StatusStarting Status = "starting"
	// StatusStarted is sent when the PeerConnection is up and media is
	// relayed (and answers Start when it already was).
	StatusStarted Status = "started"
	// StatusPausing answers Pause.
	StatusPausing Status = "pausing"
	// StatusStopping answers Stop.
	StatusStopping Status = "stopping"
	// StatusStopped is sent when the mountpoint was destroyed or its
	// source ended.
	StatusStopped Status = "stopped"
	// StatusKickedAll is sent to every viewer of a mountpoint on KickAll.
	StatusKickedAll Status = "kicked_all"
)

// StatusChanged reports a new Status of the handle's subscription. The
// plugin sends "started", "stopped" and "kicked_all" unsolicited; the
// other statuses reach the stream only as answers to requests whose caller
// stopped waiting (or to Stop, which does not wait).
type StatusChanged struct {
	*core.PluginEvent
	Status Status
}

// Configured answers a Configure whose caller stopped waiting.
type Configured struct {
	*core.PluginEvent
}

// Switched answers a Switch whose caller stopped waiting: the
// subscription moved to Mountpoint.
type Switched struct {
	*core.PluginEvent
	Mountpoint core.ID
}

// Edited reports to the viewers that the mountpoint's metadata changed
// (an Edit with EditedEvent).
type Edited struct {
	*core.PluginEvent
	Mountpoint core.ID
	Metadata   string
}

// LayerChanged reports the simulcast substream or temporal layer, or the
// VP9-SVC spatial or temporal layer, now relayed for a video stream (Mid
// is empty when the event answers a Configure that asked for the layer
// already relayed). Only the fields that changed are set.
type LayerChanged struct {
	*core.PluginEvent
	Mid           string
	Substream     *int
	Temporal      *int
	SpatialLayer  *int
	TemporalLayer *int
}

// RTSPDisconnected tells the viewers of an RTSP mountpoint created with
// RTSPNotifyChanges that its source was lost (no media for the
// mountpoint's reconnect delay); the plugin is reconnecting. Janus 1.3.3
// and later.
type RTSPDisconnected struct {
	*core.PluginEvent
	Mountpoint core.ID
}

// RTSPReconnected tells the viewers of an RTSP mountpoint created with
// RTSPNotifyChanges that the plugin reconnected to its source. Janus
// 1.3.3 and later.
type RTSPReconnected struct {
	*core.PluginEvent
	Mountpoint core.ID
}

// DecodeEvent turns a Streaming plugin event into *StatusChanged,
// *Configured, *Switched, *Edited, *LayerChanged, *RTSPDisconnected or
// *RTSPReconnected. Error events, and
// anything it does not know, stay *core.PluginEvent (check its Err
// method). It is the decoder Attach installs; pass it to
// core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		Event     string  `json:"event"`
		ID        core.ID `json:"id"`
		Metadata  string  `json:"metadata"`
		ErrorCode int     `json:"error_code"`
		Result    *struct {
			Status        Status  `json:"status"`
			Event         string  `json:"event"`
			Switched      string  `json:"switched"`
			ID            core.ID `json:"id"`
			Mid           string  `json:"mid"`
			Substream     *int    `json:"substream"`
			Temporal      *int    `json:"temporal"`
			SpatialLayer  *int    `json:"spatial_layer"`
			TemporalLayer *int    `json:"temporal_layer"`
		} `json:"result"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 {
		return ev
	}
	if r := d.Result; r != nil {
		switch {
		case r.Status != "":
			return &StatusChanged{PluginEvent: ev, Status: r.Status}
		case r.Switched != "":
			return &Switched{PluginEvent: ev, Mountpoint: r.ID}
		case r.Event == "configured":
			return &Configured{PluginEvent: ev}
		case r.Substream != nil || r.Temporal != nil || r.SpatialLayer != nil || r.TemporalLayer != nil:
			return &LayerChanged{PluginEvent: ev, Mid: r.Mid, Substream: r.Substream, Temporal: r.Temporal,
				SpatialLayer: r.SpatialLayer, TemporalLayer: r.TemporalLayer}
		}
		return ev
	}
	switch d.Event {
	case "edited":
		return &Edited{PluginEvent: ev, Mountpoint: d.ID, Metadata: d.Metadata}
	case "rtsp-disconnected":
		return &RTSPDisconnected{PluginEvent: ev, Mountpoint: d.ID}
	case "rtsp-reconnected":
		return &RTSPReconnected{PluginEvent: ev, Mountpoint: d.ID}
	}
	return ev
}
