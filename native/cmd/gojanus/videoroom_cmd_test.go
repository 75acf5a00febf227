package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
)

// testFiles is a looping file source of the fixtures.
const testFiles = "../../../testdata/media/vp8-320x240-30fps-3s.ivf,../../../testdata/media/opus-440hz-3s.ogg"

// decodedFrames counts the frames ffprobe decodes from one stream of a
// file (mediabench.DecodedFrames).
func decodedFrames(t *testing.T, path, stream string) int {
	t.Helper()
	return mediabench.DecodedFrames(t, path, stream)
}

// watchWriter collects output and tells when a text appeared in it.
type watchWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	waits map[string]chan struct{}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	for text, ch := range w.waits {
		if strings.Contains(w.buf.String(), text) {
			close(ch)
			delete(w.waits, text)
		}
	}
	return n, err
}

// seen returns a channel closed once text was written.
func (w *watchWriter) seen(text string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	if strings.Contains(w.buf.String(), text) {
		close(ch)
		return ch
	}
	if w.waits == nil {
		w.waits = map[string]chan struct{}{}
	}
	w.waits[text] = ch
	return ch
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// background runs a command line in a goroutine until it ends or stop is
// called (as Ctrl-C would).
type background struct {
	stdout, stderr watchWriter
	stop           context.CancelFunc
	done           chan int
}

func startCmd(args ...string) *background {
	ctx, cancel := context.WithCancel(context.Background())
	b := &background{stop: cancel, done: make(chan int, 1)}
	go func() { b.done <- runContext(ctx, args, &b.stdout, &b.stderr) }()
	return b
}

// wait waits until the command ends and returns its exit code.
func (b *background) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case code := <-b.done:
		return code
	case <-time.After(within):
		t.Fatalf("the command did not end within %s\nstdout: %s\nstderr: %s", within, b.stdout.String(), b.stderr.String())
		return -1
	}
}

// waitFor waits until the command printed text.
func (b *background) waitFor(t *testing.T, text string, within time.Duration) {
	t.Helper()
	select {
	case <-b.stdout.seen(text):
	case code := <-b.done:
		b.done <- code
		t.Fatalf("the command ended (exit %d) before printing %q\nstdout: %s\nstderr: %s", code, text, b.stdout.String(), b.stderr.String())
	case <-time.After(within):
		t.Fatalf("no %q within %s\nstdout: %s\nstderr: %s", text, within, b.stdout.String(), b.stderr.String())
	}
}

