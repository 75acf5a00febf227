package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/audiobridge"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/core/streaming"
	"github.com/gojanus/gojanus/core/textroom"
	"github.com/gojanus/gojanus/core/transport/mem"
	"github.com/gojanus/gojanus/core/videocall"
	"github.com/gojanus/gojanus/core/videoroom"
)

// TestFormattedValuesNameTheirPackage checks that %v, %s and %#v of the
// client's values and of the plugin packages' handles name the package
// they come from.
func TestFormattedValuesNameTheirPackage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, srv := mem.New()
	c := core.NewClient(tr, core.WithKeepalive(0))
	defer c.Close()
	// The server end: a session (id 1), then a handle per attach (ids
	// from 2).
	go func() {
		next := uint64(1)
		for {
			m, err := srv.RecvJSON(ctx)
			if err != nil {
				return
			}
			if m["janus"] != "create" && m["janus"] != "attach" {
				continue
			}
			_ = srv.SendJSON(map[string]any{"janus": "success", "transaction": m["transaction"], "data": map[string]any{"id": next}})
			next++
		}
	}()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := s.Attach(ctx, echotest.Plugin)
	require.NoError(t, err)
	atr, _ := mem.New()
	a := core.NewAdmin(atr)
	defer a.Close()

	// Each plugin handle, attached in this order (ids 3 to 8).
	var handles []fmt.Stringer
	for _, attach := range []func() (fmt.Stringer, error){
		func() (fmt.Stringer, error) { return echotest.Attach(ctx, s) },
		func() (fmt.Stringer, error) { return streaming.Attach(ctx, s) },
		func() (fmt.Stringer, error) { return audiobridge.Attach(ctx, s) },
		func() (fmt.Stringer, error) { return videocall.Attach(ctx, s) },
		func() (fmt.Stringer, error) { return textroom.Attach(ctx, s) },
		func() (fmt.Stringer, error) { return videoroom.Attach(ctx, s) },
	} {
		h, err := attach()
		require.NoError(t, err)
		handles = append(handles, h)
	}
	vr := handles[5].(*videoroom.Handle)
	cases := []struct {
		v    any
		want string
	}{
		{c, "core.Client{state: connected, sessions: 1}"},
		{s, "core.Session{id: 1, handles: 7}"},
		{h, "core.Handle{id: 2, session: 1, plugin: janus.plugin.echotest}"},
		{a, "core.Admin{}"},
		{handles[0], "echotest.Handle{id: 3, session: 1}"},
		{handles[1], "streaming.Handle{id: 4, session: 1}"},
		{streaming.NewAdmin(a), "streaming.Admin{}"},
		{handles[2], "audiobridge.Handle{id: 5, session: 1}"},
		{handles[3], "videocall.Handle{id: 6, session: 1}"},
		{handles[4], "textroom.Handle{id: 7, session: 1}"},
		{vr, "videoroom.Handle{id: 8, session: 1}"},
		{&videoroom.Publisher{Handle: vr}, "videoroom.Publisher{id: 0, room: 0, handle: 8, session: 1}"},
		{&videoroom.Subscriber{Handle: vr}, "videoroom.Subscriber{room: 0, handle: 8, session: 1}"},
	}
	for _, tc := range cases {
		for _, verb := range []string{"%v", "%s", "%+v", "%#v"} {
			assert.Equal(t, tc.want, fmt.Sprintf(verb, tc.v), "%s of %T", verb, tc.v)
		}
	}
}
