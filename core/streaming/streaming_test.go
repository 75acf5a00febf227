package streaming_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// freePorts returns n distinct UDP ports that are free on 127.0.0.1.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	conns := make([]net.PacketConn, n)
	for i := range n {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		require.NoError(t, err)
		conns[i] = c
		ports[i] = c.LocalAddr().(*net.UDPAddr).Port
	}
	for _, c := range conns {
		require.NoError(t, c.Close())
	}
	return ports
}

// answerFor builds a minimal SDP answer to a Streaming offer (recvonly
// audio and video, datachannel), enough for Janus to accept it; ICE will
// never complete.
func answerFor(t *testing.T, offer *core.JSEP) *core.JSEP {
	t.Helper()
	require.NotNil(t, offer)
	require.Equal(t, "offer", offer.Type)
	type section struct {
		kind, mline, mid string
		attrs            []string
	}
	var sections []*section
	for _, line := range strings.Split(strings.ReplaceAll(offer.SDP, "\r\n", "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "m="):
			sections = append(sections, &section{kind: strings.Fields(line[2:])[0], mline: line})
		case len(sections) == 0:
		case strings.HasPrefix(line, "a=mid:"):
			sections[len(sections)-1].mid = strings.TrimPrefix(line, "a=mid:")
		case strings.HasPrefix(line, "a=rtpmap:"), strings.HasPrefix(line, "a=fmtp:"), strings.HasPrefix(line, "a=sctp-port:"):
			sections[len(sections)-1].attrs = append(sections[len(sections)-1].attrs, line)
		}
	}
	require.NotEmpty(t, sections)
	fp := make([]string, 32)
	for i := range fp {
		fp[i] = fmt.Sprintf("%02X", i*7+3)
	}
	var b strings.Builder
	mids := make([]string, len(sections))
	for i, s := range sections {
		mids[i] = s.mid
	}
	fmt.Fprintf(&b, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE %s\r\na=msid-semantic: WMS *\r\n", strings.Join(mids, " "))
	for _, s := range sections {
		fmt.Fprintf(&b, "%s\r\nc=IN IP4 0.0.0.0\r\na=mid:%s\r\n", s.mline, s.mid)
		if s.kind != "application" {
			b.WriteString("a=recvonly\r\na=rtcp-mux\r\n")
		}
		fmt.Fprintf(&b, "a=ice-ufrag:gjTs\r\na=ice-pwd:kq0Qh1Zqpa9n5yJcTzVfqG0V\r\na=fingerprint:sha-256 %s\r\na=setup:active\r\n", strings.Join(fp, ":"))
		for _, a := range s.attrs {
			b.WriteString(a + "\r\n")
		}
	}
	return &core.JSEP{Type: "answer", SDP: b.String()}
}

// next returns the next event of type T on h's stream, skipping others.
func next[T core.Event](ctx context.Context, t *testing.T, h *streaming.Handle) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-h.Events():
			require.True(t, ok, "event stream closed")
			if e, ok := ev.(T); ok {
				return e
			}
			t.Logf("skipping %T", ev)
		case <-ctx.Done():
			var zero T
			t.Fatalf("no %T event", zero)
			return zero
		}
	}
}

// nextStatus waits for a StatusChanged with the given status.
func nextStatus(ctx context.Context, t *testing.T, h *streaming.Handle, want streaming.Status) {
	t.Helper()
	for {
		ev := next[*streaming.StatusChanged](ctx, t, h)
		if ev.Status == want {
			return
		}
		t.Logf("skipping status %q", ev.Status)
	}
}

// hungUp waits for the Hangup that follows a kick, and then until Janus
// has freed the handle's PeerConnection (handle_info no longer reports an
// ICE mode). Janus sends the hangup before it frees, and Janus 1.1.2
// loses the offer of a watch sent in between ("Cannot push event"), so
// a client that watches again must wait for the second condition too.
func hungUp(ctx context.Context, t *testing.T, h *streaming.Handle, admin *core.Admin) {
	t.Helper()
	next[*core.Hangup](ctx, t, h)
	require.Eventually(t, func() bool {
		hi, err := admin.HandleInfo(ctx, h.Session().ID(), h.ID())
		return err == nil && hi.ICEMode == ""
	}, 10*time.Second, 10*time.Millisecond, "Janus frees the PeerConnection after the hangup")
}

func mids(media []streaming.StreamInfo) []string {
	var out []string
	for _, m := range media {
		out = append(out, m.Mid)
	}
	return out
}

func find(list []streaming.Mountpoint, id core.ID) *streaming.Mountpoint {
	for i := range list {
		if list[i].ID == id {
			return &list[i]
		}
	}
	return nil
}

type transport struct{ name, url string }

func transports(srv *janusserver.Server) []transport {
	return []transport{{"ws", srv.WSURL}, {"http", srv.HTTPURL}}
}

