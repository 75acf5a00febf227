//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

var (
	videoRoomProto  js.Value
	publisherProto  js.Value
	subscriberProto js.Value
)

func initVideoRoomProtos() {
	videoRoomProto = newProto(handleProto, map[string]func(js.Value, []js.Value) any{
		"list":             method("VideoRoom handle", roomList),
		"create":           method("VideoRoom handle", roomRequest((*videoroom.Handle).Create)),
		"edit":             method("VideoRoom handle", roomRequest((*videoroom.Handle).Edit)),
		"destroy":          method("VideoRoom handle", roomDestroy),
		"exists":           method("VideoRoom handle", roomExists),
		"listParticipants": method("VideoRoom handle", roomListParticipants),
		"kick":             method("VideoRoom handle", roomAction((*videoroom.Handle).Kick)),
		"moderate":         method("VideoRoom handle", roomAction((*videoroom.Handle).Moderate)),
		"allowed":          method("VideoRoom handle", roomRequest((*videoroom.Handle).Allowed)),
		"join":             method("VideoRoom handle", roomJoin),
	})
	publisherProto = newProto(videoRoomProto, map[string]func(js.Value, []js.Value) any{
		"publish":   method("publisher", publisherPublish),
		"unpublish": method("publisher", publisherUnpublish),
		"configure": method("publisher", publisherConfigure),
		"leave":     method("publisher", publisherLeave),
	})
	// roster() is synchronous: it returns the array itself.
	define(publisherProto, "roster", js.FuncOf(publisherRoster), false)
	subscriberProto = newProto(handleProto, map[string]func(js.Value, []js.Value) any{
		"subscribe":   method("subscriber", subscriberSubscribe),
		"unsubscribe": method("subscriber", subscriberUnsubscribe),
		"update":      method("subscriber", subscriberUpdate),
		"switch":      method("subscriber", subscriberSwitch),
		"configure":   method("subscriber", subscriberConfigure),
		"pause":       method("subscriber", subscriberPause),
		"start":       method("subscriber", subscriberStart),
		"leave":       method("subscriber", subscriberLeave),
	})
}

// videoRoomView, publisherView and subscriberView are the typed views of a
// handle attached to the VideoRoom plugin.
type (
	videoRoomView  struct{ h *videoroom.Handle }
	publisherView  struct{ p *videoroom.Publisher }
	subscriberView struct{ s *videoroom.Subscriber }
)

var errNotVideoRoom = &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom handle"}

func (hs *handleState) videoRoom() (*videoroom.Handle, error) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.plugin.videoroom == nil {
		return nil, errNotVideoRoom
	}
	return hs.plugin.videoroom.h, nil
}

func (hs *handleState) publisher() (*videoroom.Publisher, error) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.plugin.publisher == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom publisher"}
	}
	return hs.plugin.publisher.p, nil
}

func (hs *handleState) subscriber() *videoroom.Subscriber {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.plugin.subscriber == nil {
		return nil
	}
	return hs.plugin.subscriber.s
}

// sessionAttachVideoRoom({opaqueId}) -> VideoRoom handle.
func sessionAttachVideoRoom(ctx context.Context, ss *sessionState, args []js.Value) (any, error) {
	ao, err := attachOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	h, err := videoroom.Attach(ctx, ss.s, ao...)
	if err != nil {
		return nil, err
	}
	hs := newHandleState(ss, h.Handle)
	hs.plugin.videoroom = &videoRoomView{h: h}
	obj := hs.addObject(videoRoomProto)
	hs.start()
	return obj, nil
}

// sessionJoinVideoRoom(join, {opaqueId}) attaches a new handle and joins a
// room as a publisher on it -> Publisher.
func sessionJoinVideoRoom(ctx context.Context, ss *sessionState, args []js.Value) (any, error) {
	var j videoroom.JoinRequest
	if err := fromJS(arg(args, 0), &j); err != nil {
		return nil, err
	}
	if j.Room.IsZero() {
		return nil, typeError("gojanus: joinVideoRoom needs {room}")
	}
	ao, err := attachOptions(arg(args, 1))
	if err != nil {
		return nil, err
	}
	pub, joined, err := videoroom.JoinPublisher(ctx, ss.s, j, ao...)
	if err != nil {
		return nil, err
	}
	hs := newHandleState(ss, pub.Handle.Handle)
	hs.plugin.videoroom = &videoRoomView{h: pub.Handle}
	return hs.publisherObject(pub, joined), nil
}

// roomJoin(join) joins a room as a publisher on this handle -> Publisher
// (a second object for the same handle).
func roomJoin(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.videoRoom()
	if err != nil {
		return nil, err
	}
	var j videoroom.JoinRequest
	if err := fromJS(arg(args, 0), &j); err != nil {
		return nil, err
	}
	pub, joined, err := h.JoinAsPublisher(ctx, j)
	if err != nil {
		return nil, err
	}
	return hs.publisherObject(pub, joined), nil
}

