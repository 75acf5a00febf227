package core

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gojanus/gojanus/core/transport/mem"
)

// echoServer answers every request on the server end of a mem transport:
// "message" with an ack and then a plugin event (the asynchronous path),
// everything else with a success carrying id 1.
func echoServer(ctx context.Context, srv *mem.Server) {
	for {
		req, err := srv.Recv(ctx)
		if err != nil {
			return
		}
		var m struct {
			Janus       string `json:"janus"`
			Transaction string `json:"transaction"`
		}
		_ = json.Unmarshal(req.Body, &m)
		tx := m.Transaction
		if m.Janus == "message" {
			_ = srv.Send([]byte(`{"janus":"ack","session_id":1,"transaction":"` + tx + `"}`))
			_ = srv.Send([]byte(`{"janus":"event","session_id":1,"sender":1,"transaction":"` + tx +
				`","plugindata":{"plugin":"janus.plugin.echotest","data":{"echotest":"event","result":"ok"}}}`))
			continue
		}
		_ = srv.Send([]byte(`{"janus":"success","session_id":1,"transaction":"` + tx + `","data":{"id":1}}`))
	}
}

func benchClient(b *testing.B) (*Client, *Handle) {
	tr, srv := mem.New()
	ctx, cancel := context.WithCancel(context.Background())
	go echoServer(ctx, srv)
	c := NewClient(tr, WithKeepalive(0))
	b.Cleanup(func() { cancel(); _ = c.Close() })
	s, err := c.CreateSession(ctx)
	if err != nil {
		b.Fatal(err)
	}
	h, err := s.Attach(ctx, "janus.plugin.echotest")
	if err != nil {
		b.Fatal(err)
	}
	return c, h
}

// BenchmarkMessage measures one asynchronous plugin request (ack + event)
// over the in-memory transport: the client's own cost per request.
func BenchmarkMessage(b *testing.B) {
	_, h := benchClient(b)
	ctx := context.Background()
	body := map[string]any{"audio": true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Message(ctx, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessageParallel runs requests from many goroutines at once
// over one connection.
func BenchmarkMessageParallel(b *testing.B) {
	_, h := benchClient(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		body := map[string]any{"audio": true}
		for pb.Next() {
			if _, err := h.Message(ctx, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeEvent measures decoding one plugin event with JSEP.
func BenchmarkDecodeEvent(b *testing.B) {
	msg := []byte(`{"janus":"event","session_id":123456789,"sender":987654321,"transaction":"abc-1",` +
		`"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event","room":1234,"publishers":[{"id":1,"display":"a"}]}},` +
		`"jsep":{"type":"answer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := decodeFrames(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionSetup measures the client's side of create + attach +
// detach + destroy over the in-memory transport (the server end answers
// at once).
func BenchmarkSessionSetup(b *testing.B) {
	tr, srv := mem.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go setupServer(ctx, srv)
	c := NewClient(tr, WithKeepalive(0))
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.CreateSession(ctx)
		if err != nil {
			b.Fatal(err)
		}
		h, err := s.Attach(ctx, "janus.plugin.echotest")
		if err != nil {
			b.Fatal(err)
		}
		if err := h.Detach(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.Destroy(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// setupServer answers create, attach, detach (then a "detached" event, as
// Janus does) and destroy, with increasing ids.
func setupServer(ctx context.Context, srv *mem.Server) {
	var id uint64
	for {
		req, err := srv.Recv(ctx)
		if err != nil {
			return
		}
		var m struct {
			Janus       string `json:"janus"`
			Transaction string `json:"transaction"`
			Session     uint64 `json:"session_id"`
			Handle      uint64 `json:"handle_id"`
		}
		_ = json.Unmarshal(req.Body, &m)
		id++
		_ = srv.SendJSON(map[string]any{"janus": "success", "session_id": m.Session, "transaction": m.Transaction, "data": map[string]any{"id": id}})
		if m.Janus == "detach" {
			_ = srv.SendJSON(map[string]any{"janus": "detached", "session_id": m.Session, "sender": m.Handle})
		}
	}
}
