//go:build linux

package native_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// testClip is the VP8 clip of testdata/media: 320x240, 30 fps, a keyframe
// every 10 frames (a third of a second), about 215 kbit/s.
const testClip = "../testdata/media/vp8-320x240-30fps-3s.ivf"

// BenchmarkMedia measures real media through a real Janus inside a
// private network namespace, with the native pion Peer. Each scenario is
// one measurement (it ignores b.N) taken in a test binary of its own inside
// the namespace (netns.RunBench); the outer process reports its metrics,
// so -benchtime 1x and the default give the same single result line.
func BenchmarkMedia(b *testing.B) {
	benchMedia(b, "first-frame/gojanus", benchFirstFrame)
	benchMedia(b, "publish-cpu/gojanus", benchPublishCPU)
	benchMedia(b, "max-subscribers/gojanus", benchMaxSubscribers)
}

// benchMedia runs one scenario as a sub-benchmark inside the namespace,
// after checking the tools it needs outside it.
func benchMedia(b *testing.B, name string, fn func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		requireToolTB(b, "ffmpeg")
		janustest.RequireJanus(b)
		if !netns.RunBench(b) {
			return
		}
		fn(b)
	})
}

// benchFirstFrame measures, for 5 subscribers one after another, the time
// from the subscriber's join request to the first complete VP8 keyframe
// assembled from the RTP it receives (pion's samplebuilder and VP8
// depacketizer), that is the first frame a decoder could show; the frame
// counts as complete when its last packet arrives. The publisher already
// sends the test clip in a loop. A file cannot make a keyframe when Janus
// asks for one (PLI), so the figure includes the wait for the clip's next
// keyframe (one a second); the subscribers join at random offsets within
// that second. Reports the median as ms and the worst as max-ms.
func benchFirstFrame(b *testing.B) {
	_, ctx, _, s := mediaSetup(b, 2*time.Minute)
	room := benchRoom(b, ctx, s)
	pub := startPublisher(b, ctx, s, room, testClip)
	defer pub.close(ctx)

	const subscribers = 5
	var firstFrame, connected, firstPacket []time.Duration
	for i := range subscribers {
		// Join at a random point of the clip's keyframe interval.
		time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
		kf := newKeyframeWatch()
		peer := netnsPeer(b)
		h, err := videoroom.Attach(ctx, s)
		require.NoError(b, err)
		start := time.Now()
		sub, err := subscribeOn(ctx, h, room, pub.pub.ParticipantID(), peer, kf.push)
		require.NoError(b, err)
		var at time.Time
		select {
		case at = <-kf.keyframe:
		case <-time.After(30 * time.Second):
			b.Fatalf("subscriber %d: no complete keyframe within 30 s", i)
		}
		firstFrame = append(firstFrame, at.Sub(start))
		connected = append(connected, sub.connectedAt().Sub(start))
		firstPacket = append(firstPacket, kf.firstPacket().Sub(start))
		sub.close(ctx)
	}
	b.Logf("join to connected: %v; to first RTP packet: %v; to first complete keyframe: %v",
		roundAll(connected), roundAll(firstPacket), roundAll(firstFrame))
	slices.Sort(firstFrame)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(firstFrame[len(firstFrame)/2]), "ms")
	b.ReportMetric(ms(firstFrame[len(firstFrame)-1]), "max-ms")
}

// benchPublishCPU measures the CPU the process spends publishing a
// ~1 Mbit/s VP8 clip (FileSource, paced in real time) into a VideoRoom for
// 10 s once connected: the user+system CPU time of the process
// (getrusage) over the wall time, in percent of one core. It also reports
// the bitrate the track sent (frame bytes over time), and logs what Janus
// spent meanwhile.
func benchPublishCPU(b *testing.B) {
	clip := oneMbitClip(b)
	srv, ctx, _, s := mediaSetup(b, 2*time.Minute)
	room := benchRoom(b, ctx, s)
	pub := startPublisher(b, ctx, s, room, clip)
	defer pub.close(ctx)

	const window = 10 * time.Second
	ru0, t0, bytes0 := rusage(b), time.Now(), pub.videoBytes()
	janus0, janusOK := procCPU(srv.Pid())
	time.Sleep(window)
	ru1, t1, bytes1 := rusage(b), time.Now(), pub.videoBytes()
	janus1, _ := procCPU(srv.Pid())
	wall := t1.Sub(t0)
	cpu := ru1 - ru0
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
	b.ReportMetric(float64(bytes1-bytes0)*8/1000/wall.Seconds(), "kbit/s")
	if janusOK {
		b.Logf("janus meanwhile: %.1f%% of one core", 100*(janus1-janus0).Seconds()/wall.Seconds())
	}
}

