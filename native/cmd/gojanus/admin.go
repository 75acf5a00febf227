package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/gojanus/gojanus/core"
)

func setupAdmin(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	server := fs.String("admin-server", "ws://127.0.0.1:7188", "admin API `URL` (ws://... or http://.../admin)")
	secret := fs.String("admin-secret", "", "admin API `secret` (admin_secret)")
	var args []string
	common.args = &args
	return func(ctx context.Context, out output) error {
		if len(args) == 0 {
			return errors.New("say what to do: sessions, handles SESSION, handle-info SESSION HANDLE, tokens")
		}
		a, err := core.DialAdmin(ctx, *server, core.WithAdminSecret(*secret), core.WithTransactionTimeout(common.timeout))
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		defer a.Close()
		ids := func(n int) ([]uint64, error) {
			if len(args) != n+1 {
				return nil, fmt.Errorf("%s takes %d id(s)", args[0], n)
			}
			out := make([]uint64, n)
			for i := range n {
				v, err := strconv.ParseUint(args[i+1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("bad id %q", args[i+1])
				}
				out[i] = v
			}
			return out, nil
		}
		switch args[0] {
		case "sessions":
			sessions, err := a.ListSessions(ctx)
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(map[string]any{"sessions": nonNil(sessions)})
			}
			out.step("sessions", "%d", len(sessions))
			for _, s := range sessions {
				out.linef("  %d", s)
			}
		case "handles":
			id, err := ids(1)
			if err != nil {
				return err
			}
			handles, err := a.ListHandles(ctx, id[0])
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(map[string]any{"session": id[0], "handles": nonNil(handles)})
			}
			out.step("handles", "%d in session %d", len(handles), id[0])
			for _, h := range handles {
				out.linef("  %d", h)
			}
		case "handle-info":
			id, err := ids(2)
			if err != nil {
				return err
			}
			hi, err := a.HandleInfo(ctx, id[0], id[1])
			if err != nil {
				return err
			}
			if out.json {
				return out.writeJSON(json.RawMessage(hi.Raw))
			}
			out.step("handle", "%d in session %d", hi.HandleID, hi.SessionID)
			out.step("plugin", "%s", hi.Plugin)
			if hi.OpaqueID != "" {
				out.step("opaque id", "%s", hi.OpaqueID)
			}
			for flag, on := range hi.Flags {
				if on {
					out.step("flag", "%s", flag)
				}
			}
		case "tokens":
			return adminTokens(ctx, a, args[1:], out)
		default:
			return fmt.Errorf("unknown admin request %q (sessions, handles, handle-info, tokens)", args[0])
		}
		return nil
	}
}

func adminTokens(ctx context.Context, a *core.Admin, args []string, out output) error {
	if len(args) > 0 {
		switch {
		case args[0] == "add" && len(args) >= 2:
			plugins, err := a.AddToken(ctx, args[1], args[2:]...)
			if err != nil {
				return err
			}
			out.step("added", "token for %d plugin(s)", len(plugins))
		case args[0] == "remove" && len(args) == 2:
			if err := a.RemoveToken(ctx, args[1]); err != nil {
				return err
			}
			out.step("removed", "token")
		default:
			return errors.New("tokens takes: add TOKEN [PLUGIN...] | remove TOKEN")
		}
	}
	tokens, err := a.ListTokens(ctx)
	if err != nil {
		return err
	}
	if out.json {
		return out.writeJSON(map[string]any{"tokens": nonNil(tokens)})
	}
	out.step("tokens", "%d", len(tokens))
	for _, t := range tokens {
		out.linef("  %s  %v", t.Token, t.AllowedPlugins)
	}
	return nil
}

// nonNil makes a nil list print as [] in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
