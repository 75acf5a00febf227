package native

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingFactory is a pion LoggerFactory that keeps every line logged
// at or above warn level.
type recordingFactory struct {
	mu    sync.Mutex
	lines []string
}

func (f *recordingFactory) NewLogger(scope string) logging.LeveledLogger {
	return logging.NewDefaultLeveledLoggerForScope(scope, logging.LogLevelWarn, f)
}

func (f *recordingFactory) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, string(b))
	return len(b), nil
}

func (f *recordingFactory) all() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.lines, "")
}

// TestPeerQuietAfterClose: the pion loggers of a Peer (through the
// factory of its SettingEngine) log errors and warnings until Close, and
// drop them from Close on, where pion's goroutines report the pipes
// Close tears down; an error about a closed pipe, which a remote hangup
// causes before Close, is dropped before too.
func TestPeerQuietAfterClose(t *testing.T) {
	rec := &recordingFactory{}
	se := &webrtc.SettingEngine{LoggerFactory: rec}
	p, err := NewPeer(PeerConfig{SettingEngine: se})
	require.NoError(t, err)
	log := quietOnClose{base: rec, closing: p.closing}.NewLogger("twcc_sender_interceptor")
	log.Errorf("before %d", 1)
	log.Warn("before warn")
	log.Errorf("before: %v", io.ErrClosedPipe)
	log.Warn("before: " + io.ErrClosedPipe.Error())
	require.NoError(t, p.Close())
	log.Errorf("after: %v", fmt.Errorf("io: read/write on closed pipe"))
	log.Error("after")
	log.Warnf("after %s", "warn")
	got := rec.all()
	assert.Contains(t, got, "before 1")
	assert.Contains(t, got, "before warn")
	assert.NotContains(t, got, "after")
	assert.NotContains(t, got, "closed pipe")
	assert.Same(t, rec, se.LoggerFactory, "the caller's SettingEngine keeps its factory")
}