// maxSubscriberSteps are the subscriber counts benchMaxSubscribers tries.
var maxSubscriberSteps = []int{1, 2, 4, 8, 16, 32, 64, 96, 128, 160, 192, 256}

// benchMaxSubscribers finds how many subscriber PeerConnections this
// process keeps receiving without loss: one publisher sends the ~1 Mbit/s
// clip, subscribers are added in steps (maxSubscriberSteps, the last one
// is the cap), and at each step every subscriber must, over 2 s, miss
// under 1% of the RTP sequence numbers after its first packet of the
// window, and keep up: receive at least 90% of the window's length in
// media time (RTP timestamps), so that a subscriber that stalls or falls
// behind fails too.
// Reports the largest step that passed as subscribers. It stops at the
// first failed step, or when the next step might not end within about
// 70 s.
func benchMaxSubscribers(b *testing.B) {
	clip := oneMbitClip(b)
	begin := time.Now()
	srv, ctx, _, s := mediaSetup(b, 3*time.Minute)
	room := benchRoom(b, ctx, s)
	pub := startPublisher(b, ctx, s, room, clip)
	defer pub.close(ctx)

	var subs []*benchSubscriber
	defer func() {
		var g errgroup.Group
		g.SetLimit(16)
		for _, sub := range subs {
			g.Go(func() error { sub.close(ctx); return nil })
		}
		_ = g.Wait()
	}()
	const window = 2 * time.Second
	passed := 0
	var lastStep time.Duration
	var steps []string // one short summary per step, logged on one line
	defer func() {
		b.Logf("steps (subscribers: result, worst subscriber, CPU of this process and of Janus in the window, time of the step): %s", strings.Join(steps, "; "))
	}()
	for _, n := range maxSubscriberSteps {
		if lastStep > 0 && time.Since(begin)+2*lastStep > 70*time.Second {
			steps = append(steps, fmt.Sprintf("stopped before %d: out of time", n))
			break
		}
		stepStart := time.Now()
		added, err := addSubscribers(b, ctx, s, room, pub.pub.ParticipantID(), n-len(subs))
		subs = append(subs, added...)
		if err != nil {
			steps = append(steps, fmt.Sprintf("%d: %v", n, err))
			break
		}
		// A warm-up outside the measured window: the new subscribers are up
		// (addSubscribers waited for webrtcup), and their start is not what
		// the window measures.
		time.Sleep(time.Second / 2)
		for _, sub := range subs {
			sub.count.reset()
		}
		cpu0, t0 := rusage(b), time.Now()
		janus0, _ := procCPU(srv.Pid())
		drops0 := udpRcvbufErrors()
		time.Sleep(window)
		janus1, _ := procCPU(srv.Pid())
		drops := udpRcvbufErrors() - drops0
		wall := time.Since(t0).Seconds()
		cpu := 100 * (rusage(b) - cpu0).Seconds() / wall
		janusCPU := 100 * (janus1 - janus0).Seconds() / wall
		results := make([]seqResult, len(subs))
		for i, sub := range subs {
			results[i] = sub.count.result()
		}
		failed, worst := 0, 0
		for i, r := range results {
			if r.loss >= 0.01 || r.media.Seconds() < 0.9*wall {
				failed++
			}
			if r.loss > results[worst].loss || r.loss == results[worst].loss && r.media < results[worst].media {
				worst = i
			}
		}
		lastStep = time.Since(stepStart)
		w := results[worst]
		verdict := "pass"
		if failed > 0 {
			verdict = fmt.Sprintf("FAIL (%d of %d subscribers)", failed, n)
		}
		steps = append(steps, fmt.Sprintf("%d: %s, %d packets with %.2f%% missing and %.2fs of media in %.2fs, %.0f%% and %.0f%%, %d UDP receive buffer overflows, %.1fs",
			n, verdict, w.received, 100*w.loss, w.media.Seconds(), wall, cpu, janusCPU, drops, lastStep.Seconds()))
		if failed > 0 {
			break
		}
		passed = n
	}
	if passed == 0 {
		b.Fatal("not even one subscriber received the stream without loss")
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(passed), "subscribers")
}

