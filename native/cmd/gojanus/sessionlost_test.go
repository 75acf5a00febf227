package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
)

// TestMediaRunEndsWhenJanusGoes: a media command with no --duration ends
// when its Janus session is lost (here Janus restarts: the client
// reconnects, and the session is gone), with exit 1 and an error that
// says so, instead of sending into nothing for ever.
func TestMediaRunEndsWhenJanusGoes(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	rec := startCmd("record", "--server", srv.WSURL, "--name", "cut short", "--source", "test",
		"--ice-interface", netns.Interface)
	t.Cleanup(func() { rec.stop() })
	rec.waitFor(t, "recording    \"cut short\"", 30*time.Second)

	srv.Kill()
	<-srv.Done()
	janustest.RestartOnPorts(t, srv, janusserver.Options{ICEEnforceList: netns.Interface})

	code := rec.wait(t, time.Minute)
	t.Logf("stdout: %s\nstderr: %s", rec.stdout.String(), rec.stderr.String())
	assert.Equal(t, 1, code)
	mustContain(t, rec.stderr.String(), "gojanus record: error: the Janus session ended: ",
		"gojanus record: hint: Janus went away during the run")
}
