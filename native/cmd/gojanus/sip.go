package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
	"github.com/gojanus/gojanus/native"
)

// SIPCallOutput is the --json output of "sip call" and "sip answer".
type SIPCallOutput struct {
	Server string `json:"server"`
	// URI is the other party: the SIP URI called, or the caller of an
	// answered call (Incoming). From is the account's URI.
	URI  string `json:"uri"`
	From string `json:"from"`
	// Incoming is set for a call "sip answer" took.
	Incoming bool `json:"incoming"`
	// Registered is set when the account registered at a registrar
	// (--secret), not as a guest.
	Registered bool   `json:"registered"`
	CallID     string `json:"call_id"`
	Source     string `json:"source"`
	DurationMS int64  `json:"duration_ms"`
	// Sent and Received are the tracks of the call; Received tracks carry
	// the File they were recorded to (--record).
	Sent     []Track `json:"sent"`
	Received []Track `json:"received"`
	// Ended is set when the other side hung up before --duration or an
	// interrupt.
	Ended bool `json:"ended"`
	// HangupCode and HangupReason are the SIP status that ended the call.
	HangupCode   int    `json:"hangup_code"`
	HangupReason string `json:"hangup_reason"`
}

// The schema test checks SIPCallOutput with the other output types
// (schema.go's outputTypes).
func (a *app) sipCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sip",
		Short: "Call SIP user agents, or answer their calls, through the SIP plugin",
	}
	cmd.AddCommand(a.sipCallCommand(), a.sipAnswerCommand())
	return cmd
}

// sipFlags are the flags "sip call" and "sip answer" share: the account,
// the media and how long the call lasts.
type sipFlags struct {
	from, secret, authUser, proxy, src, record string
	duration                                   time.Duration
	video                                      bool
	media                                      mediaFlags
}

// register adds the flags to f; accountHelp says what the account does,
// recordHelp whose media --record keeps, durationHelp what --duration
// bounds (its default is duration).
func (sf *sipFlags) register(a *app, f *pflag.FlagSet, accountHelp, recordHelp string, duration time.Duration, durationHelp string) {
	f.StringVar(&sf.from, "register", "sip:gojanus@127.0.0.1", "SIP `URI` of the account that "+accountHelp)
	f.StringVar(&sf.secret, "secret", "", "the account's password: register at --proxy first")
	f.StringVar(&sf.authUser, "auth-user", "", "user name for the digest authentication (default: the URI's user)")
	f.StringVar(&sf.proxy, "proxy", "", "registrar `URI`, sip:HOST:PORT (default: the account's domain)")
	f.StringVar(&sf.src, "source", "test", sourceHelp)
	f.StringVar(&sf.record, "record", "", "record what "+recordHelp+" sends into this `directory` (audio.ogg, video.ivf; made if its parent exists)")
	durationFlag(f, &sf.duration, "duration", duration, durationHelp)
	f.BoolVar(&sf.video, "video", false, "send the source's video too (the other side must take it)")
	sf.media.register(f, a)
}

// check validates the flags and parses the source.
func (sf *sipFlags) check(a *app) (native.Source, error) {
	if err := sf.media.check(); err != nil {
		return nil, err
	}
	if _, err := checkRecordPath(sf.record, false); err != nil {
		return nil, err
	}
	return a.parseSource(sf.src)
}

// sipLine is one end of a call: the SIP handle with its account set up,
// and the PeerConnection that sends the source and counts or records what
// the other side sends.
type sipLine struct {
	a        *app
	sf       *sipFlags
	out      output
	h        *sip.Handle
	source   native.Source
	peer     *native.Peer
	received trackCounter
}

