package native_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/native"
)

// mediaSetup starts a Janus that does ICE on the namespace's interface
// (call it inside netns.Run or netns.RunBench), and returns a context
// bounded by timeout, a client over WebSocket and a session, all released
// when the test or benchmark ends (mediabench.Setup).
func mediaSetup(t testing.TB, timeout time.Duration) (*janusserver.Server, context.Context, *core.Client, *core.Session) {
	t.Helper()
	return mediabench.Setup(t, timeout)
}

// statsOf returns the statistics of recorders or forwarders.
func statsOf[S interface{ Stats() native.TrackStats }](items iter.Seq[S]) []native.TrackStats {
	var out []native.TrackStats
	for it := range items {
		out = append(out, it.Stats())
	}
	return out
}

// kindCounts sums one count (frames or packets) of stats by kind ("audio",
// "video").
func kindCounts(stats []native.TrackStats, count func(native.TrackStats) uint64) map[string]uint64 {
	out := map[string]uint64{}
	for _, st := range stats {
		out[st.Kind] += count(st)
	}
	return out
}

func frames(st native.TrackStats) uint64  { return st.Frames }
func packets(st native.TrackStats) uint64 { return st.Packets }

// waitCounts waits until got reports, for each kind in want, at least
// that count: after a source ended, the condition that its last packets
// have arrived. A packet lost on the way keeps a count short for good, and
// the checks that follow tolerate some loss: after a bound far above a
// packet's trip, waitCounts stops waiting, logs the counts and leaves the
// verdict to them.
func waitCounts(tb testing.TB, ctx context.Context, what string, want map[string]uint64, got func() map[string]uint64) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		have := got()
		short := false
		for kind, n := range want {
			short = short || have[kind] < n
		}
		if !short {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			tb.Logf("%s: stopped waiting with %v of %v", what, have, want)
			return
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
}

// assertThreeSecondsOfVideo checks that a source sent 3 s of 30 fps video
// (90 frames, give or take 3), less the frames a file source skips when it
// jumps to its next keyframe on a request: at most 9 a request, as the
// clips of testdata/media have a keyframe every 10 frames.
func assertThreeSecondsOfVideo(t testing.TB, st native.TrackStats) {
	t.Helper()
	assert.LessOrEqual(t, int(st.Frames), 93, "3 s of 30 fps video")
	assert.GreaterOrEqual(t, int(st.Frames), 87-9*int(st.KeyframeRequests), "3 s of 30 fps video, less 9 frames at most for each of %d keyframe requests", st.KeyframeRequests)
}
