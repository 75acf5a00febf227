//go:build mediadevices

package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/driver"
	_ "github.com/pion/mediadevices/pkg/driver/audiotest" // synthetic microphone (DeviceOptions.Test)
	_ "github.com/pion/mediadevices/pkg/driver/camera"    // V4L2 cameras
	_ "github.com/pion/mediadevices/pkg/driver/microphone"
	_ "github.com/pion/mediadevices/pkg/driver/videotest" // synthetic camera (DeviceOptions.Test)
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// DeviceOptions choose and tune the devices of a DeviceSource.
type DeviceOptions struct {
	// Test uses pion/mediadevices' synthetic devices instead of a camera
	// and a microphone: colour bars with a noise area, and a 480 Hz tone.
	Test bool
	// Video and Audio choose the tracks; when both are false, both are on.
	Video, Audio bool
	// VideoDevice and AudioDevice pick a device by its mediadevices id,
	// label or name (for V4L2 cameras the label is the /dev path); by
	// default mediadevices picks the best match.
	VideoDevice, AudioDevice string
	// Width, Height and FrameRate are the capture format asked of the
	// camera (default 640x480 at 30 fps; a camera gives its closest
	// format).
	Width, Height int
	FrameRate     float64
	// VideoBitrate and AudioBitrate are the encoders' bitrates in bit/s
	// (default 1_000_000 and 64_000).
	VideoBitrate, AudioBitrate int
	// KeyframeInterval is the VP8 keyframe interval in frames (default
	// 60); keyframe requests (PLI, FIR) are answered at once anyway.
	KeyframeInterval int
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
}

