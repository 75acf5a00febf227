package native_test

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/nosip"
	"github.com/gojanus/gojanus/internal/mediabench"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// parsePlainSDP returns the m-lines of a plain SDP of Janus and checks
// that it has Janus send and receive plain RTP on 127.0.0.1 (the plugin's
// local_ip).
func parsePlainSDP(t *testing.T, sdp string) []native.PlainMedia {
	t.Helper()
	media, err := native.ParsePlainSDP(sdp)
	require.NoError(t, err)
	for _, m := range media {
		assert.Equal(t, "127.0.0.1", m.Address, "the plain SDP names the plugin's local_ip for %s", m.Kind)
		assert.Equal(t, "RTP/AVP", m.Proto, "plain RTP for %s", m.Kind)
	}
	return media
}

// plainCodecs are the codecs of the plain side: VP8 and Opus.
var plainCodecs = map[string]string{"video": "VP8/90000", "audio": "opus/48000/2"}

// plainSDP writes the plain side's SDP for the m-lines of another
// (native.PlainSDP), which must all have the plain side's codecs.
func plainSDP(t *testing.T, of []native.PlainMedia, ports map[string]int, dir string) string {
	t.Helper()
	for _, m := range of {
		_, ok := m.PayloadTypes[strings.ToLower(plainCodecs[m.Kind])]
		require.True(t, ok, "no %s in the %s m-line %v", plainCodecs[m.Kind], m.Kind, m.PayloadTypes)
	}
	return native.PlainSDP(of, ports, plainCodecs, dir)
}

// rtpPorts returns even ports of 127.0.0.1 for an RTP receiver or sender
// (native.FreeRTPPorts), by kind.
func rtpPorts(t *testing.T) map[string]int {
	t.Helper()
	p, err := native.FreeRTPPorts(2)
	require.NoError(t, err)
	return map[string]int{"video": p[0], "audio": p[1]}
}

// runFFmpeg starts ffmpeg with args and returns a function that waits for
// it to end; ffmpeg is killed when the test ends, and its messages are
// logged when the test failed.
func runFFmpeg(t *testing.T, ctx context.Context, args ...string) (wait func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, "ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-nostdin"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	var err error
	wait = func() error {
		once.Do(func() {
			err = <-done
			if err != nil {
				err = fmt.Errorf("ffmpeg: %w: %s", err, stderr.String())
			}
		})
		return err
	}
	t.Cleanup(func() {
		cancel()
		_ = wait()
		if t.Failed() {
			t.Logf("ffmpeg %v: %s", args, stderr.String())
		}
	})
	return wait
}

// checkRecordings checks that Janus wrote each recording of req and that
// it holds media, not only the .mjr header.
func checkRecordings(t *testing.T, req nosip.RecordRequest) {
	t.Helper()
	files := req.Files()
	require.NotEmpty(t, files)
	for _, f := range files {
		st, err := os.Stat(f)
		if assert.NoError(t, err, "recording %s", f) {
			t.Logf("%s: %d bytes", filepath.Base(f), st.Size())
			assert.Greater(t, st.Size(), int64(4096), "%s holds media", f)
		}
	}
}

// nosipSetup attaches a NoSIP handle in the namespace and returns it with
// the server's version and a log of its events.
func nosipSetup(t *testing.T) (context.Context, *core.Session, *nosip.Handle, core.Version, *pluginEventLog) {
	t.Helper()
	_, ctx, c, s := mediaSetup(t, 90*time.Second)
	version, err := c.ServerVersion(ctx)
	require.NoError(t, err)
	h, err := nosip.Attach(ctx, s)
	require.NoError(t, err)
	return ctx, s, h, version, logPluginEvents(h.Events())
}

// hangupNoSIP ends the bridged session with the plugin's hangup and waits
// for Janus to close the PeerConnection.
func hangupNoSIP(t *testing.T, ctx context.Context, h *nosip.Handle, events *pluginEventLog, peer *native.Peer) {
	t.Helper()
	_, err := h.HangupCall(ctx)
	require.NoError(t, err)
	events.await(t, ctx, "hangup", func(ev core.Event) bool { _, ok := ev.(*core.Hangup); return ok })
	require.NoError(t, peer.Close())
}

