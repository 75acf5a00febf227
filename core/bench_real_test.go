package core_test

import (
	"context"
	"testing"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// BenchmarkRealRequest measures one synchronous plugin request (VideoRoom
// "exists") through a real Janus on 127.0.0.1, over each transport: the
// round-trip latency an application sees.
func BenchmarkRealRequest(b *testing.B) {
	srv := janustest.Start(b, janusserver.Options{})
	for _, tr := range transports(srv) {
		b.Run(tr.name, func(b *testing.B) {
			ctx := context.Background()
			c, err := core.Dial(ctx, tr.url)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			s, err := c.CreateSession(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Destroy(ctx)
			h, err := s.Attach(ctx, videoRoom)
			if err != nil {
				b.Fatal(err)
			}
			body := map[string]any{"request": "exists", "room": 1234}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Message(ctx, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRealSessionSetup measures create + attach + detach + destroy
// through a real Janus over WebSocket.
func BenchmarkRealSessionSetup(b *testing.B) {
	srv := janustest.Start(b, janusserver.Options{})
	ctx := context.Background()
	c, err := core.Dial(ctx, srv.WSURL)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := sessionCycle(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// sessionCycle creates a session, attaches an EchoTest handle, detaches it
// and destroys the session.
func sessionCycle(ctx context.Context, c *core.Client) error {
	s, err := c.CreateSession(ctx)
	if err != nil {
		return err
	}
	h, err := s.Attach(ctx, echoTest)
	if err != nil {
		return err
	}
	if err := h.Detach(ctx); err != nil {
		return err
	}
	return s.Destroy(ctx)
}
