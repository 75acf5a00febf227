package echotest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/core"
	"github.com/gojanus/gojanus/core/echotest"
	"github.com/gojanus/gojanus/internal/janusserver"
	"github.com/gojanus/gojanus/internal/janustest"
)

// TestSVCLayers asks for SVC layers (Janus 1.1.4 and later): a server that
// knows them checks their range; an older one would ignore them, so the
// request fails with core.ErrUnsupported before it is sent.
func TestSVCLayers(t *testing.T) {
	srv := janustest.Start(t, janusserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := core.Dial(ctx, srv.WSURL)
	require.NoError(t, err)
	defer c.Close()
	s, err := c.CreateSession(ctx)
	require.NoError(t, err)
	h, err := echotest.Attach(ctx, s)
	require.NoError(t, err)

	if core.Version(janustest.VersionNumber(t, srv.Version)) < core.V(1, 1, 4) {
		for _, req := range []echotest.ConfigureRequest{{SpatialLayer: core.Ptr(1)}, {TemporalLayer: core.Ptr(0), Audio: core.Ptr(true)}} {
			_, err := h.Configure(ctx, req, nil)
			require.ErrorIs(t, err, core.ErrUnsupported)
			var ue *core.UnsupportedError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "echotest configure spatial_layer", ue.Feature)
			assert.Equal(t, core.V(1, 1, 4), ue.Since)
		}
		require.NoError(t, s.Destroy(ctx))
		return
	}
	answer, err := h.Configure(ctx, echotest.ConfigureRequest{SpatialLayer: core.Ptr(1), TemporalLayer: core.Ptr(2)}, nil)
	require.NoError(t, err)
	assert.Nil(t, answer)
	_, err = h.Configure(ctx, echotest.ConfigureRequest{SpatialLayer: core.Ptr(3)}, nil)
	require.ErrorIs(t, err, echotest.ErrInvalidElement, "the server knows the option and checks it")
	_, err = h.Configure(ctx, echotest.ConfigureRequest{TemporalLayer: core.Ptr(3)}, nil)
	require.ErrorIs(t, err, echotest.ErrInvalidElement)
	require.NoError(t, s.Destroy(ctx))
}

// TestDecodeLayerTotals decodes the layer events of Janus 1.3.2 and later
// as the plugin builds them: substream with temporal, SVC layers, and the
// totals of the video-layers-allocation extension.
func TestDecodeLayerTotals(t *testing.T) {
	ev := func(data string) *core.PluginEvent {
		return &core.PluginEvent{Source: core.Source{Session: 1, Handle: 2}, Plugin: echotest.Plugin, Data: []byte(data)}
	}
	lc := echotest.DecodeEvent(ev(`{"echotest":"event","videocodec":"vp8","substream":1,"temporal":2,"tot_temporal_layers":3}`)).(*echotest.LayerChanged)
	assert.Equal(t, 1, *lc.Substream)
	assert.Equal(t, 2, *lc.Temporal)
	assert.Equal(t, 3, *lc.TotalTemporalLayers)
	assert.Nil(t, lc.TotalSpatialLayers)
	assert.Nil(t, lc.SpatialLayer)
	svc := echotest.DecodeEvent(ev(`{"echotest":"event","videocodec":"vp9","spatial_layer":0,"temporal_layer":1,"tot_spatial_layers":2,"tot_temporal_layers":3}`)).(*echotest.LayerChanged)
	assert.Equal(t, core.VP9, svc.VideoCodec)
	assert.Equal(t, 0, *svc.SpatialLayer)
	assert.Equal(t, 1, *svc.TemporalLayer)
	assert.Equal(t, 2, *svc.TotalSpatialLayers)
	assert.Equal(t, 3, *svc.TotalTemporalLayers)
	assert.Nil(t, svc.Substream)
	one := echotest.DecodeEvent(ev(`{"echotest":"event","videocodec":"av1","temporal_layer":2}`)).(*echotest.LayerChanged)
	assert.Equal(t, 2, *one.TemporalLayer)
}
