package plugin

import (
	"context"

	"github.com/gojanus/gojanus/core"
)

// Gate is an option of a request that a Janus release added: Used tells
// whether this request uses it.
type Gate struct {
	// Feature names it after the request ("join suspended"); the error
	// says "<plugin> <Feature>".
	Feature string
	// Since is the first Janus version that has it.
	Since core.Version
	// Used is true when the request sets it.
	Used bool
}

// RequireUsed checks, with Require, every gate the request uses, and
// returns the first error: the check for the options of a request that
// older servers would silently ignore. It asks nothing when no gate is
// used.
func (a API) RequireUsed(ctx context.Context, s Sender, gates ...Gate) error {
	for _, g := range gates {
		if !g.Used {
			continue
		}
		if err := a.Require(ctx, s, g.Feature, g.Since); err != nil {
			return err
		}
	}
	return nil
}
