package janodetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/nodejs"
)

// nodeDir is the Node part of the package, relative to the package folder
// (the working directory of its tests).
const nodeDir = "node"

// npmTimeout bounds npm ci.
const npmTimeout = 3 * time.Minute

// onCI reports whether missing tools fail the test instead of skipping it.
func onCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// missing skips the test, or fails it on CI, where every dependency must
// be there.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if onCI() {
		t.Fatalf("required on CI: %s", msg)
	}
	t.Skipf("skipping: %s", msg)
}

// requireJanode checks Node and npm and installs janode from the lock
// file, and returns the absolute path of the Node folder.
func requireJanode(t testing.TB) string {
	t.Helper()
	if err := nodejs.Check(); err != nil {
		missing(t, "%v", err)
	}
	dir, err := filepath.Abs(nodeDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	start := time.Now()
	ran, err := nodejs.Install(ctx, dir)
	if err != nil {
		missing(t, "%v", err)
	}
	if ran {
		t.Logf("npm ci in %s: %.1f s", dir, time.Since(start).Seconds())
	}
	return dir
}
