package videoroom

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/gojanus/gojanus/core"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.videoroom"

// Error codes of the plugin.
const (
	ErrUnknown          = 499
	ErrNoMessage        = 421
	ErrInvalidJSON      = 422
	ErrInvalidRequest   = 423
	ErrJoinFirst        = 424
	ErrAlreadyJoined    = 425
	ErrNoSuchRoom       = 426
	ErrRoomExists       = 427
	ErrNoSuchFeed       = 428
	ErrMissingElement   = 429
	ErrInvalidElement   = 430
	ErrInvalidSDPType   = 431
	ErrPublishersFull   = 432
	ErrUnauthorized     = 433
	ErrAlreadyPublished = 434
	ErrNotPublished     = 435
	ErrIDExists         = 436
	ErrInvalidSDP       = 437
)

// Handle is a handle attached to the VideoRoom plugin. The embedded
// core.Handle gives Events, Trickle, Hangup, Detach and the raw Message.
// Any handle can manage rooms (Create, Edit, Destroy, List, Kick,
// Moderate, RTPForward, ...), joined or not. A handle becomes a
// participant with JoinAsPublisher (or JoinAndConfigure) or a
// subscription with JoinAsSubscriber, once: it cannot change role or room
// afterwards.
type Handle struct {
	*core.Handle
	st *handleState
}

// handleState is shared between a Handle and its event decoder.
type handleState struct {
	roster atomic.Pointer[Roster]
}

// Attach attaches a new VideoRoom handle to s; its events are typed (see
// DecodeEvent).
func Attach(ctx context.Context, s *core.Session, opts ...core.CallOption) (*Handle, error) {
	st := &handleState{}
	h, err := s.Attach(ctx, Plugin, append(opts, core.WithEventDecoder(st.decode))...)
	if err != nil {
		return nil, err
	}
	return &Handle{Handle: h, st: st}, nil
}

// Adopt returns a Handle for an existing VideoRoom handle id of s (for
// example after core.Client.ClaimSession on a new connection), with the
// same typed events as Attach. It does not contact the server. A
// publisher joined on the handle before is not known to the new value:
// feed a Roster by hand (Roster.Apply) if needed.
func Adopt(s *core.Session, id uint64, opts ...core.CallOption) *Handle {
	st := &handleState{}
	h := s.AdoptHandle(id, Plugin, append(opts, core.WithEventDecoder(st.decode))...)
	return &Handle{Handle: h, st: st}
}

// decode is the handle's event decoder: DecodeEvent, then the roster of
// the publisher joined on this handle, if any, learns from the event. It
// runs in the connection's read loop and never blocks.
func (st *handleState) decode(ev *core.PluginEvent) core.Event {
	out := DecodeEvent(ev)
	if r := st.roster.Load(); r != nil {
		r.Apply(out)
	}
	return out
}

// call sends one request and turns the answer into the event DecodeEvent
// makes of it, so that answers and unsolicited events share their types.
func (h *Handle) call(ctx context.Context, body any, jsep *core.JSEP) (core.Event, error) {
	var opts []core.CallOption
	if jsep != nil {
		opts = append(opts, core.WithJSEP(jsep))
	}
	res, err := h.Message(ctx, body, opts...)
	if err != nil {
		return nil, err
	}
	return DecodeEvent(h.ResultEvent(res)), nil
}

// expect calls and checks that the answer is a T.
func expect[T core.Event](ctx context.Context, h *Handle, request string, body any, jsep *core.JSEP) (T, error) {
	var zero T
	ev, err := h.call(ctx, body, jsep)
	if err != nil {
		return zero, err
	}
	if t, ok := ev.(T); ok {
		return t, nil
	}
	return zero, unexpected(request, ev)
}

// sync sends a synchronous request and decodes its answer into v after
// checking the "videoroom" member.
func (h *Handle) sync(ctx context.Context, request string, body any, want string, v any) error {
	res, err := h.Message(ctx, body)
	if err != nil {
		return err
	}
	var kind struct {
		VideoRoom string `json:"videoroom"`
	}
	if err := res.Decode(&kind); err != nil {
		return fmt.Errorf("videoroom: %s: %w", request, err)
	}
	if kind.VideoRoom != want {
		return fmt.Errorf("videoroom: %s: unexpected answer %s", request, res.Data)
	}
	if v == nil {
		return nil
	}
	if err := res.Decode(v); err != nil {
		return fmt.Errorf("videoroom: %s: %w", request, err)
	}
	return nil
}

func unexpected(request string, ev core.Event) error {
	if pe, ok := ev.(*core.PluginEvent); ok {
		return fmt.Errorf("videoroom: %s: unexpected answer %s", request, pe.Data)
	}
	return fmt.Errorf("videoroom: %s: unexpected answer %T", request, ev)
}
