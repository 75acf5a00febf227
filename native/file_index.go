package native

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

// maxNALSize bounds one H.264 NAL unit while a file is indexed (an IDR
// frame of 4K video is a few MB).
const maxNALSize = 64 << 20

// ivfFileHeaderSize and ivfFrameHeaderSize are the sizes of the IVF file
// header and of the header before each frame (ivfreader reads exactly
// these).
const (
	ivfFileHeaderSize  = 32
	ivfFrameHeaderSize = 12
)

// frameRef is where one frame of a video file lies.
type frameRef struct {
	off  int64
	size int
	key  bool
}

// frameIndex lists the frames of a video file (IVF frames, H.264 access
// units) by offset and size, and which are keyframes. A file source
// indexes its file once, when it is made, and plays by reading each frame
// at its offset: a loop starts over without parsing the file again, a
// keyframe request finds the next keyframe in the index, and memory stays
// at about 30 bytes a frame whatever the size of the file (an hour at
// 30 fps: about 3 MB), where keeping the frames would hold the whole file.
type frameIndex struct {
	frames []frameRef
	keys   []int // indexes of the keyframes, ascending
	size   int64 // bytes of the file that was indexed
}

// add appends a frame that starts at off.
func (x *frameIndex) add(off int64, frame []byte, mime string) {
	key := isKeyframe(mime, frame)
	if key {
		x.keys = append(x.keys, len(x.frames))
	}
	x.frames = append(x.frames, frameRef{off: off, size: len(frame), key: key})
}

// next returns the index of the frame to write when pos is the frame that
// comes next in the file (len(frames) at its end, which wraps to the start
// when loop is set). With key set (a keyframe was asked for) it skips to
// the first keyframe from pos on, or, in a loop without one, to the
// file's first keyframe; with no keyframe to go to (a file that does not
// loop, past its last keyframe) it stays at pos. The index must not be
// empty, and pos must be below len(frames) unless loop is set.
func (x *frameIndex) next(pos int, key, loop bool) int {
	if pos >= len(x.frames) && loop {
		pos = 0
	}
	if !key || x.frames[pos].key {
		return pos
	}
	i, _ := slices.BinarySearch(x.keys, pos)
	switch {
	case i < len(x.keys):
		return x.keys[i]
	case loop && len(x.keys) > 0:
		return x.keys[0]
	}
	return pos
}

// indexIVF indexes the frames of an IVF file whose header r has read.
func indexIVF(r *ivfreader.IVFReader, mime string) (*frameIndex, error) {
	x := &frameIndex{}
	off := int64(ivfFileHeaderSize)
	for {
		data, hdr, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			x.size = off
			return x, nil
		}
		if err != nil {
			return nil, err
		}
		off += ivfFrameHeaderSize
		x.add(off, data, mime)
		off += int64(hdr.FrameSize)
	}
}

// indexH264 indexes the access units of a raw H.264 (Annex B) stream: the
// NAL units up to and including the slices of one picture. A new access
// unit starts with an access unit delimiter, SPS, PPS, SEI (or another of
// the types 14 to 18) or the first slice of the next picture
// (first_mb_in_slice 0), as H.264 7.4.1.2.3 has it; so a picture cut into
// several slices is one frame, and the SPS and PPS before an IDR belong to
// it. NAL units after the last slice of the stream are left out.
func indexH264(r io.Reader) (*frameIndex, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxNALSize)
	sc.Split(splitAnnexB)
	x := &frameIndex{}
	var au []byte // the access unit so far
	var auOff, off int64
	slice := false // au holds a slice
	for sc.Scan() {
		tok := sc.Bytes()
		typ, firstSlice := -1, false
		if i := bytes.Index(tok, annexBStartCode); i >= 0 && i+3 < len(tok) {
			nal := tok[i+3:]
			typ = int(nal[0] & 0x1f)
			firstSlice = len(nal) > 1 && nal[1]&0x80 != 0 // ue(v) first_mb_in_slice is 0
		}
		vcl := typ == 1 || typ == 5
		starts := typ >= 6 && typ <= 9 || typ >= 14 && typ <= 18 || vcl && firstSlice
		if slice && starts {
			x.add(auOff, au, webrtc.MimeTypeH264)
			au, auOff, slice = au[:0], off, false
		}
		au = append(au, tok...)
		slice = slice || vcl
		off += int64(len(tok))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if slice {
		x.add(auOff, au, webrtc.MimeTypeH264)
	}
	x.size = off
	return x, nil
}

// annexBStartCode starts every NAL unit of an Annex B stream (after an
// optional zero byte).
var annexBStartCode = []byte{0, 0, 1}

// splitAnnexB is a bufio.SplitFunc whose tokens are the NAL units of an
// Annex B stream, each with the start code before it (and anything before
// the first start code), so that the tokens add up to the stream and
// their lengths give the offsets.
func splitAnnexB(data []byte, atEOF bool) (int, []byte, error) {
	if len(data) == 0 {
		return 0, nil, nil
	}
	end := 0 // after the token's own start code
	if i := bytes.Index(data, annexBStartCode); i >= 0 {
		end = i + 3
	}
	if j := bytes.Index(data[end:], annexBStartCode); j >= 0 && end > 0 {
		cut := end + j
		if cut > end && data[cut-1] == 0 { // the next one is a four-byte start code
			cut--
		}
		return cut, data[:cut], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}