// openSIPLine connects, attaches the SIP plugin, registers the account (or
// sets it up as a guest) and makes the PeerConnection, within setup; end
// closes it all.
func (a *app) openSIPLine(ctx, setup context.Context, sf *sipFlags, source native.Source) (l *sipLine, end func(), err error) {
	_, s, endSession, err := a.openSession(ctx, setup)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			endSession()
		}
	}()
	h, err := sip.Attach(setup, s)
	if err != nil {
		return nil, nil, err
	}
	l = &sipLine{a: a, sf: sf, out: a.out(), h: h, source: source}
	l.out.step("connect", "%s, session %d, SIP handle %d", core.RedactURL(a.g.server), s.ID(), h.ID())
	if err := sipRegister(setup, h, sip.RegisterRequest{Username: sf.from, Secret: sf.secret, AuthUser: sf.authUser, Proxy: sf.proxy}); err != nil {
		return nil, nil, err
	}
	if sf.secret != "" {
		l.out.step("register", "%s registered at %s", sf.from, sf.proxy)
	} else {
		l.out.step("register", "%s as a guest (no REGISTER)", sf.from)
	}
	if l.peer, err = sipPeer(&sf.media, source, sf.video); err != nil {
		return nil, nil, err
	}
	pc := l.peer.PeerConnection()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		t := l.received.add(tr, "", sf.record == "")
		if sf.record == "" {
			return
		}
		file := filepath.Join(sf.record, tr.Kind().String()+recordExt(tr.Codec().MimeType))
		rec, err := native.RecordTrack(pc, tr, file, 0)
		if err != nil {
			fmt.Fprintf(a.stderr, "gojanus: recording %s: %v\n", file, err)
			return
		}
		l.received.mu.Lock()
		t.rec, t.file = rec, file
		l.received.mu.Unlock()
	})
	return l, func() { _ = l.peer.Close(); endSession() }, nil
}

// talk runs the call once its PeerConnection is up: it sends the source
// for --duration (0: until the other side hangs up or an interrupt),
// hangs up unless the other side did, and returns the summary, with URI,
// CallID and Incoming left to the caller.
func (l *sipLine) talk(ctx context.Context) (SIPCallOutput, error) {
	sf, h, received := l.sf, l.h, &l.received
	// The run ends at --duration, an interrupt, or when the other side
	// hangs up (a *sip.Hangup), the normal ends of a call.
	run := l.out.watchingUntil(l.peer, h.Events(), func(ev core.Event) bool {
		_, ok := ev.(*sip.Hangup)
		return ok
	})
	ran, err := run.runFor(ctx, sf.duration, func() []native.TrackStats {
		return slices.Concat(labelled(sentStats(l.source, sf.video), "sent "), labelled(received.stats(), "received "))
	}, l.source.Run)
	if lost := (*sessionLost)(nil); errors.As(err, &lost) {
		return SIPCallOutput{}, lost
	}
	hangup, _ := run.watchEnded().(*sip.Hangup)
	var mediaGone *mediaLost
	errors.As(err, &mediaGone)
	// An interrupt ends the call like its --duration: hang up and print
	// the summary.
	if err != nil && hangup == nil && mediaGone == nil && !errors.Is(err, context.DeadlineExceeded) && (!errors.Is(err, context.Canceled) || ctx.Err() == nil) {
		return SIPCallOutput{}, mediaErr(fmt.Errorf("source: %w", err))
	}
	ended := hangup != nil
	if !ended {
		bye, cancelBye := cleanupContext(ctx)
		defer cancelBye()
		if mediaGone == nil {
			received.untilQuiet(ctx, quietAfterSource, maxTailWait)
		}
		if err := h.HangupCall(bye); err != nil && mediaGone == nil {
			return SIPCallOutput{}, err
		}
		if hangup, err = sipHangup(bye, h); err != nil {
			if mediaGone != nil {
				return SIPCallOutput{}, mediaGone
			}
			return SIPCallOutput{}, err
		}
	}
	if mediaGone != nil {
		// The media ended with the call up: it is hung up now.
		return SIPCallOutput{}, mediaGone
	}
	_ = l.peer.Close()
	received.wait()
	return SIPCallOutput{Server: core.RedactURL(l.a.g.server), From: sf.from, Registered: sf.secret != "",
		Source: sf.src, DurationMS: ran.Milliseconds(), Ended: ended,
		Sent: tracksOf(sentStats(l.source, sf.video)), Received: received.summary(),
		HangupCode: hangup.Code, HangupReason: hangup.Reason}, nil
}

