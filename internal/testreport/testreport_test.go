package testreport

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture runs the tests of testdata/failing, which fail on purpose, and
// returns their real `go test -v` output.
func fixture(t *testing.T, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"test", "-count=1", "-v"}, append(args, "./testdata/failing")...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the fixture's tests fail on purpose:\n%s", out)
	return out
}

const fixturePackage = "github.com/gojanus/gojanus/internal/testreport/testdata/failing"

// feed writes out to a Collector in awkward pieces, as a pipe may.
func feed(out []byte) *Collector {
	var c Collector
	for len(out) > 0 {
		n := min(len(out), 7)
		c.Write(out[:n])
		out = out[n:]
	}
	return &c
}

func TestFailedTests(t *testing.T) {
	out := fixture(t, nil)
	c := feed(out)
	got := map[string][]string{}
	var order []string
	for _, f := range c.Failures() {
		assert.Equal(t, fixturePackage, f.Package, f.Test)
		got[f.Test] = f.Detail
		order = append(order, f.Test)
	}
	assert.Equal(t, []string{"TestTestify", "TestFatal", "TestSubtests/bad", "TestParallel/b"}, order,
		"the failed tests, without the parents that failed only with their subtests")
	assert.Equal(t, []string{"Error: Received unexpected error:", "  i/o timeout", "Messages: the offer"}, got["TestTestify"])
	assert.Equal(t, []string{"failing_test.go:21: first", "failing_test.go:22: no answer after 3 tries"}, got["TestFatal"])
	assert.Equal(t, []string{"Error: Not equal:", "  expected: 1", "  actual  : 2"}, got["TestSubtests/bad"])
	assert.Equal(t, []string{"failing_test.go:34: in b", "failing_test.go:36: b broke"}, got["TestParallel/b"])

	summary := c.Summary(100)
	assert.True(t, strings.HasPrefix(summary, "--- FAIL "+fixturePackage+" TestTestify\n      Error: Received unexpected error:\n"), summary)
	assert.Contains(t, summary, "--- FAIL "+fixturePackage+" TestParallel/b\n      failing_test.go:34: in b\n")
}

func TestSummaryFitsItsLines(t *testing.T) {
	c := feed(fixture(t, nil))
	for _, n := range []int{2, 3} {
		lines := strings.Split(c.Summary(n), "\n")
		assert.Len(t, lines, n)
		assert.Equal(t, fmt.Sprintf("... and %d more", 4-(n-1)), lines[n-1])
	}
	for _, n := range []int{4, 5, 9} {
		s := c.Summary(n)
		lines := strings.Split(s, "\n")
		assert.LessOrEqual(t, len(lines), n, s)
		for _, test := range []string{"TestTestify", "TestFatal", "TestSubtests/bad", "TestParallel/b"} {
			assert.Contains(t, s+"\n", "--- FAIL "+fixturePackage+" "+test+"\n", "every failure is named in %d lines", n)
		}
	}
	assert.Contains(t, c.Summary(5), "TestTestify\n      Error: Received unexpected error:\n", "the spare line goes to the first failure")
}

func TestPanicNamesItsTest(t *testing.T) {
	c := feed(fixture(t, []string{"FAILING_PANIC=1"}, "-run", "TestPasses|TestPanics"))
	f := c.Failures()
	require.Len(t, f, 1)
	assert.Equal(t, "TestPanics", f[0].Test)
	require.NotEmpty(t, f[0].Detail)
	assert.Contains(t, f[0].Detail[0], "panic: assignment to entry in nil map")
}

func TestTimeoutNamesTheRunningTest(t *testing.T) {
	c := feed(fixture(t, []string{"FAILING_HANG=1"}, "-timeout", "1s", "-run", "TestPasses|TestHangs"))
	f := c.Failures()
	require.Len(t, f, 1)
	assert.Equal(t, fixturePackage, f[0].Package)
	assert.Empty(t, f[0].Test, "the test never ended")
	detail := strings.Join(f[0].Detail, "\n")
	assert.Contains(t, detail, "panic: test timed out after 1s")
	assert.Contains(t, detail, "TestHangs")
}

func TestPassingRunHasNoSummary(t *testing.T) {
	cmd := exec.Command("go", "test", "-count=1", "-v", "-run", "TestPasses", "./testdata/failing")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	c := feed(out)
	assert.Empty(t, c.Failures())
	assert.Empty(t, c.Summary(10))
}

