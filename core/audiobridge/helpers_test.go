package audiobridge_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
	"github.com/gojanus/gojanus/internal/janusserver"
)

// loopbackTemplates copies the Janus configuration templates into a new
// folder and pins the AudioBridge plugin's local_ip (the address plain RTP
// participants use) to 127.0.0.1, so that nothing listens on a real
// interface.
func loopbackTemplates(t *testing.T) string {
	t.Helper()
	src, err := janusserver.FindTemplateDir()
	require.NoError(t, err)
	dst := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.jcfg.tmpl"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if filepath.Base(f) == "janus.plugin.audiobridge.jcfg.tmpl" {
			require.Contains(t, string(b), "general: {")
			b = bytes.Replace(b, []byte("general: {"), []byte("general: {\n\tlocal_ip = \"127.0.0.1\""), 1)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644))
	}
	return dst
}

// watcher reads a handle's events, keeping those a test did not ask for
// yet so that they can be matched later.
type watcher struct {
	h       *audiobridge.Handle
	backlog []core.Event
}

func watch(h *audiobridge.Handle) *watcher { return &watcher{h: h} }

// waitFor returns the first event of type T (matching match, when not nil)
// from the backlog or the stream, within 5 s.
func waitFor[T core.Event](t *testing.T, w *watcher, match func(T) bool) T {
	t.Helper()
	for i, ev := range w.backlog {
		if e, ok := ev.(T); ok && (match == nil || match(e)) {
			w.backlog = slices.Delete(w.backlog, i, i+1)
			return e
		}
	}
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.h.Events():
			if !ok {
				t.Fatalf("handle %d ended waiting for %T", w.h.ID(), *new(T))
			}
			if e, ok := ev.(T); ok && (match == nil || match(e)) {
				return e
			}
			w.backlog = append(w.backlog, ev)
		case <-timer.C:
			t.Fatalf("handle %d: no %T event in time; unmatched: %v", w.h.ID(), *new(T), describe(w.backlog))
		}
	}
}

// describe lists events with their plugin data, for failure messages.
func describe(evs []core.Event) []string {
	var out []string
	for _, ev := range evs {
		var pe *core.PluginEvent
		if e, ok := ev.(*core.PluginEvent); ok {
			pe = e
		} else if v := reflect.ValueOf(ev); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("PluginEvent"); f.IsValid() {
				pe, _ = f.Interface().(*core.PluginEvent)
			}
		}
		if pe != nil {
			out = append(out, fmt.Sprintf("%T %s", ev, pe.Data))
		} else {
			out = append(out, fmt.Sprintf("%T", ev))
		}
	}
	return out
}

// leaving matches the Leaving event of participant id.
func leaving(id core.ID) func(*audiobridge.Leaving) bool {
	return func(e *audiobridge.Leaving) bool { return e.Participant == id }
}

// kicked matches the Kicked event of participant id.
func kicked(id core.ID) func(*audiobridge.Kicked) bool {
	return func(e *audiobridge.Kicked) bool { return e.Participant == id }
}

// participant finds whether ps has a participant with id.
func participant(ps []audiobridge.Participant, id core.ID) (audiobridge.Participant, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return audiobridge.Participant{}, false
}

// oggCRCTable is the Ogg page checksum table (polynomial 0x04c11db7, no
// reflection).
var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// oggPage encodes one Ogg page holding one packet (shorter than 255 bytes).
func oggPage(flags byte, granule uint64, serial, seq uint32, packet []byte) []byte {
	p := make([]byte, 0, 28+len(packet))
	p = append(p, "OggS"...)
	p = append(p, 0, flags)
	p = binary.LittleEndian.AppendUint64(p, granule)
	p = binary.LittleEndian.AppendUint32(p, serial)
	p = binary.LittleEndian.AppendUint32(p, seq)
	p = append(p, 0, 0, 0, 0) // checksum, filled below
	p = append(p, 1, byte(len(packet)))
	p = append(p, packet...)
	var crc uint32
	for _, b := range p {
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^b]
	}
	binary.LittleEndian.PutUint32(p[22:], crc)
	return p
}

// opusSilence is one 20 ms Opus frame of silence (CELT, fullband, mono).
var opusSilence = []byte{0xf8, 0xff, 0xfe}

// writeOpusFile writes an Ogg Opus file of frames 20 ms frames of silence:
// a tiny but valid file for play_file, made without any encoder.
func writeOpusFile(t *testing.T, path string, frames int) {
	t.Helper()
	head := []byte("OpusHead")
	head = append(head, 1, 1)                            // version, channels
	head = binary.LittleEndian.AppendUint16(head, 312)   // pre-skip
	head = binary.LittleEndian.AppendUint32(head, 48000) // input rate
	head = append(head, 0, 0, 0)                         // gain, mapping family
	tags := []byte("OpusTags")
	tags = binary.LittleEndian.AppendUint32(tags, 7)
	tags = append(tags, "gojanus"...)
	tags = binary.LittleEndian.AppendUint32(tags, 0)
	const serial = 0x6a616e75
	var f []byte
	f = append(f, oggPage(0x02, 0, serial, 0, head)...)
	f = append(f, oggPage(0x00, 0, serial, 1, tags)...)
	for i := range frames {
		flags := byte(0)
		if i == frames-1 {
			flags = 0x04
		}
		f = append(f, oggPage(flags, uint64(i+1)*960, serial, uint32(i+2), opusSilence)...)
	}
	require.NoError(t, os.WriteFile(path, f, 0o644))
}

// dialSession dials url and creates a session; both end with the test.
func dialSession(t *testing.T, ctx context.Context, url string) *core.Session {
	t.Helper()
	c, err := core.Dial(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	return s
}

// attach attaches an AudioBridge handle and watches its events.
func attach(t *testing.T, ctx context.Context, s *core.Session) *watcher {
	t.Helper()
	h, err := audiobridge.Attach(ctx, s)
	require.NoError(t, err)
	require.Equal(t, audiobridge.Plugin, h.Plugin())
	return watch(h)
}

// leaveAfterKick ends the kick of participant id, which has no
// PeerConnection: Janus 1.1 removes it (the others get *Leaving, and its
// own Leave then fails with ErrNotJoined); Janus 1.4 sends only *Kicked and
// keeps it in the room until it leaves, which its Leave does (see
// testdata/janus/VERSIONS.md).
func leaveAfterKick(t *testing.T, ctx context.Context, srv *janusserver.Server, kicked, other *watcher, room, id core.ID) {
	t.Helper()
	if strings.HasPrefix(srv.Version, "1.1.") {
		waitFor(t, other, leaving(id))
		_, err := kicked.h.Leave(ctx)
		require.ErrorIs(t, err, audiobridge.ErrNotJoined)
		return
	}
	ps, err := kicked.h.ListParticipants(ctx, room)
	require.NoError(t, err)
	_, still := participant(ps, id)
	require.True(t, still, "Janus %s keeps a kicked participant without a PeerConnection", srv.Version)
	l, err := kicked.h.Leave(ctx)
	require.NoError(t, err)
	require.Equal(t, id, l.Participant)
	waitFor(t, other, leaving(id))
}
