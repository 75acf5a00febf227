//go:build !js

// Package mediabench holds what the media benchmarks share: a Janus and a
// pion Peer inside the private network namespace (internal/netns), a
// VideoRoom room and publisher, subscribers whose join is timed to their
// first decodable frame, and the CPU accounting of a publishing process.
// native's BenchmarkMedia and browsertest's BenchmarkJoin (join to first
// frame with gojanus and janus.js on both sides) measure with it, so that
// their figures mean the same thing.
//
// Everything here runs inside the namespace (call it after netns.Run or
// netns.RunBench returned true).
package mediabench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// Setup starts a Janus that does ICE on the namespace's interface, and
// returns a context bounded by timeout, a client over WebSocket and a
// session, all released when the test or benchmark ends.
func Setup(tb testing.TB, timeout time.Duration) (*janusserver.Server, context.Context, *core.Client, *core.Session) {
	tb.Helper()
	return SetupWith(tb, timeout, janusserver.Options{})
}

// SetupWith is Setup with more server options (ICEEnforceList is set to
// the namespace's interface).
func SetupWith(tb testing.TB, timeout time.Duration, opts janusserver.Options) (*janusserver.Server, context.Context, *core.Client, *core.Session) {
	tb.Helper()
	opts.ICEEnforceList = netns.Interface
	srv := janustest.Start(tb, opts)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	tb.Cleanup(cancel)
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(tb, err)
	return srv, ctx, c, s
}

// Peer is a pion Peer that does ICE on the namespace's interface only
// (UDP4, no mDNS), closed when the test or benchmark ends.
func Peer(tb testing.TB) *native.Peer {
	tb.Helper()
	p, err := native.NewPeer(PeerConfig())
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// WaitUp reads events until Janus reports the PeerConnection up, and
// fails when the stream ends or ctx is done first.
func WaitUp(ctx context.Context, events <-chan core.Event) error {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return errors.New("the handle's event stream ended before webrtcup")
			}
			if _, up := ev.(*core.WebRTCUp); up {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitConnected returns a channel closed when peer reports "connected".
func WaitConnected(peer *native.Peer) <-chan struct{} {
	ch := make(chan struct{})
	var once sync.Once
	peer.OnStateChange(func(st string) {
		if st == "connected" {
			once.Do(func() { close(ch) })
		}
	})
	return ch
}

// Room creates a VP8 room, destroyed when the benchmark ends.
func Room(tb testing.TB, ctx context.Context, s *core.Session) core.ID {
	tb.Helper()
	admin, err := videoroom.Attach(ctx, s)
	require.NoError(tb, err)
	created, err := admin.Create(ctx, videoroom.CreateRequest{Description: "media benchmark", Publishers: 2, VideoCodec: core.Codecs{core.VP8}})
	require.NoError(tb, err)
	tb.Cleanup(func() {
		_, _ = admin.Destroy(context.WithoutCancel(ctx), videoroom.DestroyRequest{Room: created.Room})
	})
	return created.Room
}

// Publisher publishes a Source into a room.
type Publisher struct {
	pub    *videoroom.Publisher
	peer   *native.Peer
	src    native.Source
	cancel context.CancelFunc
	done   chan error
	closed sync.Once
}

// Publish joins room as a publisher, publishes src and returns once the
// PeerConnection is up on both sides and the source runs.
func Publish(tb testing.TB, ctx context.Context, s *core.Session, room core.ID, src native.Source) *Publisher {
	tb.Helper()
	pub, peer := PublishTracks(tb, ctx, s, room, "bench", src.Tracks()...)
	runCtx, cancel := context.WithCancel(ctx)
	p := &Publisher{pub: pub, peer: peer, src: src, cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- src.Run(runCtx) }()
	return p
}

// PublishTracks joins room as display and publishes tracks from a new
// Peer of the namespace (closed when the test ends), and returns once the
// PeerConnection is up on both sides.
func PublishTracks(tb testing.TB, ctx context.Context, s *core.Session, room core.ID, display string, tracks ...webrtc.TrackLocal) (*videoroom.Publisher, *native.Peer) {
	tb.Helper()
	pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Display: display})
	require.NoError(tb, err)
	peer := Peer(tb)
	for _, tr := range tracks {
		_, err := peer.AddTrack(tr)
		require.NoError(tb, err)
	}
	connected := WaitConnected(peer)
	_, err = pub.PublishPeer(ctx, peer, videoroom.PublishRequest{}, nil)
	require.NoError(tb, err)
	select {
	case <-connected:
	case <-ctx.Done():
		tb.Fatal("publisher not connected")
	}
	require.NoError(tb, WaitUp(ctx, pub.Events()), "publisher webrtcup")
	return pub, peer
}

