package videoroom

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// JoinRequest is a publisher's join (the "join" request with ptype
// "publisher"): it makes the handle a participant of the room, not
// publishing yet.
type JoinRequest struct {
	Room core.ID `json:"room"`
	// Participant is the participant id to use; zero lets the plugin pick
	// one. An id in use fails with ErrIDExists.
	Participant core.ID `json:"id,omitzero"`
	Display     string  `json:"display,omitempty"`
	// Pin is the room's PIN, if it has one; Token is an ACL token (see
	// Handle.Allowed) or, in signed-token mode, the signed token.
	Pin   string `json:"pin,omitempty"`
	Token string `json:"token,omitempty"`
	// Metadata is a JSON object the other participants see with this one
	// (PublisherInfo.Metadata, Attendee.Metadata, ...) and subscribers
	// with its streams (SubscriberStream.FeedMetadata). Janus 1.3.0 and
	// later; older servers fail with core.ErrUnsupported before sending.
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// AudioActivePackets and AudioLevelAverage override the room's
	// talking-detection settings for this participant.
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
}

// PublishRequest is the "publish" request (and the publishing half of
// JoinAndConfigure).
type PublishRequest struct {
	// AudioCodec and VideoCodec pick a codec among those the room allows
	// and the offer has.
	AudioCodec core.Codec `json:"audiocodec,omitempty"`
	VideoCodec core.Codec `json:"videocodec,omitempty"`
	// Bitrate caps the publisher's video bitrate (REMB), in bit/s,
	// instead of the room's cap.
	Bitrate int `json:"bitrate,omitempty"`
	// Record and Filename start recording this publisher, to files whose
	// names start with Filename. Secret is the room's secret, needed to
	// change recording in rooms with lock_record.
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	Secret   string `json:"secret,omitempty"`
	// Display changes the display name.
	Display string `json:"display,omitempty"`
	// Metadata replaces the participant's JSON object (see
	// JoinRequest.Metadata; Janus 1.3.0).
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// AudioActivePackets and AudioLevelAverage override the room's
	// talking-detection settings.
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
	// Descriptions label the published streams, by mid.
	Descriptions []StreamDescription `json:"descriptions,omitempty"`
}