// addSubscribers subscribes n more PeerConnections to feed, eight at a
// time, and waits until each is connected and Janus reports it up.
func addSubscribers(b *testing.B, ctx context.Context, s *core.Session, room, feed core.ID, n int) ([]*benchSubscriber, error) {
	var mu sync.Mutex
	var out []*benchSubscriber
	var g errgroup.Group
	g.SetLimit(8)
	for range n {
		peer := netnsPeer(b) // here: it may fail the benchmark
		g.Go(func() error {
			c := &seqCounter{}
			sub, err := subscribe(ctx, s, room, feed, peer, c.add)
			if sub != nil {
				sub.count = c
				mu.Lock()
				out = append(out, sub)
				mu.Unlock()
			}
			if err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			return sub.wait(wctx)
		})
	}
	return out, g.Wait()
}

// benchRoom creates a VP8 room, destroyed when the benchmark ends.
func benchRoom(b *testing.B, ctx context.Context, s *core.Session) core.ID {
	b.Helper()
	admin, err := videoroom.Attach(ctx, s)
	require.NoError(b, err)
	created, err := admin.Create(ctx, videoroom.RoomOptions{Description: "media benchmark", Publishers: 2, VideoCodec: "vp8"})
	require.NoError(b, err)
	b.Cleanup(func() {
		_, _ = admin.Destroy(context.WithoutCancel(ctx), videoroom.DestroyOptions{Room: created.Room})
	})
	return created.Room
}

// benchPublisher publishes one IVF file in a loop into a room.
type benchPublisher struct {
	pub    *videoroom.Publisher
	peer   *native.Peer
	src    native.Source
	cancel context.CancelFunc
	done   chan error
}

// startPublisher joins room as a publisher, publishes path in a loop and
// returns once the PeerConnection is up on both sides and the file plays.
func startPublisher(b *testing.B, ctx context.Context, s *core.Session, room core.ID, path string) *benchPublisher {
	b.Helper()
	src, err := native.FileSource(native.FileOptions{Loop: true}, path)
	require.NoError(b, err)
	pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.PublisherJoin{Room: room, Display: "bench"})
	require.NoError(b, err)
	peer := netnsPeer(b)
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(b, err)
	}
	connected := waitConnected(peer)
	_, err = pub.PublishPeer(ctx, peer, videoroom.PublishOptions{}, nil)
	require.NoError(b, err)
	select {
	case <-connected:
	case <-ctx.Done():
		b.Fatal("publisher not connected")
	}
	require.NoError(b, waitUp(ctx, pub.Events()), "publisher webrtcup")
	runCtx, cancel := context.WithCancel(ctx)
	p := &benchPublisher{pub: pub, peer: peer, src: src, cancel: cancel, done: make(chan error, 1)}
	go func() { p.done <- src.Run(runCtx) }()
	return p
}

// videoBytes is how many bytes of video frames the source wrote so far.
func (p *benchPublisher) videoBytes() uint64 {
	var n uint64
	for _, st := range p.src.Stats() {
		n += st.Bytes
	}
	return n
}

// close stops the publisher: the PeerConnection first (see
// JANUS-NOTES.md), then the source, then it leaves the room.
func (p *benchPublisher) close(ctx context.Context) {
	_ = p.peer.Close()
	p.cancel()
	<-p.done
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = p.pub.Leave(ctx)
	_ = p.pub.Detach(ctx)
}

