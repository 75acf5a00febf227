package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// TestIDAboveJanusRange: an id Janus cannot read (above 2^63-1: it would
// drop the request and the command would time out) is a usage error,
// before anything is sent.
func TestIDAboveJanusRange(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	const huge = "18446744073709551615"
	for _, args := range [][]string{
		{"rooms", "exists", huge},
		{"play", huge},
		{"rooms", "participants", "9223372036854775808"},
	} {
		code, _, stderr := runCmd(t, append(args, "--server", srv.WSURL, "--timeout", "30s")...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "numeric id out of range", args)
		assert.Contains(t, stderr, "Janus reads ids up to 9223372036854775807", args)
	}
}