// ConfigureRequest changes an active publisher (the "configure"
// request). Empty and nil fields are left unchanged.
type ConfigureRequest struct {
	// Bitrate is the new video bitrate cap, in bit/s.
	Bitrate int `json:"bitrate,omitempty"`
	// Keyframe asks the publisher for a keyframe on every video stream.
	Keyframe *bool `json:"keyframe,omitempty"`
	// Record, Filename and Secret: see PublishRequest.
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	Secret   string `json:"secret,omitempty"`
	// Display changes the display name; the other participants receive a
	// DisplayChanged event.
	Display string `json:"display,omitempty"`
	// Metadata replaces the participant's JSON object (see
	// JoinRequest.Metadata; Janus 1.3.0): the other participants receive
	// a MetadataChanged event when it had one before.
	Metadata           json.RawMessage `json:"metadata,omitempty"`
	AudioActivePackets int             `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int             `json:"audio_level_average,omitempty"`
	// Streams tweak single published streams.
	Streams []ConfigureStream `json:"streams,omitempty"`
	// Descriptions relabel published streams; the other participants
	// receive a Publishers event.
	Descriptions []StreamDescription `json:"descriptions,omitempty"`
}

// ConfigureStream tweaks one published stream.
type ConfigureStream struct {
	Mid string `json:"mid"`
	// Send false stops relaying the stream to subscribers (a mute).
	Send *bool `json:"send,omitempty"`
	// Keyframe asks for a keyframe on this (video) stream.
	Keyframe *bool `json:"keyframe,omitempty"`
	// MinDelay and MaxDelay set the playout-delay extension, in blocks of
	// 10 ms (negative values turn it off).
	MinDelay *int `json:"min_delay,omitempty"`
	MaxDelay *int `json:"max_delay,omitempty"`
}

// Publisher is a participant of a room, joined on a Handle. Its embedded
// Handle still manages rooms, and its event stream (Events) carries the
// room's events; its Roster follows the other participants.
type Publisher struct {
	*Handle
	roster    *Roster
	room      core.ID
	id        core.ID
	privateID uint64
}

// JoinPublisher attaches a new handle to s and joins a room on it as a
// publisher. It returns the participant and the plugin's Joined answer
// (the room's current publishers). If the join fails, the handle is
// detached.
func JoinPublisher(ctx context.Context, s *core.Session, req JoinRequest, opts ...core.CallOption) (*Publisher, *Joined, error) {
	h, err := Attach(ctx, s, opts...)
	if err != nil {
		return nil, nil, err
	}
	p, joined, err := h.JoinAsPublisher(ctx, req)
	if err != nil {
		detachQuietly(h)
		return nil, nil, err
	}
	return p, joined, nil
}

// JoinAsPublisher joins a room as a publisher on this handle (the "join"
// request; a handle joins once: after Leave, use a new one). Failures
// match ErrNoSuchRoom, ErrUnauthorized (wrong pin or token), ErrIDExists...
func (h *Handle) JoinAsPublisher(ctx context.Context, req JoinRequest) (*Publisher, *Joined, error) {
	if err := h.require(ctx, "join", req.Metadata != nil, "metadata", vMetadata); err != nil {
		return nil, nil, err
	}
	return h.joinPublisher(ctx, "join", req, nil)
}

// JoinAndConfigure joins a room as a publisher and publishes at once with
// an SDP offer (the "joinandconfigure" request); where both requests have
// a setting (Display, Metadata, AudioActivePackets, AudioLevelAverage),
// the join's wins. The Joined answer carries the SDP answer (JSEP) and the published
// Streams.
func (h *Handle) JoinAndConfigure(ctx context.Context, join JoinRequest, publish PublishRequest, offer *core.JSEP) (*Publisher, *Joined, error) {
	const verb = "joinandconfigure"
	if offer == nil {
		return nil, nil, errors.New("janus: videoroom: joinandconfigure needs an SDP offer")
	}
	join.Display = cmp.Or(join.Display, publish.Display)
	join.AudioActivePackets = cmp.Or(join.AudioActivePackets, publish.AudioActivePackets)
	join.AudioLevelAverage = cmp.Or(join.AudioLevelAverage, publish.AudioLevelAverage)
	if join.Metadata == nil {
		join.Metadata = publish.Metadata
	}
	if err := h.require(ctx, verb, join.Metadata != nil, "metadata", vMetadata); err != nil {
		return nil, nil, err
	}
	// The join's members, then those only the publish has.
	req := struct {
		JoinRequest
		AudioCodec   core.Codec          `json:"audiocodec,omitempty"`
		VideoCodec   core.Codec          `json:"videocodec,omitempty"`
		Bitrate      int                 `json:"bitrate,omitempty"`
		Record       *bool               `json:"record,omitempty"`
		Filename     string              `json:"filename,omitempty"`
		Secret       string              `json:"secret,omitempty"`
		Descriptions []StreamDescription `json:"descriptions,omitempty"`
	}{join, publish.AudioCodec, publish.VideoCodec, publish.Bitrate, publish.Record, publish.Filename, publish.Secret, publish.Descriptions}
	pub, joined, err := h.joinPublisher(ctx, verb, req, offer)
	if err != nil {
		return nil, nil, err
	}
	if joined.JSEP == nil {
		return pub, joined, noSDP(verb, "answer to the offer")
	}
	return pub, joined, nil
}

// joinPublisher sends a publisher's join; the roster holds the events
// that arrive before the Joined answer seeds it.
func (h *Handle) joinPublisher(ctx context.Context, verb string, req any, offer *core.JSEP) (*Publisher, *Joined, error) {
	body, err := plugin.Prepend(req, "ptype", "publisher")
	if err != nil {
		return nil, nil, errfmt.Errorf("janus: videoroom: %s: %w", verb, err)
	}
	r := NewRoster()
	r.expectJoin()
	if !h.st.roster.CompareAndSwap(nil, r) {
		return nil, nil, errfmt.Errorf("janus: videoroom: %s: this handle already joined a room", verb)
	}
	joined, err := plugin.Expect[*Joined](ctx, api, h.s, verb, body, h.answer, core.WithJSEP(offer))
	if err != nil {
		h.st.roster.CompareAndSwap(r, nil)
		r.cancelJoin()
		return nil, nil, err
	}
	return &Publisher{Handle: h, roster: r, room: joined.Room, id: joined.Participant, privateID: joined.PrivateID}, joined, nil
}

// Roster returns the participant's view of the other participants, kept
// current from the handle's events.
func (p *Publisher) Roster() *Roster { return p.roster }

// Room returns the room the participant joined.
func (p *Publisher) Room() core.ID { return p.room }

// ParticipantID returns the participant's id in the room (the feed id
// subscribers use).
func (p *Publisher) ParticipantID() core.ID { return p.id }

// PrivateID returns the participant's private id, to give in its own
// subscriptions (SubscribeRequest.PrivateID).
func (p *Publisher) PrivateID() uint64 { return p.privateID }

// Publish starts publishing with an SDP offer (the "publish" request) and
// returns the plugin's Configured answer: JSEP is the SDP answer, Streams
// the published streams. The other participants learn about the new feed
// (a Publishers event) once the PeerConnection is up.
func (p *Publisher) Publish(ctx context.Context, req PublishRequest, offer *core.JSEP) (*Configured, error) {
	if offer == nil {
		return nil, errors.New("janus: videoroom: publish needs an SDP offer")
	}
	if err := p.require(ctx, "publish", req.Metadata != nil, "metadata", vMetadata); err != nil {
		return nil, err
	}
	c, err := plugin.Expect[*Configured](ctx, api, p.s, "publish", req, p.answer, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	if c.JSEP == nil {
		return nil, noSDP("publish", "answer to the offer")
	}
	return c, nil
}

// Configure changes the publisher's settings (the "configure" request).
// With an offer (a renegotiation, or a first publish) the answer's JSEP
// is the SDP answer.
func (p *Publisher) Configure(ctx context.Context, req ConfigureRequest, offer *core.JSEP) (*Configured, error) {
	if err := p.require(ctx, "configure", req.Metadata != nil, "metadata", vMetadata); err != nil {
		return nil, err
	}
	c, err := plugin.Expect[*Configured](ctx, api, p.s, "configure", req, p.answer, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	if offer != nil && c.JSEP == nil {
		return nil, noSDP("configure", "answer to the offer")
	}
	return c, nil
}

// Unpublish stops publishing and closes the PeerConnection (the
// "unpublish" request); the participant stays in the room. Without an
// active PeerConnection it fails with ErrNotPublished.
func (p *Publisher) Unpublish(ctx context.Context) error {
	_, err := plugin.Expect[*Unpublished](ctx, api, p.s, "unpublish", nil, p.answer)
	return err
}

// Leave leaves the room (the "leave" request); the others receive a
// Leaving event and the roster is cleared. The handle cannot join again:
// detach it, or keep it for room management. Call Unpublish (or close
// the PeerConnection) first: Janus 1.1.2 sends its subscribers an updated
// offer only when the publisher stops publishing while still in the room.
func (p *Publisher) Leave(ctx context.Context) error {
	_, err := plugin.Expect[*Left](ctx, api, p.s, "leave", nil, p.answer)
	return err
}

// noSDP is the error of an answer without the SDP it should carry.
func noSDP(verb, what string) error {
	return errfmt.Errorf("janus: videoroom: %s: %w: no SDP %s", verb, core.ErrBadAnswer, what)
}

// detachQuietly detaches a handle whose join failed, within its own
// short deadline.
func detachQuietly(h *Handle) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Detach(ctx)
}
