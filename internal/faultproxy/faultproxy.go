// Package faultproxy is a TCP proxy for tests that sits between a client
// and a server on 127.0.0.1 and can cut, stall and delay the traffic, cut
// in the middle of a chunk and drop bytes, to exercise reconnects and
// timeouts against a real server.
package faultproxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Proxy forwards connections from its own address to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	stalled bool
	resume  chan struct{} // closed on Resume
	delay   time.Duration
	accepts int
	held    int
	closed  bool
	faults  [2][]*fault // pending faults per Direction, in order
	wg      sync.WaitGroup
}

// Direction is the way the traffic a fault applies to goes.
type Direction int

const (
	// ToServer is the traffic from the client to the target.
	ToServer Direction = iota
	// ToClient is the traffic from the target to the client.
	ToClient
)

// String names the direction.
func (d Direction) String() string {
	if d == ToServer {
		return "to server"
	}
	return "to client"
}

// fault is a pending one-off fault in one direction: a cut after part of
// the next chunk, or bytes to drop.
type fault struct {
	cut  bool          // forward half of the next chunk, then Cut
	drop int           // bytes still to discard
	done chan struct{} // closed once the fault has happened
}

// New listens on 127.0.0.1 (a free port) and forwards to target
// ("127.0.0.1:8188").
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}, resume: make(chan struct{})}
	close(p.resume)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address ("127.0.0.1:port").
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted returns how many connections the proxy accepted so far.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepts
}

// Held returns how many chunks of data a stall held back so far, in
// either direction: a test can wait until what a client wrote after Stall
// has reached the proxy.
func (p *Proxy) Held() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.accepts++
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s, ToClient)
		go p.pipe(s, c, ToServer)
	}
}

// pipe copies from src to dst, going in direction dir, honouring stalls,
// delays and the faults pending for dir.
func (p *Proxy) pipe(dst, src net.Conn, dir Direction) {
	defer p.wg.Done()
	defer func() {
		dst.Close()
		src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			resume, delay := p.resume, p.delay
			if p.stalled {
				p.held++
			}
			p.mu.Unlock()
			<-resume // held while stalled
			if delay > 0 {
				time.Sleep(delay)
			}
			data, cut := p.applyFaults(dir, buf[:n])
			if _, werr := dst.Write(data); werr != nil {
				return
			}
			if cut != nil {
				p.Cut()
				close(cut.done)
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			return
		}
	}
}

// applyFaults applies the faults pending for dir to the chunk data: it
// returns what to forward and, when the chunk ends in a cut, that fault
// (to Cut and mark done after forwarding). Drops that end are marked done.
func (p *Proxy) applyFaults(dir Direction, data []byte) ([]byte, *fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.faults[dir]) > 0 && len(data) > 0 {
		f := p.faults[dir][0]
		if f.cut {
			p.faults[dir] = p.faults[dir][1:]
			return data[:len(data)/2], f
		}
		k := min(f.drop, len(data))
		data, f.drop = data[k:], f.drop-k
		if f.drop > 0 {
			break
		}
		p.faults[dir] = p.faults[dir][1:]
		close(f.done)
	}
	return data, nil
}

// addFault queues f for the traffic going in direction d and returns its
// done channel.
func (p *Proxy) addFault(d Direction, f *fault) <-chan struct{} {
	f.done = make(chan struct{})
	p.mu.Lock()
	p.faults[d] = append(p.faults[d], f)
	p.mu.Unlock()
	return f.done
}

// CutMidFrame forwards only the first half of the next chunk of data that
// goes in direction d (a WebSocket frame or HTTP message is then most
// likely cut in its middle) and then cuts every connection as Cut does.
// The returned channel is closed once the cut happened; until data flows
// in direction d, the fault waits. Faults in one direction apply in the
// order they were asked for.
func (p *Proxy) CutMidFrame(d Direction) <-chan struct{} {
	return p.addFault(d, &fault{cut: true})
}

// Drop discards the next n bytes (n > 0) that go in direction d, from the
// start of the next chunk on, and forwards the rest: the connection stays
// up but the byte stream is corrupt (a WebSocket peer sees broken framing).
// The returned channel is closed once n bytes were dropped.
func (p *Proxy) Drop(d Direction, n int) <-chan struct{} {
	return p.addFault(d, &fault{drop: max(n, 1)})
}

// Cut closes every current connection at once, as a network failure or a
// proxy restart would. New connections are accepted as before.
func (p *Proxy) Cut() {
	p.mu.Lock()
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// Stall stops forwarding data in both directions (connections stay open),
// as a stalled server or a black-holed network would, until Resume.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stalled {
		p.stalled = true
		p.resume = make(chan struct{})
	}
}

// Resume forwards data again after Stall.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled {
		p.stalled = false
		close(p.resume)
	}
}

// SetDelay delays every chunk of data forwarded by d.
func (p *Proxy) SetDelay(d time.Duration) {
	p.mu.Lock()
	p.delay = d
	p.mu.Unlock()
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.Resume()
	p.Cut()
	p.wg.Wait()
	return err
}