// report prints a call's summary.
func (l *sipLine) report(sum SIPCallOutput) error {
	out := l.out
	return out.result(sum, func() {
		for _, t := range sum.Sent {
			out.step("sent", "%s %s: %d frames, %d packets, %d bytes", t.Kind, t.Codec, t.Frames, t.Packets, t.Bytes)
		}
		for _, t := range sum.Received {
			where := ""
			if t.File != "" {
				where = ", recorded to " + t.File
			}
			out.step("received", "%s %s: %d packets, %d bytes%s", t.Kind, t.Codec, t.Packets, t.Bytes, where)
		}
		if sum.Ended {
			out.step("hangup", "by the other side: %d %s", sum.HangupCode, sum.HangupReason)
		} else {
			out.step("hangup", "%d %s", sum.HangupCode, sum.HangupReason)
		}
	})
}

func (a *app) sipCallCommand() *cobra.Command {
	var (
		uri string
		sf  sipFlags
	)
	cmd := &cobra.Command{
		Use:   "call --uri sip:USER@HOST",
		Short: "Call a SIP URI, send media, record what comes back, hang up",
		Long: `Call a SIP URI through Janus's SIP plugin: register the account --register
(with --secret, at --proxy) or use it as a guest (no --secret), send --source
for --duration once the callee answered, count or --record what the callee
sends, then hang up. A callee that hangs up first ends the call early (exit 0,
"ended" in the JSON); a PeerConnection that fails during the call is an
error (exit 1). The SIP plugin bridges WebRTC to plain RTP: audio codecs
the callee knows (Opus, PCMU) pass through unchanged. Only the source's audio
is offered unless --video: many SIP phones refuse video.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if uri == "" {
				return usagef("--uri is required")
			}
			if !isSIPURI(uri) {
				return usagef("--uri %q: not a SIP URI (sip:USER@HOST or sips:USER@HOST)", uri)
			}
			source, err := sf.check(a)
			if err != nil {
				return err
			}
			setup, cancel := a.bounded(ctx)
			defer cancel()
			l, end, err := a.openSIPLine(ctx, setup, &sf, source)
			if err != nil {
				return err
			}
			defer end()
			calling, err := l.h.CallPeer(setup, sip.CallRequest{URI: uri}, l.peer, nil)
			if err != nil {
				return err
			}
			l.out.step("call", "%s, Call-ID %s", uri, calling.CallID)
			if err := sipAnswered(setup, l.h, l.peer, l.out, calling.Early); err != nil {
				return err
			}
			if err := waitUp(setup, "sip", l.peer, l.h.Events(), nil); err != nil {
				return err
			}
			l.out.step("webrtc", "connected; sending %s for %s", sf.src, sf.duration)
			sum, err := l.talk(ctx)
			if err != nil {
				return err
			}
			sum.URI, sum.CallID = uri, calling.CallID
			return l.report(sum)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&uri, "uri", "", "SIP `URI` to call (required)")
	sf.register(a, f, "calls; registered when --secret is given, else a guest", "the callee",
		5*time.Second, "how long to send media once the call is up")
	return cmd
}

func (a *app) sipAnswerCommand() *cobra.Command {
	var (
		sf   sipFlags
		wait time.Duration
	)
	cmd := &cobra.Command{
		Use:   "answer --register sip:USER@DOMAIN --secret PASSWORD",
		Short: "Wait for a SIP call to a registered account, answer it, send media, record what comes",
		Long: `Register the account --register at --proxy (--secret is required) through
Janus's SIP plugin and wait for a call to it (up to --wait; default: until
interrupted). The first call is answered with --source, its codec first; what
the caller sends is counted or recorded (--record). The call lasts until the
caller hangs up (exit 0, "ended" in the JSON), --duration, or an interrupt,
which hang up. A first call without an SDP offer is declined (488) and ends
the command with an error; so does a registration that fails while waiting.
Only the source's audio is answered unless --video.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if sf.secret == "" {
				return usagef("--secret is required: callers reach the account through its registrar")
			}
			source, err := sf.check(a)
			if err != nil {
				return err
			}
			setup, cancel := a.bounded(ctx)
			defer cancel()
			l, end, err := a.openSIPLine(ctx, setup, &sf, source)
			if err != nil {
				return err
			}
			defer end()
			cancel()

			l.out.step("waiting", "for a call to %s", sf.from)
			in, err := l.incoming(ctx, wait)
			if err != nil {
				return err
			}
			l.out.step("incoming", "from %s, Call-ID %s", in.Username, in.CallID)
			setup, cancel = a.bounded(ctx)
			defer cancel()
			if in.JSEP == nil {
				_ = l.h.Decline(setup, sip.DeclineRequest{Code: 488})
				return &cliError{kind: kindFailure, err: fmt.Errorf("sip: the call from %s has no SDP offer: declined (488)", in.Username),
					hint: "gojanus answers INVITEs that carry an SDP offer"}
			}
			if err := l.h.AcceptPeer(setup, in, l.peer, nil); err != nil {
				return err
			}
			l.out.step("accepted", "the call from %s", in.Username)
			if err := waitUp(setup, "sip", l.peer, l.h.Events(), nil); err != nil {
				return err
			}
			if sf.duration > 0 {
				l.out.step("webrtc", "connected; sending %s for %s", sf.src, sf.duration)
			} else {
				l.out.step("webrtc", "connected; sending %s until the caller hangs up", sf.src)
			}
			sum, err := l.talk(ctx)
			if err != nil {
				return err
			}
			sum.URI, sum.CallID, sum.Incoming = in.Username, in.CallID, true
			return l.report(sum)
		}),
	}
	f := cmd.Flags()
	sf.register(a, f, "answers", "the caller",
		0, "hang up this long after the call is up (default: when the caller hangs up)")
	f.Lookup("secret").Usage = "the account's password (required): register at --proxy first"
	durationFlag(f, &wait, "wait", 0, "give up when no call came within this long (default: wait until interrupted)")
	return cmd
}

