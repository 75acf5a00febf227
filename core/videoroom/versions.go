package videoroom

import (
	"context"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/internal/plugin"
)

// The Janus releases that added what this package sends (see
// Handle.require); fields that are only read need no check and name
// their version in their doc comment.
var (
	// vSwitchLayers: simulcast and SVC targets in a switch (1.1.4).
	vSwitchLayers = core.V(1, 1, 4)
	// vRemoteProfiles: h264_profile and vp9_profile of remote streams
	// as strings (1.2.1; 1.1.2 wants booleans and rejects strings).
	vRemoteProfiles = core.V(1, 2, 1)
	// vThreads: a room's helper threads (1.2.3).
	vThreads = core.V(1, 2, 3)
	// vMetadata: participants' metadata (1.3.0).
	vMetadata = core.V(1, 3, 0)
	// vRemoteSRTP: SRTP between remote-publisher instances (1.3.0).
	vRemoteSRTP = core.V(1, 3, 0)
	// vDummyE2EE: dummy publishers advertised as end-to-end encrypted
	// (1.3.2).
	vDummyE2EE = core.V(1, 3, 2)
)

// require returns the core.ErrUnsupported error of request verb when it
// uses (used) an option the server is older than since for, and nil
// otherwise; the server's version is asked only when the option is used.
func (h *Handle) require(ctx context.Context, verb string, used bool, option string, since core.Version) error {
	return api.RequireUsed(ctx, h.s, plugin.Gate{Feature: verb + " " + option, Since: since, Used: used})
}
