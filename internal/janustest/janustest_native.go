//go:build !js

package janustest

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"go.uber.org/goleak"

	"github.com/gojanus/gojanus/internal/janusserver"
)

// leakIgnores are the goroutines of the runtime VerifyTestMain ignores:
// none natively.
var leakIgnores []goleak.Option

// RequireJanus skips the test when no janus binary is available, or fails it
// when the environment variable CI is true.
func RequireJanus(t testing.TB) {
	t.Helper()
	if _, err := janusserver.Binary(); err != nil {
		missing(t, err)
	}
}

// RequireTool skips the test when one of the named programs (ffmpeg,
// ffprobe...) is not on PATH, or fails it when the environment variable
// CI is true.
func RequireTool(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		Tool(t, name)
	}
}

// Tool is RequireTool for one program, and returns its path.
func Tool(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is required (go tool mage deps installs it): %v", name, err)
	}
	return bin
}

// Start starts a Janus server for the test, in a folder of t.TempDir() unless
// opts.Dir is set, and stops it when the test ends. If the test failed, the
// tail of the Janus log is logged. The first server of the test binary logs
// the Janus version, so test output shows which server was used.
func Start(t testing.TB, opts janusserver.Options) *janusserver.Server {
	t.Helper()
	if opts.Binary == "" {
		bin, err := janusserver.Binary()
		if err != nil {
			missing(t, err)
		}
		opts.Binary = bin
	}
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	srv, err := janusserver.Start(ctx, opts)
	if err != nil {
		if errors.Is(err, janusserver.ErrNotFound) {
			missing(t, err)
		}
		t.Fatalf("starting janus: %v", err)
	}
	// Registered after t.TempDir's cleanup, so it runs before the folder goes.
	t.Cleanup(func() {
		crashed := false
		select {
		case <-srv.Done():
			crashed = true // it should still be running: nothing but Stop ends it
		default:
		}
		// The tail as the test left it, without Janus's shutdown lines.
		var tail string
		if t.Failed() {
			tail = srv.LogTail(logTailLines)
		}
		err := srv.Stop()
		if crashed && err != nil {
			t.Errorf("janus died during the test: %v", err)
		}
		if t.Failed() {
			t.Logf("tail of janus log %s (before it was stopped):\n%s", srv.LogPath, tail)
		}
		if !crashed && err != nil {
			t.Logf("stopping janus: %v", err)
		}
	})
	first := false
	versionOnce.Do(func() { first = true })
	if first {
		t.Logf("janus %s at %s (pid %d, %s)", srv.Version, srv.WSURL, srv.Pid(), opts.Binary)
	}
	return srv
}

func expectedVersion() string { return janusserver.ExpectedVersion() }
