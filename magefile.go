//go:build mage

// Build, check and demo targets of gojanus. Mage is a tool of this module:
// run "go tool mage -l" to list the targets and "go tool mage <target>" to run
// one.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/gojanus/gojanus/internal/benchtable"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/nodejs"
	"github.com/gojanus/gojanus/internal/testreport"
)

// requirement is an external program the targets need, and the Debian
// packages that provide it.
type requirement struct {
	// Check is a command line that exits 0 when the program is installed and
	// works. Its first word is looked up in PATH, unless Env is set.
	Check []string
	// Env, if set, names an environment variable that may hold the path of
	// the program to use instead (e.g. JANUS_BINARY).
	Env string
	// Apt are the Debian packages to install when Check fails.
	Apt []string
}

// requirements lists what Deps installs. Add media tools (ffmpeg, GStreamer),
// Chromium and Node/npm here as rows; npm packages then get their own step
// after the apt packages, in Deps.
var requirements = []requirement{
	// janus 1.1.2 has no --version: it prints its version and exits 1 on any
	// unknown option, but exits 0 for --help.
	{Check: []string{"janus", "--help"}, Env: janusserver.BinaryEnv, Apt: []string{"janus"}},
	// Media tests run inside a private network namespace (internal/netns).
	{Check: []string{"ip", "-V"}, Apt: []string{"iproute2"}},
	{Check: []string{"unshare", "--version"}, Apt: []string{"util-linux"}},
	// Media sources, and ffprobe to decode recordings in tests.
	{Check: []string{"ffmpeg", "-version"}, Apt: []string{"ffmpeg"}},
	// GStreamer sources: the launcher, the test sources, VP8/VP9/Opus
	// encoders and RTP payloaders.
	// The in-process encoders (build tag mediadevices, see nativeTags): the
	// test pattern that answers keyframe requests, cameras and microphones
	// through pion/mediadevices. cgo with libvpx.
	{Check: []string{"pkg-config", "--exists", "vpx"}, Apt: []string{"libvpx-dev", "pkg-config", "gcc"}},
	// The WebAssembly build's tests run in Node (20 or later) with npm
	// packages. Debian 12's nodejs is 18: Deps then installs a newer Node
	// from the npm registry (internal/nodejs), with Debian's npm.
	{Check: []string{"node", "--version"}, Apt: []string{"nodejs"}},
	{Check: []string{"npm", "--version"}, Apt: []string{"npm"}},
	// The web demo's tests drive Debian's Chromium (never a downloaded
	// browser) with playwright-core.
	{Check: []string{"chromium", "--version"}, Apt: []string{"chromium"}},
	{Check: []string{"gst-inspect-1.0", "--exists", "vp8enc"}, Apt: []string{"gstreamer1.0-tools", "gstreamer1.0-plugins-base", "gstreamer1.0-plugins-good", "gstreamer1.0-plugins-bad"}},
	// SIP peers of the SIP plugin's tests (internal/sippeer): kamailio as
	// registrar and proxy, baresip as a user agent (baresip -h exits 254).
	{Check: []string{"kamailio", "-v"}, Apt: []string{"kamailio"}},
	{Check: []string{"sh", "-c", "command -v baresip"}, Apt: []string{"baresip"}},
}

// checkTimeout bounds one requirement check.
const checkTimeout = 20 * time.Second

// Standard ports and admin secret of the Janus target (those of the stock
// Janus configuration and of janus.js examples).
const (
	janusWSPort        = 8188
	janusHTTPPort      = 8088
	janusAdminWSPort   = 7188
	janusAdminHTTPPort = 7088
	janusAdminSecret   = "janusoverlord"
)

// startTimeout bounds the startup of a local Janus.
const startTimeout = time.Minute

