package janodetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// interopTimeout bounds the whole interop test.
const interopTimeout = 90 * time.Second

// eventTimeout bounds the wait for one event.
const eventTimeout = 10 * time.Second

// What driver.mjs answers, as janode's VideoRoom plugin returns it.
type (
	janodeCreated struct {
		Room core.ID `json:"room"`
	}
	janodeRooms struct {
		List []janodeRoomInfo `json:"list"`
	}
	janodeRoomInfo struct {
		Room            core.ID `json:"room"`
		Description     string  `json:"description"`
		MaxPublishers   int     `json:"max_publishers"`
		NumParticipants int     `json:"num_participants"`
	}
	janodeExists struct {
		Room   core.ID `json:"room"`
		Exists bool    `json:"exists"`
	}
	janodeJoined struct {
		Room        core.ID `json:"room"`
		Feed        core.ID `json:"feed"`
		Description string  `json:"description"`
		Display     string  `json:"display"`
		Publishers  []struct {
			Feed    core.ID `json:"feed"`
			Display string  `json:"display"`
		} `json:"publishers"`
	}
	janodeRoom struct {
		Room core.ID `json:"room"`
	}
)

// TestJanodeInterop runs janode and gojanus on one Janus, each working on
// the VideoRoom rooms of the other: janode creates a room that gojanus
// finds, joins, lists the participants of and destroys; gojanus creates a
// room that janode finds and joins while gojanus, joined too, sees it in the
// participant list, and janode's destroy reaches gojanus's participant as a
// typed Destroyed event.
func TestJanodeInterop(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	dir := requireJanode(t)
	ctx, cancel := context.WithTimeout(context.Background(), interopTimeout)
	defer cancel()

	jn := startDriver(t, dir)
	var conn struct {
		Session uint64 `json:"session"`
	}
	jn.must(ctx, t, "connect", map[string]any{"url": srv.WSURL}, &conn)
	if conn.Session == 0 {
		t.Fatal("janode created a session with id 0")
	}
	jn.must(ctx, t, "attach", map[string]any{"handle": "admin", "plugin": "videoroom"}, nil)

	c, err := core.Dial(ctx, srv.WSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Destroy(context.Background())
	admin, err := videoroom.Attach(ctx, s)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("janode creates", func(t *testing.T) {
		desc := fmt.Sprintf("created by janode %d", time.Now().UnixNano())
		const maxPub = 4
		var created janodeCreated
		jn.must(ctx, t, "create", map[string]any{"handle": "admin", "description": desc, "max_publishers": maxPub}, &created)
		if created.Room.IsZero() {
			t.Fatal("janode's create returned no room id")
		}
		room := created.Room
		t.Logf("janode created room %s", room)

		rooms, err := admin.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rooms, func(r videoroom.RoomInfo) bool { return r.Room == room })
		if i < 0 {
			t.Fatalf("gojanus does not list janode's room %s among %d rooms: %+v", room, len(rooms), rooms)
		}
		if got := rooms[i]; got.Description != desc || got.MaxPublishers != maxPub || got.NumParticipants != 0 {
			t.Errorf("gojanus lists janode's room as description %q, max publishers %d, %d participants; want %q, %d, 0",
				got.Description, got.MaxPublishers, got.NumParticipants, desc, maxPub)
		}

		const display = "gojanus alice"
		pub, joined, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Display: display})
		if err != nil {
			t.Fatalf("gojanus joining janode's room: %v", err)
		}
		if joined.Room != room || joined.Description != desc || joined.Participant.IsZero() || len(joined.Publishers) != 0 {
			t.Errorf("gojanus joined room %s (%q) as %s with %d publishers; want room %s (%q), an id, no publishers",
				joined.Room, joined.Description, joined.Participant, len(joined.Publishers), room, desc)
		}

		parts, err := admin.ListParticipants(ctx, room)
		if err != nil {
			t.Fatal(err)
		}
		want := []videoroom.ParticipantInfo{{ID: pub.ParticipantID(), Display: display}}
		if !sameParticipants(parts, want) {
			t.Errorf("participants of janode's room: %+v, want %+v", parts, want)
		}

		res, err := admin.Destroy(ctx, videoroom.DestroyRequest{Room: room})
		if err != nil {
			t.Fatalf("gojanus destroying janode's room: %v", err)
		}
		if res.Room != room {
			t.Errorf("gojanus destroyed room %s, want %s", res.Room, room)
		}
		waitDestroyed(ctx, t, pub, room)

		var ex janodeExists
		jn.must(ctx, t, "exists", map[string]any{"handle": "admin", "room": room}, &ex)
		if ex.Exists || ex.Room != room {
			t.Errorf("janode: exists(%s) = %+v after gojanus destroyed it, want it gone", room, ex)
		}
		var list janodeRooms
		jn.must(ctx, t, "list", map[string]any{"handle": "admin"}, &list)
		for _, r := range list.List {
			if r.Room == room {
				t.Errorf("janode still lists room %s after gojanus destroyed it", room)
			}
		}
	})

	t.Run("gojanus creates", func(t *testing.T) {
		desc := fmt.Sprintf("created by gojanus %d", time.Now().UnixNano())
		const maxPub = 5
		created, err := admin.Create(ctx, videoroom.CreateRequest{Description: desc, Publishers: maxPub})
		if err != nil {
			t.Fatal(err)
		}
		room := created.Room
		if room.IsZero() {
			t.Fatal("gojanus's create returned no room id")
		}
		t.Logf("gojanus created room %s", room)

		// gojanus's participant, which will receive the Destroyed event.
		const goDisplay = "gojanus bob"
		pub, _, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: room, Display: goDisplay})
		if err != nil {
			t.Fatalf("gojanus joining its room: %v", err)
		}

		var list janodeRooms
		jn.must(ctx, t, "list", map[string]any{"handle": "admin"}, &list)
		i := slices.IndexFunc(list.List, func(r janodeRoomInfo) bool { return r.Room == room })
		if i < 0 {
			t.Fatalf("janode does not list gojanus's room %s among %d rooms: %+v", room, len(list.List), list.List)
		}
		if got := list.List[i]; got.Description != desc || got.MaxPublishers != maxPub || got.NumParticipants != 1 {
			t.Errorf("janode lists gojanus's room as description %q, max publishers %d, %d participants; want %q, %d, 1",
				got.Description, got.MaxPublishers, got.NumParticipants, desc, maxPub)
		}

		const jnDisplay = "janode carol"
		jn.must(ctx, t, "attach", map[string]any{"handle": "carol", "plugin": "videoroom"}, nil)
		var joined janodeJoined
		jn.must(ctx, t, "join", map[string]any{"handle": "carol", "room": room, "display": jnDisplay}, &joined)
		if joined.Room != room || joined.Description != desc || joined.Feed.IsZero() || joined.Display != jnDisplay {
			t.Errorf("janode joined room %s (%q) as %s %q; want room %s (%q), an id, %q",
				joined.Room, joined.Description, joined.Feed, joined.Display, room, desc, jnDisplay)
		}
		if len(joined.Publishers) != 0 {
			t.Errorf("janode sees publishers %+v in a room where nobody publishes", joined.Publishers)
		}

		// janode stays joined while gojanus looks.
		parts, err := admin.ListParticipants(ctx, room)
		if err != nil {
			t.Fatal(err)
		}
		want := []videoroom.ParticipantInfo{
			{ID: pub.ParticipantID(), Display: goDisplay},
			{ID: joined.Feed, Display: jnDisplay},
		}
		if !sameParticipants(parts, want) {
			t.Errorf("participants of gojanus's room: %+v, want %+v", parts, want)
		}

		var destroyed janodeRoom
		jn.must(ctx, t, "destroy", map[string]any{"handle": "admin", "room": room}, &destroyed)
		if destroyed.Room != room {
			t.Errorf("janode destroyed room %s, want %s", destroyed.Room, room)
		}
		waitDestroyed(ctx, t, pub, room)

		// janode's own participant hears of it too, as an event of its
		// VideoRoom handle.
		var ev janodeRoom
		jn.must(ctx, t, "event", map[string]any{"handle": "carol", "name": "videoroom_destroyed", "timeout_ms": eventTimeout.Milliseconds()}, &ev)
		if ev.Room != room {
			t.Errorf("janode's participant got videoroom_destroyed for room %s, want %s", ev.Room, room)
		}

		exists, err := admin.Exists(ctx, room)
		if err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("gojanus: room %s exists after janode destroyed it", room)
		}
	})

	if err := jn.call(ctx, "close", map[string]any{}, nil); err != nil {
		t.Error(err)
	}
}

