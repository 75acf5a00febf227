package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// readmeCLI returns the lines of the README's command-line snippet.
func readmeCLI(t *testing.T, root string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(b), "<!-- snippet:cli -->\n```sh\n")
	require.True(t, ok, "the README has no <!-- snippet:cli --> block")
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	return strings.Split(strings.TrimSpace(block), "\n")
}

// TestReadmeCommandLine runs the README's command-line session as written,
// in bash, against a Janus on the default ports with the default admin
// secret (those of go tool mage janus) inside the test network namespace,
// where those ports are free. Its first line installs the command (with
// GOBIN pointing into the test's directory); the others run in a scratch
// directory that has the repository's testdata. The command it installs
// has the in-process encoders, so the session's test pattern must not
// print the note about ffmpeg's.
func TestReadmeCommandLine(t *testing.T) {
	root := janustest.ModuleRoot(t)
	lines := readmeCLI(t, root)
	require.True(t, strings.HasPrefix(lines[0], "go install -tags mediadevices ./native/cmd/gojanus"), lines[0])
	for _, tool := range []string{"bash", "ffmpeg", "gst-launch-1.0"} {
		if _, err := exec.LookPath(tool); err != nil && os.Getenv("CI") == "true" {
			t.Fatalf("%s is required", tool)
		}
	}
	if !netns.Run(t) {
		return
	}
	janustest.Start(t, janusserver.Options{WSPort: 8188, HTTPPort: 8088, AdminWSPort: 7188, AdminHTTPPort: 7088,
		AdminSecret: "janusoverlord", ICEEnforceList: netns.Interface})

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	work := filepath.Join(dir, "work")
	require.NoError(t, os.MkdirAll(work, 0o755))
	require.NoError(t, os.Symlink(filepath.Join(root, "testdata"), filepath.Join(work, "testdata")))
	env := append(os.Environ(), "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GOFLAGS=-mod=mod", "GOPROXY=off")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	shell := func(dir, script string) string {
		cmd := exec.CommandContext(ctx, "bash", "-c", "set -euo pipefail -x\n"+script)
		cmd.Dir, cmd.Env = dir, env
		// On timeout, stop the whole process group (a background
		// publisher, its ffmpeg), not only bash.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	t.Logf("%s", shell(root, lines[0]))
	out := shell(work, strings.Join(lines[1:], "\n"))
	t.Logf("%s", out)

	// What the session left behind.
	for _, name := range []string{"7-video.ivf", "7-audio.ogg"} {
		assert.FileExists(t, filepath.Join(work, "out", name))
	}
	// The WebM starts at the publisher's first keyframe after the
	// subscription, which the file source sends when asked, so 5 s hold
	// at least 3 s of frames.
	assert.Greater(t, decodedFrames(t, filepath.Join(work, "call.webm"), "v:0"), 60)
	assert.NotContains(t, out, "note: --source test", "the README's build encodes the test pattern in process")
	mustContain(t, out, "created      room 42", "subscribed   room 42", "destroyed    room 43", `"session_ids": [`)
}
