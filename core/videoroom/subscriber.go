package videoroom

import (
	"context"
	"slices"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// SubscribeRequest is a subscriber's join (the "join" request with ptype
// "subscriber"): it makes the handle a subscription to streams of one or
// more publishers of a room, over one PeerConnection.
type SubscribeRequest struct {
	Room core.ID `json:"room"`
	// Streams are what to subscribe to (at least one).
	Streams []SubscribeStream `json:"streams"`
	// PrivateID is the subscribing participant's private id
	// (Publisher.PrivateID), required in rooms with require_pvtid.
	PrivateID uint64 `json:"private_id,omitempty"`
	// UseMsid adds to the offer an msid naming the publisher of each
	// stream.
	UseMsid bool `json:"use_msid,omitempty"`
	// Autoupdate false stops the plugin from sending a new offer (an
	// Updated event) when a subscribed publisher leaves (default true).
	Autoupdate *bool `json:"autoupdate,omitempty"`
	// Pin is the room's PIN, if it has one; Token a signed token in
	// signed-token mode.
	Pin   string `json:"pin,omitempty"`
	Token string `json:"token,omitempty"`
}

// SubscribeStream selects publisher streams to subscribe to: every
// stream of Feed, or only the one with Mid.
type SubscribeStream struct {
	Feed core.ID `json:"feed"`
	Mid  string  `json:"mid,omitempty"`
	// CrossRefID is an application id echoed in SubscriberStream, to map
	// m-lines back to requests.
	CrossRefID string `json:"crossrefid,omitempty"`
	// Send false subscribes without relaying media yet.
	Send *bool `json:"send,omitempty"`
	// Substream, Temporal and Fallback (µs) pick the simulcast layer;
	// SpatialLayer and TemporalLayer the VP9-SVC layer (0-2).
	Substream     *int `json:"substream,omitempty"`
	Temporal      *int `json:"temporal,omitempty"`
	Fallback      *int `json:"fallback,omitempty"`
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in blocks of
	// 10 ms.
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// UnsubscribeStream selects subscription m-lines to remove: all those fed
// by Feed, those fed by Feed's stream Mid, or the one m-line SubMid.
type UnsubscribeStream struct {
	Feed   core.ID `json:"feed,omitzero"`
	Mid    string  `json:"mid,omitempty"`
	SubMid string  `json:"sub_mid,omitempty"`
}

// SwitchStream points the subscription's m-line SubMid at another source,
// the stream Mid of publisher Feed (same media type and codec), without a
// renegotiation.
type SwitchStream struct {
	Feed   core.ID `json:"feed"`
	Mid    string  `json:"mid"`
	SubMid string  `json:"sub_mid"`
	// Substream and Temporal pick the new source's simulcast layer,
	// SpatialLayer and TemporalLayer its SVC layer (0-2; nil for the
	// highest, 2), as SubscriberConfigureStream does (Janus 1.1.4; older
	// servers fail with core.ErrUnsupported before sending). A switch
	// resets the layer choice of the m-line either way.
	Substream     *int `json:"substream,omitempty"`
	Temporal      *int `json:"temporal,omitempty"`
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
}

// layered reports whether the switch picks a layer.
func (s SwitchStream) layered() bool {
	return s.Substream != nil || s.Temporal != nil || s.SpatialLayer != nil || s.TemporalLayer != nil
}

// SubscriberConfigureRequest changes a subscription (the "configure"
// request of a subscriber).
type SubscriberConfigureRequest struct {
	// Streams tweak single m-lines.
	Streams []SubscriberConfigureStream `json:"streams,omitempty"`
	// Restart asks for a new offer with an ICE restart.
	Restart bool `json:"restart,omitempty"`
}

// SubscriberConfigureStream tweaks one m-line of a subscription.
type SubscriberConfigureStream struct {
	// Mid is the subscription's m-line.
	Mid string `json:"mid"`
	// Send pauses (false) or resumes (true) the m-line alone.
	Send *bool `json:"send,omitempty"`
	// Substream, Temporal and Fallback (µs) pick the simulcast layer;
	// SpatialLayer and TemporalLayer the VP9-SVC layer (0-2).
	Substream     *int `json:"substream,omitempty"`
	Temporal      *int `json:"temporal,omitempty"`
	Fallback      *int `json:"fallback,omitempty"`
	SpatialLayer  *int `json:"spatial_layer,omitempty"`
	TemporalLayer *int `json:"temporal_layer,omitempty"`
	// AudioLevelAverage and AudioActivePackets override the room's
	// talking-detection settings.
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in blocks of
	// 10 ms.
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// Subscriber is a subscription joined on a Handle: one PeerConnection
// receiving streams of publishers. Janus makes the offers; the
// subscriber answers them with Start.
type Subscriber struct {
	*Handle
	room core.ID
}

// Subscribe attaches a new handle to s and subscribes on it. It returns
// the subscription and the Attached answer, whose JSEP is Janus's SDP
// offer: answer it with Start. If the join fails (ErrNoSuchFeed for a feed
// that is not publishing, ...), the handle is detached.
func Subscribe(ctx context.Context, s *core.Session, req SubscribeRequest, opts ...core.CallOption) (*Subscriber, *Attached, error) {
	h, err := Attach(ctx, s, opts...)
	if err != nil {
		return nil, nil, err
	}
	sub, att, err := h.JoinAsSubscriber(ctx, req)
	if err != nil {
		detachQuietly(h)
		return nil, nil, err
	}
	return sub, att, nil
}

// JoinAsSubscriber subscribes on this handle (the "join" request; see
// Subscribe).
func (h *Handle) JoinAsSubscriber(ctx context.Context, req SubscribeRequest) (*Subscriber, *Attached, error) {
	body, err := plugin.Prepend(req, "ptype", "subscriber")
	if err != nil {
		return nil, nil, errfmt.Errorf("janus: videoroom: join: %w", err)
	}
	att, err := plugin.Expect[*Attached](ctx, api, h.s, "join", body, h.answer)
	if err != nil {
		return nil, nil, err
	}
	if att.JSEP == nil {
		return nil, nil, noSDP("join", "offer for the subscription")
	}
	return &Subscriber{Handle: h, room: att.Room}, att, nil
}

// Room returns the room of the subscription.
func (s *Subscriber) Room() core.ID { return s.room }

// Start sends the SDP answer to Janus's offer (from Subscribe, or from an
// Updated event), or, with a nil answer, resumes a paused subscription
// (the "start" request).
func (s *Subscriber) Start(ctx context.Context, answer *core.JSEP) error {
	_, err := plugin.Expect[*Started](ctx, api, s.s, "start", nil, s.answer, core.WithJSEP(answer))
	return err
}

// Pause stops the media of the whole subscription until Start (the
// "pause" request).
func (s *Subscriber) Pause(ctx context.Context) error {
	_, err := plugin.Expect[*Paused](ctx, api, s.s, "pause", nil, s.answer)
	return err
}

// Configure tweaks m-lines of the subscription (the "configure"
// request). With Restart, the answer's JSEP is a new offer with an ICE
// restart, to answer with Start. (The plugin sends no answer at all to a
// restart asked while an earlier offer is still unanswered: it sends the
// offer later as an Updated event, and Configure ends with the context.)
func (s *Subscriber) Configure(ctx context.Context, req SubscriberConfigureRequest) (*Configured, error) {
	return plugin.Expect[*Configured](ctx, api, s.s, "configure", req, s.answer)
}

// Subscribe adds streams to the subscription (the "subscribe" request).
// The answer is an Updated with a new offer to answer with Start, an
// Updated without streams when nothing changed, or a Pending one when the
// offer follows later as an event.
func (s *Subscriber) Subscribe(ctx context.Context, streams []SubscribeStream) (*Updated, error) {
	return plugin.Expect[*Updated](ctx, api, s.s, "subscribe", map[string]any{"streams": streams}, s.answer)
}

// Unsubscribe removes streams from the subscription (the "unsubscribe"
// request); the answer is as for Subscribe.
func (s *Subscriber) Unsubscribe(ctx context.Context, streams []UnsubscribeStream) (*Updated, error) {
	return plugin.Expect[*Updated](ctx, api, s.s, "unsubscribe", map[string]any{"streams": streams}, s.answer)
}

// UpdateRequest adds and removes streams in one renegotiation.
type UpdateRequest struct {
	Subscribe   []SubscribeStream   `json:"subscribe,omitempty"`
	Unsubscribe []UnsubscribeStream `json:"unsubscribe,omitempty"`
}

// Update adds and removes streams at once (the "update" request); the
// answer is as for Subscribe.
func (s *Subscriber) Update(ctx context.Context, req UpdateRequest) (*Updated, error) {
	return plugin.Expect[*Updated](ctx, api, s.s, "update", req, s.answer)
}

// Switch changes the sources of m-lines without a renegotiation (the
// "switch" request). When a switch gives a source to an inactive m-line,
// the plugin needs a renegotiation after all and answers first with the
// new offer: the result then has JSEP set (answer it with Start) and the
// Streams of that offer, and the plugin's "switched" confirmation follows
// on the event stream.
func (s *Subscriber) Switch(ctx context.Context, streams []SwitchStream) (*Switched, error) {
	if err := s.require(ctx, "switch", slices.ContainsFunc(streams, SwitchStream.layered), "substream/temporal/spatial_layer/temporal_layer", vSwitchLayers); err != nil {
		return nil, err
	}
	res, err := api.Call(ctx, s.s, "switch", map[string]any{"streams": streams}, "", nil)
	if err != nil {
		return nil, err
	}
	switch ev := s.answer(res).(type) {
	case *Switched:
		return ev, nil
	case *Updated:
		return &Switched{PluginEvent: ev.PluginEvent, Room: ev.Room, Streams: ev.Streams}, nil
	}
	return nil, errfmt.Errorf("janus: videoroom: switch: %w: %s", core.ErrBadAnswer, res.Data)
}

// Leave ends the subscription and closes its PeerConnection (the "leave"
// request).
func (s *Subscriber) Leave(ctx context.Context) error {
	_, err := plugin.Expect[*Left](ctx, api, s.s, "leave", nil, s.answer)
	return err
}
