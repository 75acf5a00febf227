package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
)

// versionOnly is a Sender of a fixed server version that counts the
// version questions and sends nothing.
type versionOnly struct {
	v     core.Version
	err   error
	asked int
}

func (s *versionOnly) ServerVersion(context.Context) (core.Version, error) {
	s.asked++
	return s.v, s.err
}

func (s *versionOnly) Send(context.Context, json.RawMessage, ...core.CallOption) (*core.PluginResult, error) {
	return nil, errors.New("not sent")
}

func TestRequireUsed(t *testing.T) {
	ctx := context.Background()
	old := &versionOnly{v: core.V(1, 1, 2)}
	require.NoError(t, api.RequireUsed(ctx, old), "no gates")
	require.NoError(t, api.RequireUsed(ctx, old, Gate{Feature: "join x", Since: core.V(1, 2, 0)}))
	assert.Zero(t, old.asked, "unused gates ask nothing")

	err := api.RequireUsed(ctx, old,
		Gate{Feature: "join old", Since: core.V(1, 0, 0), Used: true},
		Gate{Feature: "join unused", Since: core.V(1, 4, 0)},
		Gate{Feature: "join x", Since: core.V(1, 2, 0), Used: true},
		Gate{Feature: "join y", Since: core.V(1, 3, 0), Used: true},
	)
	require.ErrorIs(t, err, core.ErrUnsupported)
	var ue *core.UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, &core.UnsupportedError{Feature: "videoroom join x", Since: core.V(1, 2, 0), Server: core.V(1, 1, 2)}, ue, "the first used gate the server lacks")

	require.NoError(t, api.RequireUsed(ctx, &versionOnly{v: core.V(1, 4, 1)}, Gate{Feature: "join y", Since: core.V(1, 3, 0), Used: true}))
	broken := &versionOnly{err: core.ErrClosed}
	require.ErrorIs(t, api.RequireUsed(ctx, broken, Gate{Feature: "join y", Since: core.V(1, 3, 0), Used: true}), core.ErrClosed)
}
