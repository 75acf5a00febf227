package core

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core/transport"
	"github.com/gojanus/gojanus/core/transport/mem"
)

// TestSentinelMessages checks the one message style of the sentinels of
// core and its transports: "janus: " and what happened.
func TestSentinelMessages(t *testing.T) {
	sentinels := map[string]error{
		"ErrClosed": ErrClosed, "ErrDisconnected": ErrDisconnected, "ErrStalled": ErrStalled,
		"ErrTimeout": ErrTimeout, "ErrSessionTimeout": ErrSessionTimeout,
		"ErrSessionDestroyed": ErrSessionDestroyed, "ErrSessionNotFound": ErrSessionNotFound,
		"ErrBadURL": ErrBadURL, "ErrBadAnswer": ErrBadAnswer, "ErrWrongEndpoint": ErrWrongEndpoint,
		"transport.ErrClosed": transport.ErrClosed, "transport.ErrNotDelivered": transport.ErrNotDelivered,
		"transport.ErrFrameTooLarge": transport.ErrFrameTooLarge, "transport.ErrWrongEndpoint": transport.ErrWrongEndpoint,
		"mem.ErrServerClosed": mem.ErrServerClosed,
	}
	for name, err := range sentinels {
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "janus: "), "%s: %q", name, msg)
		assert.Equal(t, 1, strings.Count(msg, "janus"), "%s: %q", name, msg)
	}
}

// TestErrorsSayJanusOnce checks that errors built on sentinels start with
// "janus: " once and still match them.
func TestErrorsSayJanusOnce(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		c, _ := newFake(t)
		require.NoError(t, c.Close())
		_, err := c.CreateSession(context.Background())
		assert.EqualError(t, err, "janus: create: client closed")
		assert.ErrorIs(t, err, ErrClosed)
	})
	t.Run("session ended", func(t *testing.T) {
		c, f := newFake(t)
		s, h := f.session(c)
		done := async(func() error { return s.Destroy(context.Background()) })
		f.reply(f.expect("destroy"), map[string]any{"janus": "success"})
		require.NoError(t, wait(t, done))
		_, err := h.Message(context.Background(), map[string]any{"request": "x"})
		assert.EqualError(t, err, "janus: message: session 1 has ended: session destroyed")
		assert.ErrorIs(t, err, ErrSessionDestroyed)
	})
	t.Run("connection lost", func(t *testing.T) {
		c, f := newFake(t, WithReconnect(ReconnectPolicy{Disabled: true}), WithLogger(slog.New(slog.DiscardHandler)))
		done := async(func() error { _, err := c.CreateSession(context.Background()); return err })
		f.expect("create")
		f.srv.Close()
		err := wait(t, done)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrDisconnected)
		assert.True(t, strings.HasPrefix(err.Error(), "janus: create: connection lost: "), err.Error())
		assert.Equal(t, 1, strings.Count(err.Error(), "janus:"), err.Error())
	})
	t.Run("bad answer", func(t *testing.T) {
		c, f := newFake(t)
		done := async(func() error { _, err := c.CreateSession(context.Background()); return err })
		f.reply(f.expect("create"), map[string]any{"janus": "success"})
		err := wait(t, done)
		assert.EqualError(t, err, "janus: create: malformed answer: no session id")
		assert.True(t, errors.Is(err, ErrBadAnswer))
	})
}