// publisherObject creates the Publisher object, with its roster callback.
func (hs *handleState) publisherObject(pub *videoroom.Publisher, joined *videoroom.Joined) js.Value {
	hs.mu.Lock()
	hs.plugin.publisher = &publisherView{p: pub}
	hs.mu.Unlock()
	obj := hs.addObject(publisherProto)
	define(obj, "room", toJS(pub.Room()), true)
	define(obj, "participantId", toJS(pub.ParticipantID()), true)
	define(obj, "privateId", float64(pub.PrivateID()), true)
	define(obj, "joined", joinedJS(joined), true)
	stop := pub.Roster().OnChange(func(c videoroom.RosterChange) {
		ev := toJS(map[string]any{
			"type":        "roster",
			"kind":        c.Kind.String(),
			"participant": participantJS(c.Participant),
			"kicked":      c.Kicked,
			"missed":      c.Missed,
		})
		if c.Kind == videoroom.RosterCleared {
			ev.Set("participant", js.Null())
		}
		emit(obj, ev)
	})
	hs.mu.Lock()
	ended := hs.ended
	if !ended {
		prev := hs.stopRoster
		hs.stopRoster = func() {
			if prev != nil {
				prev()
			}
			stop()
		}
	}
	hs.mu.Unlock()
	if ended {
		stop()
	}
	hs.start()
	return obj
}

// participantJS is a roster participant as a plain object.
func participantJS(p videoroom.Participant) map[string]any {
	m := map[string]any{
		"id":         p.ID,
		"display":    p.Display,
		"publishing": p.Publisher,
		"talking":    p.Talking,
		"dummy":      p.Dummy,
		"streams":    p.Streams,
	}
	if p.Streams == nil {
		m["streams"] = []any{}
	}
	if len(p.Metadata) > 0 {
		m["metadata"] = p.Metadata
	}
	return m
}

func joinedJS(j *videoroom.Joined) js.Value {
	if j == nil {
		return js.Undefined()
	}
	m := map[string]any{
		"room":        j.Room,
		"description": j.Description,
		"id":          j.Participant,
		"private_id":  j.PrivateID,
		"publishers":  j.Publishers,
		"attendees":   j.Attendees,
	}
	if j.Publishers == nil {
		m["publishers"] = []any{}
	}
	if j.Attendees == nil {
		m["attendees"] = []any{}
	}
	if j.Streams != nil {
		m["streams"] = j.Streams
	}
	return toJS(m)
}

// publisherRoster() -> the other participants, synchronously.
func publisherRoster(this js.Value, _ []js.Value) any {
	hs, err := self[*handleState](this, "publisher")
	if err != nil {
		return jsArray.New()
	}
	pub, err := hs.publisher()
	if err != nil {
		return jsArray.New()
	}
	ps := pub.Roster().Participants()
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, participantJS(p))
	}
	return toJS(out)
}

func configuredJS(c *videoroom.Configured) js.Value {
	m := map[string]any{"room": c.Room, "streams": c.Streams}
	if c.Streams == nil {
		m["streams"] = []any{}
	}
	if c.AudioCodec != "" {
		m["audioCodec"] = c.AudioCodec
	}
	if c.VideoCodec != "" {
		m["videoCodec"] = c.VideoCodec
	}
	if c.JSEP != nil {
		m["jsep"] = c.JSEP
	}
	return toJS(m)
}

// publisherPublish(options) publishes local media ({audio, video} from
// getUserMedia, or {stream} / {tracks}) with the publish settings of the
// same object (bitrate, display, audiocodec, videocodec, descriptions,
// record, filename...). With {jsep: offer} it only relays that offer and
// resolves with Janus's answer, for runtimes without RTCPeerConnection.
func publisherPublish(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	pub, err := hs.publisher()
	if err != nil {
		return nil, err
	}
	opts := arg(args, 0)
	var po videoroom.PublishRequest
	if err := fromJS(opts, &po); err != nil {
		return nil, err
	}
	if opts.Type() == js.TypeObject && isSet(opts.Get("jsep")) {
		var j core.JSEP
		if err := fromJS(opts.Get("jsep"), &j); err != nil {
			return nil, err
		}
		conf, err := pub.Publish(ctx, po, &j)
		if err != nil {
			return nil, err
		}
		return configuredJS(conf), nil
	}
	if !mediaAvailable() {
		return nil, errNoMedia
	}
	ms, err := newMediaState(opts)
	if err != nil {
		return nil, err
	}
	stop := ms.bind(ctx)
	defer stop()
	if err := ms.addLocal(ctx, opts); err != nil {
		ms.close()
		return nil, err
	}
	hs.setMedia(ms)
	conf, err := pub.PublishPeer(ms.ctx, ms.peer, po, onTrickleErr)
	if err != nil {
		hs.closeMedia()
		return nil, err
	}
	res := configuredJS(conf)
	res.Set("stream", ms.local)
	return res, nil
}

