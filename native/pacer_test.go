package native

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPacerWake checks that a wake makes the next step due at once, where
// the schedule says an hour, and that a done context ends a wait.
func TestPacerWake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var p pacer
	wake := make(chan struct{}, 1)
	require.NoError(t, p.waitOrWake(ctx, time.Hour, wake), "the first step is due at once")
	wake <- struct{}{}
	require.NoError(t, p.waitOrWake(ctx, time.Hour, wake), "woken before the hour is up")
	assert.Greater(t, time.Until(p.next), 59*time.Minute, "the step after a wake is a whole interval later")

	short, stop := context.WithCancel(ctx)
	stop()
	assert.ErrorIs(t, p.wait(short, time.Hour), context.Canceled)
}
