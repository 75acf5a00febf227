package audiobridge

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// JoinRequest joins a room as a participant. Only Room is required.
type JoinRequest struct {
	Room core.ID `json:"room"`
	// Participant is the participant's id in the room; the plugin picks
	// one when zero.
	Participant core.ID `json:"id,omitzero"`
	// Group is required in rooms with groups.
	Group string `json:"group,omitempty"`
	// Pin is the room's PIN, if it has one.
	Pin     string `json:"pin,omitempty"`
	Display string `json:"display,omitempty"`
	// Token is an invitation token, for rooms with a token ACL.
	Token string `json:"token,omitempty"`
	// Muted joins muted.
	Muted bool `json:"muted,omitempty"`
	// Codec is core.Opus (default), core.PCMA or core.PCMU.
	Codec core.Codec `json:"codec,omitempty"`
	// Prebuffer is how many packets to buffer before decoding this
	// participant (the room's default when nil). Janus 1.2.0 and later
	// ignore it (see CreateRequest.DefaultPrebuffering).
	Prebuffer *int `json:"prebuffer,omitempty"`
	// Bitrate is the Opus bitrate in bps (0: the room's, or libopus).
	Bitrate int `json:"bitrate,omitempty"`
	// Quality is the Opus encoder complexity, 1-10 (default 4).
	Quality int `json:"quality,omitempty"`
	// ExpectedLoss is the expected packet loss percentage (0-20) for FEC.
	ExpectedLoss *int `json:"expected_loss,omitempty"`
	// Volume is a gain in percent (100: unchanged).
	Volume *int `json:"volume,omitempty"`
	// SpatialPosition places the participant in spatial audio rooms (0
	// left, 50 center, 100 right).
	SpatialPosition *int `json:"spatial_position,omitempty"`
	// Secret is the room's secret: with it the participant is an admin,
	// whom MuteRoom does not mute.
	Secret string `json:"secret,omitempty"`
	// AudioLevelAverage and AudioActivePackets override the room's
	// talking detection settings for this participant.
	AudioLevelAverage  int `json:"audio_level_average,omitempty"`
	AudioActivePackets int `json:"audio_active_packets,omitempty"`
	// Record records this participant's audio to Filename-audio.mjr
	// (relative to the room's mjrs_dir).
	Record   bool   `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	// GenerateOffer asks the plugin for an SDP offer (in Joined.JSEP);
	// the answer goes back with Configure. With RTP (Janus 1.3.2 and
	// later), the plugin instead gives its RTP address first
	// (Joined.RTP) and waits for the participant's, sent with
	// ConfigureRequest.RTP, before media flows: the order of a SIP
	// INVITE the bridge sends out.
	GenerateOffer bool `json:"generate_offer,omitempty"`
	// RTP joins with plain RTP instead of WebRTC (rooms created with
	// AllowRTPParticipants); Joined.RTP tells where to send the media.
	RTP *RTPParticipant `json:"rtp,omitempty"`
	// Suspended joins suspended (see Handle.Suspend); PauseEvents then
	// also holds the room's events until Resume. Janus 1.2.1 and later.
	Suspended   bool `json:"suspended,omitempty"`
	PauseEvents bool `json:"pause_events,omitempty"`
	// Denoise turns RNNoise denoising of this participant on or off (the
	// room's default when nil). Janus 1.2.3 and later; a plugin built
	// without RNNoise (Debian's) ignores it.
	Denoise *bool `json:"denoise,omitempty"`
}

// Versions of Janus that brought the participant options and requests
// of this package newer than 1.1.2.
var (
	// sinceSuspend: suspend, resume, joining suspended (Janus PR 3301).
	sinceSuspend = core.V(1, 2, 1)
	// sinceDenoise: RNNoise denoising (Janus PR 3185).
	sinceDenoise = core.V(1, 2, 3)
	// sinceRTPOffer: generate_offer for plain RTP participants (Janus
	// PR 3534).
	sinceRTPOffer = core.V(1, 3, 2)
)

// gates are the options of req that need a Janus newer than 1.1.2.
func (req *JoinRequest) gates(verb string) []plugin.Gate {
	return []plugin.Gate{
		{Feature: verb + " suspended", Since: sinceSuspend, Used: req.Suspended || req.PauseEvents},
		{Feature: verb + " denoise", Since: sinceDenoise, Used: req.Denoise != nil},
		{Feature: verb + " generate_offer with rtp", Since: sinceRTPOffer, Used: req.GenerateOffer && req.RTP != nil},
	}
}

// RTPParticipant is the plain RTP side of a participant that does not
// use WebRTC.
type RTPParticipant struct {
	// IP and Port are where the plugin sends the mix; without them it
	// only receives.
	IP   string `json:"ip,omitempty"`
	Port int    `json:"port,omitempty"`
	// PayloadType is the Opus payload type (100 when zero).
	PayloadType int `json:"payload_type,omitempty"`
	// AudioLevelExt is the id of the audio level RTP extension, if used.
	AudioLevelExt int `json:"audiolevel_ext,omitempty"`
	// FEC turns on Opus in-band FEC.
	FEC bool `json:"fec,omitempty"`
}

// RTPInfo is where a plain RTP participant sends its media.
type RTPInfo struct {
	IP          string `json:"ip"`
	Port        int    `json:"port"`
	PayloadType int    `json:"payload_type"`
}

// decode runs DecodeEvent on a request's answer.
func (h *Handle) decode(res *core.PluginResult) core.Event {
	return DecodeEvent(h.ResultEvent(res))
}

// Join joins a room ("join" request). With an offer (or with
// GenerateOffer) the PeerConnection is negotiated too, and Joined.JSEP
// holds the plugin's answer (or offer); without one, negotiate later with
// Configure. The other participants get a *ParticipantsJoined event.
func (h *Handle) Join(ctx context.Context, req JoinRequest, offer *core.JSEP) (*Joined, error) {
	if err := api.RequireUsed(ctx, h.s, req.gates("join")...); err != nil {
		return nil, err
	}
	j, err := plugin.Expect[*Joined](ctx, api, h.s, "join", req, h.decode, core.WithJSEP(offer))
	if err != nil {
		return nil, err
	}
	if offer != nil && j.JSEP == nil {
		return nil, errNoAnswer("join")
	}
	return j, nil
}

// errNoAnswer is the error of request verb whose offer got no SDP answer.
func errNoAnswer(verb string) error {
	return errfmt.Errorf("janus: audiobridge: %s: %w: no SDP answer to the offer", verb, core.ErrBadAnswer)
}

// ConfigureRequest changes the handle's participant settings; nil and
// empty fields are left unchanged.
type ConfigureRequest struct {
	Muted   *bool  `json:"muted,omitempty"`
	Display string `json:"display,omitempty"`
	// Prebuffer (ignored by Janus 1.2.0 and later), Bitrate, Quality,
	// ExpectedLoss, Volume and SpatialPosition are as in JoinRequest.
	Prebuffer       *int `json:"prebuffer,omitempty"`
	Bitrate         int  `json:"bitrate,omitempty"`
	Quality         int  `json:"quality,omitempty"`
	ExpectedLoss    *int `json:"expected_loss,omitempty"`
	Volume          *int `json:"volume,omitempty"`
	SpatialPosition *int `json:"spatial_position,omitempty"`
	// Record starts or stops the .mjr recording of this participant.
	Record   *bool  `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
	// Group moves the participant to another group.
	Group string `json:"group,omitempty"`
	// GenerateOffer asks the plugin for an SDP offer; Update asks for a
	// renegotiation (ICE restart) of a plugin-offered PeerConnection.
	GenerateOffer bool `json:"generate_offer,omitempty"`
	Update        bool `json:"update,omitempty"`
	// Denoise turns RNNoise denoising on or off. Janus 1.2.3 and later.
	Denoise *bool `json:"denoise,omitempty"`
	// RTP gives a plain RTP participant that joined with GenerateOffer
	// the address (IP, Port) to send the mix to, which starts its media.
	// Janus 1.3.2 and later.
	RTP *RTPParticipant `json:"rtp,omitempty"`
}

