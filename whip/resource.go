package whip

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/videoroom"
)

// peerSide is the Janus side of a resource, made by an endpoint's start.
type peerSide struct {
	// handle carries the PeerConnection; its events tell when it is up
	// or gone.
	handle *core.Handle
	// sdp is Janus's answer to the client's offer, or, when offered is
	// set, Janus's own offer (the server-offer flow).
	sdp     string
	offered bool
	// answer sends the client's answer to Janus's offer (server-offer
	// flows).
	answer func(ctx context.Context, answer *core.JSEP) error
	// restart sends an offer that restarts ICE and returns Janus's
	// answer; nil when the resource cannot restart ICE.
	restart func(ctx context.Context, offer *core.JSEP) (*core.JSEP, error)
	// leave, if set, leaves the room before the session is destroyed.
	leave func(ctx context.Context) error
	// room, feed and display identify a VideoRoom publisher (WHIP): the
	// handler reaps it when its media stops (Options.MediaTimeout), and
	// subscriptions by display or feed wait for it while it sets up.
	room, feed core.ID
	display    string
	// oneFeed marks a VideoRoom subscription to one publisher: it ends
	// when Janus's updated offer has no active media m-line left.
	oneFeed bool
}

// publisher reports whether the side is a VideoRoom publisher.
func (p *peerSide) publisher() bool { return !p.feed.IsZero() }

// serverOffer reports whether Janus made the offer.
func (p *peerSide) serverOffer() bool { return p.offered }

// resource is what a POST made: a session of its own with one handle.
type resource struct {
	id   string
	ep   *endpoint
	s    *core.Session
	side *peerSide
	done chan struct{} // closed when the resource starts to end
	gone chan struct{} // closed when its teardown is done
	up   chan struct{} // closed when Janus reports the PeerConnection up
	seq  uint64        // the order of the POSTs that made the resources

	mu        sync.Mutex // serializes the PATCHes
	etag      string
	clientSDP string // the client's offer, or its answer once it sent it
	answered  bool   // server-offer flow: the client's answer came
}

// ended reports whether the resource has ended.
func (r *resource) ended() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Why a resource ended, as the log line says it.
const (
	whyDeleted     = "DELETE"
	whyClosed      = "handler closed"
	whyNoMedia     = "no media"
	whySetup       = "setup timeout"
	whySessionGone = "session gone"
	whyHangup      = "hangup"
	whyDetached    = "detached by Janus"
	whyFeedGone    = "publisher gone"
)

// watch follows the resource's handle until the resource ends: a hangup
// (the PeerConnection closed or ICE failed), a PeerConnection that is
// not up within SetupTimeout, a publisher whose every stream stopped
// for MediaTimeout, or a subscription whose one publisher went away
// tears it down; a handle that ended (its session is gone: Janus
// restarted, or the connection was lost for good) removes it.
func (h *Handler) watch(res *resource) {
	defer h.wg.Done()
	setup := time.NewTimer(h.opts.SetupTimeout)
	defer setup.Stop()
	quiet := newQuietTimer(h.opts.MediaTimeout)
	defer quiet.stop()
	events := res.side.handle.Events()
	for {
		select {
		case <-res.done:
			return
		case <-setup.C:
			h.end(res, whySetup, fmt.Sprintf("no PeerConnection within %v", h.opts.SetupTimeout), true)
			return
		case <-quiet.c():
			h.end(res, whyNoMedia, fmt.Sprintf("Janus received no media for %v on any stream", h.opts.MediaTimeout), true)
			return
		case ev, ok := <-events:
			if !ok {
				h.end(res, whySessionGone, fmt.Sprintf("the Janus handle ended: %v", res.side.handle.Err()), false)
				return
			}
			switch e := ev.(type) {
			case *core.WebRTCUp:
				setup.Stop()
				h.mu.Lock()
				select {
				case <-res.up:
				default:
					close(res.up)
				}
				h.mu.Unlock()
			case *core.Media:
				h.log.Debug("whip: media", "resource", res.id, "mid", e.Mid, "type", e.Type, "receiving", e.Receiving)
				if res.side.publisher() {
					quiet.media(e)
				}
			case *videoroom.Updated:
				if res.side.oneFeed && !e.Pending && !anyActive(e.Streams) {
					h.end(res, whyFeedGone, "the publisher of the subscription went away", true)
					return
				}
			case *core.Hangup:
				h.end(res, whyHangup, e.Reason, true)
				return
			case *core.Detached:
				h.end(res, whyDetached, "", true)
				return
			}
		}
	}
}

