package janusserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// VersionEnv names the environment variable that picks the Janus the
// harness runs when JANUS_BINARY is not set: empty, "1.1" or "system" for
// the janus installed on the machine (Debian 12's 1.1.2), "1.4" for Janus
// 1.4.x from a Debian unstable ("sid") root built by BuildSid.
const VersionEnv = "GOJANUS_JANUS"

// SidVersion is the VersionEnv value that selects the sid root's Janus.
const SidVersion = "1.4"

// SidCacheEnv names an environment variable that, when set, is the folder
// holding the sid root and its wrapper instead of DefaultSidCache.
const SidCacheEnv = "GOJANUS_JANUS_CACHE"

// MirrorEnv names an environment variable that, when set, is the Debian
// mirror BuildSid downloads from instead of the one in the machine's apt
// sources.
const MirrorEnv = "GOJANUS_DEBIAN_MIRROR"

// DefaultSidCache is where BuildSid puts the sid root ("janus-sid") and the
// wrapper script that runs its janus ("janus-1.4").
const DefaultSidCache = "/var/cache/gojanus"

// SidCache returns the folder of the sid root and its wrapper.
func SidCache() string {
	if d := os.Getenv(SidCacheEnv); d != "" {
		return d
	}
	return DefaultSidCache
}

// SidRoot returns the folder of the Debian sid root.
func SidRoot() string { return filepath.Join(SidCache(), "janus-sid") }

// SidWrapper returns the path of the script that runs the sid root's janus.
func SidWrapper() string { return filepath.Join(SidCache(), "janus-"+SidVersion) }

// Selected returns the version VersionEnv asks for: SidVersion, or "" for
// the machine's janus. Other values are an error.
func Selected() (string, error) {
	switch v := strings.TrimSpace(os.Getenv(VersionEnv)); v {
	case "", "system", "1.1", "1.1.2":
		return "", nil
	case SidVersion, "1.4.1", "sid":
		return SidVersion, nil
	default:
		return "", fmt.Errorf("%s=%q: want %q (Debian sid's Janus) or empty (the machine's janus)", VersionEnv, v, SidVersion)
	}
}

// ExpectedVersion returns the version prefix the started server must report
// ("1.4." or "1.1."), or "" when JANUS_BINARY names some other binary.
func ExpectedVersion() string {
	if os.Getenv(BinaryEnv) != "" {
		return ""
	}
	if v, _ := Selected(); v == SidVersion {
		return "1.4."
	}
	return "1.1."
}

// wrapperScript runs the sid root's janus: in a private mount namespace
// (so nothing stays mounted when janus ends), the host's /tmp is bound onto
// the root's /tmp (the harness's folders live there), and janus starts in
// the caller's working directory. Every step execs, so the process that
// janusserver starts (and signals) is janus itself.
const wrapperScript = `#!/bin/sh
# Runs Janus from the Debian sid root below (written by gojanus's
# janusserver.BuildSid; go tool mage deps). Configuration folders must be
# under /tmp, which is bound into the root in a private mount namespace.
root=%q
if [ -z "$GOJANUS_JANUS_MOUNTNS" ]; then
	GOJANUS_JANUS_MOUNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi
unset GOJANUS_JANUS_MOUNTNS
mount --bind /tmp "$root/tmp" || exit 1
exec chroot "$root" /bin/sh -c 'cd "$0" 2>/dev/null || cd /; exec /usr/bin/janus "$@"' "$PWD" "$@"
`

// SidReady reports whether the sid root and its wrapper are there.
func SidReady() error {
	if _, err := os.Stat(filepath.Join(SidRoot(), "usr", "bin", "janus")); err != nil {
		return fmt.Errorf("no Janus %s root (go tool mage deps builds it): %w", SidVersion, err)
	}
	if _, err := os.Stat(SidWrapper()); err != nil {
		return fmt.Errorf("no Janus %s wrapper (go tool mage deps writes it): %w", SidVersion, err)
	}
	return nil
}

// BuildSid builds the Debian sid root with Janus 1.4 in SidRoot (with
// mmdebstrap, which it installs with apt-get when missing) and writes
// SidWrapper. It does nothing when both are there. It needs root (chroot
// and mount need it anyway) and the Debian mirror. Progress goes to out.
func BuildSid(ctx context.Context, out io.Writer) error {
	root := SidRoot()
	if _, err := os.Stat(filepath.Join(root, "usr", "bin", "janus")); err != nil {
		if os.Geteuid() != 0 {
			return errors.New("building the Janus sid root needs root (mmdebstrap, chroot)")
		}
		if _, err := exec.LookPath("mmdebstrap"); err != nil {
			fmt.Fprintln(out, "janus-sid: installing mmdebstrap")
			if err := runOut(ctx, out, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", "mmdebstrap"); err != nil {
				_ = runOut(ctx, out, "apt-get", "update")
				if err := runOut(ctx, out, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", "mmdebstrap"); err != nil {
					return fmt.Errorf("janus-sid: installing mmdebstrap: %w", err)
				}
			}
		}
		mirror := os.Getenv(MirrorEnv)
		if mirror == "" {
			mirror = DebianMirror()
		}
		if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
			return err
		}
		tmp := root + ".tmp"
		_ = os.RemoveAll(tmp)
		fmt.Fprintf(out, "janus-sid: building %s from %s (about 20 s, 211 MB)\n", root, mirror)
		if err := runOut(ctx, out, "mmdebstrap", "--variant=apt", "--quiet",
			`--aptopt=Acquire::Check-Valid-Until "false"`, "--include=janus", "sid", tmp, mirror); err != nil {
			_ = os.RemoveAll(tmp)
			return fmt.Errorf("janus-sid: mmdebstrap: %w", err)
		}
		_ = os.RemoveAll(root)
		if err := os.Rename(tmp, root); err != nil {
			return err
		}
	}
	script := fmt.Sprintf(wrapperScript, root)
	if b, err := os.ReadFile(SidWrapper()); err == nil && string(b) == script {
		return nil
	}
	tmp := SidWrapper() + ".tmp"
	if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, SidWrapper())
}

func runOut(ctx context.Context, out io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

// DebianMirror returns the first Debian archive (a URI whose path ends in
// /debian) of the machine's apt sources, or http://deb.debian.org/debian.
func DebianMirror() string {
	var files []string
	files = append(files, "/etc/apt/sources.list")
	more, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	files = append(files, more...)
	for _, f := range files {
		if u := mirrorIn(f); u != "" {
			return u
		}
	}
	return "http://deb.debian.org/debian"
}

func mirrorIn(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		var uris []string
		switch {
		case strings.HasPrefix(line, "URIs:"):
			uris = strings.Fields(strings.TrimPrefix(line, "URIs:"))
		case strings.HasPrefix(line, "deb "):
			fields := strings.Fields(line)[1:]
			if len(fields) > 0 && strings.HasPrefix(fields[0], "[") {
				for len(fields) > 0 && !strings.HasSuffix(fields[0], "]") {
					fields = fields[1:]
				}
				if len(fields) > 0 {
					fields = fields[1:]
				}
			}
			if len(fields) > 0 {
				uris = fields[:1]
			}
		}
		for _, u := range uris {
			u = strings.TrimSuffix(u, "/")
			if strings.HasSuffix(u, "/debian") && (strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
				return u
			}
		}
	}
	return ""
}
