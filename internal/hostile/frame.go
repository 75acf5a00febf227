package hostile

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Frame is one message the server sends, as bytes: valid Janus JSON or
// anything else.
type Frame struct {
	// Body is sent as it is. A nil Body sends nothing.
	Body []byte
	// Binary sends the message as a binary WebSocket message (over HTTP,
	// with Content-Type application/octet-stream).
	Binary bool
	// Cut sends only the first half of the message, then closes the TCP
	// connection: over WebSocket half of its frame (header included), over
	// HTTP the response's headers with the whole Content-Length and half
	// of the body.
	Cut bool
}

// Reply is what the server sends for one request.
type Reply struct {
	// Answer answers the request: a message on the WebSocket, or the
	// body of the POST's response over HTTP (an empty body when Answer
	// has none).
	Answer Frame
	// Events follow the answer on the session's event path: the same
	// WebSocket, or the long polls of the request's session over HTTP.
	Events []Frame
}

// frames counts the frames of r that send something.
func (r Reply) frames() int {
	n := 0
	if r.Answer.Body != nil {
		n++
	}
	for _, f := range r.Events {
		if f.Body != nil {
			n++
		}
	}
	return n
}

// JSON returns a text frame holding v marshalled. It panics when v
// cannot be marshalled (a mistake in the test).
func JSON(v any) Frame {
	b, err := json.Marshal(v)
	if err != nil {
		panic("hostile: " + err.Error())
	}
	return Frame{Body: b}
}

// Event returns a plugin event of the given handle, with tx as its
// transaction unless tx is empty, and data as its plugindata.data.
func Event(session, handle uint64, tx string, data any) Frame {
	m := map[string]any{
		"janus":      "event",
		"session_id": session,
		"sender":     handle,
		"plugindata": map[string]any{"plugin": Plugin, "data": data},
	}
	if tx != "" {
		m["transaction"] = tx
	}
	return JSON(m)
}

// Plugin is the plugin name of the events the server makes up.
const Plugin = "janus.plugin.echotest"

// Nested returns depth opening brackets (open is "[" or `{"a":`) and,
// when closed, the matching closing ones: JSON nested depth levels deep
// (around the value 0).
func Nested(open string, depth int, closed bool) []byte {
	closing := "]"
	if strings.HasPrefix(open, "{") {
		closing = "}"
	}
	var b bytes.Buffer
	b.Grow(depth * (len(open) + 1))
	for range depth {
		b.WriteString(open)
	}
	if closed {
		b.WriteByte('0')
		for range depth {
			b.WriteString(closing)
		}
	}
	return b.Bytes()
}

// Oversized returns a valid plugin event of the given handle, padded to
// size bytes (at least about 100): it is too large for no other reason.
func Oversized(session, handle uint64, size int) Frame {
	f := Event(session, handle, "", map[string]string{"pad": ""})
	i := bytes.Index(f.Body, []byte(`"pad":""`)) + len(`"pad":"`)
	pad := max(size-len(f.Body), 0)
	body := make([]byte, 0, len(f.Body)+pad)
	body = append(body, f.Body[:i]...)
	body = append(body, bytes.Repeat([]byte{'x'}, pad)...)
	f.Body = append(body, f.Body[i:]...)
	return f
}
