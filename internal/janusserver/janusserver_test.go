package janusserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// enabledPlugins are the plugins testdata/janus loads; all others are disabled.
var enabledPlugins = []string{
	"janus.plugin.audiobridge",
	"janus.plugin.echotest",
	"janus.plugin.streaming",
	"janus.plugin.textroom",
	"janus.plugin.videocall",
	"janus.plugin.videoroom",
	"janus.plugin.sip",
	"janus.plugin.nosip",
	"janus.plugin.recordplay",
}

var httpClient = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true},
	Timeout:   5 * time.Second,
}

// msg is a decoded Janus reply.
type msg struct {
	Janus string `json:"janus"`
	Data  struct {
		ID uint64 `json:"id"`
	} `json:"data"`
	Error *struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	} `json:"error"`
	PluginData struct {
		Plugin string          `json:"plugin"`
		Data   json.RawMessage `json:"data"`
	} `json:"plugindata"`
}

func post(t *testing.T, u string, body map[string]any) msg {
	t.Helper()
	if _, ok := body["transaction"]; !ok {
		body["transaction"] = "t1"
	}
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := httpClient.Post(u, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode) // Janus errors come with 200 too
	var m msg
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return m
}

type serverInfo struct {
	Janus         string                     `json:"janus"`
	VersionString string                     `json:"version_string"`
	ServerName    string                     `json:"server-name"`
	APISecret     bool                       `json:"api_secret"`
	AuthToken     bool                       `json:"auth_token"`
	SessionTO     int                        `json:"session-timeout"`
	FullTrickle   bool                       `json:"full-trickle"`
	Plugins       map[string]json.RawMessage `json:"plugins"`
	Transports    map[string]json.RawMessage `json:"transports"`
	Events        map[string]json.RawMessage `json:"events"`
	Loggers       map[string]json.RawMessage `json:"loggers"`
}

func getInfo(t *testing.T, srv *janusserver.Server) serverInfo {
	t.Helper()
	resp, err := httpClient.Get(srv.HTTPURL + "/info")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var info serverInfo
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&info))
	return info
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func requireLoopback(t *testing.T, rawURL string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", u.Hostname(), rawURL)
}

func TestInfo(t *testing.T) {
	t.Parallel()
	srv := janustest.Start(t, janusserver.Options{})

	info := getInfo(t, srv)
	assert.Equal(t, "server_info", info.Janus)
	assert.Equal(t, srv.Version, info.VersionString)
	janustest.CheckVersion(t, srv, srv.Version)
	assert.Equal(t, srv.Name, info.ServerName)
	assert.Equal(t, 60, info.SessionTO)
	assert.False(t, info.APISecret)
	assert.False(t, info.AuthToken)
	assert.False(t, info.FullTrickle, "half-trickle by default")
	assert.ElementsMatch(t, enabledPlugins, mapKeys(info.Plugins))
	assert.ElementsMatch(t, []string{"janus.transport.http", "janus.transport.websockets"}, mapKeys(info.Transports))
	assert.Empty(t, info.Events)
	assert.Empty(t, info.Loggers)

	for _, u := range []string{srv.WSURL, srv.HTTPURL, srv.AdminWSURL, srv.AdminHTTPURL} {
		requireLoopback(t, u)
	}
	assert.True(t, strings.HasSuffix(srv.HTTPURL, "/janus"))
	assert.True(t, strings.HasSuffix(srv.AdminHTTPURL, "/admin"))
	for _, u := range []string{srv.WSURL, srv.AdminWSURL} {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "ws://"), time.Second)
		require.NoError(t, err, u)
		require.NoError(t, conn.Close())
	}
	assert.Contains(t, srv.Log(), "Websockets server started")
	assert.NotEmpty(t, srv.AdminSecret)
}

func TestAdminSecret(t *testing.T) {
	t.Parallel()
	srv := janustest.Start(t, janusserver.Options{AdminSecret: "overlord"})
	require.Equal(t, "overlord", srv.AdminSecret)

	m := post(t, srv.AdminHTTPURL, map[string]any{"janus": "ping", "admin_secret": srv.AdminSecret})
	assert.Equal(t, "pong", m.Janus)

	m = post(t, srv.AdminHTTPURL, map[string]any{"janus": "list_sessions", "admin_secret": srv.AdminSecret})
	assert.Equal(t, "success", m.Janus)

	for _, secret := range []string{"", "wrong"} {
		body := map[string]any{"janus": "list_sessions"}
		if secret != "" {
			body["admin_secret"] = secret
		}
		m = post(t, srv.AdminHTTPURL, body)
		require.Equal(t, "error", m.Janus, "secret %q", secret)
		require.NotNil(t, m.Error)
		assert.Equal(t, 403, m.Error.Code)
	}

	// Janus 1.1.2 answers "ping" (and "info") without checking the secret.
	m = post(t, srv.AdminHTTPURL, map[string]any{"janus": "ping"})
	assert.Equal(t, "pong", m.Janus)
}

