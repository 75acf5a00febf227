package main

import (
	"go/parser"
	"go/token"
	"io"
	"regexp"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestPackageDocNamesEveryCommand keeps the package comment (go doc) in
// step with the command tree: every command, subcommand and global flag
// is named in it.
func TestPackageDocNamesEveryCommand(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("main.go has no package comment")
	}
	doc := f.Doc.Text()
	named := func(word string) bool {
		return regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(word) + `($|[^\w-])`).MatchString(doc)
	}
	root := newApp(io.Discard, io.Discard).rootCommand()
	var walk func(prefix string, c *cobra.Command)
	walk = func(prefix string, c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			if !named(sub.Name()) {
				t.Errorf("the package comment does not name the command %q", prefix+sub.Name())
			}
			walk(prefix+sub.Name()+" ", sub)
		}
	}
	walk("", root)
	root.PersistentFlags().VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && !named("--"+fl.Name) {
			t.Errorf("the package comment does not name the global flag --%s", fl.Name)
		}
	})
}
