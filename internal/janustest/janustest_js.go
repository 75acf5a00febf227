package janustest

import (
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/internal/janusserver"
)

// leakIgnores are the goroutines of the runtime VerifyTestMain ignores: the
// one that handles JavaScript events, parked in runtime.handleEvent while
// Go code runs on behalf of an event.
var leakIgnores = []goleak.Option{goleak.IgnoreAnyFunction("runtime.handleEvent")}

// RequireJanus skips the test when the environment describes no Janus
// server (see Env), or fails it when the environment variable CI is true.
func RequireJanus(t testing.TB) {
	t.Helper()
	if _, err := fromEnv(); err != nil {
		missing(t, err)
	}
}

// Start returns the Janus server the test runner started, as the GOJANUS_JANUS_*
// environment variables describe it: a test in Node cannot start processes.
// Every test of the binary shares that one server, which runs with the
// default options; a test asking for other options (an API secret, token
// auth, string ids, another session timeout, its own templates or ports...)
// is skipped with the reason. Without the environment the test is skipped,
// or fails when CI is true. The server is not stopped when the test ends;
// if the test failed and the server's folder is known, the tail of its log
// is logged.
func Start(t testing.TB, opts janusserver.Options) *janusserver.Server {
	t.Helper()
	srv, err := fromEnv()
	if err != nil {
		missing(t, err)
	}
	if reason := unsupported(opts, srv); reason != "" {
		t.Skipf("skipping under GOOS=js: the test needs a Janus with %s, but it can only use the one server the runner started (default options)", reason)
	}
	t.Cleanup(func() {
		if t.Failed() && srv.LogPath != "" {
			t.Logf("tail of janus log %s (shared by every test):\n%s", srv.LogPath, srv.LogTail(logTailLines))
		}
	})
	first := false
	versionOnce.Do(func() { first = true })
	if first {
		t.Logf("janus %s at %s (started by the test runner)", srv.Version, srv.WSURL)
	}
	return srv
}

// unsupported tells what in opts the runner's server does not provide,
// or "" when the test can use it. Binary, Dir, Stdout and DebugLevel do not
// change what the server does for a client, and are ignored.
func unsupported(o janusserver.Options, srv *janusserver.Server) string {
	var diffs []string
	add := func(cond bool, what string) {
		if cond {
			diffs = append(diffs, what)
		}
	}
	add(o.APISecret != "", "an API secret")
	add(o.TokenAuth, "token auth")
	add(o.AdminSecret != "" && o.AdminSecret != srv.AdminSecret, "its own admin secret")
	add(o.SessionTimeout != 0, fmt.Sprintf("session_timeout %d", o.SessionTimeout))
	add(o.ReclaimSessionTimeout > 0, fmt.Sprintf("reclaim_session_timeout %d", o.ReclaimSessionTimeout))
	add(o.ICEEnforceList != "", "an ICE enforce list")
	add(o.RTPPortRange != "", "an RTP port range")
	add(o.StringIDs, "string ids")
	add(o.WSPort != 0 || o.HTTPPort != 0 || o.AdminWSPort != 0 || o.AdminHTTPPort != 0, "fixed ports")
	add(o.TemplateDir != "", "its own configuration templates")
	return strings.Join(diffs, ", ")
}

// expectedVersion is empty under GOOS=js: the test runner picked the server.
func expectedVersion() string { return "" }
