package recordplay_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/recordplay"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

// adminKey is the plugin's admin_key in testdata/janus (Janus 1.3.1 and
// later use it).
const adminKey = "adminkey"

// privateSince is the version that brought private recordings and the
// admin_key.
var privateSince = core.V(1, 3, 1)

// audioOffer is an SDP offer of one Opus stream, enough for the plugin to
// start a recording (no media flows: that is native's media test).
func audioOffer(t *testing.T) *core.JSEP {
	t.Helper()
	sdp, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	return &core.JSEP{Type: "offer", SDP: string(sdp)}
}

// awaitDone waits for the *recordplay.Done of a handle.
func awaitDone(t *testing.T, ctx context.Context, h *recordplay.Handle) *recordplay.Done {
	t.Helper()
	for {
		select {
		case ev := <-h.Events():
			if d, ok := ev.(*recordplay.Done); ok {
				return d
			}
		case <-ctx.Done():
			t.Fatal("no done event")
			return nil
		}
	}
}

// listed returns the ids of recordings.
func listed(list []recordplay.RecordingInfo) []core.ID {
	ids := make([]core.ID, len(list))
	for i, r := range list {
		ids[i] = r.Recording
	}
	return ids
}

// TestRecordPlayAgainstJanus sends every request of the plugin to a real
// Janus, with the plugin's errors and, by the server's version, the
// features of Janus 1.3.1 (private recordings, admin_key) working or
// refused with core.ErrUnsupported.
func TestRecordPlayAgainstJanus(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	newer := core.Version(janustest.VersionNumber(t, srv.Version)) >= privateSince
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := recordplay.Attach(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, recordplay.Plugin, h.Plugin())

	list, err := h.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, list, "a new server has no recordings")
	assert.NotNil(t, list)

	// Configure: the settings come back.
	set, err := h.Configure(ctx, recordplay.ConfigureRequest{VideoBitrateMax: 256000, VideoKeyframeInterval: 5000})
	require.NoError(t, err)
	assert.Equal(t, recordplay.ConfigureResult{VideoBitrateMax: 256000, VideoKeyframeInterval: 5000}, *set)

	// Typed errors of requests out of place.
	_, err = h.Pause(ctx)
	require.ErrorIs(t, err, recordplay.ErrNotRecording)
	_, err = h.Play(ctx, recordplay.PlayRequest{Recording: core.NumID(987654321)})
	require.ErrorIs(t, err, recordplay.ErrNoSuchRecording)
	assert.Contains(t, err.Error(), "janus: recordplay: play: error 416: ")
	_, err = h.Start(ctx, nil)
	require.ErrorIs(t, err, recordplay.ErrInvalidState)
	_, err = h.Record(ctx, recordplay.RecordRequest{Name: "no offer"}, nil)
	require.ErrorIs(t, err, recordplay.ErrMissingElement)
	// Each offer starts a PeerConnection on its handle, even one the
	// plugin refuses: the requests with offers that must fail go on
	// handles of their own.
	attach := func() *recordplay.Handle {
		h, err := recordplay.Attach(ctx, s)
		require.NoError(t, err)
		return h
	}
	_, err = attach().Record(ctx, recordplay.RecordRequest{}, audioOffer(t))
	require.ErrorIs(t, err, recordplay.ErrInvalidElement, "a name is required")

	// A recording with an id of our choosing: Janus's answer takes the Opus stream.
	const id = 4242
	rec, err := h.Record(ctx, recordplay.RecordRequest{Recording: core.NumID(id), Name: "signalling", AudioCodec: core.Opus}, audioOffer(t))
	require.NoError(t, err)
	assert.Equal(t, core.NumID(id), rec.Recording)
	assert.False(t, rec.IsPrivate)
	assert.Equal(t, "answer", rec.JSEP.Type)
	assert.Contains(t, rec.JSEP.SDP, "opus/48000")
	assert.Contains(t, rec.JSEP.SDP, "a=recvonly")

	// The same id again, on another handle.
	_, err = attach().Record(ctx, recordplay.RecordRequest{Recording: core.NumID(id), Name: "twice"}, audioOffer(t))
	require.ErrorIs(t, err, recordplay.ErrRecordingExists)

	paused, err := h.Pause(ctx)
	require.NoError(t, err)
	assert.Equal(t, core.NumID(id), paused.Recording)
	resumed, err := h.Resume(ctx)
	require.NoError(t, err)
	assert.Equal(t, core.NumID(id), resumed.Recording)

	// Private recordings (Janus 1.3.1).
	const privateID = 4343
	h2 := attach()
	private := recordplay.RecordRequest{Recording: core.NumID(privateID), Name: "private", IsPrivate: core.Ptr(true)}
	if newer {
		rec, err := h2.Record(ctx, private, audioOffer(t))
		require.NoError(t, err)
		assert.True(t, rec.IsPrivate)
	} else {
		_, err := h2.Record(ctx, private, audioOffer(t))
		require.ErrorIs(t, err, core.ErrUnsupported)
		var ue *core.UnsupportedError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "recordplay record is_private", ue.Feature)
		assert.Equal(t, privateSince, ue.Since)
		assert.Equal(t, "janus: recordplay record is_private needs Janus 1.3.1 or later (the server is "+srv.Version+")", err.Error())
	}

	// Stop: the answer names the recording, then the PeerConnection
	// goes and the recording is complete.
	stopped, err := h.Stop(ctx)
	require.NoError(t, err)
	assert.Equal(t, core.NumID(id), stopped.Recording)
	done := awaitDone(t, ctx, h)
	if newer {
		assert.Equal(t, core.NumID(id), done.Recording)
	} else {
		assert.True(t, done.Recording.IsZero(), "Janus before 1.3.1 says only \"done\"")
	}
	if newer {
		stopped, err := h2.Stop(ctx)
		require.NoError(t, err)
		assert.Equal(t, core.NumID(privateID), stopped.Recording)
		assert.True(t, stopped.IsPrivate)
		d := awaitDone(t, ctx, h2)
		assert.True(t, d.IsPrivate)
		_, err = h2.WaitCompleted(ctx, core.NumID(privateID), recordplay.ListRequest{AdminKey: adminKey})
		require.NoError(t, err, "the private recording is complete")
	}
	// Janus says done just before it closes the files: the recording is
	// complete once listed.
	info, err := h.WaitCompleted(ctx, core.NumID(id))
	require.NoError(t, err)
	assert.Equal(t, "signalling", info.Name)
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = h.WaitCompleted(short, core.NumID(id+1000))
	cancelShort()
	require.ErrorIs(t, err, context.DeadlineExceeded, "a recording that never completes")
	assert.Contains(t, err.Error(), "not complete")
	list, err = h.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []core.ID{core.NumID(id)}, listed(list), "the private recording is not listed without the key")
	assert.Equal(t, "signalling", list[0].Name)
	assert.True(t, list[0].Audio)
	assert.False(t, list[0].Video)
	assert.Equal(t, core.Opus, list[0].AudioCodec)
	assert.NotEmpty(t, list[0].Date)

	// The admin_key (Janus 1.3.1): List shows private recordings with it,
	// and Update needs it once configured (testdata/janus sets one).
	withKey := recordplay.ListRequest{AdminKey: adminKey}
	ca, err := core.DialAdmin(ctx, srv.AdminWSURL, core.WithAdminSecret(srv.AdminSecret))
	require.NoError(t, err)
	defer ca.Close()
	adm := recordplay.NewAdmin(ca)
	if newer {
		list, err := h.List(ctx, withKey)
		require.NoError(t, err)
		ids := listed(list)
		slices.SortFunc(ids, func(a, b core.ID) int { return int(a.Num()) - int(b.Num()) })
		assert.Equal(t, []core.ID{core.NumID(id), core.NumID(privateID)}, ids)
		_, err = h.List(ctx, recordplay.ListRequest{AdminKey: "wrong"})
		require.ErrorIs(t, err, recordplay.ErrUnauthorized)
		require.ErrorIs(t, h.Update(ctx), recordplay.ErrMissingElement, "update needs the configured admin_key")
		require.ErrorIs(t, h.Update(ctx, recordplay.UpdateRequest{AdminKey: "wrong"}), recordplay.ErrUnauthorized)
		require.NoError(t, h.Update(ctx, recordplay.UpdateRequest{AdminKey: adminKey}))
		require.ErrorIs(t, adm.Update(ctx), recordplay.ErrMissingElement)
		require.NoError(t, adm.Update(ctx, recordplay.UpdateRequest{AdminKey: adminKey}))
	} else {
		_, err := h.List(ctx, withKey)
		require.ErrorIs(t, err, core.ErrUnsupported)
		assert.Contains(t, err.Error(), "recordplay list admin_key needs Janus 1.3.1")
		err = h.Update(ctx, recordplay.UpdateRequest{AdminKey: adminKey})
		require.ErrorIs(t, err, core.ErrUnsupported)
		require.ErrorIs(t, adm.Update(ctx, recordplay.UpdateRequest{AdminKey: adminKey}), core.ErrUnsupported)
		require.NoError(t, h.Update(ctx))
		require.NoError(t, adm.Update(ctx))
	}
	// After a rescan, the recording is still there.
	list, err = h.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []core.ID{core.NumID(id)}, listed(list))

	// Printed under this package's name, with nothing of the connection.
	for _, verb := range []string{"%v", "%s", "%+v", "%#v"} {
		assert.Equal(t, "recordplay.Admin{}", fmt.Sprintf(verb, adm), verb)
		assert.Equal(t, fmt.Sprintf("recordplay.Handle{id: %d, session: %d}", h.ID(), s.ID()), fmt.Sprintf(verb, h), verb)
	}
	require.NoError(t, s.Destroy(ctx))
}

