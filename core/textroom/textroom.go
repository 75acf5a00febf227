// Package textroom is the typed API of the Janus TextRoom plugin
// (janus.plugin.textroom): text chat rooms whose messages travel over a
// WebRTC data channel between the client and Janus.
//
// The plugin has two channels. Room management (list, exists, create,
// edit, destroy, allowed, kick, announcement, listparticipants) and the
// negotiation of the data channel (setup, ack, restart) go through the
// Janus API, as methods of Handle. Joining a room, chatting and leaving
// go over the data channel itself: this package builds those requests
// (MarshalRequest with JoinRequest, MessageRequest, LeaveRequest, ...)
// and decodes what the plugin sends back (DecodeData), with no transport
// of its own; the data channel comes from a core.Peer.
//
//	h, err := textroom.Attach(ctx, session)
//	room, err := h.Create(ctx, textroom.CreateRequest{Description: "Lobby"})
//	offer, err := h.Setup(ctx)                // Janus offers a data channel
//	answer := ...                             // from a core.Peer
//	err = h.Ack(ctx, answer)
//	frame, err := textroom.MarshalRequest(textroom.NewTransaction(),
//		textroom.JoinRequest{Room: room.Room, Username: "alice"})
//	dc.SendText(string(frame))                // on the Peer's data channel
//	msg, err := textroom.DecodeData(received) // *Joined, *Message, *Success, ...
package textroom

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.textroom"

// api describes the plugin's requests over the Janus API.
var api = plugin.API{Plugin: Plugin, Name: "textroom", KindKey: "textroom"}

// The plugin's errors, over the Janus API and the data channel alike:
// errors.Is(err, textroom.ErrNoSuchRoom) matches any error of that code,
// whose *core.PluginError carries the server's reason.
var (
	ErrNoMessage      = core.PluginCode(Plugin, 411, "no message")
	ErrInvalidJSON    = core.PluginCode(Plugin, 412, "invalid JSON")
	ErrMissingElement = core.PluginCode(Plugin, 413, "missing element")
	ErrInvalidElement = core.PluginCode(Plugin, 414, "invalid element")
	ErrInvalidRequest = core.PluginCode(Plugin, 415, "invalid request")
	// ErrAlreadySetup is also what "restart" gives before any "setup".
	ErrAlreadySetup   = core.PluginCode(Plugin, 416, "already set up")
	ErrNoSuchRoom     = core.PluginCode(Plugin, 417, "no such room")
	ErrRoomExists     = core.PluginCode(Plugin, 418, "room exists")
	ErrUnauthorized   = core.PluginCode(Plugin, 419, "unauthorized")
	ErrUsernameExists = core.PluginCode(Plugin, 420, "username exists")
	ErrAlreadyInRoom  = core.PluginCode(Plugin, 421, "already in the room")
	ErrNotInRoom      = core.PluginCode(Plugin, 422, "not in the room")
	ErrNoSuchUser     = core.PluginCode(Plugin, 423, "no such user")
	ErrUnknown        = core.PluginCode(Plugin, 499, "unknown error")
)

// Handle is a handle attached to the TextRoom plugin. The embedded
// core.Handle gives Events, Trickle, Hangup, Detach and the raw Message.
type Handle struct {
	*core.Handle
}

// Attach attaches a new TextRoom handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(DecodeEvent))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h}, nil
}

// Room is one room of a list answer.
type Room struct {
	Room            core.ID `json:"room"`
	Description     string  `json:"description"`
	PinRequired     bool    `json:"pin_required"`
	NumParticipants int     `json:"num_participants"`
	// History is how many messages the room keeps for newcomers.
	History int `json:"history"`
}

// Participant is a user in a room.
type Participant struct {
	Username string `json:"username"`
	Display  string `json:"display,omitempty"`
}

// CreateResult is the answer to Create.
type CreateResult struct {
	// Room is the room id, chosen by the plugin when the request had none.
	Room core.ID `json:"room"`
	// Permanent tells whether the room was saved to the configuration file.
	Permanent bool `json:"permanent"`
}

// EditResult is the answer to Edit.
type EditResult struct {
	Room      core.ID `json:"room"`
	Permanent bool    `json:"permanent"`
}

// DestroyResult is the answer to Destroy.
type DestroyResult struct {
	Room      core.ID `json:"room"`
	Permanent bool    `json:"permanent"`
}

// AllowedResult is the answer to Allowed.
type AllowedResult struct {
	Room core.ID `json:"room"`
	// Allowed is the complete list of tokens after the change (nil for
	// ActionDisable, which does not report it).
	Allowed []string `json:"allowed"`
}

