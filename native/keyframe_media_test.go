//go:build linux && mediadevices

package native_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// TestInProcessKeyframes publishes the in-process test pattern into a
// VideoRoom with a regular keyframe only every 600 frames (20 s), and has
// three subscribers join mid-stream one after another: each must get its
// first keyframe long before the regular one, because the encoder answers
// the keyframe request Janus sends for every new subscriber. The test
// counts the frames the source sent from the join request to the
// subscriber's first keyframe (the join's own round trips and ICE take a
// few), not time.
func TestInProcessKeyframes(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	_, ctx, _, s := mediaSetup(t, 60*time.Second)
	room := mediabench.Room(t, ctx, s)
	src, err := native.TestPatternSource(native.TestPatternOptions{Video: true, Width: 320, Height: 240, KeyframeInterval: 600})
	require.NoError(t, err)
	pub := mediabench.Publish(t, ctx, s, room, src)
	defer pub.Close(ctx)

	sent := func() native.TrackStats { return src.Stats()[0] }
	for i := range 3 {
		// Join mid-stream: some frames after the last keyframe.
		from := sent().Frames
		require.Eventually(t, func() bool { return sent().Frames >= from+20 }, 10*time.Second, 10*time.Millisecond,
			"the source sends frames")
		before := sent()
		joinedAt := sent().Frames
		framesBefore, leave := joinUntilKeyframe(t, ctx, s, room, pub.Feed())
		after := sent()
		t.Logf("subscriber %d: the source sent %d frames from the join to the first keyframe, the subscriber received %d before it; "+
			"the source heard %d requests, sent %d keyframes, the last %v after its request",
			i, after.Frames-joinedAt, framesBefore, after.KeyframeRequests-before.KeyframeRequests, after.Keyframes-before.Keyframes, after.KeyframeDelay)
		assert.Less(t, after.Frames-joinedAt, uint64(150), "subscriber %d: frames sent from the join to its first keyframe (the regular one is 600 frames apart)", i)
		assert.Greater(t, after.KeyframeRequests, before.KeyframeRequests, "subscriber %d: Janus asked for a keyframe", i)
		assert.Greater(t, after.Keyframes, before.Keyframes, "subscriber %d: the source answered", i)
		leave()
	}
	st := sent()
	assert.Less(t, st.Keyframes, st.Frames/10, "keyframes only when asked: %+v", st)
	assert.Positive(t, st.MaxKeyframeDelay)
}
