package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
	"github.com/spf13/pflag"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/native"
)

// cleanupWait bounds leaving, hanging up and destroying after a media run.
const cleanupWait = 5 * time.Second

// cleanupContext is a context for clean-up requests that outlive ctx.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupWait)
}

// sourceHelp documents --source.
const sourceHelp = "media `source`: test (a test pattern and tone), FILE[,FILE] (.ivf .ogg .h264, looped), " +
	"ffmpeg:ARGS (ffmpeg input arguments), gst:PIPELINE[;PIPELINE] (ending in an RTP payloader), device (built with -tags mediadevices)"

// mediaFlags are the flags of commands that make a PeerConnection.
type mediaFlags struct {
	iface string
	a     *app // for pion's log
}

// register adds the flags to fs; a's stderr and --log-level take pion's
// log.
func (m *mediaFlags) register(fs *pflag.FlagSet, a *app) {
	m.a = a
	fs.StringVar(&m.iface, "ice-interface", "", "gather ICE candidates only on this network `interface` (default: every one but loopback)")
}

// check validates the flags before anything is sent: the interface
// exists, is up, has an address, and is not loopback.
func (m *mediaFlags) check() error {
	if m.iface == "" {
		return nil
	}
	others := "it has none that could work"
	if names := usableInterfaces(); len(names) > 0 {
		others = "usable ones here: " + strings.Join(names, ", ")
	}
	i, err := net.InterfaceByName(m.iface)
	switch {
	case err != nil:
		return &cliError{kind: kindUsage, err: fmt.Errorf("--ice-interface %q: no such network interface on this machine", m.iface), hint: others}
	case i.Flags&net.FlagLoopback != 0:
		return &cliError{kind: kindUsage, err: fmt.Errorf("--ice-interface %q is a loopback interface, where Janus gathers no ICE candidates", m.iface), hint: others}
	case i.Flags&net.FlagUp == 0:
		return &cliError{kind: kindUsage, err: fmt.Errorf("--ice-interface %q is down", m.iface), hint: others}
	case len(ipv4Addrs(i)) == 0:
		return &cliError{kind: kindUsage, err: fmt.Errorf("--ice-interface %q has no IPv4 address", m.iface), hint: others}
	}
	return nil
}

// usableInterfaces names the interfaces that are up, not loopback, and
// have an IPv4 address.
func usableInterfaces() []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var names []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 && len(ipv4Addrs(&i)) > 0 {
			names = append(names, i.Name)
		}
	}
	return names
}

// ipv4Addrs returns an interface's IPv4 addresses.
func ipv4Addrs(i *net.Interface) []net.IP {
	addrs, err := i.Addrs()
	if err != nil {
		return nil
	}
	var out []net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			out = append(out, n.IP)
		}
	}
	return out
}

// peer makes a native Peer with the media flags.
func (m *mediaFlags) peer() (*native.Peer, error) {
	return native.NewPeer(m.peerConfig())
}

// peerConfig is the Peer configuration of the media flags.
func (m *mediaFlags) peerConfig() native.PeerConfig {
	se := &webrtc.SettingEngine{}
	cfg := native.PeerConfig{SettingEngine: se}
	if m.a != nil {
		se.LoggerFactory = m.a.pionLog()
	}
	if m.iface != "" {
		iface := m.iface
		se.SetInterfaceFilter(func(name string) bool { return name == iface })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	}
	return cfg
}

// pionLog is pion's log: on stderr, at --log-level's level, except that
// pion's warnings (many of them harmless) show from info on.
func (a *app) pionLog() logging.LoggerFactory {
	level := logging.LogLevelError
	switch {
	case a.g.level <= slog.LevelDebug:
		level = logging.LogLevelDebug
	case a.g.level <= slog.LevelInfo:
		level = logging.LogLevelInfo
	}
	return &logging.DefaultLoggerFactory{Writer: a.stderr, DefaultLogLevel: level, ScopeLevels: map[string]logging.LogLevel{}}
}

// sendingPeer makes a native Peer with the media flags that sends the
// tracks of source.
func (m *mediaFlags) sendingPeer(source native.Source) (*native.Peer, error) {
	peer, err := m.peer()
	if err != nil {
		return nil, err
	}
	for _, tr := range source.Tracks() {
		if _, err := peer.AddTrack(tr); err != nil {
			_ = peer.Close()
			return nil, err
		}
	}
	return peer, nil
}

