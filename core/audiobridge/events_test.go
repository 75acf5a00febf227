package audiobridge_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
)

func ev(data string) *core.PluginEvent {
	return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: audiobridge.Plugin, Data: []byte(data)}
}

// The JSON below is what Janus 1.1.2 sent in the integration tests (the
// talking events, which need WebRTC media, follow the plugin's source).
func TestDecodeEvent(t *testing.T) {
	j := audiobridge.DecodeEvent(ev(`{"audiobridge":"joined","room":6001,"id":6012,"participants":[{"id":6011,"display":"alice","setup":false,"muted":false,"spatial_position":20}]}`)).(*audiobridge.Joined)
	assert.Equal(t, core.NumID(6001), j.Room)
	assert.Equal(t, core.NumID(6012), j.Participant)
	assert.Equal(t, []audiobridge.Participant{{ID: core.NumID(6011), Display: "alice", SpatialPosition: core.Ptr(20)}}, j.Participants)
	assert.Nil(t, j.RTP)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, j.EventSource())

	j = audiobridge.DecodeEvent(ev(`{"audiobridge":"joined","room":"lobby","id":"phone","participants":[],"rtp":{"ip":"127.0.0.1","port":10000,"payload_type":111}}`)).(*audiobridge.Joined)
	assert.Equal(t, core.StrID("lobby"), j.Room)
	assert.Equal(t, core.StrID("phone"), j.Participant)
	assert.Empty(t, j.Participants)
	assert.Equal(t, &audiobridge.RTPInfo{IP: "127.0.0.1", Port: 10000, PayloadType: 111}, j.RTP)

	pj := audiobridge.DecodeEvent(ev(`{"audiobridge":"joined","room":6001,"participants":[{"id":6012,"display":"bob","setup":false,"muted":true,"spatial_position":80}]}`)).(*audiobridge.ParticipantsJoined)
	assert.Equal(t, core.NumID(6001), pj.Room)
	assert.Equal(t, []audiobridge.Participant{{ID: core.NumID(6012), Display: "bob", Muted: true, SpatialPosition: core.Ptr(80)}}, pj.Participants)

	up := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"participants":[{"id":615008477719832,"display":"phone","setup":true,"muted":false,"talking":false}]}`)).(*audiobridge.ParticipantsUpdated)
	assert.Equal(t, []audiobridge.Participant{{ID: core.NumID(615008477719832), Display: "phone", Setup: true, Talking: core.Ptr(false)}}, up.Participants)

	assert.Equal(t, core.NumID(6012), audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"leaving":6012}`)).(*audiobridge.Leaving).Participant)
	assert.Equal(t, core.StrID("x"), audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":"r","kicked":"x"}`)).(*audiobridge.Kicked).Participant)
	ka := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"kicked_all":5599316152283867}`)).(*audiobridge.KickedAll)
	assert.Equal(t, core.NumID(5599316152283867), ka.Participant)
	assert.Equal(t, core.NumID(6001), ka.Room)
	rm := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"muted":true}`)).(*audiobridge.RoomMuted)
	assert.True(t, rm.Muted)
	assert.False(t, audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"muted":false}`)).(*audiobridge.RoomMuted).Muted)
	assert.Equal(t, "ok", audiobridge.DecodeEvent(ev(`{"audiobridge":"event","result":"ok"}`)).(*audiobridge.Result).Result)

	l := audiobridge.DecodeEvent(ev(`{"audiobridge":"left","room":6001,"id":6011}`)).(*audiobridge.Left)
	assert.Equal(t, core.NumID(6011), l.Participant)
	rc := audiobridge.DecodeEvent(ev(`{"audiobridge":"roomchanged","room":"side","id":"bob","participants":[{"id":"carol","setup":true,"muted":false}]}`)).(*audiobridge.RoomChanged)
	assert.Equal(t, core.StrID("side"), rc.Room)
	assert.Equal(t, core.StrID("bob"), rc.Participant)
	assert.Equal(t, []audiobridge.Participant{{ID: core.StrID("carol"), Setup: true}}, rc.Participants)
	assert.Equal(t, core.NumID(6001), audiobridge.DecodeEvent(ev(`{"audiobridge":"destroyed","room":6001}`)).(*audiobridge.Destroyed).Room)

	tk := audiobridge.DecodeEvent(ev(`{"audiobridge":"talking","room":6001,"id":6011}`)).(*audiobridge.Talking)
	assert.Equal(t, core.NumID(6011), tk.Participant)
	assert.Equal(t, core.NumID(6001), tk.Room)
	st := audiobridge.DecodeEvent(ev(`{"audiobridge":"stopped-talking","room":"r","id":"alice"}`)).(*audiobridge.StoppedTalking)
	assert.Equal(t, core.StrID("alice"), st.Participant)

	as := audiobridge.DecodeEvent(ev(`{"audiobridge":"announcement-started","room":6001,"file_id":"jingle"}`)).(*audiobridge.AnnouncementStarted)
	assert.Equal(t, "jingle", as.FileID)
	as2 := audiobridge.DecodeEvent(ev(`{"audiobridge":"announcement-stopped","room":6001,"file_id":"e55cead3-116f-4894-b202-279b368af05e"}`)).(*audiobridge.AnnouncementStopped)
	assert.Equal(t, "e55cead3-116f-4894-b202-279b368af05e", as2.FileID)
	assert.IsType(t, &audiobridge.HangingUp{}, audiobridge.DecodeEvent(ev(`{"audiobridge":"hangingup"}`)))

	// Janus 1.2.1: suspend and resume, and the recap of a resumed
	// participant whose events were paused (it has participants too).
	su := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"suspended":6012}`)).(*audiobridge.Suspended)
	assert.Equal(t, core.NumID(6012), su.Participant)
	assert.Equal(t, core.NumID(6001), su.Room)
	re := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":"r","resumed":"bob"}`)).(*audiobridge.Resumed)
	assert.Equal(t, core.StrID("bob"), re.Participant)
	assert.Nil(t, re.Participants)
	re = audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":6001,"resumed":6012,"participants":[{"id":6013,"setup":false,"muted":false,"suspended":true}]}`)).(*audiobridge.Resumed)
	assert.Equal(t, []audiobridge.Participant{{ID: core.NumID(6013), Suspended: true}}, re.Participants)

	// Errors, unknown events and broken data stay *core.PluginEvent.
	errEv := audiobridge.DecodeEvent(ev(`{"audiobridge":"event","error_code":485,"error":"No such room (7999)"}`)).(*core.PluginEvent)
	require.Error(t, errEv.Err())
	assert.ErrorIs(t, errEv.Err(), audiobridge.ErrNoSuchRoom)
	assert.Equal(t, 485, audiobridge.ErrNoSuchRoom.Code, "the sentinel carries the plugin's code")
	assert.IsType(t, &core.PluginEvent{}, audiobridge.DecodeEvent(ev(`{"audiobridge":"event","something":"new"}`)))
	assert.IsType(t, &core.PluginEvent{}, audiobridge.DecodeEvent(ev(`{"audiobridge":"surprise","room":1}`)))
	assert.IsType(t, &core.PluginEvent{}, audiobridge.DecodeEvent(ev(`not json`)))
	assert.IsType(t, &core.PluginEvent{}, audiobridge.DecodeEvent(ev(`{"audiobridge":"event","room":-1,"leaving":1}`)))
}

