package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeFrameStd is what decodeFrameFast must equal: encoding/json.
func decodeFrameStd(b []byte) (*frame, error) {
	f := new(frame)
	if err := json.Unmarshal(b, f); err != nil {
		return nil, err
	}
	return f, nil
}

// sameDecoding fails t unless the fast and the standard decoders agree on
// b: both fail, or both give the same frame.
func sameDecoding(t *testing.T, b []byte) {
	t.Helper()
	fast, ferr := decodeFrameFast(b)
	std, serr := decodeFrameStd(b)
	if (ferr == nil) != (serr == nil) {
		t.Fatalf("%q: fast error %v, encoding/json error %v", b, ferr, serr)
	}
	if ferr == nil && !reflect.DeepEqual(fast, std) {
		t.Fatalf("%q:\nfast          %#v\nencoding/json %#v", b, fast, std)
	}
}

var decodeCases = []string{
	`{"janus":"ack","session_id":1,"transaction":"a"}`,
	`{"janus":"event","session_id":12,"sender":34,"transaction":"t","plugindata":{"plugin":"janus.plugin.echotest","data":{"echotest":"event","result":"ok"}},"jsep":{"type":"answer","sdp":"v=0\r\n"}}`,
	`{"janus":"success","transaction":"x","data":{"id":5}}`,
	`{"janus":"error","transaction":"x","error":{"code":458,"reason":"No such session \"5\""}}`,
	`{"janus":"media","session_id":1,"sender":2,"type":"video","mid":"1","receiving":true,"seconds":1,"substream":2}`,
	`{"janus":"slowlink","session_id":1,"sender":2,"media":"video","uplink":false,"lost":17}`,
	`{"janus":"trickle","session_id":1,"sender":2,"candidate":{"sdpMid":"0","sdpMLineIndex":0,"candidate":"candidate:1 1 udp 1 10.0.0.1 5000 typ host"}}`,
	`{"janus":"hangup","session_id":1,"sender":2,"reason":"DTLS alert"}`,
	` { "JANUS" : "ack" , "Transaction":"é\u00e9", "session_id": null } `,
	`{"janus":"ack","janus":"event"}`,
	`{"janus":"x","plugindata":{"plugin":"a","data":1},"plugindata":{"plugin":"b"}}`,
	`{"janus":"x","plugindata":{"plugin":"a"},"plugindata":null}`,
	`{"janus":"x","data":null}`,
	`{"janus":"x","session_id":-1}`,
	`{"janus":"x","session_id":1.5}`,
	`{"janus":"x","session_id":1e3}`,
	`{"janus":"x","session_id":18446744073709551616}`,
	`{"janus":"x","seconds":-3,"lost":99999999999999999999}`,
	`{"janus":"x","receiving":"yes"}`,
	`{"janus":1}`,
	`{"janus":"x","substream":null}`,
	`{"janus":"x","plugindata":"str"}`,
	`{"janus":"x","plugindata":{"plugin":5}}`,
	`{"janus":"x"} x`,
	`{"janus":"x",}`,
	`{"janus":"\ud800"}`,
	"{\"janus\":\"\xff\"}",
	`{"janus":"x","data":[1,2,{"a":[true,false,null,-0.5e+7]}]}`,
	`{"janus":"x","data":01}`,
	`{"janus":"x","data":"\q"}`,
	`[]`, `null`, `"s"`, `1`, `{`, ``, `{"a":1}`, `{"janus":"x","jsep":{"sdp":1}}`,
	`{"janus":"x","error":{"code":"1"}}`, `{"janus":"x","error":null}`,
	`{"janus":"x","sender":"1"}`, `{"janus":"x","tr\u0061nsaction":"t"}`,
	`{"janus":"x","ſender":4}`, `{"janus":"x","K":1,"media":"a","MEDIA":"b"}`,
}

// TestDecodeFrameMatchesStd holds the one-pass decoder to encoding/json's
// results on real frames recorded from Janus and on edge cases.
func TestDecodeFrameMatchesStd(t *testing.T) {
	for _, c := range decodeCases {
		sameDecoding(t, []byte(c))
	}
	recorded, err := filepath.Glob("../testdata/frames/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, recorded)
	for _, p := range recorded {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		b = []byte(strings.TrimSpace(string(b)))
		if len(b) > 0 && b[0] == '[' {
			continue // several frames; decodeFrames splits them
		}
		sameDecoding(t, b)
		f, err := decodeFrame(b)
		require.NoError(t, err, p)
		assert.NotEmpty(t, f.Janus, p)
	}
}

// TestDecodeFramesArray checks the long-poll array path: every element
// decoded in order, a syntax error anywhere rejects the whole message.
func TestDecodeFramesArray(t *testing.T) {
	fs, err := decodeFrames([]byte(` [{"janus":"ack","transaction":"1"}, {"janus":"event","sender":3}] `))
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "ack", fs[0].Janus)
	assert.Equal(t, uint64(3), fs[1].Sender)
	fs, err = decodeFrames([]byte(`[]`))
	require.NoError(t, err)
	assert.Empty(t, fs)
	_, err = decodeFrames([]byte(`[{"janus":"ack"},`))
	require.Error(t, err)
	fs, err = decodeFrames([]byte(`[{"janus":"ack"},{"nojanus":1},{"janus":"event"}]`))
	require.ErrorIs(t, err, errNoJanusField)
	assert.Len(t, fs, 1)
}

// FuzzDecodeFrameMatchesStd checks on arbitrary input that the one-pass
// decoder accepts and rejects what encoding/json does, with the same
// result.
func FuzzDecodeFrameMatchesStd(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { sameDecoding(t, b) })
}

// TestDecodeIDMatchesStd holds decodeID to json.Unmarshal into
// struct{ID uint64}.
func TestDecodeIDMatchesStd(t *testing.T) {
	for _, c := range []string{
		`{"id":5}`, ` { "id" : 18446744073709551615 } `, `{"ID":7}`, `{"id":1,"id":2}`, `{"other":{"id":3}}`,
		`{"id":null}`, `{"id":-1}`, `{"id":1.5}`, `{"id":"5"}`, `{}`, `null`, ``, `[1]`, `{"id":5`, `{"id":5}x`,
		`{"id":18446744073709551616}`, `{"\u0069d":9}`,
	} {
		got, gerr := decodeID([]byte(c))
		var d struct {
			ID uint64 `json:"id"`
		}
		werr := json.Unmarshal([]byte(c), &d)
		require.Equal(t, werr == nil, gerr == nil, "%q: %v / %v", c, gerr, werr)
		if werr == nil {
			assert.Equal(t, d.ID, got, c)
		}
	}
}
