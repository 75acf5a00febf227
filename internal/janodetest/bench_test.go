package janodetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/benchtable"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/nodejs"
)

// benchTimeout bounds bench.mjs (it takes about 15 s).
const benchTimeout = 2 * time.Minute

// benchPrefix starts every result line of bench.mjs.
const benchPrefix = "BenchmarkJanode/"

// benchScenarios are the sub-benchmarks bench.mjs must report, in its
// order (the scenarios of core's BenchmarkCompare, client janode).
var benchScenarios = []string{
	"latency-keepalive/janode",
	"latency-echotest/janode",
	"throughput-1/janode",
	"throughput-8/janode",
	"throughput-64/janode",
	"session-setup/janode",
}

// BenchmarkJanode measures janode (node/bench.mjs) on the scenarios of
// core's BenchmarkCompare, against the Janus janustest.Shared names: the
// latency of sequential keepalives and EchoTest messages (p50, p99), the
// EchoTest throughput with 1, 8 and 64 handles in flight, and sessions set
// up per second. The script runs once; each scenario becomes a
// sub-benchmark BenchmarkJanode/<scenario>/janode reporting its figures.
// Run it with -benchtime 1x.
func BenchmarkJanode(b *testing.B) {
	srv := janustest.Shared(b)
	dir := requireJanode(b)

	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	cmd := nodejs.Command(ctx, "bench.mjs")
	cmd.Dir = dir
	cmd.Env = append(cmd.Env, janustest.EnvWS+"="+srv.WSURL, "NODE_OPTIONS=", "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if err != nil {
		b.Fatalf("node bench.mjs: %v (ctx: %v)\nstdout:\n%s\nstderr:\n%s", err, ctx.Err(), stdout.String(), stderr.String())
	}
	results, err := parseBench(stdout.Bytes())
	if err != nil {
		b.Fatalf("bench.mjs output: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	b.Logf("bench.mjs against %s: %.1f s", srv.WSURL, time.Since(start).Seconds())

	for _, name := range benchScenarios {
		metrics, ok := results[name]
		if !ok {
			b.Errorf("bench.mjs reported no %s\nstdout:\n%s\nstderr:\n%s", name, stdout.String(), stderr.String())
			continue
		}
		b.Run(name, func(b *testing.B) {
			b.ReportMetric(0, "ns/op")
			for _, m := range metrics {
				b.ReportMetric(m.Value, m.Unit)
			}
		})
	}
	if len(results) != len(benchScenarios) {
		b.Errorf("bench.mjs reported %d scenarios, want %d: %v", len(results), len(benchScenarios), benchScenarios)
	}
}

// parseBench reads the result lines of bench.mjs, Go benchmark lines
// "BenchmarkJanode/<scenario>/janode N value unit ...", into the metrics of
// each sub-benchmark name, leaving out ns/op. Other lines are errors.
func parseBench(out []byte) (map[string][]benchtable.Metric, error) {
	results := map[string][]benchtable.Metric{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		l, ok := benchtable.ParseLine(line)
		name, prefixed := strings.CutPrefix(l.Name, benchPrefix)
		if !ok || !prefixed {
			return nil, fmt.Errorf("not a benchmark line: %q", line)
		}
		if _, dup := results[name]; dup {
			return nil, fmt.Errorf("%s reported twice", name)
		}
		var metrics []benchtable.Metric
		for _, m := range l.Metrics {
			if m.Unit != "ns/op" {
				metrics = append(metrics, m)
			}
		}
		if len(metrics) == 0 {
			return nil, fmt.Errorf("no figures in %q", line)
		}
		results[name] = metrics
	}
	return results, sc.Err()
}
