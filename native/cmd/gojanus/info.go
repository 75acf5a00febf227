package main

import (
	"context"
	"flag"
	"maps"
	"slices"

	"github.com/gojanus/gojanus/core"
)

// module is a transport or plugin in the JSON output.
type module struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// infoSummary is the JSON output of "gojanus info".
type infoSummary struct {
	Server         string   `json:"server"`
	Transport      string   `json:"transport"`
	Name           string   `json:"name"`
	ServerName     string   `json:"server_name"`
	Version        string   `json:"version"`
	VersionNumber  int      `json:"version_number"`
	SessionTimeout int      `json:"session_timeout"`
	APISecret      bool     `json:"api_secret"`
	AuthToken      bool     `json:"auth_token"`
	Transports     []module `json:"transports"`
	Plugins        []module `json:"plugins"`
}

func setupInfo(_ *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	return func(ctx context.Context, out output) error {
		client, err := common.dial(ctx, out.stderr)
		if err != nil {
			return err
		}
		defer client.Close()
		info, err := client.Info(ctx)
		if err != nil {
			return err
		}
		sum := infoSummary{
			Server:         common.server,
			Transport:      transportName(common.server),
			Name:           info.Name,
			ServerName:     info.ServerName,
			Version:        info.VersionString,
			VersionNumber:  info.Version,
			SessionTimeout: info.SessionTimeout,
			APISecret:      info.APISecret,
			AuthToken:      info.AuthToken,
			Transports:     modules(info.Transports),
			Plugins:        modules(info.Plugins),
		}
		if out.json {
			return out.writeJSON(sum)
		}
		out.linef("server:          %s", sum.Server)
		out.linef("name:            %s (server name %q)", sum.Name, sum.ServerName)
		out.linef("version:         %s (%d)", sum.Version, sum.VersionNumber)
		if sum.SessionTimeout > 0 {
			out.linef("session timeout: %d s", sum.SessionTimeout)
		} else {
			out.linef("session timeout: none")
		}
		out.linef("api secret:      %s, auth token: %s", required(sum.APISecret), required(sum.AuthToken))
		printModules(out, "transports", sum.Transports)
		printModules(out, "plugins", sum.Plugins)
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
func modules(m map[string]core.ModuleInfo) []module {
	list := make([]module, 0, len(m))
	for _, pkg := range slices.Sorted(maps.Keys(m)) {
		list = append(list, module{Package: pkg, Name: m[pkg].Name, Version: m[pkg].VersionString})
	}
	return list
}

func printModules(out output, title string, list []module) {
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
func packageNames(list []module) []string {
	names := make([]string, len(list))
	for i, m := range list {
		names[i] = m.Package
	}
	return names
}
