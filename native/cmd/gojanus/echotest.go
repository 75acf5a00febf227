package main

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/native"
)

func (a *app) echoTestCommand() *cobra.Command {
	var (
		src      string
		duration time.Duration
		media    mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "echotest",
		Short: "Send media through the EchoTest plugin and count what comes back",
		Args:  noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			setup, cancel := a.bounded(ctx)
			defer cancel()
			source, s, peer, end, err := a.sendingSession(ctx, setup, &media, src)
			if err != nil {
				return err
			}
			defer end()
			h, err := echotest.Attach(setup, s)
			if err != nil {
				return err
			}
			var echoed trackCounter
			peer.PeerConnection().OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
				echoed.add(tr, "", true)
			})
			core.LinkCandidates(setup, h.Handle, peer, nil)
			offer, err := peer.CreateOffer(setup)
			if err != nil {
				return err
			}
			answer, err := h.Configure(setup, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(true)}, offer)
			if err != nil {
				return err
			}
			if err := peer.SetRemoteDescription(setup, answer); err != nil {
				return err
			}
			out := a.out()
			out.step("connect", "%s, session %d, EchoTest handle %d", core.RedactURL(a.g.server), s.ID(), h.ID())
			if err := waitUp(setup, "echotest", peer, h.Events(), nil); err != nil {
				return err
			}
			out.step("webrtc", "connected; sending %s for %s", src, duration)
			ran, err := sendFor(ctx, out.watching(peer, h.Events()), source, duration, func() []native.TrackStats {
				return slices.Concat(labelled(source.Stats(), "sent "), labelled(echoed.stats(), "echoed "))
			})
			if err != nil {
				return err
			}
			echoed.untilQuiet(ctx, quietAfterSource, maxTailWait)
			_ = peer.Close()
			echoed.wait()

			sum := EchoTestOutput{Server: core.RedactURL(a.g.server), Source: src, DurationMS: ran.Milliseconds(),
				Sent: tracksOf(source.Stats()), Received: echoed.summary()}
			if len(sum.Received) == 0 || !slices.ContainsFunc(sum.Received, func(t Track) bool { return t.Packets > 0 }) {
				return &cliError{kind: kindMedia, err: errors.New("echotest: nothing came back"),
					hint: "the source sent nothing in time, or the media did not flow: a longer --duration tells which"}
			}
			return out.result(sum, func() {
				for _, sent := range sum.Sent {
					var back Track
					for _, r := range sum.Received {
						if r.Kind == sent.Kind {
							back = r
						}
					}
					ratio := 0.0
					if sent.Bytes > 0 {
						ratio = float64(back.Bytes) / float64(sent.Bytes)
					}
					out.step(sent.Kind, "%s: sent %d frames (%d bytes), echoed %d RTP packets (%d bytes, %.0f%% of the bytes sent)",
						sent.Codec, sent.Frames, sent.Bytes, back.Packets, back.Bytes, 100*ratio)
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&src, "source", "test", sourceHelp)
	durationFlag(f, &duration, "duration", 5*time.Second, "how long to send media")
	media.register(f, a)
	return cmd
}

// labelled prefixes the kind of each track, for the progress line.
func labelled(sts []native.TrackStats, prefix string) []native.TrackStats {
	for i := range sts {
		sts[i].Kind = prefix + sts[i].Kind
	}
	return sts
}
