package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/pion/webrtc/v4"
)

// GStreamerOptions tune a GStreamer source.
type GStreamerOptions struct {
	// Binary is the launcher (default "gst-launch-1.0" from PATH).
	Binary string
	// StreamID is the media stream id of the tracks (default "gojanus").
	StreamID string
	// Stderr receives the launcher's messages; by default the last lines
	// are kept for error reports.
	Stderr io.Writer
}

// payloaders maps GStreamer RTP payloaders to the codec they carry.
var payloaders = map[string]webrtc.RTPCodecCapability{
	"rtpvp8pay":  {MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
	"rtpvp9pay":  {MimeType: webrtc.MimeTypeVP9, ClockRate: 90000},
	"rtph264pay": {MimeType: webrtc.MimeTypeH264, ClockRate: 90000},
	"rtpav1pay":  {MimeType: webrtc.MimeTypeAV1, ClockRate: 90000},
	"rtpopuspay": {MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
}

// GStreamerSource publishes the RTP of GStreamer pipelines. Each pipeline
// is a gst-launch description that ends in an RTP payloader (rtpvp8pay,
// rtpvp9pay, rtph264pay, rtpav1pay or rtpopuspay), for example
//
//	videotestsrc is-live=true ! video/x-raw,width=320,height=240 ! vp8enc deadline=1 ! rtpvp8pay
//
// gojanus appends a udpsink to 127.0.0.1 and reads the RTP into one track
// per pipeline. All pipelines run in one gst-launch process.
//
// GStreamer cannot hear Janus's keyframe requests (they reach gojanus,
// and gst-launch takes no commands while it runs), so a new subscriber
// waits for the encoder's next regular keyframe. A vp8enc, vp9enc or
// x264enc without its own keyframe interval gets one of 30 frames (a
// second at 30 fps) instead of its default of 128 or 250.
func GStreamerSource(opts GStreamerOptions, pipelines ...string) (Source, error) {
	if len(pipelines) == 0 {
		return nil, errors.New("native: GStreamer source needs a pipeline")
	}
	if opts.Binary == "" {
		opts.Binary = "gst-launch-1.0"
	}
	if opts.StreamID == "" {
		opts.StreamID = "gojanus"
	}
	s := &gstSource{opts: opts}
	for i, p := range pipelines {
		cap, err := pipelineCodec(p)
		if err != nil {
			return nil, err
		}
		kind := kindOf(strings.ToLower(cap.MimeType))
		id := kind + strconv.Itoa(i)
		tr, err := webrtc.NewTrackLocalStaticRTP(cap, id, opts.StreamID)
		if err != nil {
			return nil, err
		}
		s.pipelines = append(s.pipelines, withKeyframeInterval(p))
		s.rtpTracks = append(s.rtpTracks, newRTPTrack(tr, &counter{id: id, kind: kind, codec: cap.MimeType}))
	}
	return s, nil
}

// pipelineCodec finds the payloader that ends a pipeline.
func pipelineCodec(p string) (webrtc.RTPCodecCapability, error) {
	elems := strings.Split(p, "!")
	last := strings.Fields(strings.TrimSpace(elems[len(elems)-1]))
	if len(last) == 0 {
		return webrtc.RTPCodecCapability{}, fmt.Errorf("native: empty GStreamer pipeline %q", p)
	}
	cap, ok := payloaders[last[0]]
	if !ok {
		return cap, fmt.Errorf("native: GStreamer pipeline must end in an RTP payloader (rtpvp8pay, rtpvp9pay, rtph264pay, rtpav1pay, rtpopuspay), not %q", last[0])
	}
	return cap, nil
}

// gstKeyframeIntervals are the keyframe interval properties of the
// GStreamer video encoders gojanus sets when a pipeline does not.
var gstKeyframeIntervals = map[string]string{
	"vp8enc":  "keyframe-max-dist",
	"vp9enc":  "keyframe-max-dist",
	"x264enc": "key-int-max",
}

// gstKeyframeInterval is the keyframe interval, in frames, of GStreamer
// video encoders whose pipeline sets none.
const gstKeyframeInterval = 30

// withKeyframeInterval adds the default keyframe interval to the video
// encoder of a pipeline that sets none.
func withKeyframeInterval(p string) string {
	elems := strings.Split(p, "!")
	for i, e := range elems {
		f := strings.Fields(e)
		if len(f) == 0 {
			continue
		}
		prop, ok := gstKeyframeIntervals[f[0]]
		if !ok {
			continue
		}
		set := false
		for _, kv := range f[1:] {
			set = set || strings.HasPrefix(kv, prop+"=")
		}
		if !set {
			elems[i] = " " + strings.Join(append(f, prop+"="+strconv.Itoa(gstKeyframeInterval)), " ") + " "
		}
	}
	return strings.TrimSpace(strings.Join(elems, "!"))
}

type gstSource struct {
	rtpTracks
	opts      GStreamerOptions
	pipelines []string
}

// Run starts gst-launch and forwards its RTP until it exits (end of
// stream) or ctx is done.
func (s *gstSource) Run(ctx context.Context) error {
	conns := make([]*net.UDPConn, len(s.rtpTracks))
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	args := []string{"-q", "-e"}
	for i, p := range s.pipelines {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return fmt.Errorf("native: GStreamer source: %w", err)
		}
		_ = c.SetReadBuffer(4 << 20)
		conns[i] = c
		port := c.LocalAddr().(*net.UDPAddr).Port
		// gst-launch takes the description as separate words.
		args = append(args, strings.Fields(p)...)
		args = append(args, "mtu=1200", "!", "udpsink", "host=127.0.0.1", "port="+strconv.Itoa(port), "sync=false", "async=false")
	}
	return runRTPProcess(ctx, s.opts.Binary, args, s.opts.Stderr, conns, s.rtpTracks)
}
