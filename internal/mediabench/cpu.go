//go:build linux

package mediabench

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Rusage is the user+system CPU time this process used so far.
func Rusage(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ProcCPU is the user+system CPU time process pid used so far, from
// /proc/pid/stat (false if it cannot be read).
func ProcCPU(pid int) (time.Duration, bool) {
	f, ok := procStat(pid)
	if !ok {
		return 0, false
	}
	// utime and stime are fields 14 and 15, in clock ticks (USER_HZ, 100).
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}

// procStat returns the fields of /proc/pid/stat after the command name
// (which is in parentheses and may hold spaces): state is the first,
// field 3 of the file.
func procStat(pid int) ([]string, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, false
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return nil, false
	}
	return f, true
}

// Descendants returns the live processes below this one (children,
// their children...), in increasing order.
func Descendants() []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f, ok := procStat(pid); ok && f[0] != "Z" {
			if ppid, err := strconv.Atoi(f[1]); err == nil {
				parent[pid] = ppid
			}
		}
	}
	self := os.Getpid()
	var out []int
	for pid := range parent {
		for p, hops := parent[pid], 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if p == self {
				out = append(out, pid)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// CPUMeter adds up the CPU time of this process and of some of the
// processes it started (those a source runs, such as ffmpeg).
type CPUMeter struct {
	tb   testing.TB
	pids []int
}

// NewCPUMeter measures this process and the processes below it that
// are not in before (Descendants from before the source started): with
// an ffmpeg source, its encoder; with an encoder in this process, none.
func NewCPUMeter(tb testing.TB, before []int) *CPUMeter {
	m := &CPUMeter{tb: tb}
	for _, pid := range Descendants() {
		if !slices.Contains(before, pid) {
			m.pids = append(m.pids, pid)
		}
	}
	return m
}

// String says what the meter measures: "this process" and the names
// and ids of the others.
func (m *CPUMeter) String() string {
	out := "this process"
	for _, pid := range m.pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		out += fmt.Sprintf(" + %s (%d)", strings.TrimSpace(string(comm)), pid)
	}
	return out
}

// Used is the CPU time the processes used so far.
func (m *CPUMeter) Used() time.Duration {
	total := Rusage(m.tb)
	for _, pid := range m.pids {
		if d, ok := ProcCPU(pid); ok {
			total += d
		}
	}
	return total
}
