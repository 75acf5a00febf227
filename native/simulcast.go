package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// SimulcastLayer is one encoding of a simulcast video.
type SimulcastLayer struct {
	// RID is the encoding's RTP stream id, as the offer's a=rid lines
	// name it.
	RID string
	// Width and Height are the encoded picture size.
	Width, Height int
	// Bitrate is the bitrate of the encoding in ffmpeg's notation ("500k",
	// "1.5M", "800000").
	Bitrate string
}

// DefaultSimulcastLayers are the encodings of a simulcast source when
// SimulcastOptions.Layers is empty: 1280x720, 640x360 and 320x180, best
// first, with the rids janus.js uses.
var DefaultSimulcastLayers = []SimulcastLayer{
	{RID: "h", Width: 1280, Height: 720, Bitrate: "1500k"},
	{RID: "m", Width: 640, Height: 360, Bitrate: "500k"},
	{RID: "l", Width: 320, Height: 180, Bitrate: "150k"},
}

// SimulcastOptions tune a simulcast source.
type SimulcastOptions struct {
	// Input are ffmpeg's input arguments for the one video that is
	// encoded at every layer. By default the video is the test pattern
	// (TestPatternSource) at 30 fps, encoded in this process where the
	// build can (InProcessEncoding): one encoder per layer, each answering
	// the keyframe requests for its own layer at once. Otherwise ffmpeg
	// encodes its lavfi test pattern, the size of the first layer.
	Input []string
	// Layers are the encodings, best first (default
	// DefaultSimulcastLayers): Janus takes the first rid of the offer for
	// substream 2 and the last for substream 0. One to three layers.
	Layers []SimulcastLayer
	// GOP is the keyframe interval in frames (default 15). Janus switches a
	// subscriber to another substream on a keyframe of that substream, and
	// ffmpeg cannot answer keyframe requests: a short GOP keeps switches
	// quick. Encoders in this process answer Janus's requests, so they
	// make regular keyframes less often: every max(GOP, 60) frames.
	GOP int
	// NoRealtime keeps ffmpeg from reading its input at its native rate
	// (see FFmpegOptions).
	NoRealtime bool
	// Binary is the ffmpeg program (default "ffmpeg" from PATH).
	Binary string
	// StreamID and TrackID name the video (default "gojanus" and "video").
	StreamID, TrackID string
	// Stderr receives ffmpeg's own messages (errors only).
	Stderr io.Writer
}

// Simulcast publishes one video as several simulcast encodings (rid
// based, as browsers do): the test pattern encoded in this process, or
// whatever ffmpeg reads, encoded by one ffmpeg process with one VP8 output
// per layer and sent as RTP over UDP to 127.0.0.1.
//
// It is not a Source: its encodings must be added to a PeerConnection as
// one sender, which AddTo does. Call AddTo before creating the offer and
// Run once the PeerConnection is connected.
type Simulcast struct {
	tracks    rtpTracks
	opts      SimulcastOptions
	inProcess bool          // the test pattern, encoded here
	wake      chan struct{} // a layer was asked for a keyframe (in process)

	mu     sync.Mutex
	pc     *webrtc.PeerConnection
	sender *webrtc.RTPSender
}

