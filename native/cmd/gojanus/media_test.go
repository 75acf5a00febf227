package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// TestEchoTestCommand runs "gojanus echotest" inside the test network
// namespace against a real Janus, with a file source and ffmpeg's test
// pattern, in text and JSON.
func TestEchoTestCommand(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	files := "../../../testdata/media/vp8-320x240-30fps-3s.ivf,../../../testdata/media/opus-440hz-3s.ogg"

	var stdout, stderr bytes.Buffer
	code := run([]string{"echotest", "--server", srv.WSURL, "--source", files, "--duration", "2s", "--ice-interface", netns.Interface}, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr: %s", stderr.String())
	t.Logf("%s", stdout.String())
	assert.Contains(t, stdout.String(), "webrtc       connected")
	assert.Contains(t, stdout.String(), "video/VP8: sent")
	assert.Contains(t, stdout.String(), "audio/opus: sent")

	stdout.Reset()
	stderr.Reset()
	code = run([]string{"echotest", "--server", srv.HTTPURL, "--source", "test", "--duration", "2s", "--json", "--ice-interface", netns.Interface}, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr: %s", stderr.String())
	var sum echoSummary
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &sum), stdout.String())
	require.Len(t, sum.Tracks, 2)
	for _, tr := range sum.Tracks {
		assert.Greater(t, tr.SentPackets, uint64(20), tr.Kind)
		assert.Greater(t, tr.EchoPackets, tr.SentPackets*8/10, "%s: most packets come back", tr.Kind)
		// How many frames ffmpeg encodes in 2 s depends on the machine's
		// load; what must hold is that they were sent and came back.
		assert.Greater(t, tr.SentFrames, uint64(0), tr.Kind)
		assert.InDelta(t, 1.0, tr.EchoRatio, 0.2, tr.Kind)
	}
}

// TestEchoTestCommandBadSource fails clearly before connecting.
func TestEchoTestCommandBadSource(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"echotest", "--server", "ws://127.0.0.1:1", "--source", "nope.xyz"}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "nope.xyz")
}

// TestDemoWithMedia runs "gojanus demo --media" as "go tool mage demo"
// does, inside the namespace.
func TestDemoWithMedia(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "--server", srv.WSURL, "--media", "--media-duration", "2s",
		"--ice-interface", netns.Interface, "--json"}, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr: %s", stderr.String())
	var sum demoSummary
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &sum), stdout.String())
	require.True(t, sum.OK)
	require.NotNil(t, sum.Media)
	require.Len(t, sum.Media.Received, 2)
	sent := map[string]uint64{}
	for _, s := range sum.Media.Sent {
		sent[s.Kind] = s.Frames
	}
	for _, r := range sum.Media.Received {
		// The subscriber gets (nearly) every frame the publisher sent,
		// however many the machine's load let ffmpeg encode.
		assert.Greater(t, r.Frames, uint64(0), "%+v", r)
		assert.GreaterOrEqual(t, r.Frames, sent[r.Kind]*8/10, "%+v of %d sent", r, sent[r.Kind])
	}
	assert.True(t, sum.RoomDestroyed)
	assert.True(t, sum.SessionDestroyed)
}