func TestStreamingAgainstJanus(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for i, tr := range transports(srv) {
		t.Run(tr.name, func(t *testing.T) {
			url := tr.url
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := core.Dial(ctx, url)
			require.NoError(t, err)
			defer c.Close()
			admin, err := core.DialAdmin(ctx, srv.AdminWSURL, core.WithAdminSecret(srv.AdminSecret))
			require.NoError(t, err)
			defer admin.Close()

			// A manager on one session, two viewers on another.
			s1, err := c.CreateSession(ctx)
			require.NoError(t, err)
			m, err := streaming.Attach(ctx, s1)
			require.NoError(t, err)
			assert.Equal(t, streaming.Plugin, m.Plugin())
			s2, err := c.CreateSession(ctx)
			require.NoError(t, err)
			v, err := streaming.Attach(ctx, s2)
			require.NoError(t, err)
			v2, err := streaming.Attach(ctx, s2)
			require.NoError(t, err)

			base := uint64(1000 * (i + 1))
			idA, idB := core.NumID(base+1), core.NumID(base+2)
			ports := freePorts(t, 4)

			// Mountpoint A: audio, video and data, protected by a secret
			// and a PIN, bound to 127.0.0.1 on ports the test picked.
			a, err := m.Create(ctx, streaming.CreateRequest{
				Type: streaming.SourceRTP, Mountpoint: idA, Name: fmt.Sprintf("a-%d", i), Description: "mountpoint A",
				Metadata: "m1", Secret: "sa", Pin: "pa",
				Media: []streaming.StreamConfig{
					{Type: streaming.MediaAudio, Mid: "a", Label: "mic", MSID: "st at", Port: ports[0], RTCPPort: core.Ptr(ports[1]),
						PT: 111, Codec: core.Opus, FMTP: "useinbandfec=1", Iface: "127.0.0.1"},
					{Type: streaming.MediaVideo, Mid: "v", Port: ports[2], PT: 100, Codec: core.VP8, Iface: "127.0.0.1"},
					{Type: streaming.MediaData, Mid: "d", Port: ports[3], Iface: "127.0.0.1"},
				},
			})
			require.NoError(t, err)
			assert.Equal(t, idA, a.Mountpoint)
			assert.Equal(t, fmt.Sprintf("a-%d", i), a.Name)
			assert.Equal(t, streaming.StreamingLive, a.Type)
			assert.Equal(t, "mountpoint A", a.Description)
			assert.False(t, a.Permanent)
			assert.False(t, a.IsPrivate)
			assert.Equal(t, "127.0.0.1", a.Host)
			assert.Empty(t, a.Warning)
			// Janus 1.4 also gives each stream's host (VERSIONS.md).
			host := "127.0.0.1"
			if strings.HasPrefix(srv.Version, "1.1.") {
				host = ""
			}
			assert.Equal(t, []streaming.PortBinding{
				{Type: "audio", Mid: "a", MSID: "st at", Host: host, Port: ports[0], RTCPPort: ports[1]},
				{Type: "video", Mid: "v", Host: host, Port: ports[2]},
				{Type: "data", Mid: "d", Host: host, Port: ports[3]},
			}, a.Ports)

			// Mountpoint B: the deprecated flat form, ports picked by the
			// plugin (still on 127.0.0.1).
			b, err := m.Create(ctx, streaming.CreateRequest{
				Type: streaming.SourceRTP, Mountpoint: idB,
				Audio: true, AudioPort: core.Ptr(0), AudioPT: 111, AudioCodec: core.Opus, AudioIface: "127.0.0.1",
				Video: true, VideoPort: core.Ptr(0), VideoPT: 100, VideoCodec: core.VP8, VideoIface: "127.0.0.1",
			})
			require.NoError(t, err)
			assert.Equal(t, idB, b.Mountpoint)
			assert.Equal(t, "deprecated_api", b.Warning)
			assert.Equal(t, "127.0.0.1", b.Host)
			require.Len(t, b.Ports, 2)
			assert.Equal(t, "a", b.Ports[0].Mid)
			assert.Equal(t, "v", b.Ports[1].Mid)
			assert.Equal(t, "127.0.0.1", b.Ports[0].Host, "the flat form's hosts are per stream")
			assert.Equal(t, "127.0.0.1", b.Ports[1].Host)
			assert.NotZero(t, b.Ports[0].Port)
			assert.NotZero(t, b.Ports[1].Port)

			// Mountpoint C: private, id chosen by the server.
			cp, err := m.Create(ctx, streaming.CreateRequest{
				Type: streaming.SourceRTP, IsPrivate: true,
				Media: []streaming.StreamConfig{
					{Type: "audio", Mid: "a", Port: 0, PT: 0, Codec: core.PCMU, Iface: "127.0.0.1"},
					{Type: "video", Mid: "v", Port: 0, PT: 96, Codec: core.VP8, Iface: "127.0.0.1", Simulcast: true},
				},
			})
			require.NoError(t, err)
			assert.NotZero(t, cp.Mountpoint.Num())
			assert.True(t, cp.IsPrivate)
			require.Len(t, cp.Ports, 2)
			assert.NotZero(t, cp.Ports[0].Port)
			assert.NotZero(t, cp.Ports[1].Port2, "simulcast ports picked by the plugin")
			assert.NotZero(t, cp.Ports[1].Port3)

			// Create errors.
			_, err = m.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Mountpoint: idA,
				Media: []streaming.StreamConfig{{Type: "audio", Mid: "a", Codec: core.Opus, Iface: "127.0.0.1"}}})
			assert.ErrorIs(t, err, streaming.ErrCantCreate, "duplicate id")
			_, err = m.Create(ctx, streaming.CreateRequest{Type: "carrier-pigeon"})
			assert.ErrorIs(t, err, streaming.ErrInvalidElement)
			_, err = m.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Audio: true, AudioPT: 111, AudioCodec: core.Opus})
			assert.ErrorIs(t, err, streaming.ErrMissingElement, "flat form without audioport")
			_, err = m.Create(ctx, streaming.CreateRequest{Type: streaming.SourceLive, Audio: true, Filename: "/nonexistent/x.opus"})
			assert.ErrorIs(t, err, streaming.ErrCantCreate)

			// List: A and B, not the private C.
			list, err := v.List(ctx)
			require.NoError(t, err)
			la := find(list, idA)
			require.NotNil(t, la)
			assert.Nil(t, find(list, cp.Mountpoint))
			require.NotNil(t, find(list, idB))
			assert.Equal(t, "mountpoint A", la.Description)
			assert.Equal(t, "m1", la.Metadata)
			assert.True(t, la.Enabled)
			assert.Equal(t, []string{"a", "v", "d"}, mids(la.Media))
			assert.Equal(t, "mic", la.Media[0].Label)
			assert.Equal(t, "st at", la.Media[0].MSID)
			assert.NotNil(t, la.Media[0].AgeMS)

			// Info without the secret hides the private details.
			info, err := v.Info(ctx, streaming.InfoRequest{Mountpoint: idA})
			require.NoError(t, err)
			assert.Equal(t, idA, info.ID)
			assert.Empty(t, info.Secret)
			assert.Empty(t, info.Pin)
			assert.Empty(t, info.Name)
			assert.Zero(t, info.Media[0].Port)
			assert.Equal(t, core.Opus, info.Media[0].Codec)
			assert.Equal(t, "opus/48000/2", info.Media[0].RTPMap)
			assert.Equal(t, "useinbandfec=1", info.Media[0].FMTP)
			assert.Equal(t, 111, info.Media[0].PT)
			assert.Equal(t, "VP8/90000", info.Media[1].RTPMap)
			assert.Equal(t, 1, info.Media[1].MIndex)
			// With it, everything.
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("a-%d", i), info.Name)
			assert.Equal(t, "sa", info.Secret)
			assert.Equal(t, "pa", info.Pin)
			assert.Equal(t, "127.0.0.1", info.Host)
			assert.Equal(t, 0, info.Viewers)
			assert.Equal(t, ports[0], info.Media[0].Port)
			assert.Equal(t, ports[1], info.Media[0].RTCPPort)
			_, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: core.NumID(base + 99)})
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)

			// Watch: the PIN is checked, then Janus offers every stream.
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: idA})
			assert.ErrorIs(t, err, streaming.ErrMissingElement)
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: idA, Pin: "wrong"})
			assert.ErrorIs(t, err, streaming.ErrUnauthorized)
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: core.NumID(base + 99)})
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)
			offer, err := v.Watch(ctx, streaming.WatchRequest{Mountpoint: idA, Pin: "pa"})
			require.NoError(t, err)
			assert.Equal(t, "offer", offer.Type)
			for _, want := range []string{"m=audio ", "m=video ", "m=application ", "a=mid:a", "a=mid:v", "a=mid:d", "opus/48000/2", "VP8/90000", "a=sendonly", "a=msid:st at"} {
				assert.Contains(t, offer.SDP, want)
			}
			// A second watch on the same handle is refused until media
			// flows; another mountpoint too.
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: idA, Pin: "pa"})
			assert.ErrorIs(t, err, streaming.ErrInvalidState)
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: idB})
			assert.ErrorIs(t, err, streaming.ErrInvalidState)

			// The second viewer subscribes to B's audio only.
			offer2, err := v2.Watch(ctx, streaming.WatchRequest{Mountpoint: idB, Media: []string{"a"}})
			require.NoError(t, err)
			assert.Contains(t, offer2.SDP, "m=audio ")
			assert.NotContains(t, offer2.SDP, "m=video ")

			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.Equal(t, 1, info.Viewers)

			// Start with the answer; pause, resume, configure, switch.
			status, err := v.Start(ctx, answerFor(t, offer))
			require.NoError(t, err)
			assert.Equal(t, streaming.StatusStarting, status)
			require.NoError(t, v.Pause(ctx))
			status, err = v.Start(ctx, nil)
			require.NoError(t, err)
			assert.Equal(t, streaming.StatusStarting, status)
			require.NoError(t, v.Configure(ctx, streaming.ConfigureRequest{Mid: "v", Send: core.Ptr(false)}))
			require.NoError(t, v.Configure(ctx, streaming.ConfigureRequest{Send: core.Ptr(true), Substream: core.Ptr(1), MinDelay: core.Ptr(0)}))
			require.NoError(t, v.Switch(ctx, streaming.SwitchRequest{Mountpoint: idB}))
			// Answers whose caller did not wait are typed events.
			_, err = v.Post(ctx, map[string]any{"request": "switch", "id": idA})
			require.NoError(t, err)
			assert.Equal(t, idA, next[*streaming.Switched](ctx, t, v).Mountpoint)
			_, err = v.Post(ctx, map[string]any{"request": "configure", "mid": "a", "send": true})
			require.NoError(t, err)
			next[*streaming.Configured](ctx, t, v)
			_, err = v.Post(ctx, map[string]any{"request": "pause"})
			require.NoError(t, err)
			nextStatus(ctx, t, v, streaming.StatusPausing)
			require.NoError(t, v.Switch(ctx, streaming.SwitchRequest{Mountpoint: idB}))
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idB})
			require.NoError(t, err)
			assert.Equal(t, 2, info.Viewers)
			require.NoError(t, v.Switch(ctx, streaming.SwitchRequest{Mountpoint: idA}))
			err = v.Switch(ctx, streaming.SwitchRequest{Mountpoint: core.NumID(base + 99)})
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)

			// An ICE restart (the PIN is checked again) gives a new offer,
			// answered by a new Start.
			offer, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: idA, Pin: "pa", Restart: true})
			require.NoError(t, err)
			assert.Contains(t, offer.SDP, "a=mid:v")
			_, err = v.Start(ctx, answerFor(t, offer))
			require.NoError(t, err)

			// Edit: the secret is checked; the viewer hears of new metadata.
			_, err = m.Edit(ctx, streaming.EditRequest{Mountpoint: idA, Secret: "nope", NewDescription: "x"})
			assert.ErrorIs(t, err, streaming.ErrUnauthorized)
			ed, err := m.Edit(ctx, streaming.EditRequest{Mountpoint: idA, Secret: "sa", NewDescription: "edited A",
				NewMetadata: core.Ptr("m2"), NewPin: core.Ptr(""), EditedEvent: true})
			require.NoError(t, err)
			assert.Equal(t, idA, ed.Mountpoint)
			assert.False(t, ed.Permanent)
			edited := next[*streaming.Edited](ctx, t, v)
			assert.Equal(t, idA, edited.Mountpoint)
			assert.Equal(t, "m2", edited.Metadata)
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.Equal(t, "edited A", info.Description)
			assert.Empty(t, info.Pin, "Ptr(\"\") removes the PIN")

			// Recording.
			dir := t.TempDir()
			rec := filepath.Join(dir, "a-audio")
			err = m.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: idA, Secret: "wrong", Media: []streaming.RecordingTarget{{Mid: "a", Filename: rec}}})
			assert.ErrorIs(t, err, streaming.ErrUnauthorized)
			require.NoError(t, m.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: idA, Secret: "sa",
				Media: []streaming.RecordingTarget{{Mid: "a", Filename: rec}}}))
			err = m.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: idA, Secret: "sa",
				Media: []streaming.RecordingTarget{{Mid: "a", Filename: rec + "2"}}})
			assert.ErrorIs(t, err, streaming.ErrInvalidRequest, "already recording")
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.Equal(t, "a-audio.mjr", info.Media[0].Recording)
			require.NoError(t, m.StopRecording(ctx, streaming.StopRecordingRequest{Mountpoint: idA, Secret: "sa",
				Media: []streaming.RecordingTarget{{Mid: "a"}}}))
			_, err = os.Stat(rec + ".mjr")
			assert.NoError(t, err)
			// The deprecated form records every video stream.
			require.NoError(t, m.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: idA, Secret: "sa", Video: filepath.Join(dir, "a-video")}))
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.Equal(t, "a-video.mjr", info.Media[1].Recording)
			assert.Empty(t, info.Media[0].Recording)

			// Disable (and stop the recording), enable.
			require.NoError(t, m.Disable(ctx, streaming.DisableRequest{Mountpoint: idA, Secret: "sa", StopRecording: true}))
			info, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: idA, Secret: "sa"})
			require.NoError(t, err)
			assert.False(t, info.Enabled)
			assert.Empty(t, info.Media[1].Recording)
			require.NoError(t, m.Enable(ctx, streaming.EnableRequest{Mountpoint: idA, Secret: "sa"}))
			require.NoError(t, m.Disable(ctx, streaming.DisableRequest{Mountpoint: idB}))
			require.NoError(t, m.Enable(ctx, streaming.EnableRequest{Mountpoint: idB}))
			err = m.Enable(ctx, streaming.EnableRequest{Mountpoint: idA})
			assert.ErrorIs(t, err, streaming.ErrMissingElement, "no secret")
			list, err = m.List(ctx)
			require.NoError(t, err)
			assert.True(t, find(list, idA).Enabled)

			// Kick every viewer of B: the second viewer is told so.
			require.NoError(t, m.KickAll(ctx, streaming.KickAllRequest{Mountpoint: idB}))
			nextStatus(ctx, t, v2, streaming.StatusKickedAll)
			hungUp(ctx, t, v2, admin)
			// It may watch again; the deprecated offer_video leaves video out.
			offer2, err = v2.Watch(ctx, streaming.WatchRequest{Mountpoint: idB, OfferVideo: core.Ptr(false)})
			require.NoError(t, err)
			assert.Contains(t, offer2.SDP, "m=audio ")
			assert.NotContains(t, offer2.SDP, "m=video ")

			// Stop is only acknowledged: media never started here.
			require.NoError(t, v.Stop(ctx))

			// Destroying A stops its viewer.
			err = m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: idA, Secret: "x"})
			assert.ErrorIs(t, err, streaming.ErrUnauthorized)
			require.NoError(t, m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: idA, Secret: "sa"}))
			nextStatus(ctx, t, v, streaming.StatusStopped)
			next[*core.Hangup](ctx, t, v)
			err = m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: idA, Secret: "sa"})
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)

			// Without a mountpoint, the viewer requests fail.
			_, err = v.Start(ctx, nil)
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)
			assert.ErrorIs(t, v.Pause(ctx), streaming.ErrNoSuchMountpoint)
			assert.ErrorIs(t, v.Configure(ctx, streaming.ConfigureRequest{}), streaming.ErrNoSuchMountpoint)
			assert.ErrorIs(t, v.Switch(ctx, streaming.SwitchRequest{Mountpoint: idB}), streaming.ErrNoSuchMountpoint)
			_, err = v.Message(ctx, map[string]any{"request": "teleport"})
			assert.ErrorIs(t, err, streaming.ErrInvalidRequest)

			require.NoError(t, m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: idB}))
			nextStatus(ctx, t, v2, streaming.StatusStopped)
			require.NoError(t, m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: cp.Mountpoint}))
			require.NoError(t, s1.Destroy(ctx))
			require.NoError(t, s2.Destroy(ctx))
		})
	}
}

