package textroom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/textroom"
)

// fakeDC is a textroom.DataChannel in memory: what the chat sends goes
// to sent, and deliver plays the plugin.
type fakeDC struct {
	sent    chan []byte
	sendErr error

	mu sync.Mutex
	fn func([]byte)
}

func newFakeDC() *fakeDC { return &fakeDC{sent: make(chan []byte, 64)} }

func (f *fakeDC) Send(b []byte) error {
	if f.sendErr != nil {
		return f.sendErr
	}
	f.sent <- append([]byte(nil), b...)
	return nil
}

func (f *fakeDC) OnMessage(fn func([]byte)) {
	f.mu.Lock()
	f.fn = fn
	f.mu.Unlock()
}

// deliver passes one message to the chat, as the data channel would.
func (f *fakeDC) deliver(s string) {
	f.mu.Lock()
	fn := f.fn
	f.mu.Unlock()
	fn([]byte(s))
}

// request reads the next frame the chat sent.
func (f *fakeDC) request(t *testing.T) map[string]any {
	t.Helper()
	select {
	case b := <-f.sent:
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m), "%s", b)
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("nothing sent")
		return nil
	}
}

// serve answers every request with answer(request) until ctx ends.
func (f *fakeDC) serve(ctx context.Context, answer func(req map[string]any) string) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case b := <-f.sent:
				var m map[string]any
				if json.Unmarshal(b, &m) == nil {
					if a := answer(m); a != "" {
						f.deliver(a)
					}
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return done
}

func nextEvent(t *testing.T, c *textroom.Chat) textroom.DataMessage {
	t.Helper()
	select {
	case m, ok := <-c.Events():
		require.True(t, ok, "events closed")
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return nil
	}
}

func TestChatRequests(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dc := newFakeDC()
	chat := textroom.NewChat(dc)
	defer chat.Close()
	var mu sync.Mutex
	var reqs []map[string]any
	done := dc.serve(ctx, func(req map[string]any) string {
		mu.Lock()
		reqs = append(reqs, req)
		mu.Unlock()
		tx := req["transaction"]
		switch req["textroom"] {
		case "join":
			// History first, then the answer.
			dc.deliver(`{"textroom":"message","room":7,"from":"carol","text":"earlier","date":"2025-01-02T03:04:05+0000"}`)
			return fmt.Sprintf(`{"textroom":"success","transaction":%q,"participants":[{"username":"carol","display":"Carol"}]}`, tx)
		case "message":
			if req["to"] != nil || req["tos"] != nil {
				return fmt.Sprintf(`{"textroom":"success","transaction":%q,"sent":{"bob":true,"dave":false}}`, tx)
			}
			return fmt.Sprintf(`{"textroom":"success","transaction":%q}`, tx)
		case "leave":
			return fmt.Sprintf(`{"textroom":"error","transaction":%q,"error_code":422,"error":"Not in room"}`, tx)
		}
		return ""
	})

	ok, err := chat.Join(ctx, textroom.JoinRequest{Room: core.NumID(7), Username: "alice", Display: "Alice", Pin: "1234"})
	require.NoError(t, err)
	assert.Equal(t, []textroom.Participant{{Username: "carol", Display: "Carol"}}, ok.Participants)
	msg := nextEvent(t, chat).(*textroom.Message)
	assert.Equal(t, "earlier", msg.Text)
	assert.Equal(t, 2025, msg.Date.Year())

	_, err = chat.Message(ctx, textroom.MessageRequest{Room: core.NumID(7), Text: "hi"})
	require.NoError(t, err)
	sent, err := chat.Message(ctx, textroom.MessageRequest{Room: core.NumID(7), Text: "psst", To: "bob"})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"bob": true, "dave": false}, sent.Sent)
	_, err = chat.Message(ctx, textroom.MessageRequest{Room: core.NumID(7), Text: "psst", Tos: []string{"bob", "dave"}})
	require.NoError(t, err)

	err = chat.Leave(ctx, core.NumID(7))
	require.ErrorIs(t, err, textroom.ErrNotInRoom)
	var pe *core.PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Not in room", pe.Reason)
	assert.Equal(t, textroom.Plugin, pe.Plugin)
	assert.Equal(t, "janus: textroom: leave: error 422: Not in room", err.Error())

	// A message without acknowledgement is not waited for.
	res, err := chat.Do(ctx, textroom.MessageRequest{Room: core.NumID(7), Text: "fire and forget", Ack: core.Ptr(false)})
	require.NoError(t, err)
	assert.Nil(t, res)

	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(reqs) == 6 }, 5*time.Second, time.Millisecond)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	txs := map[any]bool{}
	for _, r := range reqs {
		require.NotEmpty(t, r["transaction"])
		txs[r["transaction"]] = true
		assert.Equal(t, float64(7), r["room"])
	}
	assert.Len(t, txs, 6, "a transaction per request")
	assert.Equal(t, "join", reqs[0]["textroom"])
	assert.Equal(t, "alice", reqs[0]["username"])
	assert.Equal(t, "Alice", reqs[0]["display"])
	assert.Equal(t, "1234", reqs[0]["pin"])
	assert.Equal(t, "hi", reqs[1]["text"])
	assert.Nil(t, reqs[1]["to"])
	assert.Equal(t, "bob", reqs[2]["to"])
	assert.Equal(t, []any{"bob", "dave"}, reqs[3]["tos"])
	assert.Equal(t, "leave", reqs[4]["textroom"])
	assert.Equal(t, false, reqs[5]["ack"])
}

