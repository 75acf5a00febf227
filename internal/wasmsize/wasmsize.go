// Package wasmsize tells where the bytes of a Go WebAssembly module go:
// the size of each section, and the code of each Go package, read from the
// module's "name" section (so the module must be built without -ldflags=-s).
// mage wasmSize prints its table; the README keeps one.
package wasmsize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// Report is the breakdown of one module.
type Report struct {
	// Total is the size of the module in bytes.
	Total int
	// Sections are the bytes of each section, by name ("code", "data",
	// "name", ...; custom sections by their own name).
	Sections map[string]int
	// Packages are the code bytes of each Go package (function bodies),
	// largest first.
	Packages []Package
	// Unnamed is the code of functions the name section does not name.
	Unnamed int
}

// Package is the code of one Go package.
type Package struct {
	Path      string
	Bytes     int
	Functions int
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}

// Analyze reads a WebAssembly module. pkgs are the import paths of the
// packages linked into it (go list -deps): Go's wasm linker writes symbol
// names with every "/" turned into "_", so the package of a name is found
// by matching these paths; names that match none are grouped by what comes
// before their first dot.
func Analyze(module []byte, pkgs []string) (*Report, error) {
	if len(module) < 8 || !bytes.Equal(module[:4], []byte("\x00asm")) {
		return nil, errors.New("wasmsize: not a WebAssembly module")
	}
	r := &Report{Total: len(module), Sections: map[string]int{}}
	var (
		imported  int      // imported functions come first in the index space
		bodies    []int    // sizes of the defined functions' bodies
		funcNames []string // by function index
	)
	rd := bytes.NewReader(module[8:])
	for rd.Len() > 0 {
		id, err := rd.ReadByte()
		if err != nil {
			return nil, err
		}
		size, err := binary.ReadUvarint(rd)
		if err != nil {
			return nil, err
		}
		if size > uint64(rd.Len()) {
			return nil, fmt.Errorf("wasmsize: section %d runs past the end", id)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(rd, body); err != nil {
			return nil, err
		}
		name := sectionNames[id]
		switch id {
		case 0:
			n, rest, err := readName(body)
			if err != nil {
				return nil, err
			}
			name = "custom " + n
			if n == "name" {
				if funcNames, err = functionNames(rest); err != nil {
					return nil, err
				}
			}
		case 2:
			if imported, err = countFuncImports(body); err != nil {
				return nil, err
			}
		case 10:
			if bodies, err = codeSizes(body); err != nil {
				return nil, err
			}
		}
		r.Sections[name] += int(size)
	}
	m := newMatcher(pkgs)
	byPkg := map[string]*Package{}
	for i, n := range bodies {
		idx := imported + i
		if idx >= len(funcNames) || funcNames[idx] == "" {
			r.Unnamed += n
			continue
		}
		path := m.packageOf(funcNames[idx])
		p := byPkg[path]
		if p == nil {
			p = &Package{Path: path}
			byPkg[path] = p
		}
		p.Bytes += n
		p.Functions++
	}
	for _, p := range byPkg {
		r.Packages = append(r.Packages, *p)
	}
	slices.SortFunc(r.Packages, func(a, b Package) int {
		if a.Bytes != b.Bytes {
			return b.Bytes - a.Bytes
		}
		return strings.Compare(a.Path, b.Path)
	})
	return r, nil
}

// matcher finds the package of a mangled symbol name.
type matcher struct {
	byMangled map[string]string // "encoding_json" -> "encoding/json"
}

func newMatcher(pkgs []string) matcher {
	m := matcher{byMangled: map[string]string{}}
	for _, p := range pkgs {
		m.byMangled[strings.ReplaceAll(p, "/", "_")] = p
	}
	return m
}

// packageOf returns the package of a symbol such as
// "github.com_x_y.__T_.M" (github.com/x/y) or "encoding_json.Marshal": the
// longest known package followed by a dot, else the part before the first
// dot that does not belong to a host name.
func (m matcher) packageOf(sym string) string {
	best := ""
	for i := 0; i < len(sym); i++ {
		if sym[i] != '.' {
			continue
		}
		if p, ok := m.byMangled[sym[:i]]; ok {
			best = p
		}
	}
	if best != "" {
		return best
	}
	if i := strings.IndexByte(sym, '.'); i >= 0 {
		return sym[:i]
	}
	return sym
}

func readName(b []byte) (string, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return "", nil, errors.New("wasmsize: bad name")
	}
	return string(b[k : k+int(n)]), b[k+int(n):], nil
}

