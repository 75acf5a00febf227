package main

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/native"
)

// whipCommands are the WHIP and WHEP client commands, which talk HTTP to
// any WHIP or WHEP endpoint (not the Janus API of --server).
func (a *app) whipCommands() []*cobra.Command {
	return []*cobra.Command{a.whipPublishCommand(), a.whepPlayCommand()}
}

// whipOptions are the client options from the flags: --token as the
// bearer token, the media flags' Peer.
func (a *app) whipOptions(media *mediaFlags, noTrickle bool) native.WHIPOptions {
	return native.WHIPOptions{Token: a.g.token, Peer: media.peerConfig(), NoTrickle: noTrickle}
}

// whipErr turns a WHIP or WHEP client error into the command's error:
// the peer not coming up is an ICE failure, an endpoint that does not
// answer a connection failure, a refused token gets a hint.
func whipErr(what string, err error) error {
	var we *native.WHIPError
	var ne net.Error
	switch {
	case errors.Is(err, native.ErrWHIPNoConnection):
		return iceError(what, nil)
	case errors.Is(err, native.ErrWHIPUnauthorized), errors.Is(err, native.ErrWHIPForbidden):
		return &cliError{kind: kindFailure, err: err, hint: "the endpoint wants a bearer token: give it with --token"}
	case errors.As(err, &we), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &ne):
		return &cliError{kind: kindConnect, err: err}
	}
	return err
}

func (a *app) whipPublishCommand() *cobra.Command {
	var (
		src       string
		duration  time.Duration
		noTrickle bool
		media     mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "whip-publish URL",
		Short: "Publish media to a WHIP endpoint until interrupted or --duration",
		Long: `Publish media to any WHIP endpoint (RFC 9725: Janus through gojanus
whip-server, OBS-style ingest servers, MediaMTX, Cloudflare...) until
interrupted (Ctrl-C, SIGTERM) or for --duration (an error if the server ends
the session first), then DELETE the resource. --token is sent as the bearer
token. Local candidates follow the offer by PATCH (trickle) unless
--no-trickle, and ICE servers in the answer's Link headers are used.`,
		Args: exactArgs("URL"),
		RunE: a.action(func(ctx context.Context, args []string) error {
			if err := media.check(); err != nil {
				return err
			}
			source, err := a.parseSource(src)
			if err != nil {
				return err
			}
			setup, cancelSetup := a.bounded(ctx)
			defer cancelSetup()
			sess, err := native.WHIPPublish(setup, args[0], source, a.whipOptions(&media, noTrickle))
			if err != nil {
				return whipErr("whip-publish", err)
			}
			defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = sess.Close(c) }()
			out := a.out()
			out.step("publishing", "to %s, source %s", core.RedactURL(sess.Location()), src)
			// The run also ends when the session does (the server
			// closed it, or ICE failed for good).
			runCtx, stopRun := context.WithCancel(ctx)
			defer stopRun()
			go func() {
				select {
				case <-sess.Done():
					stopRun()
				case <-runCtx.Done():
				}
			}()
			err = sendFor(runCtx, out, source, duration, source.Stats)
			select {
			case <-sess.Done():
				if ctx.Err() == nil {
					return mediaErr(errors.New("the WHIP session ended: the server closed it, or ICE failed for good"))
				}
			default:
			}
			if err != nil {
				return err
			}
			c, cancel := cleanupContext(ctx)
			defer cancel()
			if err := sess.Close(c); err != nil {
				return err
			}
			sum := WHIPPublishOutput{Endpoint: core.RedactURL(args[0]), Resource: core.RedactURL(sess.Location()), Source: src,
				Tracks: tracksOf(source.Stats())}
			return out.result(sum, func() {
				for _, t := range sum.Tracks {
					out.step(t.Kind, "%s: sent %d frames, %d packets, %d bytes", t.Codec, t.Frames, t.Packets, t.Bytes)
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&src, "source", "test", sourceHelp)
	durationFlag(f, &duration, "duration", 0, "stop after this long (default: until interrupted)")
	f.BoolVar(&noTrickle, "no-trickle", false, "gather every candidate first and send them in the offer (for servers that take no PATCH)")
	media.register(f)
	return cmd
}

func (a *app) whepPlayCommand() *cobra.Command {
	var (
		record                 string
		duration               time.Duration
		serverOffer, noTrickle bool
		media                  mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "whep-play URL",
		Short: "Play a WHEP endpoint, count or record what arrives",
		Long: `Play any WHEP endpoint (draft-ietf-wish-whep) and count what arrives, or
record it with --record: into a .webm file (VP8 + Opus) or a directory (one
.ivf/.ogg/.h264 file per track). Runs until interrupted (Ctrl-C, SIGTERM),
for --duration or until the server ends the playback, then DELETEs the
resource. --token is sent as the bearer token. The client offers to receive
audio and video; with --server-offer the POST carries no offer and the
server's offer is answered by PATCH.`,
		Args: exactArgs("URL"),
		RunE: a.action(func(ctx context.Context, args []string) error {
			if err := media.check(); err != nil {
				return err
			}
			sink, err := receiving(record, "whep", "whep-play", a.stderr)
			if err != nil {
				return err
			}
			setup, cancelSetup := a.bounded(ctx)
			defer cancelSetup()
			opts := native.WHEPOptions{WHIPOptions: a.whipOptions(&media, noTrickle), ServerOffer: serverOffer}
			sess, err := native.WHEPPlay(setup, args[0], sink, opts)
			if err != nil {
				return whipErr("whep-play", err)
			}
			defer func() { c, cancel := cleanupContext(ctx); defer cancel(); _ = sess.Close(c) }()
			out := a.out()
			out.step("playing", "%s", core.RedactURL(sess.Location()))
			ended := false
			ran, _ := out.runFor(ctx, duration, sink.stats, func(ctx context.Context) error {
				select {
				case <-ctx.Done():
				case <-sess.Done():
					ended = true
				}
				return nil
			})
			c, cancel := cleanupContext(ctx)
			defer cancel()
			closeErr := sess.Close(c)
			tracks, err := sink.finish()
			if err != nil {
				return err
			}
			if closeErr != nil {
				return closeErr
			}
			sum := WHEPPlayOutput{Endpoint: core.RedactURL(args[0]), Resource: core.RedactURL(sess.Location()),
				DurationMS: ran.Milliseconds(), Ended: ended, Tracks: tracks}
			return out.result(sum, func() {
				out.received(sum.Tracks)
				if ended {
					out.step("ended", "the server ended the playback")
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&record, "record", "", "record into `PATH`: a .webm file (VP8 + Opus) or a directory (one .ivf/.ogg/.h264 file per track)")
	durationFlag(f, &duration, "duration", 0, "stop this long after the playback is up (default: until interrupted)")
	f.BoolVar(&serverOffer, "server-offer", false, "let the server offer (POST without an offer, the answer by PATCH)")
	f.BoolVar(&noTrickle, "no-trickle", false, "gather every candidate first and send them in the offer or answer")
	media.register(f)
	return cmd
}
