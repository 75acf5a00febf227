package videoroom

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"sync"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/queue"
)

// Participant is one participant of a room, as a Roster knows it.
type Participant struct {
	ID      core.ID
	Display string
	// Metadata is the participant's JSON object (JoinRequest.Metadata),
	// if any (Janus 1.3.0; attendees' since 1.3.3).
	Metadata json.RawMessage
	// Publisher is set while the participant publishes (its streams are
	// announced); attendees of rooms with notify_joining are listed with
	// Publisher false.
	Publisher bool
	// Streams are the published streams (nil when not publishing).
	Streams []PublishedStream
	// Talking is set while any of its audio streams is talking (rooms
	// with audiolevel_event).
	Talking bool
	// Dummy is set for the room's placeholder publisher.
	Dummy bool
}

// ChangeKind tells what a RosterChange did.
type ChangeKind int

// Kinds of roster changes.
const (
	// ParticipantAdded: a participant appeared (joined, or started
	// publishing when the room does not announce plain joins).
	ParticipantAdded ChangeKind = iota + 1
	// ParticipantUpdated: its display name, metadata, streams,
	// publishing state, moderation or talking state changed.
	ParticipantUpdated
	// ParticipantRemoved: it left, or was kicked out (RosterChange.Kicked).
	ParticipantRemoved
	// RosterCleared: the roster was emptied because the room was
	// destroyed, or because this participant left or was kicked out.
	RosterCleared
)

// String returns the kind's name.
func (k ChangeKind) String() string {
	switch k {
	case ParticipantAdded:
		return "added"
	case ParticipantUpdated:
		return "updated"
	case ParticipantRemoved:
		return "removed"
	case RosterCleared:
		return "cleared"
	}
	return "unknown"
}

// RosterChange is one change of a Roster, given to its OnChange
// callbacks.
type RosterChange struct {
	Kind ChangeKind
	// Participant is the participant's state after the change (its last
	// state for ParticipantRemoved; zero for RosterCleared).
	Participant Participant
	// Kicked is set when a participant was removed by a moderator, or when
	// the roster was cleared because this participant was kicked.
	Kicked bool
	// Event is the event that caused the change.
	Event core.Event
	// Missed counts the changes dropped just before this one because the
	// callbacks fell more than MaxQueuedChanges behind; call
	// Roster.Participants to catch up.
	Missed int
}

// MaxQueuedChanges is how many changes a Roster queues for slow
// callbacks before it drops the oldest.
const MaxQueuedChanges = 4096

// maxPending bounds the events buffered while a join is in flight.
const maxPending = 4096

// Roster keeps the list of the other participants of one room up to date
// from the plugin's events: who joined (publishers, and attendees in
// rooms with notify_joining), their display names, streams, moderation
// and talking state. The local participant itself is not listed.
//
// A Publisher's roster is fed automatically: the Joined answer seeds it
// and the handle's event decoder applies every later event in the read
// loop, so it is current whenever the application looks. Apply feeds a
// roster by hand, for handles joined some other way.
//
// A Roster is safe for concurrent use. OnChange callbacks never run in the
// connection's read loop: each roster delivers its changes in order on a
// goroutine of its own, started when there is something to deliver and
// ended when the queue is empty. A slow callback delays the next changes
// (up to MaxQueuedChanges, then the oldest are dropped and counted in
// RosterChange.Missed), never the connection.
type Roster struct {
	mu    sync.Mutex
	room  core.ID
	self  core.ID
	seq   uint64
	parts map[core.ID]*rosterEntry

	// While a join is in flight, events are held until its Joined answer
	// seeds the roster, then replayed in order.
	awaiting bool
	pending  []core.Event

	subs    map[int]func(RosterChange)
	nextSub int
	changes queue.Queue[RosterChange] // to the callbacks, on a goroutine of its own
}

type rosterEntry struct {
	seq uint64
	p   Participant
}