// anyActive reports whether a subscription has an audio or video m-line
// that still has a publisher.
func anyActive(streams []videoroom.SubscriberStream) bool {
	for _, st := range streams {
		if st.Active && st.Type != videoroom.MediaData {
			return true
		}
	}
	return false
}

// quietTimer runs out when every stream Janus received media on has
// been reported without media (Media events with Receiving false) for a
// timeout, with none back in between.
type quietTimer struct {
	timeout   time.Duration
	receiving map[string]bool // by mid and simulcast substream
	t         *time.Timer
}

// newQuietTimer returns a quietTimer; a timeout of 0 or less never runs
// out.
func newQuietTimer(timeout time.Duration) *quietTimer {
	return &quietTimer{timeout: timeout, receiving: map[string]bool{}}
}

// media takes a Media event of the handle.
func (q *quietTimer) media(e *core.Media) {
	if q.timeout <= 0 {
		return
	}
	key := e.Mid
	if e.Substream != nil {
		key += fmt.Sprintf("/%d", *e.Substream)
	}
	q.receiving[key] = e.Receiving
	for _, r := range q.receiving {
		if r {
			q.stop()
			return
		}
	}
	if q.t == nil {
		q.t = time.NewTimer(q.timeout)
	}
}

// c is the channel that fires when the timeout ran out (nil, never
// ready, while media flows).
func (q *quietTimer) c() <-chan time.Time {
	if q.t == nil {
		return nil
	}
	return q.t.C
}

// stop stops the timer.
func (q *quietTimer) stop() {
	if q.t != nil {
		q.t.Stop()
		q.t = nil
	}
}

// end ends a resource, once: with teardown it leaves its room and
// destroys its session (which detaches the handle and hangs up its
// PeerConnection), then removes it, so that a 404 on it means that it is
// gone from Janus too. It reports whether this call ended it (false:
// it had ended or was ending).
func (h *Handler) end(res *resource, why, detail string, teardown bool) bool {
	h.mu.Lock()
	if h.resources[res.id] != res || res.ended() {
		h.mu.Unlock()
		return false
	}
	close(res.done)
	h.mu.Unlock()
	if teardown {
		ctx, cancel := context.WithTimeout(context.Background(), h.opts.RequestTimeout)
		if res.side.leave != nil {
			_ = res.side.leave(ctx)
		}
		_ = res.s.Destroy(ctx)
		cancel()
	}
	h.mu.Lock()
	delete(h.resources, res.id)
	h.mu.Unlock()
	close(res.gone)
	args := []any{"endpoint", res.ep.path, "resource", res.id, "session", res.s.ID(), "reason", why}
	if detail != "" {
		args = append(args, "detail", detail)
	}
	h.log.Info("whip: resource ended", args...)
	return true
}

// notFound answers 404 for a resource that ended, once its teardown is
// done (or the request's context ends).
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, res *resource) {
	select {
	case <-res.gone:
	case <-r.Context().Done():
	}
	h.answer(w, r, failf(http.StatusNotFound, "no such resource"))
}

