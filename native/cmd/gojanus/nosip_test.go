package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// TestNoSIPCommand runs "gojanus nosip" inside the test network namespace
// against a real Janus: ffmpeg reads the SDP the command writes, records
// the plain RTP Janus sends there, and the recording decodes.
func TestNoSIPCommand(t *testing.T) {
	janustest.RequireTool(t, "ffmpeg", "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	sdp := filepath.Join(dir, "call.sdp")

	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runCmdContext(t, ctx, "nosip", "--server", srv.WSURL, "--source", testFiles, "--duration", "3s",
			"--sdp-out", sdp, "--ice-interface", netns.Interface, "--json")
		done <- result{code, stdout, stderr}
	}()

	// The receiver starts once the SDP is there; the command waits for it.
	require.Eventually(t, func() bool { _, err := os.Stat(sdp); return err == nil }, 20*time.Second, 10*time.Millisecond,
		"no SDP written")
	out := filepath.Join(dir, "call.mkv")
	ff := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
		"-protocol_whitelist", "file,udp,rtp", "-i", sdp, "-map", "0", "-c", "copy", "-t", "2", out)
	var ffErr strings.Builder
	ff.Stderr = &ffErr
	require.NoError(t, ff.Start())

	// ffmpeg ends after 2 s of the 3 s sent; one that fails (cannot bind a
	// port) fails the test at once, not after the command's --wait.
	ffDone := make(chan error, 1)
	go func() { ffDone <- ff.Wait() }()
	select {
	case err := <-ffDone:
		require.NoError(t, err, "ffmpeg: %s", ffErr.String())
	case <-ctx.Done():
		fatalHung(t, "ffmpeg did not end")
	}
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		fatalHung(t, "gojanus nosip did not end")
	}
	require.Equal(t, 0, r.code, r.stderr)

	var sum NoSIPOutput
	checkSchema(t, r.stdout, &sum)
	assert.Equal(t, sdp, sum.SDPFile)
	assert.GreaterOrEqual(t, sum.DurationMS, int64(2990), "it ran its --duration")
	require.Len(t, sum.Ports, 2)
	require.Len(t, sum.Sent, 2)
	for _, sent := range sum.Sent {
		assert.Positive(t, sent.Frames, sent.Kind)
		assert.NotZero(t, sum.Ports[sent.Kind], sent.Kind)
	}
	written, err := os.ReadFile(sdp)
	require.NoError(t, err)
	assert.Contains(t, string(written), "a=rtpmap:", "the SDP names the codecs")

	// 2 s of 30 fps video and 20 ms Opus frames, less the start.
	video := decodedFrames(t, out, "v:0")
	audio := decodedFrames(t, out, "a:0")
	t.Logf("ffmpeg recorded %d video and %d audio frames", video, audio)
	assert.Greater(t, video, 30, "decoded video frames")
	assert.Greater(t, audio, 50, "decoded audio frames")

	// Without a receiver the command says what to start, and gives up
	// after --wait.
	code, stdout, stderr := runCmdContext(t, ctx, "nosip", "--server", srv.WSURL, "--source", testFiles,
		"--sdp-out", filepath.Join(dir, "nobody.sdp"), "--wait", "300ms", "--ice-interface", netns.Interface)
	assert.Equal(t, 1, code)
	mustContain(t, stdout, "NoSIP handle", "waiting for a receiver: ffplay -protocol_whitelist file,udp,rtp -i "+filepath.Join(dir, "nobody.sdp"))
	mustContain(t, stderr, "no receiver within --wait 300ms", "hint: start a receiver of ")

	// Interrupted while sending (a receiver that just listens), it hangs
	// up and prints its summary, as publish and record do.
	stopped := filepath.Join(dir, "stopped.sdp")
	bg := startCmd("nosip", "--server", srv.WSURL, "--source", testFiles, "--duration", "1m",
		"--sdp-out", stopped, "--ice-interface", netns.Interface)
	require.Eventually(t, func() bool { _, err := os.Stat(stopped); return err == nil }, 20*time.Second, 10*time.Millisecond,
		"no SDP written")
	written, err = os.ReadFile(stopped)
	require.NoError(t, err)
	media, err := native.ParsePlainSDP(string(written))
	require.NoError(t, err)
	for _, m := range media {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: m.Port})
		require.NoError(t, err)
		defer c.Close()
	}
	bg.waitFor(t, "webrtc       connected", 20*time.Second)
	bg.stop()
	require.Equal(t, 0, bg.wait(t, 30*time.Second), bg.stderr.String())
	mustContain(t, bg.stdout.String(), "video/VP8: sent ", "audio/opus: sent ")
}

// TestWriteWhole: the SDP file appears whole (renamed into place), with
// its mode, and no temporary file is left; over an old file too.
func TestWriteWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "call.sdp")
	for _, body := range []string{"v=0\nfirst\n", "v=0\nsecond\n"} {
		require.NoError(t, writeWhole(path, []byte(body)))
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, body, string(got))
	}
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")
	assert.Error(t, writeWhole(filepath.Join(dir, "missing", "x.sdp"), []byte("v=0\n")))
}
