package janodetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/benchtable"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/nodejs"
)

// startRuns is how many processes BenchmarkNodeStart starts per client.
const startRuns = 7

// BenchmarkNodeStart measures what a Node program pays to talk to Janus,
// with the gojanus npm package (the WebAssembly build) and with janode,
// side by side: the milliseconds from the Node process's start to a
// client connected over WebSocket (connect-ms) and to a session
// (session-ms), medians of startRuns fresh processes per client taking
// turns (node/start.mjs). gojanus is built and installed into
// node/node_modules/gojanus first, as npm would install the package.
// Run it with -benchtime 1x.
func BenchmarkNodeStart(b *testing.B) {
	srv := janustest.Shared(b)
	dir := requireJanode(b)
	installGojanus(b, dir)

	results := map[string][][2]float64{}
	for range startRuns {
		for _, client := range []string{"gojanus", "janode"} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := nodejs.Command(ctx, "start.mjs", client)
			cmd.Dir = dir
			cmd.Env = append(cmd.Env, janustest.EnvWS+"="+srv.WSURL, "NODE_OPTIONS=", "NO_COLOR=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			cancel()
			if err != nil {
				b.Fatalf("node start.mjs %s: %v\nstdout:\n%s\nstderr:\n%s", client, err, stdout.String(), stderr.String())
			}
			var r struct{ Connected, Session float64 }
			if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &r); err != nil || r.Connected <= 0 {
				b.Fatalf("node start.mjs %s printed %q: %v", client, stdout.String(), err)
			}
			results[client] = append(results[client], [2]float64{r.Connected, r.Session})
		}
	}
	for _, client := range []string{"gojanus", "janode"} {
		var connected, session []float64
		for _, r := range results[client] {
			connected = append(connected, r[0])
			session = append(session, r[1])
		}
		b.Logf("%s: ms from process start to connected %.0f, to a session %.0f", client, connected, session)
		b.Run("node-start/"+client, func(b *testing.B) {
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(benchtable.Median(connected), "connect-ms")
			b.ReportMetric(benchtable.Median(session), "session-ms")
		})
	}
}

// installGojanus builds gojanus.wasm as it ships and puts the npm package
// (the files web/package.json lists) into dir/node_modules/gojanus.
func installGojanus(b *testing.B, dir string) {
	b.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	pkg := filepath.Join(dir, "node_modules", "gojanus")
	if err := os.RemoveAll(pkg); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		b.Fatal(err)
	}
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(pkg, "gojanus.wasm"), "./wasm")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build ./wasm: %v\n%s", err, out)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(root, "web", "package.json"))
	if err != nil {
		b.Fatal(err)
	}
	var m struct{ Files []string }
	if err := json.Unmarshal(manifest, &m); err != nil {
		b.Fatal(err)
	}
	from := map[string]string{
		"gojanus.wasm":        "", // built above
		"gojanus.wasm.br":     "", // for web servers; Node reads the module itself
		"gojanus.wasm.gz":     "",
		"wasm_exec.js":        filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"),
		"gojanus.d.ts":        filepath.Join(root, "wasm", "gojanus.d.ts"),
		"gojanus-global.d.ts": filepath.Join(root, "wasm", "gojanus-global.d.ts"),
		"LICENSE":             filepath.Join(root, "LICENSE"),
	}
	for _, f := range append(slices.Clone(m.Files), "package.json") {
		src, ok := from[f]
		if !ok {
			src = filepath.Join(root, "web", f)
		}
		if src == "" {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, f), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
