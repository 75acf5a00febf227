//go:build js && wasm

package main

import (
	"context"
	"sync"
	"syscall/js"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/earlycand"
	"github.com/gojanus/gojanus/internal/jsrt"
)

// browserPeer implements core.Peer on the runtime's RTCPeerConnection,
// through syscall/js. (pion's js build wraps RTCPeerConnection too, but
// without addTrack and ontrack, which media needs; going direct is smaller.)
//
// JavaScript calls its callbacks on the event loop, where Go must not
// block; they only queue work for one goroutine that runs the Go callbacks
// in order.
type browserPeer struct {
	pc js.Value

	mu      sync.Mutex
	onCand  func(core.Candidate)
	onState func(string)
	onTrack func(track, streams, transceiver js.Value)
	closed  bool
	early   earlycand.Queue // the server's candidates until its description

	work  chan func()
	funcs []js.Func
	done  chan struct{}
}

var _ core.Peer = (*browserPeer)(nil)

// mediaAvailable reports whether the runtime has RTCPeerConnection.
func mediaAvailable() bool {
	return jsGlobal.Get("RTCPeerConnection").Type() == js.TypeFunction
}

// newBrowserPeer creates an RTCPeerConnection with config (an
// RTCConfiguration; undefined for the browser's defaults).
func newBrowserPeer(config js.Value) (*browserPeer, error) {
	if !mediaAvailable() {
		return nil, errNoMedia
	}
	var pc js.Value
	if err := jsrt.Catch(func() {
		if isSet(config) {
			pc = jsGlobal.Get("RTCPeerConnection").New(config)
		} else {
			pc = jsGlobal.Get("RTCPeerConnection").New()
		}
	}); err != nil {
		return nil, err
	}
	p := &browserPeer{pc: pc, work: make(chan func(), 256), done: make(chan struct{})}
	p.handle("onicecandidate", func(ev js.Value) {
		c := ev.Get("candidate")
		var cand core.Candidate
		if !isSet(c) {
			cand.Completed = true
		} else {
			cand.Candidate = c.Get("candidate").String()
			if cand.Candidate == "" {
				return // end of one generation; the null candidate follows
			}
			if m := c.Get("sdpMid"); m.Type() == js.TypeString {
				cand.SDPMid = m.String()
			}
			if i := c.Get("sdpMLineIndex"); i.Type() == js.TypeNumber {
				cand.SDPMLineIndex = core.MLineIndex(uint16(i.Int()))
			}
		}
		p.queue(func() {
			if fn := p.candidateFunc(); fn != nil {
				fn(cand)
			}
		})
	})
	p.handle("onconnectionstatechange", func(js.Value) {
		st := pc.Get("connectionState").String()
		p.queue(func() {
			p.mu.Lock()
			fn := p.onState
			p.mu.Unlock()
			if fn != nil {
				fn(st)
			}
		})
	})
	p.handle("ontrack", func(ev js.Value) {
		track, streams, tr := ev.Get("track"), ev.Get("streams"), ev.Get("transceiver")
		p.queue(func() {
			p.mu.Lock()
			fn := p.onTrack
			p.mu.Unlock()
			if fn != nil {
				fn(track, streams, tr)
			}
		})
	})
	go p.run()
	return p, nil
}

// handle sets pc[name] to a Go callback, released on Close.
func (p *browserPeer) handle(name string, fn func(ev js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		fn(arg(args, 0))
		return nil
	})
	p.funcs = append(p.funcs, f)
	p.pc.Set(name, f)
}

func (p *browserPeer) queue(fn func()) {
	select {
	case p.work <- fn:
	case <-p.done:
	default:
		// Never block the event loop: deliver late rather than never.
		go func() {
			select {
			case p.work <- fn:
			case <-p.done:
			}
		}()
	}
}

func (p *browserPeer) run() {
	for {
		select {
		case fn := <-p.work:
			fn()
		case <-p.done:
			return
		}
	}
}

func (p *browserPeer) candidateFunc() func(core.Candidate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.onCand
}

// CreateOffer creates an offer and sets it as the local description.
func (p *browserPeer) CreateOffer(ctx context.Context) (*core.JSEP, error) {
	return p.describe(ctx, "createOffer")
}

