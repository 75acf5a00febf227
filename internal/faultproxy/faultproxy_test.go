package faultproxy

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 10 * time.Second

// pair is one connection through the proxy: the client's end and the
// server's end.
type pair struct{ client, server net.Conn }

// setup starts a target that hands over its accepted connections and a
// proxy in front of it.
func setup(t *testing.T) (*Proxy, func() pair) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	p, err := New(ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	connects := 0
	connect := func() pair {
		c, err := net.Dial("tcp", p.Addr())
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		connects++
		select {
		case s := <-accepted:
			t.Cleanup(func() { _ = s.Close() })
			// The target can accept before the proxy has registered
			// the pair (it dials, then registers): wait for that, or a
			// fault right away would miss this connection.
			n := connects
			require.Eventually(t, func() bool { return p.Accepted() >= n }, waitTimeout, time.Millisecond)
			return pair{client: c, server: s}
		case <-time.After(waitTimeout):
			t.Fatal("the proxy did not connect to the target")
			return pair{}
		}
	}
	return p, connect
}

// write writes s to c.
func write(t *testing.T, c net.Conn, s string) {
	t.Helper()
	_, err := c.Write([]byte(s))
	require.NoError(t, err)
}

// readN reads exactly n bytes from c.
func readN(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitTimeout)))
	buf := make([]byte, n)
	_, err := io.ReadFull(c, buf)
	require.NoError(t, err)
	return string(buf)
}

// passes writes s to from and checks that it arrives whole at to.
func passes(t *testing.T, from, to net.Conn, s string) {
	t.Helper()
	write(t, from, s)
	assert.Equal(t, s, readN(t, to, len(s)))
}

// readToEnd reads from c until the connection ends and returns what came.
func readToEnd(t *testing.T, c net.Conn) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitTimeout)))
	b, err := io.ReadAll(c)
	var ne net.Error
	if err != nil && assert.ErrorAs(t, err, &ne) {
		assert.False(t, ne.Timeout(), "the connection was not closed")
	}
	return string(b)
}

// waitDone waits until a fault has happened.
func waitDone(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatal("the fault did not happen")
	}
}

func TestForwardsBothWays(t *testing.T) {
	p, connect := setup(t)
	c := connect()
	passes(t, c.client, c.server, "ping")
	passes(t, c.server, c.client, "pong")
	assert.Equal(t, 1, p.Accepted())
}

func TestCutClosesAndAcceptsAgain(t *testing.T) {
	p, connect := setup(t)
	c := connect()
	p.Cut()
	assert.Empty(t, readToEnd(t, c.client))
	assert.Empty(t, readToEnd(t, c.server))
	c2 := connect()
	passes(t, c2.client, c2.server, "again")
	assert.Equal(t, 2, p.Accepted())
}

func TestStallHoldsUntilResume(t *testing.T) {
	p, connect := setup(t)
	c := connect()
	p.Stall()
	write(t, c.client, "held")
	require.Eventually(t, func() bool { return p.Held() == 1 }, waitTimeout, time.Millisecond)
	p.Resume()
	assert.Equal(t, "held", readN(t, c.server, 4))
}

func TestDropDiscardsBytesInOneDirection(t *testing.T) {
	for _, dir := range []Direction{ToServer, ToClient} {
		t.Run(dir.String(), func(t *testing.T) {
			p, connect := setup(t)
			c := connect()
			from, to := c.client, c.server
			other, otherTo := c.server, c.client
			if dir == ToClient {
				from, to, other, otherTo = c.server, c.client, c.client, c.server
			}
			done := p.Drop(dir, 5)
			select {
			case <-done:
				t.Fatal("a drop happened before any data flowed")
			default:
			}
			// The drop may span chunks: however the bytes are split, the
			// first five are gone and the rest arrives in order.
			write(t, from, "abc")
			write(t, from, "defgh")
			waitDone(t, done)
			assert.Equal(t, "fgh", readN(t, to, 3))
			passes(t, from, to, "ijk")       // only n bytes are dropped
			passes(t, other, otherTo, "xyz") // the other direction is untouched
			assert.Equal(t, 1, p.Accepted(), "the connection stays up")
		})
	}
}

func TestCutMidFrameForwardsPartThenCuts(t *testing.T) {
	for _, dir := range []Direction{ToServer, ToClient} {
		t.Run(dir.String(), func(t *testing.T) {
			p, connect := setup(t)
			c := connect()
			from, to := c.client, c.server
			if dir == ToClient {
				from, to = c.server, c.client
			}
			done := p.CutMidFrame(dir)
			write(t, from, "0123456789")
			waitDone(t, done)
			got := readToEnd(t, to)
			assert.Less(t, len(got), 10, "the chunk was not cut")
			assert.Equal(t, "0123456789"[:len(got)], got, "a prefix of the chunk arrives")
			// The proxy accepts new connections after the cut.
			c2 := connect()
			passes(t, c2.client, c2.server, "new")
		})
	}
}

func TestFaultsApplyInOrder(t *testing.T) {
	p, connect := setup(t)
	c := connect()
	dropped := p.Drop(ToClient, 2)
	cut := p.CutMidFrame(ToClient)
	write(t, c.server, "ab")
	waitDone(t, dropped)
	select {
	case <-cut:
		t.Fatal("the cut came before the drop ended")
	default:
	}
	write(t, c.server, "cdef")
	waitDone(t, cut)
	got := readToEnd(t, c.client)
	assert.Equal(t, "cdef"[:len(got)], got)
	assert.Less(t, len(got), 4)
}
