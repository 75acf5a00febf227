// Command gojanus is a command-line client of the Janus WebRTC Server built on
// package core. It doubles as the project's demo.
//
// Usage:
//
//	gojanus <command> [subcommand] [flags] [arguments]
//
// Its fifteen commands, as gojanus --help groups them:
//
//   - Server: info (the server's version, settings, transports and
//     plugins), demo (a walk through a session, the admin API, a temporary
//     VideoRoom room and media), admin (the admin API: sessions, handles,
//     handle-info, and tokens with list, add and remove) and rooms
//     (VideoRoom rooms: list, create, destroy, exists, participants).
//   - Media, WebRTC through pion: publish (media into a VideoRoom room),
//     subscribe (to VideoRoom publishers, counting or recording what
//     arrives), echotest (media through the EchoTest plugin), sip (SIP
//     plugin: call, a call to a SIP URI with media both ways; answer, the
//     answer to a call to a registered account), nosip
//     (media through the NoSIP plugin as plain RTP to a receiver on this
//     machine, with the SDP it reads), and the Record&Play plugin's record
//     (media into a recording), play (a recording back, counted or
//     recorded) and recordings (the list); whip-server serves WHIP
//     (publish into VideoRoom) and WHEP (play VideoRoom or Streaming)
//     endpoints over HTTP (package whip). Without Janus's API, over
//     plain HTTP to any WHIP or WHEP endpoint: whip-publish (media to a
//     WHIP endpoint) and whep-play (a WHEP endpoint, counted or
//     recorded), with --bearer (or GOJANUS_BEARER) as the bearer token;
//     --token, Janus's, never goes to these endpoints.
//
// Besides them: version, completion (shell completion scripts) and help.
//
// Flags go anywhere on the line. --server, --api-secret, --token, --json,
// --timeout, --admin-server, --admin-secret, --log-level and --log-json are
// taken by every command. The server URLs and credentials also come from
// the environment: GOJANUS_SERVER, GOJANUS_API_SECRET, GOJANUS_TOKEN,
// GOJANUS_ADMIN_SERVER, GOJANUS_ADMIN_SECRET. The bearer token of
// whip-publish, whep-play and whip-server's endpoints is their own flag,
// --bearer, or GOJANUS_BEARER.
//
// Exit codes: 0 success, 1 the command ran and failed, 2 bad command line.
// With --json, stdout holds one JSON object on success and on failure (see
// schema.go).
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // bad command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runContext runs the command line args until ctx ends and returns the exit
// code.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return newApp(stdout, stderr).run(ctx, args)
}

// newApp returns a run of the command line writing to stdout and stderr.
func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, terminal: isTerminal(stdout)}
}

// run runs the command line args until ctx ends and returns the exit code.
func (a *app) run(ctx context.Context, args []string) int {
	if jsonRequested(args) && (slices.Contains(args, "--version") || slices.Contains(args, "-v")) {
		args = []string{"version", "--json"} // the version as JSON too
	}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if !a.ran {
		// Cobra refused the line before running anything: an unknown
		// command or flag, a bad flag value, wrong arguments.
		err = usageErr(err)
	}
	return a.fail(cmd, args, err)
}
