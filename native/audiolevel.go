package native

import (
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// AudioLevelURI is the RTP header extension that carries the level of
// the audio in every packet (RFC 6464, "ssrc-audio-level"). Janus reads it
// to tell who is talking (AudioBridge talking events, VideoRoom
// audio level events).
const AudioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

// RegisterAudioLevel registers the audio level header extension for audio
// on me, so that a Peer created with it (PeerConfig.MediaEngine)
// negotiates the extension. pion's default codecs do not include it.
// Register the codecs on me first (for example RegisterDefaultCodecs).
func RegisterAudioLevel(me *webrtc.MediaEngine) error {
	return me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: AudioLevelURI}, webrtc.RTPCodecTypeAudio)
}

// WithAudioLevel wraps a local audio track so that every RTP packet it
// sends carries the audio level extension, when the PeerConnection
// negotiated it (see RegisterAudioLevel). level is called for each
// packet and returns the level of its audio in -dBov: 0 is the loudest,
// 127 silence (larger values are sent as 127); the voice activity flag is
// set below 127. A nil level sends 127. Send the real level: Janus's
// AudioBridge leaves packets marked 127 out of the mix as silence.
func WithAudioLevel(track webrtc.TrackLocal, level func() uint8) webrtc.TrackLocal {
	return &audioLevelTrack{TrackLocal: track, level: level}
}

// audioLevelTrack is a TrackLocal whose bindings write through a
// levelWriter.
type audioLevelTrack struct {
	webrtc.TrackLocal
	level func() uint8
}

// Bind binds the wrapped track to a context whose write stream adds the
// extension, or to ctx unchanged when the extension was not negotiated.
// Unbind needs no wrapping: tracks find their bindings by the context's
// ID.
func (t *audioLevelTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, ext := range ctx.HeaderExtensions() {
		if ext.URI == AudioLevelURI && ext.ID > 0 && ext.ID < 15 {
			w := &levelWriter{next: ctx.WriteStream(), id: uint8(ext.ID), level: t.level}
			return t.TrackLocal.Bind(levelContext{TrackLocalContext: ctx, w: w})
		}
	}
	return t.TrackLocal.Bind(ctx)
}

// levelContext is a TrackLocalContext with another write stream.
type levelContext struct {
	webrtc.TrackLocalContext
	w webrtc.TrackLocalWriter
}

func (c levelContext) WriteStream() webrtc.TrackLocalWriter { return c.w }

// levelWriter adds the audio level extension to the packets it passes
// on.
type levelWriter struct {
	next  webrtc.TrackLocalWriter
	id    uint8
	level func() uint8
}

func (w *levelWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	lvl := uint8(127)
	if w.level != nil {
		lvl = min(w.level(), 127)
	}
	ext, err := rtp.AudioLevelExtension{Level: lvl, Voice: lvl < 127}.Marshal()
	if err != nil {
		return 0, err
	}
	hdr := h.Clone()
	if err := hdr.SetExtension(w.id, ext); err != nil {
		return 0, err
	}
	return w.next.WriteRTP(&hdr, payload)
}

func (w *levelWriter) Write(b []byte) (int, error) {
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		return 0, err
	}
	if _, err := w.WriteRTP(&p.Header, p.Payload); err != nil {
		return 0, err
	}
	return len(b), nil
}
