package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// runCmd runs the command line and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCmdContext(t, context.Background(), args...)
}

// runCmdContext is runCmd until ctx ends (as if interrupted).
func runCmdContext(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runContext(ctx, args, &out, &errOut)
	t.Logf("gojanus %s -> exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(redactArgs(args), " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// fatalHung ends a test whose command did not end in time, with every
// goroutine's stack in the log: where it hangs.
func fatalHung(t *testing.T, msg string) {
	t.Helper()
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	t.Logf("the goroutines:\n%s", buf)
	require.FailNow(t, msg)
}

// mustRun runs the command line and returns stdout, failing the test on a
// non-zero exit.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCmd(t, args...)
	require.Equal(t, 0, code, "gojanus %s\nstdout: %s\nstderr: %s", strings.Join(redactArgs(args), " "), stdout, stderr)
	return stdout
}

// redactArgs hides the values of secret flags, and the credentials of
// server URLs, in the test log.
func redactArgs(args []string) []string {
	args = slices.Clone(args)
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "--admin-secret", "--api-secret":
			args[i+1] = "***"
		case "--server", "--admin-server":
			args[i+1] = core.RedactURL(args[i+1])
		}
	}
	return args
}

// endpoints pairs an API URL with the admin URL of the same transport.
type endpoints struct {
	name, api, admin string
}

func transports(srv *janusserver.Server) []endpoints {
	return []endpoints{
		{"websocket", srv.WSURL, srv.AdminWSURL},
		{"http", srv.HTTPURL, srv.AdminHTTPURL},
	}
}

