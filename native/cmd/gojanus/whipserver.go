package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/whip"
)

// whipConfig is the --config file of whip-server (JSON); the flags add to
// it and override its listen address and token.
type whipConfig struct {
	// Listen is the HTTP address, host:port.
	Listen string `json:"listen,omitempty"`
	// Token is the bearer token of every endpoint without its own.
	Token string `json:"token,omitempty"`
	// ICEServers are announced to the clients (Link headers).
	ICEServers []whip.ICEServer `json:"ice_servers,omitempty"`
	// SetupTimeout reaps resources without a PeerConnection ("30s").
	SetupTimeout string `json:"setup_timeout,omitempty"`
	// Endpoints are the WHIP and WHEP endpoints.
	Endpoints []whipEndpointSpec `json:"endpoints"`
}

// whipEndpointSpec is one endpoint: kind "whip" publishes into Room;
// kind "whep" plays Room's publishers (Display, Feed, or all of them) or
// Mountpoint.
type whipEndpointSpec struct {
	Path       string  `json:"path"`
	Kind       string  `json:"kind"`
	Room       core.ID `json:"room,omitzero"`
	Display    string  `json:"display,omitempty"`
	Feed       core.ID `json:"feed,omitzero"`
	Mountpoint core.ID `json:"mountpoint,omitzero"`
	Pin        string  `json:"pin,omitempty"`
	Token      string  `json:"token,omitempty"`
}

// target says what an endpoint serves, for the output.
func (e whipEndpointSpec) target() string {
	switch {
	case !e.Mountpoint.IsZero():
		return "mountpoint " + e.Mountpoint.String()
	case e.Display != "":
		return fmt.Sprintf("room %s, display %q", e.Room, e.Display)
	case !e.Feed.IsZero():
		return fmt.Sprintf("room %s, feed %s", e.Room, e.Feed)
	}
	return "room " + e.Room.String()
}

// The forms of --whip and --whep, and the keys each takes.
const (
	whipForm = "/PATH=room:ID[,display:NAME][,pin:PIN][,token:T]"
	whipKeys = "room, display, pin, token"
	whepForm = "/PATH=room:ID[,display:NAME|feed:ID][,pin:PIN][,token:T] or /PATH=mountpoint:ID[,pin:PIN][,token:T]"
	whepKeys = "room, display, feed, mountpoint, pin, token"
)

// parseEndpointFlag reads --whip's whipForm or --whep's whepForm.
func parseEndpointFlag(kind, v string) (whipEndpointSpec, error) {
	path, spec, ok := strings.Cut(v, "=")
	e := whipEndpointSpec{Path: path, Kind: kind}
	form, keys := whipForm, whipKeys
	if kind == "whep" {
		form, keys = whepForm, whepKeys
	}
	if !ok || !strings.HasPrefix(path, "/") || spec == "" {
		return e, usagef("--%s %q: want %s", kind, v, form)
	}
	for part := range strings.SplitSeq(spec, ",") {
		key, val, ok := strings.Cut(part, ":")
		if !ok || val == "" {
			return e, usagef("--%s %q: %q is not key:value", kind, v, part)
		}
		switch key {
		case "room":
			e.Room = parseID(val)
		case "display":
			e.Display = val
		case "feed":
			e.Feed = parseID(val)
		case "mountpoint":
			e.Mountpoint = parseID(val)
		case "pin":
			e.Pin = val
		case "token":
			e.Token = val
		default:
			return e, usagef("--%s %q: unknown key %q (%s)", kind, v, key, keys)
		}
	}
	return e, nil
}