// positiveDuration is a duration flag that takes only values above zero:
// a zero or negative one is refused while the command line is parsed. Its
// zero value means the flag was not given.
type positiveDuration time.Duration

// durationFlag adds a positiveDuration flag to fs.
func durationFlag(fs *pflag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	fs.Var((*positiveDuration)(p), name, usage)
}

func (d *positiveDuration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

func (d *positiveDuration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration (write 1500ms, 10s or 2m)")
	}
	if v <= 0 {
		return fmt.Errorf("must be positive, not %s", v)
	}
	*d = positiveDuration(v)
	return nil
}

func (d *positiveDuration) Type() string { return "duration" }

// sendingSession prepares a media command that sends --source (src)
// through a plugin: it checks the media flags, reads the source, opens a
// session within setup and makes a Peer that sends the source. end closes
// the peer and destroys the session; call it once, when done.
func (a *app) sendingSession(ctx, setup context.Context, media *mediaFlags, src string) (source native.Source, s *core.Session, peer *native.Peer, end func(), err error) {
	if err := media.check(); err != nil {
		return nil, nil, nil, nil, err
	}
	if source, err = a.parseSource(src); err != nil {
		return nil, nil, nil, nil, err
	}
	_, s, endSession, err := a.openSession(ctx, setup)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if peer, err = media.sendingPeer(source); err != nil {
		endSession()
		return nil, nil, nil, nil, err
	}
	return source, s, peer, func() { _ = peer.Close(); endSession() }, nil
}

// sendFor runs source for duration (or until ctx ends), with a progress
// line of stats on a terminal: the end of duration and an interrupt (the
// command then hangs up and prints its summary, as publish and record
// do) are success; the loss of the Janus session is a *sessionLost; any
// other end of the source a media error. It returns how long it sent.
func sendFor(ctx context.Context, out output, source native.Source, duration time.Duration, stats func() []native.TrackStats) (time.Duration, error) {
	ran, err := out.runFor(ctx, duration, stats, source.Run)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return ran, nil
		}
		return ran, mediaErr(fmt.Errorf("source: %w", err))
	}
	return ran, nil
}

// parseSource reads --source; a bad one is a usage error. The test
// pattern of a build without the in-process encoder comes from ffmpeg,
// which cannot answer keyframe requests: a note on stderr says so.
func (a *app) parseSource(spec string) (native.Source, error) {
	src, err := native.ParseSource(spec)
	if err != nil {
		return nil, usagef("--source %q: %v", spec, err)
	}
	if spec == "test" && !native.InProcessEncoding {
		fmt.Fprintf(a.stderr, "gojanus: note: --source test: %s\n", native.NoInProcessEncodingNote)
	}
	return src, nil
}

// waitUp waits until Janus reports the PeerConnection up (webrtcup) on
// events, meanwhile passing Janus's candidates to peer and answering its
// offers with answer (nil: no offers expected; see
// core.HandleNegotiation); ICE failure, a hangup or the end of ctx are
// errors, worded the same in every command.
func waitUp(ctx context.Context, what string, peer *native.Peer, events <-chan core.Event, answer core.AnswerFunc) error {
	failed := make(chan struct{})
	var once sync.Once
	peer.OnStateChange(func(st string) {
		if st == "failed" {
			once.Do(func() { close(failed) })
		}
	})
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return fmt.Errorf("%s: the handle ended before the PeerConnection came up", what)
			}
			switch ev := ev.(type) {
			case *core.WebRTCUp:
				return nil
			case *core.Hangup:
				return fmt.Errorf("%s: janus hung up: %s", what, ev.Reason)
			}
			if _, err := core.HandleNegotiation(ctx, ev, peer, answer); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		case <-failed:
			return iceError(what, nil)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return ctx.Err()
			}
			return iceError(what, fmt.Errorf("not within --timeout"))
		}
	}
}

// trackCounter counts what arrives on remote tracks: packets, payload
// bytes and frames (RTP marker bits for video, packets for audio).
type trackCounter struct {
	mu      sync.Mutex
	tracks  []*countedTrack
	readers sync.WaitGroup
}

// countedTrack is one remote track and its counts.
type countedTrack struct {
	st   native.TrackStats
	mid  string
	feed *core.ID
	file string
	rec  *native.TrackRecorder // set when recorded to a file
}

