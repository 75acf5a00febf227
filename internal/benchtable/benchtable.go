// Package benchtable turns the output of the project's benchmarks (go test
// -bench, and Node scripts printing the same format) into the Markdown
// table go tool mage bench prints and writes into README.md.
//
// A result line is "Benchmark<Group>/<scenario>/<client>[-P] N value unit
// ...". Figures of one scenario from different clients (gojanus, minimal,
// janode, janusjs) become the columns of one row per unit; the groups
// Compare and Janode share a section, so that gojanus, the minimal client
// and janode sit side by side.
package benchtable

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Result is one benchmark result line.
type Result struct {
	// Group is the top-level benchmark without "Benchmark" ("Compare").
	Group string
	// Scenario is the middle of the name ("latency-keepalive"), or the
	// rest of the name when it has no client part.
	Scenario string
	// Client is the last part of the name ("gojanus"), or "gojanus" for
	// a benchmark whose name has no client part.
	Client string
	// Metrics maps a unit to its value ("p50-µs": 120.5).
	Metrics map[string]float64
	// Units lists the units in the order of the line.
	Units []string
}

// OneProcGroup is the group of BenchmarkCompare results run with
// GOMAXPROCS=1 (go test -cpu 1).
const OneProcGroup = "Compare, GOMAXPROCS=1"

// Clients, in the order of the table's columns.
var Clients = []string{"gojanus", "minimal", "janode", "janusjs"}

// Metric is one figure of a result line.
type Metric struct {
	Value float64
	Unit  string
}

// Line is one benchmark result line.
type Line struct {
	// Name is the benchmark's full name without the -N suffix
	// ("BenchmarkCompare/throughput-1/gojanus").
	Name string
	// Procs is the -N suffix (GOMAXPROCS), 0 when the name has none
	// (go test leaves it out when GOMAXPROCS is 1).
	Procs int
	// N is the iteration count.
	N int
	// Metrics are the figures in the order of the line, ns/op included.
	Metrics []Metric
}

var lineRE = regexp.MustCompile(`^(Benchmark\S+?)(?:-(\d+))?\s+(\d+)((?:\s+\S+\s+\S+)*)\s*$`)

// ParseLine parses a result line ("BenchmarkX/y-2  1  12.5 unit ..."),
// reporting false for any other line.
func ParseLine(s string) (Line, bool) {
	m := lineRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Line{}, false
	}
	l := Line{Name: m[1]}
	l.Procs, _ = strconv.Atoi(m[2])
	l.N, _ = strconv.Atoi(m[3])
	f := strings.Fields(m[4])
	for i := 0; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Line{}, false
		}
		l.Metrics = append(l.Metrics, Metric{v, f[i+1]})
	}
	return l, true
}

// Parse reads result lines from r, ignoring every other line. A result
// seen several times (go test -count N) gets the median of its figures.
func Parse(r io.Reader) ([]Result, error) {
	var out []Result
	index := map[string]int{}
	samples := map[string]map[string][]float64{} // key -> unit -> values
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		l, ok := ParseLine(sc.Text())
		if !ok {
			continue
		}
		res := Result{Metrics: map[string]float64{}}
		parts := strings.Split(strings.TrimPrefix(l.Name, "Benchmark"), "/")
		res.Group = parts[0]
		if res.Group == "Compare" && l.Procs == 0 {
			// go test names a benchmark without the -N suffix when it
			// runs with GOMAXPROCS=1: that run gets a section of its own.
			res.Group = OneProcGroup
		}
		switch {
		case len(parts) >= 3 && slices.Contains(Clients, parts[len(parts)-1]):
			res.Scenario = strings.Join(parts[1:len(parts)-1], "/")
			res.Client = parts[len(parts)-1]
		default:
			res.Scenario = strings.Join(parts[1:], "/")
			res.Client = "gojanus"
		}
		for _, m := range l.Metrics {
			if m.Unit == "ns/op" && m.Value < 1 {
				continue // a one-off measurement's placeholder, or a parent's
			}
			if _, dup := res.Metrics[m.Unit]; !dup {
				res.Units = append(res.Units, m.Unit)
			}
			res.Metrics[m.Unit] = m.Value
		}
		if len(res.Metrics) == 0 {
			continue // a parent benchmark's line, or one that failed
		}
		key := res.Group + "/" + res.Scenario + "/" + res.Client
		if samples[key] == nil {
			samples[key] = map[string][]float64{}
		}
		for u, v := range res.Metrics {
			samples[key][u] = append(samples[key][u], v)
		}
		if i, ok := index[key]; ok {
			for _, u := range res.Units {
				if !slices.Contains(out[i].Units, u) {
					out[i].Units = append(out[i].Units, u)
				}
				out[i].Metrics[u] = Median(samples[key][u])
			}
			continue
		}
		index[key] = len(out)
		out = append(out, res)
	}
	return out, sc.Err()
}

// Median returns the middle value of vs (the mean of the two middle ones
// for an even count); vs must not be empty.
func Median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// section is one table of the output.
type section struct {
	title  string
	groups []string
	note   string
	// ratioTo, if set, is the client whose figures get a column of
	// gojanus's as multiples of theirs ("gojanus ÷ janusjs").
	ratioTo string
}

var sections = []section{
	{"Janus API over one WebSocket: gojanus, a minimal client and janode", []string{"Compare", "Janode"},
		"\"vs minimal\" is gojanus's extra latency, or its lost throughput, relative to the minimal client (negative: gojanus did better).", ""},
	{"The same with GOMAXPROCS=1 (go test -cpu 1): the Go clients without the scheduler's second thread", []string{OneProcGroup}, "", ""},
	{"Scale: 10,000 idle handles over 1,000 sessions on one connection", []string{"Scale"}, "", ""},
	{"Media (native, pion, inside the network namespace)", []string{"Media"}, "", ""},
	{"Joining a VideoRoom: from the join request to the first decoded frame (inside the network namespace, one Janus)", []string{"Join"},
		"first-frame rows: the publisher (gojanus publishing native.ParseSource(\"test\"), or janus.js publishing Chromium's fake camera); columns: the subscriber " +
			"(gojanus: the first complete VP8 keyframe from RTP, decoded with libvpx when built with the tag mediadevices; janus.js in headless Chromium: its <video> presenting the frame); " +
			"ms: the median of 11 fresh subscribers joining one at a time at random moments, max-ms: the worst. " +
			"pli-to-keyframe: from a keyframe request reaching the gojanus test pattern to its keyframe leaving, after each join; publish-cpu-test: the CPU of publishing the test pattern, encoder included.", "janusjs"},
	{"WHIP and WHEP: from publishing to the first frame at a player (headless Chromium inside the network namespace, one Janus)", []string{"WHIP"},
		"whip-to-first-frame: Chromium's fake camera published and played back in one page, the clock started when publishing starts and stopped when the player's <video> presents its first frame; " +
			"gojanus: a plain fetch and RTCPeerConnection page through gojanus's whip.Handler (WHIP POST, then a WHEP player: POST, answer by PATCH); janusjs: janus.js publishing and subscribing over its own session. " +
			"ms: the median of 7 runs, max-ms: the worst.", "janusjs"},
	{"WebAssembly in headless Chromium, beside janus.js", []string{"Browser"},
		"page-to-session: from navigation start to a Janus session, fresh browser context each time, every file served brotli-compressed from 127.0.0.1; " +
			"-9mbit: the same with Chromium's network emulation at 9 Mbit/s down, 1.5 Mbit/s up and 40 ms latency; wire-KB: what the page received.", "janusjs"},
	{"WebAssembly in Node, beside janode", []string{"NodeStart"},
		"From the start of a Node process to a client connected to Janus over WebSocket (connect-ms) and to a session (session-ms).", "janode"},
}

// lowerIsBetter reports whether a smaller figure of unit is better.
func lowerIsBetter(unit string) bool {
	return strings.HasSuffix(unit, "µs") || strings.HasPrefix(unit, "cpu-") || strings.HasSuffix(unit, "ms") || unit == "ns/op" ||
		strings.HasSuffix(unit, "MB") || unit == "B/op" || unit == "allocs/op" || unit == "cpu-%" ||
		strings.Contains(unit, "goroutines")
}