func TestChatEvents(t *testing.T) {
	dc := newFakeDC()
	chat := textroom.NewChat(dc)
	defer chat.Close()
	for _, s := range []string{
		`{"textroom":"join","room":1,"username":"bob","display":"Bob"}`,
		`{"textroom":"message","room":1,"from":"bob","text":"hi","whisper":true,"date":"2025-01-02T03:04:05+0000"}`,
		`{"textroom":"announcement","room":1,"text":"news","date":"2025-01-02T03:04:05+0000"}`,
		`{"textroom":"leave","room":1,"username":"bob"}`,
		`{"textroom":"kicked","room":1,"username":"carol"}`,
		`{"textroom":"destroyed","room":1}`,
		`{"textroom":"dancing","room":1}`,
		`not json`,
		// Answers that match no request go to the stream too.
		`{"textroom":"success","transaction":"nobody"}`,
		`{"textroom":"error","error_code":412,"error":"Invalid JSON"}`,
	} {
		dc.deliver(s)
	}
	assert.Equal(t, &textroom.Joined{Room: core.NumID(1), Username: "bob", Display: "Bob"}, nextEvent(t, chat))
	m := nextEvent(t, chat).(*textroom.Message)
	assert.True(t, m.Whisper)
	assert.Equal(t, "bob", m.From)
	assert.Equal(t, "news", nextEvent(t, chat).(*textroom.Announcement).Text)
	assert.Equal(t, &textroom.Left{Room: core.NumID(1), Username: "bob"}, nextEvent(t, chat))
	assert.Equal(t, &textroom.Kicked{Room: core.NumID(1), Username: "carol"}, nextEvent(t, chat))
	assert.Equal(t, &textroom.RoomDestroyed{Room: core.NumID(1)}, nextEvent(t, chat))
	assert.Equal(t, "dancing", nextEvent(t, chat).(*textroom.Unknown).Name)
	u := nextEvent(t, chat).(*textroom.Unknown)
	assert.Empty(t, u.Name)
	assert.Equal(t, "not json", string(u.Data))
	assert.Equal(t, "nobody", nextEvent(t, chat).(*textroom.Success).Transaction)
	assert.Equal(t, textroom.ErrInvalidJSON.Code, nextEvent(t, chat).(*textroom.Failure).Code)
}

// A reader that falls behind loses the oldest queued events, is told how
// many, and gets the rest in order; delivery never blocks.
func TestChatOverflow(t *testing.T) {
	dc := newFakeDC()
	chat := textroom.NewChat(dc, textroom.WithChatEventBuffer(2), textroom.WithChatMaxQueued(5))
	defer chat.Close()
	const n = 100
	for i := range n {
		dc.deliver(fmt.Sprintf(`{"textroom":"message","room":1,"from":"bob","text":"%d"}`, i))
	}
	got, dropped, last := 0, 0, -1
	for got+dropped < n {
		switch m := nextEvent(t, chat).(type) {
		case *core.EventsDropped:
			assert.Positive(t, m.Count)
			assert.Equal(t, "dropped", m.Kind())
			dropped += m.Count
		case *textroom.Message:
			var i int
			_, err := fmt.Sscan(m.Text, &i)
			require.NoError(t, err)
			assert.Greater(t, i, last, "in order")
			last = i
			got++
		}
	}
	assert.Equal(t, n-1, last, "the newest event is kept")
	assert.Positive(t, dropped)
	assert.LessOrEqual(t, got, 2+5+1, "channel, queue and the one being handed over")
	// No extra event: a bound on a negative check, not a wait.
	select {
	case m := <-chat.Events():
		t.Fatalf("extra event %+v", m)
	case <-time.After(20 * time.Millisecond):
	}
}

