package main

import (
	"context"
	"testing"

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
