package nodejs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeNode writes an executable node into dir that reports version.
func fakeNode(t *testing.T, dir, version string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	p := filepath.Join(dir, "node")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\necho v"+version+"\n"), 0o755))
	return p
}

func reset(t *testing.T) {
	t.Helper()
	findMu.Lock()
	found = ""
	findMu.Unlock()
	t.Cleanup(func() {
		findMu.Lock()
		found = ""
		findMu.Unlock()
	})
}

// TestFindSkipsAnOldNode: with Debian 12's Node 18 first in PATH, Find
// says so until the pinned Node is installed, then returns that, and
// Environ puts it first in PATH.
func TestFindSkipsAnOldNode(t *testing.T) {
	tmp := t.TempDir()
	old := filepath.Join(tmp, "debian", "bin")
	fakeNode(t, old, "18.20.4")
	t.Setenv("PATH", old+string(os.PathListSeparator)+"/usr/bin:/bin")
	t.Setenv(DirEnv, filepath.Join(tmp, "cache"))

	reset(t)
	_, err := Find()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Node 18.20.4")
	assert.Contains(t, err.Error(), "mage deps installs Node "+Pinned)

	pinned := fakeNode(t, filepath.Dir(pinnedBinary()), Pinned)
	reset(t)
	got, err := Find()
	require.NoError(t, err)
	assert.Equal(t, pinned, got)
	for _, kv := range Environ() {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			assert.True(t, strings.HasPrefix(v, filepath.Dir(pinned)+string(os.PathListSeparator)), v)
		}
	}
}

// TestFindTakesANewEnoughNodeInPath: Node 20 or later in PATH is used as
// it is.
func TestFindTakesANewEnoughNodeInPath(t *testing.T) {
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	p := fakeNode(t, bin, "20.20.2")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+"/usr/bin:/bin")
	t.Setenv(DirEnv, filepath.Join(tmp, "cache"))
	reset(t)
	got, err := Find()
	require.NoError(t, err)
	assert.Equal(t, p, got)
	major, v, err := Version(got)
	require.NoError(t, err)
	assert.Equal(t, 20, major)
	assert.Equal(t, "20.20.2", v)
}
