//go:build !linux

package native

import "net"

// procTables says whether udpListening binds each port for a moment.
const procTables = false

// udpListening reports which of ports have a UDP socket on 127.0.0.1.
// Without Linux's socket tables it tries to bind each port for a moment:
// a port it cannot bind is taken. A receiver binding the port in that
// moment fails, so callers poll sparingly.
func udpListening(ports []int) (map[int]bool, error) {
	found := map[int]bool{}
	for _, p := range ports {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
		if err != nil {
			found[p] = true
			continue
		}
		c.Close()
	}
	return found, nil
}