// TestNoSIPWebRTCToFFmpeg bridges a native WebRTC publisher (VP8 + Opus
// from files) through NoSIP to ffmpeg: Generate turns the peer's offer
// into a plain SDP, the plain answer names the ports ffmpeg listens on
// (and is the SDP ffmpeg reads), Process turns it into Janus's WebRTC
// answer. ffmpeg records 3 s of what Janus relays, and the file decodes.
// On the way: Janus records the user's media, asks the peer for a
// keyframe (Keyframe, 1.3.1) and forwards its video (RTPForward, 1.4.0).
func TestNoSIPWebRTCToFFmpeg(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	ctx, s, h, version, events := nosipSetup(t)
	src, err := native.FileSource(native.FileOptions{Loop: true},
		"../testdata/media/vp8-320x240-30fps-3s.ivf", "../testdata/media/opus-440hz-3s.ogg")
	require.NoError(t, err)
	peer := namespacePeer(t)
	for _, tr := range src.Tracks() {
		_, err := peer.AddTrack(tr)
		require.NoError(t, err)
	}
	connected := waitConnected(peer)

	// The WebRTC offer becomes a plain one, with Janus's ports.
	gen, err := h.OfferPeer(ctx, nosip.GenerateRequest{}, peer, func(err error) { t.Logf("trickle: %v", err) })
	require.NoError(t, err)
	assert.Equal(t, nosip.Offer, gen.Type)
	t.Logf("plain offer:\n%s", gen.SDP)
	offered := parsePlainSDP(t, gen.SDP)
	require.Len(t, offered, 2, "audio and video")
	for _, m := range offered {
		assert.NotZero(t, m.Port, "Janus bound a port for %s", m.Kind)
	}

	// ffmpeg listens on the ports of the plain answer, which is also its
	// input SDP: it records 3 s of what arrives, copied as it is.
	dir := t.TempDir()
	listen := rtpPorts(t)
	answer := plainSDP(t, offered, listen, "recvonly")
	sdpFile := filepath.Join(dir, "call.sdp")
	require.NoError(t, os.WriteFile(sdpFile, []byte(answer), 0o644))
	out := filepath.Join(dir, "call.mkv")
	ffmpegDone := runFFmpeg(t, ctx, "-protocol_whitelist", "file,udp,rtp", "-i", sdpFile, "-map", "0", "-c", "copy", "-t", "3", out)
	// Janus gives up on a session whose RTP is refused, so ffmpeg must
	// listen before the answer goes to Janus.
	require.NoError(t, native.WaitUDPListeners(ctx, listen["video"], listen["audio"]), "ffmpeg did not bind its ports")

	proc, err := h.AnsweredPeer(ctx, nosip.ProcessRequest{SDP: answer}, peer)
	require.NoError(t, err)
	assert.Equal(t, nosip.Answer, proc.JSEP.Type)
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("PeerConnection did not connect")
	}
	events.await(t, ctx, "webrtcup", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })
	srcCtx, stopSource := context.WithCancel(ctx)
	srcDone := make(chan error, 1)
	go func() { srcDone <- src.Run(srcCtx) }()
	defer func() {
		stopSource()
		<-srcDone
	}()

	// Janus asks the WebRTC user for a keyframe on request (1.3.1).
	videoRequests := func() uint64 {
		for _, st := range src.Stats() {
			if st.Kind == "video" {
				return st.KeyframeRequests
			}
		}
		return 0
	}
	before := videoRequests()
	kf, err := h.Keyframe(ctx, nosip.KeyframeRequest{User: true})
	if version >= core.V(1, 3, 1) {
		require.NoError(t, err)
		assert.NotNil(t, kf)
		require.Eventually(t, func() bool { return videoRequests() > before }, 10*time.Second, 10*time.Millisecond,
			"the source got no keyframe request")
		t.Logf("keyframe requests: %d before Keyframe, %d after", before, videoRequests())
	} else {
		require.ErrorIs(t, err, core.ErrUnsupported)
	}

	// Janus records the user's audio and video.
	rec := nosip.RecordRequest{Audio: true, Video: true, Filename: filepath.Join(dir, "call")}
	_, err = h.StartRecording(ctx, rec)
	require.NoError(t, err)

	forwardVideo(t, ctx, h, version)

	// ffmpeg stops after 3 s of media.
	require.NoError(t, ffmpegDone())
	_, err = h.StopRecording(ctx, rec)
	require.NoError(t, err)
	checkRecordings(t, rec)

	videoFrames := mediabench.DecodedFrames(t, out, "v:0")
	audioFrames := mediabench.DecodedFrames(t, out, "a:0")
	t.Logf("ffmpeg recorded %d video frames and %d audio frames; sent %+v", videoFrames, audioFrames, src.Stats())
	// 3 s: 90 video frames and 150 Opus frames, less what ffmpeg needs
	// to start (the frames before the first keyframe do not decode).
	assert.GreaterOrEqual(t, videoFrames, 60, "decoded video frames")
	assert.GreaterOrEqual(t, audioFrames, 100, "decoded Opus frames")

	hangupNoSIP(t, ctx, h, events, peer)
	require.NoError(t, s.Destroy(ctx))
}

