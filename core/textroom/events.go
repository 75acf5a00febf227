package textroom

import "github.com/gojanus/gojanus/core"

// Result is the plugin's answer to setup, ack or restart ("result": "ok",
// with Janus's SDP offer in JSEP for setup and restart). It reaches the
// event stream only when the request's caller stopped waiting.
//
// The plugin sends nothing else on the Janus API: joins, leaves,
// messages, announcements, kicks and room destructions go to the
// participants' data channels only (see DecodeData).
type Result struct {
	*core.PluginEvent
	Result string
}

// DecodeEvent turns a TextRoom plugin event into *Result. Error events,
// and anything it does not know, stay *core.PluginEvent (check its Err
// method). It is the decoder Attach installs; pass it to
// core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		Result    string `json:"result"`
		ErrorCode int    `json:"error_code"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 {
		return ev
	}
	if d.Result != "" {
		return &Result{PluginEvent: ev, Result: d.Result}
	}
	return ev
}