func TestAgainstJanus(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for _, ep := range transports(srv) {
		t.Run(ep.name, func(t *testing.T) {
			t.Run("info", func(t *testing.T) { testInfo(t, srv, ep) })
			t.Run("info-json", func(t *testing.T) { testInfoJSON(t, srv, ep) })
			t.Run("demo", func(t *testing.T) { testDemo(t, srv, ep) })
			t.Run("demo-json", func(t *testing.T) { testDemoJSON(t, srv, ep) })
			t.Run("demo-without-admin", func(t *testing.T) {
				stdout := mustRun(t, "demo", "--server", ep.api)
				assert.NotContains(t, stdout, "admin ", "the admin step ran without --admin-server or --admin-secret")
				assert.Contains(t, stdout, "demo ok")
			})
			t.Run("wrong-admin-secret", func(t *testing.T) {
				code, stdout, stderr := runCmd(t, "demo", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", "not-the-secret-7f3a", "--json")
				assert.Equal(t, 1, code)
				e := decodeError(t, stdout)
				assert.Equal(t, kindJanus, e.Kind)
				assert.Equal(t, 403, e.Code)
				assert.Contains(t, e.Hint, "--admin-secret")
				assert.Contains(t, stderr, "admin")
				assert.NotContains(t, stderr+stdout, "not-the-secret-7f3a", "the admin secret appears in the error")
			})
		})
	}
}

func testInfo(t *testing.T, srv *janusserver.Server, ep endpoints) {
	code, stdout, stderr := runCmd(t, "info", "--server", ep.api)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	mustContain(t, stdout,
		"server:          "+ep.api,
		"version:         "+srv.Version,
		srv.Name,
		"session timeout: 60 s",
		"transports (",
		"janus.transport.websockets",
		"janus.transport.http",
		"plugins (",
		"janus.plugin.videoroom",
		"janus.plugin.echotest",
	)
}

func testInfoJSON(t *testing.T, srv *janusserver.Server, ep endpoints) {
	// The global flag before the command, as the help shows it.
	stdout := mustRun(t, "--json", "info", "--server", ep.api)
	var sum InfoOutput
	checkSchema(t, stdout, &sum)
	assert.Equal(t, ep.api, sum.Server)
	assert.Equal(t, ep.name, sum.Transport)
	assert.Equal(t, srv.Version, sum.Version)
	assert.Equal(t, srv.Name, sum.ServerName)
	assert.Equal(t, int64(60_000), sum.SessionTimeoutMS)
	assert.Contains(t, packageNames(sum.Plugins), "janus.plugin.videoroom")
	assert.Contains(t, packageNames(sum.Transports), "janus.transport.websockets")
}

func testDemo(t *testing.T, srv *janusserver.Server, ep endpoints) {
	code, stdout, stderr := runCmd(t, "demo", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", srv.AdminSecret)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.NotContains(t, stdout, srv.AdminSecret)
	// The steps, in order.
	mustContainInOrder(t, stdout,
		"connect      "+ep.api,
		"server       ",
		"janus.plugin.videoroom",
		"session      created ",
		"attach       janus.plugin.videoroom, handle ",
		"admin        "+ep.admin,
		"rooms        ",
		`1234  "Demo Room"`,
		"create room  ",
		`"gojanus demo" (temporary)`,
		"rooms        ",
		`"gojanus demo"`,
		"<- created by this demo",
		"destroy room ",
		"detach       handle ",
		"destroy      session ",
		"close        connection closed",
		"demo ok in ",
	)
	if ep.name == "websocket" {
		assert.Contains(t, stdout, "(WebSocket)")
	} else {
		assert.Contains(t, stdout, "(HTTP long poll)")
	}
}

func testDemoJSON(t *testing.T, srv *janusserver.Server, ep endpoints) {
	stdout := mustRun(t, "demo", "--json", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", srv.AdminSecret)
	var sum DemoOutput
	checkSchema(t, stdout, &sum)
	assert.Equal(t, ep.api, sum.Server)
	assert.Equal(t, ep.name, sum.Transport)
	assert.Equal(t, srv.Version, sum.Version)
	assert.NotZero(t, sum.SessionID)
	assert.NotZero(t, sum.HandleID)
	if assert.NotNil(t, sum.Admin) {
		assert.True(t, sum.Admin.SessionListed)
		assert.Contains(t, sum.Admin.HandleIDs, sum.HandleID)
	}
	assert.True(t, slices.ContainsFunc(sum.Rooms, func(r Room) bool { return r.Room.String() == "1234" && r.Description == "Demo Room" }), "rooms %+v lack the demo room 1234", sum.Rooms)
	assert.Equal(t, demoDescription, sum.CreatedRoom.Description)
	assert.Contains(t, sum.RoomsWithCreated, sum.CreatedRoom)
	assert.NotContains(t, sum.Rooms, sum.CreatedRoom, "the created room was listed before it was created")
	assert.True(t, sum.RoomDestroyed && sum.Detached && sum.SessionDestroyed, "%+v", sum)
	assert.Positive(t, sum.ElapsedMS)

	// The room is gone afterwards.
	var again DemoOutput
	checkSchema(t, mustRun(t, "demo", "--json", "--server", ep.api), &again)
	assert.False(t, slices.ContainsFunc(again.Rooms, func(r Room) bool { return r.Room == sum.CreatedRoom.Room }), "room %s is still listed", sum.CreatedRoom.Room)
}

// TestFlagsAnywhere checks that flags after the action word take effect,
// and global flags before the command too.
func TestFlagsAnywhere(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ws := srv.WSURL

	// The README's form: the room id and description after "create".
	var created RoomOutput
	checkSchema(t, mustRun(t, "rooms", "create", "--room", "4242", "--description", "standup", "--server", ws, "--json"), &created)
	assert.Equal(t, "4242", created.RoomID.String())
	require.NotNil(t, created.Room)
	assert.Equal(t, "standup", created.Room.Description)
	assert.True(t, created.Created && created.Exists)

	// A private room: not listed, described by what was asked for.
	var private RoomOutput
	checkSchema(t, mustRun(t, "rooms", "create", "--room", "4243", "--description", "hidden", "--private", "--publishers", "3", "--server", ws, "--json"), &private)
	require.NotNil(t, private.Room)
	assert.Equal(t, Room{Room: parseID("4243"), Description: "hidden", MaxPublishers: 3, Private: true}, *private.Room)
	var exists RoomOutput
	checkSchema(t, mustRun(t, "rooms", "exists", "4243", "--server", ws, "--json"), &exists)
	assert.True(t, exists.Exists)
	assert.Nil(t, exists.Room, "private: not described without --admin-key")
	checkSchema(t, mustRun(t, "rooms", "destroy", "4243", "--server", ws, "--json"), &exists)
	checkSchema(t, mustRun(t, "rooms", "exists", "4243", "--server", ws, "--json"), &exists)
	assert.False(t, exists.Exists)
	assert.Nil(t, exists.Room)

	var list RoomsOutput
	checkSchema(t, mustRun(t, "--server", ws, "rooms", "--json", "list"), &list)
	assert.True(t, slices.ContainsFunc(list.Rooms, func(r Room) bool { return r.Room.String() == "4242" && r.Description == "standup" }), "%+v", list.Rooms)

	// Shell completion offers the server's rooms.
	assert.Contains(t, mustRun(t, "__complete", "rooms", "destroy", "--server", ws, ""), "4242\tstandup")
	assert.Contains(t, mustRun(t, "__complete", "publish", "--server", ws, "--room", ""), "4242\tstandup")

	// --server after the action word is the server used.
	code, stdout, _ := runCmd(t, "rooms", "list", "--server", "ws://127.0.0.1:9", "--json")
	assert.Equal(t, 1, code)
	assert.Equal(t, kindConnect, decodeError(t, stdout).Kind)

	// The environment sets global flags; a flag beats it.
	t.Setenv("GOJANUS_SERVER", "ws://127.0.0.1:9")
	code, _, _ = runCmd(t, "info")
	assert.Equal(t, 1, code)
	mustRun(t, "info", "--server", ws)
	t.Setenv("GOJANUS_SERVER", ws)
	t.Setenv("GOJANUS_ADMIN_SERVER", srv.AdminWSURL)
	t.Setenv("GOJANUS_ADMIN_SECRET", srv.AdminSecret)
	var sessions SessionsOutput
	checkSchema(t, mustRun(t, "admin", "sessions", "--json"), &sessions)

	// --admin-secret after the action word.
	t.Setenv("GOJANUS_ADMIN_SECRET", "")
	checkSchema(t, mustRun(t, "admin", "sessions", "--admin-secret", srv.AdminSecret, "--json"), &sessions)
	code, stdout, _ = runCmd(t, "admin", "sessions", "--json")
	assert.Equal(t, 1, code)
	assert.Equal(t, 403, decodeError(t, stdout).Code)

	// --help after the action word shows help and runs nothing.
	code, stdout, stderr := runCmd(t, "rooms", "destroy", "4242", "--help")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Destroy a room")
	checkSchema(t, mustRun(t, "rooms", "exists", "4242", "--json"), &exists)
	assert.True(t, exists.Exists, "--help destroyed the room")

	var destroyed RoomOutput
	checkSchema(t, mustRun(t, "rooms", "destroy", "4242", "--json"), &destroyed)
	assert.True(t, destroyed.Destroyed)
	assert.False(t, destroyed.Exists)
	require.NotNil(t, destroyed.Room)
	assert.Equal(t, "standup", destroyed.Room.Description)
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout bool
		noStderr bool
	}{
		{args: nil, code: 2, stderr: []string{"say which command", "Usage:"}},
		{args: []string{"help"}, code: 0, stdout: []string{"Usage:", "info", "demo", "rooms", "subscribe", "completion"}, noStderr: true},
		{args: []string{"--help"}, code: 0, stdout: []string{"Usage:", "Exit codes: 0 success, 1"}, noStderr: true},
		{args: []string{"help", "demo"}, code: 0, stdout: []string{"gojanus demo", "--admin-server", "--server", "--timeout", "--json", "--media"}, noStderr: true},
		{args: []string{"admin", "--help"}, code: 0, stdout: []string{"sessions", "handle-info", "tokens", "--admin-secret"}, noStderr: true},
		{args: []string{"rooms", "create", "--help"}, code: 0, stdout: []string{"--room", "--description", "--publishers"}, noStderr: true},
		{args: []string{"--version"}, code: 0, stdout: []string{"gojanus ", "go1."}, noStderr: true},
		{args: []string{"version"}, code: 0, stdout: []string{"gojanus ", "go1."}, noStderr: true},
		{args: []string{"--version", "--json"}, code: 0, stdout: []string{`"version": `, `"go": "go1.`}, noStderr: true},
		{args: []string{"bogus"}, code: 2, stderr: []string{`unknown command "bogus"`, "--help"}, noStdout: true},
		{args: []string{"info", "--bogus"}, code: 2, stderr: []string{"unknown flag: --bogus"}, noStdout: true},
		{args: []string{"info", "extra"}, code: 2, stderr: []string{"takes no arguments"}, noStdout: true},
		{args: []string{"rooms"}, code: 2, stderr: []string{"list, create, destroy"}},
		{args: []string{"rooms", "destroy"}, code: 2, stderr: []string{"ROOM"}, noStdout: true},
		{args: []string{"admin", "handles", "x"}, code: 2, stderr: []string{`"x" is not a session or handle id`}, noStdout: true},
		{args: []string{"admin", "tokens", "add"}, code: 2, stderr: []string{"takes a TOKEN"}, noStdout: true},
		{args: []string{"help", "bogus"}, code: 2, stderr: []string{`no help topic "bogus"`}, noStdout: true},
		{args: []string{"help", "rooms", "create"}, code: 0, stdout: []string{"Create a room", "--description"}, noStderr: true},
		{args: []string{"completion"}, code: 2, stderr: []string{"say which shell"}, noStdout: true},
		{args: []string{"completion", "tcsh"}, code: 2, stderr: []string{"say which shell"}, noStdout: true},
		{args: []string{"--", "rooms", "list"}, code: 2, stderr: []string{`"rooms" after -- is taken as an argument`}, noStdout: true},
		{args: []string{"info", "--timeout", "0s"}, code: 2, stderr: []string{`invalid argument "0s" for "--timeout" flag: must be positive`}, noStdout: true},
		{args: []string{"info", "--timeout", "soon"}, code: 2, stderr: []string{`invalid argument "soon" for "--timeout" flag: not a duration`}, noStdout: true},
		{args: []string{"publish", "--server", "ws://127.0.0.1:1"}, code: 2, stderr: []string{"--room is required"}, noStdout: true},
		{args: []string{"subscribe", "--server", "ws://127.0.0.1:1"}, code: 2, stderr: []string{"--room is required"}, noStdout: true},
		{args: []string{"echotest", "--source", "nope.xyz", "--server", "ws://127.0.0.1:1"}, code: 2, stderr: []string{"nope.xyz"}, noStdout: true},
	} {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tc.args...)
			assert.Equal(t, tc.code, code)
			mustContain(t, stdout, tc.stdout...)
			mustContain(t, stderr, tc.stderr...)
			if tc.noStdout {
				assert.Empty(t, stdout)
			}
			if tc.noStderr {
				assert.Empty(t, stderr)
			}
			if code == 2 {
				// The same failure as JSON on stdout (--json first: after
				// "--" it would be an argument).
				code, stdout, _ := runCmd(t, append([]string{"--json"}, tc.args...)...)
				assert.Equal(t, 2, code)
				e := decodeError(t, stdout)
				assert.Equal(t, kindUsage, e.Kind)
				assert.Equal(t, 2, e.ExitCode)
			}
		})
	}
}

