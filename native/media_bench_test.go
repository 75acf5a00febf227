//go:build linux

package native_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
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
		requireTool(b, "ffmpeg")
		janustest.RequireJanus(b)
		if !netns.RunBench(b) {
			return
		}
		fn(b)
	})
}

// publishFile starts a Janus in the namespace (mediabench.Setup, bounded
// by timeout), creates a VP8 room and publishes the IVF file path in a
// loop into it; the caller closes the publisher.
func publishFile(b *testing.B, timeout time.Duration, path string) (*janusserver.Server, context.Context, *core.Session, core.ID, *mediabench.Publisher) {
	b.Helper()
	srv, ctx, _, s := mediabench.Setup(b, timeout)
	room := mediabench.Room(b, ctx, s)
	src, err := native.FileSource(native.FileOptions{Loop: true}, path)
	require.NoError(b, err)
	return srv, ctx, s, room, mediabench.Publish(b, ctx, s, room, src)
}

// benchFirstFrame measures, for 5 subscribers one after another, the time
// from the subscriber's join request to its first frame (see
// mediabench.Join: the first complete VP8 keyframe assembled from the RTP
// it receives, decoded with libvpx under the build tag mediadevices). The
// publisher already sends the test clip in a loop; the subscribers join at
// random offsets within the clip's keyframe interval (a second), since a
// file source that cannot jump to a keyframe makes them wait for its next
// one. Reports the median as ms and the worst as max-ms.
func benchFirstFrame(b *testing.B) {
	_, ctx, s, room, pub := publishFile(b, 2*time.Minute, testClip)
	defer pub.Close(ctx)

	const subscribers = 5
	var firstFrame, connected, firstPacket []time.Duration
	for i := range subscribers {
		j, err := mediabench.FirstFrame(b, ctx, s, room, pub.Feed(), mediabench.JoinDelay(), 30*time.Second)
		require.NoError(b, err, "subscriber %d", i)
		firstFrame = append(firstFrame, j.Frame)
		connected = append(connected, j.Connected)
		firstPacket = append(firstPacket, j.FirstPacket)
	}
	b.Logf("join to connected: %v; to first RTP packet: %v; to first frame (decoded: %v): %v",
		mediabench.RoundAll(connected), mediabench.RoundAll(firstPacket), mediabench.DecodesFrames, mediabench.RoundAll(firstFrame))
	mediabench.SpreadOf(firstFrame).Report(b)
}

// benchPublishCPU measures the CPU the process spends publishing a
// ~1 Mbit/s VP8 clip (FileSource, paced in real time) into a VideoRoom for
// 10 s once connected: the user+system CPU time of the process
// (getrusage) over the wall time, in percent of one core. It also reports
// the bitrate the track sent (frame bytes over time), and logs what Janus
// spent meanwhile.
func benchPublishCPU(b *testing.B) {
	clip := oneMbitClip(b)
	srv, ctx, _, _, pub := publishFile(b, 2*time.Minute, clip)
	defer pub.Close(ctx)

	const window = 10 * time.Second
	ru0, t0, bytes0 := mediabench.Rusage(b), time.Now(), pub.Video().Bytes
	janus0, janusOK := mediabench.ProcCPU(srv.Pid())
	time.Sleep(window)
	ru1, t1, bytes1 := mediabench.Rusage(b), time.Now(), pub.Video().Bytes
	janus1, _ := mediabench.ProcCPU(srv.Pid())
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
	srv, ctx, s, room, pub := publishFile(b, 3*time.Minute, clip)
	defer pub.Close(ctx)

	var subs []*countedSubscriber
	defer func() {
		var g errgroup.Group
		g.SetLimit(16)
		for _, sub := range subs {
			g.Go(func() error { sub.Close(ctx); return nil })
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
		added, err := addSubscribers(b, ctx, s, room, pub.Feed(), n-len(subs))
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
		cpu0, t0 := mediabench.Rusage(b), time.Now()
		janus0, _ := mediabench.ProcCPU(srv.Pid())
		drops0 := udpRcvbufErrors()
		time.Sleep(window)
		janus1, _ := mediabench.ProcCPU(srv.Pid())
		drops := udpRcvbufErrors() - drops0
		wall := time.Since(t0).Seconds()
		cpu := 100 * (mediabench.Rusage(b) - cpu0).Seconds() / wall
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

// countedSubscriber is a subscriber whose packets a seqCounter counts.
type countedSubscriber struct {
	*mediabench.Subscriber
	count *seqCounter
}

// addSubscribers subscribes n more PeerConnections to feed, eight at a
// time, and waits until each is connected and Janus reports it up.
func addSubscribers(b *testing.B, ctx context.Context, s *core.Session, room, feed core.ID, n int) ([]*countedSubscriber, error) {
	var mu sync.Mutex
	var out []*countedSubscriber
	var g errgroup.Group
	g.SetLimit(8)
	for range n {
		peer := mediabench.Peer(b) // here: it may fail the benchmark
		g.Go(func() error {
			c := &seqCounter{}
			sub, err := mediabench.Subscribe(ctx, s, room, feed, peer, mediabench.Receive{OnPacket: c.add})
			if sub != nil {
				mu.Lock()
				out = append(out, &countedSubscriber{sub, c})
				mu.Unlock()
			}
			if err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			return sub.Wait(wctx)
		})
	}
	return out, g.Wait()
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