func TestDecodeEvent(t *testing.T) {
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: recordplay.Plugin, Data: []byte(data)}
	}
	rec := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"recording","id":7,"is_private":true}}`)).(*recordplay.Recording)
	assert.Equal(t, core.NumID(7), rec.Recording)
	assert.True(t, rec.IsPrivate)
	prep := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"preparing","id":7,"warning":"Broken video file, playing audio only"}}`)).(*recordplay.Preparing)
	assert.False(t, prep.Restart)
	assert.Equal(t, "Broken video file, playing audio only", prep.Warning)
	assert.True(t, recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"restarting","id":7}}`)).(*recordplay.Preparing).Restart)
	assert.IsType(t, &recordplay.Playing{}, recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"playing"}}`)))
	assert.Equal(t, core.NumID(7), recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"paused","id":7}}`)).(*recordplay.Paused).Recording)
	assert.Equal(t, core.NumID(7), recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"resumed","id":7}}`)).(*recordplay.Resumed).Recording)
	// Janus 1.3.1 and later send is_private as 0/1 in stopped and done.
	st := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"stopped","id":7,"is_private":1}}`)).(*recordplay.Stopped)
	assert.Equal(t, core.NumID(7), st.Recording)
	assert.True(t, st.IsPrivate)
	d := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"done","id":7,"is_private":0}}`)).(*recordplay.Done)
	assert.Equal(t, core.NumID(7), d.Recording)
	assert.False(t, d.IsPrivate)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, d.EventSource())
	// Janus before 1.3.1.
	old := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":"done"}`)).(*recordplay.Done)
	assert.True(t, old.Recording.IsZero())
	sl := recordplay.DecodeEvent(ev(`{"recordplay":"event","result":{"status":"slow_link","media":"video","current-bitrate":128000,"uplink":1}}`)).(*recordplay.SlowLink)
	assert.Equal(t, "video", sl.Media)
	assert.Equal(t, 128000, sl.CurrentBitrate)
	errEv := recordplay.DecodeEvent(ev(`{"recordplay":"event","error_code":416,"error":"No such recording"}`)).(*core.PluginEvent)
	require.ErrorIs(t, errEv.Err(), recordplay.ErrNoSuchRecording)
	for _, other := range []string{`{"recordplay":"event"}`, `{"recordplay":"event","result":{"status":"new"}}`,
		`{"recordplay":"event","result":42}`, `not json`} {
		assert.IsType(t, &core.PluginEvent{}, recordplay.DecodeEvent(ev(other)), other)
	}
}
