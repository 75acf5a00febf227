// Package audiobridge is the typed API of the Janus AudioBridge plugin
// (janus.plugin.audiobridge): an audio conference bridge that decodes the
// Opus (or G.711) stream of every participant, mixes them and sends each
// participant the mix of the others.
//
// A room is managed with synchronous requests (Create, Edit, Destroy,
// Exists, List, Allowed, Kick, Mute, RTPForward, PlayFile, ...), from any
// handle. A participant joins with Join, negotiates its PeerConnection
// with Configure (or passes the offer to Join directly), and follows the
// room through typed events:
//
//	h, err := audiobridge.Attach(ctx, session)
//	joined, err := h.Join(ctx, audiobridge.JoinRequest{Room: core.NumID(1234), Display: "alice"}, offer)
//	// joined.JSEP is the SDP answer; joined.Participants are the others.
//	for ev := range h.Events() {
//		switch ev := ev.(type) {
//		case *audiobridge.ParticipantsJoined:  // someone joined
//		case *audiobridge.ParticipantsUpdated: // someone (un)muted, renamed, set up media
//		case *audiobridge.Leaving:             // someone left
//		case *audiobridge.Talking:             // someone started talking (audio levels)
//		case *audiobridge.Suspended:           // someone was suspended (Janus 1.2.1+)
//		case *audiobridge.Destroyed:           // the room is gone
//		}
//	}
//
// Requests and options added after Janus 1.1.2 (Suspend, Resume,
// EnableDenoise, ListAnnouncements, StopAllFiles, ...) name the version
// that brought them, and fail with core.ErrUnsupported, before anything
// is sent, on an older server.
//
// Room and participant ids are core.ID values: numbers by default, strings
// when the plugin runs with string_ids. The package has no media code: the
// offer comes from a core.Peer (native or browser).
package audiobridge

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.audiobridge"

// api describes the plugin's requests.
var api = plugin.API{Plugin: Plugin, Name: "audiobridge", KindKey: "audiobridge"}

// Errors of the plugin, for errors.Is: each matches every
// *core.PluginError of the plugin with its code, which carries the
// server's reason and names the request.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 480, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 481, "invalid JSON")
	ErrInvalidRequest = core.PluginCode(Plugin, 482, "invalid request")
	ErrMissingElement = core.PluginCode(Plugin, 483, "missing element")
	ErrInvalidElement = core.PluginCode(Plugin, 484, "invalid element")
	ErrNoSuchRoom     = core.PluginCode(Plugin, 485, "no such room")
	ErrRoomExists     = core.PluginCode(Plugin, 486, "room already exists")
	ErrNotJoined      = core.PluginCode(Plugin, 487, "not joined")
	ErrLibopus        = core.PluginCode(Plugin, 488, "libopus error")
	ErrUnauthorized   = core.PluginCode(Plugin, 489, "unauthorized")
	ErrIDExists       = core.PluginCode(Plugin, 490, "participant id already exists")
	ErrAlreadyJoined  = core.PluginCode(Plugin, 491, "already joined")
	ErrNoSuchUser     = core.PluginCode(Plugin, 492, "no such participant")
	ErrInvalidSDP     = core.PluginCode(Plugin, 493, "invalid SDP")
	ErrNoSuchGroup    = core.PluginCode(Plugin, 494, "no such group")
	ErrUnknown        = core.PluginCode(Plugin, 499, "unknown error")
)

// Handle is a handle attached to the AudioBridge plugin, made by Attach.
// The embedded core.Handle gives Events, Trickle, Hangup, Detach and the
// raw Message. Every request can be sent from any handle; Join,
// Configure, ChangeRoom, Leave, ResetDecoder and PluginHangup act on the
// handle's own participant.
type Handle struct {
	*core.Handle
	s plugin.Sender
}

// Attach attaches a new AudioBridge handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h, s: plugin.OverHandle(h)}, nil
}

