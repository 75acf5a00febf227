package core

// JSEP is a session description exchanged with Janus (an SDP offer or
// answer).
type JSEP struct {
	// Type is "offer" or "answer".
	Type string `json:"type"`
	// SDP is the session description.
	SDP string `json:"sdp"`
	// Trickle is false when the SDP already holds every candidate
	// (non-trickle mode); nil leaves it unset (Janus assumes true).
	Trickle *bool `json:"trickle,omitempty"`
	// E2EE marks the media as end-to-end encrypted (insertable streams).
	E2EE bool `json:"e2ee,omitempty"`
	// Restart marks an offer that restarts ICE.
	Restart bool `json:"restart,omitempty"`
	// Update marks a renegotiation of an existing PeerConnection.
	Update bool `json:"update,omitempty"`
}

// Candidate is one ICE candidate for trickle, or the end-of-candidates
// marker when Completed is set.
type Candidate struct {
	Candidate     string  `json:"candidate,omitempty"`
	SDPMid        string  `json:"sdpMid,omitempty"`
	SDPMLineIndex *uint16 `json:"sdpMLineIndex,omitempty"`
	Completed     bool    `json:"completed,omitempty"`
}

// MLineIndex returns a pointer to i, for Candidate.SDPMLineIndex.
func MLineIndex(i uint16) *uint16 { return &i }