// Feed is the publisher's id in the room.
func (p *Publisher) Feed() core.ID { return p.pub.ParticipantID() }

// Video returns the statistics of the source's video tracks, summed (the
// keyframe delays are the largest of the tracks').
func (p *Publisher) Video() native.TrackStats {
	var v native.TrackStats
	for _, st := range p.src.Stats() {
		if st.Kind != "video" {
			continue
		}
		v.Packets += st.Packets
		v.Bytes += st.Bytes
		v.Frames += st.Frames
		v.Keyframes += st.Keyframes
		v.KeyframeRequests += st.KeyframeRequests
		v.KeyframeDelay = max(v.KeyframeDelay, st.KeyframeDelay)
		v.MaxKeyframeDelay = max(v.MaxKeyframeDelay, st.MaxKeyframeDelay)
	}
	return v
}

// WaitVideo waits until the source has sent a video frame.
func (p *Publisher) WaitVideo(ctx context.Context) error {
	for p.Video().Frames == 0 {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("the source ended before its first video frame: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("no video frame from the source: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond): // poll interval
		}
	}
	return nil
}

// Close stops the publisher: the PeerConnection first (see
// JANUS-NOTES.md), then the source, then it leaves the room. Later calls
// do nothing.
func (p *Publisher) Close(ctx context.Context) {
	p.closed.Do(func() {
		_ = p.peer.Close()
		p.cancel()
		<-p.done
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = p.pub.Leave(ctx)
		_ = p.pub.Detach(ctx)
	})
}

// Subscriber is one subscription whose received RTP goes to a callback,
// from a goroutine per track that ends when the PeerConnection closes.
type Subscriber struct {
	peer      *native.Peer
	sub       *videoroom.Subscriber
	connected <-chan struct{}

	mu        sync.Mutex
	closed    bool
	readers   sync.WaitGroup
	connectAt time.Time
}

// Receive says how a Subscriber takes its video.
type Receive struct {
	// OnPacket gets every video RTP packet with its arrival time, from one
	// goroutine per video track.
	OnPacket func(*rtp.Packet, time.Time)
	// ThroughSink takes the video through one of gojanus's sinks,
	// native.ForwardTrack to a UDP socket on 127.0.0.1, as gojanus's
	// subscribers do: it passes the video on from its first keyframe. The
	// native.Peer asks for that keyframe either way (a PLI 200 ms after
	// the first packet, then with doubling gaps) and the sink does not ask
	// again (pliInterval 0, as gojanus subscribe).
	ThroughSink bool
}

// Subscribe attaches a handle and subscribes it to feed with peer (see
// SubscribeOn).
func Subscribe(ctx context.Context, s *core.Session, room, feed core.ID, peer *native.Peer, rx Receive) (*Subscriber, error) {
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		_ = peer.Close()
		return nil, err
	}
	return SubscribeOn(ctx, h, room, feed, peer, rx)
}

