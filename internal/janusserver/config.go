package janusserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
)

// TemplateSubdir is where the configuration templates live, relative to the
// module root.
const TemplateSubdir = "testdata/janus"

// configData is what the templates in testdata/janus are rendered with.
type configData struct {
	Dir                   string // configs_folder, also the working directory
	LogPath               string
	RecordingsDir         string
	LogToStdout           bool
	DebugLevel            int
	APISecret             string // optional
	TokenAuth             bool
	AdminSecret           string
	ServerName            string
	SessionTimeout        int
	ReclaimSessionTimeout int
	ICEEnforceList        string // optional
	RTPPortRange          string // optional
	FullTrickle           bool
	StringIDs             bool
	WSPort                int
	HTTPPort              int
	AdminWSPort           int
	AdminHTTPPort         int
}

// FindTemplateDir returns the folder holding the Janus configuration
// templates: testdata/janus in the nearest directory, walking up from the
// working directory, that has a go.mod and that folder; failing that, the
// one next to this package's source.
func FindTemplateDir() (string, error) {
	var tried []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				cand := filepath.Join(d, TemplateSubdir)
				if isTemplateDir(cand) {
					return cand, nil
				}
				tried = append(tried, cand)
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		cand := filepath.Join(filepath.Dir(file), "..", "..", TemplateSubdir)
		if isTemplateDir(cand) {
			return filepath.Clean(cand), nil
		}
		tried = append(tried, cand)
	}
	return "", fmt.Errorf("janusserver: no %s with janus.jcfg.tmpl found (tried %s); set Options.TemplateDir",
		TemplateSubdir, strings.Join(tried, ", "))
}

func isTemplateDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "janus.jcfg.tmpl"))
	return err == nil
}

// renderConfig renders every *.jcfg.tmpl of tmplDir into dir, without the
// .tmpl suffix.
func renderConfig(tmplDir, dir string, data configData) error {
	files, err := filepath.Glob(filepath.Join(tmplDir, "*.jcfg.tmpl"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("janusserver: no *.jcfg.tmpl in %s", tmplDir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t, err := template.New(name).Funcs(template.FuncMap{"quote": quoteConfig}).
			Option("missingkey=error").ParseFiles(f)
		if err != nil {
			return fmt.Errorf("janusserver: %w", err)
		}
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return fmt.Errorf("janusserver: %w", err)
		}
		out := filepath.Join(dir, strings.TrimSuffix(name, ".tmpl"))
		if err := os.WriteFile(out, []byte(b.String()), 0o600); err != nil {
			return fmt.Errorf("janusserver: %w", err)
		}
	}
	return nil
}

// quoteConfig returns s as a libconfig string literal.
func quoteConfig(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pickPorts returns ports with every 0 replaced by a free TCP port on
// 127.0.0.1. All picked ports are distinct; another process may still take
// one before Janus binds it, which Start detects and retries.
func pickPorts(ports []int) ([]int, error) {
	out := make([]int, len(ports))
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for i, p := range ports {
		if p != 0 {
			out[i] = p
			continue
		}
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("janusserver: picking a free port: %w", err)
		}
		listeners = append(listeners, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, errors.New("janusserver: unexpected listener address")
		}
		out[i] = addr.Port
	}
	return out, nil
}
