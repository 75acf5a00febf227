package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// subTrack is one received track in the output of "gojanus subscribe".
type subTrack struct {
	Feed core.ID `json:"feed"`
	Mid  string  `json:"mid"`
	native.TrackStats
	File string `json:"file,omitempty"`
}

// subscribeSummary is the JSON output of "gojanus subscribe".
type subscribeSummary struct {
	Server string     `json:"server"`
	Room   core.ID    `json:"room"`
	Feeds  []core.ID  `json:"feeds"`
	Tracks []subTrack `json:"tracks"`
}

func setupSubscribe(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	roomFlag := fs.String("room", "", "room `id` (required)")
	feedFlag := fs.String("feed", "", "publisher `id` to subscribe to (default: every publisher in the room)")
	record := fs.String("record", "", "record into `PATH`: a directory (one .ivf/.ogg/.h264 file per track) or a .webm file (one publisher's VP8 + Opus)")
	duration := fs.Duration("duration", 0, "stop after this long (default: until interrupted)")
	var media mediaFlags
	media.register(fs)
	common.extra, common.zeroIsForever = duration, true
	return func(ctx context.Context, out output) error {
		if *roomFlag == "" {
			return errors.New("--room is required")
		}
		room := parseID(*roomFlag)
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
		defer func() {
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupWait)
			defer cancel()
			_ = s.Destroy(c)
		}()
		feeds, err := pickFeeds(setup, s, room, *feedFlag)
		if err != nil {
			return err
		}
		webm := strings.HasSuffix(strings.ToLower(*record), ".webm")
		if webm && len(feeds) != 1 {
			return errors.New("a .webm recording takes one publisher: give --feed")
		}
		if *record != "" && !webm {
			if err := os.MkdirAll(*record, 0o755); err != nil {
				return err
			}
		}
		peer, err := media.peer()
		if err != nil {
			return err
		}
		defer peer.Close()
		pc := peer.PeerConnection()
		var wr *native.WebMRecorder
		if webm {
			if wr, err = native.NewWebMRecorder(*record, true, true); err != nil {
				return err
			}
		}
		var mu sync.Mutex
		var att *videoroom.Attached
		type received struct {
			feed core.ID
			mid  string
			file string
			rec  *native.TrackRecorder
			st   *native.TrackStats
		}
		var tracks []*received
		var readers sync.WaitGroup
		ready := make(chan struct{})
		pc.OnTrack(func(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
			<-ready // att is known
			r := &received{mid: midOf(pc, recv)}
			for _, st := range att.Streams {
				if st.Mid == r.mid {
					r.feed = st.FeedID
				}
			}
			switch {
			case webm:
				if err := wr.AddTrack(pc, tr, 2*time.Second); err != nil {
					fmt.Fprintf(out.stderr, "gojanus subscribe: %v\n", err)
				}
				r.file = *record
			case *record != "":
				name := fmt.Sprintf("%s-%s%s", r.feed, tr.Kind(), extFor(tr.Codec().MimeType))
				r.file = filepath.Join(*record, name)
				rec, err := native.RecordTrack(pc, tr, r.file, 2*time.Second)
				if err != nil {
					fmt.Fprintf(out.stderr, "gojanus subscribe: %v\n", err)
					return
				}
				r.rec = rec
			default:
				r.st = &native.TrackStats{ID: tr.ID(), Kind: tr.Kind().String(), Codec: tr.Codec().MimeType}
				readers.Add(1)
				go func() {
					defer readers.Done()
					video := tr.Kind() == webrtc.RTPCodecTypeVideo
					for {
						pkt, _, err := tr.ReadRTP()
						if err != nil {
							return
						}
						mu.Lock()
						r.st.Packets++
						r.st.Bytes += uint64(len(pkt.Payload))
						if !video || pkt.Marker {
							r.st.Frames++
						}
						mu.Unlock()
					}
				}()
			}
			mu.Lock()
			tracks = append(tracks, r)
			mu.Unlock()
		})
		streams := make([]videoroom.SubscribeStream, len(feeds))
		for i, f := range feeds {
			streams[i] = videoroom.SubscribeStream{Feed: f}
		}
		sub, a, err := videoroom.SubscribePeer(setup, s, videoroom.SubscriberJoin{Room: room, Streams: streams}, peer, nil)
		if err != nil {
			close(ready)
			return err
		}
		att = a
		close(ready)
		if err := waitUp(setup, peer, sub.Events()); err != nil {
			return err
		}
		out.step("subscribed", "room %s, %d publisher(s), %d stream(s)", room, len(feeds), len(att.Streams))
		runCtx, stop := ctx, context.CancelFunc(func() {})
		if *duration > 0 {
			runCtx, stop = context.WithTimeout(ctx, *duration)
		}
		defer stop()
		showProgress(runCtx, out, func() []native.TrackStats {
			mu.Lock()
			defer mu.Unlock()
			var all []native.TrackStats
			for _, t := range tracks {
				switch {
				case t.rec != nil:
					all = append(all, t.rec.Stats())
				case t.st != nil:
					all = append(all, *t.st)
				}
			}
			return all
		})
	wait:
		for {
			select {
			case <-runCtx.Done():
				break wait
			case ev, ok := <-sub.Events():
				if !ok {
					break wait
				}
				if h, isHangup := ev.(*core.Hangup); isHangup {
					fmt.Fprintf(out.stderr, "gojanus subscribe: janus hung up: %s\n", h.Reason)
					break wait
				}
			}
		}
		leave, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupWait)
		_ = sub.Leave(leave)
		cancel()
		_ = peer.Close()
		readers.Wait()
		if wr != nil {
			if err := wr.Close(); err != nil {
				return fmt.Errorf("webm: %w", err)
			}
		}
		sum := subscribeSummary{Server: common.server, Room: room, Feeds: feeds}
		mu.Lock()
		for i, t := range tracks {
			st := subTrack{Feed: t.feed, Mid: t.mid, File: t.file}
			switch {
			case t.rec != nil:
				_ = t.rec.Wait(context.Background())
				st.TrackStats = t.rec.Stats()
			case t.st != nil:
				st.TrackStats = *t.st
			case wr != nil:
				if ws := wr.Stats(); i < len(ws) {
					st.TrackStats = ws[i]
				}
			}
			sum.Tracks = append(sum.Tracks, st)
		}
		mu.Unlock()
		if out.json {
			return out.writeJSON(sum)
		}
		for _, t := range sum.Tracks {
			line := fmt.Sprintf("feed %s mid %s %s: %d packets, %d bytes, %d frames", t.Feed, t.Mid, t.Codec, t.Packets, t.Bytes, t.Frames)
			if t.File != "" {
				line += " -> " + t.File
			}
			out.step(t.Kind, "%s", line)
		}
		return nil
	}
}

// pickFeeds returns the feed given, or every publisher of the room.
func pickFeeds(ctx context.Context, s *core.Session, room core.ID, feed string) ([]core.ID, error) {
	if feed != "" {
		return []core.ID{parseID(feed)}, nil
	}
	h, err := videoroom.Attach(ctx, s)
	if err != nil {
		return nil, err
	}
	defer h.Detach(context.WithoutCancel(ctx))
	ps, err := h.ListParticipants(ctx, room)
	if err != nil {
		return nil, err
	}
	var feeds []core.ID
	for _, p := range ps {
		if p.Publisher {
			feeds = append(feeds, p.ID)
		}
	}
	if len(feeds) == 0 {
		return nil, fmt.Errorf("room %s has no publisher", room)
	}
	return feeds, nil
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

// extFor is the recording file extension for a codec.
func extFor(mime string) string {
	switch strings.ToLower(mime) {
	case "audio/opus":
		return ".ogg"
	case "video/h264":
		return ".h264"
	default:
		return ".ivf"
	}
}