// SubscribeOn sends a subscriber join for every stream of feed on h,
// answers Janus's offer with peer and passes the video it receives to rx
// (audio is read and dropped). The subscriber is returned (to be closed)
// even when the negotiation failed after the join.
func SubscribeOn(ctx context.Context, h *videoroom.Handle, room, feed core.ID, peer *native.Peer, rx Receive) (*Subscriber, error) {
	bs := &Subscriber{peer: peer}
	pc := bs.peer.PeerConnection()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		bs.mu.Lock()
		if bs.closed {
			bs.mu.Unlock()
			return
		}
		bs.readers.Add(1)
		bs.mu.Unlock()
		defer bs.readers.Done()
		video := tr.Kind() == webrtc.RTPCodecTypeVideo
		if video && rx.ThroughSink {
			receiveThroughSink(pc, tr, rx.OnPacket)
			return
		}
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if video {
				rx.OnPacket(pkt, time.Now())
			}
		}
	})
	connected := make(chan struct{})
	var once sync.Once
	bs.peer.OnStateChange(func(st string) {
		if st == "connected" {
			once.Do(func() {
				bs.mu.Lock()
				bs.connectAt = time.Now()
				bs.mu.Unlock()
				close(connected)
			})
		}
	})
	bs.connected = connected
	sub, att, err := h.JoinAsSubscriber(ctx, videoroom.SubscribeRequest{Room: room, Streams: []videoroom.SubscribeStream{{Feed: feed}}})
	if err != nil {
		_ = h.Detach(context.WithoutCancel(ctx))
		_ = bs.peer.Close()
		return nil, err
	}
	bs.sub = sub
	core.LinkCandidates(ctx, sub.Handle.Handle, bs.peer, nil)
	if err := sub.Renegotiate(ctx, bs.peer, att.JSEP); err != nil {
		return bs, err
	}
	return bs, nil
}

// receiveThroughSink forwards tr with native.ForwardTrack to a UDP socket
// on 127.0.0.1 and passes what arrives there to onPacket, until the track
// ends.
func receiveThroughSink(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, onPacket func(*rtp.Packet, time.Time)) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return
	}
	defer conn.Close()
	fw, err := native.ForwardTrack(pc, tr, conn.LocalAddr().String(), 0)
	if err != nil {
		return
	}
	defer fw.Close()
	go func() {
		<-fw.Done() // the track ended
		_ = conn.Close()
	}()
	buf := make([]byte, 1600)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		pkt := &rtp.Packet{}
		if pkt.Unmarshal(append([]byte(nil), buf[:n]...)) == nil {
			onPacket(pkt, time.Now())
		}
	}
}

// Wait waits until the subscriber's PeerConnection is connected and Janus
// reports it up.
func (bs *Subscriber) Wait(ctx context.Context) error {
	select {
	case <-bs.connected:
	case <-ctx.Done():
		return fmt.Errorf("subscriber not connected: %w", ctx.Err())
	}
	return WaitUp(ctx, bs.sub.Events())
}

// ConnectedAt is when the PeerConnection became connected (zero if not).
func (bs *Subscriber) ConnectedAt() time.Time {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.connectAt
}

// Close closes the PeerConnection, waits for its readers and detaches the
// handle.
func (bs *Subscriber) Close(ctx context.Context) {
	bs.mu.Lock()
	bs.closed = true
	bs.mu.Unlock()
	_ = bs.peer.Close()
	bs.readers.Wait()
	if bs.sub != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = bs.sub.Detach(ctx)
	}
}

// PeerConfig is the configuration of Peer: ICE on the namespace's
// interface only, UDP over IPv4, no mDNS.
func PeerConfig() native.PeerConfig {
	se := &webrtc.SettingEngine{}
	se.SetInterfaceFilter(func(name string) bool { return name == netns.Interface })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return native.PeerConfig{SettingEngine: se}
}

// DecodedFrames counts, with ffprobe, the frames of one stream of a
// media file ("v:0", "a:0", "0") that decode.
func DecodedFrames(tb testing.TB, path, stream string) int {
	tb.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	require.NoError(tb, err, "ffprobe %s: %s", path, out)
	n, err := strconv.Atoi(strings.TrimRight(strings.TrimSpace(string(out)), ","))
	require.NoError(tb, err, "ffprobe output %q", out)
	return n
}
