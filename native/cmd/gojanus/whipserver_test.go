package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
)

// TestWhipServerCommand runs "gojanus whip-server" with endpoints from
// flags and from a --config file against a real Janus and drives it over
// HTTP: tokens, ICE servers in Link headers, a WHIP resource made and
// deleted, an unknown mountpoint; then it stops it and checks its JSON.
// (The media through the handler is tested in package whip.)
func TestWhipServerCommand(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	mustRun(t, "rooms", "create", "--room", "4321", "--server", srv.WSURL)

	addr := freeAddr(t)
	cfg := filepath.Join(t.TempDir(), "whip.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"ice_servers": [{"urls": ["turn:turn.example.net"], "username": "u", "credential": "p"}],
		"endpoints": [{"path": "/whep/mp", "kind": "whep", "mountpoint": 987654, "token": "other"}]}`), 0o600))
	t.Setenv("GOJANUS_BEARER", "env-tok") // --bearer wins
	b := startCmd("whip-server", "--server", srv.WSURL, "--listen", addr, "--config", cfg, "--bearer", "tok",
		"--whip", "/whip/room=room:4321,display:cli", "--whep", "/whep/gone=room:5555", "--ice-server", "stun:stun.example.net", "--json")
	base := "http://" + addr
	do := func(method, path, ctype, body string, headers ...string) whiptest.Reply {
		t.Helper()
		return whiptest.Do(t, context.Background(), method, base+path, ctype, body, headers...)
	}
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 20*time.Second, 20*time.Millisecond, "whip-server listens")

	// Startup warned of the missing room and mountpoint, and of nothing
	// else.
	warnings := regexp.MustCompile(`(?m)^gojanus whip-server: warning: .*$`).FindAllString(b.stderr.String(), -1)
	assert.ElementsMatch(t, []string{
		"gojanus whip-server: warning: endpoint /whep/gone: room 5555 does not exist (yet): its requests fail until it is created",
		"gojanus whip-server: warning: endpoint /whep/mp: mountpoint 987654 does not exist (yet): its requests fail until it is created",
	}, warnings, b.stderr.String())

	r := do("OPTIONS", "/whip/room", "", "", "Authorization", "Bearer tok")
	assert.Equal(t, http.StatusNoContent, r.Status)
	assert.Len(t, r.Header.Values("Link"), 2, "the ICE servers of the flag and of the file")

	p, err := native.NewPeer(native.PeerConfig{})
	require.NoError(t, err)
	defer p.Close()
	tr, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "cli")
	require.NoError(t, err)
	_, err = p.AddTrack(tr)
	require.NoError(t, err)
	offer, err := p.PeerConnection().CreateOffer(nil)
	require.NoError(t, err)

	r = do("POST", "/whip/room", "application/sdp", offer.SDP)
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	r = do("POST", "/whip/room", "application/sdp", offer.SDP, "Authorization", "Bearer tok")
	require.Equal(t, http.StatusCreated, r.Status, r.Body)
	loc := r.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, "/whip/room/"), loc)
	assert.Contains(t, mustRun(t, "rooms", "participants", "4321", "--server", srv.WSURL), `"cli"`)
	r = do("DELETE", loc, "", "", "Authorization", "Bearer tok")
	assert.Equal(t, http.StatusOK, r.Status)
	// One log line per resource created and ended, at the default
	// --log-level.
	require.Eventually(t, func() bool { return strings.Contains(b.stderr.String(), "whip: resource ended") }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, strings.Count(b.stderr.String(), "whip: resource created"), b.stderr.String())

	r = do("POST", "/whep/mp", "", "", "Authorization", "Bearer tok")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "the endpoint's own token wins: the global one is refused")
	r = do("POST", "/whep/mp", "", "", "Authorization", "Bearer other")
	assert.Equal(t, http.StatusNotFound, r.Status, r.Body)

	b.stop()
	require.Equal(t, 0, b.wait(t, 30*time.Second), b.stderr.String())
	var out WhipServerOutput
	checkSchema(t, b.stdout.String(), &out)
	assert.Equal(t, addr, out.Listen)
	assert.ElementsMatch(t, []WhipEndpoint{
		{Path: "/whip/room", Kind: "whip", Target: `room 4321, display "cli"`, Token: true},
		{Path: "/whep/gone", Kind: "whep", Target: "room 5555", Token: true},
		{Path: "/whep/mp", Kind: "whep", Target: "mountpoint 987654", Token: true},
	}, out.Endpoints)
}

// TestWhipServerUsage: bad endpoint flags and files are usage errors; a
// --whip's hint names only what --whip takes.
func TestWhipServerUsage(t *testing.T) {
	for _, args := range [][]string{
		{"whip-server", "--whep", "/x=room:1,display:a,feed:2"},
		{"whip-server", "--whep", "/x=room:1,mountpoint:2"},
		{"whip-server", "--whep", "/x=mountpoint:2,display:a"},
		{"whip-server", "--whip", "/x=room:1,feed:2"},
		{"whip-server"},
		{"whip-server", "--whip", "whip=room:1"},
		{"whip-server", "--whip", "/whip=room"},
		{"whip-server", "--whip", "/whip=colour:1"},
		{"whip-server", "--whip", "/whip=mountpoint:1"},
		{"whip-server", "--whep", "/a=room:1", "--ice-server", "http://x"},
		{"whip-server", "--config", "/nonexistent/whip.json"},
	} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			code, _, stderr := runCmdContext(t, ctx, append(args, "--server", "ws://127.0.0.1:9", "--timeout", "2s")...)
			assert.Equal(t, exitUsage, code, stderr)
		})
	}
	_, _, stderr := runCmd(t, "whip-server", "--whip", "/x")
	assert.Contains(t, stderr, `--whip "/x": want /PATH=room:ID[,display:NAME][,pin:PIN][,token:T]`)
	assert.NotContains(t, stderr, "mountpoint")
	_, _, stderr = runCmd(t, "whip-server", "--whip", "/x=colour:1")
	assert.Contains(t, stderr, `unknown key "colour" (room, display, pin, token)`)
}

// TestWhipServerHelp: the help names the keys each endpoint flag takes,
// and the flag column stays narrow.
func TestWhipServerHelp(t *testing.T) {
	help := mustRun(t, "whip-server", "--help")
	mustContain(t, help, "--whip /PATH=KEYS", "--whep /PATH=KEYS", "--bearer token", "GOJANUS_BEARER",
		"keys room, display, pin, token", "keys room or mountpoint, display or feed, pin, token")
	for line := range strings.SplitSeq(help, "\n") {
		if name, _, ok := strings.Cut(strings.TrimSpace(line), "   "); ok && strings.HasPrefix(name, "--") {
			assert.LessOrEqual(t, len(name), 32, "flag column: %q", line)
		}
	}
}

// TestWhipServerListenTaken: an address another program holds is a
// failure of the run (exit 1), not of the command line.
func TestWhipServerListenTaken(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	e, stderr := runFailing(t, exitError, kindFailure, "whip-server", "--server", srv.WSURL, "--listen", ln.Addr().String(), "--whep", "/x=mountpoint:1")
	assert.Contains(t, e.Message, "address already in use")
	assert.Contains(t, e.Hint, "pick another with --listen")
	assert.NotContains(t, stderr, "--help' for usage")
}
