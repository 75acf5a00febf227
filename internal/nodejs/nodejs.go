// Package nodejs runs the project's Node.js parts from Go tests and mage:
// it finds a Node that is new enough (MinMajor), installs one from the npm
// registry when the machine's is older or missing (Debian 12's nodejs is
// 18), and installs a folder's npm packages from its committed
// package-lock.json.
package nodejs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// MinMajor is the oldest Node major version the project supports.
const MinMajor = 20

// Pinned is the Node version Ensure installs when the machine has none
// that is new enough: the npm registry's node-linux-<arch> package of that
// version holds the official binary.
const Pinned = "22.23.5"

// DirEnv names the environment variable that overrides where Ensure
// installs Node (default: the user's cache folder, gojanus/node-VERSION).
const DirEnv = "GOJANUS_NODE_DIR"

// stampFile, in node_modules, holds the hash of the package-lock.json the
// packages were installed from.
const stampFile = ".gojanus-lock-sha256"

// Dir is the folder Ensure installs the pinned Node into.
func Dir() string {
	if d := os.Getenv(DirEnv); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "gojanus", "node-"+Pinned)
}

// pinnedBinary is where the pinned Node's binary lies once installed.
func pinnedBinary() string {
	return filepath.Join(Dir(), "node_modules", "node-linux-"+nodeArch(), "bin", "node")
}

func nodeArch() string {
	if runtime.GOARCH == "amd64" {
		return "x64"
	}
	return runtime.GOARCH // arm64, ppc64le, s390x: the same names
}

// Version runs bin --version and returns its major version and the whole
// version string.
func Version(bin string) (int, string, error) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return 0, "", fmt.Errorf("%s --version: %v", bin, err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil {
		return 0, "", fmt.Errorf("%s --version: %q is not a version", bin, v)
	}
	return major, v, nil
}

var (
	findMu sync.Mutex
	found  string
)

// Find returns the path of a Node binary of version MinMajor or later:
// the node in PATH when it is new enough, else the one Ensure installed.
// Its error says what was found and how to get a newer one.
func Find() (string, error) {
	findMu.Lock()
	defer findMu.Unlock()
	if found != "" {
		return found, nil
	}
	why := "node not found in PATH"
	if p, err := exec.LookPath("node"); err == nil {
		major, v, err := Version(p)
		switch {
		case err != nil:
			why = err.Error()
		case major >= MinMajor:
			found = p
			return p, nil
		default:
			why = fmt.Sprintf("%s is Node %s", p, v)
		}
	}
	if p := pinnedBinary(); fileExists(p) {
		if major, _, err := Version(p); err == nil && major >= MinMajor {
			found = p
			return p, nil
		}
	}
	return "", fmt.Errorf("need Node %d or later (%s); go tool mage deps installs Node %s into %s", MinMajor, why, Pinned, Dir())
}

// Ensure returns the path of a Node binary of version MinMajor or later,
// installing the pinned version from the npm registry into Dir when Find
// finds none. Installing needs npm (Debian's npm, which runs on Debian's
// Node 18, will do).
func Ensure(ctx context.Context) (string, error) {
	if p, err := Find(); err == nil {
		return p, nil
	}
	if _, err := InstallPinned(ctx); err != nil {
		return "", err
	}
	return Find()
}

// InstallPinned installs Node Pinned into Dir, unless it is there, and
// returns its binary. Tests use it to run with a Node that has a global
// WebSocket (22) beside the machine's (20 has none).
func InstallPinned(ctx context.Context) (string, error) {
	bin := pinnedBinary()
	if fileExists(bin) {
		return bin, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("npm not found (apt-get install npm): it installs a newer Node")
	}
	dir := Dir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	pkg := "node-linux-" + nodeArch() + "@" + Pinned
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %s into %s: %v\n%s", pkg, dir, err, out)
	}
	if _, v, err := Version(bin); err != nil || v != Pinned {
		return "", fmt.Errorf("npm install %s: %s does not run as Node %s (%q, %v)", pkg, bin, Pinned, v, err)
	}
	return bin, nil
}

// BinDir returns the folder of the Node binary Find returns, for the front
// of PATH: tools that run "node" themselves (go test's go_js_wasm_exec,
// npx, npm scripts) then run that one.
func BinDir() (string, error) {
	p, err := Find()
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// Environ returns os.Environ() with the folder of Find's Node first in
// PATH (unchanged when there is none).
func Environ() []string {
	env := os.Environ()
	dir, err := BinDir()
	if err != nil {
		return env
	}
	for i, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			env[i] = "PATH=" + dir + string(os.PathListSeparator) + v
			return env
		}
	}
	return append(env, "PATH="+dir)
}

// Command returns a command running Find's Node with args, with that
// Node's folder first in PATH. Without a Node new enough, it runs "node"
// and fails with a clear message when started (see Check).
func Command(ctx context.Context, args ...string) *exec.Cmd {
	bin, err := Find()
	if err != nil {
		bin = "node"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = Environ()
	return cmd
}

// Check reports why Node (MinMajor or later) or npm cannot be used here,
// or nil when both can.
func Check() error {
	if _, err := Find(); err != nil {
		return err
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("npm not found (apt-get install npm)")
	}
	return nil
}

// Install runs npm ci in dir, unless its node_modules was installed from
// the same package-lock.json already. Install scripts do not run, and
// Playwright downloads no browser (the tests use Debian's Chromium). It
// reports whether it ran npm.
func Install(ctx context.Context, dir string) (bool, error) {
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return false, fmt.Errorf("npm packages of %s: %w", dir, err)
	}
	sum := sha256.Sum256(lock)
	want := []byte(hex.EncodeToString(sum[:]))
	stamp := filepath.Join(dir, "node_modules", stampFile)
	if have, err := os.ReadFile(stamp); err == nil && bytes.Equal(have, want) {
		return false, nil
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	cmd.Env = append(Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return true, fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, want, 0o644); err != nil {
		return true, err
	}
	return true, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
