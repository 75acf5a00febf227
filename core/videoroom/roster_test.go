package videoroom_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// changes collects a roster's changes on a channel.
func changes(r *videoroom.Roster) (<-chan videoroom.RosterChange, func()) {
	ch := make(chan videoroom.RosterChange, 1024)
	stop := r.OnChange(func(c videoroom.RosterChange) { ch <- c })
	return ch, stop
}

func nextChange(t *testing.T, ch <-chan videoroom.RosterChange) videoroom.RosterChange {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no roster change")
		return videoroom.RosterChange{}
	}
}

func ids(ps []videoroom.Participant) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID.String()
	}
	return out
}

func TestRosterFromEvents(t *testing.T) {
	r := videoroom.NewRoster()
	ch, stop := changes(r)
	defer stop()
	apply := func(data string) bool { return r.Apply(videoroom.DecodeEvent(pev(data))) }

	// Joined seeds: attendees and active publishers, not ourselves.
	require.True(t, apply(`{"videoroom":"joined","room":77,"description":"d","id":1,"private_id":5,
		"publishers":[{"id":7,"display":"alice","streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","talking":false}],"talking":false}],
		"attendees":[{"id":8,"display":"bob"},{"id":1,"display":"me"}]}`))
	assert.Equal(t, core.NumID(77), r.Room())
	assert.Equal(t, core.NumID(1), r.Self())
	assert.Equal(t, []string{"8", "7"}, ids(r.Participants()))
	c := nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantAdded, c.Kind)
	assert.Equal(t, "bob", c.Participant.Display)
	assert.False(t, c.Participant.Publisher)
	assert.IsType(t, &videoroom.Joined{}, c.Event)
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantAdded, c.Kind)
	assert.True(t, c.Participant.Publisher)
	assert.Len(t, c.Participant.Streams, 1)

	// A plain join (notify_joining), then that participant publishes.
	require.True(t, apply(`{"videoroom":"event","room":77,"joining":{"id":9,"display":"carol"}}`))
	assert.Equal(t, videoroom.ParticipantAdded, nextChange(t, ch).Kind)
	require.True(t, apply(`{"videoroom":"event","room":77,"publishers":[{"id":9,"display":"carol","audio_codec":"opus",
		"streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus"},{"type":"video","mindex":1,"mid":"1","codec":"vp8"}]}]}`))
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantUpdated, c.Kind)
	assert.True(t, c.Participant.Publisher)
	assert.Equal(t, []string{"8", "7", "9"}, ids(r.Participants()), "join order is kept")

	// Display name, talking and moderation changes.
	require.True(t, apply(`{"videoroom":"event","id":9,"display":"caroline"}`))
	assert.Equal(t, "caroline", nextChange(t, ch).Participant.Display)
	assert.False(t, apply(`{"videoroom":"event","id":9,"display":"caroline"}`), "no change")
	require.True(t, apply(`{"videoroom":"talking","room":77,"id":9,"mindex":0,"mid":"0","audio-level-dBov-avg":20}`))
	c = nextChange(t, ch)
	assert.True(t, c.Participant.Talking)
	assert.True(t, *c.Participant.Streams[0].Talking)
	assert.False(t, apply(`{"videoroom":"talking","room":77,"id":9,"mindex":0,"mid":"0","audio-level-dBov-avg":20}`))
	require.True(t, apply(`{"videoroom":"stopped-talking","room":77,"id":9,"mindex":0,"mid":"0","audio-level-dBov-avg":90}`))
	assert.False(t, nextChange(t, ch).Participant.Talking)
	require.True(t, apply(`{"videoroom":"event","room":77,"id":9,"mid":"1","moderation":"muted"}`))
	assert.True(t, nextChange(t, ch).Participant.Streams[1].Moderated)
	p, ok := r.Participant(core.NumID(9))
	require.True(t, ok)
	assert.True(t, p.Streams[1].Moderated)

	// Events about ourselves, unknown ids or another room change nothing.
	assert.False(t, apply(`{"videoroom":"talking","room":77,"id":1,"mindex":0,"mid":"0","audio-level-dBov-avg":20}`))
	assert.False(t, apply(`{"videoroom":"event","room":77,"leaving":12345}`))
	assert.False(t, apply(`{"videoroom":"event","room":78,"leaving":8}`))
	assert.False(t, apply(`{"videoroom":"event","room":77,"unpublished":"ok"}`))
	assert.False(t, r.Apply(&core.WebRTCUp{}))

	// Unpublishing keeps the participant, without streams.
	require.True(t, apply(`{"videoroom":"event","room":77,"unpublished":9}`))
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantUpdated, c.Kind)
	assert.False(t, c.Participant.Publisher)
	assert.Nil(t, c.Participant.Streams)

	// Leaving and kicked remove.
	require.True(t, apply(`{"videoroom":"event","room":77,"leaving":8}`))
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantRemoved, c.Kind)
	assert.Equal(t, "bob", c.Participant.Display)
	assert.False(t, c.Kicked)
	require.True(t, apply(`{"videoroom":"event","room":77,"kicked":7}`))
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.ParticipantRemoved, c.Kind)
	assert.True(t, c.Kicked)
	assert.Equal(t, []string{"9"}, ids(r.Participants()))

	// The room's destruction clears the roster.
	require.True(t, apply(`{"videoroom":"destroyed","room":77}`))
	c = nextChange(t, ch)
	assert.Equal(t, videoroom.RosterCleared, c.Kind)
	assert.Equal(t, 0, r.Len())
	assert.Equal(t, "cleared", c.Kind.String())
}

