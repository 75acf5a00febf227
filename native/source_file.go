package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
	"golang.org/x/sync/errgroup"
)

// FileOptions tune file sources.
type FileOptions struct {
	// Loop restarts the file at its end, until the context is done.
	Loop bool
	// FrameRate is the frame rate of raw H.264 files, which carry no
	// timing (default 30).
	FrameRate float64
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
}

// FileSource publishes media files, paced in real time: IVF (VP8, VP9,
// AV1), Ogg (Opus, one frame per page as ffmpeg writes with
// -page_duration 20000) and raw H.264 Annex B (.h264, .264). Several files
// make one source with one track each (for example video.ivf and
// audio.ogg).
//
// The video track of an IVF or H.264 file is a KeyframeTrack: when the
// receiver asks for a keyframe (Janus does when a subscriber joins), the
// next frame sent is the file's next keyframe, and the frames before it
// are skipped. A looping file wraps to its first keyframe; a file that
// does not loop and has no keyframe left plays on to its end, and ends
// sooner by the frames a jump skipped. The timestamps and the pacing run
// on as if nothing was skipped. FileSource reads each video file once to
// index its frames (offset, size, keyframe: a few bytes a frame, so a file
// of any size plays in little memory); playing reads each frame at its
// offset, so the file must not change while the source exists. Audio
// files are read as they play.
func FileSource(opts FileOptions, paths ...string) (Source, error) {
	if len(paths) == 0 {
		return nil, errors.New("native: no media file")
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	if opts.FrameRate <= 0 {
		opts.FrameRate = 30
	}
	ms := &multiSource{}
	for i, p := range paths {
		fs, err := newFileTrack(p, opts, i)
		if err != nil {
			return nil, err
		}
		ms.parts = append(ms.parts, fs)
	}
	return ms, nil
}

// multiSource runs several single-track sources together.
type multiSource struct{ parts []Source }

func (m *multiSource) Tracks() []webrtc.TrackLocal {
	var out []webrtc.TrackLocal
	for _, p := range m.parts {
		out = append(out, p.Tracks()...)
	}
	return out
}

func (m *multiSource) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, p := range m.parts {
		g.Go(func() error { return p.Run(ctx) })
	}
	return g.Wait()
}

func (m *multiSource) Stats() []TrackStats {
	var out []TrackStats
	for _, p := range m.parts {
		out = append(out, p.Stats()...)
	}
	return out
}

// fileTrack feeds one track from one file.
type fileTrack struct {
	path   string
	opts   FileOptions
	sample *webrtc.TrackLocalStaticSample
	c      *counter
	// video, index and frame play a video file (IVF, H.264): the track
	// that hears keyframe requests, the file's frames and the length of
	// one.
	video *fileVideoTrack
	index *frameIndex
	frame time.Duration
	// read plays an audio file once.
	read func(ctx context.Context, f *os.File, write func([]byte, time.Duration) error) error
}

// fileVideoTrack is the video track of a file source: on a keyframe
// request the file source sends the file's next keyframe.
type fileVideoTrack struct {
	*webrtc.TrackLocalStaticSample
	c     *counter
	asked atomic.Bool // a keyframe was asked for and none was sent since
}

// RequestKeyframe counts the request; the next frame sent is a keyframe.
func (t *fileVideoTrack) RequestKeyframe() {
	t.c.keyframeRequested()
	t.asked.Store(true)
}

