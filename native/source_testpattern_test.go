package native

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestPatternSourceOptions checks the tracks a test pattern source
// makes, in this build (in process or ffmpeg), and its bad sizes.
func TestTestPatternSourceOptions(t *testing.T) {
	src, err := TestPatternSource(TestPatternOptions{})
	require.NoError(t, err)
	tracks := src.Tracks()
	require.Len(t, tracks, 2)
	assert.Equal(t, "video", tracks[0].Kind().String())
	assert.Equal(t, "audio", tracks[1].Kind().String())
	_, answers := tracks[0].(KeyframeTrack)
	assert.True(t, answers, "the video track hears keyframe requests (and counts them, in any build)")

	src, err = TestPatternSource(TestPatternOptions{Audio: true})
	require.NoError(t, err)
	require.Len(t, src.Tracks(), 1)
	assert.Equal(t, "audio", src.Tracks()[0].Kind().String())

	for _, size := range [][2]int{{641, 480}, {640, -480}, {0, 2}} {
		_, err := TestPatternSource(TestPatternOptions{Width: size[0], Height: size[1]})
		assert.Error(t, err, "%v", size)
	}
}

// TestTestPatternDraws checks that the pattern moves from frame to frame,
// repeats itself for the same frame number, and stays within the picture
// for sizes down to the smallest simulcast layer.
func TestTestPatternDraws(t *testing.T) {
	for _, size := range [][2]int{{640, 480}, {320, 180}, {160, 90}, {16, 16}} {
		w, h := size[0], size[1]
		pic := func() *yuvPicture {
			stride := w + 32 // the encoder's buffers have padded rows
			return &yuvPicture{Y: make([]byte, stride*h), U: make([]byte, stride/2*h/2), V: make([]byte, stride/2*h/2),
				YStride: stride, CStride: stride / 2, Width: w, Height: h}
		}
		a, b := newTestPattern(w, h, 30), newTestPattern(w, h, 30)
		p0, p1, q0 := pic(), pic(), pic()
		a.draw(p0)
		a.draw(p1)
		b.draw(q0)
		assert.False(t, bytes.Equal(p0.Y, p1.Y), "%dx%d: frames 0 and 1 differ", w, h)
		assert.Equal(t, p0.Y, q0.Y, "%dx%d: frame 0 is frame 0", w, h)
		assert.Equal(t, p0.U, q0.U, "%dx%d: frame 0 is frame 0", w, h)
	}
}

// TestToneRepeatsEverySecond checks the tone: a whole-Hz tone is periodic
// over one second, so its sample counter wraps without a click.
func TestToneRepeatsEverySecond(t *testing.T) {
	g := &tone{freq: 440, rate: 48000}
	first := make([]int16, 48000)
	g.fill(first)
	second := make([]int16, 48000)
	g.fill(second)
	assert.Equal(t, first, second)
	assert.Equal(t, int16(0), first[0])
	assert.InDelta(t, 8192, float64(first[27]), 8192*0.01, "a quarter period in, the peak") // 48000/440/4 ≈ 27
}

// TestParseBitrate reads ffmpeg's bitrate notation.
func TestParseBitrate(t *testing.T) {
	for in, want := range map[string]int{"": 500_000, "500k": 500_000, "1.5M": 1_500_000, "800000": 800_000, "64K": 64_000} {
		got, err := parseBitrate(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"k", "fast", "-5k", "0", "999", "2000M"} {
		_, err := parseBitrate(bad)
		assert.Error(t, err, bad)
	}
}
