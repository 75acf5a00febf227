package core

import (
	"encoding/json"
	"log/slog"
)

// Log records about a session or a handle carry these attribute keys,
// with the ids as numbers. Frames go under "frame": never under "msg",
// which is the record's message in slog's built-in handlers.
const (
	logKeySession = "session_id"
	logKeyHandle  = "handle_id"
	logKeyFrame   = "frame"
)

// logIDs returns the session_id and handle_id arguments of a log record,
// leaving out the ids that are 0 (not about a session or a handle).
// Not inlined: each of its call sites would cost about 1 KB of wasm.
//
//go:noinline
func logIDs(session, handle uint64, more ...any) []any {
	args := make([]any, 0, 4+len(more))
	if session != 0 {
		args = append(args, slog.Uint64(logKeySession, session))
	}
	if handle != 0 {
		args = append(args, slog.Uint64(logKeyHandle, handle))
	}
	return append(args, more...)
}

// logFrame is a Janus message in a log record, already redacted (see
// redact). slog.JSONHandler writes it as the JSON value itself (a nested
// object, not an escaped string); slog.TextHandler writes its text. A
// message that is not valid JSON (malformed, or cut by redact) is written
// as a JSON string, so it never breaks the log line.
type logFrame string

// frameAttr returns the "frame" attribute of the message b, redacted.
func frameAttr(b []byte) slog.Attr {
	return slog.Any(logKeyFrame, logFrame(redact(b)))
}

// MarshalJSON returns the message itself when it is valid JSON, else the
// message as a JSON string.
func (f logFrame) MarshalJSON() ([]byte, error) {
	if json.Valid([]byte(f)) {
		return []byte(f), nil
	}
	return json.Marshal(string(f))
}

// String returns the message's text.
func (f logFrame) String() string { return string(f) }
