//go:build !js

package streaming_test

import (
	"bufio"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/versiontest"
)

// TestRTSPNotifyChanges watches an RTSP mountpoint whose source stops
// sending: the viewer is told the source is lost, the plugin connects
// again (a new SETUP reaches the server) and the viewer is told it is
// back.
func TestRTSPNotifyChanges(t *testing.T) {
	srv, ctx, s, h := newerSetup(t, 30*time.Second)
	rtspSrv := startRTSPServer(t)
	req := streaming.CreateRequest{Type: streaming.SourceRTSP, Secret: "s", URL: rtspSrv.url(), RTSPIface: "127.0.0.1",
		Audio: true, AudioPT: 111, AudioCodec: core.Opus, RTSPReconnectDelay: 1, RTSPNotifyChanges: true}
	if versiontest.Server(t, srv) < core.V(1, 3, 3) {
		_, err := h.Create(ctx, req)
		versiontest.RequireUnsupported(t, err, "streaming create rtsp_notify_changes", core.V(1, 3, 3))
		require.Empty(t, rtspSrv.setups, "nothing was sent")
		return
	}
	mp, err := h.Create(ctx, req)
	require.NoError(t, err)
	var port int
	select {
	case port = <-rtspSrv.setups:
	case <-ctx.Done():
		t.Fatal("no SETUP")
	}
	v, err := streaming.Attach(ctx, s)
	require.NoError(t, err)
	_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: mp.Mountpoint})
	require.NoError(t, err)

	// The camera sends a little audio, then stops.
	conn, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	require.NoError(t, err)
	defer conn.Close()
	for i := range 10 {
		b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(i), Timestamp: uint32(i * 960), SSRC: 7}, Payload: []byte{0xf8, 0xff, 0xfe}}).Marshal()
		require.NoError(t, err)
		_, err = conn.Write(b)
		require.NoError(t, err)
	}
	info, err := h.Info(ctx, streaming.InfoRequest{Mountpoint: mp.Mountpoint, Secret: "s"})
	require.NoError(t, err)
	assert.True(t, info.RTSP)

	lost := next[*streaming.RTSPDisconnected](ctx, t, v)
	assert.Equal(t, mp.Mountpoint, lost.Mountpoint)
	back := next[*streaming.RTSPReconnected](ctx, t, v)
	assert.Equal(t, mp.Mountpoint, back.Mountpoint)
	select {
	case <-rtspSrv.setups:
	default:
		t.Error("reconnected without a new SETUP")
	}
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint, Secret: "s"}))
	require.NoError(t, s.Destroy(ctx))
}

// rtspServer is a minimal RTSP server on 127.0.0.1 for the plugin's RTSP
// client (libcurl): DESCRIBE gives one Opus audio track, SETUP takes the
// client's UDP ports, PLAY and the keepalives are acknowledged. It sends
// no media itself: the test sends RTP to the ports SETUP announced
// (setups), as a camera would.
type rtspServer struct {
	ln     net.Listener
	setups chan int // the client RTP port of each SETUP
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

func startRTSPServer(t *testing.T) *rtspServer {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	s := &rtspServer{ln: ln, setups: make(chan int, 16)}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *rtspServer) url() string { return "rtsp://" + s.ln.Addr().String() + "/cam" }

func (s *rtspServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *rtspServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// serve answers the requests of one connection until it closes.
func (s *rtspServer) serve(c net.Conn) {
	r := textproto.NewReader(bufio.NewReader(c))
	const sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\nm=audio 0 RTP/AVP 111\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:111 opus/48000/2\r\na=control:track1\r\n"
	for {
		line, err := r.ReadLine()
		if err != nil {
			return
		}
		method, _, _ := strings.Cut(line, " ")
		hdr, err := r.ReadMIMEHeader()
		if err != nil {
			return
		}
		if n, _ := strconv.Atoi(hdr.Get("Content-Length")); n > 0 {
			if _, err := r.R.Discard(n); err != nil {
				return
			}
		}
		out := "RTSP/1.0 200 OK\r\nCSeq: " + hdr.Get("Cseq") + "\r\n"
		body := ""
		switch method {
		case "DESCRIBE":
			out += "Content-Type: application/sdp\r\nContent-Base: " + s.url() + "/\r\n"
			body = sdp
		case "SETUP":
			tr := hdr.Get("Transport")
			_, ports, _ := strings.Cut(tr, "client_port=")
			rtp, _, _ := strings.Cut(ports, "-")
			port, _ := strconv.Atoi(rtp)
			s.setups <- port
			out += "Transport: " + tr + ";server_port=40000-40001\r\nSession: 12345678;timeout=60\r\n"
		default: // PLAY, OPTIONS, GET_PARAMETER, TEARDOWN
			out += "Session: 12345678\r\n"
		}
		out += fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
		if _, err := c.Write([]byte(out)); err != nil {
			return
		}
	}
}