// Configure changes the participant's settings ("configure" request) and, with jsep, negotiates
// its PeerConnection: it returns the plugin's SDP answer to an offer, the
// plugin's offer when GenerateOffer or Update ask for one, and nil
// otherwise. Changing Muted, Display or SpatialPosition sends the other
// participants a *ParticipantsUpdated event. Configure before Join is an
// ErrNotJoined plugin error.
func (h *Handle) Configure(ctx context.Context, req ConfigureRequest, jsep *core.JSEP) (*core.JSEP, error) {
	if err := api.RequireUsed(ctx, h.s,
		plugin.Gate{Feature: "configure denoise", Since: sinceDenoise, Used: req.Denoise != nil},
		plugin.Gate{Feature: "configure rtp", Since: sinceRTPOffer, Used: req.RTP != nil},
	); err != nil {
		return nil, err
	}
	var r struct {
		Result string `json:"result"`
	}
	res, err := api.Call(ctx, h.s, "configure", req, "event", &r, core.WithJSEP(jsep))
	if err != nil {
		return nil, err
	}
	if r.Result != "ok" {
		return nil, errfmt.Errorf("janus: audiobridge: configure: %w: result %q", core.ErrBadAnswer, r.Result)
	}
	if jsep != nil && jsep.Type == "offer" && res.JSEP == nil {
		return nil, errNoAnswer("configure")
	}
	return res.JSEP, nil
}