// parseICEServerFlag reads URL[,username=U,credential=C].
func parseICEServerFlag(v string) (whip.ICEServer, error) {
	parts := strings.Split(v, ",")
	s := whip.ICEServer{URLs: []string{parts[0]}}
	if !strings.HasPrefix(parts[0], "stun:") && !strings.HasPrefix(parts[0], "turn:") && !strings.HasPrefix(parts[0], "turns:") {
		return s, usagef("--ice-server %q: want a stun:, turn: or turns: URL", v)
	}
	for _, p := range parts[1:] {
		key, val, _ := strings.Cut(p, "=")
		switch key {
		case "username":
			s.Username = val
		case "credential":
			s.Credential = val
		default:
			return s, usagef("--ice-server: unknown key %q (username, credential)", key)
		}
	}
	return s, nil
}

// check finds the mistakes of an endpoint before anything connects.
func (e whipEndpointSpec) check() error {
	switch {
	case e.Kind != "whip" && e.Kind != "whep":
		return usagef("endpoint %s: kind %q: want whip or whep", e.Path, e.Kind)
	case e.Kind == "whip" && !e.Mountpoint.IsZero():
		return usagef("whip endpoint %s: a WHIP endpoint publishes into a room, not a mountpoint", e.Path)
	case e.Kind == "whip" && !e.Feed.IsZero():
		return usagef("whip endpoint %s: feed is for WHEP endpoints (a publisher gets its feed id from the room)", e.Path)
	case e.Room.IsZero() && e.Mountpoint.IsZero():
		return usagef("%s endpoint %s: say room:ID or mountpoint:ID", e.Kind, e.Path)
	case !e.Room.IsZero() && !e.Mountpoint.IsZero():
		return usagef("%s endpoint %s: room and mountpoint exclude each other", e.Kind, e.Path)
	case e.Display != "" && !e.Feed.IsZero():
		return usagef("%s endpoint %s: display and feed exclude each other (each names one publisher)", e.Kind, e.Path)
	case !e.Mountpoint.IsZero() && (e.Display != "" || !e.Feed.IsZero()):
		return usagef("%s endpoint %s: display and feed go with a room, not a mountpoint", e.Kind, e.Path)
	}
	return nil
}

// targetCheck asks Janus whether the rooms and mountpoints of endpoints
// exist, with a VideoRoom and a Streaming handle made when first needed.
type targetCheck struct {
	s  *core.Session
	vr *videoroom.Handle
	st *streaming.Handle
}

// missing names the room or mountpoint of e when it does not exist; ""
// when it does.
func (c *targetCheck) missing(ctx context.Context, e whipEndpointSpec) (string, error) {
	var err error
	if !e.Mountpoint.IsZero() {
		if c.st == nil {
			if c.st, err = streaming.Attach(ctx, c.s); err != nil {
				return "", err
			}
		}
		_, err := c.st.Info(ctx, streaming.InfoRequest{Mountpoint: e.Mountpoint})
		if errors.Is(err, streaming.ErrNoSuchMountpoint) {
			return "mountpoint " + e.Mountpoint.String(), nil
		}
		return "", err
	}
	if c.vr == nil {
		if c.vr, err = videoroom.Attach(ctx, c.s); err != nil {
			return "", err
		}
	}
	ok, err := c.vr.Exists(ctx, e.Room)
	if err != nil || ok {
		return "", err
	}
	return "room " + e.Room.String(), nil
}

// warnMissing prints a warning per endpoint whose room or mountpoint does
// not exist (yet): the server still starts, as they may be made later.
// A failure to ask is a warning too.
func (a *app) warnMissing(ctx context.Context, client *core.Client, endpoints []whipEndpointSpec) {
	warn := func(format string, args ...any) {
		fmt.Fprintf(a.stderr, "gojanus whip-server: warning: "+format+"\n", args...)
	}
	ctx, cancel := a.bounded(ctx)
	defer cancel()
	s, err := client.CreateSession(ctx)
	if err != nil {
		warn("cannot check the rooms and mountpoints: %v", err)
		return
	}
	defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = s.Destroy(c) }()
	check := &targetCheck{s: s}
	for _, e := range endpoints {
		what, err := check.missing(ctx, e)
		switch {
		case err != nil:
			warn("endpoint %s: cannot check its %s: %v", e.Path, e.target(), err)
		case what != "":
			warn("endpoint %s: %s does not exist (yet): its requests fail until it is created", e.Path, what)
		}
	}
}

