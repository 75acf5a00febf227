//go:build linux

package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

const (
	// joinsPerCase is how many fresh subscribers join, one at a time, in
	// each case of BenchmarkJoin.
	joinsPerCase = 11
	// joinTimeout bounds one join to its first frame. A gojanus
	// subscriber that gets none by then counts with joinTimeout, a lower
	// bound of its wait, so that the table shows it.
	joinTimeout = 10 * time.Second
	// driverTimeout bounds one command of join.mjs (its own steps time
	// out after 15 s each).
	driverTimeout = time.Minute
	// publishCPUWindow is how long BenchmarkJoin measures the CPU the
	// test pattern costs.
	publishCPUWindow = 10 * time.Second
	// joinBenchTimeout bounds BenchmarkJoin inside the namespace (whose
	// run netns bounds at 5 minutes); it takes about a minute and a half.
	joinBenchTimeout = 4 * time.Minute
)

// BenchmarkJoin measures how long a subscriber that joins a VideoRoom
// waits for its first decoded frame (issue 13), from the moment its join
// request is sent, in four cases against one Janus inside the network
// namespace, with joinsPerCase fresh subscribers per case, one at a time,
// each after a random delay (mediabench.JoinDelay) so that joins do not
// line up with the publishers' keyframes:
//
//   - first-frame/gojanus-test-publisher/gojanus: a gojanus subscriber
//     (mediabench.FirstFrame: its video goes through gojanus's sink
//     native.ForwardTrack, which asks for keyframes as gojanus's
//     subscribers do; the first complete VP8 keyframe assembled from the
//     RTP, decoded with libvpx under the build tag mediadevices) of a
//     gojanus publisher of native.ParseSource("test");
//   - first-frame/gojanus-test-publisher/janusjs: a janus.js subscriber in
//     headless Chromium of the same publisher, in a fresh page each time
//     (web/test/browser/join.mjs), until its <video> presents a frame
//     (requestVideoFrameCallback's presentationTime: decoded and handed
//     to the compositor);
//   - first-frame/janusjs-camera-publisher/gojanus and .../janusjs: the
//     same two subscribers of a janus.js publisher of Chromium's fake
//     camera, the reference (Chromium's encoder answers keyframe
//     requests).
//
// The joins of the two cases of one publisher take turns. Each case
// reports the median as ms and the worst as max-ms; a gojanus subscriber
// that gets no frame within joinTimeout counts as joinTimeout (logged), a
// lower bound of its wait. Beside them, of the test pattern:
// pli-to-keyframe/gojanus, the time from a keyframe request (PLI or FIR)
// reaching the publisher's track to the keyframe leaving it
// (TrackStats.KeyframeDelay after each of the 2×joinsPerCase joins of the
// first two cases), median and worst; and publish-cpu-test/gojanus, the
// CPU (percent of one core) of this process and of the processes the
// source started (ffmpeg, for the ffmpeg test pattern) over
// publishCPUWindow of publishing, before anyone subscribes.
func BenchmarkJoin(b *testing.B) {
	if !netns.Inside() && netns.Available() == nil {
		prepareJoin(b)
	}
	if !netns.RunBench(b) {
		return
	}
	benchJoin(b)
}

// prepareJoin runs outside the namespace (see prepareOutside) and copies
// janus.js for the namespace run.
func prepareJoin(b *testing.B) {
	b.Helper()
	root, build := prepareOutside(b, "ffmpeg")
	copyJanusJS(b, root, build)
}

