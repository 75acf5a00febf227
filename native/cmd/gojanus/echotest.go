package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/native"
)

// trackSummary is one track in the JSON output of media commands.
type trackSummary struct {
	Kind       string `json:"kind"`
	Codec      string `json:"codec"`
	SentFrames uint64 `json:"sent_frames"`
	// SentPackets counts RTP packets for ffmpeg and GStreamer sources and
	// samples (frames) for file sources.
	SentPackets uint64 `json:"sent_packets"`
	SentBytes   uint64 `json:"sent_bytes"`
	EchoPackets uint64 `json:"echoed_packets"`
	EchoBytes   uint64 `json:"echoed_bytes"`
	// EchoRatio compares payload bytes echoed to bytes sent (file sources
	// count samples, not packets, so packets do not compare).
	EchoRatio float64 `json:"echoed_bytes_ratio"`
}

// echoSummary is the JSON output of "gojanus echotest".
type echoSummary struct {
	Server   string         `json:"server"`
	Source   string         `json:"source"`
	Duration string         `json:"duration"`
	Tracks   []trackSummary `json:"tracks"`
}

// mediaFlags are the flags of commands that make a PeerConnection.
type mediaFlags struct {
	iface string
}

func (m *mediaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.iface, "ice-interface", "", "gather ICE candidates only on this network `interface` (default: all but loopback)")
}

// peer makes a native Peer with the media flags.
func (m *mediaFlags) peer() (*native.Peer, error) {
	cfg := native.PeerConfig{}
	if m.iface != "" {
		se := &webrtc.SettingEngine{}
		iface := m.iface
		se.SetInterfaceFilter(func(name string) bool { return name == iface })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
		cfg.SettingEngine = se
	}
	return native.NewPeer(cfg)
}

func setupEchoTest(fs *flag.FlagSet, common *commonFlags) func(context.Context, output) error {
	src := fs.String("source", "test", "media `source`: FILE[,FILE] (.ivf .ogg .h264), test, ffmpeg:ARGS or gst:PIPELINE[;PIPELINE]")
	duration := fs.Duration("duration", 5*time.Second, "how long to send media")
	var media mediaFlags
	media.register(fs)
	common.extra = duration
	return func(ctx context.Context, out output) error {
		source, err := native.ParseSource(*src)
		if err != nil {
			return err
		}
		client, err := common.dial(ctx, out.stderr)
		if err != nil {
			return err
		}
		defer client.Close()
		s, err := client.CreateSession(ctx)
		if err != nil {
			return err
		}
		defer s.Destroy(context.WithoutCancel(ctx))
		h, err := echotest.Attach(ctx, s)
		if err != nil {
			return err
		}
		peer, err := media.peer()
		if err != nil {
			return err
		}
		defer peer.Close()
		pc := peer.PeerConnection()
		for _, tr := range source.Tracks() {
			if _, err := peer.AddTrack(tr); err != nil {
				return err
			}
		}
		var mu sync.Mutex
		echoed := map[string]*native.TrackStats{}
		var readers sync.WaitGroup
		pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
			st := &native.TrackStats{Kind: tr.Kind().String(), Codec: tr.Codec().MimeType}
			mu.Lock()
			echoed[st.Kind] = st
			mu.Unlock()
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					pkt, _, err := tr.ReadRTP()
					if err != nil {
						return
					}
					mu.Lock()
					st.Packets++
					st.Bytes += uint64(len(pkt.Payload))
					mu.Unlock()
				}
			}()
		})
		connected := make(chan struct{})
		failed := make(chan struct{})
		var once sync.Once
		peer.OnStateChange(func(state string) {
			switch state {
			case "connected":
				once.Do(func() { close(connected) })
			case "failed":
				once.Do(func() { close(failed) })
			}
		})
		core.LinkCandidates(ctx, h.Handle, peer, nil)
		offer, err := peer.CreateOffer(ctx)
		if err != nil {
			return err
		}
		answer, err := h.Configure(ctx, echotest.Settings{Audio: core.Ptr(true), Video: core.Ptr(true)}, offer)
		if err != nil {
			return err
		}
		if err := peer.SetRemoteDescription(ctx, answer); err != nil {
			return err
		}
		out.step("connect", "%s, session %d, EchoTest handle %d", common.server, s.ID(), h.ID())
		select {
		case <-connected:
		case <-failed:
			return errors.New("ICE failed: Janus and this machine found no common network path (Janus skips loopback interfaces)")
		case <-ctx.Done():
			return fmt.Errorf("PeerConnection did not connect: %w", ctx.Err())
		}
		out.step("webrtc", "connected; sending %s for %s", *src, *duration)
		runCtx, stop := context.WithTimeout(ctx, *duration)
		err = source.Run(runCtx)
		stop()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("source: %w", err)
		}
		time.Sleep(300 * time.Millisecond) // the last packets come back
		_ = peer.Close()
		readers.Wait()

		sum := echoSummary{Server: common.server, Source: *src, Duration: duration.String()}
		mu.Lock()
		for _, sent := range source.Stats() {
			ts := trackSummary{Kind: sent.Kind, Codec: sent.Codec, SentFrames: sent.Frames, SentPackets: sent.Packets, SentBytes: sent.Bytes}
			if e := echoed[sent.Kind]; e != nil {
				ts.EchoPackets, ts.EchoBytes = e.Packets, e.Bytes
			}
			if ts.SentBytes > 0 {
				ts.EchoRatio = float64(ts.EchoBytes) / float64(ts.SentBytes)
			}
			sum.Tracks = append(sum.Tracks, ts)
		}
		mu.Unlock()
		if out.json {
			return out.writeJSON(sum)
		}
		for _, ts := range sum.Tracks {
			out.step(ts.Kind, "%s: sent %d frames (%d bytes), echoed %d RTP packets (%d bytes, %.0f%% of the bytes sent)",
				ts.Codec, ts.SentFrames, ts.SentBytes, ts.EchoPackets, ts.EchoBytes, 100*ts.EchoRatio)
		}
		return nil
	}
}
