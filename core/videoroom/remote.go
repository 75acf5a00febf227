package videoroom

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/gojanus/gojanus/core"
)

// Remote publishers let VideoRoom instances (on one Janus or several)
// share publishers: PublishRemotely sends a local publisher's media as
// RTP to another instance, where AddRemotePublisher has created a
// publisher fed by that RTP. The requests are in Janus 1.1.2 already
// (documented by the plugin since 1.2.4); SRTP between the instances and
// metadata came with 1.3.0.

// RemoteStream describes one stream of a remote publisher.
type RemoteStream struct {
	// Type is MediaAudio, MediaVideo or MediaData.
	Type   string `json:"type"`
	Mindex int    `json:"mindex"`
	Mid    string `json:"mid"`
	// Codec is required for audio and video; a codec the room does not
	// allow leaves the stream disabled.
	Codec       core.Codec `json:"codec,omitempty"`
	Description string     `json:"description,omitempty"`
	Disabled    bool       `json:"disabled,omitempty"`
	// Stereo, FEC and DTX are the Opus features of an audio stream.
	Stereo bool `json:"stereo,omitempty"`
	FEC    bool `json:"fec,omitempty"`
	DTX    bool `json:"dtx,omitempty"`
	// H264Profile and VP9Profile are the negotiated video profile (Janus
	// 1.2.1: earlier validators wanted booleans here and rejected
	// strings, so older servers fail with core.ErrUnsupported before
	// sending; leave them empty there and the room's profile applies).
	H264Profile string `json:"h264_profile,omitempty"`
	VP9Profile  string `json:"vp9_profile,omitempty"`
	Simulcast   bool   `json:"simulcast,omitempty"`
	SVC         bool   `json:"svc,omitempty"`
	// The extension ids the sender uses, if any.
	AudioLevelExtID   int `json:"audiolevel_ext_id,omitempty"`
	VideoOrientExtID  int `json:"videoorient_ext_id,omitempty"`
	PlayoutDelayExtID int `json:"playoutdelay_ext_id,omitempty"`
}

// AddRemotePublisherRequest creates a publisher fed by RTP that another
// instance sends (see PublishRemotely).
type AddRemotePublisherRequest struct {
	Room   core.ID `json:"room"`
	Secret string  `json:"secret,omitempty"`
	// Participant is the publisher's id; zero lets the plugin pick one.
	Participant core.ID `json:"id,omitzero"`
	Display     string  `json:"display,omitempty"`
	// Port and RTCPPort are the local UDP ports to receive on (0 picks
	// one); Iface the local address to bind, Mcast a multicast group to
	// join.
	Port     int    `json:"port,omitempty"`
	RTCPPort int    `json:"rtcp_port,omitempty"`
	Iface    string `json:"iface,omitempty"`
	Mcast    string `json:"mcast,omitempty"`
	// Streams are the publisher's streams (at least one).
	Streams []RemoteStream `json:"streams"`
	// Metadata is the publisher's JSON object, as JoinRequest.Metadata
	// (Janus 1.3.0).
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (a base64 key, as in SDES)
	// decrypt the RTP the source instance sends, which must use the same
	// (PublishRemotelyRequest; Janus 1.3.0).
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// AddRemotePublisherResult is the answer to AddRemotePublisher: where to
// send the publisher's RTP.
type AddRemotePublisherResult struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"id"`
	IP          string  `json:"ip,omitempty"`
	Port        int     `json:"port"`
	RTCPPort    int     `json:"rtcp_port"`
}

// AddRemotePublisher creates a remote publisher (the
// "add_remote_publisher" request); it needs no WebRTC. Janus answers
// before the publisher is in the room: its own thread adds it a moment
// later, and only then do the room's participants receive a Publishers
// event, ListParticipants list it and requests that name it
// (UpdateRemotePublisher, RemoveRemotePublisher, subscriptions) find it;
// before, they fail with error 428 (no such remote publisher) or
// ErrNoSuchFeed. Wait for the Publishers event or the listing.
func (h *Handle) AddRemotePublisher(ctx context.Context, req AddRemotePublisherRequest) (*AddRemotePublisherResult, error) {
	if err := h.requireRemote(ctx, "add_remote_publisher", req.Metadata, req.SRTPSuite, req.SRTPCrypto, req.Streams); err != nil {
		return nil, err
	}
	var r AddRemotePublisherResult
	if _, err := api.Call(ctx, h.s, "add_remote_publisher", req, "success", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateRemotePublisherRequest changes a remote publisher's display name
// or streams (streams with a known mid are updated, others added).
type UpdateRemotePublisherRequest struct {
	Room        core.ID        `json:"room"`
	Secret      string         `json:"secret,omitempty"`
	Participant core.ID        `json:"id"`
	Display     string         `json:"display,omitempty"`
	Streams     []RemoteStream `json:"streams"`
	// Metadata, SRTPSuite and SRTPCrypto replace the publisher's (see
	// AddRemotePublisherRequest; Janus 1.3.0).
	Metadata   json.RawMessage `json:"metadata,omitempty"`
	SRTPSuite  int             `json:"srtp_suite,omitempty"`
	SRTPCrypto string          `json:"srtp_crypto,omitempty"`
}

// UpdateRemotePublisher updates a remote publisher (the
// "update_remote_publisher" request); the participants receive a
// Publishers event with its new streams.
func (h *Handle) UpdateRemotePublisher(ctx context.Context, req UpdateRemotePublisherRequest) error {
	if err := h.requireRemote(ctx, "update_remote_publisher", req.Metadata, req.SRTPSuite, req.SRTPCrypto, req.Streams); err != nil {
		return err
	}
	_, err := api.Call(ctx, h.s, "update_remote_publisher", req, "success", nil)
	return err
}

// RemoveRemotePublisherRequest names the remote publisher to remove.
type RemoveRemotePublisherRequest struct {
	Room        core.ID `json:"room"`
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
}

// RemoveRemotePublisher removes a remote publisher (the
// "remove_remote_publisher" request); the participants receive a Leaving
// event for it.
func (h *Handle) RemoveRemotePublisher(ctx context.Context, req RemoveRemotePublisherRequest) error {
	_, err := api.Call(ctx, h.s, "remove_remote_publisher", req, "success", nil)
	return err
}

// PublishRemotelyRequest sends a local publisher's streams to another
// instance, where a remote publisher receives them.
type PublishRemotelyRequest struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	Secret      string  `json:"secret,omitempty"`
	AdminKey    string  `json:"admin_key,omitempty"`
	// RemoteID names this remotization (for UnpublishRemotely).
	RemoteID   string `json:"remote_id"`
	Host       string `json:"host"`
	HostFamily string `json:"host_family,omitempty"`
	// Port and RTCPPort are the remote publisher's
	// (AddRemotePublisherResult).
	Port     int `json:"port"`
	RTCPPort int `json:"rtcp_port,omitempty"`
	// SRTPSuite (32 or 80) and SRTPCrypto (a base64 key, as in SDES)
	// encrypt what is sent; the remote publisher must be given the same
	// (Janus 1.3.0).
	SRTPSuite  int    `json:"srtp_suite,omitempty"`
	SRTPCrypto string `json:"srtp_crypto,omitempty"`
}

// RemotizationResult is the answer to PublishRemotely and
// UnpublishRemotely.
type RemotizationResult struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"id"`
	RemoteID    string  `json:"remote_id,omitempty"`
}

