package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMediaFlagMistakes: flag values the server would take badly are
// usage errors before anything is sent (no server runs here).
func TestMediaFlagMistakes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nosip", "--sdp-out", dir}, "is a directory: give the file to write"},
		{[]string{"record", "--name", "x", "--filename", "sub/dir"}, "a base name, without a folder"},
		{[]string{"sip", "call", "--uri", "bob@127.0.0.1"}, "not a SIP URI"},
		{[]string{"sip", "call", "--uri", "http://x"}, "not a SIP URI"},
	} {
		code, _, stderr := runCmd(t, append(tc.args, "--server", "ws://127.0.0.1:1")...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
	assert.True(t, isSIPURI("sip:bob@127.0.0.1"))
	assert.True(t, isSIPURI("SIPS:bob@example.org"))
	assert.False(t, isSIPURI("sip:"))
}
