package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

func (a *app) publishCommand() *cobra.Command {
	var (
		roomFlag, idFlag, display, src, pin string
		duration                            time.Duration
		create                              bool
		media                               mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "publish --room ROOM",
		Short: "Publish media into a VideoRoom room until interrupted or --duration",
		Long: `Publish media into a VideoRoom room until interrupted (Ctrl-C, SIGTERM) or for
--duration. On the way out it unpublishes, leaves the room and destroys the
session. On a terminal a live line shows the bitrate and packets per track.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if roomFlag == "" {
				return usagef("--room is required")
			}
			if err := media.check(); err != nil {
				return err
			}
			room := parseID(roomFlag)
			source, err := a.parseSource(src)
			if err != nil {
				return err
			}
			setup, cancelSetup := a.bounded(ctx)
			defer cancelSetup()
			_, s, end, err := a.openSession(ctx, setup)
			if err != nil {
				return err
			}
			defer end()
			if create {
				if err := ensureRoom(setup, s, room); err != nil {
					return err
				}
			}
			join := videoroom.JoinRequest{Room: room, Display: display, Pin: pin}
			if idFlag != "" {
				join.Participant = parseID(idFlag)
			}
			pub, _, err := videoroom.JoinPublisher(setup, s, join)
			if err != nil {
				return err
			}
			defer func() {
				c, cancel := cleanupContext(ctx)
				defer cancel()
				// Unpublish before leaving, so that subscribers get an
				// updated offer.
				_ = pub.Unpublish(c)
				_ = pub.Leave(c)
			}()
			peer, err := media.sendingPeer(source)
			if err != nil {
				return err
			}
			defer peer.Close()
			if _, err := pub.PublishPeer(setup, peer, videoroom.PublishRequest{}, nil); err != nil {
				return err
			}
			if err := waitUp(setup, "publish", peer, pub.Events(), nil); err != nil {
				return err
			}
			out := a.out().watching(peer, pub.Events())
			out.step("publishing", "room %s as %q, publisher id %s, source %s", room, display, pub.ParticipantID(), src)
			ran, err := out.runFor(ctx, duration, source.Stats, source.Run)
			if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				return mediaErr(fmt.Errorf("source: %w", err))
			}
			sum := PublishOutput{Server: core.RedactURL(a.g.server), Room: room, Publisher: Participant{ID: pub.ParticipantID(), Display: display, Publisher: true},
				Source: src, DurationMS: ran.Milliseconds(), Tracks: tracksOf(source.Stats())}
			return out.result(sum, func() {
				for _, t := range sum.Tracks {
					out.step(t.Kind, "%s: sent %d frames, %d packets, %d bytes", t.Codec, t.Frames, t.Packets, t.Bytes)
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&roomFlag, "room", "", "room `id` to publish in (required)")
	f.StringVar(&idFlag, "id", "", "participant `id` to publish as (default: the plugin picks one)")
	f.StringVar(&display, "display", "gojanus", "display `name`")
	f.StringVar(&pin, "pin", "", "the room's PIN, if it has one")
	f.StringVar(&src, "source", "test", sourceHelp)
	durationFlag(f, &duration, "duration", 0, "stop after this long (default: until interrupted)")
	f.BoolVar(&create, "create", false, "create the room if it does not exist")
	media.register(f, a)
	_ = cmd.RegisterFlagCompletionFunc("room", a.completeRooms)
	return cmd
}

// ensureRoom creates room when it does not exist.
func ensureRoom(ctx context.Context, s *core.Session, room core.ID) error {
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		return err
	}
	defer h.Detach(context.WithoutCancel(ctx))
	exists, err := h.Exists(ctx, room)
	if err != nil || exists {
		return err
	}
	_, err = h.Create(ctx, videoroom.CreateRequest{Room: room, Description: "created by gojanus", Publishers: 6})
	return err
}
