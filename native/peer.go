// Package native adds real media to gojanus on top of pion/webrtc: a
// core.Peer implementation with sensible defaults, and (as it grows)
// media sources and sinks.
package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/earlycand"
)

// PeerConfig configures a Peer.
type PeerConfig struct {
	// ICEServers are STUN/TURN servers; none are needed on a LAN.
	ICEServers []webrtc.ICEServer
	// SettingEngine, if set, tunes pion (interfaces, ports, mDNS...).
	SettingEngine *webrtc.SettingEngine
	// MediaEngine, if set, replaces the default codecs (VP8, VP9, H.264,
	// AV1, Opus...) and the default interceptors (NACK, RTCP reports,
	// TWCC, keyframe requests) are registered on it.
	MediaEngine *webrtc.MediaEngine
}

// Peer is a core.Peer on a pion PeerConnection.
type Peer struct {
	pc *webrtc.PeerConnection

	mu      sync.Mutex
	onCand  func(core.Candidate)
	onState func(string)
	early   earlycand.Queue // the server's candidates until its description
	// closing is set by Close: pion's errors and warnings stop there.
	closing *atomic.Bool
	// ended is closed at the first "failed" or "closed" state, which
	// endState holds.
	ended    chan struct{}
	endOnce  sync.Once
	endState string
}

var _ core.Peer = (*Peer)(nil)

// NewPeer creates a PeerConnection with the default codecs and
// interceptors. Among them, RegisterKeyframeRequests's: each video track
// received asks for a keyframe until its first one arrives.
func NewPeer(cfg PeerConfig) (*Peer, error) {
	me := cfg.MediaEngine
	if me == nil {
		me = &webrtc.MediaEngine{}
		if err := me.RegisterDefaultCodecs(); err != nil {
			return nil, err
		}
	}
	var opts []func(*webrtc.API)
	opts = append(opts, webrtc.WithMediaEngine(me))
	ir, err := defaultInterceptors(me)
	if err != nil {
		return nil, err
	}
	opts = append(opts, webrtc.WithInterceptorRegistry(ir))
	var se webrtc.SettingEngine
	if cfg.SettingEngine != nil {
		se = *cfg.SettingEngine
	}
	// Janus offers DTLS "actpass". Answering as the DTLS server lets Janus
	// start the handshake when it is ready; as the client, pion's first
	// ClientHello can arrive before Janus listens and is only resent after
	// one second, which delayed every subscriber's first frame by that
	// much (measured by BenchmarkMedia/first-frame).
	if err := se.SetAnsweringDTLSRole(webrtc.DTLSRoleServer); err != nil {
		return nil, err
	}
	// pion's goroutines (the interceptors' RTCP loops, ICE, DTLS) log
	// the pipes Close tears down as errors: "io: read/write on closed
	// pipe". They are noise after a deliberate Close, so the logger drops
	// errors and warnings from then on.
	closing := new(atomic.Bool)
	base := se.LoggerFactory
	if base == nil {
		base = logging.NewDefaultLoggerFactory()
	}
	se.LoggerFactory = quietOnClose{base: base, closing: closing}
	opts = append(opts, webrtc.WithSettingEngine(se))
	api := webrtc.NewAPI(opts...)
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICEServers: cfg.ICEServers})
	if err != nil {
		return nil, err
	}
	p := &Peer{pc: pc, closing: closing, ended: make(chan struct{})}
	pc.OnICECandidate(p.candidate)
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		p.mu.Lock()
		fn := p.onState
		if s == webrtc.PeerConnectionStateFailed || s == webrtc.PeerConnectionStateClosed {
			p.endOnce.Do(func() {
				p.endState = s.String()
				close(p.ended)
			})
		}
		p.mu.Unlock()
		if fn != nil {
			fn(s.String())
		}
	})
	return p, nil
}

// PeerConnection returns the underlying pion PeerConnection, to add
// transceivers and data channels or read stats. Add tracks with
// Peer.AddTrack.
func (p *Peer) PeerConnection() *webrtc.PeerConnection { return p.pc }

// AddTrack adds a local track to send and reads the RTCP the server sends
// back for it until the sender stops: keyframe requests go to the track
// when it is a KeyframeTrack, and pion's interceptors (the NACK responder
// that retransmits lost packets, RTCP reports) only see RTCP that somebody
// reads. A track added with PeerConnection().AddTrack directly gets
// neither unless the caller reads its sender.
func (p *Peer) AddTrack(track webrtc.TrackLocal) (*webrtc.RTPSender, error) {
	return p.addTrack(track, webrtc.RTPTransceiverDirectionSendrecv)
}

