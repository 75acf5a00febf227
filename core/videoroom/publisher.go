package videoroom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gojanus/gojanus/core"
)

// PublisherJoin is a publisher's join request: it makes the handle a
// participant of the room, not publishing yet.
type PublisherJoin struct {
	Room core.ID `json:"room"`
	// ID is the participant id to use; zero lets the plugin pick one. An
	// id in use fails with ErrIDExists.
	ID      core.ID `json:"id,omitzero"`
	Display string  `json:"display,omitempty"`
	// Pin is the room's PIN, if it has one; Token is an ACL token (see
	// Handle.Allowed) or, in signed-token mode, the signed token.
	Pin   string `json:"pin,omitempty"`
	Token string `json:"token,omitempty"`
	// AudioActivePackets and AudioLevelAverage override the room's
	// talking-detection settings for this participant.
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
}

// PublishOptions are the settings of a publish request (and of
// JoinAndConfigure).
type PublishOptions struct {
	// AudioCodec and VideoCodec pick a codec among those the room allows
	// and the offer has.
	AudioCodec string `json:"audiocodec,omitempty"`
	VideoCodec string `json:"videocodec,omitempty"`
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
	// AudioActivePackets and AudioLevelAverage override the room's
	// talking-detection settings.
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
	// Descriptions label the published streams, by mid.
	Descriptions []StreamDescription `json:"descriptions,omitempty"`
}

// ConfigureOptions change an active publisher (the configure request).
// Empty and nil fields are left unchanged.
type ConfigureOptions struct {
	// Bitrate is the new video bitrate cap, in bit/s.
	Bitrate int `json:"bitrate,omitempty"`
	// Keyframe asks the publisher for a keyframe on every video stream.
	Keyframe *bool `json:"keyframe,omitempty"`
	// Record, Filename and Secret: see PublishOptions.
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	Secret   string `json:"secret,omitempty"`
	// Display changes the display name; the other participants receive a
	// DisplayChanged event.
	Display            string `json:"display,omitempty"`
	AudioActivePackets int    `json:"audio_active_packets,omitempty"`
	AudioLevelAverage  int    `json:"audio_level_average,omitempty"`
	// Streams tweak single published streams.
	Streams []PublisherStreamOptions `json:"streams,omitempty"`
	// Descriptions relabel published streams; the other participants
	// receive a Publishers event.
	Descriptions []StreamDescription `json:"descriptions,omitempty"`
}