func newFileTrack(path string, opts FileOptions, index int) (*fileTrack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("native: %w", err)
	}
	defer f.Close()
	ft := &fileTrack{path: path, opts: opts}
	var mime string
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".ivf":
		var r *ivfreader.IVFReader
		var hdr *ivfreader.IVFFileHeader
		if r, hdr, err = ivfreader.NewWith(f); err != nil {
			return nil, fmt.Errorf("native: %s: %w", path, err)
		}
		switch hdr.FourCC {
		case "VP80":
			mime = webrtc.MimeTypeVP8
		case "VP90":
			mime = webrtc.MimeTypeVP9
		case "AV01":
			mime = webrtc.MimeTypeAV1
		default:
			return nil, fmt.Errorf("native: %s: unsupported IVF codec %q", path, hdr.FourCC)
		}
		ft.frame = time.Duration(float64(time.Second) * float64(hdr.TimebaseNumerator) / float64(hdr.TimebaseDenominator))
		if ft.frame <= 0 || ft.frame > time.Second {
			ft.frame = time.Second / 30
		}
		ft.index, err = indexIVF(r, mime)
	case ".ogg", ".opus":
		if _, _, err := oggreader.NewWith(f); err != nil {
			return nil, fmt.Errorf("native: %s: %w", path, err)
		}
		mime = webrtc.MimeTypeOpus
		ft.read = readOgg
	case ".h264", ".264":
		mime = webrtc.MimeTypeH264
		ft.frame = time.Duration(float64(time.Second) / opts.FrameRate)
		ft.index, err = indexH264(f)
	default:
		return nil, fmt.Errorf("native: %s: unsupported file type %q (want .ivf, .ogg, .opus, .h264)", path, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("native: %s: %w", path, err)
	}
	if ft.index != nil && len(ft.index.frames) == 0 {
		return nil, fmt.Errorf("native: %s: no video frames", path)
	}
	cap := webrtc.RTPCodecCapability{MimeType: mime}
	if mime == webrtc.MimeTypeOpus {
		cap.ClockRate, cap.Channels = 48000, 2
	} else {
		cap.ClockRate = 90000
	}
	kind := kindOf(strings.ToLower(mime))
	id := fmt.Sprintf("%s%d", kind, index)
	ft.sample, err = webrtc.NewTrackLocalStaticSample(cap, id, opts.StreamID)
	if err != nil {
		return nil, err
	}
	ft.c = &counter{id: id, kind: kind, codec: mime}
	if ft.index != nil {
		ft.video = &fileVideoTrack{TrackLocalStaticSample: ft.sample, c: ft.c}
	}
	return ft, nil
}

func (ft *fileTrack) Tracks() []webrtc.TrackLocal {
	if ft.video != nil {
		return []webrtc.TrackLocal{ft.video}
	}
	return []webrtc.TrackLocal{ft.sample}
}

func (ft *fileTrack) Stats() []TrackStats { return []TrackStats{ft.c.stats()} }

// Run plays the file once, or in a loop.
func (ft *fileTrack) Run(ctx context.Context) error {
	p := &pacer{}
	if ft.index != nil {
		return ft.playVideo(ctx, p)
	}
	write := func(data []byte, d time.Duration) error {
		if err := p.wait(ctx, d); err != nil {
			return err
		}
		return ft.send(data, d)
	}
	for {
		f, err := os.Open(ft.path)
		if err != nil {
			return fmt.Errorf("native: %w", err)
		}
		err = ft.read(ctx, f, write)
		f.Close()
		if err != nil || !ft.opts.Loop {
			return err
		}
	}
}

// playVideo plays an indexed video file, reading each frame at its
// offset. The frame to send is chosen when its time has come, so that a
// keyframe request that arrived meanwhile is answered by it; the
// timestamps advance by one frame whatever frame is sent, so a jump to a
// keyframe cuts the picture, not the time.
func (ft *fileTrack) playVideo(ctx context.Context, p *pacer) error {
	f, err := os.Open(ft.path)
	if err != nil {
		return fmt.Errorf("native: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != ft.index.size {
		return fmt.Errorf("native: %s changed since the source was made", ft.path)
	}
	for pos := 0; ; {
		if pos >= len(ft.index.frames) && !ft.opts.Loop {
			return nil
		}
		if err := p.wait(ctx, ft.frame); err != nil {
			return err
		}
		i := ft.index.next(pos, ft.video.asked.Load(), ft.opts.Loop)
		fr := ft.index.frames[i]
		data := make([]byte, fr.size) // not reused: the packetizer may keep parts of it
		if _, err := f.ReadAt(data, fr.off); err != nil {
			return fmt.Errorf("native: %s: %w", ft.path, err)
		}
		if err := ft.send(data, ft.frame); err != nil {
			return err
		}
		if fr.key {
			ft.video.asked.Store(false)
			ft.c.keyframe()
		}
		pos = i + 1
	}
}

// send writes one sample (a video or audio frame) and counts it.
func (ft *fileTrack) send(data []byte, d time.Duration) error {
	if err := ft.sample.WriteSample(media.Sample{Data: data, Duration: d}); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	ft.c.add(1, len(data), 1)
	return nil
}

func readOgg(ctx context.Context, f *os.File, write func([]byte, time.Duration) error) error {
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		return err
	}
	var last uint64
	for {
		data, hdr, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		// Skip the OpusHead/OpusTags header pages.
		if _, isHeader := hdr.HeaderType(data); isHeader {
			continue
		}
		samples := hdr.GranulePosition - last
		last = hdr.GranulePosition
		d := time.Duration(samples) * time.Second / 48000
		if d <= 0 || d > time.Second {
			d = 20 * time.Millisecond
		}
		if err := write(data, d); err != nil {
			return err
		}
	}
}
