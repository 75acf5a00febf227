package whip_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
	"github.com/gojanus/gojanus/whip"
)

// waitVideo waits until a WebM recording has n video frames.
func waitVideo(t *testing.T, rec *native.WebMRecorder, what string, n uint64) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, st := range rec.Stats() {
			if st.Kind == "video" && st.Frames >= n {
				return true
			}
		}
		return false
	}, 30*time.Second, 10*time.Millisecond, "%s: %d video frames", what, n)
}

// videoFrames returns a WebM recording's video frames so far.
func videoFrames(rec *native.WebMRecorder) uint64 {
	for _, st := range rec.Stats() {
		if st.Kind == "video" {
			return st.Frames
		}
	}
	return 0
}

// TestNativeClient: the two halves test each other. The native WHIP
// client (native.WHIPPublish) publishes a file into a room through the
// handler, the native WHEP client (native.WHEPPlay, server-offer flow)
// plays the publisher through the handler into a WebM file that decodes;
// the publisher restarts ICE by PATCH with the media going on; the
// handler's refusals (a client offer to a VideoRoom endpoint, an ICE
// restart of a server-offer resource) are typed errors; Close DELETEs
// both resources. (TestWHEPStreamingMedia plays a mountpoint with both
// flows of the native WHEP client.)
func TestNativeClient(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	f := newFixture(t, srv.WSURL, whip.Options{SetupTimeout: 30 * time.Second})
	room := f.room(t)
	require.NoError(t, f.h.Publish("/whip/room", whip.PublishEndpoint{Join: videoroom.JoinRequest{Room: room, Display: "native"},
		Access: whip.Access{Token: "pub-token"}}))
	require.NoError(t, f.h.Subscribe("/whep/room", whip.SubscribeEndpoint{Subscription: whip.Subscription{Room: room, Display: "native"}}))
	opts := f.clientOptions()

	src, err := native.FileSource(native.FileOptions{Loop: true}, "../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	_, err = native.WHIPPublish(f.ctx, f.base+"/whip/room", src, opts)
	require.ErrorIs(t, err, native.ErrWHIPUnauthorized)
	pubOpts := opts
	pubOpts.Token = "pub-token"
	pub, err := native.WHIPPublish(f.ctx, f.base+"/whip/room", src, pubOpts)
	require.NoError(t, err)
	runSource(t, f.ctx, src)
	feedOf(t, f, room, "native")

	_, err = native.WHEPPlay(f.ctx, f.base+"/whep/room", native.SinkFunc(nil), native.WHEPOptions{WHIPOptions: opts})
	var we *native.WHIPError
	require.ErrorAs(t, err, &we, "VideoRoom subscriptions are offered by Janus")
	assert.Equal(t, 406, we.Status)

	path := filepath.Join(t.TempDir(), "room.webm")
	webm, err := native.NewWebMRecorder(path, true, true)
	require.NoError(t, err)
	play, err := native.WHEPPlay(f.ctx, f.base+"/whep/room", webm, native.WHEPOptions{WHIPOptions: opts, ServerOffer: true})
	require.NoError(t, err)
	waitVideo(t, webm, "WHEP player", 30)

	require.NoError(t, pub.RestartICE(f.ctx))
	waitVideo(t, webm, "WHEP player after the publisher's ICE restart", videoFrames(webm)+60)

	require.ErrorAs(t, play.RestartICE(f.ctx), &we, "no ICE restart of a server-offer resource")
	assert.Equal(t, 422, we.Status)
	require.NoError(t, play.Close(f.ctx))
	require.NoError(t, webm.Close())
	assert.GreaterOrEqual(t, mediabench.DecodedFrames(t, path, "v:0"), 60)
	assert.Positive(t, mediabench.DecodedFrames(t, path, "a:0"))
	require.NoError(t, pub.Close(f.ctx))
	assert.Equal(t, 0, f.h.Len())
}
