package native

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
)

// WHIPOptions configure a WHIP publishing session (WHIPPublish); WHEP
// playback takes them too (WHEPOptions).
type WHIPOptions struct {
	// Token, if set, is sent as "Authorization: Bearer TOKEN" with every
	// request.
	Token string
	// Peer configures the PeerConnection. ICE servers set here are used,
	// and those the server sends in its Link headers are not; without
	// them, the server's are (see WHIPSession.ICEServers).
	Peer PeerConfig
	// HTTPClient sends the requests (default: http.DefaultClient). It
	// follows redirects (307, 308), sending the offer again; like every
	// net/http client, it drops the token when redirected to another host.
	HTTPClient *http.Client
	// NoTrickle gathers every local candidate first and sends them in the
	// offer (WHEP server-offer flow: in the answer) and in ICE restarts,
	// for servers that take no candidates by PATCH. By default the offer
	// goes at once and the candidates follow by PATCH as they are found;
	// when the server refuses that PATCH (405, 422, 501) the session
	// stops trickling and the server learns the client's addresses from
	// its connectivity checks (peer-reflexive candidates).
	NoTrickle bool
	// NoAutoRestart turns off the ICE restart that the session does when
	// ICE fails after it was connected.
	NoAutoRestart bool
	// OnTrickleError, when set, hears of each trickle PATCH that failed
	// other than by the server not taking candidates (405, 422, 501): a
	// *WHIPError (a 5xx, or a 404 when the resource is gone, which also
	// ends the session) or the request's error. Those candidates are
	// lost; ICE may still connect over the others, or by the addresses
	// the server learns from its checks. A 412 is not reported: an ICE
	// restart replaced the resource's ETag meanwhile, and the candidates
	// sent with the old one are of the old ICE session. It is called on
	// the session's own goroutine and must not block.
	OnTrickleError func(err error)
}

// WHIPSession is a WHIP resource (a publication, made by WHIPPublish) or
// a WHEP resource (a playback, inside a WHEPSession): its PeerConnection,
// and the HTTP resource on the server that trickle, ICE restarts and
// Close talk to.
type WHIPSession struct {
	res         whipResource
	peer        *Peer
	servers     []webrtc.ICEServer
	noTrickle   bool
	autoRestart bool

	ctx       context.Context // ends with Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	kick      chan struct{} // candidates to send
	failed    chan struct{} // ICE failed after being connected
	connected chan struct{} // closed when first connected
	connOnce  sync.Once
	down      chan struct{} // closed when the PeerConnection first failed or closed
	downOnce  sync.Once
	ended     chan struct{} // closed when the session is over (Done)
	endOnce   sync.Once

	restartMu sync.Mutex // one ICE restart at a time

	mu           sync.Mutex
	etag         string
	pending      []string // local candidates to send
	complete     bool     // end-of-candidates to send
	hold         bool     // keep candidates: the answer or a restart is on the way
	trickle      bool     // the server takes candidates by PATCH
	refused      error    // the server's 405 or 501 to a PATCH
	onTrickleErr func(error)
	gone         error // the server's 404 to a trickle PATCH
	wasUp        bool
	retries      int // automatic ICE restarts since the PeerConnection was last connected

	closeOnce sync.Once
	closeErr  error
}

// WHIPPublish publishes source to a WHIP endpoint (RFC 9725): it adds
// the source's tracks to a new Peer as send-only, POSTs the SDP offer,
// applies the answer and returns once the PeerConnection is connected
// (or with ctx's error, or a *WHIPError). Then run the source
// (source.Run) and, at the end, Close the session, which DELETEs the
// resource. Without Peer ICE servers in opts, the STUN and TURN servers
// of the answer's Link headers are set before gathering, so they are
// used from the start (with NoTrickle, from the next ICE restart).
func WHIPPublish(ctx context.Context, url string, source Source, opts WHIPOptions) (*WHIPSession, error) {
	peer, err := NewPeer(opts.Peer)
	if err != nil {
		return nil, err
	}
	for _, tr := range source.Tracks() {
		if _, err := peer.addTrack(tr, webrtc.RTPTransceiverDirectionSendonly); err != nil {
			_ = peer.Close()
			return nil, err
		}
	}
	return startSession(ctx, "whip", url, peer, opts, false)
}

