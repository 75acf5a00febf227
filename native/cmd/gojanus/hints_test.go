package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// TestHints checks what the command says about command lines that cannot
// work: each wrong server URL form, a missing or loopback interface, a
// zero or negative duration. Each is refused up front (exit 2) or, when
// the server has to answer first, at connect (exit 1), with a hint saying
// what to change.
func TestHints(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		kind    string
		message string
		hint    string
	}{
		{"no scheme", []string{"info", "--server", "localhost:8188"}, 2, kindURL, `"localhost:8188": no scheme`, "--server ws://localhost:8188"},
		{"unknown scheme", []string{"info", "--server", "ftp://127.0.0.1"}, 2, kindURL, `unknown scheme "ftp"`, "ws://127.0.0.1:8188"},
		{"http without path", []string{"info", "--server", "http://127.0.0.1:8088"}, 2, kindURL, "needs the endpoint's path (usually /janus)", "http://127.0.0.1:8088/janus"},
		{"admin http without path", []string{"admin", "sessions", "--admin-server", "http://127.0.0.1:7088"}, 2, kindURL, "usually /admin", "--admin-server http://127.0.0.1:7088/admin"},
		{"wrong http path", []string{"info", "--server", srv.HTTPURL + "x"}, 2, kindURL, "is not a Janus endpoint (POST answered 404 Not Found); the Janus API's path usually ends in /janus", "--server takes the Janus API"},
		{"admin ws port as --server", []string{"info", "--server", srv.AdminWSURL}, 2, kindURL, "is the Janus admin API (subprotocol janus-admin-protocol), not the Janus API", "the admin API goes to --admin-server"},
		{"admin http endpoint as --server", []string{"info", "--server", srv.AdminHTTPURL}, 2, kindURL, "is the Janus admin API endpoint, not the Janus API", "the admin API goes to --admin-server"},
		{"api ws port as --admin-server", []string{"admin", "sessions", "--admin-server", srv.WSURL}, 2, kindURL, "is the Janus API (subprotocol janus-protocol), not the admin API", "the Janus API goes to --server"},
		{"api http endpoint as --admin-server", []string{"admin", "sessions", "--admin-server", srv.HTTPURL}, 2, kindURL, "is the Janus API endpoint, not the admin API", "the Janus API goes to --server"},
		{"nothing listens (ws)", []string{"info", "--server", "ws://127.0.0.1:9"}, 1, kindConnect, "janus: websocket ws://127.0.0.1:9: connection refused (nothing listens there", "--server takes"},
		{"nothing listens (http)", []string{"info", "--server", "http://127.0.0.1:9/janus"}, 1, kindConnect, "janus: http http://127.0.0.1:9/janus: connection refused (nothing listens there", "--server takes"},
		{"nothing listens (admin)", []string{"admin", "sessions", "--admin-server", "ws://127.0.0.1:9"}, 1, kindConnect, "connection refused (nothing listens there", "--admin-server takes"},
		{"bad port", []string{"info", "--server", "ws://127.0.0.1:99999"}, 2, kindURL, "port 99999 is not between 1 and 65535", "--server ws://127.0.0.1:8188"},
		{"TLS to a plain port", []string{"info", "--server", strings.Replace(srv.HTTPURL, "http://", "https://", 1)}, 2, kindURL, "", "does not speak TLS"},
		{"ws on the http port", []string{"info", "--server", "ws://" + strings.TrimPrefix(strings.TrimSuffix(srv.HTTPURL, "/janus"), "http://")}, 1, kindConnect, "", "--server takes the Janus API"},
		{"webm in a missing directory", []string{"subscribe", "--room", "1", "--record", "/nonexistent-gojanus/x.webm"}, 2, kindUsage, `the directory /nonexistent-gojanus does not exist`, ""},
		{"sdp in a missing directory", []string{"nosip", "--sdp-out", "/nonexistent-gojanus/x.sdp"}, 2, kindUsage, `--sdp-out "/nonexistent-gojanus/x.sdp": the directory /nonexistent-gojanus does not exist`, ""},
		{"missing interface", []string{"echotest", "--ice-interface", "nosuch0"}, 2, kindUsage, `--ice-interface "nosuch0": no such network interface`, ""},
		{"loopback interface", []string{"publish", "--room", "1", "--ice-interface", "lo"}, 2, kindUsage, `"lo" is a loopback interface, where Janus gathers no ICE candidates`, ""},
		{"zero duration", []string{"echotest", "--duration", "0s"}, 2, kindUsage, `invalid argument "0s" for "--duration" flag: must be positive, not 0s`, ""},
		{"negative duration", []string{"echotest", "--duration", "-1s"}, 2, kindUsage, `invalid argument "-1s" for "--duration" flag: must be positive, not -1s`, ""},
		{"negative publish duration", []string{"publish", "--room", "1", "--duration", "-1s"}, 2, kindUsage, "must be positive", ""},
		{"zero publish duration", []string{"publish", "--room", "1", "--duration", "0"}, 2, kindUsage, "must be positive, not 0s", ""},
		{"zero wait", []string{"subscribe", "--room", "1", "--wait", "0s"}, 2, kindUsage, `"--wait" flag: must be positive`, ""},
		{"media flags without --media", []string{"demo", "--media-duration", "2s"}, 2, kindUsage, "--source and --media-duration go with --media", ""},
		{"negative wait", []string{"subscribe", "--room", "1", "--wait", "-2s"}, 2, kindUsage, `"--wait" flag: must be positive`, ""},
		{"zero media duration", []string{"demo", "--media", "--media-duration", "0s"}, 2, kindUsage, `"--media-duration" flag: must be positive`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(tc.args, "--json")
			if tc.args[0] != "info" && tc.args[0] != "admin" {
				args = append(args, "--server", srv.WSURL)
			}
			code, stdout, stderr := runCmd(t, args...)
			assert.Equal(t, tc.code, code)
			e := decodeError(t, stdout)
			assert.Equal(t, tc.kind, e.Kind)
			assert.Equal(t, tc.code, e.ExitCode)
			assert.Contains(t, e.Message, tc.message)
			assert.Contains(t, stderr, tc.message)
			if tc.hint != "" {
				assert.Contains(t, e.Hint, tc.hint)
				assert.Contains(t, stderr, "hint: ")
			}
		})
	}
}