// NewRoster returns an empty roster, to feed with Apply.
func NewRoster() *Roster {
	r := &Roster{parts: map[core.ID]*rosterEntry{}, subs: map[int]func(RosterChange){}}
	r.changes = queue.Queue[RosterChange]{Max: MaxQueuedChanges,
		Consumer: queue.Funcs[RosterChange]{DeliverFunc: r.deliver}}
	return r
}

// Room returns the room the roster follows (zero before a Joined event).
func (r *Roster) Room() core.ID {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.room
}

// Self returns the local participant's id, learnt from Joined; events
// about it do not change the roster.
func (r *Roster) Self() core.ID {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.self
}

// Len returns how many participants the roster lists.
func (r *Roster) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.parts)
}

// Participants returns a snapshot of the participants, in the order the
// roster learnt about them (join order as far as the events tell).
func (r *Roster) Participants() []Participant {
	r.mu.Lock()
	entries := make([]*rosterEntry, 0, len(r.parts))
	for _, e := range r.parts {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].seq < entries[j].seq })
	out := make([]Participant, len(entries))
	for i, e := range entries {
		out[i] = e.p.clone()
	}
	r.mu.Unlock()
	return out
}

// Participant returns one participant by id.
func (r *Roster) Participant(id core.ID) (Participant, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.parts[id]
	if !ok {
		return Participant{}, false
	}
	return e.p.clone(), true
}

// OnChange registers fn to be called with every later change, in order,
// on the roster's delivery goroutine (see Roster). It returns a function
// that unregisters fn.
func (r *Roster) OnChange(fn func(RosterChange)) (stop func()) {
	r.mu.Lock()
	id := r.nextSub
	r.nextSub++
	r.subs[id] = fn
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.subs, id)
		r.mu.Unlock()
	}
}

// Apply updates the roster from one event (as decoded by DecodeEvent) and
// reports whether the roster changed. Events of other kinds, of another
// room, or about the local participant are ignored. A *Joined event
// (re)seeds the roster.
func (r *Roster) Apply(ev core.Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := ev.(*Joined); ok {
		changes := r.seed(j)
		pending := r.pending
		r.awaiting, r.pending = false, nil
		for _, p := range pending {
			changes = append(changes, r.apply(p)...)
		}
		r.notify(changes)
		return len(changes) > 0
	}
	if r.awaiting {
		if relevant(ev) {
			if len(r.pending) >= maxPending {
				r.pending = r.pending[1:]
			}
			r.pending = append(r.pending, ev)
		}
		return false
	}
	changes := r.apply(ev)
	r.notify(changes)
	return len(changes) > 0
}

// expectJoin holds events until the Joined answer of a join in flight.
func (r *Roster) expectJoin() {
	r.mu.Lock()
	r.awaiting, r.pending = true, nil
	r.mu.Unlock()
}

// cancelJoin drops what expectJoin held, after a failed join.
func (r *Roster) cancelJoin() {
	r.mu.Lock()
	r.awaiting, r.pending = false, nil
	r.mu.Unlock()
}

// relevant reports whether Apply may do something with ev.
func relevant(ev core.Event) bool {
	switch ev.(type) {
	case *Publishers, *Joining, *Leaving, *Unpublished, *Kicked, *Destroyed, *Left,
		*DisplayChanged, *MetadataChanged, *Talking, *Moderation:
		return true
	}
	return false
}

// seed resets the roster from a Joined event. r.mu is held.
func (r *Roster) seed(j *Joined) []RosterChange {
	var changes []RosterChange
	if len(r.parts) > 0 {
		changes = append(changes, r.clear(j, false)...)
	}
	r.room, r.self = j.Room, j.Participant
	for _, a := range j.Attendees {
		if c, ok := r.upsertAttendee(j, Attendee{ID: a.ID, Display: a.Display, Metadata: a.Metadata}); ok {
			changes = append(changes, c)
		}
	}
	for _, p := range j.Publishers {
		if c, ok := r.upsertPublisher(j, p); ok {
			changes = append(changes, c)
		}
	}
	return changes
}

