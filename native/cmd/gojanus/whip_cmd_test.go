package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
)

// TestWHIPCommands drives "gojanus whip-publish" and "whep-play" against
// the WHIP/WHEP test server (a pion peer, no Janus) inside the test
// network namespace: the published test pattern arrives and is recorded
// at the server, the played one is recorded into a WebM file that
// decodes, and a refused token is a failure that names the status.
func TestWHIPCommands(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	peer := mediabench.PeerConfig()
	dir := t.TempDir()

	// whip-publish: the server records what arrives.
	pub := whiptest.New(t, peer)
	pub.Token = "tok"
	recs := make(chan *native.TrackRecorder, 2)
	pub.OnTrack = func(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote) {
		rec, err := native.RecordTrack(pc, tr, filepath.Join(dir, "published-"+tr.Kind().String()+extFor(tr.Codec().MimeType)), 0)
		if err == nil {
			recs <- rec
		}
	}
	var published WHIPPublishOutput
	checkSchema(t, mustRun(t, "whip-publish", pub.URL(), "--bearer", "tok", "--token", "janus-tok", "--source", testFiles, "--duration", "2s",
		"--ice-interface", netns.Interface, "--json"), &published)
	assert.Equal(t, pub.Base()+"/resource/1", published.Resource)
	require.Len(t, published.Tracks, 2)
	assert.Equal(t, 1, pub.Deletes())
	assert.Equal(t, []string{"Bearer tok"}, pub.Auth())
	require.Len(t, recs, 2)
	for range 2 {
		rec := <-recs
		require.NoError(t, rec.Close())
		assert.Positive(t, rec.Stats().Frames, rec.Stats().Kind)
	}

	// whep-play, server-offer flow, into a WebM.
	play := whiptest.New(t, peer)
	play.ServerOffer = true
	src, err := native.ParseSource(testFiles)
	require.NoError(t, err)
	play.Send = src.Tracks
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = src.Run(ctx) }()
	defer func() { stop(); <-done }()
	webm := filepath.Join(dir, "played.webm")
	var played WHEPPlayOutput
	code, stdout, stderr := runCmd(t, "whep-play", play.URL(), "--server-offer", "--record", webm, "--duration", "2s",
		"--ice-interface", netns.Interface, "--json")
	require.Equal(t, 0, code, stderr)
	checkSchema(t, stdout, &played)
	assert.Empty(t, stderr, "nothing on stderr at a normal end: no pion error about the pipes Close ends")
	require.Len(t, played.Tracks, 2)
	assert.Equal(t, 1, play.Deletes())
	assert.Greater(t, mediabench.DecodedFrames(t, webm, "v:0"), 10, "decoded video frames")

	// whep-play ends when the server ends the playback: once the player
	// asks for a keyframe, it receives.
	hang := whiptest.New(t, peer)
	hangSrc, err := native.ParseSource(testFiles)
	require.NoError(t, err)
	hang.Send = hangSrc.Tracks
	hangDone := make(chan struct{})
	go func() { defer close(hangDone); _ = hangSrc.Run(ctx) }()
	defer func() { stop(); <-hangDone }()
	result := make(chan string, 1)
	go func() {
		_, stdout, _ := runCmd(t, "whep-play", hang.URL(), "--ice-interface", netns.Interface, "--json")
		result <- stdout
	}()
	require.Eventually(t, func() bool {
		for _, st := range hangSrc.Stats() {
			if st.KeyframeRequests > 0 {
				return true
			}
		}
		return false
	}, 30*time.Second, 10*time.Millisecond, "the player's keyframe request")
	hang.Hangup()
	var ended WHEPPlayOutput
	checkSchema(t, <-result, &ended)
	assert.True(t, ended.Ended)

	// A refused token.
	code, _, stderr = runCmd(t, "whep-play", pub.URL(), "--bearer", "wrongtok", "--ice-interface", netns.Interface)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "401 Unauthorized")
	assert.Contains(t, stderr, "hint: the token given with --bearer was refused")
	assert.NotContains(t, stderr, "wrongtok")
}

// TestWHEPPlayNothing: a playback whose endpoint sends no track fails
// (exit 1, kind media) with a hint, also when recording into a WebM
// file (which then has no frame).
func TestWHEPPlayNothing(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	silent := whiptest.New(t, mediabench.PeerConfig()) // sends nothing
	for _, record := range []string{"", filepath.Join(t.TempDir(), "nothing.webm")} {
		args := []string{"whep-play", silent.URL(), "--duration", "1s", "--ice-interface", netns.Interface}
		if record != "" {
			args = append(args, "--record", record)
		}
		e, stderr := runFailing(t, exitError, kindMedia, args...)
		assert.Contains(t, e.Message, "whep-play: no track arrived in ")
		assert.Contains(t, e.Hint, "the endpoint sent nothing")
		assert.Contains(t, stderr, "hint: the endpoint sent nothing")
		assert.NotContains(t, stderr, "got no frame")
	}
	assert.Equal(t, 2, silent.Deletes(), "each playback ended its resource")
}

// TestWHIPThroughJanus chains the commands through a real Janus inside
// the test network namespace: whip-publish into a room through
// whip-server, whep-play of that room through it. The player's normal
// end prints nothing on stderr (pion logged errors about the pipes its
// Close tears down).
func TestWHIPThroughJanus(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	mustRun(t, "rooms", "create", "--room", "4444", "--server", srv.WSURL)
	addr := freeAddr(t)
	server := startCmd("whip-server", "--server", srv.WSURL, "--listen", addr, "--whip", "/in=room:4444", "--whep", "/out=room:4444")
	defer func() {
		server.stop()
		assert.Equal(t, 0, server.wait(t, 30*time.Second), server.stderr.String())
	}()
	server.waitFor(t, "listening", 20*time.Second)
	base := "http://" + addr
	pub := startCmd("whip-publish", base+"/in", "--source", testFiles, "--ice-interface", netns.Interface)
	defer func() { pub.stop(); pub.wait(t, 30*time.Second) }()
	pub.waitFor(t, "publishing", 20*time.Second)
	require.Eventually(t, func() bool {
		ps := participants(srv.WSURL, "4444")
		return len(ps) == 1 && ps[0].Publisher
	}, 20*time.Second, 50*time.Millisecond, "the WHIP publisher publishes in the room")
	var played WHEPPlayOutput
	code, stdout, stderr := runCmd(t, "whep-play", base+"/out", "--server-offer", "--duration", "3s", "--ice-interface", netns.Interface, "--json")
	require.Equal(t, 0, code, stderr)
	checkSchema(t, stdout, &played)
	require.NotEmpty(t, played.Tracks)
	for _, tr := range played.Tracks {
		assert.Positive(t, tr.Frames, "%+v", tr)
	}
	assert.Empty(t, stderr, "nothing on stderr at a normal end")
}
