// Command gojanus is a command-line client of the Janus WebRTC Server built on
// package core. It doubles as the project's demo.
//
// Usage:
//
//	gojanus <command> [flags]
//
// Commands:
//
//	info    show the server's version, settings, transports and plugins
//	demo    walk through a session: info, session, VideoRoom rooms, admin
//	help    show this text, or the flags of one command
//
// Every command takes --server, --api-secret, --token, --json and --timeout;
// run "gojanus help <command>" for the details.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gojanus/gojanus/core"
)

// Defaults of the common flags.
const (
	defaultServer  = "ws://127.0.0.1:8188"
	defaultTimeout = 10 * time.Second
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed
	exitUsage = 2 // bad command line
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	// setup adds the command's own flags and returns the function to run
	// once the flags are parsed.
	setup func(fs *flag.FlagSet, common *commonFlags) func(ctx context.Context, out output) error
}

// commands lists the subcommands in the order usage shows them.
var commands = []command{
	{name: "info", summary: "show the server's version, settings, transports and plugins", setup: setupInfo},
	{name: "demo", summary: "walk through a session: info, session, VideoRoom rooms, admin API", setup: setupDemo},
	{name: "admin", summary: "admin API: sessions | handles SESSION | handle-info SESSION HANDLE | tokens [add TOKEN [PLUGIN...] | remove TOKEN]", setup: setupAdmin},
	{name: "rooms", summary: "VideoRoom rooms: list | create [--room ID] [--description D] | destroy ID | participants ID", setup: setupRooms},
	{name: "publish", summary: "publish media into a VideoRoom until interrupted or --duration", setup: setupPublish},
	{name: "subscribe", summary: "subscribe to VideoRoom publishers, count or record what arrives", setup: setupSubscribe},
	{name: "echotest", summary: "send media through the EchoTest plugin and count what comes back", setup: setupEchoTest},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args (without the program name) and returns the
// exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			cmd := findCommand(rest[0])
			if cmd == nil {
				fmt.Fprintf(stderr, "gojanus: unknown command %q\n\n", rest[0])
				usage(stderr)
				return exitUsage
			}
			fs, _, _ := newFlagSet(cmd, stdout)
			fs.Usage()
			return exitOK
		}
		usage(stdout)
		return exitOK
	}
	cmd := findCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "gojanus: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}

	fs, common, exec := newFlagSet(cmd, stderr)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // the flag package already printed the error and usage
	}
	if common.args != nil {
		*common.args = fs.Args()
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gojanus %s: unexpected arguments: %s\n", cmd.name, strings.Join(fs.Args(), " "))
		return exitUsage
	}
	if common.timeout <= 0 {
		fmt.Fprintf(stderr, "gojanus %s: --timeout must be positive\n", cmd.name)
		return exitUsage
	}

	timeout := common.timeout
	if common.extra != nil {
		timeout += *common.extra
	}
	var cancel context.CancelFunc
	if common.extra != nil && (*common.extra < 0 || (*common.extra == 0 && common.zeroIsForever)) {
		// Runs until interrupted: the command bounds its own steps.
		ctx, cancel = context.WithCancel(ctx)
	} else {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	out := output{stdout: stdout, stderr: stderr, json: common.json}
	if err := exec(ctx, out); err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w (no result within %s)", err, timeout)
		}
		fmt.Fprintf(stderr, "gojanus %s: error: %v\n", cmd.name, err)
		return exitError
	}
	return exitOK
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "gojanus: a command-line client of the Janus WebRTC Server\n\n")
	fmt.Fprintf(w, "Usage:\n\n\tgojanus <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-9s  %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\t%-9s  %s\n", "help", "show this text, or the flags of one command (gojanus help <command>)")
	fmt.Fprintf(w, "\nCommon flags: --server URL (default %s; ws://, wss://, http://, https://),\n", defaultServer)
	fmt.Fprintf(w, "--api-secret, --token, --json, --timeout (default %s).\n", defaultTimeout)
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	server    string
	apiSecret string
	token     string
	json      bool
	timeout   time.Duration
	// extra, when a command sets it, is added to the timeout (the media
	// duration of media commands); negative means no overall deadline.
	extra *time.Duration
	// zeroIsForever makes an extra of 0 mean "until interrupted".
	zeroIsForever bool
	// args, when a command sets it, receives the positional arguments
	// (other commands reject them).
	args *[]string
}

// newFlagSet returns the flags of cmd, the common ones among them, and the
// function that runs cmd once they are parsed.
func newFlagSet(cmd *command, w io.Writer) (*flag.FlagSet, *commonFlags, func(context.Context, output) error) {
	fs := flag.NewFlagSet("gojanus "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(w)
	c := &commonFlags{}
	fs.StringVar(&c.server, "server", defaultServer, "Janus API `URL`: ws:// or wss:// (WebSocket), http:// or https:// (long poll, e.g. http://127.0.0.1:8088/janus)")
	fs.StringVar(&c.apiSecret, "api-secret", "", "Janus API `secret` (api_secret), if the server requires one")
	fs.StringVar(&c.token, "token", "", "auth `token` (token_auth), if the server requires one")
	fs.BoolVar(&c.json, "json", false, "print one JSON object on stdout instead of text")
	fs.DurationVar(&c.timeout, "timeout", defaultTimeout, "time limit for the command (media commands add their --duration; publish and subscribe without one run until interrupted)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gojanus %s [flags]\n\n%s.\n\nFlags:\n", cmd.name, upperFirst(cmd.summary))
		fs.PrintDefaults()
	}
	return fs, c, cmd.setup(fs, c)
}

// dial connects to the server named by the common flags. Warnings of the
// client go to stderr.
func (c *commonFlags) dial(ctx context.Context, stderr io.Writer) (*core.Client, error) {
	opts := []core.Option{
		core.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
		core.WithTransactionTimeout(c.timeout),
	}
	if c.apiSecret != "" {
		opts = append(opts, core.WithAPISecret(c.apiSecret))
	}
	if c.token != "" {
		opts = append(opts, core.WithToken(c.token))
	}
	client, err := core.Dial(ctx, c.server, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return client, nil
}

// transportName names the transport the URL selects.
func transportName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "unknown"
	}
	switch u.Scheme {
	case "ws", "wss":
		return "websocket"
	case "http", "https":
		return "http"
	}
	return u.Scheme
}

// transportLabel is the human form of transportName.
func transportLabel(name string) string {
	switch name {
	case "websocket":
		return "WebSocket"
	case "http":
		return "HTTP long poll"
	}
	return name
}

// output is where a command writes: text lines, or one JSON object.
type output struct {
	stdout, stderr io.Writer
	json           bool
}

// linef prints one line of text output (nothing in JSON mode).
func (o output) linef(format string, args ...any) {
	if o.json {
		return
	}
	fmt.Fprintf(o.stdout, format+"\n", args...)
}

// step prints one step of a command as "label  text".
func (o output) step(label, format string, args ...any) {
	o.linef("%-12s %s", label, fmt.Sprintf(format, args...))
}

// writeJSON prints v as indented JSON.
func (o output) writeJSON(v any) error {
	enc := json.NewEncoder(o.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
