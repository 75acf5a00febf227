// Package janodetest checks gojanus against janode, Meetecho's Node.js
// client for Janus (npm janode, pinned in node/package.json), and measures
// janode on the scenarios gojanus is measured on.
//
// TestJanodeInterop runs janode and gojanus side by side on one real Janus:
// each manages VideoRoom rooms the other created, joins them and sees the
// other's participants, and receives the events of the other's actions.
// janode runs in node/driver.mjs, a long-lived Node process the test sends
// JSON commands to, one per line, and which answers one JSON line each.
//
// BenchmarkJanode runs node/bench.mjs once against the server
// janustest.Shared names and reports each of its scenarios as a
// sub-benchmark BenchmarkJanode/<scenario>/janode, beside the gojanus and
// minimal-client figures of core's BenchmarkCompare.
//
// Both need Janus, Node 20 or later and npm (the packages are installed
// from node/package-lock.json); without them they are skipped, or fail
// when the environment variable CI is true. The package has no non-test
// code.
package janodetest
