package videoroom_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/transport/mem"
	"github.com/gojanus/gojanus/core/videoroom"
)

// fakeJanus is a scripted VideoRoom server over the in-memory transport,
// for the requests that need media flowing on a real server. Every plugin
// message is handed to the test (request), which answers it.
type fakeJanus struct {
	t        *testing.T
	srv      *mem.Server
	c        *core.Client
	messages chan map[string]any
	nextID   uint64
	wg       sync.WaitGroup
}

func newFakeJanus(t *testing.T) *fakeJanus {
	tr, srv := mem.New()
	f := &fakeJanus{t: t, srv: srv, messages: make(chan map[string]any, 16), nextID: 100}
	f.c = core.NewClient(tr, core.WithKeepalive(0))
	ctx, cancel := context.WithCancel(context.Background())
	f.wg.Add(1)
	go f.loop(ctx)
	t.Cleanup(func() {
		_ = f.c.Close()
		cancel()
		f.wg.Wait()
	})
	return f
}

// loop answers create, attach and detach, and queues plugin messages.
func (f *fakeJanus) loop(ctx context.Context) {
	defer f.wg.Done()
	for {
		m, err := f.srv.RecvJSON(ctx)
		if err != nil {
			return
		}
		switch m["janus"] {
		case "create", "attach":
			f.nextID++
			f.send(map[string]any{"janus": "success", "transaction": m["transaction"], "data": map[string]any{"id": f.nextID}})
		case "detach":
			f.send(map[string]any{"janus": "success", "transaction": m["transaction"], "session_id": m["session_id"]})
		case "message":
			f.messages <- m
		default:
			f.send(map[string]any{"janus": "ack", "transaction": m["transaction"]})
		}
	}
}

func (f *fakeJanus) send(m map[string]any) {
	_ = f.srv.SendJSON(m)
}

// request returns the next plugin message.
func (f *fakeJanus) request() map[string]any {
	f.t.Helper()
	select {
	case m := <-f.messages:
		return m
	case <-time.After(5 * time.Second):
		f.t.Fatal("no plugin message")
		return nil
	}
}

// event answers an asynchronous request: an ack, then the plugin event
// (with a JSEP if jsep is not nil).
func (f *fakeJanus) event(req map[string]any, data string, jsep *core.JSEP) {
	f.send(map[string]any{"janus": "ack", "transaction": req["transaction"], "session_id": req["session_id"]})
	f.push(req, data, jsep)
}

// push sends a plugin event; with req it answers req's transaction.
func (f *fakeJanus) push(req map[string]any, data string, jsep *core.JSEP) {
	m := map[string]any{"janus": "event", "session_id": req["session_id"], "sender": req["handle_id"],
		"plugindata": map[string]any{"plugin": videoroom.Plugin, "data": json.RawMessage(data)}}
	if tx, ok := req["transaction"]; ok {
		m["transaction"] = tx
	}
	if jsep != nil {
		m["jsep"] = jsep
	}
	f.send(m)
}

// unsolicited sends a plugin event to the handle of req, without a
// transaction.
func (f *fakeJanus) unsolicited(req map[string]any, data string) {
	f.push(map[string]any{"session_id": req["session_id"], "handle_id": req["handle_id"]}, data, nil)
}

// body checks a request's body against the expected JSON.
func body(t *testing.T, req map[string]any, want string) {
	t.Helper()
	got, err := json.Marshal(req["body"])
	require.NoError(t, err)
	assert.JSONEq(t, want, string(got))
}

func run[T any](fn func() (T, error)) <-chan result[T] {
	ch := make(chan result[T], 1)
	go func() {
		v, err := fn()
		ch <- result[T]{v, err}
	}()
	return ch
}

type result[T any] struct {
	v   T
	err error
}

func await[T any](t *testing.T, ch <-chan result[T]) T {
	t.Helper()
	select {
	case r := <-ch:
		require.NoError(t, r.err)
		return r.v
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
		var zero T
		return zero
	}
}

const subStreams = `[{"type":"audio","active":true,"mindex":0,"mid":"0","ready":false,"send":true,"feed_id":7,"feed_display":"alice","feed_mid":"0","codec":"opus"},
	{"type":"video","active":true,"mindex":1,"mid":"1","ready":false,"send":true,"feed_id":7,"feed_display":"alice","feed_mid":"1","codec":"vp8"}]`

