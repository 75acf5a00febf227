// Package earlycand keeps the server's ICE candidates that reach a Peer
// before the server's SDP, for both core.Peer implementations (native's
// pion and the wasm bridge's browser RTCPeerConnection): a full-trickle
// Janus sends its candidates before the offer or answer they belong to,
// and neither PeerConnection accepts a candidate without a remote
// description.
package earlycand

import (
	"sync"

	"github.com/gojanus/gojanus/core"
)

// Queue holds candidates until the remote description is set. The zero
// value is ready; it is safe for concurrent use.
type Queue struct {
	mu        sync.Mutex
	described bool
	held      []core.Candidate
}

// Hold keeps c and reports true while no remote description is set; false
// means c is to be added now.
func (q *Queue) Hold(c core.Candidate) bool {
	q.mu.Lock()
	hold := !q.described
	if hold {
		q.held = append(q.held, c)
	}
	q.mu.Unlock()
	return hold
}

// Described records that the remote description is set and returns the
// candidates held until then, to be added now.
func (q *Queue) Described() []core.Candidate {
	q.mu.Lock()
	held := q.held
	q.described, q.held = true, nil
	q.mu.Unlock()
	return held
}
