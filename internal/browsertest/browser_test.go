//go:build !js

// Package browsertest runs the web demo (web/index.html, web/echotest.html)
// in headless Chromium against a real Janus: the JavaScript tests of
// web/test/browser (node --test, driving Chromium with playwright-core),
// inside a private network namespace so that WebRTC really flows (Janus
// gathers no candidates on loopback). The same suite checks interop with
// janus.js, the official JavaScript client (npm janus-gateway), and
// BenchmarkBrowser compares how fast a page gets a Janus session with
// gojanus.wasm and with janus.js.
//
// Needs, besides Janus and root (for the namespace): Chromium (Debian's
// chromium, or $GOJANUS_CHROMIUM), Node 20+ with npm, and ffprobe. When one
// is missing the test is skipped, or fails with CI=true.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/internal/nodejs"
	"github.com/gojanus/gojanus/internal/webserve"
)

const (
	// envBuild carries the folder of the freshly built wasm and command
	// from the outer test process into the namespace.
	envBuild = "GOJANUS_BROWSERTEST_BUILD"
	// envChromium overrides the Chromium binary.
	envChromium = "GOJANUS_CHROMIUM"
	// envMark is set, with a value of its own, on the node process: every
	// process it starts (Chromium, the gojanus command) inherits it, which
	// is how the test finds and kills what survived.
	envMark = "GOJANUS_BROWSERTEST_MARK"

	// suiteTimeout bounds the JavaScript suite (it takes about 30 s);
	// $GOJANUS_BROWSER_SUITE_TIMEOUT (a Go duration) overrides it.
	suiteTimeout = 150 * time.Second
	// npmTimeout bounds npm ci.
	npmTimeout = 3 * time.Minute
	// browserTestDir is the JavaScript suite, from the module root.
	browserTestDir = "web/test/browser"
	// whipSuite is the JavaScript test file of TestBrowserWHIP (Linux).
	whipSuite = "whip.test.mjs"
)

// TestMain fails the test binary when a test leaves goroutines behind.
func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// chromiumPath returns the Chromium binary: $GOJANUS_CHROMIUM, chromium in
// PATH, or Debian's /usr/bin/chromium.
func chromiumPath() (string, error) {
	if p := os.Getenv(envChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", envChromium, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", errors.New("chromium not found (apt-get install chromium, or set " + envChromium + ")")
}

// TestBrowserDemo builds gojanus.wasm and the gojanus command, serves web/
// and runs web/test/browser in headless Chromium against a Janus that
// gathers candidates on the namespace's veth interface and trickles them
// (full_trickle: the pages and commands add them from its trickle events,
// which the EchoTest page checks): two VideoRoom pages
// see each other, the EchoTest page sees its echo, a browser receives the
// native command's publisher, and the native command records a browser's;
// the same two directions with janus.js instead of the demo
// (janusjs.test.mjs).
func TestBrowserDemo(t *testing.T) {
	if !netns.Inside() {
		if err := netns.Available(); err == nil {
			prepare(t)
		}
	}
	if !netns.Run(t) {
		return
	}
	root := janustest.ModuleRoot(t)
	build := os.Getenv(envBuild)
	if build == "" {
		t.Fatalf("%s is not set: the outer test process builds the wasm", envBuild)
	}

	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface, FullTrickle: true})
	env, scratch := chromiumEnv(t)
	web := httptest.NewServer(webHandler(root, build, scratch))
	t.Cleanup(web.Close)
	maps.Copy(env, map[string]string{
		"GOJANUS_PAGE_URL":      web.URL + "/",
		janustest.EnvWS:         srv.WSURL,
		janustest.EnvHTTP:       srv.HTTPURL,
		"GOJANUS_CLI":           filepath.Join(build, "gojanus"),
		"GOJANUS_MEDIA":         filepath.Join(root, "testdata", "media"),
		"GOJANUS_ICE_INTERFACE": netns.Interface,
		"GOJANUS_ICE_ADDR":      netns.Addr,
		"GOJANUS_TEST_TMP":      scratch,
	})
	start := time.Now()
	err := runSuite(t, filepath.Join(root, browserTestDir), env, demoSuite)
	t.Logf("browser suite: %.1f s", time.Since(start).Seconds())
	if err != nil {
		t.Fatalf("node --test in %s: %v", browserTestDir, err)
	}
}

