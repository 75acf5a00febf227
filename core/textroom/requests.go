package textroom

import (
	"errors"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
	"github.com/gojanus/gojanus/core/internal/randhex"
)

// Request is a TextRoom request. Every request type of this package is
// one; the management requests go over the Janus API through the Handle
// methods, and every request (join, message and leave included) can go
// over the data channel with MarshalRequest.
type Request interface {
	// textroomRequest returns the request name ("join", "create", ...).
	textroomRequest() string
}

// ListRequest lists the rooms over the data channel (Chat.Do);
// Handle.List lists the public ones over the Janus API.
type ListRequest struct {
	// AdminKey, when it is the plugin's admin key, lists private rooms too.
	AdminKey string `json:"admin_key,omitempty"`
}

// ExistsRequest asks whether a room exists, over the data channel
// (Chat.Do); Handle.Exists takes the room.
type ExistsRequest struct {
	Room core.ID `json:"room"`
}

// CreateRequest creates a room. Every field is optional.
type CreateRequest struct {
	// Room is the id to give the room; the plugin picks one when it is
	// zero (a number, or a UUID string with string_ids).
	Room core.ID `json:"room,omitzero"`
	// AdminKey is mandatory when the plugin is configured with one.
	AdminKey    string `json:"admin_key,omitempty"`
	Description string `json:"description,omitempty"`
	// Secret protects edit, destroy, allowed, kick and announcement.
	Secret string `json:"secret,omitempty"`
	// Pin is needed to join.
	Pin string `json:"pin,omitempty"`
	// IsPrivate hides the room from list (the plugin default is false).
	IsPrivate *bool `json:"is_private,omitempty"`
	// History is how many messages to keep and replay to newcomers.
	History int `json:"history,omitempty"`
	// Post is an HTTP backend every message is also POSTed to.
	Post string `json:"post,omitempty"`
	// Allowed, when not empty, turns on the token access list with these
	// tokens (see also Handle.Allowed).
	Allowed []string `json:"allowed,omitempty"`
	// Permanent saves the room to the plugin's configuration file.
	Permanent bool `json:"permanent,omitempty"`
}

// EditRequest changes the editable properties of a room; empty New...
// fields leave them unchanged.
type EditRequest struct {
	Room core.ID `json:"room"`
	// Secret is the room's current secret, when it has one.
	Secret         string `json:"secret,omitempty"`
	NewDescription string `json:"new_description,omitempty"`
	NewSecret      string `json:"new_secret,omitempty"`
	NewPin         string `json:"new_pin,omitempty"`
	NewPost        string `json:"new_post,omitempty"`
	NewIsPrivate   *bool  `json:"new_is_private,omitempty"`
	Permanent      bool   `json:"permanent,omitempty"`
}

// DestroyRequest destroys a room.
type DestroyRequest struct {
	Room      core.ID `json:"room"`
	Secret    string  `json:"secret,omitempty"`
	Permanent bool    `json:"permanent,omitempty"`
}

// Actions of an AllowedRequest.
const (
	// ActionEnable turns the token check on.
	ActionEnable = "enable"
	// ActionDisable turns it off: anyone may join.
	ActionDisable = "disable"
	// ActionAdd adds tokens to the list.
	ActionAdd = "add"
	// ActionRemove removes tokens from the list.
	ActionRemove = "remove"
)

// AllowedRequest changes the token access list of a room.
type AllowedRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Action is ActionEnable, ActionDisable, ActionAdd or ActionRemove.
	Action string `json:"action"`
	// Allowed are the tokens to add or remove.
	Allowed []string `json:"allowed,omitempty"`
}

// KickRequest removes a participant from a room.
type KickRequest struct {
	Room     core.ID `json:"room"`
	Secret   string  `json:"secret,omitempty"`
	Username string  `json:"username"`
}

// AnnouncementRequest sends a text to a room as the room itself.
type AnnouncementRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	Text   string  `json:"text"`
}

// ListParticipantsRequest lists the participants of a room, over the
// data channel (Chat.Do); Handle.ListParticipants takes the room.
type ListParticipantsRequest struct {
	Room core.ID `json:"room"`
}

// JoinRequest joins a room (data channel only). The answer is a *Success
// whose Participants are the others already in the room; they get a
// *Joined.
type JoinRequest struct {
	Room     core.ID `json:"room"`
	Username string  `json:"username"`
	Display  string  `json:"display,omitempty"`
	// Pin is needed when the room has one.
	Pin string `json:"pin,omitempty"`
	// Token is needed when the room has a token access list.
	Token string `json:"token,omitempty"`
	// History asks for the room's past messages (the plugin default is
	// true); they arrive as *Message and *Announcement before the answer.
	History *bool `json:"history,omitempty"`
}

// MessageRequest sends a text to a room (data channel only): to everyone,
// or as a whisper to To or to each of Tos (not both).
type MessageRequest struct {
	Room core.ID  `json:"room"`
	Text string   `json:"text"`
	To   string   `json:"to,omitempty"`
	Tos  []string `json:"tos,omitempty"`
	// Ack asks for a *Success answer (the plugin default is true); with
	// Ptr(false) the plugin sends no answer.
	Ack *bool `json:"ack,omitempty"`
}

// LeaveRequest leaves a room (data channel only); the others get a *Left.
type LeaveRequest struct {
	Room core.ID `json:"room"`
}

func (ListRequest) textroomRequest() string             { return "list" }
func (ExistsRequest) textroomRequest() string           { return "exists" }
func (CreateRequest) textroomRequest() string           { return "create" }
func (EditRequest) textroomRequest() string             { return "edit" }
func (DestroyRequest) textroomRequest() string          { return "destroy" }
func (AllowedRequest) textroomRequest() string          { return "allowed" }
func (KickRequest) textroomRequest() string             { return "kick" }
func (AnnouncementRequest) textroomRequest() string     { return "announcement" }
func (ListParticipantsRequest) textroomRequest() string { return "listparticipants" }
func (JoinRequest) textroomRequest() string             { return "join" }
func (MessageRequest) textroomRequest() string          { return "message" }
func (LeaveRequest) textroomRequest() string            { return "leave" }

// MarshalRequest returns the data channel frame of r: its JSON with the
// "textroom" request name and the "transaction" the plugin copies into
// its answer (a *Success or *Failure with the same Transaction). The
// frame is sent as a text message.
func MarshalRequest(transaction string, r Request) ([]byte, error) {
	if r == nil {
		return nil, errors.New("janus: textroom: nil request")
	}
	if transaction == "" {
		return nil, errors.New("janus: textroom: a data channel request needs a transaction")
	}
	m, ok := r.(MessageRequest)
	if p, isPtr := r.(*MessageRequest); isPtr {
		if p == nil {
			return nil, errors.New("janus: textroom: nil request")
		}
		m, ok = *p, true
	}
	if ok && m.To != "" && len(m.Tos) > 0 {
		return nil, errors.New("janus: textroom: message: to and tos are mutually exclusive")
	}
	b, err := plugin.Prepend(r, "textroom", r.textroomRequest(), "transaction", transaction)
	if err != nil {
		return nil, errfmt.Errorf("janus: textroom: %s: %w", r.textroomRequest(), err)
	}
	return b, nil
}

// NewTransaction returns a random transaction id for MarshalRequest.
func NewTransaction() string {
	return randhex.String(24)
}