func TestStringIDs(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{StringIDs: true})
	for _, tr := range transports(srv) {
		t.Run(tr.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			c, err := core.Dial(ctx, tr.url)
			require.NoError(t, err)
			defer c.Close()
			s, err := c.CreateSession(ctx)
			require.NoError(t, err)
			m, err := streaming.Attach(ctx, s)
			require.NoError(t, err)
			v, err := streaming.Attach(ctx, s)
			require.NoError(t, err)

			audio := func() []streaming.StreamConfig {
				return []streaming.StreamConfig{{Type: streaming.MediaAudio, Mid: "a", Port: 0, PT: 111, Codec: core.Opus, Iface: "127.0.0.1"}}
			}
			id := core.StrID("cam-" + tr.name)
			mp, err := m.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Mountpoint: id, Media: audio()})
			require.NoError(t, err)
			assert.Equal(t, id, mp.Mountpoint)
			assert.True(t, mp.Mountpoint.IsString())
			// Without an id the plugin picks a UUID.
			other, err := m.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Media: audio()})
			require.NoError(t, err)
			assert.True(t, other.Mountpoint.IsString())
			assert.Len(t, other.Mountpoint.String(), 36)
			// A numeric id is the wrong type here.
			_, err = m.Info(ctx, streaming.InfoRequest{Mountpoint: core.NumID(1)})
			assert.ErrorIs(t, err, streaming.ErrInvalidElement)

			list, err := m.List(ctx)
			require.NoError(t, err)
			require.NotNil(t, find(list, id))
			require.NotNil(t, find(list, other.Mountpoint))
			info, err := m.Info(ctx, streaming.InfoRequest{Mountpoint: id})
			require.NoError(t, err)
			assert.Equal(t, id, info.ID)
			ed, err := m.Edit(ctx, streaming.EditRequest{Mountpoint: id, NewMetadata: core.Ptr("x"), EditedEvent: true})
			require.NoError(t, err)
			assert.Equal(t, id, ed.Mountpoint)

			offer, err := v.Watch(ctx, streaming.WatchRequest{Mountpoint: id})
			require.NoError(t, err)
			assert.Contains(t, offer.SDP, "s=Mountpoint "+id.String())
			require.NoError(t, v.Switch(ctx, streaming.SwitchRequest{Mountpoint: other.Mountpoint}))
			// The viewer now belongs to the other mountpoint.
			_, err = m.Edit(ctx, streaming.EditRequest{Mountpoint: other.Mountpoint, NewMetadata: core.Ptr("switched here"), EditedEvent: true})
			require.NoError(t, err)
			edited := next[*streaming.Edited](ctx, t, v)
			assert.Equal(t, other.Mountpoint, edited.Mountpoint)
			assert.Equal(t, "switched here", edited.Metadata)
			require.NoError(t, m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: other.Mountpoint}))
			nextStatus(ctx, t, v, streaming.StatusStopped)
			require.NoError(t, m.Destroy(ctx, streaming.DestroyRequest{Mountpoint: id}))
			require.NoError(t, s.Destroy(ctx))
		})
	}
}

