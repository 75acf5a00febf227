package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// mustRun runs the command line and returns stdout, failing the test on a
// non-zero exit.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCmd(t, args...)
	require.Equal(t, 0, code, "gojanus %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), stdout, stderr)
	return stdout
}

// decodedFrames counts the frames ffprobe decodes from one stream of a file.
func decodedFrames(t *testing.T, path, stream string) int {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(string(out)), ","))
	require.NoError(t, err, "%q", out)
	return n
}

// TestRoomsPublishSubscribeCommands drives "gojanus rooms", "publish" and
// "subscribe" against a real Janus inside the test network namespace: one
// process publishes files, another records them, and the recordings
// decode.
func TestRoomsPublishSubscribeCommands(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil && os.Getenv("CI") == "true" {
		t.Fatal("ffprobe is required")
	}
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ws := srv.WSURL
	files := "../../../testdata/media/vp8-320x240-30fps-3s.ivf,../../../testdata/media/opus-440hz-3s.ogg"

	out := mustRun(t, "rooms", "--server", ws, "--room", "4321", "--description", "cli room", "create")
	assert.Contains(t, out, "room 4321")
	out = mustRun(t, "rooms", "--server", srv.HTTPURL, "list")
	assert.Contains(t, out, `"cli room"`)

	type pubResult struct {
		out  string
		code int
		err  string
	}
	pubDone := make(chan pubResult, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		code := run([]string{"publish", "--server", ws, "--room", "4321", "--display", "cli-pub", "--source", files,
			"--duration", "7s", "--ice-interface", netns.Interface, "--json"}, &stdout, &stderr)
		pubDone <- pubResult{stdout.String(), code, stderr.String()}
	}()
	require.Eventually(t, func() bool {
		var stdout, stderr bytes.Buffer
		if run([]string{"rooms", "--server", ws, "--json", "participants", "4321"}, &stdout, &stderr) != 0 {
			return false
		}
		return strings.Contains(stdout.String(), `"publisher": true`)
	}, 15*time.Second, 200*time.Millisecond, "the publisher appears")
	out = mustRun(t, "rooms", "--server", ws, "participants", "4321")
	assert.Contains(t, out, `"cli-pub"`)
	assert.Contains(t, out, "publishing")

	dir := t.TempDir()
	out = mustRun(t, "subscribe", "--server", ws, "--room", "4321", "--record", dir, "--duration", "3s",
		"--ice-interface", netns.Interface, "--json")
	var sum subscribeSummary
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	require.Len(t, sum.Tracks, 2, out)
	for _, tr := range sum.Tracks {
		assert.NotEmpty(t, tr.File)
		assert.Greater(t, tr.Packets, uint64(30), "%+v", tr)
		stream := "a:0"
		if tr.Kind == "video" {
			stream = "v:0"
			// A file source cannot answer keyframe requests: the recording
			// starts at the next keyframe (one per second in the fixture).
			assert.GreaterOrEqual(t, decodedFrames(t, tr.File, stream), 45, tr.File)
		} else {
			assert.GreaterOrEqual(t, decodedFrames(t, tr.File, stream), 100, tr.File)
		}
	}

	webm := filepath.Join(t.TempDir(), "one.webm")
	out = mustRun(t, "subscribe", "--server", srv.HTTPURL, "--room", "4321", "--feed", sum.Feeds[0].String(),
		"--record", webm, "--duration", "2s", "--ice-interface", netns.Interface)
	assert.Contains(t, out, "subscribed")
	assert.Greater(t, decodedFrames(t, webm, "v:0"), 15)
	assert.Greater(t, decodedFrames(t, webm, "a:0"), 40)

	res := <-pubDone
	require.Equal(t, 0, res.code, "publish: %s %s", res.out, res.err)
	var pub publishSummary
	require.NoError(t, json.Unmarshal([]byte(res.out), &pub), res.out)
	assert.Equal(t, sum.Feeds[0], pub.Publisher)
	require.Len(t, pub.Tracks, 2)
	for _, tr := range pub.Tracks {
		assert.Greater(t, tr.Frames, uint64(100), "%+v: 7 s of a looping file", tr)
	}
	out = mustRun(t, "rooms", "--server", ws, "destroy", "4321")
	assert.Contains(t, out, "destroyed")
}

func TestPublishSubscribeUsageErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"publish", "--server", "ws://127.0.0.1:1"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--room is required")
	stderr.Reset()
	assert.Equal(t, 1, run([]string{"subscribe", "--server", "ws://127.0.0.1:1", "--room", "1", "--duration", "1s"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "connect")
	stderr.Reset()
	assert.Equal(t, 1, run([]string{"rooms", "--server", "ws://127.0.0.1:1"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "list, create")
}