// apply handles every event but Joined. r.mu is held.
func (r *Roster) apply(ev core.Event) []RosterChange {
	one := func(c RosterChange, ok bool) []RosterChange {
		if !ok {
			return nil
		}
		return []RosterChange{c}
	}
	switch e := ev.(type) {
	case *Publishers:
		if !r.sameRoom(e.Room) {
			return nil
		}
		var changes []RosterChange
		for _, p := range e.Publishers {
			if c, ok := r.upsertPublisher(e, p); ok {
				changes = append(changes, c)
			}
		}
		return changes
	case *Joining:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return one(r.upsertAttendee(e, Attendee{ID: e.Participant, Display: e.Display, Metadata: e.Metadata}))
	case *Leaving:
		if !r.sameRoom(e.Room) {
			return nil
		}
		ent, ok := r.parts[e.Participant]
		if !ok {
			return nil
		}
		delete(r.parts, e.Participant)
		return []RosterChange{{Kind: ParticipantRemoved, Participant: ent.p.clone(), Kicked: e.Kicked, Event: ev}}
	case *Unpublished:
		if !r.sameRoom(e.Room) || e.Participant.IsZero() {
			return nil
		}
		return one(r.update(ev, e.Participant, func(p *Participant) bool {
			if !p.Publisher && p.Streams == nil && !p.Talking {
				return false
			}
			p.Publisher, p.Streams, p.Talking = false, nil, false
			return true
		}))
	case *DisplayChanged:
		return one(r.update(ev, e.Participant, func(p *Participant) bool {
			changed := setMetadata(p, e.Metadata)
			if p.Display == e.Display {
				return changed
			}
			p.Display = e.Display
			return true
		}))
	case *MetadataChanged:
		return one(r.update(ev, e.Participant, func(p *Participant) bool { return setMetadata(p, e.Metadata) }))
	case *Talking:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return one(r.update(ev, e.Participant, func(p *Participant) bool {
			changed, found := false, false
			for i := range p.Streams {
				if p.Streams[i].Mid == e.Mid {
					found = true
					if t := p.Streams[i].Talking; t == nil || *t != e.Talking {
						p.Streams[i].Talking = core.Ptr(e.Talking)
						changed = true
					}
				}
			}
			talking := e.Talking
			if found {
				talking = anyTalking(p.Streams)
			}
			if p.Talking != talking {
				p.Talking = talking
				changed = true
			}
			return changed
		}))
	case *Moderation:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return one(r.update(ev, e.Participant, func(p *Participant) bool {
			changed := false
			for i := range p.Streams {
				if p.Streams[i].Mid == e.Mid && p.Streams[i].Moderated != e.Muted {
					p.Streams[i].Moderated = e.Muted
					changed = true
				}
			}
			return changed
		}))
	case *Kicked:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return r.clear(ev, true)
	case *Destroyed:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return r.clear(ev, false)
	case *Left:
		if !r.sameRoom(e.Room) {
			return nil
		}
		return r.clear(ev, false)
	}
	return nil
}

// sameRoom reports whether an event's room is the roster's (or either is
// unknown).
func (r *Roster) sameRoom(room core.ID) bool {
	return r.room.IsZero() || room.IsZero() || room == r.room
}

// clear empties the roster. r.mu is held.
func (r *Roster) clear(ev core.Event, kicked bool) []RosterChange {
	r.parts = map[core.ID]*rosterEntry{}
	return []RosterChange{{Kind: RosterCleared, Kicked: kicked, Event: ev}}
}

