//go:build mage

package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/nodejs"
	"github.com/gojanus/gojanus/internal/wasmsize"
	"github.com/gojanus/gojanus/internal/webserve"
)

// Files of the WebAssembly build.
const (
	webDir        = "web"
	wasmOut       = "web/gojanus.wasm"
	wasmPkg       = "./wasm"
	wasmTypes     = "wasm/gojanus.d.ts"
	wasmTestDir   = "wasm/test"
	wsPreload     = "wasm/test/ws-global.cjs"
	serveEnv      = "GOJANUS_SERVE_PORT"
	wasmTestLimit = "10m"
)

// wasmTestFiles are the JavaScript tests of wasm/test, and
// wasmTypeChecks the tsc projects that check gojanus.d.ts there: as a
// browser page uses it, and as Node programs without the DOM library, with
// and without @types/node.
var (
	wasmTestFiles  = []string{"gojanus.test.mjs", "node.test.mjs"}
	wasmTypeChecks = []string{"tsconfig.json", "tsconfig.node.json", "tsconfig.node-types.json"}
)

// wasmGoTestPackages are the packages whose Go tests TestWasm runs in Node.
// core/transport/ws and core/transport/longpoll are left out: their unit
// tests talk to in-process httptest servers, which Node's WebSocket and
// fetch cannot reach.
var wasmGoTestPackages = []string{
	"./core",
	"./core/echotest",
	"./core/videoroom",
	"./core/streaming",
	"./core/audiobridge",
	"./core/textroom",
	"./core/videocall",
	"./core/nosip",
	"./core/recordplay",
}

// Wasm builds the WebAssembly client into web/gojanus.wasm (stripped,
// trimpath) with its brotli and gzip forms beside it (what a server should
// send), copies the matching wasm_exec.js of this Go, the TypeScript
// declarations (gojanus.d.ts, gojanus-global.d.ts) and the LICENSE into
// web/, and prints the sizes. web/ is then the npm package (npm pack
// ./web).
func Wasm() error {
	gocmd := mg.GoCmd()
	if err := os.MkdirAll(webDir, 0o755); err != nil {
		return err
	}
	if err := run(wasmEnv(), gocmd, "build", "-trimpath", "-ldflags=-s -w", "-o", wasmOut, wasmPkg); err != nil {
		return err
	}
	goroot, err := sh.Output(gocmd, "env", "GOROOT")
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	if err := copyFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(webDir, "wasm_exec.js")); err != nil {
		return err
	}
	for src, dst := range map[string]string{
		wasmTypes:                  "gojanus.d.ts",
		"wasm/gojanus-global.d.ts": "gojanus-global.d.ts",
		"LICENSE":                  "LICENSE",
	} {
		if err := copyFile(src, filepath.Join(webDir, dst)); err != nil {
			return err
		}
	}
	st, err := os.Stat(wasmOut)
	if err != nil {
		return err
	}
	br, gz, err := webserve.Precompress(wasmOut, webserve.Best)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s raw, %s gzip -9, %s brotli\n", wasmOut, sizeMB(int(st.Size())), sizeMB(gz), sizeMB(br))
	return nil
}

// WasmSize prints where the bytes of gojanus.wasm go: its sections, and
// the code of each package (read from a build that keeps the names
// section, which the shipped build strips).
func WasmSize() error {
	dir, err := os.MkdirTemp("", "gojanus-wasmsize-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "gojanus.wasm")
	if err := run(wasmEnv(), mg.GoCmd(), "build", "-trimpath", "-o", out, wasmPkg); err != nil {
		return err
	}
	table, err := wasmsize.Build(out, wasmPkg)
	if err != nil {
		return err
	}
	fmt.Print(table)
	return nil
}

func sizeMB(n int) string {
	return fmt.Sprintf("%.2f MB (%d bytes)", float64(n)/1e6, n)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Serve builds the wasm and serves web/ on 127.0.0.1, on the port in
// $GOJANUS_SERVE_PORT or a free one, until Ctrl-C, as production would:
// gojanus.wasm as application/wasm, brotli or gzip compressed as the
// browser accepts. Browsers need getUserMedia from a secure context:
// http://127.0.0.1 is one.
func Serve(ctx context.Context) error {
	stopWithParent()
	mg.Deps(Wasm)
	port := 0
	if p := os.Getenv(serveEnv); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("serve: %s=%q is not a port", serveEnv, p)
		}
		port = n
	}
	return serveWeb(ctx, port, func(addr string) {
		fmt.Printf("Serving %s/ at http://%s/ (Ctrl-C stops)\n", webDir, addr)
	})
}