// adminKeyTemplates copies the test server's configuration templates and
// gives the Streaming plugin an admin_key.
func adminKeyTemplates(t *testing.T, key string) string {
	t.Helper()
	src, err := janusserver.FindTemplateDir()
	require.NoError(t, err)
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		if e.Name() == "janus.plugin.streaming.jcfg.tmpl" {
			s := strings.Replace(string(b), "general: {", "general: {\n\tadmin_key = \""+key+"\"", 1)
			require.NotEqual(t, string(b), s)
			b = []byte(s)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600))
	}
	return dst
}

func TestAdminKey(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{TemplateDir: adminKeyTemplates(t, "k3y")})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)

	req := streaming.CreateRequest{Type: streaming.SourceRTP, Mountpoint: core.NumID(7), IsPrivate: true,
		Media: []streaming.StreamConfig{{Type: streaming.MediaData, Mid: "d", Port: 0, Iface: "127.0.0.1"}}}
	_, err = h.Create(ctx, req)
	assert.ErrorIs(t, err, streaming.ErrMissingElement, "no admin_key")
	req.AdminKey = "wrong"
	_, err = h.Create(ctx, req)
	assert.ErrorIs(t, err, streaming.ErrUnauthorized)
	req.AdminKey = "k3y"
	mp, err := h.Create(ctx, req)
	require.NoError(t, err)
	host := "127.0.0.1" // Janus 1.4 gives each stream's host
	if strings.HasPrefix(srv.Version, "1.1.") {
		host = ""
	}
	assert.Equal(t, []streaming.PortBinding{{Type: "data", Mid: "d", Host: host, Port: mp.Ports[0].Port}}, mp.Ports)
	assert.Equal(t, "127.0.0.1", mp.Host)

	// The private mountpoint is listed with the admin key only.
	list, err := h.List(ctx)
	require.NoError(t, err)
	assert.Nil(t, find(list, mp.Mountpoint))
	_, err = h.List(ctx, streaming.ListRequest{AdminKey: "wrong"})
	assert.ErrorIs(t, err, streaming.ErrUnauthorized)
	list, err = h.List(ctx, streaming.ListRequest{AdminKey: "k3y"})
	require.NoError(t, err)
	require.NotNil(t, find(list, mp.Mountpoint))
	assert.Equal(t, []string{"d"}, mids(find(list, mp.Mountpoint).Media))

	// Destroy needs the mountpoint's secret (none here), not the admin key.
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: mp.Mountpoint}))
	require.NoError(t, s.Destroy(ctx))
}

