package hostile

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// post sends a request over HTTP and returns the answer.
func post(t *testing.T, url, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return m
}

// get long-polls url and returns the body.
func get(t *testing.T, url string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func id(t *testing.T, m map[string]any) string {
	t.Helper()
	data, ok := m["data"].(map[string]any)
	require.True(t, ok, "no data in %v", m)
	return strconv.FormatFloat(data["id"].(float64), 'f', -1, 64)
}

func TestHTTPProtocol(t *testing.T) {
	s := New(t)
	defer http.DefaultClient.CloseIdleConnections()
	base := s.HTTPURL()
	assert.EqualValues(t, codeInvalidPath, post(t, base, `{"janus":"list_sessions","transaction":"p"}`)["error"].(map[string]any)["code"])
	sid := id(t, post(t, base, `{"janus":"create","transaction":"a"}`))
	hid := id(t, post(t, base+"/"+sid, `{"janus":"attach","plugin":"x","transaction":"b"}`))
	ack := post(t, base+"/"+sid+"/"+hid, `{"janus":"message","body":{"n":1},"transaction":"c"}`)
	assert.Equal(t, "ack", ack["janus"])
	body, err := get(t, base+"/"+sid+"?maxev=1")
	require.NoError(t, err)
	assert.JSONEq(t, `{"janus":"event","session_id":`+sid+`,"sender":`+hid+`,"transaction":"c",
		"plugindata":{"plugin":"janus.plugin.echotest","data":{"result":"ok","echo":{"n":1}}}}`, body)
	assert.EqualValues(t, codeNoHandle, post(t, base+"/"+sid+"/1", `{"janus":"message","transaction":"d"}`)["error"].(map[string]any)["code"])
	assert.Equal(t, "success", post(t, base+"/"+sid, `{"janus":"destroy","transaction":"e"}`)["janus"])
	assert.EqualValues(t, codeNoSession, post(t, base+"/"+sid, `{"janus":"keepalive","transaction":"f"}`)["error"].(map[string]any)["code"])
}

func TestPollsBatchObjectsAndSendOthersAlone(t *testing.T) {
	s := New(t)
	defer http.DefaultClient.CloseIdleConnections()
	sid := id(t, post(t, s.HTTPURL(), `{"janus":"create","transaction":"a"}`))
	require.Error(t, s.Push(4, Frame{Body: []byte(`{}`)}), "a session the server does not know, without a WebSocket")
	sid64, _ := strconv.ParseUint(sid, 10, 64)
	require.NoError(t, s.Push(sid64, JSON(map[string]int{"a": 1}), JSON(map[string]int{"b": 2}),
		Frame{Body: []byte(`{"broken`)}, JSON(map[string]int{"c": 3})))
	require.NoError(t, s.Flood(sid64, 7, 3))
	assert.Equal(t, 5, s.Queued(sid64), "four frames and a flood")
	poll := s.HTTPURL() + "/" + sid + "?maxev=2"
	for _, want := range []string{`[{"a":1},{"b":2}]`, `{"broken`, `[{"c":3},` + string(floodEvent(sid64, 7, 1)) + `]`,
		`[` + string(floodEvent(sid64, 7, 2)) + `,` + string(floodEvent(sid64, 7, 3)) + `]`} {
		body, err := get(t, poll)
		require.NoError(t, err)
		assert.Equal(t, want, body)
	}
	assert.Zero(t, s.Queued(sid64))
	assert.EqualValues(t, 7, s.Injected())
}

func TestCutMidFrame(t *testing.T) {
	s := New(t)
	defer http.DefaultClient.CloseIdleConnections()
	ev := Event(1, 2, "", map[string]string{"pad": strings.Repeat("x", 200)})
	cut := ev
	cut.Cut = true

	sid := id(t, post(t, s.HTTPURL(), `{"janus":"create","transaction":"a"}`))
	sid64, _ := strconv.ParseUint(sid, 10, 64)
	require.NoError(t, s.Push(sid64, cut))
	body, err := get(t, s.HTTPURL()+"/"+sid)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, string(ev.Body[:len(ev.Body)/2]), body)

	c, _, err := websocket.Dial(ctx(t), s.WSURL(), &websocket.DialOptions{Subprotocols: []string{subprotocol}})
	require.NoError(t, err)
	defer c.CloseNow()
	require.Eventually(t, func() bool { return s.Connections() == 1 }, 10*time.Second, time.Millisecond)
	require.NoError(t, s.Push(0, ev, cut))
	_, b, err := c.Read(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, ev.Body, b)
	_, _, err = c.Read(ctx(t))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestFrames(t *testing.T) {
	big := Oversized(1, 2, 1000)
	assert.Len(t, big.Body, 1000)
	assert.True(t, json.Valid(big.Body))
	assert.Equal(t, `[[[0]]]`, string(Nested("[", 3, true)))
	assert.Equal(t, `{"a":{"a":0}}`, string(Nested(`{"a":`, 2, true)))
	assert.Equal(t, `[[`, string(Nested("[", 2, false)))
	assert.Equal(t, []byte{0x81, 125}, wsHeader(0x81, 125))
	assert.Equal(t, []byte{0x82, 126, 1, 0}, wsHeader(0x82, 256))
	assert.Equal(t, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}, wsHeader(0x81, 65536))
}