// startSession makes the resource on the server with peer and waits
// until the PeerConnection is connected; on failure it closes peer (and
// deletes the resource when it was made).
func startSession(ctx context.Context, proto, url string, peer *Peer, opts WHIPOptions, serverOffer bool) (*WHIPSession, error) {
	client := opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	s := &WHIPSession{
		res:  whipResource{proto: proto, client: client, token: opts.Token, endpoint: url},
		peer: peer, noTrickle: opts.NoTrickle, autoRestart: !opts.NoAutoRestart, trickle: !opts.NoTrickle, hold: true,
		onTrickleErr: opts.OnTrickleError,
		kick:         make(chan struct{}, 1), failed: make(chan struct{}, 1),
		connected: make(chan struct{}), down: make(chan struct{}), ended: make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	pc := peer.pc
	peer.OnStateChange(s.stateChanged)
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		s.mu.Lock()
		up := s.wasUp
		s.mu.Unlock()
		if st == webrtc.ICEConnectionStateFailed && up && s.autoRestart {
			select {
			case s.failed <- struct{}{}:
			default:
			}
		}
	})
	peer.OnLocalCandidate(s.localCandidate)
	s.wg.Add(2)
	go s.trickleLoop()
	go s.restartLoop()
	var err error
	if serverOffer {
		err = s.answerServer(ctx)
	} else {
		err = s.offer(ctx)
	}
	if err == nil {
		err = s.waitConnected(ctx)
	}
	if err != nil {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_ = s.Close(c)
		return nil, err
	}
	return s, nil
}

// cleanupTimeout bounds the DELETE of a resource whose setup failed.
const cleanupTimeout = 5 * time.Second

// offer is the client-offer flow: POST the offer, apply the answer.
func (s *WHIPSession) offer(ctx context.Context) error {
	pc := s.peer.pc
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("native: %s: create offer: %w", s.res.proto, err)
	}
	sdp := offer.SDP
	if s.noTrickle {
		if sdp, err = s.gatherAll(ctx, offer); err != nil {
			return err
		}
	}
	answer, etag, servers, err := s.res.create(ctx, sdp)
	if err != nil {
		return err
	}
	s.setResource(etag, servers)
	if !s.noTrickle {
		if err := pc.SetLocalDescription(offer); err != nil {
			return fmt.Errorf("native: %s: set local offer: %w", s.res.proto, err)
		}
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		return s.res.bad(http.MethodPost, s.res.endpoint, http.StatusCreated, "the answer does not apply: %v", err)
	}
	s.release()
	return nil
}

// answerServer is the server-offer flow of WHEP: POST without a body,
// answer the server's offer by PATCH.
func (s *WHIPSession) answerServer(ctx context.Context) error {
	pc := s.peer.pc
	offer, etag, servers, err := s.res.create(ctx, "")
	if err != nil {
		return err
	}
	s.setResource(etag, servers)
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return s.res.bad(http.MethodPost, s.res.endpoint, http.StatusCreated, "the offer does not apply: %v", err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("native: %s: create answer: %w", s.res.proto, err)
	}
	sdp := answer.SDP
	if s.noTrickle {
		if sdp, err = s.gatherAll(ctx, answer); err != nil {
			return err
		}
	} else if err := pc.SetLocalDescription(answer); err != nil {
		return fmt.Errorf("native: %s: set local answer: %w", s.res.proto, err)
	}
	rep, err := s.res.patch(ctx, sdpType, sdp, s.currentETag())
	if err != nil {
		return err
	}
	if et := rep.header.Get("ETag"); et != "" {
		s.mu.Lock()
		s.etag = et
		s.mu.Unlock()
	}
	s.release()
	return nil
}

// gatherAll sets desc as the local description, waits until every local
// candidate is found and returns the description with them.
func (s *WHIPSession) gatherAll(ctx context.Context, desc webrtc.SessionDescription) (string, error) {
	pc := s.peer.pc
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return "", fmt.Errorf("native: %s: set local %s: %w", s.res.proto, desc.Type, err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", fmt.Errorf("native: %s: gathering candidates: %w", s.res.proto, ctx.Err())
	}
	return pc.LocalDescription().SDP, nil
}

// setResource keeps the ETag and the ICE servers of the answer, and
// gives the servers to the PeerConnection unless the Peer has its own:
// set before the local description, they are used for the first
// gathering, otherwise from the next ICE restart.
func (s *WHIPSession) setResource(etag string, servers []webrtc.ICEServer) {
	s.mu.Lock()
	s.etag, s.servers = etag, servers
	s.mu.Unlock()
	pc := s.peer.pc
	cfg := pc.GetConfiguration()
	if len(servers) == 0 || len(cfg.ICEServers) > 0 {
		return
	}
	cfg.ICEServers = servers
	_ = pc.SetConfiguration(cfg) // servers pion cannot use are left out of gathering
}

