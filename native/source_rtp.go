package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

type rtpTrack struct {
	track rtpSourceTrack
	c     *counter
	// rewrite, if set, edits each packet before it is written to the
	// track (the simulcast source adds the mid and rid extensions).
	rewrite func(*rtp.Packet)
}

// newRTPTrack makes the track of a source fed over RTP.
func newRTPTrack(tr *webrtc.TrackLocalStaticRTP, c *counter) rtpTrack {
	return rtpTrack{track: rtpSourceTrack{TrackLocalStaticRTP: tr, c: c}, c: c}
}

// answerKeyframes makes the track's keyframe requests set the returned
// flag, which an encoder in this process reads before each frame, and
// send a value on wake, which makes that frame come at once. Tracks may
// share one wake channel (buffered, of capacity 1).
func (t *rtpTrack) answerKeyframes(wake chan struct{}) *atomic.Bool {
	t.track.wanted = new(atomic.Bool)
	t.track.wake = wake
	return t.track.wanted
}

// rtpTracks are the tracks of a source fed by an external process; it
// gives the Tracks and Stats methods of such sources.
type rtpTracks []rtpTrack

func (ts rtpTracks) Tracks() []webrtc.TrackLocal {
	out := make([]webrtc.TrackLocal, len(ts))
	for i, t := range ts {
		out[i] = t.track
	}
	return out
}

func (ts rtpTracks) Stats() []TrackStats {
	out := make([]TrackStats, len(ts))
	for i, t := range ts {
		out[i] = t.c.stats()
	}
	return out
}

// runRTPProcess runs a program that sends RTP to conns and forwards each
// socket's packets to its track until the program exits.
func runRTPProcess(ctx context.Context, bin string, args []string, stderr io.Writer, conns []*net.UDPConn, tracks rtpTracks) error {
	var tail tailBuffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &tail
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, &tail)
	}
	cmd.WaitDelay = 3 * time.Second
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("native: starting %s: %w", bin, err)
	}
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			forwardRTP(c, tracks[i])
		}()
	}
	err := cmd.Wait()
	// Let the last packets in the socket buffers through, then stop.
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("native: %s exited: %w: %s", bin, err, strings.TrimSpace(tail.String()))
	}
	return nil
}

func forwardRTP(c *net.UDPConn, t rtpTrack) {
	buf := make([]byte, 1600)
	for {
		n, _, err := c.ReadFromUDP(buf)
		if err != nil {
			return
		}
		var pkt rtp.Packet
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		if err := t.write(&pkt); err != nil {
			return
		}
	}
}

// write counts a packet (and the keyframe it may start), lets rewrite
// edit it and sends it. A track that is not bound (yet, or any more)
// drops it silently.
func (t rtpTrack) write(pkt *rtp.Packet) error {
	frames := 0
	video := t.c.kind == "video"
	if !video || pkt.Marker {
		frames = 1
	}
	t.c.add(1, len(pkt.Payload), frames)
	if video && startsKeyframe(t.c.codec, pkt.Payload) {
		t.c.keyframe()
	}
	if t.rewrite != nil {
		t.rewrite(pkt)
	}
	if err := t.track.WriteRTP(pkt); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	return nil
}

// tailBuffer keeps the last 4 kB written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if t.b.Len() > 4096 {
		t.b.Next(t.b.Len() - 4096)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
