package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/native"
)

// TestMediaWatch: Janus's hangup ends the run with a *mediaLost that
// gives its reason; other events are read and dropped; events that end
// (with their session: the connWatch's to report) end nothing.
func TestMediaWatch(t *testing.T) {
	peer, err := native.NewPeer(native.PeerConfig{})
	require.NoError(t, err)
	defer peer.Close()

	events := make(chan core.Event)
	w := &mediaWatch{peer: peer, events: events}
	ctx, stop := w.bind(context.Background())
	events <- &core.WebRTCUp{}
	require.NoError(t, ctx.Err(), "an ordinary event ends nothing")
	events <- &core.Hangup{Reason: "Close PC"}
	<-ctx.Done()
	lost := stop()
	var ml *mediaLost
	require.ErrorAs(t, lost, &ml)
	assert.Equal(t, "the media connection ended: Janus hung up the PeerConnection: Close PC", lost.Error())
	assert.Equal(t, kindMedia, describe(mediaErr(lost), 0).Kind)

	events = make(chan core.Event)
	w = &mediaWatch{peer: peer, events: events}
	ctx, stop = w.bind(context.Background())
	close(events)
	require.NoError(t, ctx.Err())
	assert.NoError(t, stop(), "the end of the events is not the watch's to report")

	// A nil watch watches nothing.
	ctx, stop = (*mediaWatch)(nil).bind(context.Background())
	assert.NoError(t, ctx.Err())
	assert.NoError(t, stop())
}

// TestMediaWatchUntil: the plugin's own end of the call (until) ends the
// run without an error and is kept; it may come after Janus closed the
// PeerConnection, and then still wins over the core's later hangup.
func TestMediaWatchUntil(t *testing.T) {
	isEnd := func(ev core.Event) bool { _, ok := ev.(*core.PluginEvent); return ok }
	end := &core.PluginEvent{}

	t.Run("plugin end", func(t *testing.T) {
		peer, err := native.NewPeer(native.PeerConfig{})
		require.NoError(t, err)
		defer peer.Close()
		events := make(chan core.Event)
		out := output{}.watchingUntil(peer, events, isEnd)
		ctx, stop := out.media.bind(context.Background())
		deliver(t, events, &core.WebRTCUp{})
		deliver(t, events, end)
		ended(t, ctx.Done())
		assert.NoError(t, stop())
		assert.Same(t, end, out.watchEnded())
	})

	for _, tc := range []struct {
		name string
		next core.Event
		lost string
	}{
		{"closed, then the plugin's end", end, ""},
		{"closed, then Janus's hangup", &core.Hangup{Reason: "Close PC"}, "the media connection ended: Janus hung up the PeerConnection: Close PC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer, err := native.NewPeer(native.PeerConfig{})
			require.NoError(t, err)
			events := make(chan core.Event)
			out := output{}.watchingUntil(peer, events, isEnd)
			ctx, stop := out.media.bind(context.Background())
			require.NoError(t, peer.Close())
			ended(t, peer.Ended())
			deliver(t, events, &core.WebRTCUp{}) // read after the close: the watch waits for the handle's word
			require.NoError(t, ctx.Err())
			deliver(t, events, tc.next)
			ended(t, ctx.Done())
			lost := stop()
			if tc.lost == "" {
				assert.NoError(t, lost)
				assert.Same(t, end, out.watchEnded())
				return
			}
			assert.EqualError(t, lost, tc.lost)
			assert.Nil(t, out.watchEnded())
		})
	}
}

// deliver hands ev to the watch, failing (not hanging) when it reads no
// more.
func deliver(t *testing.T, events chan<- core.Event, ev core.Event) {
	t.Helper()
	select {
	case events <- ev:
	case <-time.After(10 * time.Second):
		t.Fatalf("the watch no longer reads its events (%T)", ev)
	}
}

// ended waits until done is closed, failing (not hanging) when it is not.
func ended(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not end")
	}
}
