package videoroom

import (
	"encoding/json"

	"github.com/gojanus/gojanus/core"
)

// Media types of a stream ("type" in the plugin's stream lists).
const (
	MediaAudio = "audio"
	MediaVideo = "video"
	MediaData  = "data"
)

// PublisherInfo describes an active publisher, as listed in Joined and
// announced by Publishers events.
type PublisherInfo struct {
	ID      core.ID `json:"id"`
	Display string  `json:"display,omitempty"`
	// Metadata is the JSON object the publisher gave on join or
	// configure (JoinRequest.Metadata), if any (Janus 1.3.0).
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// Dummy is set for the room's placeholder publisher (dummy_publisher).
	Dummy bool `json:"dummy,omitempty"`
	// Talking is the publisher's overall talking state, when the room
	// detects audio levels (deprecated by the plugin in favour of the
	// per-stream Talking).
	Talking *bool `json:"talking,omitempty"`
	// AudioCodec and VideoCodec are the codecs of the first audio and
	// video streams (kept by the plugin for backwards compatibility).
	AudioCodec core.Codec `json:"audio_codec,omitempty"`
	VideoCodec core.Codec `json:"video_codec,omitempty"`
	// Streams are the published streams, in m-line order.
	Streams []PublishedStream `json:"streams,omitempty"`
}

// PublishedStream is one stream of a publisher.
type PublishedStream struct {
	// Type is MediaAudio, MediaVideo or MediaData.
	Type   string `json:"type"`
	Mindex int    `json:"mindex"`
	Mid    string `json:"mid"`
	// Disabled streams are inactive; the fields below are then empty.
	Disabled    bool       `json:"disabled,omitempty"`
	Codec       core.Codec `json:"codec,omitempty"`
	Description string     `json:"description,omitempty"`
	// Moderated is set when a moderator muted the stream (Moderate).
	Moderated bool `json:"moderated,omitempty"`
	// Simulcast (VP8, H.264) and SVC (VP9) tell how the video is layered.
	Simulcast bool `json:"simulcast,omitempty"`
	SVC       bool `json:"svc,omitempty"`
	// H264Profile and VP9Profile are the negotiated video profiles.
	H264Profile string `json:"h264_profile,omitempty"`
	VP9Profile  string `json:"vp9_profile,omitempty"`
	// FEC, DTX and Stereo are the negotiated Opus features.
	FEC    bool `json:"fec,omitempty"`
	DTX    bool `json:"dtx,omitempty"`
	Stereo bool `json:"stereo,omitempty"`
	// Talking is the stream's talking state, for audio streams of rooms
	// that detect audio levels; nil when not reported.
	Talking *bool `json:"talking,omitempty"`
	// AudioLevelExtID, VideoOrientExtID and PlayoutDelayExtID are the ids
	// of the RTP extensions the stream negotiated, in the publisher's own
	// answers (Configured, Joined of JoinAndConfigure; Janus 1.3.2): what
	// a RemoteStream of the same publisher needs (RemoteStreams).
	AudioLevelExtID   int `json:"audiolevel_ext_id,omitempty"`
	VideoOrientExtID  int `json:"videoorient_ext_id,omitempty"`
	PlayoutDelayExtID int `json:"playoutdelay_ext_id,omitempty"`
}

