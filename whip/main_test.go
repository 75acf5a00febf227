package whip_test

import (
	"testing"

	"github.com/gojanus/gojanus/internal/janustest"
)

// TestMain fails the package if a test leaves goroutines behind: every
// resource's watcher, session and PeerConnection must end.
func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }
