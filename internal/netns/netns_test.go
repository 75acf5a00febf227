package netns

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBenchResultSubs checks that the result lines of a benchmark's
// sub-benchmarks come back in order, for RunBench to replay, and that no
// result line stays in the log.
func TestBenchResultSubs(t *testing.T) {
	out := `goos: linux
BenchmarkJoin
    join_bench_test.go:90: janus 1.1.2
BenchmarkJoin/first-frame/x/gojanus
BenchmarkJoin/first-frame/x/gojanus-2         	       1	       681.4 max-ms	       596.5 ms
BenchmarkJoin/publish-cpu-test/gojanus-2      	       1	        54.42 cpu-%
BenchmarkJoinOther-2      	       1	        1 ms
PASS
`
	metrics, found, subs, rest := benchResult(out, "BenchmarkJoin")
	assert.False(t, found)
	assert.Empty(t, metrics)
	require.Len(t, subs, 2)
	assert.Equal(t, "BenchmarkJoin/first-frame/x/gojanus", subs[0].Name)
	assert.Equal(t, 596.5, subs[0].Metrics[1].Value)
	assert.Equal(t, "ms", subs[0].Metrics[1].Unit)
	assert.Equal(t, "BenchmarkJoin/publish-cpu-test/gojanus", subs[1].Name)
	assert.Equal(t, "    join_bench_test.go:90: janus 1.1.2", rest)
}

func TestFailureLines(t *testing.T) {
	out := `=== RUN   TestX
    x_test.go:10: a log line
    x_test.go:12: 
        	Error Trace:	/src/x_test.go:12
        	Error:      	unable to find file "a.nfo"
        	Test:       	TestX
        	Messages:   	the files
        [Sun Dec  6 15:16:47 2026] Bye!
--- FAIL: TestX (1.00s)
FAIL
`
	assert.Equal(t, "Error Trace:\t/src/x_test.go:12\nError:      \tunable to find file \"a.nfo\"\nMessages:   \tthe files\n--- FAIL: TestX (1.00s)\n",
		failureLines(out))
}
