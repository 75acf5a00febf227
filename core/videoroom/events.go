package videoroom

import (
	"encoding/json"

	"github.com/gojanus/gojanus/core"
)

// Joined is the answer to a publisher's join: the participant's ids and
// the room's active publishers. After JoinAndConfigure it also carries
// the SDP answer (JSEP) and the published Streams.
type Joined struct {
	*core.PluginEvent
	Room        core.ID
	Description string
	// Participant is the participant's id in the room; PrivateID the
	// private id to give in the participant's subscriptions.
	Participant core.ID
	PrivateID   uint64
	// Publishers are the room's active publishers (not this one).
	Publishers []PublisherInfo
	// Attendees are the participants that are not publishing, listed only
	// in rooms with notify_joining.
	Attendees []Attendee
	// Streams are this participant's published streams (JoinAndConfigure).
	Streams []PublishedStream
}

// Publishers announces new (or changed) active publishers in the room. A
// publisher is announced once its PeerConnection is up, and again when its
// streams change.
type Publishers struct {
	*core.PluginEvent
	Room       core.ID
	Publishers []PublisherInfo
}

// Joining announces a participant that joined (rooms with
// notify_joining), before it publishes anything.
type Joining struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
	Display     string
	// Metadata is the participant's JSON object, if it gave one (Janus
	// 1.3.0).
	Metadata json.RawMessage
}

// Leaving reports that another participant left the room, or was kicked
// out of it (Kicked).
type Leaving struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
	Kicked      bool
	// Display and Metadata are the participant's, when it had them (Janus
	// 1.3.0; older servers send only the id).
	Display  string
	Metadata json.RawMessage
}

// Kicked reports that this participant was kicked out of the room by a
// moderator; its PeerConnection is closed next.
type Kicked struct {
	*core.PluginEvent
	Room core.ID
}

// Left confirms that this handle left: a publisher's leave ("leaving":
// "ok") or a subscriber's ("left": "ok").
type Left struct {
	*core.PluginEvent
	Room core.ID
}

// Unpublished reports that a publisher stopped publishing. Participant
// is zero when the event confirms this handle's own Unpublish.
type Unpublished struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
	// Display and Metadata are the publisher's, when it had them (Janus
	// 1.3.0; older servers send only the id).
	Display  string
	Metadata json.RawMessage
}

// Configured confirms a publish or configure request (publisher or
// subscriber). With an offer, JSEP holds the SDP answer and Streams the
// published streams; a subscriber's ICE restart carries a new offer.
type Configured struct {
	*core.PluginEvent
	Room core.ID
	// AudioCodec and VideoCodec are the codecs of the first audio and
	// video streams, when an SDP was negotiated.
	AudioCodec core.Codec
	VideoCodec core.Codec
	Streams    []PublishedStream
}

// Started confirms a subscriber's start (after its SDP answer, or when it
// resumes after a pause).
type Started struct {
	*core.PluginEvent
	Room core.ID
}

// Paused confirms a subscriber's pause.
type Paused struct {
	*core.PluginEvent
	Room core.ID
}

// Switched confirms a subscriber's switch. Changes is how many m-lines
// changed source; Streams is the whole subscription after it.
type Switched struct {
	*core.PluginEvent
	Room    core.ID
	Changes int
	Streams []SubscriberStream
}

// Attached is the answer to a subscriber's join: the subscription's
// m-lines, with Janus's SDP offer in JSEP.
type Attached struct {
	*core.PluginEvent
	Room    core.ID
	Streams []SubscriberStream
}

// Updated reports a change of a subscription (subscribe, unsubscribe,
// update, or a publisher that went away with autoupdate on), with a new
// SDP offer in JSEP to answer with Subscriber.Start. Without Streams and
// JSEP nothing changed. Pending is set for the plugin's "updating" event:
// the change waits for the answer to a previous offer, and an Updated
// with the offer follows on the event stream.
type Updated struct {
	*core.PluginEvent
	Room    core.ID
	Streams []SubscriberStream
	Pending bool
}

// Talking reports that a publisher started or stopped talking (rooms with
// audiolevel_event). Everyone in the room receives it, the speaker too.
type Talking struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
	Mindex      int
	Mid         string
	// Talking is true for "talking", false for "stopped-talking".
	Talking bool
	// AudioLevel is the average audio level in dBov (0 loud, 127 muted).
	AudioLevel float64
}

// Destroyed reports that the room was destroyed; the participant's
// PeerConnection is closed next.
type Destroyed struct {
	*core.PluginEvent
	Room core.ID
}

