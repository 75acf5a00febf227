package native

import (
	"strings"

	"github.com/pion/rtp/codecs"
)

// isKeyframe reports whether a whole encoded video frame (an IVF frame, an
// H.264 access unit in Annex B) is a keyframe a decoder can start from.
// AV1 counts a temporal unit with a sequence header, as encoders put one
// before every keyframe.
func isKeyframe(mime string, frame []byte) bool {
	if len(frame) == 0 {
		return false
	}
	switch strings.ToLower(mime) {
	case "video/vp8":
		return frame[0]&0x01 == 0
	case "video/vp9":
		return isVP9Keyframe(frame)
	case "video/h264":
		for _, nal := range annexBNALs(frame) {
			if len(nal) > 0 && nal[0]&0x1f == 5 {
				return true
			}
		}
		return false
	case "video/av1":
		return av1HasSequenceHeader(frame)
	}
	return false
}

// isVP9Keyframe reads frame_type from a VP9 uncompressed frame header.
func isVP9Keyframe(frame []byte) bool {
	b := frame[0]
	if b>>6 != 2 { // frame_marker
		return false
	}
	profile := (b>>5)&1 | (b>>4)&1<<1
	bit := 3 // the next bit to read, counted from the least significant
	if profile == 3 {
		bit-- // reserved_zero
	}
	if b>>bit&1 == 1 { // show_existing_frame
		return false
	}
	return b>>(bit-1)&1 == 0 // frame_type 0 is KEY_FRAME
}

// annexBNALs splits an Annex B byte stream at its start codes.
func annexBNALs(b []byte) [][]byte {
	var nals [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				if end > start && b[end-1] == 0 {
					end-- // the leading zero of a four-byte start code
				}
				nals = append(nals, b[start:end])
			}
			start = i + 3
			i += 2
		}
	}
	if start >= 0 && start <= len(b) {
		nals = append(nals, b[start:])
	}
	return nals
}

// av1HasSequenceHeader reports whether a temporal unit (low overhead
// bitstream format OBUs) holds a sequence header OBU.
func av1HasSequenceHeader(tu []byte) bool {
	for len(tu) > 0 {
		h := tu[0]
		obuType := h >> 3 & 0x0f
		if obuType == 1 {
			return true
		}
		n := 1
		if h&0x04 != 0 { // extension flag
			n++
		}
		if h&0x02 == 0 || n >= len(tu) { // no size field: the OBU runs to the end
			return false
		}
		size, used := leb128(tu[n:])
		if used == 0 {
			return false
		}
		next := n + used + int(size)
		if next <= 0 || next > len(tu) {
			return false
		}
		tu = tu[next:]
	}
	return false
}

// leb128 decodes an unsigned LEB128 number; used is 0 if it is cut off.
func leb128(b []byte) (v uint64, used int) {
	for i := 0; i < len(b) && i < 8; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// detectsKeyframes reports whether startsKeyframe knows the codec.
func detectsKeyframes(mime string) bool {
	switch strings.ToLower(mime) {
	case "video/vp8", "video/vp9", "video/h264", "video/av1":
		return true
	}
	return false
}

// startsKeyframe reports whether an RTP payload is the first packet of a
// video keyframe.
func startsKeyframe(mime string, payload []byte) bool {
	if len(payload) == 0 {
		return false
	}
	switch strings.ToLower(mime) {
	case "video/vp8":
		var p codecs.VP8Packet
		frame, err := p.Unmarshal(payload)
		return err == nil && p.S == 1 && p.PID == 0 && len(frame) > 0 && frame[0]&0x01 == 0
	case "video/vp9":
		var p codecs.VP9Packet
		frame, err := p.Unmarshal(payload)
		return err == nil && p.B && !p.P && p.SID == 0 && len(frame) > 0 && isVP9Keyframe(frame)
	case "video/h264":
		return h264PayloadHasIDR(payload)
	case "video/av1":
		// The aggregation header's N bit: the first packet of a coded
		// video sequence, which starts with a keyframe.
		return payload[0]&0x08 != 0
	}
	return false
}

// h264PayloadHasIDR reports whether an H.264 RTP payload (single NAL,
// STAP-A or the first FU-A fragment) carries the start of an IDR slice or
// the SPS that precedes one.
func h264PayloadHasIDR(p []byte) bool {
	idr := func(t byte) bool { return t == 5 || t == 7 }
	switch t := p[0] & 0x1f; t {
	case 24: // STAP-A: 16-bit sizes, then NAL units
		for i := 1; i+2 < len(p); {
			n := int(p[i])<<8 | int(p[i+1])
			i += 2
			if n == 0 || i+n > len(p) {
				return false
			}
			if idr(p[i] & 0x1f) {
				return true
			}
			i += n
		}
		return false
	case 28: // FU-A
		return len(p) > 1 && p[1]&0x80 != 0 && idr(p[1]&0x1f)
	default:
		return idr(t)
	}
}
