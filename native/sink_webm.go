package native

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// WebMRecorder writes a received VP8 video track and/or an Opus audio
// track into one WebM file. The file starts at the first video keyframe
// (whose header gives the picture size), or at the first audio frame when
// no video is expected; frames before that are dropped. A closed file is
// seekable: its header holds the duration and an index of its clusters
// (Cues), which start at video keyframes.
type WebMRecorder struct {
	path                 string
	wantAudio, wantVideo bool
	// now is the clock that timestamps frames (time.Now; tests set it).
	now func() time.Time

	mu       sync.Mutex
	started  bool
	file     *os.File
	audio    webm.BlockWriteCloser
	video    webm.BlockWriteCloser
	start    time.Time
	closed   bool
	err      error
	counters []*counter
	wg       sync.WaitGroup
}

// NewWebMRecorder prepares a recording to path; audio and video say which
// tracks will be added.
func NewWebMRecorder(path string, audio, video bool) (*WebMRecorder, error) {
	if !audio && !video {
		return nil, errors.New("native: a WebM recording needs audio or video")
	}
	return &WebMRecorder{path: path, wantAudio: audio, wantVideo: video, now: time.Now}, nil
}

// AddTrack starts recording a remote track (VP8 or Opus) until it ends or
// the recorder is closed. pliInterval is as for RecordTrack: 0 on a
// PeerConnection made by NewPeer, whose interceptor asks for the first
// keyframe; otherwise the recorder asks at once and with growing gaps
// from pliInterval until the first keyframe, and never after it.
func (r *WebMRecorder) AddTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, pliInterval time.Duration) error {
	mime := strings.ToLower(tr.Codec().MimeType)
	var dep rtp.Depacketizer
	var rate uint32
	switch {
	case mime == strings.ToLower(webrtc.MimeTypeVP8) && r.wantVideo:
		dep, rate = &codecs.VP8Packet{}, 90000
	case mime == strings.ToLower(webrtc.MimeTypeOpus) && r.wantAudio:
		dep, rate = &codecs.OpusPacket{}, 48000
	default:
		return fmt.Errorf("native: WebM recording takes VP8 video and Opus audio, not %s", tr.Codec().MimeType)
	}
	c := &counter{id: tr.ID(), kind: tr.Kind().String(), codec: tr.Codec().MimeType}
	r.mu.Lock()
	r.counters = append(r.counters, c)
	r.mu.Unlock()
	kw := newKeyframeWait(pc, tr, c, pliInterval)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer kw.stop()
		sb := samplebuilder.New(256, dep, rate)
		video := tr.Kind() == webrtc.RTPCodecTypeVideo
		for {
			pkt, attr, err := tr.ReadRTP()
			if err != nil {
				return
			}
			c.add(1, len(pkt.Payload), 0)
			if !kw.packet(pkt, attr) {
				continue
			}
			sb.Push(pkt)
			for s := sb.Pop(); s != nil; s = sb.Pop() {
				if r.write(video, s.Data) {
					c.add(0, 0, 1)
				}
			}
		}
	}()
	return nil
}

// write adds one frame, starting the file when possible. It reports
// whether the frame was written.
func (r *WebMRecorder) write(video bool, frame []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.err != nil || len(frame) == 0 {
		return false
	}
	keyframe := !video || isKeyframe(webrtc.MimeTypeVP8, frame)
	if !r.started {
		switch {
		case video && keyframe && len(frame) >= 10:
			w := uint64(frame[6]) | uint64(frame[7]&0x3f)<<8
			h := uint64(frame[8]) | uint64(frame[9]&0x3f)<<8
			r.err = r.open(w, h)
		case !video && !r.wantVideo:
			r.err = r.open(0, 0)
		default:
			return false // wait for the first video keyframe
		}
		if r.err != nil {
			return false
		}
	}
	ts := r.now().Sub(r.start).Milliseconds()
	bw := r.audio
	if video {
		bw = r.video
	}
	if _, err := bw.Write(keyframe, ts, frame); err != nil {
		r.err = err
		return false
	}
	return true
}

// open creates the file with its track entries.
func (r *WebMRecorder) open(width, height uint64) error {
	f, err := os.Create(r.path)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	var tracks []webm.TrackEntry
	if r.wantAudio {
		tracks = append(tracks, webm.TrackEntry{Name: "Audio", TrackNumber: uint64(len(tracks) + 1), TrackUID: 1001,
			CodecID: "A_OPUS", TrackType: 2, Audio: &webm.Audio{SamplingFrequency: 48000, Channels: 2}})
	}
	if r.wantVideo {
		tracks = append(tracks, webm.TrackEntry{Name: "Video", TrackNumber: uint64(len(tracks) + 1), TrackUID: 1002,
			CodecID: "V_VP8", TrackType: 1, DefaultDuration: 33333333, Video: &webm.Video{PixelWidth: width, PixelHeight: height}})
	}
	ws, err := webm.NewSimpleBlockWriter(f, tracks, seekableWebM(uint64(len(tracks)))...)
	if err != nil {
		f.Close()
		return fmt.Errorf("native: %w", err)
	}
	i := 0
	if r.wantAudio {
		r.audio = ws[i]
		i++
	}
	if r.wantVideo {
		r.video = ws[i]
	}
	r.file, r.started, r.start = f, true, r.now()
	return nil
}

// WebM layout: clusters start at a keyframe of the main track (the video,
// else the audio) once the current one is this long (ms), and the file
// start reserves this many bytes for the index of clusters (Cues); a
// longer index keeps every n-th entry.
const (
	webmMinCluster    = 2000
	webmCuesReserved  = 16 << 10
	webmMaxClusterLen = 0x7fff // the longest a cluster can be (int16 block offsets)
)

// seekableWebM returns the writer options for a file with its duration,
// a SeekHead and Cues; mainTrack is the track whose keyframes start
// clusters (the last one: video when there is video).
func seekableWebM(mainTrack uint64) []mkvcore.BlockWriterOption {
	return []mkvcore.BlockWriterOption{
		// Our own Info: the writer fills in the duration of the one
		// it is given, so it must not be the package's shared default.
		mkvcore.WithSegmentInfo(&webm.Info{TimecodeScale: 1_000_000, MuxingApp: "gojanus", WritingApp: "gojanus"}),
		mkvcore.WithSeekHead(true),
		mkvcore.WithCues(webmCuesReserved),
		mkvcore.WithMinMaxClusterDuration(mainTrack, webmMinCluster, webmMaxClusterLen),
	}
}

// Close waits for the tracks to end (close the PeerConnection first, or
// the tracks keep the recording open), then finishes the file.
func (r *WebMRecorder) Close() error {
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.err
	}
	r.closed = true
	var closers []io.Closer
	if r.audio != nil {
		closers = append(closers, r.audio)
	}
	if r.video != nil {
		closers = append(closers, r.video)
	}
	for _, c := range closers {
		if err := c.Close(); err != nil && r.err == nil {
			r.err = err
		}
	}
	if !r.started && r.err == nil {
		r.err = errors.New("native: WebM recording got no frame to start with")
	}
	return r.err
}

// Stats returns what each track received; Frames counts frames written.
func (r *WebMRecorder) Stats() []TrackStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]TrackStats, len(r.counters))
	for i, c := range r.counters {
		out[i] = c.stats()
	}
	return out
}
