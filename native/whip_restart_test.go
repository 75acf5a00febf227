package native_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/transport/v5/vnet"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gojanus/gojanus/internal/whiptest"
	"github.com/gojanus/gojanus/native"
)

// vnetPeer is a PeerConfig on a virtual network of pion's (vnet) at ip,
// with short ICE timeouts: ICE fails a second after the path goes.
func vnetPeer(t *testing.T, router *vnet.Router, ip string) native.PeerConfig {
	t.Helper()
	n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
	require.NoError(t, err)
	require.NoError(t, router.AddNet(n))
	se := &webrtc.SettingEngine{}
	se.SetNet(n)
	se.SetICETimeouts(500*time.Millisecond, time.Second, 100*time.Millisecond)
	return native.PeerConfig{SettingEngine: se}
}

// TestWHIPAutoRestart cuts the media path (the HTTP requests still go):
// ICE fails, the session restarts it by itself (a PATCH with "If-Match:
// *"), and once the path is back the media flows again (after more
// restarts, if the first one's checks were cut too).
func TestWHIPAutoRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	router, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "10.9.0.0/24", LoggerFactory: logging.NewDefaultLoggerFactory()})
	require.NoError(t, err)
	var cut atomic.Bool
	router.AddChunkFilter(func(vnet.Chunk) bool { return !cut.Load() })
	require.NoError(t, router.Start())
	defer router.Stop()
	srv := whiptest.New(t, vnetPeer(t, router, "10.9.0.2"))
	sess, rec := publishing(t, ctx, srv, native.WHIPOptions{Peer: vnetPeer(t, router, "10.9.0.3")})
	moreFrames(t, ctx, rec, 10)
	pc := sess.Peer().PeerConnection()

	cut.Store(true)
	waitFor(t, ctx, "ICE to fail and the automatic ICE restart", func() bool {
		for _, p := range srv.Patches() {
			if p.IfMatch == "*" {
				return true
			}
		}
		return false
	})
	cut.Store(false)
	moreFrames(t, ctx, rec, 30)
	assert.Equal(t, webrtc.ICEConnectionStateConnected, pc.ICEConnectionState())
}