// CreateAnswer creates an answer and sets it as the local description.
func (p *browserPeer) CreateAnswer(ctx context.Context) (*core.JSEP, error) {
	return p.describe(ctx, "createAnswer")
}

func (p *browserPeer) describe(ctx context.Context, create string) (*core.JSEP, error) {
	if p.isClosed() {
		return nil, errPeerClosed
	}
	desc, err := jsrt.Await(ctx, p.pc.Call(create))
	if err != nil {
		return nil, err
	}
	if _, err := jsrt.Await(ctx, p.pc.Call("setLocalDescription", desc)); err != nil {
		return nil, err
	}
	local := p.pc.Get("localDescription")
	if !isSet(local) {
		local = desc
	}
	return &core.JSEP{Type: local.Get("type").String(), SDP: local.Get("sdp").String()}, nil
}

// SetRemoteDescription applies Janus's offer or answer.
func (p *browserPeer) SetRemoteDescription(ctx context.Context, j *core.JSEP) error {
	if p.isClosed() {
		return errPeerClosed
	}
	d := jsObject.New()
	d.Set("type", j.Type)
	d.Set("sdp", j.SDP)
	if _, err := jsrt.Await(ctx, p.pc.Call("setRemoteDescription", d)); err != nil {
		return err
	}
	for _, c := range p.early.Described() {
		if err := p.addCandidate(c); err != nil {
			return err
		}
	}
	return nil
}

// AddRemoteCandidate adds a candidate Janus trickled (or, Completed, the
// end of its candidates). One that comes before the remote description is
// added with it: a full-trickle Janus sends its candidates first, and
// addIceCandidate rejects them until then.
func (p *browserPeer) AddRemoteCandidate(c core.Candidate) error {
	if p.isClosed() {
		return errPeerClosed
	}
	if p.early.Hold(c) {
		return nil
	}
	return p.addCandidate(c)
}

func (p *browserPeer) addCandidate(c core.Candidate) error {
	var v js.Value
	if c.Completed {
		v = p.pc.Call("addIceCandidate")
	} else {
		o := jsObject.New()
		o.Set("candidate", c.Candidate)
		if c.SDPMid != "" {
			o.Set("sdpMid", c.SDPMid)
		}
		if c.SDPMLineIndex != nil {
			o.Set("sdpMLineIndex", int(*c.SDPMLineIndex))
		}
		v = p.pc.Call("addIceCandidate", o)
	}
	_, err := jsrt.Await(context.Background(), v)
	return err
}

// OnLocalCandidate registers the function called with every local candidate.
func (p *browserPeer) OnLocalCandidate(fn func(core.Candidate)) {
	p.mu.Lock()
	p.onCand = fn
	p.mu.Unlock()
}

// OnStateChange registers the function called with connection states.
func (p *browserPeer) OnStateChange(fn func(state string)) {
	p.mu.Lock()
	p.onState = fn
	p.mu.Unlock()
}

// onTrackFunc registers the function called with every remote track.
func (p *browserPeer) onTrackFunc(fn func(track, streams, transceiver js.Value)) {
	p.mu.Lock()
	p.onTrack = fn
	p.mu.Unlock()
}

// addTrack sends a local track (in stream, which may be undefined).
func (p *browserPeer) addTrack(track, stream js.Value) error {
	return jsrt.Catch(func() {
		if isSet(stream) {
			p.pc.Call("addTrack", track, stream)
		} else {
			p.pc.Call("addTrack", track)
		}
	})
}

// addRecvOnly adds a receive-only transceiver of kind "audio" or "video".
func (p *browserPeer) addRecvOnly(kind string) error {
	return jsrt.Catch(func() {
		init := jsObject.New()
		init.Set("direction", "recvonly")
		p.pc.Call("addTransceiver", kind, init)
	})
}

func (p *browserPeer) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

var errPeerClosed = &apiError{name: "InvalidStateError", msg: "gojanus: the PeerConnection is closed"}

// Close closes the RTCPeerConnection and releases the callbacks.
func (p *browserPeer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	for _, name := range []string{"onicecandidate", "onconnectionstatechange", "ontrack"} {
		p.pc.Set(name, js.Null())
	}
	err := jsrt.Catch(func() { p.pc.Call("close") })
	close(p.done)
	for _, f := range p.funcs {
		f.Release()
	}
	p.funcs = nil
	return err
}