// ChangeRoomRequest moves the handle's participant to another room,
// keeping its PeerConnection. Only Room is required; the other fields are
// as in JoinRequest.
type ChangeRoomRequest struct {
	Room            core.ID `json:"room"`
	Participant     core.ID `json:"id,omitzero"`
	Group           string  `json:"group,omitempty"`
	Pin             string  `json:"pin,omitempty"`
	Display         string  `json:"display,omitempty"`
	Token           string  `json:"token,omitempty"`
	Muted           bool    `json:"muted,omitempty"`
	Bitrate         int     `json:"bitrate,omitempty"`
	Quality         int     `json:"quality,omitempty"`
	ExpectedLoss    *int    `json:"expected_loss,omitempty"`
	Volume          *int    `json:"volume,omitempty"`
	SpatialPosition *int    `json:"spatial_position,omitempty"`
	Secret          string  `json:"secret,omitempty"`
	// Suspended, PauseEvents (Janus 1.2.1 and later) and Denoise (1.2.3
	// and later) are as in JoinRequest.
	Suspended   bool  `json:"suspended,omitempty"`
	PauseEvents bool  `json:"pause_events,omitempty"`
	Denoise     *bool `json:"denoise,omitempty"`
}

// ChangeRoom leaves the current room and joins another ("changeroom"
// request): the old room's
// participants get *Leaving, the new room's *ParticipantsJoined.
func (h *Handle) ChangeRoom(ctx context.Context, req ChangeRoomRequest) (*RoomChanged, error) {
	if err := api.RequireUsed(ctx, h.s, (&JoinRequest{Suspended: req.Suspended, PauseEvents: req.PauseEvents, Denoise: req.Denoise}).gates("changeroom")...); err != nil {
		return nil, err
	}
	return plugin.Expect[*RoomChanged](ctx, api, h.s, "changeroom", req, h.decode)
}

// Leave leaves the room ("leave" request; the PeerConnection stays up,
// ready for another Join); the other participants get a *Leaving event.
func (h *Handle) Leave(ctx context.Context) (*Left, error) {
	return plugin.Expect[*Left](ctx, api, h.s, "leave", nil, h.decode)
}

// ResetDecoder ("resetdecoder" request) makes the plugin recreate the participant's Opus decoder
// (for garbled audio). It is an ErrNotJoined plugin error outside a room.
func (h *Handle) ResetDecoder(ctx context.Context) error {
	_, err := api.Call(ctx, h.s, "resetdecoder", nil, "success", nil)
	return err
}

// PluginHangup sends the plugin's own "hangup" request, which closes the
// handle's PeerConnection (the plugin answers "hangingup"). It differs
// from the embedded core Handle.Hangup, the Janus API request with the
// same effect, only in going through the plugin.
func (h *Handle) PluginHangup(ctx context.Context) error {
	_, err := api.Call(ctx, h.s, "hangup", nil, "hangingup", nil)
	return err
}