// participants lists the participants of a room (none when that fails),
// quietly: for polling.
func participants(server, room string) []Participant {
	var ps ParticipantsOutput
	var out, errOut bytes.Buffer
	if runContext(context.Background(), []string{"rooms", "participants", room, "--server", server, "--json"}, &out, &errOut) != 0 {
		return nil
	}
	if json.Unmarshal(out.Bytes(), &ps) != nil {
		return nil
	}
	return ps.Participants
}

// TestSubscribeWaitsBounded: with no publisher, subscribe waits --wait,
// then fails with a timeout that says what it waited for.
func TestSubscribeWaitsBounded(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	mustRun(t, "rooms", "create", "--room", "31", "--server", srv.WSURL)
	code, stdout, stderr := runCmd(t, "subscribe", "--room", "31", "--wait", "1s", "--server", srv.WSURL, "--json")
	assert.Equal(t, 1, code)
	e := decodeError(t, stdout)
	assert.Equal(t, kindTimeout, e.Kind)
	assert.Contains(t, e.Message, "no publisher in room 31 within --wait 1s")
	assert.Contains(t, stderr, "start a publisher")

	// Interrupted while waiting: a clean end with nothing received.
	b := startCmd("subscribe", "--room", "31", "--wait", "1m", "--server", srv.WSURL, "--json")
	require.Eventually(t, func() bool { return len(participants(srv.WSURL, "31")) == 1 }, 20*time.Second, 50*time.Millisecond, "the subscriber watches the room")
	b.stop()
	require.Equal(t, 0, b.wait(t, 20*time.Second), b.stderr.String())
	var sum SubscribeOutput
	checkSchema(t, b.stdout.String(), &sum)
	assert.Empty(t, sum.Publishers)
	assert.Empty(t, sum.Tracks)

	code, stdout, _ = runCmd(t, "subscribe", "--room", "404404", "--server", srv.WSURL, "--json")
	assert.Equal(t, 1, code)
	e = decodeError(t, stdout)
	assert.Equal(t, kindPlugin, e.Kind)
	assert.Equal(t, 426, e.Code, "no such room")
}

