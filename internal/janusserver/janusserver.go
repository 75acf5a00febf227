// Package janusserver runs a real Janus WebRTC Server as a child process, with
// a configuration rendered from the templates in testdata/janus, every
// listener bound to 127.0.0.1 and free ports picked at start. It is meant for
// tests and local development; it does not depend on package testing (see
// internal/janustest for the test helpers built on it).
package janusserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrNotFound is returned (wrapped) by Binary and Start when no janus binary
// can be found.
var ErrNotFound = errors.New("janus binary not found (run `go tool mage deps` or `apt-get install janus`)")

// BinaryEnv names an environment variable that, when set, is the path of the
// janus binary to use instead of looking it up in PATH.
const BinaryEnv = "JANUS_BINARY"

const (
	defaultSessionTimeout = 60
	defaultDebugLevel     = 4
	// attempts is how many times Start tries with new ports when Janus
	// cannot bind or answer.
	attempts = 4
	// attemptTimeout bounds one attempt when ctx has no earlier deadline.
	attemptTimeout = 15 * time.Second
	// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
	stopGrace = 5 * time.Second
	// logTailLines is how many log lines errors carry.
	logTailLines = 40
)

// Options configures a Janus server started by Start. The zero value is a
// usable configuration.
type Options struct {
	// APISecret, if set, must be sent as "apisecret" in every Janus API
	// request.
	APISecret string
	// TokenAuth enables token based authentication: tokens are added with
	// the Admin API request "add_token". When APISecret is also set, Janus
	// accepts either the secret or a valid token.
	TokenAuth bool
	// AdminSecret is the Admin API secret; a random one is generated when
	// empty.
	AdminSecret string
	// SessionTimeout is the session timeout in seconds: 0 selects the Janus
	// default of 60, a negative value disables the timeout.
	SessionTimeout int
	// ReclaimSessionTimeout is how many seconds a session survives the loss
	// of its transport so that it can be claimed again (0: destroyed at once).
	ReclaimSessionTimeout int
	// ICEEnforceList, if set, is the comma separated list of interfaces or
	// addresses Janus gathers ICE candidates on; it also turns on
	// ignore_mdns.
	ICEEnforceList string
	// RTPPortRange, if set, is the "min-max" range of RTP/RTCP ports for
	// PeerConnections.
	RTPPortRange string
	// FullTrickle makes Janus trickle its own ICE candidates ("trickle"
	// events, then one with completed) instead of writing them into its
	// SDP (full_trickle in the nat block).
	FullTrickle bool
	// StringIDs makes the VideoRoom, AudioBridge, TextRoom and Streaming
	// plugins use string ids instead of integers.
	StringIDs bool
	// DebugLevel is the Janus log level 1-7: 0 selects the default 4, a
	// negative value disables logging (and with it the fast detection of
	// listeners that failed to bind, which Start reads from the log).
	DebugLevel int

	// WSPort, HTTPPort, AdminWSPort and AdminHTTPPort are the TCP ports on
	// 127.0.0.1 of the Janus API and Admin API listeners; 0 picks a free port.
	WSPort, HTTPPort, AdminWSPort, AdminHTTPPort int

	// Dir is the folder for the rendered configuration, the log and
	// recordings. When empty a temporary folder is created, and Stop
	// removes it.
	Dir string
	// Binary is the janus executable; when empty Binary() is used.
	Binary string
	// TemplateDir is the folder holding the *.jcfg.tmpl templates; when
	// empty, testdata/janus is looked up in the module root found by walking
	// up from the working directory.
	TemplateDir string
	// Stdout, if set, receives a copy of the Janus log as it is written.
	Stdout io.Writer
}

// Server is a running Janus instance started by Start.
type Server struct {
	// WSURL is the Janus API WebSocket URL, "ws://127.0.0.1:PORT"
	// (subprotocol "janus-protocol").
	WSURL string
	// HTTPURL is the Janus API HTTP URL, "http://127.0.0.1:PORT/janus".
	HTTPURL string
	// AdminWSURL is the Admin API WebSocket URL, "ws://127.0.0.1:PORT"
	// (subprotocol "janus-admin-protocol").
	AdminWSURL string
	// AdminHTTPURL is the Admin API HTTP URL, "http://127.0.0.1:PORT/admin".
	AdminHTTPURL string
	// APISecret is the Janus API secret, empty when none is required.
	APISecret string
	// AdminSecret is the Admin API secret.
	AdminSecret string
	// Dir is the folder holding the configuration, the log and recordings.
	Dir string
	// RecordingsDir is the folder the configured rooms record to.
	RecordingsDir string
	// LogPath is the Janus log file.
	LogPath string
	// Version is the server version, e.g. "1.1.2" or "1.4.1", from
	// /janus/info.
	Version string
	// Name is the unique server_name given to this instance.
	Name string

	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error // set before done is closed
	killed  atomic.Bool
	stderr  *tailBuffer
	tempDir bool

	stopOnce sync.Once
	stopErr  error

	mu        sync.Mutex
	cachedLog *string // the log, kept once Stop removed Dir
}