// incoming waits for the next call to the account, within wait (0: until
// ctx ends) and while the session lives.
func (l *sipLine) incoming(ctx context.Context, wait time.Duration) (*sip.IncomingCall, error) {
	waitCtx, stop := upTo(ctx, wait)
	defer stop()
	waitCtx, endWatch := l.out.conn.bind(waitCtx)
	defer endWatch()
	for {
		select {
		case ev, ok := <-l.h.Events():
			if !ok {
				return nil, errHandleEnded("a call")
			}
			switch ev := ev.(type) {
			case *sip.IncomingCall:
				return ev, nil
			case *sip.RegistrationFailed:
				// A refresh failed: no call can reach the account now.
				return nil, &cliError{kind: kindFailure, err: fmt.Errorf("sip: the registration of %s failed while waiting for a call: %d %s", l.sf.from, ev.Code, ev.Reason),
					hint: "check the registrar; --secret, --auth-user and --proxy"}
			case *sip.Unregistered:
				return nil, &cliError{kind: kindFailure, err: fmt.Errorf("sip: %s was unregistered while waiting for a call", l.sf.from)}
			}
		case <-waitCtx.Done():
			if lost := l.out.conn.lostErr(); lost != nil {
				return nil, lost
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &cliError{kind: kindFailure, err: fmt.Errorf("sip: no call to %s within --wait %s", l.sf.from, wait)}
		}
	}
}

// sipPeer makes the peer of a call, sending the audio tracks of source
// and, with video, its video tracks: pion cannot set a remote answer that
// refuses the m-line of a track it sends (the video of a SIP phone
// without video), so the video is not offered unless asked for.
func sipPeer(media *mediaFlags, source native.Source, video bool) (*native.Peer, error) {
	peer, err := media.peer()
	if err != nil {
		return nil, err
	}
	for _, tr := range source.Tracks() {
		if tr.Kind() != webrtc.RTPCodecTypeAudio && !video {
			continue
		}
		if _, err := peer.AddTrack(tr); err != nil {
			_ = peer.Close()
			return nil, err
		}
	}
	return peer, nil
}

// sentStats returns the statistics of the tracks sipPeer sent.
func sentStats(source native.Source, video bool) []native.TrackStats {
	return slices.DeleteFunc(source.Stats(), func(st native.TrackStats) bool {
		return st.Kind != "audio" && !video
	})
}

// recordExt is the file extension RecordTrack writes a codec to.
func recordExt(mime string) string {
	if mime == webrtc.MimeTypeOpus {
		return ".ogg"
	}
	return ".ivf"
}

// sipRegister sets up the account: a guest without a secret, else a
// REGISTER whose outcome it waits for.
func sipRegister(ctx context.Context, h *sip.Handle, req sip.RegisterRequest) error {
	if req.Secret == "" {
		req.Type, req.AuthUser, req.Proxy = sip.Guest, "", ""
	}
	res, err := h.Register(ctx, req)
	if err != nil || !res.Sent {
		return err
	}
	for {
		select {
		case ev, ok := <-h.Events():
			if !ok {
				return errHandleEnded("the registration's outcome")
			}
			switch ev := ev.(type) {
			case *sip.Registered:
				return nil
			case *sip.RegistrationFailed:
				return &cliError{kind: kindFailure, err: fmt.Errorf("sip: registration failed: %d %s", ev.Code, ev.Reason),
					hint: "check --register, --secret, --auth-user and --proxy"}
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sipAnswered waits until the callee answers and applies Janus's SDP
// answer (from a 183 with early media or the 200 OK) to peer; a hangup
// first is the call's failure, with its SIP status. early is the call's
// first event when Call returned one (sip.Calling.Early).
func sipAnswered(ctx context.Context, h *sip.Handle, peer *native.Peer, out output, early core.Event) error {
	answered := false
	for {
		ev := early
		early = nil
		if ev == nil {
			var ok bool
			select {
			case ev, ok = <-h.Events():
				if !ok {
					return errHandleEnded("the callee's answer")
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		switch ev := ev.(type) {
		case *sip.Ringing:
			out.step("ringing", "the callee rings")
		case *sip.Progress:
			if err := h.Answered(ctx, ev, peer); err != nil {
				return err
			}
			answered = true
			out.step("progress", "early media")
		case *sip.Accepted:
			if !answered {
				if err := h.Answered(ctx, ev, peer); err != nil {
					return err
				}
			}
			out.step("accepted", "by %s", ev.Username)
			return nil
		case *sip.Hangup:
			return &cliError{kind: kindFailure, err: fmt.Errorf("sip: the call failed: %d %s", ev.Code, ev.Reason)}
		case *core.PluginEvent:
			if err := ev.Err(); err != nil {
				return err
			}
		}
	}
}

// sipHangup waits for the *sip.Hangup that ends the call.
func sipHangup(ctx context.Context, h *sip.Handle) (*sip.Hangup, error) {
	for {
		select {
		case ev, ok := <-h.Events():
			if !ok {
				return nil, errHandleEnded("the end of the call")
			}
			if hu, ok := ev.(*sip.Hangup); ok {
				return hu, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// errHandleEnded is the error of a wait on a SIP handle whose events
// ended (with its session) before what was waited for came.
func errHandleEnded(waitingFor string) error {
	return fmt.Errorf("sip: the handle ended while waiting for %s", waitingFor)
}

// isSIPURI reports whether s looks like a SIP URI: the sip: or sips:
// scheme and something after it. Janus checks the rest.
func isSIPURI(s string) bool {
	lower := strings.ToLower(s)
	for _, scheme := range []string{"sip:", "sips:"} {
		if strings.HasPrefix(lower, scheme) && len(s) > len(scheme) {
			return true
		}
	}
	return false
}
