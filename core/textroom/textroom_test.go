package textroom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/textroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// dial opens a client, a session and a TextRoom handle.
func dial(ctx context.Context, t *testing.T, url string) (*core.Session, *textroom.Handle) {
	t.Helper()
	c, err := core.Dial(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := textroom.Attach(ctx, s)
	require.NoError(t, err)
	require.Equal(t, textroom.Plugin, h.Plugin())
	return s, h
}

// requireCode checks that err is the plugin's error want, named after
// the request.
func requireCode(t *testing.T, err error, want *core.PluginError) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var pe *core.PluginError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, want.Code, pe.Code, pe.Reason)
	assert.Equal(t, textroom.Plugin, pe.Plugin)
	assert.NotEmpty(t, pe.Request, "the error names the request")
}

func findRoom(rooms []textroom.Room, id core.ID) *textroom.Room {
	for i := range rooms {
		if rooms[i].Room == id {
			return &rooms[i]
		}
	}
	return nil
}

// answerFor builds a syntactically valid SDP answer to Janus's data
// channel offer: one m=application line per offered one, same mids.
func answerFor(t *testing.T, offer string) *core.JSEP {
	t.Helper()
	var mids []string
	for _, l := range strings.Split(offer, "\r\n") {
		if m, ok := strings.CutPrefix(l, "a=mid:"); ok {
			mids = append(mids, m)
		}
	}
	require.NotEmpty(t, mids, "offer without mids:\n%s", offer)
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1707000000000 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
	b.WriteString("a=group:BUNDLE " + strings.Join(mids, " ") + "\r\n")
	for _, mid := range mids {
		b.WriteString("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n")
		b.WriteString("a=ice-ufrag:Tr0m\r\na=ice-pwd:kq0Qh1Zqpa9n5yJcTzVfqG0V\r\na=ice-options:trickle\r\n")
		b.WriteString("a=fingerprint:sha-256 2C:5C:91:7B:1A:0F:0E:0D:7C:6E:52:3B:1F:97:2F:2D:7D:4B:5C:33:45:1E:9D:5B:1E:40:0A:53:59:54:4B:7D\r\n")
		b.WriteString("a=setup:active\r\na=mid:" + mid + "\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n")
	}
	return &core.JSEP{Type: "answer", SDP: b.String()}
}

