// Package netns runs media tests inside a private network namespace.
//
// Janus does not gather ICE candidates on loopback interfaces, so a test
// that sends real RTP through a local Janus needs another interface. Run
// re-executes the test binary for one test inside a new, empty network
// namespace (unshare -n, as root), where it creates a veth pair: jv0 with
// 10.99.0.1/24 for Janus and the client, jv1 as its peer. Nothing inside
// can reach any other network; Janus signalling still uses 127.0.0.1.
package netns

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/benchtable"
)

// Interface and Addr are the namespace's media interface and address.
const (
	Interface = "jv0"
	Addr      = "10.99.0.1"
)

// envInside marks the re-executed test binary.
const envInside = "GOJANUS_NETNS"

var setupOnce sync.Once
var setupErr error

// Inside reports whether this process runs inside the test namespace.
func Inside() bool { return os.Getenv(envInside) != "" }

// envLoopbackOnly is the value of envInside in a namespace with only lo.
const envLoopbackOnly = "loopback"

// Run makes the calling test run inside the namespace. In the outer
// process it runs the test binary again for this top-level test only,
// inside the namespace, reports its output and result, and returns false:
// the caller must return at once. Inside the namespace it sets up the
// interfaces (once per process) and returns true.
//
// Without root or unshare the test is skipped, or fails when CI=true.
func Run(t *testing.T) bool {
	t.Helper()
	return run(t, "1")
}

// RunLoopbackOnly is Run in a namespace whose only interface is lo (no
// veth pair): ICE between Janus and a client cannot succeed there, as on a
// machine without a network interface.
func RunLoopbackOnly(t *testing.T) bool {
	t.Helper()
	return run(t, envLoopbackOnly)
}

func run(t *testing.T, kind string) bool {
	t.Helper()
	if Inside() {
		if os.Getenv(envInside) != kind {
			t.Fatalf("netns: %s runs in a namespace of kind %q, not %q", t.Name(), os.Getenv(envInside), kind)
		}
		setupOnce.Do(func() {
			if kind == envLoopbackOnly {
				setupErr = loopbackUp()
			} else {
				setupErr = Setup()
			}
		})
		if setupErr != nil {
			t.Fatalf("netns: setting up the namespace: %v", setupErr)
		}
		return true
	}
	if err := available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("netns: media tests need a private network namespace: %v", err)
		}
		t.Skipf("netns: media tests need a private network namespace: %v", err)
	}
	top := strings.SplitN(t.Name(), "/", 2)[0]
	args := []string{"-n", "--", os.Args[0], "-test.run", "^" + top + "$", "-test.count", "1", "-test.v"}
	timeout := 5 * time.Minute
	if d, ok := t.Deadline(); ok {
		timeout = time.Until(d) - 5*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), envInside+"="+kind)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("netns: %s failed inside the namespace: %v\n%s\nnetns: why %s failed, again:\n%s", top, err, out, top, failureLines(string(out)))
	}
	if !strings.Contains(string(out), "--- PASS: "+top) {
		t.Fatalf("netns: %s did not pass inside the namespace:\n%s", top, out)
	}
	t.Logf("inside the namespace:\n%s", out)
	return false
}

// RunBench is Run for a benchmark. In the outer process it runs the test
// binary again for this one benchmark (b.Name(), every level anchored)
// inside the namespace, once (-test.benchtime 1x), copies the metrics of
// its result line onto b with ReportMetric, logs the rest of its output
// without the result line, and returns false: the caller must return at
// once. The testing package then prints the benchmark's result line, so
// each result appears exactly once on stdout, under the same name. Inside
// the namespace it sets up the interfaces and returns true; the caller
// measures and reports.
//
// A benchmark that measures several things in one run (one Janus, one
// browser) reports them in sub-benchmarks instead: their result lines
// are replayed outside as sub-benchmarks of b with the same names, the
// first one with the log.
//
// Without root or unshare the benchmark is skipped, or fails when CI=true.
// If the benchmark skips itself inside the namespace, it is skipped
// outside too.
func RunBench(b *testing.B) bool {
	b.Helper()
	if Inside() {
		setupOnce.Do(func() { setupErr = Setup() })
		if setupErr != nil {
			b.Fatalf("netns: setting up the namespace: %v", setupErr)
		}
		return true
	}
	if err := available(); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("netns: media benchmarks need a private network namespace: %v", err)
		}
		b.Skipf("netns: media benchmarks need a private network namespace: %v", err)
	}
	levels := strings.Split(b.Name(), "/")
	for i, l := range levels {
		levels[i] = "^" + regexp.QuoteMeta(l) + "$"
	}
	args := []string{"-n", "--", os.Args[0], "-test.run", "^$", "-test.bench", strings.Join(levels, "/"),
		"-test.benchtime", "1x", "-test.count", "1", "-test.v", "-test.timeout", benchTimeout.String(),
		"-test.cpu", strconv.Itoa(runtime.GOMAXPROCS(0))}
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), envInside+"=1")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	metrics, found, subs, rest := benchResult(stdout.String(), b.Name())
	if err != nil {
		if stderr.Len() > 0 {
			rest += "\nstderr:\n" + stderr.String()
		}
		b.Fatalf("netns: %s failed inside the namespace: %v\n%s", b.Name(), err, rest)
	}
	if !found && len(subs) == 0 {
		if strings.Contains(rest, "--- SKIP: "+b.Name()) {
			b.Skipf("netns: skipped inside the namespace:\n%s", rest)
		}
		b.Fatalf("netns: %s printed no result inside the namespace:\n%s", b.Name(), rest)
	}
	if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); stderr.Len() > 0 {
		rest += fmt.Sprintf("\n(%d line(s) on stderr, shown on failure)", n+1)
	}
	if !found {
		// go test shows the log of a benchmark with sub-benchmarks only
		// with -v: the first sub-benchmark carries it.
		for i, sub := range subs {
			b.Run(strings.TrimPrefix(sub.Name, b.Name()+"/"), func(b *testing.B) {
				if i == 0 {
					b.Logf("inside the namespace:\n%s", rest)
				}
				reportMetrics(b, sub.Metrics)
			})
		}
		return false
	}
	b.Logf("inside the namespace:\n%s", rest)
	reportMetrics(b, metrics)
	return false
}

