package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// recordingIDs returns the ids of a recordings list.
func recordingIDs(rs []Recording) []core.ID {
	ids := make([]core.ID, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// streamKinds lists the kinds of a media file's streams (ffprobe).
func streamKinds(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(t, err, "ffprobe %s: %s", path, out)
	return strings.Fields(string(out))
}

// TestRecordPlayCommands drives "gojanus record", "recordings" and "play"
// against a real Janus inside the test network namespace: 3 s of a file
// source are recorded, listed, played back into a WebM file that decodes;
// a private recording works from Janus 1.3.1 on and is refused before.
func TestRecordPlayCommands(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ws := srv.WSURL
	newer := janustest.VersionNumber(t, srv.Version) >= 1301

	var rec RecordOutput
	checkSchema(t, mustRun(t, "record", "--server", ws, "--name", "cli recording", "--id", "777", "--source", testFiles, "--duration", "3s", "--json"), &rec)
	assert.Equal(t, "777", rec.Recording.String())
	assert.Equal(t, "cli recording", rec.Name)
	assert.False(t, rec.Private)
	require.Len(t, rec.Tracks, 2)
	for _, tr := range rec.Tracks {
		assert.Positive(t, tr.Frames, tr.Kind)
	}

	var list RecordingsOutput
	checkSchema(t, mustRun(t, "recordings", "--server", srv.HTTPURL, "--json"), &list)
	require.Len(t, list.Recordings, 1)
	got := list.Recordings[0]
	assert.Equal(t, Recording{ID: rec.Recording, Name: "cli recording", Date: got.Date, Audio: true, Video: true, AudioCodec: "opus", VideoCodec: "vp8"}, got)
	assert.Contains(t, mustRun(t, "recordings", "--server", ws), `777                  "cli recording"`)

	// Played back to its end into a WebM, text output.
	webm := filepath.Join(t.TempDir(), "played.webm")
	out := mustRun(t, "play", "777", "--server", ws, "--record", webm)
	mustContain(t, out, "playing      recording 777", "video/VP8: ", "-> "+webm, "ended        recording 777 played to its end")
	// A file source cannot answer keyframe requests, so the recording
	// starts at the next keyframe: up to a second is lost of the 3 s.
	assert.Greater(t, decodedFrames(t, webm, "v:0"), 50)
	assert.Greater(t, decodedFrames(t, webm, "a:0"), 100)

	// Played again, cut short, counted: JSON output.
	var play PlayOutput
	checkSchema(t, mustRun(t, "play", "777", "--server", ws, "--duration", "1s", "--json"), &play)
	assert.False(t, play.Ended)
	require.Len(t, play.Tracks, 2)
	for _, tr := range play.Tracks {
		assert.Positive(t, tr.Packets, tr.Kind)
	}

	// Typed errors: an unknown recording is the plugin's 416.
	code, stdout, _ := runCmd(t, "play", "778", "--server", ws, "--json")
	assert.Equal(t, 1, code)
	e := decodeError(t, stdout)
	assert.Equal(t, kindPlugin, e.Kind)
	assert.Equal(t, 416, e.Code)
	code, _, stderr := runCmd(t, "play", "abc", "--server", ws)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "recording ids are numbers")
	code, _, stderr = runCmd(t, "play", "0", "--server", ws)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "0 is not a recording id")

	// A recording of one kind plays into a WebM of that kind only: an
	// audio-only WebM (it used to wait for a video keyframe, fail and
	// leave an empty file), a video-only one without an Opus track.
	for _, tc := range []struct {
		id, source, kind string
	}{
		{"700", "../../../testdata/media/opus-440hz-3s.ogg", "audio"},
		{"701", "../../../testdata/media/vp8-320x240-30fps-3s.ivf", "video"},
	} {
		mustRun(t, "record", "--server", ws, "--id", tc.id, "--name", tc.kind+" only", "--source", tc.source, "--duration", "2s")
		webm := filepath.Join(t.TempDir(), tc.kind+".webm")
		out := mustRun(t, "play", tc.id, "--server", ws, "--record", webm)
		mustContain(t, out, "-> "+webm, "played to its end")
		assert.Equal(t, []string{tc.kind}, streamKinds(t, webm), tc.kind)
		stream, least := "a:0", 50 // 20 ms frames: 100 in 2 s
		if tc.kind == "video" {
			stream, least = "v:0", 20 // a second may be lost before the next keyframe
		}
		assert.Greater(t, decodedFrames(t, webm, stream), least, tc.kind)
	}

	// A private recording (Janus 1.3.1): listed only with the admin_key.
	if !newer {
		code, stdout, _ := runCmd(t, "record", "--server", ws, "--name", "private", "--private", "--source", testFiles, "--duration", "1s", "--json")
		assert.Equal(t, 1, code)
		e := decodeError(t, stdout)
		assert.Contains(t, e.Message, "recordplay record is_private needs Janus 1.3.1 or later")
		code, stdout, _ = runCmd(t, "recordings", "--server", ws, "--admin-key", "adminkey", "--json")
		assert.Equal(t, 1, code)
		assert.Contains(t, decodeError(t, stdout).Message, "recordplay list admin_key needs Janus 1.3.1 or later")
		return
	}
	checkSchema(t, mustRun(t, "record", "--server", ws, "--name", "private", "--id", "888", "--private", "--source", testFiles, "--duration", "1s", "--json"), &rec)
	assert.True(t, rec.Private)
	sorted := func(rs []Recording) []core.ID {
		ids := recordingIDs(rs)
		slices.SortFunc(ids, func(a, b core.ID) int { return int(a.Num()) - int(b.Num()) })
		return ids
	}
	checkSchema(t, mustRun(t, "recordings", "--server", ws, "--json"), &list)
	assert.Equal(t, []core.ID{core.NumID(700), core.NumID(701), core.NumID(777)}, sorted(list.Recordings))
	checkSchema(t, mustRun(t, "recordings", "--server", ws, "--admin-key", "adminkey", "--json"), &list)
	assert.Equal(t, []core.ID{core.NumID(700), core.NumID(701), core.NumID(777), core.NumID(888)}, sorted(list.Recordings))
	assert.Contains(t, mustRun(t, "recordings", "--server", ws, "--admin-key", "adminkey"), "opus+vp8 private")
}

// TestWarnUnsent: a track that sent nothing is named on stderr; the others
// are not.
func TestWarnUnsent(t *testing.T) {
	var w strings.Builder
	warnUnsent(&w, []Track{{Kind: "audio", Frames: 3}, {Kind: "video", Frames: 0}}, 51*time.Millisecond+400*time.Microsecond, core.NumID(7))
	assert.Equal(t, "gojanus record: warning: no video frame was sent in the 51ms it ran: recording 7 has no video\n", w.String())
	w.Reset()
	warnUnsent(&w, []Track{{Kind: "audio", Frames: 3}}, time.Second, core.NumID(7))
	assert.Empty(t, w.String())
}