// PublishRemotely starts sending a local publisher's streams to another
// instance (the "publish_remotely" request). The publisher must be local
// (not itself remote).
func (h *Handle) PublishRemotely(ctx context.Context, req PublishRemotelyRequest) (*RemotizationResult, error) {
	if err := h.requireRemote(ctx, "publish_remotely", nil, req.SRTPSuite, req.SRTPCrypto, nil); err != nil {
		return nil, err
	}
	var r RemotizationResult
	if _, err := api.Call(ctx, h.s, "publish_remotely", req, "success", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UnpublishRemotelyRequest names the remotization to stop.
type UnpublishRemotelyRequest struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	Secret      string  `json:"secret,omitempty"`
	AdminKey    string  `json:"admin_key,omitempty"`
	RemoteID    string  `json:"remote_id"`
}

// UnpublishRemotely stops sending a publisher to another instance (the
// "unpublish_remotely" request).
func (h *Handle) UnpublishRemotely(ctx context.Context, req UnpublishRemotelyRequest) (*RemotizationResult, error) {
	var r RemotizationResult
	if _, err := api.Call(ctx, h.s, "unpublish_remotely", req, "success", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ListRemotesRequest names the publisher whose remotizations to list.
type ListRemotesRequest struct {
	Room        core.ID `json:"room"`
	Participant core.ID `json:"publisher_id"`
	Secret      string  `json:"secret,omitempty"`
}

// Remotization is one destination a publisher is sent to.
type Remotization struct {
	RemoteID string `json:"remote_id"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	RTCPPort int    `json:"rtcp_port,omitempty"`
}

// ListRemotes returns the remotizations of a publisher (the
// "listremotes" request).
func (h *Handle) ListRemotes(ctx context.Context, req ListRemotesRequest) ([]Remotization, error) {
	var r struct {
		List []Remotization `json:"list"`
	}
	if _, err := api.Call(ctx, h.s, "listremotes", req, "success", &r); err != nil {
		return nil, err
	}
	return r.List, nil
}

// requireRemote checks the options of a remote-publisher request against
// the server's version (see Handle.require).
func (h *Handle) requireRemote(ctx context.Context, verb string, metadata json.RawMessage, srtpSuite int, srtpCrypto string, streams []RemoteStream) error {
	if err := h.require(ctx, verb, metadata != nil, "metadata", vMetadata); err != nil {
		return err
	}
	if err := h.require(ctx, verb, srtpSuite != 0 || srtpCrypto != "", "srtp_suite/srtp_crypto", vRemoteSRTP); err != nil {
		return err
	}
	profiles := slices.ContainsFunc(streams, func(s RemoteStream) bool { return s.H264Profile != "" || s.VP9Profile != "" })
	return h.require(ctx, verb, profiles, "h264_profile/vp9_profile", vRemoteProfiles)
}

// RemoteStreams returns the streams of a remote publisher that mirrors
// a local one, from the local publisher's published streams (its
// Configured answer, or Joined after JoinAndConfigure): for
// AddRemotePublisher and UpdateRemotePublisher on the instance it is
// sent to with PublishRemotely. The extension ids are known from Janus
// 1.3.2 on; the profiles are left out, as the room's apply.
func RemoteStreams(published []PublishedStream) []RemoteStream {
	out := make([]RemoteStream, len(published))
	for i, p := range published {
		out[i] = RemoteStream{
			Type: p.Type, Mindex: p.Mindex, Mid: p.Mid, Codec: p.Codec, Description: p.Description, Disabled: p.Disabled,
			Stereo: p.Stereo, FEC: p.FEC, DTX: p.DTX, Simulcast: p.Simulcast, SVC: p.SVC,
			AudioLevelExtID: p.AudioLevelExtID, VideoOrientExtID: p.VideoOrientExtID, PlayoutDelayExtID: p.PlayoutDelayExtID,
		}
	}
	return out
}
