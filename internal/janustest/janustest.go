// Package janustest starts real Janus servers for tests, on top of
// internal/janusserver.
//
// When no janus binary is installed, tests are skipped, except on CI (the
// environment variable CI=true), where they fail: CI must run against a real
// server.
//
// Under GOOS=js (tests run in Node, which cannot start processes) Start does
// not start a server: it returns the one the test runner started, described by
// the GOJANUS_JANUS_* environment variables (see the Env constants), and skips
// tests that need a server configured otherwise.
package janustest

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/internal/janusserver"
)

// ModuleRoot returns the folder holding go.mod above the working
// directory, for tests that read or build files of the module.
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// StartTimeout bounds how long Start waits for a server to come up.
const StartTimeout = 60 * time.Second

// logTailLines is how much of the Janus log a failed test shows.
const logTailLines = 60

var versionOnce sync.Once

// onCI reports whether the tests run on CI, where a missing Janus is an error.
func onCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

func missing(t testing.TB, err error) {
	t.Helper()
	if onCI() {
		t.Fatalf("janus is required on CI: %v", err)
	}
	t.Skipf("skipping: needs a real Janus server: %v", err)
}

// Missing reports a missing dependency (a tool, Node, a browser...): it
// skips the test, or fails it when the environment variable CI is true or
// 1, where every dependency must be there.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if onCI() {
		t.Fatalf("required on CI: %s", msg)
	}
	t.Skipf("skipping: %s", msg)
}

// Environment variables that describe a running Janus to tests built for
// GOOS=js (see Env). The test runner starts the server and sets them.
const (
	// EnvWS is the Janus API WebSocket URL (janusserver.Server.WSURL).
	EnvWS = "GOJANUS_JANUS_WS"
	// EnvHTTP is the Janus API HTTP URL (Server.HTTPURL).
	EnvHTTP = "GOJANUS_JANUS_HTTP"
	// EnvAdminWS is the admin API WebSocket URL (Server.AdminWSURL).
	EnvAdminWS = "GOJANUS_JANUS_ADMIN_WS"
	// EnvAdminHTTP is the admin API HTTP URL (Server.AdminHTTPURL).
	EnvAdminHTTP = "GOJANUS_JANUS_ADMIN_HTTP"
	// EnvAdminSecret is the admin API secret (Server.AdminSecret).
	EnvAdminSecret = "GOJANUS_JANUS_ADMIN_SECRET"
	// EnvVersion is the server version, e.g. "1.1.2" (Server.Version).
	EnvVersion = "GOJANUS_JANUS_VERSION"
	// EnvDir is the server's folder (Server.Dir), holding its
	// configuration, log and recordings; optional.
	EnvDir = "GOJANUS_JANUS_DIR"
)

// Env returns the environment variables that describe srv to tests built for
// GOOS=js, and to the JavaScript tests of the wasm build. The server must run
// with the default janusserver.Options (an admin secret of its own is fine).
func Env(srv *janusserver.Server) map[string]string {
	return map[string]string{
		EnvWS:          srv.WSURL,
		EnvHTTP:        srv.HTTPURL,
		EnvAdminWS:     srv.AdminWSURL,
		EnvAdminHTTP:   srv.AdminHTTPURL,
		EnvAdminSecret: srv.AdminSecret,
		EnvVersion:     srv.Version,
		EnvDir:         srv.Dir,
	}
}

// VerifyTestMain runs the tests of m and then fails the test binary if they
// left goroutines behind, like goleak.VerifyTestMain, ignoring what the
// platform's runtime keeps running: under GOOS=js, the goroutine that
// handles JavaScript events (runtime.handleEvent), which always exists once
// a test waited for anything. Goroutines get leakGrace to end (goleak's
// own retries give up after about 0.4 s, and what a test closed last, a
// PeerConnection's ICE and DTLS, a server's connections, may still be on
// its way out on a loaded machine); a leak is one still there after it.
func VerifyTestMain(m *testing.M, opts ...goleak.Option) {
	code := m.Run()
	if code == 0 {
		opts = append(slices.Clone(leakIgnores), opts...)
		deadline := time.Now().Add(leakGrace)
		err := goleak.Find(opts...)
		for err != nil && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond) // polling the goroutines for the leak's end
			err = goleak.Find(opts...)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "goleak: goroutines left %v after a successful run: %v\n", leakGrace, err)
			code = 1
		}
	}
	os.Exit(code)
}

