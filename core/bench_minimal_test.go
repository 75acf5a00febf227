package core_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/coder/websocket"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// BenchmarkRealRequestMinimal is the floor BenchmarkRealRequest/ws is
// measured against: the least a client can do for the same request over
// coder/websocket (prebuilt bytes, one connection, no transaction
// matching beyond a byte search, no decoding).
func BenchmarkRealRequestMinimal(b *testing.B) {
	srv := janustest.Start(b, janusserver.Options{})
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, srv.WSURL, &websocket.DialOptions{Subprotocols: []string{"janus-protocol"}})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	roundTrip := func(msg []byte) []byte {
		if err := conn.Write(ctx, websocket.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		_, resp, err := conn.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	id := func(resp []byte) string {
		i := bytes.Index(resp, []byte(`"id":`))
		j := i + 5
		for j < len(resp) && resp[j] >= '0' && resp[j] <= '9' {
			j++
		}
		return string(resp[i+5 : j])
	}
	session := id(roundTrip([]byte(`{"janus":"create","transaction":"c"}`)))
	handle := id(roundTrip([]byte(`{"janus":"attach","plugin":"janus.plugin.videoroom","session_id":` + session + `,"transaction":"a"}`)))
	msg := []byte(`{"janus":"message","session_id":` + session + `,"handle_id":` + handle +
		`,"transaction":"m","body":{"request":"exists","room":1234}}`)
	b.ReportAllocs()
	for b.Loop() {
		roundTrip(msg)
	}
}
