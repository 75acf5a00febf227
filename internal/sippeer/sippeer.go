//go:build !js

// Package sippeer runs real SIP peers from Debian for the tests of the
// SIP plugin: kamailio as a registrar and proxy, baresip as a user agent
// that answers calls, plays a sound, records what it hears and dials on
// command. Each runs from a configuration written into a test's temporary
// folder, bound to 127.0.0.1 only, and is stopped when the test ends,
// failed or not.
package sippeer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gojanus/gojanus/internal/janustest"
)

// Realm is the digest realm of the registrar: the HA1 of a password is
// MD5(user:Realm:password).
const Realm = "gojanus"

// startTimeout bounds how long a peer takes to come up.
const startTimeout = 20 * time.Second

// Registrar is a running kamailio.
type Registrar struct {
	// Addr is its SIP address, "127.0.0.1:PORT" (UDP).
	Addr string
	// Password is the one password every user registers with.
	Password string
	proc     *process
}

// URI returns the registrar's SIP URI, "sip:127.0.0.1:PORT".
func (r *Registrar) URI() string { return "sip:" + r.Addr }

// Log returns what kamailio logged so far.
func (r *Registrar) Log() string { return r.proc.log() }

// WaitLog waits until kamailio's log contains s n times: each request
// it routes is logged as "sippeer: METHOD URI from ADDR", each reply as
// "sippeer: reply CODE REASON for METHOD".
func (r *Registrar) WaitLog(ctx context.Context, s string, n int) error {
	return r.proc.waitLog(ctx, s, n)
}

// kamailioConfig is a registrar with digest authentication against one
// password (no database), a 403 for a wrong one, and a stateful proxy for
// calls to registered users.
const kamailioConfig = `#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
auto_aliases=no
listen=udp:{{ADDR}}
alias="{{ADDR}}"
mpath="{{MODULES}}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)

request_route {
	xlog("L_INFO", "sippeer: $rm $ru from $si:$sp\n");
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (is_method("REGISTER")) {
		if (!pv_www_authenticate("{{REALM}}", "{{PASSWORD}}", "0")) {
			if ($rc == -2) { sl_send_reply("403", "Wrong password"); exit; }
			www_challenge("{{REALM}}", "0");
			exit;
		}
		if (!save("location")) { sl_reply_error(); }
		exit;
	}
	# Subscriptions to the event package "gojanus" are accepted here
	# (without NOTIFYs), to any other refused.
	if (is_method("SUBSCRIBE")) {
		if ($hdr(Event) == "gojanus") {
			append_to_reply("Expires: 120\r\nContact: <sip:{{ADDR}}>\r\n");
			sl_send_reply("200", "OK");
		} else {
			sl_send_reply("489", "Bad Event");
		}
		exit;
	}
	if (has_totag()) {
		loose_route();
		t_relay();
		exit;
	}
	if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
	if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
	record_route();
	t_relay();
}

onreply_route {
	xlog("L_INFO", "sippeer: reply $rs $rr for $rm\n");
}
`