// PublisherStreamOptions tweak one published stream.
type PublisherStreamOptions struct {
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
func JoinPublisher(ctx context.Context, s *core.Session, j PublisherJoin, opts ...core.CallOption) (*Publisher, *Joined, error) {
	h, err := Attach(ctx, s, opts...)
	if err != nil {
		return nil, nil, err
	}
	p, joined, err := h.JoinAsPublisher(ctx, j)
	if err != nil {
		detachQuietly(h)
		return nil, nil, err
	}
	return p, joined, nil
}

// JoinAsPublisher joins a room as a publisher on this handle (a handle
// joins once: after Leave, use a new one). Failures are *core.PluginError
// such as ErrNoSuchRoom, ErrUnauthorized (wrong pin or token) or
// ErrIDExists.
func (h *Handle) JoinAsPublisher(ctx context.Context, j PublisherJoin) (*Publisher, *Joined, error) {
	body := struct {
		Request string `json:"request"`
		PType   string `json:"ptype"`
		PublisherJoin
	}{"join", "publisher", j}
	return h.joinPublisher(ctx, "join", body, nil)
}

// JoinAndConfigure joins a room as a publisher and publishes at once with
// an SDP offer. The Joined answer carries the SDP answer (JSEP) and the
// published Streams.
func (h *Handle) JoinAndConfigure(ctx context.Context, j PublisherJoin, p PublishOptions, offer *core.JSEP) (*Publisher, *Joined, error) {
	if offer == nil {
		return nil, nil, errors.New("videoroom: joinandconfigure needs an SDP offer")
	}
	if p.Display != "" && j.Display == "" {
		j.Display = p.Display
	}
	p.Display = ""
	body, err := mergeObjects(map[string]any{"request": "joinandconfigure", "ptype": "publisher"}, j, p)
	if err != nil {
		return nil, nil, fmt.Errorf("videoroom: joinandconfigure: %w", err)
	}
	pub, joined, err := h.joinPublisher(ctx, "joinandconfigure", body, offer)
	if err != nil {
		return nil, nil, err
	}
	if joined.JSEP == nil {
		return pub, joined, errors.New("videoroom: joinandconfigure: no SDP answer to the offer")
	}
	return pub, joined, nil
}

func (h *Handle) joinPublisher(ctx context.Context, request string, body any, offer *core.JSEP) (*Publisher, *Joined, error) {
	r := NewRoster()
	r.expectJoin()
	if !h.st.roster.CompareAndSwap(nil, r) {
		return nil, nil, fmt.Errorf("videoroom: %s: this handle already joined a room", request)
	}
	joined, err := expect[*Joined](ctx, h, request, body, offer)
	if err != nil {
		h.st.roster.CompareAndSwap(r, nil)
		r.cancelJoin()
		return nil, nil, err
	}
	r.Apply(joined)
	return &Publisher{Handle: h, roster: r, room: joined.Room, id: joined.ID, privateID: joined.PrivateID}, joined, nil
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
// subscriptions (SubscriberJoin.PrivateID).
func (p *Publisher) PrivateID() uint64 { return p.privateID }

// Publish starts publishing with an SDP offer and returns the plugin's
// Configured answer: JSEP is the SDP answer, Streams the published
// streams. The other participants learn about the new feed (a Publishers
// event) once the PeerConnection is up.
func (p *Publisher) Publish(ctx context.Context, o PublishOptions, offer *core.JSEP) (*Configured, error) {
	if offer == nil {
		return nil, errors.New("videoroom: publish needs an SDP offer")
	}
	body := struct {
		Request string `json:"request"`
		PublishOptions
	}{"publish", o}
	c, err := expectPub[*Configured](ctx, p, "publish", body, offer)
	if err != nil {
		return nil, err
	}
	if c.JSEP == nil {
		return nil, errors.New("videoroom: publish: no SDP answer to the offer")
	}
	return c, nil
}

// Configure changes the publisher's settings. With an offer (a
// renegotiation, or a first publish) the answer's JSEP is the SDP answer.
func (p *Publisher) Configure(ctx context.Context, o ConfigureOptions, offer *core.JSEP) (*Configured, error) {
	body := struct {
		Request string `json:"request"`
		ConfigureOptions
	}{"configure", o}
	c, err := expectPub[*Configured](ctx, p, "configure", body, offer)
	if err != nil {
		return nil, err
	}
	if offer != nil && c.JSEP == nil {
		return nil, errors.New("videoroom: configure: no SDP answer to the offer")
	}
	return c, nil
}

// Unpublish stops publishing and closes the PeerConnection; the
// participant stays in the room. Without an active PeerConnection it fails
// with ErrNotPublished.
func (p *Publisher) Unpublish(ctx context.Context) error {
	_, err := expectPub[*Unpublished](ctx, p, "unpublish", map[string]string{"request": "unpublish"}, nil)
	return err
}

// Leave leaves the room; the others receive a Leaving event and the
// roster is cleared. The handle cannot join again: detach it, or keep it
// for room management. Call Unpublish (or close the PeerConnection) first:
// Janus 1.1.2 sends its subscribers an updated offer only when the
// publisher stops publishing while still in the room.
func (p *Publisher) Leave(ctx context.Context) error {
	_, err := expectPub[*Left](ctx, p, "leave", map[string]string{"request": "leave"}, nil)
	return err
}

// expectPub is expect for publisher requests: the answer also goes to the
// roster (answers do not pass through the event decoder).
func expectPub[T core.Event](ctx context.Context, p *Publisher, request string, body any, jsep *core.JSEP) (T, error) {
	t, err := expect[T](ctx, p.Handle, request, body, jsep)
	if err == nil && p.roster != nil {
		p.roster.Apply(t)
	}
	return t, err
}

// mergeObjects marshals each value to a JSON object and merges their
// members (earlier values win).
func mergeObjects(vs ...any) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		for k, val := range m {
			if _, ok := out[k]; !ok {
				out[k] = val
			}
		}
	}
	return out, nil
}

// detachQuietly detaches a handle whose join failed, within its own
// short deadline.
func detachQuietly(h *Handle) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Detach(ctx)
}
