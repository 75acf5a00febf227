package janodetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/nodejs"
)

const (
	// driverLifetime bounds the whole life of a driver process.
	driverLifetime = 2 * time.Minute
	// driverStop is how long a driver may take to end after its stdin
	// closed, before it is killed.
	driverStop = 5 * time.Second
	// stderrTail is how much of the driver's stderr an error shows.
	stderrTail = 4000
)

// driver is janode in a Node process running node/driver.mjs, which takes
// JSON commands on stdin and answers one JSON line each on stdout.
type driver struct {
	// t is the test that started the driver (for its cleanup's log).
	t      testing.TB
	cmd    *exec.Cmd
	cancel context.CancelFunc
	stdin  io.WriteCloser
	stderr *syncBuffer
	// replies carries stdout's lines; it is closed when stdout ends.
	replies chan []byte
	// done is closed once the process has exited and been waited for;
	// waitErr is its exit status then.
	done    chan struct{}
	waitErr error
	nextID  int
}

// driverReply is one answer line of driver.mjs.
type driverReply struct {
	ID     *int            `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// startDriver starts driver.mjs from dir (the Node folder with janode
// installed). The process is ended when the test ends: its stdin is closed,
// on which it destroys its session and exits, and it is killed if it has
// not done so within driverStop.
func startDriver(t testing.TB, dir string) *driver {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), driverLifetime)
	cmd := nodejs.Command(ctx, "driver.mjs")
	cmd.Dir = dir
	cmd.Env = append(cmd.Env, "NODE_OPTIONS=", "NO_COLOR=1")
	cmd.WaitDelay = driverStop
	d := &driver{
		t:       t,
		cmd:     cmd,
		cancel:  cancel,
		stderr:  &syncBuffer{},
		replies: make(chan []byte, 16),
		done:    make(chan struct{}),
	}
	cmd.Stderr = d.stderr
	var err error
	if d.stdin, err = cmd.StdinPipe(); err != nil {
		cancel()
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting node %s: %v", filepath.Join(dir, "driver.mjs"), err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for sc.Scan() {
			d.replies <- bytes.Clone(sc.Bytes())
		}
		close(d.replies)
		// Wait after stdout is read to its end, as StdoutPipe requires.
		d.waitErr = cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(d.stop)
	return d
}

// stop closes the driver's stdin, lets it end on its own for a while, then
// kills it, and waits until it is gone, draining stdout meanwhile so that
// the reading goroutine ends.
func (d *driver) stop() {
	defer d.cancel()
	_ = d.stdin.Close()
	timer := time.NewTimer(driverStop)
	defer timer.Stop()
	replies := d.replies
	for {
		select {
		case <-d.done:
			return
		case _, ok := <-replies:
			if !ok {
				replies = nil
			}
		case <-timer.C:
			d.t.Logf("driver.mjs did not end within %v of its stdin closing: killing it", driverStop)
			d.cancel() // kills node; cmd.WaitDelay bounds the rest
		}
	}
}

// call sends one command with args and decodes its result into result
// (unless nil). Errors name the command and show the driver's stderr.
func (d *driver) call(ctx context.Context, cmd string, args any, result any) error {
	d.nextID++
	id := d.nextID
	line, err := json.Marshal(map[string]any{"id": id, "cmd": cmd, "args": args})
	if err != nil {
		return fmt.Errorf("janode %s: %w", cmd, err)
	}
	if _, err := d.stdin.Write(append(line, '\n')); err != nil {
		return d.failure(cmd, fmt.Errorf("writing the command: %w", err))
	}
	var raw []byte
	select {
	case l, ok := <-d.replies:
		if !ok {
			<-d.done
			return d.failure(cmd, fmt.Errorf("driver.mjs ended without answering (%v)", d.waitErr))
		}
		raw = l
	case <-ctx.Done():
		return d.failure(cmd, fmt.Errorf("no answer: %w", ctx.Err()))
	}
	var r driverReply
	if err := json.Unmarshal(raw, &r); err != nil {
		return d.failure(cmd, fmt.Errorf("answer %q is not JSON: %w", raw, err))
	}
	if r.ID == nil || *r.ID != id {
		return d.failure(cmd, fmt.Errorf("answer %s is not the answer to command %d", raw, id))
	}
	if !r.OK {
		return d.failure(cmd, errors.New(r.Error))
	}
	if result != nil {
		if err := json.Unmarshal(r.Result, result); err != nil {
			return d.failure(cmd, fmt.Errorf("decoding result %s: %w", r.Result, err))
		}
	}
	return nil
}

// must is call, failing t on error.
func (d *driver) must(ctx context.Context, t testing.TB, cmd string, args any, result any) {
	t.Helper()
	if err := d.call(ctx, cmd, args, result); err != nil {
		t.Fatal(err)
	}
}

// failure wraps err with the command and the tail of the driver's stderr.
func (d *driver) failure(cmd string, err error) error {
	msg := fmt.Sprintf("janode %s: %v", cmd, err)
	if s := strings.TrimSpace(d.stderr.String()); s != "" {
		if len(s) > stderrTail {
			s = "..." + s[len(s)-stderrTail:]
		}
		msg += "\ndriver.mjs stderr:\n" + s
	}
	return errors.New(msg)
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