// An answer that comes after its request gave up goes to the stream.
func TestChatLateAnswer(t *testing.T) {
	dc := newFakeDC()
	chat := textroom.NewChat(dc)
	defer chat.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := chat.Join(ctx, textroom.JoinRequest{Room: core.NumID(1), Username: "alice"})
		errc <- err
	}()
	req := dc.request(t)
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	dc.deliver(fmt.Sprintf(`{"textroom":"success","transaction":%q}`, req["transaction"]))
	assert.Equal(t, req["transaction"], nextEvent(t, chat).(*textroom.Success).Transaction)
}

func TestChatClose(t *testing.T) {
	dc := newFakeDC()
	chat := textroom.NewChat(dc, textroom.WithChatEventBuffer(1))
	// Events wait behind a full channel, so the pump is running.
	for range 3 {
		dc.deliver(`{"textroom":"leave","room":1,"username":"bob"}`)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := chat.Message(context.Background(), textroom.MessageRequest{Room: core.NumID(1), Text: "waiting"})
		errc <- err
	}()
	dc.request(t)
	require.NoError(t, chat.Close())
	require.ErrorIs(t, <-errc, textroom.ErrChatClosed)
	dc.deliver(`{"textroom":"leave","room":1,"username":"carol"}`) // ignored
	n := 0
	for range chat.Events() {
		n++
	}
	assert.LessOrEqual(t, n, 2, "what was in the channel, then closed")
	_, err := chat.Join(context.Background(), textroom.JoinRequest{Room: core.NumID(1), Username: "alice"})
	require.ErrorIs(t, err, textroom.ErrChatClosed)
	_, err = chat.Do(context.Background(), textroom.MessageRequest{Room: core.NumID(1), Text: "x", Ack: core.Ptr(false)})
	require.ErrorIs(t, err, textroom.ErrChatClosed)
	require.NoError(t, chat.Close(), "twice")
}

func TestChatSendError(t *testing.T) {
	dc := newFakeDC()
	dc.sendErr = errors.New("channel closed")
	chat := textroom.NewChat(dc)
	defer chat.Close()
	_, err := chat.Join(context.Background(), textroom.JoinRequest{Room: core.NumID(1), Username: "alice"})
	require.ErrorIs(t, err, dc.sendErr)
	_, err = chat.Message(context.Background(), textroom.MessageRequest{Room: core.NumID(1), Text: "x", To: "a"})
	require.ErrorIs(t, err, dc.sendErr)
	_, err = chat.Do(context.Background(), textroom.MessageRequest{Room: core.NumID(1), Text: "x", To: "a", Tos: []string{"b"}})
	require.Error(t, err, "to and tos together")
	_, err = chat.Do(context.Background(), nil)
	require.Error(t, err)
}

// Concurrent requests answered out of order each get their own answer.
func TestChatConcurrent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dc := newFakeDC()
	chat := textroom.NewChat(dc)
	defer chat.Close()
	const n = 50
	done := make(chan struct{})
	go func() {
		defer close(done)
		var held []map[string]any
		for len(held) < n {
			select {
			case b := <-dc.sent:
				var m map[string]any
				if json.Unmarshal(b, &m) == nil {
					held = append(held, m)
				}
			case <-ctx.Done():
				return
			}
		}
		for i := len(held) - 1; i >= 0; i-- { // answer in reverse order
			dc.deliver(fmt.Sprintf(`{"textroom":"success","transaction":%q,"text":%q}`, held[i]["transaction"], held[i]["text"]))
		}
	}()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ok, err := chat.Message(ctx, textroom.MessageRequest{Room: core.NumID(1), Text: fmt.Sprint(i)})
			if assert.NoError(t, err) {
				var body struct{ Text string }
				assert.NoError(t, ok.Decode(&body))
				assert.Equal(t, fmt.Sprint(i), body.Text)
			}
		})
	}
	wg.Wait()
	<-done
}