// SimulcastSource prepares a simulcast source; nothing runs before Run.
func SimulcastSource(opts SimulcastOptions) (*Simulcast, error) {
	if len(opts.Layers) == 0 {
		opts.Layers = DefaultSimulcastLayers
	}
	if len(opts.Layers) > 3 {
		return nil, fmt.Errorf("native: simulcast has at most 3 layers, not %d", len(opts.Layers))
	}
	seen := map[string]bool{}
	for _, l := range opts.Layers {
		switch {
		case l.RID == "" || len(l.RID) > 16:
			return nil, fmt.Errorf("native: simulcast layer rid %q must have 1 to 16 characters", l.RID)
		case seen[l.RID]:
			return nil, fmt.Errorf("native: simulcast layer rid %q used twice", l.RID)
		case l.Width <= 0 || l.Height <= 0 || l.Width%2 != 0 || l.Height%2 != 0:
			return nil, fmt.Errorf("native: simulcast layer %q: size %dx%d must be even and positive", l.RID, l.Width, l.Height)
		}
		seen[l.RID] = true
	}
	if opts.GOP <= 0 {
		opts.GOP = 15
	}
	if opts.Binary == "" {
		opts.Binary = "ffmpeg"
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	if opts.TrackID == "" {
		opts.TrackID = "video"
	}
	for _, l := range opts.Layers {
		if _, err := parseBitrate(l.Bitrate); err != nil {
			return nil, fmt.Errorf("native: simulcast layer %q: %w", l.RID, err)
		}
	}
	inProcess := len(opts.Input) == 0 && InProcessEncoding
	if len(opts.Input) == 0 {
		opts.Input = []string{"-f", "lavfi", "-i",
			fmt.Sprintf("testsrc=size=%dx%d:rate=30", opts.Layers[0].Width, opts.Layers[0].Height)}
	}
	s := &Simulcast{opts: opts, inProcess: inProcess, wake: make(chan struct{}, 1)}
	for _, l := range opts.Layers {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			opts.TrackID, opts.StreamID, webrtc.WithRTPStreamID(l.RID))
		if err != nil {
			return nil, err
		}
		t := newRTPTrack(tr, &counter{id: l.RID, kind: "video", codec: webrtc.MimeTypeVP8})
		if inProcess {
			t.answerKeyframes(s.wake)
		}
		s.tracks = append(s.tracks, t)
	}
	return s, nil
}

// Encodings returns the tracks of the layers, best first. Add them with
// AddTo, not one by one.
func (s *Simulcast) Encodings() []*webrtc.TrackLocalStaticRTP {
	out := make([]*webrtc.TrackLocalStaticRTP, len(s.tracks))
	for i, t := range s.tracks {
		out[i] = t.track.TrackLocalStaticRTP
	}
	return out
}

// Layers returns the layers, best first.
func (s *Simulcast) Layers() []SimulcastLayer { return append([]SimulcastLayer(nil), s.opts.Layers...) }

// AddTo adds the video to pc as one sender with an encoding per layer
// (pc.AddTrack with the first, RTPSender.AddEncoding with the others), so
// that the offer lists the layers in a=rid and a=simulcast lines. It also
// reads each layer's RTCP: keyframe requests go to that layer, and pion's
// NACK responder needs the RTCP read.
func (s *Simulcast) AddTo(pc *webrtc.PeerConnection) (*webrtc.RTPSender, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sender != nil {
		return nil, errors.New("native: simulcast source already added to a PeerConnection")
	}
	sender, err := pc.AddTrack(s.tracks[0].track)
	if err != nil {
		return nil, fmt.Errorf("native: simulcast: %w", err)
	}
	for _, t := range s.tracks[1:] {
		if err := sender.AddEncoding(t.track); err != nil {
			_ = pc.RemoveTrack(sender)
			return nil, fmt.Errorf("native: simulcast encoding %q: %w", t.track.RID(), err)
		}
	}
	for _, t := range s.tracks {
		go readRTCP(func() ([]rtcp.Packet, interceptor.Attributes, error) {
			return sender.ReadSimulcastRTCP(t.track.RID())
		}, t.track)
	}
	s.pc, s.sender = pc, sender
	return sender, nil
}

// Stats returns what each layer sent so far (ID is the rid).
func (s *Simulcast) Stats() []TrackStats { return s.tracks.Stats() }

// The header extensions that name an RTP stream's m-line and rid.
const (
	sdesMidURI         = "urn:ietf:params:rtp-hdrext:sdes:mid"
	sdesRTPStreamIDURI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
)