// upsertAttendee adds a participant that joined without publishing, or
// updates its display name and metadata. r.mu is held.
func (r *Roster) upsertAttendee(ev core.Event, a Attendee) (RosterChange, bool) {
	id := a.ID
	if id.IsZero() || id == r.self {
		return RosterChange{}, false
	}
	if ent, ok := r.parts[id]; ok {
		changed := setMetadata(&ent.p, a.Metadata)
		if ent.p.Display == a.Display && !changed {
			return RosterChange{}, false
		}
		ent.p.Display = a.Display
		return RosterChange{Kind: ParticipantUpdated, Participant: ent.p.clone(), Event: ev}, true
	}
	r.seq++
	ent := &rosterEntry{seq: r.seq, p: Participant{ID: id, Display: a.Display, Metadata: slices.Clone(a.Metadata)}}
	r.parts[id] = ent
	return RosterChange{Kind: ParticipantAdded, Participant: ent.p.clone(), Event: ev}, true
}

// upsertPublisher adds or updates an active publisher. r.mu is held.
func (r *Roster) upsertPublisher(ev core.Event, info PublisherInfo) (RosterChange, bool) {
	if info.ID.IsZero() || info.ID == r.self {
		return RosterChange{}, false
	}
	p := Participant{
		ID: info.ID, Display: info.Display, Publisher: true, Dummy: info.Dummy,
		Metadata: slices.Clone(info.Metadata), Streams: slices.Clone(info.Streams),
	}
	if info.Talking != nil {
		p.Talking = *info.Talking
	} else {
		p.Talking = anyTalking(p.Streams)
	}
	kind := ParticipantUpdated
	ent, ok := r.parts[info.ID]
	if !ok {
		r.seq++
		ent = &rosterEntry{seq: r.seq}
		r.parts[info.ID] = ent
		kind = ParticipantAdded
	}
	ent.p = p
	return RosterChange{Kind: kind, Participant: p.clone(), Event: ev}, true
}

// update changes one known participant with fn, which reports whether it
// changed anything. r.mu is held.
func (r *Roster) update(ev core.Event, id core.ID, fn func(*Participant) bool) (RosterChange, bool) {
	ent, ok := r.parts[id]
	if !ok || !fn(&ent.p) {
		return RosterChange{}, false
	}
	return RosterChange{Kind: ParticipantUpdated, Participant: ent.p.clone(), Event: ev}, true
}

func anyTalking(streams []PublishedStream) bool {
	for _, s := range streams {
		if s.Talking != nil && *s.Talking {
			return true
		}
	}
	return false
}

// setMetadata gives p the metadata m, when an event carries some (a nil
// m says nothing), and reports whether that changed p.
func setMetadata(p *Participant, m json.RawMessage) bool {
	if m == nil || bytes.Equal(p.Metadata, m) {
		return false
	}
	p.Metadata = slices.Clone(m)
	return true
}

// clone returns a copy that shares nothing mutable with p.
func (p Participant) clone() Participant {
	p.Metadata = slices.Clone(p.Metadata)
	if p.Streams != nil {
		p.Streams = slices.Clone(p.Streams)
		for i := range p.Streams {
			if t := p.Streams[i].Talking; t != nil {
				p.Streams[i].Talking = core.Ptr(*t)
			}
		}
	}
	return p
}

// notify queues changes for the callbacks (see queue.Queue: the oldest
// are dropped past MaxQueuedChanges, and counted in the next one's
// Missed). r.mu is held.
func (r *Roster) notify(changes []RosterChange) {
	if len(r.subs) == 0 {
		return
	}
	for _, c := range changes {
		r.changes.Push(c)
	}
}

// deliver calls the callbacks with one change, in the order they
// subscribed; it runs on the queue's goroutine.
func (r *Roster) deliver(c RosterChange, missed int) bool {
	c.Missed = missed
	r.mu.Lock()
	ids := make([]int, 0, len(r.subs))
	for id := range r.subs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	fns := make([]func(RosterChange), len(ids))
	for i, id := range ids {
		fns[i] = r.subs[id]
	}
	r.mu.Unlock()
	for _, fn := range fns {
		fn(c)
	}
	return true
}