// Binary returns the path of the janus executable: $JANUS_BINARY if set,
// else, when $GOJANUS_JANUS is "1.4" (VersionEnv), the wrapper that runs
// the Debian sid root's Janus 1.4 (SidWrapper, built by BuildSid), else
// janus from PATH, else the usual install locations. The error wraps
// ErrNotFound.
func Binary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w: %v", BinaryEnv, p, ErrNotFound, err)
		}
		return p, nil
	}
	v, err := Selected()
	if err != nil {
		return "", err
	}
	if v == SidVersion {
		if err := SidReady(); err != nil {
			return "", fmt.Errorf("%s=%s: %w: %v", VersionEnv, v, ErrNotFound, err)
		}
		return SidWrapper(), nil
	}
	if p, err := exec.LookPath("janus"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/janus", "/usr/local/bin/janus", "/opt/janus/bin/janus"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Start renders the configuration, starts Janus and waits until its HTTP,
// WebSocket and Admin listeners answer. ctx bounds the startup only; the
// server runs until Stop is called (or the parent process dies). Ports that
// are picked automatically are retried with new ones if Janus cannot bind
// them. On failure the error includes the tail of the Janus log.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("janusserver: %w", err)
	}
	bin := opts.Binary
	if bin == "" {
		var err error
		if bin, err = Binary(); err != nil {
			return nil, err
		}
	}
	tmplDir := opts.TemplateDir
	if tmplDir == "" {
		var err error
		if tmplDir, err = FindTemplateDir(); err != nil {
			return nil, err
		}
	}
	if opts.AdminSecret == "" {
		opts.AdminSecret = randomHex(16)
	}
	switch {
	case opts.SessionTimeout == 0:
		opts.SessionTimeout = defaultSessionTimeout
	case opts.SessionTimeout < 0:
		opts.SessionTimeout = 0
	}
	switch {
	case opts.DebugLevel == 0:
		opts.DebugLevel = defaultDebugLevel
	case opts.DebugLevel < 0:
		opts.DebugLevel = 0
	}
	if opts.ReclaimSessionTimeout < 0 {
		opts.ReclaimSessionTimeout = 0
	}

	dir, tempDir := opts.Dir, false
	if dir == "" {
		d, err := os.MkdirTemp("", "janus-")
		if err != nil {
			return nil, fmt.Errorf("janusserver: %w", err)
		}
		dir, tempDir = d, true
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("janusserver: %w", err)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if bin == SidWrapper() && !strings.HasPrefix(dir+"/", "/tmp/") {
		if tempDir {
			_ = os.RemoveAll(dir)
		}
		return nil, fmt.Errorf("janusserver: Janus %s runs in a root that sees only the host's /tmp, and the folder %s is outside it (unset TMPDIR, or set Options.Dir under /tmp)", SidVersion, dir)
	}

	autoPorts := opts.WSPort == 0 || opts.HTTPPort == 0 || opts.AdminWSPort == 0 || opts.AdminHTTPPort == 0
	var errs []error
	var details string
	for attempt := 1; attempt <= attempts; attempt++ {
		s, retry, err := startOnce(ctx, bin, tmplDir, dir, opts)
		if err == nil {
			s.tempDir = tempDir
			return s, nil
		}
		errs = append(errs, fmt.Errorf("attempt %d: %w", attempt, err))
		if s != nil {
			details = s.failureDetails()
		}
		if !retry || !autoPorts || ctx.Err() != nil {
			break
		}
	}
	if tempDir {
		_ = os.RemoveAll(dir)
	}
	err := fmt.Errorf("janusserver: starting %s failed: %w", bin, errors.Join(errs...))
	if details != "" {
		err = fmt.Errorf("%w\n%s", err, details)
	}
	return nil, err
}