// WebDemo starts a local Janus (ICE on this machine's interfaces, as a
// browser on the same machine needs) and serves the web demo next to it,
// printing the URLs of the VideoRoom and EchoTest pages, until Ctrl-C.
func WebDemo(ctx context.Context) error {
	stopWithParent()
	mg.Deps(Wasm)
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	srv, err := janusserver.Start(sctx, janusserver.Options{})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	q := "?server=" + url.QueryEscape(srv.WSURL)
	return serveWeb(ctx, 0, func(addr string) {
		fmt.Printf("Janus %s: %s\n", srv.Version, srv.WSURL)
		fmt.Printf("VideoRoom demo: http://%s/%s  (open it in two tabs)\n", addr, q)
		fmt.Printf("EchoTest demo:  http://%s/echotest.html%s\n", addr, q)
		fmt.Println("Ctrl-C stops.")
	})
}

// serveWeb serves web/ on 127.0.0.1:port (0: a free port) until ctx ends
// or Ctrl-C; ready gets the address.
func serveWeb(ctx context.Context, port int, ready func(addr string)) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	files := webserve.Dir(webDir)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store") // always the last build
			files.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ready(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

// TestWasm builds the wasm, packs web/ as the npm package and installs it
// into wasm/test, starts one Janus (default options), and runs against it,
// in Node: the Go tests of the core packages built for GOOS=js GOARCH=wasm
// (tests needing another server configuration skip themselves), the
// JavaScript tests of wasm/test (node --test: the API in this process, and
// whole Node programs with the machine's Node and with Node
// nodejs.Pinned, which has a global WebSocket), and the type checks of
// gojanus.d.ts (tsc, with the DOM library and for Node without it). It
// installs the npm packages of wasm/test first.
func TestWasm(ctx context.Context) error {
	mg.Deps(Wasm)
	if err := useNode(ctx); err != nil {
		return fmt.Errorf("wasm tests: %w", err)
	}
	if err := nodejs.Check(); err != nil {
		return fmt.Errorf("wasm tests: %w", err)
	}
	ran, err := nodejs.Install(ctx, wasmTestDir)
	if err != nil {
		return err
	}
	if ran {
		fmt.Printf("+ npm ci in %s\n", wasmTestDir)
	}
	if err := installPackage(wasmTestDir); err != nil {
		return err
	}
	nodes, err := testNodes(ctx)
	if err != nil {
		return err
	}

	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	srv, err := janusserver.Start(sctx, janusserver.Options{})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("Started Janus %s for the wasm tests: API %s, admin API %s\n", srv.Version, srv.WSURL, srv.AdminWSURL)
	env := janustest.Env(srv)
	failed := func(what string, err error) error {
		fmt.Fprintf(os.Stderr, "tail of the Janus log (%s):\n%s\n", srv.LogPath, srv.LogTail(40))
		return fmt.Errorf("%s: %w", what, err)
	}

	// The Go tests in Node.
	gocmd := mg.GoCmd()
	goroot, err := sh.Output(gocmd, "env", "GOROOT")
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	goEnv := maps.Clone(env)
	maps.Copy(goEnv, wasmEnv())
	// The test binaries get the WebSocket of the ws package (see the file).
	preload, err := filepath.Abs(wsPreload)
	if err != nil {
		return err
	}
	goEnv["NODE_OPTIONS"] = strings.TrimSpace(os.Getenv("NODE_OPTIONS") + " --require=" + preload)
	// Tests that cannot run there (in-process TLS proxies, httptest
	// servers) are built only natively (//go:build !js).
	args := []string{"test", "-count=1", "-v", "-timeout", wasmTestLimit,
		"-exec=" + filepath.Join(goroot, "lib", "wasm", "go_js_wasm_exec")}
	args = append(args, wasmGoTestPackages...)
	if err := runReported(secretCmd(goEnv, srv.AdminSecret, "", gocmd, args...)); err != nil {
		return failed("go tests in Node", err)
	}

	// The JavaScript tests, and the type checks.
	jsEnv := maps.Clone(env)
	jsEnv["GOJANUS_NODE_BINARIES"] = strings.Join(nodes, string(os.PathListSeparator))
	args = append([]string{"--test", "--test-reporter=spec"}, wasmTestFiles...)
	if err := runSecret(jsEnv, srv.AdminSecret, wasmTestDir, "node", args...); err != nil {
		return failed("JavaScript tests in Node", err)
	}
	for _, cfg := range wasmTypeChecks {
		if err := runSecret(nil, "", wasmTestDir, "npx", "--no-install", "tsc", "-p", cfg); err != nil {
			return fmt.Errorf("type check of %s (%s): %w", wasmTypes, cfg, err)
		}
	}
	return nil
}

// installPackage packs web/ with npm pack, as a user would get it, and
// installs the tarball into dir's node_modules (without saving it in dir's
// package.json): the tests import "gojanus" from there.
func installPackage(dir string) error {
	tmp, err := os.MkdirTemp("", "gojanus-pack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := run(nil, "npm", "pack", "--silent", "--pack-destination", tmp, "./"+webDir); err != nil {
		return fmt.Errorf("npm pack ./%s: %w", webDir, err)
	}
	tarballs, err := filepath.Glob(filepath.Join(tmp, "gojanus-*.tgz"))
	if err != nil || len(tarballs) != 1 {
		return fmt.Errorf("npm pack ./%s made %v", webDir, tarballs)
	}
	fmt.Printf("+ cd %s\n", dir)
	cmd := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--offline", "--ignore-scripts", tarballs[0])
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	echo(nil, "npm", cmd.Args[1:])
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install %s in %s: %w", filepath.Base(tarballs[0]), dir, err)
	}
	return nil
}