// SlowLink reports that the plugin saw many NACKs: a publisher's uplink is
// too weak for its bitrate (CurrentBitrate is the cap in force), or a
// subscriber's downlink is.
type SlowLink struct {
	*core.PluginEvent
	CurrentBitrate int
}

// Moderation reports that a moderator muted or unmuted a participant's
// stream. Everyone in the room receives it, the participant too.
type Moderation struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
	Mid         string
	Muted       bool
}

// DisplayChanged reports that a participant changed its display name.
type DisplayChanged struct {
	*core.PluginEvent
	Participant core.ID
	Display     string
	// Metadata is the participant's JSON object, if it has one (Janus
	// 1.4.1).
	Metadata json.RawMessage
}

// MetadataChanged reports that a participant replaced its metadata
// (ConfigureRequest.Metadata) after having some (Janus 1.3.0): the
// plugin announces a change, not the first metadata given after the
// join, which the others see in the next Publishers event instead.
type MetadataChanged struct {
	*core.PluginEvent
	Participant core.ID
	// Metadata is the new JSON object.
	Metadata json.RawMessage
}

// LayerChanged reports that a subscriber's m-line now receives another
// simulcast substream or temporal layer, or another SVC layer. Only the
// fields that changed are set.
type LayerChanged struct {
	*core.PluginEvent
	Room          core.ID
	Mid           string
	Substream     *int
	Temporal      *int
	SpatialLayer  *int
	TemporalLayer *int
}

// eventData is the union of the members of every VideoRoom event.
type eventData struct {
	VideoRoom   string           `json:"videoroom"`
	ErrorCode   int              `json:"error_code"`
	Room        core.ID          `json:"room"`
	Description string           `json:"description"`
	ID          core.ID          `json:"id"`
	PrivateID   uint64           `json:"private_id"`
	Display     *string          `json:"display"`
	Metadata    json.RawMessage  `json:"metadata"`
	Publishers  *[]PublisherInfo `json:"publishers"`
	Attendees   []Attendee       `json:"attendees"`
	Joining     *Attendee        `json:"joining"`
	Leaving     json.RawMessage  `json:"leaving"`
	Reason      string           `json:"reason"`
	Kicked      *core.ID         `json:"kicked"`
	Unpublished json.RawMessage  `json:"unpublished"`
	Configured  string           `json:"configured"`
	Started     string           `json:"started"`
	Paused      string           `json:"paused"`
	Switched    string           `json:"switched"`
	Left        string           `json:"left"`
	Changes     int              `json:"changes"`
	Moderation  string           `json:"moderation"`
	AudioCodec  core.Codec       `json:"audio_codec"`
	VideoCodec  core.Codec       `json:"video_codec"`
	Streams     json.RawMessage  `json:"streams"`
	Mindex      int              `json:"mindex"`
	Mid         string           `json:"mid"`
	AudioLevel  float64          `json:"audio-level-dBov-avg"`
	Bitrate     int              `json:"current-bitrate"`
	Substream   *int             `json:"substream"`
	Temporal    *int             `json:"temporal"`
	Spatial     *int             `json:"spatial_layer"`
	TempLayer   *int             `json:"temporal_layer"`
}

// DecodeEvent turns a VideoRoom plugin event into one of this package's
// event types: *Joined, *Publishers, *Joining, *Leaving, *Kicked, *Left,
// *Unpublished, *Configured, *Started, *Paused, *Switched, *Attached,
// *Updated, *Talking, *Destroyed, *SlowLink, *Moderation, *DisplayChanged,
// *MetadataChanged or *LayerChanged. Error events (error_code), and anything it does not
// know, stay *core.PluginEvent (check its Err method). It is the decoder
// Attach installs; pass it to core.WithEventDecoder for handles attached
// otherwise.
//
// With string_ids, a participant whose id is the string "ok" cannot be
// told apart from the plugin's own confirmations ("leaving": "ok",
// "unpublished": "ok"); the plugin shares this ambiguity.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d eventData
	if ev.Decode(&d) != nil || d.ErrorCode != 0 {
		return ev
	}
	switch d.VideoRoom {
	case "joined":
		j := &Joined{PluginEvent: ev, Room: d.Room, Description: d.Description, Participant: d.ID, PrivateID: d.PrivateID, Attendees: d.Attendees}
		if d.Publishers != nil {
			j.Publishers = *d.Publishers
		}
		if !decodeStreams(d.Streams, &j.Streams) {
			return ev
		}
		return j
	case "attached":
		a := &Attached{PluginEvent: ev, Room: d.Room}
		if !decodeStreams(d.Streams, &a.Streams) {
			return ev
		}
		return a
	case "updated", "updating":
		u := &Updated{PluginEvent: ev, Room: d.Room, Pending: d.VideoRoom == "updating"}
		if !decodeStreams(d.Streams, &u.Streams) {
			return ev
		}
		return u
	case "talking", "stopped-talking":
		return &Talking{PluginEvent: ev, Room: d.Room, Participant: d.ID, Mindex: d.Mindex, Mid: d.Mid,
			Talking: d.VideoRoom == "talking", AudioLevel: d.AudioLevel}
	case "destroyed":
		return &Destroyed{PluginEvent: ev, Room: d.Room}
	case "slow_link":
		return &SlowLink{PluginEvent: ev, CurrentBitrate: d.Bitrate}
	case "event":
		return decodeEventKind(ev, &d)
	}
	return ev
}

