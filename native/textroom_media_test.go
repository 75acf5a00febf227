package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/textroom"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
	"github.com/gojanus/gojanus/internal/netns"
	"github.com/gojanus/gojanus/native"
)

// chatter is one TextRoom user: a handle whose PeerConnection carries
// the data channel, and the chat on it.
type chatter struct {
	name string
	h    *textroom.Handle
	peer *native.Peer
	dc   *native.DataChannel
	chat *textroom.Chat
}

// newChatter sets up a TextRoom PeerConnection with SetupPeer and opens
// the data channel the plugin answers on.
func newChatter(t *testing.T, ctx context.Context, c *core.Client, name string) *chatter {
	t.Helper()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Destroy(context.WithoutCancel(ctx)) })
	h, err := textroom.Attach(ctx, s)
	require.NoError(t, err)
	peer := namespacePeer(t)
	connected := waitConnected(peer)
	require.NoError(t, h.SetupPeer(ctx, peer, func(err error) { t.Logf("%s trickle: %v", name, err) }))
	select {
	case <-connected:
	case <-ctx.Done():
		t.Fatalf("%s not connected", name)
	}
	waitWebRTCUp(t, ctx, h.Events())
	dc, err := native.OpenDataChannel(ctx, peer, "")
	require.NoError(t, err)
	assert.Equal(t, native.JanusDataChannelLabel, dc.Channel().Label())
	chat := textroom.NewChat(dc)
	t.Cleanup(func() { _ = chat.Close() })
	return &chatter{name: name, h: h, peer: peer, dc: dc, chat: chat}
}

// nextChat reads u's chat events until one of type T, logging the
// others.
func nextChat[T textroom.DataMessage](t *testing.T, ctx context.Context, u *chatter) T {
	t.Helper()
	for {
		select {
		case m, ok := <-u.chat.Events():
			require.True(t, ok, "%s: chat closed", u.name)
			if want, ok := m.(T); ok {
				return want
			}
			t.Logf("%s: skipping %T %+v", u.name, m, m)
		case <-ctx.Done():
			var zero T
			t.Fatalf("%s: no %T on the data channel", u.name, zero)
		}
	}
}

// TestTextRoomDataChannel chats through Janus's TextRoom over real data
// channels: two users negotiate with SetupPeer, join a room created over
// the Janus API, exchange a room message and a whisper, and get the
// leaves, announcements, kicks and the room's destruction as typed
// events.
func TestTextRoomDataChannel(t *testing.T) {
	if !netns.Run(t) {
		return
	}
	srv := janustest.Start(t, janusserver.Options{ICEEnforceList: netns.Interface})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()

	// The room, over the Janus API.
	as, err := c.CreateSession(ctx)
	require.NoError(t, err)
	defer func() { _ = as.Destroy(context.WithoutCancel(ctx)) }()
	admin, err := textroom.Attach(ctx, as)
	require.NoError(t, err)
	const secret = "room-secret"
	created, err := admin.Create(ctx, textroom.CreateRequest{Description: "data channel test", Secret: secret})
	require.NoError(t, err)
	room := created.Room

	alice := newChatter(t, ctx, c, "alice")
	bob := newChatter(t, ctx, c, "bob")

	// A plugin error comes back as the request's error.
	_, err = alice.chat.Join(ctx, textroom.JoinRequest{Room: core.NumID(987654321), Username: "alice"})
	require.ErrorIs(t, err, textroom.ErrNoSuchRoom)
	t.Logf("join of a room that does not exist: %v", err)

	// Both join; each sees the joins.
	ok, err := alice.chat.Join(ctx, textroom.JoinRequest{Room: room, Username: "alice", Display: "Alice"})
	require.NoError(t, err)
	assert.Empty(t, ok.Participants)
	assert.Equal(t, "alice", nextChat[*textroom.Joined](t, ctx, alice).Username)
	ok, err = bob.chat.Join(ctx, textroom.JoinRequest{Room: room, Username: "bob", Display: "Bob"})
	require.NoError(t, err)
	assert.Equal(t, []textroom.Participant{{Username: "alice", Display: "Alice"}}, ok.Participants)
	j := nextChat[*textroom.Joined](t, ctx, alice)
	assert.Equal(t, textroom.Joined{Room: room, Username: "bob", Display: "Bob"}, *j)

	// A room message and a whisper from Alice reach Bob, typed.
	_, err = alice.chat.Message(ctx, textroom.MessageRequest{Room: room, Text: "hello room"})
	require.NoError(t, err)
	sent, err := alice.chat.Message(ctx, textroom.MessageRequest{Room: room, Text: "psst", To: "bob"})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"bob": true}, sent.Sent)
	msg := nextChat[*textroom.Message](t, ctx, bob)
	assert.Equal(t, "alice", msg.From)
	assert.Equal(t, "hello room", msg.Text)
	assert.False(t, msg.Whisper)
	assert.Equal(t, room, msg.Room)
	assert.False(t, msg.Date.IsZero(), "date %q", msg.DateText)
	msg = nextChat[*textroom.Message](t, ctx, bob)
	assert.Equal(t, "alice", msg.From)
	assert.Equal(t, "psst", msg.Text)
	assert.True(t, msg.Whisper)

	// An announcement over the Janus API reaches both data channels.
	require.NoError(t, admin.Announcement(ctx, textroom.AnnouncementRequest{Room: room, Secret: secret, Text: "attention"}))
	for _, u := range []*chatter{alice, bob} {
		a := nextChat[*textroom.Announcement](t, ctx, u)
		assert.Equal(t, "attention", a.Text, u.name)
		assert.Equal(t, room, a.Room, u.name)
	}

	// Bob leaves: Alice sees it.
	require.NoError(t, bob.chat.Leave(ctx, room))
	left := nextChat[*textroom.Left](t, ctx, alice)
	assert.Equal(t, textroom.Left{Room: room, Username: "bob"}, *left)

	// Bob joins again and is kicked: he gets the kick.
	_, err = bob.chat.Join(ctx, textroom.JoinRequest{Room: room, Username: "bob", Display: "Bob"})
	require.NoError(t, err)
	assert.Equal(t, "bob", nextChat[*textroom.Joined](t, ctx, alice).Username)
	require.NoError(t, admin.Kick(ctx, textroom.KickRequest{Room: room, Secret: secret, Username: "bob"}))
	k := nextChat[*textroom.Kicked](t, ctx, bob)
	assert.Equal(t, textroom.Kicked{Room: room, Username: "bob"}, *k)
	assert.Equal(t, "bob", nextChat[*textroom.Kicked](t, ctx, alice).Username)

	// Destroying the room reaches Alice, still in it.
	_, err = admin.Destroy(ctx, textroom.DestroyRequest{Room: room, Secret: secret})
	require.NoError(t, err)
	d := nextChat[*textroom.RoomDestroyed](t, ctx, alice)
	assert.Equal(t, room, d.Room)

	for _, u := range []*chatter{alice, bob} {
		require.NoError(t, u.chat.Close())
		_, err := u.chat.Message(ctx, textroom.MessageRequest{Room: room, Text: "too late"})
		require.ErrorIs(t, err, textroom.ErrChatClosed)
		require.NoError(t, u.peer.Close())
	}
}