// headerExtensions returns the mid of the sender's transceiver and the
// ids of the mid and rid header extensions negotiated for it.
func (s *Simulcast) headerExtensions() (mid string, midID, ridID uint8, err error) {
	s.mu.Lock()
	pc, sender := s.pc, s.sender
	s.mu.Unlock()
	if sender == nil {
		return "", 0, 0, errors.New("native: simulcast source not added to a PeerConnection (AddTo)")
	}
	for _, tr := range pc.GetTransceivers() {
		if tr.Sender() == sender {
			mid = tr.Mid()
		}
	}
	for _, ext := range sender.GetParameters().HeaderExtensions {
		switch ext.URI {
		case sdesMidURI:
			midID = uint8(ext.ID) //nolint:gosec // extension ids are 1-255
		case sdesRTPStreamIDURI:
			ridID = uint8(ext.ID) //nolint:gosec // extension ids are 1-255
		}
	}
	if mid == "" || midID == 0 || ridID == 0 {
		return "", 0, 0, fmt.Errorf("native: simulcast needs a negotiated mid and the sdes:mid and sdes:rtp-stream-id header extensions (mid %q, ids %d, %d)", mid, midID, ridID)
	}
	return mid, midID, ridID, nil
}

// ffmpegArgs returns ffmpeg's arguments: the input, a filter splitting
// and scaling it per layer, and one VP8 RTP output per layer.
func (s *Simulcast) ffmpegArgs(ports []int) []string {
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin"}
	if s.opts.NoRealtime {
		args = append(args, s.opts.Input...)
	} else {
		args = append(args, inputWithRealtime(s.opts.Input)...)
	}
	n := len(s.opts.Layers)
	var f strings.Builder
	fmt.Fprintf(&f, "[0:v]split=%d", n)
	for i := range n {
		fmt.Fprintf(&f, "[s%d]", i)
	}
	for i, l := range s.opts.Layers {
		fmt.Fprintf(&f, ";[s%d]scale=%d:%d,format=yuv420p[o%d]", i, l.Width, l.Height, i)
	}
	args = append(args, "-filter_complex", f.String())
	gop := strconv.Itoa(s.opts.GOP)
	for i, l := range s.opts.Layers {
		br := l.Bitrate
		if br == "" {
			br = "500k"
		}
		args = append(args, "-map", fmt.Sprintf("[o%d]", i), "-an",
			"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-error-resilient", "1",
			"-b:v", br, "-g", gop, "-keyint_min", gop, "-payload_type", "96",
			"-f", "rtp", "rtp://127.0.0.1:"+strconv.Itoa(ports[i])+"?pkt_size=1200")
	}
	return args
}

// Run sends the encodings until ctx is done (or, for ffmpeg, until ffmpeg
// exits: nil for a finite input). Every packet gets the mid and rid header
// extensions Janus uses to tell the layers apart.
func (s *Simulcast) Run(ctx context.Context) error {
	mid, midID, ridID, err := s.headerExtensions()
	if err != nil {
		return err
	}
	tracks := make(rtpTracks, len(s.tracks))
	for i, t := range s.tracks {
		rid := []byte(t.track.RID())
		t.rewrite = func(p *rtp.Packet) {
			_ = p.Header.SetExtension(midID, []byte(mid))
			_ = p.Header.SetExtension(ridID, rid)
		}
		tracks[i] = t
	}
	if s.inProcess {
		return s.runEncoded(ctx, tracks)
	}
	conns := make([]*net.UDPConn, len(s.tracks))
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	ports := make([]int, len(s.tracks))
	for i := range tracks {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return fmt.Errorf("native: simulcast source: %w", err)
		}
		_ = c.SetReadBuffer(4 << 20)
		conns[i] = c
		ports[i] = c.LocalAddr().(*net.UDPAddr).Port
	}
	return runRTPProcess(ctx, s.opts.Binary, s.ffmpegArgs(ports), s.opts.Stderr, conns, tracks)
}

// parseBitrate reads a bitrate in ffmpeg's notation: bits a second with
// an optional k or M suffix ("500k", "1.5M", "800000"); "" is 500k.
func parseBitrate(s string) (int, error) {
	if s == "" {
		return 500_000, nil
	}
	mult := 1.0
	switch s[len(s)-1] {
	case 'k', 'K':
		mult, s = 1e3, s[:len(s)-1]
	case 'M', 'm':
		mult, s = 1e6, s[:len(s)-1]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v*mult < 1000 || v*mult > 1e9 {
		return 0, fmt.Errorf("bitrate %q is not a number of bits a second from 1k to 1000M (\"500k\", \"1.5M\")", s)
	}
	return int(v * mult), nil
}
