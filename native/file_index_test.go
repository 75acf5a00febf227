package native

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testIndex is an index of n frames with keyframes at keys.
func testIndex(n int, keys ...int) *frameIndex {
	x := &frameIndex{frames: make([]frameRef, n), keys: keys}
	for _, k := range keys {
		x.frames[k].key = true
	}
	return x
}

// TestFileIndexNext checks which frame a file source sends next, with and
// without a keyframe request, looping or not.
func TestFileIndexNext(t *testing.T) {
	clip := testIndex(25, 0, 10, 20) // 25 frames, a keyframe every 10
	late := testIndex(12, 3, 8)      // the first keyframe is not the first frame
	none := testIndex(5)             // no keyframe at all
	for _, tc := range []struct {
		name      string
		x         *frameIndex
		pos       int
		key, loop bool
		want      int
	}{
		{"plays on without a request", clip, 5, false, false, 5},
		{"a request jumps to the next keyframe", clip, 5, true, false, 10},
		{"a request on a keyframe is answered by it", clip, 10, true, false, 10},
		{"a jump in a loop", clip, 15, true, true, 20},
		{"past the last keyframe a loop wraps to the first", clip, 22, true, true, 0},
		{"past the last keyframe without a loop it plays on", clip, 22, true, false, 22},
		{"the end of a loop wraps", clip, 25, false, true, 0},
		{"the end of a loop wraps to a keyframe when asked", late, 12, true, true, 3},
		{"a wrap goes to the first keyframe, not the first frame", late, 10, true, true, 3},
		{"no keyframe to go to", none, 2, true, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.x.next(tc.pos, tc.key, tc.loop))
		})
	}
}

// TestFileIndexClips indexes the clips of testdata/media: 90 frames each
// with a keyframe every 10, at offsets that hold the frames.
func TestFileIndexClips(t *testing.T) {
	wantKeys := []int{0, 10, 20, 30, 40, 50, 60, 70, 80}
	for _, tc := range []struct{ file, mime string }{
		{"vp8-320x240-30fps-3s.ivf", webrtc.MimeTypeVP8},
		{"vp9-320x240-30fps-3s.ivf", webrtc.MimeTypeVP9},
		{"h264-320x240-30fps-3s.h264", webrtc.MimeTypeH264},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile("../testdata/media/" + tc.file)
			require.NoError(t, err)
			var x *frameIndex
			if tc.mime == webrtc.MimeTypeH264 {
				x, err = indexH264(bytes.NewReader(data))
			} else {
				var r *ivfreader.IVFReader
				r, _, err = ivfreader.NewWith(bytes.NewReader(data))
				require.NoError(t, err)
				x, err = indexIVF(r, tc.mime)
			}
			require.NoError(t, err)
			require.Len(t, x.frames, 90)
			assert.Equal(t, wantKeys, x.keys)
			assert.Equal(t, int64(len(data)), x.size)
			for i, fr := range x.frames {
				frame := data[fr.off : fr.off+int64(fr.size)]
				assert.Equal(t, fr.key, isKeyframe(tc.mime, frame), "frame %d", i)
				if tc.mime != webrtc.MimeTypeH264 {
					assert.Equal(t, uint32(fr.size), binary.LittleEndian.Uint32(data[fr.off-ivfFrameHeaderSize:]), "IVF frame header of frame %d", i)
					continue
				}
				// The access units follow each other and cover the file;
				// each IDR comes with its SPS and PPS.
				if i > 0 {
					prev := x.frames[i-1]
					assert.Equal(t, prev.off+int64(prev.size), fr.off, "access unit %d follows the one before", i)
				}
				if fr.key {
					assert.Equal(t, []byte{7, 8}, nalTypes(frame)[:2], "access unit %d starts with SPS and PPS", i)
				}
			}
			if tc.mime == webrtc.MimeTypeH264 {
				assert.Equal(t, int64(0), x.frames[0].off)
				last := x.frames[89]
				assert.Equal(t, x.size, last.off+int64(last.size))
			}
		})
	}
}

// nalTypes lists the NAL unit types of an Annex B access unit.
func nalTypes(au []byte) []byte {
	var out []byte
	for _, nal := range annexBNALs(au) {
		if len(nal) > 0 {
			out = append(out, nal[0]&0x1f)
		}
	}
	return out
}

// TestFileIndexH264AccessUnits indexes a made-up stream: a picture in two
// slices is one frame, the SPS and PPS go with the IDR after them, three-
// and four-byte start codes both count, and NAL units after the last slice
// are left out.
func TestFileIndexH264AccessUnits(t *testing.T) {
	var stream []byte
	var starts []int // where each access unit starts
	nal := func(code []byte, header byte, body ...byte) {
		stream = append(stream, code...)
		stream = append(stream, header)
		stream = append(stream, body...)
	}
	three, four := []byte{0, 0, 1}, []byte{0, 0, 0, 1}
	starts = append(starts, len(stream))
	nal(four, 0x67, 0x42, 0xc0, 0x0d) // SPS
	nal(three, 0x68, 0xce)            // PPS
	nal(three, 0x65, 0x88, 0x84)      // IDR slice, first_mb_in_slice 0
	nal(four, 0x65, 0x40, 0x11)       // IDR slice, first_mb_in_slice 1
	starts = append(starts, len(stream))
	nal(four, 0x41, 0x9a, 0x02) // non-IDR slice, first_mb_in_slice 0
	nal(three, 0x41, 0x40, 0x03)
	starts = append(starts, len(stream))
	nal(three, 0x09, 0x10)       // access unit delimiter
	nal(three, 0x41, 0x9a, 0x04) // non-IDR slice
	nal(three, 0x0c, 0xff)       // filler: same access unit
	end := len(stream)
	nal(four, 0x06, 0x05) // SEI with no slice after it
	starts = append(starts, end)

	x, err := indexH264(bytes.NewReader(stream))
	require.NoError(t, err)
	require.Len(t, x.frames, 3)
	assert.Equal(t, []int{0}, x.keys)
	for i, fr := range x.frames {
		assert.Equal(t, int64(starts[i]), fr.off, "offset of access unit %d", i)
		assert.Equal(t, starts[i+1]-starts[i], fr.size, "size of access unit %d", i)
	}
	assert.Equal(t, []byte{7, 8, 5, 5}, nalTypes(stream[:starts[1]]))
}