// add registers a remote track; when count is set it also reads the track
// until it ends.
func (c *trackCounter) add(tr *webrtc.TrackRemote, mid string, count bool) *countedTrack {
	t := &countedTrack{st: native.TrackStats{ID: tr.ID(), Kind: tr.Kind().String(), Codec: tr.Codec().MimeType}, mid: mid}
	c.mu.Lock()
	c.tracks = append(c.tracks, t)
	c.mu.Unlock()
	if !count {
		return t
	}
	c.readers.Add(1)
	go func() {
		defer c.readers.Done()
		video := tr.Kind() == webrtc.RTPCodecTypeVideo
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			c.mu.Lock()
			t.st.Packets++
			t.st.Bytes += uint64(len(pkt.Payload))
			if !video || pkt.Marker {
				t.st.Frames++
			}
			c.mu.Unlock()
		}
	}()
	return t
}

// stats returns the counts so far.
func (c *trackCounter) stats() []native.TrackStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]native.TrackStats, 0, len(c.tracks))
	for _, t := range c.tracks {
		if t.rec != nil {
			out = append(out, t.rec.Stats())
		} else {
			out = append(out, t.st)
		}
	}
	return out
}

// wait waits until the readers end (after the PeerConnection closed).
func (c *trackCounter) wait() { c.readers.Wait() }

// summary returns the tracks in the JSON form.
func (c *trackCounter) summary() []Track {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Track, 0, len(c.tracks))
	for _, t := range c.tracks {
		st := t.st
		if t.rec != nil {
			_ = t.rec.Wait(context.Background())
			st = t.rec.Stats()
		}
		tr := trackOf(st)
		tr.Feed, tr.Mid, tr.File = t.feed, t.mid, t.file
		out = append(out, tr)
	}
	return out
}

// untilQuiet waits for the last packets in flight after a source stopped:
// until no packet arrived for quiet, at most max.
func (c *trackCounter) untilQuiet(ctx context.Context, quiet, max time.Duration) {
	deadline := time.Now().Add(max)
	total := func() (n uint64) {
		for _, st := range c.stats() {
			n += st.Packets
		}
		return n
	}
	last := total()
	t := time.NewTicker(quiet)
	defer t.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := total()
		if n == last {
			return
		}
		last = n
	}
}

// midOf finds the mid of the transceiver of a receiver.
func midOf(pc *webrtc.PeerConnection, recv *webrtc.RTPReceiver) string {
	for _, t := range pc.GetTransceivers() {
		if t.Receiver() == recv {
			return t.Mid()
		}
	}
	return ""
}

// After a source stops, media commands wait for the packets still in
// flight: until none arrived for quietAfterSource, at most maxTailWait.
const (
	quietAfterSource = 200 * time.Millisecond
	maxTailWait      = 2 * time.Second
)

// receivedTracks is a native.Sink that counts the tracks a command
// receives, or records them: all into one .webm recorder, or each into a
// file of the record directory named PREFIX-KIND.EXT.
type receivedTracks struct {
	trackCounter
	record  string
	webm    *webmRecording
	prefix  string
	command string // for the messages on stderr
	stderr  io.Writer
}

var _ native.Sink = (*receivedTracks)(nil)

// receiving checks --record (record) before anything is sent and returns
// the sink of a command that receives; its files are named prefix-KIND.EXT.
func receiving(record, prefix, command string, stderr io.Writer) (*receivedTracks, error) {
	webm, err := checkRecordPath(record, true)
	if err != nil {
		return nil, err
	}
	r := &receivedTracks{record: record, prefix: prefix, command: command, stderr: stderr}
	if webm {
		r.webm = &webmRecording{path: record}
	}
	return r, nil
}

// AddTrack counts or records tr (see addTrack).
func (r *receivedTracks) AddTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, _ time.Duration) error {
	r.addTrack(pc, tr, "")
	return nil
}

// addTrack counts or records tr, whose m-line is mid; a recorder that
// cannot take it is reported on stderr and the track only counted.
func (r *receivedTracks) addTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote, mid string) {
	t := r.add(tr, mid, r.record == "")
	var file string
	var rec *native.TrackRecorder
	var err error
	switch {
	case r.webm != nil:
		file = r.record
		err = r.webm.addTrack(pc, tr)
	case r.record != "":
		file = filepath.Join(r.record, fmt.Sprintf("%s-%s%s", r.prefix, tr.Kind(), extFor(tr.Codec().MimeType)))
		rec, err = native.RecordTrack(pc, tr, file, pliInterval)
	}
	if err != nil {
		fmt.Fprintf(r.stderr, "gojanus %s: %v\n", r.command, err)
		file, rec = "", nil
	}
	r.mu.Lock()
	t.file, t.rec = file, rec
	r.mu.Unlock()
}