// countFuncImports counts the function imports of the import section.
func countFuncImports(b []byte) (int, error) {
	rd := bytes.NewReader(b)
	count, err := binary.ReadUvarint(rd)
	if err != nil {
		return 0, err
	}
	funcs := 0
	for range count {
		for range 2 { // module and field names
			n, err := binary.ReadUvarint(rd)
			if err != nil {
				return 0, err
			}
			if _, err := rd.Seek(int64(n), io.SeekCurrent); err != nil {
				return 0, err
			}
		}
		kind, err := rd.ReadByte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // function: type index
			funcs++
			_, err = binary.ReadUvarint(rd)
		case 1: // table: element type, limits
			if _, err = rd.ReadByte(); err == nil {
				err = skipLimits(rd)
			}
		case 2: // memory: limits
			err = skipLimits(rd)
		case 3: // global: value type, mutability
			_, err = rd.Seek(2, io.SeekCurrent)
		default:
			err = fmt.Errorf("wasmsize: unknown import kind %d", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func skipLimits(rd *bytes.Reader) error {
	flags, err := rd.ReadByte()
	if err != nil {
		return err
	}
	if _, err := binary.ReadUvarint(rd); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = binary.ReadUvarint(rd)
	}
	return err
}

// codeSizes returns the size of each function body of the code section.
func codeSizes(b []byte) ([]int, error) {
	rd := bytes.NewReader(b)
	count, err := binary.ReadUvarint(rd)
	if err != nil {
		return nil, err
	}
	sizes := make([]int, 0, count)
	for range count {
		n, err := binary.ReadUvarint(rd)
		if err != nil {
			return nil, err
		}
		if _, err := rd.Seek(int64(n), io.SeekCurrent); err != nil {
			return nil, err
		}
		sizes = append(sizes, int(n))
	}
	return sizes, nil
}

// functionNames reads the function-name subsection of a "name" section.
func functionNames(b []byte) ([]string, error) {
	for len(b) > 0 {
		id := b[0]
		size, k := binary.Uvarint(b[1:])
		if k <= 0 || uint64(len(b)-1-k) < size {
			return nil, errors.New("wasmsize: bad name subsection")
		}
		sub := b[1+k : 1+k+int(size)]
		b = b[1+k+int(size):]
		if id != 1 {
			continue
		}
		rd := bytes.NewReader(sub)
		count, err := binary.ReadUvarint(rd)
		if err != nil {
			return nil, err
		}
		var names []string
		for range count {
			idx, err := binary.ReadUvarint(rd)
			if err != nil {
				return nil, err
			}
			n, err := binary.ReadUvarint(rd)
			if err != nil {
				return nil, err
			}
			s := make([]byte, n)
			if _, err := io.ReadFull(rd, s); err != nil {
				return nil, err
			}
			for uint64(len(names)) <= idx {
				names = append(names, "")
			}
			names[idx] = string(s)
		}
		return names, nil
	}
	return nil, nil
}

// Group sums packages into the groups a reader cares about: the module's
// own packages one by one, the standard library by top-level tree
// ("net/..." for net and everything below it, "runtime, sync, internal/..."
// together), and other modules by module path.
func Group(pkgs []Package, module string) []Package {
	sums := map[string]*Package{}
	for _, p := range pkgs {
		g := groupOf(p.Path, module)
		s := sums[g]
		if s == nil {
			s = &Package{Path: g}
			sums[g] = s
		}
		s.Bytes += p.Bytes
		s.Functions += p.Functions
	}
	var out []Package
	for _, s := range sums {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Package) int {
		if a.Bytes != b.Bytes {
			return b.Bytes - a.Bytes
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

func groupOf(path, module string) string {
	switch {
	case path == module || strings.HasPrefix(path, module+"/"):
		return path
	case strings.HasPrefix(path, "runtime") || strings.HasPrefix(path, "internal/") || path == "sync" || strings.HasPrefix(path, "sync/"):
		return "runtime, sync, internal/..."
	case path == "type_":
		return "compiler-generated (type equality and hashing)"
	case strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
		// Another module: its first three elements (host/owner/repo).
		parts := strings.SplitN(path, "/", 4)
		return strings.Join(parts[:min(3, len(parts))], "/")
	case path == "main":
		return "main (the JavaScript bridge)"
	}
	top, _, _ := strings.Cut(path, "/")
	if _, sub := subtrees[top]; sub {
		return top + "/..."
	}
	return top
}

// subtrees are the standard library's top-level packages with packages
// below them that a wasm build may link.
var subtrees = map[string]struct{}{
	"log": {}, "encoding": {}, "syscall": {}, "net": {}, "crypto": {}, "math": {},
	"unicode": {}, "compress": {}, "hash": {}, "io": {}, "regexp": {}, "mime": {},
	"text": {}, "html": {}, "container": {}, "go": {}, "image": {}, "archive": {},
	"vendor": {}, "debug": {}, "path": {}, "os": {},
}

// Table formats the report as Markdown: the sections, then the groups of
// Group, in KB.
func (r *Report) Table(module string, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| part | KB |\n|---|---:|\n")
	names := make([]string, 0, len(r.Sections))
	for n := range r.Sections {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return r.Sections[b] - r.Sections[a] })
	for _, n := range names {
		if r.Sections[n] >= 1024 {
			fmt.Fprintf(&b, "| section %s | %s |\n", n, kb(r.Sections[n]))
		}
	}
	fmt.Fprintf(&b, "| **whole module** | **%s** |\n\n", kb(r.Total))
	fmt.Fprintf(&b, "| code of | KB | functions |\n|---|---:|---:|\n")
	groups := Group(r.Packages, module)
	other, otherN := 0, 0
	for i, g := range groups {
		if rows > 0 && i >= rows {
			other += g.Bytes
			otherN += g.Functions
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d |\n", g.Path, kb(g.Bytes), g.Functions)
	}
	if other > 0 {
		fmt.Fprintf(&b, "| everything else | %s | %d |\n", kb(other), otherN)
	}
	return b.String()
}

func kb(n int) string { return fmt.Sprintf("%.0f", float64(n)/1024) }

// Build analyzes the module file, built from the Go package pkg for
// GOOS=js GOARCH=wasm without -ldflags=-s, and returns the Markdown table
// of Report.Table (the 25 largest groups).
func Build(file, pkg string) (string, error) {
	module, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	deps, err := Deps(pkg)
	if err != nil {
		return "", err
	}
	r, err := Analyze(module, deps)
	if err != nil {
		return "", err
	}
	return r.Table(Module, 25), nil
}

// Module is this module's path: its packages are listed one by one.
const Module = "github.com/gojanus/gojanus"

// Deps lists the packages linked into the js/wasm build of pkg.
func Deps(pkg string) ([]string, error) {
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		return nil, fmt.Errorf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out)), nil
}