// Deps installs what is missing: the Debian packages of the external programs
// (janus, with apt-get, through sudo when not root) and the Go modules (so
// that later steps work offline). It does nothing slow when all is present.
func Deps(ctx context.Context) error {
	var missing []requirement
	for _, r := range requirements {
		if err := r.present(ctx); err != nil {
			if r.Env != "" && os.Getenv(r.Env) != "" {
				// Installing packages cannot fix what the variable names.
				return fmt.Errorf("deps: %s=%s: %w", r.Env, os.Getenv(r.Env), err)
			}
			fmt.Printf("deps: %s: %v\n", r.name(), err)
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		var pkgs []string
		for _, r := range missing {
			for _, p := range r.Apt {
				if !slices.Contains(pkgs, p) {
					pkgs = append(pkgs, p)
				}
			}
		}
		if err := aptInstall(pkgs); err != nil {
			return err
		}
		for _, r := range missing {
			if err := r.present(ctx); err != nil {
				return fmt.Errorf("deps: %s is still missing after installing %s: %w", r.name(), strings.Join(r.Apt, " "), err)
			}
		}
	}
	if err := useNode(ctx); err != nil {
		return err
	}
	if err := sidJanus(ctx); err != nil {
		return err
	}
	return run(nil, mg.GoCmd(), "mod", "download")
}

// sidJanus prepares Janus 1.4 from a Debian sid root (janusserver.BuildSid:
// mmdebstrap into /var/cache/gojanus/janus-sid, once), which
// GOJANUS_JANUS=1.4 selects. It is an error when it cannot be built and
// GOJANUS_JANUS=1.4 or CI=true asks for it; otherwise a note.
func sidJanus(ctx context.Context) error {
	v, err := janusserver.Selected()
	if err != nil {
		return fmt.Errorf("deps: %w", err)
	}
	ci := strings.EqualFold(os.Getenv("CI"), "true") || os.Getenv("CI") == "1"
	if janusserver.SidReady() == nil {
		return janusserver.BuildSid(ctx, os.Stdout) // refreshes the wrapper only
	}
	if err := janusserver.BuildSid(ctx, os.Stdout); err != nil {
		if v == janusserver.SidVersion || ci {
			return fmt.Errorf("deps: Janus %s: %w", janusserver.SidVersion, err)
		}
		fmt.Printf("deps: no Janus %s (tests run against the machine's janus): %v\n", janusserver.SidVersion, err)
	}
	return nil
}

// useNode makes sure a Node of nodejs.MinMajor or later is there
// (installing nodejs.Pinned from the npm registry when the machine's is
// older) and puts its folder first in PATH, so that everything mage runs,
// go test's go_js_wasm_exec and npx included, runs that Node.
func useNode(ctx context.Context) error {
	if _, err := nodejs.Find(); err != nil {
		fmt.Printf("deps: %v\ndeps: installing Node %s from the npm registry\n", err, nodejs.Pinned)
	}
	bin, err := nodejs.Ensure(ctx)
	if err != nil {
		return fmt.Errorf("deps: %w", err)
	}
	dir := filepath.Dir(bin)
	if first, err := exec.LookPath("node"); err != nil || filepath.Dir(first) != dir {
		fmt.Printf("deps: using %s (first in PATH for what mage runs)\n", bin)
		return os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	return nil
}

func (r requirement) name() string { return r.Check[0] }

// present checks that the requirement is installed and works.
func (r requirement) present(ctx context.Context) error {
	bin := ""
	if r.Env != "" {
		bin = os.Getenv(r.Env)
	}
	if bin == "" {
		p, err := exec.LookPath(r.Check[0])
		if err != nil {
			return errors.New("not found in PATH")
		}
		bin = p
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, r.Check[1:]...).CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%s failed: %w", strings.Join(append([]string{bin}, r.Check[1:]...), " "), err)
		if last := lastLine(out); last != "" {
			err = fmt.Errorf("%w: %s", err, last)
		}
		return err
	}
	return nil
}

// lastLine returns the last non-empty line of a command's output.
func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// aptInstall installs Debian packages: apt-get update once, then apt-get
// install, as root or through sudo.
func aptInstall(pkgs []string) error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("deps: install the packages %s (no apt-get on this machine)", strings.Join(pkgs, " "))
	}
	var prefix []string
	if os.Geteuid() != 0 {
		if _, err := exec.LookPath("sudo"); err != nil {
			return fmt.Errorf("deps: installing %s needs root, and there is no sudo", strings.Join(pkgs, " "))
		}
		prefix = []string{"sudo"}
	}
	apt := func(args ...string) error {
		cmd := slices.Concat(prefix, []string{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get"}, args)
		return run(nil, cmd[0], cmd[1:]...)
	}
	if err := apt("update"); err != nil {
		// Install may still work from the package lists already there.
		fmt.Printf("deps: apt-get update failed (%v); trying to install anyway\n", err)
	}
	return apt(slices.Concat([]string{"install", "-y", "--no-install-recommends"}, pkgs)...)
}

// nativeTagsOnce remembers nativeTags' answer.
var nativeTagsOnce = sync.OnceValues(func() ([]string, error) {
	if err := exec.Command("pkg-config", "--exists", "vpx").Run(); err != nil {
		return nil, fmt.Errorf("libvpx-dev not found by pkg-config (go tool mage deps installs it): %w", err)
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return nil, fmt.Errorf("no C compiler for cgo: %w", err)
	}
	return []string{"-tags", "mediadevices"}, nil
})

// nativeTags returns the go arguments that build the native packages
// with the in-process encoders (build tag mediadevices: libvpx through
// cgo), so that the test pattern answers keyframe requests, where the
// machine can build them (Deps installs libvpx-dev). Elsewhere it says
// why once, and the builds make the test pattern with ffmpeg.
func nativeTags() []string {
	tags, err := nativeTagsOnce()
	if err != nil {
		noteOnce.Do(func() { fmt.Printf("note: building without the in-process encoders: %v\n", err) })
	}
	return tags
}

// noteOnce prints nativeTags' note once.
var noteOnce sync.Once

// Vet runs go vet natively (with and without the in-process encoders), go
// vet of core, wasm and internal for GOOS=js GOARCH=wasm, and go build of
// core and wasm for it (core must stay free of platform code; see "Platform
// files" in CONTRIBUTING.md).
func Vet() error {
	gocmd := mg.GoCmd()
	if err := run(nil, gocmd, "vet", "./..."); err != nil {
		return err
	}
	if tags := nativeTags(); tags != nil {
		if err := run(nil, gocmd, slices.Concat([]string{"vet"}, tags, []string{"./native/..."})...); err != nil {
			return err
		}
	}
	if err := run(wasmEnv(), gocmd, "vet", "./core/...", "./wasm/...", "./internal/..."); err != nil {
		return err
	}
	return run(wasmEnv(), gocmd, "build", "./core/...", "./wasm/...")
}

// Fmt fails, listing the files, if gofmt would change any Go file of the
// repository (tracked or untracked, outside node_modules).
func Fmt() error {
	files, err := goFiles()
	if err != nil {
		return err
	}
	var bad []string
	for chunk := range slices.Chunk(files, 200) {
		out, err := sh.Output("gofmt", append([]string{"-l"}, chunk...)...)
		if err != nil {
			return fmt.Errorf("gofmt: %w", err)
		}
		if out != "" {
			bad = append(bad, strings.Split(out, "\n")...)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("gofmt: these files are not formatted (run gofmt -w on them):\n\t%s", strings.Join(bad, "\n\t"))
	}
	fmt.Printf("gofmt: %d files ok\n", len(files))
	return nil
}

// Tidy fails, showing the difference, if go mod tidy would change go.mod
// or go.sum. It changes nothing itself (go mod tidy -diff) and needs no
// network once the modules are in the module cache (Deps downloads them).
func Tidy() error {
	args := []string{"mod", "tidy", "-diff"}
	env := map[string]string{"GOFLAGS": "-mod=mod"}
	echo(env, mg.GoCmd(), args)
	cmd := exec.Command(mg.GoCmd(), args...)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if diff := strings.TrimSpace(stdout.String()); diff != "" {
		return fmt.Errorf("go.mod or go.sum is not tidy (run go mod tidy and commit the result):\n%s", diff)
	}
	if err != nil {
		return fmt.Errorf("go mod tidy -diff: %w\n%s", err, strings.TrimSpace(stderr.String()))
	}
	fmt.Println("go mod tidy: go.mod and go.sum ok")
	return nil
}

// goFiles lists the Go files of the repository: those git tracks or would
// track (from git), or all of them outside hidden folders (without git).
// node_modules is always left out.
func goFiles() ([]string, error) {
	var files []string
	out, err := sh.Output("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.go")
	if err == nil {
		for f := range strings.SplitSeq(out, "\x00") {
			if f == "" || slices.Contains(strings.Split(filepath.ToSlash(f), "/"), "node_modules") {
				continue
			}
			if _, err := os.Stat(f); err != nil {
				continue // deleted in the work tree
			}
			files = append(files, f)
		}
		return files, nil
	}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// Test installs the dependencies, runs Vet, Fmt and Tidy, then all tests with the
// race detector against real Janus servers: everything against Debian 12's
// Janus 1.1.2, then everything again against Janus 1.4.1 from the Debian
// sid root (testdata/janus/VERSIONS.md). CI runs this target. The output
// is verbose so that it shows each test and the Janus version it ran
// against.
func Test(ctx context.Context) error {
	mg.CtxDeps(ctx, Deps)
	mg.SerialDeps(Vet, Fmt, Tidy)
	tags := nativeTags()
	if tags == nil && os.Getenv("CI") == "true" {
		_, err := nativeTagsOnce()
		return fmt.Errorf("the in-process encoders cannot be built: %w", err)
	}
	// The sid root first, so that a machine that cannot build it fails
	// before the long run rather than after it.
	if err := janusserver.BuildSid(ctx, os.Stdout); err != nil {
		return fmt.Errorf("Janus %s: %w", janusserver.SidVersion, err)
	}
	if err := testAgainstJanus(ctx, tags); err != nil {
		return err
	}
	// A build without them: the test pattern falls back to ffmpeg and the
	// command says so.
	if tags != nil {
		if err := goTest(nil, "test", "-race", "-count=1", "-v",
			"-run", "ParseSource|TestPattern|TestSourceNote|Tone", "./native/", "./native/cmd/gojanus/"); err != nil {
			return err
		}
	}
	// Short fuzz runs on top of the seed corpora: the read loop, and the
	// one-pass frame decoder against encoding/json. The budgets are counts
	// of executions, not durations: Go 1.26's fuzz coordinator can report
	// a spurious "context deadline exceeded" when a duration runs out while
	// a worker is mid-input (go.dev/issue/75804).
	if err := run(nil, mg.GoCmd(), "test", "-run", "^$", "-fuzz", "^FuzzIncomingMessage$", "-fuzztime", "20000x", "./core/"); err != nil {
		return err
	}
	if err := run(nil, mg.GoCmd(), "test", "-run", "^$", "-fuzz", "^FuzzDecodeFrameMatchesStd$", "-fuzztime", "30000x", "./core/"); err != nil {
		return err
	}
	// Everything again, against Janus 1.4.1.
	return testJanus14(ctx, tags)
}

// testAgainstJanus runs every Go test with the race detector, then the
// WebAssembly build's tests in Node, against the Janus the environment
// selects (janusserver.VersionEnv).
func testAgainstJanus(ctx context.Context, tags []string) error {
	// One package at a time (-p 1): the media tests send real-time media
	// and should not share the 2 cores with another package's encoders and
	// browsers. With the in-process encoders, as users of mage get them.
	args := slices.Concat([]string{"test"}, tags, []string{"-p", "1", "-race", "-count=1", "-v", "-timeout", "20m", "./..."})
	if err := goTest(map[string]string{"CGO_ENABLED": "1"}, args...); err != nil {
		return fmt.Errorf("the Go tests against %s: %w", janusUnderTest(), err)
	}
	// The WebAssembly build in Node: the core packages' Go tests and the
	// JavaScript API's tests against a real Janus.
	return TestWasm(ctx)
}

// TestJanus14 runs every test (Go with the race detector, media, command
// line, browser, and the WebAssembly build in Node) against Janus 1.4.1
// from the Debian sid root (GOJANUS_JANUS=1.4; see
// testdata/janus/VERSIONS.md), building the root first if it is not there.
// It fails when the root cannot be built (it needs root and the Debian
// mirror). Test runs it after everything against Janus 1.1.2.
func TestJanus14(ctx context.Context) error {
	mg.CtxDeps(ctx, Deps)
	return testJanus14(ctx, nativeTags())
}

// testJanus14 is TestJanus14 without its dependencies.
func testJanus14(ctx context.Context, tags []string) error {
	if err := janusserver.BuildSid(ctx, os.Stdout); err != nil {
		return fmt.Errorf("Janus %s: %w", janusserver.SidVersion, err)
	}
	// Set in this process too: TestWasm starts its Janus here.
	defer setenv(janusserver.VersionEnv, janusserver.SidVersion)()
	defer setenv(janusserver.BinaryEnv, "")()
	fmt.Printf("\n=== Every test again, against Janus %s (%s=%s)\n", janusserver.SidVersion, janusserver.VersionEnv, janusserver.SidVersion)
	return testAgainstJanus(ctx, tags)
}

// setenv sets (or, for "", unsets) an environment variable of this process
// and returns what restores it.
func setenv(key, value string) (restore func()) {
	old, had := os.LookupEnv(key)
	if value == "" {
		os.Unsetenv(key)
	} else {
		os.Setenv(key, value)
	}
	return func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	}
}

// Fuzz fuzzes the client's read loop (frame decoding and event dispatch),
// seeded with real frames from testdata/frames, and the one-pass frame
// decoder against encoding/json, for 500,000 executions each (a few
// minutes). Counts, not durations: see Test.
func Fuzz() error {
	if err := run(nil, mg.GoCmd(), "test", "-run", "^$", "-fuzz", "^FuzzIncomingMessage$", "-fuzztime", "500000x", "./core/"); err != nil {
		return err
	}
	return run(nil, mg.GoCmd(), "test", "-run", "^$", "-fuzz", "^FuzzDecodeFrameMatchesStd$", "-fuzztime", "500000x", "./core/")
}

// Soak keeps 1,000 sessions with 5 handles each busy on one connection for
// three minutes against a real Janus, and reports requests per second,
// lost events (none allowed) and the heap before and after.
func Soak() error {
	env := map[string]string{"GOJANUS_SOAK_SESSIONS": "1000", "GOJANUS_SOAK_HANDLES": "5", "GOJANUS_SOAK_SECONDS": "180"}
	return run(env, mg.GoCmd(), "test", "-count=1", "-run", "^TestSoak$", "-v", "-timeout", "20m", "./core/")
}

// Chaos runs the full chaos suite (TestChaos* in core with
// GOJANUS_CHAOS=full) against real Janus processes, through the fault
// proxy (internal/faultproxy) and against hostile servers
// (internal/hostile), over WebSocket and HTTP long-poll: cuts under load
// (100 sessions × 5 handles, 16 workers, 100 faults), stalls that recover
// and that do not, Janus killed with SIGKILL and restarted, server-list
// failover, hostile servers and Close under load. Each scenario asserts
// invariants, not timings, and reports its figures; the summary table of
// all of them is printed at the end (the README's Reliability table).
// GOJANUS_CHAOS_SEED=N repeats the random choices of a run that logged
// seed N. About 2 minutes on 2 cores; go tool mage test runs the short
// version of every scenario.
func Chaos() error {
	report, err := os.CreateTemp("", "gojanus-chaos-*.jsonl")
	if err != nil {
		return err
	}
	report.Close()
	defer os.Remove(report.Name())
	env := map[string]string{"GOJANUS_CHAOS": "full", "GOJANUS_CHAOS_REPORT": report.Name()}
	start := time.Now()
	testErr := run(env, mg.GoCmd(), "test", "-count=1", "-run", "^TestChaos", "-v", "-timeout", "15m", "./core/")
	if err := printChaosSummary(report.Name(), time.Since(start)); err != nil && testErr == nil {
		return err
	}
	return testErr
}

// printChaosSummary prints the figures the chaos scenarios wrote to path
// (one JSON object per line, see core/chaos_report_test.go) as one table.
func printChaosSummary(path string, took time.Duration) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fmt.Printf("\nchaos summary (go tool mage chaos, %s, %d cores):\n", took.Round(time.Second), runtime.NumCPU())
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var r struct {
			Scenario string
			Test     string
			Failed   bool
			Figures  []struct{ Name, Value string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return fmt.Errorf("chaos report: %w", err)
		}
		status := ""
		if r.Failed {
			status = "  FAILED"
		}
		fmt.Printf("\n%s (%s)%s\n", r.Scenario, r.Test, status)
		for _, f := range r.Figures {
			fmt.Printf("  %-30s %s\n", f.Name, f.Value)
		}
	}
	return nil
}

// RecordFrames records real Janus messages into testdata/frames, the seed
// corpus of the fuzz target.
func RecordFrames() error {
	return run(map[string]string{"GOJANUS_RECORD_FRAMES": "1"}, mg.GoCmd(), "test", "-count=1", "-run", "^TestRecordFrames$", "-v", "./core/")
}

// benchRuns are the benchmark runs of Bench, in order: package and -bench
// pattern, whether the run measures one-off figures (-benchtime 1x) rather
// than per-operation costs (-benchmem), its GOMAXPROCS (the comparison
// runs again with GOMAXPROCS=1), how many times it runs (the
// clients' comparisons run three times and the table has
// the medians: single runs differ by some percent on a shared 2-core
// machine), and whether it is built with the tag mediadevices when libvpx
// is installed (media runs: the test pattern and the decoding of the
// first frames use libvpx then).
var benchRuns = []struct {
	pkg, pattern string
	oneOff       bool
	count        int    // runs; the table has the median
	cpu          string // go test -cpu, when set
	media        bool   // with the in-process encoders (nativeTags)
}{
	{"./core/", "^BenchmarkCompare$", true, 3, "", false},
	{"./internal/janodetest/", "^BenchmarkJanode$", true, 3, "", false},
	{"./core/", "^BenchmarkCompare$", true, 3, "1", false},
	{"./core/", "^BenchmarkScale$", true, 1, "", false},
	{"./core/", "^(BenchmarkMessage|BenchmarkMessageParallel|BenchmarkSessionSetup|BenchmarkDecodeEvent|BenchmarkRequestEncode)$", false, 1, "", false},
	{"./native/", "^BenchmarkMedia$", true, 1, "", true},
	{"./internal/browsertest/", "^BenchmarkBrowser$", true, 1, "", true},
	// Join to the first decoded frame: gojanus and janus.js subscribers
	// of gojanus and janus.js publishers (issue 13).
	{"./internal/browsertest/", "^BenchmarkJoin$", true, 1, "", true},
	// Publishing to the first frame at a player: WHIP and WHEP pages
	// through whip.Handler beside janus.js (issue 17).
	{"./internal/browsertest/", "^BenchmarkWHIP$", true, 1, "", true},
	{"./internal/janodetest/", "^BenchmarkNodeStart$", true, 1, "", false},
}

// benchBegin and benchEnd mark the table Bench writes into README.md.
const (
	benchBegin = "<!-- bench:begin (go tool mage bench writes this table) -->"
	benchEnd   = "<!-- bench:end -->"
)

// Bench measures gojanus beside a minimal client and janode against one
// local Janus (latency, throughput, session setup), its scale (10,000
// handles), its cost per request over the in-memory transport, native
// media (first frame, publishing CPU, subscribers; needs root for the
// network namespace), a VideoRoom join to its first decoded frame with
// gojanus and janus.js on either side (in the namespace too), and the
// WebAssembly build in headless Chromium beside janus.js (page start to a
// session, on the local network and on an emulated 9 Mbit/s link; its
// size) and in Node beside janode. The media runs are built with the tag
// mediadevices when libvpx is installed. It
// prints one Markdown table and writes it into README.md. It takes a few
// minutes; run it on an otherwise idle machine.
func Bench(ctx context.Context) error {
	mg.CtxDeps(ctx, Deps)
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	dir, err := os.MkdirTemp("", "gojanus-bench-")
	if err != nil {
		cancel()
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := janusserver.Start(startCtx, janusserver.Options{Dir: dir})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("Janus %s at %s for every client.\n", srv.Version, srv.WSURL)
	env := janustest.Env(srv)

	var out bytes.Buffer
	tags := nativeTags()
	for _, r := range benchRuns {
		args := []string{"test", "-count", strconv.Itoa(r.count), "-run", "^$", "-bench", r.pattern}
		runEnv := env
		if r.media && tags != nil {
			args = append(args, tags...)
			runEnv = maps.Clone(env)
			runEnv["CGO_ENABLED"] = "1"
		}
		if r.cpu != "" {
			args = append(args, "-cpu", r.cpu)
		}
		if r.oneOff {
			args = append(args, "-benchtime", "1x")
		} else {
			args = append(args, "-benchmem")
		}
		args = append(args, r.pkg)
		echo(nil, mg.GoCmd(), args)
		cmd := exec.CommandContext(ctx, mg.GoCmd(), args...)
		cmd.Env = os.Environ()
		for k, v := range runEnv {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stdout = io.MultiWriter(os.Stdout, &out)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	results, err := benchtable.Parse(&out)
	if err != nil {
		return err
	}
	table := fmt.Sprintf("Measured %s on %s (%d cores, %s, Janus %s) by `go tool mage bench`.\n\n%s",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), runtime.Version(), srv.Version, benchtable.Markdown(results))
	fmt.Println()
	fmt.Print(table)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return err
	}
	updated, err := benchtable.Replace(string(readme), benchBegin, benchEnd, table)
	if err != nil {
		return fmt.Errorf("README.md: %w", err)
	}
	if err := os.WriteFile("README.md", []byte(updated), 0o644); err != nil {
		return err
	}
	fmt.Println("README.md updated.")
	return nil
}

// cpuModel returns the processor's name from /proc/cpuinfo, or "unknown".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// Build builds every package natively, core for GOOS=js GOARCH=wasm, and the
// command-line tool as bin/gojanus.
func Build() error {
	gocmd := mg.GoCmd()
	if err := run(nil, gocmd, "build", "./..."); err != nil {
		return err
	}
	if err := run(wasmEnv(), gocmd, "build", "./core/..."); err != nil {
		return err
	}
	return run(nil, gocmd, slices.Concat([]string{"build"}, nativeTags(), []string{"-o", filepath.Join("bin", "gojanus"), "./native/cmd/gojanus"})...)
}

// Janus runs a local Janus in the foreground with the test configuration, on
// the standard ports (WS 8188, HTTP 8088, admin WS 7188, admin HTTP 7088,
// admin secret "janusoverlord"), showing its log, until Ctrl-C.
// GOJANUS_JANUS=1.4 runs Janus 1.4 from the Debian sid root (built by
// deps) instead of the machine's janus (Debian 12's 1.1.2).
func Janus(ctx context.Context) error {
	stopWithParent()
	mg.CtxDeps(ctx, Deps)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Printf("Janus API:   ws://127.0.0.1:%d  http://127.0.0.1:%d/janus\n", janusWSPort, janusHTTPPort)
	fmt.Printf("Admin API:   ws://127.0.0.1:%d  http://127.0.0.1:%d/admin  (admin secret %q)\n", janusAdminWSPort, janusAdminHTTPPort, janusAdminSecret)
	fmt.Printf("Starting Janus; Ctrl-C stops it.\n\n")

	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	srv, err := janusserver.Start(startCtx, janusserver.Options{
		WSPort:        janusWSPort,
		HTTPPort:      janusHTTPPort,
		AdminWSPort:   janusAdminWSPort,
		AdminHTTPPort: janusAdminHTTPPort,
		AdminSecret:   janusAdminSecret,
		Stdout:        os.Stdout,
	})
	cancel()
	if err != nil {
		return fmt.Errorf("%w\n(is something else, another Janus perhaps, using the standard ports?)", err)
	}
	fmt.Printf("\nJanus %s is up (pid %d, configuration in %s). Ctrl-C stops it.\n\n", srv.Version, srv.Pid(), srv.Dir)

	select {
	case <-ctx.Done():
		fmt.Println("\nStopping Janus...")
		// Ctrl-C in a terminal reaches Janus too, which then stops on its
		// own; Stop waits for it either way.
		if err := srv.Stop(); err != nil {
			return err
		}
		fmt.Println("Janus stopped.")
		return nil
	case <-srv.Done():
		err := srv.Stop()
		if ctx.Err() != nil { // a signal raced with the exit
			return err
		}
		return fmt.Errorf("janus exited on its own: %v", err)
	}
}

// webDemoIfInteractive goes on with the web demo (WebDemo) when a person
// runs the demo at a terminal; scripts and CI stop after the command-line
// demo.
func webDemoIfInteractive(ctx context.Context) error {
	if !isTerminal(os.Stdin) {
		fmt.Println("(At a terminal, the demo goes on with the web pages: go tool mage webDemo.)")
		return nil
	}
	return WebDemo(ctx)
}

// Demo is the visible demo. As root it runs in a private network
// namespace (Janus does no ICE on loopback): a local Janus, then "gojanus
// demo --media", which walks through a session, the admin API and
// VideoRoom rooms, publishes a test pattern into a room and shows a
// subscriber receiving it. Without root it runs the signalling part only,
// and says so.
func Demo(ctx context.Context) error {
	stopWithParent()
	mg.CtxDeps(ctx, Deps)
	if err := netns.Available(); err == nil {
		gojanus := filepath.Join("bin", "gojanus")
		runner := filepath.Join("bin", "gojanus-demo")
		if err := run(nil, mg.GoCmd(), slices.Concat([]string{"build"}, nativeTags(), []string{"-o", gojanus, "./native/cmd/gojanus"})...); err != nil {
			return err
		}
		if err := run(nil, mg.GoCmd(), "build", "-o", runner, "./internal/demo"); err != nil {
			return err
		}
		if err := run(nil, "unshare", "-n", "--", runner, "--gojanus", gojanus); err != nil {
			return err
		}
		return webDemoIfInteractive(ctx)
	} else {
		fmt.Printf("Media demo skipped: %v.\nRunning the signalling demo only.\n", err)
	}

	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	srv, err := janusserver.Start(startCtx, janusserver.Options{})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("Started Janus %s: API %s, admin API %s\n", srv.Version, srv.WSURL, srv.AdminWSURL)

	args := slices.Concat([]string{"run"}, nativeTags(), []string{"./native/cmd/gojanus", "demo",
		"--server", srv.WSURL, "--admin-server", srv.AdminWSURL, "--admin-secret", srv.AdminSecret})
	echo(nil, mg.GoCmd(), redact(args, srv.AdminSecret))
	cmd := exec.CommandContext(ctx, mg.GoCmd(), args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "tail of the Janus log (%s):\n%s\n", srv.LogPath, srv.LogTail(30))
		code := 1
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			code = ee.ExitCode()
		}
		return mg.Fatalf(code, "demo failed: %v", err)
	}
	if err := srv.Stop(); err != nil {
		return fmt.Errorf("stopping janus: %w", err)
	}
	fmt.Println("Stopped Janus.")
	return nil
}

