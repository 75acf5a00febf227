// Package testreport reads the output of `go test -v` as it streams by and
// keeps what the reader of a cut log needs at its end: which tests failed,
// in which package, and their first error lines.
//
// CI systems often show only the last lines of a run. The go tool ends a
// failed run with a bare "FAIL", hundreds of lines after the failing test;
// the build's own error then says which tests those were.
package testreport

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Failure is one failed test, or a package that failed outside its tests
// (a build error, a panic in TestMain, a leak check).
type Failure struct {
	// Package is the import path, as the go tool's FAIL line names it.
	Package string
	// Test is the test's full name ("TestX/sub"), or "" for a package
	// that failed outside its tests.
	Test string
	// Detail holds the failure's first lines: testify's Error and Messages,
	// a panic, or else the test's last log lines.
	Detail []string
}

// Collector is an io.Writer that parses `go test -v` output line by line.
// It is safe for concurrent use; give each further output stream (stderr)
// its own Stream, so that their partial lines do not mix.
type Collector struct {
	mu      sync.Mutex
	partial []byte
	current string              // the test whose output this is, "" between tests
	notes   map[string]*notes   // per running test
	pending []Failure           // failed tests whose package line is still to come
	loose   []string            // the last lines outside any test
	failed  []Failure           // complete
	panics  []string            // a panic, and the lines that name its test
	global  bool                // panics is a timeout or a leak: the package's, not a test's
	tail    int                 // lines after a panic still to keep
	builds  map[string][]string // the first lines of each package's build errors
	build   string              // the package whose build errors the lines of Write are
}

// notes are what a test printed that may explain its failure.
type notes struct {
	errors  []string // testify Error/Messages lines, panics
	logs    []string // the last few log lines
	inError int      // continuation lines of an Error: still to keep
}

const (
	maxLogs      = 2
	maxErrors    = 4
	maxLoose     = 3
	maxLineBytes = 240
)

var (
	// "=== RUN   TestX", "=== CONT  TestX", "=== NAME  TestX".
	switchLine = regexp.MustCompile(`^=== (?:RUN|CONT|NAME)\s+(\S+)`)
	pauseLine  = regexp.MustCompile(`^=== PAUSE\s+(\S+)`)
	// "--- FAIL: TestX/sub (1.23s)", indented by four spaces per level of
	// subtest; more indented, it is output a test printed (the run of a
	// test inside a network namespace, reported by the outer test).
	resultLine = regexp.MustCompile(`^( *)--- (PASS|FAIL|SKIP): (\S+)`)
	// "# pkg" or "# pkg [pkg.test]": the build errors of pkg follow.
	buildLine = regexp.MustCompile(`^# (\S+)`)
	// "FAIL\tpkg\t1.2s", "FAIL\tpkg [build failed]", "ok  \tpkg\t1.2s".
	packageLine = regexp.MustCompile(`^(FAIL|ok)\s+(\S+)(?:\s|$)`)
	// "    file_test.go:12: message"
	logLine = regexp.MustCompile(`^\s+[\w.-]+\.go:\d+: `)
	// testify's labelled lines.
	labelLine = regexp.MustCompile(`^\s+(Error Trace|Error|Test|Messages):\s*(.*)$`)
)

// Write implements io.Writer.
func (c *Collector) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = c.feed(c.partial, p, &c.build)
	return len(p), nil
}

// Stream returns a writer for another output stream of the same run: its
// lines go to c, its partial lines are kept apart.
func (c *Collector) Stream() io.Writer { return &stream{c: c} }

// stream is a Collector's further output stream.
type stream struct {
	c       *Collector
	partial []byte
	build   string // as Collector.build
}

func (s *stream) Write(p []byte) (int, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.partial = s.c.feed(s.partial, p, &s.build)
	return len(p), nil
}

// feed parses the complete lines of partial+p and returns what is left;
// build is the stream's package whose build errors its lines are.
func (c *Collector) feed(partial, p []byte, build *string) []byte {
	partial = append(partial, p...)
	for {
		i := bytes.IndexByte(partial, '\n')
		if i < 0 {
			break
		}
		c.line(strings.TrimRight(string(partial[:i]), "\r"), build)
		partial = partial[i+1:]
	}
	if len(partial) == 0 {
		return nil // lets the buffer go
	}
	return partial
}

// Failures returns the failures seen so far, in the order they ended,
// including failed tests whose package has not finished yet.
func (c *Collector) Failures() []Failure {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]Failure(nil), c.failed...)
	return append(out, c.pending...)
}

// Summary renders the failures in at most maxLines lines (at least 2), or ""
// when nothing failed. Every failure is named when the lines allow; the
// lines left over go to their details, the first failure's first.
func (c *Collector) Summary(maxLines int) string {
	failures := c.Failures()
	if len(failures) == 0 {
		return ""
	}
	maxLines = max(maxLines, 2)
	shown, more := failures, 0
	if len(failures) > maxLines {
		shown = failures[:maxLines-1]
		more = len(failures) - len(shown)
	}
	spare := maxLines - len(shown)
	if more > 0 {
		spare--
	}
	var lines []string
	for _, f := range shown {
		lines = append(lines, "--- FAIL "+f.name())
		n := min(len(f.Detail), spare)
		for _, d := range f.Detail[:n] {
			lines = append(lines, "      "+d)
		}
		spare -= n
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("... and %d more", more))
	}
	return strings.Join(lines, "\n")
}