// CreateRequest creates a room. Every field is optional; zero values are
// not sent and leave the plugin's defaults.
type CreateRequest struct {
	// Room is the id of the new room; the plugin picks one when zero.
	Room core.ID `json:"room,omitzero"`
	// Permanent also saves the room in the plugin's configuration file.
	Permanent bool `json:"permanent,omitempty"`
	// Description is the room's pretty name ("Room <id>" when empty).
	Description string `json:"description,omitempty"`
	// Secret is the password needed to edit, destroy and moderate the room.
	Secret string `json:"secret,omitempty"`
	// Pin is the password needed to join the room.
	Pin string `json:"pin,omitempty"`
	// IsPrivate hides the room from List.
	IsPrivate bool `json:"is_private,omitempty"`
	// Allowed, when not nil, turns on the token ACL with these tokens (an
	// empty, non-nil slice lets nobody in until tokens are added).
	Allowed []string `json:"allowed,omitzero"`
	// SamplingRate is the mixer's rate: 8000, 12000, 16000 (default),
	// 24000 or 48000.
	SamplingRate int `json:"sampling_rate,omitempty"`
	// SpatialAudio makes the mix stereo, with participants placed by
	// their spatial position.
	SpatialAudio bool `json:"spatial_audio,omitempty"`
	// AudioLevelExt negotiates the ssrc-audio-level RTP extension for new
	// joins (the plugin's default is true).
	AudioLevelExt *bool `json:"audiolevel_ext,omitempty"`
	// AudioLevelEvent sends talking and stopped-talking events.
	AudioLevelEvent bool `json:"audiolevel_event,omitempty"`
	// AudioActivePackets is how many packets are averaged to decide who
	// is talking (default 100, 2 s); used with AudioLevelEvent.
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	// AudioLevelAverage is the average level (127 muted, 0 loudest) below
	// which a participant is talking (default 25); used with
	// AudioLevelEvent.
	AudioLevelAverage int `json:"audio_level_average,omitempty"`
	// DefaultPrebuffering is how many packets to buffer before decoding
	// a participant (the plugin's default is 6). Janus 1.2.0 and later
	// ignore it: a jitter buffer replaced the prebuffering.
	DefaultPrebuffering *int `json:"default_prebuffering,omitempty"`
	// DefaultExpectedLoss is the expected packet loss percentage (0-20)
	// used for Opus FEC, for participants and forwarders.
	DefaultExpectedLoss int `json:"default_expectedloss,omitempty"`
	// DefaultBitrate is the Opus bitrate in bps for participants and
	// forwarders (0: libopus decides).
	DefaultBitrate int `json:"default_bitrate,omitempty"`
	// Record records the mix to a .wav file; RecordFile names it
	// (relative to RecordDir when that is set).
	Record     bool   `json:"record,omitempty"`
	RecordFile string `json:"record_file,omitempty"`
	RecordDir  string `json:"record_dir,omitempty"`
	// MJRs records every participant to its own .mjr file, in MJRsDir.
	MJRs    bool   `json:"mjrs,omitempty"`
	MJRsDir string `json:"mjrs_dir,omitempty"`
	// AllowRTPParticipants lets participants join with plain RTP (see
	// JoinRequest.RTP).
	AllowRTPParticipants bool `json:"allow_rtp_participants,omitempty"`
	// Groups tags participants for forwarding; when set, every join must
	// name one of them.
	Groups []string `json:"groups,omitempty"`
	// AdminKey is the plugin's admin_key, when it is configured.
	AdminKey string `json:"admin_key,omitempty"`
	// Denoise makes the plugin denoise every participant with RNNoise by
	// default (JoinRequest.Denoise overrides it). Janus 1.2.3 and later;
	// a plugin built without RNNoise (Debian's) ignores it.
	Denoise bool `json:"denoise,omitempty"`
}

// CreateResult is the answer to Create.
type CreateResult struct {
	// Room is the id of the new room (chosen by the plugin if not given).
	Room core.ID `json:"room"`
	// Permanent tells whether the room was saved to the configuration
	// file; false after asking for it means the plugin could not save it.
	Permanent bool `json:"permanent"`
}

