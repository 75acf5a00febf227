package core

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionNumbering(t *testing.T) {
	assert.Equal(t, Version(1401), V(1, 4, 1))
	assert.Equal(t, Version(1102), V(1, 1, 2))
	assert.Equal(t, "1.4.1", V(1, 4, 1).String())
	assert.Equal(t, "1.2.10", Version(1210).String())
	assert.Less(t, V(1, 1, 2), V(1, 2, 0))
}

func TestRequireAsksOncePerConnectionAndTypesTheRefusal(t *testing.T) {
	c, f := newFake(t)
	ctx := context.Background()
	answers := async(func() error {
		err := Require(ctx, c, "videoroom join metadata", V(1, 2, 0))
		if err == nil {
			return errors.New("no error from a 1.1.2 server")
		}
		return err
	})
	req := f.expect("info")
	f.reply(req, map[string]any{"janus": "server_info", "version": 1102, "version_string": "1.1.2"})
	err := wait(t, answers)
	require.ErrorIs(t, err, ErrUnsupported)
	var ue *UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, UnsupportedError{Feature: "videoroom join metadata", Since: 1200, Server: 1102}, *ue)
	assert.Equal(t, "janus: videoroom join metadata needs Janus 1.2.0 or later (the server is 1.1.2)", err.Error())

	// The version is remembered: no second info on this connection.
	require.NoError(t, Require(ctx, c, "echotest", V(1, 0, 0)))
	v, err := c.ServerVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, V(1, 1, 2), v)
}

func TestRequireFailsWithTheErrorOfAsking(t *testing.T) {
	c, f := newFake(t)
	ctx := context.Background()
	answers := async(func() error { return Require(ctx, c, "x", V(1, 2, 0)) })
	req := f.expect("info")
	f.reply(req, map[string]any{"janus": "error", "error": map[string]any{"code": 403, "reason": "Unauthorized request (wrong or missing secret/token)"}})
	err := wait(t, answers)
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.NotErrorIs(t, err, ErrUnsupported)
}
