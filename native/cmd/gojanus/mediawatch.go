package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/native"
)

// mediaWatch ends a media run whose PeerConnection ended while the Janus
// session lived: Janus hung up the handle (room destroyed, participant
// kicked, the plugin's own end), or ICE failed. The run
// then ends with a *mediaLost instead of sending into nothing until its
// --duration, or forever.
type mediaWatch struct {
	peer   *native.Peer
	events <-chan core.Event
	// until, when set, picks the plugin event that ends the run as it
	// should (the other side of a call hung up); ended keeps it.
	until func(core.Event) bool
	ended core.Event
}

// watching returns o, whose runs end when peer or the handle of events
// ends. Events that arrive during a run are read by the watch (and
// dropped, but for a hangup); those after it are left to the command.
func (o output) watching(peer *native.Peer, events <-chan core.Event) output {
	o.media = &mediaWatch{peer: peer, events: events}
	return o
}

// watchingUntil is watching, and the run also ends, without an error, at
// the first event of the handle that until picks; watchEnded returns it.
func (o output) watchingUntil(peer *native.Peer, events <-chan core.Event, until func(core.Event) bool) output {
	o.media = &mediaWatch{peer: peer, events: events, until: until}
	return o
}

// watchEnded returns the event that ended o's last run (watchingUntil), or
// nil.
func (o output) watchEnded() core.Event {
	if o.media == nil {
		return nil
	}
	return o.media.ended
}

// bind returns ctx, ended also when the media does, and a function that
// stops the watch, waits for it and returns why the media ended (nil
// when it did not): after it returns, the watch reads no more events.
func (w *mediaWatch) bind(ctx context.Context) (context.Context, func() error) {
	if w == nil {
		return ctx, func() error { return nil }
	}
	w.ended = nil
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var lost error
	go func() {
		defer close(done)
		events, ended := w.events, w.peer.Ended()
		var grace <-chan time.Time
		closed := func() {
			lost = &mediaLost{why: "Janus closed the PeerConnection"} // the command closes it only after the run
			cancel()
		}
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					// The handle ended with its session: the connWatch
					// reports that (a *sessionLost), so nothing is said
					// here; the PeerConnection is still watched.
					events = nil
					continue
				}
				if w.until != nil && w.until(ev) {
					w.ended = ev
					cancel()
					return
				}
				if h, ok := ev.(*core.Hangup); ok {
					lost = &mediaLost{why: "Janus hung up the PeerConnection: " + h.Reason}
					cancel()
					return
				}
			case <-ended:
				if st := w.peer.EndState(); st != "closed" {
					lost = &mediaLost{why: fmt.Sprintf("the PeerConnection %s (ICE or DTLS: nothing from Janus for too long)", st)}
					cancel()
					return
				}
				if w.until == nil || events == nil {
					closed()
					return
				}
				// Janus closed it (DTLS close). When the plugin ended the
				// call, its event comes first on the handle, before the
				// core's hangup, but may still be on its way: wait for
				// one of the two.
				ended, grace = nil, time.After(pluginEndGrace)
			case <-grace:
				closed()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, func() error {
		cancel()
		<-done
		return lost
	}
}

// pluginEndGrace bounds the wait for the handle's events after Janus
// closed a watched PeerConnection: the plugin's end of the call, or Janus's
// hangup, which it sends within milliseconds.
const pluginEndGrace = 5 * time.Second

// mediaLost ends a media run whose PeerConnection ended.
type mediaLost struct{ why string }

func (e *mediaLost) Error() string { return "the media connection ended: " + e.why }