// stateChanged follows the PeerConnection's state.
func (s *WHIPSession) stateChanged(st string) {
	switch st {
	case "connected":
		s.mu.Lock()
		s.wasUp, s.retries = true, 0
		s.mu.Unlock()
		s.connOnce.Do(func() { close(s.connected) })
	case "failed":
		s.downOnce.Do(func() { close(s.down) })
		if !s.autoRestart {
			s.end()
		}
	case "closed":
		s.downOnce.Do(func() { close(s.down) })
		s.end()
	}
}

// end marks the session over.
func (s *WHIPSession) end() { s.endOnce.Do(func() { close(s.ended) }) }

// maxAutoRestarts bounds the automatic ICE restarts in a row that do not
// bring the connection back.
const maxAutoRestarts = 3

// Done is closed when the session is over: the PeerConnection closed
// (Close, or the server's DTLS close), ICE failed for good (with
// NoAutoRestart at once; otherwise when the server refused a restart or
// three restarts in a row did not reconnect), or the server answered a
// trickle PATCH with 404 (the resource is gone).
func (s *WHIPSession) Done() <-chan struct{} { return s.ended }

// waitConnected waits until the PeerConnection is connected.
func (s *WHIPSession) waitConnected(ctx context.Context) error {
	select {
	case <-s.connected:
		return nil
	case <-s.down:
		select {
		case <-s.connected:
			return nil
		default:
		}
		return ErrWHIPNoConnection
	case <-s.ended:
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gone != nil {
			return s.gone
		}
		return ErrWHIPNoConnection
	case <-ctx.Done():
		return fmt.Errorf("native: %s: waiting for the PeerConnection: %w", s.res.proto, ctx.Err())
	}
}

// localCandidate queues a local candidate for the trickle PATCH.
func (s *WHIPSession) localCandidate(c core.Candidate) {
	s.mu.Lock()
	if !s.trickle {
		s.mu.Unlock()
		return
	}
	if c.Completed {
		s.complete = true
	} else {
		s.pending = append(s.pending, c.Candidate)
	}
	s.mu.Unlock()
	s.nudge()
}

// release lets the queued candidates go.
func (s *WHIPSession) release() {
	s.mu.Lock()
	s.hold = false
	s.mu.Unlock()
	s.nudge()
}

func (s *WHIPSession) nudge() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *WHIPSession) currentETag() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.etag
}

// trickleLoop sends the queued local candidates by PATCH, one request at
// a time, each with what came meanwhile, until Close.
func (s *WHIPSession) trickleLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.kick:
		}
		s.mu.Lock()
		if s.hold || !s.trickle || (len(s.pending) == 0 && !s.complete) {
			s.mu.Unlock()
			continue
		}
		cands, done, etag := s.pending, s.complete, s.etag
		s.pending, s.complete = nil, false
		s.mu.Unlock()
		local := s.peer.pc.LocalDescription()
		if local == nil {
			continue
		}
		_, err := s.res.patch(s.ctx, sdpFragType, sdpFragment(local.SDP, cands, done), etag)
		s.trickleFailed(err)
	}
}

// trickleFailed handles the outcome of a trickle PATCH (see
// WHIPOptions.OnTrickleError).
func (s *WHIPSession) trickleFailed(err error) {
	if err == nil || s.ctx.Err() != nil {
		return // sent, or the session is closing
	}
	var we *WHIPError
	isWHIP := errors.As(err, &we)
	switch {
	case isWHIP && (errors.Is(we, ErrWHIPNotSupported) || we.Status == http.StatusUnprocessableEntity):
		// No trickle here: the server learns the addresses from the
		// connectivity checks.
		s.mu.Lock()
		s.trickle, s.pending, s.complete = false, nil, false
		if errors.Is(we, ErrWHIPNotSupported) {
			s.refused = we
		}
		s.mu.Unlock()
		return
	case isWHIP && we.Status == http.StatusPreconditionFailed:
		return // candidates of an ICE session a restart replaced
	case isWHIP && we.Status == http.StatusNotFound:
		s.mu.Lock()
		s.gone = we
		s.mu.Unlock()
		s.end() // the resource is gone
	}
	if s.onTrickleErr != nil {
		s.onTrickleErr(err)
	}
}

// restartLoop restarts ICE when it failed after being connected.
func (s *WHIPSession) restartLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.failed:
			s.mu.Lock()
			s.retries++
			gaveUp := s.retries > maxAutoRestarts
			s.mu.Unlock()
			if gaveUp {
				s.end()
				continue
			}
			ctx, cancel := context.WithTimeout(s.ctx, cleanupTimeout)
			if err := s.RestartICE(ctx); err != nil {
				s.end()
			}
			cancel()
		}
	}
}

