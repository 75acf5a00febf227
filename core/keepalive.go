package core

import (
	"context"
	"errors"
	"time"
)

// keepaliveLoop sends one keepalive per live session every period, from
// one timer for all sessions. Answers are handled by callbacks; no
// goroutine waits per session.
func (c *Client) keepaliveLoop() {
	defer close(c.kaDone)
	if c.opts.keepalive <= 0 {
		<-c.quit
		return
	}
	t := time.NewTicker(c.opts.keepalive)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
			for _, s := range c.Sessions() {
				c.sendKeepalive(s)
			}
		}
	}
}

func (c *Client) sendKeepalive(s *Session) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.txTimeout)
	defer cancel()
	c.e.post(ctx, s.keepaliveRequest(), func(_ *frame, err error) {
		if err == nil {
			return
		}
		if errors.Is(err, ErrClosed) || errors.Is(err, ErrDisconnected) {
			return // the session ends with the connection
		}
		c.log.Warn("janus: keepalive failed", "session", s.id, "err", err)
		s.events.push(&KeepaliveFailed{Source: Source{Session: s.id}, Err: err})
		if errors.Is(err, ErrSessionNotFound) {
			s.end(err)
		}
	})
}
