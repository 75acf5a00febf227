package main

import (
	"encoding/json"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/native"
)

// The --json output of every command, in one place. The rules (the
// README's "JSON output" section says the same):
//
//   - stdout holds exactly one JSON object, on success and on failure;
//   - keys are snake_case; durations are numbers of milliseconds, in keys
//     ending in _ms;
//   - rooms, participants and tracks are the same objects (Room,
//     Participant, Track) in every command;
//   - where Janus's own answer is passed through, it sits under "raw",
//     unchanged;
//   - a failure is {"error": ErrorInfo}, with exit code 1 (runtime) or 2
//     (usage).

// ErrorOutput is the output of every command that fails.
type ErrorOutput struct {
	Error ErrorInfo `json:"error"`
}

// ErrorInfo describes a failure.
type ErrorInfo struct {
	// Kind is one of: usage (bad command line, exit 2), url (a server URL
	// that cannot work, exit 2), connect (the server could not be reached
	// or is not what the URL says), janus (an error answer of the Janus
	// core), plugin (an error answer of a plugin), timeout, canceled
	// (interrupted), ice (no media path), media (a source or recording
	// failed), failure (anything else).
	Kind string `json:"kind"`
	// Code is the Janus or plugin error code (kinds janus and plugin).
	Code int `json:"code,omitempty"`
	// Reason is the server's reason for kinds janus and plugin, the
	// message otherwise.
	Reason string `json:"reason"`
	// Message is the whole error as printed on stderr.
	Message string `json:"message"`
	// Hint says what to change, when the command knows.
	Hint string `json:"hint,omitempty"`
	// ExitCode is the process's exit code.
	ExitCode int `json:"exit_code"`
}

// Room is a VideoRoom room.
type Room struct {
	Room        core.ID `json:"room"`
	Description string  `json:"description"`
	// Participants counts the participants (publishers and attendees).
	Participants  int    `json:"participants"`
	MaxPublishers int    `json:"max_publishers"`
	AudioCodec    string `json:"audio_codec,omitempty"`
	VideoCodec    string `json:"video_codec,omitempty"`
	PinRequired   bool   `json:"pin_required"`
	Private       bool   `json:"private"`
}

// roomOf converts the plugin's room description.
func roomOf(r videoroom.RoomInfo) Room {
	return Room{Room: r.Room, Description: r.Description, Participants: r.NumParticipants,
		MaxPublishers: r.MaxPublishers, AudioCodec: r.AudioCodec.String(), VideoCodec: r.VideoCodec.String(),
		PinRequired: r.PinRequired, Private: r.IsPrivate}
}

// Participant is a participant of a VideoRoom room.
type Participant struct {
	ID        core.ID `json:"id"`
	Display   string  `json:"display"`
	Publisher bool    `json:"publisher"`
}

// Track is one media track sent or received.
type Track struct {
	Kind  string `json:"kind"`
	Codec string `json:"codec"`
	// Feed and Mid name the publisher and its stream (received tracks of
	// a VideoRoom subscription).
	Feed *core.ID `json:"feed,omitempty"`
	Mid  string   `json:"mid,omitempty"`
	// Frames, Packets and Bytes count video or audio frames, RTP packets
	// (samples for file sources) and payload bytes.
	Frames  uint64 `json:"frames"`
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
	// File is where the track was recorded.
	File string `json:"file,omitempty"`
}

// trackOf converts native statistics.
func trackOf(st native.TrackStats) Track {
	return Track{Kind: st.Kind, Codec: st.Codec, Frames: st.Frames, Packets: st.Packets, Bytes: st.Bytes}
}

// tracksOf converts a list of native statistics.
func tracksOf(sts []native.TrackStats) []Track {
	out := make([]Track, 0, len(sts))
	for _, st := range sts {
		out = append(out, trackOf(st))
	}
	return out
}

// Module is a transport or plugin of the server.
type Module struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// VersionOutput is the output of "gojanus version".
type VersionOutput struct {
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	Go      string `json:"go"`
}

// InfoOutput is the output of "gojanus info".
type InfoOutput struct {
	Server           string   `json:"server"`
	Transport        string   `json:"transport"`
	Name             string   `json:"name"`
	ServerName       string   `json:"server_name"`
	Version          string   `json:"version"`
	VersionNumber    int      `json:"version_number"`
	SessionTimeoutMS int64    `json:"session_timeout_ms"`
	APISecret        bool     `json:"api_secret"`
	AuthToken        bool     `json:"auth_token"`
	Transports       []Module `json:"transports"`
	Plugins          []Module `json:"plugins"`
}

