package nosip

import (
	"context"

	"github.com/gojanus/gojanus/core/internal/plugin"
)

// RecordingAction starts or stops recordings.
type RecordingAction string

// The recording actions.
const (
	RecordingStart RecordingAction = "start"
	RecordingStop  RecordingAction = "stop"
)

// RecordingRequest starts or stops recording the media of the session
// ("recording"). At least one of Audio, Video, PeerAudio and PeerVideo
// must be true (else ErrRecording).
type RecordingRequest struct {
	Action RecordingAction `json:"action"`
	// Audio and Video are the WebRTC user's media; PeerAudio and
	// PeerVideo the plain peer's. Each is recorded to its own .mjr file.
	Audio     bool `json:"audio,omitempty"`
	Video     bool `json:"video,omitempty"`
	PeerAudio bool `json:"peer_audio,omitempty"`
	PeerVideo bool `json:"peer_video,omitempty"`
	// Filename is the base path of the recordings, on the server (Files
	// lists the names Janus makes of it); empty, Janus picks names of its
	// own in its working folder. Only start uses it.
	Filename string `json:"filename,omitempty"`
}

// Files returns the paths of the recordings a start with r makes on the
// server: Filename followed by "-user-audio.mjr", "-user-video.mjr",
// "-peer-audio.mjr" and "-peer-video.mjr" for the media asked for (none
// without a Filename).
func (r RecordingRequest) Files() []string {
	if r.Filename == "" {
		return nil
	}
	var out []string
	for _, f := range []struct {
		on     bool
		suffix string
	}{{r.Audio, "-user-audio"}, {r.Video, "-user-video"}, {r.PeerAudio, "-peer-audio"}, {r.PeerVideo, "-peer-video"}} {
		if f.on {
			out = append(out, r.Filename+f.suffix+".mjr")
		}
	}
	return out
}

// Recording starts or stops recordings ("recording"). A start only
// records media already negotiated (Generate and Process done); a stop
// succeeds even when nothing was recorded. A recorder Janus cannot open
// is not reported, only logged by Janus: check the files. That includes
// every recording of a session the plain peer offered (Process of an
// offer, AnswerPeer): the plugin learns the codecs it records from a
// plain answer only, and opens no recorder without them (Janus 1.1.2 and
// 1.4.1 alike).
func (h *Handle) Recording(ctx context.Context, req RecordingRequest) (*RecordingUpdated, error) {
	return plugin.Expect[*RecordingUpdated](ctx, api, plugin.OverHandle(h.Handle), "recording", req, h.decode)
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