// register adds the endpoint to h; token is the default bearer token.
func (e whipEndpointSpec) register(h *whip.Handler, token string) error {
	access := whip.Access{Token: e.Token}
	if access.Token == "" {
		access.Token = token
	}
	var err error
	switch {
	case e.Kind == "whip":
		err = h.Publish(e.Path, whip.PublishEndpoint{Access: access, Join: videoroom.JoinRequest{Room: e.Room, Display: e.Display, Pin: e.Pin}})
	case e.Kind == "whep" && !e.Mountpoint.IsZero():
		err = h.Watch(e.Path, whip.WatchEndpoint{Access: access, Watch: streaming.WatchRequest{Mountpoint: e.Mountpoint, Pin: e.Pin}})
	default:
		err = h.Subscribe(e.Path, whip.SubscribeEndpoint{Access: access, Subscription: whip.Subscription{Room: e.Room, Pin: e.Pin, Display: e.Display, Feed: e.Feed}})
	}
	if err != nil {
		return usagef("%v", err)
	}
	return nil
}

func (a *app) whipServerCommand() *cobra.Command {
	var (
		cfgFile, listen, bearer string
		whips, wheps, ice       []string
		setup                   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "whip-server --whip /PATH=room:ID | --whep /PATH=room:ID|mountpoint:ID ...",
		Short: "Serve WHIP (publish into VideoRoom) and WHEP (play VideoRoom or Streaming) over HTTP",
		Long: `Serve WHIP and WHEP endpoints over HTTP, each mapped onto Janus: a WHIP POST
publishes into a VideoRoom room, a WHEP POST subscribes to a room's publishers
or watches a Streaming mountpoint. It runs until interrupted (Ctrl-C, SIGTERM),
then tears every resource down.

  --whip /whip/room1=room:1234[,display:obs][,pin:PIN][,token:T]
  --whep /whep/room1=room:1234[,display:obs|feed:ID][,pin:PIN][,token:T]
  --whep /whep/mp1=mountpoint:1[,pin:PIN][,token:T]

--whip takes the keys room (required), display (the publisher's name), pin
(the room's PIN) and token (this endpoint's bearer token, instead of
--bearer). --whep takes room or mountpoint (one of them), display or feed
(one publisher of the room; without them, all), pin and token. --bearer
(or GOJANUS_BEARER) is the bearer token of the endpoints without one;
--token is Janus's. A room or mountpoint that does not exist at startup is
a warning: it may be created later.

A WHEP endpoint over a room is offered by Janus (POST without a body, PATCH
the answer); over a mountpoint it takes the player's offer (Janus 1.1.4 and
later) or offers itself. --config reads the same from a JSON file:
{"listen": "127.0.0.1:8080", "token": "...", "ice_servers": [{"urls":
["stun:..."]}], "endpoints": [{"path": "/whip/room1", "kind": "whip",
"room": 1234}, {"path": "/whep/mp1", "kind": "whep", "mountpoint": 1}]}`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			var cfg whipConfig
			if cfgFile != "" {
				b, err := os.ReadFile(cfgFile)
				if err != nil {
					return usagef("--config: %v", err)
				}
				dec := json.NewDecoder(strings.NewReader(string(b)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&cfg); err != nil {
					return usagef("--config %s: %v", cfgFile, err)
				}
			}
			if a.changed("listen") || cfg.Listen == "" {
				cfg.Listen = listen
			}
			// --bearer, then the file's token, then GOJANUS_BEARER.
			if a.changed("bearer") || cfg.Token == "" {
				cfg.Token = a.bearer(bearer)
			}
			for kind, list := range map[string][]string{"whip": whips, "whep": wheps} {
				for _, v := range list {
					e, err := parseEndpointFlag(kind, v)
					if err != nil {
						return err
					}
					cfg.Endpoints = append(cfg.Endpoints, e)
				}
			}
			for _, v := range ice {
				s, err := parseICEServerFlag(v)
				if err != nil {
					return err
				}
				cfg.ICEServers = append(cfg.ICEServers, s)
			}
			if cfg.SetupTimeout != "" && !a.changed("setup-timeout") {
				d, err := time.ParseDuration(cfg.SetupTimeout)
				if err != nil {
					return usagef("--config: setup_timeout: %v", err)
				}
				setup = d
			}
			if len(cfg.Endpoints) == 0 {
				return usagef("no endpoint: give --whip, --whep or --config")
			}
			for _, e := range cfg.Endpoints {
				if err := e.check(); err != nil {
					return err
				}
			}
			client, err := a.dial(ctx, core.WithReconnect(core.ReconnectPolicy{Initial: 250 * time.Millisecond, Max: 5 * time.Second, Multiplier: 2, Jitter: 0.2}))
			if err != nil {
				return err
			}
			defer client.Close()
			a.warnMissing(ctx, client, cfg.Endpoints)
			// The handler's line per resource created and ended is at
			// info level: shown unless --log-level says otherwise.
			logLevel := a.g.level
			if !a.changed("log-level") {
				logLevel = min(logLevel, slog.LevelInfo)
			}
			h := whip.New(client, whip.Options{ICEServers: cfg.ICEServers, SetupTimeout: setup, RequestTimeout: a.g.timeout, Logger: a.loggerAt(logLevel)})
			for _, e := range cfg.Endpoints {
				if err := e.register(h, cfg.Token); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", cfg.Listen)
			if errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EACCES) {
				return &cliError{kind: kindFailure, err: fmt.Errorf("--listen %s: %w", cfg.Listen, err),
					hint: "another program holds that address, or it is not this machine's: pick another with --listen"}
			}
			if err != nil {
				return usagef("--listen %s: %v", cfg.Listen, err)
			}
			out := a.out()
			start := time.Now()
			base := "http://" + ln.Addr().String()
			out.step("listening", "%s", base)
			sum := WhipServerOutput{Server: core.RedactURL(a.g.server), Listen: ln.Addr().String()}
			for _, e := range cfg.Endpoints {
				out.step(e.Kind, "%s%s -> %s", base, e.Path, e.target())
				sum.Endpoints = append(sum.Endpoints, WhipEndpoint{Path: e.Path, Kind: e.Kind, Target: e.target(), Token: e.Token != "" || cfg.Token != ""})
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			select {
			case <-ctx.Done():
			case err = <-served:
			}
			c, cancel := cleanupContext(context.WithoutCancel(ctx))
			defer cancel()
			_ = srv.Shutdown(c)
			_ = h.Close(c)
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			sum.DurationMS = time.Since(start).Milliseconds()
			return out.result(sum, func() { out.step("stopped", "after %v", time.Since(start).Round(time.Second)) })
		}),
	}
	f := cmd.Flags()
	f.StringVar(&cfgFile, "config", "", "JSON `file` with listen, token, ice_servers, setup_timeout and endpoints")
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "HTTP `address` to listen on")
	f.StringArrayVar(&whips, "whip", nil, "WHIP endpoint `/PATH=KEYS`, keys room, display, pin, token (repeatable; see above)")
	f.StringArrayVar(&wheps, "whep", nil, "WHEP endpoint `/PATH=KEYS`, keys room or mountpoint, display or feed, pin, token (repeatable; see above)")
	bearerFlag(f, &bearer, "HTTP clients must send to every endpoint without a token of its own", "--token is Janus's")
	f.StringArrayVar(&ice, "ice-server", nil, "ICE server for the clients: `URL`[,username=U,credential=C] (repeatable)")
	durationFlag(f, &setup, "setup-timeout", 30*time.Second, "reap a resource whose PeerConnection is not up after this long")
	return cmd
}
