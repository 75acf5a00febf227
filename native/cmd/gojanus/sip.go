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

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
	"github.com/gojanus/gojanus/native"
)

// SIPCallOutput is the --json output of "sip call".
type SIPCallOutput struct {
	Server string `json:"server"`
	// URI is the SIP URI called; From the account's URI.
	URI  string `json:"uri"`
	From string `json:"from"`
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
		Short: "Call SIP user agents through the SIP plugin",
	}
	cmd.AddCommand(a.sipCallCommand())
	return cmd
}

func (a *app) sipCallCommand() *cobra.Command {
	var (
		uri, from, secret, authUser, proxy, src, record string
		duration                                        time.Duration
		video                                           bool
		media                                           mediaFlags
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
			if err := media.check(); err != nil {
				return err
			}
			if _, err := checkRecordPath(record, false); err != nil {
				return err
			}
			source, err := a.parseSource(src)
			if err != nil {
				return err
			}
			setup, cancel := a.bounded(ctx)
			defer cancel()
			_, s, end, err := a.openSession(ctx, setup)
			if err != nil {
				return err
			}
			defer end()
			h, err := sip.Attach(setup, s)
			if err != nil {
				return err
			}
			out := a.out()
			out.step("connect", "%s, session %d, SIP handle %d", core.RedactURL(a.g.server), s.ID(), h.ID())
			if err := sipRegister(setup, h, sip.RegisterRequest{Username: from, Secret: secret, AuthUser: authUser, Proxy: proxy}); err != nil {
				return err
			}
			if secret != "" {
				out.step("register", "%s registered at %s", from, proxy)
			} else {
				out.step("register", "%s as a guest (no REGISTER)", from)
			}

			peer, err := sipPeer(&media, source, video)
			if err != nil {
				return err
			}
			defer peer.Close()
			var received trackCounter
			pc := peer.PeerConnection()
			pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
				t := received.add(tr, "", record == "")
				if record == "" {
					return
				}
				file := filepath.Join(record, tr.Kind().String()+recordExt(tr.Codec().MimeType))
				rec, err := native.RecordTrack(pc, tr, file, 0)
				if err != nil {
					fmt.Fprintf(a.stderr, "gojanus: recording %s: %v\n", file, err)
					return
				}
				received.mu.Lock()
				t.rec, t.file = rec, file
				received.mu.Unlock()
			})
			calling, err := h.CallPeer(setup, sip.CallRequest{URI: uri}, peer, nil)
			if err != nil {
				return err
			}
			out.step("call", "%s, Call-ID %s", uri, calling.CallID)
			if err := sipAnswered(setup, h, peer, out, calling.Early); err != nil {
				return err
			}
			if err := waitUp(setup, "sip", peer, h.Events(), nil); err != nil {
				return err
			}
			out.step("webrtc", "connected; sending %s for %s", src, duration)
			// The run ends at --duration, an interrupt, or when the other
			// side hangs up (a *sip.Hangup), the normal ends of a call.
			run := out.watchingUntil(peer, h.Events(), func(ev core.Event) bool {
				_, ok := ev.(*sip.Hangup)
				return ok
			})
			ran, err := run.runFor(ctx, duration, func() []native.TrackStats {
				return slices.Concat(labelled(sentStats(source, video), "sent "), labelled(received.stats(), "received "))
			}, source.Run)
			if lost := (*sessionLost)(nil); errors.As(err, &lost) {
				return lost
			}
			hangup, _ := run.watchEnded().(*sip.Hangup)
			ended := hangup != nil
			var mediaGone *mediaLost
			errors.As(err, &mediaGone)
			// An interrupt ends the call like its --duration: hang up and
			// print the summary.
			if err != nil && !ended && mediaGone == nil && !errors.Is(err, context.DeadlineExceeded) && (!errors.Is(err, context.Canceled) || ctx.Err() == nil) {
				return mediaErr(fmt.Errorf("source: %w", err))
			}
			bye, cancelBye := cleanupContext(ctx)
			defer cancelBye()
			if hangup == nil {
				received.untilQuiet(ctx, quietAfterSource, maxTailWait)
				err := h.HangupCall(bye)
				switch {
				case err != nil && mediaGone == nil:
					return err
				case err != nil:
					// No call to hang up: the other side's hangup ended
					// the media too, and is on its way.
					ended, mediaGone = true, nil
				}
				if hangup, err = sipHangup(bye, h); err != nil {
					if mediaGone != nil {
						return mediaGone
					}
					return err
				}
			}
			if mediaGone != nil {
				// The media ended with the call up: it is hung up now.
				return mediaGone
			}
			_ = peer.Close()
			received.wait()
			sum := SIPCallOutput{Server: core.RedactURL(a.g.server), URI: uri, From: from, Registered: secret != "",
				CallID: calling.CallID, Source: src, DurationMS: ran.Milliseconds(), Ended: ended,
				Sent: tracksOf(sentStats(source, video)), Received: received.summary(),
				HangupCode: hangup.Code, HangupReason: hangup.Reason}
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
		}),
	}
	f := cmd.Flags()
	f.StringVar(&uri, "uri", "", "SIP `URI` to call (required)")
	f.StringVar(&from, "register", "sip:gojanus@127.0.0.1", "SIP `URI` of the account that calls; registered when --secret is given, else a guest")
	f.StringVar(&secret, "secret", "", "the account's password: register at --proxy before calling")
	f.StringVar(&authUser, "auth-user", "", "user name for the digest authentication (default: the URI's user)")
	f.StringVar(&proxy, "proxy", "", "registrar `URI`, sip:HOST:PORT (default: the account's domain)")
	f.StringVar(&src, "source", "test", sourceHelp)
	f.StringVar(&record, "record", "", "record what the callee sends into this `directory` (audio.ogg, video.ivf; made if its parent exists)")
	durationFlag(f, &duration, "duration", 5*time.Second, "how long to send media once the call is up")
	f.BoolVar(&video, "video", false, "offer the source's video too (the callee must take it)")
	media.register(f, a)
	return cmd
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
		case ev := <-h.Events():
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
			select {
			case ev = <-h.Events():
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
		case ev := <-h.Events():
			if hu, ok := ev.(*sip.Hangup); ok {
				return hu, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
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
