package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gojanus/gojanus/native"
)

// output is where a command writes: text lines, or one JSON object.
type output struct {
	stdout, stderr io.Writer
	json           bool
	// terminal enables the live progress line.
	terminal bool
	// conn ends media runs whose Janus session was lost (nil: never).
	conn *connWatch
	// media ends media runs whose PeerConnection ended (nil: never).
	media *mediaWatch
}

// linef prints one line of text output (nothing in JSON mode).
func (o output) linef(format string, args ...any) {
	if o.json {
		return
	}
	fmt.Fprintf(o.stdout, format+"\n", args...)
}

// step prints one step of a command as "label  text".
func (o output) step(label, format string, args ...any) {
	o.linef("%-12s %s", label, fmt.Sprintf(format, args...))
}

// result prints v in JSON mode, or runs text otherwise.
func (o output) result(v any, text func()) error {
	if o.json {
		return writeJSON(o.stdout, v)
	}
	text()
	return nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// nonNil makes a nil list print as [] in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressInterval is how often the live progress line is rewritten.
const progressInterval = time.Second

// showProgress rewrites one status line per second with the per-track
// bitrate and packets from stats, while ctx lasts, when stdout is a
// terminal (and not in JSON mode); otherwise it stays quiet. The returned
// function waits until the line is cleared.
func (o output) showProgress(ctx context.Context, stats func() []native.TrackStats) (wait func()) {
	if o.json || !o.terminal {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		last := map[string]uint64{}
		for {
			select {
			case <-ctx.Done():
				fmt.Fprint(o.stdout, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(o.stdout, "\r\033[K%s", progressLine(stats(), last, progressInterval))
			}
		}
	}()
	return func() { <-done }
}

// runFor runs fn for duration (0: until ctx ends), showing the progress of
// stats meanwhile (showProgress), and returns how long it ran and fn's
// error. fn's context ends when the duration is over.
func (o output) runFor(ctx context.Context, duration time.Duration, stats func() []native.TrackStats, fn func(context.Context) error) (time.Duration, error) {
	// start is taken before the deadline is set, so a full run never
	// reports less than duration.
	start := time.Now()
	runCtx, stop := upTo(ctx, duration)
	defer stop()
	runCtx, endRun := o.conn.bind(runCtx)
	defer endRun()
	runCtx, endMedia := o.media.bind(runCtx)
	waitProgress := o.showProgress(runCtx, stats)
	err := fn(runCtx)
	stop()
	mediaLost := endMedia()
	waitProgress()
	ran := time.Since(start)
	if lost := o.conn.lostErr(); lost != nil {
		return ran, lost
	}
	if mediaLost != nil {
		return ran, mediaLost
	}
	return ran, err
}

// upTo returns ctx limited to d, or ctx itself when d is 0 (no limit, as
// the --duration and --wait flags take it).
func upTo(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return ctx, func() {}
}

// progressLine formats one progress line; last holds the byte counts of
// the previous line, per track.
func progressLine(stats []native.TrackStats, last map[string]uint64, every time.Duration) string {
	parts := make([]string, 0, len(stats))
	for _, st := range stats {
		key := st.Kind + "/" + st.ID
		kbps := float64(st.Bytes-last[key]) * 8 / 1000 / every.Seconds()
		last[key] = st.Bytes
		parts = append(parts, fmt.Sprintf("%s %.0f kbit/s %d pkts", st.Kind, kbps, st.Packets))
	}
	if len(parts) == 0 {
		return "no track yet"
	}
	return strings.Join(parts, " | ")
}