// DemoOutput is the output of "gojanus demo".
type DemoOutput struct {
	Server           string       `json:"server"`
	Transport        string       `json:"transport"`
	Version          string       `json:"version"`
	Plugins          []string     `json:"plugins"`
	SessionID        uint64       `json:"session_id"`
	HandleID         uint64       `json:"handle_id"`
	Admin            *DemoAdmin   `json:"admin,omitempty"`
	Rooms            []Room       `json:"rooms"`
	CreatedRoom      Room         `json:"created_room"`
	RoomsWithCreated []Room       `json:"rooms_with_created"`
	RoomDestroyed    bool         `json:"room_destroyed"`
	Media            *MediaOutput `json:"media,omitempty"`
	Detached         bool         `json:"detached"`
	SessionDestroyed bool         `json:"session_destroyed"`
	ElapsedMS        int64        `json:"elapsed_ms"`
}

// DemoAdmin is what the demo saw through the admin API.
type DemoAdmin struct {
	Server        string   `json:"server"`
	Sessions      int      `json:"sessions"`
	SessionListed bool     `json:"session_listed"`
	HandleIDs     []uint64 `json:"handle_ids"`
}

// MediaOutput is the media part of "gojanus demo --media".
type MediaOutput struct {
	Publisher  Participant `json:"publisher"`
	Source     string      `json:"source"`
	DurationMS int64       `json:"duration_ms"`
	Sent       []Track     `json:"sent"`
	Received   []Track     `json:"received"`
}

// SessionsOutput is the output of "gojanus admin sessions".
type SessionsOutput struct {
	SessionIDs []uint64 `json:"session_ids"`
}

// HandlesOutput is the output of "gojanus admin handles".
type HandlesOutput struct {
	SessionID uint64   `json:"session_id"`
	HandleIDs []uint64 `json:"handle_ids"`
}

// HandleInfoOutput is the output of "gojanus admin handle-info".
type HandleInfoOutput struct {
	SessionID uint64 `json:"session_id"`
	HandleID  uint64 `json:"handle_id"`
	Plugin    string `json:"plugin"`
	OpaqueID  string `json:"opaque_id,omitempty"`
	// Flags lists the handle's flags that are set.
	Flags []string `json:"flags"`
	// Raw is Janus's whole handle_info answer ("info").
	Raw json.RawMessage `json:"raw"`
}

// Token is a token of token-based authentication.
type Token struct {
	Token   string   `json:"token"`
	Plugins []string `json:"plugins"`
}

// TokensOutput is the output of "gojanus admin tokens".
type TokensOutput struct {
	// Added and Removed name the token the command added or removed.
	Added   string  `json:"added,omitempty"`
	Removed string  `json:"removed,omitempty"`
	Tokens  []Token `json:"tokens"`
}

// RoomsOutput is the output of "gojanus rooms list".
type RoomsOutput struct {
	Rooms []Room `json:"rooms"`
}

// RoomOutput is the output of "gojanus rooms create", "destroy" and
// "exists".
type RoomOutput struct {
	RoomID core.ID `json:"room_id"`
	// Room describes the room as the plugin lists it; it is absent when
	// the room does not exist, or is private and --admin-key is not given
	// (except after create, which knows what it asked for).
	Room *Room `json:"room,omitempty"`
	// Exists tells whether the room exists (after the command).
	Exists    bool `json:"exists"`
	Created   bool `json:"created,omitempty"`
	Destroyed bool `json:"destroyed,omitempty"`
	// Permanent tells whether the change was saved to the plugin's
	// configuration file.
	Permanent bool `json:"permanent"`
}

// ParticipantsOutput is the output of "gojanus rooms participants".
type ParticipantsOutput struct {
	Room         core.ID       `json:"room"`
	Participants []Participant `json:"participants"`
}

// PublishOutput is the output of "gojanus publish".
type PublishOutput struct {
	Server     string      `json:"server"`
	Room       core.ID     `json:"room"`
	Publisher  Participant `json:"publisher"`
	Source     string      `json:"source"`
	DurationMS int64       `json:"duration_ms"`
	Tracks     []Track     `json:"tracks"`
}

// SubscribeOutput is the output of "gojanus subscribe".
type SubscribeOutput struct {
	Server string  `json:"server"`
	Room   core.ID `json:"room"`
	// Publishers are the publishers subscribed to, in order of arrival.
	Publishers []Participant `json:"publishers"`
	// WaitedMS is how long the command waited for the first publisher.
	WaitedMS   int64   `json:"waited_ms"`
	DurationMS int64   `json:"duration_ms"`
	Tracks     []Track `json:"tracks"`
}

