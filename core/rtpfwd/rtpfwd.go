// Package rtpfwd holds the RTP forwarder types of the SIP and NoSIP
// plugins. Janus 1.4.0 gave both the same forwarders (one implementation
// in Janus, src/rtpfwd.c): what a client asks to forward, and the
// forwarders a plugin reports. Packages core/sip and core/nosip name them
// as their own (sip.ForwardStream is rtpfwd.Stream).
package rtpfwd

// Type names the media a forwarder relays.
type Type string

// The forwarder types: the client's (WebRTC) media, or the other side's
// (the SIP peer's, the plain RTP peer's).
const (
	Audio     Type = "audio"
	Video     Type = "video"
	PeerAudio Type = "peer_audio"
	PeerVideo Type = "peer_video"
)

// Stream forwards one medium of the call as plain (or SRTP) RTP to a
// host.
type Stream struct {
	Type Type `json:"type"`
	// Host and Port are the destination; HostFamily ("ipv4", the
	// default, or "ipv6") the address family Host is resolved to.
	Host       string `json:"host"`
	HostFamily string `json:"host_family,omitempty"`
	Port       int    `json:"port"`
	// SSRC and PT rewrite the forwarded packets.
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (base64 key, as SDES) encrypt
	// the forwarded packets.
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// Request starts forwarders ("rtp_forward"), one per stream; several may
// forward the same medium. No streams is the plugin's missing-element
// error.
type Request struct {
	Streams []Stream `json:"streams,omitempty"`
}

// Forwarder is one RTP forwarder, as a plugin reports it.
type Forwarder struct {
	// StreamID identifies the forwarder (stop_rtp_forward).
	StreamID uint32 `json:"stream_id"`
	Type     Type   `json:"type"`
	// Media is "audio" or "video".
	Media string `json:"media"`
	// Host (resolved) and Port are where it sends.
	Host string `json:"host"`
	Port int    `json:"port"`
	SSRC uint32 `json:"ssrc,omitempty"`
	PT   int    `json:"pt,omitempty"`
	// SRTP is set when the forwarder encrypts its packets.
	SRTP bool `json:"srtp,omitempty"`
}
