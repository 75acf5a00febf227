package core_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/coder/websocket"

	"github.com/gojanus/gojanus/internal/janustest"
)

// minimalClient is the floor the benchmarks measure gojanus against: the
// least a client can do over coder/websocket for the benchmark scenarios.
// Requests are prebuilt bytes; a transaction is the number of the worker
// slot waiting for it, found in an answer by a byte search; nothing is
// decoded, nothing is validated, there is no keepalive, no event routing,
// no error handling beyond failing the benchmark.
type minimalClient struct {
	conn  *websocket.Conn
	slots []chan []byte
	done  chan struct{}
}

// dialMinimal connects and starts the one read goroutine; slots is the
// most requests in flight at once.
func dialMinimal(b *testing.B, url string, slots int) *minimalClient {
	ctx := context.Background()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"janus-protocol"}})
	if err != nil {
		b.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	m := &minimalClient{conn: conn, done: make(chan struct{})}
	for range slots {
		m.slots = append(m.slots, make(chan []byte, 4))
	}
	go m.read()
	b.Cleanup(func() {
		conn.CloseNow()
		<-m.done
	})
	return m
}

var txKey = []byte(`"transaction":"`)

// read hands every answer to the slot its transaction names.
func (m *minimalClient) read() {
	defer close(m.done)
	for {
		_, msg, err := m.conn.Read(context.Background())
		if err != nil {
			return
		}
		i := bytes.Index(msg, txKey)
		if i < 0 {
			continue
		}
		n := 0
		for _, c := range msg[i+len(txKey):] {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		if n < len(m.slots) {
			m.slots[n] <- msg
		}
	}
}

// roundTrip sends msg from slot and returns the answer that completes it:
// the first one, or the first that is not an ack when event is set.
func (m *minimalClient) roundTrip(b *testing.B, slot int, msg []byte, event bool) []byte {
	if err := m.conn.Write(context.Background(), websocket.MessageText, msg); err != nil {
		b.Fatal(err)
	}
	for {
		resp, ok := <-m.slots[slot]
		if !ok {
			b.Fatal("connection closed")
		}
		if event && bytes.Contains(resp, []byte(`"janus":"ack"`)) {
			continue
		}
		return resp
	}
}

// id returns the digits after "id": in a success answer.
func minimalID(resp []byte) string {
	i := bytes.Index(resp, []byte(`"id":`))
	if i < 0 {
		return "0"
	}
	j := i + 5
	for j < len(resp) && (resp[j] == ' ' || resp[j] >= '0' && resp[j] <= '9') {
		j++
	}
	return string(bytes.TrimSpace(resp[i+5 : j]))
}

// session creates a session from slot and returns its id.
func (m *minimalClient) session(b *testing.B, slot int) string {
	tx := strconv.Itoa(slot)
	return minimalID(m.roundTrip(b, slot, []byte(`{"janus":"create","transaction":"`+tx+`"}`), false))
}

// attach attaches plugin to session from slot and returns the handle id.
func (m *minimalClient) attach(b *testing.B, slot int, session, plugin string) string {
	tx := strconv.Itoa(slot)
	return minimalID(m.roundTrip(b, slot, []byte(`{"janus":"attach","plugin":"`+plugin+`","session_id":`+session+`,"transaction":"`+tx+`"}`), false))
}

// BenchmarkRealRequestMinimal is the floor BenchmarkRealRequest/ws is
// measured against: one synchronous VideoRoom "exists" request at a time.
func BenchmarkRealRequestMinimal(b *testing.B) {
	srv := janustest.Shared(b)
	m := dialMinimal(b, srv.WSURL, 1)
	session := m.session(b, 0)
	handle := m.attach(b, 0, session, videoRoom)
	msg := []byte(`{"janus":"message","session_id":` + session + `,"handle_id":` + handle +
		`,"transaction":"0","body":{"request":"exists","room":1234}}`)
	b.ReportAllocs()
	for b.Loop() {
		m.roundTrip(b, 0, msg, false)
	}
}
