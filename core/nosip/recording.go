package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core/internal/plugin"
)

// RecordRequest says what StartRecording and StopRecording record: the
// WebRTC user's media (Audio, Video) and the plain peer's (PeerAudio,
// PeerVideo), each to its own .mjr file. At least one must be true (else
// ErrRecording). It is the SIP plugin's sip.RecordRequest, without the
// SIP peer's keyframe request.
type RecordRequest struct {
	Audio     bool `json:"audio,omitempty"`
	Video     bool `json:"video,omitempty"`
	PeerAudio bool `json:"peer_audio,omitempty"`
	PeerVideo bool `json:"peer_video,omitempty"`
	// Filename is the base path of the recordings, on the server (Files
	// lists the names Janus makes of it); empty, Janus picks names of its
	// own in its working folder. Only a start uses it.
	Filename string `json:"filename,omitempty"`
}

// Files returns the paths of the recordings a start with r makes on the
// server: Filename followed by "-user-audio.mjr", "-user-video.mjr",
// "-peer-audio.mjr" and "-peer-video.mjr" for the media asked for (none
// without a Filename).
func (r RecordRequest) Files() []string {
	return plugin.RecordingFiles(r.Filename, r.Audio, r.Video, r.PeerAudio, r.PeerVideo)
}

// StartRecording starts recording the session's media to .mjr files on
// the server ("recording", action start). A start only records media
// already negotiated (Generate and Process done). A recorder Janus cannot
// open is not reported, only logged by Janus: check the files. That
// includes every recording of a session the plain peer offered (Process
// of an offer, AnswerPeer): the plugin learns the codecs it records from a
// plain answer only, and opens no recorder without them (Janus 1.1.2 and
// 1.4.1 alike).
func (h *Handle) StartRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "start", req)
}

// StopRecording stops the recordings req names ("recording", action
// stop). It succeeds even when nothing was recorded. The NoSIP plugin
// cannot pause a recording (the SIP plugin can).
func (h *Handle) StopRecording(ctx context.Context, req RecordRequest) (*RecordingUpdated, error) {
	return h.record(ctx, "stop", req)
}

func (h *Handle) record(ctx context.Context, action string, req RecordRequest) (*RecordingUpdated, error) {
	body := struct {
		Action string `json:"action"`
		RecordRequest
	}{action, req}
	return plugin.Expect[*RecordingUpdated](ctx, api, plugin.OverHandle(h.Handle), "recording", body, h.decode)
}

// KeyframeRequest says whom Janus asks for a keyframe (an RTCP PLI).
type KeyframeRequest struct {
	// User is the WebRTC user; Peer the plain peer, asked only when its
	// SDP offered PLI feedback (a=rtcp-fb ... pli).
	User bool `json:"user,omitempty"`
	Peer bool `json:"peer,omitempty"`
}

// Keyframe makes Janus ask the WebRTC user, the plain peer or both for a
// video keyframe ("keyframe"), for plain peers that ask for keyframes by
// other means than RTCP. It came with Janus 1.3.1: on older servers it
// fails, before sending, with an error matching core.ErrUnsupported.
func (h *Handle) Keyframe(ctx context.Context, req KeyframeRequest) (*KeyframeSent, error) {
	s := plugin.OverHandle(h.Handle)
	if err := api.Require(ctx, s, "keyframe", keyframeSince); err != nil {
		return nil, err
	}
	return plugin.Expect[*KeyframeSent](ctx, api, s, "keyframe", req, h.decode)
}