func TestAdminAPI(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	v, err := streaming.Attach(ctx, s)
	require.NoError(t, err)

	for i, url := range []string{srv.AdminWSURL, srv.AdminHTTPURL} {
		name := []string{"ws", "http"}[i]
		t.Run(name, func(t *testing.T) {
			ca, err := core.DialAdmin(ctx, url, core.WithAdminSecret(srv.AdminSecret))
			require.NoError(t, err)
			defer ca.Close()
			a := streaming.NewAdmin(ca)
			id := core.NumID(uint64(500 + i))
			ports := freePorts(t, 1)
			mp, err := a.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Mountpoint: id, Secret: "s", Description: "admin made",
				Media: []streaming.StreamConfig{{Type: streaming.MediaVideo, Mid: "v", Port: ports[0], PT: 96, Codec: core.VP8, Iface: "127.0.0.1"}}})
			require.NoError(t, err)
			assert.Equal(t, id, mp.Mountpoint)
			assert.Equal(t, ports[0], mp.Ports[0].Port)
			_, err = a.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTP, Mountpoint: id})
			assert.ErrorIs(t, err, streaming.ErrCantCreate)
			assert.ErrorContains(t, err, "janus: streaming: create: error 456: ", "the error names the request through the admin API too")

			list, err := a.List(ctx)
			require.NoError(t, err)
			require.NotNil(t, find(list, id))
			info, err := a.Info(ctx, streaming.InfoRequest{Mountpoint: id, Secret: "s"})
			require.NoError(t, err)
			assert.Equal(t, "admin made", info.Description)
			assert.Equal(t, ports[0], info.Media[0].Port)
			_, err = a.Info(ctx, streaming.InfoRequest{Mountpoint: core.NumID(9999)})
			assert.ErrorIs(t, err, streaming.ErrNoSuchMountpoint)
			ed, err := a.Edit(ctx, streaming.EditRequest{Mountpoint: id, Secret: "s", NewSecret: "s2", NewIsPrivate: core.Ptr(true)})
			require.NoError(t, err)
			assert.Equal(t, id, ed.Mountpoint)
			list, err = a.List(ctx)
			require.NoError(t, err)
			assert.Nil(t, find(list, id), "now private")

			rec := filepath.Join(t.TempDir(), "v")
			require.NoError(t, a.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: id, Secret: "s2", Media: []streaming.RecordingTarget{{Mid: "v", Filename: rec}}}))
			require.NoError(t, a.StopRecording(ctx, streaming.StopRecordingRequest{Mountpoint: id, Secret: "s2", Video: true}))
			_, err = os.Stat(rec + ".mjr")
			assert.NoError(t, err)
			require.NoError(t, a.Disable(ctx, streaming.DisableRequest{Mountpoint: id, Secret: "s2"}))
			// A viewer on a Janus API session sees what the admin does.
			// (Janus 1.1.2 lets it watch a disabled mountpoint: it only
			// relays nothing until the mountpoint is enabled.)
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: id})
			require.NoError(t, err)
			require.NoError(t, a.Enable(ctx, streaming.EnableRequest{Mountpoint: id, Secret: "s2"}))
			require.NoError(t, a.KickAll(ctx, streaming.KickAllRequest{Mountpoint: id, Secret: "s2"}))
			nextStatus(ctx, t, v, streaming.StatusKickedAll)
			hungUp(ctx, t, v, ca)
			_, err = v.Watch(ctx, streaming.WatchRequest{Mountpoint: id})
			require.NoError(t, err)
			err = a.Destroy(ctx, streaming.DestroyRequest{Mountpoint: id, Secret: "s"})
			assert.ErrorIs(t, err, streaming.ErrUnauthorized, "old secret")
			require.NoError(t, a.Destroy(ctx, streaming.DestroyRequest{Mountpoint: id, Secret: "s2"}))
			nextStatus(ctx, t, v, streaming.StatusStopped)
			next[*core.Hangup](ctx, t, v)
		})
	}
	require.NoError(t, s.Destroy(ctx))
}