// TestCompletion generates the completion scripts.
func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_gojanus", "zsh": "#compdef gojanus", "fish": "complete -c gojanus"} {
		stdout := mustRun(t, "completion", shell)
		assert.Contains(t, stdout, want, shell)
	}
	// The completion of subcommands works through cobra's __complete.
	stdout := mustRun(t, "__complete", "rooms", "")
	mustContain(t, stdout, "list", "create", "destroy", "participants")
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("output lacks %q", sub)
		}
	}
}

func mustContainInOrder(t *testing.T, s string, subs ...string) {
	t.Helper()
	rest := s
	for _, sub := range subs {
		i := strings.Index(rest, sub)
		if i < 0 {
			t.Errorf("output lacks %q (in order)", sub)
			continue
		}
		rest = rest[i+len(sub):]
	}
}

// decodeError decodes a failure's JSON output.
func decodeError(t *testing.T, stdout string) ErrorInfo {
	t.Helper()
	var e ErrorOutput
	checkSchema(t, stdout, &e)
	assert.NotEmpty(t, e.Error.Kind)
	assert.NotEmpty(t, e.Error.Message)
	return e.Error
}

var (
	snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	// goDuration matches durations printed as Go strings ("5s", "1m30s").
	goDuration = regexp.MustCompile(`^-?[0-9.]+(ns|µs|ms|s|m|h)([0-9.]+(ns|µs|ms|s|m|h))*$`)
)

