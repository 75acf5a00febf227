package core_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// chaosFigure is one measured figure of a chaos scenario, for the summary
// table of go tool mage chaos ("failures / in flight", "max 1.00 per cut").
type chaosFigure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// fig makes a chaosFigure, formatting its value as fmt.Sprintf does.
func fig(name, format string, args ...any) chaosFigure {
	return chaosFigure{Name: name, Value: fmt.Sprintf(format, args...)}
}

// chaosReportEnv names the file go tool mage chaos collects the figures
// of every scenario in, one JSON object per line.
const chaosReportEnv = "GOJANUS_CHAOS_REPORT"

var chaosReportMu sync.Mutex

// chaosReport logs the figures of a chaos scenario and, when
// GOJANUS_CHAOS_REPORT names a file, appends them to it as one line
// {"scenario": ..., "figures": [...]}. It is called once a scenario's
// checks ran, so a failed scenario is marked as failed in the table.
func chaosReport(t *testing.T, scenario string, figures ...chaosFigure) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s:", scenario)
	for _, f := range figures {
		fmt.Fprintf(&b, "\n  %-28s %s", f.Name, f.Value)
	}
	t.Log(b.String())
	path := os.Getenv(chaosReportEnv)
	if path == "" {
		return
	}
	line, err := json.Marshal(struct {
		Scenario string        `json:"scenario"`
		Test     string        `json:"test"`
		Failed   bool          `json:"failed"`
		Figures  []chaosFigure `json:"figures"`
	}{scenario, t.Name(), t.Failed(), figures})
	if err != nil {
		t.Errorf("chaos report: %v", err)
		return
	}
	chaosReportMu.Lock()
	defer chaosReportMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Errorf("chaos report: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		t.Errorf("chaos report: %v", err)
	}
}
