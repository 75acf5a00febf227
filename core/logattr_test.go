package core

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogFrameRendering: slog.JSONHandler writes a frame as a nested
// object (or as a string when it is not JSON), slog.TextHandler as its
// JSON text, and neither repeats the "msg" key.
func TestLogFrameRendering(t *testing.T) {
	frame := []byte(`{"janus":"create","transaction":"t1","apisecret":"s3cr3t"}`)
	var jb, tb bytes.Buffer
	slog.New(slog.NewJSONHandler(&jb, nil)).Info("janus: send", logIDs(1, 2, frameAttr(frame))...)
	slog.New(slog.NewTextHandler(&tb, nil)).Info("janus: send", logIDs(1, 2, frameAttr(frame))...)

	var rec map[string]any
	require.NoError(t, json.Unmarshal(jb.Bytes(), &rec), jb.String())
	assert.Equal(t, map[string]any{"janus": "create", "transaction": "t1", "apisecret": "[redacted]"}, rec["frame"])
	assert.EqualValues(t, 1, rec["session_id"])
	assert.EqualValues(t, 2, rec["handle_id"])
	assert.Equal(t, 1, strings.Count(jb.String(), `"msg"`))

	text := tb.String()
	assert.Contains(t, text, `frame="{\"janus\":\"create\",\"transaction\":\"t1\",\"apisecret\":\"[redacted]\"}"`)
	assert.Contains(t, text, "session_id=1 handle_id=2")
	assert.NotContains(t, text, "s3cr3t")

	// Not JSON (cut short): a JSON string, and the line stays valid.
	jb.Reset()
	slog.New(slog.NewJSONHandler(&jb, nil)).Info("x", frameAttr([]byte("{\"janus\":\"ev\x00")))
	require.NoError(t, json.Unmarshal(jb.Bytes(), &rec), jb.String())
	assert.Equal(t, "{\"janus\":\"ev\x00", rec["frame"])
	assert.Equal(t, logIDs(0, 0), []any{}, "no ids when the record is not about a session")
}

// TestMalformedFrameLogLineIsValidJSON: a malformed message from the
// server is logged (redacted) as a JSON string on a valid JSON line, and
// the client goes on.
func TestMalformedFrameLogLineIsValidJSON(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f := newFake(t, WithLogger(log))
	require.NoError(t, f.srv.Send([]byte(`{"janus":"event","secret":"room-s3cr3t","plugindata":{`)))
	// The client still answers: the bad message was dropped.
	s, _ := f.session(c)
	require.NotNil(t, s)

	var warned bool
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["msg"] == "janus: dropping malformed message" {
			warned = true
			assert.Equal(t, `{"janus":"event","secret":"[redacted]","plugindata":{`, rec["frame"])
			assert.NotEmpty(t, rec["err"])
		}
	}
	assert.True(t, warned, buf.String())
	assert.NotContains(t, buf.String(), "room-s3cr3t")
}
