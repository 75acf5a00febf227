package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// TestEchoTestCommand runs "gojanus echotest" inside the test network
// namespace against a real Janus, with a file source and ffmpeg's test
// pattern, in text and JSON.
func TestEchoTestCommand(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})

	// On a terminal: a live progress line of what is sent and echoed.
	var out, errOut bytes.Buffer
	a := newApp(&out, &errOut)
	a.terminal = true
	code := a.run(context.Background(), []string{"echotest", "--server", srv.WSURL, "--source", testFiles, "--duration", "3s", "--ice-interface", netns.Interface})
	require.Equal(t, 0, code, errOut.String())
	stdout := out.String()
	t.Logf("%q", stdout)
	mustContain(t, stdout, "webrtc       connected", "video/VP8: sent", "audio/opus: sent",
		"\r\033[Ksent video ", "kbit/s", "| echoed video ")

	var sum EchoTestOutput
	checkSchema(t, mustRun(t, "echotest", "--server", srv.HTTPURL, "--source", "test", "--duration", "2s", "--json"), &sum)
	assert.GreaterOrEqual(t, sum.DurationMS, int64(1990), "it ran its --duration")
	require.Len(t, sum.Sent, 2)
	require.Len(t, sum.Received, 2)
	for _, sent := range sum.Sent {
		var back Track
		for _, r := range sum.Received {
			if r.Kind == sent.Kind {
				back = r
			}
		}
		// How much ffmpeg sends in 2 s depends on the machine's load.
		assert.Positive(t, sent.Packets, sent.Kind)
		assert.Greater(t, back.Packets, sent.Packets*8/10, "%s: most packets come back", sent.Kind)
		// How many frames ffmpeg encodes in 2 s depends on the machine's
		// load; what must hold is that they were sent and came back.
		assert.Positive(t, sent.Frames, sent.Kind)
		assert.InDelta(t, 1.0, float64(back.Bytes)/float64(sent.Bytes), 0.2, sent.Kind)
	}
}

// TestDemoWithMedia runs "gojanus demo --media" as "go tool mage demo"
// does, inside the namespace.
func TestDemoWithMedia(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	var sum DemoOutput
	checkSchema(t, mustRun(t, "demo", "--server", srv.WSURL, "--media", "--media-duration", "2s",
		"--ice-interface", netns.Interface, "--json"), &sum)
	require.NotNil(t, sum.Media)
	require.Len(t, sum.Media.Received, 2)
	sent := map[string]uint64{}
	for _, s := range sum.Media.Sent {
		sent[s.Kind] = s.Frames
	}
	for _, r := range sum.Media.Received {
		// The subscriber gets (nearly) every frame the publisher sent,
		// however many the machine's load let ffmpeg encode.
		assert.Positive(t, r.Frames, "%+v", r)
		assert.GreaterOrEqual(t, r.Frames, sent[r.Kind]*8/10, "%+v of %d sent", r, sent[r.Kind])
	}
	assert.True(t, sum.RoomDestroyed)
	assert.True(t, sum.SessionDestroyed)
}

// TestICEFailureOnLoopbackOnly runs the media commands where the only
// interface is loopback: Janus answers but no ICE path exists, and each
// command says so in the same words, naming loopback and the network
// namespace.
func TestICEFailureOnLoopbackOnly(t *testing.T) {
	if !netns.RunLoopbackOnly(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{})
	mustRun(t, "rooms", "create", "--room", "77", "--server", srv.WSURL)
	for _, args := range [][]string{
		{"echotest", "--duration", "1s"},
		{"publish", "--room", "77", "--duration", "1s"},
		{"demo", "--media"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append(args, "--server", srv.WSURL, "--timeout", "4s", "--json")...)
			assert.Equal(t, 1, code)
			e := decodeError(t, stdout)
			assert.Equal(t, kindICE, e.Kind)
			// Janus refuses the offer ("Error setting ICE locally"), or ICE
			// never completes: the same kind and hint either way.
			assert.Contains(t, e.Message, "ICE")
			assert.Contains(t, e.Hint, "only loopback interfaces")
			assert.Contains(t, e.Hint, "network namespace")
			assert.Contains(t, stderr, "hint: this machine has only loopback interfaces up")
		})
	}
}

// TestTestSourceNote checks that --source test says, in a build without
// the in-process encoder, that its test pattern comes from ffmpeg and why
// that matters, and says nothing in a build with it. The command then
// fails to connect (nothing listens on the port), which does not matter.
func TestTestSourceNote(t *testing.T) {
	code, _, stderr := runCmd(t, "publish", "--room", "1", "--source", "test", "--server", "ws://127.0.0.1:1", "--timeout", "2s")
	assert.Equal(t, 1, code, stderr)
	if native.InProcessEncoding {
		assert.NotContains(t, stderr, "note:", "a build with the in-process encoder")
	} else {
		assert.Contains(t, stderr, "gojanus: note: --source test: "+native.NoInProcessEncodingNote)
	}
	code, _, stderr = runCmd(t, "publish", "--room", "1", "--source", "../../../testdata/media/vp8-320x240-30fps-3s.ivf", "--server", "ws://127.0.0.1:1", "--timeout", "2s")
	assert.Equal(t, 1, code, stderr)
	assert.NotContains(t, stderr, "note:", "a file source answers keyframe requests in any build")
}