func TestParallelServers(t *testing.T) {
	t.Parallel()
	janustest.RequireJanus(t)
	const n = 2
	servers := make([]*janusserver.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			servers[i], errs[i] = janusserver.Start(ctx, janusserver.Options{})
		})
	}
	wg.Wait()
	for i, srv := range servers {
		require.NoError(t, errs[i])
		t.Cleanup(func() { assert.NoError(t, srv.Stop()) })
	}

	ports := map[string]bool{}
	for _, srv := range servers {
		for _, u := range []string{srv.WSURL, srv.HTTPURL, srv.AdminWSURL, srv.AdminHTTPURL} {
			parsed, err := url.Parse(u)
			require.NoError(t, err)
			assert.False(t, ports[parsed.Port()], "port %s used twice", parsed.Port())
			ports[parsed.Port()] = true
		}
		info := getInfo(t, srv)
		assert.Equal(t, srv.Name, info.ServerName)
		m := post(t, srv.HTTPURL, map[string]any{"janus": "create"})
		assert.Equal(t, "success", m.Janus)
		assert.NotZero(t, m.Data.ID)
	}
	assert.NotEqual(t, servers[0].Name, servers[1].Name)
	assert.NotEqual(t, servers[0].Dir, servers[1].Dir)
}

func TestStop(t *testing.T) {
	t.Parallel()
	janustest.RequireJanus(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := janusserver.Start(ctx, janusserver.Options{})
	require.NoError(t, err)
	pid := srv.Pid()
	require.NotZero(t, pid)

	start := time.Now()
	require.NoError(t, srv.Stop())
	require.NoError(t, srv.Stop())
	t.Logf("stopped in %v", time.Since(start))

	select {
	case <-srv.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	// Janus's exit status: nil for a clean exit. Janus 1.1.2 itself
	// crashed once in its shutdown (SIGABRT, in a CI run); that is
	// Janus's, and Wait reports it as the process's own status.
	clean := srv.Wait() == nil
	if err := srv.Wait(); err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "Wait reports the process's exit status, nothing else")
		t.Logf("Janus did not exit cleanly on SIGTERM: %v; its log ends:\n%s", err, srv.LogTail(30))
	}

	// The process is gone (and reaped): signal 0 cannot reach it.
	p, err := os.FindProcess(pid)
	if err == nil {
		err = p.Signal(syscall.Signal(0))
	}
	assert.Error(t, err, "janus pid %d still exists", pid)

	// The temporary folder is removed, the log is still available.
	_, err = os.Stat(srv.Dir)
	assert.True(t, errors.Is(err, os.ErrNotExist), "Dir %s not removed: %v", srv.Dir, err)
	assert.Contains(t, srv.Log(), "Stopping server", "the log is kept: Janus's answer to SIGTERM")
	if clean {
		assert.Contains(t, srv.Log(), "Bye!")
	}

	_, err = httpClient.Get(srv.HTTPURL + "/info")
	assert.Error(t, err)
}

func TestAPISecret(t *testing.T) {
	t.Parallel()
	srv := janustest.Start(t, janusserver.Options{APISecret: "janusrocks"})
	require.Equal(t, "janusrocks", srv.APISecret)
	assert.True(t, getInfo(t, srv).APISecret)

	m := post(t, srv.HTTPURL, map[string]any{"janus": "create"})
	require.Equal(t, "error", m.Janus)
	require.NotNil(t, m.Error)
	assert.Equal(t, 403, m.Error.Code)

	m = post(t, srv.HTTPURL, map[string]any{"janus": "create", "apisecret": "wrong"})
	require.NotNil(t, m.Error)
	assert.Equal(t, 403, m.Error.Code)

	m = post(t, srv.HTTPURL, map[string]any{"janus": "create", "apisecret": srv.APISecret})
	assert.Equal(t, "success", m.Janus)
	assert.NotZero(t, m.Data.ID)
}

func TestTokenAuth(t *testing.T) {
	t.Parallel()
	srv := janustest.Start(t, janusserver.Options{TokenAuth: true})
	assert.True(t, getInfo(t, srv).AuthToken)

	m := post(t, srv.HTTPURL, map[string]any{"janus": "create"})
	require.Equal(t, "error", m.Janus)
	require.NotNil(t, m.Error)
	assert.Equal(t, 403, m.Error.Code)

	m = post(t, srv.AdminHTTPURL, map[string]any{
		"janus": "add_token", "token": "tok1", "admin_secret": srv.AdminSecret,
	})
	require.Equal(t, "success", m.Janus)

	m = post(t, srv.HTTPURL, map[string]any{"janus": "create", "token": "tok1"})
	assert.Equal(t, "success", m.Janus)
	assert.NotZero(t, m.Data.ID)
}