// leakGrace is how long VerifyTestMain lets goroutines end.
const leakGrace = 10 * time.Second

// fromEnv describes the server the GOJANUS_JANUS_* variables name (see Env).
func fromEnv() (*janusserver.Server, error) {
	get := func(name string) string { return strings.TrimSpace(os.Getenv(name)) }
	srv := &janusserver.Server{
		WSURL:        get(EnvWS),
		HTTPURL:      get(EnvHTTP),
		AdminWSURL:   get(EnvAdminWS),
		AdminHTTPURL: get(EnvAdminHTTP),
		AdminSecret:  os.Getenv(EnvAdminSecret),
		Version:      get(EnvVersion),
		Dir:          get(EnvDir),
	}
	var unset []string
	for _, v := range []struct{ name, val string }{
		{EnvWS, srv.WSURL}, {EnvHTTP, srv.HTTPURL},
		{EnvAdminWS, srv.AdminWSURL}, {EnvAdminHTTP, srv.AdminHTTPURL},
		{EnvAdminSecret, srv.AdminSecret},
	} {
		if v.val == "" {
			unset = append(unset, v.name)
		}
	}
	if len(unset) > 0 {
		return nil, fmt.Errorf("the environment describes no complete Janus server: set %s", strings.Join(unset, ", "))
	}
	if srv.Dir != "" {
		srv.RecordingsDir = filepath.Join(srv.Dir, "recordings")
		srv.LogPath = filepath.Join(srv.Dir, "janus.log")
		if _, err := os.Stat(srv.Dir); err != nil {
			return nil, errors.Join(fmt.Errorf("%s=%s", EnvDir, srv.Dir), err)
		}
	}
	return srv, nil
}

// Shared returns the Janus server the environment describes (the
// GOJANUS_JANUS_* variables, see Env) when EnvWS is set, so that several
// benchmark processes (Go and Node) measure against one server; otherwise
// it starts one with default options, like Start. go tool mage bench sets
// the environment.
func Shared(t testing.TB) *janusserver.Server {
	t.Helper()
	if os.Getenv(EnvWS) == "" {
		return Start(t, janusserver.Options{})
	}
	srv, err := fromEnv()
	if err != nil {
		t.Fatalf("janustest: %v", err)
	}
	return srv
}

// CheckVersion checks that got, a version string a client read from srv, is
// srv's version, and that srv runs the Janus the environment asks for
// (janusserver.VersionEnv: "1.4" for Debian sid's 1.4.x, else Debian 12's
// 1.1.x; not checked when JANUS_BINARY or, under GOOS=js, the test runner
// picked the server).
func CheckVersion(t testing.TB, srv *janusserver.Server, got string) {
	t.Helper()
	if srv.Version != "" && got != srv.Version {
		t.Errorf("version %q, want the server's %q", got, srv.Version)
	}
	if want := expectedVersion(); want != "" && !strings.HasPrefix(got, want) {
		t.Errorf("version %q, want %s* (%s=%q)", got, want, janusserver.VersionEnv, os.Getenv(janusserver.VersionEnv))
	}
}

// VersionNumber is the number Janus gives for a version string in info's
// "version": 1.4.1 is 1401.
func VersionNumber(t testing.TB, v string) int {
	t.Helper()
	var major, minor, patch int
	if _, err := fmt.Sscanf(v, "%d.%d.%d", &major, &minor, &patch); err != nil {
		t.Fatalf("version %q: %v", v, err)
	}
	return major*1000 + minor*100 + patch
}

// RestartOnPorts starts a Janus with opts on the ports of srv, which was
// stopped or killed, as a restarted server comes back: clients reconnect
// to the same URLs and find their sessions gone.
func RestartOnPorts(t testing.TB, srv *janusserver.Server, opts janusserver.Options) *janusserver.Server {
	t.Helper()
	port := func(raw string) int {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(u.Port())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	opts.WSPort, opts.HTTPPort = port(srv.WSURL), port(srv.HTTPURL)
	opts.AdminWSPort, opts.AdminHTTPPort = port(srv.AdminWSURL), port(srv.AdminHTTPURL)
	return Start(t, opts)
}
