package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/native"
)

// whipCommands are the WHIP and WHEP client commands, which talk HTTP to
// any WHIP or WHEP endpoint (not the Janus API of --server).
func (a *app) whipCommands() []*cobra.Command {
	return []*cobra.Command{a.whipPublishCommand(), a.whepPlayCommand()}
}

// bearerEnv sets --bearer of the WHIP and WHEP commands when the flag is
// not given. It is not --token (GOJANUS_TOKEN), Janus's token, which must
// not go to a third-party endpoint.
const bearerEnv = "GOJANUS_BEARER"

// bearerFlag adds --bearer to a WHIP or WHEP command: the bearer token
// for what, then note.
func bearerFlag(fs *pflag.FlagSet, p *string, what, note string) {
	fs.StringVar(p, "bearer", "", "bearer `token` "+what+" (or "+bearerEnv+"); "+note)
}

// bearer returns the bearer token: --bearer, else GOJANUS_BEARER.
func (a *app) bearer(flag string) string {
	if a.changed("bearer") {
		return flag
	}
	return os.Getenv(bearerEnv)
}

// whipURLArg wants the endpoint's URL as the only argument, an http:// or
// https:// URL with a host.
func whipURLArg(cmd *cobra.Command, args []string) error {
	if err := exactArgs("URL")(cmd, args); err != nil {
		return err
	}
	return checkEndpointURL(args[0])
}

// whipOptions are the client options from the flags: the bearer token,
// the media flags' Peer. A failed trickle PATCH is a warning in the log.
func (a *app) whipOptions(bearer string, media *mediaFlags, noTrickle bool) native.WHIPOptions {
	log := a.logger()
	return native.WHIPOptions{Token: bearer, Peer: media.peerConfig(), NoTrickle: noTrickle,
		OnTrickleError: func(err error) { log.Warn("candidates lost: a trickle PATCH failed", "err", err) }}
}

// whipErr turns a WHIP or WHEP client error into the command's error:
// the peer not coming up is an ICE failure, an endpoint that does not
// answer a connection failure; a refused token or client, and a WHEP
// endpoint that wants to offer, get a hint. bearer says whether a token
// was sent.
func whipErr(what string, err error, bearer bool) error {
	var we *native.WHIPError
	var ne net.Error
	switch {
	case errors.Is(err, native.ErrWHIPNoConnection):
		return iceError(what, nil)
	case errors.Is(err, native.ErrWHIPUnauthorized):
		hint := "the endpoint wants a bearer token: give it with --bearer (or " + bearerEnv + ")"
		if bearer {
			hint = "the token given with --bearer was refused"
		}
		return &cliError{kind: kindFailure, err: err, hint: hint}
	case errors.Is(err, native.ErrWHIPForbidden):
		return &cliError{kind: kindFailure, err: err, hint: "the endpoint refused this client"}
	case errors.As(err, &we) && we.Protocol == "whep" && we.Method == http.MethodPost && we.Status == http.StatusNotAcceptable:
		return &cliError{kind: kindFailure, err: err, hint: "this endpoint makes the offer itself: add --server-offer"}
	case errors.As(err, &we), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &ne):
		return &cliError{kind: kindConnect, err: err}
	}
	return err
}

// nothingArrived says what did not arrive when a player received no
// track, or no frame on any track; it is empty when something did.
func nothingArrived(tracks []Track) string {
	if len(tracks) == 0 {
		return "no track arrived"
	}
	for _, t := range tracks {
		if t.Frames > 0 {
			return ""
		}
	}
	return "no frame arrived"
}

func (a *app) whipPublishCommand() *cobra.Command {
	var (
		src       string
		duration  time.Duration
		noTrickle bool
		bearer    string
		media     mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "whip-publish URL",
		Short: "Publish media to a WHIP endpoint until interrupted or --duration",
		Long: `Publish media to any WHIP endpoint (RFC 9725: Janus through gojanus
whip-server, OBS-style ingest servers, MediaMTX, Cloudflare...) until
interrupted (Ctrl-C, SIGTERM) or for --duration (an error if the server ends
the session first), then DELETE the resource. The bearer token is --bearer
(or GOJANUS_BEARER); --token and GOJANUS_TOKEN, Janus's, are never sent.
Local candidates follow the offer by PATCH (trickle) unless --no-trickle,
and ICE servers in the answer's Link headers are used.`,
		Args: whipURLArg,
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
			token := a.bearer(bearer)
			sess, err := native.WHIPPublish(setup, args[0], source, a.whipOptions(token, &media, noTrickle))
			if err != nil {
				return whipErr("whip-publish", err, token != "")
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
			_, err = sendFor(runCtx, out, source, duration, source.Stats)
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
	bearerFlag(f, &bearer, "for the endpoint", "--token, Janus's, is never sent")
	media.register(f, a)
	return cmd
}

func (a *app) whepPlayCommand() *cobra.Command {
	var (
		record                 string
		duration               time.Duration
		serverOffer, noTrickle bool
		bearer                 string
		media                  mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "whep-play URL",
		Short: "Play a WHEP endpoint, count or record what arrives",
		Long: `Play any WHEP endpoint (draft-ietf-wish-whep) and count what arrives, or
record it with --record: into a .webm file (VP8 + Opus) or a directory (one
.ivf/.ogg/.h264 file per track). Runs until interrupted (Ctrl-C, SIGTERM),
for --duration or until the server ends the playback, then DELETEs the
resource. The bearer token is --bearer (or GOJANUS_BEARER); --token and
GOJANUS_TOKEN, Janus's, are never sent. The client offers to receive audio
and video; with --server-offer the POST carries no offer and the server's
offer is answered by PATCH. A playback that received no track, or no frame,
fails (exit code 1).`,
		Args: whipURLArg,
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
			token := a.bearer(bearer)
			opts := native.WHEPOptions{WHIPOptions: a.whipOptions(token, &media, noTrickle), ServerOffer: serverOffer}
			sess, err := native.WHEPPlay(setup, args[0], sink, opts)
			if err != nil {
				_, _ = sink.finish()
				return whipErr("whep-play", err, token != "")
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
			if none := nothingArrived(tracks); none != "" && !ended {
				return &cliError{kind: kindMedia, err: fmt.Errorf("whep-play: %s in %s of playback", none, ran.Round(time.Millisecond)),
					hint: "the endpoint sent nothing: check that its source has media (a publisher in the room, a fed mountpoint), and raise --duration if it starts late"}
			}
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
	bearerFlag(f, &bearer, "for the endpoint", "--token, Janus's, is never sent")
	media.register(f, a)
	return cmd
}
