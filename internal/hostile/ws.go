package hostile

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"slices"
	"sync"

	"github.com/coder/websocket"
)

// subprotocol is the Janus API's WebSocket subprotocol.
const subprotocol = "janus-protocol"

// wsConn is one WebSocket a client opened.
type wsConn struct {
	c   *websocket.Conn
	raw net.Conn   // its TCP connection, for cuts
	mu  sync.Mutex // one message at a time
}

// serveWS answers the requests of one WebSocket until it closes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{subprotocol}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	if c.Subprotocol() != subprotocol {
		_ = c.Close(websocket.StatusProtocolError, "subprotocol "+subprotocol+" required")
		return
	}
	wc := &wsConn{c: c, raw: r.Context().Value(connKey{}).(net.Conn)}
	if !s.addConn(wc) {
		return
	}
	defer s.removeConn(wc)
	c.SetReadLimit(1 << 20)
	for {
		_, b, err := c.Read(s.ctx)
		if err != nil {
			return
		}
		req, err := parseRequest(b, 0, 0, false)
		rep := Reply{Answer: Request{}.Error(codeInvalidJSON, "JSON error")}
		if err == nil {
			rep = s.reply(req, wc)
		}
		for _, f := range append([]Frame{rep.Answer}, rep.Events...) {
			if err := wc.send(s.ctx, f); err != nil {
				return
			}
		}
	}
}

// addConn registers an open WebSocket; false when the server is closed.
func (s *Server) addConn(wc *wsConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns = append(s.conns, wc)
	s.accepted.Add(1)
	s.wg.Add(1)
	return true
}

func (s *Server) removeConn(wc *wsConn) {
	s.mu.Lock()
	s.conns = slices.DeleteFunc(s.conns, func(c *wsConn) bool { return c == wc })
	s.mu.Unlock()
	s.wg.Done()
}

// send writes one message (nothing for a nil Body).
func (wc *wsConn) send(ctx context.Context, f Frame) error {
	if f.Body == nil {
		return nil
	}
	wc.mu.Lock()
	defer wc.mu.Unlock()
	if f.Cut {
		return wc.cut(f)
	}
	typ := websocket.MessageText
	if f.Binary {
		typ = websocket.MessageBinary
	}
	return wc.c.Write(ctx, typ, f.Body)
}

// cut writes the first half of f's WebSocket frame straight to the TCP
// connection (the library flushes every message it writes, so nothing of
// its own is pending), then closes the connection. Writes after it fail.
func (wc *wsConn) cut(f Frame) error {
	op := byte(0x1) // text
	if f.Binary {
		op = 0x2
	}
	frame := append(wsHeader(0x80|op, len(f.Body)), f.Body...)
	_, err := wc.raw.Write(frame[:len(frame)/2])
	_ = wc.raw.Close()
	return err
}

// wsHeader is the header of an unmasked (server) frame with the first
// byte b0 (FIN and opcode) and a payload of n bytes.
func wsHeader(b0 byte, n int) []byte {
	switch {
	case n < 126:
		return []byte{b0, byte(n)}
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	}
	return binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
}
