package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gojanus/gojanus/native"
)

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// showProgress rewrites one status line per second with the per-track
// bitrate and packets from stats, while ctx lasts, when out is a terminal
// (and not in JSON mode); otherwise it stays quiet.
func showProgress(ctx context.Context, out output, stats func() []native.TrackStats) {
	if out.json || !isTerminal(out.stdout) {
		return
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := map[string]uint64{}
		for {
			select {
			case <-ctx.Done():
				fmt.Fprint(out.stdout, "\r\033[K")
				return
			case <-t.C:
				var parts []string
				for _, st := range stats() {
					key := st.Kind + st.ID
					kbps := float64(st.Bytes-last[key]) * 8 / 1000
					last[key] = st.Bytes
					parts = append(parts, fmt.Sprintf("%s %.0f kbit/s %d pkts", st.Kind, kbps, st.Packets))
				}
				fmt.Fprintf(out.stdout, "\r\033[K%s", strings.Join(parts, " | "))
			}
		}
	}()
}
