package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/recordplay"
)

// attachRecordPlay connects, creates a session and attaches a
// Record&Play handle within setup; end destroys the session and closes
// the connection (see openSession).
func (a *app) attachRecordPlay(ctx, setup context.Context) (h *recordplay.Handle, end func(), err error) {
	_, s, end, err := a.openSession(ctx, setup)
	if err != nil {
		return nil, nil, err
	}
	if h, err = recordplay.Attach(setup, s); err != nil {
		end()
		return nil, nil, err
	}
	return h, end, nil
}

// recordPlayCommands are the commands of the Record&Play plugin.
func (a *app) recordPlayCommands() []*cobra.Command {
	return []*cobra.Command{a.recordCommand(), a.playCommand(), a.recordingsCommand()}
}

func (a *app) recordCommand() *cobra.Command {
	var (
		name, idFlag, filename, src string
		duration                    time.Duration
		private                     bool
		media                       mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "record --name NAME",
		Short: "Record media with the Record&Play plugin until interrupted or --duration",
		Long: `Send media to the Record&Play plugin, which records it to .mjr files in the
server's recordings folder, until interrupted (Ctrl-C, SIGTERM) or for
--duration. Then the recording is stopped and complete: "gojanus recordings"
lists it and "gojanus play ID" plays it back. --private (Janus 1.3.1 or later)
leaves it out of the list for those without the plugin's admin_key.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if name == "" {
				return usagef("--name is required")
			}
			if err := media.check(); err != nil {
				return err
			}
			source, err := a.parseSource(src)
			if err != nil {
				return err
			}
			if strings.ContainsAny(filename, `/\`) {
				// Janus would record nothing (it refuses a path in the
				// file name) and still list the recording.
				return usagef("--filename %q: a base name, without a folder: Janus writes into its own recordings folder", filename)
			}
			req := recordplay.RecordRequest{Name: name, Filename: filename}
			if idFlag != "" {
				if req.Recording = parseID(idFlag); req.Recording.IsString() {
					return usagef("--id %q: the plugin's recording ids are numbers", idFlag)
				}
			}
			if private {
				req.IsPrivate = core.Ptr(true)
			}
			setup, cancelSetup := a.bounded(ctx)
			defer cancelSetup()
			h, end, err := a.attachRecordPlay(ctx, setup)
			if err != nil {
				return err
			}
			defer end()
			peer, err := media.sendingPeer(source)
			if err != nil {
				return err
			}
			defer peer.Close()
			rec, err := h.RecordPeer(setup, req, peer, nil)
			if err != nil {
				return err
			}
			if err := waitUp(setup, "record", peer, h.Events(), nil); err != nil {
				return err
			}
			out := a.out().watching(peer, h.Events())
			out.step("recording", "%q as recording %s, source %s", name, rec.Recording, src)
			ran, err := out.runFor(ctx, duration, source.Stats, source.Run)
			if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				return mediaErr(fmt.Errorf("source: %w", err))
			}
			// Stop, and wait until the plugin has closed the files: Janus
			// says done just before, and the recording is complete (and
			// playable) once listed. A private one is not listed.
			c, cancel := cleanupContext(ctx)
			defer cancel()
			if _, err := h.Stop(c); err != nil {
				return err
			}
			if err := awaitDone(c, h.Events()); err != nil {
				return err
			}
			if !rec.IsPrivate {
				if _, err := h.WaitCompleted(c, rec.Recording); err != nil {
					return err
				}
			}
			sum := RecordOutput{Server: core.RedactURL(a.g.server), Recording: rec.Recording, Name: name, Private: rec.IsPrivate,
				Source: src, DurationMS: ran.Milliseconds(), Tracks: tracksOf(source.Stats())}
			warnUnsent(a.stderr, sum.Tracks, ran, rec.Recording)
			return out.result(sum, func() {
				for _, t := range sum.Tracks {
					out.step(t.Kind, "%s: sent %d frames, %d packets, %d bytes", t.Codec, t.Frames, t.Packets, t.Bytes)
				}
				out.step("recorded", "recording %s (play it with: gojanus play %s)", rec.Recording, rec.Recording)
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "`name` of the recording (required)")
	f.StringVar(&idFlag, "id", "", "recording `id`, a number (default: the plugin picks one)")
	f.StringVar(&filename, "filename", "", "base `name` of the files in the server's recordings folder (default rec-ID)")
	f.BoolVar(&private, "private", false, "a private recording, listed only with the plugin's admin_key (Janus 1.3.1 or later)")
	f.StringVar(&src, "source", "test", sourceHelp)
	durationFlag(f, &duration, "duration", 0, "stop after this long (default: until interrupted)")
	media.register(f, a)
	return cmd
}

// warnUnsent warns, on w, of each track of a recording that sent no frame
// (a run stopped before the source's first video frame): the command
// still succeeds, and the recording lacks that track.
func warnUnsent(w io.Writer, tracks []Track, ran time.Duration, recording core.ID) {
	for _, t := range tracks {
		if t.Frames == 0 {
			fmt.Fprintf(w, "gojanus record: warning: no %s frame was sent in the %s it ran: recording %s has no %s\n",
				t.Kind, ran.Round(time.Millisecond), recording, t.Kind)
		}
	}
}

// awaitDone waits for the Record&Play *Done event on events: the
// PeerConnection is gone and the recording or playout is over.
func awaitDone(ctx context.Context, events <-chan core.Event) error {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return errors.New("the handle ended before the plugin said done")
			}
			if _, done := ev.(*recordplay.Done); done {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("waiting for the end of the recording: %w", ctx.Err())
		}
	}
}

func (a *app) playCommand() *cobra.Command {
	var (
		record   string
		duration time.Duration
		media    mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "play ID",
		Short: "Play a recording of the Record&Play plugin, count or record what arrives",
		Long: `Play back a recording of the Record&Play plugin (its id from "gojanus record"
or "gojanus recordings") and count what arrives, or record it with --record:
into a .webm file (VP8 + Opus) or a directory (one .ivf/.ogg file per
track). Runs until the recording ends, until interrupted (Ctrl-C, SIGTERM) or
for --duration.`,
		Args: exactArgs("ID"),
		RunE: a.action(func(ctx context.Context, args []string) error {
			if err := media.check(); err != nil {
				return err
			}
			id := parseID(args[0])
			if id.IsString() {
				return usagef("%q: the plugin's recording ids are numbers", args[0])
			}
			if id.IsZero() {
				// Janus never gives a recording the id 0 ("record" without
				// an id draws one from 1 up).
				return usagef("0 is not a recording id: see \"gojanus recordings\" for the ids")
			}
			received, err := receiving(record, id.String(), "play", a.stderr)
			if err != nil {
				return err
			}
			setup, cancelSetup := a.bounded(ctx)
			defer cancelSetup()
			h, end, err := a.attachRecordPlay(ctx, setup)
			if err != nil {
				return err
			}
			defer end()
			peer, err := media.peer()
			if err != nil {
				return err
			}
			defer peer.Close()
			pc := peer.PeerConnection()
			pc.OnTrack(func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) { received.addTrack(pc, tr, midOf(pc, recv)) })
			if _, err := h.PlayPeer(setup, recordplay.PlayRequest{Recording: id}, peer, nil); err != nil {
				return err
			}
			if err := waitUp(setup, "play", peer, h.Events(), nil); err != nil {
				return err
			}
			out := a.out()
			out.step("playing", "recording %s", id)
			ended := false
			ran, runErr := out.runFor(ctx, duration, received.stats, func(ctx context.Context) error {
				ended = awaitDone(ctx, h.Events()) == nil
				return nil
			})
			_ = peer.Close()
			tracks, err := received.finish()
			if lost := (*sessionLost)(nil); errors.As(runErr, &lost) {
				return lost
			}
			if err != nil {
				return err
			}
			sum := PlayOutput{Server: core.RedactURL(a.g.server), Recording: id, DurationMS: ran.Milliseconds(), Ended: ended,
				Tracks: tracks}
			return out.result(sum, func() {
				out.received(sum.Tracks)
				if ended {
					out.step("ended", "recording %s played to its end", id)
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&record, "record", "", "record into `PATH`: a .webm file (VP8 + Opus) or a directory (one .ivf/.ogg file per track)")
	durationFlag(f, &duration, "duration", 0, "stop this long after the playout is up (default: until the recording ends)")
	media.register(f, a)
	return cmd
}

func (a *app) recordingsCommand() *cobra.Command {
	var adminKey string
	cmd := &cobra.Command{
		Use:   "recordings",
		Short: "List the recordings of the Record&Play plugin",
		Long: `List the completed recordings of the Record&Play plugin. With --admin-key (the
plugin's admin_key, Janus 1.3.1 or later) the private ones too.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			setup, cancel := a.bounded(ctx)
			defer cancel()
			h, end, err := a.attachRecordPlay(ctx, setup)
			if err != nil {
				return err
			}
			defer end()
			list, err := h.List(setup, recordplay.ListRequest{AdminKey: adminKey})
			if err != nil {
				return err
			}
			sum := RecordingsOutput{Recordings: make([]Recording, 0, len(list))}
			for _, r := range list {
				sum.Recordings = append(sum.Recordings, Recording{ID: r.Recording, Name: r.Name, Date: r.Date, Audio: r.Audio, Video: r.Video,
					AudioCodec: string(r.AudioCodec), VideoCodec: string(r.VideoCodec), Private: r.IsPrivate})
			}
			out := a.out()
			return out.result(sum, func() {
				if len(sum.Recordings) == 0 {
					out.linef("no recordings")
				}
				for _, r := range sum.Recordings {
					var media []string
					for _, m := range []struct {
						on    bool
						codec string
					}{{r.Audio, r.AudioCodec}, {r.Video, r.VideoCodec}} {
						if m.on {
							media = append(media, m.codec)
						}
					}
					private := ""
					if r.Private {
						private = " private"
					}
					out.linef("%-20s %-24q %s  %s%s", r.ID, r.Name, r.Date, strings.Join(media, "+"), private)
				}
			})
		}),
	}
	cmd.Flags().StringVar(&adminKey, "admin-key", "", "the plugin's admin_key: list private recordings too (Janus 1.3.1 or later)")
	return cmd
}
