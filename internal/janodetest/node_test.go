package janodetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/nodejs"
)

// nodeDir is the Node part of the package, relative to the package folder
// (the working directory of its tests).
const nodeDir = "node"

// npmTimeout bounds npm ci.
const npmTimeout = 3 * time.Minute

// requireJanode checks Node and npm and installs janode from the lock
// file, and returns the absolute path of the Node folder.
func requireJanode(t testing.TB) string {
	t.Helper()
	if err := nodejs.Check(); err != nil {
		janustest.Missing(t, "%v", err)
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
		janustest.Missing(t, "%v", err)
	}
	if ran {
		t.Logf("npm ci in %s: %.1f s", dir, time.Since(start).Seconds())
	}
	return dir
}