// List returns the public rooms ("list"). Private rooms are listed to
// the plugin's admin key only, with a ListRequest on the data channel
// (Chat.Do).
func (h *Handle) List(ctx context.Context) ([]Room, error) {
	var out struct {
		List []Room `json:"list"`
	}
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "list", nil, "success", &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// Exists reports whether room exists ("exists").
func (h *Handle) Exists(ctx context.Context, room core.ID) (bool, error) {
	var out struct {
		Exists bool `json:"exists"`
	}
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "exists", ExistsRequest{Room: room}, "success", &out); err != nil {
		return false, err
	}
	return out.Exists, nil
}

// Create creates a room ("create").
func (h *Handle) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	out := new(CreateResult)
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "create", req, "created", out); err != nil {
		return nil, err
	}
	return out, nil
}

// Edit changes some properties of a room ("edit").
func (h *Handle) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	out := new(EditResult)
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "edit", req, "edited", out); err != nil {
		return nil, err
	}
	return out, nil
}

// Destroy destroys a room ("destroy"); its participants get a
// *RoomDestroyed on their data channel.
func (h *Handle) Destroy(ctx context.Context, req DestroyRequest) (*DestroyResult, error) {
	out := new(DestroyResult)
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "destroy", req, "destroyed", out); err != nil {
		return nil, err
	}
	return out, nil
}

// Allowed changes the room's access list of tokens ("allowed"; see the
// Action constants).
func (h *Handle) Allowed(ctx context.Context, req AllowedRequest) (*AllowedResult, error) {
	out := new(AllowedResult)
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "allowed", req, "success", out); err != nil {
		return nil, err
	}
	return out, nil
}

// Kick removes a participant from a room ("kick"); everyone in the
// room, the kicked user included, gets a *Kicked on their data channel.
// An unknown username is ErrNoSuchUser.
func (h *Handle) Kick(ctx context.Context, req KickRequest) error {
	// The plugin names this answer "textbridge" (1.1.2): no kind to check.
	_, err := api.Call(ctx, plugin.OverHandle(h.Handle), "kick", req, "", nil)
	return err
}

// Announcement sends a text to everyone in a room, as the room itself
// ("announcement"); participants get an *Announcement on their data
// channel.
func (h *Handle) Announcement(ctx context.Context, req AnnouncementRequest) error {
	_, err := api.Call(ctx, plugin.OverHandle(h.Handle), "announcement", req, "success", nil)
	return err
}

// ListParticipants returns the participants of room
// ("listparticipants").
func (h *Handle) ListParticipants(ctx context.Context, room core.ID) ([]Participant, error) {
	var out struct {
		Participants []Participant `json:"participants"`
	}
	// The plugin's answer has no kind (1.1.2).
	if _, err := api.Call(ctx, plugin.OverHandle(h.Handle), "listparticipants", ListParticipantsRequest{Room: room}, "", &out); err != nil {
		return nil, err
	}
	return out.Participants, nil
}

// Setup asks the plugin to set up the data channel PeerConnection
// ("setup") and returns Janus's SDP offer (one m=application line).
// Answer it with Ack. A second Setup on the same handle fails with
// ErrAlreadySetup.
func (h *Handle) Setup(ctx context.Context) (*core.JSEP, error) {
	return h.negotiate(ctx, "setup", nil)
}

// Ack sends the client's SDP answer to the offer of Setup or Restart
// ("ack").
func (h *Handle) Ack(ctx context.Context, answer *core.JSEP) error {
	if answer == nil {
		return errors.New("janus: textroom: ack: no SDP answer")
	}
	_, err := h.negotiate(ctx, "ack", answer)
	return err
}

// Restart asks for a new offer on the existing PeerConnection (for an ICE
// restart; "restart"); answer it with Ack. Before any Setup it fails with
// ErrAlreadySetup (the plugin reuses that code for "not set up").
func (h *Handle) Restart(ctx context.Context) (*core.JSEP, error) {
	return h.negotiate(ctx, "restart", nil)
}

// negotiate sends setup, ack or restart, whose answer is "result": "ok",
// with Janus's offer for setup and restart.
func (h *Handle) negotiate(ctx context.Context, verb string, answer *core.JSEP) (*core.JSEP, error) {
	var out struct {
		Result string `json:"result"`
	}
	res, err := api.Call(ctx, plugin.OverHandle(h.Handle), verb, nil, "event", &out, core.WithJSEP(answer))
	if err != nil {
		return nil, err
	}
	if out.Result != "ok" {
		return nil, errfmt.Errorf("janus: textroom: %s: %w: result %q", verb, core.ErrBadAnswer, out.Result)
	}
	if answer != nil {
		return nil, nil
	}
	if res.JSEP == nil || res.JSEP.Type != "offer" {
		return nil, errfmt.Errorf("janus: textroom: %s: %w: no SDP offer", verb, core.ErrBadAnswer)
	}
	return res.JSEP, nil
}
