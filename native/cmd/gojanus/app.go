package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
)

// Defaults of the global flags.
const (
	defaultServer      = "ws://127.0.0.1:8188"
	defaultAdminServer = "ws://127.0.0.1:7188"
	defaultTimeout     = 10 * time.Second
)

// app is one run of the command line: the global flags and where output
// goes.
type app struct {
	stdout, stderr io.Writer
	// terminal is set when stdout is a terminal: media commands then show
	// a live progress line.
	terminal bool
	g        globals
	// adminGiven is set when --admin-server or --admin-secret was given
	// (or set from the environment).
	adminGiven bool
	// cmd is the command running.
	cmd *cobra.Command
	// fromEnv names the environment variable each global flag came from,
	// when it did.
	fromEnv map[string]string
	// ran is set once a command's own code starts: an error before that
	// is a usage error found by the flag parser.
	ran bool
	// conn follows the Janus connection and the sessions the command
	// opened (see openSession): a media run ends when one is lost.
	conn connWatch
}

// globals are the flags every command takes.
type globals struct {
	server      string
	apiSecret   string
	token       string
	json        bool
	timeout     time.Duration
	adminServer string
	adminSecret string
	logLevel    string
	logJSON     bool
	level       slog.Level // logLevel parsed
}

// envFlags maps global flags to the environment variables that set them
// when the flag is not given. Secrets are read here rather than shown as
// flag defaults, so that help never prints them.
var envFlags = []struct{ flag, env string }{
	{"server", "GOJANUS_SERVER"},
	{"api-secret", "GOJANUS_API_SECRET"},
	{"token", "GOJANUS_TOKEN"},
	{"admin-server", "GOJANUS_ADMIN_SERVER"},
	{"admin-secret", "GOJANUS_ADMIN_SECRET"},
}

// rootCommand builds the command tree.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "gojanus",
		Short: "A command-line client of the Janus WebRTC Server",
		Long: `gojanus talks to a Janus WebRTC Server over WebSocket or HTTP long poll:
server info, the admin API, VideoRoom rooms, and real media (publish,
subscribe and record, echo test, plain RTP through NoSIP) through
pion/webrtc.

Flags go anywhere on the line. The global flags also come from the
environment: GOJANUS_SERVER, GOJANUS_API_SECRET, GOJANUS_TOKEN,
GOJANUS_ADMIN_SERVER, GOJANUS_ADMIN_SECRET. The WHIP and WHEP commands take
their bearer token from --bearer or GOJANUS_BEARER, never from --token.

Exit codes: 0 success, 1 the command ran and failed, 2 bad command line.
With --json, stdout holds one JSON object, also on failure ({"error": ...}).`,
		Version:           versionString(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              groupArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.prepare(cmd) },
		RunE:              func(cmd *cobra.Command, _ []string) error { return a.needSubcommand(cmd, "say which command to run") },
	}
	root.SetVersionTemplate("gojanus {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.g.server, "server", defaultServer, "Janus API `URL`: ws:// or wss:// (WebSocket), http:// or https:// with the API path (long poll, e.g. http://127.0.0.1:8088/janus)")
	pf.StringVar(&a.g.apiSecret, "api-secret", "", "Janus API `secret` (api_secret), if the server requires one")
	pf.StringVar(&a.g.token, "token", "", "auth `token` (token_auth), if the server requires one")
	pf.BoolVar(&a.g.json, "json", false, "print one JSON object on stdout (also on failure) instead of text")
	durationFlag(pf, &a.g.timeout, "timeout", defaultTimeout, "time limit of each step: connecting, every request, waiting for WebRTC (media run for their --duration on top)")
	pf.StringVar(&a.g.adminServer, "admin-server", defaultAdminServer, "admin API `URL`, for admin and demo: ws://host:7188 or http://host:7088/admin")
	pf.StringVar(&a.g.adminSecret, "admin-secret", "", "admin API `secret` (admin_secret), for admin and demo")
	pf.StringVar(&a.g.logLevel, "log-level", "warn", "library log `level` on stderr: debug (every frame, secrets redacted), info, warn, error")
	pf.BoolVar(&a.g.logJSON, "log-json", false, "write the log as JSON lines (one object per record)")

	root.AddGroup(&cobra.Group{ID: "server", Title: "Server:"}, &cobra.Group{ID: "media", Title: "Media (WebRTC through pion):"})
	for _, c := range []*cobra.Command{a.infoCommand(), a.demoCommand(), a.adminCommand(), a.roomsCommand()} {
		c.GroupID = "server"
		root.AddCommand(c)
	}
	for _, c := range append([]*cobra.Command{a.publishCommand(), a.subscribeCommand(), a.echoTestCommand(), a.noSIPCommand(), a.sipCommand(), a.whipServerCommand()}, append(a.recordPlayCommands(), a.whipCommands()...)...) {
		c.GroupID = "media"
		root.AddCommand(c)
	}
	root.AddCommand(a.versionCommand(), a.completionCommand(root))
	root.SetHelpCommand(a.helpCommand(root))
	return root
}

