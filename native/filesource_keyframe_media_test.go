//go:build linux

package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// firstKeyframe counts the VP8 frames (RTP marker bits) a subscriber
// receives before the first packet of its first keyframe. Its push takes
// the packets of one track from one goroutine; before may be read once got
// is closed.
type firstKeyframe struct {
	before int
	got    chan struct{}
}

func (f *firstKeyframe) push(p *rtp.Packet, _ time.Time) {
	select {
	case <-f.got:
		return
	default:
	}
	if _, ok := vp8KeyframeSize(p.Payload); ok {
		close(f.got)
		return
	}
	if p.Marker {
		f.before++
	}
}

// joinUntilKeyframe subscribes a new Peer to feed on a new handle of s and
// waits for the first packet of its first keyframe. It returns how many
// frames came before it, and leave, which closes the subscriber (the test's
// end does too).
func joinUntilKeyframe(t *testing.T, ctx context.Context, s *core.Session, room, feed core.ID) (before int, leave func()) {
	t.Helper()
	h, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)
	kf := &firstKeyframe{got: make(chan struct{})}
	sub, err := mediabench.SubscribeOn(ctx, h, room, feed, mediabench.Peer(t), mediabench.Receive{OnPacket: kf.push})
	if sub != nil {
		t.Cleanup(func() { sub.Close(ctx) })
	}
	require.NoError(t, err)
	select {
	case <-kf.got:
	case <-ctx.Done():
		t.Fatalf("no keyframe: %v", ctx.Err())
	}
	return kf.before, func() { sub.Close(ctx) }
}

// TestFileSourceKeyframeOnJoin publishes the looped VP8 clip (a keyframe
// every 10 frames) from a FileSource into a VideoRoom, and subscribers join
// one after another while it plays. Janus asks the publisher for a
// keyframe for each new subscriber, and the file source jumps to its next
// keyframe: a subscriber receives a frame or two before its first
// keyframe, where waiting for the clip's own keyframes would take up to 9
// (0 to 9 at random, by where the join falls). The source's statistics
// show the requests, and more keyframes than playing the frames it sent in
// order would have given: so this fails when requests are not answered,
// whatever the timing of the joins.
func TestFileSourceKeyframeOnJoin(t *testing.T) {
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 90*time.Second)
	room := mediabench.Room(t, ctx, s)
	src, err := native.FileSource(native.FileOptions{Loop: true}, testClip)
	require.NoError(t, err)
	pub := mediabench.Publish(t, ctx, s, room, src)
	defer pub.Close(ctx)
	sent := func() map[string]uint64 { return kindCounts(src.Stats(), frames) }

	const subscribers = 3
	for i := range subscribers {
		// Join mid-stream, 40 frames (more than a second) after the last
		// join (or the start): Janus 1.4 sends a WebRTC publisher at most
		// one keyframe request a second, and defers the others
		// (testdata/janus/VERSIONS.md).
		waitCounts(t, ctx, "frames sent before the join", map[string]uint64{"video": sent()["video"] + 40}, sent)
		before, leave := joinUntilKeyframe(t, ctx, s, room, pub.Feed())
		t.Logf("subscriber %d: %d frames before the first keyframe", i, before)
		// The chain (Janus's PLI, pion's RTCP read, the source's next
		// tick) takes a frame or two, more on a loaded machine: at most 4
		// here, where the clip's own keyframes take up to 9; the
		// statistics below are the strict check.
		assert.LessOrEqual(t, before, 4, "subscriber %d: frames before the first keyframe", i)
		leave()
	}
	pub.Close(ctx)

	// Playing n frames in order sends the clip's keyframes among them.
	clipFrames := ffprobeFrames(t, testClip)
	keys := keyframeIndexes(t, testClip)
	require.Equal(t, 90, clipFrames)
	require.Len(t, keys, 9, "the clip's keyframes: one every 10 frames")
	st := src.Stats()[0]
	inOrder := int(st.Frames) / clipFrames * len(keys)
	for _, k := range keys {
		if k < int(st.Frames)%clipFrames {
			inOrder++
		}
	}
	t.Logf("source: %+v; keyframes in %d frames played in order: %d", st, st.Frames, inOrder)
	assert.GreaterOrEqual(t, st.KeyframeRequests, uint64(subscribers), "a request for each subscriber")
	assert.Greater(t, int(st.Keyframes), inOrder, "keyframes sent beyond the clip's own: the requests were answered")
}
