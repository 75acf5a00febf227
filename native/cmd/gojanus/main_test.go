package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// runCmd runs the command line and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	t.Logf("gojanus %s -> exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(redactArgs(args), " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// redactArgs hides the value following --admin-secret in the test log.
func redactArgs(args []string) []string {
	args = slices.Clone(args)
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--admin-secret" {
			args[i+1] = "***"
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
				code, stdout, stderr := runCmd(t, "demo", "--server", ep.api)
				if code != 0 {
					t.Fatalf("exit code %d, stderr: %s", code, stderr)
				}
				if strings.Contains(stdout, "admin") {
					t.Errorf("the admin step ran without --admin-server")
				}
				mustContain(t, stdout, "demo ok")
			})
			t.Run("wrong-admin-secret", func(t *testing.T) {
				code, _, stderr := runCmd(t, "demo", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", "not-the-secret-7f3a")
				if code != 1 {
					t.Fatalf("exit code %d, want 1", code)
				}
				mustContain(t, stderr, "admin")
				if strings.Contains(stderr, "not-the-secret-7f3a") {
					t.Errorf("the admin secret appears in the error: %s", stderr)
				}
			})
		})
	}
}

func testInfo(t *testing.T, srv *janusserver.Server, ep endpoints) {
	code, stdout, stderr := runCmd(t, "info", "--server", ep.api)
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("unexpected stderr: %s", stderr)
	}
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
	code, stdout, stderr := runCmd(t, "info", "--server", ep.api, "--json")
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr)
	}
	var sum infoSummary
	decodeOne(t, stdout, &sum)
	if sum.Server != ep.api || sum.Transport != ep.name {
		t.Errorf("server %q transport %q, want %q %q", sum.Server, sum.Transport, ep.api, ep.name)
	}
	if sum.Version != srv.Version || sum.ServerName != srv.Name || sum.SessionTimeout != 60 {
		t.Errorf("version %q server name %q session timeout %d, want %q %q 60", sum.Version, sum.ServerName, sum.SessionTimeout, srv.Version, srv.Name)
	}
	if !slices.Contains(packageNames(sum.Plugins), "janus.plugin.videoroom") {
		t.Errorf("plugins %v lack the VideoRoom", packageNames(sum.Plugins))
	}
	if !slices.Contains(packageNames(sum.Transports), "janus.transport.websockets") {
		t.Errorf("transports %v lack WebSockets", packageNames(sum.Transports))
	}
}

func testDemo(t *testing.T, srv *janusserver.Server, ep endpoints) {
	code, stdout, stderr := runCmd(t, "demo", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", srv.AdminSecret)
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("unexpected stderr: %s", stderr)
	}
	if strings.Contains(stdout, srv.AdminSecret) {
		t.Errorf("the admin secret appears in the output")
	}
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
		mustContain(t, stdout, "(WebSocket)")
	} else {
		mustContain(t, stdout, "(HTTP long poll)")
	}
}