// TestBuildFailure: go test prints a package's build errors on stderr,
// long before its FAIL line on stdout; the two streams' partial lines
// do not mix.
func TestBuildFailure(t *testing.T) {
	var c Collector
	stderr := c.Stream()
	io.WriteString(stderr, "# example.com/broken [example.com/broken.test]\nbroken/x.go:3:1: syntax error: non-declaration ")
	io.WriteString(&c, "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nok  \texample")
	io.WriteString(stderr, "statement outside function body\n")
	io.WriteString(&c, ".com/fine\t0.01s\nFAIL\texample.com/broken [build failed]\n")
	f := c.Failures()
	require.Len(t, f, 1)
	assert.Equal(t, Failure{Package: "example.com/broken",
		Detail: []string{"broken/x.go:3:1: syntax error: non-declaration statement outside function body"}}, f[0])
	assert.Equal(t, "--- FAIL example.com/broken (outside its tests)\n      broken/x.go:3:1: syntax error: non-declaration statement outside function body",
		c.Summary(10))
}

// TestNamespaceRunIsNotCountedTwice: a media test runs again inside a
// network namespace, and the outer test prints that run's output, more
// indented, when it fails: one failure, with the inner run's error.
func TestNamespaceRunIsNotCountedTwice(t *testing.T) {
	out := "=== RUN   TestMedia\n" +
		"    netns.go:103: netns: TestMedia failed inside the namespace: exit status 1\n" +
		"        === RUN   TestMedia\n" +
		"        === RUN   TestMedia/vp8\n" +
		"            media_test.go:40: \n" +
		"                \tError Trace:\t/x/media_test.go:40\n" +
		"                \tError:      \tShould be true\n" +
		"                \tTest:       \tTestMedia/vp8\n" +
		"                \tMessages:   \tframes decoded\n" +
		"            --- FAIL: TestMedia/vp8 (1.00s)\n" +
		"        --- FAIL: TestMedia (1.00s)\n" +
		"        FAIL\n" +
		"        netns: why TestMedia failed, again:\n" +
		"        --- FAIL: TestMedia/vp8 (1.00s)\n" +
		"--- FAIL: TestMedia (2.00s)\n" +
		"FAIL\n" +
		"FAIL\tgithub.com/x/native\t2.1s\n"
	f := feed([]byte(out)).Failures()
	require.Len(t, f, 1)
	assert.Equal(t, Failure{Package: "github.com/x/native", Test: "TestMedia",
		Detail: []string{"Error: Should be true", "Messages: frames decoded"}}, f[0])
}

// TestTimeoutAfterAFailure: a test that failed, then another that hung
// until the timeout: both are named, the timeout as the package's.
func TestTimeoutAfterAFailure(t *testing.T) {
	out := "=== RUN   TestA\n    a_test.go:3: broken\n--- FAIL: TestA (0.00s)\n" +
		"=== RUN   TestHangs\n" +
		"panic: test timed out after 20m0s\n\trunning tests:\n\t\tTestHangs (19m59s)\n\ngoroutine 7 [running]:\n" +
		"FAIL\tgithub.com/x/p\t1200.1s\n"
	f := feed([]byte(out)).Failures()
	require.Len(t, f, 2)
	assert.Equal(t, Failure{Package: "github.com/x/p", Test: "TestA", Detail: []string{"a_test.go:3: broken"}}, f[1])
	assert.Equal(t, Failure{Package: "github.com/x/p",
		Detail: []string{"panic: test timed out after 20m0s", "running tests:", "TestHangs (19m59s)"}}, f[0])
}

func TestLongLinesAreCut(t *testing.T) {
	long := strings.Repeat("x", 1000)
	out := bytes.NewBufferString("=== RUN   TestX\n    x_test.go:1: " + long + "\n--- FAIL: TestX (0.00s)\nFAIL\tp\t0.1s\n")
	f := feed(out.Bytes()).Failures()
	require.Len(t, f, 1)
	assert.LessOrEqual(t, len(f[0].Detail[0]), maxLineBytes+len("…"))
}

func TestLeakAfterTheTests(t *testing.T) {
	out := "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n" +
		"goleak: goroutines left 10s after a successful run: found unexpected goroutines:\n" +
		"[Goroutine 31 in state select, with github.com/pion/ice/v4.(*Agent).taskLoop on top of the stack:\n" +
		"github.com/pion/ice/v4.(*Agent).taskLoop(0xc000)\n\t/go/x.go:1 +0x1\n\n" +
		"FAIL\tgithub.com/x/native\t12.1s\n"
	f := feed([]byte(out)).Failures()
	require.Len(t, f, 1)
	assert.Equal(t, Failure{Package: "github.com/x/native", Detail: []string{
		"goleak: goroutines left 10s after a successful run: found unexpected goroutines:",
		"[Goroutine 31 in state select, with github.com/pion/ice/v4.(*Agent).taskLoop on top of the stack:",
		"github.com/pion/ice/v4.(*Agent).taskLoop(0xc000)",
	}}, f[0])
}