// Kamailio starts kamailio on a free UDP port of 127.0.0.1, accepting
// registrations with password, and stops it when t ends. It skips t (or,
// with CI=true, fails it) when kamailio is not installed.
func Kamailio(t testing.TB, password string) *Registrar {
	t.Helper()
	bin := janustest.Tool(t, "kamailio")
	dir := t.TempDir()
	addr := freeUDP(t)
	// Debian keeps the modules under the architecture's triplet.
	modules, _ := filepath.Glob("/usr/lib/*/kamailio/modules")
	if len(modules) == 0 {
		t.Fatal("sippeer: no kamailio modules in /usr/lib/*/kamailio/modules")
	}
	cfg := strings.NewReplacer("{{ADDR}}", addr, "{{REALM}}", Realm, "{{PASSWORD}}", password, "{{MODULES}}", modules[0]).Replace(kamailioConfig)
	path := filepath.Join(dir, "kamailio.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, "kamailio", dir, bin, "-f", path, "-DD", "-E", "-Y", dir, "-m", "32", "-M", "4")
	waitUDP(t, p, addr)
	return &Registrar{Addr: addr, Password: password, proc: p}
}

// BaresipOptions configures a baresip user agent.
type BaresipOptions struct {
	// User is the user part of its account, "bob".
	User string
	// Registrar, when set, is where it registers (with Password);
	// otherwise it answers on its own address only.
	Registrar *Registrar
	// AutoAnswer makes it answer incoming calls at once.
	AutoAnswer bool
	// Source is the WAV file it sends in calls; empty: a 440 Hz sine
	// (the ausine module), without end.
	Source string
	// Codecs limits its audio codecs, "pcmu" or "opus/48000/2"; empty:
	// Opus, PCMU and PCMA.
	Codecs string
	// MediaEnc encrypts its media: "srtp-mand" requires SDES-SRTP in
	// every call (RTP/SAVP), "srtp" offers it; empty: plain RTP.
	MediaEnc string
}

// UA is a running baresip.
type UA struct {
	// Addr is its SIP address, "127.0.0.1:PORT"; URI its account's URI
	// there, "sip:bob@127.0.0.1:PORT".
	Addr, URI string
	// RecordDir holds what it records in calls: dump-TIME-dec.wav is
	// what it heard, dump-TIME-enc.wav what it sent.
	RecordDir string
	proc      *process
	stdin     io.WriteCloser
}

// Baresip starts baresip from a configuration in a temporary folder,
// with SIP and RTP on 127.0.0.1, and stops it when t ends. It returns
// when baresip is ready (and registered, with a Registrar). It skips t
// (or, with CI=true, fails it) when baresip is not installed.
func Baresip(t testing.TB, opts BaresipOptions) *UA {
	t.Helper()
	bin := janustest.Tool(t, "baresip")
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec")
	if err := os.Mkdir(rec, 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeUDP(t)
	ctrl := freeTCP(t)
	source := "ausine,440"
	if opts.Source != "" {
		source = "aufile," + opts.Source
	}
	// No audio device here: the player is a bridge to nowhere, and the
	// sndfile filter records what is played and sent.
	config := strings.Join([]string{
		"poll_method epoll",
		"sip_listen " + addr,
		"net_interface 127.0.0.1",
		"audio_player aubridge,nowhere",
		"audio_alert aubridge,nowhere",
		"audio_source " + source,
		"rtp_ports 30000-39999",
		"snd_path " + rec,
		"module_path /usr/lib/baresip/modules",
		"module stdio.so",
		"module g711.so",
		"module opus.so",
		"module aufile.so",
		"module ausine.so",
		"module aubridge.so",
		"module sndfile.so",
		"module srtp.so",
		"module_tmp account.so",
		"module_app menu.so",
		"module_app ctrl_tcp.so",
		"ctrl_tcp_listen " + ctrl,
		"",
	}, "\n")
	uri := fmt.Sprintf("sip:%s@%s", opts.User, addr)
	account := "<" + uri + ">;regint=0"
	if r := opts.Registrar; r != nil {
		uri = fmt.Sprintf("sip:%s@%s", opts.User, r.Addr)
		account = fmt.Sprintf("<%s>;auth_pass=%s;regint=600", uri, r.Password)
	}
	if opts.AutoAnswer {
		account += ";answermode=auto"
	}
	if opts.Codecs != "" {
		account += ";audio_codecs=" + opts.Codecs
	}
	if opts.MediaEnc != "" {
		account += ";mediaenc=" + opts.MediaEnc
	}
	for name, text := range map[string]string{"config": config, "accounts": account + "\n", "contacts": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, stdin := startWithStdin(t, "baresip", dir, bin, "-f", dir)
	ua := &UA{Addr: addr, URI: uri, RecordDir: rec, proc: p, stdin: stdin}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := ua.WaitLog(ctx, "baresip is ready."); err != nil {
		t.Fatal(err)
	}
	if opts.Registrar != nil {
		if err := ua.WaitLog(ctx, "200 OK"); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := net.Dial("tcp", ctrl)
	if err != nil {
		t.Fatalf("sippeer: baresip's control port: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	go p.events(conn)
	return ua
}

// events adds the events baresip sends on its control connection
// (ctrl_tcp: netstrings of JSON) to its output, one line each:
// "event: TYPE PARAM".
func (p *process) events(conn net.Conn) {
	r := bufio.NewReader(conn)
	for {
		var n int
		if _, err := fmt.Fscanf(r, "%d:", &n); err != nil || n <= 0 || n > 1<<20 {
			return
		}
		msg := make([]byte, n+1) // the JSON and the trailing comma
		if _, err := io.ReadFull(r, msg); err != nil {
			return
		}
		var ev struct {
			Event bool   `json:"event"`
			Type  string `json:"type"`
			Param string `json:"param"`
		}
		if json.Unmarshal(msg[:n], &ev) == nil && ev.Event {
			p.append([]byte(fmt.Sprintf("event: %s %s\n", ev.Type, ev.Param)))
		}
	}
}

// Command types a command of baresip's menu ("/dial sip:...",
// "/hangup", "/quit") on its console.
func (u *UA) Command(cmd string) error {
	_, err := io.WriteString(u.stdin, cmd+"\n")
	return err
}

// Log returns what baresip printed so far.
func (u *UA) Log() string { return u.proc.log() }

// WaitLog waits until baresip's output contains s. Its events (ua
// events such as a DTMF digit it received) are in the output too, as
// lines "event: TYPE PARAM": "event: CALL_DTMF_START 5".
func (u *UA) WaitLog(ctx context.Context, s string) error { return u.proc.waitLog(ctx, s, 1) }

// Recording returns the path of the recording of one direction of the
// last call: "dec" (what baresip heard) or "enc" (what it sent); empty
// when there is none.
func (u *UA) Recording(dir string) string {
	files, _ := filepath.Glob(filepath.Join(u.RecordDir, "dump-*-"+dir+".wav"))
	if len(files) == 0 {
		return ""
	}
	return files[len(files)-1]
}

// Stop ends baresip (its recordings are complete afterwards).
func (u *UA) Stop() { u.proc.stop() }

// process is a peer started by a test.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once

	mu     sync.Mutex
	out    bytes.Buffer
	change chan struct{} // closed and replaced when out grows
}

func start(t testing.TB, name, dir, bin string, args ...string) *process {
	p, _ := startWithStdin(t, name, dir, bin, args...)
	return p
}

func startWithStdin(t testing.TB, name, dir, bin string, args ...string) (*process, io.WriteCloser) {
	t.Helper()
	p := &process{name: name, done: make(chan struct{}), change: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.SysProcAttr = sysProcAttr()
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("sippeer: starting %s: %v", name, err)
	}
	go p.collect(r)
	go func() {
		_ = p.cmd.Wait()
		w.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		stdin.Close()
		p.stop()
		if t.Failed() {
			t.Logf("sippeer: %s output:\n%s", name, tail(p.log(), 80))
		}
	})
	return p, stdin
}

// collect keeps the process's output.
func (p *process) collect(r io.Reader) {
	br := bufio.NewReader(r)
	buf := make([]byte, 4096)
	for {
		n, err := br.Read(buf)
		if n > 0 {
			p.append(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// append adds b to the output and wakes the waiters.
func (p *process) append(b []byte) {
	p.mu.Lock()
	p.out.Write(b)
	close(p.change)
	p.change = make(chan struct{})
	p.mu.Unlock()
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitLog waits until the output contains s n times.
func (p *process) waitLog(ctx context.Context, s string, n int) error {
	for {
		p.mu.Lock()
		found, change := strings.Count(p.out.String(), s) >= n, p.change
		p.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-change:
		case <-p.done:
			if strings.Count(p.log(), s) >= n {
				return nil
			}
			return fmt.Errorf("sippeer: %s ended before printing %q %d times:\n%s", p.name, s, n, tail(p.log(), 40))
		case <-ctx.Done():
			return fmt.Errorf("sippeer: %s did not print %q %d times: %w\n%s", p.name, s, n, ctx.Err(), tail(p.log(), 40))
		}
	}
}

// stop ends the process and its children: SIGTERM to its process group,
// SIGKILL after a grace period.
func (p *process) stop() {
	p.once.Do(func() {
		pgid := p.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
	})
}

// waitUDP waits until a UDP socket is bound to addr (in this network
// namespace's /proc/net/udp).
func waitUDP(t testing.TB, p *process, addr string) {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	want := fmt.Sprintf("0100007F:%04X", atoi(port))
	deadline := time.After(startTimeout)
	for {
		b, _ := os.ReadFile("/proc/net/udp")
		if bytes.Contains(b, []byte(want)) {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("sippeer: %s ended:\n%s", p.name, tail(p.log(), 40))
		case <-deadline:
			t.Fatalf("sippeer: %s does not listen on %s:\n%s", p.name, addr, tail(p.log(), 40))
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// freeUDP returns a UDP address of 127.0.0.1 that was free a moment ago.
func freeUDP(t testing.TB) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

// freeTCP returns a TCP address of 127.0.0.1 that was free a moment ago.
func freeTCP(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