// prepare runs outside the namespace, where the network is: it checks the
// tools, installs the npm packages of the suite and builds the wasm and the
// command into a temporary folder that the namespace run gets in envBuild.
func prepare(t *testing.T) {
	t.Helper()
	root, build := prepareOutside(t, "ffprobe")
	start := time.Now()
	buildWasm(t, root, build, webserve.Fast)
	goBuild(t, root, nil, "-o", filepath.Join(build, "gojanus"), "./native/cmd/gojanus")
	t.Logf("built gojanus.wasm and gojanus in %.1f s", time.Since(start).Seconds())
}

// prepareOutside runs outside the namespace, where the network is: it
// checks Janus, Chromium, Node and the media tools (from ffmpeg's
// package), installs the suite's npm packages and returns the module root
// and a new temporary folder for what the namespace run needs, which gets
// it in envBuild.
func prepareOutside(tb testing.TB, tools ...string) (root, build string) {
	tb.Helper()
	janustest.RequireJanus(tb)
	checkTools(tb)
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			janustest.Missing(tb, "%s not found (apt-get install ffmpeg)", tool)
		}
	}
	root = janustest.ModuleRoot(tb)
	npmInstall(tb, filepath.Join(root, browserTestDir))
	build = tb.TempDir()
	tb.Setenv(envBuild, build)
	return root, build
}

