package core

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Event is anything delivered on a session's or a handle's event stream.
// The concrete types are pointers: [*PluginEvent], [*WebRTCUp], [*Media],
// [*SlowLink], [*Hangup], [*Detached], [*Trickle], [*Timeout],
// [*KeepaliveFailed] and [*EventsDropped]. Plugin packages decode
// [*PluginEvent] further.
type Event interface {
	// EventSource tells which session and handle the event is about.
	EventSource() Source
}

// Source identifies where an event comes from. Handle is 0 for
// session-level events.
type Source struct {
	Session uint64
	Handle  uint64
}

// EventSource returns s; it makes every event type satisfy Event.
func (s Source) EventSource() Source { return s }

// PluginEvent is a message from the plugin a handle is attached to
// ({"janus":"event"}), possibly with a JSEP offer or answer.
type PluginEvent struct {
	Source
	// Plugin is the plugin package name ("janus.plugin.videoroom").
	Plugin string
	// Data is the plugin's payload (plugindata.data).
	Data json.RawMessage
	// JSEP is the session description that came with the event, if any.
	JSEP *JSEP
	// Transaction is set when the event answers a request whose caller
	// stopped waiting.
	Transaction string
}

// Decode unmarshals the event's data into v.
func (e *PluginEvent) Decode(v any) error {
	if len(e.Data) == 0 {
		return fmt.Errorf("janus: %s event has no data", e.Plugin)
	}
	return json.Unmarshal(e.Data, v)
}

// Err returns the plugin error carried by the event (error_code/error), or
// nil.
func (e *PluginEvent) Err() error { return pluginError(e.Plugin, e.Data) }

// PluginEventOf returns the plugin event ev is, or the one it embeds when
// it is a plugin package's typed event (such as *videoroom.Updated), or
// nil. It finds the embedded field by reflection: a method that typed
// events inherit from *PluginEvent, called through an interface, would
// cost each of them a method wrapper, 3.5 KB of gzipped gojanus.wasm
// (measured).
func PluginEventOf(ev Event) *PluginEvent {
	if pe, ok := ev.(*PluginEvent); ok {
		return pe
	}
	v := reflect.ValueOf(ev)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == reflect.TypeFor[*PluginEvent]() && f.CanInterface() {
			pe, _ := f.Interface().(*PluginEvent)
			return pe
		}
	}
	return nil
}

// WebRTCUp reports that the handle's PeerConnection is up (ICE and DTLS
// done).
type WebRTCUp struct{ Source }

// Media reports that Janus started or stopped receiving a media stream.
type Media struct {
	Source
	// Mid is the stream's media id; Type is "audio" or "video".
	Mid, Type string
	// Receiving tells whether media flows now.
	Receiving bool
	// Seconds is how long no media arrived, when Receiving is false and
	// the server reports it.
	Seconds int
	// Substream is the simulcast substream, when the server reports it.
	Substream *int
}

// SlowLink reports packet loss on a stream.
type SlowLink struct {
	Source
	Mid, Media string
	// Uplink is true when the loss is on packets Janus receives.
	Uplink bool
	// Lost is the number of packets lost in the last second.
	Lost int
}

// Hangup reports that the handle's PeerConnection was closed.
type Hangup struct {
	Source
	Reason string
}

// Detached reports that the handle was detached from its plugin; it is
// the last event of a handle's stream when the server detaches it.
type Detached struct{ Source }

// Trickle is an ICE candidate from the server (full-trickle servers), or
// its end-of-candidates marker.
type Trickle struct {
	Source
	Candidate Candidate
}

// Completed reports whether this is the end-of-candidates marker.
func (t *Trickle) Completed() bool { return t.Candidate.Completed }

// Timeout reports that the server expired the session; it is the last
// event of a session's stream in that case. Over HTTP long-poll it also
// comes when Janus dropped its timeout event and the next poll found the
// session gone, after polls that succeeded (see package longpoll).
type Timeout struct{ Source }

// KeepaliveFailed reports a keepalive that got an error or no answer.
type KeepaliveFailed struct {
	Source
	Err error
}

// EventsDropped is delivered when a stream's reader fell so far behind
// that Count events had to be dropped (see the package documentation).
type EventsDropped struct {
	Source
	Count int
}

// Kind returns "dropped": streams of other messages than Janus events
// (the TextRoom chat's) deliver EventsDropped too.
func (*EventsDropped) Kind() string { return "dropped" }