func TestTextRoomAgainstJanus(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	for i, url := range []string{srv.WSURL, srv.HTTPURL} {
		t.Run(url[:4], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, h := dial(ctx, t, url)
			demo := core.NumID(1234)
			id := core.NumID(uint64(7000 + i))

			// The configured demo room is listed.
			rooms, err := h.List(ctx)
			require.NoError(t, err)
			d := findRoom(rooms, demo)
			require.NotNil(t, d, "%+v", rooms)
			assert.Equal(t, "Demo Room", d.Description)
			assert.False(t, d.Room.IsString())

			// Create, then the same id again.
			cr, err := h.Create(ctx, textroom.CreateRequest{Room: id, Description: "Chat", Secret: "s3cret", History: 5})
			require.NoError(t, err)
			assert.Equal(t, id, cr.Room)
			assert.False(t, cr.Permanent)
			_, err = h.Create(ctx, textroom.CreateRequest{Room: id})
			requireCode(t, err, textroom.ErrRoomExists)
			assert.Contains(t, err.Error(), "janus: textroom: create: error 418: ")

			rooms, err = h.List(ctx)
			require.NoError(t, err)
			r := findRoom(rooms, id)
			require.NotNil(t, r)
			assert.Equal(t, textroom.Room{Room: id, Description: "Chat", History: 5}, *r)

			// A private room is not listed.
			priv, err := h.Create(ctx, textroom.CreateRequest{IsPrivate: core.Ptr(true), Pin: "1111"})
			require.NoError(t, err)
			assert.False(t, priv.Room.IsZero())
			rooms, err = h.List(ctx)
			require.NoError(t, err)
			assert.Nil(t, findRoom(rooms, priv.Room))

			// Exists.
			ok, err := h.Exists(ctx, id)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = h.Exists(ctx, core.NumID(987654321))
			require.NoError(t, err)
			assert.False(t, ok)

			// Edit: the secret is checked, the description changes.
			_, err = h.Edit(ctx, textroom.EditRequest{Room: id, Secret: "wrong", NewDescription: "x"})
			requireCode(t, err, textroom.ErrUnauthorized)
			ed, err := h.Edit(ctx, textroom.EditRequest{Room: id, Secret: "s3cret", NewDescription: "Renamed", NewPin: "4321"})
			require.NoError(t, err)
			assert.Equal(t, &textroom.EditResult{Room: id}, ed)
			rooms, err = h.List(ctx)
			require.NoError(t, err)
			r = findRoom(rooms, id)
			require.NotNil(t, r)
			assert.Equal(t, "Renamed", r.Description)
			assert.True(t, r.PinRequired)
			_, err = h.Edit(ctx, textroom.EditRequest{Room: core.NumID(987654321), NewDescription: "x"})
			requireCode(t, err, textroom.ErrNoSuchRoom)

			// Participants: nobody yet (joining needs the data channel).
			ps, err := h.ListParticipants(ctx, id)
			require.NoError(t, err)
			assert.Empty(t, ps)
			_, err = h.ListParticipants(ctx, core.NumID(987654321))
			requireCode(t, err, textroom.ErrNoSuchRoom)

			// The token access list.
			al, err := h.Allowed(ctx, textroom.AllowedRequest{Room: id, Secret: "s3cret", Action: textroom.ActionAdd, Allowed: []string{"t1", "t2"}})
			require.NoError(t, err)
			assert.Equal(t, id, al.Room)
			assert.ElementsMatch(t, []string{"t1", "t2"}, al.Allowed)
			al, err = h.Allowed(ctx, textroom.AllowedRequest{Room: id, Secret: "s3cret", Action: textroom.ActionRemove, Allowed: []string{"t1"}})
			require.NoError(t, err)
			assert.Equal(t, []string{"t2"}, al.Allowed)
			al, err = h.Allowed(ctx, textroom.AllowedRequest{Room: id, Secret: "s3cret", Action: textroom.ActionDisable})
			require.NoError(t, err)
			assert.Nil(t, al.Allowed)
			_, err = h.Allowed(ctx, textroom.AllowedRequest{Room: id, Secret: "s3cret", Action: "ban"})
			requireCode(t, err, textroom.ErrInvalidElement)

			// Kick: an unknown user, an unknown room, a wrong secret.
			err = h.Kick(ctx, textroom.KickRequest{Room: id, Secret: "s3cret", Username: "nobody"})
			requireCode(t, err, textroom.ErrNoSuchUser)
			err = h.Kick(ctx, textroom.KickRequest{Room: core.NumID(987654321), Username: "nobody"})
			requireCode(t, err, textroom.ErrNoSuchRoom)
			err = h.Kick(ctx, textroom.KickRequest{Room: id, Username: "nobody"})
			requireCode(t, err, textroom.ErrMissingElement)

			// Announcements.
			require.NoError(t, h.Announcement(ctx, textroom.AnnouncementRequest{Room: id, Secret: "s3cret", Text: "Welcome"}))
			require.NoError(t, h.Announcement(ctx, textroom.AnnouncementRequest{Room: demo, Secret: "adminpwd", Text: "Hello demo"}))
			err = h.Announcement(ctx, textroom.AnnouncementRequest{Room: id, Secret: "nope", Text: "x"})
			requireCode(t, err, textroom.ErrUnauthorized)

			// An unknown request.
			_, err = h.Message(ctx, map[string]any{"request": "fly"})
			require.ErrorIs(t, err, textroom.ErrInvalidRequest)
			assert.Equal(t, 415, textroom.ErrInvalidRequest.Code)

			// Data channel negotiation: restart before setup fails, setup
			// gives Janus's offer, ack takes the answer, restart a new offer.
			_, err = h.Restart(ctx)
			requireCode(t, err, textroom.ErrAlreadySetup)
			offer, err := h.Setup(ctx)
			require.NoError(t, err)
			require.NotNil(t, offer)
			assert.Equal(t, "offer", offer.Type)
			assert.Contains(t, offer.SDP, "m=application")
			assert.Contains(t, offer.SDP, "webrtc-datachannel")
			_, err = h.Setup(ctx)
			requireCode(t, err, textroom.ErrAlreadySetup)
			require.NoError(t, h.Ack(ctx, answerFor(t, offer.SDP)))
			offer2, err := h.Restart(ctx)
			require.NoError(t, err)
			assert.Equal(t, "offer", offer2.Type)
			assert.Contains(t, offer2.SDP, "webrtc-datachannel")
			require.NoError(t, h.Ack(ctx, answerFor(t, offer2.SDP)))

			// Destroy.
			_, err = h.Destroy(ctx, textroom.DestroyRequest{Room: id, Secret: "bad"})
			requireCode(t, err, textroom.ErrUnauthorized)
			de, err := h.Destroy(ctx, textroom.DestroyRequest{Room: id, Secret: "s3cret"})
			require.NoError(t, err)
			assert.Equal(t, &textroom.DestroyResult{Room: id}, de)
			ok, err = h.Exists(ctx, id)
			require.NoError(t, err)
			assert.False(t, ok)
			_, err = h.Destroy(ctx, textroom.DestroyRequest{Room: id, Secret: "s3cret"})
			requireCode(t, err, textroom.ErrNoSuchRoom)
			_, err = h.Destroy(ctx, textroom.DestroyRequest{Room: priv.Room})
			require.NoError(t, err)

			// Nothing above produced a Janus API event on the handle: the
			// plugin sends room notifications on the data channel only. A
			// bound on a negative check: nothing marks "no event to come".
			select {
			case ev := <-h.Events():
				if pe, ok := ev.(*core.PluginEvent); ok {
					t.Fatalf("unexpected plugin event %s", pe.Data)
				}
			case <-time.After(200 * time.Millisecond):
			}
			require.NoError(t, s.Destroy(ctx))
		})
	}
}

