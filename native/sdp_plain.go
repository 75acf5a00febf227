package native

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PlainMedia is one m-line of a plain (non-WebRTC) SDP, such as the
// barebones SDP of Janus's NoSIP plugin.
type PlainMedia struct {
	// Kind is "audio" or "video" (or another media type); Port the RTP
	// port (0: rejected); Address the connection address (the m-line's
	// c= line, else the session's).
	Kind    string
	Port    int
	Address string
	// Proto is the transport, "RTP/AVP" or "RTP/SAVP".
	Proto string
	// PayloadTypes maps each codec of the m-line, lower case as in its
	// rtpmap ("vp8/90000", "opus/48000/2"), to its first payload type.
	PayloadTypes map[string]string
}

// ParsePlainSDP returns the m-lines of a plain SDP, in order.
func ParsePlainSDP(sdp string) ([]PlainMedia, error) {
	var session string
	var media []PlainMedia
	for _, l := range strings.Split(strings.ReplaceAll(sdp, "\r\n", "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "c="):
			f := strings.Fields(l)
			if len(f) != 3 {
				return nil, fmt.Errorf("native: plain SDP: bad c-line %q", l)
			}
			if len(media) == 0 {
				session = f[2]
			} else {
				media[len(media)-1].Address = f[2]
			}
		case strings.HasPrefix(l, "m="):
			f := strings.Fields(strings.TrimPrefix(l, "m="))
			if len(f) < 3 {
				return nil, fmt.Errorf("native: plain SDP: bad m-line %q", l)
			}
			port, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("native: plain SDP: bad port in %q", l)
			}
			media = append(media, PlainMedia{Kind: f[0], Port: port, Address: session, Proto: f[2], PayloadTypes: map[string]string{}})
		case strings.HasPrefix(l, "a=rtpmap:") && len(media) > 0:
			pt, codec, _ := strings.Cut(strings.TrimPrefix(l, "a=rtpmap:"), " ")
			codec = strings.ToLower(strings.TrimSpace(codec))
			if _, dup := media[len(media)-1].PayloadTypes[codec]; !dup {
				media[len(media)-1].PayloadTypes[codec] = pt
			}
		}
	}
	return media, nil
}

// PlainSDP writes a plain SDP with RTP at 127.0.0.1 for the m-lines of
// another (same order, kinds and payload types): an answer to a plain
// offer, or an offer for a plain answer. Each m-line of kind k gets port
// ports[k], the payload type its codec codecs[k] has in media ("vp8/90000",
// "opus/48000/2", as PlainMedia.PayloadTypes names them) and the
// direction dir ("sendrecv", "sendonly", "recvonly"), in RTP/AVP; an
// m-line without a port or codec of its kind is rejected (port 0). The SDP describes this
// side: ffmpeg ("-protocol_whitelist file,udp,rtp -i x.sdp") and
// GStreamer read it to receive there.
func PlainSDP(media []PlainMedia, ports map[string]int, codecs map[string]string, dir string) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=gojanus\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
	for _, m := range media {
		codec := strings.ToLower(codecs[m.Kind])
		pt, ok := m.PayloadTypes[codec]
		if !ok || ports[m.Kind] == 0 {
			fmt.Fprintf(&b, "m=%s 0 %s %s\r\n", m.Kind, m.Proto, anyPayloadType(m))
			continue
		}
		fmt.Fprintf(&b, "m=%s %d RTP/AVP %s\r\na=rtpmap:%s %s\r\na=%s\r\n", m.Kind, ports[m.Kind], pt, pt, codecs[m.Kind], dir)
	}
	return b.String()
}

// anyPayloadType returns the lowest payload type of m ("0" for none), for
// the m-line of a rejected medium.
func anyPayloadType(m PlainMedia) string {
	best := -1
	for _, pt := range m.PayloadTypes {
		if n, err := strconv.Atoi(pt); err == nil && (best < 0 || n < best) {
			best = n
		}
	}
	return strconv.Itoa(max(best, 0))
}

// FreeRTPPorts returns n even UDP ports P of 127.0.0.1 that were free a
// moment ago together with P+1, for an RTP receiver (RTCP on the next
// port) that a plain SDP names.
func FreeRTPPorts(n int) ([]int, error) {
	var out []int
	for tries := 0; len(out) < n; tries++ {
		if tries == 100*n {
			return nil, errors.New("native: no free pair of UDP ports on 127.0.0.1")
		}
		rtpConn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return nil, fmt.Errorf("native: %w", err)
		}
		p := rtpConn.LocalAddr().(*net.UDPAddr).Port
		if p%2 != 0 || slices.Contains(out, p) {
			rtpConn.Close()
			continue
		}
		rtcpConn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p + 1})
		rtpConn.Close()
		if err == nil {
			rtcpConn.Close()
			out = append(out, p)
		}
	}
	return out, nil
}

// WaitUDPListeners waits until something listens on each UDP port of
// 127.0.0.1 (a receiver started to read a plain SDP), or ctx ends. Janus's
// NoSIP plugin gives up on a session whose RTP is refused, so a receiver
// must listen before the plain SDP that names it goes to Janus. On Linux
// it looks the ports up in the kernel's socket tables, so that it never
// holds a port the receiver is about to bind.
func WaitUDPListeners(ctx context.Context, ports ...int) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		found, err := udpListening(ports)
		if err != nil {
			return err
		}
		missing := slices.DeleteFunc(slices.Clone(ports), func(p int) bool { return found[p] })
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("native: nothing listens on UDP ports %v of 127.0.0.1: %w", missing, ctx.Err())
		}
	}
}