// TestEnvironmentNamedInErrors: a bad URL from the environment is named by
// its variable, not by a flag the user did not give.
func TestEnvironmentNamedInErrors(t *testing.T) {
	t.Setenv("GOJANUS_SERVER", "127.0.0.1:8188")
	code, stdout, _ := runCmd(t, "info", "--json")
	assert.Equal(t, 2, code)
	e := decodeError(t, stdout)
	assert.Contains(t, e.Message, `GOJANUS_SERVER "127.0.0.1:8188": no scheme`)
	assert.Contains(t, e.Hint, "--server ws://127.0.0.1:8188")
}

// TestRoomSecretHint: destroying a room with a secret without it says to
// give --secret; with it, the room goes.
func TestRoomSecretHint(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	mustRun(t, "rooms", "create", "--room", "61", "--secret", "s61", "--server", srv.WSURL)
	code, stdout, _ := runCmd(t, "rooms", "destroy", "61", "--server", srv.WSURL, "--json")
	assert.Equal(t, 1, code)
	e := decodeError(t, stdout)
	assert.Equal(t, kindPlugin, e.Kind)
	assert.Contains(t, e.Hint, "--secret")
	mustRun(t, "rooms", "destroy", "61", "--secret", "s61", "--server", srv.WSURL)
}

// TestURLCredentialsNotPrinted gives server URLs with credentials in the
// userinfo (a password, or a token as the whole userinfo) to commands
// that refuse them, fail to connect or succeed: neither the output, the
// error with its hint, nor the debug log shows them (issue 14).
func TestURLCredentialsNotPrinted(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	const pw, token = "SECRET-pw-3be", "SECRET-token-a41"
	hostPort := func(u string) string {
		_, rest, _ := strings.Cut(u, "://")
		h, _, _ := strings.Cut(rest, "/")
		return h
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"info", "--server", "user:" + pw + "@localhost:8188"}, 2},
		{[]string{"info", "--server", "ftp://user:" + pw + "@127.0.0.1"}, 2},
		{[]string{"info", "--server", "http://user:" + pw + "@127.0.0.1:8088"}, 2},
		{[]string{"info", "--server", "ws://user:" + pw + "@127.0.0.1:99999"}, 2},
		{[]string{"info", "--server", "ws://" + token + "@127.0.0.1:9"}, 1},
		{[]string{"info", "--server", "http://" + token + "@127.0.0.1:9/janus"}, 1},
		{[]string{"admin", "sessions", "--admin-server", "ws://" + token + "@127.0.0.1:9"}, 1},
		{[]string{"admin", "sessions", "--admin-server", "http://user:" + pw + "@127.0.0.1:7088"}, 2},
		{[]string{"info", "--server", "ws://user:" + pw + "@" + hostPort(srv.WSURL)}, 0},
		{[]string{"info", "--server", "http://" + token + "@" + hostPort(srv.HTTPURL) + "/janus"}, 0},
	} {
		for _, extra := range [][]string{{"--json"}, {"--log-level", "debug"}} {
			args := append(append([]string{}, tc.args...), extra...)
			code, stdout, stderr := runCmd(t, args...)
			assert.Equal(t, tc.code, code, "%v", args)
			for _, secret := range []string{pw, token} {
				assert.NotContains(t, stdout+stderr, secret, "%v", args)
			}
			if code == 0 && extra[0] == "--json" {
				var info InfoOutput
				checkSchema(t, stdout, &info)
				assert.NotContains(t, info.Server, "@", "the server as given, without credentials")
			}
		}
	}
}