// patch answers a PATCH on a resource: the client's SDP answer (the
// server-offer flow), trickled candidates, or an ICE restart.
func (h *Handler) patch(w http.ResponseWriter, r *http.Request, res *resource) {
	text, ct, err := body(r, false, ContentTypeFragment, ContentTypeSDP)
	if err != nil {
		h.answer(w, r, err)
		return
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	if res.ended() {
		h.notFound(w, r, res)
		return
	}
	match := r.Header.Get("If-Match")
	if match != "" && match != "*" && match != res.etag {
		h.answer(w, r, failf(http.StatusPreconditionFailed, "the ETag does not match: the resource is %s", res.etag))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	if ct == ContentTypeSDP {
		h.patchAnswer(ctx, w, r, res, text)
		return
	}
	if res.side.offered && !res.answered {
		h.answer(w, r, failf(http.StatusConflict, "the server's offer has no answer yet: PATCH it as %s first", ContentTypeSDP))
		return
	}
	frag, bad := parseFragment(text, mediaSections(res.clientSDP))
	if bad != "" {
		h.answer(w, r, failf(http.StatusBadRequest, "bad SDP fragment: %s", bad))
		return
	}
	ufrag, pwd := iceCredentials(res.clientSDP)
	if frag.ufrag == "" || frag.ufrag == ufrag && frag.pwd == pwd {
		if err := h.trickle(ctx, res, frag); err != nil {
			h.answer(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.restart(ctx, w, r, res, frag, match)
}

// patchAnswer takes the client's answer to Janus's offer.
func (h *Handler) patchAnswer(ctx context.Context, w http.ResponseWriter, r *http.Request, res *resource, sdp string) {
	switch {
	case !res.side.offered:
		h.answer(w, r, failf(http.StatusConflict, "this resource was made from the client's offer: there is no offer to answer"))
		return
	case res.answered:
		h.answer(w, r, failf(http.StatusConflict, "the server's offer was answered already"))
		return
	case !looksLikeSDP(sdp) || len(mediaSections(sdp)) != len(mediaSections(res.side.sdp)):
		h.answer(w, r, failf(http.StatusUnprocessableEntity, "the body is no SDP answer to the server's offer (%d m-lines)", len(mediaSections(res.side.sdp))))
		return
	}
	if err := res.side.answer(ctx, &core.JSEP{Type: "answer", SDP: sdp}); err != nil {
		h.answer(w, r, err)
		return
	}
	res.clientSDP, res.answered = sdp, true
	w.WriteHeader(http.StatusNoContent)
}

// trickle sends the fragment's candidates, and its end-of-candidates, to
// the handle.
func (h *Handler) trickle(ctx context.Context, res *resource, frag fragment) error {
	if len(frag.candidates) > 0 {
		if err := res.side.handle.TrickleBatch(ctx, frag.candidates); err != nil {
			return err
		}
	}
	if frag.completed {
		return res.side.handle.TrickleCompleted(ctx)
	}
	return nil
}

// restart restarts ICE: the client's offer with the fragment's new
// credentials goes to Janus as a restart offer; the answer's credentials
// and candidates go back as a fragment, with a new ETag.
func (h *Handler) restart(ctx context.Context, w http.ResponseWriter, r *http.Request, res *resource, frag fragment, match string) {
	switch {
	case match == "":
		h.answer(w, r, failf(http.StatusPreconditionRequired, "an ICE restart needs an If-Match header"))
		return
	case frag.pwd == "":
		h.answer(w, r, failf(http.StatusBadRequest, "an ICE restart needs a=ice-ufrag and a=ice-pwd"))
		return
	case res.side.restart == nil:
		h.answer(w, r, failf(http.StatusUnprocessableEntity, "this resource cannot restart ICE: DELETE it and POST again"))
		return
	}
	offer := withICECredentials(res.clientSDP, frag.ufrag, frag.pwd)
	answer, err := res.side.restart(ctx, &core.JSEP{Type: "offer", SDP: offer, Restart: true})
	if err != nil {
		h.answer(w, r, err)
		return
	}
	res.clientSDP = offer
	res.etag = `"` + randomHex(8) + `"`
	frag.ufrag = ""
	if err := h.trickle(ctx, res, frag); err != nil {
		h.answer(w, r, err)
		return
	}
	w.Header().Set("ETag", res.etag)
	w.Header().Set("Content-Type", ContentTypeFragment)
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, fragmentOf(answer.SDP))
}
