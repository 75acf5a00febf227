package native

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/at-wat/ebml-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janustest"
)

// webmIndex is what a player reads to seek: the duration in Info and the
// Cues (cluster times and positions).
type webmIndex struct {
	Segment struct {
		Info struct {
			Duration float64 `ebml:"Duration"`
		} `ebml:"Info"`
		Cues struct {
			CuePoint []struct {
				CueTime           uint64 `ebml:"CueTime"`
				CueTrackPositions struct {
					CueTrack           uint64 `ebml:"CueTrack"`
					CueClusterPosition uint64 `ebml:"CueClusterPosition"`
				} `ebml:"CueTrackPositions"`
			} `ebml:"CuePoint"`
		} `ebml:"Cues"`
	} `ebml:"Segment"`
}

// TestWebMIsSeekable: a closed WebM recording holds its duration and an
// index of clusters that start at video keyframes, so players can seek
// (it had neither: ffprobe reported no duration). Frames are the
// fixture's VP8 (a keyframe each second) and Opus silence, on a clock
// the test moves.
func TestWebMIsSeekable(t *testing.T) {
	ffprobe := janustest.Tool(t, "ffprobe")
	for _, tc := range []struct {
		name         string
		audio, video bool
		wantCues     int // at least
	}{
		{"audio+video", true, true, 2},
		{"audio only", true, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rec.webm")
			r, err := NewWebMRecorder(path, tc.audio, tc.video)
			require.NoError(t, err)
			clock := time.Unix(0, 0)
			r.now = func() time.Time { return clock }

			var frames [][]byte
			if tc.video {
				frames = ivfFrames(t, "vp8-320x240-30fps-3s.ivf")
				require.Len(t, frames, 90)
			}
			silence := []byte{0xf8, 0xff, 0xfe} // one 20 ms Opus frame
			// 3 s: video every 33 ms (while the fixture lasts), audio
			// every 20 ms, in time order.
			const end = 3 * time.Second
			var nextVideo, nextAudio time.Duration
			keyframesAt := map[uint64]bool{}
			for nextAudio < end {
				if len(frames) > 0 && nextVideo <= nextAudio {
					clock = time.Unix(0, 0).Add(nextVideo)
					if isKeyframe("video/vp8", frames[0]) {
						keyframesAt[uint64(nextVideo.Milliseconds())] = true
					}
					r.write(true, frames[0])
					frames, nextVideo = frames[1:], nextVideo+time.Second/30
					continue
				}
				clock = time.Unix(0, 0).Add(nextAudio)
				r.write(false, silence)
				nextAudio += 20 * time.Millisecond
			}
			require.NoError(t, r.Close())

			out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).CombinedOutput()
			require.NoError(t, err, "%s", out)
			dur, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
			require.NoError(t, err, "ffprobe gave no duration: %q", out)
			assert.InDelta(t, 2.98, dur, 0.05, "the duration in the header")

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var idx webmIndex
			require.NoError(t, ebml.Unmarshal(bytes.NewReader(data), &idx, ebml.WithIgnoreUnknown(true)))
			assert.InDelta(t, 2980, idx.Segment.Info.Duration, 50)
			cues := idx.Segment.Cues.CuePoint
			require.GreaterOrEqual(t, len(cues), tc.wantCues, "an index of clusters")
			for i, c := range cues {
				if i > 0 {
					assert.Greater(t, c.CueTime, cues[i-1].CueTime)
				}
				if tc.video {
					assert.True(t, keyframesAt[c.CueTime], "cluster %d starts at a keyframe (%d ms; keyframes: %v)", i, c.CueTime, keyframesAt)
				}
			}

			// A seek into the second half decodes from there.
			out, err = exec.Command(ffprobe, "-v", "error", "-read_intervals", "2%+0.5", "-select_streams", "0",
				"-show_entries", "packet=pts_time", "-of", "csv=p=0", path).CombinedOutput()
			require.NoError(t, err, "%s", out)
			first, err := strconv.ParseFloat(strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0], 64)
			require.NoError(t, err, "%q", out)
			assert.GreaterOrEqual(t, first, 1.9, "the seek landed near 2 s")
		})
	}
}