// DeviceSource captures a camera and a microphone (or, with Test, the
// synthetic devices of pion/mediadevices), encoded in Go through cgo:
// VP8 with libvpx, Opus with the static libopus mediadevices bundles.
// This is the build with the mediadevices tag; without it DeviceSource
// returns an error.
//
// The devices are opened here and released when Run returns (or by the
// Close method of the returned value, an io.Closer, when Run is never
// called). Encoding starts when pion binds the tracks, after the
// negotiation; packets are sent only while Run runs, video from a
// keyframe on. A device can feed one DeviceSource at a time.
func DeviceSource(opts DeviceOptions) (Source, error) {
	if !opts.Video && !opts.Audio {
		opts.Video, opts.Audio = true, true
	}
	if opts.Width <= 0 {
		opts.Width = 640
	}
	if opts.Height <= 0 {
		opts.Height = 480
	}
	if opts.FrameRate <= 0 {
		opts.FrameRate = 30
	}
	if opts.VideoBitrate <= 0 {
		opts.VideoBitrate = 1_000_000
	}
	if opts.AudioBitrate <= 0 {
		opts.AudioBitrate = 64_000
	}
	if opts.KeyframeInterval <= 0 {
		opts.KeyframeInterval = 60
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	var constraints mediadevices.MediaStreamConstraints
	var encoders []mediadevices.CodecSelectorOption
	if opts.Video {
		ids, err := deviceIDs(driver.Camera, opts.Test, opts.VideoDevice)
		if err != nil {
			return nil, err
		}
		vp8, err := vpx.NewVP8Params()
		if err != nil {
			return nil, fmt.Errorf("native: vp8 encoder: %w", err)
		}
		vp8.BitRate = opts.VideoBitrate
		vp8.KeyFrameInterval = opts.KeyframeInterval
		vp8.LagInFrames = 0
		constraints.Video = func(c *mediadevices.MediaTrackConstraints) {
			c.DeviceID = ids
			c.Width = prop.Int(opts.Width)
			c.Height = prop.Int(opts.Height)
			c.FrameRate = prop.Float(opts.FrameRate)
		}
		encoders = append(encoders, mediadevices.WithVideoEncoders(&vp8))
	}
	if opts.Audio {
		ids, err := deviceIDs(driver.Microphone, opts.Test, opts.AudioDevice)
		if err != nil {
			return nil, err
		}
		op, err := opus.NewParams()
		if err != nil {
			return nil, fmt.Errorf("native: opus encoder: %w", err)
		}
		op.BitRate = opts.AudioBitrate
		constraints.Audio = func(c *mediadevices.MediaTrackConstraints) {
			c.DeviceID = ids
			c.SampleRate = prop.Int(48000)
		}
		encoders = append(encoders, mediadevices.WithAudioEncoders(&op))
	}
	constraints.Codec = mediadevices.NewCodecSelector(encoders...)
	stream, err := mediadevices.GetUserMedia(constraints)
	if err != nil {
		return nil, fmt.Errorf("native: opening the devices: %w", err)
	}
	s := &deviceSource{ended: make(chan error, 2)}
	for _, md := range stream.GetTracks() {
		kind, mime := "audio", webrtc.MimeTypeOpus
		if md.Kind() == webrtc.RTPCodecTypeVideo {
			kind, mime = "video", webrtc.MimeTypeVP8
		}
		t := &deviceTrack{md: md, kind: md.Kind(), streamID: opts.StreamID, live: &s.live,
			c: &counter{id: kind, kind: kind, codec: mime}}
		md.OnEnded(func(err error) {
			select {
			case s.ended <- err:
			default:
			}
		})
		s.tracks = append(s.tracks, t)
	}
	return s, nil
}

// deviceIDs returns the ids of the devices of a kind that match want (an
// id, label or name; "" for any), test or real ones.
func deviceIDs(kind driver.DeviceType, test bool, want string) (prop.StringOneOf, error) {
	testLabel := map[driver.DeviceType]string{driver.Camera: "VideoTest", driver.Microphone: "AudioTest"}[kind]
	var ids prop.StringOneOf
	var seen []string
	for _, d := range driver.GetManager().Query(driver.FilterDeviceType(kind)) {
		info := d.Info()
		if (info.Label == testLabel) != test {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s (%s)", info.Label, d.ID()))
		if want == "" || want == d.ID() || want == info.Label || (info.Name != "" && want == info.Name) {
			ids = append(ids, d.ID())
		}
	}
	if len(ids) == 0 {
		what := map[driver.DeviceType]string{driver.Camera: "camera", driver.Microphone: "microphone"}[kind]
		if test {
			what = "test " + what
		}
		if want != "" {
			what += fmt.Sprintf(" %q", want)
		}
		if len(seen) == 0 {
			return nil, fmt.Errorf("native: no %s found (DeviceOptions.Test uses synthetic devices)", what)
		}
		return nil, fmt.Errorf("native: no %s found (there are: %s)", what, strings.Join(seen, ", "))
	}
	return ids, nil
}

type deviceSource struct {
	tracks  []*deviceTrack
	live    atomic.Bool
	ran     atomic.Bool
	ended   chan error
	closeMu sync.Once
}

// Tracks returns the video and audio tracks.
func (s *deviceSource) Tracks() []webrtc.TrackLocal {
	out := make([]webrtc.TrackLocal, len(s.tracks))
	for i, t := range s.tracks {
		out[i] = t
	}
	return out
}

// Stats returns what each track sent.
func (s *deviceSource) Stats() []TrackStats {
	out := make([]TrackStats, len(s.tracks))
	for i, t := range s.tracks {
		out[i] = t.c.stats()
	}
	return out
}

// Run sends the encoded media until ctx is done or a device fails, then
// releases the devices. It runs once.
func (s *deviceSource) Run(ctx context.Context) error {
	if !s.ran.CompareAndSwap(false, true) {
		return errors.New("native: a device source runs once")
	}
	defer s.Close()
	s.live.Store(true)
	defer s.live.Store(false)
	for _, t := range s.tracks {
		t.restartAtKeyframe()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-s.ended:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil || errors.Is(err, io.EOF) {
			return nil
		}
		return fmt.Errorf("native: device source: %w", err)
	}
}

// Close releases the devices.
func (s *deviceSource) Close() error {
	var errs []error
	s.closeMu.Do(func() {
		s.live.Store(false)
		for _, t := range s.tracks {
			t.stopEncoding()
			errs = append(errs, t.md.Close())
		}
	})
	return errors.Join(errs...)
}

// deviceTrack is a mediadevices track as a pion TrackLocal with a stable
// id and stream id, whose packets are counted and held back while the
// source does not run.
type deviceTrack struct {
	md       mediadevices.Track
	kind     webrtc.RTPCodecType
	streamID string
	live     *atomic.Bool
	c        *counter

	mu       sync.Mutex
	ctrl     codec.EncoderController
	keyframe bool                                // a video keyframe went out since the source started
	bound    map[string]webrtc.TrackLocalContext // by id, as given to mediadevices
}

func (t *deviceTrack) ID() string                { return t.kind.String() }
func (t *deviceTrack) RID() string               { return "" }
func (t *deviceTrack) StreamID() string          { return t.streamID }
func (t *deviceTrack) Kind() webrtc.RTPCodecType { return t.kind }

func (t *deviceTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	wrapped := &deviceTrackContext{TrackLocalContext: ctx, t: t}
	p, err := t.md.Bind(wrapped)
	if err != nil {
		return p, fmt.Errorf("native: %s device: %w", t.kind, err)
	}
	t.mu.Lock()
	t.ctrl = t.md.EncoderController()
	if t.bound == nil {
		t.bound = map[string]webrtc.TrackLocalContext{}
	}
	t.bound[ctx.ID()] = wrapped
	t.mu.Unlock()
	return p, nil
}

func (t *deviceTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	delete(t.bound, ctx.ID())
	t.mu.Unlock()
	return t.md.Unbind(&deviceTrackContext{TrackLocalContext: ctx, t: t})
}

// stopEncoding ends mediadevices' encoding loops before the device is
// closed: a loop blocked reading a closed device never returns (the
// videotest driver stops its ticker under a blocked read), and would
// block the PeerConnection's Close in Unbind forever. Unbind lets the
// current read finish (one frame) and stops the loop.
func (t *deviceTrack) stopEncoding() {
	t.mu.Lock()
	bound := t.bound
	t.bound = nil
	t.mu.Unlock()
	for _, ctx := range bound {
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = t.md.Unbind(ctx)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second): // a stuck device: closing it may free the loop
		}
	}
}

