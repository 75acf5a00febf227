// Package nodejs runs the project's Node.js parts from Go tests: it checks
// that Node and npm are there and installs a folder's npm packages from its
// committed package-lock.json.
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
	"strconv"
	"strings"
)

// MinMajor is the oldest Node major version the project supports.
const MinMajor = 20

// stampFile, in node_modules, holds the hash of the package-lock.json the
// packages were installed from.
const stampFile = ".gojanus-lock-sha256"

// Check reports why Node (MinMajor or later) or npm cannot be used here,
// or nil when both can.
func Check() error {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return fmt.Errorf("node not found (apt-get install nodejs npm): %v", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	if major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0]); major < MinMajor {
		return fmt.Errorf("need Node %d or later, found %s", MinMajor, v)
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
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return true, fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, want, 0o644); err != nil {
		return true, err
	}
	return true, nil
}