// EchoTestOutput is the output of "gojanus echotest".
type EchoTestOutput struct {
	Server     string  `json:"server"`
	Source     string  `json:"source"`
	DurationMS int64   `json:"duration_ms"`
	Sent       []Track `json:"sent"`
	Received   []Track `json:"received"`
}

// RecordOutput is the output of "gojanus record".
type RecordOutput struct {
	Server string `json:"server"`
	// Recording is the id of the recording, for "gojanus play".
	Recording  core.ID `json:"recording"`
	Name       string  `json:"name"`
	Private    bool    `json:"private"`
	Source     string  `json:"source"`
	DurationMS int64   `json:"duration_ms"`
	// Tracks are what was sent to the plugin.
	Tracks []Track `json:"tracks"`
}

// PlayOutput is the output of "gojanus play".
type PlayOutput struct {
	Server     string  `json:"server"`
	Recording  core.ID `json:"recording"`
	DurationMS int64   `json:"duration_ms"`
	// Ended is set when the recording was played to its end (not
	// interrupted or cut by --duration).
	Ended  bool    `json:"ended"`
	Tracks []Track `json:"tracks"`
}

// WHIPPublishOutput is the output of "gojanus whip-publish".
type WHIPPublishOutput struct {
	// Endpoint is the WHIP endpoint; Resource the resource it made
	// (both as core.RedactURL shows them).
	Endpoint string  `json:"endpoint"`
	Resource string  `json:"resource"`
	Source   string  `json:"source"`
	Tracks   []Track `json:"tracks"`
}

// WHEPPlayOutput is the output of "gojanus whep-play".
type WHEPPlayOutput struct {
	Endpoint   string `json:"endpoint"`
	Resource   string `json:"resource"`
	DurationMS int64  `json:"duration_ms"`
	// Ended is set when the server ended the playback (or ICE failed for
	// good) before --duration or an interrupt.
	Ended  bool    `json:"ended"`
	Tracks []Track `json:"tracks"`
}

// RecordingsOutput is the output of "gojanus recordings".
type RecordingsOutput struct {
	Recordings []Recording `json:"recordings"`
}

// Recording is a recording of the Record&Play plugin.
type Recording struct {
	ID         core.ID `json:"id"`
	Name       string  `json:"name"`
	Date       string  `json:"date"`
	Audio      bool    `json:"audio"`
	Video      bool    `json:"video"`
	AudioCodec string  `json:"audio_codec,omitempty"`
	VideoCodec string  `json:"video_codec,omitempty"`
	Private    bool    `json:"private"`
}

// NoSIPOutput is the output of "gojanus nosip".
type NoSIPOutput struct {
	Server     string `json:"server"`
	Source     string `json:"source"`
	DurationMS int64  `json:"duration_ms"`
	// SDPFile is the plain SDP written for the receiver; Ports are the
	// RTP ports of 127.0.0.1 it names, by kind ("video", "audio").
	SDPFile string         `json:"sdp_file"`
	Ports   map[string]int `json:"ports"`
	Sent    []Track        `json:"sent"`
}

// outputTypes lists every output type, for the schema test.
var outputTypes = []any{
	ErrorOutput{}, VersionOutput{}, InfoOutput{}, DemoOutput{}, SessionsOutput{}, HandlesOutput{},
	HandleInfoOutput{}, TokensOutput{}, RoomsOutput{}, RoomOutput{}, ParticipantsOutput{},
	PublishOutput{}, SubscribeOutput{}, EchoTestOutput{}, NoSIPOutput{},
	RecordOutput{}, PlayOutput{}, RecordingsOutput{}, WhipServerOutput{}, WHIPPublishOutput{}, WHEPPlayOutput{},
	SIPCallOutput{},
}

// WhipServerOutput is the output of "gojanus whip-server", when it stops.
type WhipServerOutput struct {
	Server string `json:"server"`
	// Listen is the HTTP address it listened on.
	Listen     string         `json:"listen"`
	Endpoints  []WhipEndpoint `json:"endpoints"`
	DurationMS int64          `json:"duration_ms"`
}

// WhipEndpoint is one endpoint of whip-server: Kind "whip" or "whep",
// Target what it maps to ("room 1234", "mountpoint 1"), Token whether it
// needs a bearer token.
type WhipEndpoint struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Target string `json:"target"`
	Token  bool   `json:"token"`
}
