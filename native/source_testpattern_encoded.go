//go:build mediadevices

package native

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// inProcessEncoding is true: this build encodes VP8 with libvpx.
const inProcessEncoding = true

// rtpMTU is the largest RTP packet the in-process encoders make, as pion's
// own sample tracks do.
const rtpMTU = 1200

// encodedTestPattern is the test pattern encoded in this process.
func encodedTestPattern(opts TestPatternOptions) (Source, error) {
	var parts []Source
	if opts.Video {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			"video", opts.StreamID)
		if err != nil {
			return nil, err
		}
		v := &patternVideo{t: newRTPTrack(tr, &counter{id: "video", kind: "video", codec: webrtc.MimeTypeVP8}), opts: opts,
			wake: make(chan struct{}, 1)}
		v.t.answerKeyframes(v.wake)
		parts = append(parts, v)
	}
	if opts.Audio {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
			"audio", opts.StreamID)
		if err != nil {
			return nil, err
		}
		parts = append(parts, &toneAudio{t: newRTPTrack(tr, &counter{id: "audio", kind: "audio", codec: webrtc.MimeTypeOpus}), opts: opts})
	}
	return &multiSource{parts: parts}, nil
}

// videoLayer is one picture size encoded in this process: a test
// pattern, its VP8 encoder and RTP packetizer, and the track it feeds.
type videoLayer struct {
	t       rtpTrack
	wanted  *atomic.Bool
	pattern *testPattern
	enc     *vp8Encoder
	pk      rtp.Packetizer
	samples uint32 // RTP clock ticks per frame
	started bool
}

// newVideoLayer opens the encoder of a layer; Close frees it.
func newVideoLayer(t rtpTrack, w, h int, fps float64, bitrate, kfInterval int) (*videoLayer, error) {
	enc, err := newVP8Encoder(w, h, fps, bitrate, kfInterval)
	if err != nil {
		return nil, err
	}
	return &videoLayer{t: t, wanted: t.track.wanted, pattern: newTestPattern(w, h, fps), enc: enc,
		pk:      rtp.NewPacketizer(rtpMTU, 0, 0, &codecs.VP8Payloader{EnablePictureID: true}, rtp.NewRandomSequencer(), 90000),
		samples: uint32(90000/fps + 0.5)}, nil
}

// step draws, encodes and sends one frame: a keyframe first and whenever
// one was asked for since the last frame.
func (l *videoLayer) step() error {
	l.pattern.draw(l.enc.Picture())
	frame, _, err := l.enc.Encode(!l.started || l.wanted.Swap(false))
	if err != nil {
		return err
	}
	l.started = true
	if frame == nil {
		l.pk.SkipSamples(l.samples)
		return nil
	}
	for _, pkt := range l.pk.Packetize(frame, l.samples) {
		if err := l.t.write(pkt); err != nil {
			return err
		}
	}
	return nil
}

// Close frees the encoder.
func (l *videoLayer) Close() { l.enc.Close() }

// runLayers sends the layers' frames in step, paced at fps, until ctx is
// done or a write fails. A keyframe request (a value on wake) makes the
// next frames at once rather than at their time, so that the keyframe
// leaves within the time it takes to encode it; the frames after come
// one interval later.
func runLayers(ctx context.Context, layers []*videoLayer, fps float64, wake <-chan struct{}) error {
	defer func() {
		for _, l := range layers {
			l.Close()
		}
	}()
	d := time.Duration(float64(time.Second) / fps)
	var p pacer
	for {
		if err := p.waitOrWake(ctx, d, wake); err != nil {
			return err
		}
		for _, l := range layers {
			if err := l.step(); err != nil {
				return fmt.Errorf("native: test pattern %s: %w", l.t.c.id, err)
			}
		}
	}
}

// patternVideo is the video track of the in-process test pattern.
type patternVideo struct {
	t    rtpTrack
	wake chan struct{}
	opts TestPatternOptions
	ran  atomic.Bool
}

func (v *patternVideo) Tracks() []webrtc.TrackLocal { return rtpTracks{v.t}.Tracks() }
func (v *patternVideo) Stats() []TrackStats         { return rtpTracks{v.t}.Stats() }

// Run encodes and sends the pattern until ctx is done. It runs once.
func (v *patternVideo) Run(ctx context.Context) error {
	if !v.ran.CompareAndSwap(false, true) {
		return fmt.Errorf("native: a test pattern source runs once")
	}
	l, err := newVideoLayer(v.t, v.opts.Width, v.opts.Height, v.opts.FrameRate, v.opts.VideoBitrate, v.opts.KeyframeInterval)
	if err != nil {
		return err
	}
	return runLayers(ctx, []*videoLayer{l}, v.opts.FrameRate, v.wake)
}

// runEncoded sends the simulcast layers from the in-process test pattern,
// each with its own encoder that answers its own keyframe requests.
func (s *Simulcast) runEncoded(ctx context.Context, tracks rtpTracks) error {
	layers := make([]*videoLayer, 0, len(tracks))
	for i, t := range tracks {
		l := s.opts.Layers[i]
		bitrate, err := parseBitrate(l.Bitrate)
		if err != nil {
			return err
		}
		vl, err := newVideoLayer(t, l.Width, l.Height, 30, bitrate, max(s.opts.GOP, 60))
		if err != nil {
			for _, done := range layers {
				done.Close()
			}
			return err
		}
		layers = append(layers, vl)
	}
	return runLayers(ctx, layers, 30, s.wake)
}

// toneAudio is the audio track of the in-process test pattern: a sine
// tone encoded with Opus (the libopus pion/mediadevices bundles).
type toneAudio struct {
	t    rtpTrack
	opts TestPatternOptions
	ran  atomic.Bool
}

func (a *toneAudio) Tracks() []webrtc.TrackLocal { return rtpTracks{a.t}.Tracks() }
func (a *toneAudio) Stats() []TrackStats         { return rtpTracks{a.t}.Stats() }

// Run encodes and sends the tone in 20 ms frames until ctx is done.
func (a *toneAudio) Run(ctx context.Context) error {
	if !a.ran.CompareAndSwap(false, true) {
		return fmt.Errorf("native: a test pattern source runs once")
	}
	const rate, frame = 48000, 960 // 20 ms
	gen := &tone{freq: a.opts.ToneFrequency, rate: rate}
	read := audio.ReaderFunc(func() (wave.Audio, func(), error) {
		chunk := wave.NewInt16Interleaved(wave.ChunkInfo{Len: frame, Channels: 1, SamplingRate: rate})
		gen.fill(chunk.Data)
		return chunk, func() {}, nil
	})
	params, err := opus.NewParams()
	if err != nil {
		return fmt.Errorf("native: opus encoder: %w", err)
	}
	params.BitRate = a.opts.AudioBitrate
	enc, err := params.BuildAudioEncoder(read, prop.Media{Audio: prop.Audio{SampleRate: rate, ChannelCount: 1}})
	if err != nil {
		return fmt.Errorf("native: opus encoder: %w", err)
	}
	defer enc.Close()
	pk := rtp.NewPacketizer(rtpMTU, 0, 0, &codecs.OpusPayloader{}, rtp.NewRandomSequencer(), rate)
	var p pacer
	for {
		if err := p.wait(ctx, 20*time.Millisecond); err != nil {
			return err
		}
		data, release, err := enc.Read()
		if err != nil {
			return fmt.Errorf("native: opus encoder: %w", err)
		}
		for _, pkt := range pk.Packetize(data, frame) {
			if err := a.t.write(pkt); err != nil {
				release()
				return err
			}
		}
		release()
	}
}
