package audiobridge

import "github.com/gojanus/gojanus/core"

// Joined is the answer to Join ("joined" with the new participant's id):
// the room, the id the participant got, and the participants already in
// the room. JSEP (in the embedded event) is the plugin's SDP answer or
// offer, when the join negotiated one.
type Joined struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id the participant got.
	Participant core.ID
	// Participants are the others in the room.
	Participants []Participant
	// RTP is set for plain RTP participants: where to send the media.
	RTP *RTPInfo
}

// ParticipantsJoined tells the participants of a room that someone joined
// ("joined" without an id of one's own).
type ParticipantsJoined struct {
	*core.PluginEvent
	Room core.ID
	// Participants are the newcomers (one, in practice).
	Participants []Participant
}

// ParticipantsUpdated tells that participants changed: they were muted or
// unmuted (by themselves or a moderator), renamed, moved in space, or got
// their media set up.
type ParticipantsUpdated struct {
	*core.PluginEvent
	Room         core.ID
	Participants []Participant
}

// Leaving tells the participants of a room that someone left.
type Leaving struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id of the participant that left.
	Participant core.ID
}

// Left is the answer to Leave.
type Left struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id the participant had in the room.
	Participant core.ID
}

// Kicked tells the participants of a room (the kicked one included) that
// a moderator kicked someone out. On Janus 1.4.1 a kicked participant
// without a PeerConnection stays in the room until it leaves (see
// Handle.Kick).
type Kicked struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id of the participant kicked out.
	Participant core.ID
}

// KickedAll is sent to each participant removed by KickAll.
type KickedAll struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id of the participant receiving the event.
	Participant core.ID
}

// RoomMuted tells that the whole room was muted or unmuted (MuteRoom,
// UnmuteRoom).
type RoomMuted struct {
	*core.PluginEvent
	Room  core.ID
	Muted bool
}

// RoomChanged is the answer to ChangeRoom: the new room, the participant's
// id in it, and the participants already there.
type RoomChanged struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the participant's id in the new room.
	Participant core.ID
	// Participants are the others in the new room.
	Participants []Participant
}

// Destroyed tells the participants that the room was destroyed; their
// PeerConnections are closed.
type Destroyed struct {
	*core.PluginEvent
	Room core.ID
}

// Talking tells that a participant started talking (rooms with
// audiolevel_event, participants that negotiated audio levels). The
// talking participant gets it too.
type Talking struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
}

// StoppedTalking tells that a participant stopped talking.
type StoppedTalking struct {
	*core.PluginEvent
	Room        core.ID
	Participant core.ID
}

// AnnouncementStarted tells that a file started playing in the room
// (PlayFile).
type AnnouncementStarted struct {
	*core.PluginEvent
	Room   core.ID
	FileID string
}

// AnnouncementStopped tells that a file stopped playing, at its end or
// with StopFile.
type AnnouncementStopped struct {
	*core.PluginEvent
	Room   core.ID
	FileID string
}

// Suspended tells that a moderator suspended a participant (Suspend):
// out of the mix until resumed. Janus 1.2.1 and later.
type Suspended struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id of the suspended participant.
	Participant core.ID
}

// Resumed tells that a suspended participant is back in the mix
// (Resume). Janus 1.2.1 and later.
type Resumed struct {
	*core.PluginEvent
	Room core.ID
	// Participant is the id of the resumed participant.
	Participant core.ID
	// Participants, sent only to the resumed participant when it was
	// suspended with PauseEvents, recaps the others in the room.
	Participants []Participant
}

// Result is a plain result event: the answer to Configure ("ok") when its
// caller stopped waiting.
type Result struct {
	*core.PluginEvent
	Result string
}

// HangingUp is the answer to PluginHangup, when its caller stopped
// waiting.
type HangingUp struct {
	*core.PluginEvent
}

