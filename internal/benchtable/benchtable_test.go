package benchtable

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
BenchmarkCompare/latency-keepalive/gojanus-2         	       1	       160.0 p50-µs	       400.0 p99-µs
BenchmarkCompare/latency-keepalive/minimal-2         	       1	       150.0 p50-µs	       380.0 p99-µs
BenchmarkCompare/throughput-8/gojanus-2              	       1	      7200 msg/s
BenchmarkCompare/throughput-8/minimal-2              	       1	      8000 msg/s
BenchmarkJanode/latency-keepalive/janode-2           	       1	       101.5 p50-µs	      3103 p99-µs
BenchmarkJanode/throughput-8/janode-2                	       1	      7296 msg/s
BenchmarkJanode                                      	1000000000	         0.0000010 ns/op
BenchmarkScale/handles-10000/gojanus-2         	       1	         0 added-goroutines	         7.000 goroutines	        17.20 heap-MB
BenchmarkMessage-2           	   76611	     16362 ns/op	    2400 B/op	      44 allocs/op
--- FAIL: BenchmarkBroken
PASS
`

// TestParse checks names, clients, units and the skipped lines.
func TestParse(t *testing.T) {
	rs, err := Parse(strings.NewReader(sample))
	require.NoError(t, err)
	require.Len(t, rs, 8)
	assert.Equal(t, Result{Group: "Compare", Scenario: "latency-keepalive", Client: "gojanus",
		Metrics: map[string]float64{"p50-µs": 160, "p99-µs": 400}, Units: []string{"p50-µs", "p99-µs"}}, rs[0])
	assert.Equal(t, "janode", rs[4].Client)
	assert.Equal(t, "Janode", rs[4].Group)
	assert.Equal(t, "Message", rs[7].Group)
	assert.Equal(t, "gojanus", rs[7].Client)
	assert.Equal(t, 44.0, rs[7].Metrics["allocs/op"])
}

// TestMarkdown checks that clients share rows and the comparison column
// has the right sign for latency (lower is better) and throughput.
func TestMarkdown(t *testing.T) {
	rs, err := Parse(strings.NewReader(sample))
	require.NoError(t, err)
	md := Markdown(rs)
	assert.Contains(t, md, "| Scenario | Unit | gojanus | minimal | janode | vs minimal |")
	assert.Contains(t, md, "| latency-keepalive | p50-µs | 160 | 150 | 102 | +7% |")
	assert.Contains(t, md, "| latency-keepalive | p99-µs | 400 | 380 | 3,103 | +5% |")
	assert.Contains(t, md, "| throughput-8 | msg/s | 7,200 | 8,000 | 7,296 | +10% |")
	assert.Contains(t, md, "| handles-10000 | heap-MB | 17.2 |")
	assert.Contains(t, md, "| Message | 16,362 ns/op, 2,400 B/op, 44.0 allocs/op |")
}

// TestParseMedian checks that repeated results become their median.
func TestParseMedian(t *testing.T) {
	rs, err := Parse(strings.NewReader(`BenchmarkCompare/throughput-1/gojanus-2 1 300 msg/s
BenchmarkCompare/throughput-1/gojanus-2 1 100 msg/s
BenchmarkCompare/throughput-1/gojanus-2 1 200 msg/s 7 cpu-µs/msg
BenchmarkCompare/throughput-1/minimal-2 1 10 msg/s
BenchmarkCompare/throughput-1/minimal-2 1 20 msg/s
`))
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, 200.0, rs[0].Metrics["msg/s"])
	assert.Equal(t, 7.0, rs[0].Metrics["cpu-µs/msg"])
	assert.Equal(t, []string{"msg/s", "cpu-µs/msg"}, rs[0].Units)
	assert.Equal(t, 15.0, rs[1].Metrics["msg/s"])
}

// TestParseOneProc checks that a BenchmarkCompare line without the -N
// suffix (GOMAXPROCS=1) goes to its own group and section.
func TestParseOneProc(t *testing.T) {
	rs, err := Parse(strings.NewReader(`BenchmarkCompare/throughput-1/gojanus-2 1 100 msg/s