// prepare applies the environment to the global flags not given and checks
// them.
func (a *app) prepare(cmd *cobra.Command) error {
	flags := cmd.Flags()
	for _, ef := range envFlags {
		if v, ok := os.LookupEnv(ef.env); ok && v != "" && !flags.Changed(ef.flag) {
			if err := flags.Set(ef.flag, v); err != nil {
				return usagef("%s: %v", ef.env, err)
			}
			if a.fromEnv == nil {
				a.fromEnv = map[string]string{}
			}
			a.fromEnv[ef.flag] = ef.env
		}
	}
	a.adminGiven = flags.Changed("admin-server") || flags.Changed("admin-secret")
	if err := a.g.level.UnmarshalText([]byte(a.g.logLevel)); err != nil {
		return usagef("--log-level %q: want debug, info, warn or error", a.g.logLevel)
	}
	return nil
}

// flagName names a global flag as the user gave it: --flag, or the
// environment variable it came from.
func (a *app) flagName(flag string) string {
	if env, ok := a.fromEnv[flag]; ok {
		return env
	}
	return "--" + flag
}

// action wraps a command's code: it marks the run as started and gives
// the code the command's context.
func (a *app) action(fn func(ctx context.Context, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran, a.cmd = true, cmd
		return fn(cmd.Context(), args)
	}
}

// changed reports whether the running command's flag was given.
func (a *app) changed(flag string) bool {
	return a.cmd != nil && a.cmd.Flags().Changed(flag)
}

// bounded returns ctx limited by --timeout, for commands made of a few
// requests.
func (a *app) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.g.timeout)
}

// logger is the library's logger: on stderr, from --log-level, as text or
// JSON lines.
func (a *app) logger() *slog.Logger { return a.loggerAt(a.g.level) }

// loggerAt is logger with another level.
func (a *app) loggerAt(level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if a.g.logJSON {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// dial connects to the Janus API named by the global flags.
func (a *app) dial(ctx context.Context, extra ...core.Option) (*core.Client, error) {
	if err := checkURL("--server", a.flagName("server"), a.g.server); err != nil {
		return nil, err
	}
	opts := []core.Option{core.WithLogger(a.logger()), core.WithTransactionTimeout(a.g.timeout)}
	if a.g.apiSecret != "" {
		opts = append(opts, core.WithAPISecret(a.g.apiSecret))
	}
	if a.g.token != "" {
		opts = append(opts, core.WithToken(a.g.token))
	}
	client, err := core.Dial(ctx, a.g.server, append(opts, extra...)...)
	if err != nil {
		return nil, connectErr("--server", err)
	}
	return client, nil
}

// openSession connects and creates a session within setup. end destroys
// the session (also after ctx ended, within cleanupWait) and closes the
// connection; call it once, when done.
func (a *app) openSession(ctx, setup context.Context) (client *core.Client, s *core.Session, end func(), err error) {
	client, err = a.dial(setup)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err = client.CreateSession(setup)
	if err != nil {
		client.Close()
		return nil, nil, nil, err
	}
	a.conn.follow(client, s)
	return client, s, func() {
		c, cancel := cleanupContext(ctx)
		defer cancel()
		_ = s.Destroy(c)
		client.Close()
	}, nil
}

// dialAdmin connects to the admin API named by the global flags.
func (a *app) dialAdmin(ctx context.Context) (*core.Admin, error) {
	if err := checkURL("--admin-server", a.flagName("admin-server"), a.g.adminServer); err != nil {
		return nil, err
	}
	adm, err := core.DialAdmin(ctx, a.g.adminServer, core.WithAdminSecret(a.g.adminSecret),
		core.WithTransactionTimeout(a.g.timeout), core.WithLogger(a.logger()))
	if err != nil {
		return nil, connectErr("--admin-server", err)
	}
	return adm, nil
}

// out is where the command writes.
func (a *app) out() output {
	return output{stdout: a.stdout, stderr: a.stderr, json: a.g.json, terminal: a.terminal, conn: &a.conn}
}

// fail reports err on stderr (and on stdout in JSON mode) and returns the
// exit code.
func (a *app) fail(cmd *cobra.Command, args []string, err error) int {
	info := describe(err, a.g.timeout)
	if info.Kind == kindTimeout && a.conn.reconnecting() {
		// Not a slow server: the connection was gone.
		info.Kind = kindConnect
		info.Message = err.Error() + " (the connection to Janus was lost; the client was dialling it again)"
		info.Hint = "is Janus still running? The request ran out of --timeout while the client reconnected"
	}
	path := "gojanus"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	fmt.Fprintf(a.stderr, "%s: error: %s\n", path, info.Message)
	if info.Hint != "" {
		fmt.Fprintf(a.stderr, "%s: hint: %s\n", path, info.Hint)
	}
	if info.Kind == kindUsage {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", path)
	}
	if a.g.json || jsonRequested(args) {
		_ = writeJSON(a.stdout, ErrorOutput{Error: info})
	}
	return info.ExitCode
}

// jsonRequested finds --json on a command line the parser rejected.
func jsonRequested(args []string) bool {
	for _, arg := range args {
		if arg == "--" {
			return false
		}
		if arg == "--json" || arg == "--json=true" {
			return true
		}
	}
	return false
}

// groupArgs rejects arguments of a command that only groups subcommands:
// the first one is an unknown subcommand.
func groupArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	for _, c := range cmd.Commands() {
		if c.Name() == args[0] {
			// Only "--" makes a command name an argument.
			return usagef("%q after -- is taken as an argument, not as a command: leave the -- out", args[0])
		}
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return usagef("%s", msg)
}

// needSubcommand prints the usage of a command run without its
// subcommand, on stderr, and returns a usage error.
func (a *app) needSubcommand(cmd *cobra.Command, what string) error {
	fmt.Fprint(a.stderr, cmd.UsageString())
	return usagef("%s", what)
}