// benchSubscriber is one subscription whose received RTP goes to a
// callback, from a goroutine that ends when the PeerConnection closes.
type benchSubscriber struct {
	peer      *native.Peer
	sub       *videoroom.Subscriber
	connected <-chan struct{}
	count     *seqCounter

	mu        sync.Mutex
	closed    bool
	readers   sync.WaitGroup
	connectAt time.Time
}

// subscribe attaches a handle and subscribes it to feed with peer (see
// subscribeOn).
func subscribe(ctx context.Context, s *core.Session, room, feed core.ID, peer *native.Peer, onPacket func(*rtp.Packet, time.Time)) (*benchSubscriber, error) {
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		_ = peer.Close()
		return nil, err
	}
	return subscribeOn(ctx, h, room, feed, peer, onPacket)
}

// subscribeOn sends a subscriber join for every stream of feed on h,
// answers Janus's offer with peer and passes every RTP packet received,
// with its arrival time, to onPacket (from one goroutine per track). The
// subscriber is returned (to be closed) even when the negotiation failed
// after the join.
func subscribeOn(ctx context.Context, h *videoroom.Handle, room, feed core.ID, peer *native.Peer, onPacket func(*rtp.Packet, time.Time)) (*benchSubscriber, error) {
	bs := &benchSubscriber{peer: peer}
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
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			onPacket(pkt, time.Now())
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
	sub, att, err := h.JoinAsSubscriber(ctx, videoroom.SubscriberJoin{Room: room, Streams: []videoroom.SubscribeStream{{Feed: feed}}})
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

// wait waits until the subscriber's PeerConnection is connected and Janus
// reports it up.
func (bs *benchSubscriber) wait(ctx context.Context) error {
	select {
	case <-bs.connected:
	case <-ctx.Done():
		return fmt.Errorf("subscriber not connected: %w", ctx.Err())
	}
	return waitUp(ctx, bs.sub.Events())
}

// connectedAt is when the PeerConnection became connected (zero if not).
func (bs *benchSubscriber) connectedAt() time.Time {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.connectAt
}

// close closes the PeerConnection, waits for its reader and detaches the
// handle.
func (bs *benchSubscriber) close(ctx context.Context) {
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

// keyframeWatch assembles VP8 frames from RTP and reports the arrival of
// the last packet of the first complete keyframe.
type keyframeWatch struct {
	sb       *samplebuilder.SampleBuilder
	arrival  map[uint32]time.Time // RTP timestamp -> its latest packet's arrival
	keyframe chan time.Time
	sent     bool

	mu    sync.Mutex
	first time.Time
}

// newKeyframeWatch returns a watch whose push takes the packets of one
// stream, in order of arrival, from one goroutine.
func newKeyframeWatch() *keyframeWatch {
	return &keyframeWatch{
		sb:       samplebuilder.New(256, &codecs.VP8Packet{}, 90000),
		arrival:  map[uint32]time.Time{},
		keyframe: make(chan time.Time, 1),
	}
}

// push adds one received packet.
func (k *keyframeWatch) push(p *rtp.Packet, at time.Time) {
	k.mu.Lock()
	if k.first.IsZero() {
		k.first = at
	}
	k.mu.Unlock()
	if k.sent {
		return
	}
	k.arrival[p.Timestamp] = at
	k.sb.Push(p)
	for s := k.sb.Pop(); s != nil; s = k.sb.Pop() {
		done, ok := k.arrival[s.PacketTimestamp]
		delete(k.arrival, s.PacketTimestamp)
		if ok && completeVP8Keyframe(s.Data) {
			k.sent = true
			k.keyframe <- done
			return
		}
	}
	if len(k.arrival) > 1024 { // timestamps of frames the builder dropped
		clear(k.arrival)
	}
}

// firstPacket is when the first RTP packet arrived.
func (k *keyframeWatch) firstPacket() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.first
}

// completeVP8Keyframe reports whether frame is a VP8 keyframe (RFC 6386
// 9.1: frame tag with the key bit clear, start code 9d 01 2a) that holds
// its whole first partition.
func completeVP8Keyframe(frame []byte) bool {
	if len(frame) < 10 || frame[0]&1 != 0 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return false
	}
	firstPartition := (int(frame[0]) | int(frame[1])<<8 | int(frame[2])<<16) >> 5
	return len(frame) >= 10+firstPartition
}

