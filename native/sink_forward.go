package native

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// RTPForwarder sends the RTP of a received track to a UDP address on this
// machine, for ffmpeg, GStreamer or any RTP receiver to play, transcode
// or re-stream. SDP describes the forwarded tracks for the receiver.
type RTPForwarder struct {
	track *webrtc.TrackRemote
	addr  *net.UDPAddr
	conn  *net.UDPConn
	c     *counter
	done  chan struct{}
	once  sync.Once
}

// ForwardTrack forwards tr to addr (for example 127.0.0.1:5004) until the
// track ends or Close. Video is forwarded from the first packet of the
// first keyframe on, so that a receiver listening from the start (ffmpeg
// copying into a file, a player) gets a stream that decodes from its first
// frame instead of decoding errors; the packets before it are counted in
// Stats but not sent. A receiver that starts listening later waits for
// the sender's next keyframe: ask for one with RequestKeyframe when it is
// ready.
//
// pliInterval is as for RecordTrack: 0 on a PeerConnection made by
// NewPeer, whose interceptor asks for the first keyframe; otherwise the
// forwarder asks at once and with growing gaps from pliInterval until
// the first keyframe, and never after it.
func ForwardTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, addr string, pliInterval time.Duration) (*RTPForwarder, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("native: forward address: %w", err)
	}
	conn, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		return nil, fmt.Errorf("native: forward: %w", err)
	}
	f := &RTPForwarder{track: tr, addr: ua, conn: conn, done: make(chan struct{}),
		c: &counter{id: tr.ID(), kind: tr.Kind().String(), codec: tr.Codec().MimeType}}
	go f.loop(newKeyframeWait(pc, tr, f.c, pliInterval))
	return f, nil
}

func (f *RTPForwarder) loop(kw *keyframeWait) {
	defer close(f.done)
	defer kw.stop()
	defer f.conn.Close()
	buf := make([]byte, 1600)
	video := f.track.Kind() == webrtc.RTPCodecTypeVideo
	var pkt rtp.Packet
	for {
		n, attr, err := f.track.Read(buf)
		if err != nil {
			return
		}
		frames := 0
		if !video || (n > 1 && buf[1]&0x80 != 0) { // RTP marker bit
			frames = 1
		}
		f.c.add(1, n, frames)
		if kw != nil && (pkt.Unmarshal(buf[:n]) != nil || !kw.packet(&pkt, attr)) {
			continue
		}
		if _, err := f.conn.Write(buf[:n]); err != nil {
			continue // nobody listening yet: UDP errors are not fatal
		}
	}
}

// Stats returns what was forwarded so far.
func (f *RTPForwarder) Stats() TrackStats { return f.c.stats() }

// Done is closed when forwarding has ended.
func (f *RTPForwarder) Done() <-chan struct{} { return f.done }

// Close stops forwarding and waits for it.
func (f *RTPForwarder) Close() error {
	f.once.Do(func() { _ = f.track.SetReadDeadline(time.Now()) })
	<-f.done
	return nil
}

// SDP returns a session description of the forwarded tracks, for
// "ffmpeg -protocol_whitelist file,udp,rtp -i stream.sdp" or GStreamer's
// sdpdemux.
func SDP(forwarders ...*RTPForwarder) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=gojanus\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
	for _, f := range forwarders {
		codec := f.track.Codec()
		name := strings.TrimPrefix(strings.TrimPrefix(codec.MimeType, "video/"), "audio/")
		fmt.Fprintf(&b, "m=%s %d RTP/AVP %d\r\n", f.track.Kind().String(), f.addr.Port, codec.PayloadType)
		if codec.Channels > 0 {
			fmt.Fprintf(&b, "a=rtpmap:%d %s/%d/%d\r\n", codec.PayloadType, name, codec.ClockRate, codec.Channels)
		} else {
			fmt.Fprintf(&b, "a=rtpmap:%d %s/%d\r\n", codec.PayloadType, name, codec.ClockRate)
		}
		if codec.SDPFmtpLine != "" {
			fmt.Fprintf(&b, "a=fmtp:%d %s\r\n", codec.PayloadType, codec.SDPFmtpLine)
		}
		b.WriteString("a=recvonly\r\n")
	}
	return b.String()
}