// Create creates a room ("create" request).
func (h *Handle) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	if err := api.RequireUsed(ctx, h.s, plugin.Gate{Feature: "create denoise", Since: sinceDenoise, Used: req.Denoise}); err != nil {
		return nil, err
	}
	var r CreateResult
	if _, err := api.Call(ctx, h.s, "create", req, "created", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// EditRequest changes the editable properties of a room; nil and empty
// fields are left unchanged.
type EditRequest struct {
	Room core.ID `json:"room"`
	// Secret is the room's current secret, if it has one.
	Secret         string `json:"secret,omitempty"`
	NewDescription string `json:"new_description,omitempty"`
	NewSecret      string `json:"new_secret,omitempty"`
	// NewPin sets the PIN; a pointer to "" removes it.
	NewPin       *string `json:"new_pin,omitempty"`
	NewIsPrivate *bool   `json:"new_is_private,omitempty"`
	NewRecordDir string  `json:"new_record_dir,omitempty"`
	NewMJRsDir   string  `json:"new_mjrs_dir,omitempty"`
	// Permanent also updates the configuration file.
	Permanent bool `json:"permanent,omitempty"`
}

// EditResult is the answer to Edit.
type EditResult struct {
	Room core.ID `json:"room"`
	// Permanent tells whether the configuration file was updated.
	Permanent bool `json:"permanent"`
}

// Edit changes a room's description, secret, PIN, privacy or recording
// folders ("edit" request).
func (h *Handle) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	var r EditResult
	if _, err := api.Call(ctx, h.s, "edit", req, "edited", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DestroyRequest destroys a room.
type DestroyRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Permanent also removes the room from the configuration file.
	Permanent bool `json:"permanent,omitempty"`
}

// DestroyResult is the answer to Destroy.
type DestroyResult struct {
	Room core.ID `json:"room"`
	// Permanent tells whether the configuration file was updated.
	Permanent bool `json:"permanent"`
}

// Destroy destroys a room ("destroy" request); its participants get a *Destroyed event and
// their PeerConnections are closed.
func (h *Handle) Destroy(ctx context.Context, req DestroyRequest) (*DestroyResult, error) {
	var r DestroyResult
	if _, err := api.Call(ctx, h.s, "destroy", req, "destroyed", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Exists reports whether a room exists ("exists" request).
func (h *Handle) Exists(ctx context.Context, room core.ID) (bool, error) {
	var r struct {
		Exists bool `json:"exists"`
	}
	if _, err := api.Call(ctx, h.s, "exists", map[string]core.ID{"room": room}, "success", &r); err != nil {
		return false, err
	}
	return r.Exists, nil
}

// ListRequest lists the rooms. With the plugin's admin_key, private rooms
// are listed too.
type ListRequest struct {
	AdminKey string `json:"admin_key,omitempty"`
}

// Room describes a room in the answer to List.
type Room struct {
	Room        core.ID `json:"room"`
	Description string  `json:"description"`
	// PinRequired tells whether joining needs a PIN.
	PinRequired  bool `json:"pin_required"`
	SamplingRate int  `json:"sampling_rate"`
	SpatialAudio bool `json:"spatial_audio"`
	// Record tells whether the mix is being recorded.
	Record bool `json:"record"`
	// Muted tells whether the whole room is muted (MuteRoom).
	Muted           bool `json:"muted"`
	NumParticipants int  `json:"num_participants"`
}

// List returns the rooms ("list" request): the public ones, and the private
// ones too when a ListRequest with the plugin's admin key is given.
func (h *Handle) List(ctx context.Context, req ...ListRequest) ([]Room, error) {
	var r struct {
		List []Room `json:"list"`
	}
	if _, err := api.Call(ctx, h.s, "list", plugin.Optional(req), "success", &r); err != nil {
		return nil, err
	}
	return r.List, nil
}

// AllowedAction is the action of an Allowed request.
type AllowedAction string

// The actions of an Allowed request.
const (
	// AllowedEnable turns the token check on.
	AllowedEnable AllowedAction = "enable"
	// AllowedDisable turns it off: anybody may join.
	AllowedDisable AllowedAction = "disable"
	// AllowedAdd adds tokens to the list.
	AllowedAdd AllowedAction = "add"
	// AllowedRemove removes tokens from the list.
	AllowedRemove AllowedAction = "remove"
)

// AllowedRequest edits the list of tokens that may join a room (the token
// of JoinRequest).
type AllowedRequest struct {
	Room    core.ID       `json:"room"`
	Secret  string        `json:"secret,omitempty"`
	Action  AllowedAction `json:"action"`
	Allowed []string      `json:"allowed,omitempty"`
}

// Allowed changes a room's token ACL ("allowed" request) and returns the complete list of
// tokens (nil after AllowedDisable, which does not report it).
func (h *Handle) Allowed(ctx context.Context, req AllowedRequest) ([]string, error) {
	var r struct {
		Allowed []string `json:"allowed"`
	}
	if _, err := api.Call(ctx, h.s, "allowed", req, "success", &r); err != nil {
		return nil, err
	}
	return r.Allowed, nil
}

// ParticipantRequest names a participant of a room, for Kick, Mute and
// Unmute. Secret is the room's secret, if it has one.
type ParticipantRequest struct {
	Room        core.ID `json:"room"`
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
}

// RoomRequest names a room, for KickAll, MuteRoom, UnmuteRoom and
// ListForwarders. Secret is the room's secret, if it has one.
type RoomRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
}

// Kick removes a participant from a room ("kick" request): every participant (the kicked
// one too) gets a *Kicked event, and the kicked participant's
// PeerConnection is closed, which makes it leave the room (the others then
// get *Leaving). A participant without a PeerConnection (joined without an
// offer) leaves too on Janus 1.1; Janus 1.4.1 only sends *Kicked and keeps
// it in the room (still listed) until it calls Leave or its handle
// detaches: a client that gets *Kicked for its own id should Leave
// (ErrNotJoined then means it is already out).
func (h *Handle) Kick(ctx context.Context, req ParticipantRequest) error {
	_, err := api.Call(ctx, h.s, "kick", req, "success", nil)
	return err
}

// KickAll removes every participant from a room ("kick_all" request); each one gets a
// *KickedAll event and its PeerConnection is closed.
func (h *Handle) KickAll(ctx context.Context, req RoomRequest) error {
	_, err := api.Call(ctx, h.s, "kick_all", req, "success", nil)
	return err
}

// Mute mutes a participant ("mute" request, moderation); every participant gets a
// *ParticipantsUpdated event, unless it was muted already.
func (h *Handle) Mute(ctx context.Context, req ParticipantRequest) error {
	_, err := api.Call(ctx, h.s, "mute", req, "success", nil)
	return err
}

// Unmute unmutes a participant muted with Mute or Configure ("unmute"
// request).
func (h *Handle) Unmute(ctx context.Context, req ParticipantRequest) error {
	_, err := api.Call(ctx, h.s, "unmute", req, "success", nil)
	return err
}

// MuteRoom ("mute_room" request) mutes every participant of a room except those that joined
// with the room's secret; every participant gets a *RoomMuted event.
func (h *Handle) MuteRoom(ctx context.Context, req RoomRequest) error {
	_, err := api.Call(ctx, h.s, "mute_room", req, "success", nil)
	return err
}

// UnmuteRoom undoes MuteRoom ("unmute_room" request).
func (h *Handle) UnmuteRoom(ctx context.Context, req RoomRequest) error {
	_, err := api.Call(ctx, h.s, "unmute_room", req, "success", nil)
	return err
}

// Participant is a participant of a room, as listed by ListParticipants
// and in the events.
type Participant struct {
	ID      core.ID `json:"id"`
	Display string  `json:"display,omitempty"`
	// Setup tells whether its media is up (WebRTC or plain RTP).
	Setup bool `json:"setup"`
	Muted bool `json:"muted"`
	// Talking is set when the participant negotiated audio levels.
	Talking *bool `json:"talking,omitempty"`
	// SpatialPosition is set in spatial audio rooms (0 left, 50 center,
	// 100 right).
	SpatialPosition *int `json:"spatial_position,omitempty"`
	// Suspended tells that a moderator suspended the participant
	// (Suspend). Janus 1.2.1 and later; always false before.
	Suspended bool `json:"suspended,omitempty"`
}

// ListParticipants returns the participants of a room ("listparticipants"
// request).
func (h *Handle) ListParticipants(ctx context.Context, room core.ID) ([]Participant, error) {
	var r struct {
		Participants []Participant `json:"participants"`
	}
	if _, err := api.Call(ctx, h.s, "listparticipants", map[string]core.ID{"room": room}, "participants", &r); err != nil {
		return nil, err
	}
	return r.Participants, nil
}

// RTPForwardRequest forwards a room's mix (or a group's) as plain RTP (or
// SRTP) to Host:Port.
type RTPForwardRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Group forwards only the mix of this group, in rooms with groups.
	Group string `json:"group,omitempty"`
	// SSRC of the stream (the stream id when zero).
	SSRC uint32 `json:"ssrc,omitempty"`
	// Codec is core.Opus (default), core.PCMA or core.PCMU.
	Codec core.Codec `json:"codec,omitempty"`
	// PType is the RTP payload type for Opus (100 when zero).
	PType int    `json:"ptype,omitempty"`
	Host  string `json:"host"`
	// HostFamily is "ipv4" or "ipv6", to resolve Host.
	HostFamily string `json:"host_family,omitempty"`
	Port       int    `json:"port"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 SDES key) encrypt the
	// stream.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
	// AlwaysOn forwards silence when the room is empty.
	AlwaysOn bool `json:"always_on,omitempty"`
	// AdminKey is needed when the plugin locks RTP forwarding with its
	// admin_key.
	AdminKey string `json:"admin_key,omitempty"`
}

// RTPForwardResult is the answer to RTPForward.
type RTPForwardResult struct {
	Room  core.ID `json:"room"`
	Group string  `json:"group,omitempty"`
	// StreamID identifies the forwarder (StopRTPForward).
	StreamID uint32 `json:"stream_id"`
	// Host is the resolved address.
	Host string `json:"host"`
	Port int    `json:"port"`
}

// RTPForward starts forwarding a room's mix ("rtp_forward" request).
func (h *Handle) RTPForward(ctx context.Context, req RTPForwardRequest) (*RTPForwardResult, error) {
	var r RTPForwardResult
	if _, err := api.Call(ctx, h.s, "rtp_forward", req, "success", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// StopRTPForwardRequest stops a forwarder.
type StopRTPForwardRequest struct {
	Room     core.ID `json:"room"`
	Secret   string  `json:"secret,omitempty"`
	StreamID uint32  `json:"stream_id"`
	AdminKey string  `json:"admin_key,omitempty"`
}

// StopRTPForward stops a forwarder ("stop_rtp_forward" request). The plugin does not check that the
// stream id exists.
func (h *Handle) StopRTPForward(ctx context.Context, req StopRTPForwardRequest) error {
	_, err := api.Call(ctx, h.s, "stop_rtp_forward", req, "success", nil)
	return err
}

// Forwarder is an RTP forwarder of a room.
type Forwarder struct {
	StreamID uint32     `json:"stream_id"`
	Group    string     `json:"group,omitempty"`
	IP       string     `json:"ip"`
	Port     int        `json:"port"`
	SSRC     uint32     `json:"ssrc"`
	Codec    core.Codec `json:"codec"`
	PType    int        `json:"ptype"`
	SRTP     bool       `json:"srtp,omitempty"`
	AlwaysOn bool       `json:"always_on"`
}

// ListForwarders returns the RTP forwarders of a room ("listforwarders"
// request).
func (h *Handle) ListForwarders(ctx context.Context, req RoomRequest) ([]Forwarder, error) {
	var r struct {
		Forwarders []Forwarder `json:"rtp_forwarders"`
	}
	if _, err := api.Call(ctx, h.s, "listforwarders", req, "forwarders", &r); err != nil {
		return nil, err
	}
	return r.Forwarders, nil
}

// PlayFileRequest plays an Ogg Opus file, readable by the server, into a
// room's mix.
type PlayFileRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Group is required in rooms with groups.
	Group string `json:"group,omitempty"`
	// FileID names the playback (random when empty).
	FileID string `json:"file_id,omitempty"`
	// Filename is the path of the .opus file on the server.
	Filename string `json:"filename"`
	// Loop plays the file until StopFile.
	Loop     bool   `json:"loop,omitempty"`
	AdminKey string `json:"admin_key,omitempty"`
}

// PlayFile starts playing a file ("play_file" request) and returns its file id. The room's
// participants get *AnnouncementStarted when it starts and
// *AnnouncementStopped when it ends or is stopped. A file that cannot be
// opened is an ErrUnknown plugin error.
func (h *Handle) PlayFile(ctx context.Context, req PlayFileRequest) (string, error) {
	var r struct {
		FileID string `json:"file_id"`
	}
	if _, err := api.Call(ctx, h.s, "play_file", req, "success", &r); err != nil {
		return "", err
	}
	return r.FileID, nil
}

// FileRequest names a playback, for IsPlaying and StopFile.
type FileRequest struct {
	Room     core.ID `json:"room"`
	Secret   string  `json:"secret,omitempty"`
	FileID   string  `json:"file_id"`
	AdminKey string  `json:"admin_key,omitempty"`
}

// IsPlaying reports whether a playback has started and not ended yet
// ("is_playing" request).
func (h *Handle) IsPlaying(ctx context.Context, req FileRequest) (bool, error) {
	var r struct {
		Playing bool `json:"playing"`
	}
	if _, err := api.Call(ctx, h.s, "is_playing", req, "success", &r); err != nil {
		return false, err
	}
	return r.Playing, nil
}

// StopFile stops a playback ("stop_file" request; unknown file ids are
// not an error).
func (h *Handle) StopFile(ctx context.Context, req FileRequest) error {
	_, err := api.Call(ctx, h.s, "stop_file", req, "success", nil)
	return err
}

// Announcement is a playback of a room, as listed by ListAnnouncements.
type Announcement struct {
	FileID   string `json:"file_id"`
	Filename string `json:"filename,omitempty"`
	// Playing tells whether it started (and has not ended).
	Playing bool `json:"playing"`
	Loop    bool `json:"loop"`
}

// ListAnnouncements returns the playbacks of a room
// ("listannouncements" request). Janus 1.2.4 and later: older servers
// fail with core.ErrUnsupported before anything is sent.
func (h *Handle) ListAnnouncements(ctx context.Context, req RoomRequest) ([]Announcement, error) {
	if err := api.Require(ctx, h.s, "listannouncements", core.V(1, 2, 4)); err != nil {
		return nil, err
	}
	var r struct {
		Announcements []Announcement `json:"announcements"`
	}
	if _, err := api.Call(ctx, h.s, "listannouncements", req, "announcements", &r); err != nil {
		return nil, err
	}
	return r.Announcements, nil
}

// StopAllFilesRequest names the room whose playbacks StopAllFiles stops.
type StopAllFilesRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// AdminKey is needed when the plugin locks play_file with its
	// admin_key.
	AdminKey string `json:"admin_key,omitempty"`
}

// StopAllFiles stops every playback of a room ("stop_all_files"
// request) and returns the file ids of those that had started (the
// participants get an *AnnouncementStopped for each). Janus 1.3.2 and
// later: older servers fail with core.ErrUnsupported before anything is
// sent.
func (h *Handle) StopAllFiles(ctx context.Context, req StopAllFilesRequest) ([]string, error) {
	if err := api.Require(ctx, h.s, "stop_all_files", core.V(1, 3, 2)); err != nil {
		return nil, err
	}
	var r struct {
		FileIDs []string `json:"file_id_list"`
	}
	if _, err := api.Call(ctx, h.s, "stop_all_files", req, "success", &r); err != nil {
		return nil, err
	}
	return r.FileIDs, nil
}

// EnableRecordingRequest starts or stops recording a room's mix to a .wav
// file.
type EnableRecordingRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	Record bool    `json:"record"`
	// RecordFile and RecordDir, when starting, set the file name and the
	// folder (created if needed).
	RecordFile string `json:"record_file,omitempty"`
	RecordDir  string `json:"record_dir,omitempty"`
}

// EnableRecording starts or stops the recording of the mix
// ("enable_recording" request) and returns
// whether the room is recording now.
func (h *Handle) EnableRecording(ctx context.Context, req EnableRecordingRequest) (bool, error) {
	var r struct {
		Record bool `json:"record"`
	}
	if _, err := api.Call(ctx, h.s, "enable_recording", req, "success", &r); err != nil {
		return false, err
	}
	return r.Record, nil
}

// EnableMJRsRequest starts or stops recording every participant of a room
// to its own .mjr file.
type EnableMJRsRequest struct {
	Room    core.ID `json:"room"`
	Secret  string  `json:"secret,omitempty"`
	MJRs    bool    `json:"mjrs"`
	MJRsDir string  `json:"mjrs_dir,omitempty"`
}

// EnableMJRs starts or stops the per-participant recordings
// ("enable_mjrs" request) and returns
// the new state.
func (h *Handle) EnableMJRs(ctx context.Context, req EnableMJRsRequest) (bool, error) {
	var r struct {
		MJRs bool `json:"mjrs"`
	}
	if _, err := api.Call(ctx, h.s, "enable_mjrs", req, "success", &r); err != nil {
		return false, err
	}
	return r.MJRs, nil
}