// TestRequestJSON checks how optional request fields are sent.
func TestRequestJSON(t *testing.T) {
	js := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	assert.JSONEq(t, `{"room":5}`, js(audiobridge.JoinRequest{Room: core.NumID(5)}))
	assert.JSONEq(t, `{"room":"a","id":"b","muted":true,"volume":0,"spatial_position":0,"rtp":{"ip":"127.0.0.1","port":4000}}`,
		js(audiobridge.JoinRequest{Room: core.StrID("a"), Participant: core.StrID("b"), Muted: true, Volume: core.Ptr(0), SpatialPosition: core.Ptr(0),
			RTP: &audiobridge.RTPParticipant{IP: "127.0.0.1", Port: 4000}}))
	assert.JSONEq(t, `{}`, js(audiobridge.CreateRequest{}))
	assert.JSONEq(t, `{"allowed":[],"audiolevel_ext":false,"default_prebuffering":0}`,
		js(audiobridge.CreateRequest{Allowed: []string{}, AudioLevelExt: core.Ptr(false), DefaultPrebuffering: core.Ptr(0)}))
	assert.JSONEq(t, `{"room":1,"new_pin":"","new_is_private":false}`,
		js(audiobridge.EditRequest{Room: core.NumID(1), NewPin: core.Ptr(""), NewIsPrivate: core.Ptr(false)}))
	assert.JSONEq(t, `{"muted":false,"record":false}`, js(audiobridge.ConfigureRequest{Muted: core.Ptr(false), Record: core.Ptr(false)}))
	assert.JSONEq(t, `{"room":1,"record":false}`, js(audiobridge.EnableRecordingRequest{Room: core.NumID(1)}))
	assert.JSONEq(t, `{"room":1,"generate_offer":true,"rtp":{},"suspended":true,"pause_events":true,"denoise":false}`,
		js(audiobridge.JoinRequest{Room: core.NumID(1), GenerateOffer: true, RTP: &audiobridge.RTPParticipant{}, Suspended: true, PauseEvents: true, Denoise: core.Ptr(false)}))
	assert.JSONEq(t, `{"room":1,"id":2,"pause_events":true,"stop_record":true}`,
		js(audiobridge.SuspendRequest{Room: core.NumID(1), Participant: core.NumID(2), PauseEvents: true, StopRecord: true}))
	assert.JSONEq(t, `{"room":1,"id":2,"record":true,"filename":"f"}`,
		js(audiobridge.ResumeRequest{Room: core.NumID(1), Participant: core.NumID(2), Record: true, Filename: "f"}))
	assert.JSONEq(t, `{"room":1,"action":"add","allowed":["t"]}`,
		js(audiobridge.AllowedRequest{Room: core.NumID(1), Action: audiobridge.AllowedAdd, Allowed: []string{"t"}}))
}
