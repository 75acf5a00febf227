package main

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
)

func (a *app) adminCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Use the admin API: sessions, handles, handle info, tokens",
		Long: `Use the Janus admin API (--admin-server, default ws://127.0.0.1:7188, or
http://host:7088/admin) with the admin secret (--admin-secret or
GOJANUS_ADMIN_SECRET).`,
		Args: groupArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.needSubcommand(cmd, "say what to do: sessions, handles, handle-info or tokens")
		},
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "sessions",
			Short: "List the server's sessions",
			Args:  noArgs,
			RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, _ []uint64, _ []string) error {
				ids, err := adm.ListSessions(ctx)
				if err != nil {
					return err
				}
				out := a.out()
				return out.result(SessionsOutput{SessionIDs: nonNil(ids)}, func() {
					out.step("sessions", "%d", len(ids))
					for _, id := range ids {
						out.linef("  %d", id)
					}
				})
			}, "sessions", 0),
		},
		&cobra.Command{
			Use:   "handles SESSION",
			Short: "List the handles of a session",
			Args:  exactArgs("SESSION"),
			RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, ids []uint64, _ []string) error {
				handles, err := adm.ListHandles(ctx, ids[0])
				if err != nil {
					return err
				}
				out := a.out()
				return out.result(HandlesOutput{SessionID: ids[0], HandleIDs: nonNil(handles)}, func() {
					out.step("handles", "%d in session %d", len(handles), ids[0])
					for _, h := range handles {
						out.linef("  %d", h)
					}
				})
			}, "handles", 1),
		},
		&cobra.Command{
			Use:   "handle-info SESSION HANDLE",
			Short: "Show the state of a handle (Janus's whole answer under \"raw\" with --json)",
			Args:  exactArgs("SESSION", "HANDLE"),
			RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, ids []uint64, _ []string) error {
				hi, err := adm.HandleInfo(ctx, ids[0], ids[1])
				if err != nil {
					return err
				}
				flags := []string{}
				for _, name := range slices.Sorted(maps.Keys(hi.Flags)) {
					if hi.Flags[name] {
						flags = append(flags, name)
					}
				}
				sum := HandleInfoOutput{SessionID: hi.SessionID, HandleID: hi.HandleID, Plugin: hi.Plugin,
					OpaqueID: hi.OpaqueID, Flags: flags, Raw: hi.Raw}
				out := a.out()
				return out.result(sum, func() {
					out.step("handle", "%d in session %d", hi.HandleID, hi.SessionID)
					out.step("plugin", "%s", hi.Plugin)
					if hi.OpaqueID != "" {
						out.step("opaque id", "%s", hi.OpaqueID)
					}
					for _, f := range flags {
						out.step("flag", "%s", f)
					}
				})
			}, "handle-info", 2),
		},
		a.tokensCommand(),
	)
	return cmd
}

// adminAction connects to the admin API, parses the first n arguments as
// numeric ids, and runs fn with the rest.
func (a *app) adminAction(fn func(ctx context.Context, adm *core.Admin, ids []uint64, rest []string) error, name string, n int) func(*cobra.Command, []string) error {
	return a.action(func(ctx context.Context, args []string) error {
		ids := make([]uint64, n)
		for i := range n {
			v, err := strconv.ParseUint(args[i], 10, 64)
			if err != nil {
				return usagef("admin %s: %q is not a session or handle id (a positive number)", name, args[i])
			}
			ids[i] = v
		}
		ctx, cancel := a.bounded(ctx)
		defer cancel()
		adm, err := a.dialAdmin(ctx)
		if err != nil {
			return err
		}
		defer adm.Close()
		return adminHint(fn(ctx, adm, ids, args[n:]))
	})
}

func (a *app) tokensCommand() *cobra.Command {
	list := func(ctx context.Context, adm *core.Admin, sum TokensOutput) error {
		tokens, err := adm.ListTokens(ctx)
		if err != nil {
			return err
		}
		sum.Tokens = []Token{}
		for _, t := range tokens {
			sum.Tokens = append(sum.Tokens, Token{Token: t.Token, Plugins: nonNil(t.AllowedPlugins)})
		}
		out := a.out()
		return out.result(sum, func() {
			if sum.Added != "" {
				out.step("added", "token %s", sum.Added)
			}
			if sum.Removed != "" {
				out.step("removed", "token %s", sum.Removed)
			}
			out.step("tokens", "%d", len(sum.Tokens))
			for _, t := range sum.Tokens {
				out.linef("  %s  %v", t.Token, t.Plugins)
			}
		})
	}
	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the stored tokens",
		Args:  noArgs,
		RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, _ []uint64, _ []string) error {
			return list(ctx, adm, TokensOutput{})
		}, "tokens list", 0),
	}
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "Manage the tokens of token-based authentication (token_auth); alone, lists them",
		Args:  noArgs,
		RunE:  listCmd.RunE,
	}
	cmd.AddCommand(listCmd,
		&cobra.Command{
			Use:   "add TOKEN [PLUGIN...]",
			Short: "Store a token, allowed to use the plugins named (default: every plugin)",
			Args: func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return usagef("%s takes a TOKEN, then the plugins it may use (default: every plugin)", cmd.CommandPath())
				}
				return nil
			},
			RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, _ []uint64, args []string) error {
				if _, err := adm.AddToken(ctx, args[0], args[1:]...); err != nil {
					return err
				}
				return list(ctx, adm, TokensOutput{Added: args[0]})
			}, "tokens add", 0),
		},
		&cobra.Command{
			Use:   "remove TOKEN",
			Short: "Remove a token",
			Args:  exactArgs("TOKEN"),
			RunE: a.adminAction(func(ctx context.Context, adm *core.Admin, _ []uint64, args []string) error {
				if err := adm.RemoveToken(ctx, args[0]); err != nil {
					return err
				}
				return list(ctx, adm, TokensOutput{Removed: args[0]})
			}, "tokens remove", 0),
		},
	)
	return cmd
}

// adminHint adds to a refused admin request that the admin secret is
// --admin-secret.
func adminHint(err error) error {
	if errors.Is(err, core.ErrUnauthorized) {
		return &cliError{kind: kindJanus, err: err,
			hint: "the admin API wants its secret: --admin-secret (or GOJANUS_ADMIN_SECRET), the admin_secret of janus.jcfg"}
	}
	return err
}
