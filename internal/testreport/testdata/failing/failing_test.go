// Package failing holds tests that fail on purpose, run by testreport's
// tests to get real `go test -v` output. The ./... pattern never runs them
// (testdata is skipped); the tests name the package by its path.
package failing

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasses(t *testing.T) { t.Log("fine") }

func TestTestify(t *testing.T) {
	t.Log("dialling")
	require.NoError(t, os.ErrDeadlineExceeded, "the offer")
}

func TestFatal(t *testing.T) {
	t.Log("first")
	t.Fatalf("no answer after %d tries", 3)
}

func TestSubtests(t *testing.T) {
	t.Run("good", func(t *testing.T) {})
	t.Run("bad", func(t *testing.T) { require.Equal(t, 1, 2) })
}

func TestParallel(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Logf("in %s", name)
			if name == "b" {
				t.Errorf("b broke")
			}
		})
	}
}

func TestPanics(t *testing.T) {
	if os.Getenv("FAILING_PANIC") != "" {
		var m map[string]int
		m["x"] = 1
	}
}

func TestHangs(t *testing.T) {
	if os.Getenv("FAILING_HANG") != "" {
		select {}
	}
}