// decodeEventKind decodes the many {"videoroom": "event"} shapes.
func decodeEventKind(ev *core.PluginEvent, d *eventData) core.Event {
	switch {
	case d.Publishers != nil:
		return &Publishers{PluginEvent: ev, Room: d.Room, Publishers: *d.Publishers}
	case d.Joining != nil:
		return &Joining{PluginEvent: ev, Room: d.Room, Participant: d.Joining.ID, Display: d.Joining.Display, Metadata: d.Joining.Metadata}
	case d.Leaving != nil:
		if isOK(d.Leaving) {
			if d.Reason == "kicked" {
				return &Kicked{PluginEvent: ev, Room: d.Room}
			}
			return &Left{PluginEvent: ev, Room: d.Room}
		}
		var id core.ID
		if json.Unmarshal(d.Leaving, &id) != nil {
			return ev
		}
		return &Leaving{PluginEvent: ev, Room: d.Room, Participant: id, Display: d.display(), Metadata: d.Metadata}
	case d.Kicked != nil:
		return &Leaving{PluginEvent: ev, Room: d.Room, Participant: *d.Kicked, Kicked: true, Display: d.display(), Metadata: d.Metadata}
	case d.Unpublished != nil:
		u := &Unpublished{PluginEvent: ev, Room: d.Room}
		if !isOK(d.Unpublished) {
			u.Display, u.Metadata = d.display(), d.Metadata
		}
		if !isOK(d.Unpublished) && json.Unmarshal(d.Unpublished, &u.Participant) != nil {
			return ev
		}
		return u
	case d.Configured != "":
		c := &Configured{PluginEvent: ev, Room: d.Room, AudioCodec: d.AudioCodec, VideoCodec: d.VideoCodec}
		if !decodeStreams(d.Streams, &c.Streams) {
			return ev
		}
		return c
	case d.Started != "":
		return &Started{PluginEvent: ev, Room: d.Room}
	case d.Paused != "":
		return &Paused{PluginEvent: ev, Room: d.Room}
	case d.Switched != "":
		s := &Switched{PluginEvent: ev, Room: d.Room, Changes: d.Changes}
		if !decodeStreams(d.Streams, &s.Streams) {
			return ev
		}
		return s
	case d.Left != "":
		return &Left{PluginEvent: ev, Room: d.Room}
	case d.Moderation != "":
		return &Moderation{PluginEvent: ev, Room: d.Room, Participant: d.ID, Mid: d.Mid, Muted: d.Moderation == "muted"}
	case d.Substream != nil || d.Temporal != nil || d.Spatial != nil || d.TempLayer != nil:
		return &LayerChanged{PluginEvent: ev, Room: d.Room, Mid: d.Mid,
			Substream: d.Substream, Temporal: d.Temporal, SpatialLayer: d.Spatial, TemporalLayer: d.TempLayer}
	case d.Display != nil && !d.ID.IsZero():
		return &DisplayChanged{PluginEvent: ev, Participant: d.ID, Display: *d.Display, Metadata: d.Metadata}
	case d.Metadata != nil && !d.ID.IsZero():
		return &MetadataChanged{PluginEvent: ev, Participant: d.ID, Metadata: d.Metadata}
	}
	return ev
}

// display returns the event's display member, or "".
func (d *eventData) display() string {
	if d.Display == nil {
		return ""
	}
	return *d.Display
}

// isOK reports whether a raw member is the string "ok".
func isOK(raw json.RawMessage) bool { return string(raw) == `"ok"` }

// decodeStreams decodes a "streams" member, if present, into dst.
func decodeStreams[T any](raw json.RawMessage, dst *[]T) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	return json.Unmarshal(raw, dst) == nil
}