// RestartICE restarts ICE (RFC 9725 section 4.4): new local credentials
// go to the resource by PATCH with "If-Match: *", and the server's new
// credentials and candidates in its 200 answer replace the old ones; the
// answer's ETag is the resource's from then on. The session does it by
// itself when ICE fails after it was connected (unless NoAutoRestart).
// A server without ICE restarts answers with a *WHIPError
// (ErrWHIPNotSupported, or a 422); as the local ICE agent restarted with
// the offer, the PeerConnection then loses its connection. When the
// server refused a trickle PATCH already (405, 501), RestartICE returns
// that refusal without asking, and the PeerConnection goes on as before.
func (s *WHIPSession) RestartICE(ctx context.Context) error {
	s.restartMu.Lock()
	defer s.restartMu.Unlock()
	if s.ctx.Err() != nil {
		return fmt.Errorf("native: %s: restart ICE: the session is closed", s.res.proto)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	pc := s.peer.pc
	s.mu.Lock()
	if s.refused != nil {
		// A restart offer restarts the local ICE agent at once: ask
		// only a server that did not refuse PATCH already.
		err := s.refused
		s.mu.Unlock()
		return err
	}
	s.hold, s.pending, s.complete = true, nil, false
	gatherFirst := !s.trickle
	s.mu.Unlock()
	defer s.release()

	offer, err := pc.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
	if err != nil {
		return fmt.Errorf("native: %s: restart ICE: %w", s.res.proto, err)
	}
	frag := ""
	if gatherFirst {
		sdp, err := s.gatherAll(ctx, offer)
		if err != nil {
			s.rollback()
			return err
		}
		frag = sdpFragment(sdp, parseICE(sdp).candidates, true)
	} else {
		if err := pc.SetLocalDescription(offer); err != nil {
			return fmt.Errorf("native: %s: restart ICE: %w", s.res.proto, err)
		}
		frag = sdpFragment(offer.SDP, nil, false)
	}
	rep, err := s.res.patch(ctx, sdpFragType, frag, "*")
	if err != nil {
		s.rollback()
		return err
	}
	ice := parseICE(string(rep.body))
	if ice.ufrag == "" || ice.pwd == "" {
		s.rollback()
		return s.res.bad(http.MethodPatch, s.res.location, rep.status, "no ICE credentials in the answer to an ICE restart")
	}
	remote := pc.RemoteDescription()
	if remote == nil {
		s.rollback()
		return fmt.Errorf("native: %s: restart ICE: no remote description", s.res.proto)
	}
	sdp := withICE(remote.SDP, ice)
	if remote.Type == webrtc.SDPTypeOffer {
		// The server offered first (WHEP): its description becomes the
		// answer to this offer, in the DTLS role it took.
		sdp = strings.ReplaceAll(sdp, "a=setup:actpass", "a=setup:active")
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		s.rollback()
		return s.res.bad(http.MethodPatch, s.res.location, rep.status, "the ICE restart's answer does not apply: %v", err)
	}
	if et := rep.header.Get("ETag"); et != "" {
		s.mu.Lock()
		s.etag = et
		s.mu.Unlock()
	}
	return nil
}

// rollback drops a local offer the server did not answer.
func (s *WHIPSession) rollback() {
	_ = s.peer.pc.SetLocalDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeRollback})
}

// Peer returns the session's Peer. The session uses the Peer's
// OnStateChange and OnLocalCandidate callbacks and its PeerConnection's
// OnICEConnectionStateChange: leave them set.
func (s *WHIPSession) Peer() *Peer { return s.peer }

// Location returns the resource's URL (from the Location header,
// resolved against the endpoint's final URL after redirects).
func (s *WHIPSession) Location() string { return s.res.location }

// ETag returns the resource's current entity tag ("" if the server sent
// none).
func (s *WHIPSession) ETag() string { return s.currentETag() }

// ICEServers returns the STUN and TURN servers of the server's Link
// headers.
func (s *WHIPSession) ICEServers() []webrtc.ICEServer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.servers)
}

// Trickle reports whether local candidates go to the server by PATCH:
// false with NoTrickle, or after the server refused them.
func (s *WHIPSession) Trickle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.trickle
}

// Close ends the session: it DELETEs the resource and closes the
// PeerConnection. The DELETE's error (a *WHIPError, or ctx's) is
// returned; the PeerConnection is closed anyway. Later calls return the
// same.
func (s *WHIPSession) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
		if s.res.location != "" {
			s.closeErr = s.res.remove(ctx)
		}
		if err := s.peer.Close(); err != nil && s.closeErr == nil {
			s.closeErr = fmt.Errorf("native: %s: %w", s.res.proto, err)
		}
	})
	return s.closeErr
}

// String describes the session without its token.
func (s *WHIPSession) String() string {
	return fmt.Sprintf("native.WHIPSession{%s %s}", s.res.proto, core.RedactURL(s.res.location))
}