// sameParticipants reports whether got lists exactly the participants of
// want (by id and display name, in any order), none of them publishing.
func sameParticipants(got, want []videoroom.ParticipantInfo) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g videoroom.ParticipantInfo) bool {
			return g.ID == w.ID && g.Display == w.Display && !g.Publisher
		}) {
			return false
		}
	}
	return true
}

// waitDestroyed waits until pub's handle receives the typed Destroyed event
// of room, skipping other events.
func waitDestroyed(ctx context.Context, t *testing.T, pub *videoroom.Publisher, room core.ID) {
	t.Helper()
	timer := time.NewTimer(eventTimeout)
	defer timer.Stop()
	var seen []string
	for {
		select {
		case ev, ok := <-pub.Events():
			if !ok {
				t.Fatalf("gojanus's participant %s: event stream closed before a Destroyed event (after %v): %v", pub.ParticipantID(), seen, pub.Err())
			}
			if d, ok := ev.(*videoroom.Destroyed); ok {
				if d.Room != room {
					t.Errorf("gojanus's participant got Destroyed for room %s, want %s", d.Room, room)
				}
				return
			}
			seen = append(seen, fmt.Sprintf("%T", ev))
		case <-timer.C:
			t.Fatalf("gojanus's participant %s got no Destroyed event within %v (events: %v)", pub.ParticipantID(), eventTimeout, seen)
		case <-ctx.Done():
			t.Fatalf("waiting for Destroyed: %v", ctx.Err())
		}
	}
}
