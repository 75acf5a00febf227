package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/nosip"
	"github.com/gojanus/gojanus/native"
)

func (a *app) noSIPCommand() *cobra.Command {
	var (
		src, sdpOut    string
		duration, wait time.Duration
		media          mediaFlags
	)
	cmd := &cobra.Command{
		Use:   "nosip --sdp-out FILE",
		Short: "Send media through the NoSIP plugin as plain RTP to a receiver on this machine",
		Long: `Send media through the NoSIP plugin, which bridges WebRTC to plain RTP: the
--source goes to Janus over WebRTC, and Janus sends it on as plain RTP to
ports of 127.0.0.1. The command writes the plain SDP of those ports to
--sdp-out, for a receiver to read, for example
  ffplay -protocol_whitelist file,udp,rtp -i FILE
(or ffmpeg, VLC, GStreamer's sdpdemux), waits up to --wait for it to listen
there, then sends for --duration and hangs up.`,
		Args: noArgs,
		RunE: a.action(func(ctx context.Context, _ []string) error {
			if sdpOut == "" {
				return usagef("--sdp-out is required: the file the receiver reads")
			}
			if dir := filepath.Dir(sdpOut); !isDir(dir) {
				return usagef("--sdp-out %q: the directory %s does not exist", sdpOut, dir)
			}
			if isDir(sdpOut) {
				return usagef("--sdp-out %q is a directory: give the file to write, such as %s", sdpOut, filepath.Join(sdpOut, "call.sdp"))
			}
			setup, cancel := a.bounded(ctx)
			defer cancel()
			source, s, peer, end, err := a.sendingSession(ctx, setup, &media, src)
			if err != nil {
				return err
			}
			defer end()
			h, err := nosip.Attach(setup, s)
			if err != nil {
				return err
			}
			gen, err := h.OfferPeer(setup, nosip.GenerateRequest{}, peer, nil)
			if err != nil {
				return err
			}
			answer, ports, err := plainAnswer(gen.SDP, source.Stats())
			if err != nil {
				return err
			}
			if err := writeWhole(sdpOut, []byte(answer)); err != nil {
				return &cliError{kind: kindFailure, err: fmt.Errorf("--sdp-out: %w", err)}
			}
			out := a.out()
			out.step("connect", "%s, session %d, NoSIP handle %d", core.RedactURL(a.g.server), s.ID(), h.ID())
			out.step("sdp", "wrote %s (RTP to 127.0.0.1 %s); waiting for a receiver: ffplay -protocol_whitelist file,udp,rtp -i %s",
				sdpOut, describePorts(ports), sdpOut)
			waitCtx, stopWait := context.WithTimeout(ctx, wait)
			err = native.WaitUDPListeners(waitCtx, portList(ports)...)
			stopWait()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return &cliError{kind: kindFailure, err: fmt.Errorf("nosip: no receiver within --wait %s: %w", wait, err),
					hint: "start a receiver of " + sdpOut + " (ffplay -protocol_whitelist file,udp,rtp -i " + sdpOut + ") while the command waits"}
			}
			// The answer goes to Janus only now: it would give up on RTP
			// that nobody receives.
			setup, cancel = a.bounded(ctx)
			defer cancel()
			if _, err := h.AnsweredPeer(setup, nosip.ProcessRequest{SDP: answer}, peer); err != nil {
				return err
			}
			if err := waitUp(setup, "nosip", peer, h.Events(), nil); err != nil {
				return err
			}
			out.step("webrtc", "connected; sending %s for %s", src, duration)
			ran, err := sendFor(ctx, out.watching(peer, h.Events()), source, duration, source.Stats)
			if err != nil {
				return err
			}
			cctx, ccancel := cleanupContext(ctx)
			_, err = h.HangupCall(cctx)
			ccancel()
			if err != nil {
				return err
			}
			sum := NoSIPOutput{Server: core.RedactURL(a.g.server), Source: src, DurationMS: ran.Milliseconds(),
				SDPFile: sdpOut, Ports: ports, Sent: tracksOf(source.Stats())}
			return out.result(sum, func() {
				for _, sent := range sum.Sent {
					out.step(sent.Kind, "%s: sent %d frames (%d bytes) to 127.0.0.1:%d as plain RTP", sent.Codec, sent.Frames, sent.Bytes, ports[sent.Kind])
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&src, "source", "test", sourceHelp)
	f.StringVar(&sdpOut, "sdp-out", "", "`file` to write the plain SDP to, for the receiver")
	durationFlag(f, &duration, "duration", 5*time.Second, "how long to send media")
	durationFlag(f, &wait, "wait", time.Minute, "how long to wait for a receiver to listen on the SDP's ports")
	media.register(f, a)
	return cmd
}

// plainAnswer answers Janus's plain offer with RTP to free ports of
// 127.0.0.1, one per kind of the source's tracks, in the source's codecs;
// it returns the SDP and the ports by kind.
func plainAnswer(offer string, sent []native.TrackStats) (string, map[string]int, error) {
	media, err := native.ParsePlainSDP(offer)
	if err != nil {
		return "", nil, err
	}
	free, err := native.FreeRTPPorts(len(sent))
	if err != nil {
		return "", nil, err
	}
	ports, codecs := map[string]int{}, map[string]string{}
	for i, st := range sent {
		ports[st.Kind], codecs[st.Kind] = free[i], rtpmapOf(st.Codec)
	}
	return native.PlainSDP(media, ports, codecs, "recvonly"), ports, nil
}

// rtpmapOf returns the rtpmap codec of a MIME type: "VP8/90000",
// "opus/48000/2".
func rtpmapOf(mime string) string {
	kind, name, _ := strings.Cut(mime, "/")
	if kind == "audio" {
		if strings.EqualFold(name, "opus") {
			return name + "/48000/2"
		}
		return name + "/8000"
	}
	return name + "/90000"
}

// portList returns the ports of a by-kind map.
func portList(ports map[string]int) []int {
	var out []int
	for _, p := range ports {
		out = append(out, p)
	}
	return out
}

// describePorts lists the ports by kind: "video 40000, audio 40002".
func describePorts(ports map[string]int) string {
	var parts []string
	for _, kind := range []string{"video", "audio"} {
		if p, ok := ports[kind]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", kind, p))
		}
	}
	return strings.Join(parts, ", ")
}

// writeWhole writes a file that appears whole: a receiver that starts
// when the file appears (a script, ffmpeg) never reads it half written.
func writeWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
