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
			sessions := c.Sessions()
			for _, s := range sessions {
				c.sendKeepalive(s)
			}
			c.checkStall(len(sessions) > 0)
		}
	}
}

func (c *Client) sendKeepalive(s *Session) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.txTimeout)
	defer cancel()
	c.current().post(ctx, s.keepaliveRequest(), func(_ *frame, err error) {
		if err == nil {
			return
		}
		if errors.Is(err, ErrClosed) || errors.Is(err, ErrDisconnected) {
			return // the session ends with the connection
		}
		select {
		case <-s.done:
			return // destroyed meanwhile: the answer is moot
		default:
		}
		c.log.Warn("janus: keepalive failed", logIDs(s.id, 0, "err", err)...)
		s.events.push(&KeepaliveFailed{Source: Source{Session: s.id}, Err: err})
		if errors.Is(err, ErrSessionNotFound) {
			s.end(err)
		}
	})
}

// checkStall drops the connection when the server has sent nothing for
// the stall timeout although keepalives were sent (a stalled server): the
// client then reconnects, or gives up. It warns once per connection.
func (c *Client) checkStall(sentKeepalives bool) {
	limit := c.opts.stallTimeout
	if limit == 0 {
		limit = c.opts.keepalive + c.opts.txTimeout
	}
	if limit < 0 || !sentKeepalives {
		return
	}
	e := c.current()
	if e.failed() != nil || e.abortErr.Load() != nil {
		// Already dropped (or given up): while the client redials, the
		// dead connection's silence says nothing new.
		return
	}
	silent := time.Since(time.Unix(0, e.lastRecv.Load()))
	if silent > limit {
		c.log.Warn("janus: server silent, dropping the connection", "silent", silent.Round(time.Millisecond))
		e.abort(ErrStalled)
	}
}