// finish waits for the readers after the PeerConnection closed, closes
// the .webm recording and returns the tracks in the JSON form (a WebM
// recording's counts from its recorder), also with an error.
func (r *receivedTracks) finish() ([]Track, error) {
	r.wait()
	tracks := r.summary()
	if r.webm == nil {
		return tracks, nil
	}
	if err := r.webm.close(); err != nil {
		return tracks, mediaErr(fmt.Errorf("webm: %w", err)) // the tracks still say what arrived
	}
	for _, st := range r.webm.stats() {
		for i := range tracks {
			if tracks[i].Kind == st.Kind {
				tracks[i].Frames, tracks[i].Packets, tracks[i].Bytes = st.Frames, st.Packets, st.Bytes
			}
		}
	}
	return tracks, nil
}

// received prints one line per received track: what arrived and where it
// was recorded.
func (o output) received(tracks []Track) {
	for _, t := range tracks {
		line := fmt.Sprintf("%s: %d frames, %d packets, %d bytes", t.Codec, t.Frames, t.Packets, t.Bytes)
		if t.File != "" {
			line += " -> " + t.File
		}
		o.step(t.Kind, "%s", line)
	}
}

// webmRecording is a .webm --record. Its recorder is made at the first
// track, when the session's descriptions say what it carries: audio when
// Opus comes in, video when VP8 does (an audio-only session makes an
// audio-only WebM, a video-only one declares no Opus track).
type webmRecording struct {
	path      string
	once      sync.Once
	rec       *native.WebMRecorder
	withVideo bool
	err       error
}

// addTrack records tr, making the recorder first if needed.
func (w *webmRecording) addTrack(pc *webrtc.PeerConnection, tr *webrtc.TrackRemote) error {
	w.once.Do(func() {
		audio, video := webmKinds(pc)
		if !audio && !video {
			w.err = fmt.Errorf("native: WebM recording takes VP8 video and Opus audio, and the session carries neither (%s arrived)", tr.Codec().MimeType)
			return
		}
		w.withVideo = video
		w.rec, w.err = native.NewWebMRecorder(w.path, audio, video)
	})
	if w.err != nil {
		return w.err
	}
	return w.rec.AddTrack(pc, tr, pliInterval)
}

// close finishes the file (see native.WebMRecorder.Close); a recording
// that got no track fails too, and leaves no file.
func (w *webmRecording) close() error {
	w.once.Do(func() { w.err = errors.New("native: WebM recording got no track") })
	if w.rec == nil {
		return w.err
	}
	return w.rec.Close()
}

// stats is the recorder's Stats (none before the first track).
func (w *webmRecording) stats() []native.TrackStats {
	if w.rec == nil {
		return nil
	}
	return w.rec.Stats()
}

// video reports whether the recording waits for video.
func (w *webmRecording) video() bool {
	return w.withVideo
}

// webmKinds says what a WebM of pc's session holds: audio when an m-line
// of the answer has us receive Opus, video when one has us receive VP8
// (the first format of an answer's m-line is the codec in use).
func webmKinds(pc *webrtc.PeerConnection) (audio, video bool) {
	answer, local := pc.RemoteDescription(), false
	if d := pc.LocalDescription(); d != nil && d.Type == webrtc.SDPTypeAnswer {
		answer, local = d, true
	}
	if answer == nil {
		return false, false
	}
	parsed, err := answer.Unmarshal()
	if err != nil {
		return false, false
	}
	for _, m := range parsed.MediaDescriptions {
		if m.MediaName.Port.Value == 0 || len(m.MediaName.Formats) == 0 {
			continue
		}
		dir := "sendrecv"
		codec := ""
		for _, a := range m.Attributes {
			switch a.Key {
			case "sendrecv", "sendonly", "recvonly", "inactive":
				dir = a.Key
			case "rtpmap":
				if f := strings.Fields(a.Value); len(f) == 2 && f[0] == m.MediaName.Formats[0] {
					codec, _, _ = strings.Cut(strings.ToLower(f[1]), "/")
				}
			}
		}
		receiving := "sendonly" // the remote answer sends to us
		if local {
			receiving = "recvonly"
		}
		if dir != "sendrecv" && dir != receiving {
			continue
		}
		switch {
		case m.MediaName.Media == "audio" && codec == "opus":
			audio = true
		case m.MediaName.Media == "video" && codec == "vp8":
			video = true
		}
	}
	return audio, video
}
