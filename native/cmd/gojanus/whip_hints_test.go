package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusServer answers every POST to /STATUS with that status and keeps
// the Authorization headers it got.
type statusServer struct {
	*httptest.Server
	mu   sync.Mutex
	auth []string
}

func newStatusServer(t *testing.T) *statusServer {
	s := &statusServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		status, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil {
			status = http.StatusNotFound
		}
		http.Error(w, "refused", status)
	}))
	t.Cleanup(s.Close)
	return s
}

// lastAuth is the Authorization header of the last request.
func (s *statusServer) lastAuth() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.auth) == 0 {
		return "(no request)"
	}
	return s.auth[len(s.auth)-1]
}

// runFailing runs a command line that must fail with exit code code and
// kind (in JSON: --json is added) and returns its error and stderr.
func runFailing(t *testing.T, code int, kind string, args ...string) (ErrorInfo, string) {
	t.Helper()
	got, stdout, stderr := runCmd(t, append(args, "--json")...)
	assert.Equal(t, code, got)
	e := decodeError(t, stdout)
	assert.Equal(t, kind, e.Kind)
	return e, stderr
}

// freeAddr returns a 127.0.0.1 address nothing listens on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestWHIPClientHints: whip-publish and whep-play send --bearer (or
// GOJANUS_BEARER), never Janus's --token or GOJANUS_TOKEN, and what the
// endpoint refuses gets a hint: a 401 with and without a token, a 403,
// and a 406 of a WHEP endpoint that makes the offer itself.
func TestWHIPClientHints(t *testing.T) {
	srv := newStatusServer(t)
	t.Setenv("GOJANUS_TOKEN", "janus-env-token")
	for _, tc := range []struct {
		name string
		args []string
		env  string // GOJANUS_BEARER
		auth string // what the endpoint got
		hint string
	}{
		{"401 without a bearer", []string{"whep-play", srv.URL + "/401", "--token", "janus-token"}, "", "", "the endpoint wants a bearer token: give it with --bearer"},
		{"401 with --bearer", []string{"whep-play", srv.URL + "/401", "--bearer", "b1"}, "", "Bearer b1", "the token given with --bearer was refused"},
		{"401 with GOJANUS_BEARER", []string{"whip-publish", srv.URL + "/401"}, "b2", "Bearer b2", "the token given with --bearer was refused"},
		{"--bearer beats GOJANUS_BEARER", []string{"whip-publish", srv.URL + "/401", "--bearer", "b3"}, "b2", "Bearer b3", "the token given with --bearer was refused"},
		{"403", []string{"whip-publish", srv.URL + "/403", "--bearer", "b4"}, "", "Bearer b4", "the endpoint refused this client"},
		{"406 of WHEP", []string{"whep-play", srv.URL + "/406"}, "", "", "this endpoint makes the offer itself: add --server-offer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOJANUS_BEARER", tc.env)
			e, stderr := runFailing(t, exitError, kindFailure, tc.args...)
			assert.Contains(t, e.Hint, tc.hint)
			assert.Contains(t, stderr, "hint: "+tc.hint)
			assert.Equal(t, tc.auth, srv.lastAuth(), "the Authorization header sent")
			assert.NotContains(t, stderr, "janus-")
		})
	}
	// A 406 of a WHIP endpoint is not about offers.
	e, _ := runFailing(t, exitError, kindFailure, "whip-publish", srv.URL+"/406")
	assert.NotContains(t, e.Hint, "--server-offer")
}

// TestWHIPClientURL: the URL argument of whip-publish and whep-play is
// checked while the command line is parsed, with --server's words.
func TestWHIPClientURL(t *testing.T) {
	for _, tc := range []struct {
		cmd, url, message string
	}{
		{"whip-publish", "localhost:8080/whip", `URL "localhost:8080/whip": no scheme`},
		{"whep-play", "ws://127.0.0.1:8080/whep", `URL "ws://127.0.0.1:8080/whep": unknown scheme "ws" (want http:// or https://)`},
		{"whep-play", "http:///whep", `URL "http:///whep": no host`},
		{"whip-publish", "http://127.0.0.1:99999/whip", "port 99999 is not between 1 and 65535"},
		{"whip-publish", "https://user:SECRET-pw@:8080/whip", "no host"},
	} {
		t.Run(tc.cmd+" "+tc.url, func(t *testing.T) {
			e, stderr := runFailing(t, exitUsage, kindUsage, tc.cmd, tc.url)
			assert.Contains(t, e.Message, tc.message)
			assert.Contains(t, stderr, "Run 'gojanus "+tc.cmd+" --help' for usage.")
			assert.NotContains(t, e.Message+stderr, "SECRET-pw")
		})
	}
}
