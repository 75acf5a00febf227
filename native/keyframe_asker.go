package native

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
)

// A video receiver that joins a running stream shows nothing until a
// keyframe comes, so until its first keyframe it asks the sender for one
// (RTCP PLI): 100, 200 and 300 ms after the first packet, then with
// doubling gaps (200 ms, 400 ms, 800 ms, 1.6 s later) and every 2 s from
// then on. A sender that answers (a browser, an encoder in this process)
// answers the first request; one that cannot hear requests (ffmpeg, GStreamer, a file) makes
// its keyframe on its own schedule, and the growing gaps keep the requests
// to a handful (six in the first 3 s) instead of a steady stream that
// Janus would relay to every publisher. After the first keyframe the
// receiver stops asking for good: later losses are the NACK generator's
// to repair, and Janus itself asks the publisher for a keyframe when a
// subscription switches publisher or simulcast layer.
const (
	// firstKeyframeRequestDelay is the wait from a stream's first packet
	// to its first request. Janus asks a publisher for a keyframe itself
	// when a subscriber's PeerConnection comes up; the delay gives that
	// answer time to arrive before asking again (a browser publisher's
	// keyframe reached a native subscriber 30 to 80 ms after its first
	// packet here, but for 2 of 5 joins in one run none came until this
	// request, at 200 ms then: BenchmarkJoin).
	firstKeyframeRequestDelay = 100 * time.Millisecond
	// steadyKeyframeRequests is how many scheduled requests come at the
	// first gap before the gaps double. A browser publisher (libwebrtc)
	// ignores a keyframe request that comes within 300 ms of its last
	// keyframe; when another subscriber's join had just made one, Janus's
	// request for this join and the first of these went unanswered, and
	// with doubling gaps the next came only at 700 ms (first frames at
	// 400 ms in BenchmarkJoin); at the first gap, the request after the
	// window comes within 100 ms of its end.
	steadyKeyframeRequests = 3
	// maxKeyframeRequestGap caps the doubling gaps (a longer first gap,
	// for a sink's own requests, is kept as it is).
	maxKeyframeRequestGap = 2 * time.Second
)

// stopper is a timer that can be stopped (*time.Timer).
type stopper interface{ Stop() bool }

// afterFunc runs f in its own goroutine after d (time.AfterFunc; tests
// replace it with a clock of their own).
type afterFunc func(d time.Duration, f func()) stopper

func realAfter(d time.Duration, f func()) stopper { return time.AfterFunc(d, f) }

// keyframeAsker calls ask at a first gap, three times, and then with
// doubling gaps until stop. It holds no
// goroutine between requests: a timer runs each one.
type keyframeAsker struct {
	ask   func()
	after afterFunc
	asked atomic.Uint64 // requests made, read without the lock

	mu      sync.Mutex
	gap     time.Duration
	maxGap  time.Duration
	fired   int // scheduled requests made
	timer   stopper
	started bool
	done    bool
}

func newKeyframeAsker(ask func(), after afterFunc) *keyframeAsker {
	if after == nil {
		after = realAfter
	}
	return &keyframeAsker{ask: ask, after: after}
}

// now asks at once, unless stopped.
func (a *keyframeAsker) now() { a.request(false) }

// schedule asks after first, twice more at that gap, and then with
// doubling gaps, capped at
// maxKeyframeRequestGap (or first, if longer). Only the first call
// counts.
func (a *keyframeAsker) schedule(first time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done || a.started {
		return
	}
	a.started, a.gap, a.maxGap = true, first, max(first, maxKeyframeRequestGap)
	a.timer = a.after(first, a.fire)
}

// fire makes one scheduled request and schedules the next.
func (a *keyframeAsker) fire() { a.request(true) }

// request makes one request unless stopped and, with next, schedules the
// following one. A request is counted when it is decided, under the lock
// that stop takes: a request counted before stop may still be on its
// way, none follows.
func (a *keyframeAsker) request(next bool) {
	a.mu.Lock()
	if a.done {
		a.mu.Unlock()
		return
	}
	a.asked.Add(1)
	if next {
		if a.fired++; a.fired >= steadyKeyframeRequests {
			a.gap = min(2*a.gap, a.maxGap)
		}
		a.timer = a.after(a.gap, a.fire)
	}
	a.mu.Unlock()
	a.ask()
}

// stop ends the requests; it is safe to call more than once.
func (a *keyframeAsker) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = true
	if a.timer != nil {
		a.timer.Stop()
	}
}

// count returns the number of requests made so far. A nil asker made none.
func (a *keyframeAsker) count() uint64 {
	if a == nil {
		return 0
	}
	return a.asked.Load()
}

// pli asks the sender of the stream ssrc for a keyframe. The packet's
// sender SSRC is the media SSRC too: a receive-only PeerConnection has no
// SSRC of its own, and Janus (1.1.2, measured) takes a PLI whose sender
// SSRC is 0 for its first m-line, so that a subscriber's request for the
// video of a publisher that put its audio first never reached the video.
func pli(ssrc uint32) *rtcp.PictureLossIndication {
	return &rtcp.PictureLossIndication{SenderSSRC: ssrc, MediaSSRC: ssrc}
}