// seqCounter counts the RTP sequence numbers one subscriber receives in a
// window that reset starts: loss is the share of sequence numbers between
// the first and the highest received that never arrived (retransmissions
// fill gaps).
type seqCounter struct {
	mu      sync.Mutex
	started bool
	base    uint64 // extended sequence number of the window's first packet
	last    uint16
	cycles  uint64
	highest uint64
	seen    map[uint64]struct{}
	firstTS uint32 // RTP timestamp of the window's first packet
	aheadTS int32  // the furthest any packet's timestamp got past firstTS
}

// reset starts a new window.
func (c *seqCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started = false
	c.seen = map[uint64]struct{}{}
}

// add counts one packet.
func (c *seqCounter) add(p *rtp.Packet, _ time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		return // before the first window
	}
	seq := p.SequenceNumber
	if !c.started {
		c.started, c.last, c.cycles = true, seq, 0
		c.base, c.highest = uint64(seq), uint64(seq)
		c.firstTS, c.aheadTS = p.Timestamp, 0
	}
	c.aheadTS = max(c.aheadTS, int32(p.Timestamp-c.firstTS))
	cycles := c.cycles
	switch {
	case seq < c.last && c.last-seq > 0x8000: // wrapped forward
		c.cycles++
		cycles = c.cycles
		c.last = seq
	case seq > c.last && seq-c.last > 0x8000: // late, from before a wrap
		if cycles == 0 {
			return
		}
		cycles--
	case seq > c.last:
		c.last = seq
	}
	ext := cycles<<16 | uint64(seq)
	if ext < c.base {
		return // sent before the window
	}
	c.seen[ext] = struct{}{}
	c.highest = max(c.highest, ext)
}

// seqResult is what one subscriber received in a window.
type seqResult struct {
	// received counts distinct packets; loss is the share of sequence
	// numbers from the first to the highest received that are missing.
	received int
	loss     float64
	// media is how much media time (RTP timestamps, 90 kHz) the window
	// received: about the window's length for a subscriber that keeps up,
	// less for one that falls behind.
	media time.Duration
}

// result returns what the window received so far.
func (c *seqCounter) result() seqResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		return seqResult{loss: 1}
	}
	expected := c.highest - c.base + 1
	return seqResult{
		received: len(c.seen),
		loss:     1 - float64(len(c.seen))/float64(expected),
		media:    time.Duration(c.aheadTS) * time.Second / 90000,
	}
}

// oneMbitClip encodes a 6 s 640x480 30 fps VP8 clip at 1 Mbit/s (CBR,
// a keyframe a second, noise so that the encoder has something to spend
// the bits on) into a temporary folder: the clips of testdata/media are
// about 200 kbit/s.
func oneMbitClip(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "vp8-1mbit.ivf")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-t", "6", "-vf", "noise=alls=12:allf=t",
		"-c:v", "libvpx", "-b:v", "1M", "-minrate", "1M", "-maxrate", "1M", "-bufsize", "1M",
		"-deadline", "realtime", "-cpu-used", "8", "-g", "30", "-f", "ivf", path).CombinedOutput()
	require.NoError(b, err, "ffmpeg: %s", out)
	return path
}

// rusage is the user+system CPU time this process used so far.
func rusage(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the user+system CPU time process pid used so far, from
// /proc/pid/stat (false if it cannot be read).
func procCPU(pid int) (time.Duration, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name, which is in parentheses: state is
	// field 3, utime 14 and stime 15, in clock ticks (USER_HZ, 100).
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}

// udpRcvbufErrors is the namespace's count of UDP datagrams dropped
// because a socket's receive buffer was full (RcvbufErrors of
// /proc/net/snmp; 0 if it cannot be read).
func udpRcvbufErrors() int64 {
	data, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return 0
	}
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Udp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		if i := slices.Index(names, "RcvbufErrors"); i > 0 && i < len(f) {
			n, _ := strconv.ParseInt(f[i], 10, 64)
			return n
		}
	}
	return 0
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// roundAll rounds durations to the millisecond, for logs.
func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
