//go:build mediadevices

package native

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVP8EncoderKeyframeOnRequest encodes the test pattern and checks
// that the first frame and every requested frame are keyframes, and that
// the frames between are not.
func TestVP8EncoderKeyframeOnRequest(t *testing.T) {
	enc, err := newVP8Encoder(320, 240, 30, 500_000, 300)
	require.NoError(t, err)
	defer enc.Close()
	p := newTestPattern(320, 240, 30)
	for i := range 90 {
		p.draw(enc.Picture())
		force := i == 0 || i == 37 || i == 38 || i == 71
		frame, key, err := enc.Encode(force)
		require.NoError(t, err)
		require.NotNil(t, frame, "frame %d", i)
		assert.Equal(t, force, key, "frame %d is a keyframe", i)
		assert.Equal(t, key, isKeyframe("video/vp8", frame), "frame %d: the bitstream agrees", i)
	}
}

// TestVP8EncoderSizes rejects odd and empty sizes.
func TestVP8EncoderSizes(t *testing.T) {
	for _, s := range [][2]int{{0, 240}, {321, 240}, {320, -2}} {
		_, err := newVP8Encoder(s[0], s[1], 30, 500_000, 60)
		assert.Error(t, err, "%dx%d", s[0], s[1])
	}
}

// BenchmarkTestPatternEncode measures drawing and encoding one 640x480
// test pattern frame: at 30 fps, 30 times this per second is the CPU the
// test pattern source spends on video.
func BenchmarkTestPatternEncode(b *testing.B) {
	enc, err := newVP8Encoder(640, 480, 30, 1_000_000, 150)
	require.NoError(b, err)
	defer enc.Close()
	p := newTestPattern(640, 480, 30)
	var bytes int
	for i := 0; b.Loop(); i++ {
		p.draw(enc.Picture())
		frame, _, err := enc.Encode(i == 0)
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(frame)
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/frame")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*30/1e9*100, "%core@30fps")
}
