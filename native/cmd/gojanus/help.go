package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// helpCommand is "gojanus help [command...]": the help of a command, and
// a usage error for a topic that is not one (cobra's own prints the root
// help and succeeds).
func (a *app) helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: a.action(func(_ context.Context, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return usagef("no help topic %q: the commands are listed by gojanus help", strings.Join(args, " "))
			}
			return target.Help()
		}),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			target, _, err := root.Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, c := range target.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name()+"\t"+c.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// completionCommand is "gojanus completion SHELL": the completion script
// of a shell, and a usage error for any other word (cobra's own prints
// help and succeeds).
func (a *app) completionCommand(root *cobra.Command) *cobra.Command {
	shells := map[string]func() error{
		"bash":       func() error { return root.GenBashCompletionV2(a.stdout, true) },
		"zsh":        func() error { return root.GenZshCompletion(a.stdout) },
		"fish":       func() error { return root.GenFishCompletion(a.stdout, true) },
		"powershell": func() error { return root.GenPowerShellCompletionWithDesc(a.stdout) },
	}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script (source <(gojanus completion bash))",
		Long: `Print the completion script of a shell: it completes commands, flags and
room ids (asked of the server). For the current shell:

  source <(gojanus completion bash)        # or zsh
  gojanus completion fish | source

or save it where the shell loads completions from.`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || shells[args[0]] == nil {
				return usagef("say which shell: bash, zsh, fish or powershell")
			}
			return nil
		},
		RunE: a.action(func(_ context.Context, args []string) error { return shells[args[0]]() }),
	}
}