func testDemoJSON(t *testing.T, srv *janusserver.Server, ep endpoints) {
	code, stdout, stderr := runCmd(t, "demo", "--json", "--server", ep.api, "--admin-server", ep.admin, "--admin-secret", srv.AdminSecret)
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr)
	}
	var sum demoSummary
	decodeOne(t, stdout, &sum)
	if !sum.OK || sum.Error != "" {
		t.Errorf("ok %v error %q", sum.OK, sum.Error)
	}
	if sum.Server != ep.api || sum.Transport != ep.name || sum.Version != srv.Version {
		t.Errorf("server %q transport %q version %q", sum.Server, sum.Transport, sum.Version)
	}
	if sum.Session == 0 || sum.Handle == 0 {
		t.Errorf("session %d handle %d", sum.Session, sum.Handle)
	}
	if sum.Admin == nil || !sum.Admin.SessionListed || sum.Admin.Sessions < 1 || !slices.Contains(sum.Admin.Handles, sum.Handle) {
		t.Errorf("admin %+v", sum.Admin)
	}
	if !slices.ContainsFunc(sum.Rooms, func(r room) bool { return r.Room.String() == "1234" && r.Description == "Demo Room" }) {
		t.Errorf("rooms %+v lack the demo room 1234", sum.Rooms)
	}
	if sum.CreatedRoom == nil || sum.CreatedRoom.Description != demoDescription {
		t.Fatalf("created room %+v", sum.CreatedRoom)
	}
	if !slices.Contains(sum.RoomsWithCreated, *sum.CreatedRoom) {
		t.Errorf("rooms after create %+v lack %+v", sum.RoomsWithCreated, *sum.CreatedRoom)
	}
	if slices.Contains(sum.Rooms, *sum.CreatedRoom) {
		t.Errorf("the created room was listed before it was created")
	}
	if !sum.RoomDestroyed || !sum.Detached || !sum.SessionDestroyed {
		t.Errorf("room destroyed %v detached %v session destroyed %v", sum.RoomDestroyed, sum.Detached, sum.SessionDestroyed)
	}

	// The room is gone afterwards.
	code, stdout, _ = runCmd(t, "demo", "--json", "--server", ep.api)
	if code != 0 {
		t.Fatalf("second demo: exit code %d", code)
	}
	var again demoSummary
	decodeOne(t, stdout, &again)
	if slices.ContainsFunc(again.Rooms, func(r room) bool { return r.Room == sum.CreatedRoom.Room }) {
		t.Errorf("room %s is still listed after the demo", sum.CreatedRoom.Room)
	}
}

func TestWrongServer(t *testing.T) {
	for _, server := range []string{"ws://127.0.0.1:1", "http://127.0.0.1:1/janus"} {
		for _, args := range [][]string{
			{"info", "--server", server},
			{"info", "--server", server, "--json"},
			{"demo", "--server", server},
			{"demo", "--server", server, "--json"},
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := runCmd(t, append(args, "--timeout", "5s")...)
				if code != 1 {
					t.Errorf("exit code %d, want 1", code)
				}
				mustContain(t, stderr, "gojanus "+args[0]+": error: ", "127.0.0.1:1")
				if slices.Contains(args, "--json") && args[0] == "demo" {
					var sum demoSummary
					decodeOne(t, stdout, &sum)
					if sum.OK || sum.Error == "" {
						t.Errorf("ok %v error %q", sum.OK, sum.Error)
					}
				} else if stdout != "" {
					t.Errorf("unexpected stdout: %s", stdout)
				}
			})
		}
	}
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
		{args: nil, code: 2, stderr: []string{"Usage:", "info", "demo", "help"}, noStdout: true},
		{args: []string{"help"}, code: 0, stdout: []string{"Usage:", "info", "demo", "help"}, noStderr: true},
		{args: []string{"--help"}, code: 0, stdout: []string{"Usage:"}, noStderr: true},
		{args: []string{"help", "demo"}, code: 0, stdout: []string{"gojanus demo", "-admin-server", "-server", "-timeout", "-json"}, noStderr: true},
		{args: []string{"bogus"}, code: 2, stderr: []string{`unknown command "bogus"`, "Usage:"}, noStdout: true},
		{args: []string{"info", "--bogus"}, code: 2, stderr: []string{"flag provided but not defined: -bogus"}, noStdout: true},
		{args: []string{"info", "extra"}, code: 2, stderr: []string{"unexpected arguments: extra"}, noStdout: true},
		{args: []string{"info", "--timeout", "0s"}, code: 2, stderr: []string{"--timeout must be positive"}, noStdout: true},
		{args: []string{"demo", "--admin-secret", "x"}, code: 1, stderr: []string{"--admin-secret needs --admin-server"}, noStdout: true},
		{args: []string{"info", "--server", "ftp://127.0.0.1"}, code: 1, stderr: []string{"unsupported URL scheme"}, noStdout: true},
	} {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			mustContain(t, stdout, tc.stdout...)
			mustContain(t, stderr, tc.stderr...)
			if tc.noStdout && stdout != "" {
				t.Errorf("unexpected stdout: %s", stdout)
			}
			if tc.noStderr && stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
		})
	}
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

// decodeOne decodes stdout as exactly one JSON object.
func decodeOne(t *testing.T, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not the expected JSON object: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout has more than one JSON value:\n%s", stdout)
	}
}