func TestStringIDs(t *testing.T) {
	t.Parallel()
	for _, stringIDs := range []bool{false, true} {
		t.Run(map[bool]string{false: "int", true: "string"}[stringIDs], func(t *testing.T) {
			t.Parallel()
			srv := janustest.Start(t, janusserver.Options{StringIDs: stringIDs, SessionTimeout: 10})
			m := post(t, srv.HTTPURL, map[string]any{"janus": "create"})
			require.Equal(t, "success", m.Janus)
			session := srv.HTTPURL + "/" + jsonNumber(m.Data.ID)

			var room any = 1234
			if stringIDs {
				room = "1234"
			}
			for _, plugin := range []string{"janus.plugin.videoroom", "janus.plugin.audiobridge"} {
				m = post(t, session, map[string]any{"janus": "attach", "plugin": plugin})
				require.Equal(t, "success", m.Janus, plugin)
				handle := session + "/" + jsonNumber(m.Data.ID)

				m = post(t, handle, map[string]any{
					"janus": "message", "body": map[string]any{"request": "exists", "room": room},
				})
				require.Equal(t, "success", m.Janus, plugin)
				var data struct {
					Exists bool `json:"exists"`
					Room   any  `json:"room"`
				}
				require.NoError(t, json.Unmarshal(m.PluginData.Data, &data), string(m.PluginData.Data))
				assert.True(t, data.Exists, "%s: %s", plugin, m.PluginData.Data)
				if stringIDs {
					assert.Equal(t, "1234", data.Room, plugin)
				} else {
					assert.EqualValues(t, 1234, data.Room, plugin)
				}
			}
		})
	}
}

func jsonNumber(id uint64) string {
	b, _ := json.Marshal(id)
	return string(b)
}

func TestOptionsRendered(t *testing.T) {
	t.Parallel()
	srv := janustest.Start(t, janusserver.Options{
		SessionTimeout:        17,
		ReclaimSessionTimeout: 5,
		RTPPortRange:          "40000-40100",
		ICEEnforceList:        "lo",
		FullTrickle:           true,
		DebugLevel:            5,
	})
	m := post(t, srv.AdminHTTPURL, map[string]any{"janus": "get_status", "admin_secret": srv.AdminSecret})
	require.Equal(t, "success", m.Janus)
	info := getInfo(t, srv)
	assert.Equal(t, 17, info.SessionTO)
	assert.True(t, info.FullTrickle, "full-trickle in /info")

	cfg, err := os.ReadFile(srv.Dir + "/janus.jcfg")
	require.NoError(t, err)
	for _, want := range []string{
		`session_timeout = 17`, `reclaim_session_timeout = 5`, `rtp_port_range = "40000-40100"`,
		`ice_enforce_list = "lo"`, `ignore_mdns = true`, `full_trickle = true`, `debug_level = 5`,
	} {
		assert.Contains(t, string(cfg), want)
	}
	streaming, err := os.ReadFile(srv.Dir + "/janus.plugin.streaming.jcfg")
	require.NoError(t, err)
	assert.NotContains(t, string(streaming), "type =", "streaming config must have no mountpoints")
}

func TestStdout(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	srv := janustest.Start(t, janusserver.Options{Stdout: &buf})
	require.NoError(t, srv.Stop())
	assert.Contains(t, buf.String(), "Starting Meetecho Janus")
	// Its first words on SIGTERM ("Bye!", its last, is missing when
	// Janus's own shutdown aborts, as 1.1.2's once did in CI).
	assert.Contains(t, buf.String(), "Stopping server")
}

func TestTakenPort(t *testing.T) {
	t.Parallel()
	janustest.RequireJanus(t)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Only the WebSocket port is fixed (and taken): Janus keeps running
	// without that listener, Start must notice and give up after its retries.
	_, err = janusserver.Start(ctx, janusserver.Options{WSPort: port, Dir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[FATAL]")
	assert.Contains(t, err.Error(), "tail of janus log")
}

func TestBinary(t *testing.T) {
	t.Setenv(janusserver.BinaryEnv, "/nonexistent/janus")
	_, err := janusserver.Binary()
	require.ErrorIs(t, err, janusserver.ErrNotFound)
	assert.Contains(t, err.Error(), "go tool mage deps")
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
