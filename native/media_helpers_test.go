package native_test

import (
	"context"
	"errors"
	"iter"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// mediaSetup starts a Janus that does ICE on the namespace's interface
// (call it inside netns.Run or netns.RunBench), and returns a context
// bounded by timeout, a client over WebSocket and a session, all released
// when the test or benchmark ends.
func mediaSetup(t testing.TB, timeout time.Duration) (*janusserver.Server, context.Context, *core.Client, *core.Session) {
	t.Helper()
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	return srv, ctx, c, s
}

// statsOf returns the statistics of recorders or forwarders.
func statsOf[S interface{ Stats() native.TrackStats }](items iter.Seq[S]) []native.TrackStats {
	var out []native.TrackStats
	for it := range items {
		out = append(out, it.Stats())
	}
	return out
}

// requireToolTB skips (or, with CI=true, fails) a test or benchmark when
// an external program is not installed.
func requireToolTB(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if strings.EqualFold(getenv("CI"), "true") {
			tb.Fatalf("%s is required (go tool mage deps installs it): %v", name, err)
		}
		tb.Skipf("%s not installed", name)
	}
}

// netnsPeer is a pion Peer that does ICE on the namespace's interface
// only (UDP4, no mDNS), closed when the test or benchmark ends.
func netnsPeer(tb testing.TB) *native.Peer {
	tb.Helper()
	se := &webrtc.SettingEngine{}
	se.SetInterfaceFilter(func(name string) bool { return name == netns.Interface })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	p, err := native.NewPeer(native.PeerConfig{SettingEngine: se})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// waitUp reads events until Janus reports the PeerConnection up, and
// fails when the stream ends or ctx is done first.
func waitUp(ctx context.Context, events <-chan core.Event) error {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return errors.New("the handle's event stream ended before webrtcup")
			}
			if _, up := ev.(*core.WebRTCUp); up {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
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
