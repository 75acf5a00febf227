package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/h264writer"
	"github.com/pion/webrtc/v4/pkg/media/ivfwriter"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
)

// rtpWriter is what pion's container writers have in common.
type rtpWriter interface {
	WriteRTP(*rtp.Packet) error
	Close() error
}

// TrackRecorder writes one remote track to a file.
type TrackRecorder struct {
	track *webrtc.TrackRemote
	w     rtpWriter
	c     *counter
	done  chan struct{}
	err   error
	once  sync.Once
}

// RecordTrack writes a received track to path until the track ends or
// Close is called: VP8, VP9 and AV1 to IVF (.ivf), Opus to Ogg (.ogg,
// .opus), H.264 to Annex B (.h264). A video recording starts at the first
// packet of the first keyframe, so that every frame written decodes; the
// packets before it are counted in Stats but not written. A video frame
// still incomplete when the recording ends is left out.
//
// pliInterval says whether the recorder asks for that keyframe itself. On
// a PeerConnection made by NewPeer the Peer asks already
// (RegisterKeyframeRequests): pass 0. On another PeerConnection, pass the
// first gap (for example 500 ms): the recorder sends a PLI at once, after
// pliInterval and then with growing gaps (capped at 2 s, or pliInterval
// if longer) until the first keyframe, and never after it.
func RecordTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, path string, pliInterval time.Duration) (*TrackRecorder, error) {
	mime := tr.Codec().MimeType
	ext := strings.ToLower(filepath.Ext(path))
	var w rtpWriter
	var err error
	switch {
	case strings.EqualFold(mime, webrtc.MimeTypeOpus) && (ext == ".ogg" || ext == ".opus"):
		ch := tr.Codec().Channels
		if ch == 0 {
			ch = 2
		}
		w, err = oggwriter.New(path, tr.Codec().ClockRate, ch)
	case (strings.EqualFold(mime, webrtc.MimeTypeVP8) || strings.EqualFold(mime, webrtc.MimeTypeVP9) || strings.EqualFold(mime, webrtc.MimeTypeAV1)) && ext == ".ivf":
		w, err = ivfwriter.New(path, ivfwriter.WithCodec(canonicalMime(mime)))
	case strings.EqualFold(mime, webrtc.MimeTypeH264) && (ext == ".h264" || ext == ".264"):
		// pion's IVF writer assembles whole frames itself; its H.264
		// writer writes each NAL unit as it comes.
		var hw *h264writer.H264Writer
		if hw, err = h264writer.New(path); err == nil {
			w = &wholeFrames{w: hw}
		}
	default:
		return nil, fmt.Errorf("native: cannot record %s into a %q file", mime, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("native: %w", err)
	}
	r := &TrackRecorder{track: tr, w: w, done: make(chan struct{}),
		c: &counter{id: tr.ID(), kind: tr.Kind().String(), codec: mime}}
	go r.loop(newKeyframeWait(pc, tr, r.c, pliInterval))
	return r, nil
}

func (r *TrackRecorder) loop(kw *keyframeWait) {
	defer close(r.done)
	defer kw.stop()
	video := r.track.Kind() == webrtc.RTPCodecTypeVideo
	for {
		pkt, attr, err := r.track.ReadRTP()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.err = err
			}
			break
		}
		frames := 0
		if !video || pkt.Marker {
			frames = 1
		}
		r.c.add(1, len(pkt.Payload), frames)
		if !kw.packet(pkt, attr) {
			continue
		}
		if err := r.w.WriteRTP(pkt); err != nil {
			r.err = err
			break
		}
	}
	if err := r.w.Close(); err != nil && r.err == nil {
		r.err = err
	}
}

// Stats returns what was received so far.
func (r *TrackRecorder) Stats() TrackStats { return r.c.stats() }

// Done is closed when the recording has ended and the file is closed.
func (r *TrackRecorder) Done() <-chan struct{} { return r.done }

// Wait waits for the end of the track (or Close) and returns the first
// error.
func (r *TrackRecorder) Wait(ctx context.Context) error {
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops reading the track, closes the file and waits for both.
// Closing the PeerConnection also ends the recording.
func (r *TrackRecorder) Close() error {
	r.once.Do(func() { _ = r.track.SetReadDeadline(time.Now()) })
	<-r.done
	if r.err != nil && isTimeout(r.err) {
		return nil
	}
	return r.err
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// RequestKeyframe asks the sender of a video track for a keyframe (PLI).
func RequestKeyframe(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote) error {
	return pc.WriteRTCP([]rtcp.Packet{pli(uint32(tr.SSRC()))})
}

func canonicalMime(m string) string {
	switch strings.ToLower(m) {
	case "video/vp8":
		return webrtc.MimeTypeVP8
	case "video/vp9":
		return webrtc.MimeTypeVP9
	case "video/av1":
		return webrtc.MimeTypeAV1
	}
	return m
}
