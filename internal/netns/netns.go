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
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
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
func Inside() bool { return os.Getenv(envInside) == "1" }

// Run makes the calling test run inside the namespace. In the outer
// process it runs the test binary again for this top-level test only,
// inside the namespace, reports its output and result, and returns false:
// the caller must return at once. Inside the namespace it sets up the
// interfaces (once per process) and returns true.
//
// Without root or unshare the test is skipped, or fails when CI=true.
func Run(t *testing.T) bool {
	t.Helper()
	if Inside() {
		setupOnce.Do(func() { setupErr = Setup() })
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
	cmd.Env = append(os.Environ(), envInside+"=1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("netns: %s failed inside the namespace: %v\n%s", top, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+top) {
		t.Fatalf("netns: %s did not pass inside the namespace:\n%s", top, out)
	}
	t.Logf("inside the namespace:\n%s", out)
	return false
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
