// Package doccheck holds a test that every exported name in the module
// has a doc comment.
package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gojanus/gojanus/internal/janustest"
)

// TestExportedNamesHaveDocComments parses every non-test Go file outside
// testdata and node_modules and reports exported declarations (types,
// functions, methods, and top-level constants and variables) without a
// doc comment. Grouped constants and variables are covered by the group's
// comment.
func TestExportedNamesHaveDocComments(t *testing.T) {
	root := janustest.ModuleRoot(t)
	fset := token.NewFileSet()
	var missing []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", ".git", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil // commands document themselves through their usage text
		}
		rel, _ := filepath.Rel(root, path)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Doc == nil && receiverExported(d) {
					missing = append(missing, rel+": func "+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && d.Doc == nil && s.Doc == nil {
							missing = append(missing, rel+": type "+s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() && d.Doc == nil && s.Doc == nil && s.Comment == nil {
								missing = append(missing, rel+": "+n.Name)
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("exported name without doc comment: %s", m)
	}
}

// receiverExported reports whether a method's receiver type is exported
// (methods of unexported types do not show in go doc).
func receiverExported(d *ast.FuncDecl) bool {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return true
	}
	typ := d.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return !ok || id.IsExported()
}

// TestREADMEGoSnippetsNameExistingAPI checks the Go snippets of README.md
// (fragments, which do not compile alone) against the module's API: every
// qualified name in them (videoroom.CreateRequest, core.ErrTimeout,
// native.NewPeer...) of a package of the module must be exported by that
// package, so that a rename cannot leave the README behind.
func TestREADMEGoSnippetsNameExistingAPI(t *testing.T) {
	root := janustest.ModuleRoot(t)
	packages := map[string]string{ // name in snippets -> folder
		"core": "core", "native": "native", "videoroom": "core/videoroom", "echotest": "core/echotest",
		"streaming": "core/streaming", "audiobridge": "core/audiobridge", "textroom": "core/textroom",
		"videocall": "core/videocall", "transport": "core/transport", "recordplay": "core/recordplay",
	}
	exported := map[string]map[string]bool{}
	for name, dir := range packages {
		exported[name] = exportedNames(t, filepath.Join(root, dir))
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("no Go snippet in README.md")
	}
	selector := regexp.MustCompile(`\b([a-z]+)\.([A-Z][A-Za-z0-9_]*)`)
	checked := 0
	for _, b := range blocks {
		for _, m := range selector.FindAllSubmatch(b[1], -1) {
			pkg, name := string(m[1]), string(m[2])
			names, ok := exported[pkg]
			if !ok {
				continue // a variable's field or method, or another module's package
			}
			checked++
			if !names[name] {
				t.Errorf("README.md names %s.%s, which package %s does not export", pkg, name, pkg)
			}
		}
	}
	t.Logf("%d qualified names in %d Go snippets checked", checked, len(blocks))
}

// exportedNames returns the exported top-level names of the package in dir
// (non-test files, any build constraint).
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			}
		}
	}
	return names
}
