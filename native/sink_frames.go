package native

import "github.com/pion/rtp"

// wholeFrames holds a video frame's packets back until the frame is
// complete (its marker bit) and only then hands them to the container
// writer, so that a recording stopped in the middle of a frame does not
// end with a piece of it. An H.264 keyframe cut off that way leaves its
// SPS and PPS without a picture, which decoders report as an error.
//
// A frame whose marker packet never comes (lost) is written as received
// when the next frame starts, as it would be without wholeFrames; only
// the frame still open at Close is dropped.
type wholeFrames struct {
	w       rtpWriter
	pending []*rtp.Packet
}

func (f *wholeFrames) WriteRTP(p *rtp.Packet) error {
	if len(f.pending) > 0 && f.pending[0].Timestamp != p.Timestamp {
		if err := f.flush(); err != nil {
			return err
		}
	}
	f.pending = append(f.pending, p)
	if p.Marker {
		return f.flush()
	}
	return nil
}

func (f *wholeFrames) flush() error {
	pending := f.pending
	f.pending = f.pending[:0]
	for _, p := range pending {
		if err := f.w.WriteRTP(p); err != nil {
			return err
		}
	}
	return nil
}

// Close drops the unfinished frame and closes the writer.
func (f *wholeFrames) Close() error {
	f.pending = nil
	return f.w.Close()
}