func TestRosterClearedWhenKickedOrLeft(t *testing.T) {
	for name, data := range map[string]string{
		"kicked": `{"videoroom":"event","room":"r","leaving":"ok","reason":"kicked"}`,
		"left":   `{"videoroom":"event","room":"r","leaving":"ok"}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := videoroom.NewRoster()
			r.Apply(videoroom.DecodeEvent(pev(`{"videoroom":"joined","room":"r","id":"me","private_id":1,"publishers":[],"attendees":[{"id":"x"}]}`)))
			require.Equal(t, 1, r.Len())
			ch, stop := changes(r)
			defer stop()
			require.True(t, r.Apply(videoroom.DecodeEvent(pev(data))))
			c := nextChange(t, ch)
			assert.Equal(t, videoroom.RosterCleared, c.Kind)
			assert.Equal(t, name == "kicked", c.Kicked)
			assert.Equal(t, 0, r.Len())
		})
	}
}

func TestRosterSnapshotsAreCopies(t *testing.T) {
	r := videoroom.NewRoster()
	r.Apply(videoroom.DecodeEvent(pev(`{"videoroom":"event","room":1,"publishers":[{"id":2,"streams":[{"type":"audio","mindex":0,"mid":"0","talking":true}]}]}`)))
	ps := r.Participants()
	require.Len(t, ps, 1)
	assert.True(t, ps[0].Talking)
	ps[0].Streams[0].Mid = "changed"
	*ps[0].Streams[0].Talking = false
	p, _ := r.Participant(core.NumID(2))
	assert.Equal(t, "0", p.Streams[0].Mid)
	assert.True(t, *p.Streams[0].Talking)
}

func TestRosterConcurrentUse(t *testing.T) {
	r := videoroom.NewRoster()
	var mu sync.Mutex
	seen := 0
	stop := r.OnChange(func(videoroom.RosterChange) { mu.Lock(); seen++; mu.Unlock() })
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := g*1000 + i + 1
				r.Apply(videoroom.DecodeEvent(pev(fmt.Sprintf(`{"videoroom":"event","room":1,"joining":{"id":%d}}`, id))))
				r.Apply(videoroom.DecodeEvent(pev(fmt.Sprintf(`{"videoroom":"event","room":1,"leaving":%d}`, id))))
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				_ = r.Participants()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 0, r.Len())
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return seen == 4*200*2 }, 5*time.Second, time.Millisecond)
	stop()
	// A callback added after stop sees the next change; the stopped one
	// would be called before it, with the same change.
	delivered := make(chan struct{})
	stopMarker := r.OnChange(func(videoroom.RosterChange) { close(delivered) })
	defer stopMarker()
	r.Apply(videoroom.DecodeEvent(pev(`{"videoroom":"event","room":1,"joining":{"id":5}}`)))
	select {
	case <-delivered:
	case <-time.After(5 * time.Second):
		t.Fatal("the change was not delivered")
	}
	mu.Lock()
	assert.Equal(t, 4*200*2, seen, "a stopped callback is not called")
	mu.Unlock()
}

func TestRosterSlowCallbackDropsOldest(t *testing.T) {
	r := videoroom.NewRoster()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []videoroom.RosterChange
	stop := r.OnChange(func(c videoroom.RosterChange) {
		<-release
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
	})
	defer stop()
	// Apply never blocks, however slow the callback.
	n := videoroom.MaxQueuedChanges + 100
	for i := range n {
		r.Apply(videoroom.DecodeEvent(pev(fmt.Sprintf(`{"videoroom":"event","room":1,"joining":{"id":%d}}`, i+1))))
	}
	close(release)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		total := 0
		for _, c := range got {
			total += 1 + c.Missed
		}
		return total == n
	}, 5*time.Second, time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Less(t, len(got), n)
	assert.Equal(t, fmt.Sprint(n), got[len(got)-1].Participant.ID.String(), "the newest change is delivered last")
}