// benchJoin is BenchmarkJoin inside the namespace.
func benchJoin(b *testing.B) {
	root := janustest.ModuleRoot(b)
	build := os.Getenv(envBuild)
	if build == "" {
		b.Fatalf("%s is not set: the outer test process copies janus.js", envBuild)
	}
	srv, ctx, _, s := mediabench.Setup(b, joinBenchTimeout)
	room := mediabench.Room(b, ctx, s)
	web := httptest.NewServer(webHandler(root, build, ""))
	defer web.Close()

	// The gojanus publisher of the test pattern, alone: its CPU first.
	src, err := native.ParseSource("test")
	require.NoError(b, err)
	before := mediabench.Descendants()
	pub := mediabench.Publish(b, ctx, s, room, src)
	defer pub.Close(ctx)
	require.NoError(b, pub.WaitVideo(ctx))
	meter := mediabench.NewCPUMeter(b, before)
	cpu0, t0, v0 := meter.Used(), time.Now(), pub.Video()
	time.Sleep(publishCPUWindow) // the measured window
	cpu1, t1, v1 := meter.Used(), time.Now(), pub.Video()
	wall := t1.Sub(t0).Seconds()
	cpu := 100 * (cpu1 - cpu0).Seconds() / wall
	b.Logf("test pattern: %.1f%% of one core in %s, %.0f kbit/s of video, %d keyframes in %.1f s",
		cpu, meter, float64(v1.Bytes-v0.Bytes)*8/1000/wall, v1.Keyframes-v0.Keyframes, wall)

	drv := startJoinDriver(b, ctx, root, map[string]string{
		"GOJANUS_PAGE_URL": web.URL + "/",
		janustest.EnvWS:    srv.WSURL,
	})
	defer drv.close()

	var fromTest, fromCamera joinCase
	var pliToKeyframe []time.Duration
	for i := range joinsPerCase {
		for _, js := range []bool{false, true} {
			v := pub.Video()
			fromTest.join(b, ctx, drv, s, room, pub.Feed(), js, i)
			if d, ok := pub.KeyframeAnswer(ctx, v.KeyframeRequests, v.KeyframeDelay, 3*mediabench.KeyframeInterval); ok {
				pliToKeyframe = append(pliToKeyframe, d)
			} else {
				b.Logf("join %d (janus.js: %v): no keyframe request reached the test pattern, or none was answered", i, js)
			}
		}
	}
	st := pub.Video()
	b.Logf("test pattern: %d keyframe requests, %d keyframes sent, PLI to keyframe %v (the longest %v)",
		st.KeyframeRequests, st.Keyframes, mediabench.RoundAll(pliToKeyframe), st.MaxKeyframeDelay.Round(time.Millisecond))
	pub.Close(ctx)

	// The janus.js publisher of the fake camera.
	var feed struct{ ID core.ID }
	require.NoError(b, drv.call(ctx, map[string]any{"op": "publish", "room": room, "display": "janusjs-camera"}, &feed))
	for i := range joinsPerCase {
		for _, js := range []bool{false, true} {
			fromCamera.join(b, ctx, drv, s, room, feed.ID, js, i)
		}
	}
	var camStats map[string]any
	require.NoError(b, drv.call(ctx, map[string]any{"op": "unpublish"}, &camStats))
	b.Logf("janus.js publisher's video: %v", camStats)

	fromTest.log(b, "gojanus test pattern")
	fromCamera.log(b, "janus.js fake camera")
	fromTest.report(b, "first-frame/gojanus-test-publisher")
	fromCamera.report(b, "first-frame/janusjs-camera-publisher")
	if len(pliToKeyframe) == 0 {
		b.Fatal("no keyframe request reached the test pattern in any join")
	}
	b.Run("pli-to-keyframe/gojanus", func(b *testing.B) { mediabench.SpreadOf(pliToKeyframe).Report(b) })
	b.Run("publish-cpu-test/gojanus", func(b *testing.B) {
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(cpu, "cpu-%")
	})
}

// joinCase collects the joins of one publisher's two cases: the gojanus
// subscriber's and the janus.js subscriber's.
type joinCase struct {
	gojanus, janusjs []time.Duration
	// timeouts counts the gojanus subscribers that got no frame within
	// joinTimeout.
	timeouts int
	// What else each join took, for the log.
	gojanusMore, janusjsMore []string
}

// join makes one fresh subscriber (janus.js when js) join feed after a
// random delay and records its time to the first frame.
func (c *joinCase) join(b *testing.B, ctx context.Context, drv *joinDriver, s *core.Session, room, feed core.ID, js bool, i int) {
	b.Helper()
	delay := mediabench.JoinDelay()
	if !js {
		j, err := mediabench.FirstFrame(b, ctx, s, room, feed, delay, joinTimeout)
		if errors.Is(err, mediabench.ErrNoFrame) {
			b.Logf("gojanus subscriber %d: %v; counted as %v", i, err, joinTimeout)
			c.gojanus = append(c.gojanus, joinTimeout)
			c.gojanusMore = append(c.gojanusMore, fmt.Sprintf("none within %v", joinTimeout))
			c.timeouts++
			return
		}
		require.NoError(b, err, "gojanus subscriber %d", i)
		c.gojanus = append(c.gojanus, j.Frame)
		c.gojanusMore = append(c.gojanusMore, fmt.Sprintf("%v (connected %v, first packet %v)",
			j.Frame.Round(time.Millisecond), j.Connected.Round(time.Millisecond), j.FirstPacket.Round(time.Millisecond)))
		return
	}
	var f struct {
		PresentedMs float64
		ReceivedMs  *float64
		UpMs        *float64
		Width       int
		Height      int
	}
	require.NoError(b, drv.call(ctx, map[string]any{"op": "subscribe", "room": room, "feed": feed, "delayMs": delay.Milliseconds()}, &f),
		"janus.js subscriber %d", i)
	c.janusjs = append(c.janusjs, time.Duration(f.PresentedMs*float64(time.Millisecond)))
	c.janusjsMore = append(c.janusjsMore, fmt.Sprintf("%.0fms (up %s, received %s, %dx%d)", f.PresentedMs, msOrNone(f.UpMs), msOrNone(f.ReceivedMs), f.Width, f.Height))
}

