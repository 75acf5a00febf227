package native

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// envSourceChild makes the test binary run an ffmpeg source and print the
// pid of its ffmpeg (see TestSourceProcessDiesWithParent).
const envSourceChild = "GOJANUS_TEST_SOURCE_CHILD"

// TestSourceProcessDiesWithParent runs an ffmpeg source in a child
// process, kills that child with SIGKILL, and checks that ffmpeg goes
// too instead of encoding on for nobody.
func TestSourceProcessDiesWithParent(t *testing.T) {
	if os.Getenv(envSourceChild) == "1" {
		runSourceChild()
		return
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffmpeg is required")
		}
		t.Skip("ffmpeg not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run", "^TestSourceProcessDiesWithParent$", "-test.count", "1")
	child.Env = append(os.Environ(), envSourceChild+"=1")
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	var pid int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "ffmpeg-pid "); ok {
			pid, err = strconv.Atoi(s)
			require.NoError(t, err)
			break
		}
	}
	require.NotZero(t, pid, "the child reported no ffmpeg")
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) }) // when the test fails
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	require.Eventually(t, func() bool {
		// Gone, or a zombie waiting for init to reap it.
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		return err != nil || strings.Contains(string(b), ") Z ")
	}, 20*time.Second, 20*time.Millisecond, "ffmpeg %d outlived its parent", pid)
}

// runSourceChild starts an ffmpeg source, prints its ffmpeg's pid, and
// runs until killed.
func runSourceChild() {
	src, err := FFmpegSource([]string{"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30"}, FFmpegOptions{Video: true})
	if err != nil {
		panic(err)
	}
	go func() { _ = src.Run(context.Background()) }()
	for {
		if pid := childPid("ffmpeg"); pid != 0 {
			os.Stdout.WriteString("ffmpeg-pid " + strconv.Itoa(pid) + "\n")
			select {}
		}
		time.Sleep(10 * time.Millisecond) // polling /proc for the child to appear
	}
}

// childPid returns the pid of a child of this process running name.
func childPid(name string) int {
	entries, _ := os.ReadDir("/proc")
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(s[:i], "("+name) {
			continue
		}
		if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == self {
			pid, _ := strconv.Atoi(e.Name())
			return pid
		}
	}
	return 0
}