// TestSubscriberRequests checks the requests that need a real publisher
// with media (so cannot run against Janus here): their bodies and how
// their answers are decoded.
func TestSubscriberRequests(t *testing.T) {
	f := newFakeJanus(t)
	ctx := context.Background()
	s, err := f.c.CreateSession(ctx)
	require.NoError(t, err)
	offer := &core.JSEP{Type: "offer", SDP: "v=0 offer"}

	type joined struct {
		s *videoroom.Subscriber
		a *videoroom.Attached
	}
	jch := run(func() (joined, error) {
		sub, a, err := videoroom.Subscribe(ctx, s, videoroom.SubscribeRequest{
			Room: core.NumID(77), PrivateID: 5, UseMsid: true, Autoupdate: core.Ptr(false),
			Streams: []videoroom.SubscribeStream{
				{Feed: core.NumID(7)},
				{Feed: core.NumID(8), Mid: "1", CrossRefID: "x", Substream: core.Ptr(0), Temporal: core.Ptr(1), Fallback: core.Ptr(250000),
					SpatialLayer: core.Ptr(2), TemporalLayer: core.Ptr(0), MinDelay: core.Ptr(0), MaxDelay: core.Ptr(10), Send: core.Ptr(true)},
			},
		})
		return joined{sub, a}, err
	})
	req := f.request()
	body(t, req, `{"request":"join","ptype":"subscriber","room":77,"private_id":5,"use_msid":true,"autoupdate":false,
		"streams":[{"feed":7},{"feed":8,"mid":"1","crossrefid":"x","send":true,"substream":0,"temporal":1,"fallback":250000,
			"spatial_layer":2,"temporal_layer":0,"min_delay":0,"max_delay":10}]}`)
	f.event(req, `{"videoroom":"attached","room":77,"streams":`+subStreams+`}`, offer)
	j := await(t, jch)
	assert.Equal(t, core.NumID(77), j.s.Room())
	assert.Equal(t, "offer", j.a.JSEP.Type)
	require.Len(t, j.a.Streams, 2)
	assert.Equal(t, core.NumID(7), j.a.Streams[1].Feed)
	sub := j.s

	// start with the answer.
	answer := &core.JSEP{Type: "answer", SDP: "v=0 answer"}
	ech := run(func() (struct{}, error) { return struct{}{}, sub.Start(ctx, answer) })
	req = f.request()
	body(t, req, `{"request":"start"}`)
	assert.Equal(t, map[string]any{"type": "answer", "sdp": "v=0 answer"}, req["jsep"])
	f.event(req, `{"videoroom":"event","room":77,"started":"ok"}`, nil)
	await(t, ech)

	// pause, and start again without an answer.
	ech = run(func() (struct{}, error) { return struct{}{}, sub.Pause(ctx) })
	req = f.request()
	body(t, req, `{"request":"pause"}`)
	f.event(req, `{"videoroom":"event","room":77,"paused":"ok"}`, nil)
	await(t, ech)
	ech = run(func() (struct{}, error) { return struct{}{}, sub.Start(ctx, nil) })
	req = f.request()
	assert.Nil(t, req["jsep"])
	f.event(req, `{"videoroom":"event","room":77,"started":"ok"}`, nil)
	await(t, ech)

	// configure, with an ICE restart: a new offer.
	cch := run(func() (*videoroom.Configured, error) {
		return sub.Configure(ctx, videoroom.SubscriberConfigureRequest{Restart: true, Streams: []videoroom.SubscriberConfigureStream{
			{Mid: "1", Send: core.Ptr(false), Substream: core.Ptr(2), Temporal: core.Ptr(0), Fallback: core.Ptr(100000),
				SpatialLayer: core.Ptr(1), TemporalLayer: core.Ptr(1), AudioLevelAverage: 30, AudioActivePackets: 50,
				MinDelay: core.Ptr(0), MaxDelay: core.Ptr(0)},
		}})
	})
	req = f.request()
	body(t, req, `{"request":"configure","restart":true,"streams":[{"mid":"1","send":false,"substream":2,"temporal":0,"fallback":100000,
		"spatial_layer":1,"temporal_layer":1,"audio_level_average":30,"audio_active_packets":50,"min_delay":0,"max_delay":0}]}`)
	f.event(req, `{"videoroom":"event","room":77,"configured":"ok"}`, &core.JSEP{Type: "offer", SDP: "v=0 restart"})
	conf := await(t, cch)
	assert.Equal(t, "v=0 restart", conf.JSEP.SDP)

	// subscribe: an updated event with a renegotiation offer.
	uch := run(func() (*videoroom.Updated, error) {
		return sub.Subscribe(ctx, []videoroom.SubscribeStream{{Feed: core.NumID(9), Mid: "0"}})
	})
	req = f.request()
	body(t, req, `{"request":"subscribe","streams":[{"feed":9,"mid":"0"}]}`)
	f.event(req, `{"videoroom":"updated","room":77,"streams":`+subStreams+`}`, &core.JSEP{Type: "offer", SDP: "v=0 update"})
	up := await(t, uch)
	assert.Equal(t, "v=0 update", up.JSEP.SDP)
	assert.False(t, up.Pending)
	assert.Len(t, up.Streams, 2)

	// unsubscribe while an offer is unanswered: "updating", and the offer
	// follows as an event.
	uch = run(func() (*videoroom.Updated, error) {
		return sub.Unsubscribe(ctx, []videoroom.UnsubscribeStream{{Feed: core.NumID(9)}, {Feed: core.NumID(7), Mid: "1"}, {SubMid: "2"}})
	})
	req = f.request()
	body(t, req, `{"request":"unsubscribe","streams":[{"feed":9},{"feed":7,"mid":"1"},{"sub_mid":"2"}]}`)
	f.event(req, `{"videoroom":"updating","room":77}`, nil)
	up = await(t, uch)
	assert.True(t, up.Pending)
	assert.Nil(t, up.JSEP)
	f.unsolicited(req, `{"videoroom":"updated","room":77,"streams":`+subStreams+`}`)
	for ev := range sub.Events() {
		if u, ok := ev.(*videoroom.Updated); ok {
			assert.False(t, u.Pending)
			break
		}
	}

	// update: both lists; nothing changed.
	uch = run(func() (*videoroom.Updated, error) {
		return sub.Update(ctx, videoroom.UpdateRequest{
			Subscribe:   []videoroom.SubscribeStream{{Feed: core.NumID(10)}},
			Unsubscribe: []videoroom.UnsubscribeStream{{SubMid: "0"}},
		})
	})
	req = f.request()
	body(t, req, `{"request":"update","subscribe":[{"feed":10}],"unsubscribe":[{"sub_mid":"0"}]}`)
	f.event(req, `{"videoroom":"updated","room":77}`, nil)
	up = await(t, uch)
	assert.Nil(t, up.Streams)

	// switch: confirmed by "switched".
	sch := run(func() (*videoroom.Switched, error) {
		return sub.Switch(ctx, []videoroom.SwitchStream{{Feed: core.NumID(8), Mid: "1", SubMid: "1"}})
	})
	req = f.request()
	body(t, req, `{"request":"switch","streams":[{"feed":8,"mid":"1","sub_mid":"1"}]}`)
	f.event(req, `{"videoroom":"event","switched":"ok","room":77,"changes":1,"streams":`+subStreams+`}`, nil)
	sw := await(t, sch)
	assert.Equal(t, 1, sw.Changes)
	assert.Nil(t, sw.JSEP)

	// switch needing a renegotiation: the offer comes first.
	sch = run(func() (*videoroom.Switched, error) {
		return sub.Switch(ctx, []videoroom.SwitchStream{{Feed: core.NumID(8), Mid: "0", SubMid: "3"}})
	})
	req = f.request()
	f.event(req, `{"videoroom":"updated","room":77,"streams":`+subStreams+`}`, &core.JSEP{Type: "offer", SDP: "v=0 switch"})
	sw = await(t, sch)
	assert.Equal(t, "v=0 switch", sw.JSEP.SDP)
	assert.Len(t, sw.Streams, 2)

	// Unsolicited subscriber events are typed.
	f.unsolicited(req, `{"videoroom":"event","room":77,"mid":"1","substream":1}`)
	f.unsolicited(req, `{"videoroom":"slow_link"}`)
	var layer *videoroom.LayerChanged
	for ev := range sub.Events() {
		if l, ok := ev.(*videoroom.LayerChanged); ok {
			layer = l
		}
		if _, ok := ev.(*videoroom.SlowLink); ok {
			break
		}
	}
	require.NotNil(t, layer)
	assert.Equal(t, 1, *layer.Substream)

	// leave.
	ech = run(func() (struct{}, error) { return struct{}{}, sub.Leave(ctx) })
	req = f.request()
	body(t, req, `{"request":"leave"}`)
	f.event(req, `{"videoroom":"event","room":77,"left":"ok"}`, nil)
	await(t, ech)

	// A plugin error stays a *core.PluginError.
	ech = run(func() (struct{}, error) { return struct{}{}, sub.Pause(ctx) })
	req = f.request()
	f.event(req, `{"videoroom":"event","error_code":424,"error":"Invalid request on unconfigured participant"}`, nil)
	r := <-ech
	assert.ErrorIs(t, r.err, videoroom.ErrJoinFirst)
	assert.EqualError(t, r.err, "janus: videoroom: pause: error 424: Invalid request on unconfigured participant")
}

