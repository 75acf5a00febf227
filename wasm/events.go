//go:build js && wasm

package main

import (
	"reflect"
	"strings"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
)

// eventJS converts an event of a session's or a handle's stream into a
// plain JavaScript object. Every object has "type" and the "session" and
// "handle" ids; the other members depend on the type:
//
//	event       plugin, event (the typed name, e.g. "publishers"; "" when
//	            untyped), data (the plugin's payload), jsep
//	webrtcup    -
//	media       mid, media ("audio"/"video"), receiving, seconds, substream
//	slowlink    mid, media, uplink, lost
//	hangup      reason
//	detached    -
//	trickle     candidate ({candidate, sdpMid, sdpMLineIndex}, or null when
//	            the server's gathering completed), completed
//	dropped     count (events dropped because the reader fell behind)
//	timeout     - (session expired on the server)
//	keepalivefailed error
func eventJS(ev core.Event) js.Value {
	src := ev.EventSource()
	m := map[string]any{"session": src.Session, "handle": src.Handle}
	switch e := ev.(type) {
	case *core.WebRTCUp:
		m["type"] = "webrtcup"
	case *core.Media:
		m["type"] = "media"
		m["mid"], m["media"], m["receiving"] = e.Mid, e.Type, e.Receiving
		if e.Seconds != 0 {
			m["seconds"] = e.Seconds
		}
		if e.Substream != nil {
			m["substream"] = *e.Substream
		}
	case *core.SlowLink:
		m["type"] = "slowlink"
		m["mid"], m["media"], m["uplink"], m["lost"] = e.Mid, e.Media, e.Uplink, e.Lost
	case *core.Hangup:
		m["type"], m["reason"] = "hangup", e.Reason
	case *core.Detached:
		m["type"] = "detached"
	case *core.Trickle:
		m["type"], m["completed"] = "trickle", e.Completed()
		if e.Completed() {
			m["candidate"] = nil
		} else {
			m["candidate"] = e.Candidate
		}
	case *core.EventsDropped:
		m["type"], m["count"] = "dropped", e.Count
	case *core.Timeout:
		m["type"] = "timeout"
	case *core.KeepaliveFailed:
		m["type"], m["error"] = "keepalivefailed", errString(e.Err)
	default:
		pe, name := pluginEvent(ev)
		m["type"], m["event"] = "event", name
		if pe != nil {
			m["plugin"], m["data"] = pe.Plugin, pe.Data
			if pe.JSEP != nil {
				m["jsep"] = pe.JSEP
			}
		}
	}
	return toJS(m)
}

// pluginEvent returns the *core.PluginEvent of a plugin event, raw or typed
// (core.PluginEventOf), and the typed event's name in lower case ("" for
// a raw one).
func pluginEvent(ev core.Event) (*core.PluginEvent, string) {
	pe := core.PluginEventOf(ev)
	if _, raw := ev.(*core.PluginEvent); raw {
		return pe, ""
	}
	t := reflect.TypeOf(ev)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return pe, strings.ToLower(t.Name())
}

// endEvent is the last event of a handle or session: it ended, for the
// reason given (none after a detach or destroy).
func endEvent(err error) js.Value {
	return toJS(map[string]any{"type": "ended", "error": errString(err)})
}
