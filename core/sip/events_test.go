package sip_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/sip"
)

// TestDecodeEvent decodes the events the tests against real peers do not
// all meet, in the shape the plugin sends them (janus_sip.c of 1.1.2 and
// 1.4.1).
func TestDecodeEvent(t *testing.T) {
	decode := func(data string) core.Event {
		return sip.DecodeEvent(&core.PluginEvent{Plugin: sip.Plugin, Data: json.RawMessage(data)})
	}
	missed := decode(`{"sip":"event","result":{"event":"missed_call","caller":"sip:c@h","displayname":"C","callee":"sip:a@h"},"call_id":"m1"}`).(*sip.MissedCall)
	assert.Equal(t, sip.Call{CallID: "m1"}, missed.Call)
	assert.Equal(t, []string{"sip:c@h", "C", "sip:a@h"}, []string{missed.Caller, missed.DisplayName, missed.Callee})

	up := decode(`{"sip":"event","result":{"event":"updatingcall","username":"sip:b@h"},"call_id":"u1"}`).(*sip.UpdatingCall)
	assert.Equal(t, "sip:b@h", up.Username)
	assert.True(t, decode(`{"sip":"event","result":{"event":"updated"},"call_id":"u1"}`).(*sip.Updating).Answered)
	assert.True(t, decode(`{"sip":"event","result":{"event":"accepting"}}`).(*sip.Accepted).Pending)

	hu := decode(`{"sip":"event","result":{"event":"hangup","code":486,"reason":"Busy Here","reason_header":"q","reason_header_protocol":"Q.850","reason_header_cause":"17","headers":{"X-A":"b"}},"call_id":"h1"}`).(*sip.Hangup)
	assert.Equal(t, 486, hu.Code)
	assert.Equal(t, []string{"Busy Here", "q", "Q.850", "17"}, []string{hu.Reason, hu.ReasonHeader, hu.ReasonHeaderProtocol, hu.ReasonHeaderCause})
	assert.Equal(t, map[string]string{"X-A": "b"}, hu.Headers)

	tr := decode(`{"sip":"event","result":{"event":"transfer","refer_id":7,"refer_to":"sip:c@h","referred_by":"sip:a@h","replaces":"r1"}}`).(*sip.Transfer)
	assert.Equal(t, core.NumID(7), tr.Referral)
	assert.Equal(t, []string{"sip:c@h", "sip:a@h", "r1"}, []string{tr.ReferTo, tr.ReferredBy, tr.Replaces})

	d := decode(`{"sip":"event","result":{"event":"dtmf","sender":"sip:c@h","signal":"#","duration":800},"call_id":"d1"}`).(*sip.DTMF)
	assert.Equal(t, "#", d.Signal)
	assert.Equal(t, 800, d.Duration)

	// The declining answer carries its call_id inside the result.
	dec := decode(`{"sip":"event","result":{"event":"declining","code":603,"call_id":"x1"}}`).(*sip.Declining)
	assert.Equal(t, "x1", dec.CallID)
	assert.Equal(t, 603, dec.Code)

	fl := decode(`{"sip":"event","result":{"event":"forwarders","rtp_forwarders":[{"stream_id":9,"type":"peer_audio","host":"127.0.0.1","port":5004,"media":"audio","pt":111}]},"call_id":"f1"}`).(*sip.ForwarderList)
	assert.Equal(t, []sip.Forwarder{{StreamID: 9, Type: sip.ForwardPeerAudio, Host: "127.0.0.1", Port: 5004, Media: "audio", PT: 111}}, fl.Forwarders)

	// Errors and unknown events stay plugin events.
	for _, data := range []string{
		`{"sip":"event","error_code":447,"error":"Wrong state"}`,
		`{"sip":"event","result":{"event":"something_new"}}`,
		`{"sip":"event"}`,
	} {
		ev := decode(data)
		assert.IsType(t, &core.PluginEvent{}, ev, data)
	}
}

func TestRecordingFiles(t *testing.T) {
	assert.Nil(t, sip.RecordRequest{Audio: true}.Files(), "Janus names the files")
	assert.Equal(t, []string{"/r/call-user-audio.mjr", "/r/call-peer-audio.mjr", "/r/call-peer-video.mjr"},
		sip.RecordRequest{Audio: true, PeerAudio: true, PeerVideo: true, SendPeerPLI: true, Filename: "/r/call"}.Files())
}
