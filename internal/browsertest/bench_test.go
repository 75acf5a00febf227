//go:build !js

package browsertest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/benchtable"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/webserve"
)

const (
	// pageLoadRuns is how many times each page is loaded.
	pageLoadRuns = 5
	// pageLoadTimeout bounds web/test/browser/pageload.mjs.
	pageLoadTimeout = 3 * time.Minute
)

// BenchmarkBrowser measures, in headless Chromium on 127.0.0.1 (no media,
// so no namespace), what a web page pays to talk to Janus, with
// gojanus.wasm and with janus.js side by side:
//
//   - page-to-session: milliseconds from navigation start to a Janus
//     session created (gojanus: the ES module's load(), gojanus.connect,
//     createSession; janus.js: Janus.init, new Janus, its success
//     callback), median of pageLoadRuns loads in fresh browser contexts
//     (nothing cached) as ms, the worst as max-ms, and the bytes the page
//     received over the wire (compressed, headers included) as wire-KB;
//   - page-to-session-9mbit: the same with Chromium's network emulation at
//     9 Mbit/s down, 1.5 Mbit/s up and 40 ms of latency;
//   - wasm-size/gojanus: gojanus.wasm as it is shipped (-trimpath
//     -ldflags=-s -w), raw, gzip -9 and brotli, in MB (10^6 bytes).
//
// Every file is served brotli or gzip compressed as Chromium accepts (it
// takes brotli), by internal/webserve. The pages are
// web/test/browser/janusjs/pageload-*.html, loaded by
// web/test/browser/pageload.mjs. The Janus is janustest.Shared's.
func BenchmarkBrowser(b *testing.B) {
	checkTools(b)
	srv := janustest.Shared(b)
	root := janustest.ModuleRoot(b)
	dir := filepath.Join(root, browserTestDir)
	npmInstall(b, dir)
	chromium, err := chromiumPath()
	if err != nil {
		b.Fatal(err)
	}
	build := b.TempDir()
	buildWasm(b, root, build, webserve.Best)
	web := httptest.NewServer(webHandler(root, build, ""))
	defer web.Close()

	loads, err := runPageLoad(b, dir, map[string]string{
		"GOJANUS_PAGE_URL":                 web.URL + "/",
		janustest.EnvWS:                    srv.WSURL,
		"GOJANUS_CHROMIUM":                 chromium,
		"GOJANUS_PAGELOAD_RUNS":            strconv.Itoa(pageLoadRuns),
		"NODE_OPTIONS":                     "",
		"NO_COLOR":                         "1",
		"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, condition := range []string{"local", "9mbit"} {
		scenario := "page-to-session"
		if condition != "local" {
			scenario += "-" + condition
		}
		for _, client := range []string{"gojanus", "janusjs"} {
			var ms, wire []float64
			phases := map[string][]float64{}
			for _, l := range loads[client][condition] {
				ms = append(ms, l.MS)
				wire = append(wire, l.Bytes)
				for k, v := range l.Phases {
					phases[k] = append(phases[k], v)
				}
			}
			if len(ms) != pageLoadRuns {
				b.Fatalf("pageload.mjs: %d %s loads of %s, want %d", len(ms), condition, client, pageLoadRuns)
			}
			b.Logf("%s, %s: ms to the session per load %.0f; median ms since navigation start: %s", client, condition, ms, phaseMedians(phases))
			b.Run(scenario+"/"+client, func(b *testing.B) {
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(benchtable.Median(ms), "ms")
				b.ReportMetric(slices.Max(ms), "max-ms")
				b.ReportMetric(benchtable.Median(wire)/1e3, "wire-KB")
			})
		}
	}

	wasm, err := os.ReadFile(filepath.Join(build, "gojanus.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	br, err := os.Stat(filepath.Join(build, "gojanus.wasm.br"))
	if err != nil {
		b.Fatal(err)
	}
	gz, err := os.Stat(filepath.Join(build, "gojanus.wasm.gz"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("wasm-size/gojanus", func(b *testing.B) {
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(float64(len(wasm))/1e6, "raw-MB")
		b.ReportMetric(float64(gz.Size())/1e6, "gz-MB")
		b.ReportMetric(float64(br.Size())/1e6, "br-MB")
	})
}

// pageLoad is one load of a page by pageload.mjs: the milliseconds from
// navigation start to the session, and to the steps on the way, and the
// bytes received.
type pageLoad struct {
	MS     float64            `json:"ms"`
	Phases map[string]float64 `json:"phases"`
	Bytes  float64            `json:"bytes"`
}

// runPageLoad runs pageload.mjs in dir with env and returns its loads per
// client and network condition. Chromium and node do not survive it.
func runPageLoad(b *testing.B, dir string, env map[string]string) (map[string]map[string][]pageLoad, error) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pageLoadTimeout)
	defer cancel()
	mark := newMark()
	cmd := nodeCommand(ctx, dir, mark, env, "pageload.mjs")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	defer killNode(cmd, mark)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %v: %w", pageLoadTimeout, err)
		}
		return nil, fmt.Errorf("node pageload.mjs: %v\n%s%s", err, stderr.Bytes(), stdout.Bytes())
	}
	if stderr.Len() > 0 {
		b.Logf("pageload.mjs: %s", stderr.Bytes())
	}
	var loads map[string]map[string][]pageLoad
	if err := json.Unmarshal(stdout.Bytes(), &loads); err != nil {
		return nil, fmt.Errorf("pageload.mjs output %q: %v", stdout.Bytes(), err)
	}
	return loads, nil
}

// phaseMedians formats the median of each phase, in time order.
func phaseMedians(phases map[string][]float64) string {
	type phase struct {
		name string
		ms   float64
	}
	var ps []phase
	for k, v := range phases {
		ps = append(ps, phase{k, benchtable.Median(v)})
	}
	slices.SortFunc(ps, func(a, b phase) int { return cmp.Compare(a.ms, b.ms) })
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %.0f", p.name, p.ms))
	}
	return strings.Join(out, ", ")
}