func publisherUnpublish(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	pub, err := hs.publisher()
	if err != nil {
		return nil, err
	}
	err = pub.Unpublish(ctx)
	hs.closeMedia()
	return nil, err
}

// publisherConfigure(options) changes the publisher's settings (no
// renegotiation).
func publisherConfigure(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	pub, err := hs.publisher()
	if err != nil {
		return nil, err
	}
	var o videoroom.ConfigureRequest
	if err := fromJS(arg(args, 0), &o); err != nil {
		return nil, err
	}
	conf, err := pub.Configure(ctx, o, nil)
	if err != nil {
		return nil, err
	}
	return configuredJS(conf), nil
}

func publisherLeave(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	pub, err := hs.publisher()
	if err != nil {
		return nil, err
	}
	err = pub.Leave(ctx)
	hs.closeMedia()
	return nil, err
}

// sessionSubscribeVideoRoom(join, options) attaches a new handle,
// subscribes to join.streams ([{feed, mid}]) and answers Janus's offer
// with a browser PeerConnection -> Subscriber, whose stream (a MediaStream)
// receives the remote tracks ("track" events tell about each).
func sessionSubscribeVideoRoom(ctx context.Context, ss *sessionState, args []js.Value) (any, error) {
	var j videoroom.SubscribeRequest
	if err := fromJS(arg(args, 0), &j); err != nil {
		return nil, err
	}
	if j.Room.IsZero() || len(j.Streams) == 0 {
		return nil, typeError("gojanus: subscribeVideoRoom needs {room, streams: [{feed}]}")
	}
	if !mediaAvailable() {
		return nil, errNoMedia
	}
	opts := arg(args, 1)
	ms, err := newMediaState(opts)
	if err != nil {
		return nil, err
	}
	stop := ms.bind(ctx)
	defer stop()
	ao, err := attachOptions(opts)
	if err != nil {
		ms.close()
		return nil, err
	}
	sub, att, err := videoroom.SubscribePeer(ms.ctx, ss.s, j, ms.peer, onTrickleErr, ao...)
	if err != nil {
		ms.close()
		return nil, err
	}
	hs := newHandleState(ss, sub.Handle.Handle)
	hs.plugin.videoroom = &videoRoomView{h: sub.Handle}
	hs.plugin.subscriber = &subscriberView{s: sub}
	obj := hs.addObject(subscriberProto)
	define(obj, "room", toJS(sub.Room()), true)
	define(obj, "stream", ms.remote, true)
	obj.Set("streams", toJS(streamsOf(att.Streams)))
	hs.setMedia(ms)
	hs.start()
	return obj, nil
}

func streamsOf(s []videoroom.SubscriberStream) any {
	if s == nil {
		return []any{}
	}
	return s
}

// subscriberEvent keeps a subscription's streams current (internal
// answers the offers that come with them).
func (hs *handleState) subscriberEvent(ev core.Event) {
	if u, ok := ev.(*videoroom.Updated); ok && hs.subscriber() != nil {
		hs.setStreams(u.Streams)
	}
}

// setStreams sets the subscription's streams, when the plugin gave them.
func (hs *handleState) setStreams(streams []videoroom.SubscriberStream) {
	if streams == nil {
		return
	}
	for _, o := range hs.targets() {
		o.Set("streams", toJS(streams))
	}
}

// updated applies the Updated answer of a subscription change: a new
// offer is answered.
func (hs *handleState) updated(ctx context.Context, u *videoroom.Updated) error {
	hs.setStreams(u.Streams)
	return hs.negotiate(ctx, u)
}

func updatedJS(u *videoroom.Updated) js.Value {
	return toJS(map[string]any{"room": u.Room, "streams": streamsOf(u.Streams), "pending": u.Pending})
}

func subscriberChange(ctx context.Context, hs *handleState, change func(*videoroom.Subscriber) (*videoroom.Updated, error)) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	u, err := change(sub)
	if err != nil {
		return nil, err
	}
	if err := hs.updated(ctx, u); err != nil {
		return nil, err
	}
	return updatedJS(u), nil
}

// subscriberSubscribe([{feed, mid}]) adds streams and renegotiates.
func subscriberSubscribe(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	var streams []videoroom.SubscribeStream
	if err := fromJS(arg(args, 0), &streams); err != nil {
		return nil, err
	}
	return subscriberChange(ctx, hs, func(s *videoroom.Subscriber) (*videoroom.Updated, error) {
		return s.Subscribe(ctx, streams)
	})
}