// RequestKeyframe asks the video encoder for a keyframe; Peer.AddTrack
// calls it for each PLI and FIR from the receiver.
func (t *deviceTrack) RequestKeyframe() {
	t.c.keyframeRequested()
	t.mu.Lock()
	ctrl := t.ctrl
	t.mu.Unlock()
	forceKeyframe(ctrl)
}

// forceKeyframe asks an encoder for a keyframe, if it can make one.
func forceKeyframe(ctrl codec.EncoderController) {
	if kc, ok := ctrl.(codec.KeyFrameController); ok {
		_ = kc.ForceKeyFrame()
	}
}

// restartAtKeyframe asks the video encoder for a keyframe now and holds
// the video back until it comes (the start of the source).
func (t *deviceTrack) restartAtKeyframe() {
	t.mu.Lock()
	ctrl := t.ctrl
	t.keyframe = false
	t.mu.Unlock()
	forceKeyframe(ctrl)
}

// pass reports whether a packet goes out: while the source runs, and for
// video from the first keyframe on.
func (t *deviceTrack) pass(payload []byte) bool {
	if !t.live.Load() {
		return false
	}
	if t.kind != webrtc.RTPCodecTypeVideo {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.keyframe && startsKeyframe(webrtc.MimeTypeVP8, payload) {
		t.keyframe = true
	}
	return t.keyframe
}

// deviceTrackContext hands mediadevices a writer that counts and gates
// its packets.
type deviceTrackContext struct {
	webrtc.TrackLocalContext
	t *deviceTrack
}

// RTCPReader gives mediadevices a reader that ends at once, so that its
// own RTCP loop stops: Peer.AddTrack reads the sender's RTCP and passes
// keyframe requests to RequestKeyframe, and two readers would split the
// packets between them.
func (c *deviceTrackContext) RTCPReader() interceptor.RTCPReader { return endedRTCPReader{} }

// endedRTCPReader is an RTCP reader at its end.
type endedRTCPReader struct{}

func (endedRTCPReader) Read([]byte, interceptor.Attributes) (int, interceptor.Attributes, error) {
	return 0, nil, io.EOF
}

func (c *deviceTrackContext) WriteStream() webrtc.TrackLocalWriter {
	return &deviceTrackWriter{w: c.TrackLocalContext.WriteStream(), t: c.t}
}

type deviceTrackWriter struct {
	w webrtc.TrackLocalWriter
	t *deviceTrack
}

func (w *deviceTrackWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	if !w.t.pass(payload) {
		return len(payload), nil
	}
	frames := 0
	if w.t.kind != webrtc.RTPCodecTypeVideo || h.Marker {
		frames = 1
	}
	w.t.c.add(1, len(payload), frames)
	if w.t.kind == webrtc.RTPCodecTypeVideo && startsKeyframe(webrtc.MimeTypeVP8, payload) {
		w.t.c.keyframe()
	}
	return w.w.WriteRTP(h, payload)
}

func (w *deviceTrackWriter) Write(b []byte) (int, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return 0, err
	}
	return w.WriteRTP(&p.Header, p.Payload)
}
