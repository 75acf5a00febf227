package videoroom

import (
	"context"
	"sync/atomic"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// Plugin is the plugin's package name.
const Plugin = "janus.plugin.videoroom"

// The plugin's error codes: errors.Is(err, ErrNoSuchRoom) matches a
// *core.PluginError of that code from this plugin, which carries the
// server's reason and names the request.
var (
	ErrUnknown          = core.PluginCode(Plugin, 499, "unknown error")
	ErrNoMessage        = core.PluginCode(Plugin, 421, "no message")
	ErrInvalidJSON      = core.PluginCode(Plugin, 422, "invalid JSON")
	ErrInvalidRequest   = core.PluginCode(Plugin, 423, "invalid request")
	ErrJoinFirst        = core.PluginCode(Plugin, 424, "join first")
	ErrAlreadyJoined    = core.PluginCode(Plugin, 425, "already joined")
	ErrNoSuchRoom       = core.PluginCode(Plugin, 426, "no such room")
	ErrRoomExists       = core.PluginCode(Plugin, 427, "room exists")
	ErrNoSuchFeed       = core.PluginCode(Plugin, 428, "no such feed")
	ErrMissingElement   = core.PluginCode(Plugin, 429, "missing element")
	ErrInvalidElement   = core.PluginCode(Plugin, 430, "invalid element")
	ErrInvalidSDPType   = core.PluginCode(Plugin, 431, "invalid SDP type")
	ErrPublishersFull   = core.PluginCode(Plugin, 432, "maximum number of publishers reached")
	ErrUnauthorized     = core.PluginCode(Plugin, 433, "unauthorized")
	ErrAlreadyPublished = core.PluginCode(Plugin, 434, "already published")
	ErrNotPublished     = core.PluginCode(Plugin, 435, "not published")
	ErrIDExists         = core.PluginCode(Plugin, 436, "id exists")
	ErrInvalidSDP       = core.PluginCode(Plugin, 437, "invalid SDP")
	// ErrInvalidFeed refuses to mix end-to-end encrypted publishers and
	// others in one subscription (Janus 1.2.2).
	ErrInvalidFeed = core.PluginCode(Plugin, 438, "invalid feed")
)

// api is the plugin's requests: answers say their kind in "videoroom".
var api = plugin.API{Plugin: Plugin, Name: "videoroom", KindKey: "videoroom"}

// Handle is a handle attached to the VideoRoom plugin. The embedded
// core.Handle gives Events, Trickle, Hangup, Detach and the raw Message.
// Any handle can manage rooms (Create, Edit, Destroy, List, Kick,
// Moderate, RTPForward, ...), joined or not. A handle becomes a
// participant with JoinAsPublisher (or JoinAndConfigure) or a
// subscription with JoinAsSubscriber, once: it cannot change role or room
// afterwards.
type Handle struct {
	*core.Handle
	s  plugin.Sender // the handle's plugin requests go through it
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
	return &Handle{Handle: h, s: plugin.OverHandle(h), st: st}, nil
}

// Adopt returns a Handle for an existing VideoRoom handle id of s (for
// example after core.Client.ClaimSession on a new connection), with the
// same typed events as Attach. It does not contact the server. A
// publisher joined on the handle before is not known to the new value:
// feed a Roster by hand (Roster.Apply) if needed.
func Adopt(s *core.Session, id uint64, opts ...core.CallOption) *Handle {
	st := &handleState{}
	h := s.AdoptHandle(id, Plugin, append(opts, core.WithEventDecoder(st.decode))...)
	return &Handle{Handle: h, s: plugin.OverHandle(h), st: st}
}

// decode is the handle's event decoder: DecodeEvent, then the roster of
// the publisher joined on this handle, if any, learns from the event. It
// runs in the connection's read loop and never blocks. Answers to the
// handle's requests go through it too (answer), so that the roster also
// learns from them.
func (st *handleState) decode(ev *core.PluginEvent) core.Event {
	out := DecodeEvent(ev)
	if r := st.roster.Load(); r != nil {
		r.Apply(out)
	}
	return out
}

// answer turns the answer to a request into the event the handle's
// decoder makes of it: answers and unsolicited events share their types,
// and the roster of a publisher learns from both.
func (h *Handle) answer(res *core.PluginResult) core.Event {
	return h.st.decode(h.ResultEvent(res))
}
