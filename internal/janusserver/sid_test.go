package janusserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMirrorIn(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, text, want string }{
		{"deb822", "Types: deb\nURIs: http://deb.debian.org/debian-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n", "http://mirror.example/debian"},
		{"one-line", "# deb http://old.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] https://m.example/debian bookworm main\n", "https://m.example/debian"},
		{"none", "deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n", ""},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := mirrorIn(p); got != tc.want {
			t.Errorf("%s: mirrorIn = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSelected(t *testing.T) {
	for in, want := range map[string]string{"": "", "1.1": "", "system": "", "1.4": SidVersion, "1.4.1": SidVersion} {
		t.Setenv(VersionEnv, in)
		got, err := Selected()
		if err != nil || got != want {
			t.Errorf("%s=%q: Selected() = %q, %v; want %q", VersionEnv, in, got, err, want)
		}
	}
	t.Setenv(VersionEnv, "2.0")
	if _, err := Selected(); err == nil {
		t.Errorf("%s=2.0: no error", VersionEnv)
	}
	t.Setenv(VersionEnv, "2.0")
	if _, err := Binary(); err == nil && os.Getenv(BinaryEnv) == "" {
		t.Errorf("Binary with %s=2.0: no error", VersionEnv)
	}
}

func TestSidMissing(t *testing.T) {
	t.Setenv(BinaryEnv, "")
	t.Setenv(VersionEnv, SidVersion)
	t.Setenv(SidCacheEnv, t.TempDir())
	_, err := Binary()
	if err == nil {
		t.Fatal("no error without the sid root")
	}
	if want := "go tool mage deps"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}
