package core

import (
	"testing"

	"github.com/gojanus/gojanus/internal/janustest"
)

// TestMain fails the package if any test leaves goroutines behind.
func TestMain(m *testing.M) {
	janustest.VerifyTestMain(m)
}
