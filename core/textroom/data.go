package textroom

import (
	"encoding/json"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// DataMessage is a message the plugin sends on the data channel, as
// returned by DecodeData: *Joined, *Left, *Message, *Announcement,
// *Kicked, *RoomDestroyed, *Success, *Failure or *Unknown.
type DataMessage interface {
	// Kind returns the message's "textroom" name ("join", "message",
	// "success", "error", ...).
	Kind() string
}

// DateLayout is the layout of the plugin's message dates (strftime
// "%FT%T%z", in the server's local time zone).
const DateLayout = "2006-01-02T15:04:05-0700"

// Joined reports that a user joined a room (also sent to the user who
// joined).
type Joined struct {
	Room     core.ID
	Username string
	Display  string
}

// Left reports that a user left a room (also sent to the user who left).
type Left struct {
	Room     core.ID
	Username string
}

// Message is a text from a participant, to the room or, when Whisper is
// set, to some participants only. Messages replayed from a room's history
// on join also carry the sender's Display.
type Message struct {
	Room    core.ID
	From    string
	Display string
	Text    string
	Whisper bool
	// Date is when the plugin relayed the message (zero if DateText
	// could not be parsed).
	Date time.Time
	// DateText is the date as the plugin wrote it.
	DateText string
}

// Announcement is a text sent by the room itself (Handle.Announcement).
type Announcement struct {
	Room     core.ID
	Text     string
	Date     time.Time
	DateText string
}

// Kicked reports that a user was kicked out of a room; the kicked user
// gets it too.
type Kicked struct {
	Room     core.ID
	Username string
}

// RoomDestroyed reports that a room was destroyed; everyone in it is out.
type RoomDestroyed struct {
	Room core.ID
}

// Success is the positive answer to a data channel request, matched to it
// by Transaction. The fields that apply to the request are set.
type Success struct {
	Transaction string
	// Participants are the others in the room (join) or everyone in it
	// (listparticipants).
	Participants []Participant
	// Sent tells, for a whisper, which recipients were in the room.
	Sent map[string]bool
	// Room is set by create, edit, destroy, exists, allowed and
	// listparticipants.
	Room core.ID
	// Rooms is the answer to list.
	Rooms []Room
	// Exists is the answer to exists.
	Exists bool
	// Allowed is the token list after an allowed request.
	Allowed []string
	// Permanent is set by create, edit and destroy.
	Permanent bool
	// Data is the whole answer, for anything not decoded here.
	Data json.RawMessage
}

// Decode unmarshals the whole answer into v.
func (s *Success) Decode(v any) error { return json.Unmarshal(s.Data, v) }

// Failure is the plugin's error answer to a data channel request. Its
// Transaction is empty when the request had none (or was not JSON the
// plugin could read).
type Failure struct {
	Transaction string
	Code        int
	Reason      string
}

// Err returns the failure as a *core.PluginError, the type the Handle
// methods return for the same error over the Janus API.
func (f *Failure) Err() error {
	return &core.PluginError{Plugin: Plugin, Code: f.Code, Reason: f.Reason}
}

// Unknown is a data channel message DecodeData does not know.
type Unknown struct {
	// Name is its "textroom" value.
	Name string
	Data json.RawMessage
}

// Kind returns "join".
func (*Joined) Kind() string { return "join" }

// Kind returns "leave".
func (*Left) Kind() string { return "leave" }

// Kind returns "message".
func (*Message) Kind() string { return "message" }

// Kind returns "announcement".
func (*Announcement) Kind() string { return "announcement" }

// Kind returns "kicked".
func (*Kicked) Kind() string { return "kicked" }

// Kind returns "destroyed".
func (*RoomDestroyed) Kind() string { return "destroyed" }

// Kind returns "success".
func (*Success) Kind() string { return "success" }

// Kind returns "error".
func (*Failure) Kind() string { return "error" }

// Kind returns the message's "textroom" value.
func (u *Unknown) Kind() string { return u.Name }

// wireData is the union of the fields of every data channel message.
type wireData struct {
	TextRoom     *string         `json:"textroom"`
	TextBridge   *string         `json:"textbridge"` // the plugin's kick answer says "textbridge"
	Transaction  string          `json:"transaction"`
	Room         core.ID         `json:"room"`
	Username     string          `json:"username"`
	Display      string          `json:"display"`
	From         string          `json:"from"`
	Date         string          `json:"date"`
	Text         string          `json:"text"`
	Whisper      bool            `json:"whisper"`
	ErrorCode    int             `json:"error_code"`
	Error        string          `json:"error"`
	Participants []Participant   `json:"participants"`
	Sent         map[string]bool `json:"sent"`
	List         []Room          `json:"list"`
	Exists       bool            `json:"exists"`
	Allowed      []string        `json:"allowed"`
	Permanent    bool            `json:"permanent"`
}

// DecodeData decodes one text message the plugin sent on the data
// channel. Answers to requests (with a transaction) are *Success or
// *Failure; everything else is a notification. It fails only on input
// that is not a JSON object.
func DecodeData(b []byte) (DataMessage, error) {
	var w wireData
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, errfmt.Errorf("janus: textroom: data channel message: %w", err)
	}
	kind := ""
	switch {
	case w.TextRoom != nil:
		kind = *w.TextRoom
	case w.TextBridge != nil:
		kind = *w.TextBridge
	}
	raw := json.RawMessage(append([]byte(nil), b...))
	if w.ErrorCode != 0 || kind == "error" {
		return &Failure{Transaction: w.Transaction, Code: w.ErrorCode, Reason: w.Error}, nil
	}
	if w.Transaction != "" || kind == "success" {
		// Answers: "success", "created"/"edited"/"destroyed" (the Janus
		// API names), or no name at all (listparticipants).
		return &Success{
			Transaction:  w.Transaction,
			Participants: w.Participants,
			Sent:         w.Sent,
			Room:         w.Room,
			Rooms:        w.List,
			Exists:       w.Exists,
			Allowed:      w.Allowed,
			Permanent:    w.Permanent,
			Data:         raw,
		}, nil
	}
	switch kind {
	case "join":
		return &Joined{Room: w.Room, Username: w.Username, Display: w.Display}, nil
	case "leave":
		return &Left{Room: w.Room, Username: w.Username}, nil
	case "message":
		return &Message{Room: w.Room, From: w.From, Display: w.Display, Text: w.Text, Whisper: w.Whisper,
			Date: parseDate(w.Date), DateText: w.Date}, nil
	case "announcement":
		return &Announcement{Room: w.Room, Text: w.Text, Date: parseDate(w.Date), DateText: w.Date}, nil
	case "kicked":
		return &Kicked{Room: w.Room, Username: w.Username}, nil
	case "destroyed":
		return &RoomDestroyed{Room: w.Room}, nil
	}
	return &Unknown{Name: kind, Data: raw}, nil
}

func parseDate(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
