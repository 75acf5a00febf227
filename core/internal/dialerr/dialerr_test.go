package dialerr

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClosedAtTLSHandshake checks that a connection closed by the server
// of an https or wss URL is worded as the plain-port mistake it usually
// is, and a plain URL's as a closed connection.
func TestClosedAtTLSHandshake(t *testing.T) {
	err := New(HTTP, "https://127.0.0.1:8088/janus", closedMsg, io.EOF)
	assert.EqualError(t, err, "janus: http https://127.0.0.1:8088/janus: the server closed the connection at the TLS handshake: "+
		"it may not speak TLS (use http://, not https://)")
	assert.ErrorIs(t, err, io.EOF)
	err = New(WebSocket, "wss://127.0.0.1:8188", closedMsg, io.EOF)
	assert.Contains(t, err.Error(), "it may not speak TLS (use ws://, not wss://)")
	err = New(HTTP, "http://127.0.0.1:8088/janus", closedMsg, io.EOF)
	assert.EqualError(t, err, "janus: http http://127.0.0.1:8088/janus: the server closed the connection")
}

// TestCleanURL checks the form messages show a URL in: no userinfo
// (password or token), query or fragment, also without a scheme.
func TestCleanURL(t *testing.T) {
	for raw, want := range map[string]string{
		"ws://user:SECRET@127.0.0.1:8188/":         "ws://127.0.0.1:8188/",
		"http://SECRET@h/janus?apisecret=SECRET#x": "http://h/janus",
		"ws://user:SE@CRET@h":                      "ws://h",
		"user:SECRET@h:8188":                       "h:8188",
		"ws://h/p@th":                              "ws://h/p@th",
		"ws://h?next=a@b":                          "ws://h",
		"localhost:8188":                           "localhost:8188",
	} {
		assert.Equal(t, want, CleanURL(raw), raw)
	}
}

// TestScrub checks that the credentials of a URL leave every message of
// an error's chain, that the causes below stay matchable and that a chain
// that shows nothing is returned as it is.
func TestScrub(t *testing.T) {
	const raw = "ws://user:SECRET@127.0.0.1:1/?token=TOK"
	parse := &url.Error{Op: "parse", URL: raw, Err: errors.New("missing ']' in host")}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	err := fmt.Errorf("failed to dial: %w", errors.Join(parse, fmt.Errorf("%w: Get %q: %w", io.EOF, raw, refused)))
	err = &Error{Msg: "janus: " + raw, Err: err, Match: io.ErrClosedPipe}

	got := Scrub(err, raw)
	for e := range chain(got) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e)} {
			assert.NotContains(t, s, "SECRET")
			assert.NotContains(t, s, "TOK")
		}
	}
	assert.Contains(t, got.Error(), "user:***@127.0.0.1:1/?***")
	assert.ErrorIs(t, got, syscall.ECONNREFUSED)
	assert.ErrorIs(t, got, io.EOF)
	assert.ErrorIs(t, got, io.ErrClosedPipe, "an *Error keeps its Match")
	var op *net.OpError
	assert.ErrorAs(t, got, &op)

	clean := fmt.Errorf("x: %w", refused)
	assert.Same(t, clean, Scrub(clean, raw), "nothing to hide")
	assert.Same(t, clean, Scrub(clean, "ws://127.0.0.1:1"), "no credentials")
	assert.EqualError(t, Scrub(errors.New(`Get "http://TOKEN@h/"`), "ws://TOKEN@h/"), `Get "http://***@h/"`)
}

// chain yields err and every error below it.
func chain(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					if !walk(c) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}