// forwardVideo forwards the user's video to a UDP socket of the test with
// RTPForward (1.4.0) and counts the packets, rewritten with the payload
// type and SSRC asked for; then stops the forwarder.
func forwardVideo(t *testing.T, ctx context.Context, h *nosip.Handle, version core.Version) {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer conn.Close()
	stream := nosip.ForwardStream{Type: nosip.ForwardVideo, Host: "127.0.0.1", Port: conn.LocalAddr().(*net.UDPAddr).Port, PT: 100, SSRC: 4242}
	fw, err := h.RTPForward(ctx, nosip.RTPForwardRequest{Streams: []nosip.ForwardStream{stream}})
	if version < core.V(1, 4, 0) {
		require.ErrorIs(t, err, core.ErrUnsupported)
		return
	}
	require.NoError(t, err)
	require.Len(t, fw.Forwarders, 1)
	assert.Equal(t, "video", fw.Forwarders[0].Media)
	list, err := h.ListForwarders(ctx)
	require.NoError(t, err)
	assert.Equal(t, fw.Forwarders, list)

	var got, wrong atomic.Int64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 1600)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			var p rtp.Packet
			if p.Unmarshal(buf[:n]) == nil && p.PayloadType == 100 && p.SSRC == 4242 {
				got.Add(1)
			} else {
				wrong.Add(1)
			}
		}
	}()
	require.Eventually(t, func() bool { return got.Load() >= 30 }, 10*time.Second, 10*time.Millisecond,
		"forwarded video packets: %d", got.Load())
	require.NoError(t, h.StopRTPForward(ctx, fw.Forwarders[0].StreamID))
	conn.Close()
	<-readDone
	assert.Zero(t, wrong.Load(), "packets not rewritten as asked")
	t.Logf("forwarded %d video packets", got.Load())
	list, err = h.ListForwarders(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestNoSIPFFmpegToWebRTC has ffmpeg send VP8 and Opus (the clips of
// testdata/media, copied as they are) to the ports of Janus's plain SDP,
// from the ports its own plain SDP names (Janus only takes RTP from
// there); a native peer records what Janus relays over WebRTC, and the
// recordings decode. Once the WebRTC side offers (OfferPeer with receive
// only transceivers, then AnsweredPeer with ffmpeg's answer), once
// ffmpeg does (AnswerPeer answers Janus's WebRTC offer and generates the
// plain answer). Janus records the peer's media too.
func TestNoSIPFFmpegToWebRTC(t *testing.T) {
	requireTool(t, "ffmpeg")
	requireTool(t, "ffprobe")
	if !netns.Run(t) {
		return
	}
	t.Run("WebRTC offers", func(t *testing.T) { ffmpegToWebRTC(t, false) })
	t.Run("ffmpeg offers", func(t *testing.T) { ffmpegToWebRTC(t, true) })
}

// ffmpegToWebRTC is one case of TestNoSIPFFmpegToWebRTC.
func ffmpegToWebRTC(t *testing.T, plainOffers bool) {
	ctx, s, h, _, events := nosipSetup(t)
	dir := t.TempDir()
	peer := namespacePeer(t)
	pc := peer.PeerConnection()
	recs := recordIncoming(t, peer, dir)
	connected := waitConnected(peer)
	trickleErr := func(err error) { t.Logf("trickle: %v", err) }

	// ffmpeg sends from these ports, and Janus to them.
	from := rtpPorts(t)
	to := map[string]int{}
	if plainOffers {
		offer := plainSDP(t, []native.PlainMedia{
			{Kind: "video", PayloadTypes: map[string]string{"vp8/90000": "96"}},
			{Kind: "audio", PayloadTypes: map[string]string{"opus/48000/2": "111"}},
		}, from, "sendonly")
		gen, err := h.AnswerPeer(ctx, nosip.ProcessRequest{SDP: offer}, nosip.GenerateRequest{}, peer, trickleErr)
		require.NoError(t, err)
		assert.Equal(t, nosip.Answer, gen.Type)
		t.Logf("plain answer:\n%s", gen.SDP)
		for _, m := range parsePlainSDP(t, gen.SDP) {
			to[m.Kind] = m.Port
		}
	} else {
		for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
			_, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
			require.NoError(t, err)
		}
		gen, err := h.OfferPeer(ctx, nosip.GenerateRequest{}, peer, trickleErr)
		require.NoError(t, err)
		assert.Equal(t, nosip.Offer, gen.Type)
		offered := parsePlainSDP(t, gen.SDP)
		for _, m := range offered {
			to[m.Kind] = m.Port
		}
		proc, err := h.AnsweredPeer(ctx, nosip.ProcessRequest{SDP: plainSDP(t, offered, from, "sendonly")}, peer)
		require.NoError(t, err)
		assert.Equal(t, nosip.Answer, proc.JSEP.Type)
	}
	require.NotZero(t, to["video"], "Janus's video port")
	require.NotZero(t, to["audio"], "Janus's audio port")
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatal("PeerConnection did not connect")
	}
	events.await(t, ctx, "webrtcup", func(ev core.Event) bool { _, ok := ev.(*core.WebRTCUp); return ok })

	rec := nosip.RecordRequest{PeerAudio: true, PeerVideo: true, Filename: filepath.Join(dir, "call")}
	_, err := h.StartRecording(ctx, rec)
	require.NoError(t, err)

	// ffmpeg sends the 3 s clips in real time.
	output := func(kind, pt string) []string {
		return []string{"-map", map[string]string{"video": "0:v", "audio": "1:a"}[kind], "-c", "copy", "-payload_type", pt, "-f", "rtp",
			fmt.Sprintf("rtp://127.0.0.1:%d?localrtpport=%d&localrtcpport=%d&pkt_size=1200", to[kind], from[kind], from[kind]+1)}
	}
	args := []string{"-re", "-i", "../testdata/media/vp8-320x240-30fps-3s.ivf", "-re", "-i", "../testdata/media/opus-440hz-3s.ogg"}
	args = append(args, output("video", "96")...)
	args = append(args, output("audio", "111")...)
	require.NoError(t, runFFmpeg(t, ctx, args...)())
	// 90 video frames and 150 Opus frames were sent: wait until they are
	// in, the packets on their way included.
	waitCounts(t, ctx, "recorded frames", map[string]uint64{"video": 90, "audio": 150}, func() map[string]uint64 {
		return kindCounts(recs.stats(), frames)
	})

	_, err = h.StopRecording(ctx, rec)
	require.NoError(t, err)
	if plainOffers {
		// The plugin learns the codecs it records from a plain answer:
		// after a plain offer it opens no recorder (1.1.2 and 1.4.1 alike;
		// see Handle.Recording).
		for _, f := range rec.Files() {
			assert.NoFileExists(t, f)
		}
	} else {
		checkRecordings(t, rec)
	}

	hangupNoSIP(t, ctx, h, events, peer)
	recs.wait(t, ctx, "audio.ogg", "video.ivf")
	video := ffprobeFrames(t, filepath.Join(dir, "video.ivf"))
	audio := ffprobeFrames(t, filepath.Join(dir, "audio.ogg"))
	t.Logf("decoded %d video frames and %d audio frames", video, audio)
	assert.GreaterOrEqual(t, video, 90*9/10, "decoded video frames of 90 sent")
	assert.GreaterOrEqual(t, audio, 150*9/10, "decoded Opus frames of 150 sent")
	require.NoError(t, s.Destroy(ctx))
}

