package native

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureContext binds a local track to a function that sees the RTP
// packets it writes, with no PeerConnection.
type captureContext struct {
	codec webrtc.RTPCodecParameters
	write func(h *rtp.Header, payload []byte)
}

func (c captureContext) CodecParameters() []webrtc.RTPCodecParameters {
	return []webrtc.RTPCodecParameters{c.codec}
}
func (captureContext) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (captureContext) SSRC() webrtc.SSRC                                      { return 1 }
func (captureContext) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (captureContext) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (c captureContext) WriteStream() webrtc.TrackLocalWriter                 { return c }
func (captureContext) ID() string                                             { return "capture" }
func (captureContext) RTCPReader() interceptor.RTCPReader                     { return nil }
func (captureContext) Write(b []byte) (int, error)                            { return len(b), nil }
func (c captureContext) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	c.write(h, payload)
	return len(payload), nil
}

// TestFileTrackAnswersKeyframeRequests plays looped clips (a keyframe
// every 10 frames, 90 frames) into a track bound to a capture and asks for
// keyframes from inside the writes, at known frames: after frame 3 (file
// frame 3) the next frame sent is the keyframe at file frame 10; a request
// while that keyframe is written is answered by it; after file frame 85
// the source wraps to the keyframe at file frame 0. The RTP timestamps
// advance by one frame throughout, jumps included. The track is bound to a
// capture, not a PeerConnection: no network, no real time for H.264.
func TestFileTrackAnswersKeyframeRequests(t *testing.T) {
	for _, tc := range []struct {
		file  string
		opts  FileOptions
		ticks uint32 // RTP timestamp ticks a frame
	}{
		{"h264-320x240-30fps-3s.h264", FileOptions{Loop: true, FrameRate: 300}, 300},
		{"vp8-320x240-30fps-3s.ivf", FileOptions{Loop: true}, 3000},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			ft, err := newFileTrack("../testdata/media/"+tc.file, tc.opts, 0)
			require.NoError(t, err)
			require.Len(t, ft.Tracks(), 1)
			kt, ok := ft.Tracks()[0].(KeyframeTrack)
			require.True(t, ok, "the video track of a file hears keyframe requests")

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var keys []int         // the frames sent that were keyframes
			var stamps []uint32    // the RTP timestamp of each frame sent
			frame, key := 0, false // the frame being written, and whether a packet of it starts a keyframe
			write := func(h *rtp.Header, payload []byte) {
				key = key || startsKeyframe(ft.c.codec, payload)
				if !h.Marker {
					return
				}
				stamps = append(stamps, h.Timestamp)
				if key {
					keys = append(keys, frame)
				}
				switch frame {
				case 3, 4, 79: // file frames 3, 10 (a keyframe) and 85
					kt.RequestKeyframe()
				case 81:
					cancel()
				}
				frame, key = frame+1, false
			}
			_, err = kt.Bind(captureContext{codec: webrtc.RTPCodecParameters{RTPCodecCapability: ft.sample.Codec(), PayloadType: 96}, write: write})
			require.NoError(t, err)
			require.ErrorIs(t, ft.Run(ctx), context.Canceled)

			// Sent: file frames 0-3, then 10-85, then 0-1.
			assert.Equal(t, []int{0, 4, 14, 24, 34, 44, 54, 64, 74, 80}, keys, "frames sent that were keyframes")
			for i := 1; i < len(stamps); i++ {
				// Within a tick: a frame's length in ns rounds.
				assert.InDelta(t, tc.ticks, stamps[i]-stamps[i-1], 1, "timestamp step before frame %d", i)
			}
			st := ft.Stats()[0]
			assert.Equal(t, uint64(82), st.Frames)
			assert.Equal(t, uint64(10), st.Keyframes)
			assert.Equal(t, uint64(3), st.KeyframeRequests)
		})
	}
}

// TestFileSourceRefusesBadVideo checks that a video file is refused when
// the source is made, not when it plays: an IVF file cut inside a frame,
// a changed file, and H.264 with no picture.
func TestFileSourceRefusesBadVideo(t *testing.T) {
	clip, err := os.ReadFile("../testdata/media/vp8-320x240-30fps-3s.ivf")
	require.NoError(t, err)
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.ivf")
	require.NoError(t, os.WriteFile(cut, clip[:len(clip)-10], 0o644))
	_, err = FileSource(FileOptions{}, cut)
	assert.ErrorContains(t, err, "cut.ivf")

	noPicture := filepath.Join(dir, "sps.h264")
	require.NoError(t, os.WriteFile(noPicture, []byte{0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x0d}, 0o644))
	_, err = FileSource(FileOptions{}, noPicture)
	assert.ErrorContains(t, err, "no video frames")

	changed := filepath.Join(dir, "changed.ivf")
	require.NoError(t, os.WriteFile(changed, clip, 0o644))
	src, err := FileSource(FileOptions{}, changed)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(changed, clip[:len(clip)/2], 0o644))
	assert.ErrorContains(t, src.Run(context.Background()), "changed since the source was made")
}