// chromiumEnv returns the environment of a node script that runs
// Chromium inside the namespace (lib.mjs): the Chromium binary, and
// temporary, configuration and cache folders of its own in a new
// temporary folder; scratch is the temporary one, where tests may write
// pages. The caller adds the page URL and the Janus.
func chromiumEnv(tb testing.TB) (env map[string]string, scratch string) {
	tb.Helper()
	chromium, err := chromiumPath()
	if err != nil {
		tb.Fatal(err)
	}
	tmp := tb.TempDir()
	for _, d := range []string{"tmp", "config", "cache"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	return map[string]string{
		"GOJANUS_CHROMIUM":                 chromium,
		"TMPDIR":                           filepath.Join(tmp, "tmp"),
		"XDG_CONFIG_HOME":                  filepath.Join(tmp, "config"),
		"XDG_CACHE_HOME":                   filepath.Join(tmp, "cache"),
		"NODE_OPTIONS":                     "",
		"NO_COLOR":                         "1",
		"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
	}, filepath.Join(tmp, "tmp")
}

// gocmd is the go command: go test puts its GOROOT/bin first in PATH.
const gocmd = "go"

// goBuild runs go build in root with env added to the environment.
func goBuild(tb testing.TB, root string, env []string, args ...string) {
	tb.Helper()
	cmd := exec.Command(gocmd, append([]string{"build"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// buildWasm builds gojanus.wasm into build, the way it is shipped
// (-trimpath, no symbol table or DWARF), beside this Go's wasm_exec.js,
// copies janus.js and webrtc-adapter into build/lib, and writes the
// brotli and gzip forms of each at level, which webHandler serves. (The
// tests take webserve.Fast: brotli's best takes minutes under -race.)
func buildWasm(tb testing.TB, root, build string, level webserve.Level) {
	tb.Helper()
	goBuild(tb, root, []string{"GOOS=js", "GOARCH=wasm"}, "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(build, "gojanus.wasm"), "./wasm")
	out, err := exec.Command(gocmd, "env", "GOROOT").Output()
	if err != nil {
		tb.Fatalf("go env GOROOT: %v", err)
	}
	wasmExec := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
	b, err := os.ReadFile(wasmExec)
	if err != nil {
		tb.Fatalf("wasm_exec.js of this Go: %v", err)
	}
	if err := os.WriteFile(filepath.Join(build, "wasm_exec.js"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
	copyJanusJS(tb, root, build)
	// All served compressed, as production would (see internal/webserve).
	for _, f := range []string{"gojanus.wasm", "wasm_exec.js", "lib/janus.js", "lib/adapter.js"} {
		if _, _, err := webserve.Precompress(filepath.Join(build, f), level); err != nil {
			tb.Fatal(err)
		}
	}
}

// copyJanusJS copies janus.js and webrtc-adapter from the suite's
// node_modules (npm packages installed before) into build/lib, where
// webHandler serves them.
func copyJanusJS(tb testing.TB, root, build string) {
	tb.Helper()
	suite := filepath.Join(root, browserTestDir, "node_modules")
	if err := os.MkdirAll(filepath.Join(build, "lib"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for dst, src := range map[string]string{
		"janus.js":   filepath.Join(suite, "janus-gateway", "src", "janus.js"),
		"adapter.js": filepath.Join(suite, "webrtc-adapter", "out", "adapter.js"),
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			tb.Fatalf("%v (are the npm packages of %s installed?)", err, browserTestDir)
		}
		if err := os.WriteFile(filepath.Join(build, "lib", dst), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// checkTools checks, outside the namespace, what every Chromium run needs:
// Chromium, Node and npm; the suite's npm packages are then installed.
func checkTools(tb testing.TB) {
	tb.Helper()
	if _, err := chromiumPath(); err != nil {
		janustest.Missing(tb, "%v", err)
	}
	if err := nodejs.Check(); err != nil {
		janustest.Missing(tb, "%v", err)
	}
}

// npmInstall installs the suite's npm packages (playwright-core, janus.js,
// webrtc-adapter) from its package-lock.json, unless node_modules already
// holds what the lock file names.
func npmInstall(tb testing.TB, dir string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	start := time.Now()
	ran, err := nodejs.Install(ctx, dir)
	if err != nil {
		janustest.Missing(tb, "%v", err)
	}
	if ran {
		tb.Logf("npm ci in %s: %.1f s", dir, time.Since(start).Seconds())
	}
}

// webHandler serves web/ from root, with gojanus.wasm and wasm_exec.js
// from build, and under /interop/ the janus.js pages
// (web/test/browser/janusjs/) with janus.js and webrtc-adapter from
// build/lib in /interop/lib/; the files of build are sent brotli or gzip
// compressed, as the browser accepts. Pages the tests write into scratch
// as scratch-NAME.html are served as /scratch-NAME.html, beside the files
// of web/ (scratch may be ""). Under /whip/ are the plain WHIP and WHEP
// pages (web/test/browser/whip/). Nothing else of web/test/ is served.
func webHandler(root, build, scratch string) http.Handler {
	files := webserve.Dir(filepath.Join(root, "web"))
	interop := http.StripPrefix("/interop", webserve.Dir(filepath.Join(root, browserTestDir, "janusjs")))
	whipPages := http.StripPrefix("/whip", webserve.Dir(filepath.Join(root, browserTestDir, "whip")))
	lib := map[string]string{
		"/interop/lib/janus.js":   filepath.Join(build, "lib", "janus.js"),
		"/interop/lib/adapter.js": filepath.Join(build, "lib", "adapter.js"),
		"/gojanus.wasm":           filepath.Join(build, "gojanus.wasm"),
		"/wasm_exec.js":           filepath.Join(build, "wasm_exec.js"),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch p := r.URL.Path; {
		case lib[p] != "":
			webserve.ServeFile(w, r, lib[p])
		case scratch != "" && strings.HasPrefix(p, "/scratch-") && !strings.Contains(p[1:], "/"):
			webserve.ServeFile(w, r, filepath.Join(scratch, p[1:]))
		case strings.HasPrefix(p, "/interop/lib/"):
			http.NotFound(w, r)
		case strings.HasPrefix(p, "/interop/"):
			interop.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/whip/"):
			whipPages.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/test/"):
			http.NotFound(w, r)
		default:
			files.ServeHTTP(w, r)
		}
	})
}

// demoSuite picks the test files of TestBrowserDemo: every *.test.mjs but
// whip.test.mjs, which TestBrowserWHIP runs against its own Janus.
func demoSuite(name string) bool { return name != whipSuite }

// runSuite runs node --test on the *.test.mjs files in dir that pick
// selects, with env, logging its output line by line. Whatever happens, no process it started survives: node runs in a
// process group of its own, which is stopped (SIGTERM, then SIGKILL) at the
// end, and every process carrying its mark (Chromium runs in a process
// group of its own) is killed too.
func runSuite(t *testing.T, dir string, env map[string]string, pick func(name string) bool) error {
	t.Helper()
	if n := killStale(); n > 0 {
		t.Logf("killed %d process(es) left by an earlier run that died", n)
	}
	mark := newMark()
	limit := suiteTimeout
	if v := os.Getenv("GOJANUS_BROWSER_SUITE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("GOJANUS_BROWSER_SUITE_TIMEOUT: %v", err)
		}
		limit = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	// The test files by name: Node 20 takes no globs, and naming them keeps
	// the helpers (lib.mjs) from being run as tests.
	files, err := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	args := []string{"--test", "--test-reporter=spec"}
	for _, f := range files {
		if pick(filepath.Base(f)) {
			args = append(args, filepath.Base(f))
		}
	}
	if err != nil || len(args) == 2 {
		return fmt.Errorf("no *.test.mjs to run in %s", dir)
	}
	cmd := nodeCommand(ctx, dir, mark, env, args...)
	lw := &lineWriter{t: t}
	cmd.Stdout, cmd.Stderr = lw, lw
	defer func() {
		lw.flush()
		if n := killNode(cmd, mark); n > 0 {
			t.Logf("killed %d leftover process(es) of the suite", n)
		}
	}()
	err = cmd.Run()
	if ctx.Err() != nil {
		return fmt.Errorf("timed out after %v: %w", limit, err)
	}
	return err
}

// newMark returns a value of envMark of its own, for one node process
// and what it starts.
func newMark() string {
	return strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// nodeCommand returns a command running node with args in dir, with env
// and envMark=mark added to the environment, in a process group of its
// own. Should this process die, node gets SIGTERM, on which playwright
// closes Chromium; when ctx ends, the group gets SIGTERM (playwright
// closes the browser), and node is killed 5 s later if still there.
func nodeCommand(ctx context.Context, dir, mark string, env map[string]string, args ...string) *exec.Cmd {
	cmd := nodejs.Command(ctx, args...)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, envMark+"="+mark)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// killNode makes sure nothing of a nodeCommand survives: it kills its
// process group and every process carrying its mark (Chromium runs in a
// process group of its own), and returns how many marked ones it found.
func killNode(cmd *exec.Cmd, mark string) int {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return killMarked(mark)
}

// killMarked kills every process whose environment has envMark=mark and
// returns how many there were, trying again until none is left (at most
// about two seconds).
func killMarked(mark string) int {
	return killWhere(func(m string) bool { return m == mark })
}

// killStale kills the marked processes of earlier runs whose test process
// is gone (a run killed before it could clean up), and returns how many.
func killStale() int {
	return killWhere(func(m string) bool {
		pid, err := strconv.Atoi(strings.SplitN(m, "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			return false
		}
		return syscall.Kill(pid, 0) == syscall.ESRCH
	})
}

// killWhere SIGKILLs the live processes whose envMark value satisfies
// match, until none is left (at most about two seconds), and returns how
// many it killed.
func killWhere(match func(mark string) bool) int {
	prefix := []byte(envMark + "=")
	killed := map[int]bool{}
	for range 20 {
		found := 0
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
			if err != nil {
				continue
			}
			marked := false
			for _, kv := range bytes.Split(environ, []byte{0}) {
				if v, ok := bytes.CutPrefix(kv, prefix); ok && match(string(v)) {
					marked = true
					break
				}
			}
			if !marked {
				continue
			}
			if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && isZombie(stat) {
				continue // dead, waiting for its parent
			}
			found++
			killed[pid] = true
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if found == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return len(killed)
}

// isZombie reports whether /proc/PID/stat describes a zombie.
func isZombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// lineWriter logs whole lines through t.Log.
type lineWriter struct {
	t   testing.TB
	mu  sync.Mutex
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.t.Log(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.t.Log(string(w.buf))
		w.buf = nil
	}
}