// msOrNone formats optional milliseconds.
func msOrNone(v *float64) string {
	if v == nil {
		return "?"
	}
	return fmt.Sprintf("%.0fms", *v)
}

// log logs every join of the case.
func (c *joinCase) log(b *testing.B, publisher string) {
	b.Logf("%s, gojanus subscribers (decoded: %v): %v", publisher, mediabench.DecodesFrames, c.gojanusMore)
	b.Logf("%s, janus.js subscribers (presented): %v", publisher, c.janusjsMore)
}

// report reports the case's two subscribers as scenario/gojanus and
// scenario/janusjs. It fails when no gojanus subscriber got a frame.
func (c *joinCase) report(b *testing.B, scenario string) {
	if c.timeouts == len(c.gojanus) {
		b.Fatalf("%s: no gojanus subscriber got a frame within %v", scenario, joinTimeout)
	}
	b.Run(scenario+"/gojanus", func(b *testing.B) { mediabench.SpreadOf(c.gojanus).Report(b) })
	b.Run(scenario+"/janusjs", func(b *testing.B) { mediabench.SpreadOf(c.janusjs).Report(b) })
}

// joinDriver is web/test/browser/join.mjs running in node with headless
// Chromium: commands go to its stdin, answers come from its stdout, one
// JSON object a line.
type joinDriver struct {
	b       *testing.B
	cmd     *exec.Cmd
	mark    string
	stdin   io.WriteCloser
	answers chan []byte
	stderr  *lineWriter
	next    int
}

// startJoinDriver starts join.mjs with Chromium, env added to the
// suite's environment (lib.mjs), and returns once Chromium runs.
func startJoinDriver(b *testing.B, ctx context.Context, root string, env map[string]string) *joinDriver {
	b.Helper()
	full, _ := chromiumEnv(b)
	maps.Copy(full, env)
	d := &joinDriver{b: b, mark: newMark(), answers: make(chan []byte), stderr: &lineWriter{t: b}}
	d.cmd = nodeCommand(ctx, filepath.Join(root, browserTestDir), d.mark, full, "join.mjs")
	var err error
	d.stdin, err = d.cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := d.cmd.StdoutPipe()
	require.NoError(b, err)
	d.cmd.Stderr = d.stderr
	require.NoError(b, d.cmd.Start())
	go func() {
		defer close(d.answers)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			d.answers <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	var ready bool
	if err := d.call(ctx, map[string]any{"op": "ready"}, &ready); err != nil {
		d.close()
		b.Fatalf("starting Chromium: %v", err)
	}
	return d
}

// call sends one command and decodes its answer's result into result.
func (d *joinDriver) call(ctx context.Context, cmd map[string]any, result any) error {
	d.next++
	cmd["id"] = d.next
	line, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	if _, err := d.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("join.mjs: %w", err)
	}
	timer := time.NewTimer(driverTimeout)
	defer timer.Stop()
	for {
		select {
		case a, ok := <-d.answers:
			if !ok {
				return errors.New("join.mjs ended")
			}
			var ans struct {
				ID     int
				Result json.RawMessage
				Error  string
			}
			if err := json.Unmarshal(a, &ans); err != nil {
				return fmt.Errorf("join.mjs answered %q: %w", a, err)
			}
			if ans.ID != d.next {
				continue // the answer to a command that timed out
			}
			if ans.Error != "" {
				return fmt.Errorf("join.mjs %s: %s", cmd["op"], ans.Error)
			}
			return json.Unmarshal(ans.Result, result)
		case <-timer.C:
			return fmt.Errorf("join.mjs %s: no answer within %v", cmd["op"], driverTimeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// close ends join.mjs (its stdin ends: it closes Chromium) and makes sure
// nothing of it survives.
func (d *joinDriver) close() {
	_ = d.stdin.Close()
	done := make(chan struct{})
	go func() {
		for range d.answers { // until stdout ends
		}
		_ = d.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		d.b.Logf("join.mjs did not end within 10 s of its stdin")
	}
	if n := killNode(d.cmd, d.mark); n > 0 {
		d.b.Logf("killed %d leftover process(es) of join.mjs", n)
	}
	<-done
	d.stderr.flush()
}