// addTrack is AddTrack with the direction of the new transceiver.
func (p *Peer) addTrack(track webrtc.TrackLocal, dir webrtc.RTPTransceiverDirection) (*webrtc.RTPSender, error) {
	var sender *webrtc.RTPSender
	var err error
	if dir == webrtc.RTPTransceiverDirectionSendrecv {
		sender, err = p.pc.AddTrack(track)
	} else {
		var t *webrtc.RTPTransceiver
		if t, err = p.pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: dir}); err == nil {
			sender = t.Sender()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("native: add track: %w", err)
	}
	go readRTCP(sender.ReadRTCP, track)
	return sender, nil
}

func (p *Peer) candidate(c *webrtc.ICECandidate) {
	p.mu.Lock()
	fn := p.onCand
	p.mu.Unlock()
	if fn == nil {
		return
	}
	if c == nil {
		fn(core.Candidate{Completed: true})
		return
	}
	init := c.ToJSON()
	cand := core.Candidate{Candidate: init.Candidate, SDPMLineIndex: init.SDPMLineIndex}
	if init.SDPMid != nil {
		cand.SDPMid = *init.SDPMid
	}
	fn(cand)
}

// CreateOffer creates an offer and sets it as the local description.
func (p *Peer) CreateOffer(ctx context.Context) (*core.JSEP, error) {
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return nil, fmt.Errorf("native: create offer: %w", err)
	}
	if err := p.pc.SetLocalDescription(offer); err != nil {
		return nil, fmt.Errorf("native: set local offer: %w", err)
	}
	return &core.JSEP{Type: "offer", SDP: offer.SDP}, nil
}

// CreateAnswer creates an answer and sets it as the local description.
// In each m-line that sends a track of a fixed codec (an encoded file, a
// static sample track), that codec comes first: a SIP phone or another
// plain RTP peer takes an answer's first codec for both directions, and
// pion keeps the offer's order otherwise.
func (p *Peer) CreateAnswer(ctx context.Context) (*core.JSEP, error) {
	p.preferSentCodecs()
	answer, err := p.pc.CreateAnswer(nil)
	if err != nil {
		return nil, fmt.Errorf("native: create answer: %w", err)
	}
	if err := p.pc.SetLocalDescription(answer); err != nil {
		return nil, fmt.Errorf("native: set local answer: %w", err)
	}
	return &core.JSEP{Type: "answer", SDP: answer.SDP}, nil
}

// preferSentCodecs puts the codec of each sent track first among its
// transceiver's codecs (see CreateAnswer), followed by their
// retransmission codecs, then the others in their order. It only improves
// the answer: a transceiver whose preferences pion refuses keeps its order.
func (p *Peer) preferSentCodecs() {
	for _, t := range p.pc.GetTransceivers() {
		s := t.Sender()
		if s == nil || s.Track() == nil {
			continue
		}
		fixed, ok := s.Track().(interface {
			Codec() webrtc.RTPCodecCapability
		})
		if !ok {
			continue
		}
		codecs := s.GetParameters().Codecs
		ordered := preferCodec(codecs, fixed.Codec())
		if slices.EqualFunc(codecs, ordered, func(a, b webrtc.RTPCodecParameters) bool { return a.PayloadType == b.PayloadType }) {
			continue
		}
		_ = t.SetCodecPreferences(ordered)
	}
}

// preferCodec returns codecs with those of want first (the ones whose
// format parameters match it before the others of its MIME type), each
// followed by its retransmission codec (apt=PT), then the rest in their
// order.
func preferCodec(codecs []webrtc.RTPCodecParameters, want webrtc.RTPCodecCapability) []webrtc.RTPCodecParameters {
	rank := func(c webrtc.RTPCodecParameters) int {
		switch {
		case !strings.EqualFold(c.MimeType, want.MimeType):
			return 2
		case fmtpMatches(want.SDPFmtpLine, c.SDPFmtpLine):
			return 0
		default:
			return 1
		}
	}
	out := make([]webrtc.RTPCodecParameters, 0, len(codecs))
	taken := make([]bool, len(codecs))
	for r := range 2 {
		for i, c := range codecs {
			if taken[i] || rank(c) != r {
				continue
			}
			out, taken[i] = append(out, c), true
			for j, rtx := range codecs {
				if !taken[j] && strings.EqualFold(rtx.MimeType, webrtc.MimeTypeRTX) && slices.Contains(strings.Split(rtx.SDPFmtpLine, ";"), fmt.Sprintf("apt=%d", c.PayloadType)) {
					out, taken[j] = append(out, rtx), true
				}
			}
		}
	}
	if len(out) == 0 {
		return codecs
	}
	for i, c := range codecs {
		if !taken[i] {
			out = append(out, c)
		}
	}
	return out
}

