package whip

import (
	"context"
	"errors"
	"net/http"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/videoroom"
)

// PublishEndpoint is a WHIP endpoint: each POST joins a VideoRoom room as
// a publisher with the client's SDP offer ("joinandconfigure") and
// answers with Janus's SDP answer.
type PublishEndpoint struct {
	Access
	// Join says the room (required unless Request sets it), the display
	// name, pin, room token...
	Join videoroom.JoinRequest
	// Options are the publish settings (codecs, bitrate, recording...).
	Options videoroom.PublishRequest
	// Request, when set, is called for every POST with copies of Join and
	// Options to change from the request (a display name from the query,
	// a room from a header...). An *Error it returns is the answer.
	Request func(r *http.Request, join *videoroom.JoinRequest, publish *videoroom.PublishRequest) error
}

// Publish adds a WHIP endpoint at path (such as "/whip/room1"); its
// resources are path + "/" + id.
func (h *Handler) Publish(path string, e PublishEndpoint) error {
	if e.Join.Room.IsZero() && e.Request == nil {
		return errors.New("whip: a publish endpoint needs a room")
	}
	return h.add(&endpoint{path: path, kind: "whip", access: e.Access, start: e.start})
}

func (e PublishEndpoint) start(ctx context.Context, r *http.Request, s *core.Session, offer string) (*peerSide, error) {
	join, publish := e.Join, e.Options
	if e.Request != nil {
		if err := e.Request(r, &join, &publish); err != nil {
			return nil, refused(err)
		}
	}
	vh, err := videoroom.Attach(ctx, s)
	if err != nil {
		return nil, err
	}
	pub, joined, err := vh.JoinAndConfigure(ctx, join, publish, &core.JSEP{Type: "offer", SDP: offer})
	if err != nil {
		return nil, err
	}
	return &peerSide{
		handle: vh.Handle,
		sdp:    joined.JSEP.SDP,
		restart: func(ctx context.Context, offer *core.JSEP) (*core.JSEP, error) {
			c, err := pub.Configure(ctx, videoroom.ConfigureRequest{}, offer)
			if err != nil {
				return nil, err
			}
			return c.JSEP, nil
		},
		leave: func(ctx context.Context) error {
			// Unpublish first: a publisher that left the room at once
			// would leave its subscribers without the updated offer that
			// tells them it is gone (Janus drops it when the room is
			// gone from the publisher by the time its PeerConnection
			// closes); an error here (never published) changes nothing.
			_ = pub.Unpublish(ctx)
			return pub.Leave(ctx)
		},
		room:    join.Room,
		feed:    joined.Participant,
		display: join.Display,
	}, nil
}

// Subscription says what a WHEP endpoint over a VideoRoom plays: the
// streams of one publisher (by Feed id or by Display name), a mix
// (Streams), or, with none of them, every publisher of the room.
//
// Janus lists a publisher only once its PeerConnection is up, so a
// player that POSTs right after the publisher's WHIP POST would find no
// publisher: when a WHIP resource of this handler for that Feed or
// Display in the room is still setting up, the POST waits for it (within
// Options.RequestTimeout) before it subscribes; otherwise an unknown
// publisher is 404.
//
// Several publishers may share a display name (a publisher that came
// back while Janus still lists its dead self, until MediaTimeout reaps
// it): Display picks, among those publishing, the one this handler's
// WHIP endpoints made last; when none of them is the handler's, the POST
// is answered 409, naming their feed ids (subscribe by Feed then).
//
// A player of one publisher (Feed or Display) ends when that publisher
// stops publishing or leaves (Janus's updated offer for the
// subscription has no active m-line left): its resource is torn down
// and later requests on it are 404; the client makes a new POST to play
// the next publisher. Players of Streams or of the whole room stay, and
// the m-lines of a publisher that left go quiet.
type Subscription struct {
	Room core.ID
	// Pin is the room's PIN, if it has one.
	Pin string
	// Display picks the publisher with this display name.
	Display string
	// Feed picks the publisher with this id.
	Feed core.ID
	// Streams picks streams of any publishers, one m-line each.
	Streams []videoroom.SubscribeStream
}

// SubscribeEndpoint is a WHEP endpoint over a VideoRoom: each POST
// subscribes to publishers of a room. A VideoRoom subscription is always
// offered by Janus (in 1.1.2 and 1.4.1 alike), so the endpoint serves the
// server-offer flow: POST without a body, 201 with Janus's offer, then
// the client's answer by PATCH (application/sdp). A POST with an offer is
// answered 406.
type SubscribeEndpoint struct {
	Access
	Subscription
	// Request, when set, is called for every POST with a copy of
	// Subscription to change from the request.
	Request func(r *http.Request, sub *Subscription) error
}

// Subscribe adds a WHEP endpoint over a VideoRoom at path.
func (h *Handler) Subscribe(path string, e SubscribeEndpoint) error {
	if e.Room.IsZero() && e.Request == nil {
		return errors.New("whip: a subscribe endpoint needs a room")
	}
	start := func(ctx context.Context, r *http.Request, s *core.Session, offer string) (*peerSide, error) {
		return e.start(ctx, h, r, s, offer)
	}
	return h.add(&endpoint{path: path, kind: "whep", access: e.Access, start: start})
}

func (e SubscribeEndpoint) start(ctx context.Context, h *Handler, r *http.Request, s *core.Session, offer string) (*peerSide, error) {
	if offer != "" {
		return nil, failf(http.StatusNotAcceptable, "Janus offers VideoRoom subscriptions itself: POST without a body, then PATCH the answer")
	}
	sel := e.Subscription
	if e.Request != nil {
		if err := e.Request(r, &sel); err != nil {
			return nil, refused(err)
		}
	}
	vh, err := videoroom.Attach(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := h.waitSettingUp(ctx, sel); err != nil {
		return nil, err
	}
	streams, err := sel.streams(ctx, vh, h)
	if err != nil {
		return nil, err
	}
	oneFeed := len(sel.Streams) == 0 && (!sel.Feed.IsZero() || sel.Display != "")
	sub, att, err := vh.JoinAsSubscriber(ctx, videoroom.SubscribeRequest{Room: sel.Room, Pin: sel.Pin, Streams: streams,
		// The client cannot answer the offers the plugin sends when a
		// publisher leaves. A player of the room or of a mix is left
		// without them (the publisher's m-line goes quiet); a player
		// of one publisher gets them, as the sign that its publisher
		// is gone, and ends then.
		Autoupdate: core.Ptr(oneFeed)})
	if err != nil {
		return nil, err
	}
	return &peerSide{handle: vh.Handle, sdp: att.JSEP.SDP, offered: true, answer: sub.Start, leave: sub.Leave, oneFeed: oneFeed}, nil
}

// streams resolves the subscription into streams of publishers that
// publish now; a display name shared by several goes to the handler's
// latest publisher among them.
func (sel Subscription) streams(ctx context.Context, vh *videoroom.Handle, h *Handler) ([]videoroom.SubscribeStream, error) {
	switch {
	case len(sel.Streams) > 0:
		return sel.Streams, nil
	case !sel.Feed.IsZero():
		return []videoroom.SubscribeStream{{Feed: sel.Feed}}, nil
	}
	ps, err := vh.ListParticipants(ctx, sel.Room)
	if err != nil {
		return nil, err
	}
	var out []videoroom.SubscribeStream
	for _, p := range ps {
		if p.Publisher && (sel.Display == "" || p.Display == sel.Display) {
			out = append(out, videoroom.SubscribeStream{Feed: p.ID})
		}
	}
	if len(out) == 0 {
		if sel.Display != "" {
			return nil, failf(http.StatusNotFound, "no publisher %q in room %v", sel.Display, sel.Room)
		}
		return nil, failf(http.StatusNotFound, "no publisher in room %v", sel.Room)
	}
	if sel.Display != "" && len(out) > 1 {
		feeds := make([]core.ID, len(out))
		for i, st := range out {
			feeds[i] = st.Feed
		}
		latest, ok := h.latestPublisher(sel.Room, feeds)
		if !ok {
			return nil, failf(http.StatusConflict, "%d publishers %q in room %v (feeds %v): subscribe by feed", len(out), sel.Display, sel.Room, feeds)
		}
		return []videoroom.SubscribeStream{{Feed: latest}}, nil
	}
	return out, nil
}

// WatchEndpoint is a WHEP endpoint over a Streaming mountpoint. A POST
// with the client's offer (the WHEP flow) is answered with Janus's answer
// ("watch" with the offer, Janus 1.1.4 and later; older servers answer
// 406, see core.ErrUnsupported); a POST without a body gets Janus's offer
// and the client PATCHes its answer (application/sdp), on every version.
type WatchEndpoint struct {
	Access
	// Watch names the mountpoint (required unless Request sets it), its
	// pin and the streams to play.
	Watch streaming.WatchRequest
	// Request, when set, is called for every POST with a copy of Watch to
	// change from the request.
	Request func(r *http.Request, watch *streaming.WatchRequest) error
}

// Watch adds a WHEP endpoint over a Streaming mountpoint at path.
func (h *Handler) Watch(path string, e WatchEndpoint) error {
	if e.Watch.Mountpoint.IsZero() && e.Request == nil {
		return errors.New("whip: a watch endpoint needs a mountpoint")
	}
	return h.add(&endpoint{path: path, kind: "whep", access: e.Access, start: e.start})
}

func (e WatchEndpoint) start(ctx context.Context, r *http.Request, s *core.Session, offer string) (*peerSide, error) {
	req := e.Watch
	if e.Request != nil {
		if err := e.Request(r, &req); err != nil {
			return nil, refused(err)
		}
	}
	sh, err := streaming.Attach(ctx, s)
	if err != nil {
		return nil, err
	}
	if offer != "" {
		answer, err := sh.WatchOffer(ctx, req, &core.JSEP{Type: "offer", SDP: offer})
		if errors.Is(err, core.ErrUnsupported) {
			return nil, &Error{Status: http.StatusNotAcceptable, Reason: "this Janus cannot take the player's offer: POST without a body, then PATCH the answer", Err: err}
		}
		if err != nil {
			return nil, err
		}
		return &peerSide{handle: sh.Handle, sdp: answer.SDP}, nil
	}
	srvOffer, err := sh.Watch(ctx, req)
	if err != nil {
		return nil, err
	}
	return &peerSide{handle: sh.Handle, sdp: srvOffer.SDP, offered: true,
		answer: func(ctx context.Context, answer *core.JSEP) error {
			_, err := sh.Start(ctx, answer)
			return err
		}}, nil
}