BenchmarkCompare/throughput-1/gojanus 1 150 msg/s
BenchmarkCompare/throughput-1/minimal 1 160 msg/s
`))
	require.NoError(t, err)
	require.Len(t, rs, 3)
	assert.Equal(t, "Compare", rs[0].Group)
	assert.Equal(t, OneProcGroup, rs[1].Group)
	md := Markdown(rs)
	assert.Contains(t, md, "| throughput-1 | msg/s | 100 |")
	assert.Contains(t, md, "GOMAXPROCS=1")
	assert.Contains(t, md, "| throughput-1 | msg/s | 150 | 160 | +6% |")
}

// TestParseLine checks the parts of a result line and what is not one.
func TestParseLine(t *testing.T) {
	l, ok := ParseLine("  BenchmarkMedia/first-frame/gojanus-2   1   993 max-ms   663 ms ")
	require.True(t, ok)
	assert.Equal(t, Line{Name: "BenchmarkMedia/first-frame/gojanus", Procs: 2, N: 1,
		Metrics: []Metric{{993, "max-ms"}, {663, "ms"}}}, l)
	l, ok = ParseLine("BenchmarkJanode/throughput-64/janode 3000 0 ns/op 13243 msg/s")
	require.True(t, ok)
	assert.Equal(t, 0, l.Procs)
	assert.Equal(t, "BenchmarkJanode/throughput-64/janode", l.Name)
	assert.Len(t, l.Metrics, 2)
	l, ok = ParseLine("BenchmarkParent-2")
	assert.False(t, ok, "a name without results: %+v", l)
	for _, s := range []string{"goos: linux", "--- FAIL: BenchmarkX", "BenchmarkX 1 abc unit", "BenchmarkX 1 5", "PASS"} {
		_, ok := ParseLine(s)
		assert.False(t, ok, s)
	}
}

// TestReplace checks the README splice.
func TestReplace(t *testing.T) {
	doc := "a\n<!-- b -->\nold\n<!-- e -->\nz\n"
	got, err := Replace(doc, "<!-- b -->", "<!-- e -->", "new\n")
	require.NoError(t, err)
	assert.Equal(t, "a\n<!-- b -->\nnew\n<!-- e -->\nz\n", got)
	_, err = Replace("none", "<!-- b -->", "<!-- e -->", "x")
	require.Error(t, err)
}

func TestRatioColumn(t *testing.T) {
	in := `BenchmarkBrowser/page-to-session/gojanus-2   1   300.0 ms   1056 wire-KB
BenchmarkBrowser/page-to-session/janusjs-2   1   100.0 ms   43.8 wire-KB
BenchmarkBrowser/wasm-size/gojanus-2   1   5.47 raw-MB
BenchmarkNodeStart/node-start/gojanus-2   1   213 connect-ms
BenchmarkNodeStart/node-start/janode-2   1   113 connect-ms
`
	rs, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(rs)
	for _, want := range []string{
		"| Scenario | Unit | gojanus | janusjs | gojanus ÷ janusjs |",
		"| page-to-session | ms | 300 | 100 | 3.0× |",
		"| page-to-session | wire-KB | 1,056 | 43.8 | 24.1× |",
		"| wasm-size | raw-MB | 5.47 | | |",
		"| Scenario | Unit | gojanus | janode | gojanus ÷ janode |",
		"| node-start | connect-ms | 213 | 113 | 1.9× |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
}

// TestMarkdownJoin checks the join section: a row per publisher, the
// subscribers as columns, and the ratio to janus.js.
func TestMarkdownJoin(t *testing.T) {
	rs, err := Parse(strings.NewReader(`BenchmarkJoin/first-frame/gojanus-test-publisher/gojanus-2 1 800 ms 1200 max-ms
BenchmarkJoin/first-frame/gojanus-test-publisher/janusjs-2 1 400 ms 900 max-ms
BenchmarkJoin/first-frame/janusjs-camera-publisher/gojanus-2 1 70 ms 120 max-ms
BenchmarkJoin/pli-to-keyframe/gojanus-2 1 450 ms 990 max-ms
BenchmarkJoin/publish-cpu-test/gojanus-2 1 30 cpu-%
`))
	require.NoError(t, err)
	require.Len(t, rs, 5)
	assert.Equal(t, Result{Group: "Join", Scenario: "first-frame/gojanus-test-publisher", Client: "janusjs",
		Metrics: map[string]float64{"ms": 400, "max-ms": 900}, Units: []string{"ms", "max-ms"}}, rs[1])
	md := Markdown(rs)
	assert.Contains(t, md, "**Joining a VideoRoom")
	assert.Contains(t, md, "| Scenario | Unit | gojanus | janusjs | gojanus ÷ janusjs |")
	assert.Contains(t, md, "| first-frame/gojanus-test-publisher | ms | 800 | 400 | 2.0× |")
	assert.Contains(t, md, "| first-frame/janusjs-camera-publisher | max-ms | 120 | | |")
	assert.Contains(t, md, "| pli-to-keyframe | ms | 450 | | |")
	assert.Contains(t, md, "| publish-cpu-test | cpu-% | 30.0 | | |")
	assert.NotContains(t, md, "Core path", "no join row falls into the catch-all table")
}

// TestMarkdownWHIP checks the WHIP section: one row per unit, gojanus
// beside janus.js.
func TestMarkdownWHIP(t *testing.T) {
	rs, err := Parse(strings.NewReader(`BenchmarkWHIP/whip-to-first-frame/gojanus-2 1 280.3 max-ms 262.6 ms
BenchmarkWHIP/whip-to-first-frame/janusjs-2 1 288.3 max-ms 281.4 ms
`))
	require.NoError(t, err)
	require.Len(t, rs, 2)
	md := Markdown(rs)
	assert.Contains(t, md, "**WHIP and WHEP")
	assert.Contains(t, md, "| whip-to-first-frame | ms | 263 | 281 | 0.9× |")
	assert.NotContains(t, md, "Core path", "no WHIP row falls into the catch-all table")
}