func TestTextRoomStringIDs(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{StringIDs: true})
	for i, url := range []string{srv.WSURL, srv.HTTPURL} {
		t.Run(url[:4], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, h := dial(ctx, t, url)
			id := core.StrID(fmt.Sprintf("lobby-%d", i))

			cr, err := h.Create(ctx, textroom.CreateRequest{Room: id, Description: "Lobby", Secret: "pw"})
			require.NoError(t, err)
			assert.Equal(t, id, cr.Room)
			assert.True(t, cr.Room.IsString())

			// A room without an id gets a UUID string.
			auto, err := h.Create(ctx, textroom.CreateRequest{})
			require.NoError(t, err)
			assert.True(t, auto.Room.IsString())
			assert.Len(t, auto.Room.String(), 36)

			rooms, err := h.List(ctx)
			require.NoError(t, err)
			require.NotNil(t, findRoom(rooms, id))
			require.NotNil(t, findRoom(rooms, core.StrID("1234")), "the demo room is \"1234\" with string ids")

			ok, err := h.Exists(ctx, id)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = h.Exists(ctx, core.StrID("nope"))
			require.NoError(t, err)
			assert.False(t, ok)

			// A numeric id is the wrong type for this server.
			_, err = h.Exists(ctx, core.NumID(1))
			requireCode(t, err, textroom.ErrInvalidElement)

			ed, err := h.Edit(ctx, textroom.EditRequest{Room: id, Secret: "pw", NewDescription: "Hall"})
			require.NoError(t, err)
			assert.Equal(t, id, ed.Room)
			ps, err := h.ListParticipants(ctx, id)
			require.NoError(t, err)
			assert.Empty(t, ps)
			require.NoError(t, h.Announcement(ctx, textroom.AnnouncementRequest{Room: id, Secret: "pw", Text: "hi"}))
			requireCode(t, h.Kick(ctx, textroom.KickRequest{Room: id, Secret: "pw", Username: "ghost"}), textroom.ErrNoSuchUser)
			al, err := h.Allowed(ctx, textroom.AllowedRequest{Room: id, Secret: "pw", Action: textroom.ActionEnable})
			require.NoError(t, err)
			assert.Equal(t, id, al.Room)

			de, err := h.Destroy(ctx, textroom.DestroyRequest{Room: id, Secret: "pw"})
			require.NoError(t, err)
			assert.Equal(t, id, de.Room)
			_, err = h.Destroy(ctx, textroom.DestroyRequest{Room: auto.Room})
			require.NoError(t, err)
			_, err = h.Destroy(ctx, textroom.DestroyRequest{Room: id, Secret: "pw"})
			requireCode(t, err, textroom.ErrNoSuchRoom)
			require.NoError(t, s.Destroy(ctx))
		})
	}
}