// TestPublisherRosterFedByDecoder checks, with scripted events that need
// media on a real server (publishers, talking, unpublished), that a
// publisher's roster follows the handle's events, including events that
// arrive while the join answer is still on its way to the caller.
func TestPublisherRosterFedByDecoder(t *testing.T) {
	f := newFakeJanus(t)
	ctx := context.Background()
	s, err := f.c.CreateSession(ctx)
	require.NoError(t, err)

	type joined struct {
		p *videoroom.Publisher
		j *videoroom.Joined
	}
	jch := run(func() (joined, error) {
		p, j, err := videoroom.JoinPublisher(ctx, s, videoroom.JoinRequest{Room: core.NumID(5), Display: "me", Pin: "1234", Token: "tok",
			AudioActivePackets: 50, AudioLevelAverage: 40})
		return joined{p, j}, err
	})
	req := f.request()
	body(t, req, `{"request":"join","ptype":"publisher","room":5,"display":"me","pin":"1234","token":"tok","audio_active_packets":50,"audio_level_average":40}`)
	// The answer and, right behind it, room events.
	f.event(req, `{"videoroom":"joined","room":5,"description":"d","id":1,"private_id":99,
		"publishers":[{"id":2,"display":"two","streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","talking":false}]}]}`, nil)
	f.unsolicited(req, `{"videoroom":"event","room":5,"publishers":[{"id":3,"display":"three","streams":[{"type":"video","mindex":0,"mid":"0","codec":"vp8"}]}]}`)
	f.unsolicited(req, `{"videoroom":"talking","room":5,"id":2,"mindex":0,"mid":"0","audio-level-dBov-avg":10}`)
	f.unsolicited(req, `{"videoroom":"event","room":5,"unpublished":2}`)
	j := await(t, jch)
	pub := j.p
	assert.Equal(t, core.NumID(1), pub.ParticipantID())
	assert.Equal(t, uint64(99), pub.PrivateID())
	assert.Equal(t, core.NumID(5), pub.Room())
	assert.Len(t, j.j.Publishers, 1)

	// Once the last event is on the stream, the roster has seen it all.
	for ev := range pub.Events() {
		if _, ok := ev.(*videoroom.Unpublished); ok {
			break
		}
	}
	ps := pub.Roster().Participants()
	require.Len(t, ps, 2)
	assert.Equal(t, "two", ps[0].Display)
	assert.False(t, ps[0].Publisher)
	assert.Nil(t, ps[0].Streams)
	assert.Equal(t, "three", ps[1].Display)
	assert.True(t, ps[1].Publisher)

	// publish and configure bodies.
	cch := run(func() (*videoroom.Configured, error) {
		return pub.Publish(ctx, videoroom.PublishRequest{AudioCodec: "opus", VideoCodec: "vp8", Bitrate: 256000, Record: core.Ptr(true),
			Filename: "/tmp/x", Display: "me2", AudioLevelAverage: 30, AudioActivePackets: 60, Secret: "s",
			Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "mic"}}}, &core.JSEP{Type: "offer", SDP: "v=0"})
	})
	req = f.request()
	body(t, req, `{"request":"publish","audiocodec":"opus","videocodec":"vp8","bitrate":256000,"record":true,"filename":"/tmp/x","secret":"s",
		"display":"me2","audio_active_packets":60,"audio_level_average":30,"descriptions":[{"mid":"0","description":"mic"}]}`)
	f.event(req, `{"videoroom":"event","room":5,"configured":"ok","audio_codec":"opus","streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus"}]}`,
		&core.JSEP{Type: "answer", SDP: "v=0 answer"})
	assert.Equal(t, "answer", await(t, cch).JSEP.Type)

	cch = run(func() (*videoroom.Configured, error) {
		return pub.Configure(ctx, videoroom.ConfigureRequest{Bitrate: 128000, Keyframe: core.Ptr(true), Record: core.Ptr(false), Display: "me3",
			Streams:      []videoroom.ConfigureStream{{Mid: "0", Send: core.Ptr(false), Keyframe: core.Ptr(true), MinDelay: core.Ptr(0), MaxDelay: core.Ptr(5)}},
			Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "muted mic"}}}, nil)
	})
	req = f.request()
	body(t, req, `{"request":"configure","bitrate":128000,"keyframe":true,"record":false,"display":"me3",
		"streams":[{"mid":"0","send":false,"keyframe":true,"min_delay":0,"max_delay":5}],"descriptions":[{"mid":"0","description":"muted mic"}]}`)
	f.event(req, `{"videoroom":"event","room":5,"configured":"ok"}`, nil)
	assert.Nil(t, await(t, cch).JSEP)

	// unpublish answers "unpublished": "ok".
	ech := run(func() (struct{}, error) { return struct{}{}, pub.Unpublish(ctx) })
	req = f.request()
	body(t, req, `{"request":"unpublish"}`)
	f.event(req, `{"videoroom":"event","room":5,"unpublished":"ok"}`, nil)
	await(t, ech)

	// leave clears the roster.
	ech = run(func() (struct{}, error) { return struct{}{}, pub.Leave(ctx) })
	req = f.request()
	f.event(req, `{"videoroom":"event","room":5,"leaving":"ok"}`, nil)
	await(t, ech)
	assert.Equal(t, 0, pub.Roster().Len())
}