// Markdown renders the results as tables, one per section, then one for
// every other benchmark (the in-memory core path).
func Markdown(results []Result) string {
	var b strings.Builder
	used := map[int]bool{}
	for _, sec := range sections {
		var rs []int
		for i, r := range results {
			if slices.Contains(sec.groups, r.Group) {
				rs = append(rs, i)
			}
		}
		if len(rs) == 0 {
			continue
		}
		for _, i := range rs {
			used[i] = true
		}
		writeSection(&b, sec, results, rs)
	}
	var rest []int
	for i := range results {
		if !used[i] {
			rest = append(rest, i)
		}
	}
	if len(rest) > 0 {
		fmt.Fprintf(&b, "**Core path over the in-memory transport** (per operation, `-benchmem`)\n\n")
		fmt.Fprintf(&b, "| Benchmark | Figures |\n|---|---|\n")
		for _, i := range rest {
			r := results[i]
			name := r.Group
			if r.Scenario != "" {
				name += "/" + r.Scenario
			}
			var figs []string
			for _, u := range r.Units {
				figs = append(figs, format(r.Metrics[u])+" "+u)
			}
			fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(figs, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeSection(b *strings.Builder, sec section, results []Result, rs []int) {
	// Rows: (scenario, unit) in first-seen order; columns: clients seen.
	type row struct{ scenario, unit string }
	var rows []row
	seenRow := map[row]bool{}
	var clients []string
	cell := map[row]map[string]float64{}
	for _, i := range rs {
		r := results[i]
		if !slices.Contains(clients, r.Client) {
			clients = append(clients, r.Client)
		}
		for _, u := range r.Units {
			k := row{r.Scenario, u}
			if !seenRow[k] {
				seenRow[k] = true
				rows = append(rows, k)
				cell[k] = map[string]float64{}
			}
			cell[k][r.Client] = r.Metrics[u]
		}
	}
	slices.SortStableFunc(clients, func(a, c string) int {
		return slices.Index(Clients, a) - slices.Index(Clients, c)
	})
	compare := slices.Contains(clients, "gojanus") && slices.Contains(clients, "minimal")
	ratio := sec.ratioTo != "" && slices.Contains(clients, "gojanus") && slices.Contains(clients, sec.ratioTo)
	fmt.Fprintf(b, "**%s**\n\n| Scenario | Unit |", sec.title)
	for _, c := range clients {
		fmt.Fprintf(b, " %s |", c)
	}
	if compare {
		b.WriteString(" vs minimal |")
	}
	if ratio {
		fmt.Fprintf(b, " gojanus ÷ %s |", sec.ratioTo)
	}
	b.WriteString("\n|---|---|")
	for range clients {
		b.WriteString("---:|")
	}
	if compare {
		b.WriteString("---:|")
	}
	if ratio {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, k := range rows {
		fmt.Fprintf(b, "| %s | %s |", k.scenario, k.unit)
		for _, c := range clients {
			if v, ok := cell[k][c]; ok {
				fmt.Fprintf(b, " %s |", format(v))
			} else {
				b.WriteString(" |")
			}
		}
		if compare {
			g, okg := cell[k]["gojanus"]
			m, okm := cell[k]["minimal"]
			if okg && okm && m != 0 {
				d := (g - m) / m
				if !lowerIsBetter(k.unit) {
					d = (m - g) / m
				}
				fmt.Fprintf(b, " %+.0f%% |", d*100)
			} else {
				b.WriteString(" |")
			}
		}
		if ratio {
			g, okg := cell[k]["gojanus"]
			o, oko := cell[k][sec.ratioTo]
			if okg && oko && o != 0 {
				fmt.Fprintf(b, " %.1f× |", g/o)
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	if sec.note != "" {
		fmt.Fprintf(b, "\n%s\n", sec.note)
	}
	b.WriteString("\n")
}

// format prints a figure with three significant digits at most, and
// thousands separated.
func format(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000 || v <= -1000:
		return thousands(strconv.FormatFloat(v, 'f', 0, 64))
	case v >= 100 || v <= -100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10 || v <= -10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Replace returns doc with the text between the lines holding begin and
// end (markers kept) replaced by table, or an error when a marker is
// missing.
func Replace(doc, begin, end, table string) (string, error) {
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("markers %q and %q not found in order", begin, end)
	}
	i += len(begin)
	return doc[:i] + "\n" + table + doc[j:], nil
}