// subscriberUnsubscribe([{feed, mid, sub_mid}]) removes streams.
func subscriberUnsubscribe(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	var streams []videoroom.UnsubscribeStream
	if err := fromJS(arg(args, 0), &streams); err != nil {
		return nil, err
	}
	return subscriberChange(ctx, hs, func(s *videoroom.Subscriber) (*videoroom.Updated, error) {
		return s.Unsubscribe(ctx, streams)
	})
}

// subscriberUpdate({subscribe, unsubscribe}) does both at once.
func subscriberUpdate(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	var u videoroom.UpdateRequest
	if err := fromJS(arg(args, 0), &u); err != nil {
		return nil, err
	}
	return subscriberChange(ctx, hs, func(s *videoroom.Subscriber) (*videoroom.Updated, error) {
		return s.Update(ctx, u)
	})
}

// subscriberSwitch([{feed, mid, sub_mid}]) changes sources without a
// renegotiation (unless the plugin needs one, which is then answered).
func subscriberSwitch(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	var streams []videoroom.SwitchStream
	if err := fromJS(arg(args, 0), &streams); err != nil {
		return nil, err
	}
	sw, err := sub.Switch(ctx, streams)
	if err != nil {
		return nil, err
	}
	if err := hs.negotiate(ctx, sw); err != nil {
		return nil, err
	}
	return toJS(map[string]any{"room": sw.Room, "changes": sw.Changes, "streams": streamsOf(sw.Streams)}), nil
}

// subscriberConfigure({streams, restart}) tweaks m-lines; an ICE restart's
// offer is answered.
func subscriberConfigure(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	var c videoroom.SubscriberConfigureRequest
	if err := fromJS(arg(args, 0), &c); err != nil {
		return nil, err
	}
	conf, err := sub.Configure(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := hs.negotiate(ctx, conf); err != nil {
		return nil, err
	}
	return configuredJS(conf), nil
}

func subscriberPause(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	return nil, sub.Pause(ctx)
}

// subscriberStart() resumes a paused subscription.
func subscriberStart(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	return nil, sub.Start(ctx, nil)
}

func subscriberLeave(ctx context.Context, hs *handleState, _ []js.Value) (any, error) {
	sub := hs.subscriber()
	if sub == nil {
		return nil, &apiError{name: "InvalidStateError", msg: "gojanus: not a VideoRoom subscriber"}
	}
	err := sub.Leave(ctx)
	hs.closeMedia()
	return nil, err
}

// Room management, on any VideoRoom handle.

// roomRequest makes the method of a room request that takes one object
// (decoded into Req) and answers with a value.
func roomRequest[Req, Res any](do func(*videoroom.Handle, context.Context, Req) (Res, error)) func(context.Context, *handleState, []js.Value) (any, error) {
	return func(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
		h, err := hs.videoRoom()
		if err != nil {
			return nil, err
		}
		var r Req
		if err := fromJS(arg(args, 0), &r); err != nil {
			return nil, err
		}
		return do(h, ctx, r)
	}
}

// roomAction is roomRequest for requests that answer nothing.
func roomAction[Req any](do func(*videoroom.Handle, context.Context, Req) error) func(context.Context, *handleState, []js.Value) (any, error) {
	return roomRequest(func(h *videoroom.Handle, ctx context.Context, r Req) (any, error) { return nil, do(h, ctx, r) })
}

func roomList(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.videoRoom()
	if err != nil {
		return nil, err
	}
	var o videoroom.ListRequest
	if err := fromJS(arg(args, 0), &o); err != nil {
		return nil, err
	}
	rooms, err := h.List(ctx, o)
	if err != nil {
		return nil, err
	}
	if rooms == nil {
		return []any{}, nil
	}
	return rooms, nil
}

// roomDestroy(room | {room, secret, permanent}).
func roomDestroy(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.videoRoom()
	if err != nil {
		return nil, err
	}
	var o videoroom.DestroyRequest
	if t := arg(args, 0).Type(); t == js.TypeNumber || t == js.TypeString {
		if o.Room, err = idArg(args, 0, "room"); err != nil {
			return nil, err
		}
	} else if err := fromJS(arg(args, 0), &o); err != nil {
		return nil, err
	}
	return h.Destroy(ctx, o)
}

func roomExists(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.videoRoom()
	if err != nil {
		return nil, err
	}
	room, err := idArg(args, 0, "room")
	if err != nil {
		return nil, err
	}
	return h.Exists(ctx, room)
}

func roomListParticipants(ctx context.Context, hs *handleState, args []js.Value) (any, error) {
	h, err := hs.videoRoom()
	if err != nil {
		return nil, err
	}
	room, err := idArg(args, 0, "room")
	if err != nil {
		return nil, err
	}
	ps, err := h.ListParticipants(ctx, room)
	if err != nil {
		return nil, err
	}
	if ps == nil {
		return []any{}, nil
	}
	return ps, nil
}
