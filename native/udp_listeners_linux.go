package native

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procTables says whether udpListening reads the kernel's socket tables.
const procTables = true

// udpListening reports which of ports have a UDP socket that receives
// datagrams sent to 127.0.0.1: bound to a loopback address or to the
// wildcard, IPv4 or IPv6. It reads the kernel's socket tables
// (/proc/net/udp and udp6, of this process's network namespace) and,
// unlike a test bind, cannot take a port from under a receiver that is
// binding it at that moment.
func udpListening(ports []int) (map[int]bool, error) {
	want := map[int]bool{}
	for _, p := range ports {
		want[p] = true
	}
	found := map[int]bool{}
	for _, table := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		data, err := os.ReadFile(table)
		if os.IsNotExist(err) && table == "/proc/net/udp6" {
			continue // a kernel without IPv6
		}
		if err != nil {
			return nil, fmt.Errorf("native: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Scan() // the header
		for sc.Scan() {
			fields := bytes.Fields(sc.Bytes())
			if len(fields) < 2 {
				continue
			}
			ip, port, ok := parseProcAddr(string(fields[1]))
			if ok && want[port] && receivesLoopback(ip) {
				found[port] = true
			}
		}
	}
	return found, nil
}

// parseProcAddr reads a local address of /proc/net/udp ("0100007F:1F90"):
// the address as 32-bit words printed in host order, then the port, all
// in hex. It returns the address in network order.
func parseProcAddr(s string) (ip []byte, port int, ok bool) {
	addr, portHex, found := strings.Cut(s, ":")
	if !found || (len(addr) != 8 && len(addr) != 32) {
		return nil, 0, false
	}
	p, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return nil, 0, false
	}
	for w := 0; w < len(addr); w += 8 {
		word, err := strconv.ParseUint(addr[w:w+8], 16, 32)
		if err != nil {
			return nil, 0, false
		}
		ip = binary.NativeEndian.AppendUint32(ip, uint32(word))
	}
	return ip, int(p), true
}

// receivesLoopback reports whether a socket bound to ip receives
// datagrams sent to 127.0.0.1: 0.0.0.0 and 127.x, or in IPv6 :: (dual
// stack) and ::ffff:127.x.
func receivesLoopback(ip []byte) bool {
	if len(ip) == 16 {
		v4mapped := bytes.Equal(ip[:12], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})
		if !v4mapped {
			return bytes.Equal(ip, make([]byte, 16))
		}
		ip = ip[12:]
	}
	return ip[0] == 127 || bytes.Equal(ip, []byte{0, 0, 0, 0})
}
