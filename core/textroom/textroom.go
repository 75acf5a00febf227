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
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gojanus/gojanus/core"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.textroom"

// Error codes of the plugin.
const (
	ErrNoMessage      = 411
	ErrInvalidJSON    = 412
	ErrMissingElement = 413
	ErrInvalidElement = 414
	ErrInvalidRequest = 415
	// ErrAlreadySetup is also what "restart" gives before any "setup".
	ErrAlreadySetup   = 416
	ErrNoSuchRoom     = 417
	ErrRoomExists     = 418
	ErrUnauthorized   = 419
	ErrUsernameExists = 420
	ErrAlreadyInRoom  = 421
	ErrNotInRoom      = 422
	ErrNoSuchUser     = 423
	ErrUnknown        = 499
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

// List returns the public rooms (and the private ones too when the
// request carries the plugin's admin key).
func (h *Handle) List(ctx context.Context, r ListRequest) ([]Room, error) {
	var out struct {
		List []Room `json:"list"`
	}
	if err := h.request(ctx, r, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// Exists reports whether a room exists.
func (h *Handle) Exists(ctx context.Context, r ExistsRequest) (bool, error) {
	var out struct {
		Exists bool `json:"exists"`
	}
	if err := h.request(ctx, r, &out); err != nil {
		return false, err
	}
	return out.Exists, nil
}

// Create creates a room.
func (h *Handle) Create(ctx context.Context, r CreateRequest) (*CreateResult, error) {
	out := new(CreateResult)
	if err := h.request(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Edit changes some properties of a room.
func (h *Handle) Edit(ctx context.Context, r EditRequest) (*EditResult, error) {
	out := new(EditResult)
	if err := h.request(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Destroy destroys a room; its participants get a *RoomDestroyed on their
// data channel.
func (h *Handle) Destroy(ctx context.Context, r DestroyRequest) (*DestroyResult, error) {
	out := new(DestroyResult)
	if err := h.request(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Allowed changes the room's access list of tokens (see the Action
// constants).
func (h *Handle) Allowed(ctx context.Context, r AllowedRequest) (*AllowedResult, error) {
	out := new(AllowedResult)
	if err := h.request(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Kick removes a participant from a room; everyone in the room, the
// kicked user included, gets a *Kicked on their data channel. An unknown
// username is a *core.PluginError with code ErrNoSuchUser.
func (h *Handle) Kick(ctx context.Context, r KickRequest) error {
	return h.request(ctx, r, nil)
}

// Announcement sends a text to everyone in a room, as the room itself;
// participants get an *Announcement on their data channel.
func (h *Handle) Announcement(ctx context.Context, r AnnouncementRequest) error {
	return h.request(ctx, r, nil)
}

// ListParticipants returns the participants of a room.
func (h *Handle) ListParticipants(ctx context.Context, r ListParticipantsRequest) ([]Participant, error) {
	var out struct {
		Participants []Participant `json:"participants"`
	}
	if err := h.request(ctx, r, &out); err != nil {
		return nil, err
	}
	return out.Participants, nil
}

// Setup asks the plugin to set up the data channel PeerConnection and
// returns Janus's SDP offer (one m=application line). Answer it with Ack.
// A second Setup on the same handle fails with ErrAlreadySetup.
func (h *Handle) Setup(ctx context.Context) (*core.JSEP, error) {
	return h.negotiate(ctx, "setup", nil)
}

// Ack sends the client's SDP answer to the offer of Setup or Restart.
func (h *Handle) Ack(ctx context.Context, answer *core.JSEP) error {
	if answer == nil {
		return errors.New("textroom: ack needs an SDP answer")
	}
	_, err := h.negotiate(ctx, "ack", answer)
	return err
}

// Restart asks for a new offer on the existing PeerConnection (for an ICE
// restart); answer it with Ack. Before any Setup it fails with
// ErrAlreadySetup (the plugin reuses that code for "not set up").
func (h *Handle) Restart(ctx context.Context) (*core.JSEP, error) {
	return h.negotiate(ctx, "restart", nil)
}

func (h *Handle) negotiate(ctx context.Context, verb string, jsep *core.JSEP) (*core.JSEP, error) {
	var opts []core.CallOption
	if jsep != nil {
		opts = append(opts, core.WithJSEP(jsep))
	}
	res, err := h.Message(ctx, map[string]string{"request": verb}, opts...)
	if err != nil {
		return nil, err
	}
	var r struct {
		Result string `json:"result"`
	}
	if err := res.Decode(&r); err != nil {
		return nil, fmt.Errorf("textroom: %s: %w", verb, err)
	}
	if r.Result != "ok" {
		return nil, fmt.Errorf("textroom: %s: unexpected result %q", verb, r.Result)
	}
	if verb == "ack" {
		return nil, nil
	}
	if res.JSEP == nil || res.JSEP.Type != "offer" {
		return nil, fmt.Errorf("textroom: %s: no SDP offer in the answer", verb)
	}
	return res.JSEP, nil
}

// request sends a synchronous management request over the Janus API and
// decodes its answer into out (when not nil).
func (h *Handle) request(ctx context.Context, r Request, out any) error {
	body, err := withVerb("request", r.textroomRequest(), r)
	if err != nil {
		return err
	}
	res, err := h.Message(ctx, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := res.Decode(out); err != nil {
		return fmt.Errorf("textroom: %s: %w", r.textroomRequest(), err)
	}
	return nil
}

// withVerb marshals body (a JSON object) with key=verb, and the extra
// key/value pairs, added in front.
func withVerb(key, verb string, body any, extra ...string) (json.RawMessage, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("textroom: %s: %w", verb, err)
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("textroom: %s: request is not a JSON object", verb)
	}
	head := map[string]string{key: verb}
	order := []string{key}
	for i := 0; i+1 < len(extra); i += 2 {
		head[extra[i]] = extra[i+1]
		order = append(order, extra[i])
	}
	out := []byte{'{'}
	for i, k := range order {
		if i > 0 {
			out = append(out, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(head[k])
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, vb...)
	}
	if len(b) > 2 {
		out = append(out, ',')
	}
	out = append(out, b[1:]...)
	return out, nil
}