// incomingRecordings records every track a peer receives into a folder:
// audio.ogg, video.ivf.
type incomingRecordings struct {
	mu   sync.Mutex
	recs map[string]*native.TrackRecorder
}

// recordIncoming records the tracks peer receives from now on into dir.
func recordIncoming(t *testing.T, peer *native.Peer, dir string) *incomingRecordings {
	t.Helper()
	in := &incomingRecordings{recs: map[string]*native.TrackRecorder{}}
	pc := peer.PeerConnection()
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		name := "audio.ogg"
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			name = "video.ivf"
		}
		r, err := native.RecordTrack(pc, tr, filepath.Join(dir, name), 0)
		if assert.NoError(t, err) {
			in.mu.Lock()
			in.recs[name] = r
			in.mu.Unlock()
		}
	})
	return in
}

// stats returns what each recorder received so far.
func (in *incomingRecordings) stats() []native.TrackStats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return statsOf(maps.Values(in.recs))
}

// wait checks that the files were recorded and waits until each
// recording has ended (its track ended: close the peer first).
func (in *incomingRecordings) wait(t *testing.T, ctx context.Context, files ...string) {
	t.Helper()
	in.mu.Lock()
	defer in.mu.Unlock()
	require.ElementsMatch(t, files, slices.Collect(maps.Keys(in.recs)), "recorded tracks")
	for name, r := range in.recs {
		require.NoError(t, r.Wait(ctx))
		t.Logf("%s: received %+v", name, r.Stats())
	}
}