func TestMarshalRequest(t *testing.T) {
	cases := []struct {
		name string
		req  textroom.Request
		want string
	}{
		{"join", textroom.JoinRequest{Room: core.NumID(1234), Username: "alice", Display: "Alice", Pin: "12", History: core.Ptr(false)},
			`{"textroom":"join","transaction":"tx1","room":1234,"username":"alice","display":"Alice","pin":"12","history":false}`},
		{"join string id", textroom.JoinRequest{Room: core.StrID("lobby"), Username: "bob", Token: "t2"},
			`{"textroom":"join","transaction":"tx1","room":"lobby","username":"bob","token":"t2"}`},
		{"message to the room", textroom.MessageRequest{Room: core.NumID(1234), Text: "hello"},
			`{"textroom":"message","transaction":"tx1","room":1234,"text":"hello"}`},
		{"whisper", &textroom.MessageRequest{Room: core.NumID(1234), Text: "psst", To: "bob", Ack: core.Ptr(false)},
			`{"textroom":"message","transaction":"tx1","room":1234,"text":"psst","to":"bob","ack":false}`},
		{"whisper to many", textroom.MessageRequest{Room: core.NumID(1234), Text: "psst", Tos: []string{"bob", "carol"}},
			`{"textroom":"message","transaction":"tx1","room":1234,"text":"psst","tos":["bob","carol"]}`},
		{"leave", textroom.LeaveRequest{Room: core.NumID(1234)},
			`{"textroom":"leave","transaction":"tx1","room":1234}`},
		{"list", textroom.ListRequest{},
			`{"textroom":"list","transaction":"tx1"}`},
		{"kick", textroom.KickRequest{Room: core.NumID(5), Secret: "s", Username: "bob"},
			`{"textroom":"kick","transaction":"tx1","room":5,"secret":"s","username":"bob"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := textroom.MarshalRequest("tx1", c.req)
			require.NoError(t, err)
			assert.JSONEq(t, c.want, string(b))
			assert.True(t, strings.HasPrefix(string(b), `{"textroom":`), "request name first: %s", b)
		})
	}
	_, err := textroom.MarshalRequest("tx1", textroom.MessageRequest{Room: core.NumID(1), Text: "x", To: "a", Tos: []string{"b"}})
	assert.Error(t, err)
	_, err = textroom.MarshalRequest("", textroom.LeaveRequest{Room: core.NumID(1)})
	assert.Error(t, err)
	_, err = textroom.MarshalRequest("tx", nil)
	assert.Error(t, err)
	_, err = textroom.MarshalRequest("tx", (*textroom.MessageRequest)(nil))
	assert.Error(t, err)

	a, b := textroom.NewTransaction(), textroom.NewTransaction()
	assert.NotEqual(t, a, b)
	assert.Len(t, a, 24)
}

// Frames as the 1.1.2 plugin writes them on the data channel (compact
// JSON, the test configuration; the stock one indents).
func TestDecodeData(t *testing.T) {
	decode := func(s string) textroom.DataMessage {
		t.Helper()
		m, err := textroom.DecodeData([]byte(s))
		require.NoError(t, err)
		return m
	}

	j := decode(`{"textroom":"join","room":1234,"username":"alice","display":"Alice"}`).(*textroom.Joined)
	assert.Equal(t, &textroom.Joined{Room: core.NumID(1234), Username: "alice", Display: "Alice"}, j)
	assert.Equal(t, "join", j.Kind())

	l := decode(`{"textroom":"leave","room":"lobby","username":"bob"}`).(*textroom.Left)
	assert.Equal(t, &textroom.Left{Room: core.StrID("lobby"), Username: "bob"}, l)

	m := decode(`{"textroom":"message","room":1234,"from":"alice","date":"2025-03-01T18:04:05+0100","text":"hello","whisper":true}`).(*textroom.Message)
	assert.Equal(t, "alice", m.From)
	assert.Equal(t, "hello", m.Text)
	assert.True(t, m.Whisper)
	assert.Equal(t, "2025-03-01T18:04:05+0100", m.DateText)
	assert.True(t, m.Date.Equal(time.Date(2025, 3, 1, 17, 4, 5, 0, time.UTC)), m.Date)
	// A history message replayed on join has the sender's display name.
	m = decode(`{"textroom":"message","room":1234,"from":"alice","date":"bad date","text":"old","display":"Alice"}`).(*textroom.Message)
	assert.False(t, m.Whisper)
	assert.Equal(t, "Alice", m.Display)
	assert.True(t, m.Date.IsZero())

	a := decode(`{"textroom":"announcement","room":1234,"date":"2025-03-01T18:04:05+0000","text":"Maintenance at noon"}`).(*textroom.Announcement)
	assert.Equal(t, "Maintenance at noon", a.Text)
	assert.Equal(t, 2025, a.Date.Year())

	k := decode(`{"textroom":"kicked","room":1234,"username":"bob"}`).(*textroom.Kicked)
	assert.Equal(t, &textroom.Kicked{Room: core.NumID(1234), Username: "bob"}, k)

	d := decode(`{"textroom":"destroyed","room":1234}`).(*textroom.RoomDestroyed)
	assert.Equal(t, core.NumID(1234), d.Room)
	assert.Equal(t, "destroyed", d.Kind())

	// Answers, matched by transaction.
	s := decode(`{"textroom":"success","participants":[{"username":"bob","display":"Bob"},{"username":"carol"}],"transaction":"tx1"}`).(*textroom.Success)
	assert.Equal(t, "tx1", s.Transaction)
	assert.Equal(t, []textroom.Participant{{Username: "bob", Display: "Bob"}, {Username: "carol"}}, s.Participants)
	s = decode(`{"textroom":"success","sent":{"bob":true,"dave":false},"transaction":"tx2"}`).(*textroom.Success)
	assert.Equal(t, map[string]bool{"bob": true, "dave": false}, s.Sent)
	s = decode(`{"textroom":"success","transaction":"tx3"}`).(*textroom.Success)
	assert.Equal(t, "tx3", s.Transaction)
	// The kick answer says "textbridge" in 1.1.2.
	s = decode(`{"textbridge":"success","transaction":"tx4"}`).(*textroom.Success)
	assert.Equal(t, "tx4", s.Transaction)
	// listparticipants answers without a "textroom" name.
	s = decode(`{"room":1234,"participants":[{"username":"alice"}],"transaction":"tx5"}`).(*textroom.Success)
	assert.Equal(t, core.NumID(1234), s.Room)
	assert.Len(t, s.Participants, 1)
	s = decode(`{"textroom":"success","list":[{"room":1234,"description":"Demo Room","pin_required":false,"num_participants":2,"history":0}],"transaction":"tx6"}`).(*textroom.Success)
	assert.Equal(t, []textroom.Room{{Room: core.NumID(1234), Description: "Demo Room", NumParticipants: 2}}, s.Rooms)
	s = decode(`{"textroom":"success","room":"lobby","exists":true,"transaction":"tx7"}`).(*textroom.Success)
	assert.True(t, s.Exists)
	var raw map[string]any
	require.NoError(t, s.Decode(&raw))
	assert.Equal(t, "lobby", raw["room"])

	f := decode(`{"textroom":"error","error_code":417,"error":"No such room (999)","transaction":"tx8"}`).(*textroom.Failure)
	assert.Equal(t, "tx8", f.Transaction)
	assert.Equal(t, "error", f.Kind())
	var pe *core.PluginError
	require.ErrorAs(t, f.Err(), &pe)
	assert.Equal(t, textroom.ErrNoSuchRoom.Code, pe.Code)
	assert.ErrorIs(t, f.Err(), textroom.ErrNoSuchRoom)
	// Without a transaction the plugin cannot name the request.
	f = decode(`{"textroom":"error","error_code":413,"error":"Missing mandatory element (transaction)"}`).(*textroom.Failure)
	assert.Empty(t, f.Transaction)

	u := decode(`{"textroom":"typing","room":1}`).(*textroom.Unknown)
	assert.Equal(t, "typing", u.Kind())

	_, err := textroom.DecodeData([]byte(`not json`))
	assert.Error(t, err)
	_, err = textroom.DecodeData([]byte(`[1]`))
	assert.Error(t, err)
}

// A round trip through both halves, as an application does it.
func TestDataRoundTrip(t *testing.T) {
	tx := textroom.NewTransaction()
	b, err := textroom.MarshalRequest(tx, textroom.MessageRequest{Room: core.NumID(1234), Text: "hi", To: "bob"})
	require.NoError(t, err)
	var sent map[string]any
	require.NoError(t, json.Unmarshal(b, &sent))
	answer := fmt.Sprintf(`{"textroom":"success","sent":{"bob":true},"transaction":%q}`, sent["transaction"])
	m, err := textroom.DecodeData([]byte(answer))
	require.NoError(t, err)
	s := m.(*textroom.Success)
	assert.Equal(t, tx, s.Transaction)
	assert.True(t, s.Sent["bob"])
}

func TestDecodeEvent(t *testing.T) {
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: textroom.Plugin, Data: []byte(data)}
	}
	r := textroom.DecodeEvent(ev(`{"textroom":"event","result":"ok"}`)).(*textroom.Result)
	assert.Equal(t, "ok", r.Result)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, r.EventSource())
	e := ev(`{"textroom":"error","error_code":416,"error":"PeerConnection already setup"}`)
	errEv := textroom.DecodeEvent(e).(*core.PluginEvent)
	assert.ErrorIs(t, errEv.Err(), textroom.ErrAlreadySetup)
	assert.IsType(t, &core.PluginEvent{}, textroom.DecodeEvent(ev(`{"textroom":"event"}`)))
	assert.IsType(t, &core.PluginEvent{}, textroom.DecodeEvent(ev(`not json`)))
}

func ExampleHandle_Create() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		panic(err)
	}
	h, err := textroom.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	room, err := h.Create(ctx, textroom.CreateRequest{Description: "Support", Secret: "adminpw"})
	if err != nil {
		panic(err)
	}
	_ = h.Announcement(ctx, textroom.AnnouncementRequest{Room: room.Room, Secret: "adminpw", Text: "Open"})
}

func ExampleMarshalRequest() {
	frame, err := textroom.MarshalRequest(textroom.NewTransaction(),
		textroom.MessageRequest{Room: core.NumID(1234), Text: "hi bob", To: "bob"})
	if err != nil {
		panic(err)
	}
	_ = frame // send it as a text message on the data channel
}

func ExampleDecodeData() {
	var received []byte // a text message from the data channel
	msg, err := textroom.DecodeData(received)
	if err != nil {
		return
	}
	switch m := msg.(type) {
	case *textroom.Message:
		fmt.Println(m.From, "says", m.Text)
	case *textroom.Joined:
		fmt.Println(m.Username, "joined")
	case *textroom.Failure:
		fmt.Println("request", m.Transaction, "failed:", m.Err())
	}
}
