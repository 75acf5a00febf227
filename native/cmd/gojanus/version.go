package main

import (
	"context"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it the module version of the build (or "devel") is used.
var version = ""

// versionInfo describes this build.
func versionInfo() VersionOutput {
	v := VersionOutput{Version: version, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	return v
}

// versionString is the one-line version (gojanus --version).
func versionString() string {
	v := versionInfo()
	s := v.Version
	if v.Commit != "" {
		s += " (" + v.Commit[:min(12, len(v.Commit))] + ")"
	}
	return s + " " + v.Go
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the version of gojanus",
		Args:  noArgs,
		RunE: a.action(func(context.Context, []string) error {
			out := a.out()
			return out.result(versionInfo(), func() { out.linef("gojanus %s", versionString()) })
		}),
	}
}
