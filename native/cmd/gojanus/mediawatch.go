package main

import (
	"context"
	"fmt"

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
}

// watching returns o, whose runs end when peer or the handle of events
// ends. Events that arrive during a run are read by the watch (and
// dropped, but for a hangup); those after it are left to the command.
func (o output) watching(peer *native.Peer, events <-chan core.Event) output {
	o.media = &mediaWatch{peer: peer, events: events}
	return o
}

// bind returns ctx, ended also when the media does, and a function that
// stops the watch, waits for it and returns why the media ended (nil
// when it did not): after it returns, the watch reads no more events.
func (w *mediaWatch) bind(ctx context.Context) (context.Context, func() error) {
	if w == nil {
		return ctx, func() error { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var lost error
	go func() {
		defer close(done)
		events := w.events
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
				if h, ok := ev.(*core.Hangup); ok {
					lost = &mediaLost{why: "Janus hung up the PeerConnection: " + h.Reason}
					cancel()
					return
				}
			case <-w.peer.Ended():
				why := "Janus closed the PeerConnection" // the command closes it only after the run
				if st := w.peer.EndState(); st != "closed" {
					why = fmt.Sprintf("the PeerConnection %s (ICE or DTLS: nothing from Janus for too long)", st)
				}
				lost = &mediaLost{why: why}
				cancel()
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

// mediaLost ends a media run whose PeerConnection ended.
type mediaLost struct{ why string }

func (e *mediaLost) Error() string { return "the media connection ended: " + e.why }