func (f Failure) name() string {
	switch {
	case f.Package == "":
		return f.Test
	case f.Test == "":
		return f.Package + " (outside its tests)"
	default:
		return f.Package + " " + f.Test
	}
}

func (c *Collector) line(l string, build *string) {
	if len(l) > maxLineBytes {
		l = l[:maxLineBytes] + "…"
	}
	if m := switchLine.FindStringSubmatch(l); m != nil {
		c.current, *build = m[1], ""
		return
	}
	if m := pauseLine.FindStringSubmatch(l); m != nil {
		c.current = ""
		return
	}
	if m := resultLine.FindStringSubmatch(l); m != nil && len(m[1]) == 4*strings.Count(m[3], "/") {
		*build = ""
		c.result(m[2], m[3])
		return
	}
	if m := packageLine.FindStringSubmatch(l); m != nil {
		*build = ""
		c.packageDone(m[1] == "FAIL", m[2])
		return
	}
	if m := buildLine.FindStringSubmatch(l); m != nil {
		*build = m[1]
		return
	}
	if *build != "" {
		if t := strings.TrimSpace(l); t != "" {
			if c.builds == nil {
				c.builds = map[string][]string{}
			}
			c.builds[*build] = keepFirst(c.builds[*build], t, maxLoose)
		}
		return
	}
	if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "goleak: ") {
		if len(c.panics) == 0 {
			c.panics = []string{strings.TrimSpace(l)}
			c.global = strings.HasPrefix(l, "panic: test timed out") || strings.HasPrefix(l, "goleak: ")
			c.tail = 2
		}
		return
	}
	if c.tail > 0 {
		// "running tests:" and the test a timeout names; never a stack.
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "goroutine ") {
			c.tail--
			c.panics = append(c.panics, t)
			return
		}
		c.tail = 0
	}
	c.remember(l)
}

// remember keeps a line for the current test, or among the loose lines.
func (c *Collector) remember(l string) {
	trimmed := strings.TrimSpace(l)
	if trimmed == "" || trimmed == "FAIL" || trimmed == "PASS" {
		return
	}
	n := c.notesFor(c.current)
	if n == nil {
		c.loose = keepLast(c.loose, trimmed, maxLoose)
		return
	}
	if m := labelLine.FindStringSubmatch(l); m != nil {
		n.inError = 0
		switch m[1] {
		case "Error", "Messages":
			n.errors = keepFirst(n.errors, m[1]+": "+strings.TrimSpace(m[2]), maxErrors)
			if m[1] == "Error" {
				n.inError = 2
			}
		}
		return
	}
	if n.inError > 0 && strings.HasPrefix(l, " ") && !logLine.MatchString(l) {
		n.inError--
		n.errors = keepFirst(n.errors, "  "+trimmed, maxErrors)
		return
	}
	n.inError = 0
	if logLine.MatchString(l) {
		n.logs = keepLast(n.logs, trimmed, maxLogs)
	}
}

func (c *Collector) notesFor(test string) *notes {
	if test == "" {
		return nil
	}
	if c.notes == nil {
		c.notes = map[string]*notes{}
	}
	n := c.notes[test]
	if n == nil {
		n = &notes{}
		c.notes[test] = n
	}
	return n
}

func (c *Collector) result(status, test string) {
	n := c.notes[test]
	delete(c.notes, test)
	if !strings.Contains(test, "/") {
		c.current = ""
	}
	if status != "FAIL" {
		return
	}
	var detail []string
	if n != nil {
		detail = n.errors
		if len(detail) == 0 {
			detail = n.logs
		}
	}
	// A parent fails with its subtests, and the go tool prints its result
	// before theirs: name only the subtests, unless the parent has lines
	// of its own.
	if len(detail) == 0 {
		for _, f := range c.pending {
			if strings.HasPrefix(f.Test, test+"/") {
				return
			}
		}
	}
	c.pending = slices.DeleteFunc(c.pending, func(f Failure) bool {
		return len(f.Detail) == 0 && strings.HasPrefix(test, f.Test+"/")
	})
	c.pending = append(c.pending, Failure{Test: test, Detail: detail})
}

func (c *Collector) packageDone(failed bool, pkg string) {
	pending, loose, panics, global := c.pending, c.loose, c.panics, c.global
	build := c.builds[pkg]
	delete(c.builds, pkg)
	c.pending, c.loose, c.panics, c.global, c.current, c.notes, c.tail = nil, nil, nil, false, "", nil, 0
	if !failed {
		return
	}
	switch {
	case len(panics) > 0 && (global || len(pending) == 0):
		// A timeout or a leak is the package's: the tests that failed
		// before it are listed on their own.
		c.failed = append(c.failed, Failure{Package: pkg, Detail: panics})
	case len(panics) > 0:
		// A test that panics is the last to end.
		last := &pending[len(pending)-1]
		last.Detail = append(panics, last.Detail...)
	case len(pending) == 0 && len(build) > 0:
		c.failed = append(c.failed, Failure{Package: pkg, Detail: build})
	case len(pending) == 0:
		c.failed = append(c.failed, Failure{Package: pkg, Detail: loose})
	}
	for _, f := range pending {
		f.Package = pkg
		c.failed = append(c.failed, f)
	}
}

func keepFirst(lines []string, l string, n int) []string {
	if len(lines) >= n {
		return lines
	}
	return append(lines, l)
}

func keepLast(lines []string, l string, n int) []string {
	lines = append(lines, l)
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