// TestRoomsPublishSubscribeCommands drives "gojanus rooms", "publish" and
// "subscribe" against a real Janus inside the test network namespace: a
// subscriber started before any publisher waits for one, follows a second
// publisher that comes later, and records both; the recordings decode.
// Janus trickles its candidates (full_trickle), which the commands pass
// to their PeerConnections (the other media tests run a half-trickle one).
func TestRoomsPublishSubscribeCommands(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface, FullTrickle: true})
	ws := srv.WSURL

	out := mustRun(t, "rooms", "create", "--room", "4321", "--description", "cli room", "--server", ws)
	assert.Contains(t, out, "room 4321")
	assert.Contains(t, mustRun(t, "rooms", "list", "--server", srv.HTTPURL), `"cli room"`)

	// The subscriber first: it waits for a publisher.
	dir := t.TempDir()
	sub := startCmd("subscribe", "--server", ws, "--room", "4321", "--record", dir, "--duration", "10s", "--wait", "30s")
	sub.waitFor(t, "waiting", 10*time.Second)

	pub1 := startCmd("publish", "--server", ws, "--room", "4321", "--id", "111", "--display", "cli-pub", "--source", testFiles, "--json")
	sub.waitFor(t, "subscribed", 20*time.Second)
	assert.Contains(t, sub.stdout.String(), `111 "cli-pub"`)
	var parts ParticipantsOutput
	checkSchema(t, mustRun(t, "rooms", "participants", "4321", "--server", ws, "--json"), &parts)
	assert.Contains(t, parts.Participants, Participant{ID: parseID("111"), Display: "cli-pub", Publisher: true})
	assert.True(t, slices.ContainsFunc(parts.Participants, func(p Participant) bool { return p.Display == "gojanus subscribe" && !p.Publisher }),
		"the subscriber watches the room as a participant that does not publish: %+v", parts.Participants)

	// A second publisher after the subscription is up: followed.
	pub2 := startCmd("publish", "--server", ws, "--room", "4321", "--id", "222", "--display", "late", "--source", testFiles)
	sub.waitFor(t, `follow       publisher 222 "late"`, 20*time.Second)
	require.Equal(t, 0, sub.wait(t, 30*time.Second), sub.stderr.String())
	t.Logf("gojanus subscribe:\n%s", sub.stdout.String())
	for _, feed := range []string{"111", "222"} {
		video, audio := filepath.Join(dir, feed+"-video.ivf"), filepath.Join(dir, feed+"-audio.ogg")
		assert.Contains(t, sub.stdout.String(), video)
		// A file source cannot answer keyframe requests: the recording
		// starts at the next keyframe (one per second in the fixture).
		assert.Greater(t, decodedFrames(t, video, "v:0"), 15, video)
		assert.Greater(t, decodedFrames(t, audio, "a:0"), 50, audio)
	}

	// One publisher into a WebM file, JSON output.
	webm := filepath.Join(t.TempDir(), "one.webm")
	var sum SubscribeOutput
	checkSchema(t, mustRun(t, "subscribe", "--server", srv.HTTPURL, "--room", "4321", "--feed", "111",
		"--record", webm, "--duration", "2s", "--json"), &sum)
	require.Len(t, sum.Publishers, 1)
	assert.Equal(t, "111", sum.Publishers[0].ID.String())
	assert.Equal(t, "cli-pub", sum.Publishers[0].Display)
	require.Len(t, sum.Tracks, 2)
	for _, tr := range sum.Tracks {
		assert.Equal(t, webm, tr.File)
		require.NotNil(t, tr.Feed)
		assert.Equal(t, "111", tr.Feed.String())
	}
	assert.GreaterOrEqual(t, sum.DurationMS, int64(2000))
	assert.Greater(t, decodedFrames(t, webm, "v:0"), 15)
	assert.Greater(t, decodedFrames(t, webm, "a:0"), 40)

	// An audio-only publisher into an audio-only WebM (it used to wait
	// for a video keyframe and fail).
	pub3 := startCmd("publish", "--server", ws, "--room", "4321", "--id", "333", "--display", "audio", "--source", "../../../testdata/media/opus-440hz-3s.ogg")
	aoWebM := filepath.Join(t.TempDir(), "audio.webm")
	checkSchema(t, mustRun(t, "subscribe", "--server", ws, "--room", "4321", "--feed", "333",
		"--record", aoWebM, "--duration", "2s", "--json"), &sum)
	require.Len(t, sum.Tracks, 1)
	assert.Equal(t, "audio", sum.Tracks[0].Kind)
	assert.Equal(t, []string{"audio"}, streamKinds(t, aoWebM))
	assert.Greater(t, decodedFrames(t, aoWebM, "a:0"), 40)
	pub3.stop()
	require.Equal(t, 0, pub3.wait(t, 20*time.Second), pub3.stderr.String())

	// Interrupted, the publishers unpublish, leave and report.
	pub2.stop()
	pub1.stop()
	require.Equal(t, 0, pub1.wait(t, 20*time.Second), pub1.stderr.String())
	require.Equal(t, 0, pub2.wait(t, 20*time.Second), pub2.stderr.String())
	var pub PublishOutput
	checkSchema(t, pub1.stdout.String(), &pub)
	assert.Equal(t, "111", pub.Publisher.ID.String())
	require.Len(t, pub.Tracks, 2)
	for _, tr := range pub.Tracks {
		assert.Greater(t, tr.Frames, uint64(100), "%+v: seconds of a looping file", tr)
	}
	checkSchema(t, mustRun(t, "rooms", "participants", "4321", "--server", ws, "--json"), &parts)
	assert.Empty(t, parts.Participants, "everyone left")
	assert.Contains(t, mustRun(t, "rooms", "destroy", "4321", "--server", ws), "destroyed")
}