// TestJoinAndConfigureBody checks the merged joinandconfigure request.
func TestJoinAndConfigureBody(t *testing.T) {
	f := newFakeJanus(t)
	ctx := context.Background()
	s, err := f.c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := videoroom.Attach(ctx, s)
	require.NoError(t, err)
	type joined struct {
		p *videoroom.Publisher
		j *videoroom.Joined
	}
	jch := run(func() (joined, error) {
		p, j, err := h.JoinAndConfigure(ctx, videoroom.JoinRequest{Room: core.StrID("r"), Participant: core.StrID("me"), AudioLevelAverage: 20},
			videoroom.PublishRequest{Display: "Me", Bitrate: 1000, Descriptions: []videoroom.StreamDescription{{Mid: "0", Description: "mic"}},
				AudioCodec: core.Opus, VideoCodec: core.VP8, Record: core.Ptr(true), Filename: "f", Secret: "s", AudioActivePackets: 10, AudioLevelAverage: 30},
			&core.JSEP{Type: "offer", SDP: "v=0"})
		return joined{p, j}, err
	})
	req := f.request()
	// Every member of both requests, the join's first where both have one.
	body(t, req, `{"request":"joinandconfigure","ptype":"publisher","room":"r","id":"me","display":"Me","bitrate":1000,"descriptions":[{"mid":"0","description":"mic"}],
		"audiocodec":"opus","videocodec":"vp8","record":true,"filename":"f","secret":"s","audio_active_packets":10,"audio_level_average":20}`)
	// Metadata, the eleventh, needs a server's version: TestMetadata
	// checks that JoinAndConfigure sends it.
	assert.Equal(t, 11, reflect.TypeFor[videoroom.PublishRequest]().NumField(), "JoinAndConfigure must send a new member of PublishRequest too")
	f.event(req, `{"videoroom":"joined","room":"r","description":"r","id":"me","private_id":4,"publishers":[],
		"streams":[{"type":"audio","mindex":0,"mid":"0","codec":"opus","description":"mic"}]}`, &core.JSEP{Type: "answer", SDP: "v=0"})
	j := await(t, jch)
	assert.Equal(t, core.StrID("me"), j.p.ParticipantID())
	assert.Equal(t, "answer", j.j.JSEP.Type)
	assert.Equal(t, "mic", j.j.Streams[0].Description)

	// A handle joins once.
	_, _, err = h.JoinAsPublisher(ctx, videoroom.JoinRequest{Room: core.StrID("r")})
	assert.ErrorContains(t, err, "already joined")
}