// DecodeEvent turns an AudioBridge plugin event into one of the event
// types of this package: *Joined, *ParticipantsJoined,
// *ParticipantsUpdated, *Leaving, *Left, *Kicked, *KickedAll,
// *RoomMuted, *RoomChanged, *Destroyed, *Talking, *StoppedTalking,
// *Suspended, *Resumed,
// *AnnouncementStarted, *AnnouncementStopped, *Result or *HangingUp.
// Error events, and anything it does not know, stay *core.PluginEvent
// (check its Err method). It is the decoder Attach installs; pass it to
// core.WithEventDecoder for adopted handles.
func DecodeEvent(ev *core.PluginEvent) core.Event {
	var d struct {
		AudioBridge  string         `json:"audiobridge"`
		Room         core.ID        `json:"room"`
		ID           *core.ID       `json:"id"`
		Participants *[]Participant `json:"participants"`
		Leaving      *core.ID       `json:"leaving"`
		Kicked       *core.ID       `json:"kicked"`
		Suspended    *core.ID       `json:"suspended"`
		Resumed      *core.ID       `json:"resumed"`
		KickedAll    *core.ID       `json:"kicked_all"`
		Muted        *bool          `json:"muted"`
		Result       string         `json:"result"`
		FileID       string         `json:"file_id"`
		RTP          *RTPInfo       `json:"rtp"`
		ErrorCode    int            `json:"error_code"`
	}
	if ev.Decode(&d) != nil || d.ErrorCode != 0 {
		return ev
	}
	id := func() core.ID {
		if d.ID == nil {
			return core.ID{}
		}
		return *d.ID
	}
	participants := func() []Participant {
		if d.Participants == nil {
			return nil
		}
		return *d.Participants
	}
	switch d.AudioBridge {
	case "joined":
		if d.ID != nil {
			return &Joined{PluginEvent: ev, Room: d.Room, Participant: *d.ID, Participants: participants(), RTP: d.RTP}
		}
		return &ParticipantsJoined{PluginEvent: ev, Room: d.Room, Participants: participants()}
	case "roomchanged":
		return &RoomChanged{PluginEvent: ev, Room: d.Room, Participant: id(), Participants: participants()}
	case "left":
		return &Left{PluginEvent: ev, Room: d.Room, Participant: id()}
	case "destroyed":
		return &Destroyed{PluginEvent: ev, Room: d.Room}
	case "talking":
		return &Talking{PluginEvent: ev, Room: d.Room, Participant: id()}
	case "stopped-talking":
		return &StoppedTalking{PluginEvent: ev, Room: d.Room, Participant: id()}
	case "announcement-started":
		return &AnnouncementStarted{PluginEvent: ev, Room: d.Room, FileID: d.FileID}
	case "announcement-stopped":
		return &AnnouncementStopped{PluginEvent: ev, Room: d.Room, FileID: d.FileID}
	case "hangingup":
		return &HangingUp{PluginEvent: ev}
	case "event":
		switch {
		case d.Suspended != nil:
			return &Suspended{PluginEvent: ev, Room: d.Room, Participant: *d.Suspended}
		case d.Resumed != nil: // before participants: the recap has both
			return &Resumed{PluginEvent: ev, Room: d.Room, Participant: *d.Resumed, Participants: participants()}
		case d.Participants != nil:
			return &ParticipantsUpdated{PluginEvent: ev, Room: d.Room, Participants: *d.Participants}
		case d.Leaving != nil:
			return &Leaving{PluginEvent: ev, Room: d.Room, Participant: *d.Leaving}
		case d.Kicked != nil:
			return &Kicked{PluginEvent: ev, Room: d.Room, Participant: *d.Kicked}
		case d.KickedAll != nil:
			return &KickedAll{PluginEvent: ev, Room: d.Room, Participant: *d.KickedAll}
		case d.Muted != nil:
			return &RoomMuted{PluginEvent: ev, Room: d.Room, Muted: *d.Muted}
		case d.Result != "":
			return &Result{PluginEvent: ev, Result: d.Result}
		}
	}
	return ev
}