// testNodes returns the Node binaries the JavaScript tests run whole
// programs with: the one in PATH, and Node nodejs.Pinned (installed into
// the cache when it is not there) when that is another version.
func testNodes(ctx context.Context) ([]string, error) {
	first, err := nodejs.Find()
	if err != nil {
		return nil, err
	}
	pinned, err := nodejs.InstallPinned(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasm tests: %w", err)
	}
	_, v1, err1 := nodejs.Version(first)
	_, v2, err2 := nodejs.Version(pinned)
	if err1 == nil && err2 == nil && v1 == v2 {
		return []string{first}, nil
	}
	return []string{first, pinned}, nil
}

// runSecret runs a command in dir (the current folder when empty) with env
// added, printing the command line with secret hidden.
func runSecret(env map[string]string, secret, dir, name string, args ...string) error {
	cmd := secretCmd(env, secret, dir, name, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// secretCmd is runSecret's command, echoed but not started.
func secretCmd(env map[string]string, secret, dir, name string, args ...string) *exec.Cmd {
	shown := maps.Clone(env)
	for k, v := range shown {
		if secret != "" && v == secret {
			shown[k] = "***"
		}
	}
	if dir != "" {
		fmt.Printf("+ cd %s\n", dir)
	}
	echo(shown, name, args)
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}
