package core

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakePeer records what is asked of a Peer.
type fakePeer struct {
	mu         sync.Mutex
	candidates []Candidate
	remote     []*JSEP
	answers    int
	failAdd    error
	failRemote error
}

func (p *fakePeer) CreateOffer(context.Context) (*JSEP, error) {
	return nil, errors.New("fakePeer: no offers")
}

func (p *fakePeer) CreateAnswer(context.Context) (*JSEP, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answers++
	return &JSEP{Type: "answer", SDP: "v=0 answer"}, nil
}

func (p *fakePeer) SetRemoteDescription(_ context.Context, j *JSEP) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failRemote != nil {
		return p.failRemote
	}
	p.remote = append(p.remote, j)
	return nil
}

func (p *fakePeer) AddRemoteCandidate(c Candidate) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failAdd != nil {
		return p.failAdd
	}
	p.candidates = append(p.candidates, c)
	return nil
}

func (p *fakePeer) OnLocalCandidate(func(Candidate)) {}
func (p *fakePeer) OnStateChange(func(string))       {}
func (p *fakePeer) Close() error                     { return nil }

// decodedEvent stands for a plugin package's typed event, which embeds the
// plugin event it was decoded from.
type decodedEvent struct{ *PluginEvent }

// TestHandleNegotiation runs Janus's side of a negotiation through a
// handle: the candidates it trickles reach the peer, and its offer on a
// plugin event is answered with the plugin's request, from the loop that
// reads the handle's events.
func TestHandleNegotiation(t *testing.T) {
	c, f := newFake(t)
	s, _ := f.session(c)
	var h *Handle
	attached := async(func() (err error) {
		h, err = s.Attach(context.Background(), "janus.plugin.echotest",
			WithEventDecoder(func(ev *PluginEvent) Event { return &decodedEvent{ev} }))
		return err
	})
	f.success(f.expect("attach"), 3)
	require.NoError(t, wait(t, attached))
	peer := &fakePeer{}
	start := func(ctx context.Context, answer *JSEP) error {
		_, err := h.Message(ctx, map[string]string{"request": "start"}, WithJSEP(answer))
		return err
	}
	type result struct {
		ev      Event
		handled bool
		err     error
	}
	results := make(chan result, 8)
	go func() { // the user's event loop
		for ev := range h.Events() {
			handled, err := HandleNegotiation(context.Background(), ev, peer, start)
			results <- result{ev, handled, err}
		}
	}()

	base := func(janus string) map[string]any { return map[string]any{"janus": janus, "session_id": 1, "sender": 3} }
	cand := base("trickle")
	cand["candidate"] = map[string]any{"sdpMid": "0", "sdpMLineIndex": 0, "candidate": "candidate:1 1 udp 2015363327 10.99.0.1 34332 typ host"}
	f.send(cand)
	done := base("trickle")
	done["candidate"] = map[string]any{"completed": true}
	f.send(done)
	f.send(base("webrtcup"))
	offer := base("event")
	offer["plugindata"] = map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"result": "updated"}}
	offer["jsep"] = map[string]any{"type": "offer", "sdp": "v=0 offer"}
	f.send(offer)

	for _, want := range []bool{true, true, false} {
		r := wait(t, results)
		require.NoError(t, r.err)
		assert.Equal(t, want, r.handled, "%T", r.ev)
	}
	req := f.expect("message")
	assert.Equal(t, map[string]any{"request": "start"}, req["body"])
	assert.Equal(t, map[string]any{"type": "answer", "sdp": "v=0 answer"}, req["jsep"])
	f.reply(req, map[string]any{"janus": "ack"})
	f.reply(req, map[string]any{"janus": "event", "session_id": 1, "sender": 3,
		"plugindata": map[string]any{"plugin": "janus.plugin.echotest", "data": map[string]any{"result": "ok"}}})
	r := wait(t, results)
	require.NoError(t, r.err)
	assert.True(t, r.handled, "the offer is answered")
	assert.IsType(t, &decodedEvent{}, r.ev)

	peer.mu.Lock()
	defer peer.mu.Unlock()
	require.Len(t, peer.candidates, 2)
	assert.Equal(t, "candidate:1 1 udp 2015363327 10.99.0.1 34332 typ host", peer.candidates[0].Candidate)
	assert.Equal(t, "0", peer.candidates[0].SDPMid)
	assert.True(t, peer.candidates[1].Completed, "the end-of-candidates marker reaches the peer")
	require.Len(t, peer.remote, 1)
	assert.Equal(t, &JSEP{Type: "offer", SDP: "v=0 offer"}, peer.remote[0])
	assert.Equal(t, 1, peer.answers)
}

// TestHandleNegotiationLeaves checks the events HandleNegotiation leaves
// to the caller, and the errors it returns.
func TestHandleNegotiationLeaves(t *testing.T) {
	ctx := context.Background()
	offer := &PluginEvent{Plugin: "janus.plugin.videocall", JSEP: &JSEP{Type: "offer", SDP: "v=0"}}
	answered := 0
	answer := func(context.Context, *JSEP) error { answered++; return nil }
	for name, tc := range map[string]struct {
		ev     Event
		answer AnswerFunc
	}{
		"offer without an AnswerFunc":          {&decodedEvent{PluginEvent: offer}, nil},
		"SDP answer":                           {&PluginEvent{JSEP: &JSEP{Type: "answer", SDP: "v=0"}}, answer},
		"plugin event without SDP":             {&decodedEvent{PluginEvent: &PluginEvent{}}, answer},
		"typed event without its plugin event": {&decodedEvent{}, answer},
		"hangup":                               {&Hangup{Reason: "ICE failed"}, answer},
	} {
		peer := &fakePeer{}
		handled, err := HandleNegotiation(ctx, tc.ev, peer, tc.answer)
		assert.NoError(t, err, name)
		assert.False(t, handled, name)
		assert.Empty(t, peer.remote, name)
		assert.Zero(t, peer.answers, name)
	}
	assert.Zero(t, answered)

	boom := errors.New("boom")
	handled, err := HandleNegotiation(ctx, &Trickle{}, &fakePeer{failAdd: boom}, nil)
	assert.True(t, handled)
	assert.ErrorIs(t, err, boom)

	peer := &fakePeer{failRemote: boom}
	handled, err = HandleNegotiation(ctx, offer, peer, answer)
	assert.True(t, handled)
	assert.ErrorIs(t, err, boom)
	assert.Zero(t, peer.answers, "no answer to an offer that could not be set")
	assert.Zero(t, answered)

	handled, err = HandleNegotiation(ctx, offer, &fakePeer{}, func(context.Context, *JSEP) error { return boom })
	assert.True(t, handled)
	assert.ErrorIs(t, err, boom)
}
