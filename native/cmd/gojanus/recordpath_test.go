package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecordPath checks --record the same way in every command that
// records, before anything is sent: another file extension than .webm
// is a usage error (sip call takes no .webm either), a directory is made
// only when its parent exists, a .webm file is not made up front (a
// recording that fails leaves no empty file). Nothing listens at the
// server: what passes the check fails to connect (exit 1).
func TestRecordPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	const server = "ws://127.0.0.1:9"
	commands := map[string][]string{
		"play":      {"play", "99", "--server", server},
		"subscribe": {"subscribe", "--room", "1", "--server", server},
		"whep-play": {"whep-play", "http://127.0.0.1:9/whep"},
		"sip call":  {"sip", "call", "--uri", "sip:bob@127.0.0.1", "--server", server},
	}
	for name, args := range commands {
		t.Run(name, func(t *testing.T) {
			takes := "a .webm file or a directory"
			if name == "sip call" {
				takes = "a directory"
			}
			run := func(record string) (int, ErrorInfo) {
				t.Helper()
				code, stdout, _ := runCmd(t, append(append([]string{}, args...), "--record", record, "--json")...)
				return code, decodeError(t, stdout)
			}
			mp4 := filepath.Join(dir, "out.mp4")
			code, e := run(mp4)
			assert.Equal(t, 2, code)
			assert.Equal(t, kindUsage, e.Kind)
			assert.Contains(t, e.Message, "--record takes "+takes+", not a .mp4 file")
			assert.NoFileExists(t, mp4)
			assert.NoDirExists(t, mp4)

			deep := filepath.Join(dir, "missing", "rec")
			code, e = run(deep)
			assert.Equal(t, 2, code)
			assert.Equal(t, kindUsage, e.Kind)
			assert.Contains(t, e.Message, "the directory "+filepath.Join(dir, "missing")+" does not exist")
			assert.NoDirExists(t, filepath.Join(dir, "missing"))

			code, e = run(file)
			assert.Equal(t, 2, code)
			assert.Contains(t, e.Message, "is a file, and --record takes "+takes)

			// A new directory in one that exists is made; the command
			// goes on (and fails to connect).
			made := filepath.Join(dir, name+"-rec")
			code, e = run(made)
			assert.Equal(t, 1, code, e.Message)
			assert.NotEqual(t, kindUsage, e.Kind)
			assert.DirExists(t, made)

			webm := filepath.Join(dir, name+".webm")
			code, e = run(webm)
			if name == "sip call" {
				assert.Equal(t, 2, code)
				assert.Contains(t, e.Message, "--record takes a directory, not a .webm file")
			} else {
				assert.Equal(t, 1, code, e.Message)
				assert.NotEqual(t, kindUsage, e.Kind)
			}
			assert.NoFileExists(t, webm, "no empty file left")
		})
	}
}
