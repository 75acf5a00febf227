// Package versiontest holds the test helpers for API that Janus added
// after 1.1.2: the started server's version, and the check of the
// *core.UnsupportedError an older server gets. (core's own tests cannot
// use it: janustest is imported by package core's tests, this package
// imports core.)
package versiontest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// Server is the version of the started server srv.
func Server(t testing.TB, srv *janusserver.Server) core.Version {
	t.Helper()
	return core.Version(janustest.VersionNumber(t, srv.Version))
}

// RequireUnsupported checks that err is the *core.UnsupportedError of
// feature ("videoroom join metadata"; "" checks no name), which came with
// Janus since, from a server older than that.
func RequireUnsupported(t testing.TB, err error, feature string, since core.Version) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrUnsupported)
	ue, ok := errors.AsType[*core.UnsupportedError](err)
	require.True(t, ok, "%v", err)
	if feature != "" {
		assert.Equal(t, feature, ue.Feature, "%v", err)
	}
	assert.Equal(t, since, ue.Since, "%v", err)
	assert.Less(t, ue.Server, since, "%v", err)
}