// run prints a command line and runs it with stdout and stderr attached; env
// is added to the environment. Its error carries the exit code, which mage
// exits with.
func run(env map[string]string, name string, args ...string) error {
	echo(env, name, args)
	return sh.RunWithV(env, name, args...)
}

// goTest runs `go test -v` with its output shown. When the tests fail, its
// error ends with the failed tests and their first error lines: a CI log
// cut to its last lines still says what failed (internal/testreport).
func goTest(env map[string]string, args ...string) error {
	return runReported(secretCmd(env, "", "", mg.GoCmd(), args...))
}

// runReported runs cmd, a `go test -v`, as goTest does.
func runReported(cmd *exec.Cmd) error {
	var report testreport.Collector
	cmd.Stdout = io.MultiWriter(os.Stdout, &report)
	cmd.Stderr = io.MultiWriter(os.Stderr, report.Stream())
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if summary := report.Summary(failureLines); summary != "" {
		return fmt.Errorf("%w; what failed:\n%s", err, summary)
	}
	return err
}

// failureLines is how many lines the failures of a go test run get at the
// end of mage's output.
const failureLines = 16

// janusUnderTest names the Janus the tests start (janusserver.VersionEnv).
func janusUnderTest() string {
	if v, err := janusserver.Selected(); err == nil && v != "" {
		return "Janus " + v + " (Debian sid)"
	}
	return "the machine's Janus"
}

// echo prints a command line as a shell would run it.
func echo(env map[string]string, name string, args []string) {
	var b strings.Builder
	b.WriteString("+ ")
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(&b, "%s=%s ", k, env[k])
	}
	b.WriteString(name)
	for _, a := range args {
		b.WriteString(" " + a)
	}
	fmt.Println(b.String())
}

// redact returns args with every occurrence of secret hidden.
func redact(args []string, secret string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if secret != "" && a == secret {
			out[i] = "***"
		}
	}
	return out
}

func wasmEnv() map[string]string {
	return map[string]string{"GOOS": "js", "GOARCH": "wasm"}
}
