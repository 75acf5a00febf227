package echotest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

func TestMain(m *testing.M) { janustest.VerifyTestMain(m) }

func TestEchoTestAgainstJanus(t *testing.T) {
	offer, err := os.ReadFile("../../testdata/sdp/audio-offer.sdp")
	require.NoError(t, err)
	srv := janustest.Start(t, janusserver.Options{})
	for _, url := range []string{srv.WSURL, srv.HTTPURL} {
		t.Run(url[:4], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := core.Dial(ctx, url)
			require.NoError(t, err)
			defer c.Close()
			s, err := c.CreateSession(ctx)
			require.NoError(t, err)
			h, err := echotest.Attach(ctx, s)
			require.NoError(t, err)
			assert.Equal(t, echotest.Plugin, h.Plugin())

			// Settings alone: no answer.
			answer, err := h.Configure(ctx, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(false), Bitrate: 256000}, nil)
			require.NoError(t, err)
			assert.Nil(t, answer)

			// With an offer: an SDP answer.
			answer, err = h.Configure(ctx, echotest.ConfigureRequest{Audio: core.Ptr(true), Record: core.Ptr(false)},
				&core.JSEP{Type: "offer", SDP: string(offer)})
			require.NoError(t, err)
			require.NotNil(t, answer)
			assert.Equal(t, "answer", answer.Type)
			assert.Contains(t, answer.SDP, "opus/48000")

			// A wrong element type is the plugin's typed error.
			_, err = h.Message(ctx, map[string]any{"bitrate": "fast"})
			require.ErrorIs(t, err, echotest.ErrInvalidElement)
			var pe *core.PluginError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 413, pe.Code)
			assert.Equal(t, 413, echotest.ErrInvalidElement.Code)
			// Through Configure, the error names the request.
			_, err = h.Configure(ctx, echotest.ConfigureRequest{}, nil)
			require.ErrorIs(t, err, echotest.ErrInvalidElement)
			assert.Contains(t, err.Error(), "janus: echotest: configure: error 413: ")

			// Hanging up the PeerConnection ends the test with a typed Done.
			require.NoError(t, h.Hangup(ctx))
			for {
				select {
				case ev := <-h.Events():
					if d, ok := ev.(*echotest.Done); ok {
						assert.Equal(t, echotest.Plugin, d.Plugin)
						require.NoError(t, s.Destroy(ctx))
						return
					}
				case <-ctx.Done():
					t.Fatal("no done event")
				}
			}
		})
	}
}

func TestDecodeEvent(t *testing.T) {
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: echotest.Plugin, Data: []byte(data)}
	}
	assert.IsType(t, &echotest.Done{}, echotest.DecodeEvent(ev(`{"echotest":"event","result":"done"}`)))
	assert.Equal(t, "ok", echotest.DecodeEvent(ev(`{"echotest":"event","result":"ok"}`)).(*echotest.Result).Result)
	sl := echotest.DecodeEvent(ev(`{"echotest":"event","event":"slow_link","media":"video","current-bitrate":128000}`)).(*echotest.SlowLink)
	assert.Equal(t, "video", sl.Media)
	assert.Equal(t, 128000, sl.CurrentBitrate)
	lc := echotest.DecodeEvent(ev(`{"echotest":"event","videocodec":"vp8","substream":2}`)).(*echotest.LayerChanged)
	assert.Equal(t, 2, *lc.Substream)
	assert.Equal(t, core.VP8, lc.VideoCodec)
	assert.Nil(t, lc.Temporal)
	assert.Equal(t, core.Source{Session: 1, Handle: 2}, lc.EventSource())
	errEv := echotest.DecodeEvent(ev(`{"echotest":"event","error_code":413,"error":"bad"}`)).(*core.PluginEvent)
	assert.Error(t, errEv.Err())
	assert.IsType(t, &core.PluginEvent{}, echotest.DecodeEvent(ev(`{"echotest":"event","something":"new"}`)))
	assert.IsType(t, &core.PluginEvent{}, echotest.DecodeEvent(ev(`not json`)))
}

func ExampleAttach() {
	ctx := context.Background()
	c, err := core.Dial(ctx, "ws://127.0.0.1:8188")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	s, err := c.CreateSession(ctx)
	if err != nil {
		panic(err)
	}
	h, err := echotest.Attach(ctx, s)
	if err != nil {
		panic(err)
	}
	var offer *core.JSEP // from a core.Peer
	answer, err := h.Configure(ctx, echotest.ConfigureRequest{Audio: core.Ptr(true), Video: core.Ptr(true), Bitrate: 512000}, offer)
	if err != nil {
		panic(err)
	}
	_ = answer // give it to the Peer
	for ev := range h.Events() {
		if _, done := ev.(*echotest.Done); done {
			break
		}
	}
}