// fmtpMatches reports whether an offered codec's format parameters fit a
// track's: the same packetization mode and profile (H.264's
// profile-level-id without its level, VP9's profile-id) where both name
// one.
func fmtpMatches(track, offered string) bool {
	params := func(fmtp string) map[string]string {
		m := map[string]string{}
		for _, kv := range strings.Split(fmtp, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
				m[strings.ToLower(k)] = strings.ToLower(v)
			}
		}
		return m
	}
	t, o := params(track), params(offered)
	for _, key := range []string{"packetization-mode", "profile-id", "profile-level-id"} {
		tv, tok := t[key]
		ov, ook := o[key]
		if !tok || !ook {
			continue
		}
		if key == "profile-level-id" && len(tv) >= 4 && len(ov) >= 4 {
			tv, ov = tv[:4], ov[:4]
		}
		if tv != ov {
			return false
		}
	}
	return true
}

// SetRemoteDescription applies the server's offer or answer.
func (p *Peer) SetRemoteDescription(ctx context.Context, j *core.JSEP) error {
	if j == nil {
		return errors.New("native: no remote description")
	}
	var typ webrtc.SDPType
	switch j.Type {
	case "offer":
		typ = webrtc.SDPTypeOffer
	case "answer":
		typ = webrtc.SDPTypeAnswer
	default:
		return fmt.Errorf("native: unknown SDP type %q", j.Type)
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: typ, SDP: j.SDP}); err != nil {
		return fmt.Errorf("native: set remote %s: %w", j.Type, err)
	}
	for _, c := range p.early.Described() {
		if err := p.addCandidate(c); err != nil {
			return fmt.Errorf("native: add a candidate that came before the remote %s: %w", j.Type, err)
		}
	}
	return nil
}

// AddRemoteCandidate adds a server candidate (end-of-candidates is a
// no-op). A candidate that comes before the remote description is kept
// and added with it: a full-trickle Janus sends its candidates before its
// offer or answer, and pion refuses candidates until it has one.
func (p *Peer) AddRemoteCandidate(c core.Candidate) error {
	if c.Completed || p.early.Hold(c) {
		return nil
	}
	return p.addCandidate(c)
}

func (p *Peer) addCandidate(c core.Candidate) error {
	init := webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMLineIndex: c.SDPMLineIndex}
	if c.SDPMid != "" {
		init.SDPMid = &c.SDPMid
	}
	return p.pc.AddICECandidate(init)
}

// OnLocalCandidate registers the local candidate callback.
func (p *Peer) OnLocalCandidate(fn func(core.Candidate)) {
	p.mu.Lock()
	p.onCand = fn
	p.mu.Unlock()
}

// OnStateChange registers the connection state callback; a later call
// replaces it. Ended follows the end of the connection without one.
func (p *Peer) OnStateChange(fn func(string)) {
	p.mu.Lock()
	p.onState = fn
	p.mu.Unlock()
}

// Ended is closed when the connection is over: "closed" (by Close, or by
// the remote's DTLS close, which is how Janus hangs up a PeerConnection:
// room destroyed, participant kicked, call ended; Janus also says so in a
// hangup event on the handle) or "failed" (ICE or DTLS: nothing from the
// remote for too long, 30 seconds with pion's default ICE timeouts). It
// does not reopen if an ICE restart brings a failed connection back.
// EndState says which state closed it.
func (p *Peer) Ended() <-chan struct{} { return p.ended }

// EndState returns the state that closed Ended ("closed" or "failed"), or
// "" while the connection is not over.
func (p *Peer) EndState() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endState
}

// Close closes the PeerConnection. pion's errors and warnings (about the
// connections Close ends) are no longer logged from then on; those about
// a closed pipe never are.
func (p *Peer) Close() error {
	p.closing.Store(true)
	return p.pc.Close()
}

// quietOnClose is a pion LoggerFactory whose loggers drop errors and
// warnings once closing is set, and those about a closed pipe at any
// time: a transport the remote closed (a WHIP DELETE makes the server hang
// up before the client's Close) fails the RTCP writes of the interceptors
// until Close stops them.
type quietOnClose struct {
	base    logging.LoggerFactory
	closing *atomic.Bool
}

func (f quietOnClose) NewLogger(scope string) logging.LeveledLogger {
	return quietLogger{LeveledLogger: f.base.NewLogger(scope), closing: f.closing}
}

// quietLogger is a logger of quietOnClose.
type quietLogger struct {
	logging.LeveledLogger
	closing *atomic.Bool
}

// noise reports whether msg is to be dropped.
func (l quietLogger) noise(msg string) bool {
	return l.closing.Load() || strings.Contains(msg, io.ErrClosedPipe.Error())
}

func (l quietLogger) Warn(msg string) {
	if !l.noise(msg) {
		l.LeveledLogger.Warn(msg)
	}
}

func (l quietLogger) Warnf(format string, args ...any) { l.Warn(fmt.Sprintf(format, args...)) }

func (l quietLogger) Error(msg string) {
	if !l.noise(msg) {
		l.LeveledLogger.Error(msg)
	}
}

func (l quietLogger) Errorf(format string, args ...any) { l.Error(fmt.Sprintf(format, args...)) }
