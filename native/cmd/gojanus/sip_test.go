package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/sippeer"
)

// TestSIPCallCommand runs "gojanus sip call" inside the test network
// namespace: registered at kamailio, it calls baresip (which answers by
// itself), sends an Opus file and records baresip's sine; then as a guest
// calling baresip directly, in text.
func TestSIPCallCommand(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	reg := sippeer.Kamailio(t, "s3cret")
	bob := sippeer.Baresip(t, sippeer.BaresipOptions{User: "bob", Registrar: reg, AutoAnswer: true})
	opus := "../../../testdata/media/opus-440hz-3s.ogg"

	dir := t.TempDir()
	var sum SIPCallOutput
	checkSchema(t, mustRun(t, "sip", "call", "--uri", "sip:bob@"+reg.Addr, "--register", "sip:alice@127.0.0.1",
		"--secret", reg.Password, "--proxy", reg.URI(), "--source", opus, "--duration", "3s", "--record", dir,
		"--server", srv.WSURL, "--ice-interface", netns.Interface, "--json"), &sum)
	assert.True(t, sum.Registered)
	assert.NotEmpty(t, sum.CallID)
	assert.Equal(t, 200, sum.HangupCode)
	require.Len(t, sum.Sent, 1)
	assert.GreaterOrEqual(t, sum.Sent[0].Frames, uint64(140), "the 3 s file")
	require.Len(t, sum.Received, 1)
	got := sum.Received[0]
	assert.Equal(t, "audio", got.Kind)
	assert.Equal(t, filepath.Join(dir, "audio.ogg"), got.File)
	assert.GreaterOrEqual(t, got.Packets, uint64(100), "baresip's sine for the length of the call")
	assert.Greater(t, decodedFrames(t, got.File, "a:0"), 100, "the recording decodes")
	require.NoError(t, bob.WaitLog(t.Context(), "terminated"))

	// A guest calls baresip's own address, sending the test pattern and
	// tone: baresip has no video codec and refuses the video m-line.
	out := mustRun(t, "sip", "call", "--uri", "sip:bob@"+bob.Addr, "--source", "test", "--duration", "1s",
		"--server", srv.WSURL, "--ice-interface", netns.Interface)
	t.Logf("%s", out)
	mustContain(t, out, "as a guest", "accepted", "received", "audio/opus", "hangup")
	require.NoError(t, bob.WaitLog(t.Context(), "terminated"))
}

// TestSIPCallEndsWhenTheCalleeHangsUp: a call with a long --duration ends
// when baresip hangs up, with the callee's hangup in the summary and exit
// 0; before, it sent into the ended call until --duration and then failed
// to hang up.
func TestSIPCallEndsWhenTheCalleeHangsUp(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	bob := sippeer.Baresip(t, sippeer.BaresipOptions{User: "bob", AutoAnswer: true})
	call := startCmd("sip", "call", "--uri", "sip:bob@"+bob.Addr,
		"--source", "../../../testdata/media/opus-440hz-3s.ogg", "--duration", "10m",
		"--server", srv.WSURL, "--ice-interface", netns.Interface)
	t.Cleanup(func() { call.stop() })
	call.waitFor(t, "connected; sending", 30*time.Second)
	require.NoError(t, bob.Command("/hangup"))
	code := call.wait(t, time.Minute)
	t.Logf("stdout: %s\nstderr: %s", call.stdout.String(), call.stderr.String())
	require.Equal(t, 0, code)
	mustContainInOrder(t, call.stdout.String(), "accepted", "connected; sending", "sent", "hangup", "by the other side: ")
}

// TestSIPAnswerCommand: "gojanus sip answer" registers at kamailio and
// waits; baresip dials the account, the command answers with an Opus
// file, records baresip's sine, and hangs up after --duration 3s. Both
// directions decode; the answer put Opus, the codec the command sends,
// before the PCMU and PCMA that baresip offers first.
func TestSIPAnswerCommand(t *testing.T) {
	janustest.RequireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	reg := sippeer.Kamailio(t, "s3cret")
	carol := sippeer.Baresip(t, sippeer.BaresipOptions{User: "carol", Registrar: reg})
	dir := t.TempDir()
	answer := startCmd("sip", "answer", "--register", "sip:alice@127.0.0.1", "--secret", reg.Password, "--proxy", reg.URI(),
		"--source", "../../../testdata/media/opus-440hz-3s.ogg", "--record", dir, "--wait", "1m", "--duration", "3s",
		"--server", srv.WSURL, "--ice-interface", netns.Interface)
	t.Cleanup(func() { answer.stop() })
	answer.waitFor(t, "waiting", 30*time.Second)
	require.NoError(t, carol.Command("/dial sip:alice@"+reg.Addr))
	code := answer.wait(t, time.Minute)
	t.Logf("stdout: %s\nstderr: %s", answer.stdout.String(), answer.stderr.String())
	require.Equal(t, 0, code)
	out := answer.stdout.String()
	mustContainInOrder(t, out, "registered at", "waiting", "incoming     from sip:carol@", "accepted",
		"connected; sending", "sent         audio audio/opus: ", "received     audio audio/opus: ", filepath.Join(dir, "audio.ogg"), "hangup ")
	assert.NotContains(t, out, "by the other side", "the command hung up at --duration")
	require.NoError(t, carol.WaitLog(t.Context(), "terminated"))
	assert.Greater(t, decodedFrames(t, filepath.Join(dir, "audio.ogg"), "a:0"), 100, "baresip's sine, recorded")
	carol.Stop()
	heard := carol.Recording("dec")
	require.NotEmpty(t, heard, "baresip recorded the call")
	assert.Greater(t, decodedFrames(t, heard, "a:0"), 50, "baresip heard the file")
	require.NoError(t, carol.WaitLog(t.Context(), "audio: Set audio decoder: opus"), "baresip took Opus")
}

// TestSIPAnswerUsage: a guest cannot be called through a registrar.
func TestSIPAnswerUsage(t *testing.T) {
	code, stdout, _ := runCmd(t, "sip", "answer", "--json")
	assert.Equal(t, 2, code)
	assert.Contains(t, decodeError(t, stdout).Message, "--secret is required")
}

// TestSIPAnswerWaitEnds: without a call, the wait ends at --wait, an error
// that names it.
func TestSIPAnswerWaitEnds(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	reg := sippeer.Kamailio(t, "s3cret")
	code, stdout, _ := runCmd(t, "sip", "answer", "--register", "sip:alice@127.0.0.1", "--secret", reg.Password, "--proxy", reg.URI(),
		"--wait", "1s", "--server", srv.WSURL, "--json")
	assert.Equal(t, 1, code)
	e := decodeError(t, stdout)
	assert.Equal(t, kindFailure, e.Kind)
	assert.Equal(t, "sip: no call to sip:alice@127.0.0.1 within --wait 1s", e.Message)
}
