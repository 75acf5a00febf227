package native_test

import (
	"testing"

	"github.com/gojanus/gojanus/internal/janustest"
)

// TestMain fails the package if a test leaves goroutines behind: every
// PeerConnection, source, recorder and client must be released. Inside
// the network namespace this covers the one media test the process runs.
func TestMain(m *testing.M) {
	janustest.VerifyTestMain(m)
}
