package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
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

type rtpTrack struct {
	track *webrtc.TrackLocalStaticRTP
	c     *counter
}

type ffmpegSource struct {
	input  []string
	opts   FFmpegOptions
	tracks []rtpTrack
}

func (s *ffmpegSource) addTrack(cap webrtc.RTPCodecCapability, kind string) error {
	tr, err := webrtc.NewTrackLocalStaticRTP(cap, kind, s.opts.StreamID)
	if err != nil {
		return err
	}
	s.tracks = append(s.tracks, rtpTrack{track: tr, c: &counter{id: kind, kind: kind, codec: cap.MimeType}})
	return nil
}

func (s *ffmpegSource) Tracks() []webrtc.TrackLocal {
	out := make([]webrtc.TrackLocal, len(s.tracks))
	for i, t := range s.tracks {
		out[i] = t.track
	}
	return out
}

func (s *ffmpegSource) Stats() []TrackStats {
	out := make([]TrackStats, len(s.tracks))
	for i, t := range s.tracks {
		out[i] = t.c.stats()
	}
	return out
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
	return append(args, "-b:v", s.opts.VideoBitrate, "-g", "60", "-payload_type", "96", "-f", "rtp", url)
}

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
	conns := make([]*net.UDPConn, len(s.tracks))
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
	for i, t := range s.tracks {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return fmt.Errorf("native: ffmpeg source: %w", err)
		}
		_ = c.SetReadBuffer(4 << 20)
		conns[i] = c
		args = append(args, s.outputArgs(t.c.kind, c.LocalAddr().(*net.UDPAddr).Port)...)
	}
	return runRTPProcess(ctx, s.opts.Binary, args, s.opts.Stderr, conns, s.tracks)
}

// runRTPProcess runs a program that sends RTP to conns and forwards each
// socket's packets to its track until the program exits.
func runRTPProcess(ctx context.Context, bin string, args []string, stderr io.Writer, conns []*net.UDPConn, tracks []rtpTrack) error {
	var tail tailBuffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &tail
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, &tail)
	}
	cmd.WaitDelay = 3 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("native: starting %s: %w", bin, err)
	}
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			forwardRTP(c, tracks[i])
		}()
	}
	err := cmd.Wait()
	// Let the last packets in the socket buffers through, then stop.
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("native: %s exited: %w: %s", bin, err, strings.TrimSpace(tail.String()))
	}
	return nil
}

func forwardRTP(c *net.UDPConn, t rtpTrack) {
	buf := make([]byte, 1600)
	video := t.c.kind == "video"
	for {
		n, _, err := c.ReadFromUDP(buf)
		if err != nil {
			return
		}
		var pkt rtp.Packet
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		frames := 0
		if !video || pkt.Marker {
			frames = 1
		}
		t.c.add(1, len(pkt.Payload), frames)
		if err := t.track.WriteRTP(&pkt); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return
		}
	}
}

// tailBuffer keeps the last 4 kB written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if t.b.Len() > 4096 {
		t.b.Next(t.b.Len() - 4096)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
