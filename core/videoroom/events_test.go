package videoroom_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// pev wraps plugin data as the core delivers it.
func pev(data string) *core.PluginEvent {
	return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: videoroom.Plugin, Data: []byte(data)}
}

func decode[T core.Event](t *testing.T, data string) T {
	t.Helper()
	ev := videoroom.DecodeEvent(pev(data))
	out, ok := ev.(T)
	require.True(t, ok, "decoded %s as %T", data, ev)
	return out
}

// The JSON below is what Janus 1.1.2 sends (captured from the real server
// where media is not needed, written from the plugin's source otherwise).

func TestDecodeJoined(t *testing.T) {
	j := decode[*videoroom.Joined](t, `{"videoroom":"joined","room":77,"description":"Room 77","id":42,"private_id":3805373694,
		"publishers":[{"id":7,"display":"alice","audio_codec":"opus","video_codec":"vp8","talking":false,
			"streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","fec":true,"talking":false},
				{"type":"video","mindex":1,"mid":"1","codec":"vp8","description":"camera","simulcast":true,"moderated":true},
				{"type":"video","mindex":2,"mid":"2","codec":"vp9","vp9_profile":"2","svc":true},
				{"type":"data","mindex":3,"mid":"3","disabled":true}]},
			{"id":9,"dummy":true,"streams":[{"type":"video","mindex":0,"mid":"v1","codec":"h264","h264_profile":"42e01f"}]}],
		"attendees":[{"id":2296971589659417,"display":"bob"}]}`)
	assert.Equal(t, core.NumID(77), j.Room)
	assert.Equal(t, "Room 77", j.Description)
	assert.Equal(t, core.NumID(42), j.Participant)
	assert.Equal(t, uint64(3805373694), j.PrivateID)
	require.Len(t, j.Publishers, 2)
	alice := j.Publishers[0]
	assert.Equal(t, core.NumID(7), alice.ID)
	assert.Equal(t, "alice", alice.Display)
	assert.Equal(t, core.Opus, alice.AudioCodec)
	require.NotNil(t, alice.Talking)
	assert.False(t, *alice.Talking)
	require.Len(t, alice.Streams, 4)
	assert.Equal(t, videoroom.PublishedStream{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", FEC: true, Talking: core.Ptr(false)}, alice.Streams[0])
	assert.Equal(t, videoroom.PublishedStream{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8", Description: "camera", Simulcast: true, Moderated: true}, alice.Streams[1])
	assert.Equal(t, "2", alice.Streams[2].VP9Profile)
	assert.True(t, alice.Streams[2].SVC)
	assert.True(t, alice.Streams[3].Disabled)
	assert.True(t, j.Publishers[1].Dummy)
	assert.Equal(t, "42e01f", j.Publishers[1].Streams[0].H264Profile)
	assert.Equal(t, []videoroom.Attendee{{ID: core.NumID(2296971589659417), Display: "bob"}}, j.Attendees)
	assert.Nil(t, j.Streams)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, j.EventSource())

	// joinandconfigure: the answer also carries the published streams.
	j = decode[*videoroom.Joined](t, `{"videoroom":"joined","room":"r","description":"d","id":"alice","private_id":1,"publishers":[],
		"audio_codec":"opus","streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","fec":true}]}`)
	assert.Equal(t, core.StrID("r"), j.Room)
	assert.Equal(t, core.StrID("alice"), j.Participant)
	require.Len(t, j.Streams, 1)
	assert.Equal(t, core.Opus, j.Streams[0].Codec)
}

func TestDecodeRoomEvents(t *testing.T) {
	p := decode[*videoroom.Publishers](t, `{"videoroom":"event","room":77,"publishers":[{"id":7,"display":"alice","audio_codec":"opus",
		"streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","stereo":true,"fec":true,"dtx":true}]}]}`)
	assert.Equal(t, core.NumID(77), p.Room)
	require.Len(t, p.Publishers, 1)
	assert.Equal(t, videoroom.PublishedStream{Type: "audio", Mid: "0", Codec: "opus", Stereo: true, FEC: true, DTX: true}, p.Publishers[0].Streams[0])

	jn := decode[*videoroom.Joining](t, `{"videoroom":"event","room":77,"joining":{"id":42,"display":"bob"}}`)
	assert.Equal(t, core.NumID(42), jn.Participant)
	assert.Equal(t, "bob", jn.Display)

	l := decode[*videoroom.Leaving](t, `{"videoroom":"event","room":77,"leaving":42}`)
	assert.Equal(t, core.NumID(42), l.Participant)
	assert.False(t, l.Kicked)
	l = decode[*videoroom.Leaving](t, `{"videoroom":"event","room":77,"kicked":7}`)
	assert.Equal(t, core.NumID(7), l.Participant)
	assert.True(t, l.Kicked)
	l = decode[*videoroom.Leaving](t, `{"videoroom":"event","room":"r","leaving":"bob"}`)
	assert.Equal(t, core.StrID("bob"), l.Participant)

	k := decode[*videoroom.Kicked](t, `{"videoroom":"event","room":77,"leaving":"ok","reason":"kicked"}`)
	assert.Equal(t, core.NumID(77), k.Room)
	left := decode[*videoroom.Left](t, `{"videoroom":"event","room":77,"leaving":"ok"}`)
	assert.Equal(t, core.NumID(77), left.Room)
	decode[*videoroom.Left](t, `{"videoroom":"event","room":77,"left":"ok"}`)

	u := decode[*videoroom.Unpublished](t, `{"videoroom":"event","room":77,"unpublished":7}`)
	assert.Equal(t, core.NumID(7), u.Participant)
	u = decode[*videoroom.Unpublished](t, `{"videoroom":"event","room":77,"unpublished":"ok"}`)
	assert.True(t, u.Participant.IsZero())

	d := decode[*videoroom.Destroyed](t, `{"videoroom":"destroyed","room":77}`)
	assert.Equal(t, core.NumID(77), d.Room)

	m := decode[*videoroom.Moderation](t, `{"videoroom":"event","room":77,"id":7,"mid":"0","moderation":"muted"}`)
	assert.Equal(t, core.NumID(7), m.Participant)
	assert.Equal(t, "0", m.Mid)
	assert.True(t, m.Muted)
	assert.False(t, decode[*videoroom.Moderation](t, `{"videoroom":"event","room":77,"id":7,"mid":"0","moderation":"unmuted"}`).Muted)

	dc := decode[*videoroom.DisplayChanged](t, `{"videoroom":"event","id":2296971589659417,"display":"alice2"}`)
	assert.Equal(t, core.NumID(2296971589659417), dc.Participant)
	assert.Equal(t, "alice2", dc.Display)

	tk := decode[*videoroom.Talking](t, `{"videoroom":"talking","room":77,"id":7,"mindex":0,"mid":"0","audio-level-dBov-avg":32.5}`)
	assert.True(t, tk.Talking)
	assert.Equal(t, 32.5, tk.AudioLevel)
	assert.Equal(t, "0", tk.Mid)
	tk = decode[*videoroom.Talking](t, `{"videoroom":"stopped-talking","room":77,"id":7,"mindex":0,"mid":"0","audio-level-dBov-avg":70}`)
	assert.False(t, tk.Talking)

	sl := decode[*videoroom.SlowLink](t, `{"videoroom":"slow_link","current-bitrate":128000}`)
	assert.Equal(t, 128000, sl.CurrentBitrate)
	assert.Equal(t, 0, decode[*videoroom.SlowLink](t, `{"videoroom":"slow_link"}`).CurrentBitrate)
}

func TestDecodeNegotiationEvents(t *testing.T) {
	c := decode[*videoroom.Configured](t, `{"videoroom":"event","room":77,"configured":"ok","audio_codec":"opus",
		"streams":[{"type":"audio","mindex":0,"mid":"0","description":"mic","codec":"opus","fec":true}]}`)
	assert.Equal(t, core.Opus, c.AudioCodec)
	require.Len(t, c.Streams, 1)
	assert.Equal(t, "mic", c.Streams[0].Description)
	assert.Nil(t, decode[*videoroom.Configured](t, `{"videoroom":"event","room":77,"configured":"ok"}`).Streams)

	sub := `[{"type":"audio","active":true,"mindex":0,"mid":"0","crossrefid":"a1","ready":false,"send":true,"feed_id":7,"feed_display":"alice","feed_mid":"0","feed_description":"mic","codec":"opus"},
		{"type":"video","active":true,"mindex":1,"mid":"1","ready":true,"send":true,"feed_id":7,"feed_mid":"1","codec":"vp8",
			"playout-delay":{"min-delay":0,"max-delay":10},
			"simulcast":{"substream":0,"substream-target":2,"temporal-layer":0,"temporal-layer-target":2,"fallback":250000}},
		{"type":"video","active":true,"mindex":2,"mid":"2","ready":true,"send":false,"feed_id":8,"feed_mid":"1","codec":"vp9","vp9-profile":"0",
			"svc":{"spatial-layer":0,"target-spatial-layer":1,"temporal-layer":0,"target-temporal-layer":2}},
		{"type":"video","active":false,"mindex":3,"mid":"3","ready":true,"send":true},
		{"type":"data","active":true,"mindex":4,"mid":"4","ready":false,"send":true,"sources":2,"source_ids":[7,8]}]`
	a := decode[*videoroom.Attached](t, `{"videoroom":"attached","room":77,"streams":`+sub+`}`)
	require.Len(t, a.Streams, 5)
	assert.Equal(t, videoroom.SubscriberStream{Type: "audio", Active: true, Mindex: 0, Mid: "0", CrossRefID: "a1", Send: true,
		Feed: core.NumID(7), FeedDisplay: "alice", FeedMid: "0", FeedDescription: "mic", Codec: "opus"}, a.Streams[0])
	assert.Equal(t, &videoroom.PlayoutDelay{MaxDelay: 10}, a.Streams[1].PlayoutDelay)
	assert.Equal(t, &videoroom.SimulcastState{SubstreamTarget: 2, TemporalLayerTarget: 2, Fallback: 250000}, a.Streams[1].Simulcast)
	assert.Equal(t, &videoroom.SVCState{TargetSpatialLayer: 1, TargetTemporalLayer: 2}, a.Streams[2].SVC)
	assert.Equal(t, "0", a.Streams[2].VP9Profile)
	assert.False(t, a.Streams[3].Active)
	assert.True(t, a.Streams[3].Feed.IsZero())
	assert.Equal(t, []core.ID{core.NumID(7), core.NumID(8)}, a.Streams[4].SourceIDs)

	up := decode[*videoroom.Updated](t, `{"videoroom":"updated","room":77,"streams":`+sub+`}`)
	assert.Len(t, up.Streams, 5)
	assert.False(t, up.Pending)
	assert.Nil(t, decode[*videoroom.Updated](t, `{"videoroom":"updated","room":77}`).Streams)
	assert.True(t, decode[*videoroom.Updated](t, `{"videoroom":"updating","room":77}`).Pending)

	decode[*videoroom.Started](t, `{"videoroom":"event","room":77,"started":"ok"}`)
	decode[*videoroom.Paused](t, `{"videoroom":"event","room":77,"paused":"ok"}`)
	sw := decode[*videoroom.Switched](t, `{"videoroom":"event","switched":"ok","room":77,"changes":1,"streams":`+sub+`}`)
	assert.Equal(t, 1, sw.Changes)
	assert.Len(t, sw.Streams, 5)

	lc := decode[*videoroom.LayerChanged](t, `{"videoroom":"event","room":77,"mid":"1","substream":2}`)
	assert.Equal(t, "1", lc.Mid)
	assert.Equal(t, 2, *lc.Substream)
	assert.Nil(t, lc.Temporal)
	lc = decode[*videoroom.LayerChanged](t, `{"videoroom":"event","room":77,"mid":"1","spatial_layer":1,"temporal_layer":0}`)
	assert.Equal(t, 1, *lc.SpatialLayer)
	assert.Equal(t, 0, *lc.TemporalLayer)
	assert.Equal(t, 1, *decode[*videoroom.LayerChanged](t, `{"videoroom":"event","room":77,"mid":"1","temporal":1}`).Temporal)

	// The JSEP stays with the event.
	ev := pev(`{"videoroom":"updated","room":77,"streams":[]}`)
	ev.JSEP = &core.JSEP{Type: "offer", SDP: "v=0"}
	assert.Equal(t, "offer", videoroom.DecodeEvent(ev).(*videoroom.Updated).JSEP.Type)
}

func TestDecodeErrorsAndUnknown(t *testing.T) {
	raw := decode[*core.PluginEvent](t, `{"videoroom":"event","error_code":426,"error":"No such room (5)"}`)
	var pe *core.PluginError
	require.ErrorAs(t, raw.Err(), &pe)
	assert.ErrorIs(t, pe, videoroom.ErrNoSuchRoom)
	assert.Equal(t, 426, videoroom.ErrNoSuchRoom.Code)
	decode[*core.PluginEvent](t, `{"videoroom":"event","room":77,"something":"new"}`)
	decode[*core.PluginEvent](t, `{"videoroom":"created","room":77,"permanent":false}`)
	decode[*core.PluginEvent](t, `{"videoroom":"whatever"}`)
	decode[*core.PluginEvent](t, `not json`)
	decode[*core.PluginEvent](t, `{"videoroom":"event","room":77,"leaving":{"bad":1}}`)
	decode[*core.PluginEvent](t, `{"videoroom":"attached","room":77,"streams":"bad"}`)
}

// TestDecodeNewerEvents decodes what Janus added to the events after
// 1.1.2 (written from the plugin's 1.4.1 source): metadata and display
// names on leaving, kicked and unpublished events (1.3.0), the metadata
// change event (1.3.0), metadata on display changes (1.4.1).
func TestDecodeNewerEvents(t *testing.T) {
	l := decode[*videoroom.Leaving](t, `{"videoroom":"event","room":77,"display":"bob","metadata":{"role":"guest"},"leaving":42}`)
	assert.Equal(t, core.NumID(42), l.Participant)
	assert.Equal(t, "bob", l.Display)
	assert.JSONEq(t, `{"role":"guest"}`, string(l.Metadata))
	assert.False(t, l.Kicked)
	k := decode[*videoroom.Leaving](t, `{"videoroom":"event","room":77,"display":"bob","kicked":42}`)
	assert.True(t, k.Kicked)
	assert.Equal(t, "bob", k.Display)
	assert.Nil(t, k.Metadata)
	u := decode[*videoroom.Unpublished](t, `{"videoroom":"event","room":77,"display":"alice","metadata":{"a":1},"unpublished":7}`)
	assert.Equal(t, core.NumID(7), u.Participant)
	assert.Equal(t, "alice", u.Display)
	assert.JSONEq(t, `{"a":1}`, string(u.Metadata))
	// The confirmation of one's own unpublish has neither.
	u = decode[*videoroom.Unpublished](t, `{"videoroom":"event","room":77,"unpublished":"ok"}`)
	assert.True(t, u.Participant.IsZero())
	assert.Empty(t, u.Display)

	m := decode[*videoroom.MetadataChanged](t, `{"videoroom":"event","id":42,"metadata":{"role":"speaker"}}`)
	assert.Equal(t, core.NumID(42), m.Participant)
	assert.JSONEq(t, `{"role":"speaker"}`, string(m.Metadata))
	d := decode[*videoroom.DisplayChanged](t, `{"videoroom":"event","id":42,"display":"bobby","metadata":{"role":"speaker"}}`)
	assert.Equal(t, "bobby", d.Display)
	assert.JSONEq(t, `{"role":"speaker"}`, string(d.Metadata))
	jn := decode[*videoroom.Joining](t, `{"videoroom":"event","room":77,"joining":{"id":42,"display":"bob","metadata":{"x":[1,2]}}}`)
	assert.JSONEq(t, `{"x":[1,2]}`, string(jn.Metadata))

	// A publisher's own answer lists the extension ids (1.3.2), which
	// RemoteStreams carries over.
	c := decode[*videoroom.Configured](t, `{"videoroom":"event","room":77,"configured":"ok","audio_codec":"opus","video_codec":"vp8","streams":[
		{"type":"audio","mindex":0,"mid":"0","codec":"opus","fec":true,"audiolevel_ext_id":1},
		{"type":"video","mindex":1,"mid":"1","codec":"vp8","simulcast":true,"videoorient_ext_id":13,"playoutdelay_ext_id":6,"description":"cam"}]}`)
	assert.Equal(t, []videoroom.RemoteStream{
		{Type: "audio", Mindex: 0, Mid: "0", Codec: "opus", FEC: true, AudioLevelExtID: 1},
		{Type: "video", Mindex: 1, Mid: "1", Codec: "vp8", Simulcast: true, VideoOrientExtID: 13, PlayoutDelayExtID: 6, Description: "cam"},
	}, videoroom.RemoteStreams(c.Streams))
}
