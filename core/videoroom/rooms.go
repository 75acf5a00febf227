package videoroom

import (
	"context"
	"encoding/json"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// CreateRequest is the settings of a new room (the "create" request).
// Only Room, Description and the access settings are usually needed;
// every zero field keeps the plugin's default, and *bool fields are for
// settings whose default is true.
type CreateRequest struct {
	// Room is the new room's id; zero lets the plugin pick one (a number,
	// or a UUID string with string_ids).
	Room core.ID `json:"room,omitzero"`
	// Permanent also saves the room in the plugin's configuration file.
	Permanent bool `json:"permanent,omitempty"`
	// AdminKey is required when the plugin is configured with admin_key.
	AdminKey    string `json:"admin_key,omitempty"`
	Description string `json:"description,omitempty"`
	// IsPrivate hides the room from List (unless the admin key is given).
	IsPrivate bool `json:"is_private,omitempty"`
	// Secret protects edits, destruction and moderation; Pin protects
	// joining.
	Secret string `json:"secret,omitempty"`
	Pin    string `json:"pin,omitempty"`
	// Allowed, when not empty, turns on the room's token ACL: joining then
	// needs one of these tokens (see Handle.Allowed).
	Allowed []string `json:"allowed,omitempty"`
	// RequirePvtID makes subscriptions give a valid private_id.
	RequirePvtID bool `json:"require_pvtid,omitempty"`
	// SignedTokens requires signed tokens to join (core signed-token mode).
	SignedTokens bool `json:"signed_tokens,omitempty"`
	// Publishers is the maximum number of concurrent publishers
	// (plugin default 3).
	Publishers int `json:"publishers,omitempty"`
	// Bitrate is the video bitrate cap of publishers, in bit/s (at least
	// 64000; 0 for none); BitrateCap makes it a hard limit publishers
	// cannot raise.
	Bitrate    int  `json:"bitrate,omitempty"`
	BitrateCap bool `json:"bitrate_cap,omitempty"`
	// FIRFreq is how often, in seconds, publishers are asked for a
	// keyframe (0 never).
	FIRFreq int `json:"fir_freq,omitempty"`
	// AudioCodec and VideoCodec are the codecs publishers may use, in
	// order of preference (defaults opus and vp8).
	AudioCodec core.Codecs `json:"audiocodec,omitempty"`
	VideoCodec core.Codecs `json:"videocodec,omitempty"`
	// VP9Profile and H264Profile are the preferred video profiles.
	VP9Profile  string `json:"vp9_profile,omitempty"`
	H264Profile string `json:"h264_profile,omitempty"`
	// OpusFEC (default true), OpusDTX and VideoSVC (VP9-only rooms)
	// control codec features. Janus 1.1.4 and later ignore VideoSVC:
	// SVC is then whatever a publisher's offer negotiates.
	OpusFEC  *bool `json:"opus_fec,omitempty"`
	OpusDTX  bool  `json:"opus_dtx,omitempty"`
	VideoSVC bool  `json:"video_svc,omitempty"`
	// AudioLevelExt (default true) negotiates the audio-level extension;
	// AudioLevelEvent sends Talking events, tuned by AudioActivePackets
	// (default 100) and AudioLevelAverage (default 25).
	AudioLevelExt      *bool `json:"audiolevel_ext,omitempty"`
	AudioLevelEvent    bool  `json:"audiolevel_event,omitempty"`
	AudioActivePackets int   `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int   `json:"audio_level_average,omitempty"`
	// VideoOrientExt, PlayoutDelayExt and TransportWideCCExt (all default
	// true) negotiate the corresponding RTP extensions.
	VideoOrientExt     *bool `json:"videoorient_ext,omitempty"`
	PlayoutDelayExt    *bool `json:"playoutdelay_ext,omitempty"`
	TransportWideCCExt *bool `json:"transport_wide_cc_ext,omitempty"`
	// Record records every publisher into RecDir; LockRecord lets only
	// holders of the secret change the recording state.
	Record     bool   `json:"record,omitempty"`
	RecDir     string `json:"rec_dir,omitempty"`
	LockRecord bool   `json:"lock_record,omitempty"`
	// NotifyJoining announces every join (Joining events and the
	// Attendees of Joined), not only publishers.
	NotifyJoining bool `json:"notify_joining,omitempty"`
	// RequireE2EE requires end-to-end encrypted media.
	RequireE2EE bool `json:"require_e2ee,omitempty"`
	// DummyPublisher creates a placeholder publisher with one m-line per
	// codec (or per DummyStreams entry), to subscribe to before anybody
	// publishes.
	DummyPublisher bool          `json:"dummy_publisher,omitempty"`
	DummyStreams   []DummyStream `json:"dummy_streams,omitempty"`
	// DummyE2EE advertises the dummy publisher as end-to-end encrypted:
	// the offers of subscriptions to it are marked so (core.JSEP.E2EE),
	// as in RequireE2EE rooms (Janus 1.3.2).
	DummyE2EE bool `json:"dummy_e2ee,omitempty"`
	// Threads is the number of helper threads that relay the room's
	// publishers to their subscribers (0, the default, relays from each
	// publisher's own thread), for rooms with many subscribers (Janus
	// 1.2.3).
	Threads int `json:"threads,omitempty"`
}

// DummyStream is one m-line of a room's dummy publisher.
type DummyStream struct {
	Codec core.Codec `json:"codec"`
	Fmtp  string     `json:"fmtp,omitempty"`
}

// CreateResult is the answer to Create.
type CreateResult struct {
	// Room is the room's id (the one asked for, or the plugin's pick).
	Room core.ID `json:"room"`
	// Permanent tells whether the room was saved to the configuration
	// file.
	Permanent bool `json:"permanent"`
}

// Create creates a room (the "create" request). An id already in use
// fails with ErrRoomExists.
func (h *Handle) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	if err := h.require(ctx, "create", req.Threads != 0, "threads", vThreads); err != nil {
		return nil, err
	}
	if err := h.require(ctx, "create", req.DummyE2EE, "dummy_e2ee", vDummyE2EE); err != nil {
		return nil, err
	}
	var r CreateResult
	if _, err := api.Call(ctx, h.s, "create", req, "created", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// EditRequest changes a room (the "edit" request). Empty and nil fields
// are left unchanged.
type EditRequest struct {
	Room core.ID `json:"room"`
	// Secret is the room's current secret, if it has one.
	Secret          string `json:"secret,omitempty"`
	NewDescription  string `json:"new_description,omitempty"`
	NewSecret       string `json:"new_secret,omitempty"`
	NewPin          string `json:"new_pin,omitempty"`
	NewIsPrivate    *bool  `json:"new_is_private,omitempty"`
	NewRequirePvtID *bool  `json:"new_require_pvtid,omitempty"`
	// NewBitrate, NewFIRFreq and NewPublishers change the publishers'
	// bitrate cap, keyframe period and maximum number.
	NewBitrate    *int  `json:"new_bitrate,omitempty"`
	NewFIRFreq    *int  `json:"new_fir_freq,omitempty"`
	NewPublishers *int  `json:"new_publishers,omitempty"`
	NewLockRecord *bool `json:"new_lock_record,omitempty"`
	// NewRecDir is where the next recordings are saved.
	NewRecDir string `json:"new_rec_dir,omitempty"`
	// Permanent also saves the change in the configuration file.
	Permanent bool `json:"permanent,omitempty"`
}

// EditResult is the answer to Edit.
type EditResult struct {
	Room      core.ID `json:"room"`
	Permanent bool    `json:"permanent"`
}

// Edit changes some settings of a room (the "edit" request).
func (h *Handle) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	var r EditResult
	if _, err := api.Call(ctx, h.s, "edit", req, "edited", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DestroyRequest names the room to destroy (the "destroy" request).
type DestroyRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Permanent also removes the room from the configuration file.
	Permanent bool `json:"permanent,omitempty"`
}

// DestroyResult is the answer to Destroy.
type DestroyResult struct {
	Room      core.ID `json:"room"`
	Permanent bool    `json:"permanent"`
}

// Destroy destroys a room (the "destroy" request). Its participants
// receive a Destroyed event and their PeerConnections are closed.
func (h *Handle) Destroy(ctx context.Context, req DestroyRequest) (*DestroyResult, error) {
	var r DestroyResult
	if _, err := api.Call(ctx, h.s, "destroy", req, "destroyed", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Exists tells whether a room exists (the "exists" request).
func (h *Handle) Exists(ctx context.Context, room core.ID) (bool, error) {
	var r struct {
		Exists bool `json:"exists"`
	}
	if _, err := api.Call(ctx, h.s, "exists", roomOnly{room}, "success", &r); err != nil {
		return false, err
	}
	return r.Exists, nil
}

// roomOnly is the body of the requests that take only a room.
type roomOnly struct {
	Room core.ID `json:"room"`
}

// RoomInfo describes a room, as listed by List.
type RoomInfo struct {
	Room               core.ID     `json:"room"`
	Description        string      `json:"description"`
	PinRequired        bool        `json:"pin_required"`
	IsPrivate          bool        `json:"is_private"`
	MaxPublishers      int         `json:"max_publishers"`
	Bitrate            int         `json:"bitrate"`
	BitrateCap         bool        `json:"bitrate_cap"`
	FIRFreq            int         `json:"fir_freq"`
	RequirePvtID       bool        `json:"require_pvtid"`
	RequireE2EE        bool        `json:"require_e2ee"`
	DummyPublisher     bool        `json:"dummy_publisher"`
	NotifyJoining      bool        `json:"notify_joining"`
	AudioCodec         core.Codecs `json:"audiocodec"`
	VideoCodec         core.Codecs `json:"videocodec"`
	OpusFEC            bool        `json:"opus_fec"`
	OpusDTX            bool        `json:"opus_dtx"`
	VideoSVC           bool        `json:"video_svc"` // not reported since Janus 1.1.4
	Record             bool        `json:"record"`
	RecDir             string      `json:"rec_dir"`
	LockRecord         bool        `json:"lock_record"`
	NumParticipants    int         `json:"num_participants"`
	AudioLevelExt      bool        `json:"audiolevel_ext"`
	AudioLevelEvent    bool        `json:"audiolevel_event"`
	AudioActivePackets int         `json:"audio_active_packets"`
	AudioLevelAverage  int         `json:"audio_level_average"`
	VideoOrientExt     bool        `json:"videoorient_ext"`
	PlayoutDelayExt    bool        `json:"playoutdelay_ext"`
	TransportWideCCExt bool        `json:"transport_wide_cc_ext"`
}

// ListRequest is the optional input of List.
type ListRequest struct {
	// AdminKey, if it is the plugin's admin_key, lists private rooms too.
	AdminKey string `json:"admin_key,omitempty"`
}

// List returns the rooms (the "list" request): the public ones, and the
// private ones too when a ListRequest with the plugin's admin key is
// given.
func (h *Handle) List(ctx context.Context, req ...ListRequest) ([]RoomInfo, error) {
	var r struct {
		List []RoomInfo `json:"list"`
	}
	if _, err := api.Call(ctx, h.s, "list", plugin.Optional(req), "success", &r); err != nil {
		return nil, err
	}
	return r.List, nil
}

// AllowedAction is what an Allowed request does to a room's token ACL.
type AllowedAction string

// Actions of the "allowed" request.
const (
	// AllowedEnable turns the ACL check on.
	AllowedEnable AllowedAction = "enable"
	// AllowedDisable turns it off (everyone may join).
	AllowedDisable AllowedAction = "disable"
	// AllowedAdd adds tokens to the list.
	AllowedAdd AllowedAction = "add"
	// AllowedRemove removes tokens from the list.
	AllowedRemove AllowedAction = "remove"
)

// AllowedRequest changes a room's token ACL (the tokens participants give
// in JoinRequest.Token).
type AllowedRequest struct {
	Room    core.ID       `json:"room"`
	Secret  string        `json:"secret,omitempty"`
	Action  AllowedAction `json:"action"`
	Allowed []string      `json:"allowed,omitempty"`
}

// AllowedResult is the answer to Allowed.
type AllowedResult struct {
	Room core.ID `json:"room"`
	// Allowed is the complete token list after the change (nil for
	// AllowedDisable, which does not report it).
	Allowed []string `json:"allowed"`
}

// Allowed enables, disables or edits a room's token ACL (the "allowed"
// request).
func (h *Handle) Allowed(ctx context.Context, req AllowedRequest) (*AllowedResult, error) {
	var r AllowedResult
	if _, err := api.Call(ctx, h.s, "allowed", req, "success", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// KickRequest names the participant to kick.
type KickRequest struct {
	Room        core.ID `json:"room"`
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
}

// Kick removes a participant from a room (the "kick" request): it
// receives a Kicked event, the others a Leaving event with Kicked set,
// and its PeerConnection is closed. It may join again unless it is also
// removed from the ACL.
func (h *Handle) Kick(ctx context.Context, req KickRequest) error {
	_, err := api.Call(ctx, h.s, "kick", req, "success", nil)
	return err
}

// ModerateRequest mutes or unmutes one stream of a participant.
type ModerateRequest struct {
	Room        core.ID `json:"room"`
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
	// Mid is the published stream's mid.
	Mid  string `json:"mid"`
	Mute bool   `json:"mute"`
}

// Moderate mutes or unmutes a participant's stream (the "moderate"
// request); everyone in the room, the participant included, receives a
// Moderation event. Unmuting only lifts the moderator's block, not a mute
// of the participant's own.
func (h *Handle) Moderate(ctx context.Context, req ModerateRequest) error {
	_, err := api.Call(ctx, h.s, "moderate", req, "success", nil)
	return err
}

// EnableRecordingRequest switches the recording of a whole room.
type EnableRecordingRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	Record bool    `json:"record"`
}

// EnableRecording starts or stops recording every participant of a room
// (the "enable_recording" request). It returns the recording state now in
// force.
func (h *Handle) EnableRecording(ctx context.Context, req EnableRecordingRequest) (bool, error) {
	var r struct {
		Record bool `json:"record"`
	}
	if _, err := api.Call(ctx, h.s, "enable_recording", req, "success", &r); err != nil {
		return false, err
	}
	return r.Record, nil
}

// ParticipantInfo is one participant listed by ListParticipants.
type ParticipantInfo struct {
	ID      core.ID `json:"id"`
	Display string  `json:"display,omitempty"`
	// Publisher is set while the participant's PeerConnection is up.
	Publisher bool `json:"publisher"`
	// Talking is reported for publishers when the room detects audio
	// levels.
	Talking *bool `json:"talking,omitempty"`
	Dummy   bool  `json:"dummy,omitempty"`
	// Remote is set for publishers fed by another Janus instance.
	Remote bool `json:"remote,omitempty"`
	// Metadata is the participant's JSON object (JoinRequest.Metadata),
	// if any (Janus 1.3.0).
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// ListParticipants returns every participant of a room, publishing or
// not (the "listparticipants" request; subscriptions are not
// participants).
func (h *Handle) ListParticipants(ctx context.Context, room core.ID) ([]ParticipantInfo, error) {
	var r struct {
		Participants []ParticipantInfo `json:"participants"`
	}
	if _, err := api.Call(ctx, h.s, "listparticipants", roomOnly{room}, "participants", &r); err != nil {
		return nil, err
	}
	return r.Participants, nil
}

// ListForwardersRequest names the room whose forwarders to list.
type ListForwardersRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
}

// PublisherForwarders are the RTP forwarders of one publisher.
type PublisherForwarders struct {
	Participant core.ID     `json:"publisher_id"`
	Display     string      `json:"display,omitempty"`
	Forwarders  []Forwarder `json:"forwarders"`
}

// ListForwarders returns the RTP forwarders of a room, by publisher (the
// "listforwarders" request).
func (h *Handle) ListForwarders(ctx context.Context, req ListForwardersRequest) ([]PublisherForwarders, error) {
	var r struct {
		Publishers []PublisherForwarders `json:"publishers"`
	}
	if _, err := api.Call(ctx, h.s, "listforwarders", req, "forwarders", &r); err != nil {
		return nil, err
	}
	return r.Publishers, nil
}

// RTPForwardRequest forwards streams of a publisher as plain (or SRTP)
// RTP to a host, for processing or recording outside Janus.
type RTPForwardRequest struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	// Secret is the room's secret; AdminKey is needed when the plugin
	// locks RTP forwarding behind its admin_key.
	Secret   string `json:"secret,omitempty"`
	AdminKey string `json:"admin_key,omitempty"`
	// Host is the destination of every stream without its own Host;
	// HostFamily ("ipv4" or "ipv6") picks the address family to resolve
	// it to.
	Host       string `json:"host"`
	HostFamily string `json:"host_family,omitempty"`
	// Streams say which publisher streams go where.
	Streams []ForwardStream `json:"streams"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 key, as SDES) encrypt
	// the forwarded packets.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// ForwardStream forwards one publisher stream.
type ForwardStream struct {
	// Mid is the publisher stream's mid; Port the destination port.
	Mid        string `json:"mid"`
	Port       int    `json:"port"`
	Host       string `json:"host,omitempty"`
	HostFamily string `json:"host_family,omitempty"`
	// RTCPPort is a port of the recipient that sends RTCP feedback.
	RTCPPort int `json:"rtcp_port,omitempty"`
	// SSRC and PT rewrite the forwarded packets.
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	// Simulcast forwards a simulcast video as one stream (the best
	// substream), as a subscriber would see it. Port2/Port3 (with
	// SSRC2/3, PT2/3) instead forward the second and third substreams
	// separately; the two approaches exclude each other.
	Simulcast bool   `json:"simulcast,omitempty"`
	Port2     int    `json:"port_2,omitempty"`
	SSRC2     uint32 `json:"ssrc_2,omitempty"`
	PT2       int    `json:"pt_2,omitempty"`
	Port3     int    `json:"port_3,omitempty"`
	SSRC3     uint32 `json:"ssrc_3,omitempty"`
	PT3       int    `json:"pt_3,omitempty"`
	// SRTPSuite and SRTPCrypto encrypt this stream only.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// RTPForwardResult is the answer to RTPForward.
type RTPForwardResult struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	// Forwarders are the forwarders created, one per forwarded stream
	// (and substream). Streams whose mid the publisher does not have are
	// skipped silently by the plugin.
	Forwarders []Forwarder `json:"forwarders"`
}

// RTPForward starts forwarding a publisher's streams (the "rtp_forward"
// request). The publisher must have negotiated them (Publish), so that
// the mids exist.
func (h *Handle) RTPForward(ctx context.Context, req RTPForwardRequest) (*RTPForwardResult, error) {
	var r RTPForwardResult
	if _, err := api.Call(ctx, h.s, "rtp_forward", req, "rtp_forward", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// StopRTPForwardRequest names the forwarder to stop.
type StopRTPForwardRequest struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	StreamID    uint64  `json:"stream_id"`
	Secret      string  `json:"secret,omitempty"`
	AdminKey    string  `json:"admin_key,omitempty"`
}

// StopRTPForward stops one forwarder (the "stop_rtp_forward" request).
// An unknown StreamID fails with ErrNoSuchFeed.
func (h *Handle) StopRTPForward(ctx context.Context, req StopRTPForwardRequest) error {
	_, err := api.Call(ctx, h.s, "stop_rtp_forward", req, "stop_rtp_forward", nil)
	return err
}