func TestDecodeEvent(t *testing.T) {
	// Payloads as Janus 1.1.2 sends them (the layer events, which need
	// media, as the plugin's source builds them).
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: streaming.Plugin, Data: []byte(data)}
	}
	for data, want := range map[string]streaming.Status{
		`{"streaming":"event","result":{"status":"started"}}`:    streaming.StatusStarted,
		`{"streaming":"event","result":{"status":"stopped"}}`:    streaming.StatusStopped,
		`{"streaming":"event","result":{"status":"kicked_all"}}`: streaming.StatusKickedAll,
		`{"streaming":"event","result":{"status":"stopping"}}`:   streaming.StatusStopping,
		`{"streaming":"event","result":{"status":"pausing"}}`:    streaming.StatusPausing,
	} {
		sc, ok := streaming.DecodeEvent(ev(data)).(*streaming.StatusChanged)
		require.True(t, ok, data)
		assert.Equal(t, want, sc.Status)
		assert.Equal(t, core.Source{Session: 1, Handle: 2}, sc.EventSource())
	}

	ed := streaming.DecodeEvent(ev(`{"event":"edited","id":1,"metadata":"m2"}`)).(*streaming.Edited)
	assert.Equal(t, core.NumID(1), ed.Mountpoint)
	assert.Equal(t, "m2", ed.Metadata)
	ed = streaming.DecodeEvent(ev(`{"event":"edited","id":"cam-1"}`)).(*streaming.Edited)
	assert.Equal(t, core.StrID("cam-1"), ed.Mountpoint)
	assert.Empty(t, ed.Metadata)

	sw := streaming.DecodeEvent(ev(`{"streaming":"event","result":{"switched":"ok","id":2}}`)).(*streaming.Switched)
	assert.Equal(t, core.NumID(2), sw.Mountpoint)
	assert.IsType(t, &streaming.Configured{}, streaming.DecodeEvent(ev(`{"streaming":"event","result":{"event":"configured"}}`)))

	lc := streaming.DecodeEvent(ev(`{"streaming":"event","result":{"mid":"v","substream":1}}`)).(*streaming.LayerChanged)
	assert.Equal(t, "v", lc.Mid)
	assert.Equal(t, 1, *lc.Substream)
	assert.Nil(t, lc.Temporal)
	lc = streaming.DecodeEvent(ev(`{"streaming":"event","result":{"mid":"v","temporal":2}}`)).(*streaming.LayerChanged)
	assert.Equal(t, 2, *lc.Temporal)
	lc = streaming.DecodeEvent(ev(`{"streaming":"event","result":{"mid":"v","spatial_layer":1,"temporal_layer":0}}`)).(*streaming.LayerChanged)
	assert.Equal(t, 1, *lc.SpatialLayer)
	assert.Equal(t, 0, *lc.TemporalLayer)
	lc = streaming.DecodeEvent(ev(`{"streaming":"event","result":{"substream":0}}`)).(*streaming.LayerChanged)
	assert.Empty(t, lc.Mid)
	assert.Equal(t, 0, *lc.Substream)

	errEv := streaming.DecodeEvent(ev(`{"streaming":"event","error_code":455,"error":"No such mountpoint/stream 99"}`)).(*core.PluginEvent)
	assert.ErrorIs(t, errEv.Err(), streaming.ErrNoSuchMountpoint)
	assert.IsType(t, &core.PluginEvent{}, streaming.DecodeEvent(ev(`{"streaming":"event","result":{"something":"new"}}`)))
	assert.IsType(t, &core.PluginEvent{}, streaming.DecodeEvent(ev(`{"streaming":"event"}`)))
	assert.IsType(t, &core.PluginEvent{}, streaming.DecodeEvent(ev(`not json`)))
}