// Attendee is a participant that joined without publishing, listed in
// Joined when the room has notify_joining.
type Attendee struct {
	ID      core.ID `json:"id"`
	Display string  `json:"display,omitempty"`
	// Metadata is the attendee's JSON object (JoinRequest.Metadata), if
	// any: in Joining events since Janus 1.3.0, in Joined since 1.3.3.
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// SubscriberStream is one m-line of a subscription, as listed by the
// Attached, Updated and Switched events.
type SubscriberStream struct {
	// Type is MediaAudio, MediaVideo or MediaData.
	Type string `json:"type"`
	// Active is false for an m-line that lost its source (the publisher
	// left) and stays as a placeholder.
	Active     bool   `json:"active"`
	Mindex     int    `json:"mindex"`
	Mid        string `json:"mid"`
	CrossRefID string `json:"crossrefid,omitempty"`
	// Ready is set once the client's answer accepted the m-line.
	Ready bool `json:"ready"`
	// Send tells whether the plugin relays media on the m-line.
	Send bool `json:"send"`
	// Feed, FeedDisplay, FeedMid and FeedDescription describe the
	// publisher stream feeding the m-line (audio and video).
	Feed            core.ID `json:"feed_id,omitzero"`
	FeedDisplay     string  `json:"feed_display,omitempty"`
	FeedMid         string  `json:"feed_mid,omitempty"`
	FeedDescription string  `json:"feed_description,omitempty"`
	// FeedMetadata is the publisher's JSON object (JoinRequest.Metadata),
	// if any, as it was when the subscription last changed (Janus 1.4.1).
	FeedMetadata json.RawMessage `json:"feed_metadata,omitempty"`
	Codec        core.Codec      `json:"codec,omitempty"`
	H264Profile  string          `json:"h264-profile,omitempty"`
	VP9Profile   string          `json:"vp9-profile,omitempty"`
	// PlayoutDelay is the playout-delay extension's setting, if any.
	PlayoutDelay *PlayoutDelay `json:"playout-delay,omitempty"`
	// Simulcast and SVC are the layer state of a layered video source.
	Simulcast *SimulcastState `json:"simulcast,omitempty"`
	SVC       *SVCState       `json:"svc,omitempty"`
	// Sources and SourceIDs list the publishers feeding a data m-line
	// (one data channel carries the data of every subscribed publisher).
	Sources   int       `json:"sources,omitempty"`
	SourceIDs []core.ID `json:"source_ids,omitempty"`
}

// PlayoutDelay is the playout-delay RTP extension's range, in blocks of
// 10 ms.
type PlayoutDelay struct {
	MinDelay int `json:"min-delay"`
	MaxDelay int `json:"max-delay"`
}

// SimulcastState is the simulcast layer relayed to a subscriber, and the
// one it asked for.
type SimulcastState struct {
	Substream           int `json:"substream"`
	SubstreamTarget     int `json:"substream-target"`
	TemporalLayer       int `json:"temporal-layer"`
	TemporalLayerTarget int `json:"temporal-layer-target"`
	// Fallback is the time without packets, in microseconds, after which
	// the plugin drops to a lower substream.
	Fallback int `json:"fallback,omitempty"`
}

// SVCState is the VP9-SVC layer relayed to a subscriber, and the one it
// asked for.
type SVCState struct {
	SpatialLayer        int `json:"spatial-layer"`
	TargetSpatialLayer  int `json:"target-spatial-layer"`
	TemporalLayer       int `json:"temporal-layer"`
	TargetTemporalLayer int `json:"target-temporal-layer"`
}

// StreamDescription gives a published stream a text description (for
// example "camera" or "screen"), shown to the other participants.
type StreamDescription struct {
	Mid         string `json:"mid"`
	Description string `json:"description"`
}

// Forwarder is one RTP forwarder of a publisher stream.
type Forwarder struct {
	// StreamID identifies the forwarder for StopRTPForward.
	StreamID uint64 `json:"stream_id"`
	// Type is MediaAudio, MediaVideo or MediaData.
	Type           string `json:"type"`
	Host           string `json:"host"`
	Port           int    `json:"port"`
	LocalRTCPPort  int    `json:"local_rtcp_port,omitempty"`
	RemoteRTCPPort int    `json:"remote_rtcp_port,omitempty"`
	SSRC           uint32 `json:"ssrc,omitempty"`
	PT             int    `json:"pt,omitempty"`
	// Substream is the simulcast substream a video forwarder relays.
	Substream int `json:"substream,omitempty"`
	// SRTP is set when the forwarder encrypts its packets.
	SRTP bool `json:"srtp,omitempty"`
}
