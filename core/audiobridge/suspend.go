package audiobridge

import (
	"context"
	"errors"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/errfmt"
)

// SuspendRequest suspends a participant (Suspend).
type SuspendRequest struct {
	Room core.ID `json:"room"`
	// Secret is the room's secret, if it has one (not needed to suspend
	// the handle's own participant).
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
	// PauseEvents holds the room's events for the participant while it
	// is suspended; Resume then sends it a *Resumed recap of the room.
	PauseEvents bool `json:"pause_events,omitempty"`
	// StopRecord also stops its .mjr recording.
	StopRecord bool `json:"stop_record,omitempty"`
}

// Suspend takes a participant out of the mix without kicking it
// ("suspend" request): its audio is not mixed and it gets no audio,
// while its PeerConnection (or plain RTP) stays up for a quick Resume.
// Every participant, the suspended one included, gets a *Suspended
// event. Janus 1.2.1 and later: older servers fail with
// core.ErrUnsupported before anything is sent.
func (h *Handle) Suspend(ctx context.Context, req SuspendRequest) error {
	return h.newer(ctx, "suspend", sinceSuspend, req)
}

// ResumeRequest brings a suspended participant back (Resume).
type ResumeRequest struct {
	Room        core.ID `json:"room"`
	Secret      string  `json:"secret,omitempty"`
	Participant core.ID `json:"id"`
	// Record starts recording the participant to Filename-audio.mjr.
	Record   bool   `json:"record,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// Resume puts a suspended participant back in the mix ("resume"
// request); every participant gets a *Resumed event (the resumed one,
// if its events were paused, one with the room's participants). Resuming
// a participant that is not suspended does nothing. Janus 1.2.1 and
// later: older servers fail with core.ErrUnsupported before anything is
// sent.
func (h *Handle) Resume(ctx context.Context, req ResumeRequest) error {
	return h.newer(ctx, "resume", sinceSuspend, req)
}

// ErrNoDenoise matches the error of EnableDenoise and DisableDenoise
// when the server's AudioBridge was built without RNNoise (Debian's
// Janus 1.4.1 is): such a plugin does not know these requests. The error
// also matches ErrInvalidRequest and carries the plugin's
// *core.PluginError. Nothing in the plugin's client API tells in advance
// whether RNNoise is there; the Admin API's handle_info shows a
// "denoise" member in a participant's plugin data only when it is.
var ErrNoDenoise = errors.New("janus: audiobridge: denoising not available (plugin built without RNNoise)")

// EnableDenoise turns RNNoise denoising of a participant on
// ("denoise_enable" request). Janus 1.2.3 and later: older servers fail
// with core.ErrUnsupported before anything is sent; a plugin without
// RNNoise fails with ErrNoDenoise.
func (h *Handle) EnableDenoise(ctx context.Context, req ParticipantRequest) error {
	return h.denoise(ctx, "denoise_enable", req)
}

// DisableDenoise turns RNNoise denoising of a participant off
// ("denoise_disable" request), with the errors of EnableDenoise.
func (h *Handle) DisableDenoise(ctx context.Context, req ParticipantRequest) error {
	return h.denoise(ctx, "denoise_disable", req)
}

// denoise sends denoise_enable or denoise_disable.
func (h *Handle) denoise(ctx context.Context, verb string, req ParticipantRequest) error {
	err := h.newer(ctx, verb, sinceDenoise, req)
	if errors.Is(err, ErrInvalidRequest) {
		// The only invalid-request answer to these: "Unknown request"
		// from a plugin built without RNNoise (bad fields are 483/484).
		return errfmt.Errorf("%w: %w", ErrNoDenoise, err)
	}
	return err
}

// newer sends request verb, which Janus added in version since, after
// checking the server has it; the plugin answers "success".
func (h *Handle) newer(ctx context.Context, verb string, since core.Version, req any) error {
	if err := api.Require(ctx, h.s, verb, since); err != nil {
		return err
	}
	_, err := api.Call(ctx, h.s, verb, req, "success", nil)
	return err
}
