package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/ws"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// recorder wraps a transport and keeps every message received.
type recorder struct {
	transport.Transport
	mu     sync.Mutex
	frames [][]byte
}

func (r *recorder) Recv(ctx context.Context) ([]byte, error) {
	b, err := r.Transport.Recv(ctx)
	if err == nil {
		r.mu.Lock()
		r.frames = append(r.frames, append([]byte(nil), b...))
		r.mu.Unlock()
	}
	return b, err
}

// TestRecordFrames records real Janus messages into testdata/frames, the
// seed corpus of FuzzIncomingMessage. It runs only with
// GOJANUS_RECORD_FRAMES=1 (go tool mage recordFrames).
func TestRecordFrames(t *testing.T) {
	if os.Getenv("GOJANUS_RECORD_FRAMES") != "1" {
		t.Skip("set GOJANUS_RECORD_FRAMES=1 to record frames")
	}
	offer, err := os.ReadFile("../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	srv := janustest.Start(t, janusserver.Options{SessionTimeout: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr, err := ws.Dial(ctx, srv.WSURL, transport.Options{})
	require.NoError(t, err)
	rec := &recorder{Transport: tr}
	c := core.NewClient(rec, core.WithKeepalive(0))
	defer c.Close()

	_, _ = c.Info(ctx)
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	vr, _ := s.Attach(ctx, videoRoom)
	_, _ = vr.Message(ctx, map[string]any{"request": "list"})
	_, _ = vr.Message(ctx, map[string]any{"request": "exists", "room": 1234})
	_, _ = vr.Message(ctx, map[string]any{"request": "join", "ptype": "publisher", "room": 99999})
	_, _ = vr.Message(ctx, map[string]any{"request": "join", "ptype": "publisher", "room": 1234, "display": "rec"})
	_, _ = vr.Message(ctx, map[string]any{"request": "listparticipants", "room": 1234})
	et, _ := s.Attach(ctx, echoTest)
	_, _ = et.Message(ctx, map[string]any{"audio": true}, core.WithJSEP(&core.JSEP{Type: "offer", SDP: string(offer)}))
	_ = et.Trickle(ctx, core.Candidate{Candidate: "candidate:1 1 udp 1 192.0.2.1 4000 typ host", SDPMid: "0", SDPMLineIndex: core.MLineIndex(0)})
	_ = et.TrickleCompleted(ctx)
	_ = et.Hangup(ctx)
	_ = et.Detach(ctx)
	_, _ = s.Attach(ctx, "janus.plugin.nope")
	_, _ = c.ClaimSession(ctx, 1)
	// An idle session expires: the timeout event. Both sessions are idle
	// (no keepalives): their timeouts, in either order, are the last
	// frames (Recv keeps a frame before the client acts on it).
	s2, err := c.CreateSession(ctx)
	require.NoError(t, err)
	for _, idle := range []*core.Session{s, s2} {
		select {
		case <-idle.Done():
		case <-ctx.Done():
			t.Fatal("an idle session did not expire")
		}
	}

	dir := "../testdata/frames"
	require.NoError(t, os.MkdirAll(dir, 0o755))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i, f := range rec.frames {
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.json", i)), f, 0o644))
	}
	t.Logf("recorded %d frames into %s", len(rec.frames), dir)
}
