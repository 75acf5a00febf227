package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/pion/webrtc/v4"
)

// FFmpegOptions tune an ffmpeg source.
type FFmpegOptions struct {
	// Video and Audio choose the outputs; when both are false, both are on.
	// Turn one off when the input has no such stream.
	Video, Audio bool
	// VideoCodec is "vp8" (default), "vp9" or "h264".
	VideoCodec string
	// VideoBitrate and AudioBitrate are ffmpeg bitrates (default "1M" and
	// "64k").
	VideoBitrate, AudioBitrate string
	// NoRealtime keeps ffmpeg from reading its inputs at their native rate
	// (-re is added before each input by default, which files and lavfi
	// need; devices are real-time anyway).
	NoRealtime bool
	// Binary is the ffmpeg program (default "ffmpeg" from PATH).
	Binary string
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
	// Stderr receives ffmpeg's own messages (errors only); by default the
	// last lines are kept for error reports.
	Stderr io.Writer
}

// FFmpegSource publishes whatever ffmpeg can read: inputArgs are ffmpeg's
// input arguments ("-i", "clip.mp4" or "-f", "lavfi", "-i",
// "testsrc=size=640x480:rate=30", or a device). ffmpeg encodes (VP8, VP9
// or H.264 video, Opus audio) and sends RTP over UDP to 127.0.0.1, where
// the source reads it into its tracks: no decoding in Go, no raw frames
// through pipes.
func FFmpegSource(inputArgs []string, opts FFmpegOptions) (Source, error) {
	if len(inputArgs) == 0 {
		return nil, errors.New("native: ffmpeg source needs input arguments")
	}
	if !opts.Video && !opts.Audio {
		opts.Video, opts.Audio = true, true
	}
	if opts.VideoCodec == "" {
		opts.VideoCodec = "vp8"
	}
	if opts.VideoBitrate == "" {
		opts.VideoBitrate = "1M"
	}
	if opts.AudioBitrate == "" {
		opts.AudioBitrate = "64k"
	}
	if opts.Binary == "" {
		opts.Binary = "ffmpeg"
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	s := &ffmpegSource{input: inputArgs, opts: opts}
	if opts.Video {
		mime, ok := map[string]string{"vp8": webrtc.MimeTypeVP8, "vp9": webrtc.MimeTypeVP9, "h264": webrtc.MimeTypeH264}[opts.VideoCodec]
		if !ok {
			return nil, fmt.Errorf("native: ffmpeg video codec %q not supported (vp8, vp9, h264)", opts.VideoCodec)
		}
		if err := s.addTrack(webrtc.RTPCodecCapability{MimeType: mime, ClockRate: 90000}, "video"); err != nil {
			return nil, err
		}
	}
	if opts.Audio {
		if err := s.addTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

type ffmpegSource struct {
	rtpTracks
	input []string
	opts  FFmpegOptions
}

func (s *ffmpegSource) addTrack(cap webrtc.RTPCodecCapability, kind string) error {
	tr, err := webrtc.NewTrackLocalStaticRTP(cap, kind, s.opts.StreamID)
	if err != nil {
		return err
	}
	s.rtpTracks = append(s.rtpTracks, newRTPTrack(tr, &counter{id: kind, kind: kind, codec: cap.MimeType}))
	return nil
}

// outputArgs returns ffmpeg's output arguments for one track.
func (s *ffmpegSource) outputArgs(kind string, port int) []string {
	url := "rtp://127.0.0.1:" + strconv.Itoa(port) + "?pkt_size=1200"
	if kind == "audio" {
		return []string{"-vn", "-c:a", "libopus", "-b:a", s.opts.AudioBitrate, "-ar", "48000", "-ac", "2",
			"-application", "lowdelay", "-payload_type", "111", "-f", "rtp", url}
	}
	args := []string{"-an"}
	switch s.opts.VideoCodec {
	case "vp8":
		args = append(args, "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-error-resilient", "1")
	case "vp9":
		args = append(args, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1")
	case "h264":
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
			"-profile:v", "baseline", "-pix_fmt", "yuv420p", "-bf", "0")
	}
	// ffmpeg never hears Janus's keyframe requests (they reach this
	// process, not ffmpeg's encoder), so a joining subscriber waits for
	// the next regular keyframe: one a second, whatever the frame rate.
	return append(args, "-b:v", s.opts.VideoBitrate, "-force_key_frames", keyframeEverySecond,
		"-payload_type", "96", "-f", "rtp", url)
}

// keyframeEverySecond is ffmpeg's -force_key_frames expression for a
// keyframe at least once a second.
const keyframeEverySecond = "expr:gte(t,n_forced*1)"

// inputWithRealtime adds -re before every -i that lacks it.
func inputWithRealtime(in []string) []string {
	var out []string
	for i, a := range in {
		if a == "-i" && (i == 0 || in[i-1] != "-re") {
			out = append(out, "-re")
		}
		out = append(out, a)
	}
	return out
}

// Run starts ffmpeg and forwards its RTP until ffmpeg exits or ctx is
// done.
func (s *ffmpegSource) Run(ctx context.Context) error {
	conns := make([]*net.UDPConn, len(s.rtpTracks))
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin"}
	if s.opts.NoRealtime {
		args = append(args, s.input...)
	} else {
		args = append(args, inputWithRealtime(s.input)...)
	}
	for i, t := range s.rtpTracks {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return fmt.Errorf("native: ffmpeg source: %w", err)
		}
		_ = c.SetReadBuffer(4 << 20)
		conns[i] = c
		args = append(args, s.outputArgs(t.c.kind, c.LocalAddr().(*net.UDPAddr).Port)...)
	}
	return runRTPProcess(ctx, s.opts.Binary, args, s.opts.Stderr, conns, s.rtpTracks)
}