// checkSchema checks that stdout is exactly one JSON object of the type v
// points to (no unknown or missing keys), with snake_case keys outside
// "raw", numeric *_ms durations and no Go duration strings, and decodes
// it into v.
func checkSchema(t *testing.T, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), "stdout is not a %T:\n%s", v, stdout)
	require.False(t, dec.More(), "stdout has more than one JSON value:\n%s", stdout)

	var generic map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &generic))
	walkJSON(t, "", generic)
	// Every key of the type is present (nothing silently missing), except
	// those marked omitempty.
	for _, key := range requiredKeys(reflect.TypeOf(v).Elem()) {
		assert.Contains(t, generic, key, "%T lacks %q:\n%s", v, key, stdout)
	}
}

func walkJSON(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			assert.Regexp(t, snakeCase, k, "key %s.%s", path, k)
			if k == "raw" {
				continue // Janus's own answer, passed through
			}
			if strings.HasSuffix(k, "_ms") {
				_, isNum := x.(float64)
				assert.True(t, isNum, "%s.%s is not a number: %v", path, k, x)
			}
			walkJSON(t, path+"."+k, x)
		}
	case []any:
		for i, x := range v {
			walkJSON(t, fmt.Sprintf("%s[%d]", path, i), x)
		}
	case string:
		assert.NotRegexp(t, goDuration, v, "%s is a duration string; durations are numbers of milliseconds", path)
	}
}

