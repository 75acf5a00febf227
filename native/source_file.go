package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/h264reader"
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
	path  string
	opts  FileOptions
	track *webrtc.TrackLocalStaticSample
	c     *counter
	read  func(ctx context.Context, f *os.File, write func([]byte, time.Duration, bool) error) error
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
		_, hdr, err := ivfreader.NewWith(f)
		if err != nil {
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
		ft.read = readIVF
	case ".ogg", ".opus":
		if _, _, err := oggreader.NewWith(f); err != nil {
			return nil, fmt.Errorf("native: %s: %w", path, err)
		}
		mime = webrtc.MimeTypeOpus
		ft.read = readOgg
	case ".h264", ".264":
		mime = webrtc.MimeTypeH264
		ft.read = ft.readH264
	default:
		return nil, fmt.Errorf("native: %s: unsupported file type %q (want .ivf, .ogg, .opus, .h264)", path, ext)
	}
	cap := webrtc.RTPCodecCapability{MimeType: mime}
	if mime == webrtc.MimeTypeOpus {
		cap.ClockRate, cap.Channels = 48000, 2
	} else {
		cap.ClockRate = 90000
	}
	kind := kindOf(strings.ToLower(mime))
	id := fmt.Sprintf("%s%d", kind, index)
	ft.track, err = webrtc.NewTrackLocalStaticSample(cap, id, opts.StreamID)
	if err != nil {
		return nil, err
	}
	ft.c = &counter{id: id, kind: kind, codec: mime}
	return ft, nil
}

func (ft *fileTrack) Tracks() []webrtc.TrackLocal { return []webrtc.TrackLocal{ft.track} }
func (ft *fileTrack) Stats() []TrackStats         { return []TrackStats{ft.c.stats()} }

// Run plays the file once, or in a loop.
func (ft *fileTrack) Run(ctx context.Context) error {
	// Pace on an absolute clock so that timing errors do not add up.
	next := time.Now()
	write := func(data []byte, d time.Duration, frame bool) error {
		if wait := time.Until(next); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		} else if ctx.Err() != nil {
			return ctx.Err()
		}
		next = next.Add(d)
		if err := ft.track.WriteSample(media.Sample{Data: data, Duration: d}); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return err
		}
		n := 0
		if frame {
			n = 1
		}
		ft.c.add(1, len(data), n)
		return nil
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

func readIVF(ctx context.Context, f *os.File, write func([]byte, time.Duration, bool) error) error {
	r, hdr, err := ivfreader.NewWith(f)
	if err != nil {
		return err
	}
	frame := time.Duration(float64(time.Second) * float64(hdr.TimebaseNumerator) / float64(hdr.TimebaseDenominator))
	if frame <= 0 || frame > time.Second {
		frame = time.Second / 30
	}
	for {
		data, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := write(data, frame, true); err != nil {
			return err
		}
	}
}

func readOgg(ctx context.Context, f *os.File, write func([]byte, time.Duration, bool) error) error {
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
		if err := write(data, d, true); err != nil {
			return err
		}
	}
}

// readH264 groups NAL units into access units (everything up to and
// including a slice) and writes one sample per frame.
func (ft *fileTrack) readH264(ctx context.Context, f *os.File, write func([]byte, time.Duration, bool) error) error {
	r, err := h264reader.NewReader(f)
	if err != nil {
		return err
	}
	frame := time.Duration(float64(time.Second) / ft.opts.FrameRate)
	var au []byte
	for {
		nal, err := r.NextNAL()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		au = append(au, 0, 0, 0, 1)
		au = append(au, nal.Data...)
		if nal.UnitType == h264reader.NalUnitTypeCodedSliceNonIdr || nal.UnitType == h264reader.NalUnitTypeCodedSliceIdr {
			if err := write(au, frame, true); err != nil {
				return err
			}
			au = nil
		}
	}
}
