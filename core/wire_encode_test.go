package core

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestEncodeMatchesMarshal holds the hand-written request encoder
// to json.Marshal's output, byte for byte, for every kind of field.
func TestRequestEncodeMatchesMarshal(t *testing.T) {
	tru := true
	reqs := []*request{
		{Janus: "keepalive", SessionID: 1},
		{Janus: "info"},
		{Janus: "attach", SessionID: 18446744073709551615, Plugin: "janus.plugin.videoroom", OpaqueID: "o<&>\"\\é\x01\u2028"},
		{Janus: "message", SessionID: 5, HandleID: 6, Body: map[string]any{"request": "join", "room": 1234, "display": "Zoë <b>"}},
		{Janus: "message", SessionID: 5, HandleID: 6, Body: struct {
			A int `json:"a"`
		}{7}, JSEP: &JSEP{Type: "offer", SDP: "v=0\r\n", Trickle: &tru}},
		{Janus: "trickle", SessionID: 5, HandleID: 6, Candidate: &Candidate{Completed: true}},
		{Janus: "trickle", SessionID: 5, HandleID: 6, Candidates: []Candidate{{Candidate: "candidate:1", SDPMid: "0", SDPMLineIndex: MLineIndex(0)}}},
		{Janus: "create", APISecret: "s3cret", Token: "tok\"en"},
		{Janus: "message", SessionID: 5, HandleID: 6, Body: []byte("bytes become base64")},
	}
	for _, r := range reqs {
		got, err := r.encode("tx-1")
		require.NoError(t, err)
		want, err := json.Marshal(r)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

// TestRequestEncodeRawBody checks that a json.RawMessage body is sent as
// it is, and that an invalid one is an error, as with json.Marshal.
func TestRequestEncodeRawBody(t *testing.T) {
	r := &request{Janus: "message", SessionID: 1, HandleID: 2, Body: json.RawMessage(` {"request": "list"} `)}
	got, err := r.encode("t")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(got, &m))
	assert.Equal(t, map[string]any{"request": "list"}, m["body"])

	r.Body = json.RawMessage(`{"request":`)
	_, err = r.encode("t")
	require.Error(t, err)
	_, err = json.Marshal(r)
	require.Error(t, err)

	r.Body = json.RawMessage(nil)
	got, err = r.encode("t")
	require.NoError(t, err)
	want, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

// BenchmarkRequestEncode measures encoding one plugin message.
func BenchmarkRequestEncode(b *testing.B) {
	r := &request{Janus: "message", SessionID: 123456789, HandleID: 987654321, Body: map[string]any{"audio": true}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.encode("abcdef-1"); err != nil {
			b.Fatal(err)
		}
	}
}
