//go:build js && wasm

package main

import (
	"context"
	"sync"
	"syscall/js"

	"github.com/gojanus/gojanus/internal/jsrt"
)

// mediaState is the media of one handle: its PeerConnection, the local
// stream it sends, and the stream of the tracks it receives.
type mediaState struct {
	peer   *browserPeer
	local  js.Value   // MediaStream sent (undefined when receiving only)
	own    []js.Value // tracks acquired here (getUserMedia), stopped on close
	remote js.Value   // MediaStream of the received tracks
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	hs      *handleState
	pending []js.Value // "track" events before the handle had objects
}

// newMediaState creates a PeerConnection (with opts.rtcConfig) and a remote
// MediaStream fed by its tracks. Its context lives until close: it carries
// the trickle of local candidates, which goes on after the call that
// started the media returned.
func newMediaState(opts js.Value) (*mediaState, error) {
	var config js.Value
	if opts.Type() == js.TypeObject {
		config = opts.Get("rtcConfig")
	}
	peer, err := newBrowserPeer(config)
	if err != nil {
		return nil, err
	}
	ms := &mediaState{peer: peer, remote: jsGlobal.Get("MediaStream").New()}
	ms.ctx, ms.cancel = context.WithCancel(context.Background())
	peer.onTrackFunc(func(track, streams, transceiver js.Value) {
		ms.remote.Call("addTrack", track)
		ev := toJS(map[string]any{"type": "track", "kind": track.Get("kind").String()})
		ev.Set("track", track)
		ev.Set("streams", streams)
		ev.Set("stream", ms.remote)
		if isSet(transceiver) {
			ev.Set("mid", transceiver.Get("mid"))
		}
		ms.deliver(ev)
	})
	peer.OnStateChange(func(state string) {
		ms.deliver(toJS(map[string]any{"type": "connectionstate", "state": state}))
	})
	return ms, nil
}

// deliver emits an event on the handle's objects, or keeps it until the
// media is attached to a handle.
func (ms *mediaState) deliver(ev js.Value) {
	ms.mu.Lock()
	hs := ms.hs
	if hs == nil {
		ms.pending = append(ms.pending, ev)
	}
	ms.mu.Unlock()
	if hs != nil {
		hs.emit(ev)
	}
}

// attach links the media to its handle, delivering the events so far.
func (ms *mediaState) attach(hs *handleState) {
	ms.mu.Lock()
	ms.hs = hs
	pending := ms.pending
	ms.pending = nil
	ms.mu.Unlock()
	for _, ev := range pending {
		hs.emit(ev)
	}
}

// bind makes the media end when callCtx is cancelled before the call that
// uses it returns; call the returned function when it returns.
func (ms *mediaState) bind(callCtx context.Context) (stop func() bool) {
	return context.AfterFunc(callCtx, ms.close)
}

// close closes the PeerConnection and stops the tracks acquired here.
func (ms *mediaState) close() {
	ms.cancel()
	_ = ms.peer.Close()
	for _, t := range ms.own {
		_ = jsrt.Catch(func() { t.Call("stop") })
	}
}

// addLocal acquires the local media opts asks for and adds it to the
// PeerConnection:
//
//	{stream: MediaStream}            its tracks
//	{tracks: MediaStreamTrack[]}     these tracks
//	{audio, video}                   getUserMedia with these constraints
//	                                 (both default to true)
//
// With audio and video both false and no stream or tracks, nothing is sent.
func (ms *mediaState) addLocal(ctx context.Context, opts js.Value) error {
	if opts.Type() != js.TypeObject {
		opts = jsObject.New()
	}
	stream := opts.Get("stream")
	var tracks []js.Value
	switch {
	case isSet(stream):
		ts := stream.Call("getTracks")
		for i := 0; i < ts.Length(); i++ {
			tracks = append(tracks, ts.Index(i))
		}
	case isSet(opts.Get("tracks")):
		ts := opts.Get("tracks")
		stream = jsGlobal.Get("MediaStream").New()
		for i := 0; i < ts.Length(); i++ {
			tracks = append(tracks, ts.Index(i))
			stream.Call("addTrack", ts.Index(i))
		}
	default:
		audio, video := opts.Get("audio"), opts.Get("video")
		if audio.IsUndefined() {
			audio = js.ValueOf(true)
		}
		if video.IsUndefined() {
			video = js.ValueOf(true)
		}
		if !audio.Truthy() && !video.Truthy() {
			return nil
		}
		devices := jsGlobal.Get("navigator")
		if isSet(devices) {
			devices = devices.Get("mediaDevices")
		}
		if !isSet(devices) {
			return &apiError{name: "NotSupportedError", msg: "gojanus: navigator.mediaDevices is not available (a secure context, https or localhost, is needed)"}
		}
		c := jsObject.New()
		c.Set("audio", audio)
		c.Set("video", video)
		s, err := jsrt.Await(ctx, devices.Call("getUserMedia", c))
		if err != nil {
			return err
		}
		stream = s
		ts := s.Call("getTracks")
		for i := 0; i < ts.Length(); i++ {
			tracks = append(tracks, ts.Index(i))
			ms.own = append(ms.own, ts.Index(i))
		}
	}
	ms.local = stream
	for _, t := range tracks {
		if err := ms.peer.addTrack(t, stream); err != nil {
			return err
		}
	}
	return nil
}

// setMedia gives the handle new media, closing the old.
func (hs *handleState) setMedia(ms *mediaState) {
	hs.mu.Lock()
	old := hs.media
	hs.media = ms
	ended := hs.ended
	hs.mu.Unlock()
	if old != nil {
		old.close()
	}
	if ended {
		ms.close()
		return
	}
	ms.attach(hs)
}

// closeMedia closes the handle's media, if any.
func (hs *handleState) closeMedia() {
	hs.mu.Lock()
	ms := hs.media
	hs.media = nil
	hs.mu.Unlock()
	if ms != nil {
		ms.close()
	}
}

// peer returns the handle's PeerConnection, or nil.
func (hs *handleState) peer() *browserPeer {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.media == nil {
		return nil
	}
	return hs.media.peer
}

// mediaOf returns the handle's media, or nil.
func (hs *handleState) mediaOf() *mediaState {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return hs.media
}

func onTrickleErr(err error) {
	logWarn("trickling a local candidate failed", err)
}

// errNoPeerConnection rejects getStats on a handle without media.
var errNoPeerConnection = &apiError{name: "InvalidStateError", msg: "gojanus: the handle has no PeerConnection"}

// getStats(options) -> Promise<RTCStats[]>: the statistics of the handle's
// RTCPeerConnection, as an array of the report's plain objects.
func handleGetStats(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	if !mediaAvailable() {
		return nil, errNoMedia
	}
	p := hs.peer()
	if p == nil {
		return nil, errNoPeerConnection
	}
	report, err := jsrt.Await(ctx, p.pc.Call("getStats"))
	if err != nil {
		return nil, err
	}
	return js.Global().Get("Array").Call("from", report.Call("values")), nil
}
