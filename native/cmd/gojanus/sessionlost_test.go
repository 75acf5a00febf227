package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
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

// TestMediaRunEndsWhenJanusHangsUp: a publisher with no --duration ends
// when Janus hangs up its PeerConnection while the session lives (the
// participant kicked, the room destroyed), with exit 1 and an error that
// says so; it used to send into nothing for ever.
func TestMediaRunEndsWhenJanusHangsUp(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	vr, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)

	for i, end := range []struct {
		name string
		do   func(room core.ID) error
	}{
		{"kicked", func(room core.ID) error {
			return vr.Kick(ctx, videoroom.KickRequest{Room: room, Participant: core.NumID(77)})
		}},
		{"room destroyed", func(room core.ID) error {
			_, err := vr.Destroy(ctx, videoroom.DestroyRequest{Room: room})
			return err
		}},
	} {
		t.Run(end.name, func(t *testing.T) {
			room := core.NumID(uint64(9100 + i))
			pub := startCmd("publish", "--server", srv.WSURL, "--room", room.String(), "--create", "--id", "77",
				"--source", "test", "--ice-interface", netns.Interface)
			t.Cleanup(func() { pub.stop() })
			pub.waitFor(t, "publishing", 30*time.Second)

			select {
			case code := <-pub.done:
				t.Fatalf("publish ended (exit %d) before Janus hung up:\n%s", code, pub.stderr.String())
			default:
			}
			require.NoError(t, end.do(room))
			code := pub.wait(t, time.Minute)
			t.Logf("stdout: %s\nstderr: %s", pub.stdout.String(), pub.stderr.String())
			assert.Equal(t, 1, code)
			// Which comes first depends on the moment: Janus's hangup event,
			// or pion closing on Janus's DTLS close.
			mustContain(t, pub.stderr.String(), "gojanus publish: error: the media connection ended: ",
				"gojanus publish: hint: Janus ends a PeerConnection when")
		})
	}
}
