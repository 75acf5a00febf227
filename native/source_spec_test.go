package native

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitArgs(t *testing.T) {
	got, err := splitArgs(`-f lavfi -i "testsrc=size=320x240: rate=30"  -t '3'`)
	require.NoError(t, err)
	assert.Equal(t, []string{"-f", "lavfi", "-i", "testsrc=size=320x240: rate=30", "-t", "3"}, got)
	_, err = splitArgs(`-i "open`)
	assert.Error(t, err)
	_, err = splitArgs("   ")
	assert.Error(t, err)
}

func TestParseSource(t *testing.T) {
	for _, spec := range []string{"", "device", "gst:videotestsrc ! vp8enc", "nope.mp3", "ffmpeg:", "ffmpeg:-i 'x"} {
		_, err := ParseSource(spec)
		assert.Error(t, err, spec)
	}
	s, err := ParseSource("../testdata/media/vp8-320x240-30fps-3s.ivf,../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	assert.Len(t, s.Tracks(), 2)
	s, err = ParseSource("test")
	require.NoError(t, err)
	assert.Len(t, s.Tracks(), 2)
	s, err = ParseSource("gst:videotestsrc ! vp8enc ! rtpvp8pay; audiotestsrc ! opusenc ! rtpopuspay")
	require.NoError(t, err)
	kinds := []string{}
	for _, st := range s.Stats() {
		kinds = append(kinds, st.Kind)
	}
	assert.Equal(t, []string{"video", "audio"}, kinds)
	s, err = ParseSource(`ffmpeg:-f lavfi -i "testsrc=rate=15"`)
	require.NoError(t, err)
	assert.Len(t, s.Tracks(), 2)
}

// TestGStreamerKeyframeInterval checks that video encoders without a
// keyframe interval get one of 30 frames, and that one set is kept.
func TestGStreamerKeyframeInterval(t *testing.T) {
	for in, want := range map[string]string{
		"videotestsrc ! vp8enc deadline=1 ! rtpvp8pay":                         "videotestsrc ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay",
		"videotestsrc ! vp9enc ! rtpvp9pay":                                    "videotestsrc ! vp9enc keyframe-max-dist=30 ! rtpvp9pay",
		"videotestsrc ! x264enc tune=zerolatency ! rtph264pay":                 "videotestsrc ! x264enc tune=zerolatency key-int-max=30 ! rtph264pay",
		"videotestsrc ! vp8enc keyframe-max-dist=5 ! rtpvp8pay":                "videotestsrc ! vp8enc keyframe-max-dist=5 ! rtpvp8pay",
		"audiotestsrc ! opusenc ! rtpopuspay":                                  "audiotestsrc ! opusenc ! rtpopuspay",
		"videotestsrc is-live=true ! video/x-raw,width=320 ! vp8enc!rtpvp8pay": "videotestsrc is-live=true ! video/x-raw,width=320 ! vp8enc keyframe-max-dist=30 !rtpvp8pay",
	} {
		assert.Equal(t, want, withKeyframeInterval(in), in)
	}
}