// reportMetrics reports the metrics of a result line on b.
func reportMetrics(b *testing.B, metrics []benchtable.Metric) {
	// The result line has no ns/op when the benchmark reported it as 0.
	b.ReportMetric(0, "ns/op")
	for _, m := range metrics {
		b.ReportMetric(m.Value, m.Unit)
	}
}

// benchTimeout bounds one benchmark run inside the namespace.
const benchTimeout = 5 * time.Minute

// benchResult finds the result line of benchmark name (with or without
// the -GOMAXPROCS suffix) in the output of a test binary run with
// -test.v, and returns its metrics, whether there was one, the result
// lines of its sub-benchmarks in order, and the other lines worth
// showing: the benchmark's own log, without the result lines and the go
// test preamble, so that a parser of the outer output does not count a
// result twice.
func benchResult(out, name string) ([]benchtable.Metric, bool, []benchtable.Line, string) {
	var metrics []benchtable.Metric
	found := false
	var subs []benchtable.Line
	var rest []string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l, ok := benchtable.ParseLine(line); ok && l.Name == name && !found {
			metrics, found = l.Metrics, true
			continue
		}
		if l, ok := benchtable.ParseLine(line); ok && strings.HasPrefix(l.Name, name+"/") && len(l.Metrics) > 0 {
			subs = append(subs, l)
			continue
		}
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "Benchmark") {
			// Another result line (or the name of one): never echo it.
			continue
		}
		switch {
		case strings.HasPrefix(line, "goos:"), strings.HasPrefix(line, "goarch:"), strings.HasPrefix(line, "pkg:"),
			strings.HasPrefix(line, "cpu:"), strings.HasPrefix(line, "=== RUN"), line == "PASS":
			continue
		}
		rest = append(rest, line)
	}
	return metrics, found, subs, strings.Join(rest, "\n")
}

// Available reports why a private network namespace cannot be made here
// (nil when it can): it needs root, unshare and ip.
func Available() error { return available() }

// available checks that a namespace can be made here.
func available() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("must run as root (uses unshare -n and ip)")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (Debian packages util-linux and iproute2; go tool mage deps installs them)", tool)
		}
	}
	out, err := exec.Command("unshare", "-n", "--", "true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("unshare -n does not work here: %v: %s", err, out)
	}
	return nil
}

// loopbackUp brings up lo only.
func loopbackUp() error {
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return fmt.Errorf("ip link set lo up: %v: %s", err, out)
	}
	return nil
}

// Setup brings up lo and the veth pair. Call it inside a new network
// namespace (unshare -n); it does nothing when jv0 already exists.
func Setup() error {
	if _, err := exec.Command("ip", "link", "show", Interface).CombinedOutput(); err == nil {
		return nil // already there
	}
	steps := [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", Interface, "type", "veth", "peer", "name", "jv1"},
		{"addr", "add", Addr + "/24", "dev", Interface},
		{"link", "set", Interface, "up"},
		{"link", "set", "jv1", "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

// failureLines picks out of a test's output the lines that say why it
// failed (testify's Error Trace, Error and Messages lines, the --- FAIL
// lines), to repeat them after a long output: logs cut to their end
// still show them.
func failureLines(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(out, "\n") {
		l := strings.TrimSpace(line)
		for _, prefix := range []string{"Error Trace:", "Error:", "Messages:", "--- FAIL", "panic:"} {
			if strings.HasPrefix(l, prefix) {
				if len(l) > 500 {
					l = l[:500] + "..."
				}
				b.WriteString(l + "\n")
				break
			}
		}
	}
	return b.String()
}
