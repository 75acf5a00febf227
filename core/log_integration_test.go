package core_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	ch chan struct{} // a one-slot lock
	b  bytes.Buffer
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{ch: make(chan struct{}, 1)} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.ch <- struct{}{}
	defer func() { <-l.ch }()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.ch <- struct{}{}
	defer func() { <-l.ch }()
	return l.b.String()
}

// duplicateKeys returns the keys that appear twice in one object of the
// JSON text line, at any depth, reading its token stream.
func duplicateKeys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	var dups []string
	var value func() // reads one value
	value = func() {
		tok, err := dec.Token()
		require.NoError(t, err, line)
		switch tok {
		case json.Delim('{'):
			keys := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				require.NoError(t, err, line)
				if keys[k.(string)] {
					dups = append(dups, k.(string))
				}
				keys[k.(string)] = true
				value()
			}
			_, err = dec.Token() // }
			require.NoError(t, err, line)
		case json.Delim('['):
			for dec.More() {
				value()
			}
			_, err = dec.Token() // ]
			require.NoError(t, err, line)
		}
	}
	value()
	_, err := dec.Token()
	require.ErrorIs(t, err, io.EOF, "one value per line: %s", line)
	return dups
}

// TestRealLogRecords: at debug level through slog.JSONHandler, every
// record of a session's life is one valid JSON object without duplicate
// keys; frames are nested objects under "frame"; records about the
// session or a handle carry their ids as numbers; the API secret never
// shows.
func TestRealLogRecords(t *testing.T) {
	const secret = "log-api-s3cr3t"
	require.Equal(t, []string{"a"}, duplicateKeys(t, `{"a":1,"b":{"a":[{},{"c":2}]},"a":3}`), "the checker itself")
	forEachTransport(t, janusserver.Options{APISecret: secret}, func(t *testing.T, srv *janusserver.Server, url string) {
		ctx := ctxT(t)
		buf := newLockedBuffer()
		log := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := dial(t, url, core.WithAPISecret(secret), core.WithLogger(log))
		s, err := c.CreateSession(ctx)
		require.NoError(t, err)
		h, err := s.Attach(ctx, echoTest)
		require.NoError(t, err)
		_, err = h.Message(ctx, map[string]any{"audio": true, "video": false})
		require.NoError(t, err)
		require.NoError(t, h.Detach(ctx))
		for range h.Events() {
		}
		require.NoError(t, s.Destroy(ctx))
		<-s.Done()
		require.NoError(t, c.Close())

		out := buf.String()
		assert.NotContains(t, out, secret)
		seen := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
			assert.Empty(t, duplicateKeys(t, line), line)
			msg, _ := rec["msg"].(string)
			if msg != "janus: send" && msg != "janus: recv" {
				continue
			}
			fr, ok := rec["frame"].(map[string]any)
			require.True(t, ok, "frame is an object: %s", line)
			janus, _ := fr["janus"].(string)
			seen[msg+" "+janus]++
			// The frame's session, and the records of requests on the
			// session, carry session_id as a number.
			if sid, ok := fr["session_id"]; ok {
				assert.Equal(t, float64(s.ID()), sid, line)
				assert.Equal(t, float64(s.ID()), rec["session_id"], line)
			}
			if msg == "janus: send" {
				switch janus {
				case "attach", "message", "detach", "destroy", "keepalive":
					assert.Equal(t, float64(s.ID()), rec["session_id"], line)
				}
				switch janus {
				case "message", "detach":
					assert.Equal(t, float64(h.ID()), rec["handle_id"], line)
				}
			}
			if sender, ok := fr["sender"]; ok {
				assert.Equal(t, float64(h.ID()), sender, line)
				assert.Equal(t, float64(h.ID()), rec["handle_id"], line)
			}
			if msg == "janus: recv" && janus == "success" {
				// Every answer is about the session, even create's.
				assert.Equal(t, float64(s.ID()), rec["session_id"], line)
			}
			if msg == "janus: recv" && janus == "detached" {
				assert.Equal(t, float64(h.ID()), rec["handle_id"], line)
			}
			if msg == "janus: recv" && janus == "event" {
				assert.Equal(t, float64(h.ID()), rec["handle_id"], line)
				assert.Equal(t, float64(s.ID()), rec["session_id"], line)
			}
			if _, ok := fr["apisecret"]; ok {
				assert.Equal(t, "[redacted]", fr["apisecret"])
			}
		}
		for _, k := range []string{"janus: send create", "janus: send attach", "janus: send message", "janus: send detach", "janus: send destroy", "janus: recv success", "janus: recv event"} {
			assert.NotZero(t, seen[k], "%s in %v", k, seen)
		}
	})
}