// startOnce makes one attempt. retry reports whether a new attempt with other
// ports may succeed. On failure after Janus was started, s is returned too
// (with the process ended) for its log.
func startOnce(ctx context.Context, bin, tmplDir, dir string, opts Options) (s *Server, retry bool, err error) {
	ports, err := pickPorts([]int{opts.WSPort, opts.HTTPPort, opts.AdminWSPort, opts.AdminHTTPPort})
	if err != nil {
		return nil, false, err
	}
	data := configData{
		Dir:                   dir,
		LogPath:               filepath.Join(dir, "janus.log"),
		RecordingsDir:         filepath.Join(dir, "recordings"),
		LogToStdout:           opts.Stdout != nil,
		DebugLevel:            opts.DebugLevel,
		APISecret:             opts.APISecret,
		TokenAuth:             opts.TokenAuth,
		AdminSecret:           opts.AdminSecret,
		ServerName:            "gojanus-test-" + randomHex(8),
		SessionTimeout:        opts.SessionTimeout,
		ReclaimSessionTimeout: opts.ReclaimSessionTimeout,
		ICEEnforceList:        opts.ICEEnforceList,
		RTPPortRange:          opts.RTPPortRange,
		FullTrickle:           opts.FullTrickle,
		StringIDs:             opts.StringIDs,
		WSPort:                ports[0],
		HTTPPort:              ports[1],
		AdminWSPort:           ports[2],
		AdminHTTPPort:         ports[3],
	}
	if err := os.MkdirAll(data.RecordingsDir, 0o755); err != nil {
		return nil, false, err
	}
	if err := renderConfig(tmplDir, dir, data); err != nil {
		return nil, false, err
	}
	// Janus appends to its log: start every attempt with an empty one.
	if err := os.WriteFile(data.LogPath, nil, 0o644); err != nil {
		return nil, false, err
	}

	args := []string{"-C", filepath.Join(dir, "janus.jcfg"), "-F", dir, "-o", "-L", data.LogPath}
	if opts.Stdout == nil {
		args = append(args, "-N")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir // recordings without an explicit folder land here
	cmd.SysProcAttr = sysProcAttr()
	stderr := &tailBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	if opts.Stdout != nil {
		cmd.Stdout = opts.Stdout
	}
	if err := cmd.Start(); err != nil {
		return nil, false, err
	}

	s = &Server{
		WSURL:         fmt.Sprintf("ws://127.0.0.1:%d", data.WSPort),
		HTTPURL:       fmt.Sprintf("http://127.0.0.1:%d/janus", data.HTTPPort),
		AdminWSURL:    fmt.Sprintf("ws://127.0.0.1:%d", data.AdminWSPort),
		AdminHTTPURL:  fmt.Sprintf("http://127.0.0.1:%d/admin", data.AdminHTTPPort),
		APISecret:     opts.APISecret,
		AdminSecret:   opts.AdminSecret,
		Dir:           dir,
		RecordingsDir: data.RecordingsDir,
		LogPath:       data.LogPath,
		Name:          data.ServerName,
		cmd:           cmd,
		done:          make(chan struct{}),
		stderr:        stderr,
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	retry, err = s.waitReady(actx)
	if err != nil {
		s.kill()
		return s, retry, err
	}
	return s, false, nil
}

// failureDetails formats the tail of the log and of stderr for errors.
func (s *Server) failureDetails() string {
	var b strings.Builder
	b.WriteString("--- tail of janus log " + s.LogPath + " ---\n")
	b.WriteString(s.LogTail(logTailLines))
	if e := strings.TrimSpace(s.stderr.String()); e != "" {
		b.WriteString("\n--- janus stderr ---\n")
		b.WriteString(e)
	}
	return b.String()
}

// kill ends the process at once and waits for it.
func (s *Server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Pid returns the process id of Janus.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Done returns a channel closed when the Janus process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Wait blocks until Janus exits and returns its exit error (nil for a clean
// exit), for running a server in the foreground.
func (s *Server) Wait() error {
	<-s.done
	return s.waitErr
}

// Stop ends Janus: SIGTERM, then SIGKILL if it has not exited within a few
// seconds. It removes Dir if Start created it. Stop is idempotent and safe
// for concurrent use: later calls return the first call's result. It returns
// an error if Janus had already exited on its own with a failure, or had to
// be killed.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.stopErr = s.stop()
		if s.tempDir {
			log := s.readLog()
			s.mu.Lock()
			s.cachedLog = &log
			s.mu.Unlock()
			_ = os.RemoveAll(s.Dir)
		}
	})
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.done:
		if s.waitErr != nil && !s.killed.Load() {
			return fmt.Errorf("janusserver: janus exited on its own: %w", s.waitErr)
		}
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(stopGrace):
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	return fmt.Errorf("janusserver: janus (pid %d) ignored SIGTERM for %v and was killed", s.Pid(), stopGrace)
}

// Kill ends Janus with SIGKILL, as a crash would, and waits until it is
// gone. Stop then reports no error; the folder stays until Stop.
func (s *Server) Kill() {
	s.killed.Store(true)
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Log returns the whole Janus log so far.
func (s *Server) Log() string {
	s.mu.Lock()
	cached := s.cachedLog
	s.mu.Unlock()
	if cached != nil {
		return *cached
	}
	return s.readLog()
}

func (s *Server) readLog() string {
	b, err := os.ReadFile(s.LogPath)
	if err != nil {
		return fmt.Sprintf("(reading %s: %v)", s.LogPath, err)
	}
	return string(b)
}

// LogTail returns the last n lines of the Janus log.
func (s *Server) LogTail(n int) string {
	return tailLines(s.Log(), n)
}

func tailLines(text string, n int) string {
	text = strings.TrimRight(text, "\n")
	if n <= 0 || text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tailBuffer keeps the last max bytes written to it; it is safe for
// concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
