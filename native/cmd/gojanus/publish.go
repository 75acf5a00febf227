package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// cleanupWait bounds leaving, hanging up and destroying after a media run.
const cleanupWait = 5 * time.Second

// publishSummary is the JSON output of "gojanus publish".
type publishSummary struct {
	Server    string              `json:"server"`
	Room      core.ID             `json:"room"`
	Publisher core.ID             `json:"publisher"`
	Source    string              `json:"source"`
	Duration  string              `json:"duration"`
	Tracks    []native.TrackStats `json:"tracks"`
}

func setupPublish(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	roomFlag := fs.String("room", "", "room `id` to publish in (required)")
	display := fs.String("display", "gojanus", "display `name`")
	src := fs.String("source", "test", "media `source`: FILE[,FILE] (.ivf .ogg .h264), test, ffmpeg:ARGS or gst:PIPELINE[;PIPELINE]")
	duration := fs.Duration("duration", 0, "stop after this long (default: until interrupted)")
	create := fs.Bool("create", false, "create the room if it does not exist")
	var media mediaFlags
	media.register(fs)
	common.extra, common.zeroIsForever = duration, true
	return func(ctx context.Context, out output) error {
		if *roomFlag == "" {
			return errors.New("--room is required")
		}
		room := parseID(*roomFlag)
		source, err := native.ParseSource(*src)
		if err != nil {
			return err
		}
		setup, cancelSetup := context.WithTimeout(ctx, common.timeout)
		defer cancelSetup()
		client, err := common.dial(setup, out.stderr)
		if err != nil {
			return err
		}
		defer client.Close()
		s, err := client.CreateSession(setup)
		if err != nil {
			return err
		}
		cleanup := func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.WithoutCancel(ctx), cleanupWait)
		}
		defer func() {
			c, cancel := cleanup()
			defer cancel()
			_ = s.Destroy(c)
		}()
		if *create {
			if err := ensureRoom(setup, s, room); err != nil {
				return err
			}
		}
		pub, _, err := videoroom.JoinPublisher(setup, s, videoroom.PublisherJoin{Room: room, Display: *display})
		if err != nil {
			return err
		}
		defer func() {
			c, cancel := cleanup()
			defer cancel()
			// Unpublish before leaving, so that subscribers get an
			// updated offer.
			_ = pub.Unpublish(c)
			_ = pub.Leave(c)
		}()
		peer, err := media.peer()
		if err != nil {
			return err
		}
		defer peer.Close()
		for _, tr := range source.Tracks() {
			if _, err := peer.AddTrack(tr); err != nil {
				return err
			}
		}
		if _, err := pub.PublishPeer(setup, peer, videoroom.PublishOptions{}, nil); err != nil {
			return err
		}
		if err := waitUp(setup, peer, pub.Events()); err != nil {
			return err
		}
		out.step("publishing", "room %s as %q, publisher id %s, source %s", room, *display, pub.ParticipantID(), *src)
		runCtx, stop := ctx, context.CancelFunc(func() {})
		if *duration > 0 {
			runCtx, stop = context.WithTimeout(ctx, *duration)
		}
		defer stop()
		showProgress(runCtx, out, source.Stats)
		err = source.Run(runCtx)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("source: %w", err)
		}
		sum := publishSummary{Server: common.server, Room: room, Publisher: pub.ParticipantID(), Source: *src,
			Duration: duration.String(), Tracks: source.Stats()}
		if out.json {
			return out.writeJSON(sum)
		}
		for _, t := range sum.Tracks {
			out.step(t.Kind, "%s: sent %d frames, %d packets, %d bytes", t.Codec, t.Frames, t.Packets, t.Bytes)
		}
		return nil
	}
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
	_, err = h.Create(ctx, videoroom.RoomOptions{Room: room, Description: "created by gojanus", Publishers: 6})
	return err
}

// waitUp waits until the PeerConnection is connected and Janus reported
// it up (webrtcup); ICE failure is an error.
func waitUp(ctx context.Context, peer *native.Peer, events <-chan core.Event) error {
	failed := make(chan struct{})
	var closeOnce = make(chan struct{}, 1)
	peer.OnStateChange(func(st string) {
		if st == "failed" {
			select {
			case closeOnce <- struct{}{}:
				close(failed)
			default:
			}
		}
	})
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return errors.New("the handle ended before the PeerConnection came up")
			}
			switch ev := ev.(type) {
			case *core.WebRTCUp:
				return nil
			case *core.Hangup:
				return fmt.Errorf("janus hung up: %s", ev.Reason)
			}
		case <-failed:
			return errors.New("ICE failed: Janus and this machine found no common network path (Janus skips loopback interfaces)")
		case <-ctx.Done():
			return fmt.Errorf("PeerConnection did not come up: %w", ctx.Err())
		}
	}
}
