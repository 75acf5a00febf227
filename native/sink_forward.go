package native

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

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
	stop  func()
	once  sync.Once
}

// ForwardTrack forwards tr to addr (for example 127.0.0.1:5004) until the
// track ends or Close. For video it requests a keyframe now and every
// pliInterval (0: only now), so that a receiver joining late can decode.
func ForwardTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, addr string, pliInterval time.Duration) (*RTPForwarder, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("native: forward address: %w", err)
	}
	conn, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		return nil, fmt.Errorf("native: forward: %w", err)
	}
	f := &RTPForwarder{track: tr, addr: ua, conn: conn, done: make(chan struct{}), stop: func() {},
		c: &counter{id: tr.ID(), kind: tr.Kind().String(), codec: tr.Codec().MimeType}}
	if tr.Kind() == webrtc.RTPCodecTypeVideo && pc != nil {
		f.stop = keyframes(pc, tr, pliInterval)
	}
	go f.loop()
	return f, nil
}

func (f *RTPForwarder) loop() {
	defer close(f.done)
	defer f.stop()
	defer f.conn.Close()
	buf := make([]byte, 1600)
	video := f.track.Kind() == webrtc.RTPCodecTypeVideo
	for {
		n, _, err := f.track.Read(buf)
		if err != nil {
			return
		}
		frames := 0
		if !video || (n > 1 && buf[1]&0x80 != 0) { // RTP marker bit
			frames = 1
		}
		f.c.add(1, n, frames)
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
