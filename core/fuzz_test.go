package core

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gojanus/gojanus/core/transport/mem"
)

var (
	sessionID = regexp.MustCompile(`"session_id":\d+`)
	senderID  = regexp.MustCompile(`"sender":\d+`)
)

// FuzzIncomingMessage feeds arbitrary bytes to a client's read loop, as a
// broken or hostile server would send them, with a live session and
// handle to route to. The client must neither panic nor stop working.
func FuzzIncomingMessage(f *testing.F) {
	seeds := []string{
		`{"janus":"event","session_id":1,"sender":2,"plugindata":{"plugin":"p","data":{"x":1}},"jsep":{"type":"offer","sdp":"v=0"}}`,
		`[{"janus":"webrtcup","session_id":1,"sender":2},{"janus":"media","session_id":1,"sender":2,"type":"audio","receiving":true}]`,
		`{"janus":"trickle","session_id":1,"sender":2,"candidate":{"completed":true}}`,
		`{"janus":"slowlink","session_id":1,"sender":2,"uplink":true,"lost":3}`,
		`{"janus":"hangup","session_id":1,"sender":2,"reason":"x"}`,
		`{"janus":"detached","session_id":1,"sender":2}`,
		`{"janus":"timeout","session_id":1}`,
		`{"janus":"error","session_id":1,"error":{"code":458,"reason":"gone"}}`,
		`{"janus":"ack","transaction":"zz"}`,
		`{"janus":"success","transaction":"zz","data":{"id":"not a number"}}`,
		`{"janus":`, `[]`, `[1,2]`, `null`, `"str"`, `{}`, `{"janus":null}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Real messages recorded from Janus (go tool mage recordFrames).
	recorded, _ := filepath.Glob("../testdata/frames/*.json")
	if len(recorded) == 0 {
		f.Fatal("no recorded frames in testdata/frames")
	}
	for _, p := range recorded {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		// The same message addressed to the fuzzed client's session and
		// handle, so that it is routed, not dropped.
		b = sessionID.ReplaceAll(b, []byte(`"session_id":1`))
		f.Add(senderID.ReplaceAll(b, []byte(`"sender":2`)))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		tr, srv := mem.New()
		c := NewClient(tr, WithKeepalive(0), WithDetachGrace(time.Millisecond))
		defer c.Close()
		s := c.addSession(1, credentials{})
		s.addHandle(2, "p", "", nil)
		if err := srv.Send(msg); err != nil {
			t.Fatal(err)
		}
		// The client still answers requests afterwards.
		done := make(chan error, 1)
		go func() { _, err := c.Info(context.Background()); done <- err }()
		req, err := srv.RecvJSON(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.SendJSON(map[string]any{"janus": "server_info", "transaction": req["transaction"]}); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("client broken after %q: %v", msg, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("client hung after %q", msg)
		}
	})
}