// requiredKeys lists the JSON keys of a struct type without omitempty.
func requiredKeys(tp reflect.Type) []string {
	var keys []string
	for i := range tp.NumField() {
		tag := tp.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		keys = append(keys, name)
	}
	return keys
}

// TestSchemaTypes checks the output types themselves: every field has a
// snake_case JSON name.
func TestSchemaTypes(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var check func(tp reflect.Type)
	check = func(tp reflect.Type) {
		for tp.Kind() == reflect.Pointer || tp.Kind() == reflect.Slice {
			tp = tp.Elem()
		}
		if tp.Kind() != reflect.Struct || seen[tp] || tp.PkgPath() != reflect.TypeOf(Room{}).PkgPath() {
			return
		}
		seen[tp] = true
		for i := range tp.NumField() {
			f := tp.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			assert.Regexp(t, snakeCase, name, "%s.%s", tp.Name(), f.Name)
			check(f.Type)
		}
	}
	for _, v := range outputTypes {
		check(reflect.TypeOf(v))
	}
	assert.GreaterOrEqual(t, len(seen), len(outputTypes))
}

// TestLogOutput: --log-level debug --log-json writes one JSON object per
// line on stderr, each frame as an object under "frame", with the session
// and handle ids, and stdout keeps only the command's JSON.
func TestLogOutput(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{APISecret: "log-secret-9c1"})
	code, stdout, stderr := runCmd(t, "rooms", "list", "--server", srv.WSURL, "--api-secret", "log-secret-9c1", "--log-level", "debug", "--log-json", "--json")
	require.Equal(t, 0, code, stderr)
	var rooms RoomsOutput
	checkSchema(t, stdout, &rooms)
	assert.NotContains(t, stderr, "log-secret-9c1")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	require.NotEmpty(t, lines)
	frames, withSession, withHandle := 0, 0, 0
	for _, line := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		assert.Equal(t, "DEBUG", rec["level"], line)
		if f, ok := rec["frame"]; ok {
			frames++
			assert.IsType(t, map[string]any{}, f, "the frame is an object, not a string: %s", line)
		}
		if _, ok := rec["session_id"].(float64); ok {
			withSession++
		}
		if _, ok := rec["handle_id"].(float64); ok {
			withHandle++
		}
	}
	// create, attach, list, detach, destroy: sent and answered.
	assert.GreaterOrEqual(t, frames, 8)
	assert.Positive(t, withSession)
	assert.Positive(t, withHandle)

	code, _, stderr = runCmd(t, "info", "--log-level", "loud")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--log-level "loud"`)
}

// TestEveryCommandJSON walks the command tree, so that a new command is
// covered too: every leaf command with --json prints one ErrorOutput when
// its server does not answer, and "version" its VersionOutput. (Each
// command's successful output is checked against its type by the tests of
// that command.)
func TestEveryCommandJSON(t *testing.T) {
	args := map[string][]string{
		"gojanus admin handles":       {"1"},
		"gojanus admin handle-info":   {"1", "2"},
		"gojanus admin tokens add":    {"t"},
		"gojanus admin tokens remove": {"t"},
		"gojanus rooms destroy":       {"1"},
		"gojanus rooms exists":        {"1"},
		"gojanus rooms participants":  {"1"},
		"gojanus publish":             {"--room", "1"},
		"gojanus subscribe":           {"--room", "1"},
		"gojanus record":              {"--name", "x"},
		"gojanus play":                {"1"},
		"gojanus nosip":               {"--sdp-out", "x.sdp"},
		"gojanus whip-server":         {"--whip", "/whip=room:1", "--listen", "127.0.0.1:0"},
		"gojanus whip-publish":        {"http://127.0.0.1:9/whip"},
		"gojanus whep-play":           {"http://127.0.0.1:9/whep"},
		"gojanus sip call":            {"--uri", "sip:bob@127.0.0.1"},
		"gojanus sip answer":          {"--secret", "s"},
	}
	var leaves []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() && c.Runnable() {
			leaves = append(leaves, c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newApp(io.Discard, io.Discard).rootCommand())
	checked := 0
	for _, c := range leaves {
		path := c.CommandPath()
		switch {
		case path == "gojanus version":
			var v VersionOutput
			checkSchema(t, mustRun(t, "version", "--json"), &v)
			assert.NotEmpty(t, v.Version)
			continue
		case strings.HasPrefix(path, "gojanus completion"), strings.HasPrefix(path, "gojanus help"):
			continue // scripts and help, not results
		}
		t.Run(path, func(t *testing.T) {
			line := append(strings.Fields(strings.TrimPrefix(path, "gojanus ")), args[path]...)
			line = append(line, "--server", "ws://127.0.0.1:9", "--admin-server", "ws://127.0.0.1:9", "--timeout", "3s", "--json")
			code, stdout, _ := runCmd(t, line...)
			assert.Equal(t, 1, code)
			e := decodeError(t, stdout)
			assert.Equal(t, kindConnect, e.Kind)
			assert.Contains(t, e.Message, "127.0.0.1:9")
		})
		checked++
	}
	assert.GreaterOrEqual(t, checked, 16, "leaf commands checked")
}
