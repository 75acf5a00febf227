package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/native"
)

func TestProgressLine(t *testing.T) {
	last := map[string]uint64{}
	stats := []native.TrackStats{{ID: "v", Kind: "video", Bytes: 125_000, Packets: 100}, {ID: "a", Kind: "audio", Bytes: 4_000, Packets: 50}}
	assert.Equal(t, "video 1000 kbit/s 100 pkts | audio 32 kbit/s 50 pkts", progressLine(stats, last, time.Second))
	stats[0].Bytes, stats[0].Packets = 250_000, 200
	assert.Equal(t, "video 500 kbit/s 200 pkts | audio 0 kbit/s 50 pkts", progressLine(stats, last, 2*time.Second))
	assert.Equal(t, "no track yet", progressLine(nil, last, time.Second))
}

// TestProgressOnlyOnTerminal: the live line is written on a terminal
// until the context ends (then cleared), and never otherwise.
func TestProgressOnlyOnTerminal(t *testing.T) {
	stats := func() []native.TrackStats { return []native.TrackStats{{ID: "v", Kind: "video", Packets: 7}} }
	for _, o := range []output{{json: false, terminal: false}, {json: true, terminal: true}} {
		var buf bytes.Buffer
		o.stdout = &buf
		ctx, cancel := context.WithCancel(context.Background())
		o.showProgress(ctx, stats)() // returns at once: nothing to show
		cancel()
		assert.Empty(t, buf.String(), "%+v", o)
	}
	var buf watchWriter
	o := output{stdout: &buf, terminal: true}
	ctx, cancel := context.WithCancel(context.Background())
	wait := o.showProgress(ctx, stats)
	select {
	case <-buf.seen("video 0 kbit/s 7 pkts"):
	case <-time.After(10 * time.Second):
		t.Fatalf("no progress line: %q", buf.String())
	}
	cancel()
	wait()
	assert.Contains(t, buf.String(), "\r\033[Kvideo 0 kbit/s 7 pkts")
	assert.True(t, strings.HasSuffix(buf.String(), "\r\033[K"), "the line is cleared at the end: %q", buf.String())
}

// TestRunForReportsAtLeastItsDuration: a run that lasts its whole
// duration never reports less (the CLI's duration_ms was once 1999 for
// --duration 2s: the clock started after the deadline was set).
func TestRunForReportsAtLeastItsDuration(t *testing.T) {
	o := output{stdout: &bytes.Buffer{}}
	for i := range 200 {
		d := time.Duration(1+i%3) * time.Millisecond
		ran, err := o.runFor(context.Background(), d, nil, func(ctx context.Context) error {
			<-ctx.Done()
			return nil
		})
		assert.NoError(t, err)
		if ran < d {
			t.Fatalf("run %d: ran %v, less than its duration %v", i, ran, d)
		}
	}
}