func TestFileAndRTSPMountpoints(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := streaming.Attach(ctx, s)
	require.NoError(t, err)

	// Any bytes make a raw A-law file.
	file := filepath.Join(t.TempDir(), "tone.alaw")
	require.NoError(t, os.WriteFile(file, make([]byte, 16000), 0o600))
	live, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceLive, Mountpoint: core.NumID(31), Secret: "s",
		Audio: true, AudioPT: 8, AudioCodec: core.PCMA, Filename: file})
	require.NoError(t, err)
	assert.Equal(t, streaming.StreamingLive, live.Type)
	assert.Empty(t, live.Ports)
	ondemand, err := h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceOnDemand, Mountpoint: core.NumID(32),
		Audio: true, AudioPT: 8, AudioCodec: core.PCMA, Filename: file})
	require.NoError(t, err)
	assert.Equal(t, streaming.StreamingOnDemand, ondemand.Type)
	_, err = h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceOnDemand, Audio: true, Filename: filepath.Join(t.TempDir(), "x.mp3")})
	assert.ErrorIs(t, err, streaming.ErrCantCreate, "unsupported format")

	info, err := h.Info(ctx, streaming.InfoRequest{Mountpoint: live.Mountpoint, Secret: "s"})
	require.NoError(t, err)
	assert.Equal(t, file, info.Filename)
	require.Len(t, info.Media, 1)
	assert.Equal(t, core.PCMA, info.Media[0].Codec)
	assert.Equal(t, 8, info.Media[0].PT)

	// Recording and switching are for live RTP mountpoints only.
	err = h.StartRecording(ctx, streaming.StartRecordingRequest{Mountpoint: live.Mountpoint, Secret: "s", Audio: filepath.Join(t.TempDir(), "r")})
	assert.ErrorIs(t, err, streaming.ErrInvalidRequest)
	offer, err := h.Watch(ctx, streaming.WatchRequest{Mountpoint: ondemand.Mountpoint})
	require.NoError(t, err)
	assert.Contains(t, offer.SDP, "PCMA/8000")
	err = h.Switch(ctx, streaming.SwitchRequest{Mountpoint: live.Mountpoint})
	assert.ErrorIs(t, err, streaming.ErrCantSwitch)
	require.NoError(t, h.Hangup(ctx))

	// An RTSP source that cannot be reached is refused at once.
	_, err = h.Create(ctx, streaming.CreateRequest{Type: streaming.SourceRTSP, Video: true, URL: "rtsp://127.0.0.1:1/none",
		RTSPConnTimeout: 1, RTSPTimeout: 1})
	assert.ErrorIs(t, err, streaming.ErrCantCreate)

	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: live.Mountpoint, Secret: "s"}))
	require.NoError(t, h.Destroy(ctx, streaming.DestroyRequest{Mountpoint: ondemand.Mountpoint}))
	require.NoError(t, s.Destroy(ctx))
}
