package main

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
)

func (a *app) infoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the server's version, settings, transports and plugins",
		Args:  noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			ctx, cancel := a.bounded(ctx)
			defer cancel()
			client, err := a.dial(ctx)
			if err != nil {
				return err
			}
			defer client.Close()
			info, err := client.Info(ctx)
			if err != nil {
				return err
			}
			sum := InfoOutput{
				Server:           core.RedactURL(a.g.server),
				Transport:        transportName(a.g.server),
				Name:             info.Name,
				ServerName:       info.ServerName,
				Version:          info.VersionString,
				VersionNumber:    info.Version,
				SessionTimeoutMS: (time.Duration(info.SessionTimeout) * time.Second).Milliseconds(),
				APISecret:        info.APISecret,
				AuthToken:        info.AuthToken,
				Transports:       modules(info.Transports),
				Plugins:          modules(info.Plugins),
			}
			out := a.out()
			return out.result(sum, func() {
				out.linef("server:          %s", sum.Server)
				out.linef("name:            %s (server name %q)", sum.Name, sum.ServerName)
				out.linef("version:         %s (%d)", sum.Version, sum.VersionNumber)
				if info.SessionTimeout > 0 {
					out.linef("session timeout: %d s", info.SessionTimeout)
				} else {
					out.linef("session timeout: none")
				}
				out.linef("api secret:      %s, auth token: %s", required(sum.APISecret), required(sum.AuthToken))
				printModules(out, "transports", sum.Transports)
				printModules(out, "plugins", sum.Plugins)
			})
		}),
	}
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// exactArgs wants n positional arguments, named in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s takes %d argument(s): %v, got %d", cmd.CommandPath(), len(names), names, len(args))
		}
		return nil
	}
}

func required(b bool) string {
	if b {
		return "required"
	}
	return "not required"
}

// modules turns a module map into a list sorted by package name.
func modules(m map[string]core.ModuleInfo) []Module {
	list := make([]Module, 0, len(m))
	for _, pkg := range slices.Sorted(maps.Keys(m)) {
		list = append(list, Module{Package: pkg, Name: m[pkg].Name, Version: m[pkg].VersionString})
	}
	return list
}

func printModules(out output, title string, list []Module) {
	out.linef("%s (%d):", title, len(list))
	width := 0
	for _, m := range list {
		width = max(width, len(m.Package))
	}
	for _, m := range list {
		out.linef("  %-*s  %s %s", width, m.Package, m.Name, m.Version)
	}
}

// packageNames returns the package names of a module list.
func packageNames(list []Module) []string {
	names := make([]string, len(list))
	for i, m := range list {
		names[i] = m.Package
	}
	return names
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
