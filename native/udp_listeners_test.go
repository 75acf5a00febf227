package native

import (
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUDPListening(t *testing.T) {
	listen := func(network string, ip net.IP) int {
		c, err := net.ListenUDP(network, &net.UDPAddr{IP: ip})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	loop := listen("udp4", net.IPv4(127, 0, 0, 1))
	any4 := listen("udp4", net.IPv4zero)
	gone, err := FreeRTPPorts(1)
	require.NoError(t, err)
	ports := []int{loop, any4, gone[0]}
	if c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6zero}); err == nil {
		t.Cleanup(func() { c.Close() })
		ports = append(ports, c.LocalAddr().(*net.UDPAddr).Port)
	}
	found, err := udpListening(ports)
	require.NoError(t, err)
	for _, p := range ports {
		assert.Equal(t, p != gone[0], found[p], "port %d", p)
	}
}

// TestUDPListeningLeavesPortsAlone: a receiver binding its port while
// WaitUDPListeners looks at it never finds the port taken. (Looking by
// binding the port for a moment made ffmpeg fail now and then, and the
// waiting sender wait for it in vain.)
func TestUDPListeningLeavesPortsAlone(t *testing.T) {
	if !procTables {
		t.Skip("without Linux's socket tables, udpListening binds the port for a moment")
	}
	free, err := FreeRTPPorts(1)
	require.NoError(t, err)
	port := free[0]
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_, _ = udpListening([]int{port})
			}
		}
	}()
	failed := 0
	for range 20000 {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		if err != nil {
			failed++
			continue
		}
		c.Close()
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, failed, "binds that failed while udpListening looked")
}

func TestParseProcAddr(t *testing.T) {
	ip, port, ok := parseProcAddr("0100007F:1F90")
	require.True(t, ok)
	assert.Equal(t, 8080, port)
	assert.Equal(t, []byte{127, 0, 0, 1}, ip)
	ip, port, ok = parseProcAddr("0000000000000000FFFF00000100007F:0035")
	require.True(t, ok)
	assert.Equal(t, 53, port)
	assert.Equal(t, net.ParseIP("::ffff:127.0.0.1").To16(), net.IP(ip))
	assert.True(t, receivesLoopback(ip))
	for _, bad := range []string{"", "0100007F", "0100007G:1F90", "0100007F:XYZ", "01007F:1F90"} {
		_, _, ok := parseProcAddr(bad)
		assert.False(t, ok, bad)
	}
}
